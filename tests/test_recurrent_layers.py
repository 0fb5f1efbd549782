"""SimpleRNN, LSTM, GRU, their cells, RNN, Bidirectional and TimeDistributed: against loops
written out in NumPy, gradient checks of the sequence ops and of each layer's weights and inputs,
against Keras 3 (JAX) where it is installed, training on synthetic sequence tasks, configs and
model files, and the errors for bad arguments and inputs.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

import numnet
from numnet import constraints, initializers, layers, regularizers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

TOL = 1e-5
RNG = np.random.default_rng(0)
GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


# ----------------------------------------------------------------------------- references


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _block(a, g, units):
    return a[..., g * units:(g + 1) * units]


def _gate_inputs(x_t, h, kernel, recurrent, gates, masks, recurrent_masks):
    """[x_t m_g W_g] and [h r_g U_g] for each gate g (m, r the dropout masks; ones if None)."""
    units = recurrent.shape[0]
    masks = masks or [1.0] * gates
    recurrent_masks = recurrent_masks or [1.0] * gates
    xs = [(x_t * masks[g]) @ _block(kernel, g, units) for g in range(gates)]
    hs = [(h * recurrent_masks[g]) @ _block(recurrent, g, units) for g in range(gates)]
    return xs, hs


def simple_rnn_step(x_t, states, weights, masks=None, recurrent_masks=None):
    """h = tanh(x W + b + h U)."""
    kernel, recurrent, bias = weights
    (xs,), (hs,) = _gate_inputs(x_t, states[0], kernel, recurrent, 1, masks, recurrent_masks)
    h = np.tanh(xs + hs + bias)
    return h, [h]


def lstm_step(x_t, states, weights, masks=None, recurrent_masks=None):
    """i, f, o = sigmoid(z_i, z_f, z_o), c = f c + i tanh(z_c), h = o tanh(c)."""
    kernel, recurrent, bias = weights
    h, c = states
    units = recurrent.shape[0]
    xs, hs = _gate_inputs(x_t, h, kernel, recurrent, 4, masks, recurrent_masks)
    z_i, z_f, z_c, z_o = (xs[g] + hs[g] + _block(bias, g, units) for g in range(4))
    c = _sigmoid(z_f) * c + _sigmoid(z_i) * np.tanh(z_c)
    h = _sigmoid(z_o) * np.tanh(c)
    return h, [h, c]


def gru_step(x_t, states, weights, masks=None, recurrent_masks=None, reset_after=True):
    """z, r = sigmoid(...); hh = tanh(x W_h + b_h + r (h U_h + rb_h)) (reset after) or
    tanh(x W_h + b_h + (r h) U_h) (reset before); h = z h + (1 - z) hh."""
    kernel, recurrent, bias = weights
    h = states[0]
    units = recurrent.shape[0]
    b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, np.zeros_like(bias))
    xs, hs = _gate_inputs(x_t, h, kernel, recurrent, 3, masks, recurrent_masks)
    z = _sigmoid(xs[0] + _block(b_in, 0, units) + hs[0] + _block(b_rec, 0, units))
    r = _sigmoid(xs[1] + _block(b_in, 1, units) + hs[1] + _block(b_rec, 1, units))
    if reset_after:
        hh = np.tanh(xs[2] + _block(b_in, 2, units) + r * (hs[2] + _block(b_rec, 2, units)))
    else:
        h_masked = h * (recurrent_masks[2] if recurrent_masks else 1.0)
        hh = np.tanh(xs[2] + _block(b_in, 2, units) + (r * h_masked) @ _block(recurrent, 2, units))
    h = z * h + (1 - z) * hh
    return h, [h]


def run_reference(step, x, weights, states, go_backwards=False, **kwargs):
    """(every output in the order computed (batch, time, units), the final states)."""
    order = range(x.shape[1])[::-1] if go_backwards else range(x.shape[1])
    outputs = []
    for t in order:
        h, states = step(x[:, t], states, weights, **kwargs)
        outputs.append(h)
    return np.stack(outputs, axis=1), states


def reference(name, x, weights, units, go_backwards=False, reset_after=True, **kwargs):
    weights = [w.astype(np.float64) for w in weights]
    if len(weights) == 2:  # use_bias=False
        weights.append(np.zeros((2, weights[1].shape[1]) if name == "GRU" and reset_after
                                else weights[1].shape[1]))
    states = [np.zeros((x.shape[0], units)) for _ in range(2 if name == "LSTM" else 1)]
    step = {"SimpleRNN": simple_rnn_step, "LSTM": lstm_step, "GRU": gru_step}[name]
    if name == "GRU":
        kwargs["reset_after"] = reset_after
    return run_reference(step, x.astype(np.float64), weights, states, go_backwards, **kwargs)


def _built(layer, x, seed=1, scale=0.5):
    """``layer`` built on ``x`` with random weights (biases too, so that they count)."""
    layer(x)
    rng = np.random.default_rng(seed)
    layer.set_weights([(scale * rng.normal(size=w.shape)).astype(w.dtype)
                       for w in layer.get_weights()])
    return layer


def _as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _shapes(shape):
    """compute_output_shape's answer as a list of shapes (one, or one an output)."""
    several = len(shape) and isinstance(shape[0], (list, tuple))
    return [tuple(s) for s in shape] if several else [tuple(shape)]


# ----------------------------------------------------------------------------- against the loops

CASES = [
    ("SimpleRNN", dict()),
    ("SimpleRNN", dict(return_sequences=True, go_backwards=True)),
    ("SimpleRNN", dict(return_state=True, use_bias=False)),
    ("LSTM", dict()),
    ("LSTM", dict(return_sequences=True)),
    ("LSTM", dict(return_state=True, go_backwards=True)),
    ("LSTM", dict(return_sequences=True, return_state=True, use_bias=False)),
    ("GRU", dict()),
    ("GRU", dict(return_sequences=True, return_state=True)),
    ("GRU", dict(go_backwards=True, return_sequences=True)),
    ("GRU", dict(reset_after=False)),
    ("GRU", dict(reset_after=False, return_sequences=True, return_state=True,
                 go_backwards=True)),
    ("GRU", dict(reset_after=False, use_bias=False, return_sequences=True)),
    ("GRU", dict(use_bias=False, return_state=True)),
]


def _case_id(case):
    name, kwargs = case
    return name + "".join(f"-{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_layer_matches_the_loop(case):
    name, kwargs = case
    units = 3
    x = RNG.normal(size=(2, 5, 4)).astype("float32")
    layer = _built(getattr(layers, name)(units, **kwargs), x)
    weights = layer.get_weights()
    gates = GATES[name]
    assert [w.shape for w in weights[:2]] == [(4, gates * units), (units, gates * units)]
    sequence, states = reference(name, x, weights, units, kwargs.get("go_backwards", False),
                                 kwargs.get("reset_after", True))
    expected = [sequence if kwargs.get("return_sequences") else sequence[:, -1]]
    if kwargs.get("return_state"):
        expected += states
    out = _as_list(layer(x))
    shapes = _shapes(layer.compute_output_shape(x.shape))
    assert [o.shape for o in out] == shapes == [e.shape for e in expected]
    for got, want in zip(out, expected, strict=True):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)


def test_bias_shapes_initial_values_and_weight_paths():
    x = np.zeros((1, 2, 5), "float32")
    lstm, gru, gru_before = layers.LSTM(3), layers.GRU(3), layers.GRU(3, reset_after=False)
    for layer in (lstm, gru, gru_before):
        layer(x)
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [0, 0, 0, 1, 1, 1] + [0] * 6)
    assert gru.cell.bias.shape == (2, 9) and gru_before.cell.bias.shape == (9,)
    assert layers.LSTM(3, unit_forget_bias=False, bias_initializer="ones")(x).shape == (1, 3)
    kernel = layers.SimpleRNN(6)
    kernel(x)
    u = kernel.cell.recurrent_kernel.numpy()
    np.testing.assert_allclose(u @ u.T, np.eye(6), atol=1e-5)  # orthogonal
    assert [w.path for w in lstm.weights] == [f"{lstm.name}/lstm_cell/{n}" for n in
                                              ("kernel", "recurrent_kernel", "bias")]
    assert lstm.units == 3 and lstm.recurrent_activation is numnet.activations.sigmoid


def test_initial_state_replaces_the_zeros():
    x = RNG.normal(size=(2, 4, 3)).astype("float32")
    layer = _built(layers.LSTM(2, return_state=True), x)
    h0, c0 = RNG.normal(size=(2, 2)), RNG.normal(size=(2, 2))
    sequence, states = run_reference(lstm_step, x.astype(np.float64),
                                     [w.astype(np.float64) for w in layer.get_weights()],
                                     [h0, c0])
    out, h, c = layer(x, initial_state=[h0.astype("float32"), c0.astype("float32")])
    np.testing.assert_allclose(out.numpy(), sequence[:, -1], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(c.numpy(), states[1], rtol=1e-5, atol=1e-5)


def test_cells_compute_one_step():
    x = RNG.normal(size=(3, 4)).astype("float32")
    h = RNG.normal(size=(3, 2)).astype("float32")
    c = RNG.normal(size=(3, 2)).astype("float32")
    cell = layers.LSTMCell(2)
    cell(x)
    cell.set_weights([RNG.normal(size=w.shape).astype("float32") for w in cell.weights])
    out, (h1, c1) = cell(x, [h, c])
    want, (want_h, want_c) = lstm_step(x, [h, c], cell.get_weights())
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(c1.numpy(), want_c, rtol=1e-5, atol=1e-5)
    gru = layers.GRUCell(2, reset_after=False)
    gru(x)
    out, [h1] = gru(x, states=[h])
    want, _ = gru_step(x, [h], gru.get_weights(), reset_after=False)
    np.testing.assert_allclose(h1.numpy(), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cell, name", [(lambda: layers.SimpleRNNCell(3), "SimpleRNN"),
                                        (lambda: layers.LSTMCell(3), "LSTM"),
                                        (lambda: layers.GRUCell(3), "GRU")])
def test_rnn_of_a_cell_is_the_layer(cell, name):
    x = RNG.normal(size=(2, 4, 5)).astype("float32")
    rnn = _built(layers.RNN(cell(), return_sequences=True, go_backwards=True), x)
    layer = getattr(layers, name)(3, return_sequences=True, go_backwards=True)
    layer(x)
    layer.set_weights(rnn.get_weights())
    np.testing.assert_array_equal(rnn(x).numpy(), layer(x).numpy())


class MinimalRNNCell(layers.Layer):
    """A cell of one's own, as in Keras's guide: h = x W + h U."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight((input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight((self.units, self.units), "orthogonal",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        h = ops.add(ops.matmul(inputs, self.kernel), ops.matmul(states[0], self.recurrent_kernel))
        return h, [h]


def test_rnn_runs_a_cell_of_ones_own():
    x = RNG.normal(size=(2, 4, 3)).astype("float32")
    rnn = layers.RNN(MinimalRNNCell(5), return_state=True)
    out, state = rnn(x)
    kernel, recurrent = rnn.get_weights()
    h = np.zeros((2, 5))
    for t in range(4):
        h = x[:, t] @ kernel + h @ recurrent
    np.testing.assert_allclose(out.numpy(), h, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(state.numpy(), out.numpy())


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])
def test_bidirectional_merges_the_forward_and_the_reversed_backward_run(merge_mode):
    x = RNG.normal(size=(2, 5, 3)).astype("float32")
    layer = _built(layers.Bidirectional(layers.GRU(4, return_sequences=True),
                                        merge_mode=merge_mode), x)
    weights = layer.get_weights()
    forward, _ = reference("GRU", x, weights[:3], 4)
    backward, _ = reference("GRU", x, weights[3:], 4, go_backwards=True)
    backward = backward[:, ::-1]  # back in the input's time order
    expected = {"concat": [np.concatenate([forward, backward], -1)],
                "sum": [forward + backward], "ave": [(forward + backward) / 2],
                "mul": [forward * backward], None: [forward, backward]}[merge_mode]
    out = _as_list(layer(x))
    assert [o.shape for o in out] == _shapes(layer.compute_output_shape(x.shape))
    for got, want in zip(out, expected, strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)
    assert layer.forward_layer.name.startswith("forward_")
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards


def test_bidirectional_with_states_and_a_backward_layer_of_its_own():
    x = RNG.normal(size=(2, 4, 3)).astype("float32")
    layer = _built(layers.Bidirectional(
        layers.LSTM(2, return_state=True),
        backward_layer=layers.SimpleRNN(3, return_state=True, go_backwards=True)), x)
    weights = layer.get_weights()
    forward, (h, c) = reference("LSTM", x, weights[:3], 2)
    backward, (h_back,) = reference("SimpleRNN", x, weights[3:], 3, go_backwards=True)
    out, *states = layer(x)
    np.testing.assert_allclose(out.numpy(), np.concatenate([forward[:, -1], backward[:, -1]], -1),
                               rtol=1e-5, atol=1e-5)
    for got, want in zip(states, [h, c, h_back], strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)
    assert layer.compute_output_shape((None, 4, 3)) == ((None, 5), (None, 2), (None, 2),
                                                        (None, 3))


def test_time_distributed_applies_the_layer_to_every_step():
    x = RNG.normal(size=(2, 5, 3)).astype("float32")
    layer = _built(layers.TimeDistributed(layers.Dense(4, activation="tanh")), x)
    kernel, bias = layer.get_weights()
    out = layer(x)
    assert out.shape == layer.compute_output_shape(x.shape) == (2, 5, 4)
    np.testing.assert_allclose(out.numpy(), np.tanh(x @ kernel + bias), rtol=1e-5, atol=1e-6)
    flat = layers.TimeDistributed(layers.Flatten())
    np.testing.assert_array_equal(flat(np.ones((2, 3, 4, 5), "float32")).numpy(),
                                  np.ones((2, 3, 20)))
    assert flat.compute_output_shape((None, 3, 4, 5)) == (None, 3, 20)


# ----------------------------------------------------------------------------- dropout


def _fixed_masks(layer, seed=7):
    """Make the layer draw the same masks at every call (for the references and the
    gradient checks), and return the generator that gives them."""
    cell = getattr(layer, "cell", layer)
    cell._generator = lambda: np.random.default_rng(seed)
    return lambda: np.random.default_rng(seed)


def _masks(rng, rate, count, shape, gates):
    """The ``count`` masks (kept: 1 / keep, dropped: 0) a layer draws, as one for each gate."""
    if not rate:
        return None
    keep = 1 - rate
    draws = rng.random((count, *shape), dtype="float32") < keep
    masks = list(draws.astype(np.float64) / np.float32(keep))
    return masks * gates if count == 1 else masks


@pytest.mark.parametrize("name, kwargs", [
    ("SimpleRNN", dict(dropout=0.3, recurrent_dropout=0.4)),
    ("LSTM", dict(dropout=0.4)),
    ("LSTM", dict(dropout=0.3, recurrent_dropout=0.5)),
    ("GRU", dict(dropout=0.5, recurrent_dropout=0.3)),
    ("GRU", dict(recurrent_dropout=0.4, reset_after=False)),
], ids=["simple_rnn", "lstm_input", "lstm_both", "gru_both", "gru_before_recurrent"])
def test_dropout_masks_are_one_a_sequence_and_one_a_gate_with_recurrent_dropout(name, kwargs):
    x = RNG.normal(size=(3, 4, 5)).astype("float32")
    layer = _built(getattr(layers, name)(2, return_sequences=True, **kwargs), x)
    generator = _fixed_masks(layer)
    # As Keras: with recurrent dropout each gate has masks of its own; else one is shared.
    count = GATES[name] if kwargs.get("recurrent_dropout") else 1
    masks = _masks(generator(), kwargs.get("dropout", 0), count, (3, 5), GATES[name])
    recurrent = _masks(generator(), kwargs.get("recurrent_dropout", 0), count, (3, 2),
                       GATES[name])
    expected, _ = reference(name, x, layer.get_weights(), 2,
                            reset_after=kwargs.get("reset_after", True), masks=masks,
                            recurrent_masks=recurrent)
    np.testing.assert_allclose(layer(x, training=True).numpy(), expected, rtol=1e-5, atol=1e-5)
    plain, _ = reference(name, x, layer.get_weights(), 2,
                         reset_after=kwargs.get("reset_after", True))
    np.testing.assert_allclose(layer(x).numpy(), plain, rtol=1e-5, atol=1e-5)  # inference


def test_seeded_dropout_repeats_and_differs_from_inference():
    x = RNG.normal(size=(4, 6, 3)).astype("float32")
    a = _built(layers.GRU(4, dropout=0.5, recurrent_dropout=0.5, seed=11), x)
    b = _built(layers.GRU(4, dropout=0.5, recurrent_dropout=0.5, seed=11), x)
    first = a(x, training=True).numpy()
    np.testing.assert_array_equal(first, b(x, training=True).numpy())
    assert not np.allclose(first, a(x).numpy())
    assert not np.allclose(first, a(x, training=True).numpy())  # a new mask each call


# ----------------------------------------------------------------------------- gradient checks


def rand(shape, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, shape)


OP_CASES = {
    "stack_axis1": (lambda a, b, c: ops.stack([a, b, c], axis=1),
                    [rand((2, 3)), rand((2, 3), 1), rand((2, 3), 2)]),
    "stack_last_with_a_repeat": (lambda a, b: ops.stack([a, b, a], axis=-1),
                                 [rand((3, 2)), rand((3, 2), 1)]),
    "unstack_axis1": (lambda a: ops.stack([s * s for s in ops.unstack(a, 1)], 0),
                      [rand((2, 4, 3))]),
    "unstack_reversed_some_unused": (lambda a: ops.stack(ops.unstack(a, -1)[:0:-1], 1),
                                     [rand((2, 3, 4))]),
    "unstack_slices_used_twice": (lambda a: ops.multiply(ops.unstack(a)[0], ops.unstack(a)[0]),
                                  [rand((3, 2))]),
}


@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_op_gradient(name):
    fn, inputs = OP_CASES[name]
    error = check_gradients(fn, inputs)
    assert error < TOL, f"relative error {error:.3g}"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sequence_ops_keep_dtype_and_record_nothing_without_gradients(dtype):
    a = Tensor(np.ones((2, 3), dtype), requires_grad=True)
    parts = ops.unstack(a, 1)
    out = ops.stack(parts, 0)
    assert out.dtype == dtype and out.shape == (3, 2)
    out.backward(np.ones((3, 2), dtype))
    assert a.grad.dtype == dtype
    np.testing.assert_array_equal(a.grad, np.ones((2, 3)))
    plain = ops.unstack(np.ones((2, 3), dtype), 0)
    assert all(p.backward_fn is None for p in plain)


def _float64(layer, x, seed=1):
    """``layer`` (dtype float64) built and given smooth random weights."""
    layer(Tensor(np.zeros((1, *x.shape[1:]))))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.uniform(-0.8, 0.8, w.shape) for w in layer.get_weights()])
    return layer


def _loss_plus_penalties(layer, training=False):
    def total(x):
        outputs = _as_list(layer(x, training=training))
        loss = ops.mean(ops.square(outputs[0]))
        for extra in outputs[1:]:
            loss = ops.add(loss, ops.sum(extra))
        for penalty in layer.losses:
            loss = ops.add(loss, penalty)
        return loss

    return total


F64 = dict(dtype="float64")
LAYER_GRAD_CASES = {
    "simple_rnn": lambda: layers.SimpleRNN(3, return_sequences=True, kernel_regularizer="l2",
                                           recurrent_regularizer="l1", **F64),
    "simple_rnn_backwards_state": lambda: layers.SimpleRNN(2, go_backwards=True,
                                                           return_state=True, **F64),
    "lstm": lambda: layers.LSTM(3, return_sequences=True, bias_regularizer="l2",
                                activity_regularizer="l2", **F64),
    "lstm_states_backwards": lambda: layers.LSTM(2, return_state=True, go_backwards=True,
                                                 **F64),
    "lstm_no_bias": lambda: layers.LSTM(2, use_bias=False, **F64),
    "gru": lambda: layers.GRU(3, return_sequences=True, recurrent_regularizer="l2", **F64),
    "gru_reset_before": lambda: layers.GRU(3, reset_after=False, return_state=True, **F64),
    "gru_reset_before_backwards": lambda: layers.GRU(2, reset_after=False, go_backwards=True,
                                                     return_sequences=True, **F64),
    "rnn_of_a_cell": lambda: layers.RNN(layers.GRUCell(2, **F64), **F64),
    "bidirectional_concat": lambda: layers.Bidirectional(
        layers.LSTM(2, return_sequences=True, **F64), **F64),
    "bidirectional_sum_states": lambda: layers.Bidirectional(
        layers.GRU(2, return_state=True, **F64), merge_mode="mul", **F64),
    "time_distributed_dense": lambda: layers.TimeDistributed(
        layers.Dense(3, activation="tanh", kernel_regularizer="l2", **F64), **F64),
}


@pytest.mark.parametrize("name", sorted(LAYER_GRAD_CASES))
def test_layer_gradient_of_weights_and_inputs(name):
    x = rand((2, 3, 2), 3)
    layer = _float64(LAYER_GRAD_CASES[name](), x)
    error = check_gradients(_loss_plus_penalties(layer), [x], params=layer.trainable_weights)
    assert error < TOL, f"relative error {error:.3g}"
    assert len(layer.trainable_weights) == len(layer.get_weights())
    for w in layer.trainable_weights:
        assert w.grad is not None and w.grad.dtype == np.float64


@pytest.mark.parametrize("make", [
    lambda: layers.LSTM(2, dropout=0.3, recurrent_dropout=0.4, return_sequences=True, **F64),
    lambda: layers.GRU(2, dropout=0.4, recurrent_dropout=0.3, reset_after=False, **F64),
    lambda: layers.SimpleRNN(2, dropout=0.5, recurrent_dropout=0.5, **F64),
], ids=["lstm", "gru_reset_before", "simple_rnn"])
def test_layer_gradient_through_dropout_masks(make):
    x = rand((2, 3, 2), 4)
    layer = _float64(make(), x)
    _fixed_masks(layer)
    error = check_gradients(_loss_plus_penalties(layer, training=True), [x],
                            params=layer.trainable_weights)
    assert error < TOL, f"relative error {error:.3g}"


def test_float32_in_float32_out_and_float32_gradients():
    x = Tensor(RNG.normal(size=(2, 4, 3)).astype("float32"), requires_grad=True)
    layer = layers.Bidirectional(layers.LSTM(3, return_sequences=True, dropout=0.2))
    out = layer(x, training=True)
    assert out.dtype == np.float32
    out.backward(np.ones(out.shape, "float32"))
    assert x.grad.dtype == np.float32
    assert all(w.grad.dtype == np.float32 for w in layer.trainable_weights)


# ----------------------------------------------------------------------------- training


def _sum_task(n, steps=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, steps, 1)).astype("float32")
    return x, x.sum(axis=(1, 2))


@pytest.mark.parametrize("rnn", ["LSTM", "GRU", "SimpleRNN"])
def test_a_recurrent_model_learns_to_sum_a_sequence(rnn):
    x, y = _sum_task(512)
    x_test, y_test = _sum_task(200, seed=1)
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([numnet.Input((8, 1)), getattr(layers, rnn)(12), layers.Dense(1)])
    model.compile(optimizer=numnet.optimizers.Adam(0.02), loss="mse")
    start = time.perf_counter()
    history = model.fit(x, y, epochs=12, batch_size=32, verbose=0)
    seconds = time.perf_counter() - start
    test_loss = model.evaluate(x_test, y_test, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert test_loss < 0.05 * float(np.var(y_test)), test_loss  # (predicting the mean: var)
    assert seconds < 30, seconds


def _token_task(n, length=12, seed=0):
    """Sequences over 20 tokens, 1-9 'negative' and 10-19 'positive' words (0 pads); the label
    says whether the last positive word comes after the last negative one."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, 20, size=(n, length))
    ids[rng.random((n, length)) < 0.3] = 0
    steps = np.arange(length)
    last_positive = np.where(ids >= 10, steps, -1).max(axis=1)
    last_negative = np.where((ids > 0) & (ids < 10), steps, -1).max(axis=1)
    return ids, (last_positive > last_negative).astype("float32")


def test_embedding_and_a_bidirectional_gru_learn_an_order_task():
    ids, labels = _token_task(1000)
    test_ids, test_labels = _token_task(300, seed=1)
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([
        numnet.Input((12,), dtype="int32"),
        layers.Embedding(20, 8),
        layers.Bidirectional(layers.GRU(8, return_sequences=True)),
        layers.TimeDistributed(layers.Dense(4, activation="relu")),
        layers.LSTM(8),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=numnet.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(ids, labels, epochs=8, batch_size=32, verbose=0)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(test_ids, test_labels, verbose=0)
    assert accuracy > 0.9, accuracy  # the majority class is about 0.5
    assert seconds < 60, seconds


# ----------------------------------------------------------------------------- config and files


def test_config_keeps_every_argument():
    layer = layers.LSTM(5, activation="relu", recurrent_activation="hard_sigmoid",
                        use_bias=False, kernel_initializer="he_normal",
                        recurrent_initializer=initializers.Orthogonal(gain=2.0),
                        unit_forget_bias=False, kernel_regularizer=regularizers.L2(0.3),
                        recurrent_constraint=constraints.MaxNorm(2.0), dropout=0.1,
                        recurrent_dropout=0.2, seed=4, return_sequences=True,
                        return_state=False, go_backwards=True, unroll=True, name="l")
    config = layer.get_config()
    assert {k: config[k] for k in ("units", "activation", "recurrent_activation", "use_bias",
                                   "unit_forget_bias", "dropout", "recurrent_dropout", "seed",
                                   "return_sequences", "go_backwards", "stateful",
                                   "unroll")} == {
        "units": 5, "activation": "relu", "recurrent_activation": "hard_sigmoid",
        "use_bias": False, "unit_forget_bias": False, "dropout": 0.1, "recurrent_dropout": 0.2,
        "seed": 4, "return_sequences": True, "go_backwards": True, "stateful": False,
        "unroll": True}
    assert "cell" not in config
    clone = layers.LSTM.from_config(config)
    assert clone.get_config() == config
    assert clone.recurrent_initializer.gain == 2.0
    assert isinstance(clone.recurrent_constraint, constraints.MaxNorm)
    gru = layers.GRU(2, reset_after=False).get_config()
    assert gru["reset_after"] is False and gru["recurrent_initializer"]["class_name"] == \
        "Orthogonal"
    assert "recurrent_activation" not in layers.SimpleRNN(2).get_config()
    bidirectional = layers.Bidirectional(layers.GRU(3), merge_mode="sum").get_config()
    assert bidirectional["layer"]["class_name"] == "GRU"
    assert bidirectional["backward_layer"]["config"]["go_backwards"] is True
    rnn = layers.RNN(layers.LSTMCell(3)).get_config()
    assert rnn["cell"]["class_name"] == "LSTMCell"
    assert layers.RNN.from_config(rnn).cell.units == 3


def _save_load_predict(model, x, tmp_path):
    model.compile(optimizer="sgd", loss="mse")
    before = model.predict(x, verbose=0)
    model.save(tmp_path / "model.numnet")
    loaded = numnet.models.load_model(tmp_path / "model.numnet")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    return loaded


def test_a_sequence_model_file_saves_and_loads(tmp_path):
    model = numnet.Sequential([
        numnet.Input((6, 3)),
        layers.SimpleRNN(4, return_sequences=True, kernel_regularizer="l2"),
        layers.LSTM(5, return_sequences=True, go_backwards=True, dropout=0.2, seed=1),
        layers.GRU(3, reset_after=False, return_sequences=True),
        layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode="ave"),
        layers.TimeDistributed(layers.Dense(3, activation="relu")),
        layers.RNN(layers.GRUCell(4), go_backwards=True),
        layers.Dense(1),
    ])
    _save_load_predict(model, RNG.normal(size=(3, 6, 3)).astype("float32"), tmp_path)


def test_a_functional_text_model_file_saves_and_loads(tmp_path):
    inputs = numnet.Input((7,))
    x = layers.Embedding(15, 4)(inputs)
    x = layers.Bidirectional(layers.GRU(3), backward_layer=layers.LSTM(2, go_backwards=True))(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = numnet.Model(inputs, outputs)
    loaded = _save_load_predict(model, RNG.integers(0, 15, size=(4, 7)).astype("float32"),
                                tmp_path)
    bidirectional = loaded.layers[2]
    assert type(bidirectional.backward_layer) is layers.LSTM


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("make, error, message", [
    (lambda: layers.LSTM(0), ValueError, r"LSTMCell\(units\): expected a positive integer"),
    (lambda: layers.GRU(2.5), ValueError, r"GRUCell\(units\)"),
    (lambda: layers.SimpleRNN(3, dropout=1.0), ValueError, r"\(dropout\): expected a number "
                                                           r"in \[0, 1\)"),
    (lambda: layers.LSTM(3, recurrent_dropout=-0.1), ValueError, r"recurrent_dropout"),
    (lambda: layers.LSTM(3, stateful="yes"), TypeError, r"LSTM\(stateful\)"),
    (lambda: layers.GRU(3, return_sequences="yes"), TypeError, r"GRU\(return_sequences\)"),
    (lambda: layers.LSTM(3, activation="tanhh"), ValueError, r"tanh"),
    (lambda: layers.LSTM(3, implementation=3), ValueError, r"implementation"),
    (lambda: layers.LSTM(3, dropuot=0.2), TypeError, r"Did you mean 'dropout'"),
    (lambda: layers.RNN([layers.LSTMCell(2), layers.Dense(2)]), TypeError,
     r"StackedRNNCells\(cells\)"),
    (lambda: layers.RNN(layers.Dense(2)), TypeError, r"RNN\(cell\): expected a cell"),
    (lambda: layers.Bidirectional(layers.Dense(2)), TypeError, r"recurrent layer"),
    (lambda: layers.Bidirectional("lstm"), TypeError, r"Bidirectional\(layer\)"),
    (lambda: layers.Bidirectional(layers.LSTM(2), merge_mode="max"), ValueError,
     r"merge_mode"),
    (lambda: layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2)), ValueError,
     r"go_backwards=True"),
    (lambda: layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(
        2, go_backwards=True, return_sequences=True)), ValueError, r"return_sequences"),
    (lambda: layers.TimeDistributed(np.ones(3)), TypeError, r"TimeDistributed\(layer\)"),
])
def test_bad_arguments_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("layer, shape, message", [
    (layers.LSTM(2), (4, 10), r"expected 3 axes \(batch, time, features\).*x\[\.\.\., None\]"),
    (layers.GRU(2), (4, 10, 2, 1), r"expected 3 axes"),
    (layers.SimpleRNN(2), (4, 0, 3), r"no time steps"),
    (layers.Bidirectional(layers.LSTM(2)), (4, 10), r"expected 3 axes"),
    (layers.TimeDistributed(layers.Dense(2)), (4, 3), r"at least 3 axes"),
    (layers.LSTMCell(2), (4, 3, 2), r"expected 2 axes \(batch, features\).*RNN\(cell\)"),
])
def test_wrong_input_shapes_are_named(layer, shape, message):
    with pytest.raises(ValueError, match=message):
        layer(np.zeros(shape, "float32"))


def test_wrong_shapes_after_build_masks_and_states_in_a_model():
    layer = layers.LSTM(2)
    layer(np.zeros((1, 4, 3), "float32"))
    with pytest.raises(ValueError, match=r"expected 3 features"):
        layer(np.zeros((1, 4, 5), "float32"))
    with pytest.raises(ValueError, match=r"initial_state: expected 2 arrays of shapes"):
        layer(np.zeros((1, 4, 3), "float32"), initial_state=[np.zeros((1, 2), "float32")])
    with pytest.raises(ValueError, match=r"expected a mask of shape \(batch, time\)"):
        layer(np.zeros((1, 4, 3), "float32"), mask=np.ones((1, 3), bool))
    with pytest.raises(ValueError, match=r"expected 3 axes"):
        numnet.Sequential([numnet.Input((28,)), layers.LSTM(2)])


def test_bad_nested_configs_are_named():
    with pytest.raises(TypeError, match=r"Bidirectional\(layer\): expected a Layer or its "
                                        r"config"):
        layers.Bidirectional.from_config({"layer": ["LSTM"]})
    with pytest.raises(ValueError, match=r"'os.system' is not a known Layer class"):
        layers.TimeDistributed.from_config({"layer": {"class_name": "os.system",
                                                      "config": {}}})


# ----------------------------------------------------------------------------- against Keras


@pytest.fixture(scope="module")
def K():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="the Keras cross-check runs Keras on its JAX backend")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


KERAS_LAYER_CASES = [
    ("SimpleRNN", dict(units=4, return_sequences=True)),
    ("SimpleRNN", dict(units=3, activation="relu", go_backwards=True, return_state=True)),
    ("LSTM", dict(units=4)),
    ("LSTM", dict(units=3, return_sequences=True, return_state=True, go_backwards=True)),
    ("LSTM", dict(units=2, use_bias=False, recurrent_activation="hard_sigmoid")),
    ("GRU", dict(units=4, return_sequences=True)),
    ("GRU", dict(units=3, return_state=True, go_backwards=True)),
    ("GRU", dict(units=3, reset_after=False, return_sequences=True)),
    ("GRU", dict(units=2, reset_after=False, use_bias=False, return_state=True)),
]


def _keras_list(out):
    return [np.asarray(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


@pytest.mark.parametrize("case", KERAS_LAYER_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(KERAS_LAYER_CASES)])
def test_layers_match_keras_with_the_same_weights(K, case):
    name, kwargs = case
    x = RNG.normal(size=(3, 6, 5)).astype("float32")
    k_layer, n_layer = getattr(K.layers, name)(**kwargs), getattr(layers, name)(**kwargs)
    expected = _keras_list(k_layer(x))
    n_layer(x)
    assert [w.shape for w in n_layer.weights] == [tuple(w.shape) for w in k_layer.weights]
    assert [w.path.split("/", 1)[1] for w in n_layer.weights] == \
        [w.path.split("/", 1)[1] for w in k_layer.weights]
    n_layer.set_weights(k_layer.get_weights())
    for got, want in zip(_as_list(n_layer(x)), expected, strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)
    assert _shapes(n_layer.compute_output_shape((None, 6, 5))) == \
        _shapes(k_layer.compute_output_shape((None, 6, 5)))


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul"])
def test_bidirectional_and_time_distributed_match_keras(K, merge_mode):
    x = RNG.normal(size=(3, 6, 5)).astype("float32")
    k_layer = K.layers.Bidirectional(K.layers.LSTM(3, return_sequences=True),
                                     merge_mode=merge_mode)
    n_layer = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=merge_mode)
    expected = np.asarray(k_layer(x))
    n_layer(x)
    n_layer.set_weights(k_layer.get_weights())
    np.testing.assert_allclose(n_layer(x).numpy(), expected, rtol=1e-5, atol=1e-5)
    k_td, n_td = (lib.layers.TimeDistributed(lib.layers.Dense(2, activation="tanh"))
                  for lib in (K, numnet))
    expected = np.asarray(k_td(x))
    n_td(x)
    n_td.set_weights(k_td.get_weights())
    np.testing.assert_allclose(n_td(x).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_bidirectional_states_match_keras(K):
    x = RNG.normal(size=(2, 5, 3)).astype("float32")
    k_layer = K.layers.Bidirectional(K.layers.GRU(3, return_state=True))
    n_layer = layers.Bidirectional(layers.GRU(3, return_state=True))
    expected = _keras_list(k_layer(x))
    n_layer(x)
    n_layer.set_weights(k_layer.get_weights())
    for got, want in zip(n_layer(x), expected, strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)


def _sequence_model(lib):
    return lib.Sequential([
        lib.layers.Input((8, 1)),
        lib.layers.LSTM(6, return_sequences=True),
        lib.layers.Bidirectional(lib.layers.GRU(3, return_sequences=True, reset_after=False)),
        lib.layers.TimeDistributed(lib.layers.Dense(4, activation="tanh")),
        lib.layers.SimpleRNN(5),
        lib.layers.Dense(1),
    ])


def _text_model(lib):
    return lib.Sequential([
        lib.layers.Input((12,), dtype="int32"),
        lib.layers.Embedding(20, 6),
        lib.layers.GRU(8, go_backwards=True),
        lib.layers.Dense(1, activation="sigmoid"),
    ])


def test_a_sequence_model_follows_keras_loss_for_loss(K, losses_side_by_side):
    x, y = _sum_task(32)
    x, y = np.concatenate([x] * 12), np.concatenate([y] * 12)  # one batch, 12 steps on it
    k_losses, n_losses, k_model, n_model = losses_side_by_side(
        K, _sequence_model, x, y, "mse", steps=12, learning_rate=0.05)
    np.testing.assert_allclose(n_losses, k_losses, rtol=1e-4, atol=1e-5)
    assert k_losses[-1] < 0.9 * k_losses[0]  # the steps trained
    for k_weight, n_weight in zip(k_model.get_weights(), n_model.get_weights(), strict=True):
        np.testing.assert_allclose(n_weight, k_weight, atol=1e-4)


def test_a_text_model_follows_keras_loss_for_loss(K, losses_side_by_side):
    ids, labels = _token_task(32 * 10)
    k_losses, n_losses, *_ = losses_side_by_side(K, _text_model, ids.astype("int32"), labels,
                                                 "binary_crossentropy", steps=10,
                                                 learning_rate=0.5)
    np.testing.assert_allclose(n_losses, k_losses, rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------------------- on a device


def test_the_recurrent_layers_run_with_every_array_on_a_device(runs_on_a_device):
    """This module's recurrent layers, with every array on the strict stand-in for CuPy."""
    runs_on_a_device(__file__)


def test_recurrent_weight_paths_carry_the_enclosing_scopes():
    # the paths Keras 3.15 gives (JAX backend): a recurrent layer inside a model or a layer of
    # one's own is named under it, as a Dense is, and Bidirectional once under its own name
    class Block(numnet.layers.Layer):
        def __init__(self):
            super().__init__(name="block")
            self.rnn = layers.GRU(4, return_sequences=True, name="gru")
            self.bi = layers.Bidirectional(layers.GRU(2, name="g"), name="bi")
            self.dense = layers.Dense(1, name="dense")

        def call(self, x):
            return self.dense(self.bi(self.rnn(x)))

    block = Block()
    block(np.ones((1, 3, 2), "float32"))
    assert [v.path for v in block.weights] == [
        "block/gru/gru_cell/kernel", "block/gru/gru_cell/recurrent_kernel",
        "block/gru/gru_cell/bias", "block/bi/forward_g/gru_cell/kernel",
        "block/bi/forward_g/gru_cell/recurrent_kernel", "block/bi/forward_g/gru_cell/bias",
        "block/bi/backward_g/gru_cell/kernel", "block/bi/backward_g/gru_cell/recurrent_kernel",
        "block/bi/backward_g/gru_cell/bias", "block/dense/kernel", "block/dense/bias"]
    model = numnet.Sequential([numnet.Input((3, 2)), layers.LSTM(4, name="lstm")],
                             name="seq")
    assert model.weights[0].path == "seq/lstm/lstm_cell/kernel"
    alone = layers.SimpleRNN(3, name="simple")
    alone.build((None, 2, 2))
    assert [v.path for v in alone.weights] == [
        "simple/simple_rnn_cell/kernel", "simple/simple_rnn_cell/recurrent_kernel",
        "simple/simple_rnn_cell/bias"]
    conv = layers.ConvLSTM2D(2, 3, name="conv")
    conv(np.ones((1, 2, 5, 5, 1), "float32"))
    assert conv.weights[0].path == "conv/conv_lstm_cell/kernel"
