"""CategoricalHinge, BinaryFocalCrossentropy and CategoricalFocalCrossentropy: values against
NumPy formulas and against Keras 3, gradient checks, reductions and sample weights, configs,
names, ``losses.deserialize``, training by name and saving.

The Keras comparisons run only where keras (with its JAX backend) is installed; they skip
otherwise, saying so.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import numnet
from numnet import activations, losses
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

TOL = 1e-5
EPS = 1e-7

# ----------------------------------------------------------------------------- inputs

_RNG = np.random.default_rng(42)
LABELS = np.array([2, 0, 4, 1])
ONE_HOT = np.eye(5)[LABELS]
SIGNED = 2 * ONE_HOT - 1
BINARY = (_RNG.random((4, 5)) < 0.5).astype(np.float64)
SOFT = _RNG.uniform(0.0, 1.0, (4, 5))
DISTRIBUTION = SOFT / SOFT.sum(axis=-1, keepdims=True)
P = _RNG.uniform(0.05, 0.95, (4, 5))
Z = _RNG.uniform(-3.0, 3.0, (4, 5))
Z_HINGE = Z + 5 * ONE_HOT * np.array([[0], [1], [0], [1]])  # rows 1 and 3 past the margin
ALPHA = [0.1, 0.3, 0.2, 0.25, 0.15]
WEIGHTS = np.array([0.5, 2.0, 0.0, 1.5])


# ----------------------------------------------------------------------------- NumPy formulas


def np_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def np_log_softmax(z, axis=-1):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def np_categorical_hinge(y, p):
    pos = (y * p).sum(axis=-1)
    neg = ((1 - y) * p).max(axis=-1)
    return np.maximum(neg - pos + 1, 0)


def np_binary_focal(y, p, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                    from_logits=False, label_smoothing=0.0, axis=-1):
    y = y * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        bce = -(y * np.log(np_sigmoid(p)) + (1 - y) * np.log(np_sigmoid(-p)))
        p = np_sigmoid(p)
    else:
        q = np.clip(p, EPS, 1 - EPS)
        bce = -(y * np.log(q) + (1 - y) * np.log(1 - q))
    p_t = y * p + (1 - y) * (1 - p)
    focal = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        focal = focal * (y * alpha + (1 - y) * (1 - alpha))
    return focal.mean(axis=axis)


def np_categorical_focal(y, p, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                         axis=-1):
    y = y * (1 - label_smoothing) + label_smoothing / y.shape[axis]
    if from_logits:
        log_p = np_log_softmax(p, axis)
        p = np.exp(log_p)
    else:
        p = np.clip(p / p.sum(axis=axis, keepdims=True), EPS, 1 - EPS)
        log_p = np.log(p)
    return -(np.asarray(alpha) * (1 - p) ** gamma * y * log_p).sum(axis=axis)


def np_reduce(values, weights, reduction):
    weighted = values if weights is None else values * weights
    if reduction in ("none", None):
        return weighted
    if reduction == "sum":
        return weighted.sum()
    if reduction == "mean_with_sample_weight" and weights is not None:
        return weighted.sum() / weights.sum()
    return weighted.sum() / weighted.size


# name -> (loss function, its class, keyword arguments, y_true, y_pred, NumPy reference)
CASES = {
    "categorical_hinge": (
        losses.categorical_hinge, losses.CategoricalHinge, {}, ONE_HOT, Z_HINGE,
        np_categorical_hinge),
    "categorical_hinge_signed_labels": (
        losses.categorical_hinge, losses.CategoricalHinge, {}, SIGNED, Z_HINGE,
        np_categorical_hinge),
    "binary_focal": (
        losses.binary_focal_crossentropy, losses.BinaryFocalCrossentropy, {}, BINARY, P,
        np_binary_focal),
    "binary_focal_soft_labels": (
        losses.binary_focal_crossentropy, losses.BinaryFocalCrossentropy, {}, SOFT, P,
        np_binary_focal),
    "binary_focal_class_balancing": (
        losses.binary_focal_crossentropy, losses.BinaryFocalCrossentropy,
        {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0}, BINARY, P, np_binary_focal),
    "binary_focal_label_smoothing": (
        losses.binary_focal_crossentropy, losses.BinaryFocalCrossentropy,
        {"label_smoothing": 0.2, "gamma": 1.5}, BINARY, P, np_binary_focal),
    "binary_focal_from_logits": (
        losses.binary_focal_crossentropy, losses.BinaryFocalCrossentropy, {"from_logits": True},
        BINARY, Z, np_binary_focal),
    "binary_focal_from_logits_all_options": (
        losses.binary_focal_crossentropy, losses.BinaryFocalCrossentropy,
        {"from_logits": True, "apply_class_balancing": True, "alpha": 0.7, "gamma": 2.5,
         "label_smoothing": 0.1}, BINARY, Z, np_binary_focal),
    "binary_focal_axis0": (
        losses.binary_focal_crossentropy, losses.BinaryFocalCrossentropy, {"axis": 0},
        BINARY, P, np_binary_focal),
    "categorical_focal": (
        losses.categorical_focal_crossentropy, losses.CategoricalFocalCrossentropy, {},
        ONE_HOT, P, np_categorical_focal),
    "categorical_focal_soft_labels": (
        losses.categorical_focal_crossentropy, losses.CategoricalFocalCrossentropy,
        {"gamma": 1.0}, DISTRIBUTION, P, np_categorical_focal),
    "categorical_focal_alpha_per_class": (
        losses.categorical_focal_crossentropy, losses.CategoricalFocalCrossentropy,
        {"alpha": ALPHA, "gamma": 3.0}, ONE_HOT, P, np_categorical_focal),
    "categorical_focal_label_smoothing": (
        losses.categorical_focal_crossentropy, losses.CategoricalFocalCrossentropy,
        {"label_smoothing": 0.2}, ONE_HOT, P, np_categorical_focal),
    "categorical_focal_from_logits": (
        losses.categorical_focal_crossentropy, losses.CategoricalFocalCrossentropy,
        {"from_logits": True}, ONE_HOT, Z, np_categorical_focal),
    "categorical_focal_from_logits_all_options": (
        losses.categorical_focal_crossentropy, losses.CategoricalFocalCrossentropy,
        {"from_logits": True, "alpha": ALPHA, "gamma": 1.5, "label_smoothing": 0.1}, ONE_HOT, Z,
        np_categorical_focal),
    "categorical_focal_axis0": (
        losses.categorical_focal_crossentropy, losses.CategoricalFocalCrossentropy,
        {"axis": 0, "from_logits": True}, ONE_HOT, Z, np_categorical_focal),
}
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def _assert_checks(fn, inputs):
    error = check_gradients(fn, inputs)
    assert error < TOL, f"relative error {error:.3g}"


# ----------------------------------------------------------------------------- formulas


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_matches_its_formula(name):
    fn, _, kwargs, y_true, y_pred, reference = CASES[name]
    got = fn(y_true, Tensor(y_pred), **kwargs).numpy()
    np.testing.assert_allclose(got, reference(y_true, y_pred, **kwargs), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_class_reduces_with_sample_weights(name, reduction):
    _, cls, kwargs, y_true, y_pred, reference = CASES[name]
    values = reference(y_true, y_pred, **kwargs)
    loss = cls(reduction=reduction, **kwargs)
    weights = None if kwargs.get("axis") == 0 else WEIGHTS  # axis 0 leaves one value a class
    got = loss(y_true, Tensor(y_pred), sample_weight=weights).numpy()
    np.testing.assert_allclose(got, np_reduce(values, weights, reduction), rtol=1e-10,
                               atol=1e-12)


def test_small_examples_by_hand():
    # pos = 0.5 (the target's score), neg = 0.9 (the best other score): 0.9 - 0.5 + 1.
    got = losses.categorical_hinge([[0.0, 1.0, 0.0]], Tensor(np.array([[0.3, 0.5, 0.9]])))
    np.testing.assert_allclose(got.numpy(), [1.4], rtol=1e-12)
    # y = 1, p = 0.8: (1 - 0.8)^2 * -log 0.8; balanced: times alpha = 0.25.
    got = losses.binary_focal_crossentropy([[1.0]], Tensor(np.array([[0.8]])))
    np.testing.assert_allclose(got.numpy(), [0.04 * -np.log(0.8)], rtol=1e-12)
    got = losses.binary_focal_crossentropy([[1.0]], Tensor(np.array([[0.8]])),
                                           apply_class_balancing=True)
    np.testing.assert_allclose(got.numpy(), [0.25 * 0.04 * -np.log(0.8)], rtol=1e-12)
    # p = (0.2, 0.6, 0.2) after normalising (0.1, 0.3, 0.1); the target is the middle class.
    got = losses.categorical_focal_crossentropy([[0.0, 1.0, 0.0]],
                                                Tensor(np.array([[0.1, 0.3, 0.1]])))
    np.testing.assert_allclose(got.numpy(), [0.25 * 0.4**2 * -np.log(0.6)], rtol=1e-12)


def test_the_examples_of_keras_documentation():
    """The numbers Keras 3's docstrings print for these losses."""
    y, z = np.array([0, 1, 0, 0]), np.array([-18.6, 0.51, 2.94, -12.8])
    assert float(losses.BinaryFocalCrossentropy(gamma=2, from_logits=True)(y, z).numpy()) == \
        pytest.approx(0.691, abs=5e-4)
    balanced = losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=2,
                                              from_logits=True)
    assert float(balanced(y, z).numpy()) == pytest.approx(0.51, abs=5e-3)
    y, z = np.array([[0, 1], [0, 0]]), np.array([[-18.6, 0.51], [2.94, -12.8]])
    loss = losses.BinaryFocalCrossentropy(gamma=3, from_logits=True)
    assert float(loss(y, z).numpy()) == pytest.approx(0.647, abs=5e-4)
    assert float(loss(y, z, sample_weight=[0.8, 0.2]).numpy()) == pytest.approx(0.133, abs=5e-4)
    loss = losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=3, from_logits=True)
    assert float(loss(y, z).numpy()) == pytest.approx(0.482, abs=5e-4)
    assert float(loss(y, z, sample_weight=[0.8, 0.2]).numpy()) == pytest.approx(0.097, abs=5e-4)
    got = losses.binary_focal_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], gamma=2)
    np.testing.assert_allclose(got.numpy(), [0.330, 0.206], atol=5e-4)
    y, p = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    loss = losses.CategoricalFocalCrossentropy()
    assert float(loss(y, p).numpy()) == pytest.approx(0.23315276, rel=1e-5)
    assert float(loss(y, p, sample_weight=np.array([0.3, 0.7])).numpy()) == \
        pytest.approx(0.1632, abs=5e-5)
    got = losses.categorical_focal_crossentropy([[0, 1, 0], [0, 0, 1]],
                                                [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]])
    np.testing.assert_allclose(got.numpy(), [2.63401289e-04, 6.75912094e-01], rtol=1e-5)


def test_without_focusing_the_focal_losses_are_the_cross_entropies():
    np.testing.assert_allclose(
        losses.binary_focal_crossentropy(BINARY, Tensor(P), gamma=0.0).numpy(),
        losses.binary_crossentropy(BINARY, Tensor(P)).numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        losses.binary_focal_crossentropy(BINARY, Tensor(Z), gamma=0.0, from_logits=True,
                                         apply_class_balancing=True, alpha=0.5).numpy(),
        0.5 * losses.binary_crossentropy(BINARY, Tensor(Z), from_logits=True).numpy(),
        rtol=1e-12)
    np.testing.assert_allclose(
        losses.categorical_focal_crossentropy(ONE_HOT, Tensor(Z), alpha=1.0, gamma=0.0,
                                              from_logits=True, label_smoothing=0.1).numpy(),
        losses.categorical_crossentropy(ONE_HOT, Tensor(Z), from_logits=True,
                                        label_smoothing=0.1).numpy(), rtol=1e-12)


def test_targets_of_shape_n_fit_predictions_of_shape_n_1():
    y, p = BINARY[:, 0], P[:, :1]
    got = losses.binary_focal_crossentropy(y, Tensor(p)).numpy()
    np.testing.assert_allclose(got, np_binary_focal(y[:, None], p), rtol=1e-12)
    assert got.shape == (4,)


def test_categorical_hinge_over_the_last_axis_of_sequences():
    y = np.eye(3)[np.array([[0, 2], [1, 1]])]
    p = _RNG.normal(size=(2, 2, 3))
    got = losses.categorical_hinge(y, Tensor(p)).numpy()
    assert got.shape == (2, 2)
    np.testing.assert_allclose(got, np_categorical_hinge(y, p), rtol=1e-12)


# ----------------------------------------------------------------------------- gradients


def test_the_hinge_inputs_are_away_from_its_kinks():
    """The gradient check needs neg - pos + 1 away from 0 and no tie for the largest score."""
    for y in (ONE_HOT, SIGNED):
        scores = (1 - y) * Z_HINGE
        top_two = np.sort(scores, axis=-1)[:, -2:]
        assert np.all(top_two[:, 1] - top_two[:, 0] > 0.05)
        margin = scores.max(axis=-1) - (y * Z_HINGE).sum(axis=-1) + 1
        assert np.all(np.abs(margin) > 0.05)
        assert (margin > 0).any() and (margin < 0).any()  # both sides of max(., 0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_gradient(name):
    fn, _, kwargs, y_true, y_pred, _ = CASES[name]
    _assert_checks(lambda p: fn(y_true, p, **kwargs), [y_pred])


@pytest.mark.parametrize("name", sorted(CASES))
def test_reduced_loss_gradient_with_sample_weights(name):
    _, cls, kwargs, y_true, y_pred, _ = CASES[name]
    weights = None if kwargs.get("axis") == 0 else WEIGHTS
    loss = cls(reduction="sum_over_batch_size", **kwargs)
    _assert_checks(lambda p: loss(y_true, p, sample_weight=weights), [y_pred])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_keeps_dtype(name, dtype):
    fn, _, kwargs, y_true, y_pred, _ = CASES[name]
    p = Tensor(np.asarray(y_pred, dtype=dtype), requires_grad=True)
    out = fn(y_true, p, **kwargs)
    assert out.dtype == dtype
    out.backward(np.ones(out.shape, dtype=dtype))
    assert p.grad is not None and p.grad.dtype == dtype and p.grad.shape == p.shape


def _value_and_grad(loss_fn, z):
    z = Tensor(np.array(z, dtype=np.float64), requires_grad=True)
    loss = ops.sum(loss_fn(z))
    loss.backward()
    return loss.item(), z.grad


def _plain_sigmoid(z):
    """sigmoid without the record of its logits: the plain-probability path."""
    return ops.divide(1.0, ops.add(ops.exp(ops.negative(z)), 1.0))


def _plain_softmax(z):
    return ops.exp(ops.log_softmax(z))


@pytest.mark.parametrize("kind", ["binary", "categorical"])
def test_probabilities_from_the_activation_take_the_logits_path(kind):
    """Probabilities straight from a sigmoid / softmax give the values and gradients of the
    plain-probability path (to rounding) and of from_logits=True on the logits (exactly)."""
    if kind == "binary":
        def loss(p, **kw):
            return losses.binary_focal_crossentropy(BINARY, p, apply_class_balancing=True,
                                                    label_smoothing=0.1, **kw)
        act, plain = activations.sigmoid, _plain_sigmoid
    else:
        def loss(p, **kw):
            return losses.categorical_focal_crossentropy(ONE_HOT, p, alpha=ALPHA,
                                                         label_smoothing=0.1, **kw)
        act, plain = activations.softmax, _plain_softmax
    value, grad = _value_and_grad(lambda z: loss(act(z)), Z)
    plain_value, plain_grad = _value_and_grad(lambda z: loss(plain(z)), Z)
    logits_value, logits_grad = _value_and_grad(lambda z: loss(z, from_logits=True), Z)
    assert value == pytest.approx(plain_value, rel=1e-12)
    np.testing.assert_allclose(grad, plain_grad, rtol=1e-9, atol=1e-12)
    assert value == pytest.approx(logits_value, rel=1e-12)
    np.testing.assert_allclose(grad, logits_grad, rtol=1e-9, atol=1e-12)


def test_confident_wrong_logits_keep_a_finite_loss_and_gradient():
    """From logits the cross-entropy term is log-sigmoid: at z = -30 for y = 1 the loss is about
    30 and its slope about -1 (clipped probabilities would give 16.1 and no slope)."""
    value, grad = _value_and_grad(
        lambda z: losses.binary_focal_crossentropy(np.array([[1.0]]), z, from_logits=True),
        [[-30.0]])
    assert value == pytest.approx(30.0, rel=1e-9)
    np.testing.assert_allclose(grad, [[-1.0]], rtol=1e-9)
    value, grad = _value_and_grad(
        lambda z: losses.categorical_focal_crossentropy(np.array([[1.0, 0.0]]), z,
                                                        from_logits=True, alpha=1.0),
        [[-30.0, 30.0]])
    assert value == pytest.approx(60.0, rel=1e-9)
    np.testing.assert_allclose(grad, [[-1.0, 1.0]], rtol=1e-9)


# ----------------------------------------------------------------------------- bad input


def test_labels_that_do_not_fit_name_the_loss_and_the_fix():
    with pytest.raises(ValueError, match=r"categorical_hinge: y_true of shape \(4,\) does not fit "
                                         r"y_pred of shape \(4, 5\).*to_categorical"):
        losses.categorical_hinge(LABELS, Tensor(Z))
    with pytest.raises(ValueError, match=r"categorical_focal_crossentropy: y_true of shape "
                                         r"\(4,\).*one-hot.*to_categorical"):
        losses.CategoricalFocalCrossentropy()(LABELS, P)
    with pytest.raises(ValueError, match=r"binary_focal_crossentropy: y_true of shape \(4, 3\) "
                                         r"does not fit y_pred of shape \(4, 5\).*Reshape y"):
        losses.binary_focal_crossentropy(BINARY[:, :3], Tensor(P))


def test_integer_labels_given_to_the_categorical_focal_loss_stop_fit():
    model = numnet.Sequential([numnet.layers.Dense(3, activation="softmax", input_shape=(4,))])
    model.compile("sgd", loss="categorical_focal_crossentropy")
    with pytest.raises(ValueError, match=r"one-hot labels of shape \(N, 3\).*to_categorical"):
        model.fit(np.zeros((6, 4), "float32"), np.array([0, 1, 2, 0, 1, 2]), verbose=0)


@pytest.mark.parametrize("alpha", [[0.5, 0.5], [[0.1] * 5], "balanced"])
def test_alpha_that_is_not_one_weight_per_class(alpha):
    with pytest.raises(ValueError, match=r"categorical_focal_crossentropy\(alpha\): expected a "
                                         r"float or one weight per class \(5 values"):
        losses.categorical_focal_crossentropy(ONE_HOT, Tensor(P), alpha=alpha)


def test_unknown_arguments_and_names_suggest_the_closest():
    with pytest.raises(TypeError, match="unexpected keyword argument 'gama'.*'gamma'"):
        losses.BinaryFocalCrossentropy(gama=3.0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'apply_class_balancing'"):
        losses.CategoricalFocalCrossentropy(apply_class_balancing=True)
    with pytest.raises(ValueError, match="'binary_focal_crossentropy'"):
        losses.get("binary_focal_crossentropi")
    with pytest.raises(ValueError, match=r"reduction\): expected one of"):
        losses.CategoricalHinge(reduction="average")


# ----------------------------------------------------------------------------- names, configs


KERAS_CONFIGS = {  # Keras 3's get_config() of each class with its defaults
    "CategoricalHinge": {"name": "categorical_hinge", "reduction": "sum_over_batch_size"},
    "BinaryFocalCrossentropy": {
        "name": "binary_focal_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": False, "label_smoothing": 0.0, "axis": -1,
        "apply_class_balancing": False, "alpha": 0.25, "gamma": 2.0},
    "CategoricalFocalCrossentropy": {
        "name": "categorical_focal_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": False, "label_smoothing": 0.0, "axis": -1, "alpha": 0.25, "gamma": 2.0},
}
NON_DEFAULT = [
    losses.CategoricalHinge(reduction="sum", name="ch"),
    losses.BinaryFocalCrossentropy(True, 0.4, 3.0, True, 0.1, -1, reduction="none", name="bf"),
    losses.CategoricalFocalCrossentropy(alpha=ALPHA, gamma=1.5, from_logits=True,
                                        label_smoothing=0.2, reduction="mean_with_sample_weight"),
]


@pytest.mark.parametrize("class_name", sorted(KERAS_CONFIGS))
def test_default_config_is_keras(class_name):
    loss = getattr(losses, class_name)()
    assert loss.get_config() == KERAS_CONFIGS[class_name]
    assert loss.name == KERAS_CONFIGS[class_name]["name"]
    assert loss.dtype is None


def test_positional_arguments_follow_keras_order():
    loss = NON_DEFAULT[1]
    assert (loss.apply_class_balancing, loss.alpha, loss.gamma, loss.from_logits,
            loss.label_smoothing, loss.axis) == (True, 0.4, 3.0, True, 0.1, -1)
    assert loss.name == "bf" and loss.reduction == "none"


@pytest.mark.parametrize("loss", NON_DEFAULT, ids=lambda loss: type(loss).__name__)
def test_config_round_trips_through_json_and_computes_the_same(loss):
    config = json.loads(json.dumps(loss.get_config()))
    clone = type(loss).from_config(config)
    assert clone.get_config() == loss.get_config()
    y_true = ONE_HOT if not isinstance(loss, losses.BinaryFocalCrossentropy) else BINARY
    np.testing.assert_array_equal(clone(y_true, Z, sample_weight=WEIGHTS).numpy(),
                                  loss(y_true, Z, sample_weight=WEIGHTS).numpy())
    again = losses.deserialize(losses.serialize(loss))
    assert type(again) is type(loss) and again.get_config() == loss.get_config()


NAMES = {
    "categorical_hinge": losses.CategoricalHinge,
    "binary_focal_crossentropy": losses.BinaryFocalCrossentropy,
    "categorical_focal_crossentropy": losses.CategoricalFocalCrossentropy,
}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_names_resolve_as_in_keras(name):
    cls = NAMES[name]
    fn = getattr(losses, name)
    # compile(loss=...) reads a name as a Loss object of the function's class
    by_name = losses.loss_object(name)
    assert type(by_name) is cls and by_name.name == name and by_name.fn is fn
    assert type(losses.loss_object(fn)) is cls and losses.loss_object(fn).name == name
    # keras.losses.get: the function for its name, an object for a class name or a config
    assert losses.get(name) is fn and losses.get(fn) is fn
    assert type(losses.get(cls.__name__)) is cls
    assert type(losses.get({"class_name": cls.__name__, "config": {}})) is cls
    # deserialize gives the function for a function's name, an instance for a class name.
    assert losses.deserialize(name) is fn
    assert losses.deserialize({"class_name": "function", "config": name}) is fn
    assert type(losses.deserialize(cls.__name__)) is cls
    import numnet as keras

    assert getattr(keras.losses, cls.__name__) is cls


def test_deserialize_reads_keras_style_entries_and_custom_objects():
    entry = {"module": "keras.losses", "class_name": "BinaryFocalCrossentropy",
             "config": {"name": "binary_focal_crossentropy", "reduction": "sum",
                        "from_logits": True, "label_smoothing": 0.0, "axis": -1,
                        "apply_class_balancing": True, "alpha": 0.3, "gamma": 4.0},
             "registered_name": None}
    loss = losses.deserialize(entry)
    assert isinstance(loss, losses.BinaryFocalCrossentropy)
    assert (loss.gamma, loss.alpha, loss.apply_class_balancing, loss.reduction) == \
        (4.0, 0.3, True, "sum")
    assert losses.deserialize(None) is None
    assert losses.deserialize("mse") is losses.mean_squared_error

    def doubled(y_true, y_pred):
        return ops.multiply(losses.mean_squared_error(y_true, y_pred), 2.0)

    class Scaled(losses.MeanSquaredError):
        pass

    assert losses.deserialize("doubled", custom_objects={"doubled": doubled}) is doubled
    custom = losses.deserialize({"class_name": "Scaled", "config": {"name": "s"}},
                                custom_objects={"Scaled": Scaled})
    assert type(custom) is Scaled and custom.name == "s"


def test_deserialize_errors_name_what_was_given_and_the_fix():
    with pytest.raises(ValueError, match=r"unknown class_name 'Focal'.*custom_objects="):
        losses.deserialize({"class_name": "Focal", "config": {}})
    with pytest.raises(ValueError, match=r"unknown name 'categorical_hing'.*Did you mean "
                                         r"'categorical_hinge'"):
        losses.deserialize("categorical_hing")
    with pytest.raises(TypeError, match=r"deserialize\(config\): expected a loss name or a "
                                        r"dict with a 'class_name'.*given int 3"):
        losses.deserialize(3)
    with pytest.raises(TypeError, match="a function is named by a string"):
        losses.deserialize({"class_name": "function", "config": 5})


# ----------------------------------------------------------------------------- training, saving


def _data(kind):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(96, 6)).astype("float32")
    score = x @ rng.normal(size=(6, 3)).astype("float32")
    if kind == "binary":
        return x, (score > 0).astype("float32")
    return x, np.eye(3, dtype="float32")[score.argmax(axis=1)]


TRAINING = {  # loss name -> (target kind, output activation)
    "binary_focal_crossentropy": ("binary", "sigmoid"),
    "categorical_focal_crossentropy": ("categorical", "softmax"),
    "categorical_hinge": ("categorical", "linear"),
}


def _model(name, loss=None):
    kind, activation = TRAINING[name]
    numnet.utils.set_random_seed(1)
    model = numnet.Sequential([
        numnet.layers.Dense(16, activation="tanh", input_shape=(6,)),
        numnet.layers.Dense(3, activation=activation),
    ])
    model.compile(optimizer=numnet.optimizers.Adam(0.01), loss=loss or name)
    return model


@pytest.mark.parametrize("name", sorted(TRAINING))
def test_compile_by_name_and_fit(name):
    model = _model(name)
    assert model.loss == name and type(model._loss_obj) is NAMES[name]
    x, y = _data(TRAINING[name][0])
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0).history["loss"]
    assert np.all(np.isfinite(history))
    assert history[-1] < 0.6 * history[0]
    # The reported loss is the loss of the model's outputs.
    expected = NAMES[name]()(y, model.predict(x, verbose=0))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(float(expected.numpy()), rel=1e-5)


@pytest.mark.parametrize("name", sorted(TRAINING))
@pytest.mark.parametrize("as_object", [False, True], ids=["by_name", "object"])
def test_saved_model_keeps_the_loss_and_resumes_exactly(tmp_path, name, as_object):
    loss = None
    if as_object:
        loss = {"binary_focal_crossentropy": losses.BinaryFocalCrossentropy(
                    apply_class_balancing=True, alpha=0.4, gamma=3.0, label_smoothing=0.1),
                "categorical_focal_crossentropy": losses.CategoricalFocalCrossentropy(
                    alpha=[0.2, 0.5, 0.3], gamma=1.5, reduction="sum"),
                "categorical_hinge": losses.CategoricalHinge(reduction="sum", name="ch")}[name]
    model = _model(name, loss)
    x, y = _data(TRAINING[name][0])
    for _ in range(3):
        model.train_on_batch(x[:32], y[:32])
    model.save(tmp_path / "m.numnet")
    loaded = numnet.models.load_model(tmp_path / "m.numnet")
    assert type(loaded._loss_obj) is NAMES[name]
    assert loaded._loss_obj.get_config() == model._loss_obj.get_config()
    for step in range(3):
        batch = slice(32, 64) if step % 2 else slice(0, 32)
        assert loaded.train_on_batch(x[batch], y[batch]) == \
            model.train_on_batch(x[batch], y[batch])
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- against Keras 3


@pytest.fixture(scope="module")
def keras():
    """Keras 3 on its JAX backend; the tests that use it skip where it is not installed."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="the Keras comparison runs Keras on its JAX backend")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


def _f32(a):
    return np.asarray(a, dtype=np.float32)


KERAS_CASES = {name: case for name, case in CASES.items() if "axis0" not in name}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("name", sorted(KERAS_CASES))
def test_values_match_keras(keras, name, weighted, reduction):
    _, cls, kwargs, y_true, y_pred, _ = KERAS_CASES[name]
    weights = _f32(WEIGHTS) if weighted else None
    expected = getattr(keras.losses, cls.__name__)(reduction=reduction, **kwargs)(
        _f32(y_true), _f32(y_pred), sample_weight=weights)
    got = cls(reduction=reduction, **kwargs)(_f32(y_true), _f32(y_pred), sample_weight=weights)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), np.asarray(expected), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(KERAS_CASES))
def test_gradients_match_keras(keras, name):
    import jax

    _, cls, kwargs, y_true, y_pred, _ = KERAS_CASES[name]
    keras_loss = getattr(keras.losses, cls.__name__)(**kwargs)
    expected = jax.grad(lambda p: keras_loss(_f32(y_true), p, sample_weight=_f32(WEIGHTS)))(
        _f32(y_pred))
    p = Tensor(_f32(y_pred), requires_grad=True)
    cls(**kwargs)(_f32(y_true), p, sample_weight=_f32(WEIGHTS)).backward()
    np.testing.assert_allclose(p.grad, np.asarray(expected), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_functions_match_keras_on_sequences(keras, name):
    """The function forms on (batch, steps, classes) inputs, each step a sample of its own."""
    fn, _, kwargs, y_true, y_pred, _ = CASES[name]
    y3, p3 = _f32(y_true).reshape(2, 2, 5), _f32(y_pred).reshape(2, 2, 5)
    expected = getattr(keras.losses, fn.__name__)(y3, p3, **kwargs)
    np.testing.assert_allclose(fn(y3, Tensor(p3), **kwargs).numpy(), np.asarray(expected),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")  # Keras's own
@pytest.mark.parametrize("name", sorted(TRAINING))
def test_training_by_name_follows_keras(keras, name):
    """The same model, weights and batches compiled with the loss's name in both libraries."""
    kind, activation = TRAINING[name]
    x, y = _data(kind)

    def build(lib):
        return lib.Sequential([lib.layers.Input(shape=(6,)),
                               lib.layers.Dense(16, activation="tanh"),
                               lib.layers.Dense(3, activation=activation)])

    keras.utils.set_random_seed(5)
    keras_model, numnet_model = build(keras), build(numnet)
    keras_model.compile(optimizer=keras.optimizers.SGD(0.1), loss=name)
    numnet_model.compile(optimizer=numnet.optimizers.SGD(0.1), loss=name)
    numnet_model.set_weights(keras_model.get_weights())
    expected, got = [], []
    for step in range(20):
        batch = slice((step * 16) % 80, (step * 16) % 80 + 16)
        expected.append(float(keras_model.train_on_batch(x[batch], y[batch])))
        got.append(float(numnet_model.train_on_batch(x[batch], y[batch])))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)
    assert np.mean(expected[-5:]) < np.mean(expected[:5])
    for k, n in zip(keras_model.get_weights(), numnet_model.get_weights(), strict=True):
        np.testing.assert_allclose(n, k, atol=1e-5)


@pytest.mark.parametrize("class_name", sorted(KERAS_CONFIGS))
def test_configs_and_names_match_keras(keras, class_name):
    assert getattr(keras.losses, class_name)().get_config() == KERAS_CONFIGS[class_name]
    loss = getattr(keras.losses, class_name)(reduction="sum", name="x")
    assert getattr(losses, class_name).from_config(loss.get_config()).get_config() == \
        loss.get_config()
    entry = keras.losses.serialize(loss)
    assert losses.deserialize(entry).get_config() == loss.get_config()
    fn_name = KERAS_CONFIGS[class_name]["name"]
    assert keras.losses.deserialize(fn_name).__name__ == losses.deserialize(fn_name).__name__


def test_keras_short_names_of_binary_crossentropy():
    for name in ("bce", "BCE"):
        assert losses.get(name) is losses.binary_crossentropy
        assert losses.loss_object(name).fn is losses.binary_crossentropy
    y, p = np.array([[1.0], [0.0]], "float32"), np.array([[0.9], [0.2]], "float32")
    expected = -(np.log(0.9) + np.log(0.8)) / 2
    np.testing.assert_allclose(float(losses.loss_object("bce")(y, p)), expected, rtol=1e-6)
    # the function itself: one value a sample, as Keras's get("bce") gives
    np.testing.assert_allclose(np.asarray(losses.get("bce")(y, p)),
                               [-np.log(0.9), -np.log(0.8)], rtol=1e-6)


def test_a_loss_that_overrides_call_itself_is_what_fit_minimizes():
    # Keras's compile calls the loss object, so a subclass may override __call__ instead of
    # call (the supervised contrastive example's loss); a built-in's fused path must not skip it
    class ThreeMeanAbs(numnet.losses.Loss):
        def __call__(self, y_true, y_pred, sample_weight=None):
            return 3.0 * numnet.ops.mean(numnet.ops.abs(y_pred - y_true))

    class DoubleMse(numnet.losses.MeanSquaredError):
        def __call__(self, y_true, y_pred, sample_weight=None):
            return 2.0 * super().__call__(y_true, y_pred, sample_weight)

    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], "float32")
    y = np.array([[1.0], [0.0], [2.0]], "float32")
    w = np.array([[0.5], [-0.25]], "float32")
    pred = x @ w
    for loss, value, grad in (
            (ThreeMeanAbs(), 3.0 * np.mean(np.abs(pred - y)),
             3.0 * x.T @ np.sign(pred - y) / 3),
            (DoubleMse(), 2.0 * np.mean((pred - y) ** 2), 2.0 * x.T @ (2 * (pred - y)) / 3)):
        model = numnet.Sequential([numnet.Input((2,)), numnet.layers.Dense(1, use_bias=False)])
        model.set_weights([w])
        model.compile(optimizer=numnet.optimizers.SGD(0.1), loss=loss)
        history = model.fit(x, y, batch_size=3, epochs=1, shuffle=False, verbose=0)
        np.testing.assert_allclose(history.history["loss"][0], value, rtol=1e-6)
        np.testing.assert_allclose(model.get_weights()[0], w - 0.1 * grad, rtol=1e-6)
        np.testing.assert_allclose(model.evaluate(x, y, verbose=0), float(loss(y, model(x))),
                                   rtol=1e-6)


def test_a_loss_function_of_one_s_own_gets_targets_of_the_prediction_s_rank():
    """As Keras's LossFunctionWrapper: y (n,) meets a (n, 1) prediction as (n, 1) before the
    function runs, so a mean over axis 0 is not taken over an (n, n) broadcast."""
    def column_mse(y_true, y_pred):
        return numnet.ops.mean(numnet.ops.square(y_true - y_pred), axis=0)

    model = numnet.Sequential([numnet.Input((1,)),
                               numnet.layers.Dense(1, kernel_initializer="ones")])
    model.compile("sgd", column_mse)
    x, y = np.array([[1.0], [2.0], [3.0]], "float32"), np.array([1.0, 2.0, 5.0], "float32")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(4.0 / 3.0)
    wrapped = numnet.losses.LossFunctionWrapper(column_mse)
    assert float(wrapped(y, x)) == pytest.approx(4.0 / 3.0)


def test_a_sample_weight_with_more_axes_than_the_loss_values_is_refused_clearly():
    mse = numnet.losses.MeanSquaredError()
    y = np.ones((4, 3), "float32")
    with pytest.raises(ValueError, match=r"sample_weight of shape \(4, 3\) has more axes than "
                                         r"the loss's values \(4,\)"):
        mse(y, np.zeros_like(y), sample_weight=np.ones((4, 3)))
    assert float(mse(y, np.zeros_like(y), sample_weight=np.full((4, 1), 0.5))) == 0.5
