# A small PyTorch classifier with two dropout mistakes. Dropout Lab underlines both.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.drop1 = nn.Dropout(1.5)  # a rate must be a probability in [0, 1)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.drop1(F.relu(self.fc1(x)))
        # Functional dropout keeps dropping after model.eval() unless it is told otherwise.
        x = F.dropout(F.relu(self.fc2(x)), 0.3)
        return self.fc3(x)


model = Classifier()
print(model(torch.randn(2, 784)).shape)
