"""Tensor: an array, its gradient, and the node of the tape that made it.

An op that builds a Tensor from others records a ``backward(g)`` closure: given the gradient of the
final scalar with respect to this Tensor, it adds each parent's share to ``parent.grad``.
``Tensor.backward()`` orders the tape topologically and runs the closures in reverse, as
micrograd does, only vectorised.
"""

from __future__ import annotations

import contextlib
import itertools
import operator as _operator

import numpy as _numpy

from .. import backend

_grad_enabled = True
_grad_buffers = False
_tape_epoch = 0  # how many GradientTape blocks have begun; each Tensor keeps the count at its birth
_ops = None  # numnet.autodiff.ops, which sets itself here when imported (the operators use it)


@contextlib.contextmanager
def no_grad():
    """Within this block ops record nothing: for inference and for optimizer updates."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


@contextlib.contextmanager
def enable_grad():
    """Within this block ops record again, even inside ``no_grad`` (a gradient that an outer
    GradientTape will differentiate)."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, True
    try:
        yield
    finally:
        _grad_enabled = previous


def grad_enabled() -> bool:
    return _grad_enabled


def needs_grad(value) -> bool:
    """Whether gradients flow into ``value``: a Tensor that needs one, outside ``no_grad``.
    A loss differentiates its target only then (the fused cross-entropy nodes take their
    targets as constants)."""
    return isinstance(value, Tensor) and value.requires_grad and _grad_enabled


@contextlib.contextmanager
def grad_buffers():
    """Within this block a Variable with a ``grad_buffer`` receives its gradient in it (when
    it is its only one), so a training step writes gradients into memory made once, where the
    optimizer reads them, instead of into new arrays. Outside it gradients are new arrays."""
    global _grad_buffers
    previous, _grad_buffers = _grad_buffers, True
    try:
        yield
    finally:
        _grad_buffers = previous


class Shape(tuple):
    """A tensor's shape: a tuple of sizes (None for an axis of any size, in symbolic tensors)
    that also answers TensorFlow's ``TensorShape`` methods, so ``x.shape.as_list()`` and
    ``x.shape.rank`` work as in tf.keras programs. It compares, hashes and indexes as the
    plain tuple it is; a slice is a shape, and ``shape[:-1] + [2]`` (a list or a tuple added)
    too, as TensorShape's.

    Example:
        >>> s = numnet.ones((2, 3)).shape
        >>> s, s.as_list(), s.rank, s.num_elements(), s == (2, 3)
        ((2, 3), [2, 3], 2, 6, True)
    """

    __slots__ = ()

    def __getitem__(self, index):
        out = tuple.__getitem__(self, index)
        return Shape(out) if isinstance(index, slice) else out  # (a slice: a shape, as TF's)

    def __add__(self, other):
        """``shape[:-1] + [units]``: a shape (from a list or tuple too), as TensorShape's."""
        if isinstance(other, (list, tuple)):
            return Shape(tuple(self) + tuple(other))
        return NotImplemented

    def __radd__(self, other):
        if isinstance(other, (list, tuple)):
            return Shape(tuple(other) + tuple(self))
        return NotImplemented

    def as_list(self) -> list:
        """The sizes as a list."""
        return list(self)

    @property
    def rank(self) -> int:
        """The number of axes."""
        return len(self)

    @property
    def ndims(self) -> int:
        """The number of axes (TensorFlow's older name for ``rank``)."""
        return len(self)

    @property
    def dims(self) -> list:
        """The sizes as a list."""
        return list(self)

    def num_elements(self):
        """The number of elements, or None when an axis has no fixed size."""
        if any(d is None for d in self):
            return None
        count = 1
        for d in self:
            count *= int(d)
        return count

    def is_fully_defined(self) -> bool:
        """Whether every axis has a fixed size."""
        return all(d is not None for d in self)

    def is_compatible_with(self, other) -> bool:
        """Whether ``other`` (a shape or list of sizes) could be the same shape: the same rank,
        equal sizes wherever both are known."""
        other = tuple(other)
        return len(other) == len(self) and all(
            a is None or b is None or int(a) == int(b) for a, b in zip(self, other))

    def assert_is_compatible_with(self, other) -> None:
        """Raise ValueError unless ``is_compatible_with(other)``."""
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {tuple(self)} and {tuple(other)} are incompatible.")


_DEFERS: set = set()
"""Types that Tensor's arithmetic gives way to, so that Python calls their reflected operator
(``tensor + rt`` is ``rt.__radd__(tensor)``): RaggedTensor registers itself here."""


class Tensor:
    """An array that remembers how it was computed.

    ``value`` is the array (NumPy or CuPy), ``grad`` its gradient after ``backward()`` (or None).
    A NumPy array given while the device is the GPU is copied there.
    Tensors behave like arrays: ``np.asarray(t)``, ``t.numpy()``, ``t[0]``, ``t.shape``, printing.

    Args:
        value: the array (NumPy, CuPy, a number or a nested list; a NumPy array is copied to the GPU
            when that is the device).
        parents: the Tensors it was computed from (for the backward pass); empty for a leaf.
            Defaults to ``()``.
        backward_fn: ``f(grad)`` giving the gradients of the parents from this tensor's gradient, or
            None for a leaf. Defaults to ``None``.
        requires_grad: whether gradients flow to it; None decides from the parents (a leaf: False).
            Defaults to ``False``.

    Example:
        >>> x = numnet.Tensor(np.array([1.0, 2.0], 'float32'), requires_grad=True)
        >>> y = numnet.ops.sum(x * x)
        >>> y.backward()
        >>> x.grad
        array([2., 4.], dtype=float32)
    """

    __slots__ = ("value", "grad", "parents", "backward_fn", "requires_grad", "logits",
                 "_keras_mask", "_epoch", "__weakref__")
    # Above CuPy's 100: ``cupy_array - tensor`` defers to Tensor.__rsub__ (CuPy compares the
    # priorities of objects without __array_ufunc__), as ``numpy_array - tensor`` does.
    __array_priority__ = 1000

    def __init__(self, value, parents=(), backward_fn=None, requires_grad=False):
        if backend.xp is not _numpy and type(value) is _numpy.ndarray and \
                value.dtype.kind not in "OUS":
            value = backend.xp.asarray(value)  # host data given on the GPU: moved there
        self.value = value
        self.grad = None
        self.parents = parents
        self.backward_fn = backward_fn
        self.requires_grad = requires_grad
        # For the output of a softmax / sigmoid: the Tensor of logits it was computed from, so
        # that a cross-entropy loss on probabilities can take the stable path through the logits.
        self.logits = None
        self._keras_mask = None  # the mask a layer's call gave this output (Keras's attribute)
        self._epoch = _tape_epoch  # made before or inside a tape's block (GradientTape.gradient)

    # ----- array protocol -----
    @property
    def shape(self) -> Shape:
        return Shape(self.value.shape)

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def ndim(self) -> int:
        return self.value.ndim

    @property
    def size(self) -> int:
        return int(self.value.size)

    def numpy(self):
        """The value as a NumPy array (copied to the host from a GPU); a NumPy scalar
        (``numpy.float32(2.0)``) for a 0-d Tensor, as TensorFlow's ``Tensor.numpy()`` gives
        (a Variable gives a 0-d array, as Keras's ``Variable.numpy()``)."""
        out = backend.to_numpy(self.value)
        if isinstance(self, Variable):  # a snapshot: the next assign or step leaves it as it is
            return out.copy() if out is self.value else out
        return out[()] if getattr(out, "ndim", 1) == 0 else out

    def __array__(self, dtype=None, copy=None):
        """NumPy's view of the value: a copy when ``copy=True`` (``np.array(t)``) and, for a
        Variable, unless ``copy=False`` (a snapshot, as TensorFlow's)."""
        out = _numpy.asarray(backend.to_numpy(self.value))  # (numpy() of 0-d is a scalar)
        if copy is False:
            if dtype is not None and out.dtype != _numpy.dtype(dtype):
                raise ValueError("Tensor.__array__(copy=False): a change of dtype needs a copy.")
            return out
        fresh = out is not self.value  # already a copy (from the GPU)
        if dtype is not None and out.dtype != _numpy.dtype(dtype):
            return out.astype(dtype)
        if not fresh and (copy or isinstance(self, Variable)):
            return out.copy()
        return out

    def __len__(self) -> int:
        return len(self.value)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    # ----- a few of a JAX array's methods (Keras's examples on JAX call them) -----
    def reshape(self, *shape) -> Tensor:
        """This tensor in ``shape`` (a tuple, or the sizes as arguments; one may be -1), as
        ``ops.reshape``; differentiable. (``np.reshape(tensor, ...)``, which passes ``order``,
        still gives a NumPy array, as for a TensorFlow tensor.)

        Example:
            >>> numnet.ops.arange(6).reshape(2, 3).shape
            (2, 3)
        """
        ops = _ops
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ops.reshape(self, tuple(int(s) for s in shape))

    def astype(self, dtype) -> Tensor:
        """This tensor cast to ``dtype``, as ``ops.cast``.

        Example:
            >>> numnet.ops.convert_to_tensor([1.7, -0.2]).astype("int32").numpy()
            array([1, 0], dtype=int32)
        """
        ops = _ops
        return ops.cast(self, backend.xp.dtype(dtype))

    def flatten(self) -> Tensor:
        """This tensor as one axis (a copy of the values, as NumPy's ``flatten``)."""
        return self.reshape(-1)

    def ravel(self) -> Tensor:
        """This tensor as one axis."""
        return self.reshape(-1)

    def __round__(self, ndigits=None):
        """round(t, ndigits): a Tensor of the values rounded to ``ndigits`` decimals (half
        to even), as a JAX array's and TensorFlow-NumPy's round; ``round(optimizer.
        learning_rate, 5)`` prints 0.01 as in Keras's examples."""
        return Tensor(backend.xp.round(self.value, ndigits or 0))

    def __index__(self) -> int:
        # an integer scalar Tensor as an index or slice bound (x[:tf.shape(y)[1]]), as
        # TensorFlow's; other Tensors are not indices
        value = self.value
        if getattr(value, "ndim", 1) != 0 or value.dtype.kind not in "iub":
            raise TypeError(f"Only integer scalar Tensors can be used as an index; given a "
                            f"Tensor of shape {self.shape} and dtype {value.dtype}.")
        return int(value)

    def __bool__(self) -> bool:
        if self.value.size != 1:
            raise ValueError(
                f"The truth value of a Tensor of shape {self.shape} is ambiguous: it has "
                f"{self.value.size} elements. Use numnet.ops.any(t) or numnet.ops.all(t), or "
                "compare Tensors by identity (`t is other`) to find one in a list.")
        return bool(self.value)

    def item(self):
        return self.value.item()

    def tolist(self):
        return self.numpy().tolist()

    def __repr__(self) -> str:
        value = self.numpy()
        body = (_numpy.array2string(value, separator=", ") if hasattr(value, "shape")
                else repr(value))
        return f"<Tensor shape={self.shape} dtype={self.dtype}: {body}>"

    def __str__(self) -> str:
        return str(self.numpy())

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return format(self.item(), spec)
        return format(str(self), spec)

    # ----- autodiff -----
    def backward(self, grad=None) -> None:
        """Fill ``.grad`` of every Tensor this one depends on (d self / d that)."""
        xp = backend.xp
        if grad is None:
            if self.value.size != 1:
                raise ValueError(
                    "Tensor.backward(grad): a gradient is needed for a non-scalar Tensor of "
                    f"shape {self.shape}; pass grad= of that shape, or reduce to a scalar first."
                )
            if xp is _numpy:
                self.grad = xp.asarray(1, dtype=self.value.dtype).reshape(self.value.shape)
            else:  # a fill on the device: a copy from the host would wait for the GPU
                self.grad = xp.ones(self.value.shape, dtype=self.value.dtype)
        else:
            self.grad = xp.asarray(getattr(grad, "value", grad), dtype=self.value.dtype)
        for node in reversed(_topological_order(self)):
            if node.grad is not None and node.backward_fn is not None:
                node.backward_fn(node.grad)

    def detach(self) -> Tensor:
        return Tensor(self.value)

    # ----- operators, defined in ops; dtypes as Keras's (int32 tensor + 0.5 is float32) -----
    def __getitem__(self, index):
        ops = _ops
        return ops.getitem(self, index)

    def __add__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.add(*ops.promote(self, other))

    def __radd__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.add(*ops.promote(other, self))

    def __sub__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.subtract(*ops.promote(self, other))

    def __rsub__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.subtract(*ops.promote(other, self))

    def __mul__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.multiply(*ops.promote(self, other))

    def __rmul__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.multiply(*ops.promote(other, self))

    def __truediv__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.true_divide(self, other)

    def __rtruediv__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.true_divide(other, self)

    def __neg__(self):
        ops = _ops
        return ops.negative(self)

    def __pow__(self, exponent):
        if exponent.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.elementwise_power(self, exponent)

    def __rpow__(self, base):
        if base.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.elementwise_power(base, self)

    def __mod__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.mod(self, other)

    def __rmod__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.mod(other, self)

    def __floordiv__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.floor_divide(other, self)

    def __abs__(self):
        ops = _ops
        return ops.abs(self)

    def __matmul__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        ops = _ops
        return ops.matmul(other, self)

    @property
    def T(self):
        ops = _ops
        return ops.transpose(self)

    # ----- comparisons and logic: element-wise, as Keras tensors (a bool Tensor, no gradient) -----
    # ``==`` is element-wise, so a Tensor is never looked up in a list by ``in`` or ``.index``
    # (that compares with ``==``); numnet compares Tensors by identity (``is``, ``id``) instead.
    def _compare(self, other, fn):
        if not _comparable(other):
            return NotImplemented
        ops = _ops
        return ops.compare(self, other, fn)

    def __eq__(self, other):
        if self.value.dtype.kind == "O" and is_text_array(self.value):  # strings an op moved
            return string_tensor(self)._compare_text(other, True)
        return self._compare(other, _operator.eq)

    def __ne__(self, other):
        if self.value.dtype.kind == "O" and is_text_array(self.value):
            return string_tensor(self)._compare_text(other, False)
        return self._compare(other, _operator.ne)

    def __lt__(self, other):
        return self._compare(other, _operator.lt)

    def __le__(self, other):
        return self._compare(other, _operator.le)

    def __gt__(self, other):
        return self._compare(other, _operator.gt)

    def __ge__(self, other):
        return self._compare(other, _operator.ge)

    def __and__(self, other):  # logical for bools, bitwise for ints, as NumPy's &
        if other.__class__ in _DEFERS:
            return NotImplemented
        return self._compare(other, _operator.and_)

    def __rand__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        return self._compare(other, lambda a, b: b & a)

    def __or__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        return self._compare(other, _operator.or_)

    def __ror__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        return self._compare(other, lambda a, b: b | a)

    def __xor__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        return self._compare(other, _operator.xor)

    def __rxor__(self, other):
        if other.__class__ in _DEFERS:
            return NotImplemented
        return self._compare(other, lambda a, b: b ^ a)

    def __invert__(self):
        return Tensor(~self.value)

    __hash__ = object.__hash__


def _comparable(other) -> bool:
    """Whether ``==`` and the like compare with ``other`` element-wise: a Tensor, a number, an
    array or a list; anything else (None, a string, a layer) is simply not equal."""
    return (isinstance(other, (Tensor, int, float, list, tuple, _numpy.ndarray, _numpy.generic))
            or hasattr(other, "__array__") or hasattr(other, "__cuda_array_interface__"))


def _topological_order(root: Tensor) -> list:
    """The nodes ``root`` depends on that have a backward, each after all of its parents (a
    depth-first post-order; leaves, which have nothing to pass on, are left out)."""
    order, seen = [], {id(root)}
    stack = [(root, iter(root.parents))]
    while stack:
        current, parents = stack[-1]
        for parent in parents:
            if parent.backward_fn is not None and id(parent) not in seen:
                seen.add(id(parent))
                stack.append((parent, iter(parent.parents)))
                break
        else:
            stack.pop()
            order.append(current)
    return order


_uids = itertools.count()


class StringTensor(Tensor):
    """A Tensor of strings, as TensorFlow's tf.string tensors: it holds ``bytes`` (UTF-8)
    in an object array, and ``numpy()`` gives them (the ``bytes`` themselves for a single
    string), so ``t.numpy().decode("utf-8")`` reads as in TensorFlow. What ``tf.constant``
    of strings, ``tf.strings`` functions, ``StringLookup(invert=True)`` and a dataset of
    strings give.

    Example:
        >>> t = numnet.constant(["a", "bc"])
        >>> t.numpy().tolist(), numnet.constant("hi").numpy().decode("utf-8")
        ([b'a', b'bc'], 'hi')
    """

    __slots__ = ()

    def numpy(self):
        out = backend.to_numpy(self.value)
        return out.item() if out.ndim == 0 else out

    def tolist(self):
        out = backend.to_numpy(self.value)
        return out.item() if out.ndim == 0 else out.tolist()

    def __getitem__(self, index):
        # strings have no gradient: index the object array itself, and an element comes back
        # as a 0-d string tensor (TensorFlow's), not as the bare ``bytes`` it holds
        if isinstance(index, tuple):
            index = tuple(getattr(part, "value", part) for part in index)
        else:
            index = getattr(index, "value", index)
        out = self.value[index]
        return StringTensor(out) if hasattr(out, "ndim") else string_tensor(out)

    def _compare_text(self, other, equal: bool):
        if isinstance(other, (str, bytes, list, tuple, _numpy.ndarray, _numpy.str_,
                              _numpy.bytes_, Tensor)):
            # element by element against the other's bytes (a str is encoded), as TensorFlow
            same = _numpy.asarray(self.value == string_tensor(other).value, dtype=bool)
            return Tensor(same if equal else ~same)
        return NotImplemented

    def __eq__(self, other):
        return self._compare_text(other, True)

    def __ne__(self, other):
        return self._compare_text(other, False)

    def _joined(self, first, second):
        """Element-wise concatenation of two texts (broadcast), as TensorFlow's ``+`` on
        strings: ``"[start] " + tf.constant("a b")`` is b"[start] a b"."""
        texts = (str, bytes, list, tuple, _numpy.ndarray, _numpy.str_, _numpy.bytes_, Tensor)
        if not isinstance(first, texts) or not isinstance(second, texts):
            return NotImplemented
        out = _numpy.add(string_tensor(first).value, string_tensor(second).value)
        return StringTensor(_numpy.asarray(out, dtype=object))

    def __add__(self, other):
        return self._joined(self, other)

    def __radd__(self, other):
        return self._joined(other, self)

    __hash__ = Tensor.__hash__


def is_text_array(array) -> bool:
    """Whether a NumPy array holds strings (str or bytes, or objects that are)."""
    kind = getattr(getattr(array, "dtype", None), "kind", None)
    if kind in ("U", "S"):
        return True
    if kind != "O" or array.size == 0:
        return False
    first = array.ravel()[0]
    return isinstance(first, (str, bytes))


def string_tensor(value) -> StringTensor:
    """``value`` (bytes, str, or an array or list of them) as a StringTensor of bytes."""
    def as_bytes(item):
        return item.encode("utf-8") if isinstance(item, str) else bytes(item)

    if isinstance(value, StringTensor):
        return value
    if isinstance(value, Tensor):
        value = value.value
    if isinstance(value, (bytes, str, _numpy.str_, _numpy.bytes_)):
        out = _numpy.empty((), dtype=object)
        out[()] = as_bytes(value)
        return StringTensor(out)
    items = _numpy.asarray(value, dtype=object)
    out = _numpy.empty(items.shape, dtype=object)
    out.ravel()[:] = [as_bytes(v) for v in items.ravel().tolist()]
    return StringTensor(out)


class Variable(Tensor):
    """A trainable (or state) array owned by a layer or an optimizer: a leaf of the tape."""

    __slots__ = ("name", "trainable", "path", "uid", "grad_buffer", "constraint")

    def __init__(self, value, name: str = "variable", trainable: bool = True):
        super().__init__(value, requires_grad=trainable)
        self.grad_buffer = None  # an array the optimizer reads gradients from (see grad_buffers)
        self.constraint = None  # fn(value) -> value, applied after each optimizer step
        self.name = name
        self.trainable = trainable
        self.path = name
        self.uid = next(_uids)

    def assign(self, value, use_locking=None, name=None, read_value=True) -> Variable:
        """Copy ``value`` into this variable in place (shape and dtype kept). TensorFlow's
        ``use_locking``, ``name`` and ``read_value`` are accepted (one process: no lock)."""
        value = backend.to_device(getattr(value, "value", value), dtype=self.value.dtype)
        if value.shape != self.value.shape:
            raise ValueError(
                f"Variable.assign(value) for {self.path!r}: expected shape {self.shape}, "
                f"given {tuple(value.shape)}."
            )
        self.value[...] = value
        return self

    def assign_add(self, value, use_locking=None, name=None, read_value=True) -> Variable:
        """Add ``value`` in place (TensorFlow's other arguments accepted, as for assign)."""
        self.value += getattr(value, "value", value)
        return self

    def assign_sub(self, value, use_locking=None, name=None, read_value=True) -> Variable:
        """Subtract ``value`` in place (TensorFlow's other arguments accepted)."""
        self.value -= getattr(value, "value", value)
        return self

    def __repr__(self) -> str:
        return (
            f"<Variable path={self.path!r} shape={self.shape} dtype={self.dtype}, "
            f"value={self.numpy()!r}>"
        )
