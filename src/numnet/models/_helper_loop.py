"""The compiled loops of ``models/helper_thread.py``: the helper's loop and the split product.

Imported only where the helper applies (numba present, Linux); importing it imports numba.
``helper_loop`` runs on a thread of its own without the GIL from the start of a pass to its end:
it gathers the pass's shuffled batches into a ring of slots and computes the halves of matrix
products that the training thread posts to it (``split_matmul``). The two threads hand work to
each other through counters read and written as atomics (acquire loads, release stores, a
compare-and-swap), so neither ever waits for the interpreter.

The products call the BLAS that NumPy's matrix products call (its ``cblas_?gemm``, by address),
with the arguments NumPy would pass for the same rows or columns. Whether the two halves are bit
for bit NumPy's whole product depends on the shape (a BLAS may compute small products by other
kernels than large ones), so ``helper_thread.Helper`` compares them once for each shape and
splits only the shapes where they are.
"""

from __future__ import annotations

from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from ..autodiff import fused

_take_rows = fused.compiled("take_rows")  # out[r] = a[idx[r]], eight rows at a time
if _take_rows is None:
    raise ImportError("the fused kernels are off or cannot compile: no helper thread")

_usleep = types.ExternalFunction("usleep", types.int32(types.uint32))
_prctl = types.ExternalFunction(
    "prctl", types.int32(types.int32, types.uint64, types.uint64, types.uint64, types.uint64))
_PR_SET_TIMERSLACK = 29  # linux/prctl.h
_SLACK_NS = 1000  # the helper's naps last what they ask for (the default slack is 50 us)
_NAP_US = 20
_LONGEST_NAP_US = 200
_SPINS = 100_000  # looks at the counters (about 0.3 ms) before the helper starts to nap

# the states of a posted product (``state[0]``)
EMPTY, POSTED, CLAIMED, DONE = 0, 1, 2, 3
# the fields of a posted product (``task``): C[rows or columns] = op(A) @ op(B) over them
F_FN, F_DOUBLE, F_TA, F_TB, F_M, F_N, F_K, F_A, F_LDA, F_B, F_LDB, F_C, F_LDC = range(13)
_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112


@intrinsic
def _load_acquire(typingctx, counter):
    """counter[0], read as an acquire load (what the other thread wrote before its release store
    of the value is visible after this load)."""
    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        return builder.load_atomic(array.data, "acquire", 8)

    return types.int64(counter), codegen


@intrinsic
def _store_release(typingctx, counter, value):
    """counter[0] = value as a release store: everything written before it is visible to a
    thread that reads the value with an acquire load."""
    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        builder.store_atomic(args[1], array.data, "release", 8)
        return context.get_dummy_value()

    return types.void(counter, types.int64), codegen


@intrinsic
def _swap_if(typingctx, counter, expected, value):
    """counter[0] = value if it holds ``expected`` (atomically, acquire-release); whether it
    did."""
    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        pair = builder.cmpxchg(array.data, args[1], args[2], "acq_rel", "acquire")
        return builder.extract_value(pair, 1)

    return types.boolean(counter, types.int64, types.int64), codegen


@njit(cache=True, nogil=True)
def load(counter):
    """counter[0] as an acquire load, for the training thread (NumPy's loads promise no order)."""
    return _load_acquire(counter)


@njit(cache=True, nogil=True)
def store(counter, value):
    """counter[0] = value as a release store, for the training thread."""
    _store_release(counter, value)


def _gemm_codegen(real):
    def codegen(context, builder, signature, args):
        i32, i64 = ir.IntType(32), ir.IntType(64)
        pointer = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [i32, i32, i32, i64, i64, i64, real, pointer, i64,
                                               pointer, i64, real, pointer, i64])
        fn, ta, tb, m, n, k, a, lda, b, ldb, c, ldc = args
        call = [ir.Constant(i32, _ROW_MAJOR), builder.trunc(ta, i32), builder.trunc(tb, i32),
                m, n, k, ir.Constant(real, 1.0), builder.inttoptr(a, pointer), lda,
                builder.inttoptr(b, pointer), ldb, ir.Constant(real, 0.0),
                builder.inttoptr(c, pointer), ldc]
        builder.call(builder.inttoptr(fn, fnty.as_pointer()), call)
        return context.get_dummy_value()

    return codegen


@intrinsic
def _sgemm(typingctx, fn, ta, tb, m, n, k, a, lda, b, ldb, c, ldc):
    """cblas_sgemm(RowMajor, ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, ldc) of the BLAS (64-bit
    integers) at address ``fn``; the arrays are addresses."""
    return types.void(*([types.int64] * 12)), _gemm_codegen(ir.FloatType())


@intrinsic
def _dgemm(typingctx, fn, ta, tb, m, n, k, a, lda, b, ldb, c, ldc):
    """cblas_dgemm, as _sgemm."""
    return types.void(*([types.int64] * 12)), _gemm_codegen(ir.DoubleType())


@njit(cache=True, nogil=True)
def _gemm(task):
    fn, ta, tb = task[F_FN], task[F_TA], task[F_TB]
    if task[F_DOUBLE]:
        _dgemm(fn, ta, tb, task[F_M], task[F_N], task[F_K], task[F_A], task[F_LDA], task[F_B],
               task[F_LDB], task[F_C], task[F_LDC])
    else:
        _sgemm(fn, ta, tb, task[F_M], task[F_N], task[F_K], task[F_A], task[F_LDA], task[F_B],
               task[F_LDB], task[F_C], task[F_LDC])


@njit(cache=True, nogil=True)
def _layout(a):
    """(the BLAS's transpose flag, leading dimension) of a 2-D array with a unit stride."""
    size = a.itemsize
    if a.strides[1] == size and (a.strides[0] % size == 0):
        return _NO_TRANS, max(a.strides[0] // size, a.shape[1], 1)
    return _TRANS, max(a.strides[1] // size, a.shape[0], 1)


@njit(cache=True, nogil=True)
def _half(size):
    """Where to cut ``size`` rows or columns: near the middle, on a multiple of 16 (the BLAS
    kernels' tile) where there are at least 32."""
    if size < 32:
        return size // 2
    return (size + 16) // 32 * 16


@njit(cache=True, nogil=True)
def split_matmul(fn, a, b, c, task, state, by_rows):
    """c = a @ b (``c`` in C order, a and b each with a unit stride), cut in two along c's rows
    (``by_rows``) or columns: the second part is posted to the helper, the first computed here;
    if the helper has not taken its part by then, it is computed here too."""
    m, k = a.shape
    n = b.shape[1]
    size = a.itemsize
    ta, lda = _layout(a)
    tb, ldb = _layout(b)
    ldc = c.strides[0] // size
    pa, pb, pc = a.ctypes.data, b.ctypes.data, c.ctypes.data
    task[F_FN] = fn
    task[F_DOUBLE] = size == 8
    task[F_TA], task[F_LDA], task[F_TB], task[F_LDB], task[F_LDC] = ta, lda, tb, ldb, ldc
    task[F_K] = k
    if by_rows:  # rows [half, m) of c: rows of op(a)
        half = _half(m)
        task[F_M], task[F_N] = m - half, n
        task[F_A] = pa + half * (lda if ta == _NO_TRANS else 1) * size
        task[F_B] = pb
        task[F_C] = pc + half * ldc * size
    else:  # columns [half, n) of c: columns of op(b)
        half = _half(n)
        task[F_M], task[F_N] = m, n - half
        task[F_A] = pa
        task[F_B] = pb + half * (1 if tb == _NO_TRANS else ldb) * size
        task[F_C] = pc + half * size
    _store_release(state, POSTED)
    mine = task.copy()
    if by_rows:
        mine[F_M], mine[F_C] = half, pc
        mine[F_A] = pa
    else:
        mine[F_N], mine[F_B], mine[F_C] = half, pb, pc
    _gemm(mine)
    if _swap_if(state, POSTED, EMPTY):  # the helper has not taken it: compute it here
        _gemm(task)
        return False
    while _load_acquire(state) != DONE:
        pass
    _store_release(state, EMPTY)
    return True


_CHUNK = 32  # rows gathered between looks for a posted product


@njit(cache=True, nogil=True)
def helper_loop(x, y, w, order, ring_x, ring_y, ring_w, batch, start, ready, released, stop,
                task, state):
    """Gather batches start, start + 1, ... of ``order`` (``batch`` rows each, the last one
    shorter) from the row arrays x, y, w (bytes; y and w may have no columns) into the slots
    ``b % slots`` of the rings, and compute the products posted in ``task`` meanwhile, until
    ``stop[0]`` is set. Batch b goes into its slot once the consumer has released batch
    b - slots (``released[0] > b - slots``); ``ready[0] = b + 1`` publishes it. Returns the
    number of batches gathered."""
    _prctl(_PR_SET_TIMERSLACK, _SLACK_NS, 0, 0, 0)
    slots = ring_x.shape[0]
    n = order.shape[0]
    batches = (n + batch - 1) // batch
    b, row = start, 0  # the batch being gathered, and its rows gathered so far
    idle, nap, seen = 0, _NAP_US, _load_acquire(released)
    while True:
        if _load_acquire(state) == POSTED and _swap_if(state, POSTED, CLAIMED):
            _gemm(task)
            _store_release(state, DONE)
            idle, nap = 0, _NAP_US
            continue
        now = _load_acquire(released)
        if now != seen:  # the training thread took a batch: it is training
            seen, idle, nap = now, 0, _NAP_US
        if b < batches and now > b - slots:
            slot = b % slots
            first = b * batch
            count = min(batch, n - first)
            step = min(_CHUNK, count - row)
            rows = order[first + row:first + row + step]
            _take_rows(x, rows, ring_x[slot][row:row + step])
            if y.shape[1]:
                _take_rows(y, rows, ring_y[slot][row:row + step])
            if w.shape[1]:
                _take_rows(w, rows, ring_w[slot][row:row + step])
            row += step
            if row == count:
                _store_release(ready, b + 1)
                b, row = b + 1, 0
            idle = 0
            continue
        if _load_acquire(stop):
            return b - start
        idle += 1
        if idle > _SPINS:
            _usleep(nap)
            nap = min(2 * nap, _LONGEST_NAP_US)
