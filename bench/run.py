"""Benchmark numnet against the libraries users would otherwise pick, on the seed workloads.

    python bench/run.py                       # every workload, every installed peer
    python bench/run.py --workloads W2 --peers numnet,torch --epochs 4
    python bench/run.py --rounds 3            # each workload's peers three times, in turn
    python bench/run.py --workloads W5,W6,W7 --peers numnet,numnet-steps,keras,torch --epochs 2
    python bench/run.py --workloads W5 --peers numnet,keras,keras-tf --tf-python ../tf/bin/python

Each (library, workload) pair runs in its own process on the same data (the bundled 4,000
MNIST training images tiled x15 = 60,000 rows, 1,000 test images), with the same architecture and
hyper-parameters. Reported per pair: import time, first and steady epoch time (median of the
epochs after the first), steps/s, peak RSS, final training loss, test accuracy; then numnet's
ratio to each peer and its efficiency against the "GEMMs alone" floor (only the matrix products
of each training step, in NumPy). Nothing here is asserted: the numbers go to bench/RESULTS.md.

After training, each pair also measures prediction, NumPy in and NumPy out: batch-1 latency (the
median over 200 calls, after warm-up, each on one test row) and batch-10,000 throughput (the 1,000
test images tiled x10, predicted in one call; the median of 5 calls). numnet and Keras report two
batch-1 latencies: ``model.predict(x, verbose=0)`` and ``model(x)``; torch has one (``model(x)``
under ``no_grad``, reported as the call latency), scikit-learn one (``predict_proba``, reported as
the predict latency). The 10,000-row call is ``predict(x, batch_size=10000)`` for numnet and Keras
(one batch, not Keras's default of 32), ``model(x)`` under ``no_grad`` for torch,
``predict_proba`` for scikit-learn.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

WORKLOADS = {
    # name: (hidden sizes, output activation, loss kind, optimizer, batch size)
    "W1": ((32,), "softmax", "categorical", "rmsprop", 128),
    "W2": ((128,), "softmax", "sparse", "adam", 32),
    "W3": ((25, 15), "linear", "sparse_logits", "adam", 32),
    "W4": ((512, 512), "linear", "sparse_logits", "adam", 256),
}
# Beyond Dense stacks: W5 Keras's simple MNIST convnet (12,000 images: the bundled 4,000 x3);
# W6 and W7 binary classification of 6,000 token sequences of length 100 from a vocabulary of
# 20,000 (synthetic: the label is the sign of a fixed random score summed over the tokens).
# name: (model kind, optimizer, batch size)
MODEL_WORKLOADS = {
    "W5": ("convnet", "adam", 128),
    "W6": ("lstm", "adam", 32),
    "W7": ("bigru", "adam", 64),
}
PEERS = ("numnet", "torch", "sklearn", "keras")
"""Also "numnet-steps": numnet with its recurrent layers on the per-step path (the reference of
the sequence kernels), for W6 and W7; and "keras-tf": Keras 3 on TensorFlow (the same program
with KERAS_BACKEND=tensorflow), run by the interpreter given with ``--tf-python`` (TensorFlow
and JAX in one environment pin each other's dependencies, so TensorFlow may live in a second
one, with numnet installed there too for the data)."""
BACKENDS = {"keras": "jax", "keras-tf": "tensorflow"}
VOCABULARY, SEQUENCE_LENGTH, SEQUENCES, TEST_SEQUENCES = 20_000, 100, 6_000, 1_000
LEARNING_RATE = 0.001
LATENCY_REPEATS = 200       # batch-1 calls timed per prediction path (after LATENCY_WARMUP)
LATENCY_WARMUP = 5
THROUGHPUT_ROWS = 10_000    # the test images tiled to this many rows, predicted in one call
THROUGHPUT_REPEATS = 5      # calls timed (after one warm-up)
PREDICT_BUDGET_S = 10.0     # stop repeating a path early (keeping at least 5 calls) past this


def load_data():
    import numpy as np

    import numnet

    (x, y), (xt, yt) = numnet.datasets.mnist.load_data(bundled=True)
    x = np.tile(x.reshape(len(x), 784).astype("float32") / 255, (15, 1))
    y = np.tile(y.astype("int64"), 15)
    xt = xt.reshape(len(xt), 784).astype("float32") / 255
    return x, y, xt, yt.astype("int64")


def load_model_data(workload: str):
    """(x, y, x_test, y_test) of W5-W7: y the class (W5) or 0 / 1 (W6, W7)."""
    import numpy as np

    import numnet

    if MODEL_WORKLOADS[workload][0] == "convnet":
        (x, y), (xt, yt) = numnet.datasets.mnist.load_data(bundled=True)
        x = np.tile(x.astype("float32")[..., None] / 255, (3, 1, 1, 1))
        return x, np.tile(y.astype("int64"), 3), xt.astype("float32")[..., None] / 255, \
            yt.astype("int64")
    rng = np.random.default_rng(0)
    # Zipf-like token frequencies, as in text; a fixed score a token
    p = 1.0 / np.arange(1, VOCABULARY + 1)
    p /= p.sum()
    score = rng.normal(size=VOCABULARY)
    tokens = rng.choice(VOCABULARY, size=(SEQUENCES + TEST_SEQUENCES, SEQUENCE_LENGTH), p=p)
    labels = (score[tokens].sum(1) > np.median(score[tokens].sum(1))).astype("float32")
    tokens = tokens.astype("int32")
    return (tokens[:SEQUENCES], labels[:SEQUENCES], tokens[SEQUENCES:], labels[SEQUENCES:])


def build_model_workload(keras, workload: str):
    """W5-W7 in the Keras API (numnet or Keras itself), compiled."""
    kind, _, _ = MODEL_WORKLOADS[workload]
    keras.utils.set_random_seed(0)
    L = keras.layers
    if kind == "convnet":
        model = keras.Sequential([
            keras.Input(shape=(28, 28, 1)), L.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            L.MaxPooling2D(pool_size=(2, 2)), L.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            L.MaxPooling2D(pool_size=(2, 2)), L.Flatten(), L.Dropout(0.5),
            L.Dense(10, activation="softmax")])
        loss = "sparse_categorical_crossentropy"
    else:
        recurrent = (L.LSTM(64) if kind == "lstm" else L.Bidirectional(L.GRU(32)))
        model = keras.Sequential([
            keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int32"),
            L.Embedding(VOCABULARY, 128 if kind == "lstm" else 64), recurrent,
            L.Dense(1, activation="sigmoid")])
        loss = "binary_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=loss,
                  metrics=["accuracy"])
    return model


def run_model_workload(peer: str, workload: str, epochs: int):
    """(times of the epochs, the last epoch's loss, test accuracy) of W5-W7 for ``peer``."""
    x, y, xt, yt = load_model_data(workload)
    batch = MODEL_WORKLOADS[workload][2]
    if peer == "torch":
        return _torch_model_workload(workload, x, y, xt, yt, epochs, batch)
    if peer in BACKENDS:
        os.environ["KERAS_BACKEND"] = BACKENDS[peer]
        import keras
    else:
        import numnet as keras

        if peer == "numnet-steps":
            from numnet.fast import recurrent as recurrent_kernels

            recurrent_kernels.enabled = False
    model = build_model_workload(keras, workload)
    times, loss = [], None
    for _ in range(epochs):
        t, cpu = time.perf_counter(), time.process_time()
        history = model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
        times.append((time.perf_counter() - t, time.process_time() - cpu))
        loss = history.history["loss"][-1]
    p = model.predict(xt, batch_size=256, verbose=0)
    guess = p.argmax(1) if p.shape[-1] > 1 else (p[:, 0] > 0.5)
    return times, loss, float((guess == yt).mean())


def _torch_model_workload(workload, x, y, xt, yt, epochs, batch):
    import torch

    torch.manual_seed(0)
    nn = torch.nn
    kind = MODEL_WORKLOADS[workload][0]
    if kind == "convnet":
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3),
                              nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5),
                              nn.Linear(1600, 10))
        loss_fn = nn.CrossEntropyLoss()
        xs, ys = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), torch.from_numpy(y)
        xts = torch.from_numpy(xt.transpose(0, 3, 1, 2).copy())
    else:
        width, units = (128, 64) if kind == "lstm" else (64, 32)

        class Text(nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = nn.Embedding(VOCABULARY, width)
                rnn = nn.LSTM if kind == "lstm" else nn.GRU
                self.rnn = rnn(width, units, batch_first=True, bidirectional=kind == "bigru")
                self.out = nn.Linear(units * (2 if kind == "bigru" else 1), 1)

            def forward(self, tokens):
                _, state = self.rnn(self.embedding(tokens))
                h = state[0] if kind == "lstm" else state
                return self.out(torch.cat(list(h), dim=1))[:, 0]

        model = Text()
        loss_fn = nn.BCEWithLogitsLoss()
        xs, ys = torch.from_numpy(x.astype("int64")), torch.from_numpy(y)
        xts = torch.from_numpy(xt.astype("int64"))
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, eps=1e-7)
    times, loss_value = [], None
    for _ in range(epochs):
        model.train()
        t, cpu = time.perf_counter(), time.process_time()
        order = torch.randperm(len(x))
        total = 0.0
        for lo in range(0, len(x), batch):
            idx = order[lo:lo + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xs[idx]), ys[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        times.append((time.perf_counter() - t, time.process_time() - cpu))
        loss_value = total / len(x)
    model.eval()
    with torch.no_grad():
        out = model(xts).numpy()
    guess = out.argmax(1) if out.ndim == 2 else out > 0
    return times, loss_value, float((guess == yt).mean())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------- prediction


def _median_seconds(fn, x, repeats, warmup, budget_s) -> float:
    """Median wall time of fn(x) over `repeats` calls after `warmup` untimed calls."""
    for _ in range(warmup):
        fn(x)
    times, start = [], time.perf_counter()
    for _ in range(repeats):
        t = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t)
        if len(times) >= 5 and time.perf_counter() - start > budget_s:
            break
    return statistics.median(times)


def tile_rows(x, rows: int):
    """x's rows repeated until there are `rows` of them (contiguous, like a user's batch)."""
    import numpy as np

    return np.ascontiguousarray(np.tile(x, (-(-rows // len(x)), 1))[:rows])


def measure_prediction(predictors: dict, xt, latency_repeats=LATENCY_REPEATS,
                       latency_warmup=LATENCY_WARMUP, rows=THROUGHPUT_ROWS,
                       throughput_repeats=THROUGHPUT_REPEATS, budget_s=PREDICT_BUDGET_S) -> dict:
    """predict1_ms, call1_ms (None where the library has no such path) and predict10k_per_s.

    predictors: "predict1" and/or "call1" (batch-1 paths) and "batch" (the one-call path for
    `rows` rows), each a function from a NumPy array to a NumPy array."""
    x1 = xt[:1].copy()
    out = {}
    for key in ("predict1", "call1"):
        fn = predictors.get(key)
        out[f"{key}_ms"] = None if fn is None else 1e3 * _median_seconds(
            fn, x1, latency_repeats, latency_warmup, budget_s)
    xs = tile_rows(xt, rows)
    seconds = _median_seconds(predictors["batch"], xs, throughput_repeats, 1, budget_s)
    out["predict10k_per_s"] = rows / seconds
    return out


def _keras_api_predictors(model) -> dict:
    import numpy as np

    return {"predict1": lambda x: model.predict(x, verbose=0),
            # np.asarray: a NumPy result (and, for JAX's asynchronous arrays, a finished one).
            "call1": lambda x: np.asarray(model(x)),
            "batch": lambda x: model.predict(x, batch_size=len(x), verbose=0)}


# ----------------------------------------------------------------------------- workers


def run_numnet(spec, x, y, xt, yt, epochs):
    import numnet

    return _run_keras_api(numnet, spec, x, y, xt, yt, epochs)


def build_model(keras, spec):
    """The workload's model, compiled, in the Keras API (numnet or Keras itself)."""
    hidden, out_act, loss_kind, opt, batch = spec
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(784,))]
        + [keras.layers.Dense(h, activation="relu") for h in hidden]
        + [keras.layers.Dense(10, activation=out_act)])
    loss = {"categorical": "categorical_crossentropy",
            "sparse": "sparse_categorical_crossentropy",
            "sparse_logits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            }[loss_kind]
    optimizer = {"rmsprop": keras.optimizers.RMSprop(LEARNING_RATE),
                 "adam": keras.optimizers.Adam(LEARNING_RATE)}[opt]
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


def _run_keras_api(keras, spec, x, y, xt, yt, epochs):
    """The same Keras-API program, for numnet and for Keras itself."""
    import_s = 0.0
    loss_kind, batch = spec[2], spec[4]
    model = build_model(keras, spec)
    targets = keras.utils.to_categorical(y, 10) if loss_kind == "categorical" else y
    times, loss_value = [], None
    for _ in range(epochs):
        t = time.perf_counter()
        history = model.fit(x, targets, batch_size=batch, epochs=1, verbose=0)
        times.append(time.perf_counter() - t)
        loss_value = history.history["loss"][-1]
    accuracy = float((model.predict(xt, verbose=0).argmax(axis=1) == yt).mean())
    return import_s, times, loss_value, accuracy, _keras_api_predictors(model)


def run_torch(spec, x, y, xt, yt, epochs):
    t0 = time.perf_counter()
    import torch

    import_s = time.perf_counter() - t0
    hidden, out_act, loss_kind, opt, batch = spec
    torch.manual_seed(0)
    layers, width = [], 784
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, 10))
    model = torch.nn.Sequential(*layers)
    # Softmax + cross-entropy and logits + cross-entropy are the same computation in torch.
    loss_fn = torch.nn.CrossEntropyLoss()
    if opt == "rmsprop":
        optimizer = torch.optim.RMSprop(model.parameters(), lr=LEARNING_RATE, alpha=0.9, eps=1e-7)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, eps=1e-7)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    times, loss_value = [], None
    n = len(x)
    for _ in range(epochs):
        t = time.perf_counter()
        order = torch.randperm(n)
        total = 0.0
        for lo in range(0, n, batch):
            idx = order[lo:lo + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xs[idx]), ys[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        times.append(time.perf_counter() - t)
        loss_value = total / n
    model.eval()
    with torch.no_grad():
        accuracy = float((model(torch.from_numpy(xt)).argmax(1).numpy() == yt).mean())

    def forward(x):
        with torch.no_grad():
            return model(torch.from_numpy(x)).numpy()

    return import_s, times, loss_value, accuracy, {"call1": forward, "batch": forward}


def run_sklearn(spec, x, y, xt, yt, epochs):
    hidden, out_act, loss_kind, opt, batch = spec
    if opt != "adam":
        raise NotImplementedError("scikit-learn's MLP has no RMSprop")
    t0 = time.perf_counter()
    from sklearn.neural_network import MLPClassifier

    import_s = time.perf_counter() - t0
    model = MLPClassifier(hidden_layer_sizes=hidden, solver="adam", batch_size=batch,
                          learning_rate_init=LEARNING_RATE, alpha=0.0, epsilon=1e-7,
                          random_state=0, shuffle=True)
    classes = list(range(10))
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        model.partial_fit(x, y, classes=classes)
        times.append(time.perf_counter() - t)
    accuracy = float((model.predict(xt) == yt).mean())
    predictors = {"predict1": model.predict_proba, "batch": model.predict_proba}
    return import_s, times, float(model.loss_), accuracy, predictors


def run_keras(spec, x, y, xt, yt, epochs):
    os.environ.setdefault("KERAS_BACKEND", "jax")  # "keras-tf" sets tensorflow first
    import keras

    return _run_keras_api(keras, spec, x, y, xt, yt, epochs)


def gemm_floor(spec, x, epochs=3):
    """Seconds per epoch of only the matrix products of each training step, in NumPy."""
    import numpy as np

    hidden, _, _, _, batch = spec
    sizes = (784,) + tuple(hidden) + (10,)
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((a, b), dtype=np.float32) * 0.05
               for a, b in zip(sizes[:-1], sizes[1:])]
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        for lo in range(0, len(x), batch):
            acts = [x[lo:lo + batch]]
            for w in weights:
                acts.append(acts[-1] @ w)
            g = acts[-1]
            for i in range(len(weights) - 1, -1, -1):
                _ = acts[i].T @ g
                if i:
                    g = g @ weights[i].T
        times.append(time.perf_counter() - t)
    return statistics.median(times[1:] or times)


def model_gemm_floor(workload: str, epochs: int = 2) -> float:
    """Seconds per epoch of only the matrix products of W5-W7's training steps, in NumPy: the
    convolutions as products over their patches (the patches made outside the timing), the
    recurrent layers as their input projection over all time steps and one recurrent product a
    step, each with its backward products. The products run as numnet runs them
    (fast/threads.py: the BLAS on one thread, a large product cut by rows across the cores);
    with the BLAS's threads on the recurrent steps' tiny products the floor would mostly time
    their waits."""
    import numpy as np

    from numnet.fast import threads

    kind, _, batch = MODEL_WORKLOADS[workload]
    rng = np.random.default_rng(0)
    mm = threads.matmul

    def m(*shape):
        return rng.standard_normal(shape, dtype=np.float32)

    if kind == "convnet":
        steps = -(-12_000 // batch)
        # (rows, k, n, input gradient?): conv1 26*26 positions x 9 taps -> 32; conv2 11*11 x 288
        # -> 64 (its input needs a gradient); the head 1600 -> 10
        shapes = [(batch * 676, 9, 32, False), (batch * 121, 288, 64, True),
                  (batch, 1600, 10, True)]
        step_products = [(m(r, k), m(k, n), m(r, n), dx) for r, k, n, dx in shapes]

        def step():
            for a, w, g, dx in step_products:
                _ = mm(a, w)
                _ = mm(a.T, g)
                if dx:
                    _ = mm(g, w.T)
    else:
        steps = -(-SEQUENCES // batch)
        width, units, directions = (128, 64, 1) if kind == "lstm" else (64, 32, 2)
        gates = (4 if kind == "lstm" else 3) * units
        a, w, g = m(batch * SEQUENCE_LENGTH, width), m(width, gates), \
            m(batch * SEQUENCE_LENGTH, gates)
        h, u, gh = m(batch, units), m(units, gates), m(batch, gates)
        head, wh = m(batch, units * directions), m(units * directions, 1)

        dout = m(batch, 1)

        def step():
            for _direction in range(directions):
                _ = mm(a, w)
                _ = mm(a.T, g)
                _ = mm(g, w.T)
                for _t in range(SEQUENCE_LENGTH):
                    _ = h @ u  # forward
                    _ = h.T @ gh  # backward: the recurrent kernel's gradient
                    _ = gh @ u.T  # and the state's
            _ = head @ wh
            _ = head.T @ dout

    times = []
    with threads.scope():
        for _ in range(epochs):
            t = time.perf_counter()
            for _ in range(steps):
                step()
            times.append(time.perf_counter() - t)
    return statistics.median(times[1:] or times)


RUNNERS = {"numnet": run_numnet, "torch": run_torch, "sklearn": run_sklearn, "keras": run_keras,
           "keras-tf": run_keras}


IMPORTS = {"numnet": "import numnet", "torch": "import torch",
           "sklearn": "from sklearn.neural_network import MLPClassifier",
           "keras": "import os; os.environ.setdefault('KERAS_BACKEND', 'jax'); import keras",
           "keras-tf": "import os; os.environ['KERAS_BACKEND'] = 'tensorflow'; import keras"}


def import_seconds(peer: str, repeats: int = 3) -> float:
    """Wall time of a fresh interpreter importing the library, less an empty interpreter's;
    with the bytecode cache written first, as after an install (PYTHONDONTWRITEBYTECODE in the
    environment would otherwise make an editable install compile its sources on each run)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run(code):
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, env=env)
        best = float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                           env=env)
            best = min(best, time.perf_counter() - t)
        return best

    return max(0.0, run(IMPORTS[peer]) - run("pass"))


def worker(peer: str, workload: str, epochs: int) -> dict:
    if workload in MODEL_WORKLOADS:
        if peer not in ("numnet", "numnet-steps", "keras", "keras-tf", "torch"):
            raise NotImplementedError(f"{peer} has no {workload}")
        if peer == "numnet-steps" and workload == "W5":
            raise NotImplementedError("numnet-steps differs from numnet on W6 and W7 only")
        both, loss, accuracy = run_model_workload(peer, workload, epochs)
        steps = -(-len(load_model_data(workload)[0]) // MODEL_WORKLOADS[workload][2])
        times, cpu = [w for w, _ in both], [c for _, c in both]
        steady = statistics.median(times[1:]) if len(times) > 1 else times[0]
        # CPU seconds of the process (all its threads): on a machine shared with other work,
        # wall time measures the other work as much as this
        steady_cpu = statistics.median(cpu[1:]) if len(cpu) > 1 else cpu[0]
        return {"peer": peer, "workload": workload, "import_s": 0.0, "first_s": times[0],
                "steady_s": steady, "steady_cpu_s": steady_cpu, "steps_per_s": steps / steady,
                "peak_rss_mb": peak_rss_mb(), "loss": loss, "accuracy": accuracy,
                "epochs": epochs}
    if peer in BACKENDS:
        os.environ["KERAS_BACKEND"] = BACKENDS[peer]
    x, y, xt, yt = load_data()
    spec = WORKLOADS[workload]
    _, times, loss, accuracy, predictors = RUNNERS[peer](spec, x, y, xt, yt, epochs)
    train_rss = peak_rss_mb()     # before prediction, so this stays the training peak
    prediction = measure_prediction(predictors, xt)
    import_s = import_seconds(peer)
    steps = -(-len(x) // spec[4])
    steady = statistics.median(times[1:]) if len(times) > 1 else times[0]
    return {"peer": peer, "workload": workload, "import_s": import_s, "first_s": times[0],
            "steady_s": steady, "steps_per_s": steps / steady, "peak_rss_mb": train_rss,
            "loss": loss, "accuracy": accuracy, "epochs": epochs, **prediction,
            "predict_peak_rss_mb": peak_rss_mb()}


def _ms(value) -> str:
    return "-" if value is None else f"{value:.3f}ms"


def row_line(r: dict) -> str:
    return (f"{r['workload']} {r['peer']:8s} import {r['import_s']:.2f}s  "
            f"first {r['first_s']:.2f}s  steady {r['steady_s']:.3f}s  "
            + (f"(cpu {r['steady_cpu_s']:.3f}s)  " if "steady_cpu_s" in r else "")
            + f"{r['steps_per_s']:.0f} steps/s  "
            f"rss {r['peak_rss_mb']:.0f} MB  loss {r['loss']:.4f}  acc {r['accuracy']:.3f}  "
            f"| predict(1) {_ms(r.get('predict1_ms'))}  call(1) {_ms(r.get('call1_ms'))}  "
            f"predict(10k) {r.get('predict10k_per_s', 0):,.0f}/s")


def prediction_ratios(mine: dict, peer: dict) -> list[str]:
    """numnet's prediction time over the peer's (lower is better). A peer with one batch-1 path
    (torch: the call; scikit-learn: predict_proba) is compared on it for both of numnet's."""
    parts = []
    for key, label in (("predict1_ms", "predict(1)"), ("call1_ms", "call(1)")):
        theirs = peer.get(key)
        if theirs is None:
            theirs = peer.get("call1_ms" if key == "predict1_ms" else "predict1_ms")
        if mine.get(key) is not None and theirs:
            parts.append(f"{label} {mine[key] / theirs:.2f}x")
    if mine.get("predict10k_per_s") and peer.get("predict10k_per_s"):
        parts.append(f"predict(10k) {peer['predict10k_per_s'] / mine['predict10k_per_s']:.2f}x")
    return parts


# ----------------------------------------------------------------------------- driver


def versions() -> dict:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for name in ("numpy", "numnet", "torch", "scikit-learn", "keras", "jax"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            pass
    return out


def _against_numnet(rows, workloads):
    """(workload, numnet's row, the other rows of that workload) for each workload numnet ran,
    from the first round."""
    rows = [r for r in rows if r.get("round", 0) == 0]
    for workload in workloads:
        mine = [r for r in rows if r["workload"] == workload and r["peer"] == "numnet"]
        if mine:
            yield workload, mine[0], [r for r in rows
                                      if r["workload"] == workload and r["peer"] != "numnet"]


def round_ratios(rows, workload: str, peer: str) -> list:
    """numnet's steady epoch over ``peer``'s, one ratio per round in which both ran: each pair
    was measured minutes apart at most, so drifts of the machine's speed between rounds cancel
    out of the ratio."""
    def steady(name):
        return {r.get("round", 0): r["steady_s"] for r in rows
                if r["workload"] == workload and r["peer"] == name}

    mine, theirs = steady("numnet"), steady(peer)
    return [mine[k] / theirs[k] for k in sorted(mine) if k in theirs and theirs[k]]


def summary_lines(rows, workloads) -> list:
    """Per workload: numnet's ratio to each peer, the median of the rounds' ratios (with each
    round's ratio when there are several)."""
    lines = []
    for workload in workloads:
        peers = []
        for r in rows:
            if (r["workload"] == workload and r["peer"] != "numnet"
                    and r["peer"] not in peers):
                peers.append(r["peer"])
        parts = []
        for peer in peers:
            ratios = round_ratios(rows, workload, peer)
            if not ratios:
                continue
            name = "GEMM floor" if peer == "gemm_floor" else peer
            part = f"{name} {statistics.median(ratios):.2f}x"
            if len(ratios) > 1:
                part += " (" + " ".join(f"{v:.2f}" for v in ratios) + ")"
            parts.append(part)
        if parts:
            lines.append(f"  {workload}: " + ", ".join(parts))
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help="W1-W4 (the default) and W5-W7 (e.g. --workloads W6,W7 "
                             "--peers numnet,numnet-steps,keras,torch --epochs 2)")
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run each workload's peers (and the GEMMs alone) this many times "
                             "in turn; ratios are the median of the rounds' ratios")
    parser.add_argument("--tf-python", default=os.environ.get("NUMNET_BENCH_TF_PYTHON"),
                        help="the Python interpreter that runs the keras-tf peer (one with "
                             "tensorflow, keras and numnet installed); default: this one")
    parser.add_argument("--worker", nargs=2, metavar=("PEER", "WORKLOAD"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], args.epochs)))
        return 0

    if args.rounds < 1:
        parser.error(f"--rounds: expected a positive integer, given {args.rounds}")
    rows = []
    x = None
    skipped = set()
    for workload in args.workloads.split(","):
        for round_ in range(args.rounds):
            for peer in args.peers.split(","):
                if (workload, peer) in skipped:
                    continue
                python = (args.tf_python or sys.executable) if peer == "keras-tf" \
                    else sys.executable
                cmd = [python, __file__, "--worker", peer, workload, "--epochs",
                       str(args.epochs)]
                proc = subprocess.run(cmd, capture_output=True, text=True)
                if proc.returncode != 0:
                    last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
                    print(f"{workload} {peer}: skipped ({last})", file=sys.stderr)
                    skipped.add((workload, peer))
                    continue
                rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
                rows[-1]["round"] = round_
                print(row_line(rows[-1]), flush=True)
            if workload in MODEL_WORKLOADS:
                floor = model_gemm_floor(workload)
                rows.append({"peer": "gemm_floor", "workload": workload, "steady_s": floor,
                             "round": round_})
                print(f"{workload} GEMMs alone {floor:.3f}s", flush=True)
                continue
            if x is None:
                x = load_data()[0]
            floor = gemm_floor(WORKLOADS[workload], x)
            rows.append({"peer": "gemm_floor", "workload": workload, "steady_s": floor,
                         "round": round_})
            print(f"{workload} GEMMs alone {floor:.3f}s", flush=True)

    workloads = args.workloads.split(",")
    print("\nnumnet's steady epoch time as a fraction of each peer's (lower is better"
          + ("; the median of the rounds' ratios, then each round's" if args.rounds > 1 else "")
          + "):")
    for line in summary_lines(rows, workloads):
        print(line)
    print("\nnumnet's prediction time as a fraction of each peer's (lower is better; "
          "batch-1 median latency, batch-10,000 time per call; the first round):")
    for workload, mine, others in _against_numnet(rows, workloads):
        parts = []
        for r in others:
            ratios = prediction_ratios(mine, r) if r["peer"] != "gemm_floor" else []
            if ratios:
                parts.append(f"{r['peer']} " + " ".join(ratios))
        print(f"  {workload}: " + "; ".join(parts))
    meta = {"machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.platform()}",
            "versions": versions(), "date": time.strftime("%Y-%m-%d")}
    print("\n" + json.dumps(meta))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
