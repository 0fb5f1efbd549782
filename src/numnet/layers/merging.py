"""Merge layers: one tensor from a list of tensors, as Keras's Concatenate, Add, Dot, ...

    inputs = [numnet.Input((8,)), numnet.Input((3,))]
    wide_and_deep = numnet.layers.concatenate([Dense(4)(inputs[0]), inputs[1]])  # (None, 7)

Element-wise merges take tensors of one rank whose sizes agree axis by axis, or are 1 (which
broadcasts); Concatenate takes tensors that agree except on its axis; Dot contracts one axis of
each of two tensors. Every merge is made of the engine's own ops, so its gradient is theirs.
"""

from __future__ import annotations

from .. import backend
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from .base import Layer, apply_to_list, is_symbolic_list


def _shape_text(shapes) -> str:
    return "[" + ", ".join(str(tuple(s)) for s in shapes) + "]"


class _Merge(Layer):
    """Base of the merge layers: called on a list of tensors (symbolic or not)."""

    _takes_list = True
    _exactly: int | None = None  # the number of inputs, for the layers that need one
    supports_masking = True

    def __call__(self, inputs, training=None, **kwargs):
        kind = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise TypeError(
                f"{self.name}: {kind} is called on a list of tensors, e.g. "
                f"{kind}()([a, b]); given {type(inputs).__name__}.")
        if is_symbolic_list(inputs):
            return apply_to_list(self, inputs)
        if any(getattr(t, "_symbolic", False) for t in inputs):
            raise TypeError(f"{self.name}: {kind} was given symbolic tensors mixed with "
                            "arrays; give it the tensors of one model (all symbolic) or arrays.")
        xs = [t if isinstance(t, Tensor) else ops.as_tensor(t) for t in inputs]
        if not self.built:
            self._maybe_build([(None,) + tuple(t.shape[1:]) for t in xs])
        # as Layer.__call__: a 16-bit policy computes in its dtype, float32 casts 16-bit up
        xs = [ops.cast(t, self._compute) if t.value.dtype != self._compute and (
            backend.is_float_dtype(t.value.dtype)
            and (self._autocast is not None or t.value.dtype.itemsize < 4)) else t for t in xs]
        return self.call(xs, training=training)

    def _check_list(self, input_shape) -> list[tuple]:
        kind = type(self).__name__
        if not isinstance(input_shape, (list, tuple)) or not all(
                isinstance(s, (list, tuple)) for s in input_shape):
            raise ValueError(f"{self.name}: a {kind} layer should be called on a list of "
                             f"inputs; received input_shape={input_shape!r}.")
        shapes = [tuple(s) for s in input_shape]
        if self._exactly is not None and len(shapes) != self._exactly:
            raise ValueError(
                f"{self.name}: a {kind} layer should be called on exactly {self._exactly} "
                f"inputs; received {len(shapes)}, of shapes {_shape_text(shapes)}.")
        if not shapes:  # one input is allowed, as Keras 3: the merge of one is itself
            raise ValueError(
                f"{self.name}: a {kind} layer should be called on a list of at least 1 "
                "input; received an empty list.")
        return shapes

    def build(self, input_shape) -> None:
        self.compute_output_shape(input_shape)  # the shape checks

    def compute_output_shape(self, input_shape):
        shapes = self._check_list(input_shape)
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(
                f"{self.name}: {type(self).__name__} needs inputs of one rank; received "
                f"shapes {_shape_text(shapes)}. Reshape the inputs to one rank first.")
        out = []
        for sizes in zip(*shapes, strict=True):
            known = {d for d in sizes if d is not None and d != 1}
            if len(known) > 1:
                raise ValueError(
                    f"{self.name}: inputs have incompatible shapes; received shapes "
                    f"{_shape_text(shapes)} (each axis must have one size, or 1).")
            if known:
                out.append(known.pop())
            elif any(d is None for d in sizes):
                out.append(None)
            else:
                out.append(1)
        return tuple(out)

    def call(self, inputs, training: bool = False):
        out = inputs[0]
        for x in inputs[1:]:
            out = self._merge(out, x)
        return out

    def compute_mask(self, inputs, mask=None):
        """The inputs' masks OR-ed, None unless every input has one (as Keras)."""
        if mask is None or any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = out | m
        return out


class Add(_Merge):
    """The element-wise sum of the inputs: Add()([a, b]) = a + b.

    Args:
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Called on a list of tensors of the same shape (batch, ...); the output has that shape.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.Add()([a, b]).numpy()
        array([[4., 7.]], dtype=float32)
    """

    def _merge(self, a, b):
        return ops.add(a, b)


class Subtract(_Merge):
    """The difference of exactly two inputs: Subtract()([a, b]) = a - b.

    Args:
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Called on a list of exactly two tensors of the same shape; the output has that shape.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.Subtract()([a, b]).numpy()
        array([[-2., -3.]], dtype=float32)
    """

    _exactly = 2

    def _merge(self, a, b):
        return ops.subtract(a, b)


class Multiply(_Merge):
    """The element-wise product of the inputs: Multiply()([a, b]) = a * b.

    Args:
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Called on a list of tensors of the same shape (batch, ...); the output has that shape.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.Multiply()([a, b]).numpy()
        array([[ 3., 10.]], dtype=float32)
    """

    def _merge(self, a, b):
        return ops.multiply(a, b)


class Average(_Merge):
    """The element-wise mean of the inputs: Average()([a, b]) = (a + b) / 2.

    Args:
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Called on a list of tensors of the same shape (batch, ...); the output has that shape.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.Average()([a, b]).numpy()
        array([[2. , 3.5]], dtype=float32)
    """

    def call(self, inputs, training: bool = False):
        total = inputs[0]
        for x in inputs[1:]:
            total = ops.add(total, x)
        return ops.multiply(total, 1.0 / len(inputs))


class Maximum(_Merge):
    """The element-wise maximum of the inputs (the gradient goes to the first of equals).

    Args:
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Called on a list of tensors of the same shape (batch, ...); the output has that shape.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.Maximum()([a, b]).numpy()
        array([[3., 5.]], dtype=float32)
    """

    def _merge(self, a, b):
        return ops.maximum(a, b)


class Minimum(_Merge):
    """The element-wise minimum of the inputs (the gradient goes to the first of equals).

    Args:
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Called on a list of tensors of the same shape (batch, ...); the output has that shape.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.Minimum()([a, b]).numpy()
        array([[1., 2.]], dtype=float32)
    """

    def _merge(self, a, b):
        return ops.minimum(a, b)


class Concatenate(_Merge):
    """The inputs joined along ``axis`` (Defaults to -1, the features); they must agree on
    every other axis. Concatenate()([a (None, 4), b (None, 3)]) has shape (None, 7).

    Args:
        axis: the axis the inputs are joined along. Defaults to ``-1``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.Concatenate()([a, b]).numpy()
        array([[1., 2., 3., 5.]], dtype=float32)
    """

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"Concatenate(axis): expected an integer, given {axis!r}.")
        self.axis = axis

    def compute_output_shape(self, input_shape):
        shapes = self._check_list(input_shape)
        rank = len(shapes[0])
        problem = any(len(s) != rank for s in shapes) or not -rank <= self.axis < rank
        axis = self.axis % rank if not problem else 0
        if not problem and axis == 0:
            raise ValueError(f"{self.name}: Concatenate(axis={self.axis}) would join along the "
                             "batch axis; concatenate features along axis=-1 (or another "
                             "non-batch axis).")
        if not problem:
            for i in range(1, rank):
                sizes = {s[i] for s in shapes if s[i] is not None}
                problem = problem or (i != axis and len(sizes) > 1)
        if problem:
            raise ValueError(
                f"{self.name}: a Concatenate layer requires inputs with matching shapes except "
                f"for the concatenation axis (axis={self.axis}); received input_shape="
                f"{_shape_text(shapes)}.")
        out = [next((s[i] for s in shapes if s[i] is not None), None) for i in range(rank)]
        sizes = [s[axis] for s in shapes]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def call(self, inputs, training: bool = False):
        return ops.concatenate(inputs, axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """As Keras: each input's mask spread over its features (all True where it has none),
        joined along ``axis``, then any() over the last axis."""
        if mask is None or all(m is None for m in mask):
            return None
        xp = backend.xp
        masks = []
        for x, m in zip(inputs, mask, strict=True):
            if m is None:
                m = xp.ones(x.shape, bool)
            elif m.ndim < x.ndim:
                m = xp.broadcast_to(m[..., None], x.shape)
            masks.append(m)
        return xp.any(xp.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class Dot(_Merge):
    """The dot product of two inputs along ``axes`` (an int for both, or one for each), per
    sample; with ``normalize=True`` (Defaults to False) each input is first divided by its L2
    norm along its axis, so the result is the cosine similarity.

    Dot(axes=1)([a (None, 4), b (None, 4)]) has shape (None, 1); Dot(axes=2) of (None, n, d)
    and (None, m, d) has shape (None, n, m), as Keras's batch_dot.

    Args:
        axes: the axis of the product: an int for both inputs, or a pair (one for each).
        normalize: L2-normalize both inputs along the axes first, so that the product is the cosine
            similarity. Defaults to ``False``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.Dot(axes=1)([a, b]).numpy()
        array([[13.]], dtype=float32)
    """

    _exactly = 2

    def __init__(self, axes, normalize: bool = False, **kwargs):
        super().__init__(**kwargs)
        pair = tuple(axes) if isinstance(axes, (list, tuple)) else (axes, axes)
        if len(pair) != 2 or any(isinstance(a, bool) or not isinstance(a, int) for a in pair):
            raise TypeError(f"Dot(axes): expected an integer or a pair of integers, given "
                            f"{axes!r}.")
        self.axes = axes if isinstance(axes, int) else list(pair)
        self.normalize = bool(normalize)

    def _axes_of(self, shapes) -> tuple[int, int]:
        axes = []
        for axis, shape in zip((self.axes, self.axes) if isinstance(self.axes, int)
                               else self.axes, shapes, strict=True):
            if not -len(shape) <= axis < len(shape) or axis % len(shape) == 0:
                raise ValueError(
                    f"{self.name}: Dot(axes={self.axes!r}) needs a non-batch axis of each input; "
                    f"received input_shape={_shape_text(shapes)}.")
            axes.append(axis % len(shape))
        return tuple(axes)

    def compute_output_shape(self, input_shape):
        shapes = self._check_list(input_shape)
        a, b = self._axes_of(shapes)
        sa, sb = shapes
        if sa[a] is not None and sb[b] is not None and sa[a] != sb[b]:
            raise ValueError(
                f"{self.name}: incompatible input shapes: axis {a} of the first input has size "
                f"{sa[a]}, axis {b} of the second has size {sb[b]}; received input_shape="
                f"{_shape_text(shapes)}.")
        out = sa[:a] + sa[a + 1:] + sb[1:b] + sb[b + 1:]
        return out if len(out) > 1 else out + (1,)

    def call(self, inputs, training: bool = False):
        x, y = inputs
        a, b = self._axes_of([x.shape, y.shape])
        if self.normalize:
            x, y = _l2_normalize(x, a), _l2_normalize(y, b)
        batch = x.shape[0]
        # x as (batch, rest of x, axis a), y as (batch, axis b, rest of y); then one matmul
        x_order = [0, *(i for i in range(1, x.ndim) if i != a), a]
        y_order = [0, b, *(i for i in range(1, y.ndim) if i != b)]
        xt, yt = ops.transpose(x, x_order), ops.transpose(y, y_order)
        x_rest, y_rest = xt.shape[1:-1], yt.shape[2:]
        out = ops.matmul(ops.reshape(xt, (batch, -1, x.shape[a])),
                         ops.reshape(yt, (batch, y.shape[b], -1)))
        shape = (batch,) + x_rest + y_rest
        return ops.reshape(out, shape if len(shape) > 1 else (batch, 1))

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _l2_normalize(x, axis: int, epsilon: float = 1e-12):
    """x / sqrt(max(sum(x^2, axis), epsilon)), as Keras's l2_normalize."""
    norm = ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), epsilon))
    return ops.divide(x, norm)


def add(inputs, **kwargs):
    """Add()(inputs): the element-wise sum of a list of tensors.

    Args:
        inputs: a list of tensors (symbolic in a functional model, or arrays).
        **kwargs: the Layer arguments (``name``, ...).

    Returns:
        The output of ``Add(**kwargs)(inputs)``.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.add([a, b]).numpy()
        array([[4., 7.]], dtype=float32)
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Subtract()(inputs): the difference of two tensors.

    Args:
        inputs: a list of tensors (symbolic in a functional model, or arrays).
        **kwargs: the Layer arguments (``name``, ...).

    Returns:
        The output of ``Subtract(**kwargs)(inputs)``.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.subtract([a, b]).numpy()
        array([[-2., -3.]], dtype=float32)
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Multiply()(inputs): the element-wise product of a list of tensors.

    Args:
        inputs: a list of tensors (symbolic in a functional model, or arrays).
        **kwargs: the Layer arguments (``name``, ...).

    Returns:
        The output of ``Multiply(**kwargs)(inputs)``.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.multiply([a, b]).numpy()
        array([[ 3., 10.]], dtype=float32)
    """
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Average()(inputs): the element-wise mean of a list of tensors.

    Args:
        inputs: a list of tensors (symbolic in a functional model, or arrays).
        **kwargs: the Layer arguments (``name``, ...).

    Returns:
        The output of ``Average(**kwargs)(inputs)``.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.average([a, b]).numpy()
        array([[2. , 3.5]], dtype=float32)
    """
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Maximum()(inputs): the element-wise maximum of a list of tensors.

    Args:
        inputs: a list of tensors (symbolic in a functional model, or arrays).
        **kwargs: the Layer arguments (``name``, ...).

    Returns:
        The output of ``Maximum(**kwargs)(inputs)``.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.maximum([a, b]).numpy()
        array([[3., 5.]], dtype=float32)
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Minimum()(inputs): the element-wise minimum of a list of tensors.

    Args:
        inputs: a list of tensors (symbolic in a functional model, or arrays).
        **kwargs: the Layer arguments (``name``, ...).

    Returns:
        The output of ``Minimum(**kwargs)(inputs)``.

    Example:
        >>> a, b = np.array([[1.0, 2.0]], 'float32'), np.array([[3.0, 5.0]], 'float32')
        >>> numnet.layers.minimum([a, b]).numpy()
        array([[1., 2.]], dtype=float32)
    """
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis: int = -1, **kwargs):
    """Concatenate(axis)(inputs): a list of tensors joined along ``axis``.

    Args:
        inputs: a list of tensors.
        axis: the axis they are joined along. Defaults to ``-1``.
        **kwargs: the Layer arguments (``name``, ...).

    Returns:
        The output of ``Concatenate(axis, **kwargs)(inputs)``.
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, normalize: bool = False, **kwargs):
    """Dot(axes, normalize)(inputs): the per-sample dot product of two tensors.

    Args:
        inputs: a list of two tensors.
        axes: the axes of the product (see Dot). Defaults to ``-1``.
        normalize: L2-normalize the inputs first. Defaults to ``False``.
        **kwargs: the Layer arguments (``name``, ...).

    Returns:
        The output of ``Dot(axes, normalize, **kwargs)(inputs)``.
    """
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


__all__ = ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract",
           "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]
