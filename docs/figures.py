"""Draw the figures of the course pages with numnet (run by the MkDocs hook in docs/hooks.py).

    python docs/figures.py OUT_DIR       # writes the PNG files into OUT_DIR

Each figure comes from the same calls the pages show, on the bundled MNIST sample, made small
enough that the whole set takes a few seconds.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np


def _mnist(rows: int):
    import numnet as keras

    (x, y), _ = keras.datasets.mnist.load_data()
    return x[:rows].reshape(-1, 784).astype("float32") / 255, y[:rows]


def activations(path: Path) -> None:
    """Sigmoid, ReLU and linear: the three activations of the course's first lessons."""
    import matplotlib.pyplot as plt

    import numnet as keras

    z = np.linspace(-4, 4, 161).astype("float32")
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for name in ("sigmoid", "relu", "linear"):
        a = keras.ops.convert_to_numpy(keras.activations.get(name)(z))
        ax.plot(z, a, label=name)
    ax.set_ylim(-1.5, 4.0)
    ax.set_xlabel("z")
    ax.set_ylabel("g(z)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def optimizers(path: Path) -> None:
    """numnet.tools.compare: GD-style SGD, momentum, RMSprop and Adam from the same weights."""
    import matplotlib.pyplot as plt

    import numnet as keras
    from numnet import layers, optimizers

    x, y = _mnist(2000)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    result = keras.tools.compare(
        model, x, y, epochs=8, batch_size=32, n_jobs=1,
        optimizers={"SGD": optimizers.SGD(learning_rate=0.01),
                    "SGD + momentum": optimizers.SGD(learning_rate=0.01, momentum=0.9),
                    "RMSprop": optimizers.RMSprop(learning_rate=0.001),
                    "Adam": optimizers.Adam(learning_rate=0.001)})
    result.plot(path)
    plt.close("all")


def lr_find(path: Path) -> None:
    """numnet.tools.lr_find on the course's 784-32-10 network."""
    import matplotlib.pyplot as plt

    import numnet as keras
    from numnet import layers

    x, y = _mnist(4000)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    keras.tools.lr_find(model, x, y).plot(path)
    plt.close("all")


def from_logits(path: Path) -> None:
    """The binary cross-entropy of a positive sample against its logit z: computed from the
    float32 probability sigmoid(z) (clipped, so it flattens) and from z itself."""
    import matplotlib.pyplot as plt

    import numnet as keras

    z = np.linspace(-30, 5, 351).astype("float32")
    y = np.ones((z.size, 1), "float32")
    probs = np.asarray(1 / (1 + np.exp(-z.astype("float64"))), "float32").reshape(-1, 1)
    from_p = keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(y, probs))
    from_z = keras.ops.convert_to_numpy(
        keras.losses.binary_crossentropy(y, z.reshape(-1, 1), from_logits=True))
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.plot(z, from_z, label="from_logits=True (loss of z)")
    ax.plot(z, from_p, "--", label="from probabilities sigmoid(z)")
    ax.set_xlabel("logit z of a sample whose label is 1")
    ax.set_ylabel("binary cross-entropy")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


FIGURES = {
    "course/img/activations.png": activations,
    "course/img/optimizers.png": optimizers,
    "course/img/lr-find.png": lr_find,
    "course/img/from-logits.png": from_logits,
}


def make_all(out: Path) -> dict[str, Path]:
    """Draw every figure into ``out``; returns {site path: file}."""
    import matplotlib

    matplotlib.use("Agg")
    import numnet as keras

    made = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keras.advice.disable()
        try:
            for uri, draw in FIGURES.items():
                path = Path(out) / uri.replace("/", "_")
                draw(path)
                made[uri] = path
        finally:
            keras.advice.enable()
    return made


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
    target.mkdir(parents=True, exist_ok=True)
    for uri, path in make_all(target).items():
        print(uri, "->", path)
