"""The layers that Keras defines inside keras.applications (ConvNeXt's LayerScale,
InceptionResNetV2's CustomScaleLayer) in Keras's .keras files: Keras writes them with a module
``keras.src.applications.<family>`` and their bare class name, and numnet reads and writes them
in that form, so Keras's files of these models load into numnet and numnet's into Keras."""

import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import numnet
from numnet.applications import convnext, inception_resnet_v2
from numnet.saving.errors import ModelFileError

KERAS_FORM = {"LayerScale": "keras.src.applications.convnext",
              "CustomScaleLayer": "keras.src.applications.inception_resnet_v2"}


def _tiny_model():
    """Both layers in a graph small enough to save in milliseconds."""
    inputs = numnet.Input((6, 6, 3))
    x = numnet.layers.Conv2D(4, 3, padding="same", name="conv")(inputs)
    x = convnext.LayerScale(0.5, 4, name="scale")(x)
    branch = numnet.layers.Conv2D(4, 1, name="branch")(x)
    x = inception_resnet_v2.CustomScaleLayer(0.17, name="residual")([x, branch])
    outputs = numnet.layers.GlobalAveragePooling2D(name="pool")(x)
    model = numnet.Model(inputs, outputs, name="tiny")
    model.get_layer("scale").gamma.assign(np.array([0.5, -1.0, 2.0, 0.25], "float32"))
    return model


def _config(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


def _rewrite_config(path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    change(config)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _entries(config, class_name):
    return [layer for layer in config["config"]["layers"] if layer["class_name"] == class_name]


def _inputs(shape=(2, 6, 6, 3)):
    return np.random.default_rng(0).uniform(0, 255, shape).astype("float32")


def test_written_as_keras_writes_them_and_read_back(tmp_path):
    model = _tiny_model()
    path = str(tmp_path / "tiny.keras")
    model.save(path)
    config = _config(path)
    for class_name, module in KERAS_FORM.items():
        [entry] = _entries(config, class_name)
        assert entry["module"] == module
        assert entry["registered_name"] == class_name
    [scale] = _entries(config, "LayerScale")
    assert scale["config"]["init_values"] == 0.5 and scale["config"]["projection_dim"] == 4
    assert _entries(config, "CustomScaleLayer")[0]["config"]["scale"] == 0.17

    again = numnet.saving.load_model(path)
    assert type(again.get_layer("scale")) is convnext.LayerScale
    assert type(again.get_layer("residual")) is inception_resnet_v2.CustomScaleLayer
    np.testing.assert_array_equal(again.get_layer("scale").gamma.numpy(),
                                  [0.5, -1.0, 2.0, 0.25])
    x = _inputs()
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-6)
    # the numbers by hand: conv, times gamma, plus 0.17 times the 1x1 branch, averaged
    conv = numnet.Model(model.input, model.get_layer("conv").output).predict(x, verbose=0)
    scaled = conv * np.array([0.5, -1.0, 2.0, 0.25], "float32")
    kernel, bias = (w.numpy() for w in model.get_layer("branch").weights)
    expected = (scaled + 0.17 * (scaled @ kernel[0, 0] + bias)).mean(axis=(1, 2))
    np.testing.assert_allclose(again.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-3)


def test_a_setting_that_numnets_layer_lacks_is_refused(tmp_path):
    path = str(tmp_path / "tiny.keras")
    _tiny_model().save(path)
    _rewrite_config(path, lambda c: _entries(c, "LayerScale")[0]["config"].update(
        {"data_format": "channels_first"}))
    with pytest.raises(ModelFileError, match="data_format"):
        numnet.saving.load_model(path)


def test_an_unknown_class_of_keras_applications_is_refused(tmp_path):
    path = str(tmp_path / "tiny.keras")
    _tiny_model().save(path)
    _rewrite_config(path, lambda c: _entries(c, "LayerScale")[0].update(
        {"class_name": "StochasticDepth", "registered_name": "StochasticDepth"}))
    with pytest.raises(ModelFileError, match="StochasticDepth"):
        numnet.saving.load_model(path)


def test_loading_imports_the_applications_when_a_file_names_them(tmp_path):
    path = str(tmp_path / "tiny.keras")
    _tiny_model().save(path)
    script = ("import sys, numnet\n"
              "assert 'numnet.applications' not in sys.modules\n"
              f"model = numnet.saving.load_model({path!r})\n"
              "print(type(model.get_layer('scale')).__module__)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "numnet.applications.convnext"


def test_custom_objects_still_win(tmp_path):
    class Doubled(convnext.LayerScale):
        def call(self, x):
            return 2.0 * super().call(x)

    model = _tiny_model()
    path = str(tmp_path / "tiny.keras")
    model.save(path)
    again = numnet.saving.load_model(path, custom_objects={"LayerScale": Doubled})
    assert type(again.get_layer("scale")) is Doubled


# ------------------------------------------------------------------ Keras itself


@pytest.fixture(scope="module")
def real_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


def _kerass_tiny_model(keras):
    from keras.src.applications.convnext import LayerScale
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer

    inputs = keras.Input((6, 6, 3))
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv")(inputs)
    x = LayerScale(0.5, 4, name="scale")(x)
    branch = keras.layers.Conv2D(4, 1, name="branch")(x)
    x = CustomScaleLayer(0.17, name="residual")([x, branch])
    outputs = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    model = keras.Model(inputs, outputs, name="tiny")
    model.get_layer("scale").gamma.assign(np.array([0.5, -1.0, 2.0, 0.25], "float32"))
    return model


def test_kerass_file_loads_with_kerass_predictions(real_keras, tmp_path):
    theirs = _kerass_tiny_model(real_keras)
    path = str(tmp_path / "keras_tiny.keras")
    theirs.save(path)
    ours = numnet.saving.load_model(path)
    assert type(ours.get_layer("scale")) is convnext.LayerScale
    x = _inputs()
    np.testing.assert_allclose(ours.predict(x, verbose=0), np.asarray(theirs(x)),
                               rtol=1e-5, atol=1e-5)


def test_numnets_file_loads_in_keras(real_keras, tmp_path):
    model = _tiny_model()
    path = str(tmp_path / "tiny.keras")
    model.save(path)
    theirs = real_keras.saving.load_model(path)
    assert type(theirs.get_layer("scale")).__name__ == "LayerScale"
    x = _inputs()
    np.testing.assert_allclose(np.asarray(theirs(x)), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name, shape", [("ConvNeXtTiny", (32, 32, 3)),
                                         ("InceptionResNetV2", (75, 75, 3))])
def test_kerass_application_files_give_kerass_predictions(real_keras, tmp_path, name, shape):
    if os.environ.get("NUMNET_KERAS_APPLICATIONS") != "all":
        pytest.skip("set NUMNET_KERAS_APPLICATIONS=all to compare whole models with Keras "
                    "(about a minute each)")
    theirs = getattr(real_keras.applications, name)(weights=None, input_shape=shape, classes=3,
                                                    classifier_activation=None)
    path = str(tmp_path / f"{name}.keras")
    theirs.save(path)
    ours = numnet.saving.load_model(path)
    x = _inputs((2, *shape))
    if name == "InceptionResNetV2":
        x = x / 127.5 - 1.0
    expected = np.asarray(theirs(x, training=False))
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(ours.predict(x, verbose=0), expected, atol=1e-5 * scale)
