"""Bidirectional and TimeDistributed: layers that run another layer, as Keras's wrappers."""

from __future__ import annotations

from ..autodiff import ops
from . import base as base_module
from .base import Layer

_MERGE_MODES = ("concat", "sum", "ave", "mul", None)


def serialize_inner(layer: Layer, where: str) -> dict:
    """{"class_name", "config"} of a layer held by another (as a model file writes layers)."""
    return base_module.serialization().serialize_layer(layer, where)


def deserialize_inner(spec, where: str, base: type = Layer) -> Layer:
    """A layer from ``serialize_inner``'s dict (numnet's own classes, registered ones and
    custom objects by name; nothing is imported), or the layer itself if given one."""
    if isinstance(spec, base):
        return spec
    from ..registry import get_registered_object

    builtin_layers = base_module.serialization().builtin_layers

    if not (isinstance(spec, dict) and isinstance(spec.get("class_name"), str)
            and isinstance(spec.get("config", {}), dict)):
        raise TypeError(f"{where}: expected a {base.__name__} or its config "
                        f"{{'class_name': ..., 'config': {{...}}}}, given {spec!r}.")
    name = spec["class_name"]
    cls = get_registered_object(name) or builtin_layers().get(name)
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise ValueError(f"{where}: {name!r} is not a known {base.__name__} class; register a "
                         "custom one with @numnet.saving.register_serializable().")
    return cls.from_config(dict(spec.get("config", {})))


def _check_layer(layer, where: str) -> None:
    if not isinstance(layer, Layer):
        raise TypeError(f"{where}: expected a layer instance, e.g. LSTM(32), given {layer!r}.")


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards over the sequence and merges
    the two: merge_mode "concat" (default: [y, y_rev] on the last axis), "sum", "ave", "mul",
    or None (the pair (y, y_rev)).

    ``layer`` is copied from its config (its weights are not reused) as ``forward_layer``; the
    backward copy has go_backwards=True unless ``backward_layer`` is given. With
    return_sequences, the backward outputs are put back in the input's time order. Weights:
    the forward layer's, then the backward layer's, as Keras. A mask goes to both layers (the
    backward one runs it backwards with the steps); it goes on with return_sequences.

    Args:
        layer: the layer to wrap (a recurrent layer for Bidirectional).
        merge_mode: how the two directions' outputs are combined: 'concat', 'sum', 'mul', 'ave', or
            None (a list of both). Defaults to ``'concat'``.
        weights: initial weights, as a list of arrays (Keras 2's form), or None. Defaults to
            ``None``.
        backward_layer: the layer that reads the sequence backwards, or None for a copy of ``layer``
            with go_backwards. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> x = np.ones((2, 5, 3), 'float32')
        >>> numnet.layers.Bidirectional(numnet.layers.LSTM(8))(x).shape
        (2, 16)
    """

    supports_masking = True

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        _check_layer(layer, "Bidirectional(layer)")
        if backward_layer is not None:
            _check_layer(backward_layer, "Bidirectional(backward_layer)")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional(merge_mode): expected one of {list(_MERGE_MODES)}, "
                             f"given {merge_mode!r}.")
        for attr in ("go_backwards", "return_sequences", "return_state"):
            if not hasattr(layer, attr):
                raise TypeError(f"Bidirectional(layer): expected a recurrent layer (SimpleRNN, "
                                f"LSTM, GRU, RNN), given {type(layer).__name__}.")
        super().__init__(**kwargs)
        self.forward_layer = self._copy(layer, "forward_", {})
        self.backward_layer = backward_layer or self._copy(layer, "backward_",
                                                           {"go_backwards": True})
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(
                "Bidirectional(backward_layer): the forward and backward layers have the same "
                f"go_backwards={fwd.go_backwards}; give the backward layer go_backwards=True "
                "(and the forward one False).")
        for attr in ("return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ValueError(
                    f"Bidirectional(backward_layer): expected the same {attr} as the forward "
                    f"layer ({getattr(fwd, attr)}), given {getattr(bwd, attr)}.")
        for inner in (fwd, bwd):  # as Keras (it changes nothing without masks)
            if hasattr(inner, "zero_output_for_mask"):
                inner.zero_output_for_mask = inner.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = fwd.return_sequences
        self.return_state = fwd.return_state
        self.stateful = False
        self._initial_weights = weights

    @staticmethod
    def _copy(layer, prefix: str, changes: dict) -> Layer:
        config = {**layer.get_config(), **changes}
        name = config.get("name") or layer.name
        for old in ("forward_", "backward_"):
            name = name[len(old):] if name.startswith(old) else name
        config["name"] = prefix + name
        return type(layer).from_config(config)

    def __call__(self, inputs, training=None, **kwargs):
        return super().__call__(inputs, training=training, **kwargs)

    def build(self, input_shape) -> None:
        for layer in (self.forward_layer, self.backward_layer):
            layer._maybe_build(tuple(input_shape))
        # built in this layer's name scope: their paths begin with this layer's (and with
        # the scopes of the layers around it)
        self._weights = [*self.forward_layer.weights, *self.backward_layer.weights]
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(tuple(input_shape))
        back = self.backward_layer.compute_output_shape(tuple(input_shape))
        states = ()
        if self.return_state:
            states = (*shape[1:], *back[1:])
            shape, back = shape[0], back[0]
        if self.merge_mode == "concat":
            width = None if None in (shape[-1], back[-1]) else shape[-1] + back[-1]
            shape = (*shape[:-1], width)
        outputs = (shape, back) if self.merge_mode is None else (shape,)
        if self.return_state:
            return (*outputs, *states)
        return outputs if self.merge_mode is None else shape

    def compute_mask(self, inputs, mask=None):
        return mask if self.return_sequences else None

    def call(self, inputs, training: bool = False, initial_state=None, mask=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(inputs, training=training, initial_state=forward_state,
                               mask=mask)
        y_rev = self.backward_layer(inputs, training=training, initial_state=backward_state,
                                    mask=mask)
        states = ()
        if self.return_state:
            states = (*y[1:], *y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.getitem(y_rev, (slice(None), slice(None, None, -1)))
        if self.merge_mode == "concat":
            outputs = (ops.concatenate([y, y_rev], axis=-1),)
        elif self.merge_mode == "sum":
            outputs = (ops.add(y, y_rev),)
        elif self.merge_mode == "ave":
            outputs = (ops.multiply(ops.add(y, y_rev), 0.5),)
        elif self.merge_mode == "mul":
            outputs = (ops.multiply(y, y_rev),)
        else:
            outputs = (y, y_rev)
        if self.return_state:
            return (*outputs, *states)
        return outputs if self.merge_mode is None else outputs[0]

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize_inner(self.forward_layer, f"{self.name}.layer"),
                "backward_layer": serialize_inner(self.backward_layer,
                                                  f"{self.name}.backward_layer")}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        config["layer"] = deserialize_inner(config.get("layer"), "Bidirectional(layer)")
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_inner(config["backward_layer"],
                                                         "Bidirectional(backward_layer)")
        return cls(**config)


class TimeDistributed(Layer):
    """Applies ``layer`` to every time step: (batch, time, ...) -> (batch, time, ...out).

    The steps are run as one batch of batch * time rows (inputs reshaped to (batch * time, ...)
    and the outputs back), so the layer must treat rows independently: Dense, Conv2D, Flatten,
    Dropout, ... The weights are the layer's own, shared by every step. A mask passes through
    unchanged.

    Args:
        layer: the layer to wrap (a recurrent layer for Bidirectional).
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> x = np.ones((2, 5, 3), 'float32')
        >>> numnet.layers.TimeDistributed(numnet.layers.Dense(4))(x).shape
        (2, 5, 4)
    """

    supports_masking = True

    def __init__(self, layer, **kwargs):
        _check_layer(layer, "TimeDistributed(layer)")
        super().__init__(**kwargs)
        self.layer = layer

    def _check_rank(self, shape) -> None:
        if len(shape) < 3:
            raise ValueError(
                f"Input of layer {self.name!r}: expected at least 3 axes (batch, time, ...), "
                f"given shape {tuple(shape)}. Add a time axis, e.g. x[:, None].")

    def build(self, input_shape) -> None:
        self._check_rank(input_shape)
        self.layer._maybe_build((input_shape[0], *input_shape[2:]))
        self._weights = self.layer._weights

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        step_shape = (input_shape[0], *input_shape[2:])
        layer = self.layer
        if layer._is_model:  # the output shape of its graph (or of its build on a sample)
            layer._maybe_build(step_shape)
            inner = layer._output_shape_on(step_shape)
        elif (type(layer).compute_output_shape is Layer.compute_output_shape
              and not base_module._call_spec(type(layer)).builtin):
            # a layer of one's own that does not say its output shape: called on samples,
            # as Keras traces the wrapped layer's call
            layer._maybe_build(step_shape)
            inner = base_module._probe_shape(layer, step_shape)
        else:
            inner = layer.compute_output_shape(step_shape)
        return (inner[0], input_shape[1], *inner[1:])

    def call(self, inputs, training: bool = False):
        self._check_rank(inputs.shape)
        batch, steps = inputs.shape[:2]
        rows = ops.reshape(inputs, (batch * steps, *inputs.shape[2:]))
        out = self.layer(rows, training=training)
        return ops.reshape(out, (batch, steps, *out.shape[1:]))

    def get_config(self):
        return {**super().get_config(), "layer": serialize_inner(self.layer, f"{self.name}.layer")}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        config["layer"] = deserialize_inner(config.get("layer"), "TimeDistributed(layer)")
        return cls(**config)


__all__ = ["Bidirectional", "TimeDistributed"]
