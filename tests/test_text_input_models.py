"""A model whose one Input has ``dtype="string"`` takes text in fit, evaluate and predict, from
arrays and from datasets, as Keras does (the end-to-end models of the text examples)."""

from __future__ import annotations

import numpy as np
import pytest

import numnet as keras


def _lookup_model():
    inp = keras.Input(shape=(1,), dtype="string")
    ids = keras.layers.StringLookup(vocabulary=["a", "b"])(inp)
    model = keras.Model(inp, ids)
    model.compile(loss="mse")
    return model


def test_text_arrays_and_datasets_reach_the_lookup_layer():
    model = _lookup_model()
    x = np.array([["a"], ["b"], ["c"]])
    y = np.array([[1.0], [2.0], [0.0]], "float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0).ravel(), [1, 2, 0])
    assert model.evaluate(x, y, verbose=0) == 0.0  # the ids are the targets
    dataset = keras.data.Dataset.from_tensor_slices((x, y + 1.0)).batch(2)
    assert model.evaluate(dataset, verbose=0) == pytest.approx(1.0)  # off by one everywhere
    np.testing.assert_array_equal(
        model.predict(keras.data.Dataset.from_tensor_slices(x).batch(2), verbose=0).ravel(),
        [1, 2, 0])


def test_a_text_model_trains_end_to_end():
    texts = np.array([["good fine great"], ["bad awful poor"]] * 20)
    labels = np.array([[1.0], [0.0]] * 20, "float32")
    vectorize = keras.layers.TextVectorization(max_tokens=20, output_mode="multi_hot")
    vectorize.adapt(texts.ravel())
    inp = keras.Input(shape=(1,), dtype="string")
    hidden = vectorize(keras.ops.squeeze(inp, axis=-1))
    model = keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(texts, labels, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] == 1.0


def test_text_given_to_a_numeric_input_is_refused_with_the_fix():
    inp = keras.Input((1,))
    model = keras.Model(inp, keras.layers.Dense(1)(inp))
    model.compile(loss="mse")
    with pytest.raises(TypeError, match=r"expected numbers, .* Encode non-numeric values first"):
        model.predict(np.array([["a"], ["b"]]), verbose=0)


def test_a_sequential_built_from_data_takes_sequences_of_other_lengths_as_keras():
    model = keras.Sequential([keras.layers.Embedding(10, 8), keras.layers.LSTM(4),
                              keras.layers.Dense(3)])
    model(np.ones((1, 8), "int32"))  # built on its first call, for length 8
    assert model.predict(np.ones((2, 3), "int32"), verbose=0).shape == (2, 3)
    assert tuple(model(np.ones((1, 5), "int32")).shape) == (1, 3)
    dense = keras.Sequential([keras.layers.Dense(2)])
    dense(np.ones((2, 8), "float32"))
    with pytest.raises(ValueError, match=r"expected shape \(\.\.\., 8\)"):  # the layer says so
        dense.predict(np.ones((2, 5), "float32"), verbose=0)


def test_a_declared_input_shape_is_still_checked_with_the_fix():
    model = keras.Sequential([keras.Input((8,), dtype="int32"), keras.layers.Embedding(10, 8),
                              keras.layers.LSTM(4)])
    with pytest.raises(ValueError, match=r"expects input of shape \(None, 8\)"):
        model.predict(np.ones((1, 3), "int32"), verbose=0)


def test_a_sequential_that_begins_with_text_vectorization_takes_strings():
    """No Input: its first layer takes text, so fit, evaluate and predict take strings, before
    and after the model is built (the TensorFlow tutorial's export model)."""
    encoder = keras.layers.TextVectorization(max_tokens=10)
    encoder.adapt(["a b c", "b c d"])
    model = keras.Sequential([encoder, keras.layers.Embedding(10, 2),
                              keras.layers.GlobalAveragePooling1D(),
                              keras.layers.Dense(1)])
    text = np.array(["a b", "c"])
    first = model.predict(text, verbose=0)
    assert first.shape == (2, 1)
    model.compile("sgd", "mse")
    model.fit(text, np.array([1.0, 0.0], "float32"), verbose=0)
    assert model.evaluate(text, np.array([1.0, 0.0], "float32"), verbose=0) >= 0
    inputs = keras.Input(shape=(), dtype="string")  # one string a row: no column added
    wrapped = keras.Model(inputs, model(inputs))
    np.testing.assert_allclose(wrapped.predict(text, verbose=0), model.predict(text, verbose=0),
                               rtol=1e-6)
