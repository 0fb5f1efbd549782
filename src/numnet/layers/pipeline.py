"""Pipeline: preprocessing layers applied one after another (Keras 3's keras.layers.Pipeline)."""

from __future__ import annotations

from .base import Layer, _call_spec
from .wrappers import deserialize_inner, serialize_inner


class Pipeline(Layer):
    """Applies ``layers`` in order, each to the previous one's output, as Keras's Pipeline:
    meant for preprocessing and augmentation chains (e.g. in a data pipeline), where a
    Sequential model would be too much. ``training`` (default True, as Keras's augmentation
    layers) and the mask are passed on to each layer that takes them; dicts such as
    ``{"images": ..., "labels": ...}`` pass through layers that take them (MixUp, CutMix).

    Args:
        layers: the list of layers.
        name: the pipeline's name. Defaults to ``None``.

    Raises:
        TypeError: when ``layers`` is not a list of layers.

    Example:
        >>> pipeline = numnet.layers.Pipeline([numnet.layers.AutoContrast(),
        ...                                    numnet.layers.RandomFlip(seed=0)])
        >>> pipeline(np.ones((2, 4, 4, 3)) * 100, training=False).shape
        (2, 4, 4, 3)
    """

    _takes_structures = True

    def __init__(self, layers, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if not isinstance(layers, (list, tuple)):
            raise TypeError(f"Pipeline(layers): expected a list of layers, given {layers!r}.")
        layers = [deserialize_inner(layer, "Pipeline(layers)") if isinstance(layer, dict)
                  else layer for layer in layers]
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"Pipeline(layers): item {i} is not a layer, given {layer!r}.")
        self._pipeline_layers = list(layers)

    @property
    def layers(self) -> list:
        return self._pipeline_layers

    def build(self, input_shape) -> None:
        return None

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self._pipeline_layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def call(self, inputs, training=True, mask=None):
        out = inputs
        for layer in self._pipeline_layers:
            spec = _call_spec(type(layer))
            kwargs = {}
            if spec.takes_training and training is not None:
                kwargs["training"] = training
            if spec.takes_mask and mask is not None:
                kwargs["mask"] = mask
            out = layer(out, **kwargs)
            mask = getattr(out, "_keras_mask", None)
        return out

    def get_config(self):
        return {"name": self.name,
                "layers": [serialize_inner(layer, f"{self.name}.layers[{i}]")
                           for i, layer in enumerate(self._pipeline_layers)]}


__all__ = ["Pipeline"]
