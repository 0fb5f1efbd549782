"""Sequential: a plain stack of layers, each feeding the next."""

from __future__ import annotations

import itertools
import json
import operator

from .. import scopes as _scopes
from ..layers.base import InputLayer, Layer, SymbolicTensor
from .model import Model, _saving


class Sequential(Model):
    """A plain stack of layers, each taking the previous one's output.

    Built from a list, or empty and grown with ``add`` (``pop`` removes the last layer). The
    model is built when its input shape is known: from an ``Input`` first, an ``input_shape=``
    on the first layer, or the first call or ``fit``.

    Args:
        layers: the layers, in order, or None for an empty model.
        name: the model's name; None gives 'sequential' (made unique in the session).
        trainable: whether the weights are trained. Defaults to ``True``.

    Example:
        >>> model = numnet.Sequential([
        ...     numnet.layers.Dense(32, activation="relu", input_shape=(784,)),
        ...     numnet.layers.Dense(10, activation="softmax")])
        >>> model.output_shape
        (None, 10)
        >>> model.add(numnet.layers.Dense(2))
        >>> len(model.layers)
        3
    """

    _chain_end = None  # the symbolic output of the built model, which ``add`` extends

    def __init__(self, layers=None, name: str | None = None, trainable: bool = True):
        super().__init__(name=name, trainable=trainable)
        for layer in layers or []:
            self.add(layer)

    def add(self, layer) -> None:
        """Append a layer (or an ``Input(shape=...)``); builds once the input shape is known."""
        if getattr(layer, "_symbolic", False):
            layer = layer.input_layer
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add(layer): expected a Layer instance such as Dense(10), given "
                f"{type(layer).__name__} {layer!r}."
            )
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError("Sequential.add: an InputLayer may only come first.")
            self._input_layer = layer
            self.build(layer._declared_input_shape)
            return
        if (layer.built or not self.built) and any(  # (a built model's layers are built)
                map(operator.is_, self._layers, itertools.repeat(layer))):
            raise ValueError(f"Sequential.add: layer {layer.name!r} is already in the model.")
        declared = layer._declared_input_shape
        inner = layer.__dict__.get("_input_layer") if getattr(layer, "_is_model", False) else None
        if not declared and inner is not None and layer.__dict__.get("_graph") is None:
            declared = inner._declared_input_shape  # (a Sequential given an input shape)
        if not self._layers and self._input_layer is None and declared:
            self._input_layer = InputLayer(batch_input_shape=declared)
        end = self._chain_end if self.built else None
        self._layers.append(layer)
        self.built = False
        if end is not None:  # built up to the layer before: build only the new one
            with _scopes.name_scope(self.name, caller=self):  # (its weights' paths: Keras's)
                self._chain_end = end.apply(layer)
            shape = self._chain_end.shape
            self.output_shape = tuple(shape) if isinstance(shape, tuple) else shape
            self._masking, self._output_mask = None, None
            self.built = True
        elif self._input_layer is not None:
            self.build(self._input_layer._declared_input_shape)

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self._layers:
            raise IndexError("Sequential.pop(): the model has no layers to remove.")
        layer = self._layers.pop()
        self._chain_end = None
        if self._input_layer is not None and self._layers:
            self.build(self._input_layer._declared_input_shape)
        return layer

    def build(self, input_shape=None) -> None:
        if input_shape is None and self._input_layer is not None:
            input_shape = self._input_layer._declared_input_shape
        if input_shape is None:
            raise ValueError(
                f"{self.name}.build(): the input shape is unknown; pass build((None, features)) "
                "or give the first layer input_shape=(features,)."
            )
        if self._input_layer is None:
            self._input_layer = InputLayer(batch_input_shape=tuple(input_shape))
            self._input_inferred = True  # from build() or the first data: not declared
        self._chain_end = None
        if not self._layers:  # nothing to build: no probe batch (whose size a file could set)
            self.input_shape = self.output_shape = tuple(input_shape)
            self.built = True
            self._chain_end = SymbolicTensor(self.input_shape, self._input_layer)
            return
        super().build(input_shape)
        io = self._layers[-1]._io
        if io is not None and io[1].layer is self._layers[-1]:
            self._chain_end = io[1]  # the last layer's symbolic output, which add extends

    @property
    def input_shape_known(self) -> bool:
        return self._input_layer is not None

    def get_config(self) -> dict:
        """The model's name, trainable flag and layers as a JSON-ready dict, each layer as
        ``{"class_name", "config"}`` (a registered class by its "package>Name"), as
        ``to_json`` writes them, with the model's ``dtype`` and, once built,
        ``build_input_shape`` as in Keras; ``Sequential.from_config(config)`` builds the model
        anew."""
        if type(self) is not Sequential:
            return super().get_config()
        config = json.loads(_saving().model_to_json(self))["config"]
        config["dtype"] = self.dtype_policy.name
        if self.built and self._input_layer is not None:
            config["build_input_shape"] = tuple(self._input_layer.batch_shape)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        """A Sequential (weights freshly initialised) from ``get_config()``'s dict, Keras's
        or numnet's: layer classes by name among numnet's layers, ``custom_objects``, the
        ``custom_object_scope`` blocks and the registered classes, as a model file's are."""
        if cls is not Sequential:
            return super().from_config(config, custom_objects)
        if isinstance(config, dict) and not any(
                isinstance(part, dict) and "module" in part for part in config.get("layers", ())):
            # numnet's form: the layers carry their dtypes and the InputLayer its shape
            config = {k: v for k, v in config.items() if k not in ("dtype", "build_input_shape")}
        return _saving().model_file.model_from_config("Sequential", config, custom_objects)
