"""GPU kernels of the hot-path ops (CuPy): one launch where the array path takes several.

On a GPU each array operation is a kernel launch costing 6-35 microseconds of host time, and on
the small layers of an MLP the launches, not the arithmetic, take the time: softmax
cross-entropy with its gradient costs about fifteen (with a gather and a scatter by label, each
slow to set up), an accuracy update about eight, relu's backward with the bias gradient three.
Here each is one launch: bias + relu, relu backward with the column sums (the bias gradient,
summed in a fixed order), column sums alone, both softmax cross-entropies with their gradients
and batch totals, the accuracy counts, the epoch's loss total, and the gather of a batch's rows
of x and y; the products call cuBLAS's gemm directly, past CuPy's matmul and its checks. The
kernels do the same work as the CPU's compiled kernels (``fast/kernels.py``) with the same
formulas: element-wise work in the arrays' dtype, sums of exponentials and batch totals in
float64.

They are built on first use (CuPy compiles and caches them on disk) and taken by the functions
of ``fast/kernels.py`` for CuPy arrays of the shapes they handle; anything else, or any kernel
that fails to build, takes the array path. ``NUMNET_FUSED=0`` turns them off with the CPU's.

The loss kernels run as one block of ``_THREADS`` threads, each taking every ``_THREADS``-th row,
so the batch total needs no second launch; batches of more than ``MAX_ELEMENTS`` logits take the
array path, which spreads over the whole GPU. Unlike the CPU's kernel they cannot raise for a
label outside [0, classes) without waiting for the GPU: such a row makes the loss NaN instead
(fit checks every label before training, as on the CPU).
"""

from __future__ import annotations

import ctypes

MAX_ELEMENTS = 1 << 22
_THREADS = 256
_C_TYPES = {"f": "float", "d": "double", "l": "long long", "q": "long long", "i": "int",
            "B": "unsigned char", "b": "signed char"}
_kernels: dict[tuple, object] = {}  # (name, type chars) -> the kernel, or False if it failed

_LOSS_HEAD = r"""
extern "C" __global__ void {name}(const T* z, const L* y, T* dz, T* value, long long n,
                                  long long k, double scale, long long want_grad) {{
  __shared__ double partial[{threads}];
  double total = 0.0;
  for (long long i = threadIdx.x; i < n; i += blockDim.x) {{
    const T* row = z + i * k;
    T* out = dz + i * k;
    T m = row[0];
    for (long long j = 1; j < k; ++j) {{ if (row[j] > m) m = row[j]; }}
    double s = 0.0;
    for (long long j = 0; j < k; ++j) {{
      double e = exp((double)(T)(row[j] - m));
      out[j] = (T)e;
      s += e;
    }}
"""
_LOSS_TAIL = r"""
  }}
  partial[threadIdx.x] = total;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {{
    if (threadIdx.x < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
    __syncthreads();
  }}
  if (threadIdx.x == 0) *value = (T)(partial[0] * scale);
}}
"""
_SOURCES = {
    # -log softmax(z)[label] per row; dz = scale * (softmax(z) - onehot(label))
    "sparse_softmax_cross_entropy": _LOSS_HEAD + r"""
    long long label = (long long)y[i];
    if (label < 0 || label >= k) {{ total += nan(""); continue; }}
    total += log(s) - (double)(T)(row[label] - m);
    if (want_grad) {{
      double p = scale / s;
      for (long long j = 0; j < k; ++j) out[j] = (T)((double)out[j] * p);
      out[label] = (T)((double)out[label] - scale);
    }}
""" + _LOSS_TAIL,
    # sum_j -y_j log softmax(z)_j per row; dz = scale * (sum_j y_j * softmax(z) - y)
    "softmax_cross_entropy": _LOSS_HEAD + r"""
    const L* t = y + i * k;
    double mass = 0.0, dot = 0.0;
    for (long long j = 0; j < k; ++j) {{
      mass += (double)t[j];
      dot += (double)(T)(t[j] * (T)(row[j] - m));
    }}
    total += mass * log(s) - dot;
    if (want_grad) {{
      double p = mass * scale / s;
      for (long long j = 0; j < k; ++j) out[j] = (T)((double)out[j] * p - (double)t[j] * scale);
    }}
""" + _LOSS_TAIL,
    # total += hits (argmax of the row == label, or == argmax of the one-hot row), count += n
    "hits": r"""
template <typename R> __device__ long long row_argmax(const R* row, long long k) {{
  long long best = 0;
  R m = row[0];
  if (m != m) return 0;
  for (long long j = 1; j < k; ++j) {{
    R v = row[j];
    if (v != v) return j;  // NaN: numpy's argmax stops at the first
    if (v > m) {{ m = v; best = j; }}
  }}
  return best;
}}
extern "C" __global__ void {name}(const {T}* pred, const {L}* y, {A}* total, {A}* count,
                                  long long n, long long k, long long sparse) {{
  __shared__ long long partial[{threads}];
  long long hits = 0;
  for (long long i = threadIdx.x; i < n; i += blockDim.x) {{
    long long arg = row_argmax(pred + i * k, k);
    if (sparse) hits += (y[i] == ({L})arg);
    else hits += (row_argmax(y + i * k, k) == arg);
  }}
  partial[threadIdx.x] = hits;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {{
    if (threadIdx.x < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
    __syncthreads();
  }}
  if (threadIdx.x == 0) {{
    *total = *total + ({A})partial[0];
    *count = *count + ({A})n;
  }}
}}
""",
}
# Column sums with a fixed order: a block of 32 x 32 threads takes 32 columns; thread (x, y) sums
# rows y, y + 32, ... of column x, and the 32 partial sums are added in order of y.
_COLUMNS = r"""
extern "C" __global__ void {name}(const T* g, const T* y, T* dz, T* db, long long n,
                                  long long k) {{
  __shared__ T partial[32][33];
  long long c = blockIdx.x * 32LL + threadIdx.x;
  T sum = (T)0;
  if (c < k) {{
    for (long long i = threadIdx.y; i < n; i += 32) {{
      T v = {value};
      {store}
      sum += v;
    }}
  }}
  partial[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y == 0 && c < k) {{
    T total = partial[0][threadIdx.x];
    for (int r = 1; r < 32; ++r) total += partial[r][threadIdx.x];
    db[c] = total;
  }}
}}
"""
_SOURCES["column_sums"] = _COLUMNS.replace("{value}", "g[i * k + c]").replace("{store}", "")
_SOURCES["relu_backward"] = _COLUMNS.replace(
    "{value}", "y[i * k + c] > (T)0 ? g[i * k + c] : g[i * k + c] * (T)0").replace(
    "{store}", "dz[i * k + c] = v;")  # NaN * 0 is NaN, as g * False
# out_x[r] = x[idx[r]] and out_y[r] = y[idx[r]]: one block a row
_SOURCES["take_rows"] = r"""
extern "C" __global__ void {name}(const X* x, const Y* y, const long long* idx, X* out_x,
                                  Y* out_y, long long wx, long long wy) {{
  long long r = blockIdx.x;
  long long src = idx[r];
  for (long long j = threadIdx.x; j < wx; j += blockDim.x) out_x[r * wx + j] = x[src * wx + j];
  for (long long j = threadIdx.x; j < wy; j += blockDim.x) out_y[r * wy + j] = y[src * wy + j];
}}
"""
# name -> (inputs, outputs, body) of the element-wise kernels
_ELEMENTWISE = {
    "bias_relu": ("raw T b, int64 k", "T z",
                  "T v = z + b[i % k]; z = v < (T)0 ? (T)0 : v;"),  # NaN stays NaN
    "add_loss": ("T loss, float64 count", "float64 total", "total += (double)loss * count;"),
}


_cupy_module = None


def _cupy():
    global _cupy_module
    if _cupy_module is None:
        import cupy

        _cupy_module = cupy
    return _cupy_module


def _source(name: str, types: dict) -> tuple[str, str]:
    """(symbol, CUDA source) of raw kernel ``name`` for ``types`` (its type names -> C types)."""
    symbol = "numnet_" + name + "_" + "_".join(v.replace(" ", "") for _, v in sorted(
        types.items()))
    source = _SOURCES[name]
    if name != "hits":  # the others name their types T, L, X, Y: defined here
        source = "".join(f"typedef {v} {k};\n" for k, v in types.items()) + source
    return symbol, source.format(name=symbol, threads=_THREADS, **types)


def _raw(name: str, types: dict):
    key = (name, tuple(sorted(types.items())))
    kernel = _kernels.get(key)
    if kernel is None:
        cupy = _cupy()
        symbol, source = _source(name, types)
        try:
            kernel = cupy.RawKernel(source, symbol, options=("--fmad=false",))
            kernel.compile()
        except Exception:
            kernel = False
        _kernels[key] = kernel
    return kernel or None


def _elementwise(name: str):
    kernel = _kernels.get(name)
    if kernel is None:
        inputs, outputs, body = _ELEMENTWISE[name]
        try:
            kernel = _cupy().ElementwiseKernel(inputs, outputs, body, "numnet_" + name,
                                               options=("--fmad=false",))
        except Exception:
            kernel = False
        _kernels[name] = kernel
    return kernel or None


def _launch(kernel, *args) -> bool:
    try:
        kernel(*args)
    except Exception:  # a kernel that cannot run: the array path does the work from now on
        return False
    return True


def _float_rows(*arrays) -> bool:
    cupy = _cupy()
    first = arrays[0]
    return first.dtype.char in "fd" and all(
        type(a) is cupy.ndarray and a.flags.c_contiguous for a in arrays)


def bias_relu(z, b) -> bool:
    """z <- max(z + b, 0) in place for 2-D ``z`` and a bias of its dtype; False where not."""
    if not _float_rows(z, b) or b.dtype != z.dtype or z.ndim != 2 or b.shape != z.shape[1:]:
        return False
    kernel = _elementwise("bias_relu")
    return kernel is not None and z.size > 0 and _launch(kernel, b, z.shape[1], z)


def _columns(name, g, y, dz, db):
    """Launch a column kernel over 2-D ``g``; the sums go into ``db`` when it can take them,
    else into a new array. Returns ``db``, or None where the kernel does not apply."""
    cupy = _cupy()
    n, k = g.shape
    if (type(db) is not cupy.ndarray or db.dtype != g.dtype or db.shape != (k,)
            or not db.flags.c_contiguous):
        db = cupy.empty(k, g.dtype)
    kernel = _raw(name, {"T": _C_TYPES[g.dtype.char]})
    if kernel is None or not _launch(kernel, ((k + 31) // 32,), (32, 32), (g, y, dz, db, n, k)):
        return None
    return db


def relu_backward(g, y, db=None):
    """(dz, column sums of dz) with dz = g * (y > 0) in one launch, the sums into ``db`` when it
    fits; None where the kernel does not apply."""
    if not _float_rows(g, y) or y.dtype != g.dtype or y.shape != g.shape or g.ndim != 2:
        return None
    dz = _cupy().empty_like(g)
    db = _columns("relu_backward", g, y, dz, db)
    return None if db is None else (dz, db)


def column_sums(dz, db=None):
    """The column sums of 2-D ``dz`` (a bias gradient), into ``db`` when it fits; None where
    the kernel does not apply."""
    if not _float_rows(dz) or dz.ndim != 2:
        return None
    return _columns("column_sums", dz, dz, dz, db)


def take_rows(x, y, idx):
    """(x[idx], y[idx]) in one launch for C-order CuPy arrays of rank >= 1 with ``len(x) ==
    len(y)`` and int64 indices in range (fit's permutation); None where it does not apply."""
    cupy = _cupy()
    if (type(x) is not cupy.ndarray or type(y) is not cupy.ndarray or type(idx) is not
            cupy.ndarray or idx.dtype.char not in "lq" or idx.ndim != 1 or x.ndim < 1
            or y.ndim < 1 or len(x) != len(y) or not x.flags.c_contiguous
            or not y.flags.c_contiguous or not idx.flags.c_contiguous or len(idx) == 0):
        return None
    x_type, y_type = _C_TYPES.get(x.dtype.char), _C_TYPES.get(y.dtype.char)
    if x_type is None or y_type is None:
        return None
    kernel = _raw("take_rows", {"X": x_type, "Y": y_type})
    if kernel is None:
        return None
    rows = len(idx)
    out_x = cupy.empty((rows,) + x.shape[1:], x.dtype)
    out_y = cupy.empty((rows,) + y.shape[1:], y.dtype)
    wx, wy = x.size // max(len(x), 1), y.size // max(len(y), 1)
    if not _launch(kernel, (rows,), (128,), (x, y, idx, out_x, out_y, wx, wy)):
        return None
    return out_x, out_y


def _loss(name, z, y, scale, want_grad):
    if not _float_rows(z) or z.ndim != 2 or z.size == 0 or z.size > MAX_ELEMENTS:
        return None
    label_type = _C_TYPES.get(y.dtype.char)
    if label_type is None or type(y) is not _cupy().ndarray or not y.flags.c_contiguous:
        return None
    kernel = _raw(name, {"T": _C_TYPES[z.dtype.char], "L": label_type})
    if kernel is None:
        return None
    cupy = _cupy()
    dz = cupy.empty_like(z)
    value = cupy.empty((), z.dtype)
    n, k = z.shape
    if not _launch(kernel, (1,), (_THREADS,), (z, y, dz, value, n, k, float(scale),
                                                 int(bool(want_grad)))):
        return None
    return value, dz if want_grad else None


def sparse_softmax_cross_entropy(z, labels, scale: float, want_grad: bool):
    """(scale * sum_i -log softmax(z_i)[label_i], dz or None) for 2-D ``z`` and integer labels
    of one per row; None where the kernel does not apply."""
    if labels.shape != z.shape[:1] or labels.dtype.kind not in "iu":
        return None
    return _loss("sparse_softmax_cross_entropy", z, labels, scale, want_grad)


def softmax_cross_entropy(z, y, scale: float, want_grad: bool):
    """(scale * sum_i sum_j -y_ij log softmax(z_i)_j, dz or None) for 2-D ``z`` and targets
    ``y`` of its shape and dtype; None where the kernel does not apply."""
    if y.shape != z.shape or y.dtype != z.dtype:
        return None
    return _loss("softmax_cross_entropy", z, y, scale, want_grad)


def add_hits(total, count, y_pred, y_true, sparse: bool) -> bool:
    """total += the rows whose argmax equals the label (sparse) or the argmax of the one-hot
    row; count += the rows. ``total`` and ``count`` are 0-d arrays of one float dtype."""
    cupy = _cupy()
    if (type(total) is not cupy.ndarray or type(count) is not cupy.ndarray
            or total.shape != () or count.dtype != total.dtype
            or total.dtype.char not in "fd" or y_pred.ndim != 2 or y_pred.size == 0
            or y_pred.size > MAX_ELEMENTS or not _float_rows(y_pred)):
        return False
    n, k = y_pred.shape
    if sparse:
        if y_true.shape != (n,) or y_true.dtype.kind not in "iuf":
            return False
    elif y_true.shape != y_pred.shape or y_true.dtype != y_pred.dtype:
        return False
    label_type = _C_TYPES.get(y_true.dtype.char)
    if label_type is None or type(y_true) is not cupy.ndarray or not y_true.flags.c_contiguous:
        return False
    kernel = _raw("hits", {"T": _C_TYPES[y_pred.dtype.char], "L": label_type,
                           "A": _C_TYPES[total.dtype.char]})
    return kernel is not None and _launch(kernel, (1,), (_THREADS,),
                                          (y_pred, y_true, total, count, n, k, int(sparse)))


# cuBLAS's gemm called directly: CuPy's matmul spends about 30 microseconds of host time a call
# on checks and dispatch, more than the product of a small layer takes on the GPU. The scalars
# alpha = 1 and beta = 0 live on the host (cuBLAS's host pointer mode).
_SCALARS = {"f": (ctypes.c_float(1.0), ctypes.c_float(0.0)),
            "d": (ctypes.c_double(1.0), ctypes.c_double(0.0))}
_gemm_call = None  # the call once checked against CuPy's matmul; False if it is not usable


def _gemm():
    global _gemm_call
    if _gemm_call is None:
        _gemm_call = False
        try:
            from cupy.cuda import device
            from cupy_backends.cuda.libs import cublas

            routines = {"f": cublas.sgemm, "d": cublas.dgemm}
            pointers = {c: (ctypes.addressof(one), ctypes.addressof(zero))
                        for c, (one, zero) in _SCALARS.items()}
            host_mode, op_n, op_t = (cublas.CUBLAS_POINTER_MODE_HOST, cublas.CUBLAS_OP_N,
                                     cublas.CUBLAS_OP_T)

            def call(a, b, out, trans_a, trans_b, m, n, k):
                # Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T.
                handle = device.get_cublas_handle()
                cublas.setPointerMode(handle, host_mode)
                one, zero = pointers[a.dtype.char]
                routines[a.dtype.char](handle, op_t if trans_b else op_n,
                                       op_t if trans_a else op_n, n, m, k, one, b.data.ptr,
                                       b.shape[1], a.data.ptr, a.shape[1], zero, out.data.ptr, n)

            if _gemm_agrees(call):
                _gemm_call = call
        except Exception:  # another CuPy's API: its matmul does the products
            _gemm_call = False
    return _gemm_call or None


def _gemm_agrees(call) -> bool:
    """Whether ``call`` computes what CuPy's matmul does on a few small products."""
    cupy = _cupy()
    rng = cupy.random.default_rng(0)
    for dtype in ("float32", "float64"):
        a, b = rng.random((3, 5), dtype=dtype), rng.random((5, 4), dtype=dtype)
        for trans_a in (False, True):
            for trans_b in (False, True):
                left = a.T.copy() if trans_a else a
                right = b.T.copy() if trans_b else b
                out = cupy.empty((3, 4), dtype)
                call(left, right, out, trans_a, trans_b, 3, 4, 5)
                if not bool(cupy.allclose(out, a @ b, rtol=1e-5, atol=1e-6)):
                    return False
    return True


def matmul(a, b, trans_a: bool = False, trans_b: bool = False, out=None):
    """op(a) @ op(b) (op(a) = a.T when ``trans_a``) for 2-D C-order CuPy arrays of one float
    dtype, into ``out`` (C order, of the result's shape and dtype) or a new array; None where
    the direct call does not apply."""
    cupy = _cupy()
    if (type(a) is not cupy.ndarray or type(b) is not cupy.ndarray or a.ndim != 2
            or b.ndim != 2 or a.dtype != b.dtype or a.dtype.char not in "fd"
            or not a.flags.c_contiguous or not b.flags.c_contiguous):
        return None
    m, k = (a.shape[1], a.shape[0]) if trans_a else a.shape
    k_b, n = (b.shape[1], b.shape[0]) if trans_b else b.shape
    if k != k_b or not m or not n or not k:
        return None
    if out is None:
        out = cupy.empty((m, n), a.dtype)
    elif (type(out) is not cupy.ndarray or out.shape != (m, n) or out.dtype != a.dtype
          or not out.flags.c_contiguous):
        return None
    call = _gemm()
    if call is None:
        return None
    try:
        call(a, b, out, trans_a, trans_b, m, n, k)
    except Exception:
        return None
    return out


def add_loss(total, loss, count: int) -> bool:
    """total += loss * count in float64, on the device: a step's loss joins the epoch's total
    without waiting for the GPU."""
    kernel = _elementwise("add_loss")
    return kernel is not None and _launch(kernel, loss, float(count), total)


__all__ = ["add_hits", "add_loss", "bias_relu", "column_sums", "matmul", "relu_backward",
           "softmax_cross_entropy", "sparse_softmax_cross_entropy", "take_rows"]
