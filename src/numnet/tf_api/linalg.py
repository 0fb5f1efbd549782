"""TensorFlow's ``tf.linalg``: matrix functions over the last two axes (leading axes are a
batch), with gradients where TensorFlow has them: inv, det, slogdet, logdet, solve,
triangular_solve, cholesky, cholesky_solve, eigh, eigvalsh, expm, lstsq, qr, svd, pinv and
the shaping functions (band_part, diag, set_diag, trace, ...). eig is forward only.

    a = tf.constant([[4.0, 2.0], [2.0, 3.0]])
    tf.linalg.cholesky(a)          # [[2, 0], [1, 1.414]]
    tf.linalg.solve(a, [[2.0], [1.0]])

Why one file: TensorFlow's namespace is flat; each function is a few lines with its gradient.
"""

from __future__ import annotations

import collections

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from ..autodiff import tensor as _tensor
from ..ops import linalg as _keras_linalg
from .array import einsum, tensordot
from .base import array, axis_of, pair, plain, to_float, to_tensor
from .errors import InvalidArgumentError


def _xp():
    return backend.xp


def _t(v):
    return _xp().swapaxes(v, -1, -2)


def _square(x: Tensor, where: str) -> None:
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise InvalidArgumentError(None, None, f"{where}: expected square matrices (..., n, n), "
                                               f"given shape {x.shape}.")


def _joint(values, parents, backward) -> list:
    """Tensors of ``values`` sharing one backward: ``backward(grads)`` gets the gradient of
    each output (None where it got none) once all of them have arrived."""
    if not (_tensor.grad_enabled() and any(p.requires_grad for p in parents)):
        return [Tensor(v) for v in values]
    upstream = [None] * len(values)
    joint = Tensor(_xp().zeros((), dtype=np.float32), tuple(parents), None, True)

    def joint_backward(_):
        grads = list(upstream)
        upstream[:] = [None] * len(values)
        backward(grads)

    joint.backward_fn = joint_backward
    outputs = []
    for k, v in enumerate(values):
        def out_backward(g, k=k):
            upstream[k] = g if upstream[k] is None else upstream[k] + g
            _ops.accumulate(joint, _xp().zeros((), dtype=np.float32))

        outputs.append(Tensor(v, (joint,), out_backward, True))
    return outputs


# ----------------------------------------------------------------------------- shaping


def matrix_transpose(a, name="matrix_transpose", conjugate=False) -> Tensor:
    """``a`` with its last two axes swapped.

    Args:
        a: a Tensor of rank >= 2.
        name: ignored. Defaults to ``"matrix_transpose"``.
        conjugate: also conjugate (complex numbers). Defaults to ``False``.

    Example:
        >>> numnet.linalg.matrix_transpose([[1, 2, 3]]).shape
        (3, 1)
    """
    x = to_tensor(a)
    perm = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    out = _ops.transpose(x, perm) if x.dtype.kind in "fc" else Tensor(_t(x.value).copy())
    return Tensor(_xp().conj(out.value)) if conjugate and x.dtype.kind == "c" else out


def adjoint(matrix, name=None) -> Tensor:
    """The conjugate transpose of the last two axes (the transpose for real numbers).

    Args:
        matrix: a Tensor of rank >= 2.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.adjoint([[1.0, 2.0]]).tolist()
        [[1.0], [2.0]]
    """
    return matrix_transpose(matrix, conjugate=True)


def band_part(input, num_lower, num_upper, name=None) -> Tensor:  # noqa: A002
    """``input`` with entries outside a band set to 0: kept where (i - j) <= num_lower and
    (j - i) <= num_upper (-1: no limit). ``band_part(x, -1, 0)`` is the lower triangle.

    Args:
        input: a Tensor of rank >= 2.
        num_lower: subdiagonals kept (-1 for all).
        num_upper: superdiagonals kept (-1 for all).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.band_part(numnet.ones((3, 3)), 0, 1).numpy().tolist()
        [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]]
    """
    x = to_tensor(input)
    low, up = int(plain(num_lower)), int(plain(num_upper))
    m, n = x.shape[-2:]
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    keep = np.ones((m, n), dtype=bool)
    if low >= 0:
        keep &= (i - j) <= low
    if up >= 0:
        keep &= (j - i) <= up
    mask = backend.to_device(keep)
    if x.dtype.kind not in "fc":
        return Tensor(_xp().where(mask, x.value, 0).astype(x.dtype))
    return _ops.multiply(x, Tensor(mask.astype(x.dtype)))


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT") -> Tensor:  # noqa: A002
    """The diagonal (offset ``k``) of the last two axes: shape (..., min(m, n)).

    Args:
        input: a Tensor of rank >= 2.
        name: ignored. Defaults to ``"diag_part"``.
        k: the diagonal's offset (positive: above), or (low, high) for a band: then the
            result is (..., high - low + 1, longest), diagonal ``high`` first. Defaults to
            ``0``.
        padding_value: a band's shorter diagonals are padded with it. Defaults to ``0``.
        align: where a band's shorter diagonals sit: "RIGHT_LEFT" (superdiagonals right,
            subdiagonals left), "LEFT_RIGHT", "LEFT_LEFT" or "RIGHT_RIGHT". Defaults to
            ``"RIGHT_LEFT"``.

    Example:
        >>> numnet.linalg.diag_part([[1.0, 2.0], [3.0, 4.0]]).tolist()
        [1.0, 4.0]
    """
    x = to_tensor(input)
    kk = np.asarray(plain(k)).reshape(-1).tolist()
    if len(kk) == 2 and kk[0] != kk[1]:
        return _band_part_of(x, int(kk[0]), int(kk[1]), padding_value, align)
    k = int(kk[0])
    rearrange = lambda v: _xp().diagonal(v, offset=k, axis1=-2, axis2=-1).copy()  # noqa: E731
    return _ops.regather(x, rearrange) if x.dtype.kind in "fc" else Tensor(rearrange(x.value))


def _band_part_of(x: Tensor, low: int, high: int, padding_value, align) -> Tensor:
    """diag_part with k=(low, high): (..., high - low + 1, longest), diagonal ``high``
    first, the shorter ones placed by ``align`` and padded with ``padding_value``."""
    m, n = x.shape[-2:]
    rows, cols, src = _band(m, n, low, high, align, None)
    count, width = high - low + 1, _band_width(m, n, low, high)

    def rearrange(v, fill=0):
        out = _xp().full(v.shape[:-2] + (count * width,), fill, dtype=v.dtype)
        out[..., src] = v[..., rows, cols]
        return out.reshape(v.shape[:-2] + (count, width))

    value = rearrange(x.value, plain(padding_value))
    if x.dtype.kind in "fc":
        return _ops.regather(x, rearrange, value=value)
    return Tensor(value)


def _band_width(m: int, n: int, low: int, high: int) -> int:
    return max(min(m + min(0, d), n - max(0, d)) for d in range(low, high + 1))


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
         align="RIGHT_LEFT") -> Tensor:
    """Square matrices with ``diagonal`` (..., n) on their main diagonal (or offset ``k``),
    zeros elsewhere: shape (..., n + |k|, n + |k|) (``tf.linalg.diag``, matrix_diag).

    Args:
        diagonal: the diagonals, (..., n).
        name: ignored. Defaults to ``"diag"``.
        k: the offset, or (low, high) for a band: then ``diagonal`` is (..., high - low + 1,
            longest), diagonal ``high`` first. Defaults to ``0``.
        num_rows: a band's rows (-1: square, from the diagonals). Defaults to ``-1``.
        num_cols: a band's columns, likewise. Defaults to ``-1``.
        padding_value: the value off the diagonal. Defaults to ``0``.
        align: where a band's shorter diagonals sit (as set_diag). Defaults to
            ``"RIGHT_LEFT"``.

    Example:
        >>> numnet.linalg.diag([1.0, 2.0]).tolist()
        [[1.0, 0.0], [0.0, 2.0]]
    """
    d = to_tensor(diagonal)
    kk = np.asarray(plain(k)).reshape(-1).tolist()
    if len(kk) == 2 and kk[0] != kk[1]:
        low, high = int(kk[0]), int(kk[1])
        width = d.shape[-1]
        size = width + (0 if low <= 0 <= high else min(abs(low), abs(high)))
        rows = size if int(plain(num_rows)) == -1 else int(plain(num_rows))
        cols = size if int(plain(num_cols)) == -1 else int(plain(num_cols))
        base = Tensor(_xp().full(d.shape[:-2] + (rows, cols), plain(padding_value),
                                 dtype=d.dtype))
        return set_diag(base, d, k=(low, high), align=align)
    k = int(kk[0])
    n = d.shape[-1] + abs(k)
    out = _ops.regather(d, lambda v: _zero_padded(v, n, k)) if d.dtype.kind in "fc" else \
        Tensor(_zero_padded(d.value, n, k))
    if padding_value:
        off = (1 - _zero_padded(_xp().ones_like(d.value), n, k)) * padding_value
        out = _ops.add(out, Tensor(off.astype(d.dtype))) if d.dtype.kind in "fc" else Tensor(
            out.value + off.astype(d.dtype))
    return out


def _zero_padded(v, n, k):
    xp = _xp()
    out = xp.zeros(v.shape[:-1] + (n, n), dtype=v.dtype)
    idx = np.arange(v.shape[-1])
    rows, cols = (idx, idx + k) if k >= 0 else (idx - k, idx)
    out[..., rows, cols] = v
    return out


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT") -> Tensor:  # noqa: A002
    """``input`` with its main diagonal (offset ``k``) replaced by ``diagonal``.

    Args:
        input: a Tensor of rank >= 2.
        diagonal: the new diagonal, (..., min(m, n)).
        name: ignored. Defaults to ``"set_diag"``.
        k: the offset, or (low, high) for a band of diagonals: then ``diagonal`` is
            (..., high - low + 1, longest), diagonal ``high`` first. Defaults to ``0``.
        align: where a band's shorter diagonals sit in their rows: "RIGHT_LEFT" (TensorFlow's
            default: superdiagonals right, subdiagonals left), "LEFT_RIGHT", "LEFT_LEFT" or
            "RIGHT_RIGHT". Defaults to ``"RIGHT_LEFT"``.

    Example:
        >>> numnet.linalg.set_diag(numnet.zeros((2, 2)), [5.0, 6.0]).tolist()
        [[5.0, 0.0], [0.0, 6.0]]
    """
    x, d = pair(input, diagonal)
    m, n = x.shape[-2:]
    kk = np.asarray(plain(k)).reshape(-1).tolist()
    if len(kk) == 2 and kk[0] != kk[1]:
        rows, cols, src = _band(m, n, int(kk[0]), int(kk[1]), align, tuple(d.shape))
        d = _ops.regather(d, lambda v: v.reshape(v.shape[:-2] + (-1,))[..., src]) if \
            d.dtype.kind in "fc" else Tensor(d.value.reshape(d.shape[:-2] + (-1,))[..., src])
    else:
        k = int(kk[0])
        idx = np.arange(d.shape[-1])
        rows, cols = (idx, idx + k) if k >= 0 else (idx - k, idx)
    mask = np.zeros((m, n), dtype=bool)
    mask[rows, cols] = True
    mask = backend.to_device(mask)
    placed = _ops.regather(d, lambda v: _placed(v, m, n, rows, cols)) if d.dtype.kind in "fc" \
        else Tensor(_placed(d.value, m, n, rows, cols))
    if x.dtype.kind not in "fc":
        return Tensor(_xp().where(mask, placed.value, x.value))
    return _ops.add(_ops.multiply(x, Tensor((~mask).astype(x.dtype))), placed)


def _band(m: int, n: int, low: int, high: int, align, shape: tuple):
    """The cells of the diagonals low..high of an (m, n) matrix and, for each, its position
    in the flattened (num_diags, max_len) diagonals (diagonal ``high`` first), TensorFlow's
    layout: a diagonal shorter than max_len sits left or right as ``align`` says (its first
    word for superdiagonals, the second for subdiagonals)."""
    if low > high:
        raise ValueError(f"set_diag(k): expected (low, high) with low <= high, given "
                         f"({low}, {high}).")
    aligns = {"RIGHT_LEFT": ("RIGHT", "LEFT"), "LEFT_RIGHT": ("LEFT", "RIGHT"),
              "LEFT_LEFT": ("LEFT", "LEFT"), "RIGHT_RIGHT": ("RIGHT", "RIGHT")}
    if str(align).upper() not in aligns:
        raise ValueError(f"set_diag(align): expected one of {sorted(aligns)}, given {align!r}.")
    sup, sub = aligns[str(align).upper()]
    lengths = {d: min(m + min(0, d), n - max(0, d)) for d in range(low, high + 1)}
    width = max(lengths.values())
    if shape is not None and tuple(shape[-2:]) != (high - low + 1, width):
        raise InvalidArgumentError(
            None, None, f"set_diag(diagonal): for k=({low}, {high}) of a ({m}, {n}) matrix "
            f"expected the last two axes ({high - low + 1}, {width}), given shape {shape}.")
    rows, cols, src = [], [], []
    for i, d in enumerate(range(high, low - 1, -1)):
        length = lengths[d]
        side = sup if d >= 0 else sub
        start = width - length if side == "RIGHT" else 0
        for j in range(length):
            rows.append(j - min(0, d))
            cols.append(j + max(0, d))
            src.append(i * width + start + j)
    return np.asarray(rows), np.asarray(cols), np.asarray(src)


def _placed(v, m, n, rows, cols):
    out = _xp().zeros(v.shape[:-1] + (m, n), dtype=v.dtype)
    out[..., rows, cols] = v
    return out


def tensor_diag(diagonal, name=None) -> Tensor:
    """The tensor of rank 2k with ``diagonal`` (rank k) on its diagonal:
    out[i1..ik, i1..ik] = diagonal[i1..ik].

    Args:
        diagonal: a Tensor of any rank.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.tensor_diag([1.0, 2.0]).tolist()
        [[1.0, 0.0], [0.0, 2.0]]
    """
    d = to_tensor(diagonal)
    shape = d.shape

    def rearrange(v):
        flat = v.reshape(-1)
        out = _xp().zeros((flat.size, flat.size), dtype=v.dtype)
        out[np.arange(flat.size), np.arange(flat.size)] = flat
        return out.reshape(shape + shape)

    return _ops.regather(d, rearrange) if d.dtype.kind in "fc" else Tensor(rearrange(d.value))


def tensor_diag_part(input, name=None) -> Tensor:  # noqa: A002
    """The diagonal of a tensor of shape s + s: out[i...] = input[i..., i...].

    Args:
        input: a Tensor of even rank whose two halves have one shape.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.tensor_diag_part([[1.0, 2.0], [3.0, 4.0]]).tolist()
        [1.0, 4.0]
    """
    x = to_tensor(input)
    half = x.ndim // 2
    shape = x.shape[:half]
    size = int(np.prod(shape, dtype=np.int64))

    def rearrange(v):
        return v.reshape(size, size)[np.arange(size), np.arange(size)].reshape(shape)

    return _ops.regather(x, rearrange) if x.dtype.kind in "fc" else Tensor(rearrange(x.value))


def trace(x, name=None) -> Tensor:
    """The sum of the diagonal of the last two axes.

    Args:
        x: a Tensor of rank >= 2.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.linalg.trace([[1.0, 2.0], [3.0, 4.0]]))
        5.0
    """
    d = diag_part(x)
    return _ops.sum(d, axis=-1) if d.dtype.kind in "fc" else Tensor(d.value.sum(axis=-1))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=np.float32, name=None) -> Tensor:
    """The identity matrix (num_rows x num_columns), repeated over ``batch_shape``.

    Args:
        num_rows: rows.
        num_columns: columns; None for square. Defaults to ``None``.
        batch_shape: leading axes, or None. Defaults to ``None``.
        dtype: the dtype. Defaults to ``tf.float32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.eye(2).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    out = _xp().eye(int(num_rows), None if num_columns is None else int(num_columns),
                    dtype=np.dtype(dtype))
    if batch_shape is not None:
        out = _xp().broadcast_to(out, tuple(plain(batch_shape)) + out.shape).copy()
    return Tensor(out)


# ----------------------------------------------------------------------------- products


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None) -> Tensor:
    """a @ b over the last two axes (batched over the leading ones), after transposing a
    and / or b when asked.

    Args:
        a: a Tensor (..., m, k).
        b: a Tensor (..., k, n).
        transpose_a: transpose a first. Defaults to ``False``.
        transpose_b: transpose b first. Defaults to ``False``.
        adjoint_a: conjugate-transpose a first. Defaults to ``False``.
        adjoint_b: conjugate-transpose b first. Defaults to ``False``.
        a_is_sparse: accepted. Defaults to ``False``.
        b_is_sparse: accepted. Defaults to ``False``.
        output_type: accepted. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.matmul([[1.0, 2.0]], [[3.0], [4.0]]).tolist()
        [[11.0]]
    """
    a, b = pair(a, b)
    if transpose_a or adjoint_a:
        a = matrix_transpose(a, conjugate=bool(adjoint_a))
    if transpose_b or adjoint_b:
        b = matrix_transpose(b, conjugate=bool(adjoint_b))
    return _ops.matmul(a, b)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None) -> Tensor:
    """a @ b for matrices a (..., m, n) and vectors b (..., n): shape (..., m).

    Args:
        a: the matrices.
        b: the vectors.
        transpose_a: transpose a first. Defaults to ``False``.
        adjoint_a: conjugate-transpose a first. Defaults to ``False``.
        a_is_sparse: accepted. Defaults to ``False``.
        b_is_sparse: accepted. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.matvec([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0]).tolist()
        [3.0, 7.0]
    """
    a, b = pair(a, b)
    out = matmul(a, _ops.reshape(b, b.shape + (1,)), transpose_a=transpose_a,
                 adjoint_a=adjoint_a)
    return _ops.reshape(out, out.shape[:-1])


def cross(a, b, name=None) -> Tensor:
    """The cross product of 3-vectors along the last axis; the gradient reaches both.

    Args:
        a: vectors (..., 3).
        b: vectors (..., 3).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]).tolist()
        [0.0, 0.0, 1.0]
    """
    a, b = pair(a, b)
    parts = []
    for i, j in ((1, 2), (2, 0), (0, 1)):
        parts.append(_ops.subtract(_ops.multiply(a[..., i], b[..., j]),
                                   _ops.multiply(a[..., j], b[..., i])))
    return _ops.stack(parts, axis=-1)


# ----------------------------------------------------------------------------- decompositions


def inv(input, adjoint=False, name=None) -> Tensor:  # noqa: A002
    """The inverse of each square matrix; d a = -inv^T g inv^T.

    Args:
        input: square matrices (..., n, n).
        adjoint: invert the adjoint instead. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.inv([[2.0, 0.0], [0.0, 4.0]]).tolist()
        [[0.5, 0.0], [0.0, 0.25]]
    """
    x = to_float(input)
    _square(x, "inv")
    return _ops.inv(matrix_transpose(x) if adjoint else x)


def det(input, name=None) -> Tensor:  # noqa: A002
    """The determinant of each square matrix; d a = g det(a) inv(a)^T.

    Args:
        input: square matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.linalg.det([[1.0, 2.0], [3.0, 4.0]]))
        -2.0
    """
    x = to_float(input)
    _square(x, "det")
    return _ops.det(x)


Slogdet = collections.namedtuple("Slogdet", ["sign", "log_abs_determinant"])


def slogdet(input, name=None) -> Slogdet:  # noqa: A002
    """(sign, log |det|) of each square matrix, stable where det under- or overflows;
    d a = g inv(a)^T for the log (the sign has no gradient).

    Args:
        input: square matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> s, l = numnet.linalg.slogdet([[1.0, 2.0], [3.0, 4.0]])
        >>> float(s), round(float(l), 4)
        (-1.0, 0.6931)
    """
    x = to_float(input)
    _square(x, "slogdet")
    xp = _xp()
    sign, logdet_value = xp.linalg.slogdet(x.value)

    def backward(g):
        _ops.accumulate(x, g[..., None, None] * _t(xp.linalg.inv(x.value)))

    log_abs = _ops.node(logdet_value.astype(x.dtype), (x,), backward)
    return Slogdet(Tensor(sign.astype(x.dtype)), log_abs)


def logdet(matrix, name=None) -> Tensor:
    """log det of Hermitian positive-definite matrices, as 2 sum(log diag(cholesky)).

    Args:
        matrix: positive-definite matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.linalg.logdet([[4.0, 0.0], [0.0, 1.0]])), 4)
        1.3863
    """
    chol = cholesky(matrix)
    return _ops.multiply(_ops.sum(_ops.log(diag_part(chol)), axis=-1), 2.0)


def cholesky(input, name=None) -> Tensor:  # noqa: A002
    """The lower-triangular L with L L^T = input, for symmetric positive-definite matrices.
    Gradient as TensorFlow's: d a = sym(L^-T Phi(L^T g) L^-1) / 2, Phi the lower triangle
    with the diagonal halved.

    Args:
        input: symmetric positive-definite matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Raises:
        InvalidArgumentError: a matrix is not positive definite.

    Example:
        >>> numnet.linalg.cholesky(np.array([[4.0, 2.0], [2.0, 3.0]])).numpy().round(4).tolist()
        [[2.0, 0.0], [1.0, 1.4142]]
    """
    x = to_float(input)
    _square(x, "cholesky")
    xp = _xp()
    try:
        chol = xp.linalg.cholesky(x.value)
    except np.linalg.LinAlgError as e:
        raise InvalidArgumentError(None, None, f"cholesky: the input is not positive definite "
                                               f"({e}).") from None
    n = x.shape[-1]

    def backward(g):
        eye_n = xp.eye(n, dtype=chol.dtype)
        l_inv = xp.linalg.solve(chol, xp.broadcast_to(eye_n, chol.shape))
        middle = _t(chol) @ g
        middle = xp.tril(middle) - 0.5 * (eye_n * middle)
        grad = _t(l_inv) @ middle @ l_inv
        _ops.accumulate(x, 0.5 * (grad + _t(grad)))

    return _ops.node(chol, (x,), backward)


def lu(input, output_idx_type=np.int32, name=None):  # noqa: A002
    """The LU decomposition with partial pivoting of square matrices, as TensorFlow's
    ``tf.linalg.lu`` (forward only): ``(lower_upper, perm)`` with L (unit diagonal, below)
    and U packed in one matrix and ``input[..., perm, :] = L @ U``.

    Args:
        input: square matrices (..., n, n).
        output_idx_type: perm's dtype, tf.int32 or tf.int64. Defaults to ``tf.int32``.
        name: ignored. Defaults to ``None``.

    Returns:
        ``(lower_upper, perm)``.

    Example:
        >>> lower_upper, perm = numnet.linalg.lu(numnet.constant([[1.0, 2.0], [3.0, 4.0]],
        ...                                                      numnet.float64))
        >>> lower_upper.numpy().round(4).tolist(), perm.numpy().tolist()
        ([[3.0, 4.0], [0.3333, 0.6667]], [1, 0])
    """
    import scipy.linalg

    a = np.asarray(array(to_float(input)))
    n = a.shape[-1]
    if a.ndim < 2 or a.shape[-2] != n:
        raise InvalidArgumentError(None, None, f"lu(input): expected square matrices "
                                               f"(..., n, n), given shape {a.shape}.")
    flat = a.reshape(-1, n, n)
    packed = np.empty_like(flat)
    perms = np.empty((flat.shape[0], n), dtype=np.dtype(output_idx_type))
    for i, m in enumerate(flat):
        packed[i], pivots = scipy.linalg.lu_factor(m, check_finite=False)
        order = np.arange(n)
        for row, other in enumerate(pivots):  # LAPACK's row swaps as a permutation
            order[[row, other]] = order[[other, row]]
        perms[i] = order
    return (Tensor(backend.to_device(packed.reshape(a.shape))),
            Tensor(backend.to_device(perms.reshape(a.shape[:-1]))))


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None) -> Tensor:
    """The matrices ``lu`` decomposed: P^T L U from its packed ``lower_upper`` and ``perm``.

    Args:
        lower_upper: the packed L and U (..., n, n).
        perm: the permutation (..., n).
        validate_args: accepted. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.lu_reconstruct(*numnet.linalg.lu([[1.0, 2.0], [3.0, 4.0]])).tolist()
        [[1.0, 2.0], [3.0, 4.0]]
    """
    packed = np.asarray(array(lower_upper))
    order = np.asarray(array(perm)).astype(np.int64)
    n = packed.shape[-1]
    lower = np.tril(packed, -1) + np.eye(n, dtype=packed.dtype)
    product = lower @ np.triu(packed)
    out = np.empty_like(product)
    np.put_along_axis(out, np.broadcast_to(order[..., None], product.shape), product, axis=-2)
    return Tensor(backend.to_device(out))


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None) -> Tensor:
    """x with A x = rhs for A given by ``lu``'s ``(lower_upper, perm)``.

    Args:
        lower_upper: the packed L and U (..., n, n).
        perm: the permutation (..., n).
        rhs: right-hand sides (..., n, k).
        validate_args: accepted. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> lower_upper, perm = numnet.linalg.lu([[2.0, 0.0], [0.0, 4.0]])
        >>> numnet.linalg.lu_solve(lower_upper, perm, [[2.0], [4.0]]).numpy().tolist()
        [[1.0], [1.0]]
    """
    return _ops.solve(to_float(lu_reconstruct(lower_upper, perm)), to_float(rhs))


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None) -> Tensor:
    """The inverse of A given by ``lu``'s ``(lower_upper, perm)``.

    Example:
        >>> numnet.linalg.lu_matrix_inverse(*numnet.linalg.lu([[2.0, 0.0], [0.0, 4.0]])).tolist()
        [[0.5, 0.0], [0.0, 0.25]]
    """
    a = np.asarray(array(lu_reconstruct(lower_upper, perm)))
    return Tensor(backend.to_device(np.linalg.inv(a)))


def banded_triangular_solve(bands, rhs, lower=True, adjoint=False, name=None) -> Tensor:
    """x with A @ x = rhs for a banded triangular A given by its ``bands`` (TensorFlow's
    layout: (..., K, N), the K diagonals of A, as ``set_diag(zeros, bands, k=(-(K - 1), 0),
    align="LEFT_RIGHT")`` places them for a lower A, ``k=(0, K - 1)`` for an upper one).

    Args:
        bands: (..., K, N) the diagonals.
        rhs: (..., N, M) the right-hand sides.
        lower: whether A is lower triangular. Defaults to ``True``.
        adjoint: solve A^T x = rhs instead. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Returns:
        x, (..., N, M). The gradient reaches both arguments.

    Example:
        >>> x = numnet.linalg.banded_triangular_solve([[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]],
        ...                                           numnet.ones([3, 1]))
        >>> x.numpy().ravel().tolist()
        [0.5, 0.0, 0.25]
    """
    b = to_tensor(bands)
    count, size = b.shape[-2:]
    k = (-(count - 1), 0) if lower else (0, count - 1)
    zeros = Tensor(_xp().zeros(b.shape[:-2] + (size, size), dtype=b.dtype))
    if count == 1:  # the main diagonal alone
        matrix = set_diag(zeros, _ops.getitem(b, (Ellipsis, 0, slice(None))))
    else:
        matrix = set_diag(zeros, b, k=k, align="LEFT_RIGHT")
    return triangular_solve(matrix, rhs, lower=lower, adjoint=adjoint)


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None) -> Tensor:
    """x with matrix @ x = rhs for triangular ``matrix`` (lower by default; only that
    triangle is read); ``adjoint`` solves matrix^T x = rhs. The gradient reaches both (the
    matrix's only in its triangle).

    Args:
        matrix: triangular matrices (..., n, n).
        rhs: right-hand sides (..., n, k).
        lower: whether the matrix is lower triangular. Defaults to ``True``.
        adjoint: solve with the transpose. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.triangular_solve([[2.0, 0.0], [1.0, 1.0]], [[2.0], [3.0]]).tolist()
        [[1.0], [2.0]]
    """
    a, b = pair(to_float(matrix), to_float(rhs))
    tri = band_part(a, -1, 0) if lower else band_part(a, 0, -1)
    return _ops.solve(matrix_transpose(tri) if adjoint else tri, b)


def cholesky_solve(chol, rhs, name=None) -> Tensor:
    """x with A x = rhs, given chol = cholesky(A): two triangular solves.

    Args:
        chol: lower Cholesky factors (..., n, n).
        rhs: right-hand sides (..., n, k).
        name: ignored. Defaults to ``None``.

    Example:
        >>> c = numnet.linalg.cholesky([[4.0, 2.0], [2.0, 3.0]])
        >>> numnet.linalg.cholesky_solve(c, [[6.0], [5.0]]).numpy().round(4).tolist()
        [[1.0], [1.0]]
    """
    y = triangular_solve(chol, rhs, lower=True)
    return triangular_solve(chol, y, lower=True, adjoint=True)


def solve(matrix, rhs, adjoint=False, name=None) -> Tensor:
    """x with matrix @ x = rhs (``adjoint``: matrix^T x = rhs); the gradient reaches both.

    Args:
        matrix: square matrices (..., n, n).
        rhs: right-hand sides (..., n, k).
        adjoint: solve with the transpose. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.solve([[2.0, 0.0], [0.0, 4.0]], [[2.0], [4.0]]).tolist()
        [[1.0], [1.0]]
    """
    a, b = pair(to_float(matrix), to_float(rhs))
    _square(a, "solve")
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise InvalidArgumentError(None, None, f"solve(rhs): expected shape (..., "
                                               f"{a.shape[-1]}, k), given {b.shape}.")
    return _ops.solve(matrix_transpose(a) if adjoint else a, b)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None) -> Tensor:
    """The least-squares solution of matrix @ x = rhs: (A^T A + l2 I)^-1 A^T rhs (the normal
    equations, TensorFlow's fast path), differentiable in both.

    Args:
        matrix: matrices (..., m, n), m >= n.
        rhs: right-hand sides (..., m, k).
        l2_regularizer: ridge term. Defaults to ``0.0``.
        fast: accepted as TensorFlow's. Defaults to ``True``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.lstsq([[1.0], [1.0]], [[1.0], [3.0]]).tolist()
        [[2.0]]
    """
    a, b = pair(to_float(matrix), to_float(rhs))
    gram = matmul(a, a, transpose_a=True)
    if float(l2_regularizer):
        gram = _ops.add(gram, Tensor(_xp().eye(a.shape[-1], dtype=a.dtype) *
                                     a.dtype.type(l2_regularizer)))
    return _ops.solve(gram, matmul(a, b, transpose_a=True))


Eigh = collections.namedtuple("Eigh", ["eigenvalues", "eigenvectors"])


def eigh(tensor, name=None) -> tuple:
    """The eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices (the lower
    triangle is read). Gradient as TensorFlow's: d a = V (diag(g_e) + F * V^T g_V) V^T, F_ij =
    1 / (e_j - e_i) off the diagonal, folded onto the lower triangle.

    Args:
        tensor: symmetric matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> e, v = numnet.linalg.eigh([[2.0, 0.0], [0.0, 1.0]])
        >>> e.tolist()
        [1.0, 2.0]
    """
    x = to_float(tensor)
    _square(x, "eigh")
    xp = _xp()
    e, v = xp.linalg.eigh(x.value)
    n = x.shape[-1]

    def backward(grads):
        ge, gv = grads
        eye_n = xp.eye(n, dtype=e.dtype)
        inner = xp.zeros(x.shape, dtype=x.dtype)
        if ge is not None:
            inner = inner + ge[..., None, :] * eye_n
        if gv is not None:
            diff = e[..., None, :] - e[..., :, None]
            with np.errstate(divide="ignore"):
                f = xp.where(eye_n.astype(bool), 0, 1 / xp.where(diff == 0, np.inf, diff))
            inner = inner + f * (_t(v) @ gv)
        grad = v @ inner @ _t(v)
        grad = xp.tril(grad + _t(grad)) - eye_n * grad  # the lower triangle, diagonal once
        _ops.accumulate(x, grad)

    values, vectors = _joint([e, v], (x,), backward)
    return Eigh(values, vectors)


def eigvalsh(tensor, name=None) -> Tensor:
    """The eigenvalues (ascending) of symmetric matrices; d a = V diag(g) V^T, folded onto
    the lower triangle.

    Args:
        tensor: symmetric matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.eigvalsh([[2.0, 1.0], [1.0, 2.0]]).numpy().round(4).tolist()
        [1.0, 3.0]
    """
    return eigh(tensor)[0]


def eig(tensor, name=None) -> tuple:
    """Eigenvalues and eigenvectors of general square matrices, complex (forward only).

    Args:
        tensor: square matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> e, _ = numnet.linalg.eig([[2.0, 0.0], [0.0, 3.0]])
        >>> e.numpy().real.tolist()
        [2.0, 3.0]
    """
    x = to_float(tensor)
    e, v = np.linalg.eig(array(x))
    dtype = np.complex64 if x.dtype.itemsize <= 4 else np.complex128
    return Tensor(backend.to_device(e.astype(dtype))), Tensor(backend.to_device(v.astype(dtype)))


def eigvals(tensor, name=None) -> Tensor:
    """The eigenvalues of general square matrices, complex (forward only).

    Args:
        tensor: square matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.eigvals([[2.0, 0.0], [0.0, 3.0]]).numpy().real.tolist()
        [2.0, 3.0]
    """
    return eig(tensor)[0]


Qr = collections.namedtuple("Qr", ["q", "r"])


def qr(input, full_matrices=False, name=None) -> Qr:  # noqa: A002
    """The QR decomposition (q orthonormal columns, r upper triangular). Differentiable as
    TensorFlow's: for m >= n with the reduced q (or square matrices), and for m < n (q square);
    the gradient of a full q of a tall matrix raises NotImplementedError, as TensorFlow's.

    Args:
        input: matrices (..., m, n).
        full_matrices: q square (m x m) instead of m x min(m, n). Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Returns:
        ``Qr(q, r)``: q (..., m, k) and r (..., k, n), k = m if ``full_matrices`` else min(m, n).

    Example:
        >>> q, r = numnet.linalg.qr([[3.0, 1.0], [4.0, 2.0]])
        >>> abs(float(r[0, 0]))
        5.0
    """
    x = to_float(input)
    xp = _xp()
    q, r = xp.linalg.qr(x.value, mode="complete" if full_matrices else "reduced")
    m, n = x.shape[-2:]

    def square_or_deep(q, r, gq, gr):
        # a = q r with q (m, n) orthonormal columns and r (n, n) upper triangular
        qgq = _t(q) @ gq
        rgr = r @ _t(gr)
        lower = xp.tril(qgq - _t(qgq) + rgr - _t(rgr), -1)
        return (q @ (gr + _solve_upper_right(lower, r))
                + _solve_upper_right(gq - q @ qgq, r))

    def backward(grads):
        gq, gr = (xp.zeros_like(v) if g is None else g for g, v in zip(grads, (q, r)))
        if m >= n:
            if full_matrices and m > n:
                raise NotImplementedError(
                    "tf.linalg.qr: the gradient of full_matrices=True for matrices with more "
                    f"rows than columns (given {m} x {n}) is not defined, as in TensorFlow; "
                    "use full_matrices=False.")
            _ops.accumulate(x, square_or_deep(q, r, gq, gr))
            return
        # m < n: a = [x | y] with x = q u square; y = q v
        u, y = r[..., :, :m], x.value[..., :, m:]
        gu, gv = gr[..., :, :m], gr[..., :, m:]
        gx = square_or_deep(q, u, gq + y @ _t(gv), gu)
        _ops.accumulate(x, xp.concatenate([gx, q @ gv], axis=-1))

    q_out, r_out = _joint([q, r], (x,), backward)
    return Qr(q_out, r_out)


def _solve_upper_right(b, r):
    """b r^{-T} for upper triangular r (the last two axes)."""
    xp = _xp()
    return _t(xp.linalg.solve(r, _t(b)))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """The singular values s (descending), and with ``compute_uv`` the factors u, v with
    tensor = u diag(s) v^T (TensorFlow's order: s, u, v; v not transposed). Differentiable as
    TensorFlow's (where the singular values are distinct and nonzero); the gradient of u or v
    with ``full_matrices=True`` for a non-square matrix raises NotImplementedError, as
    TensorFlow's.

    Args:
        tensor: matrices (..., m, n).
        full_matrices: square u (m x m) and v (n x n). Defaults to ``False``.
        compute_uv: also return u and v. Defaults to ``True``.
        name: ignored. Defaults to ``None``.

    Returns:
        s (..., k), k = min(m, n); with ``compute_uv`` the tuple (s, u, v), u (..., m, k) and
        v (..., n, k) (square with ``full_matrices``).

    Example:
        >>> numnet.linalg.svd([[3.0, 0.0], [0.0, 4.0]], compute_uv=False).tolist()
        [4.0, 3.0]
        >>> s, u, v = numnet.linalg.svd([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        >>> tuple(u.shape), tuple(v.shape)
        ((3, 2), (2, 2))
    """
    x = to_float(tensor)
    xp = _xp()
    m, n = x.shape[-2:]
    k = min(m, n)
    u, s, vh = xp.linalg.svd(x.value, full_matrices=bool(full_matrices) and compute_uv)
    v = _t(vh).copy()

    def backward(grads):
        gs = grads[0]
        gu = grads[1] if compute_uv else None
        gv = grads[2] if compute_uv else None
        if full_matrices and m != n and (gu is not None or gv is not None):
            raise NotImplementedError(
                "tf.linalg.svd: the gradient of u and v with full_matrices=True is defined only "
                f"for square matrices (given {m} x {n}), as in TensorFlow; use "
                "full_matrices=False.")
        uk, vk = u[..., :, :k], v[..., :, :k]
        middle = xp.zeros(x.shape[:-2] + (k, k), dtype=s.dtype)
        if gs is not None:
            middle = middle + gs[..., None, :] * xp.eye(k, dtype=s.dtype)
        grad = uk @ middle @ _t(vk)
        if gu is not None or gv is not None:
            gu = xp.zeros_like(uk) if gu is None else gu[..., :, :k]
            gv = xp.zeros_like(vk) if gv is None else gv[..., :, :k]
            s2 = s * s
            gap = s2[..., None, :] - s2[..., :, None]
            eye_k = xp.eye(k, dtype=bool)
            with np.errstate(divide="ignore"):
                f = xp.where(eye_k, 0, 1 / xp.where(gap == 0, np.inf, gap))
            ugu = _t(uk) @ gu
            vgv = _t(vk) @ gv
            diag_s = s[..., None, :] * xp.eye(k, dtype=s.dtype)
            inner = f * (ugu - _t(ugu)) @ diag_s + diag_s @ (f * (vgv - _t(vgv)))
            grad = grad + uk @ inner @ _t(vk)
            with np.errstate(divide="ignore"):
                inv_s = xp.where(s == 0, 0, 1 / xp.where(s == 0, 1, s))
            if m > k:  # the part of gu outside u's column space
                grad = grad + (gu - uk @ ugu) * inv_s[..., None, :] @ _t(vk)
            if n > k:  # the part of gv outside v's column space
                grad = grad + uk @ _t((gv - vk @ vgv) * inv_s[..., None, :])
        _ops.accumulate(x, grad.astype(x.dtype))

    if not compute_uv:
        return _joint([s], (x,), backward)[0]
    return tuple(_joint([s, u, v], (x,), backward))


def pinv(a, rcond=None, validate_args=False, name=None) -> Tensor:
    """The Moore-Penrose pseudo-inverse; differentiable where the rank does not change (as
    TensorFlow's).

    Args:
        a: matrices (..., m, n).
        rcond: singular values below rcond * the largest count as zero; None for
            10 * max(m, n) * eps. Defaults to ``None``.
        validate_args: accepted as TensorFlow's. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.pinv([[2.0, 0.0], [0.0, 0.0]]).tolist()
        [[0.5, 0.0], [0.0, 0.0]]
    """
    x = to_float(a)
    if rcond is None:
        rcond = 10 * max(x.shape[-2:]) * np.finfo(x.dtype).eps
    return _keras_linalg.pinv(x, rcond=float(rcond))


def expm(input, name=None) -> Tensor:  # noqa: A002
    """The matrix exponential sum_k A^k / k!; the gradient is the Frechet derivative at A^T,
    read from the exponential of the block matrix [[A^T, G], [0, A^T]].

    Args:
        input: square matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.expm([[0.0, 0.0], [0.0, 0.0]]).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    import scipy.linalg

    x = to_float(input)
    _square(x, "expm")
    values = array(x)
    n = x.shape[-1]
    flat = values.reshape(-1, n, n)
    out = np.stack([scipy.linalg.expm(m) for m in flat]).reshape(values.shape)

    def backward(g):
        gs = backend.to_numpy(g).reshape(-1, n, n)
        grads = []
        for m, gm in zip(flat, gs):
            block = np.zeros((2 * n, 2 * n), dtype=np.float64)
            block[:n, :n] = block[n:, n:] = m.T
            block[:n, n:] = gm
            grads.append(scipy.linalg.expm(block)[:n, n:])
        _ops.accumulate(x, backend.to_device(np.stack(grads).reshape(values.shape)
                                             .astype(x.dtype)))

    return _ops.node(backend.to_device(out.astype(x.dtype)), (x,), backward)


# ----------------------------------------------------------------------------- norms


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None) -> Tensor:  # noqa: A002
    """The norm over ``axis``: of the flattened tensor when None; a vector norm for one axis
    ("euclidean" / 2, 1, np.inf, any p > 0); a matrix norm for two axes ("euclidean" /
    "fro" Frobenius, 1 (largest column sum), np.inf (largest row sum), 2 the largest singular
    value, forward only).

    Args:
        tensor: a Tensor.
        ord: the order. Defaults to ``"euclidean"``.
        axis: None, an int or a pair of ints. Defaults to ``None``.
        keepdims: keep reduced axes as size 1. Defaults to ``None`` (no).
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.linalg.norm([3.0, 4.0]))
        5.0
    """
    x = to_float(tensor)
    axis = axis_of(axis)
    keep = bool(keepdims)
    if ord in ("euclidean", "fro") or (ord in (2, 2.0) and not (isinstance(axis, tuple) and
                                                                len(axis) == 2)):
        return _ops.sqrt(_ops.sum(_ops.square(x), axis=axis, keepdims=keep))
    if isinstance(axis, tuple) and len(axis) == 2:
        a0, a1 = (a % x.ndim for a in axis)
        absx = _ops.abs(x)
        if ord in (1, 1.0):  # the largest column sum
            out = _ops.max(_ops.sum(absx, axis=a0, keepdims=True), axis=a1, keepdims=True)
        elif ord == np.inf:
            out = _ops.max(_ops.sum(absx, axis=a1, keepdims=True), axis=a0, keepdims=True)
        elif ord in (2, 2.0):
            moved = np.moveaxis(array(x), (a0, a1), (-2, -1))
            s = np.linalg.svd(moved, compute_uv=False)[..., 0]
            out = Tensor(backend.to_device(np.expand_dims(np.expand_dims(s, a0), a1)
                                           .astype(x.dtype)))
        else:
            raise ValueError(f"norm(ord): a matrix norm takes 'euclidean', 'fro', 1, 2 or "
                             f"np.inf; given {ord!r}.")
        if not keep:
            out = _ops.reshape(out, tuple(n for i, n in enumerate(x.shape) if i not in (a0, a1)))
        return out
    if ord in (1, 1.0):
        return _ops.sum(_ops.abs(x), axis=axis, keepdims=keep)
    if ord == np.inf:
        return _ops.max(_ops.abs(x), axis=axis, keepdims=keep)
    if isinstance(ord, (int, float)) and ord > 0:
        p = float(ord)
        total = _ops.sum(_ops.power(_ops.abs(x), p), axis=axis, keepdims=keep)
        return _ops.power(total, 1.0 / p)
    raise ValueError(f"norm(ord): expected 'euclidean', 'fro', np.inf or a number > 0, given "
                     f"{ord!r}.")


def global_norm(t_list, name=None) -> Tensor:
    """sqrt(sum of the squared L2 norms of every Tensor of ``t_list``) (None entries
    skipped): what clip_by_global_norm scales by.

    Args:
        t_list: a list of Tensors (gradients, typically).
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.linalg.global_norm([[3.0], [4.0]]))
        5.0
    """
    parts = [_ops.sum(_ops.square(to_float(t))) for t in t_list if t is not None]
    if not parts:
        return Tensor(_xp().asarray(0.0, dtype=np.float32))
    total = parts[0]
    for p in parts[1:]:
        total = _ops.add(*_ops._pair(total, p))
    return _ops.sqrt(total)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None) -> Tensor:
    """x / sqrt(max(sum(x^2 over axis), epsilon)).

    Args:
        x: a Tensor.
        axis: the axis (or axes); None for all. Defaults to ``None``.
        epsilon: the smallest squared norm divided by. Defaults to ``1e-12``.
        name: ignored. Defaults to ``None``.
        dim: TensorFlow 1's name for axis. Defaults to ``None``.

    Example:
        >>> numnet.linalg.l2_normalize([3.0, 4.0]).tolist()
        [0.6000000238418579, 0.800000011920929]
    """
    x = to_float(x)
    axis = axis_of(axis if dim is None else dim)
    squares = _ops.sum(_ops.square(x), axis=axis, keepdims=True)
    return _ops.divide(x, _ops.sqrt(_ops.maximum(squares, float(epsilon))))


def sqrtm(input, name=None) -> Tensor:  # noqa: A002
    """The principal square root S of each square matrix (S @ S = input; forward only).

    Args:
        input: square matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.sqrtm([[4.0, 0.0], [0.0, 9.0]]).numpy().round(4).tolist()
        [[2.0, 0.0], [0.0, 3.0]]
    """
    import scipy.linalg

    x = to_float(input)
    _square(x, "sqrtm")
    values = array(x)
    flat = values.reshape((-1,) + values.shape[-2:])
    out = np.stack([np.real(scipy.linalg.sqrtm(m)) for m in flat]).reshape(values.shape)
    return Tensor(backend.to_device(out.astype(x.dtype)))


def logm(input, name=None) -> Tensor:  # noqa: A002
    """The principal matrix logarithm (forward only).

    Args:
        input: square matrices (..., n, n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.logm([[1.0, 0.0], [0.0, 1.0]]).numpy().round(4).tolist()
        [[0.0, 0.0], [0.0, 0.0]]
    """
    import scipy.linalg

    x = to_float(input)
    _square(x, "logm")
    values = array(x)
    flat = values.reshape((-1,) + values.shape[-2:])
    out = np.stack([np.real(scipy.linalg.logm(m)) for m in flat]).reshape(values.shape)
    return Tensor(backend.to_device(out.astype(x.dtype)))


def matrix_rank(a, tol=None, validate_args=False, name=None) -> Tensor:
    """The number of singular values above ``tol`` (default: max(m, n) * eps * the largest).

    Args:
        a: matrices (..., m, n).
        tol: the threshold, or None. Defaults to ``None``.
        validate_args: accepted as TensorFlow's. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> int(numnet.linalg.matrix_rank([[1.0, 2.0], [2.0, 4.0]]))
        1
    """
    x = array(to_float(a))
    s = np.linalg.svd(x, compute_uv=False)
    if tol is None:
        tol = s.max(axis=-1, keepdims=True) * max(x.shape[-2:]) * np.finfo(x.dtype).eps
    return Tensor(backend.to_device((s > tol).sum(axis=-1).astype(np.int32)))


def normalize(tensor, ord="euclidean", axis=None, name=None) -> tuple:  # noqa: A002
    """(tensor / norm, norm) with the norm of ``norm`` (keepdims).

    Args:
        tensor: a Tensor.
        ord: as norm's. Defaults to ``"euclidean"``.
        axis: as norm's. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.linalg.normalize([3.0, 4.0])[0].tolist()
        [0.6000000238418579, 0.800000011920929]
    """
    x = to_float(tensor)
    size = norm(x, ord=ord, axis=axis, keepdims=True)
    return _ops.divide(x, size), size


LINALG = {
    "banded_triangular_solve": banded_triangular_solve, "lu": lu,
    "lu_reconstruct": lu_reconstruct, "lu_solve": lu_solve,
    "lu_matrix_inverse": lu_matrix_inverse,
    "adjoint": adjoint, "band_part": band_part, "cholesky": cholesky,
    "cholesky_solve": cholesky_solve, "cross": cross, "det": det, "diag": diag,
    "diag_part": diag_part, "eig": eig, "eigh": eigh, "eigvals": eigvals,
    "eigvalsh": eigvalsh, "einsum": einsum, "expm": expm, "eye": eye,
    "global_norm": global_norm, "inv": inv, "l2_normalize": l2_normalize, "logdet": logdet,
    "lstsq": lstsq, "matmul": matmul, "matrix_transpose": matrix_transpose, "matvec": matvec,
    "norm": norm, "pinv": pinv, "qr": qr, "set_diag": set_diag, "slogdet": slogdet,
    "solve": solve, "svd": svd, "tensor_diag": tensor_diag,
    "tensor_diag_part": tensor_diag_part, "tensordot": tensordot, "trace": trace,
    "triangular_solve": triangular_solve, "sqrtm": sqrtm, "logm": logm,
    "matrix_rank": matrix_rank, "normalize": normalize,
}
"""The functions of ``tf.linalg``."""
