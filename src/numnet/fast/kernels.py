"""Fused kernels of the hot-path ops: one pass over the rows instead of one per NumPy operation.

Softmax cross-entropy from logits with its gradient costs about ten small NumPy operations (max,
subtract, exp, sum, log, gather, divide, ...), dense + relu forward two and backward three (bias,
relu, their gradients and the bias gradient's column sums), each a fixed overhead larger than its
work on a batch of 32 rows. With numba installed the same formulas run as one compiled loop each.

The kernels apply to NumPy ``float32`` / ``float64`` arrays in C order (anything else takes
the NumPy path of the op; CuPy arrays go to the GPU kernels of ``fast/kernels_cuda.py`` where
they apply) and are compiled on first use, cached on disk (``cache=True``). They share the
switch of the fused optimizer kernels: ``NUMNET_FUSED=0`` in the environment, or
``numnet.fast.updates.set_enabled(False)``, turns them off.

Element-wise work and column sums round as the NumPy path does (the same operations in the same
order); sums of exponentials and the batch total of a loss are accumulated in float64, so the
two paths agree to the rounding of the dtype. numba's exp is scalar (about 2 ns an element, NumPy's
vectorised one about 0.5 ns), so the kernels with an exp take only rows of at most
``FEW_CLASSES`` classes or batches of at most ``SMALL_BATCH`` elements, where NumPy's fixed cost
per row and per operation is the larger.
"""

from __future__ import annotations

import math

import numpy as np

_switch = None  # numnet.fast.updates, imported on first use (it imports the optimizers)
_compiled: dict[str, object] = {}  # name -> the numba dispatcher, or False if it cannot compile
_FLOATS = (np.dtype("float32"), np.dtype("float64"))
FEW_CLASSES = 32
SMALL_BATCH = 4096
TAKE_ROW_BYTES = 256  # take_rows copies rows of at least this size; NumPy the smaller ones


def _applies(*arrays) -> bool:
    """Whether the fused path is on and takes these arrays (NumPy, C order, a float dtype first)."""
    global _switch
    if _switch is None:
        from . import updates as _switch
    if not _switch._enabled:
        return False
    for a in arrays:
        if type(a) is not np.ndarray or not a.flags.c_contiguous:
            return False
    return arrays[0].dtype in _FLOATS and _switch.is_available()


def _gpu(a):
    """The GPU kernels (``fast/kernels_cuda.py``) for a CuPy array while the fused path is on, else
    None."""
    global _switch
    if type(a) is np.ndarray or not hasattr(a, "__cuda_array_interface__"):
        return None
    if _switch is None:
        from . import updates as _switch
    if not _switch._enabled:
        return None
    from . import kernels_cuda as cuda

    return cuda


def _kernel(name: str):
    """The kernel ``name`` compiled by numba (each signature on its first call), or None if
    numba could not compile it."""
    global _switch
    kernel = _compiled.get(name)
    if kernel is None:
        if _switch is None:  # (asked for before any _applies: the convolutions' fused ReLU)
            from . import updates as _switch
        try:
            njit = _switch._numba.njit(cache=True, error_model="numpy", nogil=True)
            names = globals()
            for helper in _HELPERS:  # the kernels' shared row helpers, compiled once
                if not hasattr(names[helper], "py_func"):
                    names[helper] = njit(names[helper])
            kernel = njit(_KERNELS[name])
        except Exception:
            kernel = False
        _compiled[name] = kernel
    return kernel or None


def compiled(name: str):
    """The kernel ``name`` compiled by numba (a dispatcher other compiled code may call), or
    None where the fused path is off or numba cannot compile it."""
    global _switch
    if _switch is None:
        from . import updates as _switch
    if not _switch._enabled or not _switch.is_available():
        return None
    return _kernel(name)


def _run(name: str, *args):
    """``name``(*args), or None, having changed nothing the caller keeps, if it cannot compile;
    the NumPy path then does the work, now and later."""
    kernel = _kernel(name)
    if kernel is None:
        return None
    try:
        return kernel(*args)
    except Exception:
        _compiled[name] = False
        return None


def _exp_pays(z) -> bool:
    return 0 < z.shape[-1] and (z.shape[-1] <= FEW_CLASSES or z.size <= SMALL_BATCH)


def bias_relu(z, b) -> bool:
    """z <- max(z + b, 0) in place for 2-D ``z`` and a bias ``b`` of its dtype; False, having
    done nothing, where the fused path does not apply."""
    gpu = _gpu(z)
    if gpu is not None:
        return gpu.bias_relu(z, b)
    if b.dtype != z.dtype or z.ndim != 2 or b.shape != z.shape[1:] or not _applies(z, b):
        return False
    return _run("bias_relu", z, b) is not None


def relu_backward(g, y, db=None):
    """(dz, column sums of dz) with dz = g * (y > 0) for 2-D ``g`` and relu output ``y`` of its
    dtype, or None where the fused path does not apply. The sums go into ``db`` when it is given
    (an array of their shape and dtype: a bias's gradient buffer), else into a new array."""
    gpu = _gpu(g)
    if gpu is not None:
        return gpu.relu_backward(g, y, db)
    if y.dtype != g.dtype or g.ndim != 2 or y.shape != g.shape or not _applies(g, y):
        return None
    dz = np.empty_like(g)
    db = _sums_into(db, g)
    if _run("relu_backward", g, y, dz, db) is None:
        return None
    return dz, db


def column_sums(dz, db=None):
    """sum_rows dz for 2-D ``dz`` (the bias gradient), into ``db`` as in relu_backward, or None
    where the fused path does not apply."""
    gpu = _gpu(dz)
    if gpu is not None:
        return gpu.column_sums(dz, db)
    if dz.ndim != 2 or not _applies(dz):
        return None
    db = _sums_into(db, dz)
    return db if _run("column_sums", dz, db) is not None else None


def _sums_into(db, like):
    """``db`` if it can hold the column sums of ``like``, else a new array for them."""
    if (type(db) is not np.ndarray or db.dtype != like.dtype or db.shape != like.shape[1:]
            or not db.flags.c_contiguous or not db.flags.writeable):
        return np.empty(like.shape[1], like.dtype)
    return db


def bias_softmax(z, b):
    """softmax(z + b) over the rows of 2-D ``z``, having set z <- z + b in place (``b`` of z's
    dtype), or None, having done nothing, where the fused path does not apply."""
    if (b.dtype != z.dtype or z.ndim != 2 or b.shape != z.shape[1:] or not _exp_pays(z)
            or not _applies(z, b)):
        return None
    y = np.empty_like(z)
    return y if _run("bias_softmax", z, b, y) is not None else None


def bias_sigmoid(z, b):
    """sigmoid(z + b) for 2-D ``z`` of at most ``SMALL_BATCH`` elements, having set z <- z + b in
    place (``b`` of z's dtype), or None, having done nothing, where the fused path does not
    apply. sigmoid(v) = 1 / (1 + e) for v >= 0, else e / (1 + e), with e = exp(-|v|), as
    ``ops.sigmoid_values``."""
    if (b.dtype != z.dtype or z.ndim != 2 or b.shape != z.shape[1:] or z.size > SMALL_BATCH
            or not _applies(z, b)):
        return None
    y = np.empty_like(z)
    return y if _run("bias_sigmoid", z, b, y) is not None else None


def sparse_softmax_cross_entropy(z, labels, scale: float, want_grad: bool):
    """(scale * sum_i -log softmax(z_i)[label_i], dz) for 2-D ``z`` and integer ``labels``, or
    None where the fused path does not apply; dz = scale * (softmax(z) - onehot(labels)) when
    ``want_grad``, else None. A label outside [0, classes) raises IndexError naming it (on the
    GPU it makes the total NaN: see ``fast/kernels_cuda.py``)."""
    gpu = _gpu(z)
    if gpu is not None:
        return gpu.sparse_softmax_cross_entropy(z, labels, scale, want_grad)
    if (z.ndim != 2 or labels.shape != z.shape[:1] or not _exp_pays(z)
            or not _applies(z, labels)):
        return None
    dz = np.empty_like(z)
    total = _run("sparse_softmax_cross_entropy", z, labels, dz, scale, want_grad)
    if total is None:
        return None
    if total < 0:
        bad = int(labels[int(-1 - total)])
        raise IndexError(f"label {bad} is outside [0, {z.shape[1] - 1}]")
    return z.dtype.type(total), dz if want_grad else None


def take_rows(a, idx):
    """``a[idx]`` for an index array ``idx`` of non-negative ``intp`` into the rows of a float
    array of rank >= 2 in C order: the rows of a training batch, drawn from a shuffled dataset.

    The compiled loop copies eight rows at a time, so their cache misses overlap; NumPy's fancy
    indexing copies one row after the other, each waiting for memory (rows of a large array drawn
    at random are rarely cached). Rows under ``TAKE_ROW_BYTES``, other dtypes and layouts, and an
    index that is negative or out of range take NumPy's path (which raises for the latter).
    """
    if (a.ndim < 2 or idx.ndim != 1 or idx.dtype != np.intp or a.dtype not in _FLOATS
            or a.strides[0] < TAKE_ROW_BYTES or not _applies(a, idx)):
        return a[idx]
    rows = a if a.ndim == 2 else a.reshape(a.shape[0], -1)
    out = np.empty((idx.shape[0], rows.shape[1]), a.dtype)
    if not _run("take_rows", rows, idx, out):
        return a[idx]
    return out if a.ndim == 2 else out.reshape((idx.shape[0],) + a.shape[1:])


def sigmoid_cross_entropy(z, y, scale: float, want_grad: bool):
    """(scale * sum -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z)), dz) over all elements of
    ``z`` and targets ``y`` of its shape and dtype, or None where the fused path does not apply;
    dz = scale * (sigmoid(z) - y) when ``want_grad``, else None."""
    if (y.dtype != z.dtype or y.shape != z.shape or z.size > SMALL_BATCH
            or not _applies(z, y)):
        return None
    dz = np.empty_like(z)
    total = _run("sigmoid_cross_entropy", z.reshape(-1), y.reshape(-1), dz.reshape(-1), scale,
                 want_grad)
    if total is None:
        return None
    return z.dtype.type(total), dz if want_grad else None


def softmax_cross_entropy(z, y, scale: float, want_grad: bool):
    """(scale * sum_i -sum_j y_ij log softmax(z_i)_j, dz) for 2-D ``z`` and targets ``y`` of its
    shape and dtype, or None where the fused path does not apply;
    dz = scale * (softmax(z) sum_j y_j - y) when ``want_grad``, else None."""
    gpu = _gpu(z)
    if gpu is not None:
        return gpu.softmax_cross_entropy(z, y, scale, want_grad)
    if (y.dtype != z.dtype or z.ndim != 2 or y.shape != z.shape or not _exp_pays(z)
            or not _applies(z, y)):
        return None
    dz = np.empty_like(z)
    total = _run("softmax_cross_entropy", z, y, dz, scale, want_grad)
    if total is None:
        return None
    return z.dtype.type(total), dz if want_grad else None


# The kernels, compiled by numba (plain Python could run them too, slowly). Each returns a
# value (True for those that only write their arrays); the cross-entropies return the scaled
# batch total of the loss and, with want_grad, write the scaled gradient into dz.


def _bias_relu(z, b):
    n, k = z.shape
    for i in range(n):
        for j in range(k):
            v = z[i, j] + b[j]
            z[i, j] = 0 if v < 0 else v  # NaN stays NaN, as with NumPy's maximum
    return True


def _relu_backward(g, y, dz, db):
    n, k = g.shape
    for j in range(k):
        db[j] = 0
    for i in range(n):
        for j in range(k):
            v = g[i, j] if y[i, j] > 0 else g[i, j] * 0  # NaN * 0 is NaN, as g * False
            dz[i, j] = v
            db[j] += v
    return True


def _column_sums(dz, db):
    n, k = dz.shape
    for j in range(k):
        db[j] = 0
    for i in range(n):
        for j in range(k):
            db[j] += dz[i, j]
    return True


def _row_exp(z, i, out):
    """out[i] = exp(z[i] - m) with m = max z[i]; returns (m, the sum of out[i])."""
    k = z.shape[1]
    m = z[i, 0]
    for j in range(1, k):
        if z[i, j] > m:
            m = z[i, j]
    s = 0.0
    for j in range(k):
        e = math.exp(z[i, j] - m)
        out[i, j] = e
        s += e
    return m, s


def _mass_and_dot(y, z, i, m):
    """(sum_j y[i, j], sum_j y[i, j] (z[i, j] - m)) for row i of a cross-entropy."""
    mass = 0.0
    dot = 0.0
    for j in range(z.shape[1]):
        mass += y[i, j]
        dot += y[i, j] * (z[i, j] - m)
    return mass, dot


def _bias_softmax(z, b, y):
    n, k = z.shape
    for i in range(n):
        for j in range(k):
            z[i, j] += b[j]
        s = _row_exp(z, i, y)[1]
        for j in range(k):
            y[i, j] /= s
    return True


def _bias_sigmoid(z, b, y):
    n, k = z.shape
    for i in range(n):
        for j in range(k):
            v = z[i, j] + b[j]
            z[i, j] = v
            y[i, j] = _sigmoid_from(v, math.exp(-abs(v)))
    return True


def _sigmoid_from(v, e):
    """sigmoid(v) from e = exp(-|v|), without overflow: 1 / (1 + e) for v >= 0, else
    e / (1 + e) (as ``ops.sigmoid_values``)."""
    return 1 / (1 + e) if v >= 0 else e / (1 + e)


def _sparse_softmax_cross_entropy(z, labels, dz, scale, want_grad):
    """-1 - i instead, having written nothing, when label i is outside [0, classes)."""
    n, k = z.shape
    for i in range(n):
        if labels[i] < 0 or labels[i] >= k:
            return -1.0 - i
    total = 0.0
    for i in range(n):
        m, s = _row_exp(z, i, dz)
        label = labels[i]
        total += math.log(s) - (z[i, label] - m)
        if want_grad:
            p = scale / s
            for j in range(k):
                dz[i, j] = dz[i, j] * p
            dz[i, label] -= scale
    return total * scale


def _softmax_cross_entropy(z, y, dz, scale, want_grad):
    n, k = z.shape
    total = 0.0
    for i in range(n):
        m, s = _row_exp(z, i, dz)
        mass, dot = _mass_and_dot(y, z, i, m)
        total += mass * math.log(s) - dot
        if want_grad:
            p = mass * scale / s
            for j in range(k):
                dz[i, j] = dz[i, j] * p - y[i, j] * scale
    return total * scale


def _head_row(z, b, y, dz, i, probabilities):
    """Row i of the output layer: z[i] += b, dz[i] = exp(z[i] - m), y[i] = softmax(z[i]) if
    ``probabilities`` (as bias_softmax); returns (m, the sum of dz[i])."""
    k = z.shape[1]
    for j in range(k):
        z[i, j] += b[j]
    m, s = _row_exp(z, i, dz)
    if probabilities:
        for j in range(k):
            y[i, j] = dz[i, j] / s
    return m, s


def _sparse_head(z, b, y, labels, dz, db, scale, probabilities):
    """The output layer's step for integer labels in one pass, as bias_softmax (or ``z += b``
    for logits), sparse_softmax_cross_entropy and column_sums compute it one after the other:
    z += b; y = softmax(z) if ``probabilities``; dz = scale * (softmax(z) - onehot(labels));
    db = sum_rows dz; returns the scaled total of the loss (-1 - i for a label i outside the
    classes, having written nothing). Each value is computed as by those kernels, in their
    order, so the results are the same bits; the exponentials are computed once instead of
    twice."""
    n, k = z.shape
    for i in range(n):
        if labels[i] < 0 or labels[i] >= k:
            return -1.0 - i
    for j in range(k):
        db[j] = 0
    total = 0.0
    for i in range(n):
        m, s = _head_row(z, b, y, dz, i, probabilities)
        label = labels[i]
        total += math.log(s) - (z[i, label] - m)
        p = scale / s
        for j in range(k):
            dz[i, j] = dz[i, j] * p
        dz[i, label] -= scale
        for j in range(k):
            db[j] += dz[i, j]
    return total * scale


def _dense_head(z, b, y, targets, dz, db, scale, probabilities):
    """_sparse_head for one-hot (or any) target rows, as softmax_cross_entropy computes them."""
    n, k = z.shape
    for j in range(k):
        db[j] = 0
    total = 0.0
    for i in range(n):
        m, s = _head_row(z, b, y, dz, i, probabilities)
        mass, dot = _mass_and_dot(targets, z, i, m)
        total += mass * math.log(s) - dot
        p = mass * scale / s
        for j in range(k):
            dz[i, j] = dz[i, j] * p - targets[i, j] * scale
            db[j] += dz[i, j]
    return total * scale


def _sigmoid_cross_entropy(z, y, dz, scale, want_grad):
    total = 0.0
    for i in range(z.size):
        zi = z[i]
        e = math.exp(-abs(zi))
        total += (zi if zi > 0 else zi * 0) - zi * y[i] + math.log1p(e)
        if want_grad:
            dz[i] = (_sigmoid_from(zi, e) - y[i]) * scale
    return total * scale


def _take_rows(a, idx, out):
    """out[r] = a[idx[r]]; False, having copied nothing, if an index is outside [0, rows)."""
    n, k = a.shape
    m = idx.shape[0]
    for r in range(m):
        if idx[r] < 0 or idx[r] >= n:
            return False
    r = 0
    while r + 8 <= m:
        a0, a1, a2, a3 = a[idx[r]], a[idx[r + 1]], a[idx[r + 2]], a[idx[r + 3]]
        a4, a5, a6, a7 = a[idx[r + 4]], a[idx[r + 5]], a[idx[r + 6]], a[idx[r + 7]]
        o0, o1, o2, o3 = out[r], out[r + 1], out[r + 2], out[r + 3]
        o4, o5, o6, o7 = out[r + 4], out[r + 5], out[r + 6], out[r + 7]
        for j in range(k):
            o0[j] = a0[j]
            o1[j] = a1[j]
            o2[j] = a2[j]
            o3[j] = a3[j]
            o4[j] = a4[j]
            o5[j] = a5[j]
            o6[j] = a6[j]
            o7[j] = a7[j]
        r += 8
    while r < m:
        out[r] = a[idx[r]]
        r += 1
    return True


# called by the kernels below
_HELPERS = ("_row_exp", "_head_row", "_mass_and_dot", "_sigmoid_from")
_KERNELS = {
    "bias_relu": _bias_relu,
    "relu_backward": _relu_backward,
    "column_sums": _column_sums,
    "bias_softmax": _bias_softmax,
    "bias_sigmoid": _bias_sigmoid,
    "sparse_softmax_cross_entropy": _sparse_softmax_cross_entropy,
    "softmax_cross_entropy": _softmax_cross_entropy,
    "sigmoid_cross_entropy": _sigmoid_cross_entropy,
    "take_rows": _take_rows,
    "sparse_head": _sparse_head,
    "dense_head": _dense_head,
}
