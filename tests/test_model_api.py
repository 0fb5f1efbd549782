"""The Keras model API: building, weights, evaluate / predict, fit's data handling, training-only
layers, metric resolution, initializers and regularizers, each checked against numbers computed
by hand."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import numnet
from numnet import initializers, layers, losses, regularizers
from numnet.backend import to_numpy
from numnet.layers import Layer

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

RNG = np.random.default_rng(42)
X = RNG.normal(size=(30, 3)).astype("float32")
W = np.array([[0.5], [-1.0], [2.0]], "float32")
B = np.array([0.25], "float32")
Y = RNG.normal(size=30).astype("float32")  # shape (N,), as users pass it


def linear_model(lr: float = 0.0, metrics=None, loss="mse") -> numnet.Sequential:
    """Dense(1) on 3 features with kernel W and bias B; plain SGD."""
    model = numnet.Sequential([layers.Dense(1, input_shape=(3,))])
    model.set_weights([W, B])
    model.compile(optimizer=numnet.optimizers.SGD(learning_rate=lr), loss=loss, metrics=metrics)
    return model


def linear(x):
    return x @ W + B


# ----------------------------------------------------------------------------- (N,) vs (N, 1)


def test_mse_of_flat_targets_against_a_column_is_element_wise():
    pred = RNG.normal(size=(7, 1)).astype("float32")
    y = RNG.normal(size=7).astype("float32")
    expected = np.mean((pred[:, 0] - y) ** 2)
    broadcast = np.mean((pred - y) ** 2)  # the (7, 7) mistake
    assert abs(expected - broadcast) > 0.1
    got = float(losses.MeanSquaredError()(y, pred).value)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    np.testing.assert_allclose(float(losses.MeanSquaredError()(pred, y).value), expected,
                               rtol=1e-6)
    per_sample = losses.mean_squared_error(y, pred).value
    assert per_sample.shape == (7,)
    np.testing.assert_allclose(per_sample, (pred[:, 0] - y) ** 2, rtol=1e-6)


def test_mae_and_bce_of_flat_targets_against_a_column():
    pred = np.array([[0.9], [0.2], [0.6], [0.4]], "float32")
    y = np.array([1.0, 0.0, 0.0, 1.0], "float32")
    np.testing.assert_allclose(float(losses.MeanAbsoluteError()(y, pred).value),
                               np.mean(np.abs(pred[:, 0] - y)), rtol=1e-6)
    bce = -np.mean(y * np.log(pred[:, 0]) + (1 - y) * np.log(1 - pred[:, 0]))
    np.testing.assert_allclose(float(losses.BinaryCrossentropy()(y, pred).value), bce,
                               rtol=1e-5)


def test_evaluate_and_fit_with_flat_targets_use_the_element_wise_loss():
    model = linear_model()
    expected = np.mean((linear(X)[:, 0] - Y) ** 2)
    assert abs(expected - np.mean((linear(X) - Y) ** 2)) > 0.1
    np.testing.assert_allclose(model.evaluate(X, Y, verbose=0), expected, rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(X, Y[:, None], verbose=0), expected, rtol=1e-5)
    history = model.fit(X, Y, batch_size=30, epochs=1, verbose=0)  # learning rate 0
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-5)


# ----------------------------------------------------------------------------- building


def test_sequential_from_a_list_and_by_add_are_the_same_model():
    listed = numnet.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)),
                                layers.Dense(2)])
    added = numnet.Sequential()
    added.add(layers.Dense(4, activation="relu", input_shape=(3,)))
    added.add(layers.Dense(2))
    for model in (listed, added):
        assert model.built
        assert [w.shape for w in model.get_weights()] == [(3, 4), (4,), (4, 2), (2,)]
        assert model.output_shape == (None, 2)
        assert model.count_params() == 3 * 4 + 4 + 4 * 2 + 2
    added.set_weights(listed.get_weights())
    np.testing.assert_array_equal(added.predict(X, verbose=0), listed.predict(X, verbose=0))


def test_input_first_builds_the_model():
    model = numnet.Sequential([numnet.Input(shape=(3,)), layers.Dense(5), layers.Dense(1)])
    assert model.built
    assert len(model.layers) == 2  # the Input is not a layer of the model, as in Keras
    assert [w.shape for w in model.weights] == [(3, 5), (5,), (5, 1), (1,)]
    grown = numnet.Sequential()
    grown.add(numnet.Input(shape=(3,)))
    grown.add(layers.Dense(5))
    assert grown.built and grown.output_shape == (None, 5)


def test_model_without_input_shape_is_built_on_first_call():
    model = numnet.Sequential([layers.Dense(4), layers.Dense(1)])
    assert not model.built
    assert model.weights == []
    out = model(X)
    assert model.built
    assert out.shape == (30, 1)
    assert [w.shape for w in model.weights] == [(3, 4), (4,), (4, 1), (1,)]


def test_model_without_input_shape_is_built_by_fit():
    model = numnet.Sequential([layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert not model.built
    model.fit(X, Y, epochs=1, verbose=0)
    assert model.built
    assert [w.shape for w in model.get_weights()] == [(3, 1), (1,)]


def test_pop_removes_the_last_layer():
    model = numnet.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2),
                               layers.Dense(1)])
    last = model.layers[-1]
    assert model.pop() is last
    assert len(model.layers) == 2
    assert model.output_shape == (None, 2)
    assert len(model.weights) == 4
    assert model.predict(X, verbose=0).shape == (30, 2)
    model.add(layers.Dense(6))
    assert model.predict(X, verbose=0).shape == (30, 6)


def test_layers_weights_and_trainable_weights():
    model = numnet.Sequential([layers.Dense(4, input_shape=(3,)),
                               layers.BatchNormalization(), layers.Dropout(0.5),
                               layers.Dense(1)])
    assert [type(layer).__name__ for layer in model.layers] == [
        "Dense", "BatchNormalization", "Dropout", "Dense"]
    assert len(model.weights) == 2 + 4 + 2
    assert len(model.trainable_weights) == 2 + 2 + 2
    assert [w.name for w in model.non_trainable_weights] == ["moving_mean", "moving_variance"]
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 4
    assert model.count_params() == (3 * 4 + 4) + 4 * 4 + (4 + 1)


def test_dense_weights_are_kernel_then_bias():
    layer = layers.Dense(2, input_shape=(3,))
    numnet.Sequential([layer])
    kernel, bias = layer.get_weights()
    assert kernel.shape == (3, 2) and bias.shape == (2,)
    np.testing.assert_array_equal(bias, 0)
    new = [np.arange(6, dtype="float32").reshape(3, 2), np.array([1.0, -1.0], "float32")]
    layer.set_weights(new)
    np.testing.assert_array_equal(layer.kernel.numpy(), new[0])
    np.testing.assert_array_equal(layer.bias.numpy(), new[1])
    np.testing.assert_allclose(layer(X).numpy(), X @ new[0] + new[1], rtol=1e-6)


def test_batch_normalization_weights_order():
    bn = layers.BatchNormalization()
    numnet.Sequential([numnet.Input(shape=(3,)), bn])
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    gamma, beta, mean, var = bn.get_weights()
    np.testing.assert_array_equal(gamma, 1)
    np.testing.assert_array_equal(beta, 0)
    np.testing.assert_array_equal(mean, 0)
    np.testing.assert_array_equal(var, 1)
    values = [np.full(3, v, "float32") for v in (2.0, 3.0, 4.0, 5.0)]
    bn.set_weights(values)
    assert float(bn.gamma.numpy()[0]) == 2.0 and float(bn.beta.numpy()[0]) == 3.0
    assert float(bn.moving_mean.numpy()[0]) == 4.0
    assert float(bn.moving_variance.numpy()[0]) == 5.0


def test_layer_names_count_up_per_class():
    class ProbeNamingLayer(Layer):
        pass

    names = [ProbeNamingLayer().name for _ in range(3)]
    assert names == ["probe_naming_layer", "probe_naming_layer_1", "probe_naming_layer_2"]
    first, second = layers.Dense(1), layers.Dense(1)

    def index(name):
        return 0 if name == "dense" else int(name.rsplit("_", 1)[1])

    assert first.name.startswith("dense") and second.name.startswith("dense")
    assert index(second.name) == index(first.name) + 1
    assert layers.Dense(1, name="head").name == "head"


# ----------------------------------------------------------------------------- evaluate / predict


def test_evaluate_returns_scalar_list_or_dict():
    mse = np.mean((linear(X)[:, 0] - Y) ** 2)
    mae = np.mean(np.abs(linear(X)[:, 0] - Y))
    plain = linear_model().evaluate(X, Y, verbose=0)
    assert isinstance(plain, float)
    np.testing.assert_allclose(plain, mse, rtol=1e-5)
    with_metrics = linear_model(metrics=["mae"]).evaluate(X, Y, verbose=0)
    assert isinstance(with_metrics, list) and len(with_metrics) == 2
    np.testing.assert_allclose(with_metrics, [mse, mae], rtol=1e-5)
    as_dict = linear_model(metrics=["mae"]).evaluate(X, Y, verbose=0, return_dict=True)
    assert set(as_dict) == {"loss", "mae"}
    np.testing.assert_allclose([as_dict["loss"], as_dict["mae"]], [mse, mae], rtol=1e-5)


def test_evaluate_in_batches_averages_over_samples():
    model = linear_model(metrics=["mae"])
    whole = model.evaluate(X, Y, verbose=0, batch_size=30)
    batched = model.evaluate(X, Y, verbose=0, batch_size=7)  # 7+7+7+7+2
    np.testing.assert_allclose(batched, whole, rtol=1e-5)


def test_predict_is_the_same_for_any_batch_size():
    model = numnet.Sequential([layers.Dense(8, activation="tanh", input_shape=(3,)),
                               layers.BatchNormalization(), layers.Dense(2)])
    x = RNG.normal(size=(50, 3)).astype("float32")
    small = model.predict(x, batch_size=7, verbose=0)
    large = model.predict(x, batch_size=1000, verbose=0)
    assert small.shape == (50, 2)
    np.testing.assert_allclose(small, large, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(linear_model().predict(X, batch_size=4, verbose=0), linear(X),
                               rtol=1e-5, atol=1e-6)


def test_train_test_and_predict_on_batch():
    lr = 0.1
    model = linear_model(lr=lr)
    x, y = X[:8], Y[:8]
    err = linear(x)[:, 0] - y
    loss = model.train_on_batch(x, y)
    np.testing.assert_allclose(loss, np.mean(err ** 2), rtol=1e-5)  # before the step, as Keras
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, W - lr * 2 / 8 * x.T @ err[:, None], rtol=1e-5)
    np.testing.assert_allclose(bias, B - lr * 2 / 8 * err.sum(), rtol=1e-5)
    np.testing.assert_allclose(model.test_on_batch(x, y),
                               np.mean((x @ kernel + bias - y[:, None]) ** 2), rtol=1e-5)
    np.testing.assert_array_equal(model.get_weights()[0], kernel)  # test_on_batch does not train
    np.testing.assert_allclose(model.predict_on_batch(x), x @ kernel + bias, rtol=1e-5)
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss"}


# ----------------------------------------------------------------------------- fit


def test_history_keys_and_lengths():
    model = numnet.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(X, (Y > 0).astype("float32"), epochs=3, validation_split=0.2,
                        verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 3 for values in history.history.values())
    assert history.epoch == [0, 1, 2]
    assert model.history is history
    x_val, y_val = X[24:], (Y[24:] > 0).astype("float32")
    val_loss, val_acc = model.evaluate(x_val, y_val, verbose=0)
    np.testing.assert_allclose(history.history["val_loss"][-1], val_loss, rtol=1e-5)
    np.testing.assert_allclose(history.history["val_accuracy"][-1], val_acc, rtol=1e-6)


def test_history_without_validation_has_only_training_keys():
    history = linear_model(metrics=["mae"]).fit(X, Y, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert len(history.history["loss"]) == 2


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x = np.zeros((50, 3), "float32")
    y = np.zeros(50, "float32")
    x[40:] = 1.0      # the last 20% are the only non-zero rows: with kernel W and bias B they
    y[40:] = 10.0     # predict 1.75 against a target of 10
    model = linear_model(lr=0.0)
    history = model.fit(x, y, validation_split=0.2, shuffle=True, batch_size=8, epochs=2,
                        verbose=0)
    np.testing.assert_allclose(history.history["loss"], [B[0] ** 2] * 2, rtol=1e-5)
    val = (W.sum() + B[0] - 10.0) ** 2
    np.testing.assert_allclose(history.history["val_loss"], [val] * 2, rtol=1e-5)


def test_validation_split_rounds_the_training_part_down():
    x = np.zeros((10, 3), "float32")
    y = np.arange(10, dtype="float32")
    history = linear_model().fit(x, y, validation_split=0.25, batch_size=10, verbose=0)
    cut = math.floor(10 * 0.75)  # 7 training samples, 3 validation samples, as Keras
    np.testing.assert_allclose(history.history["loss"][0], np.mean((B[0] - y[:cut]) ** 2),
                               rtol=1e-5)
    np.testing.assert_allclose(history.history["val_loss"][0], np.mean((B[0] - y[cut:]) ** 2),
                               rtol=1e-5)


def test_validation_data_is_evaluated_after_each_epoch():
    x_val = RNG.normal(size=(9, 3)).astype("float32")
    y_val = RNG.normal(size=9).astype("float32")
    model = linear_model(lr=0.05, metrics=["mae"])
    history = model.fit(X, Y, validation_data=(x_val, y_val), epochs=2, verbose=0)
    assert set(history.history) == {"loss", "mae", "val_loss", "val_mae"}
    final = model.evaluate(x_val, y_val, verbose=0)
    np.testing.assert_allclose([history.history["val_loss"][-1], history.history["val_mae"][-1]],
                               final, rtol=1e-5)
    assert history.history["val_loss"][0] != history.history["val_loss"][1]


def test_sample_weight_scales_each_sample_loss_over_the_batch_size():
    weights = RNG.uniform(0, 3, size=30).astype("float32")
    per_sample = (linear(X)[:, 0] - Y) ** 2
    expected = np.sum(weights * per_sample) / 30  # sum(w l) / N, not / sum(w)
    model = linear_model()
    np.testing.assert_allclose(model.evaluate(X, Y, sample_weight=weights, verbose=0),
                               expected, rtol=1e-5)
    np.testing.assert_allclose(
        model.evaluate(X, Y, sample_weight=weights, batch_size=8, verbose=0), expected,
        rtol=1e-5)
    history = model.fit(X, Y, sample_weight=weights, batch_size=30, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-5)


def test_sample_weight_changes_the_gradient():
    lr = 0.1
    weights = np.array([0, 1, 2, 3, 0, 1, 2, 3], "float32")
    x, y = X[:8], Y[:8]
    model = linear_model(lr=lr)
    model.fit(x, y, sample_weight=weights, batch_size=8, epochs=1, shuffle=False, verbose=0)
    err = weights * (linear(x)[:, 0] - y)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, W - lr * 2 / 8 * x.T @ err[:, None], rtol=1e-5)
    np.testing.assert_allclose(bias, B - lr * 2 / 8 * err.sum(), rtol=1e-5)


def test_class_weight_weights_each_sample_by_its_class():
    labels = (Y > 0).astype("float32")
    model = numnet.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.set_weights([W, B])
    model.compile(optimizer=numnet.optimizers.SGD(learning_rate=0.0),
                  loss="binary_crossentropy")
    p = 1 / (1 + np.exp(-linear(X)[:, 0]))
    per_sample = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    class_weight = {0: 0.5, 1: 4.0}
    w = np.where(labels == 1, 4.0, 0.5)
    expected = np.sum(w * per_sample) / 30
    assert abs(expected - per_sample.mean()) > 0.1
    history = model.fit(X, labels, class_weight=class_weight, batch_size=30, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-5)
    np.testing.assert_allclose(model.train_on_batch(X, labels, class_weight=class_weight),
                               expected, rtol=1e-5)


def test_class_weight_with_integer_labels():
    labels = np.arange(30) % 3
    model = numnet.Sequential([layers.Dense(3, activation="softmax", input_shape=(3,))])
    kernel = RNG.normal(size=(3, 3)).astype("float32")
    model.set_weights([kernel, np.zeros(3, "float32")])
    model.compile(optimizer=numnet.optimizers.SGD(learning_rate=0.0),
                  loss="sparse_categorical_crossentropy")
    z = X @ kernel
    log_p = z - z.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    per_sample = -log_p[np.arange(30), labels]
    w = np.array([1.0, 2.0, 5.0])[labels]
    history = model.fit(X, labels, class_weight={0: 1.0, 1: 2.0, 2: 5.0}, batch_size=30,
                        verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], np.sum(w * per_sample) / 30,
                               rtol=1e-5)


def test_shuffle_false_runs_the_batches_in_order():
    lr, batch = 0.05, 8
    model = linear_model(lr=lr)
    model.fit(X, Y, batch_size=batch, epochs=2, shuffle=False, verbose=0)
    kernel, bias = W.astype("float64"), B.astype("float64")
    for _ in range(2):
        for lo in range(0, 30, batch):
            x, y = X[lo:lo + batch], Y[lo:lo + batch]
            err = (x @ kernel + bias)[:, 0] - y
            kernel = kernel - lr * 2 / len(x) * x.T @ err[:, None]
            bias = bias - lr * 2 / len(x) * err.sum()
    got_kernel, got_bias = model.get_weights()
    np.testing.assert_allclose(got_kernel, kernel, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(got_bias, bias, rtol=1e-4, atol=1e-6)
    again = linear_model(lr=lr)
    again.fit(X, Y, batch_size=batch, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(again.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_shuffle_changes_the_order():
    ordered = linear_model(lr=0.05)
    ordered.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    numnet.utils.set_random_seed(3)
    shuffled = linear_model(lr=0.05)
    shuffled.fit(X, Y, batch_size=8, epochs=1, shuffle=True, verbose=0)
    assert not np.allclose(ordered.get_weights()[0], shuffled.get_weights()[0])


def _seeded_run(seed):
    numnet.utils.set_random_seed(seed)
    model = numnet.Sequential([layers.Dense(16, activation="relu", input_shape=(3,)),
                               layers.Dropout(0.3), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(X, Y, batch_size=8, epochs=3, validation_split=0.2, verbose=0)
    return model.get_weights(), history.history


def test_set_random_seed_makes_fits_bit_identical():
    weights_a, history_a = _seeded_run(123)
    weights_b, history_b = _seeded_run(123)
    for a, b in zip(weights_a, weights_b, strict=True):
        np.testing.assert_array_equal(a, b)
    assert history_a == history_b
    weights_c, _ = _seeded_run(124)
    assert not np.array_equal(weights_a[0], weights_c[0])


def test_dropout_is_active_only_in_training():
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([layers.Dense(200, input_shape=(3,), kernel_initializer="ones",
                                            bias_initializer="ones"),
                               layers.Dropout(0.5)])
    x = np.abs(X[:10]) + 0.1
    dense = x.sum(axis=1, keepdims=True) + 1.0  # every unit equals sum(x) + 1 > 0
    np.testing.assert_allclose(model.predict(x, verbose=0), np.repeat(dense, 200, axis=1),
                               rtol=1e-5)
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_allclose(model(x).numpy(), np.repeat(dense, 200, axis=1), rtol=1e-5)
    trained = model(x, training=True).numpy()
    kept = trained != 0
    assert 0.4 < kept.mean() < 0.6
    np.testing.assert_allclose(trained[kept], (2 * np.repeat(dense, 200, axis=1))[kept],
                               rtol=1e-5)
    assert not np.array_equal(kept, model(x, training=True).numpy() != 0)


def test_batch_normalization_training_and_inference_statistics():
    bn = layers.BatchNormalization()
    x = RNG.normal(3.0, 2.0, size=(16, 4)).astype("float32")
    out = bn(x, training=True).numpy()
    mean, var = x.mean(axis=0), x.var(axis=0)  # biased variance, as Keras
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    moving_mean = 0.99 * 0.0 + 0.01 * mean
    moving_var = 0.99 * 1.0 + 0.01 * var
    np.testing.assert_allclose(bn.moving_mean.numpy(), moving_mean, rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), moving_var, rtol=1e-5)
    x2 = RNG.normal(-1.0, 0.5, size=(16, 4)).astype("float32")
    bn(x2, training=True)
    moving_mean = 0.99 * moving_mean + 0.01 * x2.mean(axis=0)
    moving_var = 0.99 * moving_var + 0.01 * x2.var(axis=0)
    np.testing.assert_allclose(bn.moving_mean.numpy(), moving_mean, rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), moving_var, rtol=1e-5)
    inference = bn(x, training=False).numpy()
    np.testing.assert_allclose(inference, (x - moving_mean) / np.sqrt(moving_var + 1e-3),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), moving_mean, rtol=1e-5)  # unchanged


def test_batch_normalization_statistics_in_fit_and_predict():
    bn = layers.BatchNormalization(momentum=0.9)
    model = numnet.Sequential([numnet.Input(shape=(3,)), bn])
    model.compile(optimizer=numnet.optimizers.SGD(learning_rate=0.0), loss="mse")
    x = RNG.normal(5.0, 3.0, size=(20, 3)).astype("float32")
    model.fit(x, np.zeros((20, 3), "float32"), batch_size=10, shuffle=False, epochs=1,
              verbose=0)
    mean, var = np.zeros(3), np.ones(3)
    for lo in (0, 10):
        mean = 0.9 * mean + 0.1 * x[lo:lo + 10].mean(axis=0)
        var = 0.9 * var + 0.1 * x[lo:lo + 10].var(axis=0)
    np.testing.assert_allclose(bn.moving_mean.numpy(), mean, rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), var, rtol=1e-5)
    np.testing.assert_allclose(model.predict(x, verbose=0), (x - mean) / np.sqrt(var + 1e-3),
                               rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------------------- compile


def _classifier(units, activation, loss, kernel):
    model = numnet.Sequential([layers.Dense(units, activation=activation, input_shape=(3,))])
    model.set_weights([kernel, np.zeros(units, "float32")])
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    return model


def test_accuracy_is_binary_for_one_unit():
    labels = (Y > 0).astype("float32")
    model = _classifier(1, "sigmoid", "binary_crossentropy", W)
    p = 1 / (1 + np.exp(-(X @ W)[:, 0]))
    expected = np.mean((p > 0.5) == labels)
    assert 0 < expected < 1
    _, acc = model.evaluate(X, labels, verbose=0)
    np.testing.assert_allclose(acc, expected, rtol=1e-6)
    assert model.metrics_names == ["loss", "accuracy"]


def test_accuracy_is_sparse_categorical_for_integer_labels():
    kernel = RNG.normal(size=(3, 4)).astype("float32")
    labels = np.arange(30) % 4
    expected = np.mean((X @ kernel).argmax(axis=1) == labels)
    assert 0 < expected < 1
    model = _classifier(4, "softmax", "sparse_categorical_crossentropy", kernel)
    np.testing.assert_allclose(model.evaluate(X, labels, verbose=0)[1], expected, rtol=1e-6)
    column = _classifier(4, "softmax", "sparse_categorical_crossentropy", kernel)
    np.testing.assert_allclose(column.evaluate(X, labels[:, None], verbose=0)[1], expected,
                               rtol=1e-6)


def test_accuracy_is_categorical_for_one_hot_labels():
    kernel = RNG.normal(size=(3, 4)).astype("float32")
    labels = np.arange(30) % 4
    one_hot = np.eye(4, dtype="float32")[labels]
    expected = np.mean((X @ kernel).argmax(axis=1) == labels)
    probs = np.exp(X @ kernel)
    probs /= probs.sum(axis=1, keepdims=True)
    as_binary = np.mean((probs > 0.5) == one_hot)  # what a wrong resolution would report
    assert abs(expected - as_binary) > 0.05
    model = _classifier(4, "softmax", "categorical_crossentropy", kernel)
    logs = model.evaluate(X, one_hot, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["accuracy"], expected, rtol=1e-6)


def test_model_optimizer_and_loss_are_what_compile_was_given():
    model = numnet.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse")
    assert isinstance(model.optimizer, numnet.optimizers.Adam)
    assert model.loss == "mse"
    optimizer = numnet.optimizers.SGD(learning_rate=0.3, momentum=0.5)
    loss = losses.Huber(delta=2.0)
    model.compile(optimizer=optimizer, loss=loss)
    assert model.optimizer is optimizer
    assert model.loss is loss
    model.compile()  # Keras's default optimizer
    assert isinstance(model.optimizer, numnet.optimizers.RMSprop)


# ----------------------------------------------------------------------------- initializers


def test_initializers_by_name_and_by_object():
    layer = layers.Dense(3, kernel_initializer="ones", bias_initializer=initializers.Constant(0.5))
    numnet.Sequential([numnet.Input(shape=(2,)), layer])
    np.testing.assert_array_equal(layer.get_weights()[0], np.ones((2, 3)))
    np.testing.assert_array_equal(layer.get_weights()[1], np.full(3, 0.5))
    assert layer.get_weights()[0].dtype == np.float32
    assert isinstance(initializers.get("he_normal"), initializers.HeNormal)
    assert isinstance(initializers.get("GlorotUniform"), initializers.GlorotUniform)
    # every initializer gives C-ordered weights (an orthogonal matrix of few rows is made by a
    # transpose)
    wide = numnet.backend.to_numpy(initializers.Orthogonal(seed=1)((3, 12)))
    assert wide.flags.c_contiguous and np.allclose(wide @ wide.T, np.eye(3), atol=1e-5)
    # Keras's short names
    assert [type(initializers.get(name)) for name in ("uniform", "normal", "one", "zero")] == [
        initializers.RandomUniform, initializers.RandomNormal, initializers.Ones,
        initializers.Zeros]


def test_an_initializer_of_none_leaves_the_choice_to_add_weight():
    # Keras 3: initializers.get(None) is None, and add_weight draws float weights from
    # glorot_uniform (a bias of 3 spread over [-sqrt(6 / 4), sqrt(6 / 4)]); the config says null
    assert initializers.get(None) is None and initializers.serialize(None) is None
    numnet.utils.set_random_seed(3)
    layer = layers.Dense(3, bias_initializer=None)
    layer.build((None, 4))
    bias = layer.get_weights()[1]
    assert np.abs(bias).max() <= math.sqrt(6 / 4) and np.abs(bias).min() > 0
    assert layer.get_config()["bias_initializer"] is None
    again = layers.Dense.from_config(layer.get_config())
    again.build((None, 4))
    assert again.bias_initializer is None and np.abs(again.get_weights()[1]).max() > 0
    conv = layers.Conv2D(2, 3, bias_initializer=None)
    conv.build((None, 5, 5, 1))
    assert np.abs(conv.get_weights()[1]).max() > 0


def test_seeded_initializers_repeat_and_differ_by_seed():
    first = initializers.GlorotUniform(seed=7)((5, 4))
    again = initializers.GlorotUniform(seed=7)((5, 4))
    other = initializers.GlorotUniform(seed=8)((5, 4))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    a = layers.Dense(4, kernel_initializer=initializers.RandomNormal(seed=1), input_shape=(5,))
    b = layers.Dense(4, kernel_initializer=initializers.RandomNormal(seed=1), input_shape=(5,))
    numnet.Sequential([a])
    numnet.Sequential([b])
    np.testing.assert_array_equal(a.get_weights()[0], b.get_weights()[0])


def test_glorot_uniform_limit_and_variance():
    fan_in, fan_out = 400, 600
    limit = math.sqrt(6 / (fan_in + fan_out))
    values = to_numpy(initializers.get("glorot_uniform")((fan_in, fan_out)))
    assert np.abs(values).max() <= limit
    assert np.abs(values).max() > 0.99 * limit
    np.testing.assert_allclose(values.var(), limit ** 2 / 3, rtol=0.03)
    assert abs(values.mean()) < 0.01 * limit


def test_glorot_normal_and_he_normal_standard_deviations():
    values = to_numpy(initializers.GlorotNormal(seed=0)((400, 600)))
    std = math.sqrt(2 / 1000)
    np.testing.assert_allclose(values.std(), std, rtol=0.03)
    assert np.abs(values).max() <= 2 * std / 0.87962566103423978 + 1e-6  # truncated at 2 sigma
    he = to_numpy(initializers.HeNormal(seed=0)((500, 300)))
    np.testing.assert_allclose(he.std(), math.sqrt(2 / 500), rtol=0.03)


def test_default_dense_initialisation_is_glorot_uniform_and_zeros():
    layer = layers.Dense(500, input_shape=(300,))
    numnet.Sequential([layer])
    kernel, bias = layer.get_weights()
    limit = math.sqrt(6 / 800)
    assert np.abs(kernel).max() <= limit
    np.testing.assert_allclose(kernel.var(), limit ** 2 / 3, rtol=0.05)
    np.testing.assert_array_equal(bias, 0)


# ----------------------------------------------------------------------------- regularizers


def test_weight_regularizers_add_their_penalty_to_the_loss():
    model = numnet.Sequential([layers.Dense(1, input_shape=(3,),
                                            kernel_regularizer=regularizers.L2(0.1),
                                            bias_regularizer=regularizers.L1(0.5))])
    model.set_weights([W, B])
    model.compile(optimizer=numnet.optimizers.SGD(learning_rate=0.0), loss="mse")
    mse = np.mean((linear(X)[:, 0] - Y) ** 2)
    penalty = 0.1 * np.sum(W ** 2) + 0.5 * np.abs(B).sum()
    np.testing.assert_allclose(sum(float(p.value) for p in model.losses), penalty, rtol=1e-6)
    np.testing.assert_allclose(model.evaluate(X, Y, verbose=0), mse + penalty, rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(X, Y, batch_size=7, verbose=0), mse + penalty,
                               rtol=1e-5)
    history = model.fit(X, Y, batch_size=30, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], mse + penalty, rtol=1e-5)


def test_regularizer_penalty_enters_the_gradient():
    lr = 0.1
    model = numnet.Sequential([layers.Dense(1, input_shape=(3,),
                                            kernel_regularizer=regularizers.L1L2(l1=0.2, l2=0.3))])
    model.set_weights([W, B])
    model.compile(optimizer=numnet.optimizers.SGD(learning_rate=lr), loss="mse")
    x, y = X[:10], Y[:10]
    model.train_on_batch(x, y)
    err = linear(x)[:, 0] - y
    grad = 2 / 10 * x.T @ err[:, None] + 0.2 * np.sign(W) + 2 * 0.3 * W
    np.testing.assert_allclose(model.get_weights()[0], W - lr * grad, rtol=1e-5)


def test_activity_regularizer_is_divided_by_the_batch_size():
    model = numnet.Sequential([layers.Dense(1, input_shape=(3,),
                                            activity_regularizer=regularizers.L1(0.5))])
    model.set_weights([W, B])
    model.compile(optimizer="sgd", loss="mse")
    pred = linear(X)[:, 0]
    expected = np.mean((pred - Y) ** 2) + 0.5 * np.abs(pred).sum() / 30
    np.testing.assert_allclose(model.evaluate(X, Y, verbose=0), expected, rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(X, Y, batch_size=6, verbose=0), expected,
                               rtol=1e-5)


def test_losses_match_keras_with_weights_and_regularizers():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras", reason="keras is only used to confirm reference values")
    x, y = X[:6], (Y[:6] > 0).astype("float32")
    weights = np.array([1, 2, 0, 1, 3, 1], "float32")
    results = []
    for lib in (keras, numnet):
        model = lib.Sequential([
            lib.Input(shape=(3,)),
            lib.layers.Dense(1, kernel_regularizer=lib.regularizers.L2(0.1),
                             activity_regularizer=lib.regularizers.L1(0.5))])
        model.set_weights([W, B])
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.01), loss="mse")
        results.append([
            float(model.evaluate(x, y, verbose=0)),
            float(model.evaluate(x, y, sample_weight=weights, batch_size=4, verbose=0)),
            float(model.train_on_batch(x, y, class_weight={0: 1.0, 1: 3.0})),
        ])
    np.testing.assert_allclose(results[1], results[0], rtol=1e-5)


# ----------------------------------------------------------------------------- clone_model


def _functional(name="mnist_model"):
    inputs = numnet.Input(shape=(6,), name="pixels")
    x = layers.Dense(5, activation="relu", name="hidden")(inputs)
    return numnet.Model(inputs, layers.Dense(3, activation="softmax", name="out")(x), name=name)


def _same_numbers(a, b, x):
    b.set_weights(a.get_weights())
    np.testing.assert_allclose(a.predict(x, verbose=0), b.predict(x, verbose=0), rtol=1e-6)


def test_a_functional_model_lists_its_input_layer_first_and_a_sequential_one_does_not():
    # As in Keras 3: model.layers[0] of Model(inputs, outputs) is the InputLayer, so a tutorial's
    # model.layers[1] is the first Dense under either library.
    model = _functional()
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense"]
    assert model.get_layer(index=0).name == "pixels" and model.get_layer(index=1).units == 5
    assert model.layers[0].count_params() == 0 and model.count_params() == 6 * 5 + 5 + 5 * 3 + 3
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "pixels (InputLayer)" in text and text.index("pixels") < text.index("hidden (Dense)")
    sequential = numnet.Sequential([numnet.Input((6,)), layers.Dense(2)])
    assert [type(layer).__name__ for layer in sequential.layers] == ["Dense"]


def test_a_model_of_the_first_layers_from_their_symbolic_outputs_shares_their_weights():
    # The tutorials' feature extractor: Model(inputs=model.inputs, outputs=layer.output).
    model = numnet.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)),
                               layers.Dense(5, activation="tanh"), layers.Dense(1)])
    assert model.input.shape == (None, 3) and model.output.shape == (None, 1)
    assert [t.shape for t in model.inputs + model.outputs] == [(None, 3), (None, 1)]
    assert model.layers[1].input.shape == (None, 4) and model.layers[1].output.shape == (None, 5)
    features = numnet.Model(inputs=model.inputs, outputs=model.layers[1].output)
    assert features.layers[1:] == model.layers[:2] and features.count_params() == 16 + 25
    kernel0, bias0, kernel1, bias1 = (w.numpy() for w in model.weights[:4])
    expected = np.tanh(np.maximum(X @ kernel0 + bias0, 0) @ kernel1 + bias1)
    np.testing.assert_allclose(features.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)
    model.layers[0].kernel.assign(np.zeros((3, 4), "float32"))  # the same weights, not copies
    every_row = np.tanh(np.maximum(bias0, 0) @ kernel1 + bias1)
    np.testing.assert_allclose(features.predict(X, verbose=0),
                               np.broadcast_to(every_row, (len(X), 5)), rtol=1e-5, atol=1e-6)
    # a functional model's layers know their place too
    inputs = numnet.Input((3,))
    hidden = layers.Dense(2)
    functional = numnet.Model([inputs], [layers.Dense(1)(hidden(inputs))])
    assert hidden.output.shape == (None, 2) and functional.output.shape == (None, 1)
    assert numnet.Model(functional.input, hidden.output).predict(X, verbose=0).shape == (len(X), 2)


def test_symbolic_inputs_and_outputs_that_are_not_known_say_how_to_make_them():
    unbuilt = numnet.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match=r"\.input: the layer has never been called.*input_shape"):
        _ = unbuilt.input
    with pytest.raises(ValueError, match=r"dense_x\.output: the layer has never been called"):
        _ = layers.Dense(2, name="dense_x").output
    unbuilt.build((None, 3))
    assert unbuilt.input.shape == (None, 3) and unbuilt.layers[0].output.shape == (None, 2)
    inputs = numnet.Input((3,))
    with pytest.raises(ValueError, match=r"Model\(outputs\): expected a symbolic tensor.*empty"):
        numnet.Model(inputs, [])
    two = numnet.Model(inputs, [layers.Dense(1)(inputs), layers.Dense(2)(inputs)])
    assert two.output_shape == [(None, 1), (None, 2)]  # several outputs (test_functional_outputs)


def test_clone_model_of_a_functional_model_keeps_names_and_makes_new_weights():
    numnet.utils.set_random_seed(3)
    model = _functional()
    clone = numnet.models.clone_model(model)
    assert type(clone) is numnet.Model and clone is not model
    assert clone.name == "mnist_model" and clone._input_layer.name == "pixels"
    assert [layer.name for layer in clone.layers] == ["pixels", "hidden", "out"]
    assert not any(a is b for a, b in zip(clone.layers, model.layers))
    assert type(clone.layers[0]) is numnet.layers.InputLayer
    assert clone.count_params() == model.count_params() == 6 * 5 + 5 + 5 * 3 + 3
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])  # glorot, redrawn
    np.testing.assert_array_equal(clone.get_weights()[1], np.zeros(5, "float32"))
    _same_numbers(model, clone, RNG.normal(size=(4, 6)).astype("float32"))


def test_clone_model_of_a_sequential_model_keeps_names_and_input():
    model = numnet.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)),
                               layers.Dense(1)], name="regressor")
    clone = numnet.models.clone_model(model)
    assert type(clone) is numnet.Sequential and clone.name == "regressor"
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert clone.input_shape == (None, 3) and clone.count_params() == 21
    _same_numbers(model, clone, X)
    unbuilt = numnet.models.clone_model(numnet.Sequential([layers.Dense(2)]))
    assert not unbuilt.built and len(unbuilt.layers) == 1


def test_clone_function_and_call_function():
    model = _functional()
    shared = numnet.models.clone_model(model, clone_function=lambda layer: layer)
    assert all(a is b for a, b in zip(shared.weights, model.weights))

    def dropout_after_hidden(layer, x):
        out = layer(x)
        return layers.Dropout(0.5)(out) if layer.name == "hidden" else out

    wider = numnet.models.clone_model(model, call_function=dropout_after_hidden)
    assert [type(layer).__name__ for layer in wider.layers] == [
        "InputLayer", "Dense", "Dropout", "Dense"]
    seen = []
    numnet.models.clone_model(model, clone_function=lambda layer: seen.append(layer) or layer)
    assert seen == model.layers[1:]  # as in Keras, not the InputLayer


def test_clone_model_on_new_input_tensors():
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(2)])
    for given in (numnet.Input((7,)), [numnet.Input((7,))]):
        clone = numnet.models.clone_model(model, input_tensors=given)
        assert clone.input_shape == (None, 7) and clone.count_params() == 7 * 2 + 2
    clone = numnet.models.clone_model(_functional(), input_tensors=numnet.Input((2,)))
    assert clone.input_shape == (None, 2) and clone.layers[1].kernel.shape == (2, 5)


def test_clone_model_clones_a_layer_used_twice_once_and_nested_models_whole():
    inputs = numnet.Input(shape=(4,))
    twice = layers.Dense(4, activation="relu")
    model = numnet.Model(inputs, twice(twice(inputs)))
    clone = numnet.models.clone_model(model)
    assert len(clone.layers) == 2 and clone.layers[1] is not twice
    assert clone._layers[0] is clone._layers[1]  # called twice, cloned once
    assert clone.count_params() == model.count_params() == 20

    inner = numnet.Sequential([layers.Dense(5, activation="relu", input_shape=(4,))])
    outer = numnet.Sequential([inner, layers.Dense(2)])
    outer.build((None, 4))
    copy = numnet.models.clone_model(outer)
    assert type(copy.layers[0]) is numnet.Sequential and copy.layers[0] is not inner
    assert copy.count_params() == outer.count_params() == 4 * 5 + 5 + 5 * 2 + 2
    _same_numbers(outer, copy, RNG.normal(size=(3, 4)).astype("float32"))


class _Subclassed(numnet.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units)

    def call(self, x, training=False):
        return self.dense(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_clone_model_rebuilds_other_models_from_their_config():
    model = _Subclassed(units=4)
    model.build((None, 2))
    clone = numnet.models.clone_model(model)
    assert type(clone) is _Subclassed and clone.units == 4 and clone is not model
    with pytest.raises(ValueError, match="clone_function.*get_config"):
        numnet.models.clone_model(model, clone_function=lambda layer: layer)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"model": layers.Dense(3)}, TypeError, "expected a Sequential or functional Model"),
    ({"call_function": lambda layer, x: layer(x)}, ValueError, "Sequential model lists them"),
    ({"clone_function": "copy"}, TypeError, "expected a callable"),
    ({"input_tensors": [numnet.Input((3,)), numnet.Input((3,))]}, ValueError, "one input"),
    ({"input_tensors": np.zeros((2, 3))}, TypeError, "Input\\(shape=...\\) returns"),
    ({"clone_functoin": None}, TypeError, "Did you mean 'clone_function'"),
])
def test_clone_model_refuses_what_it_cannot_clone(kwargs, error, message):
    kwargs = {"model": numnet.Sequential([numnet.Input((3,)), layers.Dense(2)]), **kwargs}
    with pytest.raises(error, match=message):
        numnet.models.clone_model(**kwargs)


# ----------------------------------------------------------------------------- a layer called twice


def _twice_model():
    inputs = numnet.Input((2,))
    dense = layers.Dense(2, use_bias=False, kernel_initializer="ones", activation="relu")
    return numnet.Model(inputs, dense(dense(inputs))), dense


def test_a_layer_called_twice_has_one_set_of_weights_updated_once_a_step():
    model, dense = _twice_model()
    assert model.layers[1:] == [dense] and model.weights == [dense.kernel]
    assert model.count_params() == 4
    model.compile(numnet.optimizers.SGD(0.1), "mse")
    x, y = np.array([[1.0, 0.0]], "float32"), np.zeros((1, 2), "float32")
    model.fit(x, y, epochs=1, verbose=0, shuffle=False)
    # K = ones: h = x K = [1, 1], out = h K = [2, 2], loss = mean(out^2), d loss / d out = out.
    # d K = x^T (d out K^T) + h^T d out = [[4, 4], [0, 0]] + [[2, 2], [2, 2]].
    np.testing.assert_allclose(dense.kernel.value, 1 - 0.1 * np.array([[6, 6], [2, 2]]),
                               rtol=1e-6)


def test_a_model_that_calls_a_layer_twice_saves_its_weights_not_its_file(tmp_path):
    model, _ = _twice_model()
    with pytest.raises(ValueError, match="calls layer 'dense.*' more than once.*save_weights"):
        model.save(tmp_path / "twice.numnet")
    assert not list(tmp_path.iterdir())  # nothing written
    model.set_weights([np.array([[1, 2], [3, 4]], "float32")])
    model.save_weights(tmp_path / "twice.weights.numnet")
    again, _ = _twice_model()
    again.load_weights(tmp_path / "twice.weights.numnet")
    np.testing.assert_array_equal(again.get_weights()[0], [[1, 2], [3, 4]])


# ------------------------------------------------------------------------ Lambda, GaussianNoise


def test_lambda_computes_passes_gradients_and_finds_its_output_shape():
    doubled = layers.Lambda(lambda t: t * 2.0)
    np.testing.assert_allclose(doubled(X).numpy(), 2 * X)
    assert layers.Lambda(lambda t, k: t[:, :k], arguments={"k": 2})(X).shape == (30, 2)
    inputs = numnet.Input((6,))
    assert numnet.Model(inputs, layers.Lambda(lambda t: t[:, :3])(inputs)).output_shape == \
        (None, 3)
    assert layers.Lambda(lambda t: t, output_shape=(5,)).compute_output_shape((None, 2)) == \
        (None, 5)
    assert layers.Lambda(lambda t: t, output_shape=lambda s: (s[0], 7)).compute_output_shape(
        (None, 2)) == (None, 7)
    from numnet.autodiff.gradcheck import check_gradients

    squash = layers.Lambda(lambda t: numnet.activations.tanh(t) * 3.0)
    assert check_gradients(squash, [np.random.default_rng(0).normal(size=(4, 3))]) < 1e-8
    with pytest.raises(TypeError, match="expected a callable"):
        layers.Lambda(3)
    with pytest.raises(ValueError, match="no function is registered as 'nowhere'"):
        layers.Lambda("nowhere")


def test_lambda_with_a_lambda_cannot_be_saved_and_nothing_is_written(tmp_path):
    model = numnet.Sequential([numnet.Input((3,)), layers.Lambda(lambda t: t * 2.0),
                               layers.Dense(1)])
    with pytest.raises(ValueError, match="no name that a file can hold.*register_serializable"):
        model.save(tmp_path / "m.numnet")
    assert not list(tmp_path.iterdir())


def test_gaussian_noise_only_in_training():
    layer = layers.GaussianNoise(0.5, seed=1)
    x = np.zeros((400, 50), "float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)
    noisy = layer(x, training=True).numpy()
    assert noisy.dtype == np.float32
    assert abs(noisy.mean()) < 0.01 and abs(noisy.std() - 0.5) < 0.01
    again = layers.GaussianNoise(0.5, seed=1)(x, training=True).numpy()
    np.testing.assert_array_equal(noisy, again)  # a seed makes the noise repeatable
    with pytest.raises(ValueError, match="expected a number >= 0"):
        layers.GaussianNoise(-1.0)


def test_predict_on_one_quiet_batch_is_the_batched_paths_result():
    # predict(x, verbose=0) on at most one batch skips the iterator and the callbacks: the same
    # checks, numbers and a fresh array
    rng = np.random.default_rng(11)
    numnet.utils.set_random_seed(3)
    model = numnet.Sequential([layers.Dense(5, activation="relu"), layers.Dropout(0.5),
                               layers.Dense(3, activation="softmax")])
    for x in (rng.random((1, 6)), rng.random((32, 6), dtype=np.float32), [[0.1] * 6] * 2,
              rng.integers(0, 5, (4, 6))):
        quick = model.predict(x, verbose=0)
        batched = model.predict(x, verbose=0, callbacks=[])  # through the iterator
        np.testing.assert_array_equal(quick, batched)
        assert quick.dtype == batched.dtype and quick.flags.owndata
        quick[...] = 0
        np.testing.assert_array_equal(model.predict(x, verbose=0), batched)
    for bad, match in ((np.ones((2, 5)), r"expected shape \(\.\.\., 6\)"),  # the Dense says
                       (np.array([[np.nan] * 6]), "finite"), (3.0, "scalar"),
                       (np.ones((0, 6)), "at least one sample")):
        for kwargs in ({}, {"callbacks": []}):
            with pytest.raises(ValueError, match=match):
                model.predict(bad, verbose=0, **kwargs)


class _Pair(numnet.Model):
    """A subclassed model whose call returns a structure, as Real NVP's (y, log_det)."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        self.dense = numnet.layers.Dense(2, kernel_initializer="ones")

    def call(self, x):
        y = self.dense(x)
        total = numnet.ops.sum(y, axis=-1)
        return {"tuple": (y, total), "list": [y, total], "dict": {"y": y, "sum": total}}[
            self.kind]


@pytest.mark.parametrize("kind", ["tuple", "list", "dict"])
@pytest.mark.parametrize("batch_size", [4, 32])
def test_predict_returns_the_structure_a_subclassed_call_returns(kind, batch_size):
    """Keras concatenates each part over the batches and gives the structure back."""
    x = np.arange(30, dtype="float32").reshape(10, 3)
    out = _Pair(kind).predict(x, batch_size=batch_size, verbose=0)
    y = np.repeat(x.sum(axis=1, keepdims=True), 2, axis=1)
    parts = (out["y"], out["sum"]) if kind == "dict" else out
    assert type(out).__name__ == kind
    np.testing.assert_allclose(parts[0], y, rtol=1e-6)
    np.testing.assert_allclose(parts[1], y.sum(axis=1), rtol=1e-6)


def test_a_subclassed_model_with_its_own_build_evaluates_and_fits():
    """A build() that only makes weights leaves the output shape to a probe call."""

    class Linear(numnet.Model):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[1], 1), initializer="ones")

        def call(self, x):
            return x @ self.w

    model = Linear()
    model.compile("sgd", "mse")
    assert model.evaluate(np.ones((4, 3)), np.ones(4), verbose=0) == pytest.approx(4.0)
    assert model.output_shape == (None, 1)
    built = Linear()
    built.build((None, 3))
    built.compile("sgd", "mse")
    assert built.fit(np.ones((4, 3)), np.ones(4), verbose=0).history["loss"] == [
        pytest.approx(4.0)]
    assert len(built.weights) == 1  # its build ran once


def test_a_one_input_model_takes_a_dict_keyed_by_its_input_name():
    x = np.arange(16, dtype="float32").reshape(4, 4)
    inputs = numnet.Input((4,), name="a")
    model = numnet.Model(inputs, layers.Dense(2, kernel_initializer="ones")(inputs))
    model.compile("sgd", "mse")
    np.testing.assert_array_equal(model.predict({"a": x}, verbose=0),
                                  model.predict(x, verbose=0))
    assert model.evaluate({"a": x}, np.zeros((4, 2)), verbose=0) == pytest.approx(
        model.evaluate(x, np.zeros((4, 2)), verbose=0))
    batches = numnet.data.Dataset.from_tensor_slices(({"a": x}, np.zeros((4, 2)))).batch(2)
    assert model.evaluate(batches, verbose=0) == pytest.approx(
        model.evaluate(x, np.zeros((4, 2)), verbose=0), rel=1e-6)
    with pytest.raises(ValueError, match="keyed by the model's input name 'a'"):
        model.predict({"b": x}, verbose=0)
