"""A CNN that mixes dropout and batch normalisation badly (DRP006, DRP007, DRP008).

Dropout changes the variance of its output between training and inference; a BatchNorm right after
it learns the training-time statistics and is off at test time (Li et al., 2019). Element-wise
dropout on convolutional feature maps barely regularises, because neighbouring pixels are correlated.
"""
from collections import OrderedDict

import torch.nn as nn


class SmallConvNet(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(1, 32, kernel_size=3, padding=1)),
            ("relu1", nn.ReLU()),
            ("drop1", nn.Dropout(0.5)),          # DRP006 (feeds bn2), DRP007 (heavy with BatchNorm), DRP008
            ("bn2", nn.BatchNorm2d(32)),
            ("conv2", nn.Conv2d(32, 64, kernel_size=3, padding=1)),
            ("bn3", nn.BatchNorm2d(64)),
            ("relu2", nn.ReLU()),
            ("pool", nn.MaxPool2d(2)),
        ]))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64 * 14 * 14, 128),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(128, classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))
