"""The seeds' own binary classifiers under numnet and under Keras, each in its own process.

    python bench/seed_models.py            # numnet (list and tape) and Keras on JAX if installed

The models of examples/seed_001_binary_objects.py (784 -> 16 relu -> 1 sigmoid, RMSprop,
binary cross-entropy, accuracy) and examples/seed_003_workflow.py (784 -> 25 sigmoid -> 15
sigmoid -> 1 sigmoid, the default RMSprop, BinaryCrossentropy), on the bundled MNIST images of
0s and 1s tiled to 8,000 rows, batch 32 (Keras's default). Prints the steady epoch seconds (the
median of epochs 2-9, one fit call an epoch as a script would make them) and numnet's ratio to
Keras. Times nothing in CI and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

MODELS = {
    "seed_001": ("relu16", "rmsprop", ["accuracy"]),
    "seed_003": ("sigmoid25_15", "rmsprop", []),
}
ROWS = 8000
EPOCHS = 9


def _data():
    import numpy as np

    import numnet

    (x, y), _ = numnet.datasets.mnist.load_data()
    x = x.reshape(len(x), -1).astype("float32") / 255
    keep = y <= 1
    reps = -(-ROWS // int(keep.sum()))
    x = np.ascontiguousarray(np.tile(x[keep], (reps, 1))[:ROWS])
    y = np.tile(y[keep].astype("float32"), reps)[:ROWS]
    return x, y


def _build(keras, name):
    hidden, optimizer, metrics = MODELS[name]
    layers = [keras.Input(shape=(784,))]
    if hidden == "relu16":
        layers.append(keras.layers.Dense(16, activation="relu"))
    else:
        layers += [keras.layers.Dense(25, activation="sigmoid"),
                   keras.layers.Dense(15, activation="sigmoid")]
    layers.append(keras.layers.Dense(1, activation="sigmoid"))
    keras.utils.set_random_seed(0)
    return keras.Sequential(layers), optimizer, metrics


def worker(lib: str) -> dict:
    """Steady epoch seconds of each model under ``lib``: numnet, numnet_tape or keras."""
    x, y = _data()
    if lib == "keras":
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import keras
    else:
        import numnet as keras
    out = {}
    for name in MODELS:
        model, optimizer, metrics = _build(keras, name)
        extra = {"jit_compile": False} if lib == "numnet_tape" else {}
        model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=metrics, **extra)
        times = []
        for _ in range(EPOCHS):
            start = time.perf_counter()
            model.fit(x, y, batch_size=32, epochs=1, verbose=0)
            times.append(time.perf_counter() - start)
        out[name] = statistics.median(times[1:])
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return 0
    libs = ["numnet", "numnet_tape"]
    os.environ.setdefault("KERAS_BACKEND", "jax")
    try:
        import keras  # noqa: F401
        libs.append("keras")
    except ImportError:
        print("keras (with jax) is not installed: numnet only")
    results = {}
    for lib in libs:
        done = subprocess.run([sys.executable, __file__, "--worker", lib], capture_output=True,
                              text=True, check=True)
        results[lib] = json.loads(done.stdout.strip().splitlines()[-1])
    for name in MODELS:
        line = "  ".join(f"{lib} {results[lib][name]:.4f} s" for lib in libs)
        ratio = (f"  numnet / keras {results['numnet'][name] / results['keras'][name]:.2f}"
                 if "keras" in results else "")
        print(f"{name}: {line}{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
