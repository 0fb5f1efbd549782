"""DepthwiseConv1D/2D, SeparableConv1D/2D, Conv3D, SpatialDropout1D/2D/3D, GroupNormalization,
InputSpec and Wrapper: against loops written out in NumPy here, gradient checks of weights and
inputs, configs, .numnet model files, and Keras 3 (JAX) with the same weights where installed.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

RNG = np.random.default_rng(7)


def _pads(n, k, s, d, padding):
    span = d * (k - 1) + 1
    if padding == "valid":
        return 0, 0, (n - span) // s + 1
    out = math.ceil(n / s)
    total = max((out - 1) * s + span - n, 0)
    return total // 2, total - total // 2, out


def depthwise_reference(x, kernel, strides=1, padding="valid", dilation=1):
    """out[n, p, c*M + m] = sum_t x_pad[n, p*s + t*d, c] kernel[t, c, m], by loops."""
    rank = kernel.ndim - 2
    strides = (strides,) * rank if isinstance(strides, int) else strides
    dilation = (dilation,) * rank if isinstance(dilation, int) else dilation
    geometry = [_pads(n, k, s, d, padding) for n, k, s, d in
                zip(x.shape[1:-1], kernel.shape[:rank], strides, dilation)]
    xp = np.pad(x, [(0, 0), *((b, a) for b, a, _ in geometry), (0, 0)])
    channels, mult = kernel.shape[-2:]
    out = np.zeros((x.shape[0], *(o for *_, o in geometry), channels, mult))
    for p in np.ndindex(*out.shape[1:-2]):
        for t in np.ndindex(*kernel.shape[:rank]):
            pos = tuple(pi * s + ti * d for pi, ti, s, d in zip(p, t, strides, dilation))
            out[(slice(None), *p)] += xp[(slice(None), *pos)][..., None] * kernel[t]
    return out.reshape(out.shape[:-2] + (channels * mult,))


def _built(layer, x):
    layer(x)
    return layer


# ----------------------------------------------------------------------------- depthwise


DEPTHWISE_CASES = {
    "2d_valid": dict(kernel_size=3),
    "2d_same_strided_mult": dict(kernel_size=(2, 3), strides=(2, 1), padding="same",
                                 depth_multiplier=3),
    "2d_dilated": dict(kernel_size=2, dilation_rate=(2, 1), depth_multiplier=2),
}


@pytest.mark.parametrize("name", sorted(DEPTHWISE_CASES))
def test_depthwise_conv2d_matches_the_loops(name):
    kwargs = DEPTHWISE_CASES[name]
    x = RNG.normal(size=(2, 6, 5, 3)).astype("float32")
    layer = _built(layers.DepthwiseConv2D(**kwargs, bias_initializer="random_normal"), x)
    kernel, bias = layer.get_weights()
    mult = kwargs.get("depth_multiplier", 1)
    assert kernel.shape == (*layer.kernel_size, 3, mult) and bias.shape == (3 * mult,)
    want = depthwise_reference(x.astype(np.float64), kernel.astype(np.float64),
                               layer.strides, layer.padding, layer.dilation_rate) + bias
    got = layer(x).numpy()
    assert got.shape == layer.compute_output_shape(x.shape) == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_depthwise_conv1d_matches_the_loops_and_activation():
    x = RNG.normal(size=(2, 7, 2)).astype("float32")
    layer = _built(layers.DepthwiseConv1D(3, strides=2, padding="same", depth_multiplier=2,
                                          activation="relu", use_bias=False), x)
    (kernel,) = layer.get_weights()
    want = np.maximum(depthwise_reference(x, kernel, 2, "same"), 0)
    np.testing.assert_allclose(layer(x).numpy(), want, rtol=1e-5, atol=1e-6)


def test_separable_conv2d_is_depthwise_then_pointwise():
    x = RNG.normal(size=(2, 5, 6, 3)).astype("float32")
    layer = _built(layers.SeparableConv2D(4, 3, padding="same", depth_multiplier=2,
                                          bias_initializer="random_normal"), x)
    depthwise, pointwise, bias = layer.get_weights()
    assert depthwise.shape == (3, 3, 3, 2) and pointwise.shape == (1, 1, 6, 4)
    want = depthwise_reference(x, depthwise, 1, "same") @ pointwise[0, 0] + bias
    np.testing.assert_allclose(layer(x).numpy(), want, rtol=1e-5, atol=1e-5)
    assert [w.name for w in layer.weights] == ["depthwise_kernel", "pointwise_kernel", "bias"]


def test_separable_conv1d_is_depthwise_then_pointwise():
    x = RNG.normal(size=(2, 8, 2)).astype("float32")
    layer = _built(layers.SeparableConv1D(3, 2, strides=2, use_bias=False), x)
    depthwise, pointwise = layer.get_weights()
    assert pointwise.shape == (1, 2, 3)
    want = depthwise_reference(x, depthwise, 2) @ pointwise[0]
    np.testing.assert_allclose(layer(x).numpy(), want, rtol=1e-5, atol=1e-5)


def test_conv3d_matches_a_conv_written_as_a_sum():
    x = RNG.normal(size=(2, 4, 3, 5, 2)).astype("float32")
    layer = _built(layers.Conv3D(3, (2, 2, 3), bias_initializer="random_normal"), x)
    kernel, bias = layer.get_weights()
    out = np.zeros((2, 3, 2, 3, 3))
    for i, j, k in np.ndindex(2, 2, 3):
        out += np.einsum("ndhwc,cf->ndhwf", x[:, i:i + 3, j:j + 2, k:k + 3], kernel[i, j, k])
    np.testing.assert_allclose(layer(x).numpy(), out + bias, rtol=1e-5, atol=1e-5)


GRAD_CASES = {
    "depthwise2d": (lambda: layers.DepthwiseConv2D((2, 3), strides=(1, 2), padding="same",
                                                   depth_multiplier=2, activation="tanh",
                                                   dtype="float64"), (2, 4, 5, 2)),
    "depthwise1d_dilated": (lambda: layers.DepthwiseConv1D(2, dilation_rate=2,
                                                           dtype="float64"), (2, 6, 3)),
    "separable2d": (lambda: layers.SeparableConv2D(3, 2, padding="same", depth_multiplier=2,
                                                   dtype="float64"), (2, 4, 3, 2)),
    "separable1d": (lambda: layers.SeparableConv1D(2, 3, strides=2, dtype="float64"),
                    (2, 7, 2)),
    "conv3d": (lambda: layers.Conv3D(2, 2, padding="same", dtype="float64"), (1, 3, 3, 2, 2)),
    "group_norm": (lambda: layers.GroupNormalization(2, gamma_initializer="random_normal",
                                                     beta_initializer="random_normal",
                                                     dtype="float64"), (3, 2, 4)),
    "group_norm_axis1": (lambda: layers.GroupNormalization(3, axis=1, dtype="float64"),
                         (2, 6, 2)),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradients_of_weights_and_inputs(name):
    make, shape = GRAD_CASES[name]
    layer = make()
    x = RNG.normal(size=shape)
    layer(Tensor(x))
    if name.startswith("group_norm") and layer.gamma is not None:
        layer.gamma.value[...] = RNG.normal(size=layer.gamma.shape)
    error = check_gradients(lambda t: layer(t), [x], params=layer.trainable_weights)
    assert error < 1e-6, f"{name}: relative error {error:.2e}"


def test_depthwise_conv_op_gradient_alone():
    x, k = RNG.normal(size=(1, 5, 2)), RNG.normal(size=(3, 2, 2))
    from numnet.layers.convolutional_more import depthwise_conv
    error = check_gradients(lambda a, b: depthwise_conv(a, b, (2,), "same", (1,)), [x, k])
    assert error < 1e-6


def test_depthwise_errors_name_the_argument():
    with pytest.raises(ValueError, match="depth_multiplier"):
        layers.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match="filters"):
        layers.SeparableConv2D(0, 3)
    with pytest.raises(ValueError, match="padding"):
        layers.DepthwiseConv1D(3, padding="full")
    layer = _built(layers.DepthwiseConv2D(2), np.ones((1, 3, 3, 2), "float32"))
    with pytest.raises(ValueError, match="2 channels"):
        layer(np.ones((1, 3, 3, 4), "float32"))


# ----------------------------------------------------------------------------- spatial dropout


@pytest.mark.parametrize("cls,shape", [(layers.SpatialDropout1D, (20, 5, 8)),
                                       (layers.SpatialDropout2D, (20, 3, 4, 8)),
                                       (layers.SpatialDropout3D, (20, 2, 3, 2, 8))])
def test_spatial_dropout_drops_whole_channels_in_training_only(cls, shape):
    x = RNG.uniform(0.5, 1.5, size=shape).astype("float32")
    layer = cls(0.4, seed=3)
    assert layer(x) is not None and np.array_equal(layer(x).numpy(), x)
    y = layer(x, training=True).numpy()
    kept = y != 0
    # the mask is the same at every spatial position of a sample's channel
    per_channel = kept.reshape(shape[0], -1, shape[-1])
    assert (per_channel == per_channel[:, :1]).all()
    np.testing.assert_allclose(y[kept], x[kept] / 0.6, rtol=1e-6)
    assert 0.4 < per_channel[:, 0].mean() < 0.8
    again = cls(0.4, seed=3)(x, training=True).numpy()
    np.testing.assert_array_equal(again, y)  # seeded: repeatable
    # the gradient passes through the kept channels only, scaled
    t = Tensor(x.astype(np.float64), requires_grad=True)
    ops.sum(cls(0.4, seed=3)(t, training=True)).backward()
    np.testing.assert_allclose(t.grad, kept / 0.6)


def test_spatial_dropout_errors():
    with pytest.raises(ValueError, match="rate"):
        layers.SpatialDropout2D(1.0)
    with pytest.raises(ValueError, match="4 axes"):
        layers.SpatialDropout2D(0.1)(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match="channels_first"):
        layers.SpatialDropout2D(0.1, data_format="channels_first")


# ----------------------------------------------------------------------------- group norm


def group_norm_reference(x, groups, gamma, beta, eps):
    n, c = x.shape[0], x.shape[-1]
    g = x.reshape(n, -1, groups, c // groups)
    mean = g.mean(axis=(1, 3), keepdims=True)
    var = g.var(axis=(1, 3), keepdims=True)
    return ((g - mean) / np.sqrt(var + eps)).reshape(x.shape) * gamma + beta


def test_group_normalization_matches_numpy():
    x = RNG.normal(2.0, 3.0, size=(3, 4, 5, 6)).astype("float32")
    layer = _built(layers.GroupNormalization(groups=3, epsilon=1e-3,
                                             gamma_initializer="random_normal",
                                             beta_initializer="random_normal"), x)
    gamma, beta = layer.get_weights()
    assert [w.name for w in layer.weights] == ["gamma", "beta"]
    want = group_norm_reference(x.astype(np.float64), 3, gamma, beta, 1e-3)
    np.testing.assert_allclose(layer(x).numpy(), want, rtol=1e-4, atol=1e-4)


def test_group_normalization_hand_values_and_errors():
    # groups=2 over [1, 3 | 0, 4]: each group is normalised to [-1, 1] (up to epsilon)
    out = layers.GroupNormalization(2, epsilon=0.0)(np.array([[1, 3, 0, 4]], "float32"))
    np.testing.assert_allclose(out.numpy(), [[-1, 1, -1, 1]], atol=1e-6)
    with pytest.raises(ValueError, match="multiple of groups"):
        layers.GroupNormalization()(np.ones((2, 6), "float32"))  # 32 groups, 6 channels
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=0)
    assert layers.GroupNormalization(center=False, scale=False, groups=2)(
        np.ones((1, 4), "float32")).shape == (1, 4)


# ----------------------------------------------------------------------------- InputSpec, Wrapper


def test_input_spec_record_and_checks():
    from numnet.layers.input_spec import assert_input_compatibility

    spec = layers.InputSpec(shape=(None, 3), dtype="float32")
    assert spec.ndim == 2 and spec.shape == (None, 3)
    again = layers.InputSpec.from_config(spec.get_config())
    assert again == spec and repr(again) == "InputSpec(dtype=float32, shape=(None, 3), ndim=2)"
    spec = layers.InputSpec(min_ndim=2, axes={"-1": 4})
    assert spec.axes == {-1: 4}
    assert_input_compatibility(spec, np.ones((2, 4)), "d")
    with pytest.raises(ValueError, match="axis -1 of size 4"):
        assert_input_compatibility(spec, np.ones((2, 5)), "d")
    with pytest.raises(ValueError, match="at least 2 axes"):
        assert_input_compatibility(spec, np.ones(4), "d")
    with pytest.raises(TypeError, match="axes"):
        layers.InputSpec(axes={"x": 1})
    with pytest.raises(ValueError, match="beyond"):
        layers.InputSpec(ndim=2, axes={3: 1})

    class Custom(layers.Layer):
        def __init__(self):
            super().__init__()
            self.input_spec = layers.InputSpec(ndim=2)

        def call(self, x):
            return x * 2.0

    np.testing.assert_array_equal(Custom()(np.ones((1, 2), "float32")).numpy(), [[2, 2]])


class Doubled(layers.Wrapper):
    def call(self, x):
        return ops.multiply(self.layer(x), 2.0)


def test_wrapper_holds_builds_and_serializes_its_layer():
    inner = layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")
    wrapper = Doubled(inner)
    wrapper.build((None, 3))
    assert inner.built and wrapper.weights == inner.weights
    np.testing.assert_array_equal(wrapper(np.ones((1, 3), "float32")).numpy(), [[8, 8]])
    config = wrapper.get_config()
    assert config["layer"]["class_name"] == "Dense"
    clone = Doubled.from_config(config)
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 2
    with pytest.raises(TypeError, match="layer instance"):
        layers.Wrapper("dense")


# ----------------------------------------------------------------------------- model files


def test_model_with_the_new_layers_round_trips_through_a_numnet_file(tmp_path):
    model = numnet.Sequential([
        layers.Input((6, 6, 4)),
        layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2),
        layers.SpatialDropout2D(0.2, seed=1),
        layers.GroupNormalization(groups=4),
        layers.SeparableConv2D(3, 2, activation="relu"),
        layers.Reshape((5, 5, 3, 1)),
        layers.Conv3D(2, 2),
        layers.Flatten(),
        layers.Wrapper(layers.Dense(2)),
    ])
    x = RNG.normal(size=(2, 6, 6, 4)).astype("float32")
    want = model.predict(x, verbose=0)
    path = str(tmp_path / "m.numnet")
    model.save(path)
    loaded = numnet.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), want, rtol=1e-6)
    assert [type(layer).__name__ for layer in loaded.layers] == \
        [type(layer).__name__ for layer in model.layers]


# ----------------------------------------------------------------------------- Keras


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


KERAS_CASES = {
    "DepthwiseConv2D": (dict(kernel_size=(2, 3), strides=(2, 1), padding="same",
                             depth_multiplier=2, activation="relu"), (2, 5, 6, 3)),
    "DepthwiseConv1D": (dict(kernel_size=3, dilation_rate=2, depth_multiplier=3), (2, 8, 2)),
    "SeparableConv2D": (dict(filters=4, kernel_size=3, padding="same", depth_multiplier=2),
                        (2, 5, 6, 3)),
    "SeparableConv1D": (dict(filters=3, kernel_size=2, strides=2), (2, 8, 2)),
    "Conv3D": (dict(filters=2, kernel_size=(2, 1, 3), padding="same"), (2, 3, 4, 5, 2)),
    "GroupNormalization": (dict(groups=2, epsilon=1e-3), (3, 4, 6)),
}


@pytest.mark.parametrize("name", sorted(KERAS_CASES))
def test_against_keras_with_the_same_weights(name):
    keras = _keras()
    kwargs, shape = KERAS_CASES[name]
    x = RNG.normal(size=shape).astype("float32")
    theirs = getattr(keras.layers, name)(**kwargs)
    theirs(x)
    weights = [RNG.normal(size=w.shape).astype("float32") for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours = getattr(layers, name)(**kwargs)
    ours(x)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in weights]
    ours.set_weights(weights)
    np.testing.assert_allclose(ours(x).numpy(), np.asarray(theirs(x)), rtol=1e-4, atol=1e-4)
    for key, value in theirs.get_config().items():
        if key not in ("name", "dtype", "trainable") and not isinstance(value, dict):
            mine = ours.get_config().get(key)
            assert (list(mine) if isinstance(mine, tuple) else mine) == \
                (list(value) if isinstance(value, tuple) else value), key


def test_spatial_dropout_configs_match_keras():
    keras = _keras()
    for name, kwargs in (("SpatialDropout1D", {}), ("SpatialDropout2D",
                                                    {"data_format": "channels_last"})):
        theirs = getattr(keras.layers, name)(0.3, seed=1, **kwargs).get_config()
        ours = getattr(layers, name)(0.3, seed=1, **kwargs).get_config()
        assert set(ours) == set(theirs)  # Keras's __init__ takes no "trainable"
        assert {k: ours[k] for k in theirs if k not in ("name", "dtype")} == \
            {k: v for k, v in theirs.items() if k not in ("name", "dtype")}


def test_input_spec_config_matches_keras():
    keras = _keras()
    theirs = keras.layers.InputSpec(ndim=3, axes={-1: 4}).get_config()
    assert layers.InputSpec(ndim=3, axes={-1: 4}).get_config() == theirs


# ----------------------------------------------------------------------------- 3-D layers


def test_3d_pooling_matches_numpy():
    x = RNG.normal(size=(2, 4, 6, 2, 3)).astype("float32")
    blocks = x.reshape(2, 2, 2, 3, 2, 1, 2, 3)
    np.testing.assert_allclose(layers.MaxPooling3D((2, 2, 2))(x).numpy(),
                               blocks.max(axis=(2, 4, 6)))
    np.testing.assert_allclose(layers.AveragePooling3D((2, 2, 2))(x).numpy(),
                               blocks.mean(axis=(2, 4, 6)), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(layers.GlobalAveragePooling3D()(x).numpy(),
                               x.mean(axis=(1, 2, 3)), rtol=1e-6)
    np.testing.assert_allclose(layers.GlobalMaxPooling3D(keepdims=True)(x).numpy(),
                               x.max(axis=(1, 2, 3), keepdims=True))
    same = layers.MaxPooling3D(3, strides=2, padding="same")
    assert same(x).shape == same.compute_output_shape(x.shape) == (2, 2, 3, 1, 3)


def test_3d_resampling_layers_match_numpy():
    x = RNG.normal(size=(2, 2, 3, 4, 2)).astype("float32")
    up = layers.UpSampling3D((2, 1, 3))(x).numpy()
    np.testing.assert_array_equal(up, x.repeat(2, 1).repeat(3, 3))
    padded = layers.ZeroPadding3D((1, (0, 2), 0))(x).numpy()
    np.testing.assert_array_equal(padded, np.pad(x, ((0, 0), (1, 1), (0, 2), (0, 0), (0, 0))))
    cropped = layers.Cropping3D(((1, 0), 1, (0, 2)))(x).numpy()
    np.testing.assert_array_equal(cropped, x[:, 1:, 1:2, :2])
    assert layers.ZeroPadding3D(2).padding == ((2, 2),) * 3
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding3D((1, 2))
    with pytest.raises(ValueError, match="leaves nothing"):
        layers.Cropping3D(2)(x)


VOLUME_GRAD_CASES = {
    "max_pooling3d": lambda: layers.MaxPooling3D(2, padding="same", dtype="float64"),
    "average_pooling3d": lambda: layers.AveragePooling3D((2, 1, 2), strides=1,
                                                         dtype="float64"),
    "global_average_pooling3d": lambda: layers.GlobalAveragePooling3D(dtype="float64"),
    "up_sampling3d": lambda: layers.UpSampling3D((1, 2, 2), dtype="float64"),
    "zero_padding3d": lambda: layers.ZeroPadding3D(1, dtype="float64"),
    "cropping3d": lambda: layers.Cropping3D(((1, 0), 0, (0, 1)), dtype="float64"),
}


@pytest.mark.parametrize("name", sorted(VOLUME_GRAD_CASES))
def test_3d_layer_gradients(name):
    layer = VOLUME_GRAD_CASES[name]()
    x = RNG.normal(size=(2, 3, 3, 3, 2))
    assert check_gradients(lambda t: layer(t), [x]) < 1e-6


KERAS_3D_CASES = {
    "MaxPooling3D": dict(pool_size=(2, 1, 2), strides=(1, 1, 2), padding="same"),
    "AveragePooling3D": dict(pool_size=2, padding="same"),
    "GlobalAveragePooling3D": dict(keepdims=True), "GlobalMaxPooling3D": {},
    "UpSampling3D": dict(size=(2, 1, 3)), "ZeroPadding3D": dict(padding=((1, 0), 2, (0, 1))),
    "Cropping3D": dict(cropping=((1, 0), 1, (0, 2))),
}


@pytest.mark.parametrize("name", sorted(KERAS_3D_CASES))
def test_3d_layers_against_keras(name):
    keras = _keras()
    x = RNG.normal(size=(2, 3, 4, 5, 2)).astype("float32")
    theirs = getattr(keras.layers, name)(**KERAS_3D_CASES[name])
    ours = getattr(layers, name)(**KERAS_3D_CASES[name])
    np.testing.assert_allclose(ours(x).numpy(), np.asarray(theirs(x)), rtol=1e-5, atol=1e-6)
    config = {k: v for k, v in theirs.get_config().items() if k not in ("name", "dtype")}
    assert {k: ours.get_config()[k] for k in config} == config


def test_model_with_3d_layers_round_trips_through_a_numnet_file(tmp_path):
    model = numnet.Sequential([
        layers.Input((4, 4, 4, 2)), layers.ZeroPadding3D(1), layers.Conv3D(3, 3),
        layers.MaxPooling3D(), layers.UpSampling3D(), layers.Cropping3D(1),
        layers.AveragePooling3D(2), layers.SpatialDropout3D(0.2), layers.GlobalMaxPooling3D(),
    ])
    x = RNG.normal(size=(2, 4, 4, 4, 2)).astype("float32")
    path = str(tmp_path / "v.numnet")
    model.save(path)
    np.testing.assert_allclose(numnet.models.load_model(path).predict(x, verbose=0),
                               model.predict(x, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("module", [
    "numnet.layers.convolutional_more", "numnet.layers.regularization_more",
    "numnet.layers.input_spec", "numnet.layers.wrapper", "numnet.layers.volumetric",
    "numnet.metrics.iou", "numnet.tree", "numnet.ops.image"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module),
                             extraglobs={"np": np, "numnet": numnet},
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_group_normalization_under_mixed_precision_normalizes_in_float32():
    x = (RNG.normal(size=(2, 3, 4)) * 300).astype("float32")
    layer = layers.GroupNormalization(2, dtype="mixed_float16")
    out = layer(x)
    assert out.dtype == np.float16 and layer.gamma.dtype == np.float32
    want = group_norm_reference(x.astype(np.float64), 2, 1.0, 0.0, 1e-3)
    np.testing.assert_allclose(out.numpy().astype(np.float64), want, atol=2e-3)


def test_3d_layers_name_the_five_axes_they_expect():
    for layer in (layers.Conv3D(2, 2), layers.MaxPooling3D(), layers.UpSampling3D()):
        with pytest.raises(ValueError, match=r"5 axes \(batch, depth, height, width, channels\)"):
            layer(np.ones((2, 4, 4, 3), "float32"))
