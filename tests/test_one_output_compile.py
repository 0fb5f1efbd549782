"""A model of one output compiled and fed as Keras 3 also takes it: a loss, loss_weights and
metrics given as a list of one or a dict by output name, targets as [y] or {name: y}, and a
functional model whose one output is a dict of one (its calls and predict give that dict).

The numbers are worked out with NumPy: from a zero kernel and bias, the first batch's MSE is
mean(y ** 2), and Keras multiplies the loss (the one fit reports, and its gradient) by
loss_weights (Keras 3.15 on JAX gives 6.195107 for the evaluate below, as here).
"""

import numpy as np
import pytest

import numnet
from numnet import layers

X = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
Y = X.sum(axis=1, keepdims=True)
MSE0 = float(np.mean(Y.astype(np.float64) ** 2))  # the loss at zero weights


def functional(outputs="tensor"):
    inputs = numnet.Input((3,))
    out = layers.Dense(1, name="dd", kernel_initializer="zeros")(inputs)
    return numnet.Model(inputs, {"tensor": out, "list": [out], "dict": {"o": out}}[outputs])


def sequential():
    return numnet.Sequential([numnet.Input((3,)),
                              layers.Dense(1, name="dd", kernel_initializer="zeros")])


def one_sgd_step(model, target=Y, **compile_kwargs):
    model.compile(numnet.optimizers.SGD(0.1), **compile_kwargs)
    history = model.fit(X, target, batch_size=32, epochs=1, shuffle=False, verbose=0)
    return history.history["loss"][0], model.layers[-1].kernel.numpy()[:, 0]


def expected_kernel(weight: float) -> np.ndarray:
    # d/dW of weight * mean((X W - Y)^2) at W = 0: -2 * weight * X^T Y / n
    grad = -2.0 * weight * (X.astype(np.float64).T @ Y.astype(np.float64))[:, 0] / len(X)
    return -0.1 * grad


@pytest.mark.parametrize("make", [sequential, functional], ids=["sequential", "functional"])
@pytest.mark.parametrize("loss_weights", [2.0, [2.0], {"dd": 2.0}])
def test_loss_weights_scale_the_loss_and_its_gradient(make, loss_weights):
    loss, kernel = one_sgd_step(make(), loss="mse", loss_weights=loss_weights)
    assert loss == pytest.approx(2.0 * MSE0, rel=1e-5)
    np.testing.assert_allclose(kernel, expected_kernel(2.0), rtol=1e-5)


def test_without_loss_weights_the_step_is_unscaled():
    loss, kernel = one_sgd_step(sequential(), loss="mse")
    assert loss == pytest.approx(MSE0, rel=1e-5)
    np.testing.assert_allclose(kernel, expected_kernel(1.0), rtol=1e-5)


@pytest.mark.parametrize("loss", [["mse"], ("mse",), {"dd": "mse"}])
@pytest.mark.parametrize("outputs", ["tensor", "list"])
def test_functional_losses_as_a_list_or_dict_of_one(loss, outputs):
    value, kernel = one_sgd_step(functional(outputs), loss=loss, metrics={"dd": ["mae"]})
    assert value == pytest.approx(MSE0, rel=1e-5)
    np.testing.assert_allclose(kernel, expected_kernel(1.0), rtol=1e-5)


@pytest.mark.parametrize("make", [sequential, functional], ids=["sequential", "functional"])
@pytest.mark.parametrize("target", ["list", "tuple"])
def test_targets_as_a_list_of_one(make, target):
    wrapped = [Y] if target == "list" else (Y,)
    value, kernel = one_sgd_step(make(), target=wrapped, loss=["mse"], metrics=[["mae"]])
    assert value == pytest.approx(MSE0, rel=1e-5)
    np.testing.assert_allclose(kernel, expected_kernel(1.0), rtol=1e-5)


def test_a_list_of_one_label_per_row_is_not_unwrapped():
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(X[:1], [1], epochs=1, verbose=0)  # one row, one label: stays as it is


def test_a_dict_output_of_one_gives_dicts_and_takes_its_key():
    model = functional("dict")
    out = model(X[:2])
    assert isinstance(out, dict) and list(out) == ["o"]
    assert tuple(out["o"].shape) == (2, 1)
    predicted = model.predict(X, verbose=0)
    assert isinstance(predicted, dict) and predicted["o"].shape == (32, 1)
    batch = model.predict_on_batch(X[:4])
    assert isinstance(batch, dict) and batch["o"].shape == (4, 1)
    value, kernel = one_sgd_step(model, target={"o": Y}, loss={"o": "mse"},
                                 loss_weights={"o": 3.0})
    assert value == pytest.approx(3.0 * MSE0, rel=1e-5)
    np.testing.assert_allclose(kernel, expected_kernel(3.0), rtol=1e-5)
    with pytest.raises(ValueError, match=r"output names \(\['o'\]\), given keys \['dd'\]"):
        model.compile("sgd", loss={"dd": "mse"})


def test_a_dict_output_model_nested_in_a_graph_passes_its_tensor():
    inner = functional("dict")
    inputs = numnet.Input((3,))
    hidden = inner(inputs)
    assert isinstance(hidden, dict) and list(hidden) == ["o"]
    outer = numnet.Model(inputs, layers.Dense(2, name="head")(hidden["o"]))
    out = outer.predict(X[:5], verbose=0)
    kernel, bias = outer.get_layer("head").get_weights()
    inner_out = inner.predict(X[:5], verbose=0)["o"]
    np.testing.assert_allclose(out, inner_out @ kernel + bias, rtol=1e-6, atol=1e-6)


def test_wrong_structures_are_refused_clearly():
    with pytest.raises(ValueError, match="a list of 2 losses"):
        sequential().compile("sgd", loss=["mse", "mae"])
    with pytest.raises(ValueError, match="a Sequential or subclassed model has none"):
        sequential().compile("sgd", loss={"dd": "mse"})
    with pytest.raises(ValueError, match="given 2 weights"):
        sequential().compile("sgd", loss="mse", loss_weights=[1.0, 2.0])
    with pytest.raises(TypeError, match="loss_weights"):
        sequential().compile("sgd", loss="mse", loss_weights="two")
    model = functional()
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"fit\(y\): a dict is keyed"):
        model.fit(X, {"other": Y}, verbose=0)


def test_loss_weights_survive_a_keras_file(tmp_path):
    model = functional("list")
    model.compile("sgd", {"dd": "mse"}, loss_weights=[2.0], metrics={"dd": ["mae"]})
    before = model.evaluate(X, Y, verbose=0)
    assert before[0] == pytest.approx(2.0 * MSE0, rel=1e-5)
    model.save(tmp_path / "m.keras")
    loaded = numnet.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.evaluate(X, Y, verbose=0), before, rtol=1e-6)
