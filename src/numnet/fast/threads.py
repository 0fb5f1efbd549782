"""BLAS threads during fit: one thread when every matrix product of a training step is small.

A multi-threaded BLAS pays on large products. On the small ones of an MLP at batch 32 (about
3 million multiply-adds) its threads gain little on an idle machine and lose several times over
on a busy one, where they wait for a core (bench/RESULTS.md has the measurements). So while
``fit`` runs, a model whose largest product per step is below ``SMALL_PRODUCT`` multiply-adds
trains with one BLAS thread; the count is restored when fit returns. The choice depends only on
the shapes, so a fit gives the same numbers each time it runs on a machine.

This needs threadpoolctl (``pip install "numnet[fast]"``; scikit-learn brings it too); without it,
or when the user has set OPENBLAS_NUM_THREADS, OMP_NUM_THREADS or MKL_NUM_THREADS, or with
``NUMNET_BLAS_THREADS=keep``, the BLAS keeps its own setting.
"""

from __future__ import annotations

import os

import numpy as np

from .. import backend
from . import updates as fused

SMALL_PRODUCT = 1 << 24
"""Multiply-adds of the largest product of a step (batch x fan-in x fan-out) below which fit
uses one BLAS thread."""

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


class Limit:
    """The BLAS thread limit of one fit; ``restore()`` puts back what was there."""

    def __init__(self, weights, batch_size: int):
        self._limits = None
        self._allowed = True
        if backend.xp is not np or os.environ.get("NUMNET_BLAS_THREADS", "").lower() == "keep":
            return
        if any(os.environ.get(name) for name in _USER_SETTINGS):
            return
        if not batch_size or largest_product(weights, batch_size) >= SMALL_PRODUCT:
            return
        try:
            self._limits = _controller().limit(limits=1, user_api="blas")
        except Exception:  # threadpoolctl absent, or an unknown BLAS build: leave it as it is
            self._limits = None
            return
        # A BLAS loaded later (plain SGD's axpy) would start threads of its own: not meanwhile.
        self._allowed = fused.allow_blas(False)

    @property
    def active(self) -> bool:
        return self._limits is not None

    def restore(self) -> None:
        if self._limits is not None:
            self._limits.restore_original_limits()
            self._limits = None
            fused.allow_blas(self._allowed)
