"""Tensor operators as Keras tensors': element-wise comparisons giving bool Tensors, logic and
integer operators, Keras's dtypes, truth values; Tensors still work as dict keys and are found by
identity; and the Keras guide's custom metric that counts ``y_true == y_pred``."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor, Variable

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

X = np.array([1.0, 2.0, 3.0], "float32")
N = np.array([5, -7, 0], "int32")


@pytest.mark.parametrize("op, reference", [
    (lambda a, b: a == b, np.equal), (lambda a, b: a != b, np.not_equal),
    (lambda a, b: a < b, np.less), (lambda a, b: a <= b, np.less_equal),
    (lambda a, b: a > b, np.greater), (lambda a, b: a >= b, np.greater_equal),
])
@pytest.mark.parametrize("other", [2.0, 2, np.array([3.0, 2.0, 1.0]), [1.0, 5.0, 3.0],
                                   Tensor(np.array([2.0, 2.0, 2.0], "float32"))])
def test_comparisons_are_element_wise_bool_tensors(op, reference, other):
    got = op(Tensor(X), other)
    assert isinstance(got, Tensor) and got.dtype == bool
    np.testing.assert_array_equal(got.numpy(), reference(X, np.asarray(other)))
    reflected = op(other, Tensor(X))  # NumPy arrays, lists and numbers defer to the Tensor
    assert isinstance(reflected, Tensor) and reflected.dtype == bool
    np.testing.assert_array_equal(reflected.numpy(), reference(np.asarray(other), X))


def test_an_int_tensor_compares_with_a_float_as_a_float():
    assert (Tensor(N) == 5.0).tolist() == [True, False, False]
    assert (Tensor(N) == 0.5).tolist() == [False, False, False]  # not truncated to 0
    assert (Tensor(N) < 0.5).tolist() == [False, True, True]


def test_equality_with_other_objects_is_false_not_an_error():
    t = Tensor(X)
    assert (t == None) is False  # noqa: E711 - the operator itself is under test
    assert (t != "x") is True
    assert t != object()


def test_logic_operators():
    a, b = Tensor(X > 1), Tensor(X < 3)
    assert (a & b).tolist() == [False, True, False]
    assert (a | b).tolist() == [True, True, True]
    assert (a ^ b).tolist() == [True, False, True]
    assert (~a).tolist() == [True, False, False]
    assert (True & a).tolist() == [False, True, True]
    assert (Tensor(N) & 3).tolist() == [1, 1, 0]  # bitwise on ints, as NumPy
    assert (Tensor(X) > 1).dtype == bool


def test_integer_operators_and_their_dtypes():
    n = Tensor(N)
    assert (n % 3).tolist() == [2, 2, 0] and (n % 3).dtype == np.int32
    assert (n // 2).tolist() == [2, -4, 0] and (n // 2).dtype == np.int32
    assert (17 // Tensor(np.array([5], "int32"))).tolist() == [3]
    assert (7 % Tensor(np.array([4], "int32"))).tolist() == [3]
    assert (2 ** Tensor(np.array([3], "int32"))).tolist() == [8]
    assert abs(n).tolist() == [5, 7, 0] and abs(n).dtype == np.int32
    assert (n + 1).dtype == np.int32 and (n * 2).dtype == np.int32
    assert (n + 0.5).tolist() == [5.5, -6.5, 0.5] and (n + 0.5).dtype == np.float32
    assert (n / 2).dtype == np.float32 and (n / 2).tolist() == [2.5, -3.5, 0.0]
    assert (0.5 * n).dtype == np.float32
    x = Tensor(X)
    assert (x * 0.1).dtype == np.float32 and (x % 2.0).tolist() == [1.0, 0.0, 1.0]
    assert (x ** Tensor(np.array([2.0, 0.5, 0.0], "float32"))).tolist() == pytest.approx(
        [1.0, 2.0 ** 0.5, 1.0])


def test_operator_gradients():
    a = np.array([[1.5, -2.5], [3.25, 0.75]])
    b = np.array([[0.7, 1.3], [2.0, 0.4]])
    assert check_gradients(lambda x, y: x % y, [a, b]) < 1e-6
    assert check_gradients(lambda x, y: abs(x) ** y, [a, b]) < 1e-6
    assert check_gradients(lambda x: 2.0 ** x, [a]) < 1e-6
    assert check_gradients(lambda x: 3.0 % x, [b]) < 1e-6


def test_truth_values_as_numpy():
    assert bool(Tensor(np.array([2.0])))
    assert not bool(Tensor(np.array(0.0)))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(Tensor(X))
    with pytest.raises(ValueError, match="ambiguous"):
        if Tensor(X) == 2.0:
            pass


def test_tensors_are_dict_keys_and_found_by_identity():
    v, w = Variable(np.zeros(3, "float32")), Variable(np.zeros(3, "float32"))
    table = {v: "v", w: "w"}
    assert table[v] == "v" and table[w] == "w"
    assert len(dict.fromkeys([v, w, v])) == 2
    assert v in {v, w} and len({v, w}) == 2
    assert v in [v] and any(p is w for p in [v, w])


def test_a_model_trains_and_reports_as_before_with_element_wise_equality():
    numnet.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = numnet.Sequential([numnet.Input((4,)), numnet.layers.Dense(3, activation="relu"),
                               numnet.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert len(model.trainable_weights) == 4


# ----------------------------------------------------------------------------- the Keras guide


class CategoricalTruePositives(numnet.metrics.Metric):
    """The custom metric of Keras's guide "Training & evaluation with the built-in methods"."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


def test_the_guides_custom_metric_counts_the_real_matches():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, 8)).astype("float32")
    y = rng.integers(0, 4, size=(600, 1))
    numnet.utils.set_random_seed(1)
    model = numnet.Sequential([numnet.Input((8,)), numnet.layers.Dense(16, activation="relu"),
                               numnet.layers.Dense(4, activation="softmax")])
    model.compile("rmsprop", "sparse_categorical_crossentropy",
                  metrics=[CategoricalTruePositives()])
    model.fit(x, y, batch_size=64, epochs=2, verbose=0)
    result = model.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
    expected = int((model.predict(x, verbose=0).argmax(axis=1) == y[:, 0]).sum())
    assert expected > 100  # a count that 0 could not pass for
    assert float(result["categorical_true_positives"]) == expected


def test_a_variable_s_numpy_value_is_a_snapshot_as_tensorflow_s():
    """``before = w.numpy(); train; after = w.numpy()`` must compare two states: numpy(),
    np.array and np.asarray of a Variable copy; np.asarray of a Tensor may share."""
    v = numnet.Variable(np.array([1.0, 2.0], "float32"))
    snapshots = [v.numpy(), np.array(v), np.asarray(v), np.asarray(v, dtype="float64")]
    v.assign([5.0, 6.0])
    for snap in snapshots:
        np.testing.assert_array_equal(snap, [1.0, 2.0])
    assert v.numpy().shape == (2,) and numnet.Variable(3.0).numpy().shape == ()
    t = numnet.ops.convert_to_tensor(np.array([1.0, 2.0], "float32"))
    assert not np.shares_memory(np.array(t), np.asarray(t))  # np.array always copies
    with pytest.raises(ValueError, match="copy=False"):
        np.asarray(v, dtype="float64", copy=False)


def test_get_weights_before_and_after_a_step_differ():
    model = numnet.Sequential([numnet.Input((2,)), numnet.layers.Dense(1)])
    model.compile(numnet.optimizers.SGD(0.1), "mse")
    kernel = model.layers[0].kernel
    before = kernel.numpy()
    model.train_on_batch(np.ones((4, 2), "float32"), np.full((4, 1), 3.0, "float32"))
    assert not np.array_equal(before, kernel.numpy())


def test_round_of_a_scalar_is_a_number_and_of_an_array_a_tensor():
    """round() as Keras's examples on JAX use it: round(optimizer.learning_rate, 5) is 0.01
    (the float32 rate 0.009999999776...), round(Variable(0.0123456), 3) 0.012, each a Tensor
    as JAX gives an Array; an array rounds each value (half to even, as NumPy)."""
    model = numnet.Sequential([numnet.layers.Dense(10)])
    model.compile(numnet.optimizers.SGD(), "mse")
    assert float(round(model.optimizer.learning_rate, 5)) == pytest.approx(0.01)
    assert str(round(model.optimizer.learning_rate, 5).numpy()) == "0.01"
    assert float(round(numnet.Variable(0.0123456), 3)) == pytest.approx(0.012)
    assert float(round(numnet.ops.convert_to_tensor(2.5))) == 2.0
    rounded = round(numnet.ops.convert_to_tensor([1.234, 2.5, -0.05]), 1)
    np.testing.assert_allclose(rounded.numpy(), [1.2, 2.5, -0.0])


def test_jax_array_methods_reshape_astype_flatten_and_t():
    """Keras's examples on JAX call x.reshape(...) and x.astype(...) on ops' results; a
    Tensor takes them (differentiably), while np.reshape(tensor, ...) still gives a NumPy
    array, as for a TensorFlow tensor."""
    t = ops.arange(6)
    np.testing.assert_array_equal(t.reshape(2, 3).numpy(), np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(t.reshape((3, -1)).T.numpy(), np.arange(6).reshape(3, 2).T)
    assert t.astype("float32").dtype == "float32"
    assert t.reshape(2, 3).flatten().shape == (6,) and t.reshape(2, 3).ravel().shape == (6,)
    assert isinstance(np.reshape(t, (2, 3)), np.ndarray)
    w = Variable(np.arange(6, dtype="float32"))
    check_gradients(lambda a: ops.sum(a.reshape(2, 3).T * np.arange(6.0).reshape(3, 2)), [w])
