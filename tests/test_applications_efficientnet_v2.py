"""keras.applications.EfficientNetV2*: parameter counts and layer names as Keras 3.15 builds
them, the preprocessing layers each variant starts with, and Keras's weights (in Keras's
order) giving Keras's predictions."""

import os
import re

import numpy as np
import pytest

import numnet
from numnet.applications import efficientnet_v2

A = numnet.applications


@pytest.mark.parametrize("name, kwargs, total, n_layers", [
    # (Keras 3.15's count_params() and len(model.layers))
    ("EfficientNetV2B0", {}, 7_200_312, 273),
    ("EfficientNetV2B0", {"include_top": False}, 5_919_312, 270),
    ("EfficientNetV2B1", {}, 8_212_124, 337),
    ("EfficientNetV2B2", {}, 10_178_374, 352),
    ("EfficientNetV2B3", {"include_top": False}, 12_930_622, 409),
    ("EfficientNetV2S", {}, 21_612_360, 516),
    ("EfficientNetV2M", {"include_top": False}, 53_150_388, 740),
    ("EfficientNetV2L", {"include_top": False}, 117_746_848, 1028),
])
def test_parameter_counts_are_kerass(name, kwargs, total, n_layers):
    model = getattr(A, name)(weights=None, **kwargs)
    assert model.count_params() == total
    assert len(model.layers) == n_layers


def test_names_shapes_and_blocks():
    model = A.EfficientNetV2B0(weights=None, input_shape=(64, 64, 3), classes=7)
    assert model.name == "efficientnetv2-b0"
    names = [layer.name for layer in model.layers]
    assert names[3:6] == ["stem_conv", "stem_bn", "stem_activation"]
    # a fused block without expansion: one 3x3 convolution, then its activation
    assert names[6:9] == ["block1a_project_conv", "block1a_project_bn",
                          "block1a_project_activation"]
    # a fused block with expansion: the strided 3x3 expansion, then the 1x1 projection
    assert model.get_layer("block2a_expand_conv").kernel.shape == (3, 3, 16, 64)
    assert model.get_layer("block2a_expand_conv").strides == (2, 2)
    assert model.get_layer("block2a_project_conv").kernel.shape == (1, 1, 64, 32)
    # an MBConv block: depthwise convolution and squeeze-and-excitation
    assert model.get_layer("block4a_dwconv2").strides == (2, 2)
    assert model.get_layer("block4a_se_reduce").kernel.shape == (1, 1, 192, 12)
    assert "block2b_drop" in names and "block2a_drop" not in names
    assert model.get_layer("stem_bn").momentum == 0.9
    assert names[-3:] == ["avg_pool", "top_dropout", "predictions"]
    assert model.output_shape == (None, 7)
    assert model.get_layer("top_conv").output.shape == (None, 2, 2, 1280)
    features = A.EfficientNetV2S(weights=None, include_top=False, pooling="max",
                                 input_shape=(32, 32, 3))
    assert features.layers[-1].name == "max_pool" and features.output_shape == (None, 1280)


def test_preprocessing_layers():
    x = np.array([[[[0.0, 127.5, 255.0]]]], "float32").repeat(32, 1).repeat(32, 2)
    b0 = A.EfficientNetV2B0(weights=None, input_shape=(32, 32, 3), classes=2)
    normalized = numnet.Model(b0.input, b0.layers[2].output).predict(x, verbose=0)
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(normalized[0, 0, 0], (np.array([0, 0.5, 1]) - mean) / std,
                               rtol=1e-5)
    s = A.EfficientNetV2S(weights=None, input_shape=(32, 32, 3), classes=2)
    assert type(s.layers[2]).__name__ == "Conv2D"
    scaled = numnet.Model(s.input, s.layers[1].output).predict(x, verbose=0)
    np.testing.assert_allclose(scaled[0, 0, 0], [-1.0, 127.5 / 128 - 1, 255 / 128 - 1],
                               rtol=1e-6)
    bare = A.EfficientNetV2B1(weights=None, input_shape=(32, 32, 3), classes=2,
                              include_preprocessing=False)
    assert bare.layers[1].name == "stem_conv"
    assert efficientnet_v2.preprocess_input(x) is x


def test_errors():
    with pytest.raises(ValueError, match="classes"):
        A.EfficientNetV2B0(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="input_shape|32"):
        A.EfficientNetV2B0(weights=None, input_shape=(16, 16, 3), include_top=False)


def test_namespace_and_docstring_example():
    import doctest

    assert numnet.keras.applications.efficientnet_v2.EfficientNetV2S is A.EfficientNetV2S
    assert A.efficientnet_v2 is efficientnet_v2
    from numnet.keras.applications.efficientnet_v2 import EfficientNetV2B0
    assert EfficientNetV2B0 is A.EfficientNetV2B0
    [test] = doctest.DocTestFinder().find(A.EfficientNetV2B0, "EfficientNetV2B0",
                                          globs={"keras": numnet})
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False) == (0, 2)


def test_docstrings_name_kerass_counts():
    assert "7,200,312 parameters" in A.EfficientNetV2B0.__doc__
    assert "119,027,848 parameters" in A.EfficientNetV2L.__doc__
    assert A.EfficientNetV2M.__name__ == "EfficientNetV2M"


# ------------------------------------------------------------------ Keras itself


def _names(model):
    """The layers' names, less the numbers that tell apart the unnamed layers of a session."""
    return [re.sub(r"^(input_layer|rescaling|normalization)_\d+$", r"\1", layer.name)
            for layer in model.layers]


@pytest.fixture(scope="module")
def real_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


@pytest.mark.parametrize("name, kwargs", [
    ("EfficientNetV2B0", dict(classes=5)),
    # Keras builds these slowly: with NUMNET_KERAS_APPLICATIONS=all
    ("EfficientNetV2B3", dict(include_top=False, pooling="avg")),
    ("EfficientNetV2S", dict(classes=3, classifier_activation=None)),
    ("EfficientNetV2M", dict(include_top=False)),
    ("EfficientNetV2L", dict(include_top=False, pooling="max")),
    ("EfficientNetV2B1", dict(classes=4, include_preprocessing=False)),
])
def test_kerass_weights_give_kerass_predictions(real_keras, name, kwargs):
    if name != "EfficientNetV2B0" and os.environ.get("NUMNET_KERAS_APPLICATIONS") != "all":
        pytest.skip("set NUMNET_KERAS_APPLICATIONS=all to compare this one with Keras")
    theirs = getattr(real_keras.applications, name)(weights=None, input_shape=(32, 32, 3),
                                                    **kwargs)
    ours = getattr(A, name)(weights=None, input_shape=(32, 32, 3), **kwargs)
    assert _names(ours) == _names(theirs)
    rng = np.random.default_rng(2)
    weights = []
    for variable in theirs.weights:  # statistics away from 0 / 1, so that they matter
        shape, path = tuple(variable.shape), variable.path
        weights.append(rng.uniform(0.5, 1.5, shape) if "variance" in path
                       else rng.normal(0, 0.2, shape))
    theirs.set_weights(weights)
    ours.set_weights(weights)
    x = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    if not kwargs.get("include_preprocessing", True):
        x = x / 127.5 - 1
    expected = np.asarray(theirs(x, training=False))
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(np.asarray(ours(x, training=False)), expected,
                               atol=1e-5 * scale)
