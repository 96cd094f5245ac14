// Generators of hostile linter input, shared by the robustness test (small, fixed seed) and
// scripts/fuzz.js (large runs): mutated model code, random bytes, NUL, invalid UTF-8, deep
// nesting, very long lines and very many lines, broken notebooks.

/** Deterministic PRNG (mulberry32). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Valid model code in several styles: the starting points that mutations break. */
export const SEED_SOURCES: readonly string[] = [
  `import torch
import torch.nn as nn
import torch.nn.functional as F

class Classifier(nn.Module):
    def __init__(self, hidden=128, p=0.5):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Dropout(0.25))
        self.fc1 = nn.Linear(8 * 26 * 26, hidden)
        self.drop = nn.Dropout(p)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        x = self.features(x).flatten(1)
        x = F.dropout(F.relu(self.fc1(x)), 0.3, training=self.training)
        return self.fc2(self.drop(x))

def evaluate(model, loader):
    model.eval()
    with torch.no_grad():
        return sum((model(x).argmax(1) == y).sum().item() for x, y in loader)
`,
  `from collections import OrderedDict
from torch import nn
net = nn.Sequential(OrderedDict([
    ("fc1", nn.Linear(784, 256)), ("act", nn.SELU()), ("drop", nn.AlphaDropout(0.1)),
    ("fc2", nn.Linear(256, 10)),
]))
rnn = nn.LSTM(32, 64, num_layers=1, dropout=0.2)
for epoch in range(10):
    net.train()
    for xb, yb in train_loader:
        loss = criterion(net(xb), yb)
`,
  `import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.SpatialDropout2D(0.1),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
inputs = keras.Input(shape=(20,))
x = layers.Dense(64)(inputs)
x = layers.Dropout(rate=0.4)(x)
outputs = layers.Dense(1)(x)
functional = keras.Model(inputs, outputs)
y = tf.nn.dropout(x, rate=0.2)

class Block(keras.layers.Layer):
    def call(self, x, training=None):
        return tf.nn.dropout(x, 0.1) if training else x
`,
];

const TOKENS = ['(', ')', '[', ']', '{', '}', ':', '\n', '    ', '\t', '"""', "'", '"', '#', '\\', 'nn.Dropout(', 'F.dropout(x, ', 'training=', 'self.', 'def ', 'class ', 'lambda ', 'with torch.no_grad():', 'model.eval()', '.train()', '0.5', '1.5', '-1', 'é', '😀', '\0', '\r', '\u2028', '\ud800', 'if ', 'else ', '*', '**', '@', ',', '=', '.'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** One source with a handful of random edits: deletions, duplications, token insertions, line swaps. */
export function mutateSource(random: () => number, source = pick(random, SEED_SOURCES)): string {
  let text = source;
  const steps = 1 + Math.floor(random() * 8);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(random() * (text.length + 1));
    const len = Math.floor(random() * 40);
    switch (Math.floor(random() * 6)) {
      case 0: text = text.slice(0, at) + text.slice(at + len); break;
      case 1: text = text.slice(0, at) + text.slice(at, at + len) + text.slice(at); break;
      case 2: case 3: text = text.slice(0, at) + pick(random, TOKENS) + text.slice(at); break;
      case 4: {
        const lines = text.split('\n');
        const i = Math.floor(random() * lines.length);
        const j = Math.floor(random() * lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
        text = lines.join('\n');
        break;
      }
      default: text = text.slice(0, at); break;
    }
  }
  return text;
}

export function randomBytes(random: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** Pathological but well-formed-ish sources, each with its name. `depth` is the nesting depth. */
export function pathologicalSources(depth = 20_000): [string, string][] {
  const r = (s: string, n = depth) => s.repeat(n);
  return [
    ['parentheses', `x = ${r('(')}1${r(')')}\n`],
    ['lists', `x = ${r('[')}${r(']')}\n`],
    ['dicts', `x = ${r('{"a": ')}1${r('}')}\n`],
    ['calls', `import torch.nn as nn\nx = ${r('f(')}nn.Dropout(1.5)${r(')')}\n`],
    ['sequential', `import torch.nn as nn\nm = ${r('nn.Sequential(')}nn.Dropout(2)${r(')')}\n`],
    ['attributes', `x = a${r('.b')}\n`],
    ['subscripts', `x = a${r('[0]')}\n`],
    ['binary chain', `x = 1${r(' + 1')}\n`],
    ['unary chain', `x = ${r('-')}1\n`],
    ['not chain', `x = ${r('not ')}y\n`],
    ['lambdas', `f = ${r('lambda: ')}0\n`],
    ['conditionals', `x = ${r('a if c else ')}b\n`],
    ['unclosed', `x = ${r('(')}\n`],
    ['closers', `${r(')')}\n`],
    ['string concat', `x = ${r('"a" ')}\n`],
    ['nested blocks', Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}if x:`).join('\n') + `\n${' '.repeat(100)}pass\n`],
  ];
}

/** Notebook JSON texts that are broken in different ways. */
export function brokenNotebooks(random: () => number): string[] {
  const good = JSON.stringify({ cells: [{ cell_type: 'code', source: ['import torch.nn as nn\n', 'nn.Dropout(2)\n'] }] });
  return [
    '', '{', '[]', 'null', '"cells"', '{"cells": null}', '{"cells": "x"}', '{"cells": [null]}', '{"cells": [[]]}',
    '{"cells": [{"cell_type": 5}]}', '{"cells": [{"cell_type": "code", "source": {"a": 1}}]}',
    '{"cells": [{"cell_type": "code", "source": [1, 2]}]}', '{"cells": [{"cell_type": "code"}]}',
    '{"worksheets": "x"}', '{"worksheets": [{"cells": [{"cell_type": "code", "input": 7}]}]}',
    good.slice(0, Math.floor(random() * good.length)),
    good.replace('"code"', '"markdown"'),
    JSON.stringify({ cells: [{ cell_type: 'code', source: `%%bash\n${'x'.repeat(1000)}` }] }),
    JSON.stringify({ cells: Array.from({ length: 500 }, () => ({ cell_type: 'code', source: 'def f(:\n' })) }),
  ];
}
