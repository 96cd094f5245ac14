"""Keras and tf.nn in four styles: Sequential list, model.add, functional API, subclassed model.

- DRP014: heavy dropout straight on the input throws away half of every example.
- DRP015: the same rate on every dropout layer; rates usually grow towards the output.
- DRP011: TF2's tf.nn.dropout takes a *drop* rate; 0.9 reads like TF1's keep_prob.
- DRP010: rate=1.0 removes every unit.
- DRP016: training=True on the prediction path keeps dropout on for a single, noisy prediction.
"""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


def input_dropout_model() -> keras.Model:
    model = keras.Sequential([
        layers.Dropout(0.5, input_shape=(784,)),   # DRP014: half of every input example is thrown away
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def uniform_rate_model() -> keras.Model:
    model = keras.Sequential()                    # DRP015: 0.3 after every hidden layer (reported on the model)
    model.add(layers.Dense(512, activation="relu", input_shape=(784,)))
    model.add(layers.Dropout(0.3))
    model.add(layers.Dense(256, activation="relu"))
    model.add(layers.Dropout(0.3))
    model.add(layers.Dense(128, activation="relu"))
    model.add(layers.Dropout(0.3))
    model.add(layers.Dense(10, activation="softmax"))
    return model


def functional_model() -> keras.Model:
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(rate=1.0)(x)              # DRP010: drops everything
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs, outputs)


class ResidualHead(keras.Model):
    def __init__(self, units: int = 64):
        super().__init__()
        self.dense = layers.Dense(units, activation="relu")
        self.out = layers.Dense(1)

    def call(self, x, training=False):
        h = self.dense(x)
        keep_prob = 0.9
        h = tf.nn.dropout(h, rate=keep_prob) if training else h   # DRP011: a keep probability passed as rate
        return self.out(h)


def predict_one(model: keras.Model, example):
    return model(example[None, ...], training=True)[0]   # DRP016: dropout forced on for a single prediction
