"""Layer: weights, build-on-first-call, config; InputLayer and Input."""

from __future__ import annotations

import collections
import difflib
import inspect
import re
import warnings

import numpy as np

from .. import backend, constraints, initializers, mixed_precision, regularizers
from ..autodiff import ops
from ..autodiff.tensor import Tensor, Variable

_name_counts: collections.Counter = collections.Counter()


def unique_name(prefix: str) -> str:
    """'dense', then 'dense_1', 'dense_2', ... as Keras names layers and models."""
    count = _name_counts[prefix]
    _name_counts[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def snake_case(name: str) -> str:
    """A class name as Keras names its instances: "MaxPooling2D" -> "max_pooling2d"."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def reject_unknown_kwargs(where: str, kwargs: dict, known) -> None:
    """A TypeError naming each unexpected argument and the closest valid one."""
    for key in kwargs:
        close = difflib.get_close_matches(key, list(known), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise TypeError(f"{where} got an unexpected keyword argument {key!r}.{hint}")


def normalize_shape(shape, where: str) -> tuple:
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(
            f"{where}: expected a tuple of positive integers (or None), given {shape!r}."
        ) from None
    if any(d is not None and d <= 0 for d in shape):
        raise ValueError(f"{where}: expected a tuple of positive integers, given {shape!r}.")
    return shape


_LAYER_KWARGS = ("trainable", "name", "dtype", "input_shape", "input_dim", "batch_input_shape",
                 "batch_size", "autocast", "activity_regularizer")


def _marks_built(build):
    """Wrap a subclass's build so that calling it directly also records the shapes (as Keras)."""
    import functools

    @functools.wraps(build)
    def wrapper(self, input_shape=None, *args, **kwargs):
        if getattr(self, "_building", False):
            return build(self, input_shape, *args, **kwargs)
        self._building = True
        try:
            result = build(self, input_shape, *args, **kwargs)
        finally:
            self._building = False
        if input_shape is not None and not self._is_model:
            shape = tuple(input_shape)
            self.input_shape = shape
            self.output_shape = self.compute_output_shape(shape)
        self.built = True
        return result

    return wrapper


class Layer:
    """Base of all layers: owns weights, builds itself on first call, and reports its config.

    A subclass defines ``build(input_shape)`` (create weights with ``add_weight``),
    ``call(inputs, training=False)`` on Tensors, and ``compute_output_shape(input_shape)``.
    """

    def __init__(self, trainable: bool = True, name: str | None = None, dtype=None,
                 activity_regularizer=None, **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        kwargs.pop("batch_size", None)
        kwargs.pop("autocast", None)
        if kwargs:
            own = [p.name for p in inspect.signature(type(self).__init__).parameters.values()
                   if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"]
            reject_unknown_kwargs(f"{type(self).__name__}()", kwargs, [*own, *_LAYER_KWARGS])
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}(name): expected a string, given {name!r}.")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.trainable = bool(trainable)
        # dtype: a name or a DTypePolicy ("mixed_float16": compute in float16, float32 weights)
        self.dtype_policy = (mixed_precision.global_policy() if dtype is None
                             else mixed_precision.DTypePolicy(dtype))
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self._weights: list[Variable] = []
        self._activity_losses: list[Tensor] = []
        self.input_shape = None
        self.output_shape = None
        if batch_input_shape is not None:
            self._declared_input_shape = normalize_shape(batch_input_shape, "batch_input_shape")
        elif input_shape is not None:
            self._declared_input_shape = (None,) + normalize_shape(input_shape, "input_shape")
        elif input_dim is not None:
            self._declared_input_shape = (None, int(input_dim))
        else:
            self._declared_input_shape = None

    # ----- dtypes -----
    @property
    def dtype_policy(self) -> mixed_precision.DTypePolicy:
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, policy) -> None:
        self._dtype_policy = mixed_precision.DTypePolicy(policy)
        # the dtype weights are cast to, only where the policy computes in 16 bits
        self._autocast = self._dtype_policy.compute_dtype if self._dtype_policy.is_16_bit else None
        self._compute = np.dtype(self._dtype_policy.compute_dtype)

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights (its policy's variable dtype), as Keras 3."""
        return self._dtype_policy.variable_dtype

    @dtype.setter
    def dtype(self, value) -> None:
        self.dtype_policy = value

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    def _weight(self, variable: Variable) -> Tensor:
        """``variable`` as the computation uses it: cast to the 16-bit compute dtype under a
        mixed policy (its gradient is cast back), else itself."""
        if self._autocast is None or variable is None or variable.value.dtype == self._autocast:
            return variable
        return ops.cast(variable, self._autocast)

    # ----- weights -----
    def add_weight(self, shape, initializer="glorot_uniform", name: str = "weight",
                   trainable: bool = True, regularizer=None, dtype=None,
                   constraint=None) -> Variable:
        init = initializers.get(initializer)
        value = init(tuple(shape), dtype=dtype or self.dtype)
        var = Variable(value, name=name, trainable=trainable and self.trainable)
        var.path = f"{self.name}/{name}"
        var.constraint = constraints.get(constraint)  # applied after each optimizer step
        self._weights.append(var)
        if regularizer is not None:
            self._regularized = getattr(self, "_regularized", [])
            self._regularized.append((var, regularizers.get(regularizer)))
        return var

    @property
    def weights(self) -> list[Variable]:
        return list(self._weights)

    @property
    def trainable_weights(self) -> list[Variable]:
        return [w for w in self._weights if w.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return list(self._weights)
        return [w for w in self._weights if not w.trainable]

    trainable_variables = trainable_weights
    variables = weights

    def get_weights(self) -> list:
        return [w.numpy().copy() for w in self._weights]

    def set_weights(self, weights) -> None:
        weights = list(weights)
        if len(weights) != len(self._weights):
            raise ValueError(
                f"{self.name}.set_weights(weights): expected a list of {len(self._weights)} "
                f"arrays (shapes {[w.shape for w in self._weights]}), given {len(weights)}."
            )
        for var, value in zip(self._weights, weights, strict=True):
            shape = tuple(np.shape(value))
            if shape != var.shape:
                raise ValueError(
                    f"{self.name}.set_weights(weights): {var.path} expects shape {var.shape}, "
                    f"given {shape}."
                )
        for var, value in zip(self._weights, weights, strict=True):
            var.assign(value)

    def count_params(self) -> int:
        return int(sum(w.size for w in self._weights))

    @property
    def losses(self) -> list[Tensor]:
        """Regularization penalties of the weights, and activity penalties of the last call."""
        regularized = getattr(self, "_regularized", None)
        if not regularized:
            return list(self._activity_losses)
        return [reg(var) for var, reg in regularized] + list(self._activity_losses)

    def _weight_options(self, name: str, initializer, regularizer=None, constraint=None) -> None:
        """``<name>_initializer``, ``<name>_regularizer`` and ``<name>_constraint`` of a weight,
        each from a name, an object or a config, as Keras keeps them."""
        setattr(self, f"{name}_initializer", initializers.get(initializer))
        setattr(self, f"{name}_regularizer", regularizers.get(regularizer))
        setattr(self, f"{name}_constraint", constraints.get(constraint))

    # ----- symbolic input and output -----
    _io: tuple | None = None  # (input, output) symbolic tensors of the layer's place in a model

    @property
    def input(self) -> SymbolicTensor:
        """The symbolic tensor this layer is called on in its model (Keras's ``layer.input``)."""
        return self._symbolic_io("input", 0)

    @property
    def output(self) -> SymbolicTensor:
        """The symbolic tensor this layer gives in its model: ``Model(model.inputs,
        model.layers[i].output)`` makes a model of the first layers, sharing their weights."""
        return self._symbolic_io("output", 1)

    def _symbolic_io(self, what: str, index: int) -> SymbolicTensor:
        if self._io is None:
            raise ValueError(
                f"{self.name}.{what}: the layer has never been called in a model with a known "
                f"input, so it has no symbolic {what}; give the model's first layer "
                "input_shape=... (or start it with Input(shape=...)), or build the model first.")
        return self._io[index]

    # ----- build and call -----
    def build(self, input_shape) -> None:
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    _is_model = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in vars(cls):
            cls.build = _marks_built(vars(cls)["build"])

    # ----- masks -----
    supports_masking = False  # passes a mask on (compute_mask), as Keras's attribute
    _makes_mask = False  # makes a mask from unmasked inputs (Embedding(mask_zero), Masking)

    def compute_mask(self, inputs, mask=None):
        """The mask of the output, a boolean (batch, time) array or None: the input's mask
        unchanged, as Keras's default."""
        return mask

    def _next_mask(self, inputs, mask):
        """The mask of the output of a call on ``inputs`` (whose mask is ``mask``), as Keras
        sets it: a layer that does not support masking warns and drops a mask it is given."""
        if mask is None and not self._makes_mask:
            return None
        if self.supports_masking:
            return self.compute_mask(inputs, mask)
        if not (isinstance(mask, list) and all(m is None for m in mask)):
            warnings.warn(
                f"Layer {self.name!r} (of type {type(self).__name__}) was passed an input with "
                "a mask attached to it. However, this layer does not support masking and will "
                "therefore destroy the mask information. Downstream layers will not see the "
                "mask (as in Keras): the steps the mask hides count from here on.",
                UserWarning, stacklevel=3)
        return None

    @classmethod
    def _call_takes_mask(cls) -> bool:
        takes = cls.__dict__.get("_takes_mask_argument")
        if takes is None:
            takes = "mask" in inspect.signature(cls.call).parameters
            cls._takes_mask_argument = takes
        return takes

    def _maybe_build(self, input_shape) -> None:
        if not self.built:
            self.build(tuple(input_shape))
            self.built = True
            self.input_shape = tuple(input_shape)
            self.output_shape = self.compute_output_shape(tuple(input_shape))

    def __call__(self, inputs, training: bool = False, **kwargs):
        if getattr(inputs, "_symbolic", False):
            return inputs.apply(self)
        if isinstance(inputs, Tensor):
            x = inputs
        elif is_symbolic_list(inputs):
            return apply_to_list(self, inputs)
        else:
            x = ops.as_tensor(inputs)
        if not self.built:
            self._maybe_build((None,) + tuple(x.shape[1:]))
        dtype = x.value.dtype
        if dtype is not self._compute and backend.is_float_dtype(dtype) and (
                self._autocast is not None or dtype.itemsize < 4):
            # As Keras: a 16-bit policy computes in its dtype, and a float32 layer (the output
            # layer under mixed_float16) casts 16-bit inputs up.
            x = ops.cast(x, self._compute)
        if "mask" in kwargs and (kwargs["mask"] is None or not self._call_takes_mask()):
            kwargs.pop("mask")
        out = self.call(x, training=training, **kwargs)
        if self.activity_regularizer is not None:
            # Keras 3 divides the activity penalty by the batch size.
            penalty = self.activity_regularizer(out)
            if out.ndim > 0 and out.shape[0]:
                penalty = ops.divide(penalty, float(out.shape[0]))
            self._activity_losses = [penalty]
        return out

    def call(self, inputs, training: bool = False):
        return inputs

    # ----- config -----
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": self.dtype_policy.name}
        if self._declared_input_shape is not None:
            config["batch_input_shape"] = self._declared_input_shape
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


class InputLayer(Layer):
    """Declares the shape of a model's input (without the batch axis)."""

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if shape is None and input_shape is not None:
            shape = input_shape
        if shape is None and batch_input_shape is not None:
            shape = tuple(batch_input_shape)[1:]
        if shape is None:
            raise ValueError(
                "InputLayer(shape): a shape is required, e.g. InputLayer(shape=(784,)).")
        super().__init__(name=name, **kwargs)
        self._input_dtype = str(np.dtype(dtype)) if dtype is not None else backend.floatx()
        self._autocast, self._compute = None, np.dtype(self._input_dtype)
        self.shape = normalize_shape(shape, "InputLayer(shape)")
        self.batch_size = batch_size
        self._declared_input_shape = (batch_size,) + self.shape
        self.built = True
        self.input_shape = self.output_shape = self._declared_input_shape

    @property
    def dtype(self) -> str:
        """The dtype of the model's input (any dtype; the default float type unless given)."""
        return self._input_dtype

    @dtype.setter
    def dtype(self, value) -> None:
        self._input_dtype = str(np.dtype(value))
        self._compute = np.dtype(value)

    def get_config(self):
        return {"name": self.name, "shape": self.shape, "batch_size": self.batch_size,
                "dtype": self.dtype}


class SymbolicTensor:
    """What ``Input(shape=...)`` returns: a placeholder that records the layers applied to it.

    Each symbolic tensor knows the layer that gave it and the tensors that layer was called on
    (``parents``; several for a merge layer called on a list), so the tensors of a model form a
    graph from its ``Input``s to its output. Along a chain from one Input, ``input_layer`` is
    that Input's layer and ``layers`` the layers applied in order; a tensor computed from a
    list of tensors has ``input_layer`` and ``layers`` None.
    """

    _symbolic = True

    def __init__(self, shape, input_layer: InputLayer | None, layers=(), *, parents=None,
                 merged: bool = False, dtype=None):
        self.shape = shape
        self.input_layer = input_layer
        self.layers = None if layers is None else tuple(layers)
        self.dtype = dtype if input_layer is None else input_layer.dtype
        self.merged = merged  # the layer was called on a list of tensors
        if parents is None and self.layers:  # a chain given by its layers: its tensors made
            parent = SymbolicTensor(input_layer._declared_input_shape, input_layer)
            for i, layer in enumerate(self.layers[:-1]):
                parent = SymbolicTensor(layer.output_shape, input_layer, self.layers[:i + 1],
                                        parents=(parent,))
            parents = (parent,)
        self.parents = tuple(parents or ())
        self._layer = self.layers[-1] if self.layers else None

    @property
    def layer(self) -> Layer:
        """The layer that gave this tensor (the InputLayer for a model input)."""
        return self._layer if self._layer is not None else self.input_layer

    def apply(self, layer: Layer) -> SymbolicTensor:
        layer._maybe_build(self.shape)
        chain = None if self.layers is None else self.layers + (layer,)
        out = SymbolicTensor(layer.output_shape, self.input_layer, chain, parents=(self,),
                             dtype=self.dtype)
        out._layer = layer
        layer._io = (self, out)
        return out

    def __repr__(self) -> str:
        if self.input_layer is None:
            return f"<SymbolicTensor shape={self.shape}, from={self._layer.name}>"
        return f"<SymbolicTensor shape={self.shape}, name={self.input_layer.name}>"


def is_symbolic_list(inputs) -> bool:
    """Whether ``inputs`` is a non-empty list or tuple of symbolic tensors only."""
    return (isinstance(inputs, (list, tuple)) and len(inputs) > 0
            and all(getattr(t, "_symbolic", False) for t in inputs))


def apply_to_list(layer: Layer, inputs) -> SymbolicTensor:
    """``layer`` called on a list of symbolic tensors (a merge layer): a node of the graph."""
    if not getattr(layer, "_takes_list", False):
        raise TypeError(
            f"{layer.name}: {type(layer).__name__} takes one tensor, given a list of "
            f"{len(inputs)}; combine them first with a merge layer (Concatenate()(tensors), "
            "Add()(tensors), ...), or call the layer on each.")
    inputs = list(inputs)
    layer._maybe_build([t.shape for t in inputs])
    out = SymbolicTensor(layer.output_shape, None, None, parents=inputs, merged=True,
                         dtype=inputs[0].dtype)
    out._layer = layer
    layer._io = (inputs, out)
    return out


def Input(shape=None, batch_size=None, dtype=None, name=None, **kwargs) -> SymbolicTensor:
    """A symbolic model input of the given shape (without the batch axis)."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name, **kwargs)
    return SymbolicTensor(layer._declared_input_shape, layer)
