"""The keras.ops.nn ops added beside the first set: attention, normalizations, more
convolutions, pixel shuffles, adaptive pooling, psnr, unfold / fold. Values by hand and
against a second implementation, gradients by central differences, and (with keras) the same
values as keras.ops on JAX."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import ops
from numnet.autodiff.gradcheck import check_gradients

pytestmark = [
    pytest.mark.filterwarnings("ignore::numnet.AdviceWarning"),
    # Keras warns that rms_scaling is deprecated; numnet keeps its meaning, checked against it
    pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`:UserWarning"),
]

rng = np.random.default_rng(9)
Q = rng.normal(size=(2, 3, 4, 5)).astype("float32")
KV = rng.normal(size=(2, 6, 2, 5)).astype("float32")
KF = rng.normal(size=(2, 6, 4, 5)).astype("float32")
BIAS = rng.normal(size=(1, 4, 3, 6)).astype("float32")
MASK = rng.uniform(size=(2, 1, 3, 6)) > 0.3
IMG = rng.normal(size=(2, 6, 5, 3)).astype("float32")
SEQ = rng.normal(size=(2, 7, 3)).astype("float32")
X = rng.normal(size=(4, 6)).astype("float32")
CTC_TARGET = np.array([[1, 2, 2, 0], [3, 3, 0, 0], [2, 1, 2, 3]], "int32")
CTC_LOGITS = rng.normal(size=(3, 6, 5)).astype("float32")


def _attention_reference(q, k, v, bias=None, mask=None, scale=None, causal=False):
    heads = q.shape[2]
    k = np.repeat(k, heads // k.shape[2], axis=2)
    v = np.repeat(v, heads // v.shape[2], axis=2)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= mask
    if causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -0.7 * np.finfo(logits.dtype).max)
    w = np.exp(logits - logits.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", w, v)


@pytest.mark.parametrize("kwargs", [
    {}, {"bias": BIAS}, {"mask": MASK}, {"is_causal": True, "scale": 0.3},
    {"bias": BIAS, "mask": MASK, "is_causal": True},
])
@pytest.mark.parametrize("kv", ["grouped", "full"])
def test_dot_product_attention_values(kwargs, kv):
    k = KV if kv == "grouped" else KF
    got = ops.dot_product_attention(Q, k, k, **kwargs).numpy()
    expected = _attention_reference(Q.astype("float64"), k, k, kwargs.get("bias"),
                                     kwargs.get("mask"), kwargs.get("scale"),
                                     kwargs.get("is_causal", False))
    assert got.shape == (2, 3, 4, 5) and got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kwargs", [{}, {"mask": MASK, "is_causal": True}, {"scale": 0.7}])
def test_dot_product_attention_gradients(kwargs):
    def fn(q, k, v, b):
        return ops.dot_product_attention(q, k, v, bias=b, **kwargs)

    inputs = [Q[:, :, :2], KV, KV[..., :3] * 2, BIAS[:, :2]]
    assert check_gradients(fn, inputs) < 1e-6


def test_normalizations_by_hand():
    x = np.array([[1.0, 3.0], [2.0, 6.0]], "float32")
    np.testing.assert_allclose(ops.layer_normalization(x, epsilon=0.0).numpy(),
                               [[-1.0, 1.0], [-1.0, 1.0]])
    np.testing.assert_allclose(
        ops.layer_normalization(x, gamma=[2.0, 1.0], beta=[0.5, 0.0], epsilon=0.0).numpy(),
        [[-1.5, 1.0], [-1.5, 1.0]])
    np.testing.assert_allclose(ops.rms_normalization(x, epsilon=0.0).numpy(),
                               x / np.sqrt((x ** 2).mean(-1, keepdims=True)), rtol=1e-6)
    np.testing.assert_allclose(
        ops.batch_normalization(x, [1.5, 4.5], [0.25, 2.25], axis=1, offset=[1.0, 0.0],
                                scale=[1.0, 3.0], epsilon=0.0).numpy(),
        [[0.0, -3.0], [2.0, 3.0]], rtol=1e-6)
    img = np.ones((1, 2, 2, 3), "float32")
    assert ops.batch_normalization(img, np.zeros(3), np.ones(3), axis=-1).shape == (1, 2, 2, 3)


def test_psnr_by_hand():
    got = ops.psnr(np.zeros((2, 2)), np.full((2, 2), 0.1), 1.0).item()
    assert got == pytest.approx(20.0, rel=1e-5)


GRADS = {
    "batch_normalization": (lambda x, m, v, o, s: ops.batch_normalization(x, m, v, 1, o, s),
                            [X, X[0], np.abs(X[1]) + 0.5, X[2], X[3]]),
    "layer_normalization": (lambda x, g, b: ops.layer_normalization(x, g, b), [X, X[0], X[1]]),
    "layer_normalization_rms": (lambda x, g: ops.layer_normalization(x, g, rms_scaling=True),
                                [X, X[0]]),
    "rms_normalization": (lambda x, s: ops.rms_normalization(x, s, axis=(0, 1)), [X, X]),
    "psnr": (lambda a, b: ops.psnr(a, b, 2.0), [X, X * 0.5]),
    "depthwise_conv": (lambda x, k: ops.depthwise_conv(x, k, 2, "same"),
                       [IMG[:1], rng.normal(size=(3, 2, 3, 2))]),
    "separable_conv": (lambda x, d, p: ops.separable_conv(x, d, p, padding="same"),
                       [SEQ, rng.normal(size=(3, 3, 2)), rng.normal(size=(1, 6, 4))]),
    "conv_transpose": (lambda x, k: ops.conv_transpose(x, k, 2, "same"),
                       [SEQ, rng.normal(size=(3, 4, 3))]),
    "depth_to_space": (lambda x: ops.depth_to_space(x, 2), [rng.normal(size=(1, 2, 3, 8))]),
    "space_to_depth": (lambda x: ops.space_to_depth(x, 2, "channels_first"),
                       [rng.normal(size=(1, 2, 4, 6))]),
    "adaptive_average_pool": (lambda x: ops.adaptive_average_pool(x, (4, 3)), [IMG]),
    "adaptive_max_pool": (lambda x: ops.adaptive_max_pool(x, 3), [SEQ]),
    "unfold": (lambda x: ops.unfold(x, (2, 3), padding=1, stride=(2, 1)),
               [rng.normal(size=(2, 2, 4, 5))]),
    "fold": (lambda x: ops.fold(x, (4, 5), 2, stride=1), [rng.normal(size=(1, 8, 12))]),
    "ctc_loss": (lambda z: ops.ctc_loss(CTC_TARGET, z, [3, 2, 4], [6, 5, 6]),
                 [rng.normal(size=(3, 6, 5))]),
    "ctc_loss_blank_last": (lambda z: ops.ctc_loss(CTC_TARGET, z, [3, 2, 4], [6, 6, 6], 4),
                            [rng.normal(size=(3, 6, 5))]),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients_match_central_differences(name):
    fn, inputs = GRADS[name]
    inputs = [np.asarray(a, dtype=np.float64) for a in inputs]
    # a NaN or inf output would make the comparison vacuous
    assert np.isfinite(np.asarray(fn(*[numnet.Tensor(a) for a in inputs]))).all()
    assert check_gradients(fn, inputs) < 1e-6


def test_ctc_loss_by_hand():
    # two steps, classes {blank, a}, uniform: the alignments of "a" are aa, a_, _a: 3 of 4
    assert ops.ctc_loss([[1]], np.zeros((1, 2, 2)), [1], [2]).item() == pytest.approx(
        -np.log(0.75), rel=1e-6)
    # "aa" needs a blank between the two a's: a_a is the only alignment in three steps
    assert ops.ctc_loss([[1, 1]], np.zeros((1, 3, 2)), [2], [3]).item() == pytest.approx(
        3 * np.log(2), rel=1e-6)


def test_ctc_decode_by_hand():
    logits = np.eye(3)[[1, 1, 0, 1, 2, 2]] * 5.0
    decoded, scores = ops.ctc_decode(logits[None], [6])
    assert decoded.tolist() == [[[1, 1, 2, -1, -1, -1]]] and scores.item() == -30.0
    decoded, _ = ops.ctc_decode(logits[None], [6], merge_repeated=False)
    assert decoded.tolist() == [[[1, 1, 1, 2, 2, -1]]]
    decoded, _ = ops.ctc_decode(logits[None], [3])  # only the first three steps
    assert decoded.tolist() == [[[1, -1, -1, -1, -1, -1]]]
    # two steps, uniform over {blank, a}: "a" has 3 alignments of 4, "" one
    decoded, scores = ops.ctc_decode(np.zeros((1, 2, 2)), [2], "beam_search", top_paths=2)
    assert decoded.tolist() == [[[1, -1]], [[-1, -1]]]
    np.testing.assert_allclose(scores.numpy(), [[np.log(0.75), np.log(0.25)]], rtol=1e-6)
    with pytest.raises(ValueError, match="strategy"):
        ops.ctc_decode(logits[None], [6], strategy="prefix")


def test_pixel_shuffles_invert_each_other_and_pools_match_torch_bins():
    x = rng.normal(size=(2, 4, 6, 4)).astype("float32")
    for fmt in ("channels_last", "channels_first"):
        np.testing.assert_array_equal(
            ops.depth_to_space(ops.space_to_depth(x, 2, fmt), 2, fmt).numpy(), x)
    # 5 -> 3 bins: [0, 2), [1, 4), [3, 5)
    seq = np.arange(5.0, dtype="float32").reshape(1, 5, 1)
    assert ops.adaptive_average_pool(seq, 3).numpy().ravel().tolist() == [0.5, 2.0, 3.5]
    assert ops.adaptive_max_pool(seq, 3).numpy().ravel().tolist() == [1.0, 3.0, 4.0]


def test_unfold_is_im2col_and_fold_its_adjoint():
    x = rng.normal(size=(2, 3, 5, 4))
    cols = ops.unfold(x, 3, padding=1, stride=2).numpy()
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    expected = np.stack([padded[:, :, i:i + 3, j:j + 3].reshape(2, -1)
                         for i in range(0, 5, 2) for j in range(0, 3, 2)], axis=-1)
    np.testing.assert_allclose(cols, expected, rtol=1e-6)
    y = rng.normal(size=cols.shape)
    # <unfold(x), y> == <x, fold(y)>
    folded = ops.fold(y, (5, 4), 3, padding=1, stride=2).numpy()
    assert np.sum(cols * y) == pytest.approx(np.sum(x * folded), rel=1e-6)


def test_attention_in_a_functional_model_trains():
    inputs = numnet.Input((3, 4))
    q = numnet.layers.Dense(4)(inputs)
    heads = ops.reshape(q, (-1, 3, 2, 2))
    attended = ops.dot_product_attention(heads, heads, heads, is_causal=True)
    out = numnet.layers.Dense(1)(ops.reshape(ops.layer_normalization(attended), (-1, 12)))
    model = numnet.Model(inputs, out)
    assert model.output_shape == (None, 1)
    x = rng.normal(size=(32, 3, 4)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    model.compile("adam", "mse")
    history = model.fit(x, y, epochs=15, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="query"):
        ops.dot_product_attention(Q[0], Q[0], Q[0])
    with pytest.raises(ValueError, match="heads"):
        ops.dot_product_attention(Q, KF[:, :, :3], KF[:, :, :3])
    with pytest.raises(ValueError, match="output_size"):
        ops.adaptive_average_pool(IMG, (2, 2, 2))
    with pytest.raises(ValueError, match="data_format"):
        ops.depth_to_space(IMG, 2, "nhwc")


# ----------------------------------------------------------------------------- beside keras

CASES = {
    "attention": lambda o: o.dot_product_attention(Q, KF, KF),
    "attention_grouped_bias_mask": lambda o: o.dot_product_attention(
        Q, KV, KV, bias=BIAS, mask=MASK, is_causal=True, scale=0.5),
    "batch_normalization": lambda o: o.batch_normalization(
        IMG, IMG[0, 0, 0], np.abs(IMG[0, 1, 0]), axis=-1, offset=IMG[1, 0, 0], scale=IMG[1, 1, 1]),
    "layer_normalization": lambda o: o.layer_normalization(IMG, IMG[0, 0, 0], IMG[0, 1, 0]),
    "layer_normalization_axes": lambda o: o.layer_normalization(IMG, axis=(1, 2)),
    "layer_normalization_rms": lambda o: o.layer_normalization(IMG, IMG[0, 0, 0],
                                                               rms_scaling=True),
    "rms_normalization": lambda o: o.rms_normalization(IMG, IMG[0, 0, 0], epsilon=1e-3),
    "depthwise_conv": lambda o: o.depthwise_conv(IMG, np.ones((2, 2, 3, 2), "float32") * 0.5,
                                                 strides=2, padding="same"),
    "depthwise_conv_dilated": lambda o: o.depthwise_conv(SEQ, SEQ[0, :2, :, None],
                                                         dilation_rate=2),
    "separable_conv": lambda o: o.separable_conv(IMG, IMG[0, :3, :3, :, None],
                                                 IMG[1, :1, :1, :, None].repeat(4, -1)),
    "conv_transpose": lambda o: o.conv_transpose(SEQ, SEQ[0, :3, :, None].repeat(3, -1),
                                                 strides=2),
    "conv_transpose_same": lambda o: o.conv_transpose(IMG, IMG[0, :3, :3, :, None].repeat(3, -1),
                                                      strides=(2, 1), padding="same"),
    "conv_transpose_output_padding": lambda o: o.conv_transpose(
        SEQ, SEQ[0, :3, :, None].repeat(3, -1), strides=3, output_padding=1),
    "depth_to_space": lambda o: o.depth_to_space(np.arange(48, dtype="float32").reshape(
        1, 2, 3, 8), 2),
    "depth_to_space_first": lambda o: o.depth_to_space(np.arange(48, dtype="float32").reshape(
        1, 8, 2, 3), 2, "channels_first"),
    "space_to_depth": lambda o: o.space_to_depth(np.arange(48, dtype="float32").reshape(
        1, 4, 6, 2), 2),
    "space_to_depth_first": lambda o: o.space_to_depth(np.arange(48, dtype="float32").reshape(
        1, 2, 4, 6), 2, "channels_first"),
    "adaptive_average_pool": lambda o: o.adaptive_average_pool(IMG, (4, 3)),
    "adaptive_max_pool": lambda o: o.adaptive_max_pool(SEQ, 4),
    "psnr": lambda o: o.psnr(IMG, IMG * 0.9, 1.0),
    "unfold": lambda o: o.unfold(np.moveaxis(IMG, -1, 1), (2, 3), dilation=1, padding=1,
                                 stride=2),
    "ctc_loss": lambda o: o.ctc_loss(CTC_TARGET, CTC_LOGITS, np.array([3, 2, 4]),
                                     np.array([6, 5, 6])),
    "ctc_loss_mask_index": lambda o: o.ctc_loss(CTC_TARGET, CTC_LOGITS, np.array([3, 2, 4]),
                                                np.array([6, 6, 4]), mask_index=4),
    "ctc_decode_greedy": lambda o: o.ctc_decode(CTC_LOGITS * 2, np.array([6, 4, 5]))[0],
    "ctc_decode_greedy_scores": lambda o: o.ctc_decode(CTC_LOGITS * 2, np.array([6, 4, 5]),
                                                       merge_repeated=False, mask_index=4)[1],
    "ctc_decode_beam": lambda o: o.ctc_decode(CTC_LOGITS * 2, np.array([6, 4, 5]),
                                              "beam_search", beam_width=4, top_paths=3)[0],
    "ctc_decode_beam_scores": lambda o: o.ctc_decode(CTC_LOGITS * 2, np.array([6, 4, 5]),
                                                     "beam_search", beam_width=4,
                                                     top_paths=3)[1],
    "fold": lambda o: o.fold(np.ones((2, 12, 9), "float32"), (4, 5), (2, 3), padding=1,
                             stride=2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_values_as_keras(name):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    pytest.importorskip("jax")
    ours, theirs = np.asarray(CASES[name](ops)), np.asarray(CASES[name](keras.ops))
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, (ours.shape, theirs.shape)
    np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-5)


def test_ctc_loss_gradient_equals_keras_on_jax():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    jax = pytest.importorskip("jax")
    lengths = (np.array([3, 2, 4]), np.array([6, 5, 6]))
    theirs = jax.grad(lambda z: keras.ops.sum(keras.ops.ctc_loss(CTC_TARGET, z, *lengths)))(
        CTC_LOGITS)
    z = numnet.Tensor(CTC_LOGITS, requires_grad=True)
    ops.sum(ops.ctc_loss(CTC_TARGET, z, *lengths)).backward()
    np.testing.assert_allclose(z.grad, np.asarray(theirs), atol=1e-5)
