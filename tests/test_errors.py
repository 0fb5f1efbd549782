"""Bad input: each gets a ValueError or TypeError naming the argument, what was expected, what
was given and the fix; nothing is changed when the check fails."""

from __future__ import annotations

import re

import numpy as np
import pytest

import numnet
from numnet import layers, losses

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(20, 4)).astype("float32")
Y = RNG.normal(size=(20, 1)).astype("float32")
LABELS = np.arange(20) % 10


def regression_model(inputs: int = 4) -> numnet.Sequential:
    model = numnet.Sequential([layers.Dense(1, input_shape=(inputs,))])
    model.compile(optimizer="sgd", loss="mse")
    return model


def classifier(loss: str, units: int = 10) -> numnet.Sequential:
    model = numnet.Sequential([layers.Dense(units, activation="softmax", input_shape=(4,))])
    model.compile(optimizer="sgd", loss=loss)
    return model


def expect(exc, *fragments):
    """pytest.raises whose message must contain every fragment (plain text, not a regex)."""
    return pytest.raises(exc, match="(?s)" + "".join(f"(?=.*{re.escape(f)})" for f in fragments))


# ----------------------------------------------------------------------------- input shapes


@pytest.mark.parametrize("call", [
    lambda m, x: m.fit(x, Y, verbose=0),
    lambda m, x: m.evaluate(x, Y, verbose=0),
    lambda m, x: m.predict(x, verbose=0),
    lambda m, x: m(x),
    lambda m, x: m.train_on_batch(x, Y),
    lambda m, x: m.test_on_batch(x, Y),
], ids=["fit", "evaluate", "predict", "call", "train_on_batch", "test_on_batch"])
def test_input_width_that_does_not_fit_the_first_layer(call):
    model = regression_model(4)
    with expect(ValueError, "(x)", "(None, 4)", "given x of shape (20, 5)", "Reshape"):
        call(model, np.zeros((20, 5), "float32"))


def test_image_batch_given_to_a_dense_model_suggests_flattening():
    model = regression_model(784)
    with expect(ValueError, "(None, 784)", "(3, 28, 28)", "x.reshape(len(x), -1)"):
        model.predict(np.zeros((3, 28, 28), "float32"), verbose=0)


def test_validation_data_of_the_wrong_width():
    model = regression_model(4)
    with expect(ValueError, "validation_data", "(None, 4)", "(5, 3)"):
        model.fit(X, Y, validation_data=(np.zeros((5, 3)), Y[:5]), verbose=0)


def test_validation_data_that_is_not_a_pair():
    with expect(ValueError, "validation_data", "(x_val, y_val)", "given ndarray"):
        regression_model().fit(X, Y, validation_data=X, verbose=0)


# ----------------------------------------------------------------------------- labels


def test_targets_with_more_columns_than_outputs():
    with expect(ValueError, "mse", "y has shape (20, 3)", "(None, 1)", "expected (N, 1)"):
        regression_model().fit(X, np.zeros((20, 3), "float32"), verbose=0)


def test_integer_labels_given_to_categorical_crossentropy():
    model = classifier("categorical_crossentropy")
    with expect(ValueError, "categorical_crossentropy", "y has shape (20,)", "integer labels",
                "(N, 10)", "sparse_categorical_crossentropy", "to_categorical(y, 10)"):
        model.fit(X, LABELS, verbose=0)


def test_integer_labels_given_to_the_categorical_crossentropy_function():
    probs = np.full((4, 3), 1 / 3, "float32")
    with expect(ValueError, "categorical_crossentropy", "(4,)", "(4, 3)",
                "sparse_categorical_crossentropy", "to_categorical"):
        losses.categorical_crossentropy(np.array([0, 1, 2, 1]), probs)


def test_one_hot_labels_given_to_sparse_categorical_crossentropy():
    model = classifier("sparse_categorical_crossentropy")
    with expect(ValueError, "sparse_categorical_crossentropy", "(20, 10)", "one-hot",
                "integer class labels", "categorical_crossentropy", "argmax"):
        model.fit(X, np.eye(10, dtype="float32")[LABELS], verbose=0)


def test_one_hot_labels_given_to_the_sparse_loss_function():
    probs = np.full((4, 3), 1 / 3, "float32")
    with expect(ValueError, "sparse_categorical_crossentropy", "(4, 3)",
                "categorical_crossentropy", "argmax"):
        losses.sparse_categorical_crossentropy(np.eye(3)[[0, 1, 2, 1]], probs)


@pytest.mark.parametrize("bad, shown", [(10, "label 10"), (-1, "label -1")])
def test_labels_outside_the_classes(bad, shown):
    model = classifier("sparse_categorical_crossentropy")
    y = LABELS.copy()
    y[7] = bad
    with expect(ValueError, "sparse_categorical_crossentropy", shown, "[0, 9]", "10 classes"):
        model.fit(X, y, verbose=0)


def test_fractional_labels_given_to_a_sparse_loss():
    model = classifier("sparse_categorical_crossentropy")
    with expect(ValueError, "integer class labels", "0.5"):
        model.fit(X, LABELS + 0.5, verbose=0)


def test_labels_outside_the_classes_in_evaluate():
    model = classifier("sparse_categorical_crossentropy", units=3)
    with expect(ValueError, "label 9", "[0, 2]", "3 classes"):
        model.evaluate(X, LABELS, verbose=0)


# ----------------------------------------------------------------------------- values


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs(value):
    x = X.copy()
    x[3, 2] = value
    model = regression_model()
    with expect(ValueError, "fit(x)", "finite", str(value), "(3, 2)", "NaN / inf"):
        model.fit(x, Y, verbose=0)
    with expect(ValueError, "predict(x)", "finite", "(3, 2)"):
        model.predict(x, verbose=0)
    with expect(ValueError, "evaluate(x)", "finite"):
        model.evaluate(x, Y, verbose=0)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_targets(value):
    y = Y.copy()
    y[5, 0] = value
    with expect(ValueError, "fit(y)", "finite", str(value), "(5, 0)"):
        regression_model().fit(X, y, verbose=0)


def test_non_finite_validation_data():
    vx = X[:5].copy()
    vx[1, 1] = np.nan
    with expect(ValueError, "validation_data", "finite", "nan"):
        regression_model().fit(X, Y, validation_data=(vx, Y[:5]), verbose=0)


def test_empty_inputs():
    model = regression_model()
    with expect(ValueError, "fit(x)", "at least one sample", "(0, 4)"):
        model.fit(np.zeros((0, 4)), np.zeros((0, 1)), verbose=0)
    with expect(ValueError, "predict(x)", "at least one sample", "(0, 4)"):
        model.predict(np.zeros((0, 4)), verbose=0)


def test_x_and_y_of_different_lengths():
    with expect(ValueError, "x and y", "same number of samples", "x has 20", "y has 10"):
        regression_model().fit(X, Y[:10], verbose=0)


def test_missing_or_non_numeric_data():
    model = regression_model()
    with expect(ValueError, "fit(y)", "expected an array", "None"):
        model.fit(X, None, verbose=0)
    with expect(TypeError, "fit(x)", "numeric array", "given str"):
        model.fit("abc", Y, verbose=0)
    with expect(TypeError, "fit(x)", "expected numbers", "'a'"):
        model.fit([["a"] * 4] * 20, Y, verbose=0)
    with expect(ValueError, "fit(y)", "rectangular", "ragged"):
        model.fit(X, [[1.0], [2.0, 3.0]] * 10, verbose=0)


def test_sample_weight_of_the_wrong_length_or_sign():
    model = regression_model()
    with expect(ValueError, "fit(sample_weight)", "one weight per sample", "(20,)", "(3,)"):
        model.fit(X, Y, sample_weight=np.ones(3), verbose=0)
    with expect(ValueError, "fit(sample_weight)", ">= 0"):
        model.fit(X, Y, sample_weight=-np.ones(20), verbose=0)


def test_class_weight_without_a_weight_for_each_class():
    model = classifier("sparse_categorical_crossentropy")
    with expect(ValueError, "fit(class_weight)", "no weight for class(es) [1, 2", "given weights"):
        model.fit(X, LABELS, class_weight={0: 1.0}, verbose=0)
    with expect(TypeError, "fit(class_weight)", "dict", "given list"):
        model.fit(X, LABELS, class_weight=[1.0] * 10, verbose=0)


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize("make, fragments", [
    (lambda: regression_model().compile(optimizer="adamm", loss="mse"),
     ["compile(optimizer)", "'adamm'", "Did you mean 'adam'", "'rmsprop'", "'sgd'"]),
    (lambda: regression_model().compile(optimizer="adam", loss="categorical_crossentropi"),
     ["compile(loss)", "'categorical_crossentropi'", "Did you mean 'categorical_crossentropy'",
      "'mse'"]),
    (lambda: regression_model().compile(optimizer="adam", loss="mse", metrics=["acuracy"]),
     ["compile(metrics)", "'acuracy'", "Did you mean 'accuracy'", "'mae'"]),
    (lambda: layers.Dense(3, activation="rellu"),
     ["activation", "'rellu'", "Did you mean 'relu'", "'tanh'"]),
    (lambda: layers.Activation("sigmod"), ["activation", "'sigmod'", "Did you mean 'sigmoid'"]),
    (lambda: layers.Dense(3, kernel_initializer="glorot_unifrom"),
     ["initializer", "'glorot_unifrom'", "Did you mean 'glorot_uniform'", "'he_normal'"]),
    (lambda: layers.Dense(3, kernel_regularizer="l22"),
     ["regularizer", "'l22'", "Did you mean 'l2'"]),
], ids=["optimizer", "loss", "metric", "activation", "activation-layer", "initializer",
        "regularizer"])
def test_unknown_names_list_the_closest_valid_ones(make, fragments):
    with expect(ValueError, *fragments):
        make()


def test_unknown_name_suggestion_comes_first():
    with pytest.raises(ValueError) as info:
        regression_model().compile(optimizer="adam", loss="categorical_crossentropi")
    hint = str(info.value).split("Did you mean")[1]
    assert hint.lstrip().startswith("'categorical_crossentropy'")


@pytest.mark.parametrize("make, fragments", [
    (lambda: regression_model().compile(optimizer=3, loss="mse"),
     ["compile(optimizer)", "Optimizer object", "given int 3"]),
    (lambda: regression_model().compile(optimizer="sgd", loss=3),
     ["compile(loss)", "Loss object", "given int 3"]),
    (lambda: regression_model().compile(optimizer="sgd", loss="mse", metrics=[3]),
     ["compile(metrics)", "Metric object", "given int 3"]),
    (lambda: layers.Dense(3, activation=3), ["activation", "callable", "given int 3"]),
    (lambda: layers.Dense(3, kernel_initializer=3), ["initializer", "given 3"]),
])
def test_identifiers_of_the_wrong_type(make, fragments):
    with expect(TypeError, *fragments):
        make()


# ----------------------------------------------------------------------------- keywords


def test_misspelled_fit_keyword_suggests_the_right_one():
    with expect(TypeError, "fit()", "unexpected keyword argument 'epoch'", "'epochs'"):
        regression_model().fit(X, Y, epoch=3, verbose=0)


@pytest.mark.parametrize("call, given, right", [
    (lambda m: m.fit(X, Y, batchsize=4, verbose=0), "batchsize", "batch_size"),
    (lambda m: m.fit(X, Y, validation_splits=0.2, verbose=0), "validation_splits",
     "validation_split"),
    (lambda m: m.evaluate(X, Y, batchsize=4, verbose=0), "batchsize", "batch_size"),
    (lambda m: m.predict(X, batchsize=4), "batchsize", "batch_size"),
    (lambda m: m.compile(optimizer="sgd", loss="mse", metric=["mae"]), "metric", "metrics"),
    (lambda m: layers.Dense(3, activaton="relu"), "activaton", "activation"),
    (lambda m: layers.Dense(3, inputshape=(4,)), "inputshape", "input_shape"),
])
def test_misspelled_keywords(call, given, right):
    with expect(TypeError, f"unexpected keyword argument '{given}'", f"Did you mean '{right}'"):
        call(regression_model())


# ----------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("units", [0, -3, "a", 2.5, None, True])
def test_dense_units_must_be_a_positive_integer(units):
    with expect(ValueError, "Dense(units)", "positive integer", f"given {units!r}"):
        layers.Dense(units)


def test_dense_units_given_as_an_integral_float_is_accepted():
    assert layers.Dense(4.0).units == 4


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "32", True])
@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_bad_batch_size(method, batch_size):
    model = regression_model()
    call = {"fit": lambda: model.fit(X, Y, batch_size=batch_size, verbose=0),
            "evaluate": lambda: model.evaluate(X, Y, batch_size=batch_size, verbose=0),
            "predict": lambda: model.predict(X, batch_size=batch_size, verbose=0)}[method]
    with expect(ValueError, f"{method}(batch_size)", "positive integer", repr(batch_size)):
        call()


@pytest.mark.parametrize("split", [1.0, 1.5, -0.1])
def test_validation_split_outside_zero_to_one(split):
    with expect(ValueError, "fit(validation_split)", "[0, 1)", str(split)):
        regression_model().fit(X, Y, validation_split=split, verbose=0)


def test_validation_split_that_is_not_a_number():
    with expect(TypeError, "fit(validation_split)", "[0, 1)", "str 'a'"):
        regression_model().fit(X, Y, validation_split="a", verbose=0)


def test_validation_split_that_leaves_no_training_data():
    with expect(ValueError, "validation_split=0.99", "20 samples", "empty"):
        regression_model().fit(X, Y, validation_split=0.99, verbose=0)


@pytest.mark.parametrize("kwargs, fragments", [
    ({"epochs": -1}, ["fit(epochs)", "non-negative integer", "-1"]),
    ({"epochs": 1.5}, ["fit(epochs)", "1.5"]),
    ({"initial_epoch": -2}, ["fit(initial_epoch)", "-2"]),
    ({"validation_freq": 0}, ["fit(validation_freq)", "positive integer", "0"]),
    ({"steps_per_epoch": 0}, ["fit(steps_per_epoch)", "positive integer", "0"]),
    ({"steps_per_epoch": "a"}, ["fit(steps_per_epoch)", "'a'"]),
    ({"validation_batch_size": 0}, ["fit(validation_batch_size)", "0"]),
    ({"verbose": 5}, ["verbose", "'auto', 0, 1 or 2", "5"]),
])
def test_bad_fit_arguments(kwargs, fragments):
    kwargs = {"verbose": 0, "validation_split": 0.2, **kwargs}
    with expect(ValueError, *fragments):
        regression_model().fit(X, Y, **kwargs)


def test_callbacks_that_are_not_callbacks():
    with expect(TypeError, "fit(callbacks)", "Callback objects", "given 3"):
        regression_model().fit(X, Y, callbacks=3, verbose=0)
    with expect(TypeError, "fit(callbacks)", "Callback objects"):
        regression_model().fit(X, Y, callbacks=[print], verbose=0)


def test_other_layer_arguments():
    with expect(ValueError, "Dropout(rate)", "[0, 1)", "1.5"):
        layers.Dropout(1.5)
    with expect(ValueError, "input_shape", "positive integers", "(0,)"):
        layers.Dense(2, input_shape=(0,))
    with expect(TypeError, "InputLayer(shape)", "positive integers", "('a',)"):
        numnet.Input(shape=("a",))
    with expect(TypeError, "Sequential.add(layer)", "Layer instance", "given int 3"):
        numnet.Sequential().add(3)


# ----------------------------------------------------------------------------- set_weights


def test_set_weights_with_the_wrong_count():
    model = regression_model()
    with expect(ValueError, "set_weights(weights)", "list of 2 arrays", "(4, 1)", "given 1"):
        model.set_weights([np.zeros((4, 1))])
    with expect(ValueError, "set_weights(weights)", "list of 2 arrays", "given 3"):
        model.layers[0].set_weights([np.zeros((4, 1)), np.zeros(1), np.zeros(1)])


def test_set_weights_with_the_wrong_shapes():
    model = regression_model()
    with expect(ValueError, "set_weights(weights)", "dense", "kernel", "expects shape (4, 1)",
                "given (3, 1)"):
        model.set_weights([np.zeros((3, 1)), np.zeros(1)])
    with expect(ValueError, "kernel", "expects shape (4, 1)", "given (1, 4)"):
        model.layers[0].set_weights([np.zeros((1, 4)), np.zeros(1)])
    with expect(ValueError, "bias", "expects shape (1,)", "given (2,)"):
        model.layers[0].set_weights([[[0.0]] * 4, [0.0, 0.0]])


def test_set_weights_accepts_nested_lists_of_the_right_shape():
    layer = regression_model().layers[0]
    layer.set_weights([[[1.0], [2.0], [3.0], [4.0]], [0.5]])
    np.testing.assert_array_equal(layer.get_weights()[0].ravel(), [1, 2, 3, 4])
    np.testing.assert_array_equal(layer.get_weights()[1], [0.5])


def test_failed_set_weights_changes_nothing():
    model = regression_model()
    before = model.get_weights()
    with pytest.raises(ValueError):
        model.set_weights([np.ones((4, 1)), np.ones(2)])
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


# ----------------------------------------------------------------------------- compile


@pytest.mark.parametrize("call", [
    lambda m: m.fit(X, Y, verbose=0),
    lambda m: m.evaluate(X, Y, verbose=0),
    lambda m: m.train_on_batch(X, Y),
    lambda m: m.test_on_batch(X, Y),
], ids=["fit", "evaluate", "train_on_batch", "test_on_batch"])
def test_training_before_compile(call):
    model = numnet.Sequential([layers.Dense(1, input_shape=(4,))])
    with expect(ValueError, "compiled first", "model.compile("):
        call(model)


def test_predict_does_not_need_compile():
    model = numnet.Sequential([layers.Dense(1, input_shape=(4,))])
    model.set_weights([np.ones((4, 1), "float32"), np.zeros(1, "float32")])
    np.testing.assert_allclose(model.predict(X, verbose=0), X.sum(axis=1, keepdims=True),
                               rtol=1e-5, atol=1e-5)


def test_fit_with_no_loss():
    model = numnet.Sequential([layers.Dense(1, input_shape=(4,))])
    model.compile(optimizer="sgd")
    with expect(ValueError, "fit()", "no loss", "loss="):
        model.fit(X, Y, verbose=0)


def test_failed_compile_leaves_the_previous_compile_in_place():
    model = regression_model()
    optimizer = model.optimizer
    with pytest.raises(ValueError):
        model.compile(optimizer="adam", loss="mae", metrics=["acuracy"])
    assert model.optimizer is optimizer
    assert model.loss == "mse"
    assert model.metrics_names == ["loss"]
    model.fit(X, Y, verbose=0)  # still trains with the earlier settings


# ----------------------------------------------------------------------------- nothing half-done


@pytest.mark.parametrize("call", [
    lambda m: m.fit(X, np.zeros((20, 3), "float32"), verbose=0),
    lambda m: m.fit(X, Y[:10], verbose=0),
    lambda m: m.fit(X, np.where(np.arange(20)[:, None] == 19, np.nan, Y), verbose=0),
    lambda m: m.fit(X, Y, validation_data=(X[:5, :3], Y[:5]), verbose=0, epochs=3),
    lambda m: m.fit(X, Y, validation_split=0.2, validation_freq=0, verbose=0, epochs=3),
    lambda m: m.fit(X, Y, sample_weight=np.ones(19), verbose=0),
    lambda m: m.fit(X, Y, batch_size=0, verbose=0),
    lambda m: m.fit(X, Y, callbacks=[print], verbose=0),
    lambda m: m.train_on_batch(X[:, :3], Y),
], ids=["label-shape", "lengths", "nan-label", "validation-width", "validation-freq",
        "sample-weight", "batch-size", "callbacks", "train_on_batch"])
def test_failing_fit_leaves_weights_and_optimizer_unchanged(call):
    model = numnet.Sequential([layers.Dense(3, activation="relu", input_shape=(4,)),
                               layers.Dense(1)])
    model.compile(optimizer=numnet.optimizers.SGD(learning_rate=0.1), loss="mse")
    before = model.get_weights()
    with pytest.raises((ValueError, TypeError)):
        call(model)
    after = model.get_weights()
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(old, new)
    assert int(model.optimizer.iterations) == 0
    # and the same model then trains normally, so the weights did move for a good call
    model.fit(X, Y, epochs=1, batch_size=20, verbose=0)
    assert int(model.optimizer.iterations) == 1
    assert not np.array_equal(model.get_weights()[0], before[0])


def test_failing_classifier_fit_leaves_weights_unchanged():
    model = classifier("sparse_categorical_crossentropy")
    before = model.get_weights()
    y = LABELS.copy()
    y[-1] = 12
    with pytest.raises(ValueError, match="label 12"):
        model.fit(X, y, epochs=2, verbose=0)
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
