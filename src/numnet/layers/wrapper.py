"""Wrapper: the base of layers that hold and run another layer (as keras.layers.Wrapper)."""

from __future__ import annotations

from .base import Layer
from .wrappers import _check_layer, deserialize_inner, serialize_inner


class Wrapper(Layer):
    """Base class of layers that wrap another layer, kept as ``self.layer``: building the
    wrapper builds the inner layer, the inner layer's weights are the wrapper's, and the config
    holds the inner layer's config under ``"layer"``. Subclass it and override ``call`` (and
    ``compute_output_shape`` where the wrapper changes the shape); by default the wrapper runs
    the inner layer as it is.

    Args:
        layer: the layer to wrap (a Layer instance).
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``.

    Raises:
        TypeError: when ``layer`` is not a layer instance.

    Example:
        >>> class Doubled(numnet.layers.Wrapper):
        ...     def call(self, x):
        ...         return self.layer(x) * 2.0
        >>> Doubled(numnet.layers.Dense(1, kernel_initializer='ones'))(np.ones((1, 2))).numpy()
        array([[4.]], dtype=float32)
    """

    def __init__(self, layer, **kwargs):
        _check_layer(layer, f"{type(self).__name__}(layer)")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None) -> None:
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def call(self, inputs, training: bool = False):
        return self.layer(inputs, training=training)

    def get_config(self):
        return {**super().get_config(),
                "layer": serialize_inner(self.layer, f"{self.name}.layer")}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        config = dict(config)
        layer = deserialize_inner(config.pop("layer", None), f"{cls.__name__}(layer)")
        return cls(layer, **config)


__all__ = ["Wrapper"]
