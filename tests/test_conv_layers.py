"""Conv1D / Conv2D, the pooling layers and Embedding: against loops written out in NumPy,
gradient checks of their ops and of each layer's weights and inputs, against Keras 3 (JAX) where
it is installed, training on bundled MNIST and a synthetic text task, configs and model files,
and the errors for bad arguments and inputs.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np
import pytest

import numnet
from numnet import constraints, initializers, layers, regularizers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

TOL = 1e-5
RNG = np.random.default_rng(0)


# ----------------------------------------------------------------------------- references


def _pads(n, k, s, d, padding):
    """(before, after, out) along one axis, as Keras pads: 'same' splits ceil-size padding
    with the smaller half first, 'causal' pads the span - 1 steps before."""
    span = d * (k - 1) + 1
    if padding == "valid":
        return 0, 0, (n - span) // s + 1
    out = math.ceil(n / s)
    if padding == "causal":
        return span - 1, 0, out
    total = max((out - 1) * s + span - n, 0)
    return total // 2, total - total // 2, out


def conv_reference(x, kernel, bias=None, strides=1, padding="valid", dilation=1):
    """out[n, p, f] = sum over taps t and channels c of x_pad[n, p*s + t*d, c] k[t, c, f] + b[f],
    one output position and one tap at a time."""
    rank = kernel.ndim - 2
    strides = (strides,) * rank if isinstance(strides, int) else strides
    dilation = (dilation,) * rank if isinstance(dilation, int) else dilation
    geometry = [_pads(n, k, s, d, padding) for n, k, s, d in
                zip(x.shape[1:-1], kernel.shape[:rank], strides, dilation)]
    xp = np.pad(x, [(0, 0), *((b, a) for b, a, _ in geometry), (0, 0)])
    out = np.zeros((x.shape[0], *(o for *_, o in geometry), kernel.shape[-1]))
    for p in np.ndindex(*out.shape[1:-1]):
        for t in np.ndindex(*kernel.shape[:rank]):
            pos = tuple(pi * s + ti * d for pi, ti, s, d in zip(p, t, strides, dilation))
            out[(slice(None), *p)] += xp[(slice(None), *pos)] @ kernel[t]
    return out if bias is None else out + bias


def pool_reference(x, pool_size, strides=None, padding="valid", kind="max"):
    """The max or mean of each window's positions inside the input (padding never counts)."""
    rank = x.ndim - 2
    strides = strides or pool_size
    geometry = [_pads(n, k, s, 1, padding) for n, k, s in zip(x.shape[1:-1], pool_size, strides)]
    out = np.zeros((x.shape[0], *(o for *_, o in geometry), x.shape[-1]))
    for p in np.ndindex(*out.shape[1:-1]):
        ranges = []
        for axis in range(rank):
            start = p[axis] * strides[axis] - geometry[axis][0]
            lo, hi = max(start, 0), min(start + pool_size[axis], x.shape[axis + 1])
            ranges.append(slice(lo, hi))
        window = x[(slice(None), *ranges)].reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None), *p)] = window.max(axis=1) if kind == "max" else window.mean(axis=1)
    return out


# ----------------------------------------------------------------------------- against the loops

CONV2D_CASES = {
    "valid": dict(filters=4, kernel_size=3),
    "same_strided": dict(filters=3, kernel_size=(3, 2), strides=2, padding="same"),
    "valid_strides_2_3": dict(filters=2, kernel_size=(2, 3), strides=(2, 3)),
    "same_dilated_relu": dict(filters=3, kernel_size=3, dilation_rate=2, padding="same",
                              activation="relu"),
    "no_bias_tanh": dict(filters=5, kernel_size=1, use_bias=False, activation="tanh"),
    "same_even_kernel": dict(filters=2, kernel_size=4, padding="SAME"),
    "strided_and_dilated": dict(filters=2, kernel_size=2, strides=2, dilation_rate=(2, 3),
                                padding="same"),  # (Keras refuses the two together)
}


def _built(layer, x, seed=1):
    """``layer`` built on ``x`` with random weights (biases too, so that they count)."""
    layer(x)
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(size=w.shape).astype(w.dtype) for w in layer.get_weights()])
    return layer


def _apply_activation(name, z):
    return {None: z, "relu": np.maximum(z, 0), "tanh": np.tanh(z)}[name]


@pytest.mark.parametrize("name", sorted(CONV2D_CASES))
def test_conv2d_matches_the_loops(name):
    kwargs = CONV2D_CASES[name]
    x = RNG.normal(size=(2, 9, 8, 3)).astype("float32")
    layer = _built(layers.Conv2D(**kwargs), x)
    weights = layer.get_weights()
    assert weights[0].shape == (*layer.kernel_size, 3, kwargs["filters"])
    expected = conv_reference(x.astype("float64"), weights[0].astype("float64"),
                              weights[1] if len(weights) > 1 else None, layer.strides,
                              layer.padding, layer.dilation_rate)
    out = layer(x)
    assert out.dtype == np.float32
    assert out.shape == layer.compute_output_shape(x.shape) == expected.shape
    np.testing.assert_allclose(out.numpy(), _apply_activation(kwargs.get("activation"), expected),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kwargs", [
    dict(filters=3, kernel_size=3),
    dict(filters=2, kernel_size=4, strides=3, padding="same"),
    dict(filters=2, kernel_size=3, dilation_rate=2, padding="causal"),
    dict(filters=4, kernel_size=2, strides=2, padding="causal"),
], ids=["valid", "same_strided", "causal_dilated", "causal_strided"])
def test_conv1d_matches_the_loops(kwargs):
    x = RNG.normal(size=(3, 11, 2)).astype("float32")
    layer = _built(layers.Conv1D(**kwargs), x)
    kernel, bias = layer.get_weights()
    assert kernel.shape == (kwargs["kernel_size"], 2, kwargs["filters"])
    expected = conv_reference(x.astype("float64"), kernel.astype("float64"), bias,
                              layer.strides, layer.padding, layer.dilation_rate)
    out = layer(x)
    assert out.shape == layer.compute_output_shape(x.shape) == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4, atol=1e-4)


def test_causal_conv1d_sees_no_future_steps():
    x = RNG.normal(size=(1, 8, 1)).astype("float32")
    layer = layers.Conv1D(1, 3, padding="causal", dilation_rate=2)
    before = layer(x).numpy()
    x[0, 5:] += 10.0
    after = layer(x).numpy()
    np.testing.assert_array_equal(after[0, :5], before[0, :5])
    assert not np.allclose(after[0, 5:], before[0, 5:])


POOL_CASES = [
    ("MaxPooling2D", dict()),
    ("MaxPooling2D", dict(pool_size=3, strides=2, padding="same")),
    ("MaxPooling2D", dict(pool_size=(2, 3), strides=(1, 2))),
    ("AveragePooling2D", dict(pool_size=2)),
    ("AveragePooling2D", dict(pool_size=3, strides=2, padding="same")),
    ("AveragePooling2D", dict(pool_size=(3, 2), strides=1, padding="same")),
    ("MaxPooling1D", dict()),
    ("MaxPooling1D", dict(pool_size=3, strides=2, padding="same")),
    ("AveragePooling1D", dict(pool_size=3)),
    ("AveragePooling1D", dict(pool_size=4, strides=3, padding="same")),
]


def _pool_case_id(case):
    name, kwargs = case
    return name + "-" + "-".join(f"{k}{v}" for k, v in kwargs.items())


@pytest.mark.parametrize("case", POOL_CASES, ids=[_pool_case_id(c) for c in POOL_CASES])
def test_pooling_matches_the_loops(case):
    name, kwargs = case
    layer = getattr(layers, name)(**kwargs)
    x = RNG.normal(size=(2, 9, 7, 3) if name.endswith("2D") else (2, 10, 3)).astype("float32")
    expected = pool_reference(x.astype("float64"), layer.pool_size, layer.strides,
                              layer.padding, "max" if name.startswith("Max") else "mean")
    out = layer(x)
    assert out.dtype == np.float32
    assert out.shape == layer.compute_output_shape(x.shape) == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["GlobalAveragePooling1D", "GlobalAveragePooling2D",
                                  "GlobalMaxPooling1D", "GlobalMaxPooling2D"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_matches_numpy(name, keepdims):
    rank = int(name[-2])
    x = RNG.normal(size=(3, 5, 4, 2)[:rank + 1] + (6,)).astype("float32")
    axes = tuple(range(1, rank + 1))
    reduce = np.mean if "Average" in name else np.max
    layer = getattr(layers, name)(keepdims=keepdims)
    out = layer(x)
    assert out.shape == layer.compute_output_shape(x.shape)
    np.testing.assert_allclose(out.numpy(), reduce(x, axis=axes, keepdims=keepdims), rtol=1e-6)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64", "uint64",
                                   "float32", "float64"])
def test_embedding_returns_the_rows_of_its_indices(dtype):
    layer = layers.Embedding(12, 4)
    ids = np.array([[0, 3, 3, 11], [5, 0, 7, 7]], dtype=dtype)
    out = layer(ids)
    table = layer.get_weights()[0]
    assert table.shape == (12, 4) and np.abs(table).max() <= 0.05  # RandomUniform(-0.05, 0.05)
    assert out.dtype == np.float32 and out.shape == (2, 4, 4) == layer.compute_output_shape(
        (2, 4))
    np.testing.assert_array_equal(out.numpy(), table[ids.astype("int64")])
    np.testing.assert_array_equal(layer(np.array([2, 9], dtype)).numpy(), table[[2, 9]])


def test_embedding_takes_initial_weights_and_keras_style_initializers():
    table = RNG.normal(size=(5, 2)).astype("float32")
    layer = layers.Embedding(5, 2, weights=[table])
    np.testing.assert_array_equal(layer(np.array([[4, 0]])).numpy(), table[[[4, 0]]])
    ones = layers.Embedding(3, 2, embeddings_initializer="ones")
    np.testing.assert_array_equal(ones(np.array([1])).numpy(), [[1.0, 1.0]])
    with pytest.warns(UserWarning, match="input_length"):
        layers.Embedding(5, 2, input_length=10)


def test_aliases_are_the_same_classes_and_names_are_keras_names():
    assert layers.Convolution1D is layers.Conv1D and layers.Convolution2D is layers.Conv2D
    assert layers.MaxPool1D is layers.MaxPooling1D and layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.AvgPool2D is layers.AveragePooling2D
    assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D
    assert layers.GlobalMaxPool2D is layers.GlobalMaxPooling2D
    assert layers.Conv2D(2, 3).name.startswith("conv2d")
    assert layers.MaxPooling2D().name.startswith("max_pooling2d")
    assert layers.GlobalAveragePooling1D().name.startswith("global_average_pooling1d")
    assert numnet.backend.image_data_format() == "channels_last"


def test_a_sequential_convnet_reports_keras_shapes():
    model = numnet.Sequential([
        numnet.Input((28, 28, 1)),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.AveragePooling2D(2, padding="same"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    shapes = [layer.output_shape for layer in model.layers]
    assert shapes == [(None, 26, 26, 32), (None, 13, 13, 32), (None, 13, 13, 64),
                      (None, 7, 7, 64), (None, 3136), (None, 10)]
    assert model.count_params() == 320 + 18496 + 31370


# ----------------------------------------------------------------------------- gradient checks


def rand(shape, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, shape)


OP_CASES = {
    "conv2d_valid": (lambda x, k, b: ops.conv(x, k, b),
                     [rand((2, 5, 4, 3)), rand((3, 2, 3, 2), 1), rand((2,), 2)]),
    "conv2d_same_strided": (lambda x, k: ops.conv(x, k, None, (2, 1), "same"),
                            [rand((2, 5, 6, 2)), rand((3, 3, 2, 3), 1)]),
    "conv2d_dilated": (lambda x, k, b: ops.conv(x, k, b, 1, "same", (2, 1)),
                       [rand((1, 6, 5, 2)), rand((2, 3, 2, 2), 1), rand((2,), 2)]),
    "conv1d_causal": (lambda x, k, b: ops.conv(x, k, b, 2, "causal", 2),
                      [rand((2, 9, 2)), rand((3, 2, 3), 1), rand((3,), 2)]),
    "conv1d_same": (lambda x, k: ops.conv(x, k, None, 1, "same"),
                    [rand((2, 7, 3)), rand((4, 3, 2), 1)]),
    "max_pool2d": (lambda x: ops.max_pool(x, 2), [rand((2, 6, 5, 3))]),
    "max_pool2d_same_overlapping": (lambda x: ops.max_pool(x, 3, 2, "same"),
                                    [rand((2, 7, 6, 2))]),
    "max_pool1d": (lambda x: ops.max_pool(x, (3,), (1,)), [rand((2, 7, 3))]),
    "average_pool2d": (lambda x: ops.average_pool(x, (2, 3)), [rand((2, 6, 6, 2))]),
    "average_pool2d_same": (lambda x: ops.average_pool(x, 3, (2, 1), "same"),
                            [rand((2, 7, 5, 2))]),
    "average_pool1d_same": (lambda x: ops.average_pool(x, 4, 3, "same"), [rand((2, 10, 3))]),
    "max_all": (ops.max, [rand((3, 4))]),
    "max_axes": (lambda x: ops.max(x, axis=(1, 2)), [rand((2, 3, 4, 2))]),
    "max_keepdims": (lambda x: ops.max(x, axis=-1, keepdims=True), [rand((3, 5))]),
    "getitem_embedding_rows": (lambda t: t[np.array([[1, 1, 0], [3, 1, 1]])], [rand((4, 3))]),
}


@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_op_gradient(name):
    fn, inputs = OP_CASES[name]
    error = check_gradients(fn, inputs)
    assert error < TOL, f"relative error {error:.3g}"


def test_max_shares_the_gradient_among_ties_and_max_pool_gives_it_to_the_first():
    x = Tensor(np.array([[1.0, 3.0, 3.0, 2.0]]), requires_grad=True)
    ops.max(x).backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.5, 0.5, 0.0]])
    x = Tensor(np.array([[[3.0], [3.0], [1.0], [4.0]]]), requires_grad=True)
    out = ops.max_pool(x, 2)
    np.testing.assert_array_equal(out.numpy(), [[[3.0], [4.0]]])
    out.backward(np.array([[[1.0], [2.0]]]))
    np.testing.assert_array_equal(x.grad, [[[1.0], [0.0], [0.0], [2.0]]])


def _float64(layer, x, seed=1):
    """``layer`` (dtype float64) built and given smooth random weights."""
    layer(Tensor(np.zeros((1, *x.shape[1:]))))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.uniform(-1, 1, w.shape) for w in layer.get_weights()])
    return layer


def _loss_plus_penalties(layer, out_shape):
    target = rand(out_shape, 9)

    def total(x):
        loss = ops.mean(ops.square(ops.subtract(layer(x), target)))
        for penalty in layer.losses:
            loss = ops.add(loss, penalty)
        return loss

    return total


LAYER_GRAD_CASES = {
    "conv2d": (lambda: layers.Conv2D(3, (2, 3), padding="same", strides=(1, 2),
                                     activation="tanh", kernel_regularizer="l2",
                                     bias_regularizer=regularizers.L1(0.1),
                                     activity_regularizer="l2", dtype="float64"),
               (2, 5, 6, 2)),
    "conv2d_dilated_no_bias": (lambda: layers.Conv2D(2, 2, dilation_rate=2, use_bias=False,
                                                     dtype="float64"), (2, 5, 5, 3)),
    "conv1d_causal": (lambda: layers.Conv1D(3, 3, padding="causal", activation="sigmoid",
                                            kernel_regularizer="l1_l2", dtype="float64"),
                      (2, 7, 2)),
    "max_pooling2d": (lambda: layers.MaxPooling2D(2, padding="same", dtype="float64"),
                      (2, 5, 5, 2)),
    "average_pooling2d": (lambda: layers.AveragePooling2D(3, 2, "same", dtype="float64"),
                          (2, 6, 5, 2)),
    "max_pooling1d": (lambda: layers.MaxPooling1D(3, 1, dtype="float64"), (2, 7, 3)),
    "average_pooling1d": (lambda: layers.AveragePooling1D(2, dtype="float64"), (2, 7, 3)),
    "global_average_pooling1d": (lambda: layers.GlobalAveragePooling1D(dtype="float64"),
                                 (2, 5, 3)),
    "global_average_pooling2d": (lambda: layers.GlobalAveragePooling2D(keepdims=True,
                                                                       dtype="float64"),
                                 (2, 4, 3, 2)),
    "global_max_pooling1d": (lambda: layers.GlobalMaxPooling1D(dtype="float64"), (2, 5, 3)),
    "global_max_pooling2d": (lambda: layers.GlobalMaxPooling2D(dtype="float64"), (2, 4, 3, 2)),
}


@pytest.mark.parametrize("name", sorted(LAYER_GRAD_CASES))
def test_layer_gradient_of_weights_and_inputs(name):
    make, shape = LAYER_GRAD_CASES[name]
    x = rand(shape, 3)
    layer = _float64(make(), x)
    out_shape = layer.compute_output_shape(shape)
    error = check_gradients(_loss_plus_penalties(layer, out_shape), [x],
                            params=layer.trainable_weights)
    assert error < TOL, f"relative error {error:.3g}"
    for w in layer.trainable_weights:
        assert w.grad is not None and w.grad.dtype == np.float64


def test_embedding_gradient_adds_up_repeated_indices():
    layer = _float64(layers.Embedding(6, 3, embeddings_regularizer="l2",
                                      activity_regularizer="l1", dtype="float64"),
                     np.zeros((1, 1)))
    ids = np.array([[1, 4, 1, 1], [0, 4, 5, 1]])
    total = _loss_plus_penalties(layer, (2, 4, 3))
    assert check_gradients(lambda: total(ids), [], params=layer.trainable_weights) < TOL
    # By hand: d sum(out * g) / d row i = the sum of g over the positions that read row i.
    layer.embeddings.grad = None
    g = rand((2, 4, 3), 5)
    layer(ids).backward(g)
    expected = np.zeros((6, 3))
    np.add.at(expected, ids, g)
    np.testing.assert_allclose(layer.embeddings.grad, expected, rtol=1e-12)


@pytest.mark.parametrize("make, shape", [
    (lambda: layers.Conv2D(4, 3, padding="same"), (2, 6, 6, 3)),
    (lambda: layers.Conv1D(4, 3, padding="causal"), (2, 6, 3)),
    (lambda: layers.MaxPooling2D(), (2, 6, 6, 3)),
    (lambda: layers.AveragePooling2D(3, padding="same"), (2, 6, 6, 3)),
    (lambda: layers.GlobalMaxPooling2D(), (2, 6, 6, 3)),
], ids=["conv2d", "conv1d", "max_pooling2d", "average_pooling2d", "global_max_pooling2d"])
def test_float32_in_float32_out_and_float32_gradients(make, shape):
    layer = make()
    x = Tensor(RNG.normal(size=shape).astype("float32"), requires_grad=True)
    out = layer(x)
    assert out.dtype == np.float32
    out.backward(np.ones(out.shape, "float32"))
    assert x.grad.dtype == np.float32
    assert all(w.grad.dtype == np.float32 for w in layer.trainable_weights)


# ----------------------------------------------------------------------------- training


@pytest.fixture(scope="module")
def mnist():
    (x, y), (x_test, y_test) = numnet.datasets.mnist.load_data(bundled=True)
    return ((x[..., None] / 255).astype("float32"), y.astype("int64"),
            (x_test[..., None] / 255).astype("float32"), y_test.astype("int64"))


def test_a_small_convnet_learns_mnist_in_seconds(mnist):
    x, y, x_test, y_test = mnist
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([
        numnet.Input((28, 28, 1)),
        layers.Conv2D(8, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(x[:600], y[:600], epochs=3, batch_size=32, verbose=0)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(x_test[:500], y_test[:500], verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    assert accuracy > 0.75, accuracy  # chance is 0.1
    assert seconds < 30, seconds


def _token_task(n, length=12, seed=0):
    """Sequences over 20 tokens: 0 pads, 1-9 are 'negative' words, 10-19 'positive' ones; the
    label says whether positive words outnumber negative ones."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, 20, size=(n, length))
    ids[rng.random((n, length)) < 0.2] = 0
    labels = ((ids >= 10).sum(axis=1) > ((ids > 0) & (ids < 10)).sum(axis=1)).astype("float32")
    return ids, labels


def test_embedding_and_global_average_pooling_learn_a_text_task():
    ids, labels = _token_task(800)
    test_ids, test_labels = _token_task(300, seed=1)
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([
        numnet.Input((12,), dtype="int32"),
        layers.Embedding(20, 8),
        layers.GlobalAveragePooling1D(),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=numnet.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(ids, labels, epochs=15, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(test_ids, test_labels, verbose=0)
    assert accuracy > 0.85, accuracy  # the majority class is about 0.5
    # float inputs holding the same integers (a float32 model input) give the same outputs
    np.testing.assert_array_equal(model.predict(test_ids.astype("float32"), verbose=0),
                                  model.predict(test_ids, verbose=0))


# ----------------------------------------------------------------------------- config and files


def test_config_keeps_every_argument():
    layer = layers.Conv2D(6, 3, strides=2, padding="same", dilation_rate=1, activation="relu",
                          use_bias=False, kernel_initializer="he_normal",
                          kernel_regularizer=regularizers.L2(0.3),
                          kernel_constraint=constraints.MaxNorm(2.0), name="c")
    config = layer.get_config()
    assert {k: config[k] for k in ("filters", "kernel_size", "strides", "padding",
                                   "data_format", "dilation_rate", "groups", "activation",
                                   "use_bias")} == {
        "filters": 6, "kernel_size": (3, 3), "strides": (2, 2), "padding": "same",
        "data_format": "channels_last", "dilation_rate": (1, 1), "groups": 1,
        "activation": "relu", "use_bias": False}
    clone = layers.Conv2D.from_config(config)
    assert clone.get_config() == config
    assert isinstance(clone.kernel_initializer, initializers.HeNormal)
    pool = layers.MaxPooling2D(3).get_config()
    assert (pool["pool_size"], pool["strides"], pool["padding"]) == ((3, 3), (3, 3), "valid")
    embedding = layers.Embedding(7, 2).get_config()
    assert embedding["embeddings_initializer"]["class_name"] == "RandomUniform"
    assert (embedding["input_dim"], embedding["output_dim"], embedding["mask_zero"]) == (7, 2,
                                                                                       False)


def _save_load_predict(model, x, tmp_path):
    model.compile(optimizer="sgd", loss="mse")
    before = model.predict(x, verbose=0)
    model.save(tmp_path / "model.numnet")
    loaded = numnet.models.load_model(tmp_path / "model.numnet")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_an_image_model_file_saves_and_loads(tmp_path):
    model = numnet.Sequential([
        numnet.Input((8, 8, 2)),
        layers.Conv2D(3, 3, padding="same", activation="relu", kernel_regularizer="l2"),
        layers.MaxPooling2D(),
        layers.Conv2D(4, 2, dilation_rate=1, strides=1),
        layers.AveragePooling2D(2, padding="same"),
        layers.GlobalMaxPooling2D(keepdims=True),
        layers.GlobalAveragePooling2D(),
        layers.Dense(2),
    ])
    _save_load_predict(model, RNG.normal(size=(3, 8, 8, 2)).astype("float32"), tmp_path)


def test_a_text_model_file_saves_and_loads(tmp_path):
    model = numnet.Sequential([
        numnet.Input((10,)),
        layers.Embedding(30, 4, embeddings_constraint="non_neg"),
        layers.Conv1D(5, 3, padding="causal", activation="relu"),
        layers.MaxPooling1D(2),
        layers.AveragePooling1D(2, padding="same"),
        layers.GlobalMaxPooling1D(),
        layers.Dense(1),
    ])
    model.add(layers.Reshape((1, 1)))
    model.add(layers.GlobalAveragePooling1D())
    _save_load_predict(model, RNG.integers(0, 30, size=(4, 10)).astype("float32"), tmp_path)


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("make, message", [
    (lambda: layers.Conv2D(4, 3, groups=3), r"Conv2D\(groups\): the filters \(4\)"),
    (lambda: layers.Conv2D(4, 3, data_format="channels_first"), r"np\.moveaxis"),
    (lambda: layers.MaxPooling2D(data_format="channels_first"), r"channels_last"),
    (lambda: layers.GlobalAveragePooling1D(data_format="NHWC"), r"'channels_last'"),
    (lambda: layers.Conv2D(0, 3), r"Conv2D\(filters\): expected a positive integer"),
    (lambda: layers.Conv2D(2.5, 3), r"Conv2D\(filters\)"),
    (lambda: layers.Conv2D(4, (3,)), r"Conv2D\(kernel_size\): .* tuple of 2"),
    (lambda: layers.Conv1D(4, 0), r"Conv1D\(kernel_size\)"),
    (lambda: layers.Conv2D(4, 3, strides=(1, 0)), r"Conv2D\(strides\)"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), r"Conv2D\(padding\): .*'valid', 'same'"),
    (lambda: layers.Conv1D(4, 3, padding="full"), r"'causal'"),
    (lambda: layers.MaxPooling2D(padding="full"), r"MaxPooling2D\(padding\)"),
    (lambda: layers.AveragePooling1D(pool_size=(2, 2)), r"AveragePooling1D\(pool_size\)"),
    (lambda: layers.Embedding(0, 4), r"Embedding\(input_dim\).*vocabulary size"),
    (lambda: layers.Embedding(5, -1), r"Embedding\(output_dim\)"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_average_pooling_needs_a_pool_size_and_unknown_arguments_are_named():
    with pytest.raises(TypeError, match="pool_size"):
        layers.AveragePooling2D()
    with pytest.raises(TypeError, match="Did you mean 'strides'"):
        layers.Conv2D(4, 3, strids=2)


@pytest.mark.parametrize("layer, shape, message", [
    (layers.Conv2D(2, 3), (4, 28, 28), r"expected 4 axes .*Add a channels axis"),
    (layers.Conv1D(2, 3), (4, 10), r"expected 3 axes \(batch, steps, channels\)"),
    (layers.MaxPooling2D(), (4, 6, 6), r"expected 4 axes"),
    (layers.AveragePooling1D(2), (4, 6, 6, 1), r"expected 3 axes"),
    (layers.GlobalAveragePooling2D(), (4, 6, 6), r"expected 4 axes"),
    (layers.GlobalMaxPooling1D(), (4, 6), r"expected 3 axes"),
    (layers.Conv2D(2, 5), (4, 3, 3, 1), r"does not fit .*padding='same'"),
    (layers.MaxPooling1D(4), (2, 3, 1), r"does not fit"),
])
def test_wrong_input_shapes_are_named(layer, shape, message):
    with pytest.raises(ValueError, match=message):
        layer(np.zeros(shape, "float32"))


def test_wrong_shapes_after_build_and_in_a_model():
    layer = layers.Conv2D(2, 3)
    layer(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"expected 3 channels"):
        layer(np.zeros((1, 5, 5, 4), "float32"))
    with pytest.raises(ValueError, match=r"expected 4 axes"):
        numnet.Sequential([numnet.Input((28, 28)), layers.Conv2D(2, 3)])


@pytest.mark.parametrize("ids, error, message", [
    (np.array([[1, 2, 5]]), ValueError, r"index 5 is outside \[0, 5\).*at least 6"),
    (np.array([[1, -1]]), ValueError, r"index -1 is outside \[0, 5\)"),
    (np.array([[1.5, 2.0]]), ValueError, r"fractional part"),
    (np.array([[np.nan, 2.0]], "float32"), ValueError, r"fractional part \(or NaN\)"),
    (np.array([[True, False]]), TypeError, r"expected integer indices, given dtype bool"),
])
def test_embedding_refuses_indices_it_cannot_look_up(ids, error, message):
    with pytest.raises(error, match=message):
        layers.Embedding(5, 2)(ids)


# ----------------------------------------------------------------------------- against Keras


@pytest.fixture(scope="module")
def K():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="the Keras cross-check runs Keras on its JAX backend")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


KERAS_LAYER_CASES = [
    ("Conv2D", dict(filters=4, kernel_size=3), (2, 9, 8, 3)),
    ("Conv2D", dict(filters=3, kernel_size=(3, 2), strides=2, padding="same",
                    activation="relu"), (2, 9, 8, 3)),
    ("Conv2D", dict(filters=2, kernel_size=3, dilation_rate=2, padding="same",
                    use_bias=False), (2, 9, 8, 3)),
    ("Conv1D", dict(filters=3, kernel_size=3, strides=2, padding="same"), (2, 11, 2)),
    ("Conv1D", dict(filters=3, kernel_size=2, dilation_rate=3, padding="causal"), (2, 11, 2)),
    ("MaxPooling2D", dict(), (2, 9, 8, 3)),
    ("MaxPooling2D", dict(pool_size=3, strides=2, padding="same"), (2, 9, 8, 3)),
    ("AveragePooling2D", dict(pool_size=3, strides=2, padding="same"), (2, 9, 8, 3)),
    ("AveragePooling2D", dict(pool_size=(2, 3), strides=1), (2, 9, 8, 3)),
    ("MaxPooling1D", dict(pool_size=3, strides=2, padding="same"), (2, 11, 2)),
    ("AveragePooling1D", dict(pool_size=4, strides=3, padding="same"), (2, 11, 2)),
    ("GlobalAveragePooling1D", dict(), (2, 11, 2)),
    ("GlobalMaxPooling2D", dict(keepdims=True), (2, 9, 8, 3)),
]


@pytest.mark.parametrize("case", KERAS_LAYER_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(KERAS_LAYER_CASES)])
def test_layers_match_keras_with_the_same_weights(K, case):
    name, kwargs, shape = case
    x = RNG.normal(size=shape).astype("float32")
    k_layer, n_layer = getattr(K.layers, name)(**kwargs), getattr(layers, name)(**kwargs)
    expected = np.asarray(k_layer(x))
    n_layer(x)
    n_layer.set_weights(k_layer.get_weights())
    np.testing.assert_allclose(n_layer(x).numpy(), expected, rtol=1e-5, atol=1e-5)
    assert n_layer.compute_output_shape((None,) + shape[1:]) == \
        tuple(k_layer.compute_output_shape((None,) + shape[1:]))


def test_embedding_matches_keras(K):
    ids = np.array([[3, 0, 9, 3], [1, 1, 2, 8]], "int32")
    k_layer, n_layer = K.layers.Embedding(10, 5), layers.Embedding(10, 5)
    expected = np.asarray(k_layer(ids))
    n_layer.build(None)
    n_layer.set_weights(k_layer.get_weights())
    np.testing.assert_array_equal(n_layer(ids).numpy(), expected)


def _convnet(lib):
    return lib.Sequential([
        lib.layers.Input((28, 28, 1)),
        lib.layers.Conv2D(6, 3, activation="relu"),
        lib.layers.MaxPooling2D(),
        lib.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
        lib.layers.AveragePooling2D(2, padding="same"),
        lib.layers.Flatten(),
        lib.layers.Dense(10, activation="softmax"),
    ])


def _text_model(lib):
    return lib.Sequential([
        lib.layers.Input((12,), dtype="int32"),
        lib.layers.Embedding(20, 6),
        lib.layers.Conv1D(4, 3, padding="causal", activation="tanh"),
        lib.layers.GlobalMaxPooling1D(keepdims=True),
        lib.layers.GlobalAveragePooling1D(),
        lib.layers.Dense(1, activation="sigmoid"),
    ])


def test_a_convnet_follows_keras_loss_for_loss_on_mnist(K, mnist, losses_side_by_side):
    x, y, *_ = mnist
    k_losses, n_losses, k_model, n_model = losses_side_by_side(
        K, _convnet, x, y, "sparse_categorical_crossentropy", steps=40, learning_rate=0.5)
    np.testing.assert_allclose(n_losses, k_losses, rtol=1e-4, atol=1e-5)
    assert k_losses[-5:].mean() < 0.8 * k_losses[:3].mean()  # the steps trained
    for k_weight, n_weight in zip(k_model.get_weights(), n_model.get_weights(), strict=True):
        np.testing.assert_allclose(n_weight, k_weight, atol=1e-4)


def test_an_embedding_model_follows_keras_loss_for_loss(K, losses_side_by_side):
    ids, labels = _token_task(32 * 10)
    k_losses, n_losses, *_ = losses_side_by_side(K, _text_model, ids.astype("int32"), labels,
                                                 "binary_crossentropy", steps=10,
                                                 learning_rate=0.5)
    np.testing.assert_allclose(n_losses, k_losses, rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------------------- on a device


def test_the_ops_and_layers_run_with_every_array_on_a_device(runs_on_a_device):
    """This module's ops and layers, with every array on the strict stand-in for CuPy."""
    runs_on_a_device(__file__)


def test_a_model_of_integer_inputs_saves_and_loads(tmp_path):
    model = numnet.Sequential([numnet.Input((5,), dtype="int32"), layers.Embedding(10, 3),
                               layers.GlobalAveragePooling1D(), layers.Dense(1)])
    model.compile("adam", "mse")
    ids = np.arange(40).reshape(8, 5) % 10
    model.fit(ids, np.ones(8, "float32"), verbose=0)
    path = str(tmp_path / "ids.numnet")
    model.save(path)
    loaded = numnet.models.load_model(path)
    assert loaded._input_layer.dtype == "int32"
    np.testing.assert_array_equal(loaded.predict(ids, verbose=0), model.predict(ids, verbose=0))
