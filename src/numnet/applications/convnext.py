"""``keras.applications.convnext``: ConvNeXt Tiny, Small, Base, Large and XLarge (Liu et al.,
2022), layer for layer as Keras builds them, so that Keras's weight files load into them.

The models take pixels in [0, 255]: with ``include_preprocessing=True`` (the default) their
first layer normalizes them with ImageNet's mean and deviation, so ``preprocess_input`` here
returns its input unchanged. Channels last only, as in Keras.
"""

from __future__ import annotations

from .. import config, initializers, layers
from ..models import Sequential
from ..registry import register_serializable
from . import imagenet_utils

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"

_TITLES = {"tiny": "Tiny", "small": "Small", "base": "Base", "large": "Large",
           "xlarge": "XLarge"}
VARIANTS = {  # (blocks per stage, channels per stage)
    "tiny": ((3, 3, 9, 3), (96, 192, 384, 768)),
    "small": ((3, 3, 27, 3), (96, 192, 384, 768)),
    "base": ((3, 3, 27, 3), (128, 256, 512, 1024)),
    "large": ((3, 3, 27, 3), (192, 384, 768, 1536)),
    "xlarge": ((3, 3, 27, 3), (256, 512, 1024, 2048)),
}


@register_serializable(package="keras.applications")
class LayerScale(layers.Layer):
    """``x * gamma``, a learned scale per channel (``projection_dim`` of them) starting at
    ``init_values`` (Keras's layer of the same name, with the same config and weight)."""

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values, self.projection_dim = init_values, projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(self.projection_dim,),
                                     initializer=initializers.Constant(self.init_values),
                                     trainable=True, name="gamma")
        self.built = True

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values,
                "projection_dim": self.projection_dim}


def _block(x, dim, layer_scale_init_value, name):
    """7x7 depthwise (grouped) convolution, layer normalization, a 4x wide GELU MLP over the
    channels, layer scale, added to the input."""
    y = layers.Conv2D(filters=dim, kernel_size=7, padding="same", groups=dim,
                      name=f"{name}_depthwise_conv")(x)
    y = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(y)
    y = layers.Dense(4 * dim, name=f"{name}_pointwise_conv_1")(y)
    y = layers.Activation("gelu", name=f"{name}_gelu")(y)
    y = layers.Dense(dim, name=f"{name}_pointwise_conv_2")(y)
    if layer_scale_init_value is not None:
        y = LayerScale(layer_scale_init_value, dim, name=f"{name}_layer_scale")(y)
    return x + layers.Activation("linear", name=f"{name}_identity")(y)


def _convnext(variant, include_top, include_preprocessing, weights, input_tensor, input_shape,
              pooling, classes, classifier_activation, name):
    if config.image_data_format() == "channels_first":
        raise ValueError("ConvNeXt works on channels_last images only, as in Keras; set "
                         "keras.config.set_image_data_format('channels_last').")
    imagenet_utils.check_weights(weights, include_top, classes)
    depths, dims = VARIANTS[variant]
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    if isinstance(weights, str) and weights == "imagenet" and f"convnext_{variant}" not in name:
        raise ValueError(f"With weights='imagenet' the model's name must contain "
                         f"'convnext_{variant}' (Keras names the weight file by it); got "
                         f"name={name!r}.")
    image, inputs = imagenet_utils.model_input(input_tensor, input_shape)
    x = image
    if include_preprocessing and input_shape[-1] == 3:
        x = layers.Normalization(
            mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
            variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
            name=f"{name}_prestem_normalization")(x)
    stages = [Sequential([layers.Conv2D(dims[0], kernel_size=4, strides=4,
                                        name=f"{name}_stem_conv"),
                          layers.LayerNormalization(epsilon=1e-6,
                                                    name=f"{name}_stem_layernorm")],
                         name=f"{name}_stem")]
    for i in range(3):
        stages.append(Sequential(
            [layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
             layers.Conv2D(dims[i + 1], kernel_size=2, strides=2,
                           name=f"{name}_downsampling_conv_{i}")],
            name=f"{name}_downsampling_block_{i}"))
    for i, (downsample, depth) in enumerate(zip(stages, depths, strict=True)):
        x = downsample(x)
        for j in range(depth):
            x = _block(x, dims[i], 1e-6, f"{name}_stage_{i}_block_{j}")
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation,
                         name=f"{name}_head_dense")(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    file_name = name + (".h5" if include_top else "_notop.h5")  # Keras names it by the model
    return imagenet_utils.application_model(inputs, x, name, weights, file_name,
                                            WEIGHTS_URL + file_name, f"ConvNeXt{_TITLES[variant]}")


_DOC = """ConvNeXt{kind}: a ResNet modernized after the vision Transformers (patchify stem, 7x7
    depthwise convolutions, layer normalization, GELU MLPs); stages of {depths} blocks of
    {dims} channels; {params} parameters with the top. Same layers, names and weights as
    Keras's.

    Args:
        include_top: whether to end with global average pooling, layer normalization and the
            1000-class ``Dense`` layer "{{name}}_head_dense". Defaults to ``True``.
        include_preprocessing: whether the model starts by normalizing pixels in [0, 255]
            with ImageNet's mean and deviation. Defaults to ``True``.
        weights: ``None`` (random weights), ``"imagenet"`` or the path of a weights file
            (Keras's ``.weights.h5`` or legacy ``.h5``, or numnet's). Defaults to
            ``"imagenet"``, read from Keras's cache: ``~/.keras/models/`` must hold
            ``convnext_{file}.h5`` (``convnext_{file}_notop.h5`` without the top); numnet does
            not download it.
        input_tensor: a symbolic tensor (``keras.Input(...)`` or a layer's output) to build
            the model on. Defaults to ``None``.
        input_shape: ``(rows, cols, 3)``, at least 32x32. Defaults to ``None``:
            (224, 224, 3) with the top, ``(None, None, 3)`` without.
        pooling: without the top: ``None`` (the 4D feature map), ``"avg"`` or ``"max"``,
            followed by layer normalization as in Keras. Defaults to ``None``.
        classes: the classifier's classes, with the top. Defaults to 1000.
        classifier_activation: the classifier's activation; ``None`` gives logits. Defaults
            to ``"softmax"``; with pretrained weights only ``None`` or ``"softmax"``.
        name: the model's name, prefix of its layers' names. Defaults to
            ``"convnext_{file}"``.

    Returns:
        A functional ``Model``.

    Raises:
        ValueError: for a bad ``weights``, ``classes``, ``input_shape``, ``name`` or
            ``classifier_activation``, or channels_first images.
        FileNotFoundError: for ``weights="imagenet"`` when the file is not in the cache.
"""


def _variant(variant, params):
    default_name = f"convnext_{variant}"

    def build(include_top=True, include_preprocessing=True, weights="imagenet",
              input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name=default_name):
        return _convnext(variant, include_top, include_preprocessing, weights, input_tensor,
                         input_shape, pooling, classes, classifier_activation, name)

    build.__name__ = build.__qualname__ = f"ConvNeXt{_TITLES[variant]}"
    depths, dims = VARIANTS[variant]
    build.__doc__ = _DOC.format(kind=_TITLES[variant], depths=", ".join(map(str, depths)),
                                dims=", ".join(map(str, dims)), params=params, file=variant)
    return build


ConvNeXtTiny = _variant("tiny", "28,589,128")
ConvNeXtSmall = _variant("small", "50,223,688")
ConvNeXtBase = _variant("base", "88,591,464")
ConvNeXtLarge = _variant("large", "197,767,336")
ConvNeXtXLarge = _variant("xlarge", "350,196,968")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "ConvNeXt", None, itself="normalize")


__all__ = ["ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge",
           "LayerScale", "decode_predictions", "preprocess_input"]
