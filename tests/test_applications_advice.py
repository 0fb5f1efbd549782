"""The scaling advice ("unscaled_inputs") on keras.applications models: inputs of a base with
loaded weights keep the range those weights were trained on (caffe-style values near +-150 for
ResNet and VGG), frozen or fine-tuned; a model built with ``weights=None`` trains from scratch,
and its unscaled inputs are reported, as for any other model."""

import warnings

import numpy as np
import pytest

import numnet
from numnet.applications import resnet

SHAPE = (32, 32, 3)
LABELS = np.array([0, 1, 0, 1])


@pytest.fixture(scope="module")
def caffe_inputs():
    pixels = np.random.default_rng(0).uniform(0, 255, (4, *SHAPE)).astype("float32")
    x = resnet.preprocess_input(pixels)
    assert 100 < np.abs(x).max() < 152  # Keras's caffe mode: BGR less ImageNet's mean
    return x


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("weights") / "resnet50.weights.h5")
    numnet.applications.ResNet50(weights=None, input_shape=SHAPE, classes=2).save_weights(path)
    return path


def _scaling_advice(model, x) -> list:
    model.compile("adam", "sparse_categorical_crossentropy")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, LABELS, epochs=1, batch_size=4, verbose=0)
    return [str(w.message) for w in caught if isinstance(w.message, numnet.AdviceWarning)
            and w.message.rule == "unscaled_inputs"]


def test_a_model_trained_from_scratch_is_told_to_scale(caffe_inputs):
    model = numnet.applications.ResNet50(weights=None, input_shape=SHAPE, classes=2)
    [message] = _scaling_advice(model, caffe_inputs)
    assert f"{float(np.abs(caffe_inputs).max()):g}" in message


def test_a_pretrained_model_fine_tuned_whole_is_not(caffe_inputs, weights_file):
    model = numnet.applications.ResNet50(weights=weights_file, input_shape=SHAPE, classes=2)
    assert model.trainable
    assert _scaling_advice(model, caffe_inputs) == []


def test_a_pretrained_base_inside_a_model_is_not(caffe_inputs, weights_file):
    base = numnet.applications.ResNet50(weights=weights_file, input_shape=SHAPE,
                                        include_top=True, classes=2)
    inputs = numnet.Input(SHAPE)
    outputs = numnet.layers.Dense(2, activation="softmax")(base(inputs))
    assert _scaling_advice(numnet.Model(inputs, outputs), caffe_inputs) == []
