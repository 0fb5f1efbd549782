"""Keras names and behaviours that real programs hit: schedules over arrays of steps, clones of
models with custom activations, keras.config's switches, TensorBoard without tensorboard, and
the advice probe on residual and Embedding models."""

from __future__ import annotations

import math
import os
import struct
import sys
import warnings

import numpy as np
import pytest

import numnet
from numnet import callbacks, config, layers
from numnet.optimizers import schedules

# ----------------------------------------------------------------------------- schedules

SCHEDULES = [
    schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5),
    schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5, staircase=True),
    schedules.InverseTimeDecay(0.1, decay_steps=100, decay_rate=0.5),
    schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1]),
    schedules.PolynomialDecay(0.1, decay_steps=300, cycle=True),
    schedules.PolynomialDecay(0.1, decay_steps=300, power=2.0),
    schedules.CosineDecay(0.1, decay_steps=500, alpha=0.1),
    schedules.CosineDecay(0.1, decay_steps=500, warmup_target=0.2, warmup_steps=100),
    schedules.CosineDecayRestarts(0.1, first_decay_steps=100),
    schedules.CosineDecayRestarts(0.1, first_decay_steps=100, t_mul=1.0, m_mul=0.5),
    schedules.OneCycle(0.1, total_steps=900),
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: type(s).__name__)
def test_schedules_take_an_array_of_steps(schedule):
    steps = np.linspace(0, 1000, 50)
    rates = schedule(steps)
    assert isinstance(rates, np.ndarray) and rates.shape == (50,) and rates.dtype == np.float32
    np.testing.assert_array_equal(rates, np.float32([schedule(float(s)) for s in steps]))
    grid = schedule(np.arange(6).reshape(2, 3) * 150)
    assert grid.shape == (2, 3)
    assert grid[1, 2] == np.float32(schedule(750))
    assert isinstance(schedule(7), float)  # one step: a Python float, as before


def test_exponential_decay_over_steps_by_hand():
    rates = schedules.ExponentialDecay(0.1, 100, 0.5)(np.array([0, 100, 250]))
    np.testing.assert_allclose(rates, [0.1, 0.05, 0.1 * 0.5 ** 2.5], rtol=1e-6)


def test_schedules_over_steps_agree_with_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    steps = np.linspace(0, 1000, 50)
    pairs = [
        (schedules.ExponentialDecay(0.1, 100, 0.5),
         keras.optimizers.schedules.ExponentialDecay(0.1, 100, 0.5)),
        (schedules.CosineDecay(0.1, 500, alpha=0.1),
         keras.optimizers.schedules.CosineDecay(0.1, 500, alpha=0.1)),
        (schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1]),
         keras.optimizers.schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])),
        (schedules.PolynomialDecay(0.1, 300, cycle=True),
         keras.optimizers.schedules.PolynomialDecay(0.1, 300, cycle=True)),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours(steps), np.asarray(theirs(steps)), rtol=1e-5,
                                   atol=1e-7)


# ----------------------------------------------------------------------------- clone_model


@numnet.saving.register_keras_serializable(package="small_gaps")
def doubled_relu(x):
    return numnet.ops.relu(x) * 2.0


def plain_softsign(x):
    return x / (1.0 + numnet.ops.abs(x))


X3 = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], dtype=np.float32)


@pytest.mark.parametrize("activation", [doubled_relu, plain_softsign])
def test_clone_model_keeps_a_custom_activation(activation):
    numnet.utils.set_random_seed(1)
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(4, activation=activation),
                               layers.Activation(activation), layers.Dense(1)])
    clone = numnet.models.clone_model(model)
    assert clone.layers[0].activation is activation
    assert clone.layers[1].activation is activation
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(X3, verbose=0), model.predict(X3, verbose=0),
                               rtol=1e-6)
    # the same in a functional model with a branch
    inputs = numnet.Input((3,))
    hidden = layers.Dense(3, activation=activation)(inputs)
    functional = numnet.Model(inputs, layers.Add()([hidden, inputs]))
    clone = numnet.models.clone_model(functional)
    dense = next(layer for layer in clone.layers if isinstance(layer, layers.Dense))
    assert dense.activation is activation
    clone.set_weights(functional.get_weights())
    kernel, bias = functional.get_weights()
    expected = np.asarray(activation(numnet.ops.convert_to_tensor(X3 @ kernel + bias))) + X3
    np.testing.assert_allclose(clone.predict(X3, verbose=0), expected, rtol=1e-5)


def test_clone_model_with_custom_objects_activation():
    def scaled_tanh(x):
        return numnet.ops.tanh(x) * 3.0

    numnet.saving.get_custom_objects()["scaled_tanh"] = scaled_tanh
    try:
        model = numnet.Sequential([numnet.Input((3,)), layers.Dense(2, activation=scaled_tanh)])
        clone = numnet.models.clone_model(model)
        assert clone.layers[0].activation is scaled_tanh
        clone.set_weights(model.get_weights())
        kernel, bias = model.get_weights()
        np.testing.assert_allclose(clone.predict(X3, verbose=0),
                                   np.tanh(X3 @ kernel + bias) * 3.0, rtol=1e-5)
    finally:
        numnet.saving.get_custom_objects().pop("scaled_tanh")


def test_clone_model_of_builtin_activation_still_by_name():
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(2, activation="tanh")])
    clone = numnet.models.clone_model(model)
    assert clone.layers[0].get_config()["activation"] == "tanh"


# ----------------------------------------------------------------------------- config


def test_traceback_filtering_switches():
    assert config.is_traceback_filtering_enabled() is True
    config.disable_traceback_filtering()
    try:
        assert config.is_traceback_filtering_enabled() is False
    finally:
        config.enable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is True


def test_other_keras_config_switches():
    assert config.is_flash_attention_enabled() is None
    config.enable_flash_attention()
    assert config.is_flash_attention_enabled() is True
    config.disable_flash_attention()
    assert config.is_flash_attention_enabled() is False
    config._flash_attention = None
    assert config.is_nnx_enabled() is False
    config.set_backend("numpy")
    with pytest.raises(ValueError, match=r"set_backend\(backend\).*'jax'"):
        config.set_backend("jax")


def test_config_names_cover_keras_config():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    missing = {n for n in dir(keras.config) if not n.startswith("_")} - set(dir(config))
    assert not missing


# ----------------------------------------------------------------------------- TensorBoard


def _hide_tensorboard(monkeypatch):
    for name in [n for n in sys.modules if n.split(".")[0] in ("tensorboard", "tensorboardX")]:
        monkeypatch.setitem(sys.modules, name, None)
    for name in ("tensorboard", "tensorboardX"):
        monkeypatch.setitem(sys.modules, name, None)


def _records(path):
    """The data of each TFRecord in an event file, checksums verified."""
    from numnet.fast.crc32c import masked_crc32c as _masked_crc

    data, out, at = path.read_bytes(), [], 0
    while at < len(data):
        header = data[at:at + 8]
        (length,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[at + 8:at + 12])[0] == _masked_crc(header)
        body = data[at + 12:at + 12 + length]
        assert struct.unpack("<I", data[at + 12 + length:at + 16 + length])[0] == \
            _masked_crc(body)
        out.append(body)
        at += 16 + length
    return out


def test_tensorboard_without_tensorboard_installed(monkeypatch, tmp_path):
    _hide_tensorboard(monkeypatch)
    board = callbacks.TensorBoard(log_dir=tmp_path / "logs", histogram_freq=1)
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([numnet.Input((4,)), layers.Dense(2, activation="softmax")])
    model.compile(numnet.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(20, 4)).astype("float32")
    history = model.fit(x, np.arange(20) % 2, epochs=2, batch_size=10, validation_split=0.5,
                        callbacks=[board], verbose=0)
    files = list((tmp_path / "logs" / "train").glob("events.out.tfevents.*"))
    assert len(files) == 1
    records = _records(files[0])
    assert b"brain.Event:2" in records[0]
    losses = []
    for body in records:
        at = body.find(b"epoch_loss")
        if at >= 0:  # tag, then field 2 (simple_value, a float32): key 0x15
            assert body[at + len(b"epoch_loss")] == 0x15
            losses.append(struct.unpack("<f", body[at + 11:at + 15])[0])
    np.testing.assert_allclose(losses, history.history["loss"], rtol=1e-6)
    assert any(b"histogram" in body for body in records)
    assert list((tmp_path / "logs" / "validation").glob("events.out.tfevents.*"))


def test_own_event_files_read_back_by_tensorboard(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from numnet.callbacks.tensorboard import _EventFileWriter

    writer = _EventFileWriter(str(tmp_path))
    for step, value in enumerate([0.5, 0.25, -1.5]):
        writer.scalar("epoch_loss", value, step)
    values = np.array([1.0, 2.0, 2.0, 3.0, 10.0])
    writer.histogram("dense/kernel/histogram", values, 4)
    writer.close()
    events = EventAccumulator(str(tmp_path), size_guidance={"scalars": 0, "histograms": 0})
    events.Reload()
    assert [(e.step, e.value) for e in events.Scalars("epoch_loss")] == \
        [(0, 0.5), (1, 0.25), (2, -1.5)]
    (histo,) = events.Histograms("dense/kernel/histogram")
    assert histo.step == 4
    assert histo.histogram_value.num == 5 and histo.histogram_value.max == 10.0
    assert math.isclose(histo.histogram_value.sum_squares, 118.0)


# ----------------------------------------------------------------------------- advice


def _advice(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [w.message for w in caught if isinstance(w.message, numnet.advice.AdviceWarning)]


def test_advice_probe_on_residual_models_with_logits():
    rng = np.random.default_rng(0)
    x = rng.random((64, 4, 4, 1)).astype("float32")
    y = rng.integers(0, 3, 64)
    inputs = numnet.Input((4, 4, 1))
    flat = layers.Flatten()(inputs)
    a = layers.Dense(8, activation="relu")(flat)
    b = layers.Dense(8, activation="relu")(flat)
    model = numnet.Model(inputs, layers.Dense(3)(layers.Add()([a, b])))
    model.compile("adam", numnet.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    # two inputs, each with its own branch
    left, right = numnet.Input((6,)), numnet.Input((6,))
    merged = layers.Add()([layers.Dense(5, activation="relu")(left),
                           layers.Dense(5, activation="relu")(right)])
    model = numnet.Model([left, right], layers.Dense(3, activation="softmax")(merged))
    model.compile("adam", numnet.losses.SparseCategoricalCrossentropy(from_logits=True))
    xs = [rng.random((64, 6)).astype("float32") for _ in range(2)]
    found = _advice(lambda: model.fit(xs, y, epochs=1, verbose=0))
    assert [w.rule for w in found] == []  # (the softmax + from_logits advice came at compile)
    # the probe still fires on a two-input model whose output is a distribution
    probe = numnet.Model([left, right], layers.Softmax()(layers.Dense(3)(merged)))
    probe.compile("adam", numnet.losses.SparseCategoricalCrossentropy(from_logits=True))
    found = _advice(lambda: probe.fit(xs, y, epochs=1, verbose=0))
    assert "probabilities_to_logits" in [w.rule for w in found]


def test_advice_does_not_ask_to_scale_token_ids():
    ids = np.random.default_rng(1).integers(0, 5000, (64, 12))
    y = np.arange(64) % 2
    sequential = numnet.Sequential([numnet.Input((12,), dtype="int32"),
                                    layers.Embedding(5000, 8),
                                    layers.GlobalAveragePooling1D(),
                                    layers.Dense(1, activation="sigmoid")])
    inputs = numnet.Input((12,), dtype="int32")
    pooled = layers.GlobalAveragePooling1D()(layers.Embedding(5000, 8)(inputs))
    functional = numnet.Model(inputs, layers.Dense(1, activation="sigmoid")(pooled))
    for model in (sequential, functional):
        model.compile("adam", "binary_crossentropy")
        found = _advice(lambda m=model: m.fit(ids, y, epochs=1, verbose=0))
        assert "unscaled_inputs" not in [w.rule for w in found]
    # features of the same size still draw it
    dense = numnet.Sequential([numnet.Input((12,)), layers.Dense(1, activation="sigmoid")])
    dense.compile("adam", "binary_crossentropy")
    found = _advice(lambda: dense.fit(ids.astype("float32"), y, epochs=1, verbose=0))
    assert "unscaled_inputs" in [w.rule for w in found]


# ----------------------------------------------------------------------------- Normalization

HORSEPOWER = np.array([130.0, 165.0, 150.0, 140.0, 198.0, 97.0, 88.0], dtype=np.float32)


def test_normalization_mean_and_variance_after_adapt():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 6.0, 8.0]], dtype=np.float32)
    layer = layers.Normalization()
    assert layer.mean is None
    layer.adapt(x)
    assert layer.mean.shape == (1, 3) and layer.variance.shape == (1, 3)
    np.testing.assert_allclose(layer.mean.numpy(), [[2.5, 4.0, 5.5]])
    np.testing.assert_allclose(layer.variance.numpy(), [[2.25, 4.0, 6.25]])
    given = layers.Normalization(mean=2.0, variance=4.0)
    np.testing.assert_allclose(np.asarray(given(x)), (x - 2.0) / 2.0)
    assert given.mean.shape == (1, 3)
    inverse = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0], invert=True)
    np.testing.assert_allclose(np.asarray(inverse(x)), x * [1.0, 2.0, 3.0] + [1.0, 2.0, 3.0])


def test_normalization_of_one_column_feeds_the_next_layer():
    # Keras's regression tutorial: one feature, a Normalization declared with input_shape=[1]
    normalizer = layers.Normalization(input_shape=[1], axis=None)
    normalizer.adapt(np.array(HORSEPOWER))
    np.testing.assert_allclose(normalizer.mean.numpy().ravel(), [HORSEPOWER.mean()],
                               rtol=1e-6)
    np.testing.assert_allclose(normalizer.variance.numpy().ravel(), [HORSEPOWER.var()],
                               rtol=1e-5)
    model = numnet.Sequential([normalizer, layers.Dense(units=1)])
    assert model.predict(HORSEPOWER, verbose=0).shape == (7, 1)
    assert model.layers[1].kernel.shape == (1, 1)
    model.compile(numnet.optimizers.Adam(learning_rate=0.1), "mean_absolute_error")
    found = _advice(lambda: model.fit(HORSEPOWER, HORSEPOWER / 10, epochs=3, verbose=0))
    assert model.history.history["loss"][2] < model.history.history["loss"][0]
    assert "unscaled_inputs" not in [w.rule for w in found]  # the model scales them
    # without input_shape: 1-D data is a column of samples too
    plain = layers.Normalization(axis=None)
    plain.adapt(HORSEPOWER)
    assert plain.input_shape == (None, 1)
    model = numnet.Sequential([plain, layers.Dense(1)])
    assert model.predict(HORSEPOWER, verbose=0).shape == (7, 1)


def test_normalization_statistics_agree_with_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    x = np.random.default_rng(3).normal(size=(6, 4, 3)).astype("float32") * 5 + 2
    for axis in (-1, (1, 2), None):
        ours, theirs = layers.Normalization(axis=axis), keras.layers.Normalization(axis=axis)
        ours.adapt(x)
        theirs.adapt(x)
        assert ours.mean.shape == tuple(theirs.mean.shape)
        np.testing.assert_allclose(ours.mean.numpy(), np.asarray(theirs.mean), rtol=1e-5)
        np.testing.assert_allclose(ours.variance.numpy(), np.asarray(theirs.variance),
                                   rtol=1e-4)
        np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), rtol=1e-4,
                                   atol=1e-5)


def test_a_compiled_models_clone_is_compiled_as_keras_does():
    model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(2)])
    model.compile(numnet.optimizers.Adam(0.003), "mse", metrics=["mae"])
    model.train_on_batch(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"))
    clone = numnet.models.clone_model(model)
    assert clone.compiled and clone.optimizer is not model.optimizer
    assert type(clone.optimizer).__name__ == "Adam"
    assert float(clone.optimizer.learning_rate) == pytest.approx(0.003)
    assert int(clone.optimizer.iterations.numpy()) == 0  # a fresh optimizer, as Keras's
    logs = clone.evaluate(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"), verbose=0,
                          return_dict=True)
    assert sorted(logs) == ["loss", "mae"]

    def own_loss(y_true, y_pred):
        return numnet.ops.mean((y_true - y_pred) ** 2)

    model.compile("sgd", own_loss)  # not registered: no config can carry it
    with pytest.warns(UserWarning, match="clone is not compiled.*own_loss"):
        assert not numnet.models.clone_model(model).compiled
