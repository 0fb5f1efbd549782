"""keras.applications: the models' architectures (parameter counts as Keras publishes them,
layer names, output shapes), preprocess_input and decode_predictions by hand, the weight files
(numnet's, legacy .h5 in Keras's cache), the errors, and Keras's own models' weights loaded
into numnet's giving Keras's predictions."""

import json
import os
import re
import warnings

import numpy as np
import pytest

import numnet
import numnet as keras
from numnet.applications import (
    convnext,
    densenet,
    efficientnet,
    imagenet_utils,
    inception_resnet_v2,
    inception_v3,
    mobilenet,
    mobilenet_v2,
    mobilenet_v3,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    xception,
)

A = numnet.applications


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty Keras cache (KERAS_HOME, and no fallback to /tmp/.keras) with its models/."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "FALLBACK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    (tmp_path / "models").mkdir()
    return tmp_path / "models"


# ------------------------------------------------------------------ architectures


@pytest.mark.parametrize("build, total", [
    (lambda: A.MobileNetV2(weights=None), 3_538_984),
    (lambda: A.MobileNetV2(weights=None, include_top=False), 2_257_984),
    (lambda: A.MobileNetV2(weights=None, alpha=0.35, include_top=False), 410_208),
    (lambda: A.MobileNetV2(weights=None, alpha=1.4), 6_156_712),
    (lambda: A.ResNet50(weights=None), 25_636_712),
    (lambda: A.ResNet50(weights=None, include_top=False), 23_587_712),
    (lambda: A.ResNet101(weights=None), 44_707_176),
    (lambda: A.ResNet152(weights=None), 60_419_944),
    (lambda: A.VGG16(weights=None), 138_357_544),
    (lambda: A.VGG16(weights=None, include_top=False), 14_714_688),
    (lambda: A.VGG19(weights=None, include_top=False), 20_024_384),
    (lambda: A.EfficientNetB0(weights=None), 5_330_571),
    (lambda: A.EfficientNetB0(weights=None, include_top=False), 4_049_571),
    (lambda: A.EfficientNetB3(weights=None), 12_320_535),
    (lambda: A.Xception(weights=None), 22_910_480),
    (lambda: A.ConvNeXtTiny(weights=None), 28_589_128),
    (lambda: A.ConvNeXtBase(weights=None), 88_591_464),
    (lambda: A.InceptionResNetV2(weights=None), 55_873_736),
    (lambda: A.MobileNetV3Small(weights=None), 2_554_968),
    (lambda: A.MobileNetV3Large(weights=None), 5_507_432),
    (lambda: A.DenseNet121(weights=None), 8_062_504),
    (lambda: A.DenseNet169(weights=None), 14_307_880),
    (lambda: A.DenseNet201(weights=None), 20_242_984),
    (lambda: A.MobileNet(weights=None), 4_253_864),
    (lambda: A.MobileNet(weights=None, alpha=0.25, include_top=False), 218_544),
    (lambda: A.InceptionV3(weights=None), 23_851_784),
    (lambda: A.InceptionV3(weights=None, include_top=False), 21_802_784),
    (lambda: A.ResNet50V2(weights=None), 25_613_800),
    (lambda: A.ResNet101V2(weights=None), 44_675_560),
    (lambda: A.ResNet152V2(weights=None), 60_380_648),
    (lambda: A.Xception(weights=None, include_top=False), 20_861_480),
])
def test_parameter_counts_are_kerass(build, total):
    assert build().count_params() == total


def test_names_and_layers_of_mobilenet_v2():
    model = A.MobileNetV2(weights=None)
    names = [layer.name for layer in model.layers]
    assert model.name == "mobilenetv2_1.00_224"
    assert len(names) == 156
    assert names[1:4] == ["Conv1", "bn_Conv1", "Conv1_relu"]
    assert names[4:7] == ["expanded_conv_depthwise", "expanded_conv_depthwise_BN",
                          "expanded_conv_depthwise_relu"]
    assert "block_1_pad" in names and "block_2_add" in names and "block_1_add" not in names
    assert names[-5:-2] == ["Conv_1", "Conv_1_bn", "out_relu"]
    assert names[-1] == "predictions"
    assert model.get_layer("block_16_project").kernel.shape == (1, 1, 960, 320)
    assert model.get_layer("bn_Conv1").epsilon == 1e-3
    assert model.input_shape == (None, 224, 224, 3) and model.output_shape == (None, 1000)


def test_names_of_resnet50_and_vgg():
    model = A.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
    names = [layer.name for layer in model.layers]
    assert model.name == "resnet50" and len(names) == 175
    assert names[1:6] == ["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad"]
    assert names[-1] == "conv5_block3_out"
    assert model.get_layer("conv4_block6_3_conv").kernel.shape == (1, 1, 256, 1024)
    assert "conv4_block1_0_conv" in names and "conv4_block2_0_conv" not in names
    names16 = [layer.name for layer in A.VGG16(weights=None, include_top=False,
                                               input_shape=(32, 32, 3)).layers]
    assert names16[1:4] == ["block1_conv1", "block1_conv2", "block1_pool"]
    assert names16[-1] == "block5_pool" and len(names16) == 19
    assert len(A.VGG19(weights=None, include_top=False, input_shape=(32, 32, 3)).layers) == 22
    v2 = A.ResNet50V2(weights=None, include_top=False, input_shape=(32, 32, 3))
    names = [layer.name for layer in v2.layers]
    assert names[1:3] == ["conv1_pad", "conv1_conv"] and "conv1_bn" not in names
    assert names[-2:] == ["post_bn", "post_relu"] and "conv2_block3_2_pad" in names
    assert v2.get_layer("conv2_block3_2_conv").strides == (2, 2)


@pytest.mark.parametrize("pooling, shape", [(None, (None, 1, 1, 1280)), ("avg", (None, 1280)),
                                            ("max", (None, 1280))])
def test_mobilenet_v2_outputs(pooling, shape):
    model = A.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3),
                          pooling=pooling)
    assert model.output_shape == shape
    out = model.predict(np.zeros((2, 32, 32, 3), "float32"), verbose=0)
    assert out.shape == (2, *shape[1:]) and out.dtype == np.float32
    # a freshly built network on a zero image: every ReLU6 output is 0, so are the features
    np.testing.assert_allclose(out, 0.0, atol=1e-6)


def test_outputs_of_resnet_and_vgg_and_an_unknown_size():
    assert A.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3),
                      pooling="max").output_shape == (None, 2048)
    assert A.VGG16(weights=None, include_top=False, input_shape=(64, 48, 3),
                   pooling="avg").output_shape == (None, 512)
    model = A.VGG16(weights=None, include_top=False)
    assert model.input_shape == (None, None, None, 3)
    assert model.predict(np.ones((1, 40, 64, 3), "float32"), verbose=0).shape == (1, 1, 2, 512)
    small = A.MobileNetV2(weights=None, input_shape=(32, 32, 3), classes=4)
    probs = small.predict(np.random.default_rng(0).uniform(-1, 1, (3, 32, 32, 3)), verbose=0)
    assert probs.shape == (3, 4)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    logits = A.MobileNetV2(weights=None, input_shape=(32, 32, 3), classes=4,
                           classifier_activation=None).get_layer("predictions")
    assert logits.activation is numnet.activations.get(None)


def test_efficientnet_layers_and_preprocessing():
    model = A.EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3),
                             pooling="avg")
    names = [layer.name for layer in model.layers]
    assert model.name == "efficientnetb0" and model.output_shape == (None, 1280)
    assert names[3:6] == ["stem_conv_pad", "stem_conv", "stem_bn"]
    assert "block1a_se_excite" in names and "block2b_drop" in names
    assert "block2a_drop" not in names and names[-1] == "avg_pool"
    assert model.get_layer("block6d_dwconv").kernel.shape == (5, 5, 1152, 1)
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    assert efficientnet.preprocess_input(x) is x and mobilenet_v3.preprocess_input(x) is x
    assert model.predict(x, verbose=0).shape == (2, 1280)


def test_input_tensor_and_trainable_base():
    image = keras.Input((32, 32, 3))
    scaled = keras.layers.Rescaling(1 / 127.5, offset=-1)(image)
    base = A.MobileNetV2(weights=None, include_top=False, input_tensor=scaled)
    assert base.inputs[0] is image
    assert base.output_shape == (None, 1, 1, 1280)
    # the transfer-learning pattern: a frozen base inside a new model
    base = A.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3))
    base.trainable = False
    inputs = keras.Input((32, 32, 3))
    x = base(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    assert len(model.trainable_weights) == 2
    model.compile("adam", keras.losses.BinaryCrossentropy(from_logits=True))
    before = [w.numpy().copy() for w in base.weights]
    model.fit(np.random.default_rng(0).uniform(-1, 1, (4, 32, 32, 3)).astype("float32"),
              np.array([0, 1, 0, 1], "float32"), epochs=1, verbose=0)
    for w, b in zip(base.weights, before, strict=True):
        np.testing.assert_array_equal(w.numpy(), b)


def test_namespaces():
    assert numnet.keras.applications.MobileNetV2 is mobilenet_v2.MobileNetV2
    assert numnet.keras.applications.mobilenet_v2.preprocess_input is mobilenet_v2.preprocess_input
    assert resnet50.ResNet50 is resnet.ResNet50 is A.ResNet50
    assert resnet50.preprocess_input is resnet.preprocess_input
    assert vgg16.VGG16 is A.VGG16 and vgg19.VGG19 is A.VGG19
    assert numnet.keras.applications.efficientnet.EfficientNetB0 is A.EfficientNetB0
    assert A.EfficientNetB0.__name__ == "EfficientNetB0"
    assert numnet.keras.applications.xception.Xception is A.Xception is xception.Xception
    assert numnet.keras.applications.resnet_v2.ResNet50V2 is A.ResNet50V2
    assert numnet.keras.applications.inception_v3.InceptionV3 is A.InceptionV3
    assert numnet.keras.applications.mobilenet.MobileNet is A.MobileNet
    assert numnet.keras.applications.densenet.DenseNet121 is A.DenseNet121
    assert numnet.keras.applications.mobilenet_v3.MobileNetV3Small is A.MobileNetV3Small
    assert numnet.keras.applications.convnext.ConvNeXtXLarge is A.ConvNeXtXLarge
    assert A.ConvNeXtXLarge.__name__ == "ConvNeXtXLarge" and convnext.preprocess_input(3) == 3
    assert (numnet.keras.applications.inception_resnet_v2.InceptionResNetV2
            is A.InceptionResNetV2)
    from numnet.keras.applications.vgg16 import VGG16
    assert VGG16 is A.VGG16
    for f in (A.MobileNetV2, A.ResNet50, A.ResNet101, A.VGG16, A.VGG19,
              mobilenet_v2.preprocess_input, vgg16.preprocess_input, resnet.decode_predictions):
        assert f.__doc__ and len(f.__doc__) > 80


@pytest.mark.parametrize("module", [imagenet_utils, mobilenet_v2, resnet, vgg16, vgg19,
                                    xception, inception_v3, mobilenet])
def test_docstring_examples_run(module):
    import doctest

    result = doctest.testmod(module, extraglobs={"keras": numnet, "np": np},
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_models_survive_a_keras_file(tmp_path):
    x = np.random.default_rng(3).uniform(0, 255, (1, 32, 32, 3)).astype("float32")
    inputs = keras.Input((32, 32, 3))
    scaled = inception_resnet_v2.CustomScaleLayer(0.5)([inputs, keras.layers.Conv2D(3, 1)(inputs)])
    for model in (keras.Model(inputs, scaled),
                  A.MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=3)):
        path = str(tmp_path / f"{model.name}.keras")
        model.save(path)
        again = numnet.saving.load_model(path)
        assert [layer.name for layer in again.layers] == [layer.name for layer in model.layers]
        np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                                   rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------------ preprocess_input


def test_preprocess_tf_mode_scales_to_minus_one_one():
    x = np.array([[[[0.0, 127.5, 255.0]]]])
    out = mobilenet_v2.preprocess_input(x)
    np.testing.assert_allclose(out, [[[[-1.0, 0.0, 1.0]]]])
    assert out is x  # a float array is changed in place, as Keras
    ints = mobilenet_v2.preprocess_input(np.array([[[0, 51, 255]]], np.uint8))
    assert ints.dtype == np.float32
    np.testing.assert_allclose(ints, [[[-1.0, -0.6, 1.0]]], rtol=1e-6)


def test_preprocess_caffe_mode_flips_to_bgr_and_subtracts_the_mean():
    rgb = np.array([[[[10.0, 20.0, 30.0], [255.0, 0.0, 0.0]]]], np.float32)  # (1, 1, 2, 3)
    out = vgg16.preprocess_input(rgb.copy())
    expected = [[[[30 - 103.939, 20 - 116.779, 10 - 123.68],
                  [0 - 103.939, 0 - 116.779, 255 - 123.68]]]]
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    np.testing.assert_allclose(resnet50.preprocess_input(rgb.copy()), expected, rtol=1e-6)
    np.testing.assert_allclose(xception.preprocess_input(np.array([255.0, 0.0])), [1.0, -1.0])
    np.testing.assert_allclose(resnet_v2.preprocess_input(np.array([51.0])), [-0.6])
    np.testing.assert_allclose(inception_v3.preprocess_input(np.array([51.0])), [-0.6])
    np.testing.assert_allclose(inception_resnet_v2.preprocess_input(np.array([51.0])), [-0.6])
    np.testing.assert_allclose(vgg19.preprocess_input(rgb[0].copy()), expected[0], rtol=1e-6)
    first = np.moveaxis(rgb, -1, 1).copy()  # (1, 3, 1, 2)
    out = vgg16.preprocess_input(first, data_format="channels_first")
    np.testing.assert_allclose(out, np.moveaxis(np.array(expected), -1, 1), rtol=1e-6)
    three_d = vgg16.preprocess_input(np.moveaxis(rgb[0], -1, 0).copy(), "channels_first")
    np.testing.assert_allclose(three_d[:, 0, 1], [-103.939, -116.779, 131.32], rtol=1e-6)


def test_preprocess_torch_mode_and_tensors():
    x = np.full((1, 1, 1, 3), 255.0)
    out = imagenet_utils.preprocess_input(x, mode="torch")
    np.testing.assert_allclose(out[0, 0, 0], [(1 - 0.485) / 0.229, (1 - 0.456) / 0.224,
                                              (1 - 0.406) / 0.225], rtol=1e-6)
    np.testing.assert_allclose(densenet.preprocess_input(np.zeros((1, 3)))[0],
                               [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225], rtol=1e-6)
    rgb = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    for mode in ("caffe", "tf", "torch"):
        tensor = imagenet_utils.preprocess_input(numnet.ops.convert_to_tensor(rgb), mode=mode)
        np.testing.assert_allclose(np.asarray(tensor),
                                   imagenet_utils.preprocess_input(rgb.copy(), mode=mode),
                                   rtol=1e-5, atol=1e-4)


def test_preprocess_inside_a_functional_model():
    # the TensorFlow tutorial's form: x = preprocess_input(x) on the symbolic input
    pixels = np.random.default_rng(2).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    for module in (mobilenet_v2, resnet50, vgg16):
        inputs = keras.Input((4, 4, 3))
        model = keras.Model(inputs, module.preprocess_input(inputs))
        np.testing.assert_allclose(model.predict(pixels, verbose=0),
                                   module.preprocess_input(pixels.copy()), rtol=1e-6, atol=1e-4)


def test_preprocess_errors():
    with pytest.raises(ValueError, match="mode must be 'caffe', 'tf' or 'torch'"):
        imagenet_utils.preprocess_input(np.zeros(3), mode="inception")
    with pytest.raises(ValueError, match="data_format must be"):
        vgg16.preprocess_input(np.zeros((1, 2, 2, 3)), data_format="NHWC")


# ------------------------------------------------------------------ decode_predictions


def test_decode_predictions(cache):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (cache / "imagenet_class_index.json").write_text(json.dumps(index))
    preds = np.zeros((2, 1000), np.float32)
    preds[0, [7, 3, 999]] = [0.5, 0.3, 0.2]
    preds[1, 42] = 1.0
    out = mobilenet_v2.decode_predictions(preds, top=3)
    assert [row[:2] for row in out[0]] == [("n00000007", "class_7"), ("n00000003", "class_3"),
                                           ("n00000999", "class_999")]
    assert [float(row[2]) for row in out[0]] == pytest.approx([0.5, 0.3, 0.2])
    assert out[1][0][:2] == ("n00000042", "class_42") and len(out[1]) == 3
    assert len(resnet.decode_predictions(preds)[0]) == 5


def test_decode_predictions_errors(cache):
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\); got shape \(2, 10\)"):
        vgg16.decode_predictions(np.zeros((2, 10)))
    with pytest.raises(FileNotFoundError, match="imagenet_class_index.json"):
        vgg16.decode_predictions(np.zeros((1, 1000)))


# ------------------------------------------------------------------ weights


def _write_legacy_h5(model, path):
    """Keras 2's save_weights layout (the pretrained files): layer_names at the root, one
    group per layer with weight_names, trainable weights first."""
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as f:
        named = [layer for layer in model.layers]
        f.attrs["layer_names"] = [layer.name.encode() for layer in named]
        for layer in named:
            group = f.create_group(layer.name)
            variables = [*layer.trainable_weights, *layer.non_trainable_weights]
            names = [f"{layer.name}/w{i}:0" for i in range(len(variables))]
            group.attrs["weight_names"] = [n.encode() for n in names]
            for name, variable in zip(names, variables, strict=True):
                group.create_dataset(name, data=variable.numpy())


def test_imagenet_weights_from_kerass_cache(cache):
    source = A.MobileNetV2(weights=None, include_top=False, input_shape=(96, 96, 3))
    _write_legacy_h5(source, cache / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96"
                                      "_no_top.h5")
    loaded = A.MobileNetV2(include_top=False, input_shape=(96, 96, 3))  # weights="imagenet"
    for a, b in zip(source.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # a path to the same legacy file works too, and a numnet .weights.h5
    path = str(cache / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5")
    again = A.MobileNetV2(include_top=False, input_shape=(96, 96, 3), weights=path)
    np.testing.assert_array_equal(again.weights[-1].numpy(), source.weights[-1].numpy())
    mine = str(cache / "mine.weights.h5")
    source.save_weights(mine)
    third = A.MobileNetV2(include_top=False, input_shape=(96, 96, 3), weights=mine)
    np.testing.assert_array_equal(third.weights[0].numpy(), source.weights[0].numpy())


def test_legacy_file_of_another_model_is_refused(cache, tmp_path):
    other = A.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    _write_legacy_h5(other, tmp_path / "vgg.h5")
    with pytest.raises(ValueError, match="weights for 13 layers, the model 'mobilenetv2_1.00_32' "
                                         "has 104"):
        A.MobileNetV2(weights=str(tmp_path / "vgg.h5"), include_top=False,
                      input_shape=(32, 32, 3))


def test_missing_imagenet_file_says_what_to_do(cache):
    with pytest.raises(FileNotFoundError) as err:
        A.ResNet50(include_top=False, input_shape=(32, 32, 3))
    assert "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5" in str(err.value)
    assert "weights=None" in str(err.value)
    with pytest.raises(FileNotFoundError, match="'mobilenet_2_5_128_tf_no_top.h5'"):
        A.MobileNet(alpha=0.25, include_top=False, input_shape=(128, 128, 3))
    with pytest.raises(FileNotFoundError, match="'efficientnetb0.h5'"):
        A.EfficientNetB0()
    with pytest.raises(FileNotFoundError, match="vgg16_weights_tf_dim_ordering_tf_kernels_notop"):
        A.VGG16(include_top=False, input_shape=(32, 32, 3))
    with pytest.warns(UserWarning, match="224"):
        with pytest.raises(FileNotFoundError, match="kernels_0.35_224_no_top.h5"):
            A.MobileNetV2(alpha=0.35, include_top=False, input_shape=(40, 40, 3))


def test_missing_file_message_names_the_place(cache, tmp_path):
    name = "no_such_weights_file_for_numnet.h5"
    with pytest.raises(FileNotFoundError) as err:
        imagenet_utils.cached_file(name, "VGG16(weights='imagenet')", "https://example/x")
    text = str(err.value)
    assert name in text and os.path.join(str(tmp_path), "models", name) in text
    assert "does not download" in text


@pytest.mark.parametrize("build, message", [
    (lambda: A.ResNet50(weights="no/such/file.h5"), "weights must be None"),
    (lambda: A.VGG16(weights="imagenet", classes=10), "classes must be 1000"),
    (lambda: A.MobileNetV2(weights="imagenet", input_shape=(150, 150, 3)),
     r"input_shape must be \(224, 224, 3\)"),
    (lambda: A.ResNet50(weights="imagenet", input_shape=(160, 160, 3)),
     r"input_shape must be \(224, 224, 3\)"),
    (lambda: A.ResNet50(weights=None, include_top=False, input_shape=(16, 16, 3)),
     "at least 32x32"),
    (lambda: A.Xception(weights=None, include_top=False, input_shape=(64, 64, 3)),
     "at least 71x71"),
    (lambda: A.InceptionV3(weights=None, include_top=False, input_shape=(71, 71, 3)),
     "at least 75x75"),
    (lambda: A.VGG16(weights=None, include_top=False, input_shape=(32, 32)),
     "three integers"),
    (lambda: A.MobileNetV2(weights=None, input_shape=(None, None, 3)), "fully known"),
    (lambda: A.ConvNeXtTiny(weights="imagenet", name="mine"), "must contain 'convnext_tiny'"),
    (lambda: A.MobileNetV2(weights="imagenet", alpha=0.6, include_top=False), "alpha in"),
    (lambda: A.MobileNet(weights="imagenet", alpha=0.6, include_top=False), "alpha in"),
    (lambda: A.MobileNet(weights="imagenet", depth_multiplier=2, include_top=False),
     "depth_multiplier=1 only"),
    (lambda: A.ResNet50(weights="imagenet", include_top=False, input_shape=(32, 32, 1)),
     "3 channels"),
    (lambda: A.MobileNetV2(input_shape=(224, 224, 3), classifier_activation="relu"),
     "must be None or 'softmax'"),
    (lambda: A.MobileNetV2(weights=None, input_tensor=np.zeros((1, 32, 32, 3))),
     "symbolic tensor"),
])
def test_errors(cache, build, message):
    with pytest.raises(ValueError, match=message):
        build()


# ------------------------------------------------------------------ against Keras


def _names(model):
    """The layers' names, less the numbers that tell apart the unnamed layers of a session."""
    return [_AUTO_NAME.sub(r"\1", layer.name) for layer in model.layers]


_AUTO_NAME = re.compile(r"^(input_layer|conv2d|batch_normalization|activation|add|concatenate|"
                        r"average_pooling2d|max_pooling2d|zero_padding2d|rescaling|re_lu|"
                        r"normalization|global_average_pooling2d|global_max_pooling2d|"
                        r"dropout|flatten|custom_scale_layer)_\d+$")


@pytest.fixture(scope="module")
def real_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


@pytest.mark.parametrize("name, kwargs", [
    ("MobileNetV2", dict(include_top=True, classes=10, input_shape=(32, 32, 3),
                         classifier_activation=None)),
    ("ResNet50", dict(include_top=False, pooling="avg", input_shape=(32, 32, 3))),
    # Keras builds these slowly (10-30 s each): with NUMNET_KERAS_APPLICATIONS=all
    ("EfficientNetB0", dict(include_top=True, classes=10, input_shape=(32, 32, 3))),
    ("VGG16", dict(include_top=False, pooling="max", input_shape=(32, 32, 3))),
    ("VGG19", dict(include_top=True, classes=5, input_shape=(32, 32, 3))),
    ("Xception", dict(include_top=True, classes=10, input_shape=(71, 71, 3))),
    ("InceptionV3", dict(include_top=False, pooling="avg", input_shape=(75, 75, 3))),
    ("MobileNet", dict(include_top=True, classes=10, input_shape=(32, 32, 3), alpha=0.5)),
    ("ResNet50V2", dict(include_top=True, classes=10, input_shape=(32, 32, 3))),
    ("DenseNet121", dict(include_top=False, pooling="max", input_shape=(32, 32, 3))),
    ("MobileNetV2", dict(include_top=False, input_shape=(32, 32, 3), alpha=1.4)),
    ("MobileNetV3Small", dict(include_top=True, classes=10, input_shape=(32, 32, 3))),
    ("InceptionResNetV2", dict(include_top=True, classes=10, input_shape=(75, 75, 3))),
    ("ConvNeXtTiny", dict(include_top=True, classes=10, input_shape=(32, 32, 3))),
    ("MobileNetV3Large", dict(include_top=False, input_shape=(32, 32, 3), alpha=0.75,
                              minimalistic=True)),
])
def test_kerass_weights_give_kerass_predictions(real_keras, tmp_path, name, kwargs):
    if name not in ("MobileNetV2", "ResNet50") or "alpha" in kwargs:
        if os.environ.get("NUMNET_KERAS_APPLICATIONS") != "all":
            pytest.skip("set NUMNET_KERAS_APPLICATIONS=all to compare this one with Keras")
    theirs = getattr(real_keras.applications, name)(weights=None, **kwargs)
    rng = np.random.default_rng(1)
    for layer in theirs.layers:  # moving statistics away from 0 / 1, so that they matter
        if isinstance(layer, real_keras.layers.BatchNormalization):
            layer.moving_mean.assign(rng.normal(0, 0.1, layer.moving_mean.shape))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, layer.moving_variance.shape))
    path = str(tmp_path / f"{name}.weights.h5")
    theirs.save_weights(path)
    ours = getattr(A, name)(weights=path, **kwargs)
    assert _names(ours) == _names(theirs)
    assert ours.count_params() == theirs.count_params()
    assert ours.output_shape == tuple(theirs.output_shape)
    x = rng.uniform(-1, 1, (2, *kwargs["input_shape"])).astype("float32")
    if name.startswith(("EfficientNet", "MobileNetV3", "ConvNeXt")):
        x = (x + 1) * 127.5  # pixels: the model rescales them itself
    expected = np.asarray(theirs(x, training=False))
    got = np.asarray(ours(x, training=False))
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(got, expected, atol=1e-4 * scale)
    # Keras's legacy HDF5 file (model.save("....h5"): weights under /model_weights, by name)
    legacy = str(tmp_path / f"{name}.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.save(legacy)
    again = getattr(A, name)(weights=legacy, **kwargs)
    np.testing.assert_allclose(np.asarray(again(x, training=False)), expected,
                               atol=1e-4 * scale)
