"""Gradients of the losses with respect to y_true, when y_true is a Tensor that needs one.

Keras differentiates a loss with respect to both arguments: in distillation the teacher's
softmax is y_true, and an unfrozen teacher is trained through it. Checked here: central
differences (float64) of every loss whose targets are real numbers, for the probabilities, the
logits and the stable path through a sigmoid's or softmax's logits; Keras on JAX (where installed)
for the same gradients; the Loss classes (reductions, sample weights, wrappers); a GradientTape
over a teacher's weights; and that constant targets still take the fused nodes, with no node
added to the tape.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import activations, losses
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor, _topological_order, no_grad

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

TOL = 1e-6

_RNG = np.random.default_rng(7)
N, K = 4, 5
REAL_T = _RNG.normal(size=(N, K))                                 # regression targets
REAL_P = _RNG.normal(size=(N, K))
POS_T = _RNG.uniform(0.2, 3.0, (N, K))                            # counts, rates, log targets
POS_P = _RNG.uniform(0.2, 3.0, (N, K))
SOFT = _RNG.uniform(0.05, 0.95, (N, K))                           # soft binary targets
P = _RNG.uniform(0.05, 0.95, (N, K))                              # binary probabilities
Z = _RNG.uniform(-3.0, 3.0, (N, K))                               # logits
DIST_T = np.exp(_RNG.normal(size=(N, K)))
DIST_T /= DIST_T.sum(axis=-1, keepdims=True)                      # soft class targets
DIST_P = np.exp(_RNG.normal(size=(N, K)))
DIST_P /= DIST_P.sum(axis=-1, keepdims=True)
BINARY = (_RNG.random((N, K)) < 0.5).astype(np.float64)
DIST_T3 = np.exp(_RNG.normal(size=(2, 3, 4)))
DIST_T3 /= DIST_T3.sum(axis=1, keepdims=True)                     # classes on axis 1
Z3 = _RNG.uniform(-3.0, 3.0, (2, 3, 4))
COLUMN_T = _RNG.normal(size=(N,))                                 # (N,) against (N, 1)
COLUMN_P = _RNG.normal(size=(N, 1))
ALPHA = [0.1, 0.3, 0.2, 0.25, 0.15]


def _probabilities(y_pred):
    return y_pred


def _sigmoid_of(z):
    return activations.sigmoid(z)          # a sigmoid output: the loss takes its logits


def _softmax_of(z):
    return activations.softmax(z)          # a softmax output: the loss takes its logits


def _softmax_axis_1(z):
    return activations.softmax(z, axis=1)


# name -> (loss function, keyword arguments, y_true, the array y_pred is made from, how)
CASES = {
    "mse": (losses.mean_squared_error, {}, REAL_T, REAL_P, _probabilities),
    "mse_column": (losses.mean_squared_error, {}, COLUMN_T, COLUMN_P, _probabilities),
    "mae": (losses.mean_absolute_error, {}, REAL_T, REAL_P, _probabilities),
    "mape": (losses.mean_absolute_percentage_error, {}, REAL_T, REAL_P, _probabilities),
    "msle": (losses.mean_squared_logarithmic_error, {}, POS_T, POS_P, _probabilities),
    "huber": (losses.huber, {}, REAL_T, REAL_P, _probabilities),
    "huber_delta": (losses.huber, {"delta": 0.4}, REAL_T, REAL_P, _probabilities),
    "log_cosh": (losses.log_cosh, {}, REAL_T, REAL_P, _probabilities),
    "bce": (losses.binary_crossentropy, {}, SOFT, P, _probabilities),
    "bce_smoothing": (losses.binary_crossentropy, {"label_smoothing": 0.2}, SOFT, P,
                      _probabilities),
    "bce_logits": (losses.binary_crossentropy, {"from_logits": True}, SOFT, Z, _probabilities),
    "bce_logits_smoothing": (losses.binary_crossentropy,
                             {"from_logits": True, "label_smoothing": 0.1}, SOFT, Z,
                             _probabilities),
    "bce_sigmoid_output": (losses.binary_crossentropy, {}, SOFT, Z, _sigmoid_of),
    "cce": (losses.categorical_crossentropy, {}, DIST_T, DIST_P, _probabilities),
    "cce_unnormalized": (losses.categorical_crossentropy, {}, DIST_T, POS_P, _probabilities),
    "cce_smoothing": (losses.categorical_crossentropy, {"label_smoothing": 0.2}, DIST_T, DIST_P,
                      _probabilities),
    "cce_logits": (losses.categorical_crossentropy, {"from_logits": True}, DIST_T, Z,
                   _probabilities),
    "cce_logits_smoothing": (losses.categorical_crossentropy,
                             {"from_logits": True, "label_smoothing": 0.1}, DIST_T, Z,
                             _probabilities),
    "cce_softmax_output": (losses.categorical_crossentropy, {}, DIST_T, Z, _softmax_of),
    "cce_axis_1_logits": (losses.categorical_crossentropy, {"from_logits": True, "axis": 1},
                          DIST_T3, Z3, _probabilities),
    "cce_axis_1_softmax_output": (losses.categorical_crossentropy, {"axis": 1}, DIST_T3, Z3,
                                  _softmax_axis_1),
    "binary_focal": (losses.binary_focal_crossentropy, {}, SOFT, P, _probabilities),
    "binary_focal_balanced": (losses.binary_focal_crossentropy,
                              {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5,
                               "label_smoothing": 0.1}, SOFT, P, _probabilities),
    "binary_focal_logits": (losses.binary_focal_crossentropy,
                            {"from_logits": True, "apply_class_balancing": True}, SOFT, Z,
                            _probabilities),
    "binary_focal_sigmoid_output": (losses.binary_focal_crossentropy, {"gamma": 3.0}, SOFT, Z,
                                    _sigmoid_of),
    "categorical_focal": (losses.categorical_focal_crossentropy, {}, DIST_T, DIST_P,
                          _probabilities),
    "categorical_focal_alpha": (losses.categorical_focal_crossentropy,
                                {"alpha": ALPHA, "gamma": 1.0, "label_smoothing": 0.1}, DIST_T,
                                DIST_P, _probabilities),
    "categorical_focal_logits": (losses.categorical_focal_crossentropy, {"from_logits": True},
                                 DIST_T, Z, _probabilities),
    "categorical_focal_softmax_output": (losses.categorical_focal_crossentropy, {}, DIST_T, Z,
                                         _softmax_of),
    "kl_divergence": (losses.kl_divergence, {}, DIST_T, DIST_P, _probabilities),
    "kl_divergence_softmax_output": (losses.kl_divergence, {}, DIST_T, Z, _softmax_of),
    "poisson": (losses.poisson, {}, POS_T, POS_P, _probabilities),
    "cosine_similarity": (losses.cosine_similarity, {}, REAL_T, REAL_P, _probabilities),
    "cosine_similarity_axis_0": (losses.cosine_similarity, {"axis": 0}, REAL_T, REAL_P,
                                 _probabilities),
    "hinge": (losses.hinge, {}, REAL_T, REAL_P, _probabilities),
    "squared_hinge": (losses.squared_hinge, {}, REAL_T, REAL_P, _probabilities),
    "categorical_hinge": (losses.categorical_hinge, {}, DIST_T, REAL_P, _probabilities),
}


def _loss_of(name):
    fn, kwargs, _, _, make = CASES[name]
    return lambda y_true, raw: fn(y_true, make(raw), **kwargs)


# ----------------------------------------------------------------------------- central differences


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_with_respect_to_y_true_matches_central_differences(name):
    """Both gradients (y_true's, and y_pred's or its logits') against central differences of
    the loss with constant targets, in float64."""
    _, _, y_true, raw, _ = CASES[name]
    assert check_gradients(_loss_of(name), [y_true, raw]) < TOL


@pytest.mark.parametrize("name", sorted(CASES))
def test_differentiated_targets_give_the_constant_targets_values(name):
    _, _, y_true, raw, _ = CASES[name]
    loss = _loss_of(name)
    moving = loss(Tensor(y_true.copy(), requires_grad=True), Tensor(raw.copy()))
    fixed = loss(y_true, Tensor(raw.copy()))
    assert moving.dtype == np.float64
    np.testing.assert_allclose(moving.numpy(), fixed.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_y_true_gradient_is_nonzero(name):
    """A check that could not pass with targets taken as constants."""
    _, _, y_true, raw, _ = CASES[name]
    target = Tensor(y_true.copy(), requires_grad=True)
    ops.sum(_loss_of(name)(target, Tensor(raw.copy()))).backward()
    assert target.grad is not None and np.abs(target.grad).max() > 1e-3


def test_gradient_of_mean_squared_error_by_hand():
    """d/dy mean((p - y)^2) = -2 (p - y) / K."""
    target = Tensor(REAL_T.copy(), requires_grad=True)
    ops.sum(losses.mean_squared_error(target, Tensor(REAL_P))).backward()
    np.testing.assert_allclose(target.grad, -2 * (REAL_P - REAL_T) / K, rtol=1e-12)


def test_gradient_of_cross_entropy_from_logits_by_hand():
    """d/dy -sum_j y_j log softmax(z)_j = -log softmax(z); d/dz = softmax(z) sum_j y_j - y."""
    target = Tensor(DIST_T.copy(), requires_grad=True)
    logits = Tensor(Z.copy(), requires_grad=True)
    ops.sum(losses.categorical_crossentropy(target, logits, from_logits=True)).backward()
    shifted = Z - Z.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(target.grad, -log_p, rtol=1e-12)
    np.testing.assert_allclose(logits.grad, np.exp(log_p) - DIST_T, rtol=1e-10, atol=1e-12)


def test_gradient_of_binary_cross_entropy_through_a_sigmoid_by_hand():
    """d/dy [softplus(z) - y z] = -z, the same as -log p + log(1 - p) for p = sigmoid(z)."""
    target = Tensor(SOFT.copy(), requires_grad=True)
    logits = Tensor(Z.copy(), requires_grad=True)
    ops.sum(losses.binary_crossentropy(target, activations.sigmoid(logits))).backward()
    np.testing.assert_allclose(target.grad, -Z / K, rtol=1e-12)
    np.testing.assert_allclose(logits.grad, (1 / (1 + np.exp(-Z)) - SOFT) / K, rtol=1e-10)


def test_hinge_gradient_at_zero_one_labels_carries_the_factor_of_the_mapping():
    """Labels in {0, 1} become 2 y - 1, so d/dy is twice d/dy' at y' = 2 y - 1."""
    for fn in (losses.hinge, losses.squared_hinge):
        zero_one = Tensor(BINARY.copy(), requires_grad=True)
        ops.sum(fn(zero_one, Tensor(REAL_P))).backward()
        signed = Tensor(2 * BINARY - 1, requires_grad=True)
        ops.sum(fn(signed, Tensor(REAL_P))).backward()
        assert np.abs(signed.grad).max() > 0.01
        np.testing.assert_allclose(zero_one.grad, 2 * signed.grad, rtol=1e-12)


def test_targets_of_another_float_type_are_cast_on_the_tape():
    """float64 targets against float32 predictions: the loss is float32, the targets' gradient
    float64 (cast back), equal to the float32 targets' gradient."""
    wide = Tensor(DIST_T.copy(), requires_grad=True)
    narrow = Tensor(DIST_T.astype("float32"), requires_grad=True)
    logits = Z.astype("float32")
    for target in (wide, narrow):
        loss = ops.sum(losses.kl_divergence(target, activations.softmax(Tensor(logits))))
        assert loss.dtype == np.float32
        loss.backward()
    assert wide.grad.dtype == np.float64 and narrow.grad.dtype == np.float32
    np.testing.assert_allclose(wide.grad, narrow.grad, rtol=1e-6)


def test_integer_labels_of_the_sparse_loss_stay_constants():
    labels = Tensor(np.array([1.0, 0.0, 4.0, 2.0]), requires_grad=True)
    logits = Tensor(Z.copy(), requires_grad=True)
    ops.sum(losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)).backward()
    assert labels.grad is None and logits.grad is not None


# ----------------------------------------------------------------------------- constant targets


def _node_count(tensor) -> int:
    """The nodes with a backward that ``tensor`` depends on (itself included)."""
    return len(_topological_order(tensor))


@pytest.mark.parametrize("name", sorted(CASES))
def test_constant_targets_add_no_node_to_the_tape(name):
    """Targets given as arrays, or as Tensors that need no gradient, build the same tape."""
    _, _, y_true, raw, _ = CASES[name]
    loss = _loss_of(name)
    from_array = loss(y_true, Tensor(raw.copy(), requires_grad=True))
    from_tensor = loss(Tensor(y_true.copy()), Tensor(raw.copy(), requires_grad=True))
    assert _node_count(from_array) == _node_count(from_tensor)
    np.testing.assert_array_equal(from_array.numpy(), from_tensor.numpy())


@pytest.mark.parametrize("name, nodes", [
    ("mse", 3),                    # subtract, square, mean
    ("kl_divergence", 5),          # clip, log, subtract, multiply, sum
    ("cce_logits", 1),             # the fused node
    ("cce_softmax_output", 2),     # the softmax, then the fused node on its logits
    ("bce_logits", 2),             # the fused node, mean
    ("bce_sigmoid_output", 3),     # the sigmoid, the fused node on its logits, mean
])
def test_constant_targets_build_the_tape_they_always_built(name, nodes):
    _, _, y_true, raw, _ = CASES[name]
    assert _node_count(_loss_of(name)(y_true, Tensor(raw.copy(), requires_grad=True))) == nodes


def test_constant_targets_take_the_fused_cross_entropy_nodes():
    """From logits the per-sample cross-entropies are one node on the logits; so is the batch
    mean of the loss objects' training path. Targets that need a gradient leave them."""
    logits = Tensor(Z.astype("float32"), requires_grad=True)
    for y_true in (DIST_T.astype("float32"), Tensor(DIST_T.astype("float32"))):
        value = losses.categorical_crossentropy(y_true, logits, from_logits=True)
        assert value.parents == (logits,)
        value = losses.binary_crossentropy(SOFT.astype("float32"), logits, from_logits=True)
        assert value.parents[0].parents == (logits,)    # the mean of one fused node
        for loss in (losses.CategoricalCrossentropy(from_logits=True),
                     losses.BinaryCrossentropy(from_logits=True)):
            assert loss.reduced(y_true, logits).parents == (logits,)
    target = Tensor(DIST_T.astype("float32"), requires_grad=True)
    mean = losses.CategoricalCrossentropy(from_logits=True).reduced(target, logits)
    assert any(parent is target for node in _topological_order(mean) for parent in node.parents)
    mean.backward()
    assert target.grad is not None


def test_no_grad_keeps_targets_constant():
    target = Tensor(DIST_T.copy(), requires_grad=True)
    logits = Tensor(Z.copy(), requires_grad=True)
    with no_grad():
        value = losses.categorical_crossentropy(target, logits, from_logits=True)
    assert value.parents == () and not value.requires_grad
    np.testing.assert_allclose(
        value.numpy(), losses.categorical_crossentropy(DIST_T, logits, from_logits=True).numpy(),
        rtol=1e-12)


# ----------------------------------------------------------------------------- the Loss classes


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight",
                                       "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_objects_pass_differentiable_targets_through(reduction, weighted):
    """The class's gradient with respect to y_true is the per-sample one, weighted and scaled
    as the reduction says."""
    weights = np.array([0.5, 2.0, 0.0, 1.5]) if weighted else None
    loss = losses.KLDivergence(reduction=reduction)
    target = Tensor(DIST_T.copy(), requires_grad=True)
    value = loss(target, Tensor(DIST_P.copy()), sample_weight=weights)
    ops.sum(value).backward()
    per_sample = Tensor(DIST_T.copy(), requires_grad=True)
    ops.sum(losses.kl_divergence(per_sample, Tensor(DIST_P.copy()))).backward()
    w = np.ones(N) if weights is None else weights
    scale = {"sum_over_batch_size": 1 / N, "sum": 1.0, "none": 1.0,
             "mean_with_sample_weight": 1 / w.sum()}[reduction]
    np.testing.assert_allclose(target.grad, per_sample.grad * w[:, None] * scale, rtol=1e-12)


@pytest.mark.parametrize("loss", [
    losses.MeanSquaredError(), losses.MeanAbsoluteError(), losses.MeanAbsolutePercentageError(),
    losses.Huber(delta=0.5), losses.LogCosh(), losses.CosineSimilarity(), losses.Hinge(),
    losses.SquaredHinge(), losses.CategoricalHinge(),
    losses.BinaryCrossentropy(label_smoothing=0.1),
    losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
    losses.BinaryFocalCrossentropy(apply_class_balancing=True, from_logits=True),
    losses.CategoricalFocalCrossentropy(from_logits=True), losses.KLDivergence(),
], ids=lambda loss: type(loss).__name__)
def test_loss_objects_gradient_matches_central_differences(loss):
    y_pred = P if "Crossentropy" in type(loss).__name__ else REAL_P
    y_true = DIST_T if "Categorical" in type(loss).__name__ else SOFT
    assert check_gradients(lambda t, p: loss(t, p, sample_weight=np.array([1.0, 0.5, 2.0, 0.0])),
                           [y_true, y_pred]) < TOL


def test_user_losses_receive_the_tensor():
    """A LossFunctionWrapper and a Loss subclass get y_true as the Tensor it is."""

    def fourth(y_true, y_pred):
        return ops.mean(ops.power(ops.subtract(y_pred, y_true), 4.0), axis=-1)

    class Fourth(losses.Loss):
        def call(self, y_true, y_pred):
            return fourth(y_true, y_pred)

    expected = -4 * (REAL_P - REAL_T) ** 3 / K / N
    for loss in (losses.LossFunctionWrapper(fourth), Fourth()):
        target = Tensor(REAL_T.copy(), requires_grad=True)
        loss(target, Tensor(REAL_P.copy())).backward()
        np.testing.assert_allclose(target.grad, expected, rtol=1e-12)


# ----------------------------------------------------------------------------- GradientTape


def _teacher_and_student():
    rng = np.random.default_rng(3)
    teacher = numnet.Sequential([numnet.Input(shape=(6,)),
                                 numnet.layers.Dense(8, activation="relu"),
                                 numnet.layers.Dense(3)])
    student = numnet.Sequential([numnet.Input(shape=(6,)), numnet.layers.Dense(3)])
    teacher_weights = [rng.normal(0.0, 0.5, w.shape).astype("float32")
                       for w in teacher.get_weights()]
    student_weights = [rng.normal(0.0, 0.5, w.shape).astype("float32")
                       for w in student.get_weights()]
    teacher.set_weights(teacher_weights)
    student.set_weights(student_weights)
    x = rng.normal(size=(10, 6)).astype("float32")
    return teacher, student, teacher_weights, student_weights, x


def _distillation_gradients():
    teacher, student, *_, x = _teacher_and_student()
    with numnet.GradientTape() as tape:
        loss = losses.KLDivergence()(numnet.ops.softmax(teacher(x, training=False)),
                                     numnet.ops.softmax(student(x)))
    return tape.gradient(loss, teacher.trainable_weights)


def test_gradient_tape_reaches_a_teacher_through_y_true():
    """The gradient of KL(softmax(teacher), softmax(student)) for the teacher's weights, by
    hand in NumPy: d/dq of mean_n sum_j q (log q - log p) is (log q - log p + 1) / n, then
    back through the softmax, the Dense layers and the relu."""
    teacher, student, (w1, b1, w2, b2), (ws, bs), x = _teacher_and_student()
    gradients = _distillation_gradients()

    def softmax(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    x64 = x.astype(np.float64)
    h = np.maximum(x64 @ w1 + b1, 0)
    q = softmax(h @ w2 + b2)
    p = softmax(x64 @ ws + bs)
    dq = (np.log(q) - np.log(p) + 1) / len(x)
    dz = q * (dq - (q * dq).sum(axis=-1, keepdims=True))
    dh = dz @ w2.T * (h > 0)
    expected = [x64.T @ dh, dh.sum(axis=0), h.T @ dz, dz.sum(axis=0)]
    assert len(gradients) == 4
    for got, want in zip(gradients, expected, strict=True):
        got = np.asarray(got)
        assert got.dtype == np.float32 and np.abs(got).max() > 1e-4
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


# ----------------------------------------------------------------------------- Keras on JAX


def _keras_and_jax():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    jax = pytest.importorskip("jax")
    if keras.backend.backend() != "jax":
        pytest.skip(f"Keras runs on {keras.backend.backend()}, not JAX")
    return keras, jax


_KERAS_NAMES = {
    losses.mean_squared_error: "mean_squared_error",
    losses.mean_absolute_error: "mean_absolute_error",
    losses.mean_absolute_percentage_error: "mean_absolute_percentage_error",
    losses.mean_squared_logarithmic_error: "mean_squared_logarithmic_error",
    losses.huber: "huber", losses.log_cosh: "log_cosh",
    losses.binary_crossentropy: "binary_crossentropy",
    losses.categorical_crossentropy: "categorical_crossentropy",
    losses.binary_focal_crossentropy: "binary_focal_crossentropy",
    losses.categorical_focal_crossentropy: "categorical_focal_crossentropy",
    losses.kl_divergence: "kl_divergence", losses.poisson: "poisson",
    losses.cosine_similarity: "cosine_similarity", losses.hinge: "hinge",
    losses.squared_hinge: "squared_hinge", losses.categorical_hinge: "categorical_hinge",
}


def _keras_y_pred(raw, make):
    """What the Keras program passes: the probabilities themselves for a sigmoid or softmax
    output (Keras on JAX computes from them), else the array."""
    if make is _sigmoid_of:
        return 1 / (1 + np.exp(-raw))
    if make in (_softmax_of, _softmax_axis_1):
        axis = 1 if make is _softmax_axis_1 else -1
        e = np.exp(raw - raw.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
    return raw


@pytest.mark.cpu_only
@pytest.mark.parametrize("name", sorted([*CASES, "hinge_zero_one", "squared_hinge_zero_one"]))
def test_y_true_gradient_matches_keras(name):
    """jax.grad of Keras's loss with respect to y_true, in float32, against numnet's."""
    keras, jax = _keras_and_jax()
    if name.endswith("_zero_one"):
        fn, kwargs, _, raw, make = CASES[name[: -len("_zero_one")]]
        y_true = BINARY
    else:
        fn, kwargs, y_true, raw, make = CASES[name]
    keras_fn = getattr(keras.losses, _KERAS_NAMES[fn])
    y_true32, raw32 = y_true.astype("float32"), raw.astype("float32")
    keras_pred = _keras_y_pred(raw32.astype(np.float64), make).astype("float32")
    want = np.asarray(jax.grad(lambda t: keras_fn(t, keras_pred, **kwargs).sum())(y_true32))

    target = Tensor(y_true32.copy(), requires_grad=True)
    ops.sum(fn(target, make(Tensor(raw32.copy())), **kwargs)).backward()
    assert target.grad.dtype == np.float32
    np.testing.assert_allclose(target.grad, want, rtol=2e-4, atol=2e-5)


@pytest.mark.cpu_only
def test_gradient_tape_over_a_teacher_matches_keras():
    keras, jax = _keras_and_jax()
    _, _, teacher_weights, student_weights, x = _teacher_and_student()
    gradients = _distillation_gradients()

    teacher = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(8, activation="relu"),
                                keras.layers.Dense(3)])
    student = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(3)])
    teacher.set_weights(teacher_weights)
    student.set_weights(student_weights)
    kl = keras.losses.KLDivergence()
    student_probabilities = keras.ops.softmax(student(x))

    def distillation(weights):
        logits, _ = teacher.stateless_call(weights, [], x, training=False)
        return kl(keras.ops.softmax(logits), student_probabilities)

    want = jax.grad(distillation)([v.value for v in teacher.trainable_variables])
    for got, expected in zip(gradients, want, strict=True):
        got = np.asarray(got)
        assert np.abs(got).max() > 1e-4
        np.testing.assert_allclose(got, np.asarray(expected), rtol=1e-5, atol=1e-5)


def test_the_ops_cross_entropies_from_logits_differentiate_their_targets():
    logits = np.array([[1.0, -1.0], [0.5, 2.0]])
    for fn, expected in (
            (numnet.ops.categorical_crossentropy,
             -(logits - np.log(np.exp(logits).sum(-1, keepdims=True)))),
            (numnet.ops.binary_crossentropy, -logits)):
        target = numnet.Tensor(np.array([[0.2, 0.8], [0.6, 0.4]]), requires_grad=True)
        numnet.ops.sum(fn(target, logits, from_logits=True)).backward()
        np.testing.assert_allclose(target.grad, expected, rtol=1e-12)
        constant = fn(np.array([[0.2, 0.8], [0.6, 0.4]]), logits, from_logits=True)
        np.testing.assert_allclose(np.asarray(constant),  # (the fused node's float32)
                                   np.asarray(fn(target, logits, from_logits=True)), rtol=1e-6)
