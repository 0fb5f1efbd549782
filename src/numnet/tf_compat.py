"""TensorFlow's names around a Keras model, for programs run with ``import numnet as tf``.

    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    tf.reduce_mean(tf.square(x), axis=1)          # Tensor([ 2.5, 12.5])
    tf.math.top_k(x, k=1).indices                 # Tensor([[1], [1]])
    tf.random.set_seed(0); tf.random.normal((2, 3))

Each function takes TensorFlow's argument names and defaults, accepts arrays, Python numbers
and Tensors, and returns a numnet Tensor (``.numpy()``, ``np.asarray``), recording its gradient
where TensorFlow defines one, so custom losses and training loops written with them train.
Conversions follow TensorFlow: Python floats become float32, Python ints int32, NumPy arrays
keep their dtype. ``tf.math``, ``tf.random`` and ``tf.dtypes`` are namespaces here;
``tf.nn`` is ``numnet.nn``, ``tf.keras`` numnet itself, ``tf.data`` ``numnet.data``, and
``tf.config`` Keras's config module with TensorFlow's device functions added.

TensorFlow's graph machinery has no counterpart: numnet runs eagerly, so a ``tf.function`` runs
its Python at every call (checking an ``input_signature`` and counting the traces TensorFlow
would make, but printing at every call where TensorFlow prints while it traces).

Why one file of about 1400 lines: TensorFlow's surface is wide and flat (tf.* names each a few
lines); splitting it by topic would scatter one lookup table.
"""

from __future__ import annotations

import builtins
import collections
import functools
import sys
import types

import numpy as np

from . import activations, backend, config, initializers, scopes
from .autodiff import Tensor
from .autodiff import ops as _ops
from .autodiff import tensor as _tensor_module
from .autodiff.ops import accumulate, node, unbroadcast
from .autodiff.symbolic import symbolic_members as _symbolic_members
from .autodiff.symbolic import symbolic_op as _symbolic_op
from .autodiff.tensor import is_text_array as _is_text_array
from .autodiff.tensor import string_tensor as _string_tensor
from .data.structure import TensorSpec, to_component

# ----------------------------------------------------------------------------- dtypes

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
half, double = float16, float64
int8, int16, int32, int64 = (np.dtype(t) for t in ("int8", "int16", "int32", "int64"))
uint8, uint16, uint32, uint64 = (np.dtype(t) for t in ("uint8", "uint16", "uint32", "uint64"))
complex64, complex128 = np.dtype("complex64"), np.dtype("complex128")
bool = np.dtype("bool")  # noqa: A001 - TensorFlow's name
string = np.dtype("object")
"""TensorFlow's string type: NumPy's object dtype (holding ``bytes`` or ``str``)."""
newaxis = None
"""``x[:, tf.newaxis]`` adds an axis, as NumPy's None."""

DType = np.dtype


# TensorFlow's DataType enum numbers (types.proto), as tf.as_dtype takes them
_ENUM_DTYPES = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8",
                8: "complex64", 9: "int64", 10: "bool", 17: "uint16", 18: "complex128",
                19: "float16", 22: "uint32", 23: "uint64"}
# TensorFlow's own names and Python's float: 'float' is float32 in TensorFlow (NumPy: float64)
_TF_NAMES = {"float": "float32", "double": "float64", "half": "float16"}


def as_dtype(type_value) -> np.dtype:
    """A dtype from a name ("float32"; TensorFlow's "float", "double", "half"), a NumPy
    type, a dtype, Python's ``float`` (float32, as TensorFlow's) or TensorFlow's DataType
    enum number (``tf.as_dtype(2)`` is float64).

    Args:
        type_value: the dtype's description.

    Returns:
        A NumPy dtype (strings: ``tf.string``, NumPy's object dtype).

    Raises:
        TypeError: not a dtype description.

    Example:
        >>> numnet.as_dtype("float"), numnet.as_dtype(float), numnet.as_dtype(3)
        (dtype('float32'), dtype('float32'), dtype('int32'))
    """
    if type_value is string or type_value in (str, bytes, "string"):
        return string
    if type_value is float:
        return np.dtype(np.float32)
    if isinstance(type_value, str) and type_value in _TF_NAMES:
        return np.dtype(_TF_NAMES[type_value])
    if isinstance(type_value, (int, np.integer)) and not isinstance(type_value, builtins.bool):
        code = int(type_value)
        if code == 7:
            return string
        if code == 14:
            return _bfloat16()
        if code in _ENUM_DTYPES:
            return np.dtype(_ENUM_DTYPES[code])
        raise TypeError(f"as_dtype(type_value): {code} is not one of TensorFlow's DataType "
                        f"numbers ({sorted([*_ENUM_DTYPES, 7, 14])}); give a dtype or its "
                        f"name, e.g. tf.float32 or 'float32'.")
    try:
        return np.dtype(type_value)
    except TypeError:
        raise TypeError(f"as_dtype(type_value): expected a dtype or its name (e.g. "
                        f"tf.float32 or 'float32'), given {type_value!r}.") from None


def _bfloat16() -> np.dtype:
    """bfloat16, from the ml_dtypes package (JAX brings it), imported when first asked for:
    importing it takes seconds."""
    try:
        import ml_dtypes
    except ImportError:
        raise AttributeError("bfloat16 needs the ml_dtypes package: pip install ml_dtypes") \
            from None
    return np.dtype(ml_dtypes.bfloat16)


def __getattr__(name):
    if name == "bfloat16":
        return _bfloat16()
    if name in _SHADOWING:
        return _SHADOWING[name]
    raise AttributeError(f"module 'numnet.tf_compat' has no attribute {name!r}")


def _dtype(value, where: str):
    return None if value is None else as_dtype(value)


# ----------------------------------------------------------------------------- conversion


def _to_tensor(value, dtype=None) -> Tensor:
    """``value`` as a Tensor, with TensorFlow's dtypes (NumPy's kept, Python float32 / int32)."""
    if isinstance(value, Tensor):
        return value if dtype is None else _ops.cast(value, dtype)
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return stack(value) if dtype is None else _ops.cast(stack(value), dtype)
    if dtype is not None and isinstance(value, (builtins.int, builtins.float, list, tuple)):
        exact = np.asarray(value)  # Python numbers at full width before the cast: 0.1 as
        if exact.dtype.kind in "iuf":  # float64, 2**40 as int64 stay what they are
            value = exact
    array = to_component(value)
    if _is_text_array(array):  # a tf.string tensor (bytes, as TensorFlow's)
        return _string_tensor(array)
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    return Tensor(backend.to_device(array))


def _values(*tensors):
    return [getattr(t, "value", t) for t in tensors]


def _plain(value):
    """A Python number, tuple or list from a number, array or Tensor (a shape, an axis)."""
    value = getattr(value, "value", value)
    if hasattr(value, "tolist"):
        value = backend.to_numpy(value).tolist()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _axis(axis):
    axis = _plain(axis)
    return tuple(axis) if isinstance(axis, list) else axis


def _shape_tuple(shape, where: str) -> tuple:
    shape = _plain(shape)
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    try:
        return tuple(int(d) for d in shape)
    except TypeError:
        raise TypeError(f"{where}(shape): expected a list of ints, given {shape!r}.") from None


def _pairwise(fn, x, y):
    """``fn(x, y)`` of the engine, converting with TensorFlow's dtypes when neither is a
    Tensor (a Tensor's partner takes its float type, as the engine's ops do)."""
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        x, y = _to_tensor(x), _to_tensor(y)
    return fn(x, y)


def _unary(x, out, slope=None) -> Tensor:
    """A node of value ``out`` whose gradient is ``slope(g)`` (none when slope is None)."""
    if slope is None:
        return Tensor(out)
    return node(out, (x,), lambda g: accumulate(x, slope(g)))


def _holds_text(x) -> builtins.bool:
    value = getattr(x, "value", None)  # a StringTensor, or strings that an op has moved
    return isinstance(x, Tensor) and value.dtype.kind == "O" and _is_text_array(value)


def _compare(fn, x, y) -> Tensor:
    if _holds_text(x) or _holds_text(y):
        # strings: both sides as bytes (a str is encoded), as TensorFlow's tf.string
        x, y = _string_tensor(x).value, _string_tensor(y).value
        return Tensor(np.asarray(fn(x, y), dtype=bool))
    x, y = _values(x, y)
    return Tensor(fn(backend.to_device(x), backend.to_device(y)))


# ----------------------------------------------------------------------------- tensors


def constant(value, dtype=None, shape=None, name: str | None = None) -> Tensor:
    """A constant Tensor: ``tf.constant([1.0, 2.0])`` is float32, ``tf.constant([1, 2])``
    int32, a NumPy array keeps its dtype. ``shape``: fill that shape with a scalar ``value``
    or reshape ``value`` to it. A Tensor of that dtype and shape is returned as it is (so a
    gradient flows through it, as TensorFlow's); a Variable gives its values, without
    gradient. Raises TypeError for values that are not numbers."""
    if isinstance(value, Tensor) and not isinstance(value, _tensor_module.Variable) and (
            dtype is None or as_dtype(dtype) == value.dtype) and (
            shape is None or _shape_tuple(shape, "constant") == tuple(value.shape)):
        return value  # TensorFlow's eager tf.constant(tensor) is the tensor: gradients flow
    if isinstance(value, Tensor):  # a Variable's values, a cast or reshape: no gradient
        value = value.value
    tensor = _to_tensor(value, _dtype(dtype, "constant"))
    if tensor.value is value or getattr(tensor.value, "base", None) is value:
        tensor = Tensor(tensor.value.copy())  # a constant: later changes to value do not reach it
    if shape is not None:
        shape = _shape_tuple(shape, "constant")
        value = tensor.value
        if value.size == 1:
            value = backend.xp.full(shape, value.reshape(()), dtype=value.dtype)
        else:
            value = value.reshape(shape)
        tensor = Tensor(value)
    return tensor


def convert_to_tensor(value, dtype=None, dtype_hint=None, name: str | None = None) -> Tensor:
    """``value`` as a Tensor (a Tensor itself when it is one and ``dtype`` is None or its own).
    ``dtype_hint`` (when ``dtype`` is not given), as TensorFlow's: a NumPy array or scalar is
    cast to it; Python numbers take it when they convert without loss (ints to any number
    type, floats to floats), else keep their own dtype ([1.5] with an int hint is float32)."""
    if dtype is None and dtype_hint is not None and not isinstance(value, Tensor):
        hint = as_dtype(dtype_hint)
        if isinstance(value, (np.ndarray, np.generic)):
            return _to_tensor(np.asarray(value).astype(hint))
        plain = _to_tensor(value)
        kind = plain.dtype.kind
        if (hint.kind in "fc" and kind in "iuf") or (hint.kind in "iu" and kind in "iu") or (
                hint.kind == "c" and kind == "c") or hint == plain.dtype:
            return _ops.cast(plain, hint) if plain.dtype != hint else plain
        return plain
    return _to_tensor(value, _dtype(dtype, "convert_to_tensor"))


def is_tensor(x) -> builtins.bool:
    """Whether ``x`` is a numnet Tensor (Variables included)."""
    return isinstance(x, Tensor)


class _VariableMeta(type):
    def __instancecheck__(cls, instance) -> builtins.bool:
        return isinstance(instance, _tensor_module.Variable)

    def __subclasscheck__(cls, subclass) -> builtins.bool:
        return issubclass(subclass, _tensor_module.Variable)


class Variable(metaclass=_VariableMeta):
    """A trainable array: ``tf.Variable(initial_value, trainable=True, name=None, dtype=None)``.

    Makes a numnet Variable (``isinstance(layer.kernel, tf.Variable)`` holds too): it has
    ``assign``, ``assign_add``, ``assign_sub``, ``numpy()`` and takes part in gradients.
    Keras 3's form works as well: ``keras.Variable(initializer, shape=None, dtype=None,
    trainable=True, name=None)``, the initializer a name ("zeros", "glorot_uniform"), an
    Initializer, a callable or a value; the second positional argument is read as ``shape``
    when it is a tuple or list, ``name`` when it is a string (numnet's former form).
    Integer and boolean variables take no gradient.

    Args:
        initial_value: the first value: an array or a number (TensorFlow's form), or in Keras 3's
            form an initializer (a name such as 'zeros', an Initializer or a callable) with
            ``shape``. Defaults to ``None``.
        trainable: whether the optimizer trains it and gradients reach it. Defaults to ``None``.
        validate_shape: accepted as TensorFlow's; the shape is always that of the value. Defaults to
            ``True``.
        caching_device: accepted as TensorFlow's; ignored. Defaults to ``None``.
        name: the variable's name, or None. Defaults to ``None``.
        variable_def: accepted as TensorFlow's; ignored. Defaults to ``None``.
        dtype: the dtype; None for floatx (or the value's integer / boolean dtype). Defaults to
            ``None``.
        import_scope: accepted as TensorFlow's; ignored. Defaults to ``None``.
        constraint: a function applied to the value after each optimizer step, or None. Defaults to
            ``None``.
        synchronization: accepted as TensorFlow's; ignored. Defaults to ``None``.
        aggregation: accepted as TensorFlow's; ignored. Defaults to ``None``.
        shape: the shape, with an initializer (Keras 3's form), or None. Defaults to ``None``.
        initializer: Keras 3's keyword for ``initial_value``. Defaults to ``None``.
        autocast: accepted as Keras 3's; ignored. Defaults to ``True``.
        **kwargs: other Keras 3 arguments, accepted and ignored.

        >>> v = numnet.Variable(1.0)
        >>> v.assign_add(2.0).numpy()
        array(3., dtype=float32)
    """

    def __new__(cls, initial_value=None, trainable=None, validate_shape=True,
                caching_device=None, name=None, variable_def=None, dtype=None,
                import_scope=None, constraint=None, synchronization=None, aggregation=None,
                shape=None, initializer=None, autocast=True, **kwargs):
        if isinstance(trainable, str):
            name, trainable = trainable, None
        elif isinstance(trainable, (tuple, list)):
            shape, trainable = trainable, None
        trainable = True if trainable is None else builtins.bool(trainable)
        value = initializer if initializer is not None else initial_value
        if value is None:
            raise ValueError("Variable(initial_value): expected a value or an initializer, given "
                             "None. E.g. tf.Variable(tf.zeros((3,))) or "
                             "keras.Variable('zeros', shape=(3,)).")
        dtype = _dtype(dtype, "Variable")
        if isinstance(value, str) or isinstance(value, initializers.Initializer) or (
                callable(value) and not isinstance(value, (Tensor, np.ndarray))):
            if isinstance(value, str) or isinstance(value, initializers.Initializer):
                value = initializers.get(value)
                if shape is None:
                    raise ValueError(f"Variable(initializer): an initializer needs shape=...; "
                                     f"given {value!r} without one.")
                value = value(_shape_tuple(shape, "Variable"),
                              dtype=(dtype or np.dtype(backend.floatx())).name)
            else:
                value = value() if shape is None else value(_shape_tuple(shape, "Variable"))
        array = np.array(backend.to_numpy(getattr(value, "value", value))
                         if isinstance(value, Tensor) else to_component(value), copy=True)
        if dtype is not None:
            array = array.astype(dtype)
        if shape is not None and array.ndim == 0 and _shape_tuple(shape, "Variable") != ():
            array = np.full(_shape_tuple(shape, "Variable"), array, dtype=array.dtype)
        variable = _tensor_module.Variable(backend.to_device(array),
                                           name=name or "Variable", trainable=trainable)
        if not backend.is_float_dtype(variable.dtype):
            variable.requires_grad = False
        if constraint is not None:
            variable.constraint = constraint
        variable.path = scopes.scoped(variable.name)  # under tf.name_scope / keras.name_scope
        _tf_variables.remember_initial_value(variable)
        return variable


def cast(x, dtype, name=None) -> Tensor:
    """``x`` as ``dtype`` (floats to ints truncate toward zero, as TensorFlow); the gradient
    passes between float types."""
    return _ops.cast(_to_tensor(x), as_dtype(dtype))


def identity(input, name=None) -> Tensor:  # noqa: A002 - TensorFlow's argument name
    """The same values as a new Tensor; the gradient passes through."""
    x = _to_tensor(input)
    return node(x.value.copy(), (x,), lambda g: accumulate(x, g))


def stop_gradient(input) -> Tensor:  # noqa: A002
    """The same values, with no gradient flowing back through them."""
    return Tensor(_to_tensor(input).value)


def shape(input, out_type=int32, name=None) -> Tensor:  # noqa: A002
    """The shape of ``input`` as a 1-D int32 Tensor: ``tf.shape(x)[0]`` is the batch size."""
    return Tensor(backend.xp.asarray(np.shape(getattr(input, "value", input)),
                                     dtype=as_dtype(out_type)))


def rank(input, name=None) -> Tensor:  # noqa: A002
    """The number of axes of ``input``, as an int32 scalar Tensor."""
    return Tensor(backend.xp.asarray(np.ndim(getattr(input, "value", input)), dtype=np.int32))


def size(input, out_type=int32, name=None) -> Tensor:  # noqa: A002
    """The number of elements of ``input``, as a scalar Tensor."""
    return Tensor(backend.xp.asarray(np.size(getattr(input, "value", input)),
                                     dtype=as_dtype(out_type)))


def reshape(tensor, shape, name=None) -> Tensor:
    """``tensor`` with the new ``shape`` (one entry may be -1: inferred). Raises
    tf.errors.InvalidArgumentError (a ValueError) when the sizes do not match, as
    TensorFlow's."""
    try:
        return _ops.reshape(_to_tensor(tensor), _shape_tuple(shape, "reshape"))
    except _ops.ReshapeError as exc:
        raise errors.InvalidArgumentError(None, None, str(exc)) from None


def concat(values, axis, name=None) -> Tensor:
    """``values`` (a list of Tensors) joined along the existing ``axis``."""
    return _ops.concatenate([_to_tensor(v) for v in values], axis=_axis(axis))


def stack(values, axis: int = 0, name=None) -> Tensor:
    """``values`` (Tensors of one shape) joined along a new ``axis``."""
    return _ops.stack([v if isinstance(v, Tensor) else _to_tensor(v) for v in values],
                      axis=_axis(axis))


def unstack(value, num=None, axis: int = 0, name=None) -> list:
    """The slices of ``value`` along ``axis``, as a list of Tensors."""
    return _ops.unstack(_to_tensor(value), axis=_axis(axis))


def split(value, num_or_size_splits, axis: int = 0, num=None, name=None) -> list:
    """``value`` cut along ``axis`` into ``num_or_size_splits`` equal parts (an int) or parts
    of the sizes listed (one of them may be -1: the rest). Raises ValueError when an int does
    not divide the axis."""
    x = _to_tensor(value)
    axis = _axis(axis) % x.ndim
    total = x.shape[axis]
    sizes = _plain(num_or_size_splits)
    if isinstance(sizes, (int, np.integer)):
        if sizes < 1 or total % sizes:
            raise ValueError(f"split(num_or_size_splits={sizes}): axis {axis} has {total} "
                             "entries, which that many equal parts cannot divide.")
        sizes = [total // sizes] * sizes
    sizes = [int(s) for s in sizes]
    if -1 in sizes:
        sizes[sizes.index(-1)] = total - (builtins.sum(sizes) + 1)
    if builtins.sum(sizes) != total or builtins.min(sizes) < 0:
        raise ValueError(f"split(num_or_size_splits={_plain(num_or_size_splits)}): the sizes "
                         f"must add up to the {total} entries of axis {axis}.")
    parts, start = [], 0
    for n in sizes:
        parts.append(_ops.getitem(x, (builtins.slice(None),) * axis +
                                  (builtins.slice(start, start + n),)))
        start += n
    return parts


def expand_dims(input, axis, name=None) -> Tensor:  # noqa: A002
    """``input`` with a new axis of size 1 at ``axis``."""
    x = _to_tensor(input)
    return _ops.reshape(x, np.expand_dims(np.empty(x.shape, dtype=np.int8), _axis(axis)).shape)


def squeeze(input, axis=None, name=None) -> Tensor:  # noqa: A002
    """``input`` without its axes of size 1 (only those in ``axis`` when given). Raises
    ValueError when an axis given is not of size 1."""
    x = _to_tensor(input)
    axis = _axis(axis)
    try:
        new_shape = np.squeeze(np.empty(x.shape, dtype=np.int8), axis).shape
    except ValueError:
        raise ValueError(f"squeeze(axis={axis}): that axis of the shape {x.shape} is not of "
                         "size 1.") from None
    return _ops.reshape(x, new_shape)


def transpose(a, perm=None, conjugate: builtins.bool = False, name=None) -> Tensor:
    """``a`` with its axes in the order ``perm`` (reversed when None); ``conjugate=True``
    also conjugates complex entries (the Hermitian transpose; real ones are unchanged)."""
    out = _ops.transpose(_to_tensor(a), None if perm is None else tuple(_plain(perm)))
    if conjugate and out.dtype.kind == "c":
        out = Tensor(backend.xp.conj(out.value))
    return out


def tile(input, multiples, name=None) -> Tensor:  # noqa: A002
    """``input`` repeated ``multiples[i]`` times along axis i; the gradient sums the copies."""
    x = _to_tensor(input)
    reps = _shape_tuple(multiples, "tile")
    if len(reps) != x.ndim:
        raise ValueError(f"tile(multiples): expected one multiple per axis of the input "
                         f"({x.ndim}), given {reps}.")
    out = backend.xp.tile(x.value, reps)

    def slope(g):
        split_shape = [n for pair in zip(reps, x.shape) for n in pair]
        return g.reshape(split_shape).sum(axis=tuple(builtins.range(0, 2 * x.ndim, 2)))

    return _unary(x, out, slope)


def broadcast_to(input, shape, name=None) -> Tensor:  # noqa: A002
    """``input`` broadcast to ``shape``; the gradient sums over the broadcast axes."""
    x = _to_tensor(input)
    shape = _shape_tuple(shape, "broadcast_to")
    return _unary(x, backend.xp.broadcast_to(x.value, shape).copy(),
                  lambda g: unbroadcast(g, x.shape))


def gather(params, indices, validate_indices=None, axis=None, batch_dims: int = 0,
           name: str | None = None) -> Tensor:
    """The slices ``params[..., indices, ...]`` along ``axis``; the gradient adds back into
    the rows gathered.

    With ``batch_dims`` = k, the first k axes of ``params`` and ``indices`` are batch axes
    (of equal sizes) and each batch element gathers with its own indices: the result's shape
    is ``params.shape[:axis] + indices.shape[k:] + params.shape[axis + 1:]``, ``axis``
    defaulting to k (0 without batch axes).

    Raises:
        InvalidArgumentError: indices out of range (also an IndexError).
        ValueError: batch axes of different sizes, or ``axis`` < ``batch_dims``.

    Example:
        >>> x = numnet.constant([[0, 5], [1, 6], [2, 7]])
        >>> numnet.gather(x, [[1], [0], [1]], batch_dims=1).numpy().tolist()
        [[5], [1], [7]]
    """
    x = _to_tensor(params)
    index = np.asarray(backend.to_numpy(getattr(indices, "value", indices))).astype(np.int64)
    k = batch_dims + index.ndim if batch_dims < 0 else int(batch_dims)
    axis = k if axis is None else _axis(axis) % x.ndim
    if index.size and (index.min() < -x.shape[axis] or index.max() >= x.shape[axis]):
        raise errors.IndexInvalidArgumentError(
            None, None, f"gather(indices): indices must lie in [0, {x.shape[axis]}) for axis "
                        f"{axis} of shape {x.shape}; given {index.min()} ... {index.max()}.")
    if not k:
        return _ops.getitem(x, (builtins.slice(None),) * axis + (index,))
    if axis < k or tuple(x.shape[:k]) != index.shape[:k]:
        raise ValueError(f"gather(batch_dims={batch_dims}): the first {k} axes of params "
                         f"{tuple(x.shape)} and indices {index.shape} must be the same batch "
                         f"axes, and axis ({axis}) at least batch_dims.")
    batch = [np.arange(n).reshape([n if d == i else 1 for d in builtins.range(index.ndim)])
             for i, n in enumerate(x.shape[:k])]
    out = _ops.getitem(x, (*batch, *(builtins.slice(None),) * (axis - k), index))
    if axis == k:
        return out
    # NumPy put the batch and index axes first (a slice stood between them): the axes between
    # the batch axes and ``axis`` go back before the gathered ones
    width, between = index.ndim - k, axis - k
    order = [*builtins.range(k), *builtins.range(k + width, k + width + between),
             *builtins.range(k, k + width), *builtins.range(k + width + between, out.ndim)]
    return _ops.transpose(out, order)


def boolean_mask(tensor, mask, axis=None, name=None) -> Tensor:
    """The entries of ``tensor`` where ``mask`` is true (mask's shape: the leading axes)."""
    x = _to_tensor(tensor)
    mask = np.asarray(backend.to_numpy(getattr(mask, "value", mask)), dtype=np.bool_)
    axis = 0 if axis is None else int(axis)
    return _ops.getitem(x, (builtins.slice(None),) * axis + (mask,))


def where(condition, x=None, y=None, name=None) -> Tensor:
    """``x`` where ``condition`` is true, else ``y`` (broadcast together; each gets the
    gradient where it was chosen). With only ``condition``: the int64 coordinates of its true
    entries, one row each, shape (count, rank). ``name`` is accepted and ignored, as
    TensorFlow's op names are."""
    cond = backend.to_device(getattr(condition, "value", condition)).astype(np.bool_)
    if x is None and y is None:
        return Tensor(backend.xp.argwhere(cond).astype(np.int64))
    if x is None or y is None:
        raise ValueError("where(condition, x, y): give both x and y, or neither.")
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        x, y = _to_tensor(x), _to_tensor(y)
    x, y = _ops._pair(x, y)
    out = backend.xp.where(cond, x.value, y.value)

    def backward(g):
        zero = backend.xp.zeros((), dtype=g.dtype)
        accumulate(x, unbroadcast(backend.xp.where(cond, g, zero), x.shape))
        accumulate(y, unbroadcast(backend.xp.where(cond, zero, g), y.shape))

    return node(out, (x, y), backward)


def pad(tensor, paddings, mode: str = "CONSTANT", constant_values=0,
        name: str | None = None) -> Tensor:
    """``tensor`` padded by ``paddings[i] = [before, after]`` entries on axis i; mode
    "CONSTANT" (``constant_values``), "REFLECT" or "SYMMETRIC"."""
    x = _to_tensor(tensor)
    widths = [tuple(int(n) for n in p) for p in _plain(paddings)]
    modes = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}
    if str(mode).upper() not in modes:
        raise ValueError(f"pad(mode): expected 'CONSTANT', 'REFLECT' or 'SYMMETRIC', given "
                         f"{mode!r}.")
    mode = modes[str(mode).upper()]
    kwargs = {"constant_values": _plain(constant_values)} if mode == "constant" else {}
    out = backend.xp.pad(x.value, widths, mode=mode, **kwargs)
    if mode != "constant":
        return Tensor(out)
    inner = tuple(builtins.slice(a, a + n) for (a, _), n in zip(widths, x.shape))
    return _unary(x, out, lambda g: g[inner])


def ones(shape, dtype=float32, name: str | None = None) -> Tensor:
    """A Tensor of ones (float32 unless ``dtype``)."""
    return Tensor(backend.xp.ones(_shape_tuple(shape, "ones"), dtype=as_dtype(dtype)))


def zeros(shape, dtype=float32, name: str | None = None) -> Tensor:
    """A Tensor of zeros (float32 unless ``dtype``)."""
    return Tensor(backend.xp.zeros(_shape_tuple(shape, "zeros"), dtype=as_dtype(dtype)))


def ones_like(input, dtype=None, name: str | None = None) -> Tensor:  # noqa: A002
    """Ones of ``input``'s shape and dtype (or ``dtype``)."""
    x = _to_tensor(input)
    return Tensor(backend.xp.ones(x.shape, dtype=as_dtype(dtype) if dtype else x.dtype))


def zeros_like(input, dtype=None, name: str | None = None) -> Tensor:  # noqa: A002
    """Zeros of ``input``'s shape and dtype (or ``dtype``)."""
    x = _to_tensor(input)
    return Tensor(backend.xp.zeros(x.shape, dtype=as_dtype(dtype) if dtype else x.dtype))


def fill(dims, value, name: str | None = None) -> Tensor:
    """A Tensor of shape ``dims`` filled with ``value`` (its dtype as tf.constant's)."""
    v = _to_tensor(value).value
    return Tensor(backend.xp.full(_shape_tuple(dims, "fill"), v.reshape(()), dtype=v.dtype))


def range(start, limit=None, delta=1, dtype=None, name: str | None = None) -> Tensor:  # noqa: A001
    """``[start, start + delta, ...)`` up to ``limit`` (``range(n)`` counts from 0); int32
    for integers, float32 when any argument is a float, unless ``dtype``."""
    if limit is None:
        start, limit = 0, start
    start, limit, delta = _plain(start), _plain(limit), _plain(delta)
    if dtype is None:
        floats = builtins.any(isinstance(v, float) for v in (start, limit, delta))
        dtype = float32 if floats else int32
    return Tensor(backend.xp.arange(start, limit, delta).astype(as_dtype(dtype)))


def linspace(start, stop, num, name: str | None = None, axis: int = 0) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive (float32)."""
    values = np.linspace(_plain(start), _plain(stop), int(_plain(num)), axis=axis)
    return Tensor(backend.to_device(values.astype(float32)))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=float32,
        name: str | None = None) -> Tensor:
    """The identity matrix (``num_rows`` x ``num_columns``), repeated over ``batch_shape``."""
    out = backend.xp.eye(int(num_rows), None if num_columns is None else int(num_columns),
                         dtype=as_dtype(dtype))
    if batch_shape is not None:
        batch = _shape_tuple(batch_shape, "eye")
        out = backend.xp.broadcast_to(out, batch + out.shape).copy()
    return Tensor(out)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None,
            name: str | None = None) -> Tensor:
    """One-hot vectors of length ``depth`` for integer ``indices`` (a new last axis, or at
    ``axis``); indices outside [0, depth) give all ``off_value``, as TensorFlow. float32 unless
    ``dtype`` (or the type of ``on_value``)."""
    index = np.asarray(backend.to_numpy(getattr(indices, "value", indices))).astype(np.int64)
    depth = int(_plain(depth))
    if dtype is None:
        dtype = _to_tensor(on_value).dtype if on_value is not None else float32
    dtype = as_dtype(dtype)
    on = 1 if on_value is None else _plain(on_value)
    off = 0 if off_value is None else _plain(off_value)
    hot = index[..., None] == np.arange(depth)
    out = np.where(hot, on, off).astype(dtype)
    if axis is not None and axis != -1:
        out = np.moveaxis(out, -1, axis)
    return Tensor(backend.to_device(out))


# ----------------------------------------------------------------------------- reductions


def _int_result(x: Tensor, out):
    return out.astype(x.dtype) if x.dtype.kind in "iub" else out


def _no_bool(x: Tensor, where: str) -> Tensor:
    """``x``, or TensorFlow's InvalidArgumentError when it holds booleans (NumPy would sum
    them into a boolean: tf.reduce_mean of [True, False] came out False)."""
    if x.dtype.kind == "b":
        raise errors.InvalidArgumentError(
            None, None, f"tf.{where}: the input is bool, which TensorFlow's {where} does not "
                        f"take; cast it first, e.g. tf.{where}(tf.cast(x, tf.float32)), or use "
                        "tf.reduce_any / tf.reduce_all.")
    return x


def reduce_sum(input_tensor, axis=None, keepdims: builtins.bool = False,
               name: str | None = None) -> Tensor:
    """The sum over ``axis`` (all axes when None). Booleans are refused, as TensorFlow's
    (InvalidArgumentError): cast them first."""
    x = _no_bool(_to_tensor(input_tensor), "reduce_sum")
    if x.dtype.kind in "iub":
        return Tensor(_int_result(x, x.value.sum(axis=_axis(axis), keepdims=keepdims)))
    return _ops.sum(x, axis=_axis(axis), keepdims=keepdims)


def reduce_mean(input_tensor, axis=None, keepdims: builtins.bool = False,
                name: str | None = None) -> Tensor:
    """The mean over ``axis`` (all axes when None). For integers the mean is an integer,
    truncated toward zero, as TensorFlow: ``tf.reduce_mean([1, 2])`` is 1. Booleans are
    refused, as TensorFlow's (InvalidArgumentError): ``tf.reduce_mean(tf.cast(correct,
    tf.float32))`` is the fraction of True."""
    x = _no_bool(_to_tensor(input_tensor), "reduce_mean")
    if x.dtype.kind in "iub":
        mean = x.value.mean(axis=_axis(axis), keepdims=keepdims)
        return Tensor(backend.xp.trunc(mean).astype(x.dtype))
    return _ops.mean(x, axis=_axis(axis), keepdims=keepdims)


def reduce_max(input_tensor, axis=None, keepdims: builtins.bool = False,
               name: str | None = None) -> Tensor:
    """The largest entry over ``axis``; the gradient is shared among the entries equal to it."""
    x = _to_tensor(input_tensor)
    if x.dtype.kind in "iub":
        return Tensor(x.value.max(axis=_axis(axis), keepdims=keepdims))
    return _ops.max(x, axis=_axis(axis), keepdims=keepdims)


def reduce_min(input_tensor, axis=None, keepdims: builtins.bool = False,
               name: str | None = None) -> Tensor:
    """The smallest entry over ``axis``; the gradient as reduce_max's."""
    x = _to_tensor(input_tensor)
    if x.dtype.kind in "iub":
        return Tensor(x.value.min(axis=_axis(axis), keepdims=keepdims))
    return _ops.negative(_ops.max(_ops.negative(x), axis=_axis(axis), keepdims=keepdims))


def reduce_prod(input_tensor, axis=None, keepdims: builtins.bool = False,
                name: str | None = None) -> Tensor:
    """The product over ``axis``; d x_i = g * (the product of the others), exact with zeros.
    Booleans are refused, as TensorFlow's (InvalidArgumentError)."""
    x = _no_bool(_to_tensor(input_tensor), "reduce_prod")
    axis = _axis(axis)
    if x.dtype.kind in "iub":
        return Tensor(x.value.prod(axis=axis, keepdims=keepdims))
    axes = builtins.range(x.ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
    axes = sorted({a % x.ndim for a in axes})
    kept = [a for a in builtins.range(x.ndim) if a not in axes]
    out_shape = tuple(1 if a in axes else x.shape[a] for a in builtins.range(x.ndim)) \
        if keepdims else tuple(x.shape[a] for a in kept)
    rows = _ops.reshape(_ops.transpose(x, tuple(kept + axes)),
                        tuple(x.shape[a] for a in kept) + (-1,))
    xp = backend.xp
    v = rows.value
    ones = xp.ones(v.shape[:-1] + (1,), dtype=v.dtype)
    before = xp.cumprod(xp.concatenate([ones, v[..., :-1]], axis=-1), axis=-1)
    after = xp.flip(xp.cumprod(xp.concatenate([ones, xp.flip(v, -1)[..., :-1]], axis=-1),
                               axis=-1), -1)
    product = _unary(rows, v.prod(axis=-1), lambda g: g[..., None] * before * after)
    return _ops.reshape(product, out_shape)


def reduce_variance(input_tensor, axis=None, keepdims: builtins.bool = False,
                    name: str | None = None) -> Tensor:
    """mean((x - mean(x))^2) over ``axis`` (the population variance, as TensorFlow)."""
    x = _to_tensor(input_tensor)
    axis = _axis(axis)
    centred = _ops.subtract(x, _ops.mean(x, axis=axis, keepdims=True))
    return _ops.mean(_ops.square(centred), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims: builtins.bool = False,
               name: str | None = None) -> Tensor:
    """sqrt(reduce_variance(x)) over ``axis``."""
    return _ops.sqrt(reduce_variance(input_tensor, axis, keepdims))


def reduce_all(input_tensor, axis=None, keepdims: builtins.bool = False,
               name: str | None = None) -> Tensor:
    """Whether every entry over ``axis`` is true."""
    x = _to_tensor(input_tensor)
    return Tensor(x.value.astype(np.bool_).all(axis=_axis(axis), keepdims=keepdims))


def reduce_any(input_tensor, axis=None, keepdims: builtins.bool = False,
               name: str | None = None) -> Tensor:
    """Whether any entry over ``axis`` is true."""
    x = _to_tensor(input_tensor)
    return Tensor(x.value.astype(np.bool_).any(axis=_axis(axis), keepdims=keepdims))


def reduce_logsumexp(input_tensor, axis=None, keepdims: builtins.bool = False,
                     name: str | None = None) -> Tensor:
    """log(sum(exp(x))) over ``axis``, computed stably: m + log(sum(exp(x - m))), m the max."""
    x = _to_tensor(input_tensor)
    axis = _axis(axis)
    m = x.value.max(axis=axis, keepdims=True)
    m = backend.xp.where(backend.xp.isfinite(m), m, 0)
    shifted = _ops.exp(_ops.subtract(x, Tensor(m)))
    out = _ops.add(_ops.log(_ops.sum(shifted, axis=axis, keepdims=True)), Tensor(m))
    if keepdims:
        return out
    return _ops.reshape(out, x.value.sum(axis=axis).shape)


def reduce_euclidean_norm(input_tensor, axis=None, keepdims: builtins.bool = False,
                          name: str | None = None) -> Tensor:
    """sqrt(sum(x^2)) over ``axis``, in x's dtype (integers: the root truncated, as
    TensorFlow's)."""
    x = _to_tensor(input_tensor)
    if x.dtype.kind in "iu":
        total = backend.xp.sum(x.value.astype(np.float64) ** 2, axis=_axis(axis),
                               keepdims=keepdims)
        return Tensor(backend.xp.sqrt(total).astype(x.dtype))
    return _ops.sqrt(_ops.sum(_ops.square(x), axis=_axis(axis), keepdims=keepdims))


def count_nonzero(input, axis=None, keepdims: builtins.bool = False,  # noqa: A002
                  dtype=int64, name: str | None = None) -> Tensor:
    """The number of non-zero entries over ``axis``."""
    x = _to_tensor(input)
    out = (x.value != 0).sum(axis=_axis(axis), keepdims=keepdims)
    return Tensor(backend.xp.asarray(out).astype(as_dtype(dtype)))


def argmax(input, axis=None, output_type=int64, name: str | None = None) -> Tensor:  # noqa: A002
    """The index of the largest entry along ``axis`` (0 when None, as TensorFlow), int64."""
    x = _to_tensor(input)
    return Tensor(backend.xp.asarray(x.value.argmax(axis=0 if axis is None else _axis(axis)))
                  .astype(as_dtype(output_type)))


def argmin(input, axis=None, output_type=int64, name: str | None = None) -> Tensor:  # noqa: A002
    """The index of the smallest entry along ``axis`` (0 when None), int64."""
    x = _to_tensor(input)
    return Tensor(backend.xp.asarray(x.value.argmin(axis=0 if axis is None else _axis(axis)))
                  .astype(as_dtype(output_type)))


# ----------------------------------------------------------------------------- arithmetic


def add(x, y, name: str | None = None) -> Tensor:
    """x + y, broadcast."""
    return _pairwise(_ops.add, x, y)


def subtract(x, y, name: str | None = None) -> Tensor:
    """x - y, broadcast."""
    return _pairwise(_ops.subtract, x, y)


def multiply(x, y, name: str | None = None) -> Tensor:
    """x * y, element-wise, broadcast."""
    return _pairwise(_ops.multiply, x, y)


def divide(x, y, name: str | None = None) -> Tensor:
    """x / y (true division; integers give floats)."""
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        x, y = _to_tensor(x), _to_tensor(y)
    for t in (x, y):
        if isinstance(t, Tensor) and t.dtype.kind in "iub":
            kind = float64 if t.dtype.itemsize >= 4 else float32
            x = cast(x, kind) if isinstance(x, Tensor) and x.dtype.kind in "iub" else x
            y = cast(y, kind) if isinstance(y, Tensor) and y.dtype.kind in "iub" else y
    return _ops.divide(x, y)


truediv = divide


def floordiv(x, y, name: str | None = None) -> Tensor:
    """floor(x / y), element-wise (no gradient)."""
    a, b = _values(_to_tensor(x), _to_tensor(y))
    return Tensor(backend.xp.floor_divide(a, b))


def mod(x, y, name: str | None = None) -> Tensor:
    """x mod y with the sign of y (Python's %), element-wise. For floats the gradient is
    TensorFlow's: 1 for x, -floor(x / y) for y."""
    xt, yt = _to_tensor(x), _to_tensor(y)
    a, b = _values(xt, yt)
    out = backend.xp.mod(a, b)
    if out.dtype.kind != "f" or not (xt.requires_grad or yt.requires_grad):
        return Tensor(out)

    def backward(g):
        if xt.requires_grad:
            accumulate(xt, unbroadcast(g, xt.shape))
        if yt.requires_grad:
            accumulate(yt, unbroadcast(-g * backend.xp.floor(a / b), yt.shape))

    return node(out, (xt, yt), backward)


floormod = mod


def negative(x, name: str | None = None) -> Tensor:
    """-x."""
    return _ops.negative(_to_tensor(x))


def add_n(inputs, name: str | None = None) -> Tensor:
    """The sum of a list of Tensors of one shape."""
    inputs = list(inputs)
    if not inputs:
        raise ValueError("add_n(inputs): expected a non-empty list of Tensors, given [].")
    total = _to_tensor(inputs[0])
    for t in inputs[1:]:
        total = _ops.add(total, t)
    return total


def matmul(a, b, transpose_a: builtins.bool = False, transpose_b: builtins.bool = False,
           adjoint_a: builtins.bool = False, adjoint_b: builtins.bool = False,
           a_is_sparse: builtins.bool = False, b_is_sparse: builtins.bool = False,
           output_type=None, name: str | None = None) -> Tensor:
    """a @ b over the last two axes (batched over the leading ones); ``transpose_a`` /
    ``transpose_b`` transpose them first, ``adjoint_a`` / ``adjoint_b`` also conjugate
    complex entries (the same as transposing for real numbers)."""
    a, b = (_to_tensor(a), _to_tensor(b)) if not (isinstance(a, Tensor) or
                                                  isinstance(b, Tensor)) else (a, b)
    a, b = _ops._pair(a, b)
    if transpose_a or adjoint_a:
        a = _ops.transpose(a, tuple(builtins.range(a.ndim - 2)) + (a.ndim - 1, a.ndim - 2))
        if adjoint_a and a.dtype.kind == "c":  # the conjugate transpose
            a = Tensor(backend.xp.conj(a.value))
    if transpose_b or adjoint_b:
        b = _ops.transpose(b, tuple(builtins.range(b.ndim - 2)) + (b.ndim - 1, b.ndim - 2))
        if adjoint_b and b.dtype.kind == "c":
            b = Tensor(backend.xp.conj(b.value))
    if a.ndim >= 2 and b.ndim >= 2 and a.shape[-1] != b.shape[-2]:
        # TensorFlow's error (also a ValueError), which programs catch by that name
        raise errors.InvalidArgumentError(
            None, None, f"matmul: the inner dimensions must match: a has shape {a.shape} and "
                        f"b has shape {b.shape} ({a.shape[-1]} != {b.shape[-2]}); transpose one "
                        "of them (transpose_a / transpose_b) or reshape.")
    return _ops.matmul(a, b)


def square(x, name: str | None = None) -> Tensor:
    """x^2, element-wise."""
    return _ops.square(_to_tensor(x))


def sqrt(x, name: str | None = None) -> Tensor:
    """The square root, element-wise."""
    return _ops.sqrt(_to_tensor(x))


def rsqrt(x, name: str | None = None) -> Tensor:
    """1 / sqrt(x), element-wise."""
    x = _to_tensor(x)
    with np.errstate(divide="ignore"):  # rsqrt(0) is inf, as TensorFlow's, without a warning
        out = 1 / backend.xp.sqrt(x.value)
    return _unary(x, out, lambda g: -0.5 * g * out / x.value)


def exp(x, name: str | None = None) -> Tensor:
    """e^x, element-wise."""
    return _ops.exp(_to_tensor(x))


def log(x, name: str | None = None) -> Tensor:
    """The natural logarithm, element-wise."""
    return _ops.log(_to_tensor(x))


def log1p(x, name: str | None = None) -> Tensor:
    """log(1 + x), accurate for small x."""
    return _ops.log1p(_to_tensor(x))


def abs(x, name: str | None = None) -> Tensor:  # noqa: A001
    """|x|, element-wise."""
    return _ops.abs(_to_tensor(x))


def pow(x, y, name: str | None = None) -> Tensor:  # noqa: A001
    """x^y, element-wise; the gradient reaches both (d y = g x^y log x, where x > 0)."""
    if not isinstance(y, Tensor) and np.ndim(_plain(y)) == 0 and isinstance(x, Tensor):
        return x ** _plain(y)  # (Keras's dtypes: int32 ** 2 stays int32)
    x, y = _ops._pair(*((x, y) if isinstance(x, Tensor) or isinstance(y, Tensor)
                        else (_to_tensor(x), _to_tensor(y))))
    xp = backend.xp
    out = xp.power(x.value, y.value)

    def backward(g):
        if x.requires_grad:
            accumulate(x, unbroadcast(g * y.value * xp.power(x.value, y.value - 1), x.shape))
        if y.requires_grad:
            safe = xp.where(x.value > 0, x.value, 1)
            accumulate(y, unbroadcast(g * out * xp.log(safe), y.shape))

    return node(out, (x, y), backward)


def reciprocal(x, name: str | None = None) -> Tensor:
    """1 / x, element-wise."""
    x = _to_tensor(x)
    out = 1 / x.value
    return _unary(x, out, lambda g: -g * out * out)


def maximum(x, y, name: str | None = None) -> Tensor:
    """The larger of x and y, element-wise."""
    return _pairwise(_ops.maximum, x, y)


def minimum(x, y, name: str | None = None) -> Tensor:
    """The smaller of x and y, element-wise."""
    return _pairwise(_ops.minimum, x, y)


def squared_difference(x, y, name: str | None = None) -> Tensor:
    """(x - y)^2, element-wise."""
    return _ops.square(subtract(x, y))


def divide_no_nan(x, y, name: str | None = None) -> Tensor:
    """x / y, and 0 where y is 0."""
    y = _to_tensor(y) if not isinstance(y, Tensor) else y
    zero = y.value == 0
    safe = where(zero, ones_like(y), y)
    return where(zero, zeros_like(safe), divide(x, safe))


def clip_by_value(t, clip_value_min, clip_value_max, name: str | None = None) -> Tensor:
    """``t`` clipped to [clip_value_min, clip_value_max], in ``t``'s dtype (the bounds are
    converted to it, as TensorFlow converts them); no gradient where it was clipped.

    Example:
        >>> numnet.clip_by_value(numnet.constant([-2.0, 0.5, 3.0]), -1, 1).numpy().tolist()
        [-1.0, 0.5, 1.0]
    """
    t = _to_tensor(t)
    low, high = (backend.to_device(bound, dtype=t.dtype)
                 for bound in _values(clip_value_min, clip_value_max))
    for label, bound in (("clip_value_min", low), ("clip_value_max", high)):
        if None in tuple(t.shape):  # a symbolic tensor's unknown sizes: checked when run
            break
        try:
            fits = np.broadcast_shapes(np.shape(bound), tuple(t.shape)) == tuple(t.shape)
        except ValueError:
            fits = False
        if not fits:
            raise errors.InvalidArgumentError(
                None, None, f"clip_by_value({label}): shape {tuple(np.shape(bound))} does not "
                f"broadcast to t's shape {tuple(t.shape)}; give a scalar or a shape that "
                f"broadcasts to it.")
    return _ops.clip(t, low, high)


def sign(x, name: str | None = None) -> Tensor:
    """-1, 0 or 1, element-wise (no gradient)."""
    return Tensor(backend.xp.sign(_to_tensor(x).value))


def round(x, name: str | None = None) -> Tensor:  # noqa: A001
    """The nearest integer, halves to even (as TensorFlow and NumPy), in x's dtype."""
    return Tensor(backend.xp.round(_to_tensor(x).value))


def floor(x, name: str | None = None) -> Tensor:
    """The largest integer <= x, element-wise."""
    return Tensor(backend.xp.floor(_to_tensor(x).value))


def ceil(x, name: str | None = None) -> Tensor:
    """The smallest integer >= x, element-wise."""
    return Tensor(backend.xp.ceil(_to_tensor(x).value))


def cumsum(x, axis: int = 0, exclusive: builtins.bool = False, reverse: builtins.bool = False,
           name: str | None = None) -> Tensor:
    """Running sums along ``axis``; ``exclusive``: each leaves out its own entry; ``reverse``:
    from the end. d x = the cumulative sum of g in the other direction."""
    x = _to_tensor(x)
    axis = int(_plain(axis)) % x.ndim
    xp = backend.xp

    def scan(v, backwards):
        if backwards:
            v = xp.flip(v, axis=axis)
        out = xp.cumsum(v, axis=axis)
        if exclusive:
            out = xp.concatenate([xp.zeros_like(xp.take(out, [0], axis=axis)),
                                  xp.take(out, builtins.range(v.shape[axis] - 1), axis=axis)],
                                 axis=axis)
        return xp.flip(out, axis=axis) if backwards else out

    out = scan(x.value, reverse).astype(x.dtype, copy=False)
    if x.dtype.kind in "iub":
        return Tensor(out)
    return _unary(x, out, lambda g: scan(g, not reverse))


def is_nan(x, name: str | None = None) -> Tensor:
    """Whether each entry is NaN."""
    return Tensor(backend.xp.isnan(_to_tensor(x).value))


def is_inf(x, name: str | None = None) -> Tensor:
    """Whether each entry is +inf or -inf."""
    return Tensor(backend.xp.isinf(_to_tensor(x).value))


def is_finite(x, name: str | None = None) -> Tensor:
    """Whether each entry is a finite number."""
    return Tensor(backend.xp.isfinite(_to_tensor(x).value))


def equal(x, y, name: str | None = None) -> Tensor:
    """x == y, element-wise (a bool Tensor)."""
    return _compare(lambda a, b: a == b, x, y)


def not_equal(x, y, name: str | None = None) -> Tensor:
    """x != y, element-wise."""
    return _compare(lambda a, b: a != b, x, y)


def greater(x, y, name: str | None = None) -> Tensor:
    """x > y, element-wise."""
    return _compare(lambda a, b: a > b, x, y)


def greater_equal(x, y, name: str | None = None) -> Tensor:
    """x >= y, element-wise."""
    return _compare(lambda a, b: a >= b, x, y)


def less(x, y, name: str | None = None) -> Tensor:
    """x < y, element-wise."""
    return _compare(lambda a, b: a < b, x, y)


def less_equal(x, y, name: str | None = None) -> Tensor:
    """x <= y, element-wise."""
    return _compare(lambda a, b: a <= b, x, y)


def logical_and(x, y, name: str | None = None) -> Tensor:
    """x and y, element-wise on booleans."""
    return _compare(lambda a, b: backend.xp.logical_and(a, b), x, y)


def logical_or(x, y, name: str | None = None) -> Tensor:
    """x or y, element-wise on booleans."""
    return _compare(lambda a, b: backend.xp.logical_or(a, b), x, y)


def logical_xor(x, y, name: str | None = None) -> Tensor:
    """x xor y, element-wise on booleans."""
    return _compare(lambda a, b: backend.xp.logical_xor(a, b), x, y)


def logical_not(x, name: str | None = None) -> Tensor:
    """not x, element-wise on booleans."""
    return Tensor(backend.xp.logical_not(_to_tensor(x).value))


def _take_along(x: Tensor, index, axis: int) -> Tensor:
    """x's entries at ``index`` along ``axis`` (a permutation or a selection without repeats);
    the gradient goes back to the entries taken."""
    xp = backend.xp
    out = xp.take_along_axis(x.value, index, axis=axis)

    def slope(g):
        full = xp.zeros_like(x.value)
        xp.put_along_axis(full, index, g, axis=axis)
        return full

    return _unary(x, out, slope if backend.is_float_dtype(x.dtype) else None)


def argsort(values, axis: int = -1, direction: str = "ASCENDING", stable: builtins.bool = False,
            name: str | None = None) -> Tensor:
    """The indices that sort ``values`` along ``axis`` ("ASCENDING" or "DESCENDING"), int32."""
    x = _to_tensor(values)
    direction = str(direction).upper()
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"argsort(direction): expected 'ASCENDING' or 'DESCENDING', given "
                         f"{direction!r}.")
    key = x.value if direction == "ASCENDING" else -x.value if x.dtype.kind != "b" else ~x.value
    return Tensor(backend.xp.argsort(key, axis=axis, kind="stable").astype(np.int32))


def sort(values, axis: int = -1, direction: str = "ASCENDING", name: str | None = None) -> Tensor:
    """``values`` sorted along ``axis``; the gradient goes back to where each value came from."""
    x = _to_tensor(values)
    order = argsort(x, axis=axis, direction=direction).value.astype(np.int64)
    return _take_along(x, order, axis)


TopK = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k: int = 1, sorted: builtins.bool = True, index_type=int32,  # noqa: A002
          name: str | None = None):
    """The ``k`` largest entries of the last axis and their indices (int32), largest first:
    ``values, indices = tf.math.top_k(x, k=3)``. Ties keep the lower index first."""
    x = _to_tensor(input)
    k = int(_plain(k))
    if not 0 <= k <= x.shape[-1]:
        raise ValueError(f"top_k(k): expected 0 <= k <= {x.shape[-1]} (the last axis), "
                         f"given {k}.")
    order = backend.xp.argsort(-x.value if x.dtype.kind != "b" else ~x.value, axis=-1,
                               kind="stable")[..., :k]
    return TopK(_take_along(x, order, -1), Tensor(order.astype(as_dtype(index_type))))


def in_top_k(targets, predictions, k: int, name: str | None = None) -> Tensor:
    """Whether each row's target class is among its ``k`` largest predictions."""
    p = backend.to_numpy(_to_tensor(predictions).value)
    t = np.asarray(backend.to_numpy(getattr(targets, "value", targets))).astype(np.int64)
    target_score = p[np.arange(len(p)), t]
    return Tensor(backend.to_device((p > target_score[:, None]).sum(axis=1) < int(k)))


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=int32,
                     name: str | None = None) -> Tensor:
    """The matrix whose entry [i, j] counts (or weighs) the samples of label i predicted j;
    ``num_classes`` defaults to the largest label or prediction + 1."""
    y = np.asarray(backend.to_numpy(getattr(labels, "value", labels))).astype(np.int64).ravel()
    p = np.asarray(backend.to_numpy(getattr(predictions, "value", predictions)))
    p = p.astype(np.int64).ravel()
    if y.shape != p.shape:
        raise ValueError(f"confusion_matrix: labels and predictions must have the same length; "
                         f"given {y.size} and {p.size}.")
    n = int(num_classes) if num_classes is not None else int(builtins.max(
        y.max(initial=-1), p.max(initial=-1)) + 1)
    if y.size and (builtins.min(y.min(), p.min()) < 0 or builtins.max(y.max(), p.max()) >= n):
        raise ValueError(f"confusion_matrix: labels and predictions must lie in [0, {n}) "
                         f"(num_classes={n}).")
    w = np.ones(y.size) if weights is None else np.asarray(
        backend.to_numpy(getattr(weights, "value", weights)), dtype=np.float64).ravel()
    out = np.zeros((n, n), dtype=np.float64)
    np.add.at(out, (y, p), w)
    return Tensor(backend.to_device(out.astype(as_dtype(dtype))))


def norm(tensor, ord="euclidean", axis=None, keepdims=None,  # noqa: A002
         name: str | None = None) -> Tensor:
    """The norm of ``tensor`` over ``axis`` (all entries when None): "euclidean" / "fro" / 2
    sqrt(sum x^2), 1 sum |x|, ``np.inf`` max |x|. Raises ValueError for other orders."""
    x = _to_tensor(tensor)
    axis, keepdims = _axis(axis), builtins.bool(keepdims)
    if ord in ("euclidean", "fro", 2, 2.0):
        return reduce_euclidean_norm(x, axis=axis, keepdims=keepdims)
    if ord in (1, 1.0):
        return _ops.sum(_ops.abs(x), axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return reduce_max(_ops.abs(x), axis=axis, keepdims=keepdims)
    raise ValueError(f"norm(ord): numnet computes 'euclidean' (2, 'fro'), 1 and np.inf norms; "
                     f"given {ord!r}.")


def clip_by_norm(t, clip_norm, axes=None, name: str | None = None) -> Tensor:
    """``t`` scaled down so that its L2 norm (over ``axes``, all when None) is at most
    ``clip_norm``: t * clip_norm / max(norm(t), clip_norm)."""
    x = _to_tensor(t)
    size = reduce_euclidean_norm(x, axis=_axis(axes), keepdims=True)
    clip = float(_plain(clip_norm))
    return _ops.divide(_ops.multiply(x, clip), _ops.maximum(size, clip))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name: str | None = None):
    """``(clipped, global_norm)``: the Tensors of ``t_list`` (gradients, typically) all scaled
    by clip_norm / max(global_norm, clip_norm), global_norm = sqrt(sum of their squared L2
    norms) (or ``use_norm``). None entries stay None.

        grads, _ = tf.clip_by_global_norm(grads, 1.0)
    """
    tensors = [None if t is None else _to_tensor(t) for t in t_list]
    present = [t for t in tensors if t is not None]
    if use_norm is None:
        squares = [_ops.sum(_ops.square(t)) for t in present]
        total = add_n(squares) if squares else constant(0.0)
        global_norm = _ops.sqrt(total)
    else:
        global_norm = _to_tensor(use_norm)
    clip = float(_plain(clip_norm))
    scale = _ops.divide(clip, _ops.maximum(stop_gradient(global_norm), clip))
    clipped = [None if t is None else _ops.multiply(t, _ops.cast(scale, t.dtype))
               for t in tensors]
    return clipped, global_norm


def l2_normalize(x, axis=None, epsilon: float = 1e-12, name: str | None = None,
                 dim=None) -> Tensor:
    """x / sqrt(max(sum(x^2, axis), epsilon)) (``tf.math.l2_normalize`` = tf.nn's)."""
    from . import nn

    return nn.l2_normalize(x, axis=axis if dim is None else dim, epsilon=epsilon)


# ----------------------------------------------------------------------------- printing, functions


def print(*inputs, output_stream=None, summarize: int = 3, sep: str = " ",  # noqa: A001
          end: str = "\n", name: str | None = None) -> None:
    """Print numbers and Tensors as TensorFlow does: values without dtype, large arrays with
    their first and last ``summarize`` entries per axis, to ``output_stream`` (stderr, as
    TensorFlow, by default; ``sys.stdout`` also works)."""
    stream = sys.stderr if output_stream is None else output_stream
    parts = []
    for item in inputs:
        value = getattr(item, "value", item) if isinstance(item, Tensor) else item
        if isinstance(value, str) or not hasattr(value, "shape"):
            parts.append(str(value))
            continue
        array = np.asarray(backend.to_numpy(value))
        threshold = sys.maxsize if summarize is None or summarize < 0 else summarize * 2
        parts.append(np.array2string(array, threshold=threshold,
                                     edgeitems=builtins.max(1, summarize or 1), separator=" "))
    builtins.print(sep.join(parts), end=end, file=stream)


def function(func=None, input_signature=None, autograph: builtins.bool = True,
             jit_compile=None, reduce_retracing: builtins.bool = False,
             experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """``@tf.function`` and ``@tf.function(input_signature=..., reduce_retracing=True, ...)``:
    a :class:`Function` that calls ``func``.

    numnet runs every op eagerly (there is no graph to trace or compile), so the decorated
    function runs as plain Python on every call. What differs from TensorFlow is what runs
    once per trace there: a Python ``print`` (or ``list.append``, or any Python side effect)
    in the body happens on every call here, where TensorFlow does it only while tracing (use
    ``tf.print`` for output on each call in both); and the body reads Python globals anew on
    every call, where a TensorFlow trace keeps the values it saw.

    The traces TensorFlow would make are counted all the same
    (``experimental_get_tracing_count``): one for each new argument signature, a Tensor or
    NumPy array by its dtype and shape, a Python value by its value (``f(1)`` and ``f(2)`` are
    two traces, ``f(1)`` and ``f(1.0)`` one), any other object by its identity; a call that
    an earlier trace covers (an ``input_signature``, or a shape with ``None`` where the sizes
    differ) adds none. With ``reduce_retracing=True`` a second shape widens the trace to
    ``None`` in the sizes that differ (a rank that differs: any shape), as TensorFlow's does.
    (TensorFlow traces twice on a first call that creates tf.Variables; numnet counts one.)
    ``input_signature`` (TensorSpecs) is checked as TensorFlow checks it; the other arguments
    are accepted so programs run as written.

    Args:
        func: the function (or method) to wrap; None to use ``function(...)`` as a decorator.
        input_signature: TensorSpecs its positional arguments must match. Defaults to None.
        reduce_retracing: widen traces to shapes with ``None`` rather than trace each new
            shape. Defaults to False.
        autograph, jit_compile, experimental_*: accepted; numnet has no graph to build.

    Example:
        >>> @numnet.function(input_signature=[numnet.TensorSpec([None], numnet.int32)])
        ... def double(x):
        ...     return x * 2
        >>> double(numnet.constant([1, 2])).numpy().tolist()
        [2, 4]
        >>> double(numnet.constant([3, 4, 5])).shape, double.experimental_get_tracing_count()
        ((3,), 1)
    """
    signature = None if input_signature is None else tuple(input_signature)
    relax = builtins.bool(reduce_retracing or experimental_relax_shapes)
    if func is None:
        return lambda f: Function(f, signature, reduce_retracing=relax)
    return Function(func, signature, reduce_retracing=relax)


_RUN_EAGERLY = {"on": False}


def run_functions_eagerly(run_eagerly: builtins.bool) -> None:
    """``tf.config.run_functions_eagerly(True)``: tf.functions run as plain Python and make no
    traces (numnet runs every function as Python anyway; ``experimental_get_tracing_count``
    stops counting while this is on).

    Args:
        run_eagerly: True to run functions eagerly, False to trace them again.

    Example:
        >>> numnet.config.run_functions_eagerly(True); numnet.config.functions_run_eagerly()
        True
        >>> numnet.config.run_functions_eagerly(False)
    """
    _RUN_EAGERLY["on"] = builtins.bool(run_eagerly)


def functions_run_eagerly() -> builtins.bool:
    """Whether ``tf.config.run_functions_eagerly(True)`` is in force (False by default)."""
    return _RUN_EAGERLY["on"]


class _TensorKey(collections.namedtuple("_TensorKey", ["kind", "dtype", "shape"])):
    """A Tensor's (or NumPy array's, or TensorSpec's) part of a trace's signature; ``shape``
    None for any rank, a size None for any size."""

    def __repr__(self) -> str:
        name = "VariableSpec" if self.kind == "variable" else "TensorSpec"
        dtype = "string" if self.dtype == np.dtype(object) else np.dtype(self.dtype).name
        return f"{name}(shape={self.shape}, dtype=tf.{dtype})"


def _trace_key(value):
    """What a trace of a tf.function keeps of an argument: Tensors by dtype and shape, Python
    values by value, containers by their items, other objects by identity."""
    if isinstance(value, TensorSpec):
        return _TensorKey("tensor", value.dtype, value.shape)
    if isinstance(value, Tensor):
        kind = "variable" if isinstance(value, _tensor_module.Variable) else "tensor"
        return _TensorKey(kind, value.dtype, tuple(value.shape))
    if isinstance(value, np.ndarray):
        return _TensorKey("tensor", value.dtype, value.shape)
    if value is None or isinstance(value, (builtins.int, builtins.float, builtins.complex,
                                           str, bytes, np.generic)):
        return value
    if isinstance(value, (builtins.list, builtins.tuple)):
        return (type(value).__name__, builtins.tuple(_trace_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", builtins.tuple(sorted(((k, _trace_key(v)) for k, v in value.items()),
                                              key=lambda item: repr(item[0]))))
    return ("object", id(value))


def _covers(trace, key) -> builtins.bool:
    """Whether the trace ``trace`` serves arguments of signature ``key``."""
    if isinstance(trace, _TensorKey) or isinstance(key, _TensorKey):
        if not (isinstance(trace, _TensorKey) and isinstance(key, _TensorKey)):
            return False
        if trace.kind != key.kind or trace.dtype != key.dtype:
            return False
        if trace.shape is None:
            return True
        return key.shape is not None and len(trace.shape) == len(key.shape) and builtins.all(
            want is None or want == got for want, got in zip(trace.shape, key.shape))
    if isinstance(trace, builtins.tuple) and isinstance(key, builtins.tuple):
        return len(trace) == len(key) and builtins.all(map(_covers, trace, key))
    return builtins.bool(trace == key)  # Python values by value: f(1) serves f(1.0), f(True)


def _widened(trace, key):
    """The trace that serves both ``trace`` and ``key`` (sizes that differ become None, ranks
    that differ any shape), or None where they differ in more than shapes."""
    if isinstance(trace, _TensorKey) and isinstance(key, _TensorKey):
        if trace.kind != key.kind or trace.dtype != key.dtype:
            return None
        if trace.shape is None or key.shape is None or len(trace.shape) != len(key.shape):
            return trace._replace(shape=None)
        return trace._replace(shape=builtins.tuple(
            a if a == b else None for a, b in zip(trace.shape, key.shape)))
    if isinstance(trace, builtins.tuple) and isinstance(key, builtins.tuple) \
            and not isinstance(trace, _TensorKey) and not isinstance(key, _TensorKey):
        if len(trace) != len(key):
            return None
        parts = builtins.tuple(_widened(a, b) for a, b in zip(trace, key))
        return None if builtins.any(p is None and (a is not None or b is not None)
                                    for p, a, b in zip(parts, trace, key)) else parts
    return trace if _covers(trace, key) else None


class Function:
    """What ``tf.function`` gives: calls the Python function (``python_function``), after
    checking the arguments against ``input_signature`` when one was given, and counts the
    traces TensorFlow would make (``experimental_get_tracing_count``; see :func:`function`);
    a method when set on a class (each instance with its own traces, as in TensorFlow);
    ``get_concrete_function`` gives a :class:`ConcreteFunction` for arguments.

    Args:
        python_function: the function called.
        input_signature: TensorSpecs its arguments must match, or None. Defaults to ``None``.
        reduce_retracing: widen traces to shapes with None. Defaults to False.

    Raises (on a call):
        TypeError: an argument whose rank, sizes or dtype differ from its TensorSpec, or more
            arguments than the signature names.

    Example:
        >>> square = numnet.function(lambda x: x * x)
        >>> float(square(numnet.constant(3.0))), square.python_function(2.0)
        (9.0, 4.0)
        >>> _ = square(numnet.constant([1.0, 2.0])); square.experimental_get_tracing_count()
        2
    """

    def __init__(self, python_function, input_signature=None,
                 reduce_retracing: builtins.bool = False):
        functools.update_wrapper(self, python_function)
        self.python_function = python_function
        self.input_signature = input_signature
        self._reduce_retracing = reduce_retracing
        self._traces: builtins.list = []
        self._bound = None
        self._signature = None  # the Python signature, read at the first call

    def _signature_key(self, args, kwargs):
        if self.input_signature is not None:
            return builtins.tuple(_trace_key(spec) for spec in self.input_signature)
        try:
            if self._signature is None:
                import inspect

                self._signature = inspect.signature(self.python_function)
            bound = self._signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return builtins.tuple((name, _trace_key(value))
                                  for name, value in bound.arguments.items())
        except (TypeError, ValueError):  # (a builtin, or arguments Python will refuse)
            return (_trace_key(builtins.tuple(args)), _trace_key(dict(kwargs)))

    def _trace(self, key) -> None:
        """Count a trace for ``key`` unless one serves it already."""
        if builtins.any(_covers(trace, key) for trace in self._traces):
            return
        if self._reduce_retracing:
            for trace in self._traces:
                wider = _widened(trace, key)
                if wider is not None:
                    self._traces.append(wider)
                    return
        self._traces.append(key)

    def __call__(self, *args, **kwargs):
        if self.input_signature is not None:
            args = _check_signature(self.python_function, self.input_signature, args)
        if not _RUN_EAGERLY["on"]:
            self._trace(self._signature_key(args, kwargs))
        return self.python_function(*args, **kwargs)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        import weakref

        if self._bound is None:
            self._bound = weakref.WeakKeyDictionary()
        try:
            bound = self._bound.get(instance)
        except TypeError:  # an instance that cannot be weakly referenced or hashed
            return Function(types.MethodType(self.python_function, instance),
                            self.input_signature, self._reduce_retracing)
        if bound is None:
            bound = Function(types.MethodType(self.python_function, instance),
                             self.input_signature, self._reduce_retracing)
            self._bound[instance] = bound
        return bound

    def get_concrete_function(self, *args, **kwargs):
        """The function for arguments like ``args`` (Tensors or TensorSpecs): a
        :class:`ConcreteFunction` whose signature is theirs (a trace, counted as TensorFlow
        counts it, where none served them yet)."""
        specs = args or self.input_signature or ()
        specs = builtins.tuple(
            a if isinstance(a, TensorSpec) else TensorSpec.from_tensor(_to_tensor(a))
            if isinstance(a, (Tensor, np.ndarray, builtins.list)) else a for a in specs)
        if not _RUN_EAGERLY["on"]:
            self._trace(self._signature_key(specs, kwargs) if self.input_signature is None
                        else self._signature_key((), {}))
        return ConcreteFunction(self, specs, kwargs)

    def pretty_printed_concrete_signatures(self, verbose: builtins.bool = True) -> str:
        """One line a trace: the function's name and its arguments' specs (or values)."""
        name = getattr(self.python_function, "__name__", "function")
        lines = []
        for key in self._traces:
            parts = [f"{item[0]}={item[1]!r}" if isinstance(item, builtins.tuple)
                     and len(item) == 2 and isinstance(item[0], str) else repr(item)
                     for item in key]
            lines.append(f"{name}({', '.join(parts)})")
        return "\n".join(lines)

    def experimental_get_tracing_count(self) -> int:
        """The traces TensorFlow would have made so far (see :func:`function`)."""
        return len(self._traces)

    def __repr__(self) -> str:
        return f"<numnet.function {getattr(self.python_function, '__qualname__', '?')}>"


def _dtype_word(dtype) -> str:
    return "string" if np.dtype(dtype) == np.dtype(object) else np.dtype(dtype).name


class ConcreteFunction:
    """``Function.get_concrete_function(...)``: callable on arguments of the dtypes of
    ``structured_input_signature`` (as in TensorFlow, their shapes are not checked).

    Args:
        function: the Function it comes from.
        specs: the TensorSpecs (or values) of its positional arguments.
        kwargs: its keyword arguments.

    Raises (on a call):
        InvalidArgumentError: a Tensor argument of another dtype than its TensorSpec's.

    Example:
        >>> relu = numnet.function(lambda x: numnet.maximum(0.0, x))
        >>> concrete = relu.get_concrete_function(numnet.TensorSpec([None], numnet.float32))
        >>> concrete([-1.0, 2.0]).numpy().tolist()
        [0.0, 2.0]
    """

    def __init__(self, function: Function, specs: tuple, kwargs: dict):
        self.function, self.structured_input_signature = function, (specs, kwargs)

    def __call__(self, *args, **kwargs):
        out = builtins.list(args)
        for i, (arg, spec) in enumerate(zip(args, self.structured_input_signature[0])):
            if not isinstance(spec, TensorSpec):
                continue
            value = arg if isinstance(arg, Tensor) else _to_tensor(arg, spec.dtype)
            if value.dtype != spec.dtype:
                raise errors.InvalidArgumentError(
                    None, None, f"{getattr(self.function.python_function, '__name__', '?')}: "
                    f"input {i} was expected to be a {_dtype_word(spec.dtype)} tensor but is a "
                    f"{_dtype_word(value.dtype)} tensor; cast it (tf.cast) or get a concrete "
                    "function for its dtype.")
            out[i] = value
        return self.function.python_function(*out, **kwargs)

    def pretty_printed_signature(self, verbose: builtins.bool = True) -> str:
        name = getattr(self.function.python_function, "__name__", "function")
        return f"{name}({', '.join(repr(s) for s in self.structured_input_signature[0])})"


def _check_signature(fn, specs: tuple, args: tuple) -> tuple:
    """``args`` checked against the TensorSpecs ``specs``, Python and NumPy values converted
    to Tensors of their spec's dtype (as TensorFlow passes them)."""
    name = getattr(fn, "__name__", "function")
    out = list(args)
    if len(args) > len(specs):
        raise TypeError(f"{name}: the input_signature names {len(specs)} argument(s), given "
                        f"{len(args)}.")
    for i, (arg, spec) in enumerate(zip(args, specs)):
        if not isinstance(spec, TensorSpec) or spec.shape is None:
            continue
        value = arg if isinstance(arg, Tensor) else _to_tensor(arg) if isinstance(
            arg, (np.ndarray, builtins.list, builtins.tuple, builtins.int, builtins.float)) \
            else None
        if value is None:
            continue
        if not isinstance(arg, Tensor) and value.dtype != spec.dtype:
            value = _ops.cast(value, spec.dtype)
            out[i] = value
        shape = tuple(value.shape)
        fits = len(shape) == len(spec.shape) and builtins.all(
            want is None or want == got for want, got in zip(spec.shape, shape))
        dtype_fits = isinstance(arg, Tensor) is False or value.dtype == spec.dtype
        if not fits or not dtype_fits:
            raise TypeError(f"{name}: argument {i} of shape {shape} and dtype {value.dtype} "
                            f"does not match its input_signature {spec!r}; give a tensor of "
                            "that shape and dtype, or widen the TensorSpec (None for a size "
                            "that varies).")
        out[i] = value
    return tuple(out)


def _namespace(name: str, doc: str, **members) -> types.ModuleType:
    module = types.ModuleType(name, doc)
    module.__dict__.update(members)
    module.__all__ = sorted(members)
    return module


class _LazyNamespace(types.ModuleType):
    """A namespace (tf.image, tf.io, ...) whose module of numnet.tf_api is imported at its first
    use, so that ``import numnet`` does not pay for the TensorFlow names a program never
    touches."""

    def __init__(self, name: str, doc: str, load):
        super().__init__(name, doc)
        self.__dict__["_load"] = load

    def _members(self) -> None:
        load = self.__dict__.pop("_load", None)
        if load is not None:
            members = load()
            self.__dict__.update(members)
            self.__dict__["__all__"] = sorted(members)

    def __getattr__(self, attr):
        if attr.startswith("__") or "_load" not in self.__dict__:
            raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")
        self._members()
        try:
            return self.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}") from None

    def __dir__(self):
        self._members()
        return sorted(self.__dict__)


def _members_of(module: str, table: str, **more):
    """A loader of a lazy namespace: ``numnet.tf_api.<module>``'s dict ``table``, plus
    ``more`` (each a function of the module giving a value)."""
    def load():
        import importlib

        mod = importlib.import_module(f"{__name__.rsplit('.', 1)[0]}.tf_api.{module}")
        return {**getattr(mod, table), **{key: make(mod) for key, make in more.items()}}

    return load


# ----------------------------------------------------------------------------- tf.random

_op_seed_draws: dict = {}


def _generator(seed) -> np.random.Generator:
    """The generator of a random op: numnet's own (seeded by tf.random.set_seed) without an
    op seed; with one, a fresh stream per call, repeatable from one run to the next."""
    if seed is None:
        return backend.rng()
    seed = int(_plain(seed))
    draw = _op_seed_draws.get(seed, 0)
    _op_seed_draws[seed] = draw + 1
    return np.random.default_rng([seed, draw])


def _random_result(values, dtype) -> Tensor:
    return Tensor(backend.to_device(np.asarray(values).astype(as_dtype(dtype), copy=False)))


def _random_normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None,
                   name: str | None = None) -> Tensor:
    """Samples of N(mean, stddev^2) of ``shape`` (float32)."""
    rng = _generator(seed)
    return _random_result(rng.normal(_plain(mean), _plain(stddev),
                                     _shape_tuple(shape, "random.normal")), dtype)


def _random_uniform(shape, minval=0, maxval=None, dtype=float32, seed=None,
                    name: str | None = None) -> Tensor:
    """Samples of U[minval, maxval) of ``shape``; floats by default (maxval 1), integers when
    ``dtype`` is an integer type (then maxval is required)."""
    dtype = as_dtype(dtype)
    rng = _generator(seed)
    shape = _shape_tuple(shape, "random.uniform")
    if dtype.kind in "iu":
        if maxval is None:
            raise ValueError("random.uniform(maxval): required for an integer dtype.")
        return _random_result(rng.integers(int(_plain(minval)), int(_plain(maxval)), shape),
                              dtype)
    high = 1.0 if maxval is None else _plain(maxval)
    return _random_result(rng.uniform(_plain(minval), high, shape), dtype)


def _random_truncated_normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None,
                             name: str | None = None) -> Tensor:
    """Samples of N(mean, stddev^2) redrawn until within two stddevs of the mean."""
    rng = _generator(seed)
    shape = _shape_tuple(shape, "random.truncated_normal")
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return _random_result(_plain(mean) + _plain(stddev) * z, dtype)


def _random_shuffle(value, seed=None, name: str | None = None) -> Tensor:
    """``value`` with its rows (first axis) in random order."""
    x = _to_tensor(value)
    order = _generator(seed).permutation(x.shape[0])
    return Tensor(x.value[backend.to_device(order)])


def _random_categorical(logits, num_samples, dtype=int64, seed=None,
                        name: str | None = None) -> Tensor:
    """``num_samples`` class indices per row of ``logits`` (batch, classes), drawn with
    probabilities softmax(logits): shape (batch, num_samples)."""
    z = np.asarray(backend.to_numpy(_to_tensor(logits).value), dtype=np.float64)
    if z.ndim != 2:
        raise ValueError(f"random.categorical(logits): expected shape (batch, classes), given "
                         f"{z.shape}.")
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    rng = _generator(seed)
    u = rng.random((len(z), int(_plain(num_samples))))
    samples = (u[:, :, None] > np.cumsum(p, axis=1)[:, None, :]).sum(axis=2)
    return _random_result(np.minimum(samples, z.shape[1] - 1), dtype)


def set_seed(seed: int) -> None:
    """Seed every random draw of numnet (weights, dropout, shuffles, tf.random) so that a
    program repeats exactly; ``tf.random.set_seed`` / ``tf.keras.utils.set_random_seed``."""
    backend.set_random_seed(int(_plain(seed)))
    _op_seed_draws.clear()


# ----------------------------------------------------------------------------- symbolic inputs
# As in tf.keras, TensorFlow's array functions called on the symbolic tensors of a functional
# model (``tf.cast(keras.Input(...), tf.float32)``) record a node of its graph, which calls the
# function again on real tensors when the model runs (named "tf.<name>" in the graph).

_SYMBOLIC = (
    "cast", "identity", "stop_gradient", "shape", "rank", "size", "reshape", "concat", "stack",
    "unstack", "split", "expand_dims", "squeeze", "transpose", "tile", "broadcast_to", "gather",
    "boolean_mask", "where", "pad", "ones_like", "zeros_like", "one_hot", "reduce_sum",
    "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_variance", "reduce_std",
    "reduce_all", "reduce_any", "reduce_logsumexp", "reduce_euclidean_norm", "count_nonzero",
    "argmax", "argmin", "add", "subtract", "multiply", "divide", "floordiv", "mod", "negative",
    "add_n", "matmul", "square", "sqrt", "rsqrt", "exp", "log", "log1p", "abs", "pow",
    "reciprocal", "maximum", "minimum", "squared_difference", "divide_no_nan", "clip_by_value",
    "sign", "round", "floor", "ceil", "cumsum", "is_nan", "is_inf", "is_finite", "equal",
    "not_equal", "greater", "greater_equal", "less", "less_equal", "logical_and", "logical_or",
    "logical_xor", "logical_not", "argsort", "sort", "top_k", "in_top_k", "norm", "clip_by_norm",
    "l2_normalize", "_sigmoid", "_tanh", "_softplus", "_softmax", "_log_softmax")


def _symbolic_functions(names, namespace: dict) -> None:
    for name in names:
        namespace[name] = _symbolic_op(namespace[name], name="tf." + name.lstrip("_"))


# ``tf.random`` and ``keras.random`` are one module, numnet.random (Keras 3's functions, which
# take TensorFlow's argument names, plus set_seed). Where the two differ, Keras 3 wins: an int
# seed gives the same draw at every call, and categorical gives int32.
from . import random  # noqa: E402

# ----------------------------------------------------------------------------- tf.math, tf.dtypes


def _sigmoid(x, name: str | None = None) -> Tensor:
    """1 / (1 + exp(-x)), element-wise (``tf.math.sigmoid``)."""
    return activations.sigmoid(_to_tensor(x))


def _tanh(x, name: str | None = None) -> Tensor:
    """tanh(x), element-wise (``tf.math.tanh``)."""
    return activations.tanh(_to_tensor(x))


def _softplus(features, name: str | None = None) -> Tensor:
    """log(1 + exp(x)), computed stably (``tf.math.softplus``)."""
    return activations.softplus(_to_tensor(features))


def _softmax(logits, axis=None, name: str | None = None) -> Tensor:
    """exp(z) / sum(exp(z)) along ``axis`` (the last when None) (``tf.math.softmax``)."""
    return activations.softmax(_to_tensor(logits), axis=-1 if axis is None else axis)


def _log_softmax(logits, axis=None, name: str | None = None) -> Tensor:
    """z - log(sum(exp(z))) along ``axis`` (the last when None) (``tf.math.log_softmax``)."""
    return activations.log_softmax(_to_tensor(logits), axis=-1 if axis is None else axis)


_symbolic_functions(_SYMBOLIC, globals())

math = _namespace(
    "numnet.math", "TensorFlow's ``tf.math``: element-wise functions, reductions, comparisons.",
    abs=abs, add=add, add_n=add_n, argmax=argmax, argmin=argmin, ceil=ceil, confusion_matrix=(
        confusion_matrix), count_nonzero=count_nonzero, cumsum=cumsum, divide=divide,
    divide_no_nan=divide_no_nan, equal=equal, exp=exp, floor=floor, floordiv=floordiv,
    floormod=floormod, greater=greater, greater_equal=greater_equal, in_top_k=in_top_k,
    is_finite=is_finite, is_inf=is_inf, is_nan=is_nan, l2_normalize=l2_normalize, less=less,
    less_equal=less_equal, log=log, log1p=log1p, log_softmax=_log_softmax,
    logical_and=logical_and, logical_not=logical_not, logical_or=logical_or,
    logical_xor=logical_xor, maximum=maximum, minimum=minimum, mod=mod, multiply=multiply,
    negative=negative, not_equal=not_equal, pow=pow, reciprocal=reciprocal, reduce_all=reduce_all,
    reduce_any=reduce_any, reduce_euclidean_norm=reduce_euclidean_norm,
    reduce_logsumexp=reduce_logsumexp, reduce_max=reduce_max, reduce_mean=reduce_mean,
    reduce_min=reduce_min, reduce_prod=reduce_prod, reduce_std=reduce_std,
    reduce_sum=reduce_sum, reduce_variance=reduce_variance, round=round, rsqrt=rsqrt,
    sigmoid=_sigmoid, sign=sign, softmax=_softmax, softplus=_softplus, sqrt=sqrt,
    square=square, squared_difference=squared_difference, subtract=subtract, tanh=_tanh,
    top_k=top_k, truediv=truediv)

dtypes = _namespace(
    "numnet.dtypes", "TensorFlow's ``tf.dtypes``: the dtypes (NumPy dtypes) and as_dtype.",
    DType=DType, as_dtype=as_dtype, bool=bool, complex64=complex64, complex128=complex128,
    double=double, float16=float16, float32=float32, float64=float64, half=half, int8=int8,
    int16=int16, int32=int32, int64=int64, string=string, uint8=uint8, uint16=uint16,
    uint32=uint32, uint64=uint64)
dtypes.__getattr__ = __getattr__  # dtypes.bfloat16, imported when first asked for

# TensorFlow 2's initializer names (``kernel_initializer=tf.random_normal_initializer(0.0, 0.02)``)
random_normal_initializer = initializers.RandomNormal
random_uniform_initializer = initializers.RandomUniform
truncated_normal_initializer = initializers.TruncatedNormal
zeros_initializer = initializers.Zeros
ones_initializer = initializers.Ones


class constant_initializer(initializers.Constant):  # noqa: N801 - TensorFlow's name
    """TensorFlow's ``tf.constant_initializer``: every element ``value`` (a scalar: Keras's
    Constant, which model files record), or the values of a list / array of as many
    elements as the shape holds, in row-major order (Keras's Constant broadcasts instead).

    Args:
        value: a number, or a list / array of prod(shape) numbers. Defaults to ``0``.

    Raises:
        TypeError: on the call, a ``value`` of another number of elements (neither 1 nor
            prod(shape)), as TensorFlow's.

    Example:
        >>> init = numnet.constant_initializer([0, 1, 2, 3, 4, 5])
        >>> init(shape=[2, 3], dtype="float32").tolist()
        [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    """

    def __new__(cls, value=0):
        if cls is constant_initializer and np.size(value) == 1:
            return initializers.Constant(value)  # one value: Keras's Constant (model files)
        return super().__new__(cls)

    def __init__(self, value=0):
        super().__init__(value)

    def generate(self, shape, rng):
        values = np.asarray(self.value, dtype=np.float64)
        size = int(np.prod(shape)) if shape else 1
        if values.size == 1:
            return np.full(shape, values.reshape(()), dtype=np.float64)
        if values.size == size:
            return values.reshape(shape)
        raise TypeError(f"constant_initializer: {values.size} values cannot fill shape "
                        f"{list(shape)} ({size} elements); give one value or exactly {size}.")


glorot_uniform_initializer = initializers.GlorotUniform
glorot_normal_initializer = initializers.GlorotNormal

# ----------------------------------------------------------------------------- tf.config

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])


def list_physical_devices(device_type=None) -> list:
    """The devices numnet computes on: the CPU, and the GPU when numnet runs on one (CuPy);
    ``device_type`` ("CPU" or "GPU") keeps those. ``tf.config.list_physical_devices('GPU')``
    is [] on a machine where numnet computes with NumPy."""
    devices = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    if backend.device() == "gpu":
        devices.append(PhysicalDevice("/physical_device:GPU:0", "GPU"))
    if device_type is None:
        return devices
    return [d for d in devices if d.device_type == str(device_type).upper()]


def list_logical_devices(device_type=None) -> list:
    """As list_physical_devices, named as TensorFlow names logical devices."""
    return [LogicalDevice(d.name.replace("/physical_device:", "/device:"), d.device_type)
            for d in list_physical_devices(device_type)]


def _accept(*args, **kwargs) -> None:
    """Accepted for TensorFlow programs; numnet has nothing to configure here."""


def _memory_growth(device) -> builtins.bool:
    return True


_config_functions = {
    "list_physical_devices": list_physical_devices,
    "list_logical_devices": list_logical_devices,
    "get_visible_devices": list_physical_devices,
    "set_visible_devices": _accept,
    "run_functions_eagerly": run_functions_eagerly,
    "functions_run_eagerly": functions_run_eagerly,
    "set_soft_device_placement": _accept,
    "experimental": _namespace(
        "numnet.config.experimental", "TensorFlow's ``tf.config.experimental``: accepted.",
        set_memory_growth=_accept, get_memory_growth=_memory_growth,
        list_physical_devices=list_physical_devices, set_visible_devices=_accept,
        enable_op_determinism=_accept),
    "threading": _namespace(
        "numnet.config.threading", "TensorFlow's ``tf.config.threading``: accepted.",
        set_intra_op_parallelism_threads=_accept, set_inter_op_parallelism_threads=_accept),
}
# Under ``import numnet as tf``, ``tf.config`` is Keras's config module: TensorFlow's device
# functions join it there (names the module defines itself are left as they are).
for _name, _value in _config_functions.items():
    if not hasattr(config, _name):
        setattr(config, _name, _value)


__all__ = [
    "DType", "TensorSpec", "Variable", "abs", "add", "add_n", "argmax", "argmin", "argsort",
    "as_dtype", "bool", "boolean_mask", "broadcast_to", "cast", "ceil",
    "clip_by_global_norm", "clip_by_norm", "clip_by_value", "complex128", "complex64", "concat",
    "constant", "constant_initializer", "convert_to_tensor", "cumsum", "divide", "double",
    "dtypes", "equal", "exp", "expand_dims", "eye", "fill", "float16", "float32", "float64",
    "floor", "function", "gather", "glorot_normal_initializer", "glorot_uniform_initializer",
    "greater", "greater_equal", "half", "identity", "int16", "int32", "int64", "int8", "is_tensor",
    "less", "less_equal", "linspace", "log", "logical_and", "logical_not", "logical_or",
    "logical_xor", "math", "matmul", "maximum", "minimum", "multiply", "negative", "newaxis",
    "norm", "not_equal", "one_hot", "ones", "ones_initializer", "ones_like", "pad", "pow", "print",
    "random", "random_normal_initializer", "random_uniform_initializer", "range", "rank",
    "reduce_all", "reduce_any", "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min",
    "reduce_prod", "reduce_std", "reduce_sum", "reduce_variance", "reshape", "round", "shape",
    "sign", "size", "sort", "split", "sqrt", "square", "squeeze", "stack", "stop_gradient",
    "string", "subtract", "tile", "transpose", "truediv", "truncated_normal_initializer", "uint16",
    "uint32", "uint64", "uint8", "unstack", "where", "zeros", "zeros_initializer", "zeros_like",
]

# ----------------------------------------------------------------------------- the rest of tf.*
# TensorFlow's further names live in numnet.tf_api, one topic a module; they join this surface
# here. Names that are Python builtins (slice, tuple) are served by __getattr__, so that this
# module's own code keeps Python's.
from .tf_api import array as _tf_array  # noqa: E402
from .tf_api import errors  # noqa: E402

_SHADOWING: dict = {}


def _join(names: dict, into: types.ModuleType | None = None) -> None:
    """Add ``names`` to the top level (or to the namespace or module ``into``), keeping
    what is there."""
    if into is not None:
        for name, value in names.items():
            if not hasattr(into, name):
                setattr(into, name, value)
        if hasattr(into, "__all__") and getattr(into, "__file__", None) is None:
            # a namespace of this module's (tf.math): its list grows; a numnet module's
            # __all__ (numnet.random, numnet.nn) stays the Keras names it documents
            into.__all__ = sorted(set(into.__all__) | set(names))
        return
    for name, value in names.items():
        if name in ("slice", "tuple"):
            _SHADOWING[name] = value
        elif name not in globals():
            globals()[name] = value
        if name not in __all__:
            __all__.append(name)


# not array functions of tensors: left unwrapped, so they answer for a symbolic tensor too
_NOT_SYMBOLIC = ("executing_eagerly", "inside_function", "get_static_value", "reverse_fn")
_join({**_symbolic_members(_tf_array.TOP, "tf.", _NOT_SYMBOLIC), "errors": errors})
_join(_symbolic_members(_tf_array.MATH, "tf.math.", _NOT_SYMBOLIC), math)
math.special = _namespace(
    "numnet.math.special", "TensorFlow's ``tf.math.special``: Bessel functions, Dawson's and "
    "Fresnel integrals, the exponential integral and Spence's function.",
    **_symbolic_members(_tf_array.SPECIAL, "tf.math.special.", _NOT_SYMBOLIC))

from . import nn as _nn  # noqa: E402
from .tf_api import nn as _tf_nn  # noqa: E402

_join({**_symbolic_members(_tf_nn.NN, "tf.nn."), "top_k": top_k, "in_top_k": in_top_k}, _nn)

from .tf_api import ctc as _tf_ctc  # noqa: E402

_join(_tf_ctc.CTC, _nn)

from . import tree as _tree  # noqa: E402
from .tf_api import control as _tf_control  # noqa: E402
from .tf_api import variables as _tf_variables  # noqa: E402

_tf_variables.install()


def get_logger():
    """The logger numnet's TensorFlow-style programs write to (``tf.get_logger()``):
    Python's logging.Logger named "tensorflow", so ``tf.get_logger().setLevel('ERROR')``
    works as in TensorFlow.

    Example:
        >>> numnet.get_logger().name
        'tensorflow'
    """
    import logging

    return logging.getLogger("tensorflow")


nest = _namespace(
    "numnet.nest", "TensorFlow's ``tf.nest``: nested structures (numnet.tree's functions).",
    flatten=_tree.flatten, map_structure=_tree.map_structure,
    pack_sequence_as=_tree.pack_sequence_as, is_nested=_tree.is_nested,
    assert_same_structure=_tree.assert_same_structure,
    flatten_with_path=_tree.flatten_with_path)
_join({**_tf_control.TOP, **_tf_variables.TOP, "get_logger": get_logger, "nest": nest})

from .tf_api import linalg as _tf_linalg  # noqa: E402

linalg = _namespace("numnet.linalg", "TensorFlow's ``tf.linalg``: matrix functions over the "
                    "last two axes (numnet.tf_api.linalg).", **_tf_linalg.LINALG)
_join({"linalg": linalg})

from .tf_api import debugging as _tf_debugging  # noqa: E402

debugging = _namespace("numnet.debugging", "TensorFlow's ``tf.debugging``: assertions and "
                       "numeric checks, run at once (numnet.tf_api.debugging).",
                       **_tf_debugging.DEBUGGING)
_join({**_tf_debugging.TOP, "debugging": debugging})

image = _LazyNamespace("numnet.image", "TensorFlow's ``tf.image``: resizing, flips, crops, "
                       "colour and augmentation (numnet.tf_api.image), boxes "
                       "(numnet.tf_api.image_boxes).",
                       lambda: {**_members_of("image", "IMAGE")(),
                                **_members_of("image_boxes", "BOXES")(),
                                **_members_of("image_detection", "DETECTION")(),
                                **_members_of("image_formats", "FORMATS")()})
_join({"image": image})

from .tf_api import sparse as _tf_sparse  # noqa: E402

sparse = _namespace("numnet.sparse", "TensorFlow's ``tf.sparse``: SparseTensor made dense "
                    "(numnet.tf_api.sparse).", **_tf_sparse.SPARSE)
_join({"sparse": sparse, "SparseTensor": _tf_sparse.SparseTensor,
       "SparseTensorSpec": _tf_sparse.SparseTensorSpec,
       "edit_distance": _tf_sparse.edit_distance})

io = _LazyNamespace("numnet.io", "TensorFlow's ``tf.io`` on local files "
                    "(numnet.tf_api.files), TFRecord files and tf.train.Example parsing "
                    "(numnet.tf_api.records).",
                    lambda: {**_members_of("files", "IO")(), **_members_of("records", "IO")(),
                             **_members_of("image_formats", "IO")()})
_join({"io": io})

train = _LazyNamespace("numnet.train", "TensorFlow's ``tf.train``: checkpoints in numnet's own "
                       "format (numnet.tf_api.checkpoint), tf.train.Example and its messages "
                       "(numnet.tf_api.records).",
                       lambda: {**_members_of("checkpoint", "TRAIN")(),
                                **_members_of("records", "TRAIN")(),
                                **_members_of("moving_average", "TRAIN")()})
summary = _LazyNamespace(
    "numnet.summary", "TensorFlow's ``tf.summary``: event files for TensorBoard "
    "(numnet.tf_api.summary).", _members_of(
        "summary", "SUMMARY", experimental=lambda mod: _namespace(
            "numnet.summary.experimental", "tf.summary.experimental.", **mod.EXPERIMENTAL)))
test = _LazyNamespace("numnet.test", "TensorFlow's ``tf.test``: TestCase with assertAllClose "
                      "(numnet.tf_api.testing).", _members_of("testing", "TEST"))
_join({"train": train, "summary": summary, "test": test})

from .tf_api import random_ops as _tf_random  # noqa: E402

_join(_tf_random.RANDOM, random)
from .tf_api import index_shuffle as _tf_index_shuffle  # noqa: E402

_join(_tf_index_shuffle.EXPERIMENTAL, random.experimental)
_join({"cast": cast, "saturate_cast": _tf_array.saturate_cast, "complex": _tf_array.complex},
      dtypes)
_join({"LogicalDeviceConfiguration": collections.namedtuple(
    "LogicalDeviceConfiguration", ["memory_limit", "experimental_priority",
                                   "experimental_device_ordinal"], defaults=(None, None, 0)),
       "set_logical_device_configuration": _accept,
       "get_logical_device_configuration": lambda device: None,
       "get_soft_device_placement": lambda: True,
       "experimental_run_functions_eagerly": run_functions_eagerly,
       "experimental_functions_run_eagerly": functions_run_eagerly}, config)

# ``import numnet.linalg`` and ``from numnet.io import gfile`` find the namespaces
for _name in ("linalg", "image", "debugging", "io", "train", "summary", "test", "nest",
              "errors"):
    sys.modules.setdefault(f"{__name__.rsplit('.', 1)[0]}.{_name}", globals()[_name])
del _name

_join({"eig": _tf_linalg.eig, "eigvals": _tf_linalg.eigvals,
       "matrix_square_root": _tf_linalg.sqrtm})
_join({"LogicalDevice": LogicalDevice, "PhysicalDevice": PhysicalDevice}, config)

from . import autodiff as _autodiff  # noqa: E402
from .autodiff.tape import GradientTape as _GradientTape  # noqa: E402

# ``tf.autodiff`` is numnet's engine package (numnet.autodiff): TensorFlow's two names join it
_join({"GradientTape": _GradientTape, "ForwardAccumulator": _tf_control.ForwardAccumulator},
      _autodiff)

signal = _LazyNamespace("numnet.signal", "TensorFlow's ``tf.signal``: frames, windows, FFTs, "
                        "STFT, mel filters (numnet.tf_api.signal).",
                        _members_of("signal", "SIGNAL"))
audio = _LazyNamespace("numnet.audio", "TensorFlow's ``tf.audio``: 16-bit PCM WAV files "
                       "(numnet.tf_api.signal).", _members_of("signal", "AUDIO"))
_join({"signal": signal, "audio": audio})
for _name in ("signal", "audio"):
    sys.modules.setdefault(f"{__name__.rsplit('.', 1)[0]}.{_name}", globals()[_name])
del _name

from .tf_api import lookup as _tf_lookup  # noqa: E402

lookup = _namespace("numnet.lookup", "TensorFlow's ``tf.lookup``: hash tables "
                    "(numnet.tf_api.lookup).", **_tf_lookup.LOOKUP,
                    experimental=_namespace("numnet.lookup.experimental",
                                            "tf.lookup.experimental.",
                                            MutableHashTable=_tf_lookup.MutableHashTable))
_join({"lookup": lookup})
_join(_tf_lookup.SAMPLERS, random)
_join({**_tf_lookup.SAMPLERS, **_tf_lookup.APPROX}, _nn)
_join(_tf_lookup.APPROX, math)
sys.modules.setdefault(f"{__name__.rsplit('.', 1)[0]}.lookup", lookup)

def _optional_class():
    from .data.dataset import Optional

    return Optional


experimental = _LazyNamespace(
    "numnet.experimental", "TensorFlow's ``tf.experimental``: ``numpy``, NumPy's functions on "
    "Tensors (numnet.tf_api.tnp); ``Optional``, a value or nothing (tf.data's).",
    lambda: {"numpy": _namespace(
        "numnet.experimental.numpy", "TensorFlow's ``tf.experimental.numpy`` "
        "(numnet.tf_api.tnp).", **_members_of("tnp", "TNP")()),
        "Optional": _optional_class()})
_join({"experimental": experimental})

from .tf_api import bitwise as _tf_bitwise  # noqa: E402
from .tf_api import sets as _tf_sets  # noqa: E402

bitwise = _namespace("numnet.bitwise", "TensorFlow's ``tf.bitwise``: bit operations on integer "
                     "tensors (numnet.tf_api.bitwise).", **_tf_bitwise.BITWISE)
sets = _namespace("numnet.sets", "TensorFlow's ``tf.sets``: set operations along the last axis "
                  "(numnet.tf_api.sets).", **_tf_sets.SETS)
_join({"bitwise": bitwise, "sets": sets})
for _name in ("bitwise", "sets"):
    sys.modules.setdefault(f"{__name__.rsplit('.', 1)[0]}.{_name}", globals()[_name])
del _name

from .tf_api import ragged as _tf_ragged  # noqa: E402

ragged = _tf_ragged.ragged
_join({"ragged": ragged, **_tf_ragged.TOP})
sys.modules.setdefault(f"{__name__.rsplit('.', 1)[0]}.ragged", ragged)
from . import strings as _strings  # noqa: E402
from .tf_api import strings_tf as _tf_strings  # noqa: E402

_join(_tf_strings.STRINGS, _strings)
_tf_ragged.install(globals(), math, _strings)  # tf.add, tf.reduce_sum, ... take RaggedTensors
_tf_ragged.install({}, _nn, only=_tf_ragged.NN)
_nn.register_activation_names()  # Dense(activation=tf.nn.relu) fuses as "relu"
