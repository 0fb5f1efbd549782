"""A helper thread on the second core: it gathers fit's shuffled batches ahead and computes
half of each large matrix product of the step.

During the fit of a small model the BLAS runs on one thread (``fast/threads.py``), and the
machine's other core is idle. Two parts of a step can use it:
- gathering a shuffled batch is waiting for memory: 128 rows of 3 KB drawn at random from a
  188 MB array took about 45 us of a 280 us W1 step (bench/RESULTS.md);
- the step's large matrix products (the first layer's forward product and weight gradient,
  about 75 us each in W1) can be cut in two, one half for each core, where the weights are
  small enough (``SPLIT_BYTES``) to move between the cores' caches each step; the helper then
  also owns the rows of the first layer's weight gradient that it computes, and updates them
  itself, so that half of the gradient does not move to the other core for the update;
- where the first layer's kernel is larger than that (W2's 784 x 128, 400 KB), the helper owns
  half of its columns for the whole pass instead: their part of the forward product, their
  weight gradient and their update by the optimizer's kernel are all made on the helper's core,
  so none of their weights, gradients or optimizer slots moves between the caches. For the
  pass, the optimizer's flat arrays hold that kernel column by column (``_Pack.transpose``), so
  that the block is one contiguous range of them; the kernel is back in row order after each
  pass, before validation, callbacks at the end of an epoch, or anything else reads it.
``PrefetchedPass`` starts, for each pass over the data, a thread that runs a compiled loop
(``fast/_helper_loop.py``) without ever taking the GIL: it copies each batch into one of a few
reused slots while the step works on the batches before it, and in between computes the halves
of products that the step posts to it through ``Helper.matmul``. The two threads hand work to
each other through atomic counters. If the helper has not taken a posted half by the time the
step has computed its own, the step computes that half too, so a busy second core costs little.

While steps run, the helper keeps its core busy: between jobs it spins on the counters (as a
BLAS's threads do), and it naps only once nothing has come for about 0.3 ms.

The numbers do not change: the batches are the very rows the same permutation gives, and each
half is computed by NumPy's own BLAS with the arguments NumPy passes for those rows or columns.
Whether the halves are bit for bit NumPy's whole product depends on the shape (OpenBLAS computes
small products with other kernels than large ones), so the first product of each shape is
compared with NumPy's, and a shape is cut only where they are equal. An owned block is checked
before the fit, on random numbers of each batch's shape (``Helper.same_bits``): its parts of the
products must be those of NumPy's products with the kernel in row order, and each weight's
update is the same elementwise kernel whichever thread runs it.

``fit`` uses it only where all of these hold:
- the step is the stack step (``fast/stack_step.py``), which keeps no batch past its step:
  a batch's slot is gathered into again a few steps later;
- the BLAS runs on one thread during the fit, and the process has at least two cores to itself
  (a cgroup CPU quota counts, and the ranks of an MPI job on one machine share its cores);
- in-memory NumPy arrays in C order, shuffled by rows, Linux, numba and the fused kernels on
  (``NUMNET_FUSED=0`` turns this off with them), and slots of at most ``SLOT_BYTES`` in all.
Products are split where NumPy links the 64-bit-integer OpenBLAS of its wheels
(``scipy_openblas64``), whose ``cblas_sgemm`` / ``cblas_dgemm`` the helper calls by address;
elsewhere the helper only gathers. It owns a block of the first layer only with Adam, RMSprop
or SGD (whose kernels its loop runs; AdamW's weight decay and the other optimizers' steps are
made by the training thread, after the helper's part of the gradient), in a model of two
layers or more.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading

import numpy as np

SLOTS = 4
"""Batches in the ring: the helper gathers up to SLOTS - 1 batches ahead of the step."""

SLOT_BYTES = 32 << 20
"""The most memory the slots of one pass may take; larger batches are gathered by the step."""

SPLIT_MACS = 1 << 20
"""Multiply-adds of a product (rows x inner x columns) from which it is cut in two. Below it,
handing half over costs about what it saves: W3's 32 x 784 x 25 products (627k) took 15% longer
an epoch cut in two than not (bench/RESULTS.md)."""

SPLIT_BYTES = 256 << 10
"""The largest weight-sized operand (the larger of ``b`` and the output) of a product cut in
two. A weight updated on one core and read on the other moves between their caches every step:
for W2's 784 x 128 kernel (400 KB) that cost the optimizer's update as much as the split saved
(bench/RESULTS.md), for W1's 784 x 32 (100 KB) and W3's 784 x 25 it did not."""

_ENABLED = True
_loops = None  # the module fast._helper_loop once imported; False if it cannot be
_blas = None  # {dtype: address of NumPy's BLAS cblas_?gemm}, found on first use


def set_enabled(flag: bool) -> bool:
    """Switch the helper on or off (for tests and measurements); returns the previous state."""
    global _ENABLED
    previous, _ENABLED = _ENABLED, bool(flag)
    return previous


_LOCAL_RANKS = ("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS")  # Open MPI, MPICH


def _cores() -> int:
    """The cores this process may use: those it may run on, fewer under a CPU quota (a container
    limited to one CPU's time would run the helper's spinning at the step's expense), shared
    with the other processes of an MPI job on this machine (each would start a helper)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    quota = _cpu_quota()
    if quota is not None:
        cores = min(cores, int(quota))
    for name in _LOCAL_RANKS:
        try:
            ranks = int(os.environ.get(name, ""))
        except ValueError:
            continue
        if ranks > 1:
            cores //= ranks
            break
    return max(1, cores)


def _cpu_quota(root: str = "/sys/fs/cgroup") -> float | None:
    """CPUs' worth of time the cgroup quota allows (cgroup v2 ``cpu.max``, v1
    ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``), or None where there is none."""
    try:
        with open(os.path.join(root, "cpu.max")) as f:
            quota, period = f.read().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(root, "cpu", "cpu.cfs_quota_us")) as f:
            quota = int(f.read())
        with open(os.path.join(root, "cpu", "cpu.cfs_period_us")) as f:
            period = int(f.read())
        return None if quota <= 0 or period <= 0 else quota / period
    except (OSError, ValueError):
        return None


def _compiled():
    global _loops
    if _loops is None:
        try:
            from . import _helper_loop
        except Exception:  # numba missing or unable to build it: the step gathers
            _helper_loop = False
        _loops = _helper_loop
    return _loops or None


def _loop():
    """The helper's compiled loop (``_helper_loop.helper_loop``)."""
    return _compiled().helper_loop


def _rows(a):
    """``a`` as a 2-D uint8 array of its rows' bytes (a view), or None if it is not a NumPy array
    in C order (a memory-mapped array is not: fit streams those)."""
    if type(a) is not np.ndarray or not a.flags.c_contiguous or a.ndim == 0:
        return None
    return a.reshape(len(a), -1).view(np.uint8)


def applies(x, y, sample_weight, batch_size: int) -> bool:
    """Whether fit may hand the shuffled batches of these arrays to a helper (see the module's
    conditions; the caller checks the step and the BLAS threads)."""
    from . import updates as fused

    if not _ENABLED or sys.platform != "linux" or _cores() < 2 or not fused.is_available():
        return False
    arrays = [a for a in (x, y, sample_weight) if a is not None]
    if any(_rows(a) is None for a in arrays):
        return False
    row_bytes = sum(a.nbytes // max(len(a), 1) for a in arrays)
    return SLOTS * batch_size * row_bytes <= SLOT_BYTES and _compiled() is not None


def _numpy_gemm() -> dict:
    """{dtype: address of cblas_sgemm / cblas_dgemm} of the BLAS NumPy's products call, where it
    is the 64-bit-integer OpenBLAS of NumPy's wheels; else {}."""
    global _blas
    if _blas is not None:
        return _blas
    _blas = {}
    try:
        from .threads import _controller

        numpy_dir = os.path.dirname(os.path.dirname(os.path.abspath(np.__file__)))
        paths = [lib.filepath for lib in _controller().lib_controllers
                 if lib.internal_api == "openblas"
                 and os.path.dirname(lib.filepath) == os.path.join(numpy_dir, "numpy.libs")]
        if len(paths) == 1 and _compiled() is not None:
            library = ctypes.CDLL(paths[0])
            _blas = {np.dtype(dtype): ctypes.cast(getattr(library, name), ctypes.c_void_p).value
                     for dtype, name in (("float32", "scipy_cblas_sgemm64_"),
                                         ("float64", "scipy_cblas_dgemm64_"))}
    except Exception:  # no threadpoolctl, another BLAS, or symbols of other names
        _blas = {}
    return _blas


_same_bits: dict = {}  # (dtype, m, k, n, layouts, cut) -> whether the halves are NumPy's product


class Helper:
    """The helper of one fit: ``matmul`` posts half of a large product to the thread of the
    running pass (``PrefetchedPass``), which serves this helper's ``task`` and ``state``."""

    def __init__(self):
        self._loops = _compiled()
        self._gemm = _numpy_gemm()
        self.task = np.zeros(self._loops.TASK_FIELDS, np.int64)
        flags = np.zeros(16, np.int64)  # each on a cache line of its own
        self.state, self.go = flags[0:1], flags[8:9]
        self.cut = 0  # products cut in two
        self.handed = 0  # of their second halves, those the helper computed (the step the rest)
        self.posts = 0  # gradient parts of an owned block posted (post_gradient)
        self.owned = 0  # of their updates, those the helper made
        self.posted = False  # an owned part is posted and not finished
        self._operands = None  # the arrays a posted part reads and writes, kept alive
        self._grad = None  # the flat gradient of the bound pack
        self._arrays = ()  # the optimizer's flat arrays that the task names
        self._total = 0
        self._scalars = None  # the update's scalars in the arrays' dtype (at F_SCALARS)

    def matmul(self, a, b, out=None):
        """``np.matmul(a, b, out=out)`` for 2-D arrays, the same bits; a large product is cut in
        two and half of it handed to the helper. The first product of each shape is also
        computed whole by NumPy: shapes whose halves differ from it in any bit are not cut."""
        fn = self._gemm.get(a.dtype)
        m, k = a.shape
        n = b.shape[1]
        if (fn is None or m * n * k < SPLIT_MACS or min(m, n) < 2 or b.dtype != a.dtype
                or max(b.size, m * n) * a.itemsize > SPLIT_BYTES
                or not (a.flags.c_contiguous or a.flags.f_contiguous)
                or not (b.flags.c_contiguous or b.flags.f_contiguous)
                or (out is not None and (not out.flags.c_contiguous or out.dtype != a.dtype
                                         or out.shape != (m, n)))):
            return np.matmul(a, b, out=out)
        by_rows = m >= n
        key = (a.dtype.char, m, k, n, a.flags.c_contiguous, b.flags.c_contiguous, by_rows)
        same = _same_bits.get(key)
        if same is False:
            return np.matmul(a, b, out=out)
        if out is None:
            out = np.empty((m, n), a.dtype)
        self.cut += 1
        self.handed += self._loops.split_matmul(fn, a, b, out, self.task, self.state, by_rows,
                                                0)
        if same is None:
            whole = np.matmul(a, b)
            _same_bits[key] = same = bool(np.array_equal(out, whole, equal_nan=True))
            if not same:
                out[...] = whole
        return out

    # ----- a block of the first layer's columns, owned by the helper for a whole pass -----
    #
    # Cutting a product whose weight is large (W2's 400 KB kernel) in two loses: the weight and
    # its gradient, updated on one core and read on the other, move between the caches each
    # step. The helper can instead own a block of the first layer's columns during a pass: it
    # computes their part of the forward product, their weight gradient and their update by
    # the optimizer's kernel, so that no weight, gradient or slot of the block leaves its core.
    # The stack step stores that kernel column by column for the pass (``_Pack.transpose``), so
    # that the block is one contiguous range of the optimizer's flat arrays.

    def owned_columns(self, kernel, batch_size: int, optimizer) -> int:
        """The first column of the block the helper may own of a first layer's ``kernel`` at
        this batch size and optimizer, or 0 for none: a kernel over ``SPLIT_BYTES`` (a smaller
        one moves between the caches cheaply, and its products are cut instead) of at least
        32 columns (16 on each side of a cut on a multiple of 16), and ``_ownable``."""
        features, units = kernel.shape
        if kernel.nbytes <= SPLIT_BYTES or units < 32:
            return 0
        cut = _owned_cut(units)
        return cut if self._ownable(kernel, batch_size, optimizer, cut, False) else 0

    def owned_rows(self, kernel, batch_size: int, optimizer) -> int:
        """The first row of the block the helper may own of a first layer's ``kernel`` whose
        products it shares (at most ``SPLIT_BYTES``: its forward product is cut by batch rows,
        ``matmul``) of at least 32 rows, or 0 for none; and ``_ownable``. Owning the
        gradient's rows and their update saves moving half of the gradient to the other core
        each step, and halves the update."""
        if kernel.nbytes > SPLIT_BYTES or kernel.shape[0] < 32:
            return 0
        cut = int(self._loops._half(kernel.shape[0]))  # near the middle, a multiple of 16
        return cut if self._ownable(kernel, batch_size, optimizer, cut, True) else 0

    def _ownable(self, kernel, batch_size: int, optimizer, cut: int, by_rows: bool) -> bool:
        """What both kinds of block need: NumPy's BLAS for the dtype, a product of
        ``SPLIT_MACS`` or more, an optimizer whose update the helper runs (``owns_updates``),
        and parts that are NumPy's products bit for bit (``same_bits``)."""
        features, units = kernel.shape
        return (self._gemm.get(kernel.dtype) is not None
                and batch_size * features * units >= SPLIT_MACS and owns_updates(optimizer)
                and self.same_bits(batch_size, features, units, cut, kernel.dtype, by_rows))

    def same_bits(self, rows: int, features: int, units: int, cut: int, dtype,
                  by_rows: bool = False) -> bool:
        """Whether, at ``rows`` rows, the owned parts of the weight gradient (its rows from
        ``cut``, ``by_rows``, or its columns, stored column by column) and, for columns, of the
        forward product are NumPy's products bit for bit (checked on random numbers once per
        shape: a BLAS picks its kernels by shape)."""
        dtype = np.dtype(dtype)
        key = ("owned", dtype.char, rows, features, units, cut, by_rows)
        same = _same_bits.get(key)
        if same is None:
            fn, task = self._gemm[dtype], np.zeros_like(self.task)
            rng = np.random.default_rng(0)
            x = rng.random((rows, features)).astype(dtype)
            dz = rng.standard_normal((rows, units)).astype(dtype)
            want = np.matmul(x.T, dz)
            if by_rows:
                grad = np.empty((features, units), dtype)
                self._loops.both_parts(fn, x.T, dz, grad, task, True, cut)
                same = np.array_equal(grad, want)
            else:
                w = rng.standard_normal((features, units)).astype(dtype)
                z = np.empty((units, rows), dtype)  # the output, column by column
                self._loops.both_parts(fn, np.ascontiguousarray(w.T), x.T, z, task, True, cut)
                grad = np.empty((units, features), dtype)  # the gradient, column by column
                self._loops.both_parts(fn, dz.T, x, grad, task, True, cut)
                same = np.array_equal(z.T, np.matmul(x, w)) and np.array_equal(grad.T, want)
            _same_bits[key] = same = bool(same)
        return same

    def bind(self, pack, index: int, cut: int, by_rows: bool = False) -> None:
        """Let the helper update the block of rows (``by_rows``, the matrix in row order) or of
        columns (stored column by column) [cut, ...) of ``pack.variables[index]``: elements
        [lo, hi) of the pack's flat arrays."""
        loops = self._loops
        shape = pack.views[index].shape
        start = pack.starts[index]
        self.task[loops.F_LO] = start + cut * (shape[1] if by_rows else shape[0])
        self.task[loops.F_HI] = start + pack.views[index].size
        self._total = pack.value.size
        self._grad, self._arrays = pack.grad, ()
        if self._scalars is None or self._scalars.dtype != pack.value.dtype:
            self._scalars = np.zeros(8, pack.value.dtype)
            self.task[loops.F_SCALARS] = self._scalars.ctypes.data

    def forward(self, x, kernel, cut: int):
        """x @ kernel (a kernel stored column by column), its columns [cut, ...) computed by the
        helper. (Computed as kernel^T x^T, then turned: with the kernel in this order, OpenBLAS
        takes longer over x @ kernel itself, 57 against 47 us for half of W2's product.)"""
        self.cut += 1
        out = np.empty((kernel.shape[1], len(x)), x.dtype)
        self.handed += self._loops.split_matmul(self._gemm[x.dtype], kernel.T, x.T, out,
                                                self.task, self.state, True, cut)
        return np.ascontiguousarray(out.T)

    def post_gradient(self, x, dz, grad, cut: int, by_rows: bool = False) -> None:
        """Post the weight gradient grad = x^T dz, whose rows (``by_rows``) or columns (``grad``
        stored column by column) [cut, ...) the helper computes, and then updates
        (``update``); the rest is computed here."""
        self.posted = True
        self.posts += 1
        self._operands = (x, dz, grad)  # alive until the helper is done with them (finish)
        if by_rows:
            self._loops.post_owned(self._gemm[x.dtype], x.T, dz, grad, self.task, self.state,
                                   self.go, cut)
        else:
            self._loops.post_owned(self._gemm[x.dtype], dz.T, x, grad.T, self.task, self.state,
                                   self.go, cut)

    def update(self, name: str, arrays: tuple, scalars: tuple) -> bool:
        """The optimizer's step of the pack bound by ``bind`` (``fast.updates.handing_off``):
        the kernel ``name`` on the helper's block there and on the rest here, once the posted
        gradient is whole. False for a step of other arrays (and for a kernel the helper does
        not run, having waited for the gradient): the caller makes it."""
        if not self.posted or not arrays or arrays[0] is not self._grad:
            return False
        kernel = _UPDATE_INDEX.get(name)
        if kernel is None or len(scalars) > len(self._scalars) or not self._names(arrays):
            self.finish()
            return False
        self.task[self._loops.F_KERNEL] = kernel
        self._scalars[:len(scalars)] = scalars  # cast as the fused path casts them
        self.posted = False
        self.owned += self._loops.finish_owned(self.task, self.state, self.go, True, self._total)
        self._operands = None
        return True

    def finish(self) -> None:
        """Wait for (or compute here) the posted gradient's part, without its update."""
        if self.posted:
            self.posted = False
            self._loops.finish_owned(self.task, self.state, self.go, False, self._total)
            self._operands = None

    def _names(self, arrays) -> bool:
        """Whether the task names ``arrays`` (the same flat arrays each step: written once)."""
        mine = self._arrays
        if len(mine) == len(arrays) and all(a is b for a, b in zip(arrays, mine)):
            return True
        loops = self._loops
        dtype = self._scalars.dtype
        if len(arrays) > 5 or any(
                type(a) is not np.ndarray or a.dtype != dtype or a.size != self._total
                or not a.flags.c_contiguous or not a.flags.writeable for a in arrays):
            return False
        fields = (loops.F_G, loops.F_W, loops.F_S1, loops.F_S2, loops.F_S3)
        for i, field in enumerate(fields):
            self.task[field] = arrays[min(i, len(arrays) - 1)].ctypes.data
        self._arrays = tuple(arrays)
        return True


_UPDATE_INDEX: dict = {}  # kernel name -> its index in _helper_loop.UPDATES


OWNED_SHARE_OF_STEP = 1 / 2
"""The part of an owned layer's columns that the step keeps (the helper takes the rest): of
3/8, 1/2 and 5/8, half was the fastest for W2 (bench/RESULTS.md, "Tried and not kept")."""


def _owned_cut(units: int) -> int:
    """The first column of the helper's block: ``OWNED_SHARE_OF_STEP`` of the columns, on a
    multiple of 16, with 16 or more on each side."""
    return min(units - 16, max(16, int(units * OWNED_SHARE_OF_STEP) // 16 * 16))


def owns_updates(optimizer) -> bool:
    """Whether ``optimizer``'s ``update_step`` is one that goes straight to a kernel the helper
    can run on its block (Adam's, RMSprop's, SGD's: nothing reads the gradient before it)."""
    from .. import optimizers

    if not _UPDATE_INDEX:
        _UPDATE_INDEX.update({name: i for i, name in enumerate(_compiled().UPDATES)})
    step = type(optimizer).update_step
    return any(step is cls.update_step
               for cls in (optimizers.Adam, optimizers.RMSprop, optimizers.SGD))


def _run(kernel, args, outcome: list) -> None:
    try:
        outcome.append(kernel(*args))
    except BaseException as error:  # reported by the training thread, which would wait
        outcome.append(error)


class PrefetchedPass:
    """An iterator over the (x, y, sample_weight) batches of one pass of ``order``, from batch
    ``start``, gathered by a helper thread of its own, which also serves ``helper``'s products;
    ``close()`` stops it (also done when the pass ends or is dropped). Each batch is a view of
    its slot, valid until the next is taken."""

    def __init__(self, x, y, sample_weight, order, batch_size: int, start: int = 0,
                 helper: Helper | None = None):
        kernel = _loop()
        loops = _compiled()
        self._load, self._store = loops.load, loops.store  # atomics: the helper reads and
        if helper is None:  # writes these counters at the same time
            helper = Helper()
        self._batch = batch_size
        self._n = len(order)
        self._next = start
        self._batches = -(-self._n // batch_size)
        rings, views = [], []
        for a in (x, y, sample_weight):
            rows = _rows(a) if a is not None else np.empty((len(x), 0), np.uint8)
            ring = np.empty((SLOTS, batch_size, rows.shape[1]), np.uint8)
            rings.append((rows, ring))
            # the slots as the arrays' dtype and row shape, as the step receives them
            views.append(None if a is None else [
                ring[s].view(a.dtype).reshape((batch_size,) + a.shape[1:]) for s in range(SLOTS)])
        self._views = views
        # the counters, each on a cache line of its own: batches ready, batches released, stop
        flags = np.zeros(24, np.int64)
        self._ready, self._released, self._stop = flags[0:1], flags[8:9], flags[16:17]
        self._ready[0] = self._released[0] = start
        self._outcome = []  # what the thread's loop returned or raised
        (xr, rx), (yr, ry), (wr, rw) = rings
        order = np.ascontiguousarray(order, dtype=np.intp)
        args = (xr, yr, wr, order, rx, ry, rw, batch_size, start, self._ready, self._released,
                self._stop, helper.task, helper.state, helper.go)
        # the thread holds the arrays, not this object, so that dropping it stops the thread
        self._thread = threading.Thread(target=_run, args=(kernel, args, self._outcome),
                                        name="numnet-helper", daemon=True)
        self._thread.start()

    def __iter__(self):
        return self

    def __next__(self):
        b = self._next
        if b >= self._batches:
            self.close()
            raise StopIteration
        # the batch before is done with: its slot may be gathered into
        self._store(self._released, b)
        if self._load(self._ready) <= b:
            self._wait(b)
        self._next = b + 1
        slot = b % SLOTS
        count = min(self._batch, self._n - b * self._batch)
        out = []
        for views in self._views:
            if views is None:
                out.append(None)
            else:
                view = views[slot]
                out.append(view if count == self._batch else view[:count])
        return tuple(out)

    def _wait(self, b):
        """Until batch b is gathered: spin, then give the core away between looks."""
        ready, thread, load = self._ready, self._thread, self._load
        for _ in range(2000):
            if load(ready) > b:
                return
        while load(ready) <= b:
            if not thread.is_alive() and load(ready) <= b:
                error = self._outcome[0] if self._outcome else None
                self.close()
                raise RuntimeError(
                    f"fit: the helper thread gathering the training batches stopped at batch {b}"
                    + (f" ({error!r})" if isinstance(error, BaseException) else "")
                    + "; set NUMNET_FUSED=0 to gather them in the training thread.")
            os.sched_yield()

    def close(self) -> None:
        """Stop the helper thread and wait for it (a few microseconds: it looks at its counters
        between chunks of rows and naps of at most 0.2 ms)."""
        stop = getattr(self, "_stop", None)
        if stop is None:
            return
        stop[0] = 1
        thread = getattr(self, "_thread", None)
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def __del__(self):
        self.close()
