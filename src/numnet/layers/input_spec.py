"""InputSpec: what a layer expects of its input (rank, dtype, sizes of some axes)."""

from __future__ import annotations

import numpy as np


class InputSpec:
    """A record of what a layer accepts, which a custom layer may set as ``self.input_spec``
    (one spec, or a list of them for a layer with several inputs), as in Keras. Every call of
    the layer (on arrays, tensors or the symbolic tensors of a functional model) checks its
    first argument against it, before ``build`` and again after it (``build`` may set it), and
    raises a ValueError naming the layer, the input and the rule it breaks.

    Args:
        dtype: the expected dtype name, or None for any. Defaults to ``None``.
        shape: the expected shape (None for any size of an axis), or None. Sets ``ndim``.
            Defaults to ``None``.
        ndim: the expected number of axes, or None. Defaults to ``None``.
        max_ndim: the most axes allowed, or None. Defaults to ``None``.
        min_ndim: the fewest axes allowed, or None. Defaults to ``None``.
        axes: {axis: size} of axes whose size is fixed, e.g. ``{-1: 8}``. Defaults to ``None``.
        allow_last_axis_squeeze: accept an input whose last axis of size 1 is missing (or
            extra). Defaults to ``False``.
        name: the input's name (for a layer with several inputs). Defaults to ``None``.
        optional: whether the input may be None. Defaults to ``False``.

    Raises:
        TypeError: when ``axes`` has keys that are not integers.
        ValueError: when an axis of ``axes`` is beyond ``ndim`` / ``max_ndim``.

    Example:
        >>> spec = numnet.layers.InputSpec(ndim=2, axes={-1: 3})
        >>> spec
        InputSpec(ndim=2, axes={-1: 3})
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze: bool = False, name=None,
                 optional: bool = False):
        self.dtype = None if dtype is None else str(np.dtype(dtype))
        if shape is not None:
            self.shape = tuple(None if d is None else int(d) for d in shape)
            self.ndim = len(self.shape)
        else:
            self.shape = None
            self.ndim = ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.name, self.optional = name, bool(optional)
        self.allow_last_axis_squeeze = bool(allow_last_axis_squeeze)
        try:
            self.axes = {int(k): v for k, v in (axes or {}).items()}
        except (TypeError, ValueError, AttributeError):
            raise TypeError(f"InputSpec(axes): expected a dict with integer keys (axis: size), "
                            f"e.g. {{-1: 8}}; given {axes!r}.") from None
        top = self.ndim if self.ndim is not None else self.max_ndim
        if self.axes and top is not None and max(self.axes) > top - 1:
            raise ValueError(f"InputSpec(axes): axis {max(self.axes)} is beyond the last axis "
                             f"{top - 1} of a {top}-axis input; given axes={self.axes}.")

    def __repr__(self) -> str:
        parts = [f"{key}={value}" for key, value in (
            ("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
            ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim), ("axes", self.axes))
            if value]
        return f"InputSpec({', '.join(parts)})"

    def __eq__(self, other) -> bool:
        return isinstance(other, InputSpec) and self.get_config() == other.get_config()

    def get_config(self) -> dict:
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes,
                "optional": self.optional}

    @classmethod
    def from_config(cls, config: dict) -> InputSpec:
        return cls(**config)


def assert_input_compatibility(input_spec, inputs, layer_name: str) -> None:
    """Raise a ValueError naming the layer, the input and the rule unless each input fits its
    InputSpec.

    Args:
        input_spec: an InputSpec, a list of them (None entries accept anything), or None.
        inputs: one array or tensor, or a list / tuple of them; a dict is matched to the specs
            by their names when every spec has one.
        layer_name: the layer's name, for the message.

    Raises:
        ValueError: when the number of inputs differs from the number of specs, an input is not
            an array, or an input's rank, dtype or the size of an axis breaks its spec.
    """
    if not input_spec:
        return
    specs = list(input_spec) if isinstance(input_spec, (list, tuple)) else [input_spec]
    if isinstance(inputs, dict):
        names = [getattr(spec, "name", None) for spec in specs]
        if names and all(names):
            missing = [name for name in names if name not in inputs]
            if missing:
                raise ValueError(f"Layer {layer_name!r}: no input named {missing[0]!r}; given "
                                 f"the keys {sorted(inputs)}, expected {names}.")
            inputs = [inputs[name] for name in names]
        else:
            inputs = list(inputs.values())
    values = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if len(specs) != len(values):
        raise ValueError(f"Layer {layer_name!r} expects {len(specs)} input(s), given "
                         f"{len(values)}. Pass a list of {len(specs)} tensors.")
    for i, (spec, x) in enumerate(zip(specs, values, strict=True)):
        if spec is None or (x is None and spec.optional):
            continue
        where = f"Input {i} of layer {layer_name!r}"
        if not hasattr(x, "shape"):
            if isinstance(x, (int, float, list, tuple, np.generic)):
                x = np.asarray(x)
            else:
                raise ValueError(f"{where}: expected a tensor or an array, given "
                                 f"{type(x).__name__} {x!r}. Call the layer on a tensor.")
        shape = tuple(None if d is None else int(d) for d in x.shape)
        rank = len(shape)
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and rank != spec.ndim:
            raise ValueError(f"{where}: expected ndim={spec.ndim}, given {rank} axes (shape "
                             f"{shape}).")
        if spec.max_ndim is not None and rank > spec.max_ndim:
            raise ValueError(f"{where}: expected at most {spec.max_ndim} axes (max_ndim), given "
                             f"shape {shape}.")
        if spec.min_ndim is not None and rank < spec.min_ndim:
            raise ValueError(f"{where}: expected at least {spec.min_ndim} axes (min_ndim), given "
                             f"shape {shape}.")
        if spec.dtype is not None:
            dtype = getattr(x, "dtype", None)
            dtype = None if dtype is None else str(np.dtype(dtype))
            if dtype is not None and dtype != spec.dtype:
                raise ValueError(f"{where}: expected dtype={spec.dtype}, given {dtype}. Cast the "
                                 f"input, e.g. ops.cast(x, {spec.dtype!r}).")
        for axis, size in spec.axes.items():
            if size is not None and -rank <= axis < rank and shape[axis] not in (size, None):
                raise ValueError(f"{where}: expected axis {axis} of size {size}, given shape "
                                 f"{shape}.")
        if spec.shape is not None and len(spec.shape) == rank:
            for want, got in zip(spec.shape, shape, strict=True):
                if want is not None and got is not None and want != got:
                    raise ValueError(f"{where}: expected shape {spec.shape}, given {shape}.")


__all__ = ["InputSpec", "assert_input_compatibility"]
