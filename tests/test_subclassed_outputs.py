"""A subclassed model whose call() returns a dict or a list of outputs, compiled with a loss
(and metrics, loss weights) per output, as Keras 3 builds them at the first batch.

Keras 3.15 (JAX) on the same program gives the numbers recorded below: from zero kernels,
x of default_rng(0).normal((32, 3)), SGD(0.01), batches of 16, two epochs unshuffled.
"""

import numpy as np
import pytest

import numnet
from numnet import layers

X = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
Y_REG = X.sum(axis=1, keepdims=True)
Y_CLS = (X[:, :1] > 0).astype("float32")


class TwoHeads(numnet.Model):
    def __init__(self, as_dict=True):
        super().__init__()
        self.as_dict = as_dict
        self.reg = layers.Dense(1, kernel_initializer="zeros")
        self.cls = layers.Dense(1, activation="sigmoid", kernel_initializer="zeros")

    def call(self, x):
        if self.as_dict:
            return {"reg": self.reg(x), "cls": self.cls(x)}
        return self.reg(x), self.cls(x)


def fit(model, y, **compile_kwargs):
    model.compile("sgd", **compile_kwargs)
    history = model.fit(X, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    return {key: [round(v, 4) for v in values] for key, values in history.history.items()}


def test_dict_outputs_with_a_loss_and_metrics_per_output():
    model = TwoHeads()
    history = fit(model, {"reg": Y_REG, "cls": Y_CLS},
                  loss={"reg": "mse", "cls": "binary_crossentropy"},
                  metrics={"cls": ["accuracy"], "reg": ["mae"]})
    assert history == {  # Keras 3.15's
        "loss": [3.7186, 3.4404], "reg_loss": [3.0266, 2.7532], "cls_loss": [0.692, 0.6873],
        "cls_accuracy": [0.7188, 1.0], "reg_mae": [1.4054, 1.3384]}
    # evaluate's list: loss, each output's loss in the loss dict's order, the metrics sorted
    values = model.evaluate(X, {"reg": Y_REG, "cls": Y_CLS}, verbose=0)
    np.testing.assert_allclose(values, [3.247605, 2.563908, 0.683698, 1.0, 1.289784],
                               rtol=1e-5)
    predicted = model.predict(X[:3], verbose=0)
    assert sorted(predicted) == ["cls", "reg"] and predicted["reg"].shape == (3, 1)


def test_loss_weights_per_output():
    history = fit(TwoHeads(), {"reg": Y_REG, "cls": Y_CLS},
                  loss={"reg": "mse", "cls": "binary_crossentropy"},
                  loss_weights={"reg": 0.5, "cls": 2.0})
    assert history == {"loss": [2.9126, 2.8233], "reg_loss": [3.0618, 2.9208],
                       "cls_loss": [0.6909, 0.6815]}


def test_a_list_of_losses_follows_the_sorted_keys_of_dict_outputs():
    # ["mse", "binary_crossentropy"] goes to the outputs in sorted key order: cls, reg
    history = fit(TwoHeads(), {"reg": Y_REG, "cls": Y_CLS}, loss=["mse", "binary_crossentropy"])
    assert history == {"loss": [5.9298, 5.9286], "cls_loss": [0.2497, 0.2485],
                       "reg_loss": [5.6801, 5.6801]}


def test_tuple_outputs_log_by_loss_name_and_plain_metric_names():
    model = TwoHeads(as_dict=False)
    history = fit(model, (Y_REG, Y_CLS), loss=["mse", "binary_crossentropy"],
                  metrics=[["mae"], ["accuracy"]])
    assert history == {"loss": [3.7186, 3.4404], "mae": [1.4054, 1.3384],
                       "accuracy": [0.7188, 1.0], "mse_loss": [3.0266, 2.7532],
                       "binary_crossentropy_loss": [0.692, 0.6873]}
    values = model.evaluate(X, [Y_REG, Y_CLS], verbose=0)  # Keras's order
    np.testing.assert_allclose(values, [3.247605, 1.289784, 1.0, 2.563908, 0.683698],
                               rtol=1e-5)
    predicted = model.predict(X[:3], verbose=0)
    assert isinstance(predicted, tuple) and len(predicted) == 2


def test_one_output_where_a_loss_per_output_was_given_is_refused():
    class One(numnet.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    model = One()
    model.compile("sgd", loss={"a": "mse", "b": "mse"})
    with pytest.raises(ValueError, match="returns one"):
        model.fit(X, Y_REG, verbose=0)


def test_the_first_batch_of_an_unbuilt_subclassed_model_trains():
    """The default train_step reads the trainable weights after the call that makes them: the
    first batch of a model built by it is a step too (it was skipped: no weights yet)."""
    class OnDict(numnet.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1, kernel_initializer="zeros")

        def call(self, inputs):
            return self.dense(inputs["f"])

    model = OnDict()
    model.compile(numnet.optimizers.SGD(0.1), "mse")
    model.fit({"f": X[:8]}, Y_REG[:8], epochs=1, batch_size=8, verbose=0)
    # one step from zero: w = 0.1 * 2 / n * X^T y
    expected = 0.1 * 2 / 8 * (X[:8].astype(np.float64).T @ Y_REG[:8].astype(np.float64))
    np.testing.assert_allclose(model.get_weights()[0], expected, rtol=1e-5)
