"""Defects found by running the Keras developer guides' programs under numnet, each pinned by
numbers computed by hand: stateful recurrent layers (the guide "Working with RNNs")."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import layers, ops

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")


def _linear_rnn(**kwargs):
    """SimpleRNN(1) without activation: h_t = x_t + 0.5 h_{t-1}."""
    layer = layers.SimpleRNN(1, activation=None, **kwargs)
    layer(np.zeros((1, 1, 1), "float32"))
    layer.set_weights([np.array([[1.0]], "float32"), np.array([[0.5]], "float32"),
                       np.zeros(1, "float32")])
    return layer


def test_stateful_rnn_goes_on_from_the_last_call():
    layer = _linear_rnn(stateful=True)
    layer.reset_states()
    first = layer(np.array([[[1.0], [2.0]]], "float32"))  # h = 1, then 2 + 0.5 = 2.5
    second = layer(np.array([[[3.0]]], "float32"))        # 3 + 0.5 * 2.5 = 4.25
    assert float(ops.convert_to_numpy(first)[0, 0]) == pytest.approx(2.5)
    assert float(ops.convert_to_numpy(second)[0, 0]) == pytest.approx(4.25)
    assert float(np.asarray(layer.states[0])[0, 0]) == pytest.approx(4.25)
    layer.reset_states()
    assert float(np.abs(np.asarray(layer.states[0])).sum()) == 0.0
    again = layer(np.array([[[3.0]]], "float32"))
    assert float(ops.convert_to_numpy(again)[0, 0]) == pytest.approx(3.0)


def test_stateless_rnn_starts_from_zeros_each_call():
    layer = _linear_rnn()
    layer(np.array([[[1.0], [2.0]]], "float32"))
    again = layer(np.array([[[3.0]]], "float32"))
    assert float(ops.convert_to_numpy(again)[0, 0]) == pytest.approx(3.0)
    assert layer.states is None


@pytest.mark.parametrize("make", [lambda **kw: layers.LSTM(3, **kw),
                                  lambda **kw: layers.GRU(3, **kw),
                                  lambda **kw: layers.SimpleRNN(3, **kw)])
def test_stateful_pieces_give_the_whole_sequence(make):
    rng = np.random.default_rng(0)
    sequence = rng.normal(size=(2, 9, 4)).astype("float32")
    stateful, whole = make(stateful=True), make()
    stateful(sequence[:, :3])
    whole(sequence)
    whole.set_weights(stateful.get_weights())
    stateful.reset_states()
    for start in (0, 3, 6):
        piece = stateful(sequence[:, start:start + 3])
    expected = ops.convert_to_numpy(whole(sequence))
    np.testing.assert_allclose(ops.convert_to_numpy(piece), expected, rtol=1e-5, atol=1e-6)
    assert len(stateful.weights) == len(whole.weights)  # the states are not weights
    # the kept states start another layer (initial_state), as the guide's "state reuse"
    follow = make()
    follow(sequence[:, :3], initial_state=stateful.states)
    follow.set_weights(stateful.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(follow(sequence[:, :3], initial_state=stateful.states)),
        ops.convert_to_numpy(stateful(sequence[:, :3])), rtol=1e-5, atol=1e-6)


def test_stateful_batch_size_must_not_change():
    layer = layers.LSTM(2, stateful=True)
    layer(np.ones((3, 2, 1), "float32"))
    with pytest.raises(ValueError, match=r"stateful.*batch size of the states it keeps, 3; "
                                         r"given a batch of 5"):
        layer(np.ones((5, 2, 1), "float32"))


def test_stateful_config_round_trip_and_fit():
    model = numnet.Sequential([numnet.Input(shape=(3, 2), batch_size=4),
                               layers.LSTM(5, stateful=True), layers.Dense(1)])
    config = model.layers[0].get_config()
    assert config["stateful"] is True
    assert layers.LSTM.from_config(config).stateful is True
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 3, 2), "float32")
    model.fit(x, np.zeros((8, 1), "float32"), batch_size=4, epochs=1, shuffle=False, verbose=0)
    states = model.layers[0].states
    assert [np.asarray(s).shape for s in states] == [(4, 5), (4, 5)]
    assert not any(getattr(s, "requires_grad", False) for s in states)


def test_building_a_functional_model_keeps_no_states():
    inputs = numnet.Input(shape=(3, 2), batch_size=4)
    lstm = layers.LSTM(5, stateful=True)
    outputs = lstm(inputs, training=True)  # a call with arguments: shapes found by a sample run
    model = numnet.Model(inputs, outputs)
    assert lstm.states is None
    model(np.ones((4, 3, 2), "float32"))
    assert np.asarray(lstm.states[0]).shape == (4, 5)


# ----------------------------------------------------------------------------- masks in graphs


class _PositiveSteps(layers.Layer):
    """Keeps the steps whose first feature is positive (a compute_mask of one's own)."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return ops.greater(inputs[:, :, 0], 0.0)


class _MaskedMean(layers.Layer):
    """The mean over the steps the mask keeps; needs the mask (as the masking guide's layers)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None


def test_a_layer_that_reads_the_mask_gets_it_when_the_graph_is_built():
    inputs = numnet.Input(shape=(3, 2))
    outputs = _MaskedMean()(_PositiveSteps()(inputs))
    model = numnet.Model(inputs, outputs)
    assert model.output_shape == (None, 2)
    x = np.array([[[1.0, 2.0], [-1.0, 10.0], [3.0, 4.0]]], "float32")
    # steps 0 and 2 count: ((1 + 3) / 2, (2 + 4) / 2)
    np.testing.assert_allclose(model.predict(x, verbose=0), [[2.0, 3.0]], rtol=1e-6)


def test_the_mask_of_an_embedding_reaches_a_custom_layer_through_a_masking_layer():
    inputs = numnet.Input(shape=(4,), dtype="int32")
    x = layers.Embedding(5, 2, mask_zero=True)(inputs)
    x = layers.Dropout(0.0)(x)  # supports masking: passes the mask on
    outputs = _MaskedMean()(x)
    model = numnet.Model(inputs, outputs)
    table = np.arange(10, dtype="float32").reshape(5, 2)
    model.layers[1].set_weights([table])
    tokens = np.array([[1, 2, 0, 0]])
    # rows 1 and 2 of the table: ((2 + 4) / 2, (3 + 5) / 2)
    np.testing.assert_allclose(model.predict(tokens, verbose=0), [[3.0, 4.0]], rtol=1e-6)


# ----------------------------------------------------------------------------- Normalization


def test_normalization_has_keras_three_weights_and_count_stays_zero():
    norm = layers.Normalization()
    norm.adapt(np.array([[1.0, 2.0], [3.0, 5.0]], "float32"))
    assert [w.name for w in norm.weights] == ["mean", "variance", "count"]
    mean, variance, count = norm.get_weights()
    np.testing.assert_allclose(mean, [2.0, 3.5])
    np.testing.assert_allclose(variance, [1.0, 2.25])  # population variance
    assert count.shape == () and count.dtype == np.int32 and int(count) == 0
    assert norm.trainable_weights == []
    # 2 + 2 + 1 for the Normalization, 2 * 1 + 1 for the Dense, as Keras's count_params
    model = numnet.Sequential([numnet.Input((2,)), norm, layers.Dense(1)])
    assert model.count_params() == 8
    fixed = layers.Normalization(mean=3.0, variance=4.0)
    np.testing.assert_allclose(ops.convert_to_numpy(fixed(np.array([[1.0], [7.0]], "float32"))),
                               [[-1.0], [2.0]])
    assert fixed.weights == []


# ----------------------------------------------------------------------------- RNN([cells])


def test_rnn_takes_a_list_of_cells_and_stacks_them():
    # two SimpleRNNCell(1) without activation: h1_t = x_t + 0.5 h1_{t-1}; h2_t = 2 h1_t + 0 h2
    first = layers.SimpleRNNCell(1, activation=None)
    second = layers.SimpleRNNCell(1, activation=None)
    rnn = layers.RNN([first, second], return_state=True)
    rnn(np.zeros((1, 2, 1), "float32"))
    rnn.set_weights([np.array([[1.0]], "float32"), np.array([[0.5]], "float32"),
                     np.zeros(1, "float32"), np.array([[2.0]], "float32"),
                     np.zeros((1, 1), "float32"), np.zeros(1, "float32")])
    output, h1, h2 = rnn(np.array([[[1.0], [2.0]]], "float32"))
    # h1: 1, then 2 + 0.5 = 2.5; h2 = 2 * 2.5 = 5
    assert float(ops.convert_to_numpy(output)[0, 0]) == pytest.approx(5.0)
    assert float(ops.convert_to_numpy(h1)[0, 0]) == pytest.approx(2.5)
    assert float(ops.convert_to_numpy(h2)[0, 0]) == pytest.approx(5.0)
    assert type(rnn.cell).__name__ == "StackedRNNCells"
    config = rnn.get_config()
    assert layers.RNN.from_config(config).cell.cells[1].units == 1


# ----------------------------------------------------------------------------- grouped conv


def test_grouped_convolution_by_hand():
    conv = layers.Conv1D(4, 1, groups=2, use_bias=True)
    conv(np.zeros((1, 1, 4), "float32"))
    assert conv.kernel.shape == (1, 2, 4)  # (kernel_size, channels / groups, filters)
    kernel = np.zeros((1, 2, 4), "float32")
    kernel[0, :, :2] = [[1.0, 0.0], [0.0, 1.0]]    # group 0: channels 0, 1 -> filters 0, 1
    kernel[0, :, 2:] = [[1.0, 1.0], [1.0, -1.0]]   # group 1: channels 2, 3 -> filters 2, 3
    conv.set_weights([kernel, np.array([0.0, 0.0, 0.5, 0.0], "float32")])
    x = numnet.Variable(np.array([[[1.0, 2.0, 3.0, 4.0]]], "float32"))
    with numnet.GradientTape() as tape:
        y = conv(x)
        total = ops.sum(y)
    # group 0 gives (1, 2); group 1 gives (3 + 4, 3 - 4) plus the bias 0.5 on filter 2
    np.testing.assert_allclose(ops.convert_to_numpy(y), [[[1.0, 2.0, 7.5, -1.0]]])
    # d total / d x: each channel's row of its group's kernel summed: 1, 1, 1 + 1, 1 - 1
    np.testing.assert_allclose(ops.convert_to_numpy(tape.gradient(total, x)),
                               [[[1.0, 1.0, 2.0, 0.0]]])
    assert conv.get_config()["groups"] == 2


def test_grouped_convolution_refuses_what_does_not_divide():
    with pytest.raises(ValueError, match=r"Conv2D\(groups\): the filters \(5\)"):
        layers.Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match=r"its 3 channels do not divide into groups=2"):
        layers.Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3), "float32"))
