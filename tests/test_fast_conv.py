"""The compiled convolution and pooling kernels (numnet/fast/conv.py) against the plain NumPy
path of autodiff/ops.py, their reference: the same forward values and every gradient on many
geometries (1-D and 2-D, strides, dilation, 'valid' / 'same' / 'causal', odd sizes, one and
several channels, batch 1, batches split into several blocks), gradient checks of the fast
path, and a small case worked by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor
from numnet.fast import conv as fast_conv
from numnet.fast import updates as switch

pytest.importorskip("numba")
pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

TOL = {np.float32: 1e-6, np.float64: 1e-12}


@pytest.fixture(autouse=True)
def _fast_path_on():
    before = switch._enabled
    switch.set_enabled(True)
    yield
    switch.set_enabled(before)


def _run(fn, arrays, g, fast: bool):
    """(output, gradient of each input) of fn on Tensors of ``arrays`` for the output
    gradient ``g``, on the fast path or the plain one."""
    switch.set_enabled(fast)
    try:
        tensors = [Tensor(a.copy(), requires_grad=True) for a in arrays]
        out = fn(*tensors)
        out.backward(g)
        return [out.value] + [t.grad for t in tensors]
    finally:
        switch.set_enabled(True)


def _assert_paths_agree(fn, arrays, seed=0):
    """fn's forward and gradients agree on both paths to the rounding of the dtype, with the
    dtype kept; returns the fast path's results."""
    dtype = arrays[0].dtype.type
    shape = fn(*[Tensor(a) for a in arrays]).shape
    g = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    plain = _run(fn, arrays, g, fast=False)
    fast = _run(fn, arrays, g, fast=True)
    for name, p, f in zip(["output"] + [f"grad {i}" for i in range(len(arrays))], plain, fast,
                          strict=True):
        assert f.dtype == dtype and f.shape == p.shape, name
        scale = max(1.0, float(np.abs(p).max()))
        error = float(np.abs(f - p).max())
        assert error <= TOL[dtype] * scale, f"{name}: {error:.3g}"
    return fast


def _data(shape, dtype, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


CONV_CASES = [
    # (input shape, kernel shape, keyword arguments)
    ((2, 9, 3), (3, 3, 4), dict(strides=2, padding="same")),
    ((1, 10, 1), (4, 1, 2), dict(padding="causal", dilation_rate=2)),
    ((3, 11, 2), (2, 2, 3), dict(padding="causal", strides=3)),
    ((2, 7, 5), (7, 5, 2), dict(padding="valid")),
    ((1, 5, 5, 1), (3, 3, 1, 2), dict(padding="same")),
    ((3, 7, 8, 2), (3, 2, 2, 5), dict(strides=(2, 1), padding="same")),
    ((2, 9, 7, 1), (3, 3, 1, 4), dict(dilation_rate=(2, 1))),
    ((2, 10, 9, 3), (2, 3, 3, 4), dict(strides=(3, 2), padding="valid")),
    ((2, 6, 6, 3), (1, 1, 3, 2), dict(strides=2, padding="same")),
    ((4, 13, 13, 8), (3, 3, 8, 16), {}),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,kernel_shape,kwargs", CONV_CASES)
def test_conv_matches_plain_path(shape, kernel_shape, kwargs, dtype):
    x, kernel = _data(shape, dtype, 1), _data(kernel_shape, dtype, 2)
    bias = _data(kernel_shape[-1:], dtype, 3)
    assert fast_conv.conv_forward(
        x, kernel.reshape(-1, kernel_shape[-1]), *_geometry(shape, kernel_shape, **kwargs)
    ) is not None  # the kernels take this case
    _assert_paths_agree(lambda x, k, b: ops.conv(x, k, b, **kwargs), [x, kernel, bias])


def _geometry(shape, kernel_shape, strides=1, padding="valid", dilation_rate=1):
    rank = len(shape) - 2
    strides = (strides,) * rank if isinstance(strides, int) else strides
    dilation = (dilation_rate,) * rank if isinstance(dilation_rate, int) else dilation_rate
    out, before = ops._window_plan(shape, kernel_shape[:rank], strides, dilation, padding)
    return kernel_shape[:rank], strides, dilation, before, out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("use_bias", [True, False])
def test_conv_with_relu_matches_plain_path(dtype, use_bias):
    relu = numnet.activations.kernel_of(numnet.activations.relu)
    x, kernel = _data((3, 8, 7, 2), dtype, 4), _data((3, 3, 2, 5), dtype, 5)
    arrays = [x, kernel] + ([_data((5,), dtype, 6)] if use_bias else [])

    def fn(x, k, b=None):
        return ops.conv(x, k, b, 1, "same", 1, relu)

    out = _assert_paths_agree(fn, arrays)[0]
    assert (out >= 0).all() and (out == 0).any() and (out > 0).any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("channels", [1, 4, 5])  # patches built transposed up to FEW_CHANNELS
def test_several_blocks_and_a_partial_last_one(monkeypatch, dtype, channels):
    # blocks of 2 images (81 patch rows of 3 * 3 * channels values): a batch of 5 is 2 + 2 + 1
    monkeypatch.setattr(fast_conv, "BLOCK_BYTES", 2 * 81 * 9 * channels * np.dtype(dtype).itemsize)
    x, kernel = _data((5, 11, 11, channels), dtype, 7), _data((3, 3, channels, 6), dtype, 8)
    bias = _data((6,), dtype, 9)
    x4, geometry = fast_conv._geometry(x, (3, 3), (1, 1), (1, 1), (0, 0), (9, 9))
    assert fast_conv._blocks(x4, geometry) == (81, 2)
    _assert_paths_agree(lambda x, k, b: ops.conv(x, k, b), [x, kernel, bias])
    relu = numnet.activations.kernel_of(numnet.activations.relu)
    _assert_paths_agree(lambda x, k, b: ops.conv(x, k, b, act=relu), [x, kernel, bias])


def test_conv_does_not_compute_the_gradient_of_an_input_that_needs_none():
    x, kernel = _data((2, 6, 6, 1), np.float32, 10), _data((3, 3, 1, 4), np.float32, 11)
    k = Tensor(kernel.copy(), requires_grad=True)
    inputs = Tensor(x)
    out = ops.conv(inputs, k)
    out.backward(np.ones(out.shape, np.float32))
    assert inputs.grad is None
    # d kernel[a, b, 0, f] = the sum of x over the window's positions seen by tap (a, b)
    expected = np.stack([x[:, a:a + 4, b:b + 4, 0].sum() for a in range(3) for b in range(3)])
    np.testing.assert_allclose(k.grad[..., 0, 0].reshape(-1), expected, rtol=1e-5)
    assert np.allclose(k.grad, k.grad[..., :1])  # every filter sees the same patches


def test_conv_on_a_view_that_is_not_contiguous_takes_the_plain_path():
    x = _data((6, 6, 2, 3), np.float32, 12).transpose(2, 0, 1, 3)  # (2, 6, 6, 3), strided
    kernel = _data((3, 3, 3, 2), np.float32, 13)
    assert fast_conv.im2col(x, (3, 3), (1, 1), (1, 1), (0, 0), (4, 4)) is None
    switch.set_enabled(False)
    plain = ops.conv(x, kernel).value
    switch.set_enabled(True)
    np.testing.assert_array_equal(ops.conv(x, kernel).value, plain)


def test_conv_layer_fuses_relu_and_trains_as_the_plain_path():
    def train(fast):
        switch.set_enabled(fast)
        numnet.utils.set_random_seed(0)
        model = numnet.Sequential([
            numnet.Input((10, 10, 1)), layers.Conv2D(4, 3, activation="relu"),
            layers.MaxPooling2D(2), layers.Conv2D(6, 3, activation="relu", padding="same"),
            layers.AveragePooling2D(2), layers.Flatten(), layers.Dense(3, activation="softmax")])
        model.compile(optimizer=numnet.optimizers.Adam(0.01),
                      loss="sparse_categorical_crossentropy")
        rng = np.random.default_rng(0)
        x = rng.standard_normal((40, 10, 10, 1)).astype("float32")
        y = (x[:, :5].mean(axis=(1, 2, 3)) > 0).astype("int32") + (x[:, 5:].mean(
            axis=(1, 2, 3)) > 0).astype("int32")
        history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
        return history.history["loss"], model.get_weights()

    plain_loss, plain_weights = train(False)
    fast_loss, fast_weights = train(True)
    np.testing.assert_allclose(fast_loss, plain_loss, rtol=1e-5)
    assert fast_loss[-1] < fast_loss[0]
    for f, p in zip(fast_weights, plain_weights, strict=True):
        assert f.dtype == np.float32
        np.testing.assert_allclose(f, p, rtol=1e-4, atol=1e-5)


POOL_CASES = [
    # (input shape, pool size, keyword arguments)
    ((2, 9, 7, 3), 2, dict(padding="valid")),
    ((2, 9, 7, 3), 3, dict(strides=2, padding="same")),
    ((1, 11, 11, 1), 2, dict(strides=1, padding="same")),
    ((2, 5, 5, 1), (2, 3), dict(strides=(1, 2))),
    ((3, 8, 6, 4), (3, 2), dict(strides=(2, 3), padding="same")),
    ((2, 10, 10, 2), 2, dict(strides=3)),
    ((1, 11, 2), 3, dict(strides=1, padding="same")),
    ((3, 10, 4), 2, dict(padding="valid")),
    ((2, 9, 3), 4, dict(strides=3, padding="same")),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,pool_size,kwargs", POOL_CASES)
@pytest.mark.parametrize("pool", ["max", "average"])
def test_pooling_matches_plain_path(shape, pool_size, kwargs, dtype, pool):
    x = _data(shape, dtype, 14)
    x[0, 1] = x[0, 0]  # ties between the windows' positions
    x.reshape(-1)[::7] = 0.5
    op = ops.max_pool if pool == "max" else ops.average_pool
    rank = len(shape) - 2
    size = (pool_size,) * rank if isinstance(pool_size, int) else pool_size
    strides = kwargs.get("strides", size)
    strides = (strides,) * rank if isinstance(strides, int) else strides
    out, before = ops._window_plan(shape, size, strides, (1,) * rank,
                                   kwargs.get("padding", "valid"))
    assert getattr(fast_conv, f"{pool}_pool")(x, size, strides, before, out) is not None
    _assert_paths_agree(lambda x: op(x, pool_size, **kwargs), [x])


def test_max_pool_by_hand_first_maximum_wins_and_padding_is_never_chosen():
    x = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 0.0], [-5.0, -4.0, -6.0]], np.float32)
    t = Tensor(x.reshape(1, 3, 3, 1), requires_grad=True)
    out = ops.max_pool(t, 2, padding="same")  # windows at rows / columns (0, 1) and (2, -)
    np.testing.assert_array_equal(out.value[0, ..., 0], [[3.0, 3.0], [-4.0, -6.0]])
    out.backward(np.array([10.0, 20.0, 30.0, 40.0], np.float32).reshape(1, 2, 2, 1))
    np.testing.assert_array_equal(t.grad[0, ..., 0],
                                  [[0, 10, 20], [0, 0, 0], [0, 30, 40]])


def test_max_pool_keeps_nan_and_infinity_as_the_plain_path():
    x = _data((1, 4, 4, 2), np.float32, 15)
    x[0, 0, 1, 0] = np.nan
    x[0, 2:, 2:, 1] = -np.inf
    fast = _run(lambda x: ops.max_pool(x, 2), [x], np.ones((1, 2, 2, 2), np.float32), True)
    plain = _run(lambda x: ops.max_pool(x, 2), [x], np.ones((1, 2, 2, 2), np.float32), False)
    for f, p in zip(fast, plain, strict=True):
        np.testing.assert_array_equal(f, p)
    assert np.isnan(fast[0][0, 0, 0, 0]) and fast[0][0, 1, 1, 1] == -np.inf


def test_average_pool_by_hand_counts_only_positions_inside():
    x = np.arange(1.0, 10.0, dtype=np.float32).reshape(1, 3, 3, 1)
    t = Tensor(x, requires_grad=True)
    out = ops.average_pool(t, 2, padding="same")
    np.testing.assert_allclose(out.value[0, ..., 0], [[3.0, 4.5], [7.5, 9.0]])
    out.backward(np.ones((1, 2, 2, 1), np.float32))
    np.testing.assert_allclose(t.grad[0, ..., 0],
                               [[0.25, 0.25, 0.5], [0.25, 0.25, 0.5], [0.5, 0.5, 1.0]])


@pytest.mark.parametrize("case", [0, 1, 5, 6, 7])
def test_conv_gradient_check_on_the_fast_path(case):
    shape, kernel_shape, kwargs = CONV_CASES[case]
    relu = numnet.activations.kernel_of(numnet.activations.relu)
    arrays = [_data(shape, np.float64, 16), _data(kernel_shape, np.float64, 17),
              _data(kernel_shape[-1:], np.float64, 18)]
    assert check_gradients(lambda x, k, b: ops.conv(x, k, b, **kwargs), arrays) < 1e-6
    assert check_gradients(
        lambda x, k, b: ops.conv(x, k, b, kwargs.get("strides", 1),
                                 kwargs.get("padding", "valid"),
                                 kwargs.get("dilation_rate", 1), relu), arrays) < 1e-6


@pytest.mark.parametrize("case", [0, 1, 4, 5, 8])
@pytest.mark.parametrize("pool", [ops.max_pool, ops.average_pool])
def test_pooling_gradient_check_on_the_fast_path(case, pool):
    shape, pool_size, kwargs = POOL_CASES[case]
    x = _data(shape, np.float64, 19)
    assert check_gradients(lambda x: pool(x, pool_size, **kwargs), [x]) < 1e-6


# Threads: the blocks of a batch go in GROUPS contiguous groups, shared by up to _thread_count()
# threads of numnet's pool (updates._executor()); NUMNET_FUSED_THREADS=1 keeps all on the caller.


class _SpyPool:
    """A pool of ``workers`` threads that counts the tasks submitted to it."""

    def __init__(self, workers):
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.submitted = 0

    def submit(self, fn, *args):
        self.submitted += 1
        return self.pool.submit(fn, *args)


@pytest.fixture
def spy(monkeypatch):
    """numnet's pool replaced by a _SpyPool of 3 threads (so the caller and 3 more run groups,
    whatever the machine's cores), with NUMNET_FUSED_THREADS=4."""
    pool = _SpyPool(3)
    monkeypatch.setattr(switch, "_executor", lambda: pool)
    monkeypatch.setenv("NUMNET_FUSED_THREADS", "4")
    yield pool
    pool.pool.shutdown()


def test_groups_are_runs_of_whole_blocks_as_even_as_they_allow():
    assert fast_conv.GROUPS == 4
    assert fast_conv._groups(3, 4) == [(0, 3)]  # one block: one group
    assert fast_conv._groups(5, 2) == [(0, 2), (2, 4), (4, 5)]  # three blocks, the last partial
    assert fast_conv._groups(10, 1) == [(0, 2), (2, 5), (5, 7), (7, 10)]
    assert fast_conv._groups(128, 7) == [(0, 28), (28, 63), (63, 98), (98, 128)]  # 19 blocks
    assert fast_conv._groups(0, 5) == [(0, 0)]


def _conv_arrays(dtype, channels, batch=7):
    x = _data((batch, 11, 11, channels), dtype, 20)
    matrix = _data((9 * channels, 6), dtype, 21)
    dz = _data((batch * 81, 6), dtype, 22)
    return x, matrix, dz, ((3, 3), (1, 1), (1, 1), (0, 0), (9, 9))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("channels", [1, 5])  # patches built transposed or not
def test_conv_gives_the_same_results_on_one_thread_and_several(monkeypatch, spy, dtype,
                                                               channels):
    # blocks of 2 images: a batch of 7 is 4 blocks, 4 groups
    monkeypatch.setattr(fast_conv, "BLOCK_BYTES", 2 * 81 * 9 * channels * np.dtype(dtype).itemsize)
    x, matrix, dz, geometry = _conv_arrays(dtype, channels)
    results = {}
    for threads in ("1", "4"):
        monkeypatch.setenv("NUMNET_FUSED_THREADS", threads)
        before = spy.submitted
        z = fast_conv.conv_forward(x, matrix, *geometry)
        d_matrix, dx = fast_conv.conv_backward(x, dz, matrix, *geometry, True, True)
        results[threads] = z, d_matrix, dx
        # one thread: nothing submitted; 4: 3 helpers for the forward, 3 for the backward
        assert spy.submitted - before == (0 if threads == "1" else 6)
    (z1, dk1, dx1), (z4, dk4, dx4) = results["1"], results["4"]
    np.testing.assert_array_equal(z4, z1)  # each image's values are its own: the same bits
    np.testing.assert_array_equal(dx4, dx1)
    # d kernel: the same groups summed in the same order, whichever thread ran each
    np.testing.assert_allclose(dk4, dk1, rtol=TOL[dtype], atol=0)
    # and all three agree with the plain products
    rows = np.stack([x[:, a:a + 9, b:b + 9] for a in range(3) for b in range(3)],
                    axis=-2).reshape(7 * 81, -1)  # the patches, taps then channels
    scale = TOL[dtype] * max(1.0, float(np.abs(rows.T @ dz).max()))
    np.testing.assert_allclose(z4, rows @ matrix, rtol=0, atol=scale * 10)
    np.testing.assert_allclose(dk4, rows.T @ dz, rtol=0, atol=scale * 10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("channels", [1, 5])
def test_relu_backward_inside_the_blocks_matches_the_separate_pass(monkeypatch, dtype, channels):
    # blocks of 2 images: a batch of 7 is 4 blocks in 4 groups; the relu's dz is made per block
    monkeypatch.setattr(fast_conv, "BLOCK_BYTES", 2 * 81 * 9 * channels * np.dtype(dtype).itemsize)
    x, matrix, g, geometry = _conv_arrays(dtype, channels)
    relu_out = np.maximum(_data(g.shape, dtype, 23), 0)  # about half the outputs are zero
    dz = g * (relu_out > 0)
    results = {}
    for threads in ("1", "4"):
        monkeypatch.setenv("NUMNET_FUSED_THREADS", threads)
        results[threads] = fast_conv.conv_relu_backward(x, g, relu_out, matrix, *geometry,
                                                        True, True)
    (dk1, dx1, db1), (dk4, dx4, db4) = results["1"], results["4"]
    np.testing.assert_array_equal(dx4, dx1)
    np.testing.assert_array_equal(db4, db1)  # the same blocks and groups in the same order
    np.testing.assert_allclose(dk4, dk1, rtol=TOL[dtype], atol=0)
    d_matrix, dx = fast_conv.conv_backward(x, dz, matrix, *geometry, True, True)
    np.testing.assert_array_equal(dx1, dx)  # dz K^T of the same dz, position by position
    np.testing.assert_allclose(dk1, d_matrix, rtol=TOL[dtype] * 10, atol=0)
    scale = TOL[dtype] * max(1.0, float(np.abs(dz).sum(0).max()))
    np.testing.assert_allclose(db1, dz.sum(0), rtol=0, atol=scale * 10)
    # only what is asked: no input gradient, and no kernel gradient
    dk, none, db = fast_conv.conv_relu_backward(x, g, relu_out, matrix, *geometry, True, False)
    assert none is None
    np.testing.assert_array_equal(db, db1)
    none, dx_only, _ = fast_conv.conv_relu_backward(x, g, relu_out, matrix, *geometry, False,
                                                    True)
    assert none is None
    np.testing.assert_array_equal(dx_only, dx1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("channels", [1, 5])
def test_bias_and_relu_inside_the_blocks_give_the_separate_pass_bits(monkeypatch, dtype,
                                                                    channels):
    monkeypatch.setattr(fast_conv, "BLOCK_BYTES", 2 * 81 * 9 * channels * np.dtype(dtype).itemsize)
    x, matrix, _, geometry = _conv_arrays(dtype, channels)
    bias = _data((6,), dtype, 24)
    z = fast_conv.conv_forward(x, matrix, *geometry)
    expected = np.maximum(z + bias, 0)
    for threads in ("1", "4"):
        monkeypatch.setenv("NUMNET_FUSED_THREADS", threads)
        out = fast_conv.conv_forward(x, matrix, *geometry, relu_bias=bias)
        np.testing.assert_array_equal(out, expected)
    assert (expected == 0).any() and (expected > 0).any()
    assert fast_conv.conv_forward(x, matrix, *geometry, relu_bias=bias[:-1]) is None
    assert fast_conv.conv_forward(x, matrix, *geometry,
                                  relu_bias=bias.astype(np.float16)) is None


def test_relu_backward_inside_the_blocks_declines_what_it_cannot_take():
    x, matrix, g, geometry = _conv_arrays(np.float32, 3)
    assert fast_conv.conv_relu_backward(x, g, g[:-1], matrix, *geometry, True, True) is None
    assert fast_conv.conv_relu_backward(x, g, g.astype(np.float64), matrix, *geometry, True,
                                        True) is None


def test_conv_of_one_block_and_with_one_thread_stays_on_the_calling_thread(monkeypatch, spy):
    x, matrix, dz, geometry = _conv_arrays(np.float32, 3, batch=2)  # one block of 1 MiB
    assert fast_conv._blocks(*fast_conv._geometry(x, *geometry)) == (81, 119)
    fast_conv.conv_forward(x, matrix, *geometry)
    fast_conv.conv_backward(x, dz, matrix, *geometry, True, True)
    assert spy.submitted == 0
    monkeypatch.setattr(fast_conv, "BLOCK_BYTES", 81 * 27 * 4)  # one image a block: 2 groups
    monkeypatch.setenv("NUMNET_FUSED_THREADS", "1")
    fast_conv.conv_forward(x, matrix, *geometry)
    assert spy.submitted == 0
    monkeypatch.setenv("NUMNET_FUSED_THREADS", "2")  # the caller and one helper
    fast_conv.conv_forward(x, matrix, *geometry)
    assert spy.submitted == 1


@pytest.mark.parametrize("pool", ["max", "average"])
def test_pooling_gives_the_same_results_on_one_thread_and_several(monkeypatch, spy, pool):
    monkeypatch.setattr(fast_conv, "BLOCK_BYTES", 2 * 12 * 12 * 3 * 4)  # 2 images a piece
    x = _data((9, 12, 12, 3), np.float32, 23)
    g = _data((9, 6, 6, 3), np.float32, 24)
    geometry = ((3, 3), (2, 2), (1, 1), (6, 6))  # window, strides, padding before, out
    forward, backward = ((fast_conv.max_pool, fast_conv.max_pool_backward) if pool == "max"
                         else (fast_conv.average_pool, fast_conv.average_pool_backward))
    results = {}
    for threads in ("1", "4"):
        monkeypatch.setenv("NUMNET_FUSED_THREADS", threads)
        before = spy.submitted
        value, extra = forward(x, *geometry)
        dx = backward(g, extra, x.shape, *geometry[:3])
        results[threads] = value, extra, dx
        assert spy.submitted - before == (0 if threads == "1" else 6)  # 4 pieces each way
    for one, several in zip(results["1"], results["4"], strict=True):
        np.testing.assert_array_equal(several, one)
    assert pool == "max" or results["4"][1][0, 0, 0, 0] == 4  # a corner window counts 2 x 2


def test_groups_run_at_the_same_time_and_their_results_keep_their_order(spy):
    import threading

    meet = threading.Barrier(2, timeout=30)  # two groups wait for each other: two threads
    names = {}

    def work(k):
        names[k] = threading.current_thread().name
        if k < 2:
            meet.wait()
        return k * k

    assert fast_conv._in_groups(work, 4) == [0, 1, 4, 9]
    assert names[0] != names[1]


def test_an_error_in_a_group_reaches_the_caller(spy):
    def work(k):
        if k == 2:
            raise RuntimeError("group 2")
        return k

    with pytest.raises(RuntimeError, match="group 2"):
        fast_conv._in_groups(work, 4)


def test_groups_called_from_a_busy_pool_do_not_wait_for_it(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        monkeypatch.setattr(switch, "_executor", lambda: pool)
        monkeypatch.setenv("NUMNET_FUSED_THREADS", "4")
        # the pool's one thread runs the caller: the helpers it submits never start, the
        # caller runs every group and cancels them
        outer = pool.submit(fast_conv._in_groups, lambda k: k + 1, 4)
        assert outer.result(timeout=30) == [1, 2, 3, 4]
