"""The keras.ops core ops added beside the first set: control flow (map, scan,
associative_scan, switch, fori_loop, while_loop, vectorize), custom_gradient, segment_min,
segment_prod, extract_sequences. Hand values, gradients through the loops by central
differences, a custom gradient on the tape and in a GradientTape, and (with keras) the same
values as keras.ops on JAX."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import ops
from numnet.autodiff.gradcheck import check_gradients

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

rng = np.random.default_rng(3)
X = rng.normal(size=(4, 3))
DATA = rng.normal(size=(6, 2))
IDS = np.array([0, 0, 2, 2, 2, 3])
SIGNAL = rng.normal(size=(2, 40)).astype("float32")


def test_control_flow_by_hand():
    carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0.0, np.arange(4.0, dtype="float32"))
    assert carry.item() == 6.0 and ys.tolist() == [0.0, 0.0, 2.0, 9.0]
    carry, ys = ops.scan(lambda c, x: (c + x, c), 0.0, np.arange(3.0, dtype="float32"),
                         reverse=True)
    assert carry.item() == 3.0 and ys.tolist() == [3.0, 2.0, 0.0]
    carry, ys = ops.scan(lambda c, x: (c + 1, None), 0.0, length=3)
    assert carry == 3.0 and ys is None
    carry, ys = ops.scan(lambda c, x: ({"s": c["s"] + x[0]}, (x[1], x[0])), {"s": 0.0},
                         (np.ones(2, "float32"), np.arange(2.0, dtype="float32")))
    assert carry["s"].item() == 2.0 and ys[0].tolist() == [0.0, 1.0]
    assert ops.map(lambda x: x * 2, np.arange(3)).tolist() == [0, 2, 4]
    assert ops.map(lambda p: {"a": p[0] + p[1]}, (np.arange(3.0), np.ones(3)))["a"].tolist() \
        == [1.0, 2.0, 3.0]
    assert ops.switch(7, [lambda x: x + 1, lambda x: x * 10], 2.0) == 20.0
    assert ops.switch(-2, [lambda x: x + 1, lambda x: x * 10], 2.0) == 3.0
    assert ops.fori_loop(0, 4, lambda i, v: v + i, 0.0) == 6.0
    assert ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (0, 1)) == (3, 8)
    assert ops.while_loop(lambda x: x < 10, lambda x: x + 3, 0) == 12
    assert ops.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + 2), [0, 1],
                          maximum_iterations=3) == (3, 7)
    assert ops.associative_scan(lambda a, b: a + b, ops.array([1.0, 2.0, 3.0])).tolist() == \
        [1.0, 3.0, 6.0]
    np.testing.assert_allclose(
        ops.associative_scan(ops.maximum, X, reverse=True, axis=0).numpy(),
        np.maximum.accumulate(X[::-1], axis=0)[::-1], rtol=1e-6)


def test_vectorize_broadcasts_like_numpy():
    add = ops.vectorize(lambda a, b: a + b)
    np.testing.assert_allclose(add(np.ones((2, 1)), np.arange(3.0)).numpy(),
                               np.ones((2, 1)) + np.arange(3.0))
    dot = ops.vectorize(lambda a, b: ops.sum(a * b), signature="(n),(n)->()")
    np.testing.assert_allclose(dot(X, X[0]).numpy(), X @ X[0], rtol=1e-6)
    scaled = ops.vectorize(lambda a, k: a * k, excluded={1})
    assert scaled(np.arange(3.0), 2.0).tolist() == [0.0, 2.0, 4.0]


def test_segments_and_sequences_by_hand():
    assert ops.segment_min([1.0, 5.0, 3.0], [0, 0, 2], num_segments=4).tolist() == \
        [1.0, np.inf, 3.0, np.inf]
    assert ops.segment_min([1, 5, 3], [0, 0, 2]).tolist() == [1, 2 ** 31 - 1, 3]
    assert ops.segment_prod([2.0, 5.0, 3.0], [0, 0, 2]).tolist() == [10.0, 1.0, 3.0]
    assert ops.segment_max([1.0, 5.0, 3.0], [0, 0, 2], num_segments=4).tolist() == \
        [5.0, -np.inf, 3.0, -np.inf]
    assert ops.segment_max([1, 5, 3], [0, 0, 2]).tolist() == [5, -2 ** 31, 3]
    assert ops.extract_sequences([1, 2, 3, 4, 5], 3, 2).tolist() == [[1, 2, 3], [3, 4, 5]]
    assert ops.extract_sequences(np.zeros((2, 3, 10)), 4, 3).shape == (2, 3, 3, 4)


GRADS = {
    "scan": (lambda x: ops.scan(lambda c, r: (c * 0.5 + r, c * r), ops.zeros(3, "float64"),
                                x)[1], [X]),
    "scan_carry": (lambda x, h: ops.scan(lambda c, r: (ops.tanh(c + r), None), h, x)[0],
                   [X, X[0]]),
    "map": (lambda x: ops.map(lambda r: ops.sum(r * r), x), [X]),
    "associative_scan": (lambda x: ops.associative_scan(lambda a, b: a * b, x, axis=1), [X]),
    "fori_loop": (lambda x: ops.fori_loop(0, 3, lambda i, v: v * x + i, x), [X]),
    "while_loop": (lambda x: ops.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x),
                                            (0, x))[1], [X]),
    "vectorize": (lambda a, b: ops.vectorize(lambda u, v: ops.sum(u * v),
                                             signature="(n),(n)->()")(a, b), [X, X[1]]),
    "segment_min": (lambda d: ops.segment_min(d, [0, 0, 1, 1, 1, 2], 3),  # none empty (inf)
                    [np.array([[1.0, 2.0], [0.5, 2.0], [3.0, 1.0], [3.0, 4.0], [5.0, 6.0],
                               [7.0, 8.0]])]),  # ties share: (0, 1), (2, 0) with (3, 0)
    "segment_max": (lambda d: ops.segment_max(d, [0, 0, 1, 1, 1, 2], 3),  # none empty (-inf)
                    [np.array([[1.0, 2.0], [0.5, 2.0], [3.0, 1.0], [3.0, 4.0], [5.0, 6.0],
                               [7.0, 8.0]])]),  # (0, 1) ties with (1, 1)
    "segment_prod": (lambda d: ops.segment_prod(d, IDS), [DATA]),
    "segment_prod_with_zeros": (lambda d: ops.segment_prod(d, [0, 0, 0, 1, 1]),
                                [np.array([0.0, 2.0, 3.0, 0.0, 0.0])]),
    "extract_sequences": (lambda x: ops.extract_sequences(x, 2, 1), [X]),
    "fft": (lambda a, b: ops.stack(ops.fft((a, b))), [X, X * 0.5 + 1]),
    "fft2": (lambda a, b: ops.stack(ops.fft2((a, b))), [X, X[::-1].copy()]),
    "ifft2": (lambda a, b: ops.stack(ops.ifft2((a, b))), [X, X[::-1].copy()]),
    "rfft": (lambda x: ops.stack(ops.rfft(x)), [X]),
    "rfft_padded": (lambda x: ops.stack(ops.rfft(x, 5)), [X]),
    "rfft_cut": (lambda x: ops.stack(ops.rfft(x, 2)), [X]),
    "irfft": (lambda a, b: ops.irfft((a, b)), [X, X * 2]),
    "irfft_odd": (lambda a, b: ops.irfft((a, b), 5), [X, X * 2]),
    "irfft_long": (lambda a, b: ops.irfft((a, b), 8), [X, X * 2]),
    "stft": (lambda x: ops.stack(ops.stft(x, 6, 3, 8)), [rng.normal(size=(2, 20))]),
    "istft": (lambda a, b: ops.istft((a, b), 6, 2, 8), [rng.normal(size=(2, 7, 5)),
                                                         rng.normal(size=(2, 7, 5))]),
    "cdist": (lambda a, b: ops.cdist(a, b), [X, rng.normal(size=(5, 3))]),
    "rearrange": (lambda x: ops.rearrange(x, "(a b) c -> c (b a)", b=2), [X]),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients_match_central_differences(name):
    fn, inputs = GRADS[name]
    inputs = [np.asarray(a, dtype=np.float64) for a in inputs]
    # a NaN or inf output would make the comparison vacuous
    assert np.isfinite(np.asarray(fn(*[numnet.Tensor(a) for a in inputs]))).all()
    assert check_gradients(fn, inputs) < 1e-6


def test_custom_gradient_replaces_the_recorded_one():
    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)

        def grad(upstream):
            return upstream * (1.0 - 1.0 / (1.0 + e))

        return ops.log(1.0 + e), grad

    x = numnet.Variable(np.array([0.0, 50.0, -3.0], "float32"))
    with numnet.GradientTape() as tape:
        y = ops.sum(log1pexp(x))
    got = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(got, 1 / (1 + np.exp(-x.numpy())), rtol=1e-6)

    @ops.custom_gradient
    def scaled_product(a, b, k):
        def grad(upstream):
            return upstream * 7.0, None, None  # one per argument; b gets none

        return a * b * k, grad

    a = numnet.Tensor(np.ones(2), requires_grad=True)
    b = numnet.Tensor(np.full(2, 3.0), requires_grad=True)
    out = scaled_product(a, b, 2.0)
    assert out.tolist() == [6.0, 6.0]
    ops.sum(out).backward()
    assert a.grad.tolist() == [7.0, 7.0] and b.grad is None


def test_fourier_transforms_by_hand_and_against_numpy():
    z = X[0] + 1j * X[1]
    real, imag = ops.fft((X[0], X[1]))
    np.testing.assert_allclose(real.numpy() + 1j * imag.numpy(), np.fft.fft(z), rtol=1e-6)
    real, imag = ops.rfft(np.ones(4))
    assert real.tolist() == [4.0, 0.0, 0.0] and imag.tolist() == [0.0, 0.0, 0.0]
    signal = rng.normal(size=(3, 8))
    np.testing.assert_allclose(ops.irfft(ops.rfft(signal)).numpy(), signal, atol=1e-6)
    assert ops.cdist([[0.0, 0.0]], [[3.0, 4.0]]).tolist() == [[5.0]]
    real, _ = ops.stft(np.ones(16, "float32"), 8, 4, 8, window=None, center=False)
    assert real.shape == (3, 5) and real.numpy()[:, 0].tolist() == [8.0, 8.0, 8.0]
    with pytest.raises(ValueError, match="real, imag"):
        ops.fft(X)
    spectrum = ops.stft(SIGNAL, 8, 2, 8)
    np.testing.assert_allclose(ops.istft(spectrum, 8, 2, 8, length=40).numpy(), SIGNAL,
                               atol=1e-5)


def test_rearrange_by_hand():
    x = np.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(ops.rearrange(x, "b h w -> b w h").numpy(),
                                  x.transpose(0, 2, 1))
    np.testing.assert_array_equal(ops.rearrange(x, "b h (w w2) -> (b w2) h w", w2=2).numpy(),
                                  x.reshape(2, 3, 2, 2).transpose(0, 3, 1, 2).reshape(4, 3, 2))
    with pytest.raises(ValueError, match="same axes"):
        ops.rearrange(x, "b h w -> b h")
    with pytest.raises(ValueError, match="split"):
        ops.rearrange(x, "b h (w w2) -> b h w w2", w2=3)
    inputs = numnet.Input((3, 4))
    model = numnet.Model(inputs, ops.rearrange(inputs, "b h w -> b (w h)"))
    assert model.output_shape == (None, 12)


def test_control_flow_in_a_functional_model():
    inputs = numnet.Input((5, 3))
    summed = ops.scan(lambda c, x: (c + x, c + x), ops.zeros((3,)),
                      ops.transpose(inputs, (1, 0, 2)))[0]
    model = numnet.Model(inputs, ops.extract_sequences(summed, 2, 1))
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    got = model.predict(x, verbose=0)
    totals = x.sum(axis=1)
    np.testing.assert_allclose(got, np.stack([totals[:, 0:2], totals[:, 1:3]], 1), rtol=1e-5)


CASES = {
    "scan": lambda o: o.scan(lambda c, x: (c + x, c * x), np.zeros(3, "float32"),
                             X.astype("float32")),
    "map": lambda o: o.map(lambda r: r * 2.0 + 1.0, X.astype("float32")),
    "associative_scan": lambda o: o.associative_scan(lambda a, b: a + b, X.astype("float32"),
                                                     reverse=True, axis=1),
    "segment_min": lambda o: o.segment_min(DATA.astype("float32"), IDS, num_segments=5),
    "segment_min_int": lambda o: o.segment_min(np.array([4, 1, 3], "int32"),
                                               np.array([0, 0, 2]), num_segments=4),
    "segment_prod": lambda o: o.segment_prod(DATA.astype("float32"), IDS, num_segments=5),
    "segment_max": lambda o: o.segment_max(DATA.astype("float32"), IDS, num_segments=5),
    "segment_max_int": lambda o: o.segment_max(np.array([4, 1, 3], "int32"),
                                               np.array([0, 0, 2]), num_segments=4),
    "extract_sequences": lambda o: o.extract_sequences(X.astype("float32"), 2, 1),
    "fori_loop": lambda o: o.fori_loop(1, 4, lambda i, v: v * 2.0 + i, X.astype("float32")),
    "fft": lambda o: o.fft((X.astype("float32"), X[::-1].astype("float32"))),
    "fft2": lambda o: o.fft2((X.astype("float32"), X[::-1].astype("float32"))),
    "ifft2": lambda o: o.ifft2((X.astype("float32"), X[::-1].astype("float32"))),
    "rfft": lambda o: o.rfft(X.astype("float32"), 6),
    "irfft": lambda o: o.irfft((X.astype("float32"), X[::-1].astype("float32")), 5),
    "stft": lambda o: o.stft(DATA.T.astype("float32").copy(), 4, 1, 6),
    "stft_hamming": lambda o: o.stft(SIGNAL, 8, 3, 8, "hamming", False),
    "stft_no_window": lambda o: o.stft(SIGNAL, 6, 4, 10, None),
    "istft": lambda o: o.istft(tuple(np.asarray(t) for t in o.stft(SIGNAL, 10, 4, 16)), 10, 4,
                               16),
    "istft_hamming_length": lambda o: o.istft(
        tuple(np.asarray(t) for t in o.stft(SIGNAL, 10, 3, 10, "hamming", False)), 10, 3, 10,
        length=30, window="hamming", center=False),
    "istft_no_window": lambda o: o.istft(tuple(np.asarray(t) for t in o.stft(SIGNAL, 8, 4, 12,
                                                                              None)),
                                         8, 4, 12, window=None),
    "cdist": lambda o: o.cdist(X.astype("float32"), DATA.astype("float32")[:, :1].repeat(3, 1)),
    "rearrange": lambda o: o.rearrange(X.astype("float32"), "(a b) c -> c b a", a=2),
    "vectorize": lambda o: o.vectorize(lambda a, b: o.sum(a * b), signature="(n),(n)->()")(
        X.astype("float32"), X[0].astype("float32")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_values_as_keras(name):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    pytest.importorskip("jax")
    ours, theirs = CASES[name](ops), CASES[name](keras.ops)
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    for a, b in zip(ours, theirs, strict=True):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_segment_max_gradient_is_shared_among_ties_as_keras_on_jax():
    """A max aggregation (the graph networks' "max") trains through segment_max: each segment's
    gradient goes to its largest entries, split evenly among ties; an empty segment (-inf)
    takes none."""
    x = numnet.Variable(np.array([[1.0, 2.0], [5.0, 2.0], [3.0, 4.0]], "float32"))
    weights = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "float32")
    with numnet.GradientTape() as tape:
        out = ops.segment_max(x, [0, 0, 2], num_segments=3)
        loss = ops.sum(ops.where(ops.isfinite(out), out, 0.0) * weights)
    grad = tape.gradient(loss, x).numpy()
    np.testing.assert_array_equal(grad, [[0.0, 1.0], [1.0, 1.0], [5.0, 6.0]])
    keras = _keras_on_jax()
    if keras is not None:
        import jax
        import jax.numpy as jnp

        def total(v):
            o = keras.ops.segment_max(v, jnp.array([0, 0, 2]), num_segments=3)
            return jnp.sum(jnp.where(jnp.isfinite(o), o, 0.0) * weights)

        np.testing.assert_allclose(grad, jax.grad(total)(jnp.asarray(x.numpy())), rtol=1e-6)


def _keras_on_jax():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    try:
        import jax  # noqa: F401
        import keras
    except ImportError:
        return None
    return keras if keras.backend.backend() == "jax" else None


def test_cast_to_an_ml_dtypes_name_before_ml_dtypes_is_imported():
    # NumPy learns "bfloat16" / "float8_e4m3fn" only once ml_dtypes is imported; numnet
    # imports it when a cast asks for one (Keras's ops.cast takes the names)
    pytest.importorskip("ml_dtypes")
    code = ("import numpy as np, numnet\n"
            "b = numnet.ops.cast(np.array([1.0, 2.00390625]), 'bfloat16')\n"
            "f = numnet.ops.cast(np.array([300.0, 0.3]), 'float8_e4m3fn')\n"
            "print(b.dtype, b.numpy().astype('float32').tolist(), f.dtype,\n"
            "      f.numpy().astype('float32').tolist())\n")
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    # bfloat16 keeps 8 bits of mantissa: 2.00390625 rounds to 2; e4m3fn's 300 to 288 (steps
    # of 32 there)
    assert out[0] == "bfloat16" and out[3] == "float8_e4m3fn"
    assert " ".join(out[1:3]) == "[1.0, 2.0]" and " ".join(out[4:6]) == "[288.0, 0.3125]"
    with pytest.raises(TypeError):
        numnet.ops.cast(np.ones(2), "floatx")


def test_convert_to_numpy_of_a_variable_is_a_snapshot():
    """NNCLR's ``queue_0 = ops.convert_to_numpy(model.feature_queue); fit(...)`` must keep the
    queue as it was before fit: Keras returns a copy of a Variable's value."""
    queue = numnet.Variable(np.array([[1.0, 0.0], [0.0, 1.0]], "float32"), trainable=False)
    before = ops.convert_to_numpy(queue)
    queue.assign(ops.concatenate([np.array([[0.6, 0.8]], "float32"), queue[:-1]], axis=0))
    np.testing.assert_array_equal(before, [[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(ops.convert_to_numpy(queue), [[0.6, 0.8], [1.0, 0.0]])
    weight = numnet.Variable(np.array([2.0], "float32"))
    snapshot = ops.convert_to_numpy(weight)
    weight.assign_add([1.0])
    weight.assign_sub([0.5])
    assert snapshot.tolist() == [2.0] and ops.convert_to_numpy(weight).tolist() == [2.5]
