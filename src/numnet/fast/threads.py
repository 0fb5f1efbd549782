"""BLAS threads: one inside numnet's computations; large products cut across the cores by numnet.

A multi-threaded BLAS pays on large products of an idle machine and loses on the rest: on the
small products of an MLP at batch 32 (about 3 million multiply-adds) or of a recurrent step
(32 x 64 x 256) its threads gain little even when idle, and on a machine with other work
running its threads spin and wait for a core inside every product (bench/RESULTS.md: a W6 step
waited about 14 ms a product; a W5 epoch took ten times longer on two BLAS threads than on
one). So inside numnet's computations -- ``fit``, ``evaluate``, ``predict``,
``train_on_batch`` / ``test_on_batch`` and a ``GradientTape`` block and its ``gradient`` (a
custom training loop) -- the BLAS runs on one thread (``scope``), and a product of
``SMALL_PRODUCT`` multiply-adds or more is cut by numnet into row blocks, one per core, each
multiplied on its own worker thread (``matmul``; the convolutions' blocks likewise in
fast/conv.py). Such a split has one meeting point, at its end, instead of the BLAS's many, so a
busy core delays it once. Every block is the same product on fewer rows, so the numbers are
those of the uncut product up to the BLAS's rounding of a differently shaped call.

When the computation ends the BLAS gets its own count back, so NumPy products of the user's
code are left as they were. One exception keeps the BLAS's threads: the fast step of a large
Dense stack (fast/stack_step.py), which runs its own products and was measured with them (W4).

This needs threadpoolctl (a dependency of numnet); without it, when the user has set
OPENBLAS_NUM_THREADS, OMP_NUM_THREADS or MKL_NUM_THREADS, with ``NUMNET_BLAS_THREADS=keep``, or
on the GPU, the BLAS keeps its own setting throughout (products are still cut where they are
large: ``NUMNET_FUSED_THREADS=1`` turns that off).
"""

from __future__ import annotations

import functools
import os

import numpy as np

from .. import backend
from . import updates as fused

SMALL_PRODUCT = 1 << 24
"""Multiply-adds (m x k x n) of a product below which it runs on one BLAS thread; also the
largest product of a step below which fit pins one thread from the start."""

_USER_SETTINGS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def largest_product(weights, batch_size: int) -> int:
    """batch_size x the size of the largest 2-D weight: the multiply-adds of the largest product.
    An Embedding's table ("embeddings") is read by rows, never multiplied: it does not count."""
    sizes = [int(np.prod(w.shape)) for w in weights
             if len(w.shape) == 2 and getattr(w, "name", None) != "embeddings"]
    return batch_size * max(sizes, default=0)


_controllers: dict = {}


def _controller():
    """threadpoolctl's view of the loaded thread pools, made once a process: making it reads the
    process's memory map (about 1 ms, a few percent of a small model's epoch). The BLAS that
    NumPy's matrix products use is loaded with NumPy, before any fit, so it is always in the
    view; a BLAS loaded later (scipy's, for plain SGD's axpy) is kept from starting threads
    during fit by ``fused.allow_blas``."""
    controller = _controllers.get(os.getpid())
    if controller is None:
        from threadpoolctl import ThreadpoolController

        controller = _controllers[os.getpid()] = ThreadpoolController()
    return controller


def _policy_applies() -> bool:
    return (backend.xp is np
            and os.environ.get("NUMNET_BLAS_THREADS", "").strip().lower() != "keep"
            and not any(os.environ.get(name) for name in _USER_SETTINGS))


# The policy's state while a computation runs (nested scopes share the outermost one's).
_depth = 0  # open scopes
_keep = False  # the outermost scope keeps the BLAS's threads (the fast step of a large stack)
_declined = False  # the policy does not apply in this scope (a user setting, the GPU...)
_pinned = False  # the BLAS is on one thread until the outermost scope ends
_saved: list = []  # (threadpoolctl's controller of a BLAS, its count before the pin)
_MIN_ROWS = 64  # rows of a block, at least: below this a block is not worth a thread
BLAS_THREADED = 1 << 18
"""Multiply-adds below which OpenBLAS runs a product on one thread by itself: a scope pins the
BLAS at its first product of this size or more (pinning costs a few microseconds, which a
batch-1 ``predict`` of a small model would otherwise pay for nothing)."""


def pin() -> bool:
    """Inside a ``scope``: set the BLAS to one thread until the outermost scope ends (once a
    scope; nothing where the policy does not apply). Returns whether the BLAS is pinned. Called
    by ``matmul`` and by the fast kernels that run products of their own."""
    global _pinned, _saved, _declined
    if _pinned or not _depth or _keep or _declined:
        return _pinned
    if not _policy_applies():
        _declined = True
        return False
    try:
        libs = [lib for lib in _controller().lib_controllers if lib.user_api == "blas"]
        saved = [(lib, int(lib.num_threads)) for lib in libs]
        for lib, _ in saved:
            lib.set_num_threads(1)
    except Exception:  # threadpoolctl absent, or an unknown BLAS build: leave it as it is
        _declined = True
        return False
    _saved, _pinned = saved, True
    return True


def matmul(a, b, out=None):
    """``a @ b`` for 2-D NumPy arrays; inside a ``scope`` the BLAS is pinned to one thread (at
    the first product of ``BLAS_THREADED`` multiply-adds or more), and a product of
    ``SMALL_PRODUCT`` or more is cut into row blocks of ``a``, one per worker
    (``NUMNET_FUSED_THREADS``, default the usable cores, at most 4), each written into its rows
    of the result by its own thread. Anything else is one ``np.matmul`` call.

    Args:
        a: (m, k) array; a transposed view is fine (its row blocks are views too).
        b: (k, n) array.
        out: the (m, n) result's array, or None for a new one.

    Returns:
        The (m, n) product (``out`` when given).

    Example:
        >>> a, b = np.ones((512, 256), "float32"), np.ones((256, 256), "float32")
        >>> with scope():                    # as inside fit: cut in row blocks on the workers
        ...     c = matmul(a, b)
        >>> c.shape, float(c[0, 0])
        ((512, 256), 256.0)
    """
    if _depth and a.ndim == 2 and b.ndim == 2 and type(a) is np.ndarray:
        m, k = a.shape
        size = m * k * b.shape[1]
        if size >= BLAS_THREADED and (_pinned or pin()):
            workers = fused._threads
            if workers > 1 and size >= SMALL_PRODUCT and m >= 2 * _MIN_ROWS:
                pieces = min(workers, m // _MIN_ROWS)
                if out is None:
                    out = np.empty((m, b.shape[1]), dtype=np.result_type(a.dtype, b.dtype))
                cuts = [m * i // pieces for i in range(pieces + 1)]
                pool = fused._executor()
                waits = [pool.submit(np.matmul, a[lo:hi], b, out=out[lo:hi])
                         for lo, hi in zip(cuts[1:-1], cuts[2:])]
                np.matmul(a[:cuts[1]], b, out=out[:cuts[1]])
                for wait in waits:
                    wait.result()
                return out
    return a @ b if out is None else backend.xp.matmul(a, b, out=out)


class scope:
    """A computation of numnet's (fit, evaluate, predict, a GradientTape block): inside it the
    BLAS runs on one thread (from the first product that could use more: ``pin``) and
    ``matmul`` cuts large products across the cores; at its end the BLAS gets its count back.
    ``pin=False`` keeps the BLAS's threads. Scopes nest: the outermost one decides and
    restores.

    Args:
        pin: put the BLAS on one thread at the first product that could use more. Defaults to
            ``True``.

    Example:
        >>> with scope():                    # what fit, predict and GradientTape do
        ...     y = matmul(np.ones((4, 3)), np.ones((3, 2)))
    """

    __slots__ = ("_pin",)

    def __init__(self, pin: bool = True):
        self._pin = pin

    def __enter__(self) -> scope:
        global _depth, _keep, _declined
        if not _depth:
            _keep, _declined = not self._pin, False
        _depth += 1
        return self

    def __exit__(self, *exc) -> None:
        global _depth, _saved, _pinned
        _depth -= 1
        if not _depth and _pinned:
            for lib, count in _saved:
                lib.set_num_threads(count)
            _saved, _pinned = [], False
        return None


def in_scope(method):
    """Run ``method`` inside a ``scope`` (for evaluate, predict and the like)."""
    @functools.wraps(method)
    def run(*args, **kwargs):
        with scope():
            return method(*args, **kwargs)
    return run


class Limit:
    """The BLAS threads of one fit: a ``scope`` (one BLAS thread), except for the fast step of
    a Dense stack with large products, which keeps the BLAS's threads; ``restore()`` ends it and
    puts back what was there.

    Args:
        weights: the weights the fit trains.
        batch_size: the fit's batch size.
        fast_step: whether the fit runs the fast step of a Dense stack (fast/stack_step.py).
    """

    def __init__(self, weights, batch_size: int, fast_step: bool = False):
        small = bool(batch_size) and largest_product(weights, batch_size) < SMALL_PRODUCT
        outermost = not _depth
        self._scope = scope(pin=small or not fast_step).__enter__()
        # the fast step of a small stack announces no products: pin now
        self._small = small and outermost and pin()
        self._allowed = True
        if self._small:
            # A BLAS loaded later (plain SGD's axpy) would start threads of its own: not
            # meanwhile.
            self._allowed = fused.allow_blas(False)

    @property
    def active(self) -> bool:
        """Whether this fit runs every product on one BLAS thread, all of them small (the
        fast step's helper thread may then take the second core)."""
        return self._small

    def restore(self) -> None:
        if self._small:
            self._small = False
            fused.allow_blas(self._allowed)
        self._scope.__exit__(None, None, None)
