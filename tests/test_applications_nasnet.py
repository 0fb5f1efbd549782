"""keras.applications.NASNetMobile / NASNetLarge: parameter counts, layer counts and shapes as
Keras 3.15 builds them, the cells' names, the errors, and Keras's weights (in Keras's order)
giving Keras's predictions."""

import os
import re

import numpy as np
import pytest

import numnet
from numnet.applications import nasnet

A = numnet.applications


@pytest.mark.parametrize("name, kwargs, total, n_layers, output_shape", [
    # (Keras 3.15's count_params(), len(model.layers) and output_shape)
    ("NASNetMobile", {}, 5_326_716, 771, (None, 1000)),
    ("NASNetMobile", {"include_top": False}, 4_269_716, 769, (None, 7, 7, 1056)),
    ("NASNetLarge", {}, 88_949_818, 1041, (None, 1000)),
    # without the top and a size, Keras's graph skips the cells' size adjustments
    ("NASNetLarge", {"include_top": False}, 84_887_922, 1012, (None, None, None, 4032)),
])
def test_parameter_counts_are_kerass(name, kwargs, total, n_layers, output_shape):
    model = getattr(A, name)(weights=None, **kwargs)
    assert model.count_params() == total
    assert len(model.layers) == n_layers
    assert model.output_shape == output_shape


def test_cells_and_names():
    model = A.NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=3)
    assert model.name == "nasnet_mobile"
    names = {layer.name for layer in model.layers}
    for expected in ("stem_conv1", "stem_bn1", "reduction_conv_1_stem_1", "adjust_bn_stem_2",
                     "normal_concat_0", "normal_concat_3", "reduction_concat_reduce_4",
                     "normal_concat_5", "normal_concat_8", "reduction_concat_reduce_8",
                     "normal_concat_12", "separable_conv_1_pad_reduction_left1_stem_1",
                     "adjust_conv_projection_6", "adjust_conv_1_5", "predictions"):
        assert expected in names, expected
    assert "normal_concat_4" not in names  # the stacks' cells are numbered 0-3, 5-8, 9-12
    # 1056 // 24 = 44 filters a cell, a quarter in the stem's first, four times in the last
    assert model.get_layer("reduction_conv_1_stem_1").kernel.shape == (1, 1, 32, 11)
    assert model.get_layer("normal_conv_1_12").kernel.shape[-1] == 176
    bn = model.get_layer("stem_bn1")
    assert bn.momentum == 0.9997 and bn.epsilon == 1e-3
    assert model.get_layer("normal_concat_0").output.shape == (None, 4, 4, 264)
    assert model.output_shape == (None, 3)
    features = A.NASNetLarge(weights=None, include_top=False, pooling="max",
                             input_shape=(32, 32, 3))
    assert features.output_shape == (None, 4032)


def test_errors_and_preprocessing():
    with pytest.raises(ValueError, match="classes"):
        A.NASNetMobile(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="None"):
        A.NASNetLarge(weights="imagenet", include_top=False, input_shape=(None, None, 3))
    numnet.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="channels_last"):
            A.NASNetMobile(weights=None)
    finally:
        numnet.config.set_image_data_format("channels_last")
    x = np.array([0.0, 127.5, 255.0])
    np.testing.assert_allclose(nasnet.preprocess_input(x), [-1.0, 0.0, 1.0])
    assert numnet.keras.applications.nasnet.NASNetMobile is A.NASNetMobile
    assert "5,326,716 parameters" in A.NASNetMobile.__doc__
    assert "nasnet_large_no_top.h5" in A.NASNetLarge.__doc__


# ------------------------------------------------------------------ Keras itself


@pytest.fixture(scope="module")
def real_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


def _names(model):
    """The layers' names, less the numbers that tell apart the unnamed layers of a session."""
    return [re.sub(r"^(input_layer|activation|zero_padding2d|cropping2d|concatenate|add|"
                   r"global_average_pooling2d|global_max_pooling2d)_\d+$", r"\1", layer.name)
            for layer in model.layers]


@pytest.mark.parametrize("name, kwargs", [
    ("NASNetMobile", dict(classes=5)),
    # Keras builds this one slowly: with NUMNET_KERAS_APPLICATIONS=all
    ("NASNetLarge", dict(include_top=False, pooling="avg")),
])
def test_kerass_weights_give_kerass_predictions(real_keras, name, kwargs):
    if name != "NASNetMobile" and os.environ.get("NUMNET_KERAS_APPLICATIONS") != "all":
        pytest.skip("set NUMNET_KERAS_APPLICATIONS=all to compare this one with Keras")
    theirs = getattr(real_keras.applications, name)(weights=None, input_shape=(32, 32, 3),
                                                    **kwargs)
    ours = getattr(A, name)(weights=None, input_shape=(32, 32, 3), **kwargs)
    assert _names(ours) == _names(theirs)
    rng = np.random.default_rng(3)
    weights = [rng.uniform(0.5, 1.5, v.shape) if "variance" in v.path
               else rng.normal(0, 0.1, v.shape) for v in theirs.weights]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    x = rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    expected = np.asarray(theirs(x, training=False))
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(np.asarray(ours(x, training=False)), expected,
                               atol=1e-5 * scale)
