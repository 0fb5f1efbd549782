"""Float8 training (``layer.quantize("float8")``, Keras 3's float8 mode): one step of a Dense
layer computed by hand with ml_dtypes, the scales' and histories' rule, the optimizer setting
them to their gradients (no slots), EinsumDense, the refusals, and Keras's numbers on the same
model and .keras files both ways (skipped without keras)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import quantizers

ml_dtypes = pytest.importorskip("ml_dtypes")

E4M3 = float(ml_dtypes.finfo(ml_dtypes.float8_e4m3fn).max)  # 448
E5M2 = float(ml_dtypes.finfo(ml_dtypes.float8_e5m2).max)  # 57344


def qdq(v, scale, dtype):
    top = float(ml_dtypes.finfo(dtype).max)
    return (np.clip(v / scale, -top, top).astype(dtype).astype("float32") * scale)


def bf16(v):
    return v.astype(ml_dtypes.bfloat16).astype("float32")


def _layer(seed=0, units=3, width=4, history=8):
    rng = np.random.default_rng(seed)
    policy = numnet.dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32", history)
    layer = numnet.layers.Dense(units)
    layer.build((None, width))
    kernel = rng.normal(0, 1, (width, units)).astype("float32")
    bias = rng.normal(0, 1, units).astype("float32")
    layer.kernel.assign(kernel)
    layer.bias.assign(bias)
    layer.dtype_policy = policy
    return layer, kernel, bias, rng


def test_quantize_adds_keras_weights_and_policy():
    layer, *_ = _layer()
    assert layer.quantization_mode == "float8"
    assert type(layer.dtype_policy).__name__ == "QuantizedFloat8DTypePolicy"
    assert [w.name for w in layer.weights] == [
        "kernel", "bias", "inputs_scale", "inputs_amax_history", "kernel_scale",
        "kernel_amax_history", "outputs_grad_scale", "outputs_grad_amax_history"]
    assert all(w.trainable for w in layer.weights) and str(layer.kernel.dtype) == "float32"
    assert layer.inputs_amax_history.shape == (8,) and layer.inputs_scale.shape == ()
    assert all(quantizers.overwrites_with_gradient(w) for w in layer.weights[2:])
    assert not quantizers.overwrites_with_gradient(layer.kernel)
    dense = numnet.layers.Dense(2)
    dense.build((None, 3))
    dense.quantize("float8")
    assert dense.inputs_amax_history.shape == (1024,)  # Keras's default history
    assert dense.dtype_policy.name == "float8_from_float32"


def test_one_step_by_hand():
    layer, kernel, bias, rng = _layer()
    x = rng.normal(0, 100, (5, 4)).astype("float32")
    x[0, 0] = 600.0
    target = rng.normal(0, 1, (5, 3)).astype("float32")
    # forward: float8 e4m3 input and kernel (scale 1: values above 448 clip), bf16 bias
    expected = qdq(x, 1.0, ml_dtypes.float8_e4m3fn) @ qdq(kernel, 1.0, ml_dtypes.float8_e4m3fn)
    expected = expected + bf16(bias)
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-6, atol=1e-6)
    assert np.abs(x).max() > E4M3  # so the clip counts

    sgd = numnet.optimizers.SGD(learning_rate=0.1)
    with numnet.GradientTape() as tape:
        loss = numnet.ops.sum(numnet.ops.square(layer(x, training=True) - target)) / 10.0
    grads = tape.gradient(loss, layer.trainable_weights)
    sgd.apply(grads, layer.trainable_weights)

    g = (expected - target) / 5.0
    qg = qdq(g, 1.0, ml_dtypes.float8_e5m2)
    qx = qdq(x, 1.0, ml_dtypes.float8_e4m3fn)
    np.testing.assert_allclose(layer.kernel.numpy(), kernel - 0.1 * qx.T @ qg, rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(layer.bias.numpy(), bias - 0.1 * bf16(g.sum(0)), rtol=1e-6)
    # a history of zeros keeps the scale at 1; the histories take this step's max |v| first
    for name in ("inputs_scale", "kernel_scale", "outputs_grad_scale"):
        assert float(getattr(layer, name).numpy()) == 1.0
    np.testing.assert_allclose(layer.inputs_amax_history.numpy(),
                               [np.abs(x).max()] + [0] * 7)
    np.testing.assert_allclose(layer.kernel_amax_history.numpy()[0], np.abs(kernel).max())
    np.testing.assert_allclose(layer.outputs_grad_amax_history.numpy()[0], np.abs(g).max(),
                               rtol=1e-6)
    # the next step's scales: max(history) / max of the float8 type
    history = layer.inputs_amax_history.numpy().copy()
    with numnet.GradientTape() as tape:
        loss = numnet.ops.sum(layer(x, training=True))
    sgd.apply(tape.gradient(loss, layer.trainable_weights), layer.trainable_weights)
    np.testing.assert_allclose(float(layer.inputs_scale.numpy()), history.max() / E4M3,
                               rtol=1e-6)
    assert float(layer.outputs_grad_scale.numpy()) == pytest.approx(
        np.abs(g).max() / E5M2, rel=1e-6)
    assert sgd.iterations.numpy() == 2
    # without training=True only the output gradient's scale and history move, as Keras's
    before = [w.numpy().copy() for w in layer.weights[2:]]
    with numnet.GradientTape() as tape:
        loss = numnet.ops.sum(layer(x))
    grads = tape.gradient(loss, layer.trainable_weights)
    assert [g is None for g in grads[2:]] == [True] * 4 + [False] * 2
    sgd.apply(grads, layer.trainable_weights)
    for old, new in zip(before[:4], layer.weights[2:6]):
        np.testing.assert_array_equal(new.numpy(), old)
    assert not np.array_equal(layer.outputs_grad_amax_history.numpy(), before[5])


def test_the_optimizer_sets_marked_weights_to_their_gradient_without_slots():
    w = numnet.Variable(np.array([1.0, 2.0], "float32"))
    scale = numnet.Variable(np.array(1.0, "float32"))
    quantizers.set_overwrite_with_gradient(scale)
    adam = numnet.optimizers.Adam(learning_rate=0.1, weight_decay=0.5, clipnorm=0.001)
    adam.apply([np.array([1.0, -1.0], "float32"), np.array(0.25, "float32")], [w, scale])
    assert float(scale.numpy()) == 0.25  # no clip, decay or rule: the gradient itself
    assert w.numpy()[0] != 1.0
    assert [v.path for v in adam.variables] == [  # (Keras's names) of w only
        "adam/iteration", "adam/learning_rate", f"adam/{w.path}_momentum",
        f"adam/{w.path}_velocity"]


def test_einsum_dense_float8_by_hand():
    rng = np.random.default_rng(3)
    layer = numnet.layers.EinsumDense("abc,cd->abd", output_shape=(None, 2), bias_axes="d")
    layer.build((None, 3, 4))
    kernel = rng.normal(0, 1, (4, 2)).astype("float32")
    layer.kernel.assign(kernel)
    layer.quantize("float8")
    x = rng.normal(0, 1, (2, 3, 4)).astype("float32")
    q = qdq(x, 1.0, ml_dtypes.float8_e4m3fn) @ qdq(kernel, 1.0, ml_dtypes.float8_e4m3fn)
    np.testing.assert_allclose(layer(x).numpy(), q, rtol=1e-6, atol=1e-6)
    with numnet.GradientTape() as tape:
        out = numnet.ops.sum(layer(x))
    dkernel = tape.gradient(out, layer.kernel)
    qx = qdq(x, 1.0, ml_dtypes.float8_e4m3fn)
    np.testing.assert_allclose(dkernel.numpy(), qx.reshape(-1, 4).sum(0)[:, None].repeat(2, 1),
                               rtol=1e-5)


def test_refusals_as_keras():
    embedding = numnet.layers.Embedding(5, 3)
    embedding.build((None, 2))
    with pytest.raises(NotImplementedError, match="quantization_mode=float8"):
        embedding.quantize("float8")
    dense = numnet.layers.Dense(2)
    dense.build((None, 3))
    dense.enable_lora(1)
    with pytest.raises(NotImplementedError, match="LoRA"):
        dense.quantize("float8")


def _model(keras, rng):
    inputs = keras.Input((3, 8))
    x = keras.layers.EinsumDense("abc,cd->abd", output_shape=(3, 6), bias_axes="d",
                                 activation="relu")(inputs)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(3)(x)
    model = keras.Model(inputs, outputs)
    model.set_weights([rng.normal(0, 0.4, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.quantize("float8")
    return model


def test_matches_keras_and_files_go_both_ways(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    pytest.importorskip("jax")
    data = np.random.default_rng(1)
    x = data.normal(0, 1, (48, 3, 8)).astype("float32")
    y = data.integers(0, 3, 48)
    results = []
    for lib in (numnet, keras):
        model = _model(lib, np.random.default_rng(0))
        model.compile(optimizer=lib.optimizers.Adam(0.01),
                      loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True))
        history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        results.append((history.history["loss"], [np.asarray(w) for w in model.weights],
                        len(model.optimizer.variables), model))
    (ours, our_weights, our_slots, model), (theirs, their_weights, their_slots, _) = results
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    # iteration and learning_rate; momentum and velocity of the 4 float weights
    assert len(our_weights) == len(their_weights) and our_slots == their_slots == 10
    for a, b in zip(our_weights, their_weights):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    path = str(tmp_path / "float8.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.layers[1].dtype_policy).__name__ == "QuantizedFloat8DTypePolicy"
    np.testing.assert_allclose(loaded.predict(x[:4], verbose=0),
                               model.predict(x[:4], verbose=0), rtol=1e-5, atol=1e-6)
    assert int(loaded.optimizer.iterations.numpy()) == 9
    loaded.save(path)
    again = numnet.models.load_model(path)
    assert again.layers[1].quantization_mode == "float8"
    np.testing.assert_allclose(again.predict(x[:4], verbose=0),
                               model.predict(x[:4], verbose=0), rtol=1e-5, atol=1e-6)


def _attention_model(keras, rng):
    inputs = keras.Input((5, 8))
    x = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(inputs, inputs,
                                                               use_causal_mask=True)
    x = keras.layers.GlobalAveragePooling1D()(x)
    outputs = keras.layers.Dense(3)(x)
    model = keras.Model(inputs, outputs)
    model.set_weights([rng.normal(0, 0.4, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.quantize("float8")
    return model


def test_multi_head_attention_trains_its_projections_in_float8():
    model = _attention_model(numnet, np.random.default_rng(0))
    mha = model.layers[1]
    assert len(mha.weights) == 4 * 8 and mha.dtype_policy.quantization_mode is None
    assert [w.path.split("/", 1)[1] for w in mha.weights[:3]] == [
        "query/kernel", "query/bias", "query/inputs_scale"]
    x = np.random.default_rng(1).normal(0, 1, (6, 5, 8)).astype("float32")
    # the query projection: float8 input and kernel, a bfloat16 bias, as EinsumDense's
    query = mha.query_dense
    expected = np.einsum("btd,dnh->btnh", qdq(x, 1.0, ml_dtypes.float8_e4m3fn),
                         qdq(query.kernel.numpy(), 1.0, ml_dtypes.float8_e4m3fn))
    expected = expected + bf16(query.bias.numpy())
    got = query.project(numnet.ops.convert_to_tensor(x), 1, lambda w: w).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    model.compile(optimizer=numnet.optimizers.SGD(0.1), loss="mse")
    model.fit(x, np.zeros((6, 3), "float32"), batch_size=6, verbose=0)
    assert float(query.inputs_amax_history.numpy()[0]) == pytest.approx(np.abs(x).max())
    with pytest.raises(ValueError, match="already quantized"):
        mha.quantize("float8")
    other = numnet.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    other(x, x)
    with pytest.raises(NotImplementedError, match="'float8' only"):
        other.quantize("int8")


def test_multi_head_attention_float8_matches_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    pytest.importorskip("jax")
    data = np.random.default_rng(2)
    x = data.normal(0, 1, (48, 5, 8)).astype("float32")
    y = data.integers(0, 3, 48)
    runs = []
    for lib in (numnet, keras):
        model = _attention_model(lib, np.random.default_rng(0))
        model.compile(optimizer=lib.optimizers.Adam(0.01),
                      loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True))
        history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        runs.append((history.history["loss"],
                     {w.path.split("/", 1)[-1]: np.asarray(w) for w in model.weights}))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-5)
    assert list(runs[0][1]) == list(runs[1][1])
    for path, ours in runs[0][1].items():
        # the key's bias has no gradient but rounding (a softmax ignores a shift of every
        # score), which Adam blows up to steps of the rate: only its size compares
        tolerance = {"atol": 0.05} if path.endswith("key/bias") else {"rtol": 1e-4,
                                                                       "atol": 1e-6}
        np.testing.assert_allclose(ours, runs[1][1][path], err_msg=path, **tolerance)
