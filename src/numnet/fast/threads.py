"""BLAS threads: small matrix products on one thread, large ones on all, decided by size.

A multi-threaded BLAS pays on large products. On the small ones of an MLP at batch 32 (about
3 million multiply-adds) or of a recurrent step (32 x 64 x 256) its threads gain little on an
idle machine and lose several times over on a busy one, where each product waits for a core
(bench/RESULTS.md has the measurements: a W6 step waited about 14 ms a product). So inside
numnet's computations -- ``fit``, ``evaluate``, ``predict``, ``train_on_batch`` /
``test_on_batch`` and a ``GradientTape`` block (a custom training loop) -- every product the
engine runs announces its size (``product(multiply_adds)``): one below ``SMALL_PRODUCT`` runs
on one BLAS thread, a larger one on the count the BLAS had when the computation began (never
more). When the computation ends the BLAS gets its own count back, so NumPy products of the
user's own code are left as they were. Switching costs about a microsecond, and only when the
size class changes. On top of that, ``fit`` pins one thread for a model whose largest 2-D
weight makes only small products (the Dense stacks of the fast step and its helper thread).
The choice depends only on the shapes, so a computation gives the same numbers each time.

This needs threadpoolctl (a dependency of numnet); without it, when the user has set
OPENBLAS_NUM_THREADS, OMP_NUM_THREADS or MKL_NUM_THREADS, with ``NUMNET_BLAS_THREADS=keep``, or
on the GPU, the BLAS keeps its own setting throughout.
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
_saved: list = []  # (threadpoolctl's controller of a BLAS, its count before the scope)
_full = 1  # the thread count of large products: the BLAS's own when the scope opened
_current = 0  # the count set now; 0 while no product has asked for one


def product(multiply_adds: int) -> None:
    """Give the matrix product about to run its BLAS threads: one below ``SMALL_PRODUCT``
    multiply-adds, all (the count at the scope's start) from there on. Outside a ``scope``, or
    where the policy does not apply, nothing happens."""
    global _current
    if not _depth:
        return
    want = 1 if multiply_adds < SMALL_PRODUCT else _full
    if want != _current:
        for lib, _ in _saved:
            lib.set_num_threads(want)
        _current = want


class scope:
    """A computation of numnet's (fit, evaluate, predict, a GradientTape block): inside it each
    product's threads are chosen by ``product``; at its end the BLAS gets its count back.
    Scopes nest: the outermost one saves and restores."""

    __slots__ = ("_opened",)

    def __enter__(self) -> scope:
        global _depth, _saved, _full, _current
        self._opened = False
        if _depth:
            _depth += 1
            self._opened = True
            return self
        if not _policy_applies():
            return self
        try:
            libs = [lib for lib in _controller().lib_controllers if lib.user_api == "blas"]
            saved = [(lib, int(lib.num_threads)) for lib in libs]
        except Exception:  # threadpoolctl absent, or an unknown BLAS build: leave it as it is
            return self
        if not saved:
            return self
        _saved, _full, _current, _depth = saved, max(n for _, n in saved), 0, 1
        self._opened = True
        return self

    def __exit__(self, *exc) -> None:
        global _depth, _saved, _current
        if not self._opened:
            return None
        self._opened = False
        _depth -= 1
        if not _depth:
            if _current:
                for lib, count in _saved:
                    lib.set_num_threads(count)
            _saved, _current = [], 0
        return None


def in_scope(method):
    """Run ``method`` inside a ``scope`` (for evaluate, predict and the like)."""
    @functools.wraps(method)
    def run(*args, **kwargs):
        with scope():
            return method(*args, **kwargs)
    return run


class Limit:
    """The BLAS threads of one fit: a ``scope`` that starts on one thread for a model whose
    2-D weights make only small products; ``restore()`` ends it and puts back what was there."""

    def __init__(self, weights, batch_size: int):
        self._scope = scope().__enter__()
        self._pin = False
        self._allowed = True
        if not self._scope._opened or _depth != 1 or not batch_size:
            return
        if largest_product(weights, batch_size) >= SMALL_PRODUCT:
            return
        self._pin = True
        product(0)  # (the fast step of a Dense stack announces no products: it stays at one)
        # A BLAS loaded later (plain SGD's axpy) would start threads of its own: not meanwhile.
        self._allowed = fused.allow_blas(False)

    @property
    def active(self) -> bool:
        """Whether this fit runs every product on one BLAS thread."""
        return self._pin

    def restore(self) -> None:
        if self._pin:
            self._pin = False
            fused.allow_blas(self._allowed)
        self._scope.__exit__(None, None, None)
