"""Keras 3's linear-algebra ops (``keras.ops.linalg``) on the last two axes (batches allowed).

``norm``, ``inv``, ``det`` and ``solve`` are differentiable; ``cholesky``, ``qr``, ``svd``,
``eigh`` and ``lstsq`` are forward only (their results carry no gradient).
"""

from __future__ import annotations

from .. import backend
from ..autodiff import ops as _ops
from ..autodiff.symbolic import symbolic_op
from ..autodiff.tensor import Tensor
from .core import _axis, _float, _promote

_inf = float("inf")


def _xp():
    return backend.xp


@symbolic_op(name="norm")
def norm(x, ord=None, axis=None, keepdims=False) -> Tensor:  # noqa: A002 - Keras's name
    """The vector norm over one ``axis`` (of the flattened x if None), or the matrix norm over
    two axes (the last two of a matrix if ``axis`` is None and x has rank 2).

    Vector ``ord``: None or 2 (Euclidean), 1, inf, -inf, 0 (the count of nonzeros), or any p:
    (sum |x|^p)^(1/p). Matrix ``ord``: None or "fro" (Frobenius), 1, -1 (largest, smallest
    column sum of |x|), inf, -inf (row sums); "nuc", 2, -2 are forward only.

    Args:
        x: the input: an array, a number or a Tensor.
        ord: the norm's order (None: Frobenius for matrices, 2 for vectors). Defaults to ``None``.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> float(numnet.ops.norm([3.0, 4.0]))
        5.0
    """
    x, axis = _float(x), _axis(axis)
    if axis is None:
        if x.ndim == 2 and ord is not None:
            axis = (0, 1)
        else:
            flat = _ops.reshape(x, (-1,))
            out = norm(flat, ord, 0)
            return _ops.reshape(out, (1,) * x.ndim) if keepdims else out
    if isinstance(axis, tuple) and len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    axis = axis[0] if isinstance(axis, tuple) else axis
    magnitude = _ops.abs(x)
    if ord is None or ord == 2:
        return _ops.sqrt(_ops.sum(_ops.square(x), axis, keepdims))
    if ord == _inf:
        return _ops.max(magnitude, axis, keepdims)
    if ord == -_inf:
        return _ops.negative(_ops.max(_ops.negative(magnitude), axis, keepdims))
    if ord == 0:
        return Tensor((x.value != 0).sum(axis=axis, keepdims=keepdims).astype(x.dtype))
    if ord == 1:
        return _ops.sum(magnitude, axis, keepdims)
    return _ops.power(_ops.sum(_ops.power(magnitude, ord), axis, keepdims), 1 / ord)


def _matrix_norm(x, ord, axis, keepdims):  # noqa: A002
    rows, cols = (a % x.ndim for a in axis)
    magnitude = _ops.abs(x)
    if ord is None or ord == "fro":
        return _ops.sqrt(_ops.sum(_ops.square(x), (rows, cols), keepdims))
    if ord in (1, -1, _inf, -_inf):
        summed, other = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = _ops.sum(magnitude, summed, True)
        pick = _ops.max(sums, other, True) if ord > 0 else _ops.negative(
            _ops.max(_ops.negative(sums), other, True))
        return pick if keepdims else _ops.reshape(pick, tuple(
            n for i, n in enumerate(pick.shape) if i not in (rows, cols)))
    if ord in ("nuc", 2, -2):
        return Tensor(_xp().linalg.norm(x.value, ord, axis, keepdims).astype(x.dtype))
    raise ValueError(f"norm(ord): for a matrix norm expected None, 'fro', 'nuc', 1, -1, 2, -2, "
                     f"inf or -inf, given {ord!r}.")


@symbolic_op
def inv(x) -> Tensor:
    """The inverse of each square matrix; d x = -inv^T g inv^T.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.inv(_float(x))


@symbolic_op
def det(x) -> Tensor:
    """The determinant of each square matrix; d x = g det(x) inv(x)^T.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.det(_float(x))


@symbolic_op
def solve(a, b) -> Tensor:
    """The x with a x = b (b a matrix or a vector); d b = solve(a^T, g), d a = -d b x^T.

    Args:
        a: the matrix A.
        b: the right-hand side B.
    """
    a, b = _promote(_float(a), _float(b))
    return _ops.solve(a, b)


@symbolic_op
def cholesky(x, upper=False) -> Tensor:
    """The lower (``upper``: upper) triangular L with L L^T = x, x symmetric positive definite.
    Forward only.

    Args:
        x: the input: an array, a number or a Tensor.
        upper: return the upper triangular factor U (A = Uᵀ U) instead of the lower one. Defaults to
            ``False``.
    """
    factor = _xp().linalg.cholesky(_float(x).value)
    return Tensor(_xp().swapaxes(factor, -1, -2) if upper else factor)


@symbolic_op
def qr(x, mode="reduced") -> tuple:
    """(q, r) with x = q r, q orthonormal, r upper triangular. Forward only.

    Args:
        x: the input: an array, a number or a Tensor.
        mode: 'reduced' (the default) or 'complete'.
    """
    q, r = _xp().linalg.qr(_float(x).value, mode=mode)
    return Tensor(q), Tensor(r)


@symbolic_op
def svd(x, full_matrices=True, compute_uv=True):
    """(u, s, v^H) with x = u diag(s) v^H, or s alone without ``compute_uv``. Forward only.

    Args:
        x: the input: an array, a number or a Tensor.
        full_matrices: return full U and Vᵀ (else the reduced ones). Defaults to ``True``.
        compute_uv: also return U and Vᵀ (else only the singular values). Defaults to ``True``.
    """
    out = _xp().linalg.svd(_float(x).value, full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(Tensor(t) for t in out) if compute_uv else Tensor(out)


@symbolic_op
def eigh(x) -> tuple:
    """(eigenvalues ascending, eigenvectors) of each symmetric matrix. Forward only.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    w, v = _xp().linalg.eigh(_float(x).value)
    return Tensor(w), Tensor(v)


@symbolic_op
def lstsq(a, b, rcond=None) -> Tensor:
    """The x minimising ||a x - b||. Forward only.

    Args:
        a: the matrix A.
        b: the right-hand side B.
        rcond: singular values below rcond times the largest are treated as zero; None for the
            machine precision times max(M, N). Defaults to ``None``.
    """
    a, b = _promote(_float(a), _float(b))
    return Tensor(_xp().linalg.lstsq(a.value, b.value, rcond=rcond)[0].astype(a.dtype))


__all__ = ["cholesky", "det", "eigh", "inv", "lstsq", "norm", "qr", "solve", "svd"]
