"""Model.get_state_tree / set_state_tree and metrics_variables, as Keras 3's: the variables
nested by their paths (Keras 3.15 gives the same keys for this model, learning_rate aside)."""

import numpy as np
import pytest

import numnet


def fitted():
    model = numnet.Sequential([numnet.Input(shape=(1,), name="my_input"),
                               numnet.layers.Dense(1, name="my_dense"),
                               numnet.layers.BatchNormalization(name="bn")],
                              name="my_sequential")
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(np.array([[1.0], [2.0]]), np.array([[1.0], [0.0]]), verbose=0)
    return model


def test_the_tree_nests_each_group_by_path():
    model = fitted()
    assert [v.path for v in model.metrics_variables] == [
        "loss/total", "loss/count", "mean_absolute_error/total", "mean_absolute_error/count"]
    tree = model.get_state_tree(value_format="numpy_array")
    assert sorted(tree) == ["metrics_variables", "non_trainable_variables",
                            "optimizer_variables", "trainable_variables"]
    assert sorted(tree["trainable_variables"]["my_sequential"]) == ["bn", "my_dense"]
    assert sorted(tree["non_trainable_variables"]["my_sequential"]["bn"]) == [
        "moving_mean", "moving_variance"]
    assert sorted(tree["metrics_variables"]["loss"]) == ["count", "total"]
    kernel = tree["trainable_variables"]["my_sequential"]["my_dense"]["kernel"]
    np.testing.assert_array_equal(kernel, model.get_layer("my_dense").kernel.numpy())
    assert "my_sequential_my_dense_kernel_momentum" in tree["optimizer_variables"]["adam"]
    assert int(tree["optimizer_variables"]["adam"]["iteration"]) == 1


def test_set_state_tree_puts_a_tree_back():
    model, other = fitted(), fitted()
    other.set_state_tree(model.get_state_tree(value_format="numpy_array"))
    for a, b in zip(model.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    x = np.array([[3.0]])
    np.testing.assert_array_equal(model.predict(x, verbose=0), other.predict(x, verbose=0))
    with pytest.raises(ValueError, match="unknown group 'weights'"):
        other.set_state_tree({"weights": {}})
    with pytest.raises(ValueError, match="value_format"):
        model.get_state_tree(value_format="list")
