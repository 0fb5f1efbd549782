"""Write ``optimizer_ema_adam.keras`` and ``optimizer_ema_sgd.keras``: a functional model
(Input(8) -> Dense(16, relu) -> Dense(1)) trained by Keras 3 for nine steps with
``use_ema=True`` and ``gradient_accumulation_steps=2`` (Adam, and SGD with momentum), so that
the file's optimizer state holds moving averages, a half-full gradient sum and slots; beside
each, ``optimizer_ema_<name>.npz`` with the data (``x``, ``y``), Keras's losses over the three
epochs it trains after saving (``losses``) and its weights then (``weight_0``, ...).
tests/test_keras_file_optimizer_ema.py loads the files in numnet, without Keras, continues
training and compares.

Run with keras and jax installed::

    KERAS_BACKEND=jax python tests/data/keras/make_optimizer_ema_fixture.py
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BATCH, EPOCHS = 8, 3
"""24 samples in batches of 8: three steps an epoch, nine before saving (an odd count, so the
gradient sum of accumulation over two steps holds one gradient in the file)."""


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return (rng.normal(size=(24, 8)).astype("float32"),
            rng.normal(size=(24, 1)).astype("float32"))


def build(keras, optimizer):
    """The model on ``keras`` or on ``numnet`` (the same code: both have Keras's API)."""
    x = keras.Input((8,))
    h = keras.layers.Dense(16, activation="relu")(x)
    model = keras.Model(x, keras.layers.Dense(1)(h))
    model.compile(optimizer, "mse")
    return model


def optimizer(keras, name: str, use_ema: bool = True, steps: int | None = 2):
    """Adam(0.01) or SGD(0.05, momentum=0.9), with ``use_ema`` and accumulation over
    ``steps``."""
    settings = {"use_ema": use_ema, "gradient_accumulation_steps": steps}
    if name == "adam":
        return keras.optimizers.Adam(0.01, **settings)
    return keras.optimizers.SGD(0.05, momentum=0.9, **settings)


def main():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    x, y = data()
    for name in ("adam", "sgd"):
        keras.utils.set_random_seed(3)
        model = build(keras, optimizer(keras, name))
        model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
        model.save(HERE / f"optimizer_ema_{name}.keras")
        # (Keras 3.15 on JAX fails in a second fit of a model with use_ema: a fresh load goes on)
        model = keras.saving.load_model(HERE / f"optimizer_ema_{name}.keras")
        history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
        weights = {f"weight_{i}": np.asarray(w) for i, w in enumerate(model.weights)}
        np.savez(HERE / f"optimizer_ema_{name}.npz", x=x, y=y,
                 losses=np.asarray(history.history["loss"], "float64"), **weights)


if __name__ == "__main__":
    main()
