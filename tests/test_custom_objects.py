"""Keras's ways to name custom objects for loading (custom_object_scope, get_custom_objects) and
the top-level names Keras 3 programs subclass (keras.Layer, keras.Loss, ...)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import numnet
from numnet.saving import ModelFileError


class Scale(numnet.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x, training=False):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@pytest.fixture
def saved(tmp_path):
    model = numnet.Sequential([numnet.Input((3,)), Scale(3.0), numnet.layers.Dense(2)])
    path = str(tmp_path / "scaled.numnet")
    model.save(path)
    return model, path


X = np.arange(6, dtype="float32").reshape(2, 3)


def _same(model, loaded):
    assert type(loaded.layers[0]) is Scale and loaded.layers[0].factor == 3.0
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_a_custom_layer_loads_inside_a_custom_object_scope_and_not_outside(saved):
    model, path = saved
    with pytest.raises(ModelFileError, match="unknown layer 'Scale'"):
        numnet.models.load_model(path)
    with numnet.saving.custom_object_scope({"Scale": Scale}) as scope:
        assert scope.custom_objects == {"Scale": Scale}
        _same(model, numnet.models.load_model(path))
    with pytest.raises(ModelFileError, match="unknown layer 'Scale'"):
        numnet.models.load_model(path)
    with numnet.utils.CustomObjectScope({"Other": Scale}, {"Scale": Scale}):  # as Keras spells it
        _same(model, numnet.models.load_model(path))


def test_scopes_nest_and_belong_to_their_thread(saved):
    _, path = saved
    found = []
    with numnet.utils.custom_object_scope({"Scale": int}):
        with numnet.utils.custom_object_scope({"Scale": Scale}):  # the innermost wins
            assert numnet.saving.get_registered_object("Scale") is Scale
            thread = threading.Thread(
                target=lambda: found.append(numnet.saving.get_registered_object("Scale")))
            thread.start()
            thread.join()
        assert numnet.saving.get_registered_object("Custom>Scale") is int
    assert found == [None] and numnet.saving.get_registered_object("Scale") is None
    # a call's own custom_objects come first
    with numnet.utils.custom_object_scope({"Scale": int}):
        numnet.models.load_model(path, custom_objects={"Scale": Scale})


def test_get_custom_objects_is_the_process_wide_dict(saved):
    model, path = saved
    objects = numnet.utils.get_custom_objects()
    assert objects is numnet.saving.get_custom_objects()
    objects["Scale"] = Scale
    try:
        _same(model, numnet.models.load_model(path))
    finally:
        del objects["Scale"]
    with pytest.raises(ModelFileError):
        numnet.models.load_model(path)


def test_custom_object_scope_refuses_what_is_not_a_dict():
    with pytest.raises(TypeError, match=r"custom_object_scope\(custom_objects\): expected dicts"
                                        r".*given list \[.*\] as argument 2"):
        numnet.saving.custom_object_scope({}, [Scale])


def test_keras_3_top_level_names():
    assert numnet.Layer is numnet.layers.Layer and numnet.Loss is numnet.losses.Loss
    assert numnet.Metric is numnet.metrics.Metric
    assert numnet.Optimizer is numnet.optimizers.Optimizer
    assert numnet.Initializer is numnet.initializers.Initializer
    assert numnet.Regularizer is numnet.regularizers.Regularizer
    assert numnet.Constraint is numnet.constraints.Constraint
    assert numnet.version() == numnet.__version__
    assert isinstance(numnet.Input((2,)), numnet.KerasTensor)
    assert numnet.utils.register_keras_serializable is numnet.saving.register_serializable

    class Half(numnet.Loss):  # the Keras 3 way to write a loss
        def call(self, y_true, y_pred):
            return numnet.ops.mean(numnet.ops.abs(y_true - y_pred), axis=-1) / 2

    assert float(Half()(np.zeros((2, 2), "float32"), np.ones((2, 2), "float32"))) == 0.5


def test_batch_tuple_helpers_and_is_keras_tensor():
    utils = numnet.utils
    assert utils.pack_x_y_sample_weight(1) == (1,)
    assert utils.pack_x_y_sample_weight(1, 2) == (1, 2)
    assert utils.pack_x_y_sample_weight(1, 2, 3) == (1, 2, 3)
    assert utils.unpack_x_y_sample_weight(X) == (X, None, None)
    assert utils.unpack_x_y_sample_weight((1, 2)) == (1, 2, None)
    assert utils.unpack_x_y_sample_weight([1, 2, 3]) == (1, 2, 3)
    with pytest.raises(ValueError, match="given a tuple of 4"):
        utils.unpack_x_y_sample_weight((1, 2, 3, 4))
    assert utils.is_keras_tensor(numnet.Input((3,))) and not utils.is_keras_tensor(X)


def test_sequential_from_config_finds_registered_and_scoped_layers():
    """``Sequential.from_config(model.get_config())`` resolves a layer class as loading a
    file does: registered (by its "package>Name"), in a custom_object_scope, or given."""

    @numnet.saving.register_keras_serializable(package="from_config_test")
    class Doubled(numnet.layers.Layer):
        def __init__(self, k=2.0, **kwargs):
            super().__init__(**kwargs)
            self.k = k

        def call(self, x):
            return x * self.k

        def get_config(self):
            return {**super().get_config(), "k": self.k}

    model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(2), Doubled(3.0)],
                              name="registered")
    config = model.get_config()
    assert config["layers"][-1]["class_name"] == "from_config_test>Doubled"
    again = numnet.Sequential.from_config(config)
    assert (type(again.layers[-1]), again.layers[-1].k, again.name) == (Doubled, 3.0,
                                                                         "registered")
    again.set_weights(model.get_weights())
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(np.asarray(again(x)), np.asarray(model(x)), rtol=1e-6)
    plain = numnet.Sequential([numnet.Input((3,)), Scale(5.0)])
    with numnet.saving.custom_object_scope({"Scale": Scale}):
        assert numnet.Sequential.from_config(plain.get_config()).layers[-1].factor == 5.0
    assert numnet.Sequential.from_config(plain.get_config(),
                                         custom_objects={"Scale": Scale}).layers[-1].factor == 5.0
    with pytest.raises(ModelFileError, match="custom_objects"):
        numnet.Sequential.from_config(plain.get_config())


def test_from_config_takes_the_config_keras_gives():
    """The dicts Keras 3.15's ``get_config()`` gives (written by Keras, in tests/data): each
    layer with its module, registered name and dtype policy."""
    import json
    import pathlib

    data = pathlib.Path(__file__).parent / "data"
    config = json.loads((data / "keras_sequential_config.json").read_text())
    model = numnet.Sequential.from_config(config)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dropout"]
    assert (model.name, model.input_shape, model.layers[0].units) == ("s", (None, 3), 2)
    assert model.layers[0].activation is numnet.activations.relu
    assert model.layers[1].rate == 0.1
    config = json.loads((data / "keras_functional_config.json").read_text())
    model = numnet.Model.from_config(config)
    assert (model.name, model.input_shape, model.output_shape) == ("f", (None, 3), (None, 2))
    assert model.layers[1].activation is numnet.activations.relu


def test_sequential_config_has_keras_dtype_and_build_input_shape():
    """Keras 3's Sequential.get_config has ``dtype`` and, once built, ``build_input_shape``;
    from_config takes the dict back."""
    model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(2)])
    config = model.get_config()
    assert (config["dtype"], config["build_input_shape"]) == ("float32", (None, 3))
    again = numnet.Sequential.from_config(config)
    assert (again.input_shape, again.output_shape) == ((None, 3), (None, 2))
    unbuilt = numnet.Sequential([numnet.layers.Dense(2)]).get_config()
    assert "build_input_shape" not in unbuilt and unbuilt["dtype"] == "float32"
    assert not numnet.Sequential.from_config(unbuilt).built
