"""utils.plot_model: Keras's diagram of a model, drawn with matplotlib (SVG text is checked)."""

from __future__ import annotations

import importlib.util
import inspect
import os
import re
import sys

import numpy as np
import pytest

import numnet
from numnet import layers

pytest.importorskip("matplotlib", reason="plot_model draws with matplotlib")


def _mlp():
    numnet.backend.clear_session()
    return numnet.Sequential([layers.Input((784,)), layers.Dense(128, activation="relu"),
                              layers.Dropout(0.2), layers.Dense(10, activation="softmax")])


def _svg_text(path) -> list[str]:
    """The strings drawn in an SVG written with text kept as text."""
    svg = path.read_text()
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _plot(model, path, **kwargs):
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none"}):
        return numnet.utils.plot_model(model, to_file=path, **kwargs)


def test_the_default_diagram_shows_each_layer_class_in_order(tmp_path):
    path = tmp_path / "model.svg"
    fig = _plot(_mlp(), path)
    assert _svg_text(path) == ["InputLayer", "Dense", "Dropout", "Dense"]
    assert fig.get_figheight() > fig.get_figwidth()  # top to bottom


def test_names_activations_shapes_dtypes_and_trainability_on_request(tmp_path):
    path = tmp_path / "model.svg"
    model = _mlp()
    model.layers[1].trainable = False
    _plot(model, path, show_shapes=True, show_layer_names=True, show_layer_activations=True,
          show_dtype=True, show_trainable=True)
    text = _svg_text(path)
    for line in ("input_layer (InputLayer)", "dense (Dense)", "Activation: relu",
                 "Input shape: (None, 784)", "Output shape: (None, 128)", "dropout (Dropout)",
                 "dense_1 (Dense)", "Activation: softmax", "Output shape: (None, 10)",
                 "dtype: float32", "Trainable: False", "Trainable: True"):
        assert line in text, line
    assert text.count("Input shape: (None, 128)") == 2  # the dropout and the last dense


def test_left_to_right_png_at_the_given_dpi(tmp_path):
    path = tmp_path / "model.png"
    fig = _plot(_mlp(), path, rankdir="LR", dpi=50)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.get_figwidth() > fig.get_figheight()
    width = int.from_bytes(path.read_bytes()[16:20], "big")
    assert width == round(fig.get_figwidth() * 50)
    assert not list(tmp_path.glob("*.part"))


def test_nested_models_are_one_box_or_expanded(tmp_path):
    numnet.backend.clear_session()
    inner = numnet.Sequential([layers.Input((8,)), layers.Dense(4, name="inner_a"),
                               layers.Dense(4, name="inner_b")], name="block")
    outer = numnet.Sequential([layers.Input((8,)), inner, layers.Dense(2, name="head")])
    path = tmp_path / "nested.svg"
    _plot(outer, path, show_layer_names=True)
    assert _svg_text(path) == ["input_layer_1 (InputLayer)", "block (Sequential)",
                               "head (Dense)"]
    _plot(outer, path, show_layer_names=True, expand_nested=True)
    assert _svg_text(path) == ["input_layer_1 (InputLayer)", "inner_a (Dense)",
                               "inner_b (Dense)", "head (Dense)"]


def test_a_functional_model_shows_each_call_of_a_shared_layer(tmp_path):
    numnet.backend.clear_session()
    inputs = numnet.Input((4,))
    shared = layers.Dense(4, activation="tanh", name="shared")
    model = numnet.Model(inputs, shared(shared(inputs)))
    path = tmp_path / "functional.svg"
    _plot(model, path, show_layer_names=True)
    assert _svg_text(path) == ["input_layer (InputLayer)", "shared (Dense)", "shared (Dense)"]


def test_a_subclassed_model_is_one_box(tmp_path):
    class Twice(numnet.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)

        def call(self, x, training=False):
            return self.dense(self.dense(x))

    model = Twice()
    model(np.ones((1, 3), "float32"))
    path = tmp_path / "sub.svg"
    _plot(model, path, show_layer_names=True)
    assert _svg_text(path) == [f"{model.name} (Twice)"]


def test_bad_arguments_and_unbuilt_models_are_refused_before_any_file(tmp_path):
    path = tmp_path / "never.png"
    unbuilt = numnet.Sequential([layers.Dense(3)])
    with pytest.raises(ValueError, match="has not been built yet; build it first"):
        numnet.utils.plot_model(unbuilt, path)
    with pytest.raises(ValueError, match=r"plot_model\(rankdir\): expected 'TB' or 'LR'"):
        numnet.utils.plot_model(_mlp(), path, rankdir="BT")
    with pytest.raises(ValueError, match=r"plot_model\(dpi\)"):
        numnet.utils.plot_model(_mlp(), path, dpi=0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'show_shape'"):
        numnet.utils.plot_model(_mlp(), path, show_shape=True)
    with pytest.raises(TypeError, match="expected a numnet model"):
        numnet.utils.plot_model(layers.Dense(2), path)
    assert not path.exists()


def test_without_matplotlib_the_error_names_the_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install 'numnet\[plot\]'"):
        numnet.utils.plot_model(_mlp(), tmp_path / "m.png")


def test_an_unknown_file_type_leaves_no_file(tmp_path):
    path = tmp_path / "model.xyz"
    with pytest.raises(ValueError):
        numnet.utils.plot_model(_mlp(), path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(importlib.util.find_spec("keras") is None
                    or importlib.util.find_spec("jax") is None,
                    reason="the names are compared with Keras 3's when keras and jax are installed")
def test_the_arguments_are_keras_3s():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    ours = inspect.signature(numnet.utils.plot_model).parameters
    theirs = inspect.signature(keras.utils.plot_model).parameters
    assert [n for n in theirs if n != "kwargs"] == [n for n in ours if n != "kwargs"]
    for name, parameter in theirs.items():
        assert ours[name].default == parameter.default, name
    public = {n for n in dir(keras.mixed_precision) if not n.startswith("_")}
    assert public <= set(dir(numnet.mixed_precision))
