"""A small MNIST classifier with three ways of getting the dropout rate wrong (DRP010).

PyTorch rejects p outside [0, 1] only when the layer is built, and p=1 is accepted but zeroes
every activation, so these mistakes surface late or never. Dropout Lab flags them as you type.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

HIDDEN = 256
DROP_PERCENT = 50  # meant as "50 %", but PyTorch wants a probability


class MLP(nn.Module):
    def __init__(self, in_features: int = 784, classes: int = 10):
        super().__init__()
        self.fc1 = nn.Linear(in_features, HIDDEN)
        self.drop1 = nn.Dropout(p=1.5)            # DRP010: rate above 1
        self.fc2 = nn.Linear(HIDDEN, HIDDEN)
        self.drop2 = nn.Dropout(DROP_PERCENT)      # DRP010: a percentage, resolved through the constant
        self.fc3 = nn.Linear(HIDDEN, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.drop1(F.relu(self.fc1(x.flatten(1))))
        x = self.drop2(F.relu(self.fc2(x)))
        # p=1.0 drops every unit: during training the last layer only ever sees zeros.
        x = F.dropout(x, p=1.0, training=self.training)   # DRP010: rate of exactly 1
        return self.fc3(x)
