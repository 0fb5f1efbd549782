"""A layer of one's own that defines no get_config records the plain arguments it was
constructed with, and get_config returns them (Keras 3's automatic config): from_config,
clone_model and model files rebuild it with its own sizes."""

import numpy as np
import pytest

import numnet as keras


class Linear(keras.layers.Layer):
    def __init__(self, units=32, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return self.activation(inputs @ self.w)


class Holder(keras.layers.Layer):
    def __init__(self, fn, **kwargs):
        super().__init__(**kwargs)
        self.fn = fn


class Described(Linear):
    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_plain_arguments_are_recorded_and_rebuild_the_layer():
    layer = Linear(8, activation="relu", name="lin")
    config = layer.get_config()
    assert config["units"] == 8 and config["activation"] == "relu" and config["name"] == "lin"
    again = Linear.from_config(config)
    assert again.units == 8 and again.activation is keras.activations.relu
    # a class with its own get_config gives only what it says
    assert "activation" not in Described(4, activation="relu").get_config()


def test_clone_and_files_keep_the_sizes(tmp_path):
    model = keras.Sequential([keras.Input((3,)), Linear(8, activation="relu"), Linear(2)])
    clone = keras.models.clone_model(model)
    assert [layer.units for layer in clone.layers] == [8, 2]
    x = np.ones((1, 3), "float32")
    for name in ("m.keras", "m.numnet"):
        model.save(tmp_path / name)
        loaded = keras.saving.load_model(tmp_path / name, custom_objects={"Linear": Linear})
        np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())


def test_arguments_that_are_not_plain_values_ask_for_a_get_config():
    with pytest.raises(NotImplementedError, match="define get_config"):
        Holder(lambda t: t).get_config()
