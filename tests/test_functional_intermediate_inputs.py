"""A functional model may start from a tensor that a layer computed, as Keras allows
(``keras.Model(inputs=encoded_features, outputs=...)`` of the FeatureSpace example): the layers
before it are not the model's, and an InputLayer of its shape takes its place."""

import numpy as np

import numnet as keras
from numnet import layers


def test_a_model_from_a_merge_output_trains_and_nests():
    a, b = keras.Input((1,)), keras.Input((1,))
    joined = layers.Concatenate()([a, b])
    head = layers.Dense(1, kernel_initializer="ones")
    model = keras.Model(inputs=joined, outputs=head(joined))
    assert model.input_shape == (None, 2)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense"]
    assert model(np.array([[1.0, 2.0]], "float32")).numpy().tolist() == [[3.0]]
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x, y = np.ones((8, 2), "float32"), np.zeros((8, 1), "float32")
    before = float(model.evaluate(x, y, verbose=0))
    model.fit(x, y, epochs=2, verbose=0)
    assert float(model.evaluate(x, y, verbose=0)) < before
    # the end-to-end model: the raw inputs, then the trained model on the merge
    whole = keras.Model([a, b], model(joined))
    got = whole([np.array([[1.0]], "float32"), np.array([[2.0]], "float32")]).numpy()
    np.testing.assert_allclose(got, model(np.array([[1.0, 2.0]], "float32")).numpy())


def test_a_model_from_a_hidden_layer_of_a_chain_saves_and_loads(tmp_path):
    x = keras.Input((4,))
    hidden = layers.Dense(3, kernel_initializer="ones")(x)
    out = layers.Dense(2, kernel_initializer="ones")(hidden)
    model = keras.Model(hidden, out)
    assert len(model.weights) == 2  # the first Dense is not part of it
    sample = np.arange(6, dtype="float32").reshape(2, 3)
    want = sample.sum(axis=1, keepdims=True).repeat(2, axis=1)
    np.testing.assert_array_equal(model(sample).numpy(), want)
    for name in ("m.numnet", "m.keras"):
        model.save(tmp_path / name)
        loaded = keras.saving.load_model(tmp_path / name)
        np.testing.assert_array_equal(loaded(sample).numpy(), want)
