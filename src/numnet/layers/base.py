"""Layer: weights, build-on-first-call, config; InputLayer and Input.

Why one file of about 1000 lines: Layer is one class (call convention, build, weights, tracking,
masks, losses, config), as Keras's own base layer is.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

from .. import backend, constraints, initializers, regularizers
from .. import dtype_policies as mixed_precision
from .. import random as _random
from .. import scopes as _scopes
from ..autodiff import ops
from ..autodiff import symbolic as _symbolic
from ..autodiff import tensor as _tensor_module
from ..autodiff.tensor import Shape as _Shape
from ..autodiff.tensor import Tensor, Variable
from ..metrics.base import Metric as _Metric
from ..naming import close_matches as _close_matches
from ..naming import snake_case, unique_name  # noqa: F401  (re-exported)
from .input_spec import assert_input_compatibility


def reject_unknown_kwargs(where: str, kwargs: dict, known) -> None:
    """A TypeError naming each unexpected argument and the closest valid one."""
    for key in kwargs:
        close = _close_matches(key, list(known), n=1)
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


# Attributes that refer to layers or tensors a layer does not own (its place in a model, a
# model's bookkeeping): not searched for sublayers and variables.
_NOT_OWNED = frozenset({
    "_io", "_input_layer", "_input_layers", "_inputs", "_outputs", "_output", "_input_struct",
    "_graph", "_stack_step", "_train_iterator", "_step_params", "_weights", "_regularized",
    "_activity_losses", "_call_losses", "_children", "_attr_variables", "_attr_seeds",
    "_output_mask",
    "_heads", "_metrics", "_metric_specs", "optimizer", "history", "_loss_obj", "_tracked",
    "_symbolic_call", "_output_slots", "_slot_shapes", "_layers_cache", "_initial_weights",
    "_keras_order_cache",
})


def _trackable(value) -> bool:
    return isinstance(value, (Layer, Variable, _random.SeedGenerator, list, tuple, dict))


def _walk_attributes(layer) -> tuple[list, list, list]:
    """(layers, variables, SeedGenerator states) held in ``layer``'s attributes, at any depth
    of lists, tuples and dicts, each once, in the order the attributes were set."""
    layers, variables, seeds, seen = [], [], [], {id(layer)}
    stack = [(value, 0) for key, value in reversed(list(vars(layer).items()))
             if key not in _NOT_OWNED]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (Layer, Variable, _random.SeedGenerator)):
            if id(value) not in seen:
                seen.add(id(value))
                found = layers if isinstance(value, Layer) else variables \
                    if isinstance(value, Variable) else seeds
                found.append(value.state if found is seeds else value)
        elif depth < 8 and isinstance(value, (list, tuple, dict)):
            items = value.values() if isinstance(value, dict) else value
            stack += [(item, depth + 1) for item in reversed(list(items))
                      if _trackable(item)]
    return layers, variables, seeds


def _unique(variables) -> list:
    seen, out = set(), []
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _is_dtype_name(name: str) -> bool:
    try:
        np.dtype(name)
    except TypeError:
        return False
    return True


_LAYER_KWARGS = ("trainable", "name", "dtype", "input_shape", "input_dim", "batch_input_shape",
                 "batch_size", "autocast", "activity_regularizer")


class _CallContext:
    """What the layer calls in progress share: the ``training`` flag that inner calls inherit
    when not given one, and how deep the calls are nested (losses are cleared at the top)."""

    training = None
    depth = 0
    losses_added = False  # whether any layer has called add_loss


_context = _CallContext()

# set by numnet.saving when it is imported: how layers held by other layers (wrappers) and
# keras.layers.serialize / deserialize write and read a layer's config (a namespace with
# serialize_layer, builtin_layers, serialize_keras_object, deserialize_keras_object)
_serialization = None


def serialization():
    """The layer-config functions numnet.saving registered (see ``_serialization``)."""
    if _serialization is None:
        raise RuntimeError("Layer configs need numnet.saving (import numnet).")
    return _serialization


# set by layers/symbolic.py: fn(layer, args, kwargs) -> symbolic outputs of a general call
_generic_call = None
# set by layers/symbolic.py: fn(layer, input_shape) -> the output shape of a call on a sample
_probe_shape = None
# called with a layer (or model) just built, while a tf.train.Checkpoint restore has values
# waiting for variables not made yet (numnet.tf_api.checkpoint adds and removes itself)
_build_listeners: list = []


def _is_shape(shape) -> bool:
    return isinstance(shape, tuple) and all(d is None or isinstance(d, (int, np.integer))
                                            for d in shape)


class _CallSpec:
    __slots__ = ("takes_training", "takes_mask", "training_default", "builtin",
                 "own_compute_mask", "first_arg")


_call_specs: dict = {}


def _call_spec(cls) -> _CallSpec:
    """What ``cls.call`` declares (read once a class): whether it takes ``training`` and
    ``mask`` (by name or through ``**kwargs``), and the default of ``training``."""
    spec = _call_specs.get(cls)
    if spec is None:
        spec = _CallSpec()
        params = inspect.signature(cls.call).parameters
        var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
        spec.takes_training = "training" in params or var_kw
        spec.takes_mask = "mask" in params or var_kw
        default = params["training"].default if "training" in params else None
        spec.training_default = None if default is inspect.Parameter.empty else default
        spec.builtin = cls.__module__.startswith("numnet.")
        spec.own_compute_mask = (not spec.builtin
                                 and cls.compute_mask is not Layer.compute_mask)
        first = next(iter(list(params.values())[1:]), None)  # (after self: call's inputs,
        # which Keras also takes by name)
        spec.first_arg = first.name if first is not None and first.kind in (
            first.POSITIONAL_ONLY, first.POSITIONAL_OR_KEYWORD) else None
        _call_specs[cls] = spec
    return spec


def _fits(shape, built_on) -> bool:
    """Whether ``shape`` is one a layer built on ``built_on`` takes as it is: the same rank,
    each axis equal where both are known."""
    if isinstance(shape, dict) or isinstance(built_on, dict):
        return shape == built_on
    if len(shape) != len(built_on):
        return False
    return all(a is None or b is None or a == b or isinstance(a, (list, tuple))
               for a, b in zip(shape, built_on))


def _shape_tuple(input_shape):
    if isinstance(input_shape, dict):
        return dict(input_shape)
    return tuple(input_shape)


def _shapes_of(x):
    """The shapes (batch axis None) of a Tensor or of a list / tuple / dict of them."""
    if isinstance(x, Tensor):
        return (None,) + tuple(x.shape[1:])
    if isinstance(x, dict):
        return {k: _shapes_of(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_shapes_of(v) for v in x]
    shape = np.shape(x)
    return (None,) + tuple(shape[1:]) if shape else ()


def _as_tensors(value):
    """Arrays in a list / tuple / dict as Tensors (the structure kept); other values as they
    are. A list of numbers is one Tensor."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, dict):
        return {k: _as_tensors(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (int, float, np.number)) for v in value):
            return ops.as_tensor(np.asarray(value))
        return type(value)(_as_tensors(v) for v in value)
    if isinstance(value, np.ndarray) or hasattr(value, "__array__") or hasattr(
            value, "__cuda_array_interface__"):
        return ops.as_tensor(value)
    return value


def _marks_built(build):
    """Wrap a subclass's build so that calling it directly also records the shapes (as Keras)."""
    import functools

    params = list(inspect.signature(build).parameters.values())[1:]
    first = params[0].name if params and params[0].kind is params[0].POSITIONAL_OR_KEYWORD \
        else None  # build(query_shape=..., value_shape=...) names its first shape
    if not any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
               for p in params):
        # ``def build(self)``: Keras passes it no shape (it aligns build's arguments with
        # call's); the shape is still recorded below
        inner = build

        def build(self, input_shape=None, *args, **kwargs):
            return inner(self, *args, **kwargs)

    @functools.wraps(build)
    def wrapper(self, input_shape=None, *args, **kwargs):
        if input_shape is None and first is not None and first in kwargs:
            input_shape = kwargs.pop(first)
        if getattr(self, "_building", False):
            return build(self, input_shape, *args, **kwargs)
        self._building = True
        try:
            with _scopes.name_scope(self.name, caller=self):
                result = build(self, input_shape, *args, **kwargs)
        finally:
            self._building = False
        if input_shape is not None and not self._is_model:
            shape = tuple(input_shape)
            self.input_shape = shape
            self.output_shape = self.compute_output_shape(shape)
            # a layer of one's own without compute_output_shape: the shape above is only the
            # default's guess (its input's); its first call, or a graph's sample call, says
            self._shape_by_default = (
                not _call_spec(type(self)).builtin
                and type(self).compute_output_shape is Layer.compute_output_shape)
        self.built = True
        return result

    return wrapper


class Layer:
    """Base of all layers: owns weights, builds itself on first call, and reports its config.

    A subclass defines ``build(input_shape)`` (create weights with ``add_weight``),
    ``call(inputs, training=False)`` on Tensors, and ``compute_output_shape(input_shape)``.

    Args:
        trainable: whether its weights are trained. Defaults to ``True``.
        name: the layer's name; None gives the class name in snake case, made unique in the session
            ('dense', 'dense_1', ...). Defaults to ``None``.
        dtype: the dtype of its weights and computations (or a mixed-precision policy name such as
            'mixed_float16'); None for floatx. Defaults to ``None``.
        activity_regularizer: a penalty on the layer's output: a regularizer whose penalty is added
            to the loss (a name such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        **kwargs: ``input_shape`` (or ``input_dim``) and ``batch_size`` on a model's first layer,
            ``input_dtype``, and Keras's other Layer keywords.

    Example:
        >>> class Scale(numnet.layers.Layer):
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        ...     def call(self, inputs):
        ...         return inputs * self.w
        >>> Scale()(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        if not cls.__module__.startswith("numnet."):  # a layer of the user's: Keras's
            instance._auto_config = _auto_config(cls, args, kwargs)  # automatic get_config
        return instance

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
        self._trainable = bool(trainable)
        # dtype: a name or a DTypePolicy ("mixed_float16": compute in float16, float32 weights)
        self.dtype_policy = (mixed_precision.global_policy() if dtype is None
                             else mixed_precision.DTypePolicy(dtype))
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self._weights: list[Variable] = []
        self._activity_losses: list[Tensor] = []
        self._call_losses: list[Tensor] = []
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

    @property
    def input_dtype(self) -> str:
        """The dtype this layer takes its inputs in: its compute dtype, or ``"string"`` for a
        layer that takes text (TextVectorization, StringLookup). A Sequential model whose
        first layer takes strings is fed strings, as in Keras.

        Example:
            >>> numnet.layers.Dense(2).input_dtype
            'float32'
            >>> numnet.layers.StringLookup(vocabulary=["a"]).input_dtype
            'string'
        """
        return self.compute_dtype

    def _output_dtype(self, input_dtype):
        """The dtype of this layer's output on a symbolic input of ``input_dtype`` (what
        Keras's compute_output_spec gives): a float input is cast to the layer's compute
        dtype (float16 under mixed_float16), other inputs keep theirs; the lookup, hashing
        and encoding layers and Embedding say their own."""
        if input_dtype is None or (isinstance(input_dtype, str)
                                   and input_dtype.startswith(("float", "bfloat"))):
            return self.compute_dtype
        if input_dtype != "string" and any(
                backend.is_float_dtype(w.value.dtype) for w in self._own_variables()):
            return self.compute_dtype  # integers times float weights (Dense, Conv): floats
        return input_dtype

    def _weight(self, variable: Variable) -> Tensor:
        """``variable`` as the computation uses it: cast to the 16-bit compute dtype under a
        mixed policy (its gradient is cast back), else itself."""
        if self._autocast is None or variable is None or variable.value.dtype == self._autocast:
            return variable
        return ops.cast(variable, self._autocast)

    # ----- weights and tracking -----
    def add_weight(self, shape=None, /, initializer=None, dtype=None, trainable: bool = True,
                   autocast: bool = True, regularizer=None, constraint=None,
                   aggregation: str = "none", name: str | None = None,
                   **kwargs) -> Variable:
        """Create a weight of this layer (a ``Variable``), tracked in ``weights``.

        Args:
            shape: the weight's shape; ``None`` or ``()`` for a scalar.
            initializer: a name ("glorot_uniform", "zeros", ...), an Initializer or a
                callable ``(shape, dtype)``. Defaults to "glorot_uniform" for float weights and
                "zeros" otherwise, as Keras 3.
            dtype: defaults to the layer's variable dtype (float32 unless set).
            trainable: whether optimizers update it. Defaults to True.
            regularizer, constraint: as the layers' ``kernel_regularizer`` /
                ``kernel_constraint``.
            name: defaults to "variable". Keras 2's order, ``add_weight("w", shape=...)`` or
                ``add_weight("w", (2,))``, is accepted too.

        Example:
            >>> class Scale(numnet.layers.Layer):
            ...     def build(self, input_shape):
            ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
            ...     def call(self, x):
            ...         return x * self.w
        """
        if "shape" in kwargs:  # `shape` is positional-only so that Keras 2's ("w", shape=...) binds
            if shape is not None and not isinstance(shape, str):
                raise TypeError("add_weight(): `shape` was given twice, by position "
                                f"({shape!r}) and by keyword ({kwargs['shape']!r}); give it once.")
            if isinstance(shape, str):
                if name is not None:
                    raise TypeError(f"add_weight(): a name was given twice, {shape!r} by "
                                    f"position and {name!r} by keyword; give it once.")
                name = shape
            shape = kwargs.pop("shape")
        for key in kwargs:  # Keras 2 spellings
            if key not in ("use_resource", "synchronization", "partitioner", "caching_device",
                           "experimental_autocast", "overwrite_with_gradient"):
                reject_unknown_kwargs("add_weight()", {key: None},
                                      ["shape", "initializer", "dtype", "trainable", "autocast",
                                       "regularizer", "constraint", "aggregation", "name"])
        if isinstance(shape, str) and (name is None or not isinstance(name, str)):
            # Keras 2's positional order: add_weight(name, shape, ...)
            shape, name = (initializer if initializer is not None else kwargs.get("shape")), shape
            initializer = None
        if isinstance(dtype, str) and not _is_dtype_name(dtype) and name is None:
            name, dtype = dtype, None  # numnet's positional order: (shape, initializer, name)
        shape = () if shape is None else ((shape,) if isinstance(shape, int) else tuple(shape))
        dtype = str(np.dtype(dtype)) if dtype is not None else self.dtype
        if initializer is None:
            initializer = "glorot_uniform" if np.dtype(dtype).kind == "f" else "zeros"
        init = initializers.get(initializer)
        value = init(shape, dtype=dtype)
        name = name or "variable"
        var = Variable(value, name=name, trainable=bool(trainable))
        # under the open name scopes, as Keras: a layer builds inside its own scope, and
        # inside those of the layers whose call or build built it
        stack = _scopes._name_stack()
        own = bool(stack) and stack[-1].caller is self
        var.path = _scopes.scoped(name if own else f"{self.name}/{name}")
        var.constraint = constraints.get(constraint)  # applied after each optimizer step
        self._weights.append(var)
        if regularizer is not None:
            self._regularized = getattr(self, "_regularized", [])
            self._regularized.append((var, regularizers.get(regularizer)))
        return var

    add_variable = add_weight

    def __setattr__(self, name, value):
        if type(value) is not bool and _trackable(value):
            self.__dict__.pop("_children", None)  # the sublayers are found again when asked
        object.__setattr__(self, name, value)

    def _sublayers(self) -> list[Layer]:
        """The layers this layer holds in its attributes (directly, or in lists, tuples and
        dicts of them), in the order they were set: Keras's tracking of nested layers."""
        children = self.__dict__.get("_children")
        if children is None:
            children, variables, seeds = _walk_attributes(self)
            self.__dict__["_children"] = children
            self.__dict__["_attr_variables"] = variables
            self.__dict__["_attr_seeds"] = seeds
        return children

    def _own_variables(self) -> list[Variable]:
        """Weights made by add_weight, then Variables set as attributes."""
        self._sublayers()
        extra = self.__dict__.get("_attr_variables")
        if not extra:
            return self._weights
        known = {id(w) for w in self._weights}
        return [*self._weights, *(v for v in extra if id(v) not in known)]

    @property
    def trainable(self) -> bool:
        """Whether the optimizer updates the layer's weights. Setting it sets it on every layer
        inside this one too (as Keras): ``base_model.trainable = False`` freezes all of it.
        A frozen BatchNormalization also runs in inference mode."""
        return self._trainable

    @trainable.setter
    def trainable(self, value) -> None:
        self._trainable = bool(value)
        for layer in self._sublayers():
            layer.trainable = value

    @property
    def weights(self) -> list[Variable]:
        """All weights: this layer's, then those of the layers it holds (each once)."""
        children = self._sublayers()
        if not children:
            return list(self._own_variables())
        return _unique([*self._own_variables(),
                        *(w for layer in children for w in layer.weights)])

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return _unique([*(w for w in self._own_variables() if w.trainable),
                        *(w for layer in self._sublayers() for w in layer.trainable_weights)])

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return self.weights
        return _unique([*(w for w in self._own_variables() if not w.trainable),
                        *(w for layer in self._sublayers()
                          for w in layer.non_trainable_weights)])

    @property
    def trainable_variables(self) -> list[Variable]:
        """The trainable weights (Keras's name for them)."""
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list[Variable]:
        """The non-trainable weights, then the states of the SeedGenerators the layer (or a
        layer inside it) holds, as Keras lists them."""
        return _unique([*self.non_trainable_weights, *self._seed_states()])

    @property
    def variables(self) -> list[Variable]:
        """All the layer's state: its weights, then the states of the SeedGenerators it (or a
        layer inside it) holds in its attributes, which ``weights`` leaves out (Keras)."""
        return _unique([*self.weights, *self._seed_states()])

    def _seed_states(self) -> list[Variable]:
        """The ``state`` Variables of the SeedGenerators held in attributes (in lists, tuples
        and dicts too) of this layer and of the layers inside it (found with the sublayers:
        :func:`_walk_attributes`)."""
        children = self._sublayers()
        return _unique([*self.__dict__.get("_attr_seeds", ()),
                        *(v for layer in children for v in layer._seed_states())])

    def get_weights(self) -> list:
        return [w.numpy() for w in self.weights]  # (a Variable's numpy() is a copy)

    def set_weights(self, weights) -> None:
        weights = list(weights)
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(
                f"{self.name}.set_weights(weights): expected a list of {len(own)} "
                f"arrays (shapes {[w.shape for w in own]}), given {len(weights)}."
            )
        for var, value in zip(own, weights, strict=True):
            shape = tuple(np.shape(value))
            if shape != var.shape:
                raise ValueError(
                    f"{self.name}.set_weights(weights): {var.path} expects shape {var.shape}, "
                    f"given {shape}."
                )
        for var, value in zip(own, weights, strict=True):
            var.assign(value)

    def count_params(self) -> int:
        return int(sum(w.size for w in self.weights))

    def add_loss(self, loss) -> None:
        """Add a scalar (or a list of them) to the loss the model trains on, as Keras's
        ``add_loss``: called in ``call``, it counts for that call (``layer.losses``,
        ``model.losses``) until the next call of the outermost layer or model."""
        _context.losses_added = True
        for item in (loss if isinstance(loss, (list, tuple)) else [loss]):
            if _symbolic.is_symbolic(item):
                raise ValueError(
                    f"{self.name}.add_loss: given a symbolic tensor (one computed from "
                    "Input(...)), which holds no value to add, as in Keras 3. Call add_loss "
                    "inside a layer's call(), where the tensors hold the batch's values (an "
                    "endpoint layer that takes the targets and predictions and adds the loss).")
            self._call_losses.append(item if isinstance(item, Tensor)
                                     else ops.as_tensor(item))

    def add_metric(self, *args, **kwargs):
        """Removed in Keras 3, as here: raises NotImplementedError naming the replacement."""
        raise NotImplementedError(
            f"{self.name}.add_metric: Layer.add_metric was removed in Keras 3. Keep a metric "
            "as an attribute (self.tracker = keras.metrics.Mean(name='...')) and call its "
            "update_state(...) in call(); a model reports it among model.metrics. Or pass "
            "the metric to compile(metrics=[...]).")

    @property
    def metrics(self) -> list:
        """The Metric objects this layer holds in its attributes (directly or in lists and
        tuples), then those of the layers it holds, as Keras 3's ``Layer.metrics``.

        Example:
            >>> numnet.layers.Dense(2).metrics
            []
        """
        out = self._attribute_metrics()
        for layer in self._sublayers():
            out += [m for m in layer.metrics if all(m is not known for known in out)]
        return out

    def _attribute_metrics(self) -> list:
        """The Metric objects set as this object's attributes (directly, or in lists and
        tuples), each once, in the order the attributes were set."""
        out = []
        for value in vars(self).values():
            for item in (value if type(value) in (list, tuple) else (value,)):
                if isinstance(item, _Metric) and all(item is not m for m in out):
                    out.append(item)
        return out

    def _flatten_layers(self, include_self: bool = True, recursive: bool = True) -> list:
        """This layer (unless ``include_self=False``) and the layers it holds: at any depth,
        depth first, each once (``recursive``), else the ones it holds directly, as Keras's
        private ``_flatten_layers`` that recipes walk a model with."""
        held = self._flat_layers() if recursive else [self, *self._sublayers()]
        return held if include_self else held[1:]

    @property
    def losses(self) -> list[Tensor]:
        """The losses of the last call, then the weights' regularization penalties, of this
        layer and every layer it holds (each counted once, however often it is held), in
        Keras's order: each layer's ``add_loss`` losses and activity penalty, this layer's
        first, then each regularized trainable weight's penalty. A frozen layer's weights
        (``trainable = False``) add no penalty, as in Keras."""
        held = self._flat_layers()
        out = []
        for layer in held:
            out += layer._call_losses
            out += layer._activity_losses
        seen = set()
        for layer in held:
            regularized = layer.__dict__.get("_regularized")
            if not regularized or not layer._trainable:
                continue
            for var, reg in regularized:
                if id(var) not in seen and var.trainable:
                    seen.add(id(var))
                    out.append(reg(var))
        return out

    def _flat_layers(self) -> list[Layer]:
        """This layer and every layer it holds, at any depth, each once, depth first (the
        order of Keras's ``_flatten_layers``)."""
        out, seen, stack = [], set(), [self]
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack.extend(reversed(layer._sublayers()))
        return out

    def stateless_call(self, trainable_variables, non_trainable_variables, *args,
                       return_losses: bool = False, **kwargs):
        """Call the layer on given values of its variables, leaving its own variables as they
        were: values in, values out, as Keras 3's ``stateless_call``.

        Args:
            trainable_variables: one array per ``self.trainable_variables``, in that order.
            non_trainable_variables: one array per ``self.non_trainable_variables`` (moving
                statistics, SeedGenerator states), in that order.
            *args: the inputs, as for ``layer(...)``.
            return_losses: also return the losses the call added. Defaults to ``False``.
            **kwargs: the call's keyword arguments (``training=True``).

        Returns:
            ``(outputs, non_trainable_variables)``: the outputs and the non-trainable values
            after the call; with ``return_losses``, ``(outputs, non_trainable_variables,
            losses)``.

        Raises:
            ValueError: for a layer not built, or lists that do not match the layer's variables.

        Example:
            >>> dense = numnet.layers.Dense(1, kernel_initializer="ones")
            >>> dense.build((None, 2))
            >>> y, _ = dense.stateless_call([np.full((2, 1), 2.0, "float32"),
            ...                              np.zeros(1, "float32")], [], np.ones((1, 2)))
            >>> y.numpy(), float(dense.kernel.numpy()[0, 0])
            (array([[4.]], dtype=float32), 1.0)
        """
        from .stateless import stateless_call

        return stateless_call(self, trainable_variables, non_trainable_variables, *args,
                              return_losses=return_losses, **kwargs)

    def _clear_losses(self) -> None:
        """Forget the losses of the last call (add_loss), here and in the layers held."""
        if not _context.losses_added:  # no layer ever called add_loss: nothing to clear
            return
        if self._call_losses:
            self._call_losses = []
        for layer in self._sublayers():
            layer._clear_losses()

    def _weight_options(self, name: str, initializer, regularizer=None, constraint=None) -> None:
        """``<name>_initializer``, ``<name>_regularizer`` and ``<name>_constraint`` of a weight,
        each from a name, an object or a config, as Keras keeps them."""
        setattr(self, f"{name}_initializer", initializers.get(initializer))
        setattr(self, f"{name}_regularizer", regularizers.get(regularizer))
        setattr(self, f"{name}_constraint", constraints.get(constraint))

    # What call's first argument must be (an InputSpec, a list of them, or None); checked on
    # every call before build and after it, as Keras does.
    input_spec = None
    _shape_by_default = False  # built by a direct build() call: output_shape is only a guess

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

    # ----- Keras's saving hooks: model.save and load_model call them (numnet.saving) -----
    def save_own_variables(self, store) -> None:
        """Put this layer's own weights in ``store`` (a dict-like), under "0", "1", ... in
        the order of ``weights``; the layers it holds save theirs themselves. Override it (and
        ``load_own_variables``) to keep more, e.g. ``store["my_variable"] = v.numpy()``."""
        serialization().save_own_variables(self, store)

    def load_own_variables(self, store) -> None:
        """Set this layer's own weights from ``store`` (what ``save_own_variables`` put
        there), checking their number and shapes first. Raises ValueError on a mismatch."""
        serialization().load_own_variables(self, store)

    def quantize(self, mode=None, type_check: bool = True, config=None) -> None:
        """Quantize the layer's weights (Keras 3's post-training quantization). Dense,
        EinsumDense and Embedding implement it (``"int8"``, ``"int4"``); other layers have no
        quantized form.

        Raises:
            NotImplementedError: for a layer with no quantized form, as Keras.
        """
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `quantize` "
                                  "method implemented.")

    def get_build_config(self) -> dict | None:
        """``{"input_shape": [...]}`` of a built layer (None before it is built): what
        ``build_from_config`` needs to build it again when a model file is loaded."""
        shape = getattr(self, "input_shape", None) if self.built else None
        return None if shape is None else {"input_shape": serialization().shape_list(shape)}

    def build_from_config(self, config) -> None:
        """Build the layer from ``get_build_config()``'s dict (nothing for None)."""
        shape = (config or {}).get("input_shape")
        if shape is not None and not self.built:
            self.build(serialization().shape_tuple(shape))

    _is_model = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in vars(cls):
            cls.build = _marks_built(vars(cls)["build"])

    # ----- masks -----
    supports_masking = False  # passes a mask on (compute_mask), as Keras's attribute
    _makes_mask = False  # makes a mask from unmasked inputs (Embedding(mask_zero), Masking)
    _called_in_scope = False  # called once in its name scope (where the layers it builds are)

    def compute_mask(self, inputs, mask=None):
        """The mask of the output, a boolean (batch, time) array or None: the input's mask
        unchanged, as Keras's default."""
        return mask

    def _next_mask(self, inputs, mask):
        """The mask of the output of a call on ``inputs`` (whose mask is ``mask``), as Keras
        sets it: a layer that does not support masking warns and drops a mask it is given."""
        own = _call_spec(type(self)).own_compute_mask
        if mask is None and not (self._makes_mask or own):
            return None
        if self.supports_masking or own:
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
            shape = _shape_tuple(input_shape)
            with _scopes.name_scope(self.name, caller=self):
                self.build(shape)
            self.built = True
            self.input_shape = shape
            self.__dict__.pop("_children", None)  # build may have made sublayers
            self.output_shape = self.compute_output_shape(shape)
            if _build_listeners:
                for listener in tuple(_build_listeners):
                    listener(self)

    def _build_symbolic(self, input_shape) -> None:
        """Build for a graph, where the output shape must be known: a custom layer that does
        not say it (no compute_output_shape) is called once on a sample, its weights left as
        they were (as Keras traces call on a symbolic tensor)."""
        if self.built and not self._shape_by_default:
            return
        self._maybe_build(input_shape)
        spec = _call_spec(type(self))
        shape = self.input_shape if not self._shape_by_default else _shape_tuple(input_shape)
        self._shape_by_default = False
        if (not spec.builtin and type(self).compute_output_shape is Layer.compute_output_shape
                and _probe_shape is not None and _is_shape(shape)):
            self.output_shape = _probe_shape(self, shape)

    def _output_shape_on(self, input_shape):
        """The output shape on ``input_shape`` of a built layer: the one of its build, or,
        for one of numnet's layers built on another shape (by hand, by ``adapt``, in another
        model), ``compute_output_shape`` of this one, as Keras computes it."""
        built_on = self.input_shape
        if built_on is None or input_shape is None:
            return self.output_shape
        given = _shape_tuple(input_shape)
        if (self._is_model or not _call_spec(type(self)).builtin
                or type(self).compute_output_shape is Layer.compute_output_shape
                or _fits(given, _shape_tuple(built_on))):
            return self.output_shape
        return self.compute_output_shape(given)

    def __call__(self, *args, **kwargs):
        """Call the layer on a tensor (or on the structure ``call`` takes), as Keras does.

        ``training`` and ``mask`` reach ``call`` only where its signature names them;
        ``training`` not given is that of the layer or model calling this one (False at the
        top). A mask travels on tensors as ``_keras_mask``. Called on symbolic tensors (from
        ``Input``), the call is recorded as a node of a functional model instead.
        """
        if not args:
            first = _call_spec(type(self)).first_arg
            name = "inputs" if "inputs" in kwargs else first if first in kwargs else None
            if name is None:
                raise TypeError(f"{self.name}: a layer is called on its inputs, e.g. "
                                f"layer(x) or layer({first or 'inputs'}=x); given no "
                                "positional argument.")
            args = (kwargs.pop(name),)  # (as Keras: call's first argument, by its name)
        inputs = args[0]
        if isinstance(inputs, dict) and type(inputs) is not dict:  # an OrderedDict (tf.data's)
            inputs = dict(inputs)
            args = (inputs, *args[1:])
        if self.input_spec is not None:
            assert_input_compatibility(self.input_spec, inputs, self.name)
        if _symbolic.is_symbolic(inputs) or (
                (len(args) > 1 or kwargs or type(inputs) in (list, tuple, dict))
                and (_symbolic.any_symbolic(args) or _symbolic.any_symbolic(kwargs))):
            return self._call_symbolic(args, kwargs)
        spec = _call_spec(type(self))
        training = kwargs.pop("training", None)
        if training is None:
            training = _context.training
            if training is None:
                training = spec.training_default
        mask = given_mask = kwargs.pop("mask", None)
        if isinstance(inputs, Tensor):
            x = inputs
        elif type(inputs) in (list, tuple, dict) and (
                not spec.builtin or getattr(self, "_takes_structures", False)):
            x = _as_tensors(inputs)
        else:
            x = ops.as_tensor(inputs)
        first_call = not self.built
        if first_call:
            self._maybe_build(_shapes_of(x))
            if self.input_spec is not None:
                assert_input_compatibility(self.input_spec, inputs, self.name)
        if isinstance(x, Tensor):
            dtype = x.value.dtype
            if dtype is not self._compute and backend.is_float_dtype(dtype) and (
                    self._autocast is not None or dtype.itemsize < 4):
                # As Keras: a 16-bit policy computes in its dtype, and a float32 layer (the
                # output layer under mixed_float16) casts 16-bit inputs up.
                x = ops.cast(x, self._compute)
            if mask is None:
                mask = given_mask = getattr(inputs, "_keras_mask", None)
                if mask is not None and (any(isinstance(a, Tensor) for a in args[1:]) or any(
                        isinstance(v, Tensor) for v in kwargs.values())):
                    # as Keras 3: a call of one tensor argument gets its mask; a call of
                    # several (a decoder's (x, encoder_outputs)) gets none it was not given,
                    # and the first input's mask still makes the output's
                    given_mask = None
        if spec.takes_training:
            kwargs["training"] = training
        if given_mask is not None and spec.takes_mask:
            kwargs["mask"] = given_mask
        context = _context
        outer_training, context.training = context.training, training
        if context.depth == 0:
            self._clear_losses()
        context.depth += 1
        try:
            if self._called_in_scope:
                out = self.call(x, *args[1:], **kwargs)
            else:  # the first call, in the layer's name scope: the layers it builds are its
                with _scopes.name_scope(self.name, caller=self):
                    out = self.call(x, *args[1:], **kwargs)
                self.__dict__["_called_in_scope"] = True
        finally:
            context.depth -= 1
            context.training = outer_training
        if self.activity_regularizer is not None and isinstance(out, Tensor):
            # Keras 3 divides the activity penalty by the batch size.
            penalty = self.activity_regularizer(out)
            if out.ndim > 0 and out.shape[0]:
                penalty = ops.divide(penalty, float(out.shape[0]))
            self._activity_losses = [penalty]
        if (first_call or self._shape_by_default) and isinstance(out, Tensor) \
                and not spec.builtin:
            self.output_shape = (None,) + tuple(out.shape[1:])
            self._shape_by_default = False
        if isinstance(out, Tensor) and (mask is not None or self._makes_mask
                                        or spec.own_compute_mask):
            out_mask = self._next_mask(x, mask)
            if out_mask is not None:
                out._keras_mask = getattr(out_mask, "value", out_mask)
        elif type(out) in (list, tuple) and (mask is not None or spec.own_compute_mask):
            # several outputs: compute_mask gives one mask each (or one for all), as Keras
            out_masks = self._next_mask(x, mask)
            if type(out_masks) not in (list, tuple):
                out_masks = [out_masks] * len(out)
            for part, part_mask in zip(out, out_masks):
                if isinstance(part, Tensor) and part_mask is not None:
                    part._keras_mask = getattr(part_mask, "value", part_mask)
        return out

    def _call_symbolic(self, args, kwargs):
        """A call on symbolic tensors: a node of the graph of a functional model."""
        kwargs = dict(kwargs)
        if kwargs.get("training", 0) is None:  # (a training given here is kept, as Keras:
            kwargs.pop("training")              # base_model(x, training=False) stays so)
        if kwargs.get("mask", 0) is None:
            kwargs.pop("mask")
        inputs = args[0]
        if len(args) == 1 and not kwargs and _call_spec(type(self)).builtin:
            if _symbolic.is_symbolic(inputs):
                self._maybe_build(inputs.shape)
                if self.input_spec is not None:
                    assert_input_compatibility(self.input_spec, inputs, self.name)
                shape = self.output_shape
                if not (isinstance(shape, (list, tuple)) and shape
                        and isinstance(shape[0], (list, tuple))):  # one output
                    return inputs.apply(self, self._output_shape_on(inputs.shape))
            if is_symbolic_list(inputs) and not getattr(self, "_takes_structures", False):
                return apply_to_list(self, inputs)  # (a merge; else the error naming the fix)
        if _generic_call is None:
            raise TypeError(f"{self.name}: symbolic calls need numnet.layers imported.")
        return _generic_call(self, args, kwargs)

    def call(self, inputs, training: bool = False):
        return inputs

    # ----- config -----
    def get_config(self) -> dict:
        """The layer's constructor arguments, for ``from_config``: name, trainable, dtype;
        for a layer of one's own that does not define get_config, also the arguments its
        constructor was called with, when they are plain values (numbers, strings, None,
        lists and dicts of them), as Keras records them.

        Raises:
            NotImplementedError: a layer of one's own without get_config was constructed with
                arguments that are not plain values (define get_config to describe them).
        """
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": self.dtype_policy.name}
        if self._declared_input_shape is not None:
            config["batch_input_shape"] = self._declared_input_shape
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        auto = self.__dict__.get("_auto_config", False)
        if auto is not False and type(self).get_config is Layer.get_config:
            if auto is None:
                raise NotImplementedError(
                    f"{type(self).__name__}.get_config: the layer was constructed with "
                    "arguments that are not plain values (numbers, strings, lists, dicts), so "
                    "they cannot be recorded for you; define get_config() returning "
                    "{**super().get_config(), ...} with what __init__ needs.")
            config = {**config, **auto}
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


class InputLayer(Layer):
    """Declares the shape of a model's input (without the batch axis).

    Args:
        shape: the shape of one sample, without the batch axis (None entries for sizes that vary).
            Defaults to ``None``.
        batch_size: a fixed batch size, or None. Defaults to ``None``.
        dtype: the input's dtype; None for floatx. Defaults to ``None``.
        name: the layer's name, or None. Defaults to ``None``.
        **kwargs: Keras's other arguments (``batch_shape``, ``input_shape``; ``sparse=True``:
            the model takes a ``tf.SparseTensor`` (or arrays) and computes on its dense
            values, giving Keras's numbers).

    Example:
        >>> model = numnet.Sequential([numnet.layers.InputLayer(shape=(784,)),
        ...                            numnet.layers.Dense(2)])
        >>> model.output_shape
        (None, 2)
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_shape = kwargs.pop("batch_shape", None)  # Keras 3's name for the same
        if batch_input_shape is None:
            batch_input_shape = batch_shape
        if shape is None and input_shape is not None:
            shape = input_shape
        if shape is None and batch_input_shape is not None:
            shape = tuple(batch_input_shape)[1:]
            if batch_size is None:
                batch_size = tuple(batch_input_shape)[0]
        if shape is None:
            raise ValueError(
                "InputLayer(shape): a shape is required, e.g. InputLayer(shape=(784,)).")
        if kwargs.pop("ragged", False):
            raise ValueError("Input(ragged=True): numnet's models take dense tensors only "
                             "(Keras on JAX refuses ragged inputs too): pad the rows to one "
                             "length (rt.to_tensor(), or numnet.preprocessing.sequence."
                             "pad_sequences) and give a Masking or Embedding(mask_zero=True) "
                             "layer the padding.")
        # a sparse input (tf.SparseTensor, or arrays) is computed on as its dense array: the
        # same numbers as Keras's sparse kernels
        self.sparse = bool(kwargs.pop("sparse", False))
        super().__init__(name=name, **kwargs)
        self._input_dtype = _input_dtype(dtype)
        self._autocast, self._compute = None, _numpy_dtype(self._input_dtype)
        self.shape = normalize_shape(shape, "InputLayer(shape)")
        self.batch_size = batch_size
        self._declared_input_shape = (batch_size,) + self.shape
        self.built = True
        self.input_shape = self.output_shape = self._declared_input_shape

    @property
    def dtype(self) -> str:
        """The dtype of the model's input (any dtype; the default float type unless given)."""
        return self._input_dtype

    @property
    def batch_shape(self) -> tuple:
        """The input's shape with its batch axis first (None unless a batch size was given):
        ``InputLayer(shape=(3,)).batch_shape == (None, 3)``."""
        return self._declared_input_shape

    @property
    def input_dtype(self) -> str:
        """The Input's dtype: what a model converts the values given for it to."""
        return self._input_dtype

    @dtype.setter
    def dtype(self, value) -> None:
        self._input_dtype = _input_dtype(value)
        self._compute = _numpy_dtype(self._input_dtype)

    def get_config(self):
        config = {"name": self.name, "shape": self.shape, "batch_size": self.batch_size,
                  "dtype": self.dtype}
        if self.sparse:
            config["sparse"] = True
        return config


def _plain(value, depth: int = 0) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if depth > 16:
        return False
    if isinstance(value, (list, tuple)):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


def _auto_config(cls, args, kwargs):
    """The arguments ``cls(*args, **kwargs)`` was called with, by name (``**kwargs`` spread),
    when all are plain values; None when some are not; False when they cannot be bound."""
    if not args and not kwargs:
        return {}
    try:
        signature = inspect.signature(cls.__init__)
        bound = signature.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return False
    out = {}
    parameters = signature.parameters
    for name, value in list(bound.arguments.items())[1:]:
        kind = parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            out.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            if value:
                return None
        else:
            out[name] = value
    return out if _plain(out) else None


class _TextDType(str):
    """The name "string" of a text input's dtype, as Keras gives it, which also equals the
    NumPy dtype that stands for text (``object``, and so ``tf.string``): a program's
    ``inp.dtype == tf.string`` holds as it does under TensorFlow."""

    def __eq__(self, other):
        if isinstance(other, np.dtype):
            return other.kind in "OUS"
        return str.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = str.__hash__


_STRING = _TextDType("string")


def _input_dtype(dtype) -> str:
    """An Input's dtype by name: floatx when not given, "string" for text (as Keras)."""
    if dtype is None:
        return backend.floatx()
    if (isinstance(dtype, str) and dtype in ("string", "str")) or dtype in (str, object) or (
            isinstance(dtype, np.dtype) and dtype.kind in "OUS"):
        return _STRING
    return str(np.dtype(dtype))


def _numpy_dtype(name: str):
    return np.dtype(object) if name == "string" else np.dtype(name)


class SymbolicTensor:
    """What ``Input(shape=...)`` returns: a placeholder that records the layers applied to it.

    Each symbolic tensor knows the layer that gave it and the tensors that layer was called on
    (``parents``; several for a merge layer called on a list), so the tensors of a model form a
    graph from its ``Input``s to its output. Along a chain from one Input, ``input_layer`` is
    that Input's layer and ``layers`` the layers applied in order; a tensor computed from a
    list of tensors has ``input_layer`` and ``layers`` None.

    Args:
        shape: the tensor's shape, the batch axis None.
        input_layer: the InputLayer of the chain it comes from, or None.
        layers: the layers applied since that input, in order. Defaults to ``()``.
        parents: the tensors the producing layer was called on, or None. Defaults to ``None``.
        merged: whether it was computed from several tensors. Defaults to ``False``.
        dtype: its dtype; None for floatx. Defaults to ``None``.

    Example:
        >>> x = numnet.Input(shape=(3,))
        >>> y = numnet.layers.Dense(2)(x)
        >>> y.shape
        (None, 2)
    """

    _symbolic = True
    _name = None

    def __init__(self, shape, input_layer: InputLayer | None, layers=(), *, parents=None,
                 merged: bool = False, dtype=None):
        self.shape = _Shape(shape) if type(shape) is tuple else shape
        self.input_layer = input_layer
        self.layers = None if layers is None else tuple(layers)
        if dtype is None and input_layer is not None:  # the Input's, through the chain
            dtype = input_layer.dtype
            for layer in self.layers or ():
                dtype = layer._output_dtype(dtype)
        self.dtype = dtype
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
    def name(self) -> str:
        """The tensor's name, as Keras's KerasTensor: the ``name`` given to ``Input``, else
        "keras_tensor", "keras_tensor_1", ... (numbered when first read)."""
        if self._name is None:
            self._name = unique_name("keras_tensor")
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = str(value)

    @property
    def layer(self) -> Layer:
        """The layer that gave this tensor (the InputLayer for a model input)."""
        return self._layer if self._layer is not None else self.input_layer

    def apply(self, layer: Layer, shape=None) -> SymbolicTensor:
        """This tensor through ``layer``: a node whose shape is ``shape``, or the layer's
        output shape when None."""
        layer._build_symbolic(self.shape)
        chain = None if self.layers is None else self.layers + (layer,)
        if shape is None:
            shape = layer._output_shape_on(self.shape)
        out = SymbolicTensor(shape, self.input_layer,
                             chain, parents=(self,), dtype=layer._output_dtype(self.dtype))
        out._layer = layer
        layer._io = (self, out)
        return out

    # ----- operators: each a node of the graph (numnet.ops under Keras's names) -----
    def _op(self, name: str, *args, **kwargs):
        return _symbolic_op_call(name, args, kwargs)

    def __add__(self, other):
        return self._op("add", self, other)

    def __radd__(self, other):
        return self._op("add", other, self)

    def __sub__(self, other):
        return self._op("subtract", self, other)

    def __rsub__(self, other):
        return self._op("subtract", other, self)

    def __mul__(self, other):
        return self._op("multiply", self, other)

    def __rmul__(self, other):
        return self._op("multiply", other, self)

    def __truediv__(self, other):
        return self._op("divide", self, other)

    def __rtruediv__(self, other):
        return self._op("divide", other, self)

    def __matmul__(self, other):
        return self._op("matmul", self, other)

    def __rmatmul__(self, other):
        return self._op("matmul", other, self)

    def __pow__(self, other):
        return self._op("power", self, other)

    def __rpow__(self, other):
        return self._op("power", other, self)

    def __neg__(self):
        return self._op("negative", self)

    def __abs__(self):
        return self._op("absolute", self)

    def __floordiv__(self, other):
        return self._op("floor_divide", self, other)

    def __rfloordiv__(self, other):
        return self._op("floor_divide", other, self)

    def __mod__(self, other):
        return self._op("mod", self, other)

    def __rmod__(self, other):
        return self._op("mod", other, self)

    # a NumPy array first (``np_array * symbolic``) hands the operator to the methods above
    __array_ufunc__ = None

    def __eq__(self, other):
        return self._op("equal", self, other)

    def __ne__(self, other):
        return self._op("not_equal", self, other)

    def __lt__(self, other):
        return self._op("less", self, other)

    def __le__(self, other):
        return self._op("less_equal", self, other)

    def __gt__(self, other):
        return self._op("greater", self, other)

    def __ge__(self, other):
        return self._op("greater_equal", self, other)

    def __and__(self, other):
        return self._op("logical_and", self, other)

    def __or__(self, other):
        return self._op("logical_or", self, other)

    def __invert__(self):
        return self._op("logical_not", self)

    def __getitem__(self, index):
        return self._op("__getitem__", self, index)

    __hash__ = object.__hash__

    @property
    def ndim(self) -> int:
        return len(self.shape) if self.shape is not None else 0

    def __len__(self):
        raise TypeError("len() of a symbolic tensor: its batch size is not known until the "
                        "model runs; use its .shape, or keras.ops.shape(x) inside a layer.")

    def __iter__(self):
        raise TypeError("A symbolic tensor cannot be iterated; index it (x[:, 0]) or use "
                        "keras.ops.unstack(x, axis=...).")

    def __bool__(self):
        raise TypeError("A symbolic tensor has no truth value when the model is built; use "
                        "keras.ops.where / keras.ops.cond inside a layer's call instead.")

    def __repr__(self) -> str:
        if self.input_layer is None:
            return f"<SymbolicTensor shape={self.shape}, from={self._layer.name}>"
        return f"<SymbolicTensor shape={self.shape}, name={self.input_layer.name}>"


# ``tensor * symbolic`` (a concrete Tensor first) comes to SymbolicTensor.__rmul__: a node
_tensor_module._DEFERS.add(SymbolicTensor)


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


def _getitem(x, index):
    return x[index]


def _symbolic_op_call(name: str, args, kwargs):
    """The op ``name`` of numnet.ops (or indexing) called on symbolic tensors: a graph node."""
    op = _symbolic.lookup(name)
    if op is None:
        if name == "__getitem__":
            op = _symbolic.symbolic_op(_getitem, name="__getitem__")
        else:
            from .. import ops as keras_ops

            fn = getattr(keras_ops, name, None)
            if fn is None:
                raise TypeError(f"numnet.ops has no {name!r} for symbolic tensors yet.")
            op = _symbolic.symbolic_op(fn, name=name)
    return _symbolic._builder(op, args, kwargs)


def Input(shape=None, batch_size=None, dtype=None, name=None, **kwargs) -> SymbolicTensor:
    """A symbolic model input of the given shape (without the batch axis).

    Args:
        shape: the shape of one sample, e.g. ``(784,)``; ``None`` for an axis of any length.
        batch_size: a fixed batch size, or None (any). Defaults to None.
        dtype: the input's dtype (e.g. "int32" for token ids). Defaults to floatx.
        name: the input's name (keys of dict inputs). Defaults to "input_layer", ...

    Example:
        >>> inputs = numnet.Input(shape=(4,))
        >>> outputs = numnet.layers.Dense(1)(inputs) + inputs[:, :1]
        >>> model = numnet.Model(inputs, outputs)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name, **kwargs)
    tensor = SymbolicTensor(layer._declared_input_shape, layer)
    if name is not None:
        tensor.name = name
    layer._io = (tensor, tensor)
    return tensor
