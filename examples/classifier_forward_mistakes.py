"""Mode mistakes inside forward(): dropout that model.eval() cannot switch off.

- DRP005: a Dropout module built inside forward() is never registered, so eval() never reaches it.
- DRP004: functional dropout with the default training=True keeps dropping at inference.
- DRP001: dropout on the model's output perturbs the logits themselves.
"""
from torch import nn
from torch.nn import functional as F


class TextClassifier(nn.Module):
    def __init__(self, vocab_size: int, embed_dim: int = 128, classes: int = 4):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim)
        self.hidden = nn.Linear(embed_dim, 64)
        self.head = nn.Linear(64, classes)
        self.out_drop = nn.Dropout(0.1)

    def forward(self, tokens, offsets):
        x = self.embedding(tokens, offsets)
        x = nn.Dropout(0.3)(x)                 # DRP005: new module on every call, always in training mode
        x = F.relu(self.hidden(x))
        x = F.dropout(x, 0.2)                  # DRP004: training flag not passed (defaults to True)
        logits = self.head(x)
        return self.out_drop(logits)           # DRP001: dropout applied to the logits
