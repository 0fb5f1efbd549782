"""Mixed precision (numnet.mixed_precision): policies, autocasting, loss scaling, fit and files.

Loss scaling is checked against its rule written out by hand; training under "mixed_float16"
against the same model in float32 (and against Keras 3 where keras with JAX is installed).
"""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

import numnet
from numnet import backend, layers, mixed_precision, optimizers
from numnet.autodiff import Variable

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")
HAS_ML_DTYPES = importlib.util.find_spec("ml_dtypes") is not None


@pytest.fixture(autouse=True)
def _default_policy():
    mixed_precision.set_global_policy(None)
    yield
    mixed_precision.set_global_policy(None)


def _mnist(n=512):
    (x, y), _ = numnet.datasets.mnist.load_data(bundled=True)
    return x[:n].reshape(n, 784).astype("float32") / 255, y[:n].astype("int64")


def _mlp(weights=None, output_dtype="float32"):
    numnet.utils.set_random_seed(3)
    model = numnet.Sequential([layers.Input((784,)), layers.Dense(32, activation="relu"),
                               layers.Dense(10),
                               layers.Activation("softmax", dtype=output_dtype)])
    if weights is not None:
        model.set_weights(weights)
    return model


# ----------------------------------------------------------------------------- policies


@pytest.mark.parametrize("name, compute, variable", [
    ("mixed_float16", "float16", "float32"), ("float16", "float16", "float16"),
    ("float32", "float32", "float32"), ("float64", "float64", "float64")])
def test_policies_name_their_compute_and_variable_dtypes(name, compute, variable):
    policy = mixed_precision.DTypePolicy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (name, compute, variable)
    assert mixed_precision.Policy(name) == policy and repr(policy) == f'<DTypePolicy "{name}">'
    assert mixed_precision.DTypePolicy({"class_name": "DTypePolicy",
                                        "config": {"name": name}}) == policy


@pytest.mark.parametrize("bad", ["mixed_float32", "half", "", 16, None])
def test_an_unknown_policy_is_refused_with_the_names(bad):
    if bad is None:  # None is the default policy, not an error
        assert mixed_precision.DTypePolicy(None).name == backend.floatx()
        return
    with pytest.raises(ValueError, match=r"DTypePolicy\(name\): expected one of .*mixed_float16"):
        mixed_precision.set_global_policy(bad)
    assert mixed_precision.global_policy().name == "float32"


@pytest.mark.skipif(HAS_ML_DTYPES, reason="ml_dtypes is installed, so bfloat16 is available")
def test_bfloat16_without_ml_dtypes_names_the_install():
    with pytest.raises(ValueError, match="pip install ml_dtypes"):
        mixed_precision.DTypePolicy("mixed_bfloat16")


def test_layers_take_the_global_policy_when_made_and_their_own_dtype_first():
    before = layers.Dense(3)
    mixed_precision.set_global_policy("mixed_float16")
    assert mixed_precision.global_policy().name == "mixed_float16"
    assert mixed_precision.dtype_policy() == mixed_precision.global_policy()
    after, own = layers.Dense(3), layers.Dense(3, dtype="float32")
    assert before.dtype_policy.name == "float32"
    assert (after.dtype_policy.name, after.compute_dtype, after.dtype) == (
        "mixed_float16", "float16", "float32")
    assert own.dtype_policy.name == "float32"
    assert layers.Dense.from_config(after.get_config()).dtype_policy.name == "mixed_float16"
    assert after.get_config()["dtype"] == "mixed_float16"


# ----------------------------------------------------------------------------- autocasting


def test_a_mixed_layer_computes_in_float16_on_float32_weights_and_casts_back_up():
    mixed_precision.set_global_policy("mixed_float16")
    model = _mlp()
    x = _mnist(4)[0]
    hidden = model.layers[0](x)
    assert hidden.dtype == np.float16
    assert all(w.dtype == np.float32 for w in model.weights)
    out = model(x)
    assert out.dtype == np.float32  # the float32 Activation casts its float16 input up
    mixed_precision.set_global_policy(None)
    reference = _mlp(model.get_weights())(x).numpy()
    np.testing.assert_allclose(out.numpy(), reference, rtol=2e-2, atol=2e-3)
    assert np.abs(out.numpy() - reference).max() > 0  # float16 arithmetic did happen


def test_float32_layers_leave_float64_tensors_as_they_are():
    dense = layers.Dense(2)
    x = numnet.Tensor(np.ones((1, 3)))
    assert dense(x).dtype == np.float64  # only 16-bit policies and inputs are cast


def test_gradients_reach_the_float32_weights_through_the_casts():
    mixed_precision.set_global_policy("mixed_float16")
    dense = layers.Dense(4, activation="tanh")
    x = np.random.default_rng(0).normal(size=(8, 5)).astype("float32")
    out = dense(x)
    numnet.ops.sum(out).backward()
    kernel, bias = dense.kernel, dense.bias
    assert kernel.grad.dtype == np.float32 and bias.grad.dtype == np.float32
    w, b = kernel.numpy().astype(np.float64), bias.numpy().astype(np.float64)
    dz = 1 - np.tanh(x.astype(np.float64) @ w + b) ** 2
    np.testing.assert_allclose(backend.to_numpy(kernel.grad), x.T @ dz, rtol=2e-2, atol=2e-2)
    np.testing.assert_allclose(backend.to_numpy(bias.grad), dz.sum(axis=0), rtol=2e-2,
                               atol=2e-2)


def test_batch_normalization_normalizes_float16_inputs_in_float32():
    mixed_precision.set_global_policy("mixed_float16")
    bn = layers.BatchNormalization()
    x = (np.random.default_rng(1).normal(size=(64, 3)) * 300 + 1000).astype("float16")
    out = bn(x, training=True)
    assert out.dtype == np.float16 and bn.moving_mean.dtype == np.float32
    np.testing.assert_allclose(out.numpy().mean(axis=0), 0, atol=2e-3)
    np.testing.assert_allclose(out.numpy().std(axis=0), 1, rtol=2e-3)


# ----------------------------------------------------------------------------- loss scaling


def _by_hand(scale, counter, growth, grads_finite):
    """The rule: (new scale, new counter, whether the step is applied)."""
    if not grads_finite:
        return scale / 2, 0, False
    if counter == growth - 1:
        return scale * 2, 0, True
    return scale, counter + 1, True


def test_loss_scaling_follows_its_rule_step_by_step():
    rng = np.random.default_rng(2)
    w0 = rng.normal(size=(3, 2))
    var = Variable(w0.copy())
    opt = optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=8.0,
                                        dynamic_growth_steps=3)
    w, scale, counter, applied = w0.copy(), 8.0, 0, 0
    pattern = [True, True, True, True, False, True, True, False, False, True, True, True, True]
    for finite in pattern:
        g = rng.normal(size=(3, 2))
        given = g * scale if finite else np.where(g > 0, np.inf, g)
        opt.apply([given], [var])
        new_scale, counter, step = _by_hand(scale, counter, 3, finite)
        if step:
            w = w - 0.1 * g  # the unscaled gradient
            applied += 1
        scale = new_scale
        np.testing.assert_allclose(var.numpy(), w, rtol=0, atol=1e-12)
        assert (opt.dynamic_scale, opt.step_counter) == (scale, counter)
        assert int(opt.iterations.numpy()) == applied  # skipped steps do not count
    assert scale != 8.0 and applied < len(pattern)


def test_loss_scale_optimizer_is_its_inner_optimizer_otherwise():
    inner = optimizers.Adam(learning_rate=0.01)
    opt = optimizers.LossScaleOptimizer(inner)
    assert (opt.initial_scale, opt.dynamic_growth_steps, opt.name) == (
        2.0**15, 2000, "loss_scale_optimizer")
    opt.learning_rate = 0.5
    assert float(inner.learning_rate.value) == 0.5 and opt.current_learning_rate() == 0.5
    assert opt.iterations is inner.iterations and opt.beta_1 == inner.beta_1
    assert float(opt.scale_loss(numnet.Tensor(np.float32(2.0))).numpy()) == 2.0**16
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert isinstance(again, optimizers.LossScaleOptimizer)
    assert isinstance(again.inner_optimizer, optimizers.Adam)
    assert again.inner_optimizer.get_config() == inner.get_config()
    assert again.get_config() == opt.get_config()


@pytest.mark.parametrize("kwargs, message", [
    ({"initial_scale": 0}, "initial_scale"), ({"initial_scale": float("inf")}, "initial_scale"),
    ({"dynamic_growth_steps": 0}, "dynamic_growth_steps"),
    ({"dynamic": False}, "dynamic=False"), ({"clipnorm": 1.0}, "inner optimizer"),
    ({"momentum": 0.9}, "unexpected keyword")])
def test_loss_scale_optimizer_arguments_are_checked(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        optimizers.LossScaleOptimizer("sgd", **kwargs)
    with pytest.raises(ValueError, match="wrap the optimizer itself once"):
        optimizers.LossScaleOptimizer(optimizers.LossScaleOptimizer("sgd"))


def test_compile_wraps_the_optimizer_under_mixed_float16_only():
    assert isinstance(_compiled("adam").optimizer, optimizers.Adam)
    mixed_precision.set_global_policy("mixed_float16")
    wrapped = _compiled("adam").optimizer
    assert isinstance(wrapped, optimizers.LossScaleOptimizer)
    assert isinstance(wrapped.inner_optimizer, optimizers.Adam)
    assert isinstance(_compiled("adam", auto_scale_loss=False).optimizer, optimizers.Adam)
    own = optimizers.LossScaleOptimizer("sgd", initial_scale=4.0)
    assert _compiled(own).optimizer is own


def _compiled(optimizer, **kwargs):
    model = _mlp()
    model.compile(optimizer, "sparse_categorical_crossentropy", **kwargs)
    return model


# ----------------------------------------------------------------------------- training


def test_fit_under_mixed_float16_follows_the_float32_trajectory():
    x, y = _mnist()
    start = _mlp().get_weights()
    runs = {}
    for policy in ("float32", "mixed_float16"):
        mixed_precision.set_global_policy(policy)
        model = _mlp(start)
        model.compile(optimizers.Adam(0.003), "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        numnet.utils.set_random_seed(9)
        history = model.fit(x, y, batch_size=64, epochs=3, verbose=0)
        runs[policy] = (history.history, model)
    full, half = runs["float32"][0], runs["mixed_float16"][0]
    np.testing.assert_allclose(half["loss"], full["loss"], rtol=5e-3)
    assert full["loss"][-1] < 0.5 * full["loss"][0]
    assert abs(half["accuracy"][-1] - full["accuracy"][-1]) <= 0.01
    model = runs["mixed_float16"][1]
    assert isinstance(model.optimizer, optimizers.LossScaleOptimizer)
    assert model.optimizer.dynamic_scale == 2.0**15  # no overflow in 24 steps
    assert all(w.dtype == np.float32 for w in model.get_weights())


def _tiny_gradient_fit(optimizer):
    """One SGD(1.0) step on targets 5e-7 above the predictions (exactly 1.0) of a float16 Dense
    layer: (the change of the kernel, the change mse's gradient calls for)."""
    mixed_precision.set_global_policy("mixed_float16")
    numnet.utils.set_random_seed(4)
    model = numnet.Sequential([layers.Input((4,)), layers.Dense(1, kernel_initializer="ones")])
    x = np.full((64, 4), 0.25, "float32")
    y = np.full((64, 1), 1 + 5e-7, "float32")
    model.compile(optimizer, "mse")
    before = model.get_weights()[0].copy()
    model.fit(x, y, batch_size=64, epochs=1, verbose=0, shuffle=False)
    # w <- w - d mse / d w = w + 2 (y - 1) x, the same for every row
    return model.get_weights()[0] - before, 2 * (float(y[0, 0]) - 1.0) * 0.25


def test_loss_scaling_keeps_gradients_that_float16_would_lose():
    scaled, want = _tiny_gradient_fit(optimizers.SGD(1.0))  # compile wraps it: scaled by 2^15
    unscaled, _ = _tiny_gradient_fit(optimizers.LossScaleOptimizer(optimizers.SGD(1.0),
                                                                   initial_scale=1.0))
    # The gradient of the output, 2 (1 - y) / 64 = -1.5e-8, is below float16's smallest
    # number (6e-8): unscaled it is 0 and the step does nothing.
    np.testing.assert_allclose(scaled, want, rtol=0.02)
    assert np.all(unscaled == 0)


def test_an_overflowing_scale_is_halved_until_the_gradients_are_finite():
    mixed_precision.set_global_policy("mixed_float16")
    x, y = _mnist(256)
    model = _mlp()
    opt = optimizers.LossScaleOptimizer(optimizers.Adam(0.001), initial_scale=2.0**40)
    model.compile(opt, "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert opt.dynamic_scale < 2.0**40  # some steps overflowed and were skipped
    assert int(opt.iterations.numpy()) < 8  # 8 batches, not all applied
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_a_mixed_model_file_keeps_its_policies_and_the_loss_scale(tmp_path):
    mixed_precision.set_global_policy("mixed_float16")
    x, y = _mnist(256)
    model = _mlp()
    model.compile(optimizers.LossScaleOptimizer(optimizers.Adam(0.003), initial_scale=2.0**12,
                                                dynamic_growth_steps=5),
                  "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert model.optimizer.dynamic_scale == 2.0**13 and model.optimizer.step_counter == 3
    path = tmp_path / "mixed.numnet"
    model.save(path)
    mixed_precision.set_global_policy(None)  # the file, not the global policy, decides
    loaded = numnet.models.load_model(path)
    assert [layer.dtype_policy.name for layer in loaded.layers] == [
        "mixed_float16", "mixed_float16", "float32"]
    opt = loaded.optimizer
    assert isinstance(opt, optimizers.LossScaleOptimizer)
    assert (opt.dynamic_scale, opt.step_counter, opt.dynamic_growth_steps) == (2.0**13, 3, 5)
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    numnet.utils.set_random_seed(1)
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    numnet.utils.set_random_seed(1)
    loaded.fit(x, y, batch_size=32, epochs=1, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert loaded.optimizer.dynamic_scale == model.optimizer.dynamic_scale


# ----------------------------------------------------------------------------- Keras 3


@pytest.mark.skipif(importlib.util.find_spec("keras") is None
                    or importlib.util.find_spec("jax") is None,
                    reason="the Keras comparison runs Keras on its JAX backend")
def test_mixed_float16_training_follows_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    x, y = _mnist(256)
    keras.mixed_precision.set_global_policy("mixed_float16")
    mixed_precision.set_global_policy("mixed_float16")
    try:
        def build(lib):
            return lib.Sequential([lib.layers.Input((784,)),
                                   lib.layers.Dense(32, activation="relu"),
                                   lib.layers.Dense(10),
                                   lib.layers.Activation("softmax", dtype="float32")])

        keras.utils.set_random_seed(5)
        km, nm = build(keras), build(numnet)
        nm.set_weights(km.get_weights())
        km.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
        nm.compile(numnet.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
        assert type(km.optimizer).__name__ == type(nm.optimizer).__name__
        k_losses = [float(km.train_on_batch(x[i:i + 32], y[i:i + 32])) for i in range(0, 256, 32)]
        n_losses = [float(nm.train_on_batch(x[i:i + 32], y[i:i + 32])) for i in range(0, 256, 32)]
    finally:
        keras.mixed_precision.set_global_policy("float32")
    np.testing.assert_allclose(n_losses, k_losses, rtol=5e-3)
    for a, b in zip(nm.get_weights(), km.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=5e-3)


@pytest.mark.cpu_only  # CuPy has no bfloat16 arrays
@pytest.mark.skipif(not HAS_ML_DTYPES, reason="bfloat16 needs ml_dtypes (pip install ml_dtypes)")
def test_mixed_bfloat16_rounds_to_bfloat16_and_learns_without_loss_scaling():
    x, y = _mnist()
    start = _mlp().get_weights()
    losses = {}
    for policy in ("float32", "mixed_bfloat16"):
        mixed_precision.set_global_policy(policy)
        model = _mlp(start)
        model.compile(optimizers.Adam(0.003), "sparse_categorical_crossentropy")
        numnet.utils.set_random_seed(9)
        losses[policy] = model.fit(x, y, batch_size=64, epochs=3, verbose=0).history["loss"]
    assert isinstance(model.optimizer, optimizers.Adam)  # bfloat16 has float32's range
    assert model.layers[0].compute_dtype == "bfloat16"
    assert all(w.dtype == np.float32 for w in model.get_weights())
    np.testing.assert_allclose(losses["mixed_bfloat16"], losses["float32"], rtol=2e-2)
    assert losses["mixed_bfloat16"] != losses["float32"]  # the rounding did happen
    assert losses["mixed_bfloat16"][-1] < 0.5 * losses["mixed_bfloat16"][0]


@pytest.mark.cpu_only  # CuPy has no bfloat16 arrays
@pytest.mark.skipif(not HAS_ML_DTYPES, reason="bfloat16 needs ml_dtypes (pip install ml_dtypes)")
def test_einsum_layers_run_and_train_under_mixed_bfloat16():
    """NumPy's einsum has no bfloat16 kernel: EinsumDense, MultiHeadAttention and the depthwise
    convolutions sum the bfloat16-rounded values in float32, as the products are."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5, 6)).astype("float32")
    images = rng.normal(size=(2, 6, 6, 3)).astype("float32")
    start = {}
    outputs = {}
    for policy in ("float32", "mixed_bfloat16"):
        mixed_precision.set_global_policy(policy)
        try:
            numnet.utils.set_random_seed(3)
            dense = layers.EinsumDense("abc,cd->abd", (5, 2), bias_axes="d")
            conv = layers.DepthwiseConv2D(3)
            outputs[policy] = (dense(x), conv(images))
            start[policy] = dense.get_weights()
            inputs = numnet.Input((5, 6))
            h = layers.MultiHeadAttention(2, 3)(inputs, inputs)
            out = layers.Dense(1, dtype="float32")(layers.GlobalAveragePooling1D()(h))
            model = numnet.Model(inputs, out)
            model.compile(optimizers.SGD(0.1), "mse")
            history = model.fit(x, np.ones((4, 1)), epochs=5, batch_size=4, verbose=0)
        finally:
            mixed_precision.set_global_policy("float32")
        assert history.history["loss"][-1] < history.history["loss"][0]
    assert dense.compute_dtype == "bfloat16"
    np.testing.assert_array_equal(start["float32"][0], start["mixed_bfloat16"][0])
    for ours, exact in zip(outputs["mixed_bfloat16"], outputs["float32"], strict=True):
        ours, exact = np.asarray(ours, "float32"), np.asarray(exact)
        assert not np.array_equal(ours, exact)  # inputs and weights were rounded
        np.testing.assert_allclose(ours, exact, rtol=0.05, atol=0.05)


def test_keras_config_names_the_global_settings():
    from numnet import config

    assert numnet.keras.config is config and config.backend() == "numpy"
    assert config.floatx() == "float32" and config.epsilon() == 1e-7
    config.set_dtype_policy("mixed_float16")
    assert config.dtype_policy().name == "mixed_float16"
    assert layers.Dense(2).compute_dtype == "float16"
    assert config.image_data_format() == "channels_last"
    config.set_image_data_format("channels_first")
    assert config.image_data_format() == "channels_first"
    config.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="'channels_last' or 'channels_first'"):
        config.set_image_data_format("NHWC")


def test_set_epsilon_changes_the_clipping_of_losses_and_metrics():
    from numnet import config

    y_true, y_pred = np.array([[0.0], [1.0]], "float32"), np.array([[1.0], [1.0]], "float32")
    bce = numnet.losses.BinaryCrossentropy()
    mape = numnet.losses.MeanAbsolutePercentageError()

    def clipped(eps):  # -log(1 - p) for p = 1 clipped to 1 - eps in float32, on 1 sample of 2
        return -np.log(1 - float(np.float32(1 - eps))) / 2

    assert float(bce(y_true, y_pred)) == pytest.approx(clipped(1e-7), rel=1e-3)
    config.set_epsilon(1e-3)
    try:
        assert config.epsilon() == 1e-3
        assert float(bce(y_true, y_pred)) == pytest.approx(clipped(1e-3), rel=1e-3)
        # |0 - 1| / max(|0|, 1e-3) on the first sample
        assert float(mape(y_true, y_pred)) == pytest.approx(100 * 1e3 / 2, rel=1e-5)
    finally:
        config.set_epsilon(1e-7)
    assert float(bce(y_true, y_pred)) == pytest.approx(clipped(1e-7), rel=1e-3)
    for bad in (0, -1e-3, 0.5, "1e-7", True):
        with pytest.raises(ValueError, match=r"set_epsilon\(value\)"):
            config.set_epsilon(bad)
    assert config.epsilon() == 1e-7


def test_losses_compute_16_bit_predictions_in_their_dtype():
    y_true, y_pred = np.ones((4, 1), "float32"), np.full((4, 1), 0.25, "float16")
    mse = numnet.losses.MeanSquaredError()
    assert mse(y_true, y_pred).dtype == np.float32
    pred = numnet.Tensor(np.full((4, 1), 0.25, "float16"))
    assert mse.reduced(y_true, pred).dtype == np.float32
    assert numnet.losses.loss_object("mse").reduced(y_true, pred).dtype == np.float32
    assert mse._in_loss_dtype(pred).dtype == np.float32
    half = numnet.losses.MeanSquaredError(dtype="float16")  # a float16 loss keeps them
    assert half._in_loss_dtype(pred) is pred


def test_clear_session_forgets_the_global_policy_as_keras():
    """Keras's clear_session resets its global settings: the policy set by set_dtype_policy
    goes, floatx stays; a later set_floatx('float64') then reaches new layers."""
    try:
        numnet.config.set_dtype_policy("mixed_float16")
        numnet.backend.clear_session()
        assert numnet.config.dtype_policy().name == "float32"
        numnet.config.set_dtype_policy("float32")
        numnet.utils.clear_session()
        numnet.config.set_floatx("float64")
        dense = numnet.layers.Dense(3)
        dense.build((None, 2))
        assert dense.kernel.dtype == "float64"
        assert numnet.config.dtype_policy().name == "float64"
    finally:
        numnet.config.set_floatx("float32")
        numnet.config.set_dtype_policy(None)
    assert numnet.config.dtype_policy().name == "float32"
