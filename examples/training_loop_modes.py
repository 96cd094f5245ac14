"""A training script that forgets to switch modes (DRP002, DRP003).

Validation runs with dropout still active, so the validation loss is noisy and pessimistic; and
after the first validation pass the model stays in eval mode, so training continues without dropout.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader


def build_model() -> nn.Module:
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 512),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(512, 256),
        nn.ReLU(),
        nn.Dropout(0.4),
        nn.Linear(256, 10),
    )


def validate(model: nn.Module, val_loader: DataLoader, loss_fn) -> float:
    total = 0.0
    with torch.no_grad():
        for images, labels in val_loader:
            total += loss_fn(model(images), labels).item()   # DRP002: no model.eval() before inference
    return total / len(val_loader)


def train(model: nn.Module, train_loader: DataLoader, val_loader: DataLoader, epochs: int = 5) -> None:
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for epoch in range(epochs):
        for images, labels in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)   # DRP003: after the eval() below, training never calls train() again
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            accuracy = sum((model(x).argmax(1) == y).float().mean().item() for x, y in val_loader) / len(val_loader)
        print(f"epoch {epoch}: accuracy {accuracy:.3f}")



def main(train_loader: DataLoader, val_loader: DataLoader) -> None:
    model = build_model()
    # A fresh module is in training mode: this baseline is measured with dropout active.
    print(f"loss before training: {validate(model, val_loader, nn.CrossEntropyLoss()):.3f}")
    train(model, train_loader, val_loader)
