"""Keras 3's stateless API: Layer.stateless_call, Optimizer.stateless_apply and the metrics'
stateless_update_state / stateless_result / stateless_reset_state (values in, values out, the
objects' own variables untouched), checked against the stateful calls, by hand, and against
Keras on JAX where it is installed."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers


def _values(variables):
    return [np.asarray(v.value).copy() for v in variables]


def _same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


# ----- Layer.stateless_call
def test_dense_stateless_call_uses_given_values_and_keeps_its_own():
    dense = layers.Dense(2)
    dense.build((None, 3))
    own = _values(dense.weights)
    kernel = np.arange(6, dtype="float32").reshape(3, 2)
    bias = np.array([1.0, -1.0], "float32")
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    y, state = dense.stateless_call([kernel, bias], [], x)
    np.testing.assert_array_equal(y.numpy(), [[17.0, 21.0]])  # [0+2+12, 1+3+15] + bias
    assert state == []
    assert _same(_values(dense.weights), own)


def test_batch_normalization_moving_statistics_come_back_moved():
    bn = layers.BatchNormalization(momentum=0.75)
    bn.build((None, 2))
    before = _values(bn.non_trainable_variables)
    x = np.array([[1.0, 2.0], [3.0, 6.0]], "float32")
    y, (mean, var) = bn.stateless_call(_values(bn.trainable_variables), before, x,
                                       training=True)
    # moving = 0.75 * moving + 0.25 * batch statistic (the variance unbiased? Keras: biased)
    np.testing.assert_allclose(mean, 0.25 * np.array([2.0, 4.0]), rtol=1e-6)
    np.testing.assert_allclose(var, 0.75 + 0.25 * np.array([1.0, 4.0]), rtol=1e-6)
    np.testing.assert_allclose(y.numpy(), [[-1, -1], [1, 1]], atol=1e-2)
    assert _same(_values(bn.non_trainable_variables), before)
    # in inference the given statistics are used and come back as they were
    given = [np.array([1.0, 2.0], "float32"), np.array([4.0, 16.0], "float32")]
    y, state = bn.stateless_call(_values(bn.trainable_variables), given, x, training=False)
    np.testing.assert_allclose(y.numpy(), (x - given[0]) / np.sqrt(given[1] + 1e-3), rtol=1e-5)
    assert _same(state, given)


def test_dropout_seed_state_moves_and_replays():
    model = numnet.Sequential([numnet.Input(shape=(50,)), layers.Dropout(0.5, seed=7)])
    (state,) = _values(model.non_trainable_variables)
    assert list(state) == [7, 0]
    x = np.ones((4, 50), "float32")
    a, (after_a,) = model.stateless_call([], [state], x, training=True)
    b, (after_b,) = model.stateless_call([], [state], x, training=True)
    assert list(after_a) == [7, 1] and list(after_b) == [7, 1]
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # the same state, the same mask
    c, (after_c,) = model.stateless_call([], [after_a], x, training=True)
    assert list(after_c) == [7, 2] and not np.array_equal(a.numpy(), c.numpy())
    assert set(np.unique(a.numpy())) <= {0.0, 2.0}
    assert list(_values(model.non_trainable_variables)[0]) == [7, 0]
    # the stateful call draws what the stateless one drew from the same state
    np.testing.assert_array_equal(model(x, training=True).numpy(), a.numpy())


class _AddsLoss(layers.Layer):
    def call(self, x):
        self.add_loss(numnet.ops.sum(x) * 0.5)
        return x


def test_return_losses_activity_regularizer_add_loss_and_weight_penalty():
    model = numnet.Sequential([
        numnet.Input(shape=(2,)),
        layers.Dense(2, use_bias=False, activity_regularizer=numnet.regularizers.L2(0.1),
                     kernel_regularizer=numnet.regularizers.L1(0.01)),
        _AddsLoss(),
    ])
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    model(x)  # the model's own losses from an ordinary call
    own_losses = [float(np.asarray(loss.value)) for loss in model.losses]
    kernel = np.array([[1.0, 0.0], [0.0, -1.0]], "float32")
    out, state, losses = model.stateless_call([kernel], [], x, return_losses=True)
    h = x @ kernel
    np.testing.assert_allclose(out.numpy(), h)
    got = [float(np.asarray(getattr(loss, "value", loss))) for loss in losses]
    # Keras's order: the Dense's activity penalty, the add_loss, the kernel's penalty
    np.testing.assert_allclose(got, [0.1 * np.sum(h ** 2) / 2, 0.5 * h.sum(), 0.02],
                               rtol=1e-6)
    assert [float(np.asarray(loss.value)) for loss in model.losses] == own_losses
    assert state == []
    two = model.stateless_call([kernel], [], x)
    assert len(two) == 2


def test_the_layers_own_activity_penalty_is_not_a_stateless_loss_as_in_keras():
    dense = layers.Dense(2, activity_regularizer=numnet.regularizers.L2(0.1))
    dense.build((None, 3))
    _, _, losses = dense.stateless_call(_values(dense.trainable_variables), [],
                                        np.ones((2, 3), "float32"), return_losses=True)
    assert losses == []


def test_stateless_call_refuses_lists_that_do_not_match():
    dense = layers.Dense(2)
    with pytest.raises(ValueError, match="not built"):
        dense.stateless_call([], [], np.ones((1, 3)))
    dense.build((None, 3))
    with pytest.raises(ValueError, match=r"trainable_variables\): expected a list of 2 values"
                                         r".* given 1"):
        dense.stateless_call([np.ones((3, 2))], [], np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"has shape \(2, 3\), expected \(3, 2\)"):
        dense.stateless_call([np.ones((2, 3)), np.zeros(2)], [], np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"non_trainable_variables\): expected a list of 0"):
        dense.stateless_call([np.ones((3, 2)), np.zeros(2)], [np.ones(1)], np.ones((1, 3)))


# ----- Optimizer.stateless_apply
def _problem(seed=0):
    rng = np.random.default_rng(seed)
    variables = [numnet.Variable(rng.normal(size=(3, 2)).astype("float32"), name="kernel"),
                 numnet.Variable(rng.normal(size=(2,)).astype("float32"), name="bias")]
    grads = [[rng.normal(size=v.shape).astype("float32") for v in variables] for _ in range(5)]
    return variables, grads


@pytest.mark.parametrize("make", [
    lambda: numnet.optimizers.SGD(learning_rate=0.1, momentum=0.9),
    lambda: numnet.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
    lambda: numnet.optimizers.Adam(learning_rate=0.01),
    lambda: numnet.optimizers.AdamW(learning_rate=0.01, weight_decay=0.05),
    lambda: numnet.optimizers.RMSprop(learning_rate=0.01, momentum=0.5, centered=True),
    lambda: numnet.optimizers.Adam(learning_rate=numnet.optimizers.schedules.ExponentialDecay(
        0.01, decay_steps=1, decay_rate=0.5)),
], ids=["sgd_momentum", "nesterov", "adam", "adamw", "rmsprop", "adam_schedule"])
def test_stateless_apply_follows_apply(make):
    variables, grads = _problem()
    reference = [numnet.Variable(v.numpy().copy(), name=v.name) for v in variables]
    optimizer, stateful = make(), make()
    optimizer.build(variables)
    start = _values(variables)
    state = _values(optimizer.variables)
    own_state = [s.copy() for s in state]
    values = [v.copy() for v in start]
    for step in grads:
        values, state = optimizer.stateless_apply(state, step, values)
        stateful.apply(step, reference)
        for got, want in zip(values, _values(reference), strict=True):
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-7)
        for got, want in zip(state, _values(stateful.variables), strict=True):
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-7)
    assert int(state[0]) == 5
    assert _same(_values(variables), start)  # the variables and the optimizer untouched
    assert _same(_values(optimizer.variables), own_state)
    # assigned back, the stateful optimizer goes on from there as the reference does
    for variable, value in zip(optimizer.variables, state, strict=True):
        variable.assign(value)
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)
    optimizer.apply(grads[0], variables)
    stateful.apply(grads[0], reference)
    for got, want in zip(_values(variables), _values(reference), strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-7)


def test_stateless_apply_sgd_by_hand():
    w = numnet.Variable(np.array([1.0, 2.0], "float32"))
    sgd = numnet.optimizers.SGD(learning_rate=0.5, momentum=0.5)
    sgd.build([w])
    state = _values(sgd.variables)
    assert len(state) == 3  # iteration, learning_rate, the momentum
    (w1,), state = sgd.stateless_apply(state, [np.array([1.0, -1.0], "float32")], [w.value])
    # v = 0.5 * 0 - 0.5 * g; w = w + v
    np.testing.assert_allclose(w1, [0.5, 2.5])
    np.testing.assert_allclose(state[2], [-0.5, 0.5])
    (w2,), state = sgd.stateless_apply(state, [np.array([1.0, -1.0], "float32")], [w1])
    np.testing.assert_allclose(w2, [0.5 - 0.75, 2.5 + 0.75])  # v = -0.25 - 0.5
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    assert int(sgd.iterations.numpy()) == 0


def test_stateless_apply_refusals():
    w = numnet.Variable(np.ones(2, "float32"))
    adam = numnet.optimizers.Adam()
    with pytest.raises(ValueError, match="not built"):
        adam.stateless_apply([], [np.ones(2)], [np.ones(2)])
    adam.build([w])
    state = _values(adam.variables)
    with pytest.raises(ValueError, match=r"optimizer_variables\): expected a list of 4 values"
                                         r".* given 2"):
        adam.stateless_apply(state[:2], [np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match=r"trainable_variables\): expected a list of 1 values"):
        adam.stateless_apply(state, [np.ones(2)], [np.ones(2), np.ones(2)])
    with pytest.raises(ValueError, match=r"grads\): expected 1 gradients"):
        adam.stateless_apply(state, [], [np.ones(2)])
    with pytest.raises(ValueError, match=r"has shape \(3,\), expected \(2,\)"):
        adam.stateless_apply(state, [np.ones(2)], [np.ones(3)])
    ema = numnet.optimizers.SGD(use_ema=True)
    ema.build([w])
    with pytest.raises(ValueError, match="use_ema"):
        ema.stateless_apply(_values(ema.variables), [np.ones(2)], [np.ones(2)])


# ----- Metric.stateless_*
def test_metric_stateless_update_result_reset_follow_the_stateful_ones():
    y_true = np.array([[0, 1], [1, 0], [1, 1]], "float32")
    y_pred = np.array([[0.2, 0.9], [0.6, 0.3], [0.4, 0.8]], "float32")
    for make in (numnet.metrics.BinaryAccuracy, numnet.metrics.AUC,
                 lambda: numnet.metrics.MeanSquaredError()):
        metric, stateful = make(), make()
        metric.update_state(y_true[:1], y_pred[:1])  # its own state, kept throughout
        own = _values(metric.variables)
        own_result = float(metric.result())
        state = metric.stateless_reset_state()
        assert all(not np.any(s) for s in state)
        for i in range(3):
            state = metric.stateless_update_state(state, y_true[i:i + 1], y_pred[i:i + 1])
            stateful.update_state(y_true[i:i + 1], y_pred[i:i + 1])
            assert _same(state, _values(stateful.variables))
        assert float(metric.stateless_result(state)) == float(stateful.result())
        assert _same(_values(metric.variables), own)
        assert float(metric.result()) == own_result


def test_metric_mean_by_hand_and_refusal():
    mean = numnet.metrics.Mean()
    state = mean.stateless_update_state(_values(mean.variables), [1.0, 2.0, 6.0])
    np.testing.assert_allclose(state, [9.0, 3.0])  # total, count
    assert float(mean.stateless_result(state)) == 3.0
    result = mean.stateless_result([np.array(4.0, "float32"), np.array(2.0, "float32")])
    assert float(result) == 2.0
    assert float(mean.result()) == 0.0
    with pytest.raises(ValueError, match=r"metric_variables\): expected a list of 2 values"):
        mean.stateless_update_state([np.zeros(())], [1.0])


# ----- against Keras on JAX
def _keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


def test_against_keras_stateless_call_and_apply():
    keras = _keras()
    rng = np.random.default_rng(5)
    x = rng.normal(2.0, 1.5, size=(8, 3)).astype("float32")
    kernel = rng.normal(size=(3, 4)).astype("float32")
    bias = rng.normal(size=(4,)).astype("float32")

    def build(lib):
        model = lib.Sequential([
            lib.Input(shape=(3,)),
            lib.layers.Dense(4, activity_regularizer=lib.regularizers.L2(0.01),
                             kernel_regularizer=lib.regularizers.L2(0.001)),
            lib.layers.BatchNormalization(momentum=0.5),
        ])
        model.set_weights([kernel, bias, np.ones(4, "float32"), np.zeros(4, "float32"),
                           np.zeros(4, "float32"), np.ones(4, "float32")])
        return model

    ours, theirs = build(numnet), build(keras)
    given_kernel = kernel * 2
    results = []
    for model in (ours, theirs):
        trainable = [np.asarray(v.value) for v in model.trainable_variables]
        trainable[0] = given_kernel
        out, state, losses = model.stateless_call(
            trainable, [np.asarray(v.value) for v in model.non_trainable_variables], x,
            training=True, return_losses=True)
        results.append((np.asarray(out), [np.asarray(s) for s in state],
                        [float(np.asarray(getattr(loss, "value", loss))) for loss in losses]))
    (o1, s1, l1), (o2, s2, l2) = results
    np.testing.assert_allclose(o1, o2, rtol=1e-4, atol=1e-5)
    for a, b in zip(s1, s2, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    np.testing.assert_allclose(l1, l2, rtol=1e-5)

    grads = [rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=(4,)).astype("float32")]
    finals = []
    for lib, model in ((numnet, ours), (keras, theirs)):
        opt = lib.optimizers.Adam(learning_rate=0.1)
        variables = model.layers[0].trainable_variables
        opt.build(variables)
        values = [np.asarray(v.value) for v in variables]
        state = [np.asarray(v.value) for v in opt.variables]
        for _ in range(3):
            values, state = opt.stateless_apply(state, grads, values)
        finals.append([np.asarray(v) for v in values])
    for a, b in zip(*finals, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_assigning_iterations_sets_the_step_that_bias_correction_reads():
    variables, grads = _problem(1)
    reference = [numnet.Variable(v.numpy().copy()) for v in variables]
    adam, stateful = numnet.optimizers.Adam(0.01), numnet.optimizers.Adam(0.01)
    for step in grads[:3]:
        stateful.apply(step, reference)
    adam.build(variables)
    for variable, value in zip(adam.variables, _values(stateful.variables), strict=True):
        variable.assign(value)
    for variable, value in zip(variables, _values(reference), strict=True):
        variable.assign(value)
    assert int(adam.iterations.numpy()) == 3
    adam.apply(grads[3], variables)
    stateful.apply(grads[3], reference)
    for got, want in zip(_values(variables), _values(reference), strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-7)
    adam.iterations.assign(0)
    assert adam._step == 0


def test_stateless_outputs_are_off_the_tape_and_keep_their_mask():
    model = numnet.Sequential([numnet.Input(shape=(3,)), layers.Masking(0.0), layers.Dense(2)])
    x = numnet.Variable(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], "float32"))
    out, _ = model.stateless_call(_values(model.trainable_variables), [], x)
    assert out.parents == () and not out.requires_grad
    np.testing.assert_array_equal(np.asarray(out._keras_mask), [True, False])
    np.testing.assert_allclose(out.numpy(), model(x).numpy(), rtol=1e-6)


def test_stateless_apply_of_a_loss_scale_optimizer_keeps_its_scale():
    def make():
        return numnet.optimizers.LossScaleOptimizer(
            numnet.optimizers.SGD(0.1, momentum=0.9), dynamic_growth_steps=1)

    w, reference = numnet.Variable(np.ones(2, "float32")), numnet.Variable(np.ones(2, "float32"))
    optimizer, stateful = make(), make()
    optimizer.build([w])
    grads = [np.full(2, 32768.0, "float32")]  # the loss scaled by 2^15: the gradient is 1
    (value,), state = optimizer.stateless_apply(_values(optimizer.variables), grads, [w.value])
    stateful.apply(grads, [reference])
    np.testing.assert_allclose(value, [0.9, 0.9], rtol=1e-6)
    np.testing.assert_array_equal(value, reference.numpy())
    assert _same(state, _values(stateful.variables))
    assert optimizer.dynamic_scale == 32768.0 and stateful.dynamic_scale == 65536.0
    np.testing.assert_array_equal(w.numpy(), [1.0, 1.0])
