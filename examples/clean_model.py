"""A model and training loop with dropout done right; Dropout Lab reports nothing here.

- module dropout registered in __init__, placed after the activation and before the last Linear;
- functional dropout tied to self.training;
- BatchNorm before the activation and no dropout feeding it;
- rates that grow from the input towards the output;
- model.eval() for validation and model.train() again before the next epoch;
- Monte Carlo dropout: several stochastic passes, averaged.
"""
import torch
from torch import nn
import torch.nn.functional as F


class CleanNet(nn.Module):
    def __init__(self, in_features: int = 784, classes: int = 10):
        super().__init__()
        self.fc1 = nn.Linear(in_features, 256)
        self.bn1 = nn.BatchNorm1d(256)
        self.fc2 = nn.Linear(256, 128)
        self.drop2 = nn.Dropout(p=0.2)
        self.fc3 = nn.Linear(128, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.fc1(x.flatten(1))))
        x = F.dropout(x, p=0.1, training=self.training)
        x = self.drop2(F.relu(self.fc2(x)))
        return self.fc3(x)


def evaluate(model: nn.Module, loader) -> float:
    model.eval()
    correct = 0
    seen = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(1) == labels).sum().item()
            seen += labels.numel()
    return correct / max(seen, 1)


def fit(model: nn.Module, train_loader, val_loader, epochs: int = 3) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(epochs):
        model.train()
        for images, labels in train_loader:
            optimizer.zero_grad()
            F.cross_entropy(model(images), labels).backward()
            optimizer.step()
        print(f"epoch {epoch}: accuracy {evaluate(model, val_loader):.3f}")


def predict_with_uncertainty(model: nn.Module, x: torch.Tensor, passes: int = 20):
    """Monte Carlo dropout: several passes with dropout on, averaged."""
    samples = []
    with torch.no_grad():
        for _ in range(passes):
            model.train()
            samples.append(F.softmax(model(x), dim=1))
    model.eval()
    stacked = torch.stack(samples)
    return stacked.mean(0), stacked.std(0)
