"""Hand-written dropout, and a dropout result that is never used (DRP009, DRP017).

Inverted dropout scales the kept units by 1/(1-p) during training, so nothing needs to change at
test time. Without the scaling, activations at inference are larger than the network was trained on.
"""
import torch
from torch import nn


class NoisyMLP(nn.Module):
    def __init__(self, p: float = 0.25):
        super().__init__()
        self.p = p
        self.fc1 = nn.Linear(64, 64)
        self.fc2 = nn.Linear(64, 64)
        self.fc3 = nn.Linear(64, 1)
        self.drop = nn.Dropout(p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.fc1(x))
        if self.training:
            mask = (torch.rand_like(h) > self.p).float()
            h = h * mask                          # DRP009: no 1/(1-p) scaling
        g = torch.relu(self.fc2(h))
        dropped = self.drop(g)                    # DRP017: computed, but fc3 below reads g
        return self.fc3(g)
