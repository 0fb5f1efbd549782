"""A custom layer that is not registered is written to .keras and .h5 files as Keras 3 writes
one (no module, its class name as class_name and registered_name), for load_model to find in
custom_objects, in numnet and in Keras; one whose constructor arguments its config would lose
(own __init__ arguments, no get_config) is refused, naming them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import numnet
from numnet import layers, ops
from numnet.saving.keras_writer import NotKerasCompatible


class Linear(layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", name="w")

    def call(self, inputs):
        return ops.matmul(inputs, self.w)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Double(layers.Layer):  # nothing to configure
    def call(self, inputs):
        return inputs * 2.0


class ScaleBy(layers.Layer):  # an argument its config would lose
    def __init__(self, factor, bias=0.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.bias = bias

    def call(self, inputs):
        return inputs * self.factor + self.bias


def _model():
    numnet.utils.set_random_seed(4)
    inputs = numnet.Input(shape=(4,))
    outputs = Double()(Linear(1)(Linear(8)(inputs)))
    return numnet.Model(inputs, outputs)


X = np.arange(8, dtype="float32").reshape(2, 4) / 8


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_unregistered_layer_round_trip_with_custom_objects(tmp_path, suffix):
    model = _model()
    path = tmp_path / f"m{suffix}"
    model.save(path)
    loaded = numnet.models.load_model(path, custom_objects={"Linear": Linear, "Double": Double})
    assert [type(layer).__name__ for layer in loaded.layers[1:]] == ["Linear", "Linear",
                                                                      "Double"]
    assert loaded.layers[1].units == 8
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_written_as_keras_writes_an_unregistered_class(tmp_path):
    _model().save(tmp_path / "m.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "m.keras").read("config.json"))
    entry = config["config"]["layers"][1]
    assert entry["module"] is None
    assert entry["class_name"] == entry["registered_name"] == "Linear"
    assert entry["config"]["units"] == 8
    assert entry["build_config"] == {"input_shape": [None, 4]}


def test_lost_constructor_arguments_are_refused_by_name(tmp_path):
    # an array is not a plain value: it cannot be recorded for a class without get_config
    factor = np.array([3.0], "float32")
    model = numnet.Sequential([numnet.Input((3,)), ScaleBy(factor, name="scale")])
    with pytest.raises(NotKerasCompatible, match=r"'scale' \(ScaleBy\) takes factor, bias") as e:
        model.save(tmp_path / "m.keras")
    assert "a get_config that returns" in str(e.value)
    assert os.listdir(tmp_path) == []


def test_plain_constructor_arguments_are_recorded_and_written(tmp_path):
    model = numnet.Sequential([numnet.Input((3,)), ScaleBy(3.0, bias=1.0, name="scale")])
    model.save(tmp_path / "m.keras")
    loaded = numnet.saving.load_model(tmp_path / "m.keras", custom_objects={"ScaleBy": ScaleBy})
    assert (loaded.layers[-1].factor, loaded.layers[-1].bias) == (3.0, 1.0)
    np.testing.assert_array_equal(loaded(np.ones((1, 3), "float32")).numpy(), [[4.0] * 3])


def test_keras_loads_it_with_custom_objects(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("keras")
    pytest.importorskip("jax")
    model = _model()
    model.save(tmp_path / "m.keras")
    np.save(tmp_path / "expected.npy", model.predict(X, verbose=0))
    script = textwrap.dedent("""
        import numpy as np, keras
        from keras import ops
        class Linear(keras.layers.Layer):
            def __init__(self, units=32, **kwargs):
                super().__init__(**kwargs)
                self.units = units
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")
            def call(self, inputs):
                return ops.matmul(inputs, self.w)
            def get_config(self):
                return {**super().get_config(), "units": self.units}
        class Double(keras.layers.Layer):
            def call(self, inputs):
                return inputs * 2.0
        m = keras.models.load_model("m.keras", custom_objects={"Linear": Linear, "Double": Double})
        x = np.arange(8, dtype="float32").reshape(2, 4) / 8
        print("GAP", float(np.max(np.abs(np.asarray(m.predict(x, verbose=0))
                                         - np.load("expected.npy")))))
    """)
    env = dict(os.environ, KERAS_BACKEND="jax")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    gap = float(done.stdout.split("GAP")[-1])
    assert gap <= 1e-6
