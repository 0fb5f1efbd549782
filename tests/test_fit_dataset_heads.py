"""fit on a dataset whose targets are a dict keyed by output name (or a list in output order)
trains a model of several outputs as the same arrays given directly do, as Keras."""

from __future__ import annotations

import numpy as np
import pytest

import numnet as keras


def _model():
    keras.utils.set_random_seed(4)
    inp = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="relu")(inp)
    a = keras.layers.Dense(1, name="a")(hidden)
    b = keras.layers.Dense(3, activation="softmax", name="b")(hidden)
    model = keras.Model(inp, [a, b])
    model.compile(optimizer=keras.optimizers.SGD(0.05),
                  loss={"a": "mse", "b": "sparse_categorical_crossentropy"},
                  metrics={"b": ["accuracy"]})
    return model


@pytest.mark.parametrize("structure", ["dict", "list"])
def test_a_dataset_of_dict_or_list_targets_trains_as_the_arrays(structure):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    ya, yb = x[:, :1] * 2.0, (x[:, 1] > 0).astype("int32") + (x[:, 2] > 1).astype("int32")
    targets = {"a": ya, "b": yb} if structure == "dict" else (ya, yb)
    arrays = _model().fit(x, targets, batch_size=16, epochs=2, shuffle=False, verbose=0)
    dataset = keras.data.Dataset.from_tensor_slices((x, targets)).batch(16)
    streamed = _model().fit(dataset, epochs=2, verbose=0)
    assert sorted(streamed.history) == sorted(arrays.history)
    for name in arrays.history:
        np.testing.assert_allclose(streamed.history[name], arrays.history[name], rtol=1e-6)


def test_model_layers_follow_keras_order_above_a_layer_of_several_outputs():
    layers = keras.layers
    encoder_in = layers.Input(shape=(None,))
    _, h, c = layers.LSTM(4, return_state=True)(layers.Embedding(30, 4)(encoder_in))
    decoder_in = layers.Input(shape=(None,))
    decoded = layers.LSTM(4)(layers.Embedding(20, 4)(decoder_in), initial_state=[h, c])
    model = keras.Model([encoder_in, decoder_in], layers.Dense(1)(decoded))
    # Keras's order (by depth from the output; the LSTM's three outputs are one node)
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer", "InputLayer", "Embedding", "Embedding", "LSTM", "LSTM", "Dense"]
    assert [w.shape for w in model.get_weights()[:2]] == [(30, 4), (20, 4)]
