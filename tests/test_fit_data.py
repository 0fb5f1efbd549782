"""What fit / evaluate / predict accept: arrays, lists, pandas, memory-mapped .npy files,
PyDatasets, generators and iterables; Keras's epoch rules; streaming with bounded memory."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.backend import to_numpy

RNG = np.random.default_rng(11)
X = RNG.normal(size=(100, 4)).astype("float32")
LABELS = ((X[:, 0] - X[:, 1] > 0).astype("int64") + (X[:, 2] > 0.8)).astype("int64")
WEIGHTS = RNG.uniform(0.5, 2.0, size=100).astype("float32")


def classifier(seed=0, dropout=0.0):
    numnet.utils.set_random_seed(seed)
    stack = [layers.Dense(8, activation="relu", input_shape=(4,))]
    if dropout:
        stack.append(layers.Dropout(dropout))
    model = numnet.Sequential(stack + [layers.Dense(3, activation="softmax")])
    model.compile(numnet.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def fit(model, *args, seed=1, **kwargs):
    """model.fit with numnet's random state set first, so that two fits draw the same."""
    numnet.utils.set_random_seed(seed)
    return model.fit(*args, **kwargs)


def same_weights(a, b) -> bool:
    return all(np.array_equal(u, v) for u, v in
               zip(a.get_weights(), b.get_weights(), strict=True))


def record_batches(model):
    """Wrap the model's training step to record the batches it is given."""
    seen = []
    step = model._train_step

    def recording(x, y, sample_weight):
        seen.append((x.copy(), None if y is None else y.copy(),
                     None if sample_weight is None else sample_weight.copy()))
        return step(x, y, sample_weight)
    model._train_step = recording
    return seen


class Batches(numnet.utils.PyDataset):
    """Batch i: rows [i * size, (i + 1) * size) of the arrays; counts its epoch hooks."""

    def __init__(self, x, y, size, weights=None, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.size, self.weights = x, y, size, weights
        self.begins = self.ends = 0

    def __len__(self):
        return math.ceil(len(self.x) / self.size)

    def __getitem__(self, i):
        s = slice(i * self.size, (i + 1) * self.size)
        if self.weights is None:
            return self.x[s], self.y[s]
        return self.x[s], self.y[s], self.weights[s]

    def on_epoch_begin(self):
        self.begins += 1

    def on_epoch_end(self):
        self.ends += 1


def generator(x, y, size, weights=None, repeat=True):
    while True:
        for lo in range(0, len(x), size):
            s = slice(lo, lo + size)
            yield (x[s], y[s]) if weights is None else (x[s], y[s], weights[s])
        if not repeat:
            return


# ----------------------------------------------------------------------------- arrays


def test_lists_and_arrays_train_the_same():
    a, b = classifier(), classifier()
    fit(a, X, LABELS, epochs=2, batch_size=16, verbose=0)
    fit(b, X.tolist(), LABELS.tolist(), epochs=2, batch_size=16, verbose=0)
    assert same_weights(a, b)


def test_pandas_frames_and_series():
    pd = pytest.importorskip("pandas", reason="pandas is optional (pip install pandas)")
    frame = pd.DataFrame(X, columns=list("abcd"))
    a, b = classifier(), classifier()
    fit(a, X, LABELS, epochs=2, batch_size=16, verbose=0)
    fit(b, frame, pd.Series(LABELS), sample_weight=None, epochs=2, batch_size=16, verbose=0)
    assert same_weights(a, b)
    np.testing.assert_array_equal(b.predict(frame, verbose=0), a.predict(X, verbose=0))


@pytest.mark.parametrize("shuffle", [True, False, "batch"])
def test_memory_mapped_arrays_train_bit_for_bit_as_in_memory(tmp_path, shuffle):
    np.save(tmp_path / "x.npy", X)
    np.save(tmp_path / "y.npy", LABELS)
    x_map = np.load(tmp_path / "x.npy", mmap_mode="r")
    y_map = np.load(tmp_path / "y.npy", mmap_mode="r")
    a, b = classifier(dropout=0.2), classifier(dropout=0.2)
    ha = fit(a, X, LABELS, epochs=3, batch_size=16, shuffle=shuffle, validation_split=0.2,
               class_weight={0: 1.0, 1: 2.0, 2: 0.5}, sample_weight=WEIGHTS, verbose=0)
    hb = fit(b, x_map, y_map, epochs=3, batch_size=16, shuffle=shuffle, validation_split=0.2,
               class_weight={0: 1.0, 1: 2.0, 2: 0.5}, sample_weight=WEIGHTS, verbose=0)
    assert same_weights(a, b)
    assert ha.history == hb.history
    assert a.evaluate(X, LABELS, verbose=0) == b.evaluate(x_map, y_map, verbose=0)
    np.testing.assert_array_equal(a.predict(X, verbose=0), b.predict(x_map, verbose=0))


def test_shuffle_batch_keeps_batches_contiguous():
    model = classifier()
    seen = record_batches(model)
    numnet.utils.set_random_seed(5)
    model.fit(X, LABELS, epochs=2, batch_size=25, shuffle="batch", verbose=0)
    starts = [int(np.flatnonzero((X == to_numpy(x[0])).all(axis=1))[0]) for x, _, _ in seen]
    for (x, _, _), start in zip(seen, starts, strict=True):
        np.testing.assert_array_equal(x, X[start:start + 25])
    assert sorted(starts[:4]) == sorted(starts[4:]) == [0, 25, 50, 75]
    assert starts[:4] != [0, 25, 50, 75] or starts[4:] != [0, 25, 50, 75]


def test_steps_per_epoch_continues_the_pass_as_keras():
    # 100 samples, batch 20: 5 batches a pass. steps_per_epoch=2: epochs take batches
    # [0, 1], [2, 3], then [4] (the pass runs out: a warning, a short epoch), then a new pass.
    model = classifier()
    seen = record_batches(model)
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        history = model.fit(X, LABELS, epochs=5, batch_size=20, steps_per_epoch=2,
                            shuffle=False, verbose=0)
    assert len(history.history["loss"]) == 5
    firsts = [int(np.flatnonzero((X == to_numpy(x[0])).all(axis=1))[0]) for x, _, _ in seen]
    assert firsts == [0, 20, 40, 60, 80, 0, 20, 40, 60]


# ----------------------------------------------------------------------------- streams


def test_generators_and_pydatasets_train_as_the_arrays_they_hold():
    reference = classifier()
    fit(reference, X, LABELS, epochs=3, batch_size=20, shuffle=False, sample_weight=WEIGHTS,
                  verbose=0)
    gen = classifier()
    fit(gen, generator(X, LABELS, 20, WEIGHTS), steps_per_epoch=5, epochs=3, verbose=0)
    assert same_weights(gen, reference)
    for workers in (1, 3):
        ds = classifier()
        data = Batches(X, LABELS, 20, WEIGHTS, workers=workers)
        fit(ds, data, epochs=3, shuffle=False, verbose=0)
        assert same_weights(ds, reference)
        # Keras 3: one more of each at the start of the first fit after compile (below)
        assert data.begins == data.ends == 4

    class Rows:  # an iterable that starts again at each pass (as a data loader does)
        def __iter__(self):
            return generator(X, LABELS, 20, WEIGHTS, repeat=False)
    again = classifier()
    history = fit(again, Rows(), epochs=3, verbose=0)
    assert same_weights(again, reference) and len(history.history["loss"]) == 3


def test_pydataset_epoch_hooks_run_as_keras_runs_them():
    """Keras 3's epoch iterator calls on_epoch_end when it is reset at the start of every fit
    and evaluate (and of every evaluation of validation_data), and on_epoch_begin once more
    where it first reads a batch to build the model and the compiled metrics (the first fit /
    evaluate after compile): a dataset that reshuffles in on_epoch_end reshuffles as often.
    The counts below are Keras 3.15's (JAX backend) for the same calls."""
    model = classifier()
    train, val = Batches(X, LABELS, 20), Batches(X, LABELS, 20)
    model.fit(train, epochs=2, validation_data=val, verbose=0)
    assert (train.ends, train.begins, val.ends, val.begins) == (3, 3, 4, 2)
    model.evaluate(train, verbose=0)
    assert (train.ends, train.begins) == (5, 4)
    model.fit(train, epochs=1, verbose=0)
    assert (train.ends, train.begins) == (7, 5)
    model.predict(train, verbose=0)
    assert (train.ends, train.begins) == (8, 6)
    model.compile("sgd", "sparse_categorical_crossentropy")  # a new compile: a new first read
    model.evaluate(train, verbose=0)
    assert (train.ends, train.begins) == (10, 8)


def test_class_weight_applies_to_streamed_batches():
    class_weight = {0: 0.5, 1: 2.0, 2: 3.0}
    reference = classifier()
    fit(reference, X, LABELS, epochs=2, batch_size=20, shuffle=False,
                  class_weight=class_weight, verbose=0)
    streamed = classifier()
    fit(streamed, Batches(X, LABELS, 20), epochs=2, shuffle=False,
                 class_weight=class_weight, verbose=0)
    assert same_weights(streamed, reference)
    with pytest.raises(ValueError, match=r"class_weight\): no weight for class\(es\) \[2\]"):
        classifier().fit(Batches(X, LABELS, 20), class_weight={0: 1.0, 1: 1.0}, verbose=0)


def test_pydataset_shuffle_draws_the_batch_order_from_numnets_seed():
    orders = []
    for _ in range(2):
        model = classifier()
        seen = record_batches(model)
        numnet.utils.set_random_seed(9)
        model.fit(Batches(X, LABELS, 20), epochs=2, verbose=0)
        orders.append([int(np.flatnonzero((X == x[0]).all(axis=1))[0]) // 20
                       for x, _, _ in seen])
    assert orders[0] == orders[1]
    assert sorted(orders[0][:5]) == sorted(orders[0][5:]) == [0, 1, 2, 3, 4]
    assert orders[0] != [0, 1, 2, 3, 4] * 2


def test_a_generator_that_runs_dry_stops_training():
    model = classifier()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(generator(X, LABELS, 25, repeat=False), epochs=4, verbose=0)
    assert history.epoch == [0]   # the second epoch found no batch: training stopped
    model = classifier()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(generator(X, LABELS, 25, repeat=False), steps_per_epoch=3,
                            epochs=4, verbose=0)
    assert history.epoch == [0, 1]   # 3 batches, then 1 and the stream is dry


def test_an_endless_pydataset_with_steps_per_epoch():
    class Endless(numnet.utils.PyDataset):
        num_batches = None

        def __getitem__(self, i):
            i %= 5
            return X[i * 20:(i + 1) * 20], LABELS[i * 20:(i + 1) * 20]
    reference = classifier()
    fit(reference, X, LABELS, epochs=2, batch_size=20, shuffle=False, verbose=0)
    model = classifier()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Endless() does not call super().__init__
        model.fit(Endless(), steps_per_epoch=5, epochs=2, verbose=0)
    assert same_weights(model, reference)


def test_streamed_validation_data_evaluate_and_predict():
    model = classifier()
    history = model.fit(X[:80], LABELS[:80], epochs=2, batch_size=20, verbose=0,
                        validation_data=generator(X[80:], LABELS[80:], 10),
                        validation_steps=2)
    val_loss, val_acc = model.evaluate(X[80:], LABELS[80:], batch_size=10, verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-6)
    assert history.history["val_accuracy"][-1] == pytest.approx(val_acc, rel=1e-6)
    assert model.evaluate(Batches(X, LABELS, 10), verbose=0) == pytest.approx(
        model.evaluate(X, LABELS, batch_size=10, verbose=0), rel=1e-6)
    assert model.evaluate(generator(X, LABELS, 10), steps=3, verbose=0) == pytest.approx(
        model.evaluate(X[:30], LABELS[:30], batch_size=10, verbose=0), rel=1e-6)
    np.testing.assert_array_equal(model.predict(Batches(X, LABELS, 30), verbose=0),
                                  model.predict(X, batch_size=30, verbose=0))
    xs_only = (X[lo:lo + 30] for lo in range(0, 100, 30))
    np.testing.assert_array_equal(model.predict(xs_only, verbose=0),
                                  model.predict(X, batch_size=30, verbose=0))


def test_stream_errors_name_the_argument():
    model = classifier()
    with pytest.raises(ValueError, match=r"fit\(y\): x is a generator.*leave y=None"):
        model.fit(generator(X, LABELS, 10), LABELS, verbose=0)
    with pytest.raises(ValueError, match=r"fit\(sample_weight\): x is a PyDataset"):
        model.fit(Batches(X, LABELS, 10), sample_weight=WEIGHTS, verbose=0)
    with pytest.raises(ValueError, match=r"fit\(validation_split\).*validation_data"):
        model.fit(Batches(X, LABELS, 10), validation_split=0.2, verbose=0)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"fit\(x\): expected finite numbers, given nan"):
        model.fit(generator(bad, LABELS, 10), steps_per_epoch=2, verbose=0)
    with pytest.raises(ValueError, match=r"gave a batch of inputs alone"):
        model.fit((X[i:i + 10] for i in range(0, 100, 10)), verbose=0)
    with pytest.raises(ValueError, match=r"gave no batch"):
        model.fit(iter([]), verbose=0)

    def wrong_width():
        yield X[:10], LABELS[:10]
        yield X[:10, :3], LABELS[:10]
    with pytest.raises(ValueError, match=r"expects input of shape \(None, 4\).*\(10, 3\)"):
        model.fit(wrong_width(), verbose=0)

    def uneven():
        yield X[:10], LABELS[:10]
        yield X[:10], LABELS[:9]
    with pytest.raises(ValueError, match=r"a batch has 10 samples in x and 9 in y"):
        model.fit(uneven(), verbose=0)

    class NoLength(numnet.utils.PyDataset):
        def __getitem__(self, i):
            return X[:10], LABELS[:10]
    with pytest.raises(TypeError, match=r"fit\(x\): NoLength: define __len__"):
        model.fit(NoLength(), verbose=0)
    with pytest.raises(ValueError, match=r"fit\(shuffle\)"):
        model.fit(X, LABELS, shuffle="yes", verbose=0)


# ----------------------------------------------------------------------------- seeds


def test_set_random_seed_makes_streamed_fits_bit_identical():
    def run(seed):
        model = classifier(dropout=0.3)
        numnet.utils.set_random_seed(seed)
        history = model.fit(Batches(X, LABELS, 16), epochs=3, verbose=0,
                            validation_data=(X[:20], LABELS[:20]))
        return model, history.history
    a, ha = run(4)
    b, hb = run(4)
    c, _ = run(5)
    assert same_weights(a, b) and ha == hb
    assert not same_weights(a, c)


# ----------------------------------------------------------------------------- big data

RSS_SCRIPT = textwrap.dedent(r'''
    import json, resource, sys
    import numpy as np
    import numnet
    from numnet import layers
    path, mode, batch, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    x = np.load(path, mmap_mode="r")
    n = len(x)
    y = ((np.arange(n) % 7) / 7).astype("float32")
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([layers.Dense(1, input_shape=(x.shape[1],))])
    model.compile(numnet.optimizers.SGD(0.01), "mse")
    start = model.get_weights()
    if mode == "generator":
        def batches():
            for lo in range(0, n, batch):
                yield x[lo:lo + batch], y[lo:lo + batch]
        model.fit(batches(), epochs=1, verbose=0)
    else:
        model.fit(x, y, batch_size=batch, steps_per_epoch=8, epochs=1, shuffle=True,
                  verbose=0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    np.savez(out, *start, *model.get_weights())
    print(json.dumps({"peak_rss_mb": peak}))
''')


def sparse_npy(path, rows, cols, every):
    """An .npy of zeros written as a sparse file (no disk blocks for the zeros), with a
    nonzero row every ``every`` rows; returns {row: values}."""
    x = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, cols))
    rows_set = {}
    for k, r in enumerate(range(17, rows, every)):
        rows_set[r] = np.linspace(-1, 1, cols, dtype=np.float32) * (1 + k / 8)
        x[r] = rows_set[r]
    x.flush()
    del x
    return rows_set


def expected_sgd(start, nonzero, rows, batch, lr=0.01):
    """SGD on mean squared error for a linear unit, by hand in float64, over batches in order
    of data that is zero except the rows in ``nonzero``; y = (i % 7) / 7."""
    w, b = start[0].astype(np.float64)[:, 0], float(start[1][0])
    y = (np.arange(rows) % 7) / 7
    for lo in range(0, rows, batch):
        hi = min(rows, lo + batch)
        count = hi - lo
        idx = [r for r in nonzero if lo <= r < hi]
        xs = np.array([nonzero[r] for r in idx], dtype=np.float64).reshape(len(idx), len(w))
        err = xs @ w + b - y[idx]
        grad_w = 2 / count * xs.T @ err
        grad_b = 2 / count * (np.sum(xs @ w) + count * b - y[lo:hi].sum())
        w, b = w - lr * grad_w, b - lr * grad_b
    return w, b


# Linux carries a process's peak RSS across exec (ru_maxrss of a child started from pytest
# starts at pytest's own peak), so the training process is started by a small Python process:
# its getrusage then measures the training alone.
TRAMPOLINE = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def run_rss(tmp_path, path, mode, batch):
    script = tmp_path / "rss.py"
    script.write_text(RSS_SCRIPT)
    out = tmp_path / f"{mode}.npz"
    done = subprocess.run([sys.executable, "-c", TRAMPOLINE, sys.executable, str(script),
                           str(path), mode, str(batch), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    arrays = np.load(out)
    return json.loads(done.stdout.splitlines()[-1])["peak_rss_mb"], \
        [arrays[f"arr_{i}"] for i in range(4)]


ROWS, COLS = 2**21, 256   # 2 GiB of float32


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """A 2 GiB float32 .npy of zeros, written as a sparse file (no disk blocks for the
    zeros), with a nonzero row every 65536 rows: (path, {row: values})."""
    folder = tmp_path_factory.mktemp("big")
    if shutil.disk_usage(folder).free < 4 * 2**30:
        pytest.skip("needs 4 GiB free in the temporary directory for a 2 GiB (sparse) file")
    path = folder / "big.npy"
    nonzero = sparse_npy(path, ROWS, COLS, every=65536)
    assert os.path.getsize(path) > 2**31
    yield path, nonzero
    os.remove(path)


@pytest.mark.cpu_only  # on the GPU the process also holds the CUDA libraries
def test_a_2gb_memory_mapped_file_trains_in_bounded_memory(tmp_path, big_file):
    """A generator of slices of a 2 GiB float32 .npy (memory-mapped) trains one full epoch
    with peak RSS under 600 MB, and every batch is the right data (the weights follow a
    hand-computed SGD over the same batches)."""
    path, nonzero = big_file
    batch = 16384   # 128 batches of 16 MiB
    peak, (w0, b0, w1, b1) = run_rss(tmp_path, path, "generator", batch)
    assert peak < 600, f"peak RSS {peak:.0f} MB"
    w, b = expected_sgd([w0, b0], nonzero, ROWS, batch)
    np.testing.assert_allclose(w1[:, 0], w, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(b1[0], b, rtol=1e-4)


@pytest.mark.cpu_only  # on the GPU the process also holds the CUDA libraries
def test_a_shuffled_memory_mapped_file_is_gathered_in_bounded_memory(tmp_path, big_file):
    """fit(np.load(path, mmap_mode='r'), y, shuffle=True) gathers each batch's rows from all
    over the 2 GiB file. The rows are read in windows whose pages are handed back, so RSS
    stays bounded (without that, these 8 batches leave about 2 GB resident: the OS maps a
    whole block of the file for each row read)."""
    path, _ = big_file
    peak, (w0, b0, w1, b1) = run_rss(tmp_path, path, "shuffled", 8192)
    assert peak < 600, f"peak RSS {peak:.0f} MB"
    assert b1[0] != b0[0] and np.isfinite(w1).all()


def test_finite_check_needs_no_memory_in_proportion_to_the_data():
    import tracemalloc

    from numnet.models.data import check_finite

    x = np.zeros((20_000, 784), dtype=np.float32)  # 63 MB; a boolean mask would be 16 MB
    tracemalloc.start()
    try:
        check_finite(x, "x", "fit")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    x[12_345, 17] = np.inf
    with pytest.raises(ValueError, match=r"fit\(x\): expected finite numbers, given inf at "
                                         r"index \(12345, 17\)"):
        check_finite(x, "x", "fit")
    # A sum that overflows is not an error: every value is finite.
    check_finite(np.full((4, 3), 3e38, dtype=np.float32), "x", "fit")
    with pytest.raises(ValueError, match=r"given nan at index \(2,\)"):
        check_finite(np.array([1.0, 2.0, np.nan], dtype=np.float32), "y", "fit")


@pytest.mark.parametrize("label", [-1, 3])
def test_streamed_labels_are_checked_batch_by_batch(label, monkeypatch):
    """A generator's labels after the first batch are not seen before training: each batch is
    checked as it comes, whichever path computes the loss."""
    from numnet.fast import updates as fused

    monkeypatch.setattr(fused, "_enabled", False)  # the NumPy path leaves the range to fit
    rs = np.random.default_rng(0)

    def batches():
        yield rs.normal(size=(8, 4)).astype("float32"), np.array([0, 1, 2, 0, 1, 2, 0, 1])
        yield rs.normal(size=(8, 4)).astype("float32"), np.array([0, 1, 2, label, 1, 2, 0, 1])

    model = numnet.Sequential([numnet.Input(shape=(4,)), layers.Dense(3)])
    model.compile("adam", numnet.losses.SparseCategoricalCrossentropy(from_logits=True))
    with pytest.raises(ValueError, match=rf"label {label} is outside \[0, 2\]"):
        model.fit(batches(), epochs=1, verbose=0)


def _sequence_tagger():
    inputs = numnet.Input((5,), dtype="int32")
    embedded = numnet.layers.Embedding(6, 3, mask_zero=True, embeddings_initializer="ones")(inputs)
    kernel = numnet.initializers.Constant(np.arange(9).reshape(3, 3) / 10)
    outputs = numnet.layers.Dense(3, kernel_initializer=kernel, activation="softmax")(embedded)
    return numnet.Model(inputs, outputs)


def test_per_time_step_sample_weights_weigh_each_step_of_a_sequence_output():
    """Sample weights of shape (n, steps) weigh the loss of each time step of an output of
    sequences, as Keras takes them: with the padding mask, the loss is
    sum(w * xent over kept steps) / (kept steps) (Keras 3.15 on the same model: 1.07384, and
    fit's losses 1.07384, 1.06386 with SGD(0.1), one batch)."""
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0], [1, 1, 1, 1, 1], [2, 0, 0, 0, 0]],
                      "int32")
    labels = np.random.default_rng(0).integers(0, 3, (4, 5)).astype("int32")
    weights = (np.arange(20).reshape(4, 5) % 3).astype("float32")
    model = _sequence_tagger()
    model.compile(numnet.optimizers.SGD(0.1), "sparse_categorical_crossentropy",
                  weighted_metrics=["accuracy"])
    probs = np.asarray(model.predict(tokens, verbose=0), np.float64)
    xent = -np.log(np.take_along_axis(probs, labels[..., None], -1)[..., 0])
    kept = tokens != 0
    expected = float((weights * xent * kept).sum() / kept.sum())
    logs = model.evaluate(tokens, labels, sample_weight=weights, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], expected, rtol=1e-5)
    np.testing.assert_allclose(logs["loss"], 1.07384, atol=1e-5)
    right = probs.argmax(-1) == labels
    np.testing.assert_allclose(logs["accuracy"], (weights * right * kept).sum()
                               / (weights * kept).sum(), rtol=1e-5)
    streamed = numnet.data.Dataset.from_tensor_slices((tokens, labels, weights)).batch(4)
    np.testing.assert_allclose(model.evaluate(streamed, verbose=0)[0], expected, rtol=1e-5)
    history = model.fit(tokens, labels, sample_weight=weights, epochs=2, batch_size=4,
                        shuffle=False, verbose=0).history
    np.testing.assert_allclose(history["loss"], [1.07384, 1.06386], atol=1e-5)
    # class weights (one a sample) multiply the per-step weights row by row
    by_row = numnet.models.data.times_class_weights(weights, np.array([1, 2, 3, 4], "float32"))
    np.testing.assert_allclose(by_row, weights * np.array([[1], [2], [3], [4]]))
    with pytest.raises(ValueError, match="per-step weights have shape"):
        model.evaluate(tokens, labels, sample_weight=np.ones((4, 3), "float32"), verbose=0)
    with pytest.raises(ValueError, match="one weight per sample"):
        model.evaluate(tokens, labels, sample_weight=np.ones((3, 5), "float32"), verbose=0)


def test_a_pandas_series_is_a_column_as_in_keras():
    """Keras's data adapters feed a Series as shape (n, 1): a one-feature model takes it as
    x, each column of dict(frame) fills an Input((1,)), and a subclassed model sees (n, 1)."""
    pd = pytest.importorskip("pandas", reason="pandas is optional (pip install pandas)")
    frame = pd.DataFrame(X, columns=list("abcd"))
    single = numnet.Sequential([numnet.Input((1,)), numnet.layers.Dense(1)])
    single.compile("sgd", "mse")
    assert single.predict(frame["a"], verbose=0).shape == (len(X), 1)
    single.fit(frame["a"], frame["b"], epochs=1, verbose=0)
    inputs = {name: numnet.Input((1,), name=name) for name in "abcd"}
    out = numnet.layers.Dense(1)(numnet.layers.Concatenate()(list(inputs.values())))
    model = numnet.Model(inputs, out)
    np.testing.assert_allclose(model.predict(dict(frame), verbose=0),
                               model.predict({k: X[:, i:i + 1] for i, k in enumerate("abcd")},
                                             verbose=0), rtol=1e-6)

    class Shapes(numnet.Model):
        seen = []

        def call(self, inputs):
            self.seen.append(tuple(inputs["a"].shape))
            return numnet.ops.concatenate([inputs[k] for k in "abcd"], axis=-1)

    assert Shapes().predict(dict(frame), batch_size=8, verbose=0).shape == (len(X), 4)
    assert Shapes.seen[-1][1:] == (1,)


class Graphs(numnet.utils.PyDataset):
    """Batch i: one disjoint graph of 5 + i atoms owned by 2 molecules, one target a molecule:
    the inputs' rows are atoms and the targets' rows molecules."""

    def __len__(self):
        return 3

    def __getitem__(self, i):
        r = np.random.default_rng(i)
        atoms = r.normal(size=(5 + i, 2)).astype("float32")
        owner = np.sort(np.r_[0, 1, r.integers(0, 2, size=3 + i)]).astype("int32")
        return (atoms, owner), np.array([[1.0], [0.0]], "float32")


def test_a_streamed_batch_goes_to_the_model_as_it_is():
    """As Keras, a PyDataset's batch is not checked for one number of rows across its inputs
    and targets (a batch of graphs: atoms, their owners, one target per molecule)."""
    atoms = numnet.Input((2,), name="atoms")
    owner = numnet.Input((), dtype="int32", name="owner")
    pooled = layers.Lambda(lambda t: numnet.ops.segment_sum(t[0], t[1], num_segments=2))(
        [atoms, owner])
    out = layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")(pooled)
    model = numnet.Model([atoms, owner], out)
    model.compile(numnet.optimizers.SGD(0.01), "mse")
    history = model.fit(Graphs(), epochs=2, shuffle=False, verbose=0)
    # the same SGD steps by hand; an epoch's loss weighs each batch by its first input's rows
    w, b, data = np.ones((2, 1)), np.zeros(1), Graphs()
    for epoch in range(2):
        total = rows = 0.0
        for i in range(len(data)):
            (a, o), y = data[i]
            pooled_rows = np.zeros((2, 2))
            np.add.at(pooled_rows, o, a.astype(np.float64))
            error = pooled_rows @ w + b - y
            total, rows = total + np.mean(error ** 2) * len(a), rows + len(a)
            w, b = w - 0.01 * pooled_rows.T @ error, b - 0.01 * error.sum(axis=0)
        assert history.history["loss"][epoch] == pytest.approx(total / rows, rel=1e-5)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-5)
    assert model.predict(Graphs(), verbose=0).shape == (6, 1)
