"""Post-training quantization (numnet.quantizers, layer.quantize, model.quantize): values
computed by hand, the gradient rule, fine-tuning, errors, files; and, where Keras is
installed, Keras 3's quantizers, layers and files on the same arrays."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

import numnet
from numnet import quantizers
from numnet.layers.quantization import einsum_quantization_axes

os.environ.setdefault("KERAS_BACKEND", "jax")


def _keras():
    return pytest.importorskip("keras")


# ----------------------------------------------------------------------------- quantizers


def test_abs_max_quantize_by_hand():
    x = np.array([[1.0, -2.0, 0.5], [0.0, 0.0, 0.0]], "float32")
    q, scale = quantizers.abs_max_quantize(x, axis=-1)
    s = np.float32(127) / (np.float32(2.0) + np.float32(1e-7))
    assert scale.numpy().shape == (2, 1) and scale.numpy().dtype == np.float32
    assert scale.numpy()[0, 0] == s
    # 63.5 -> 64 (half to even), -127, 31.75 -> 32; an all-zero row stays zero
    assert q.numpy().tolist() == [[64, -127, 32], [0, 0, 0]]
    assert q.numpy().dtype == np.int8
    q0, s0 = quantizers.abs_max_quantize(x, axis=0, value_range=(-8, 7))
    assert s0.numpy().shape == (1, 3)
    assert q0.numpy()[0].tolist() == [7, -7, 7]


def test_abs_max_quantize_axes_and_rounding_half_to_even():
    x = np.array([[0.5, 1.5, 2.5, 127.0]], "float32")
    q, _ = quantizers.abs_max_quantize(x, axis=(0, 1), epsilon=0.0)
    assert q.numpy().tolist() == [[0, 2, 2, 127]]
    with pytest.raises(ValueError, match="axis"):
        quantizers.abs_max_quantize(x, axis=2)


def test_grouped_zero_point_by_hand():
    x = np.array([[0.0, -1.0], [1.5, 1.0], [3.0, 0.0]], "float32")
    q, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(x, block_size=2)
    s = (np.float32(1.5) + np.float32(1e-7)) / np.float32(15)
    assert scale.numpy().shape == (2, 2) and scale.numpy()[0, 0] == s
    assert zero.numpy()[0, 0] == -8 and zero.numpy().dtype == np.int8
    assert q.numpy()[:2, 0].tolist() == [-8, 7]
    back = quantizers.dequantize_with_sz_map(q.numpy(), scale.numpy(), zero.numpy(),
                                             np.array([0, 0, 1]), group_axis=0).numpy()
    np.testing.assert_allclose(back, x, atol=0.08)


def test_pack_and_unpack_int4_by_hand():
    values = np.array([[-3, 7], [2, -8], [1, 0]], "int8")
    packed, shape, n = quantizers.pack_int4(values)
    # -3 -> 0b1101 low, 2 -> 0b0010 high: 0x2D = 45; 7 | -8 << 4: 0x87 -> -121
    assert packed.numpy().tolist() == [[45, -121], [1, 0]] and shape == (2, 2) and n == 3
    assert quantizers.unpack_int4(packed, n).numpy().tolist() == values.tolist()
    packed1, _, n1 = quantizers.pack_int4(values.T.copy(), axis=1)
    assert quantizers.unpack_int4(packed1, n1, axis=1).numpy().tolist() == values.T.tolist()
    with pytest.raises(TypeError, match="int8"):
        quantizers.pack_int4(values.astype("int32"))


def test_float8_helpers_by_hand():
    assert float(quantizers.compute_float8_scale(224.0, 1.0, 448.0).numpy()) == 0.5
    assert float(quantizers.compute_float8_scale(0.0, 2.0, 448.0).numpy()) == 2.0
    assert float(quantizers.compute_float8_scale(np.inf, 2.0, 448.0).numpy()) == 2.0
    history = quantizers.compute_float8_amax_history(np.array([-3.0, 2.0], "float32"),
                                                     np.array([1.0, 2.0, 5.0], "float32"))
    assert history.numpy().tolist() == [3.0, 5.0, 1.0]
    out = quantizers.quantize_and_dequantize(np.array([1.0, 1e6], "float32"), 1.0, "float16",
                                             "float32").numpy()
    assert out.tolist() == [1.0, 65504.0]


def test_quantizer_objects_and_lookup():
    quantizer = quantizers.AbsMaxQuantizer(axis=0, value_range=(-8, 7))
    q, scale = quantizer(np.array([[1.0], [-0.5]], "float32"))
    assert q.numpy().ravel().tolist() == [7, -3]  # -0.5 * 7 / (1 + 1e-7) = -3.4999997
    config = quantizers.serialize(quantizer)
    assert config["class_name"] == "AbsMaxQuantizer" and config["module"] == "keras.quantizers"
    again = quantizers.deserialize(config)
    assert again.axis == (0,) and again.value_range == (-8, 7)
    assert isinstance(quantizers.get("abs_max_quantizer"), quantizers.AbsMaxQuantizer)
    assert quantizers.get(None) is None and quantizers.get(quantizer) is quantizer
    with pytest.raises(ValueError, match="could not interpret"):
        quantizers.get(3)
    with pytest.raises(ValueError, match="-128, 127"):
        quantizers.AbsMaxQuantizer(value_range=(-300, 300))
    with pytest.raises(NotImplementedError, match="get_config"):
        quantizers.Quantizer().get_config()
    assert quantizers.Quantizer()(5) == 5
    int8 = quantizers.Int8QuantizationConfig()
    assert isinstance(int8.activation_quantizer, quantizers.AbsMaxQuantizer)
    assert quantizers.deserialize(quantizers.serialize(int8)).mode == "int8"
    int4 = quantizers.deserialize(quantizers.serialize(
        quantizers.Int4QuantizationConfig(block_size=-1)))
    assert int4.block_size == -1 and int4.activation_quantizer is None
    with pytest.raises(ValueError, match="block_size"):
        quantizers.Int4QuantizationConfig(block_size=0)


# ----------------------------------------------------------------------------- policies


def test_quantized_dtype_policies():
    policies = numnet.dtype_policies
    policy = policies.get("int8_from_float32")
    assert isinstance(policy, policies.QuantizedDTypePolicy)
    assert (policy.quantization_mode, policy.compute_dtype, policy.variable_dtype) == (
        "int8", "float32", "float32")
    assert policies.serialize(policy) == {
        "module": "keras.dtype_policies", "class_name": "QuantizedDTypePolicy",
        "config": {"mode": "int8", "source_name": "float32"}, "registered_name": None}
    assert policies.deserialize(policies.serialize(policy)) == policy
    int4 = policies.get("int4/128_from_mixed_float16")
    assert isinstance(int4, policies.Int4DTypePolicy) and int4.block_size == 128
    assert (int4.compute_dtype, int4.variable_dtype) == ("float16", "float32")
    assert policies.serialize(int4)["config"] == {"mode": "int4/128",
                                                  "source_name": "mixed_float16"}
    assert numnet.DTypePolicy("float32").quantization_mode is None
    float8 = policies.get("float8_from_float32")
    assert isinstance(float8, policies.QuantizedFloat8DTypePolicy)
    assert float8.amax_history_length == 1024 and float8.quantization_mode == "float8"
    assert policies.serialize(float8)["config"] == {"mode": "float8", "source_name": "float32",
                                                    "amax_history_length": 1024}
    short = policies.QuantizedFloat8DTypePolicy("float8", "float32", amax_history_length=16)
    assert policies.deserialize(policies.serialize(short)) == short != float8
    with pytest.raises(TypeError, match="amax_history_length"):
        policies.QuantizedFloat8DTypePolicy("float8", amax_history_length=1.5)
    with pytest.raises(NotImplementedError, match="gptq"):
        policies.get("gptq_from_float32")
    with pytest.raises(ValueError, match="float16"):
        policies.get("int8_from_float16")


# ----------------------------------------------------------------------------- layers


def _dense(units=3, inputs=4, seed=0, **kwargs):
    layer = numnet.layers.Dense(units, **kwargs)
    layer.build((None, inputs))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, 0.5, w.shape).astype("float32")
                       for w in layer.get_weights()])
    return layer


def test_dense_int8_by_hand():
    layer = _dense()
    kernel, bias = (w.copy() for w in layer.get_weights())
    layer.quantize("int8")
    assert layer.dtype_policy.name == "int8_from_float32" and layer.quantization_mode == "int8"
    assert [(w.name, str(w.dtype), w.trainable) for w in layer.weights] == [
        ("kernel", "int8", False), ("bias", "float32", True), ("kernel_scale", "float32", False)]
    w_scale = np.float32(127) / (np.abs(kernel).max(axis=0) + np.float32(1e-7))
    np.testing.assert_array_equal(layer.kernel_scale.numpy(), w_scale)
    np.testing.assert_array_equal(layer.kernel.numpy(),
                                  np.clip(np.round(kernel * w_scale), -127, 127))
    x = np.random.default_rng(1).normal(size=(5, 4)).astype("float32")
    x_scale = np.float32(127) / (np.abs(x).max(axis=1, keepdims=True) + np.float32(1e-7))
    qx = np.clip(np.round(x * x_scale), -127, 127)
    expected = (qx @ layer.kernel.numpy().astype("float32")) / (w_scale * x_scale) + bias
    np.testing.assert_array_equal(layer(x).numpy(), expected.astype("float32"))
    np.testing.assert_allclose(layer(x).numpy(), x @ kernel + bias, atol=0.05)


def test_dense_int8_gradient_through_the_dequantized_kernel():
    layer = _dense(activation="tanh")
    layer.quantize("int8")
    x = numnet.Variable(np.random.default_rng(2).normal(size=(5, 4)).astype("float32"))
    with numnet.GradientTape() as tape:
        tape.watch(x)
        loss = numnet.ops.sum(layer(x))
    grad_x, grad_bias = tape.gradient(loss, [x, layer.bias])
    y = layer(x.numpy()).numpy()
    upstream = 1.0 - y ** 2
    dequantized = layer.kernel.numpy().astype("float32") / layer.kernel_scale.numpy()
    np.testing.assert_allclose(grad_x.numpy(), upstream @ dequantized.T, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad_bias.numpy(), upstream.sum(0), rtol=1e-5)
    assert [w.name for w in layer.trainable_weights] == ["bias"]


def test_quantized_model_fine_tunes_its_biases_only():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(64, 4)).astype("float32"), rng.normal(size=(64, 1)).astype("float32")
    model = numnet.Sequential([numnet.Input((4,)), numnet.layers.Dense(8, activation="relu"),
                               numnet.layers.Dense(1)])
    model.quantize("int8")
    kernels = [layer.kernel.numpy().copy() for layer in model.layers]
    model.compile(numnet.optimizers.SGD(0.05), "mse")
    losses = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    for layer, kernel in zip(model.layers, kernels, strict=True):
        np.testing.assert_array_equal(layer.kernel.numpy(), kernel)


def test_dense_int4_per_channel_and_grouped():
    layer = _dense(units=5, inputs=6)
    kernel, bias = (w.copy() for w in layer.get_weights())
    layer.quantize("int4", config=quantizers.Int4QuantizationConfig(block_size=-1))
    assert layer.dtype_policy.name == "int4/-1_from_float32"
    assert layer.kernel.shape == (6, 3) and layer.kernel_scale.shape == (5,)
    scale = np.float32(7) / (np.abs(kernel).max(axis=0) + np.float32(1e-7))
    q = np.clip(np.round(kernel * scale), -8, 7)
    x = np.random.default_rng(4).normal(size=(3, 6)).astype("float32")
    np.testing.assert_allclose(layer(x).numpy(), (x @ q) / scale + bias, rtol=1e-5, atol=1e-6)
    grouped = _dense(units=5, inputs=6)
    grouped.quantize("int4")  # Keras 3's default: groups of 128 rows, with zero points
    assert grouped.dtype_policy.name == "int4/128_from_float32"
    assert [w.name for w in grouped.weights] == ["kernel", "bias", "kernel_scale", "kernel_zero",
                                                 "g_idx"]
    np.testing.assert_allclose(grouped(x).numpy(), x @ kernel + bias, atol=0.3)


def test_embedding_int8_rows_by_hand():
    layer = numnet.layers.Embedding(6, 4)
    layer.build((None, 3))
    table = layer.embeddings.numpy().copy()
    layer.quantize("int8")
    scale = np.float32(127) / (np.abs(table).max(axis=1) + np.float32(1e-7))
    assert layer.embeddings_scale.shape == (6,) and str(layer.embeddings.dtype) == "int8"
    ids = np.array([[0, 5, 2]])
    expected = np.clip(np.round(table * scale[:, None]), -127, 127)[ids] / scale[ids][..., None]
    np.testing.assert_array_equal(layer(ids).numpy(), expected.astype("float32"))
    packed = numnet.layers.Embedding(6, 5)
    packed.build((None, 3))
    table = packed.embeddings.numpy().copy()
    packed.quantize("int4", config=quantizers.Int4QuantizationConfig(block_size=-1))
    assert packed.embeddings.shape == (6, 3) and packed.embeddings_scale.shape == (6,)
    scale = np.float32(7) / (np.abs(table).max(axis=1) + np.float32(1e-7))
    expected = np.clip(np.round(table * scale[:, None]), -8, 7)[ids] / scale[ids][..., None]
    np.testing.assert_allclose(packed(ids).numpy(), expected, rtol=1e-6)


def test_setting_a_quantized_policy_quantizes_a_built_layer():
    layer = _dense()
    layer.dtype_policy = "int8_from_float32"
    assert [w.name for w in layer.weights] == ["kernel", "bias", "kernel_scale"]
    table = numnet.layers.Embedding(5, 3, dtype="int4/-1_from_float32")
    table.build((None, 2))
    assert [(w.name, w.shape) for w in table.weights] == [("embeddings", (5, 2)),
                                                          ("embeddings_scale", (5,))]


def test_einsum_dense_int8_by_hand():
    layer = numnet.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de")
    x = np.random.default_rng(5).normal(size=(2, 4, 5)).astype("float32")
    layer(x)
    kernel, bias = (w.copy() for w in layer.get_weights())
    layer.quantize("int8")
    assert layer.kernel_scale.shape == (1, 1, 2, 3)
    scale = np.float32(127) / (np.abs(kernel).max(axis=0) + np.float32(1e-7))
    q = np.clip(np.round(kernel * scale), -127, 127)
    x_scale = np.float32(127) / (np.abs(x).max(axis=2, keepdims=True) + np.float32(1e-7))
    qx = np.clip(np.round(x * x_scale), -127, 127)
    expected = np.einsum("abc,cde->abde", qx, q) / (x_scale[..., None] * scale) + bias
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-6)
    axes = einsum_quantization_axes("...b,bc->...c", 3)
    assert axes["input_reduced"] == [2] and axes["kernel_reduced"] == [0]


def test_errors_as_keras():
    layer = numnet.layers.Dense(2)
    with pytest.raises(ValueError, match="isn't yet built"):
        layer.quantize("int8")
    layer.build((None, 3))
    with pytest.raises(ValueError, match="Invalid quantization mode"):
        layer.quantize("int3")
    for mode in ("gptq", "awq"):
        with pytest.raises(NotImplementedError, match=f"mode='{mode}'.*'int8' and 'int4'"):
            layer.quantize(mode)
    float8 = numnet.layers.Dense(2)
    float8.build((None, 3))
    float8.quantize(config=quantizers.Float8QuantizationConfig())
    assert float8.quantization_mode == "float8"
    with pytest.raises(ValueError, match="contradicts"):
        layer.quantize("int8", config=quantizers.Int4QuantizationConfig())
    layer.quantize("int8")
    with pytest.raises(ValueError, match="already quantized"):
        layer.quantize("int8")

    class MyDense(numnet.layers.Dense):
        pass

    mine = MyDense(2)
    mine.build((None, 3))
    with pytest.raises(NotImplementedError, match="MyDense does not have a `quantize`"):
        mine.quantize("int8")
    mine.quantize("int8", type_check=False)
    assert mine.quantization_mode == "int8"


def test_model_quantize_walks_the_leaf_layers():
    inner = numnet.Sequential([numnet.Input((4,)), numnet.layers.Dense(4, name="inner_dense")])
    model = numnet.Sequential([numnet.Input((4,)), numnet.layers.Dense(4, name="first"),
                               numnet.layers.Dropout(0.5), inner,
                               numnet.layers.Dense(2, name="last")])
    x = np.ones((2, 4), "float32")
    model.quantize("int8", filters=["first", "inner_.*"])
    assert model.get_layer("first").quantization_mode == "int8"
    assert inner.get_layer("inner_dense").quantization_mode == "int8"
    assert model.get_layer("last").quantization_mode is None
    assert model(x).shape == (2, 2)
    with pytest.raises(ValueError, match="Invalid quantization mode"):
        model.quantize("int2")
    embedded = numnet.Sequential([numnet.Input((3,), dtype="int32"),
                                  numnet.layers.Embedding(5, 4), numnet.layers.Dense(2)])
    with pytest.warns(UserWarning, match="quantization_mode=float8"):
        embedded.quantize("float8")
    assert embedded.layers[0].quantization_mode is None
    assert embedded.layers[1].quantization_mode == "float8"
    other = numnet.Sequential([numnet.Input((4,)), numnet.layers.Dropout(0.5),
                               numnet.layers.Dense(2)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        other.quantize("int8")
    assert [str(w.message) for w in caught] == [
        f"Layer {name} does not have a `quantize` method implemented."
        for name in ("InputLayer", "Dropout")]
    assert other.layers[1].quantization_mode == "int8"
    unbuilt = numnet.Sequential([numnet.layers.Dense(2)])
    with pytest.raises(ValueError, match="isn't yet built"):
        unbuilt.quantize("int8")


def test_a_layer_made_with_a_quantized_policy_is_quantized_when_built():
    layer = numnet.layers.Dense(3, dtype="int8_from_float32")
    layer.build((None, 4))
    assert [w.name for w in layer.weights] == ["kernel", "bias", "kernel_scale"]
    assert str(layer.kernel.dtype) == "int8"


@pytest.mark.parametrize("suffix", [".keras", ".numnet"])
@pytest.mark.parametrize("mode", ["int8", "int4"])
def test_quantized_model_survives_save_and_load(tmp_path, suffix, mode):
    inputs = numnet.Input((10,))
    hidden = numnet.layers.Dense(32, activation="relu")(inputs)
    outputs = numnet.layers.Dense(1, name="target")(hidden)
    model = numnet.Model(inputs, outputs)
    model.quantize(mode)
    x = np.random.default_rng(6).random((8, 10)).astype("float32")
    path = str(tmp_path / f"model{suffix}")
    model.save(path)
    loaded = numnet.models.load_model(path)
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())
    assert loaded.layers[1].dtype_policy == model.layers[1].dtype_policy
    assert [str(w.dtype) for w in loaded.weights] == [str(w.dtype) for w in model.weights]


# ----------------------------------------------------------------------------- against Keras


def test_quantizers_match_keras():
    keras = _keras()
    kq = keras.quantizers
    x = np.random.default_rng(7).normal(size=(9, 6)).astype("float32")
    for axis in (0, -1, (0, 1)):
        for ours, theirs in zip(quantizers.abs_max_quantize(x, axis),
                                kq.abs_max_quantize(x, axis), strict=True):
            np.testing.assert_array_equal(ours.numpy(), np.asarray(theirs))
    for block in (2, 4, 128):
        ours = quantizers.abs_max_quantize_grouped_with_zero_point(x, block)
        theirs = kq.abs_max_quantize_grouped_with_zero_point(x, block, to_numpy=True)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a.numpy(), np.asarray(b))
    values = np.random.default_rng(8).integers(-8, 8, size=(5, 3)).astype("int8")
    for axis in (0, 1):
        ours, theirs = quantizers.pack_int4(values, axis), kq.pack_int4(values, axis)
        np.testing.assert_array_equal(ours[0].numpy(), np.asarray(theirs[0]))
        assert ours[1:] == tuple(theirs[1:])
    np.testing.assert_array_equal(
        quantizers.quantize_and_dequantize(x, 0.01, "float8_e4m3fn", "float32").numpy(),
        np.asarray(kq.quantize_and_dequantize(x, 0.01, "float8_e4m3fn", "float32")))
    assert float(quantizers.compute_float8_scale(3.0, 2.0, 448.0, 1).numpy()) == float(
        kq.compute_float8_scale(np.float32(3.0), np.float32(2.0), 448.0, 1))


def _pair(keras, mode, config=None):
    rng = np.random.default_rng(9)
    k_in = keras.Input((10,))
    k_out = keras.layers.Dense(1, name="target")(
        keras.layers.Dense(32, activation="relu")(k_in))
    theirs = keras.Model(k_in, k_out)
    n_in = numnet.Input((10,))
    n_out = numnet.layers.Dense(1, name="target")(
        numnet.layers.Dense(32, activation="relu")(n_in))
    ours = numnet.Model(n_in, n_out)
    weights = [rng.normal(0, 0.4, np.shape(w)).astype("float32") for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    theirs.quantize(mode, config=None if config is None else config[0])
    ours.quantize(mode, config=None if config is None else config[1])
    return theirs, ours


def test_dense_outputs_and_gradients_match_keras():
    keras = _keras()
    jax = pytest.importorskip("jax")
    x = np.random.default_rng(10).random((32, 10)).astype("float32")
    theirs, ours = _pair(keras, "int8")
    np.testing.assert_array_equal(ours(x).numpy(), np.asarray(theirs(x)))
    k_dense, n_dense = theirs.layers[1], ours.layers[1]
    for name in ("kernel", "kernel_scale", "bias"):
        np.testing.assert_array_equal(getattr(n_dense, name).numpy(),
                                      np.asarray(getattr(k_dense, name)))
    grad = jax.grad(lambda a: (k_dense(a) ** 2).sum())(x[:4])
    v = numnet.Variable(x[:4])
    with numnet.GradientTape() as tape:
        tape.watch(v)
        loss = numnet.ops.sum(numnet.ops.square(n_dense(v)))
    np.testing.assert_allclose(tape.gradient(loss, v).numpy(), np.asarray(grad), rtol=1e-5,
                               atol=1e-6)
    for block in (-1, 128):
        theirs4, ours4 = _pair(keras, "int4", (keras.quantizers.Int4QuantizationConfig(
            block_size=block), quantizers.Int4QuantizationConfig(block_size=block)))
        np.testing.assert_allclose(ours4(x).numpy(), np.asarray(theirs4(x)), rtol=1e-5,
                                   atol=1e-6)
        for a, b in zip(ours4.layers[1].weights, (theirs4.layers[1]._kernel,
                                                  theirs4.layers[1].bias,
                                                  theirs4.layers[1].kernel_scale), strict=False):
            np.testing.assert_array_equal(a.numpy(), np.asarray(b))


def test_fine_tuning_matches_keras():
    keras = _keras()
    rng = np.random.default_rng(11)
    x, y = rng.random((64, 10)).astype("float32"), rng.random((64, 1)).astype("float32")
    theirs, ours = _pair(keras, "int8")
    assert [w.name for w in ours.trainable_weights] == [w.name for w in theirs.trainable_weights]
    theirs.compile(keras.optimizers.SGD(0.1), "mse")
    ours.compile(numnet.optimizers.SGD(0.1), "mse")
    k_loss = theirs.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history["loss"]
    n_loss = ours.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(n_loss, k_loss, rtol=1e-5)


@pytest.mark.parametrize("equation, output_shape, bias_axes, shape", [
    ("ab,bc->ac", (4,), "c", (3, 5)),
    ("abc,cde->abde", (None, 2, 3), "de", (2, 4, 5)),
    ("abc,cd->abd", (None, 4), "d", (2, 3, 5)),
    ("abc,bcd->ad", (4,), None, (2, 3, 5)),
])
@pytest.mark.parametrize("block", [None, -1, 128, 2])
def test_einsum_dense_matches_keras(equation, output_shape, bias_axes, shape, block):
    keras = _keras()
    x = np.random.default_rng(12).normal(size=shape).astype("float32")
    theirs = keras.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    ours = numnet.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    theirs(x)
    ours(x)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    if block is None:
        theirs.quantize("int8")
        ours.quantize("int8")
    else:
        theirs.quantize("int4", config=keras.quantizers.Int4QuantizationConfig(block_size=block))
        ours.quantize("int4", config=quantizers.Int4QuantizationConfig(block_size=block))
    assert ours.dtype_policy.name == theirs.dtype_policy.name
    assert [w.name for w in ours.weights] == [
        name for name in ("kernel", "bias", "kernel_scale", "kernel_zero", "g_idx")
        if name in {w.name for w in theirs.weights}]
    for weight in ours.weights:
        reference = theirs._kernel if weight.name == "kernel" else getattr(theirs, weight.name)
        np.testing.assert_array_equal(weight.numpy(), np.asarray(reference))
    np.testing.assert_allclose(ours(x).numpy(), np.asarray(theirs(x)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode, block", [("int8", None), ("int4", -1), ("int4", 128),
                                         ("int4", 2)])
def test_embedding_matches_keras(mode, block):
    keras = _keras()
    theirs, ours = keras.layers.Embedding(7, 5), numnet.layers.Embedding(7, 5)
    theirs.build((None, 3))
    ours.build((None, 3))
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    configs = (None, None) if block is None else (
        keras.quantizers.Int4QuantizationConfig(block_size=block),
        quantizers.Int4QuantizationConfig(block_size=block))
    theirs.quantize(mode, config=configs[0])
    ours.quantize(mode, config=configs[1])
    assert ours.dtype_policy.name == theirs.dtype_policy.name
    ids = np.array([[0, 6, 3], [2, 2, 1]])
    # (XLA divides by the row's scale as a product with its reciprocal: one rounding apart)
    np.testing.assert_allclose(ours(ids).numpy(), np.asarray(theirs(ids)), rtol=2.5e-7,
                               atol=1e-9)
    names = ["embeddings", "embeddings_scale", "embeddings_zero", "g_idx"]
    assert [w.name for w in ours.weights] == names[:len(ours.weights)]
    for name, ours_weight in zip(names, ours.weights, strict=False):
        theirs_weight = theirs._embeddings if name == "embeddings" else getattr(theirs, name)
        np.testing.assert_array_equal(ours_weight.numpy(), np.asarray(theirs_weight))


@pytest.mark.parametrize("mode", ["int8", "int4"])
def test_keras_files_both_ways(tmp_path, mode):
    keras = _keras()
    x = np.random.default_rng(13).random((8, 10)).astype("float32")
    theirs, ours = _pair(keras, mode)
    theirs.save(str(tmp_path / "keras.keras"))
    from_keras = numnet.models.load_model(str(tmp_path / "keras.keras"))
    np.testing.assert_allclose(from_keras(x).numpy(), np.asarray(theirs(x)), rtol=1e-6,
                               atol=1e-7)
    ours.save(str(tmp_path / "numnet.keras"))
    from_numnet = keras.models.load_model(str(tmp_path / "numnet.keras"))
    np.testing.assert_allclose(np.asarray(from_numnet(x)), ours(x).numpy(), rtol=1e-6,
                               atol=1e-7)
    assert from_numnet.layers[1].dtype_policy.name == ours.layers[1].dtype_policy.name


@pytest.mark.parametrize("module", ["numnet.quantizers", "numnet.dtype_policies",
                                    "numnet.layers.quantization"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module),
                             extraglobs={"numnet": numnet, "np": np},
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def _token_model(k):
    inputs = k.Input((6,), dtype="int32")
    hidden = k.layers.Embedding(20, 8)(inputs)
    return k.Model(inputs, k.layers.EinsumDense("abc,cd->abd", (None, 4), bias_axes="d")(hidden))


@pytest.mark.parametrize("mode", ["int8", "int4"])
def test_embedding_and_einsum_models_in_files(tmp_path, mode):
    ids = np.random.default_rng(14).integers(0, 20, size=(4, 6))
    ours = _token_model(numnet)
    ours.quantize(mode)
    for suffix in (".keras", ".numnet"):
        ours.save(str(tmp_path / f"ours{suffix}"))
        again = numnet.models.load_model(str(tmp_path / f"ours{suffix}"))
        np.testing.assert_array_equal(again(ids).numpy(), ours(ids).numpy())
    keras = _keras()
    theirs = _token_model(keras)
    theirs.quantize(mode)
    theirs.save(str(tmp_path / "theirs.keras"))
    from_keras = numnet.models.load_model(str(tmp_path / "theirs.keras"))
    np.testing.assert_allclose(from_keras(ids).numpy(), np.asarray(theirs(ids)), rtol=1e-6,
                               atol=1e-8)
    from_numnet = keras.models.load_model(str(tmp_path / "ours.keras"))
    np.testing.assert_allclose(np.asarray(from_numnet(ids)), ours(ids).numpy(), rtol=1e-6,
                               atol=1e-8)


@pytest.mark.parametrize("mode", ["int8", "int4"])
def test_lora_on_a_quantized_dense_matches_keras(mode):
    keras = _keras()
    rng = np.random.default_rng(15)
    x = rng.normal(size=(5, 6)).astype("float32")
    theirs, ours = keras.layers.Dense(5), numnet.layers.Dense(5)
    theirs.build((None, 6))
    ours.build((None, 6))
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    for layer in (theirs, ours):
        layer.quantize(mode)
        layer.enable_lora(2)
    a, b = rng.normal(size=(6, 2)).astype("float32"), rng.normal(size=(2, 5)).astype("float32")
    for layer in (theirs, ours):
        layer.lora_kernel_a.assign(a)
        layer.lora_kernel_b.assign(b)
    assert [w.name for w in ours.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    np.testing.assert_allclose(ours(x).numpy(), np.asarray(theirs(x)), rtol=1e-5, atol=1e-6)


def test_a_layer_built_from_a_quantized_policy_takes_its_quantization_config():
    weight_only = {"module": "keras.quantizers", "class_name": "Int8QuantizationConfig",
                   "config": {"weight_quantizer": None, "activation_quantizer": None}}
    x = np.random.default_rng(16).normal(size=(2, 4)).astype("float32")
    layer = numnet.layers.EinsumDense("ab,bc->ac", (3,), dtype="int8_from_float32",
                                      quantization_config=weight_only)
    layer(x)
    assert layer._inputs_quantizer is None
    layer.set_weights([np.array([[2, -127, 0]] * 4, "int8"), np.full((1, 3), 127, "float32")])
    # weight-only: y = (x @ q) / scale, the inputs not rounded
    expected = x @ np.array([[2, -127, 0]] * 4, "float32") / np.float32(127)
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-6)


def test_fake_quant_by_hand_and_its_gradients():
    x = numnet.Variable(np.array([-0.2, 0.26, 2.0], "float32"))
    low, high = numnet.Variable(np.float32(0.0)), numnet.Variable(np.float32(1.0))
    with numnet.GradientTape() as tape:
        out = quantizers.fake_quant_with_min_max_vars(x, low, high, num_bits=2)
        loss = numnet.ops.sum(out * np.array([1.0, 10.0, 100.0], "float32"))
    # levels 0, 1/3, 2/3, 1: -0.2 clamps to 0, 0.26 * 3 = 0.78 rounds to 1, 2.0 clamps to 1
    np.testing.assert_allclose(out.numpy(), [0.0, 1 / 3, 1.0], rtol=1e-6)
    grad_x, grad_low, grad_high = tape.gradient(loss, [x, low, high])
    assert grad_x.numpy().tolist() == [0.0, 10.0, 0.0]
    assert float(grad_low.numpy()) == 1.0 and float(grad_high.numpy()) == 100.0


@pytest.mark.parametrize("low, high, axis, bits, narrow", [
    (-1.0, 1.0, None, 8, False), (-0.5, 0.7, None, 4, True),
    ([-1.0, -0.3, -2.0], [1.0, 0.5, 0.1], -1, 8, False)])
def test_fake_quant_matches_keras(low, high, axis, bits, narrow):
    keras = _keras()
    jax = pytest.importorskip("jax")
    x = np.random.default_rng(17).normal(size=(6, 3)).astype("float32")
    low, high = np.asarray(low, "float32"), np.asarray(high, "float32")
    weights = np.arange(18, dtype="float32").reshape(6, 3)
    theirs = keras.quantizers.fake_quant_with_min_max_vars(x, low, high, bits, narrow, axis)
    ours = quantizers.fake_quant_with_min_max_vars(x, low, high, bits, narrow, axis)
    np.testing.assert_allclose(ours.numpy(), np.asarray(theirs), rtol=1e-6, atol=1e-7)
    grads = jax.grad(lambda a, b, c: (keras.quantizers.fake_quant_with_min_max_vars(
        a, b, c, bits, narrow, axis) * weights).sum(), argnums=(0, 1, 2))(x, low, high)
    variables = [numnet.Variable(v) for v in (x, low, high)]
    with numnet.GradientTape() as tape:
        loss = numnet.ops.sum(quantizers.fake_quant_with_min_max_vars(
            *variables, bits, narrow, axis) * weights)
    for ours_grad, theirs_grad in zip(tape.gradient(loss, variables), grads, strict=True):
        np.testing.assert_array_equal(ours_grad.numpy(), np.asarray(theirs_grad))


def test_summary_counts_the_bytes_of_each_weight_in_its_own_dtype():
    """int8 kernels are a byte a parameter, their float32 scales and the biases four (the
    int8 guide's model: 418 parameters, 616 bytes, as Keras's summary says)."""
    inputs = numnet.Input(shape=(10,))
    hidden = numnet.layers.Dense(32, activation="relu")(inputs)
    model = numnet.Model(inputs, numnet.layers.Dense(1, name="target")(hidden))
    model.quantize("int8")
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Total params: 418 (616.00 B)" in text
    assert "Trainable params: 33 (132.00 B)" in text
    assert "Non-trainable params: 385 (484.00 B)" in text
