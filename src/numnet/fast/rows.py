"""The scatter-add of an embedding's gradient as one compiled loop.

``layers/embedding.py``'s ``row_sums`` adds each position's gradient row into the row of the
table it read: out[ids[k]] += g[k]. On NumPy it sorts the positions by index and sums each run
with ``np.add.reduceat``, whose cost per run (a reduction of its own) dominates when a batch
reads a thousand distinct rows (text: 3,200 tokens of a 20,000-word vocabulary). Here the
same sums are one pass over the positions in their order, compiled by numba: each row's terms
added one after the other from zero, which is ``np.add.at`` to the last bit (the sorted runs
sum in another order: equal to rounding; the tests check both).

Used where numba is there and the fused path is on (``fast/updates.py``'s switch), for NumPy
arrays of float32 or float64; ``scatter_add`` returns False otherwise and the caller keeps its
own path.
"""

from __future__ import annotations

import numpy as np

_kernel = None  # the compiled loop; False where it cannot be had
_FLOATS = (np.dtype("float32"), np.dtype("float64"))


def _scatter_add(out, ids, g):
    for k in range(ids.shape[0]):
        row = out[ids[k]]
        gk = g[k]
        for j in range(gk.shape[0]):
            row[j] += gk[j]


def scatter_add(out, ids, g) -> bool:
    """out[ids[k]] += g[k] for k in order; ``out`` (rows, dim), ``ids`` (m,) integers within
    range (the caller checks), ``g`` (m, dim) of out's dtype. True where done here, False where
    the caller must do it (no numba, fused path off, other arrays)."""
    global _kernel
    if (type(out) is not np.ndarray or type(g) is not np.ndarray or out.dtype not in _FLOATS
            or g.dtype != out.dtype or ids.dtype.kind not in "iu" or not out.flags.c_contiguous):
        return False
    from . import updates as switch

    if not switch._enabled or not switch.is_available():
        return False
    if _kernel is None:
        try:
            _kernel = switch._numba.njit(cache=True, nogil=True)(_scatter_add)
        except Exception:
            _kernel = False
    if _kernel is False:
        return False
    try:
        _kernel(out, ids, g)
    except Exception:  # a signature numba cannot compile: the caller's path from here on
        _kernel = False
        return False
    return True
