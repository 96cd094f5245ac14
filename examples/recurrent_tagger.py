"""Recurrent dropout that does nothing (DRP012) and AlphaDropout in a ReLU network (DRP013).

nn.LSTM applies `dropout` between stacked layers only; with num_layers=1 it has no effect (PyTorch
merely warns at run time). AlphaDropout keeps the self-normalising statistics of SELU networks; with
ReLU it is just a different, less effective noise.
"""
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, vocab: int, tags: int, dim: int = 100):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, dim, batch_first=True, dropout=0.3)   # DRP012: a single layer
        self.proj = nn.Linear(dim, dim)
        self.act = nn.ReLU()
        self.noise = nn.AlphaDropout(0.1)                              # DRP013: AlphaDropout without SELU
        self.out = nn.Linear(dim, tags)

    def forward(self, tokens):
        states, _ = self.lstm(self.embed(tokens))
        return self.out(self.noise(self.act(self.proj(states))))
