"""Keras 3's linear-algebra ops (``keras.ops.linalg``) on the last two axes (batches allowed).

``norm``, ``inv``, ``det`` and ``solve`` are differentiable; ``cholesky``, ``qr``, ``svd``,
``eigh`` and ``lstsq`` are forward only (their results carry no gradient).
"""

from __future__ import annotations

import numpy as _numpy

from .. import backend
from ..autodiff import ops as _ops
from ..autodiff.symbolic import _registry as _symbolic_registry
from ..autodiff.symbolic import symbolic_op
from ..autodiff.tensor import Tensor
from .core import _axis, _float, _promote, _raw

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


def _mT(t):  # noqa: N802 - the transpose of the last two axes
    return _ops.transpose(t, (*range(t.ndim - 2), t.ndim - 1, t.ndim - 2))


@symbolic_op
def pinv(x, rcond=None) -> Tensor:
    """The Moore-Penrose pseudo-inverse of each matrix, singular values below rcond times the
    largest dropped; differentiable (where the rank does not change):
    d x = -P^T g P^T + (I - x P) g^T P P^T + P^T P g^T (I - P x), P = pinv(x).

    Args:
        x: (..., M, N) matrices.
        rcond: the relative cut-off; None for 10 * max(M, N) * the dtype's epsilon (as JAX).
            Defaults to ``None``.

    Example:
        >>> numnet.ops.pinv([[2.0, 0.0], [0.0, 0.0]]).tolist()
        [[0.5, 0.0], [0.0, 0.0]]
    """
    x = _float(x)
    xp = _xp()
    if rcond is None:
        rcond = 10 * max(x.shape[-2:]) * float(_numpy.finfo(x.dtype).eps)
    p = xp.linalg.pinv(x.value, rcond=rcond).astype(x.dtype)

    def backward(g):
        pt, gt = xp.swapaxes(p, -1, -2), xp.swapaxes(g, -1, -2)
        left = xp.eye(x.shape[-2], dtype=x.dtype) - x.value @ p
        right = xp.eye(x.shape[-1], dtype=x.dtype) - p @ x.value
        _ops.accumulate(x, -pt @ g @ pt + left @ gt @ p @ pt + pt @ p @ gt @ right)

    return _ops.node(p, (x,), backward)


@symbolic_op
def matrix_rank(x, tol=None) -> Tensor:
    """The number of singular values of each matrix above ``tol`` (int32; no gradient).

    Args:
        x: (..., M, N) matrices.
        tol: the threshold; None for the largest singular value * max(M, N) * epsilon.
            Defaults to ``None``.

    Example:
        >>> numnet.ops.matrix_rank([[1.0, 2.0], [2.0, 4.0]]).item()
        1
    """
    x = _float(x)
    s = _xp().linalg.svd(x.value, compute_uv=False)
    if tol is None:
        tol = s.max(axis=-1, keepdims=True) * max(x.shape[-2:]) * _numpy.finfo(x.dtype).eps
    else:
        tol = _xp().asarray(_raw(tol))[..., None]
    return Tensor((s > tol).sum(axis=-1).astype("int32"))


@symbolic_op
def solve_triangular(a, b, lower=False) -> Tensor:
    """The x with a x = b for triangular a (only its lower, or upper, triangle is read);
    d b = solve(a^T, g), d a = -(d b) x^T on that triangle.

    Args:
        a: (..., M, M) triangular matrices.
        b: (..., M, N) or (..., M) right-hand sides.
        lower: use a's lower triangle (else its upper). Defaults to ``False``.

    Example:
        >>> numnet.ops.solve_triangular([[2.0, 1.0], [0.0, 4.0]], [3.0, 4.0]).tolist()
        [1.0, 1.0]
    """
    a, b = _promote(_float(a), _float(b))
    xp = _xp()
    keep = xp.tri(a.shape[-1], dtype=bool) if lower else ~xp.tri(a.shape[-1], k=-1, dtype=bool)
    triangle = _ops.where(keep, a, Tensor(xp.zeros((), a.dtype)))
    return _ops.solve(triangle, b)


@symbolic_op
def lu_factor(x) -> tuple:
    """(lu, pivots): the LU factorisation with partial pivoting of each square matrix, as
    SciPy's lu_factor (L's unit diagonal left out of lu; row i swapped with pivots[i], int32).
    Forward only.

    Args:
        x: (..., M, M) matrices.

    Example:
        >>> lu, pivots = numnet.ops.lu_factor([[1.0, 2.0], [3.0, 4.0]])
        >>> pivots.tolist()
        [1, 1]
    """
    x = _float(x)
    values = backend.to_numpy(x.value)
    n = values.shape[-1]
    flat = values.reshape(-1, values.shape[-2], n).copy()
    pivots = _numpy.zeros(flat.shape[:1] + (min(flat.shape[1:]),), dtype="int32")
    for index, m in enumerate(flat):
        for k in range(min(m.shape)):
            p = k + int(_numpy.argmax(_numpy.abs(m[k:, k])))
            pivots[index, k] = p
            if p != k:
                m[[k, p]] = m[[p, k]]
            if m[k, k] != 0:
                m[k + 1:, k] /= m[k, k]
                m[k + 1:, k + 1:] -= _numpy.outer(m[k + 1:, k], m[k, k + 1:])
    lu = flat.reshape(values.shape)
    return (Tensor(backend.to_device(lu).astype(x.dtype)),
            Tensor(backend.to_device(pivots.reshape(values.shape[:-2] + pivots.shape[-1:]))))


@symbolic_op
def cholesky_inverse(x, upper=False) -> Tensor:
    """The inverse of A from its Cholesky factor: (L L^T)^-1 for lower L, (U^T U)^-1 with
    ``upper``; differentiable in the factor.

    Args:
        x: (..., M, M) triangular Cholesky factors.
        upper: x is the upper factor U (A = U^T U). Defaults to ``False``.

    Example:
        >>> numnet.ops.cholesky_inverse([[2.0, 0.0], [0.0, 1.0]]).tolist()
        [[0.25, 0.0], [0.0, 1.0]]
    """
    factor_inv = _ops.inv(_float(x))
    if upper:  # A^-1 = U^-1 U^-T
        return _ops.matmul(factor_inv, _mT(factor_inv))
    return _ops.matmul(_mT(factor_inv), factor_inv)  # A^-1 = L^-T L^-1


@symbolic_op
def eig(x) -> tuple:
    """(eigenvalues, eigenvectors) of each square matrix, complex64 (complex128 for float64
    input); the eigenvectors are the columns, of unit length. Forward only.

    Args:
        x: (..., M, M) matrices.

    Example:
        >>> w, v = numnet.ops.eig([[2.0, 0.0], [0.0, 3.0]])
        >>> w.tolist()
        [(2+0j), (3+0j)]
    """
    x = _float(x)
    w, v = _numpy.linalg.eig(backend.to_numpy(x.value))
    dtype = _numpy.complex128 if x.dtype == _numpy.float64 else _numpy.complex64
    return (Tensor(backend.to_device(w.astype(dtype))),
            Tensor(backend.to_device(v.astype(dtype))))


def jvp(fun, primals, tangents, has_aux=False):
    """The Jacobian-vector product J(primals) @ tangents of ``fun`` and its value, as
    jax.jvp: returns (fun(*primals), J t) (and aux with ``has_aux``).

    numnet's engine runs in reverse mode, so J t is assembled from one backward pass per
    output entry ((J t)_i = e_i^T J t): exact, and cheap for the small outputs jvp is usually
    asked for.

    Args:
        fun: a function of tensors returning a tensor (or a list, tuple or dict of them).
        primals: a tuple or list of the arguments.
        tangents: a tuple or list of the same structure and shapes.
        has_aux: fun returns (output, aux); aux is passed back untouched. Defaults to
            ``False``.

    Example:
        >>> out, tangent = numnet.ops.linalg.jvp(lambda x: x * x, (numnet.ops.array([3.0]),),
        ...                                      (numnet.ops.array([1.0]),))
        >>> out.tolist(), tangent.tolist()
        ([9.0], [6.0])
    """
    from ..autodiff import tensor as _tensor_module
    from .core import _leaves, _rebuild

    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise ValueError("jvp(primals, tangents): expected tuples or lists of the arguments, "
                         f"given {type(primals).__name__} and {type(tangents).__name__}.")
    inputs = [Tensor(_float(p).value.copy(), requires_grad=True) for p in _leaves(primals)]
    directions = [_float(t).value for t in _leaves(tangents)]
    for p, t in zip(inputs, directions, strict=True):
        if p.shape != t.shape:
            raise ValueError(f"jvp(tangents): each tangent needs its primal's shape, given "
                             f"{t.shape} for {p.shape}.")
    result = fun(*_rebuild(primals, iter(inputs)))
    out, aux = result if has_aux else (result, None)
    outs = [o if isinstance(o, Tensor) else Tensor(backend.to_device(o)) for o in _leaves(out)]
    tangents_out = []
    for o in outs:
        nodes = _tensor_module._topological_order(o) if o.requires_grad else []
        flat = _xp().zeros(o.size, dtype=o.dtype)
        for i in range(o.size if nodes else 0):
            for node in [*nodes, *inputs]:
                node.grad = None
            seed = _xp().zeros(o.size, dtype=o.dtype)
            seed[i] = 1
            o.backward(seed.reshape(o.shape))
            flat[i] = sum(float((p.grad * t).sum()) for p, t in zip(inputs, directions,
                                                                     strict=True)
                          if p.grad is not None)
        for node in [*nodes, *inputs]:
            node.grad = None
        tangents_out.append(Tensor(flat.reshape(o.shape)))
    detached = [Tensor(o.value) for o in outs]
    pair = (_rebuild(out, iter(detached)), _rebuild(out, iter(tangents_out)))
    return (*pair, aux) if has_aux else pair


jvp.op_name = "jvp"  # a public op of functions, never a graph node
_symbolic_registry.setdefault("jvp", jvp)

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq",
           "lu_factor", "matrix_rank", "norm", "pinv", "qr", "solve", "solve_triangular", "svd"]
