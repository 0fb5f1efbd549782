"""The compiled loops of ``fast/helper_thread.py``: the helper's loop and the split product.

Imported only where the helper applies (numba present, Linux); importing it imports numba.
``helper_loop`` runs on a thread of its own without the GIL from the start of a pass to its end:
it gathers the pass's shuffled batches into a ring of slots and computes the halves of matrix
products that the training thread posts to it (``split_matmul``), and the part of a weight
gradient followed by the optimizer's update of the same elements (``post_owned`` /
``finish_owned``: the block of a layer that the helper owns, see ``Helper.owned_columns``). The
two threads hand work to each other through counters read and written as atomics (acquire
loads, release stores, a compare-and-swap), so neither ever waits for the interpreter. Whatever
the helper has not started when the training thread needs it, the training thread does itself.

The products call the BLAS that NumPy's matrix products call (its ``cblas_?gemm``, by address),
with the arguments NumPy would pass for the same rows or columns. Whether the two halves are bit
for bit NumPy's whole product depends on the shape (a BLAS may compute small products by other
kernels than large ones), so ``helper_thread.Helper`` compares them once for each shape and
splits only the shapes where they are. The updates run the optimizers' own compiled kernels
(``fast/updates.py``) on a contiguous range of their flat arrays; each element's update
depends on that element only, so the range gives the same numbers as the whole.
"""

from __future__ import annotations

from llvmlite import ir
from numba import carray, njit, types
from numba.extending import intrinsic

from . import kernels as fused
from . import updates

_take_rows = fused.compiled("take_rows")  # out[r] = a[idx[r]], eight rows at a time
# the optimizers' kernels the helper runs on its part of the weights (UPDATES' order)
UPDATES = ("adam", "rmsprop", "sgd_momentum", "sgd")
_adam, _rmsprop, _sgd_momentum, _sgd = (updates.compiled(name) for name in UPDATES)
if _take_rows is None or _sgd is None:
    raise ImportError("the fused kernels are off or cannot compile: no helper thread")

_usleep = types.ExternalFunction("usleep", types.int32(types.uint32))
_prctl = types.ExternalFunction(
    "prctl", types.int32(types.int32, types.uint64, types.uint64, types.uint64, types.uint64))
_PR_SET_TIMERSLACK = 29  # linux/prctl.h
_SLACK_NS = 1000  # the helper's naps last what they ask for (the default slack is 50 us)
_NAP_US = 20
_LONGEST_NAP_US = 200
_SPINS = 100_000  # looks at the counters (about 0.3 ms) before the helper starts to nap

# the states of a posted product (``state[0]``); an owned part (below) also goes through
# PRODUCT (its product computed, its update not yet) and UPDATING
EMPTY, POSTED, CLAIMED, DONE, PRODUCT, UPDATING = range(6)
# the fields of a posted product (``task``): C[rows or columns] = op(A) @ op(B) over them
F_FN, F_DOUBLE, F_TA, F_TB, F_M, F_N, F_K, F_A, F_LDA, F_B, F_LDB, F_C, F_LDC = range(13)
# and of an owned part: after the product, the optimizer's kernel (an index into UPDATES) on
# elements [lo, hi) of its flat arrays (addresses; gradient, weights, up to three slots) with
# the scalars at address F_SCALARS (in the arrays' dtype; flags 0 or 1), once ``go`` says so
F_OWNED, F_KERNEL, F_G, F_W, F_S1, F_S2, F_S3, F_LO, F_HI, F_SCALARS = range(13, 23)
TASK_FIELDS = 24
# ``go[0]`` of an owned part: its update's fields are not written yet, are, or it has none
WAIT, UPDATE, SKIP = 0, 1, 2
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


@intrinsic
def _floats(typingctx, address):
    """The float32 pointer at integer ``address``."""
    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], ir.FloatType().as_pointer())

    return types.CPointer(types.float32)(address), codegen


@intrinsic
def _doubles(typingctx, address):
    """The float64 pointer at integer ``address``."""
    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], ir.DoubleType().as_pointer())

    return types.CPointer(types.float64)(address), codegen


@njit(cache=True, nogil=True)
def _kernel(kernel, g, w, s1, s2, s3, sc):
    """The optimizer's kernel UPDATES[kernel] on these arrays with scalars ``sc``, the
    arguments its optimizer's ``update_step`` gives it (fast/updates.py)."""
    if kernel == 0:
        _adam(g, w, s1, s2, s3, sc[0], sc[1], sc[2], sc[3], sc[4] != 0)
    elif kernel == 1:
        _rmsprop(g, w, s1, s2, s3, sc[0], sc[1], sc[2], sc[3], sc[4], sc[5] != 0, sc[6] != 0)
    elif kernel == 2:
        _sgd_momentum(g, w, s1, sc[0], sc[1], sc[2] != 0)
    else:
        _sgd(g, w, sc[0])


@njit(cache=True, nogil=True)
def _update(task, lo, hi):
    """The update of elements [lo, hi) of the flat arrays named in ``task``."""
    if hi <= lo:
        return
    n = hi - lo
    if task[F_DOUBLE]:
        at = lo * 8
        _kernel(task[F_KERNEL], carray(_doubles(task[F_G] + at), n),
                carray(_doubles(task[F_W] + at), n), carray(_doubles(task[F_S1] + at), n),
                carray(_doubles(task[F_S2] + at), n), carray(_doubles(task[F_S3] + at), n),
                carray(_doubles(task[F_SCALARS]), 8))
    else:
        at = lo * 4
        _kernel(task[F_KERNEL], carray(_floats(task[F_G] + at), n),
                carray(_floats(task[F_W] + at), n), carray(_floats(task[F_S1] + at), n),
                carray(_floats(task[F_S2] + at), n), carray(_floats(task[F_S3] + at), n),
                carray(_floats(task[F_SCALARS]), 8))


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
def _parts(fn, a, b, c, task, by_rows, cut):
    """Write into ``task`` the product c[cut:] = (a @ b)[cut:] (rows, ``by_rows``, or columns;
    cut 0: near the middle) and return the task of the part before ``cut``."""
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
    task[F_OWNED] = 0
    if by_rows:  # rows [half, m) of c: rows of op(a)
        half = cut if cut else _half(m)
        task[F_M], task[F_N] = m - half, n
        task[F_A] = pa + half * (lda if ta == _NO_TRANS else 1) * size
        task[F_B] = pb
        task[F_C] = pc + half * ldc * size
    else:  # columns [half, n) of c: columns of op(b)
        half = cut if cut else _half(n)
        task[F_M], task[F_N] = m, n - half
        task[F_A] = pa
        task[F_B] = pb + half * (1 if tb == _NO_TRANS else ldb) * size
        task[F_C] = pc + half * size
    mine = task.copy()
    if by_rows:
        mine[F_M], mine[F_C] = half, pc
        mine[F_A] = pa
    else:
        mine[F_N], mine[F_B], mine[F_C] = half, pb, pc
    return mine


@njit(cache=True, nogil=True)
def both_parts(fn, a, b, c, task, by_rows, cut):
    """c = a @ b computed here in the two parts ``split_matmul`` makes (to compare its bits)."""
    mine = _parts(fn, a, b, c, task, by_rows, cut)
    _gemm(mine)
    _gemm(task)


@njit(cache=True, nogil=True)
def split_matmul(fn, a, b, c, task, state, by_rows, cut):
    """c = a @ b (``c`` in C order, a and b each with a unit stride), cut in two along c's rows
    (``by_rows``) or columns at ``cut`` (0: near the middle): the second part is posted to the
    helper, the first computed here; if the helper has not taken its part by then, it is
    computed here too. Returns whether the helper computed its part."""
    mine = _parts(fn, a, b, c, task, by_rows, cut)
    _store_release(state, POSTED)
    _gemm(mine)
    if _swap_if(state, POSTED, EMPTY):  # the helper has not taken it: compute it here
        _gemm(task)
        return False
    while _load_acquire(state) != DONE:
        pass
    _store_release(state, EMPTY)
    return True


@njit(cache=True, nogil=True)
def post_owned(fn, a, b, c, task, state, go, cut):
    """Rows [cut, m) of c = a @ b, and later their update (``finish_owned``), posted to the
    helper; rows [0, cut) computed here."""
    mine = _parts(fn, a, b, c, task, True, cut)
    task[F_OWNED] = 1
    _store_release(go, WAIT)
    _store_release(state, POSTED)
    _gemm(mine)


@njit(cache=True, nogil=True)
def finish_owned(task, state, go, update, total):
    """The end of a part posted by ``post_owned``: with ``update``, the update of elements
    [0, lo) and [hi, total) here and of [lo, hi) by the helper (by this thread, with the part's
    product, where the helper has not started them); without, the product only. Returns
    whether the helper did its part."""
    _store_release(go, UPDATE if update else SKIP)
    if update:
        _update(task, 0, task[F_LO])
        _update(task, task[F_HI], total)
    if _swap_if(state, POSTED, EMPTY):  # not started: the product and update here
        _gemm(task)
        if update:
            _update(task, task[F_LO], task[F_HI])
        return False
    if _swap_if(state, PRODUCT, EMPTY):  # the product there, the update (if any) here
        if update:
            _update(task, task[F_LO], task[F_HI])
        return False
    while _load_acquire(state) != DONE:
        pass
    _store_release(state, EMPTY)
    return True


_CHUNK = 8  # rows gathered between looks for a posted product


@njit(cache=True, nogil=True)
def helper_loop(x, y, w, order, ring_x, ring_y, ring_w, batch, start, ready, released, stop,
                task, state, go):
    """Gather batches start, start + 1, ... of ``order`` (``batch`` rows each, the last one
    shorter) from the row arrays x, y, w (bytes; y and w may have no columns) into the slots
    ``b % slots`` of the rings, and compute the products (and updates) posted in ``task``
    meanwhile, until ``stop[0]`` is set. Batch b goes into its slot once the consumer has
    released batch b - slots (``released[0] > b - slots``); ``ready[0] = b + 1`` publishes it.
    Returns the number of batches gathered."""
    _prctl(_PR_SET_TIMERSLACK, _SLACK_NS, 0, 0, 0)
    slots = ring_x.shape[0]
    n = order.shape[0]
    batches = (n + batch - 1) // batch
    b, row = start, 0  # the batch being gathered, and its rows gathered so far
    idle, nap, seen = 0, _NAP_US, _load_acquire(released)
    while True:
        posted = _load_acquire(state)
        if posted == POSTED and _swap_if(state, POSTED, CLAIMED):
            _gemm(task)
            _store_release(state, PRODUCT if task[F_OWNED] else DONE)
            idle, nap = 0, _NAP_US
            continue
        if posted == PRODUCT:  # an owned part's product done: its update, once it is known
            now = _load_acquire(go)
            if now == SKIP:
                _swap_if(state, PRODUCT, DONE)
                continue
            if now == UPDATE and _swap_if(state, PRODUCT, UPDATING):
                _update(task, task[F_LO], task[F_HI])
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
