"""``numnet.layers.serialize`` / ``deserialize``: a layer as Keras's dict and back.

They are ``numnet.saving``'s ``serialize_keras_object`` / ``deserialize_keras_object`` for
layers; the saving package sits above the layers and registers them (layers/base.py).
"""

from __future__ import annotations


def serialize(layer) -> dict:
    """``layer`` as ``{"module", "class_name", "config", "registered_name"}`` (and
    ``"build_config"`` once built), as Keras's ``keras.layers.serialize``.

    Args:
        layer: a Layer.

    Example::

        >>> spec = numnet.layers.serialize(numnet.layers.Dense(3, activation="relu"))
        >>> spec["class_name"], spec["config"]["units"]
        ('Dense', 3)
    """
    from .base import Layer, serialization

    serialize_keras_object = serialization().serialize_keras_object

    if not isinstance(layer, Layer):
        raise TypeError(f"layers.serialize(layer): expected a layer, given "
                        f"{type(layer).__name__} {layer!r}; for other objects use "
                        "numnet.saving.serialize_keras_object.")
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """The layer (or model) that ``serialize`` (numnet's or Keras's) described; custom classes
    are found in ``custom_objects`` or the registry, never imported.

    Args:
        config: a dict as ``serialize`` gives.
        custom_objects: ``{name: class}`` for custom layers, or None. Defaults to ``None``.

    Example::

        >>> numnet.layers.deserialize({"class_name": "Dense", "config": {"units": 3}}).units
        3
    """
    from .base import Layer, serialization

    deserialize_keras_object = serialization().deserialize_keras_object

    if not isinstance(config, dict) or "class_name" not in config:
        raise TypeError(f"layers.deserialize(config): expected a dict with 'class_name' and "
                        f"'config', as layers.serialize gives, given {config!r}.")
    layer = deserialize_keras_object(config, custom_objects=custom_objects)
    if not isinstance(layer, Layer):
        raise ValueError(f"layers.deserialize(config): {config['class_name']!r} is not a layer; "
                         "use numnet.saving.deserialize_keras_object for other objects.")
    return layer


__all__ = ["deserialize", "serialize"]
