"""Masks, as Keras 3 makes and uses them: Embedding(mask_zero=True) and Masking make one; the
recurrent layers, Bidirectional and GlobalAveragePooling1D use it; the model's loss and metrics
skip the masked steps. Against NumPy loops written out here, gradient checks, Keras 3 (JAX)
where it is installed, model files, and the warning of a layer that drops a mask.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import backend, layers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

RNG = np.random.default_rng(0)
VOCAB, STEPS = 12, 6


def _padded(batch: int = 5, seed: int = 1) -> np.ndarray:
    """Integer sequences padded with 0: right-padded rows, a row with a gap, a row of one step."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, VOCAB, (batch, STEPS))
    for row, length in enumerate([6, 4, 1, 3, 5][:batch]):
        ids[row, length:] = 0
    ids[min(4, batch - 1), 2] = 0  # a masked step inside the sequence
    return ids


# ----------------------------------------------------------------------------- references


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _simple_rnn(x_t, states, kernel, recurrent, bias):
    h = np.tanh(x_t @ kernel + states[0] @ recurrent + bias)
    return h, [h]


def _lstm(x_t, states, kernel, recurrent, bias):
    h, c = states
    i, f, g, o = np.split(x_t @ kernel + h @ recurrent + bias, 4, axis=-1)
    c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    h = _sigmoid(o) * np.tanh(c)
    return h, [h, c]


def _gru(x_t, states, kernel, recurrent, bias):
    h = states[0]
    x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=-1)
    h_z, h_r, h_h = np.split(h @ recurrent + bias[1], 3, axis=-1)
    z, r = _sigmoid(x_z + h_z), _sigmoid(x_r + h_r)
    hh = np.tanh(x_h + r * h_h)
    h = z * h + (1 - z) * hh
    return h, [h]


STEP = {"SimpleRNN": _simple_rnn, "LSTM": _lstm, "GRU": _gru}


def masked_loop(step, x, mask, weights, units, n_states, go_backwards=False,
                zero_output=False):
    """Keras's loop under a mask: a masked step keeps the states; its output is the previous
    h (zeros with zero_output). Returns every output in the order run, and the last."""
    states = [np.zeros((x.shape[0], units)) for _ in range(n_states)]
    order = range(x.shape[1])[::-1] if go_backwards else range(x.shape[1])
    outputs = []
    for t in order:
        h, new = step(x[:, t], states, *weights)
        keep = mask[:, t, None]
        previous = np.zeros_like(h) if zero_output else states[0]
        outputs.append(np.where(keep, h, previous))
        states = [np.where(keep, n, s) for n, s in zip(new, states, strict=True)]
    return np.stack(outputs, axis=1), outputs[-1]


def _model(name, return_sequences, units=3, go_backwards=False):
    rnn = getattr(layers, name)(units, return_sequences=return_sequences,
                                go_backwards=go_backwards)
    return numnet.Sequential([numnet.Input((STEPS,)), layers.Embedding(VOCAB, 4, mask_zero=True),
                              rnn, layers.Dense(2)])


def _randomize(model, seed=3, scale=0.6):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-scale, scale, w.shape).astype("float32")
                       for w in model.get_weights()])
    return [w.astype(np.float64) for w in model.get_weights()]


# ----------------------------------------------------------------------------- against NumPy


@pytest.mark.parametrize("go_backwards", [False, True], ids=["forwards", "backwards"])
@pytest.mark.parametrize("return_sequences", [False, True], ids=["last", "sequences"])
@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_masked_recurrent_layers_match_a_numpy_loop(name, return_sequences, go_backwards):
    model = _model(name, return_sequences, go_backwards=go_backwards)
    embeddings, *cell, dense_w, dense_b = _randomize(model)
    ids = _padded()
    mask = ids != 0
    sequence, last = masked_loop(STEP[name], embeddings[ids], mask, cell, 3,
                                 2 if name == "LSTM" else 1, go_backwards)
    expected = (sequence if return_sequences else last) @ dense_w + dense_b
    out = model.predict(ids, verbose=0)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    # the padding changes nothing: the same rows padded with other tokens where masked
    embedded = model.layers[0](ids)
    np.testing.assert_array_equal(embedded._keras_mask, mask)  # eager calls carry the mask
    assert np.allclose(model.layers[1](embedded).numpy()[:, -1] if return_sequences
                       else model.layers[1](embedded).numpy(),
                       sequence[:, -1] if return_sequences else last, atol=1e-4)
    embedded._keras_mask = None
    unmasked = model.layers[1](embedded).numpy()
    assert not np.allclose(unmasked[:, -1] if return_sequences else unmasked,
                           (sequence[:, -1] if return_sequences else last), atol=1e-4)


def test_the_last_output_of_a_fully_masked_row_is_the_initial_state():
    model = _model("LSTM", False)
    _randomize(model)
    ids = np.zeros((2, STEPS), "int64")
    ids[1, :2] = 5
    embedded = model.layers[0](ids)
    mask = model.layers[0].compute_mask(ids)
    h = model.layers[1](embedded, mask=mask).numpy()
    np.testing.assert_array_equal(h[0], np.zeros(3, "float32"))
    assert np.abs(h[1]).max() > 0


def test_global_average_pooling_averages_the_kept_steps_only():
    ids = _padded()
    model = numnet.Sequential([numnet.Input((STEPS,)), layers.Embedding(VOCAB, 4, mask_zero=True),
                               layers.GlobalAveragePooling1D()])
    (table,) = model.get_weights()
    mask = (ids != 0)[..., None]
    expected = (table[ids] * mask).sum(axis=1) / mask.sum(axis=1)
    np.testing.assert_allclose(model.predict(ids, verbose=0), expected, rtol=1e-6)
    # without the mask every step counts
    plain = layers.GlobalAveragePooling1D()(table[ids]).numpy()
    np.testing.assert_allclose(plain, table[ids].mean(axis=1), rtol=1e-6)
    assert not np.allclose(plain, expected)


def test_masking_zeroes_and_masks_the_steps_that_equal_mask_value():
    x = RNG.normal(size=(3, 4, 2)).astype("float32")
    x[0, 3] = x[1, 1] = -1.0
    x[2, 0, 0] = -1.0  # one feature only: kept
    layer = layers.Masking(mask_value=-1.0)
    out = layer(x).numpy()
    mask = backend.to_numpy(layer.compute_mask(Tensor(backend.to_device(x))))
    np.testing.assert_array_equal(mask, [[1, 1, 1, 0], [1, 0, 1, 1], [1, 1, 1, 1]])
    np.testing.assert_array_equal(out, x * mask[..., None])
    model = numnet.Sequential([numnet.Input((4, 2)), layers.Masking(-1.0),
                               layers.GlobalAveragePooling1D()])
    expected = (x * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)


def test_bidirectional_gives_the_mask_to_both_directions():
    model = numnet.Sequential([numnet.Input((STEPS,)), layers.Embedding(VOCAB, 4, mask_zero=True),
                               layers.Bidirectional(layers.GRU(2, return_sequences=True))])
    embeddings, *weights = _randomize(model)
    ids = _padded()
    mask = ids != 0
    x = embeddings[ids]
    forward, _ = masked_loop(_gru, x, mask, weights[:3], 2, 1, zero_output=True)
    backward, _ = masked_loop(_gru, x, mask, weights[3:], 2, 1, go_backwards=True,
                              zero_output=True)
    expected = np.concatenate([forward, backward[:, ::-1]], axis=-1)
    np.testing.assert_allclose(model.predict(ids, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_masks_pass_through_dense_and_dropout_and_are_dropped_by_pooling():
    ids = _padded()
    embedding = layers.Embedding(VOCAB, 4, mask_zero=True)
    dense, dropout = layers.Dense(3), layers.Dropout(0.5)
    pool, lstm = layers.GlobalAveragePooling1D(), layers.LSTM(2, return_sequences=True)
    mask = embedding.compute_mask(ids)
    x = embedding(ids)
    for layer in (dense, dropout, layers.LayerNormalization(), layers.Activation("relu"),
                  layers.TimeDistributed(layers.Dense(2))):
        assert layer._next_mask(x, mask) is mask
    assert lstm._next_mask(x, mask) is mask
    assert layers.LSTM(2)._next_mask(x, mask) is None
    assert pool._next_mask(x, mask) is None
    assert embedding._next_mask(ids, None) is not None
    assert layers.Embedding(VOCAB, 4)._next_mask(ids, None) is None


def test_merges_combine_masks_as_keras():
    a = Tensor(backend.to_device(np.zeros((2, 3, 2), "float32")))
    b = Tensor(backend.to_device(np.zeros((2, 3, 4), "float32")))
    m1 = np.array([[1, 1, 0], [1, 0, 0]], bool)
    m2 = np.array([[1, 0, 0], [1, 1, 1]], bool)
    d1, d2 = backend.to_device(m1), backend.to_device(m2)

    def mask(layer, inputs, masks):
        return backend.to_numpy(layer.compute_mask(inputs, masks))

    np.testing.assert_array_equal(mask(layers.Add(), [a, a], [d1, d2]), m1 | m2)
    assert layers.Add().compute_mask([a, a], [d1, None]) is None
    np.testing.assert_array_equal(mask(layers.Concatenate(), [a, b], [d1, d2]), m1 | m2)
    np.testing.assert_array_equal(mask(layers.Concatenate(), [a, b], [d1, None]),
                                  np.ones((2, 3), bool))
    # joined along time: each step keeps its own mask
    np.testing.assert_array_equal(mask(layers.Concatenate(axis=1), [a, a], [d1, d2]),
                                  np.concatenate([m1, m2], axis=1))


def test_a_functional_graph_carries_masks_through_a_merge():
    tokens = numnet.Input((STEPS,))
    embedded = layers.Embedding(VOCAB, 4, mask_zero=True)(tokens)
    left = layers.LSTM(2, return_sequences=True)(embedded)
    right = layers.Dense(2)(embedded)
    merged = layers.Concatenate()([left, right])
    out = layers.GlobalAveragePooling1D()(merged)
    model = numnet.Model(tokens, out)
    ids = _padded()
    mask = (ids != 0)[..., None]
    full = numnet.Model(tokens, merged).predict(ids, verbose=0)
    expected = (full * mask).sum(axis=1) / mask.sum(axis=1)
    np.testing.assert_allclose(model.predict(ids, verbose=0), expected, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- the loss


def test_the_output_mask_weighs_the_loss_and_the_metrics():
    ids = _padded()
    model = numnet.Sequential([numnet.Input((STEPS,)), layers.Embedding(VOCAB, 4, mask_zero=True),
                               layers.SimpleRNN(3, return_sequences=True),
                               layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    labels = RNG.integers(0, 3, ids.shape)
    probabilities = model.predict(ids, verbose=0)
    mask = ids != 0
    per_step = -np.log(np.take_along_axis(probabilities, labels[..., None], -1)[..., 0])
    hits = probabilities.argmax(-1) == labels
    loss, accuracy = model.evaluate(ids, labels, verbose=0)
    assert loss == pytest.approx(per_step[mask].mean(), rel=1e-5)
    assert accuracy == pytest.approx(hits[mask].mean(), rel=1e-6)
    weights = np.array([1.0, 2.0, 0.5, 1.0, 3.0], "float32")
    loss = model.evaluate(ids, labels, sample_weight=weights, verbose=0)[0]
    weighted = (per_step * weights[:, None] * mask).sum() / mask.sum()
    assert loss == pytest.approx(weighted, rel=1e-5)


# ----------------------------------------------------------------------------- gradients


F64 = dict(dtype="float64")
GRAD_CASES = {
    "simple_rnn": lambda: layers.SimpleRNN(3, return_sequences=True, **F64),
    "lstm": lambda: layers.LSTM(2, **F64),
    "lstm_backwards_sequences": lambda: layers.LSTM(2, go_backwards=True,
                                                    return_sequences=True, **F64),
    "gru": lambda: layers.GRU(2, return_sequences=True, zero_output_for_mask=True, **F64),
    "rnn_of_a_cell": lambda: layers.RNN(layers.GRUCell(2, reset_after=False, **F64), **F64),
    "bidirectional": lambda: layers.Bidirectional(layers.LSTM(2, return_sequences=True, **F64),
                                                  **F64),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradients_through_masked_recurrent_layers(name):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 4, 2))
    mask = np.array([[1, 1, 1, 0], [1, 0, 1, 1], [1, 0, 0, 0]], bool)
    layer = GRAD_CASES[name]()
    layer(Tensor(x[:1]))
    layer.set_weights([rng.uniform(-0.8, 0.8, w.shape) for w in layer.get_weights()])

    def loss(inputs):
        return ops.mean(ops.square(layer(inputs, mask=mask)))

    error = check_gradients(loss, [x], params=layer.trainable_weights)
    assert error < 1e-5, f"relative error {error:.3g}"


# ----------------------------------------------------------------------------- errors and files


def test_a_layer_that_does_not_support_masking_warns_and_drops_the_mask_as_keras():
    model = numnet.Sequential([numnet.Input((STEPS,)), layers.Embedding(VOCAB, 2, mask_zero=True),
                               layers.Flatten(), layers.Dense(1)])
    with pytest.warns(UserWarning, match=r"'flatten.*' \(of type Flatten\) was passed an input "
                                         r"with a mask.*does not support masking"):
        model.predict(_padded(), verbose=0)
    assert model._output_mask is None


def test_models_without_mask_making_layers_skip_the_mask_work():
    model = numnet.Sequential([numnet.Input((4,)), layers.Dense(3), layers.Dense(1)])
    model.predict(np.zeros((2, 4), "float32"), verbose=0)
    assert model._masking is False and model._output_mask is None


def test_model_files_keep_mask_zero_and_masking(tmp_path):
    model = numnet.Sequential([numnet.Input((STEPS,)), layers.Embedding(VOCAB, 4, mask_zero=True),
                               layers.Bidirectional(layers.LSTM(2)), layers.Dense(1)])
    _randomize(model)
    path = tmp_path / "masked.keras"
    model.save(path)
    again = numnet.models.load_model(path)
    assert again.layers[0].mask_zero is True
    ids = _padded()
    np.testing.assert_allclose(again.predict(ids, verbose=0), model.predict(ids, verbose=0),
                               rtol=1e-6)
    masking = numnet.Sequential([numnet.Input((4, 2)), layers.Masking(0.5), layers.GRU(2)])
    masking.save(tmp_path / "masking.keras")
    loaded = numnet.models.load_model(tmp_path / "masking.keras")
    assert loaded.layers[0].mask_value == 0.5
    x = RNG.normal(size=(3, 4, 2)).astype("float32")
    x[:, 2:] = 0.5
    np.testing.assert_allclose(loaded.predict(x, verbose=0), masking.predict(x, verbose=0))


# ----------------------------------------------------------------------------- Keras 3


@pytest.fixture(scope="module")
def K():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="the Keras cross-check runs Keras on its JAX backend")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


def _text_model(lib, rnn):
    return lib.Sequential([lib.Input((STEPS,)), lib.layers.Embedding(VOCAB, 4, mask_zero=True),
                           rnn(lib), lib.layers.Dense(1, activation="sigmoid")])


KERAS_MODELS = {
    "lstm": lambda lib: lib.layers.LSTM(3),
    "gru_sequences_pooled": lambda lib: lib.Sequential([
        lib.layers.GRU(3, return_sequences=True), lib.layers.GlobalAveragePooling1D()]),
    "simple_rnn_backwards": lambda lib: lib.layers.SimpleRNN(3, go_backwards=True),
    "bidirectional_sum": lambda lib: lib.layers.Bidirectional(
        lib.layers.LSTM(2, return_sequences=True), merge_mode="sum"),
    "bidirectional_gru": lambda lib: lib.layers.Bidirectional(lib.layers.GRU(2)),
}


@pytest.mark.parametrize("name", sorted(KERAS_MODELS))
def test_masked_predictions_match_keras(K, name):
    if name == "gru_sequences_pooled":  # a nested Sequential carries no mask: a flat one
        def build(lib):
            return lib.Sequential([lib.Input((STEPS,)),
                                   lib.layers.Embedding(VOCAB, 4, mask_zero=True),
                                   lib.layers.GRU(3, return_sequences=True),
                                   lib.layers.GlobalAveragePooling1D(),
                                   lib.layers.Dense(1, activation="sigmoid")])
    else:
        def build(lib):
            return _text_model(lib, KERAS_MODELS[name])
    ours, theirs = build(numnet), build(K)
    _randomize(ours)
    theirs.set_weights(ours.get_weights())
    ids = _padded()
    np.testing.assert_allclose(ours.predict(ids, verbose=0),
                               np.asarray(theirs.predict(ids, verbose=0)), rtol=1e-5, atol=1e-6)


def _losses_side_by_side(K, build, ids, labels, loss, metrics, steps=4):
    ours, theirs = build(numnet), build(K)
    _randomize(ours)
    theirs.set_weights(ours.get_weights())
    ours.compile(numnet.optimizers.SGD(0.5), loss, metrics=metrics)
    theirs.compile(K.optimizers.SGD(0.5), loss, metrics=metrics)
    mine = ours.fit(ids, labels, batch_size=len(ids) // 2, epochs=steps, shuffle=False,
                    verbose=0).history
    keras = theirs.fit(ids, labels, batch_size=len(ids) // 2, epochs=steps, shuffle=False,
                       verbose=0).history
    return mine, keras


def test_a_masked_bidirectional_text_model_follows_keras_loss_for_loss(K):
    ids = np.concatenate([_padded(5, seed) for seed in range(2)])
    labels = RNG.integers(0, 2, (len(ids), 1)).astype("float32")
    mine, keras = _losses_side_by_side(
        K, lambda lib: _text_model(lib, lambda lib: lib.layers.Bidirectional(lib.layers.LSTM(3))),
        ids, labels, "binary_crossentropy", ["accuracy"])
    np.testing.assert_allclose(mine["loss"], keras["loss"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(mine["accuracy"], keras["accuracy"], rtol=1e-6)


def test_a_masked_sequence_loss_follows_keras_loss_for_loss(K):
    ids = np.concatenate([_padded(5, seed) for seed in range(2)])
    labels = RNG.integers(0, 3, ids.shape)

    def build(lib):
        return lib.Sequential([lib.Input((STEPS,)), lib.layers.Embedding(VOCAB, 4, mask_zero=True),
                               lib.layers.LSTM(3, return_sequences=True),
                               lib.layers.Dense(3, activation="softmax")])

    ours, theirs = build(numnet), build(K)
    _randomize(ours)
    theirs.set_weights(ours.get_weights())
    ours.compile(numnet.optimizers.SGD(0.5), "sparse_categorical_crossentropy",
                 metrics=["accuracy"])
    theirs.compile(K.optimizers.SGD(0.5), "sparse_categorical_crossentropy",
                   metrics=["accuracy"])
    mine = ours.fit(ids, labels, batch_size=5, epochs=4, shuffle=False, verbose=0).history
    keras = theirs.fit(ids, labels, batch_size=5, epochs=4, shuffle=False, verbose=0).history
    np.testing.assert_allclose(mine["loss"], keras["loss"], rtol=1e-4, atol=1e-6)
    # (Keras's JAX trainer loses the mask of the predictions its training metrics see; its
    # evaluate applies it, as numnet does in both)
    np.testing.assert_allclose(ours.evaluate(ids, labels, verbose=0),
                               theirs.evaluate(ids, labels, verbose=0), rtol=1e-5)


def test_masking_then_lstm_matches_keras(K):
    x = RNG.normal(size=(4, 5, 3)).astype("float32")
    x[0, 3:] = x[2, 1:] = x[3, 2] = 0.0

    def build(lib):
        return lib.Sequential([lib.Input((5, 3)), lib.layers.Masking(0.0),
                               lib.layers.LSTM(2, return_sequences=True)])

    ours, theirs = build(numnet), build(K)
    _randomize(ours)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours.predict(x, verbose=0), np.asarray(theirs.predict(x, verbose=0)),
                               rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- on a device


def test_masks_work_with_every_array_on_a_device(runs_on_a_device):
    """This module's masks, with every array on the strict stand-in for CuPy."""
    runs_on_a_device(__file__)


def test_compute_mask_of_a_symbolic_input_is_a_symbolic_mask():
    """embedding.compute_mask(inputs) on a Keras Input gives a symbolic boolean mask, as
    Keras's KerasTensor, that can be passed on as mask=... in a functional model."""
    inputs = numnet.Input((None,), dtype="int32")
    embedding = layers.Embedding(10, 4, mask_zero=True)
    mask = embedding.compute_mask(inputs)
    assert tuple(mask.shape) == (None, None) and mask.dtype == "bool"
    pooled = layers.GlobalAveragePooling1D()(embedding(inputs), mask=mask)
    model = numnet.Model(inputs, pooled)
    ids = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])
    table = embedding.get_weights()[0]
    expected = np.stack([table[[1, 2]].mean(axis=0), table[3]])
    np.testing.assert_allclose(model.predict(ids, verbose=0), expected, rtol=1e-6)
    masking = layers.Masking(mask_value=0.0)
    features = numnet.Input((None, 2))
    steps = masking.compute_mask(features)
    assert tuple(steps.shape) == (None, None) and steps.dtype == "bool"
