"""Write the Keras 3 model files that tests/test_keras_files.py loads, with Keras's predictions.

Run from anywhere with keras and jax installed (the tests themselves need neither)::

    KERAS_BACKEND=jax python tests/data/keras/make_fixtures.py [recurrent | legacy]

Each model is trained for a few steps (so that batch-normalization statistics and weights are
off their initial values), then saved as ``<name>.keras`` next to ``<name>_x.npy`` (its input;
``_x0`` / ``_x1`` for two inputs) and ``<name>_y.npy`` (Keras's predictions on that input).
The recurrent models (those of tests/test_keras_files_recurrent.py, written alone with the
argument ``recurrent``) are also saved as ``<name>.weights.h5``. With the argument ``legacy``,
only ``mlp.h5`` is written: the mlp model in Keras's legacy HDF5 model file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent


def mlp():
    model = keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(8, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-3)),
        keras.layers.Dense(3, activation="softmax"),
    ], name="mlp")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, [np.random.default_rng(1).normal(size=(16, 4))], np.arange(16) % 3


def batchnorm_dropout():
    model = keras.Sequential([
        keras.Input(shape=(5,)),
        keras.layers.Dense(6, activation="tanh", kernel_initializer="he_normal"),
        keras.layers.BatchNormalization(momentum=0.9),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(2, activation="softmax"),
    ], name="batchnorm_dropout")
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.005, rho=0.8),
                  loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
                  metrics=["accuracy"])
    labels = np.eye(2)[np.arange(16) % 2]
    return model, [np.random.default_rng(2).normal(size=(16, 5))], labels


def two_inputs():
    deep = keras.Input(shape=(3,), name="deep")
    wide = keras.Input(shape=(2,), name="wide")
    hidden = keras.layers.Dense(4, activation="relu", name="hidden")(deep)
    merged = keras.layers.Concatenate(name="merged")([hidden, wide])
    out = keras.layers.Dense(1, name="out")(merged)
    model = keras.Model(inputs=[deep, wide], outputs=out, name="two_inputs")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss="mse", metrics=["mae"])
    rng = np.random.default_rng(3)
    return model, [rng.normal(size=(16, 3)), rng.normal(size=(16, 2))], rng.normal(size=(16, 1))


def conv():
    model = keras.Sequential([
        keras.Input(shape=(6, 6, 1)),
        keras.layers.Conv2D(2, 3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(3),
    ], name="conv")
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model, [np.random.default_rng(4).normal(size=(16, 6, 6, 1))], np.arange(16) % 3


FIXTURES = {"mlp": mlp, "batchnorm_dropout": batchnorm_dropout, "two_inputs": two_inputs,
            "conv": conv}


def main() -> None:
    for name, build in FIXTURES.items():
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model, inputs, labels = build()
        inputs = [x.astype("float32") for x in inputs]
        x = inputs if len(inputs) > 1 else inputs[0]
        model.fit(x, labels.astype("float32"), batch_size=8, epochs=2, verbose=0)
        model.save(HERE / f"{name}.keras")
        if len(inputs) == 1:
            np.save(HERE / f"{name}_x.npy", inputs[0])
        else:
            for i, array in enumerate(inputs):
                np.save(HERE / f"{name}_x{i}.npy", array)
        np.save(HERE / f"{name}_y.npy", np.asarray(model.predict(x, verbose=0), "float32"))
        print(f"{name}.keras: {(HERE / f'{name}.keras').stat().st_size} bytes")


def bidirectional_lstm():
    tokens = keras.Input(shape=(6,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(10, 3)(tokens)
    x = keras.layers.Bidirectional(keras.layers.LSTM(2, return_sequences=True))(x)
    x = keras.layers.GRU(3, return_sequences=True)(x)
    out = keras.layers.TimeDistributed(keras.layers.Dense(2))(x)
    model = keras.Model(inputs=tokens, outputs=out, name="bidirectional_lstm")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="mse")
    rng = np.random.default_rng(5)
    return model, rng.integers(0, 10, size=(16, 6)).astype("int32"), rng.normal(size=(16, 6, 2))


def simple_rnn():
    model = keras.Sequential([
        keras.Input(shape=(5, 2)),
        keras.layers.SimpleRNN(3, return_sequences=True, go_backwards=True),
        keras.layers.RNN(keras.layers.SimpleRNNCell(2, activation="relu")),
        keras.layers.Dense(1),
    ], name="simple_rnn")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="mse")
    rng = np.random.default_rng(6)
    return model, rng.normal(size=(16, 5, 2)).astype("float32"), rng.normal(size=(16, 1))


RECURRENT = {"bidirectional_lstm": bidirectional_lstm, "simple_rnn": simple_rnn}


def main_recurrent() -> None:
    for name, build in RECURRENT.items():
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model, x, labels = build()
        model.fit(x, labels.astype("float32"), batch_size=8, epochs=3, verbose=0)
        model.save(HERE / f"{name}.keras")
        model.save_weights(HERE / f"{name}.weights.h5")
        np.save(HERE / f"{name}_x.npy", x)
        np.save(HERE / f"{name}_y.npy", np.asarray(model.predict(x, verbose=0), "float32"))
        print(f"{name}.keras: {(HERE / f'{name}.keras').stat().st_size} bytes")


def main_legacy() -> None:
    """mlp.h5: the mlp model in Keras's legacy HDF5 model file, as Keras 3 writes it, whose
    layout tests/test_keras_write.py checks numnet's .h5 files against."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model, inputs, labels = mlp()
    model.fit(inputs[0].astype("float32"), labels.astype("float32"), batch_size=8, epochs=2,
              verbose=0)
    model.save(HERE / "mlp.h5")
    print(f"mlp.h5: {(HERE / 'mlp.h5').stat().st_size} bytes")


if __name__ == "__main__":
    if sys.argv[1:] == ["legacy"]:
        main_legacy()
        sys.exit()
    if sys.argv[1:] != ["recurrent"]:
        main()
    main_recurrent()
