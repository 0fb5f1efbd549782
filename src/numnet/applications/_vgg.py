"""VGG16 and VGG19 (Simonyan and Zisserman, 2014): five blocks of 3x3 convolutions, each
ending in 2x2 max pooling, then two 4096-unit dense layers; layer for layer as Keras builds
them."""

from __future__ import annotations

from .. import layers
from . import imagenet_utils

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"


def vgg(convs, include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name, what):
    """The VGG network with ``convs`` convolutions in each of its five blocks."""
    image, inputs, _ = imagenet_utils.application_input(
        input_tensor, input_shape, weights, include_top, classes, 224)
    x = image
    for block, (filters, count) in enumerate(zip((64, 128, 256, 512, 512), convs, strict=True),
                                             start=1):
        for i in range(1, count + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pool(x, pooling)
    file_name = f"{what.lower()}_weights_tf_dim_ordering_tf_kernels" + (
        ".h5" if include_top else "_notop.h5")
    return imagenet_utils.application_model(inputs, x, name, weights, file_name,
                                            f"{WEIGHTS_URL}{what.lower()}/{file_name}", what)


_PARAMS = {"VGG16": ("13", "2, 2, 3, 3, 3", "138,357,544"),
           "VGG19": ("16", "2, 2, 4, 4, 4", "143,667,240")}


def variant(what: str):
    """``VGG16`` or ``VGG19``, with Keras's arguments and a docstring of its own."""
    module = what.lower()
    count, blocks, params = _PARAMS[what]
    convs = tuple(int(c) for c in blocks.split(", "))

    def build(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name=module):
        return vgg(convs, include_top, weights, input_tensor, input_shape, pooling, classes,
                   classifier_activation, name, what)

    build.__name__ = build.__qualname__ = what
    build.__module__ = f"{__package__}.{module}"
    build.__doc__ = imagenet_utils.builder_doc(
        f"{what}: {count} convolutions in five blocks ({blocks}) and three dense\n    layers; "
        f"{params} parameters with the top. Same layers, names and weights as Keras's.\n\n"
        f"    Feed it images prepared by ``keras.applications.{module}.preprocess_input`` (RGB "
        "to BGR,\n    then ImageNet's mean pixel subtracted).",
        top='"flatten", the two 4096-unit layers "fc1" and "fc2" and the 1000-class layer '
            '"predictions"',
        weights_file=f"``{module}_weights_tf_dim_ordering_tf_kernels.h5`` (``..._notop.h5`` "
                     "without the top)",
        min_size=32, size=224, name=module, shape="; with the top it must be 224x224",
        pooling=" (global pooling to ``(batch, 512)``)", example=f"""\
        >>> base = keras.applications.{what}(include_top=False, weights=None,
        ...                                 input_shape=(32, 32, 3))
        >>> base.output_shape
        (None, 1, 1, 512)
""")
    return build
