"""Fused update kernels: one pass over memory per step instead of one per NumPy operation.

The NumPy path of an optimizer reads and writes each array once per operation (Adam: about ten
passes). When numba is installed (``pip install "numnet[fast]"``) the same rule runs as one loop
compiled to machine code, reading each element once. It is used automatically when every array
of the step is a NumPy ``float32`` or ``float64`` array in C order, of one dtype; anything else
(mixed dtypes, strided views) takes the NumPy path. CuPy arrays go to the GPU kernels of
``fast/updates_cuda.py`` (one launch a step), or to the array path where none applies.

Each kernel below performs the NumPy path's operations in the same order, with its scalars cast
to the arrays' dtype, so the two paths round alike: equal to 1e-12 relative in float64 (the tests
check both), with one difference: a slot that decays (a moment, a velocity, an average) is
stored as zero once it falls below the dtype's smallest normal number (``finfo.tiny``, 1.2e-38
in float32) instead of going on as a subnormal number. A weight whose gradient stays zero (a
pixel that is blank in every image of the batch) makes its moments decay geometrically, and
arithmetic on subnormal numbers is many times slower: training on MNIST, about a quarter of
Adam's first moments were subnormal, and flushing them halved the time of the update. What such
a value would add to a weight is below 1e-30 times the learning rate; a second moment under the
square root matters beside epsilon only when epsilon is 0, where it reaches zero (and the update
its division by zero) some steps earlier than on the NumPy path.

numba is imported, and each kernel compiled, on first use only; compiled code is cached on disk
(``cache=True``), so the compile cost (a fraction of a second per kernel and dtype) is paid once
per machine. ``NUMNET_FUSED=0`` in the environment, or ``set_enabled(False)``, turns the fused
path off.

Arrays of 2^22 elements or more (4 million) are cut into contiguous pieces updated at
the same time on up to ``NUMNET_FUSED_THREADS`` threads (default: the usable cores, at most 4; 1
for none). The kernels release the GIL; the threads are started on first need and wait, without
spinning, between steps. An element's update does not depend on the others, so the result is the
same. Smaller arrays are not cut: there a thread costs more than it saves, and during training it
would compete with the BLAS threads of the matrix products for the cores. Plain SGD, a pass too
cheap for that, uses the BLAS's axpy (scipy's) on arrays of 2^18 elements or more instead.
"""

from __future__ import annotations

import os
import threading

import numpy as np

_enabled = os.environ.get("NUMNET_FUSED", "1").strip().lower() not in ("0", "false", "no", "off")
_numba = None  # the module once imported; False when it is not installed or failed
_compiled: dict[str, object] = {}
_signatures: dict[tuple, bool] = {}  # (kernel, dtype, writeable flags) -> compiled and usable
# name -> (arrays, kernel, flat arrays, cast, pieces, threads, writeable flags) of the last call
_last: dict[str, tuple] = {}
_DTYPES = (np.dtype("float32"), np.dtype("float64"))
_PIECE = 1 << 21  # the fewest elements a thread is given
_pool = None
_pool_pid = None

_local = threading.local()  # .handoff: see handing_off


class handing_off:
    """``with handing_off(fn):`` ``run`` offers each step made in this thread to
    ``fn(name, arrays, scalars)`` first, which returns True where it has made the step itself
    (the stack step, whose helper thread updates part of the weights: fast/helper_thread.py).
    Per thread, so that a fit in another thread is never offered to it."""

    def __init__(self, fn):
        self.fn = fn
        self.previous = None

    def __enter__(self):
        self.previous = getattr(_local, "handoff", None)
        _local.handoff = self.fn

    def __exit__(self, *exc):
        _local.handoff = self.previous


def _thread_count() -> int:
    given = os.environ.get("NUMNET_FUSED_THREADS", "").strip()
    if given:
        try:
            return max(1, int(given))
        except ValueError:
            raise ValueError(
                f"NUMNET_FUSED_THREADS: expected a whole number of threads (1 for none), "
                f"given {given!r}."
            ) from None
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(4, cores)


_threads = _thread_count()


def _executor():
    """The worker threads (made again in a child after fork, where they do not exist)."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        from concurrent.futures import ThreadPoolExecutor

        _pool = ThreadPoolExecutor(max_workers=_threads - 1, thread_name_prefix="numnet-fused")
        _pool_pid = os.getpid()
    return _pool


def set_enabled(flag: bool) -> None:
    """Use the fused kernels when they apply (True, the default) or always the NumPy path."""
    global _enabled
    _enabled = bool(flag)
    _last.clear()


def is_available() -> bool:
    """Whether the fused path is on and numba can be imported (imports it on the first call)."""
    global _numba
    if not _enabled:
        return False
    if _numba is None:
        try:
            import numba
        except Exception as error:  # absent or broken: the NumPy path does the same work
            _numba = False
            import warnings

            warnings.warn(f"numba cannot be imported ({type(error).__name__}: {error}), so "
                          "numnet runs on NumPy alone, 2-4x slower; `pip install numba` brings "
                          "its compiled kernels back (NUMNET_FUSED=0 silences this).",
                          RuntimeWarning, stacklevel=2)
        else:
            _numba = numba
    return _numba is not False


def run(name: str, arrays: tuple, scalars: tuple) -> bool:
    """Run kernel ``name`` on ``arrays`` (updated in place) if the fused path applies to them.

    ``scalars`` are Python numbers, cast to the arrays' dtype first, or flags (bool), passed as
    they are. Returns False, having done nothing, when the NumPy path must do the step instead.
    """
    if not _enabled:
        return False
    handoff = getattr(_local, "handoff", None)
    if handoff is not None and handoff(name, arrays, scalars):
        return True
    if type(arrays[0]) is not np.ndarray:
        return _on_gpu(name, arrays, scalars)
    last = _last.get(name)
    if last is not None and len(last[0]) == len(arrays) and last[5] == _threads:
        for a, b, writeable in zip(arrays, last[0], last[6]):
            if a is not b or a.flags.writeable != writeable:
                break
        else:  # the arrays of the previous call (a packed optimizer's, every step): checked then
            kernel, flat, cast, pieces = last[1:5]
            scalars = [s if isinstance(s, bool) else cast(s) for s in scalars]
            if pieces <= 1:
                kernel(*flat, *scalars)
            else:
                _run_pieces(kernel, flat, scalars, pieces)
            return True
    dtype, size = arrays[0].dtype, arrays[0].size
    for a in arrays:
        if (
            type(a) is not np.ndarray
            or a.dtype != dtype
            or a.size != size
            or not a.flags.c_contiguous
        ):
            return False
    if dtype not in _DTYPES or not is_available():
        return False
    kernel = compiled(name)
    if kernel is None:
        return False
    cast = dtype.type
    flat = [a.reshape(-1) for a in arrays]
    scalars = [s if isinstance(s, bool) else cast(s) for s in scalars]
    key = (name, dtype.char, tuple(a.flags.writeable for a in flat))
    usable = _signatures.get(key)
    if usable is None:
        # The first call of a signature compiles (or loads from the cache) its machine code;
        # if that fails, nothing has run and NumPy does the step, now and for later calls.
        try:
            kernel.compile(tuple(_numba.typeof(x) for x in (*flat, *scalars)))
            usable = True
        except Exception:
            usable = False
        _signatures[key] = usable
    if not usable:
        return False
    pieces = min(_threads, size // _PIECE)
    _last[name] = (tuple(arrays), kernel, flat, cast, pieces, _threads, key[2])
    if pieces <= 1:
        kernel(*flat, *scalars)
    else:
        _run_pieces(kernel, flat, scalars, pieces)
    return True


def compiled(name: str):
    """The numba dispatcher of kernel ``name`` (which other compiled code may call), or None
    where numba cannot make one. Call ``is_available()`` first."""
    kernel = _compiled.get(name)
    if kernel is None:
        try:
            kernel = _numba.njit(cache=True, error_model="numpy", nogil=True)(_KERNELS[name])
        except Exception:
            return None
        _compiled[name] = kernel
    return kernel


def _on_gpu(name: str, arrays: tuple, scalars: tuple) -> bool:
    """The GPU kernel of ``name`` for CuPy arrays (``fast/updates_cuda.py``); False for others."""
    if not hasattr(arrays[0], "__cuda_array_interface__"):
        return False
    from . import updates_cuda as cuda

    return cuda.run(name, arrays, scalars)


def _run_pieces(kernel, flat, scalars, pieces: int) -> None:
    """The kernel on ``pieces`` contiguous pieces of the arrays at once, one a thread."""
    size = flat[0].size
    cuts = [size * i // pieces for i in range(pieces + 1)]
    pool = _executor()
    futures = [
        pool.submit(kernel, *[a[start:stop] for a in flat], *scalars)
        for start, stop in zip(cuts[1:-1], cuts[2:])
    ]
    kernel(*[a[: cuts[1]] for a in flat], *scalars)
    for future in futures:
        future.result()


_AXPY_MIN = 1 << 18  # the fewest elements for which plain SGD calls the BLAS
_blas = None  # scipy.linalg.blas once imported; False when it cannot be
_blas_allowed = True  # False while fit keeps the BLAS to one thread (numnet.fast.threads)


def allow_blas(flag: bool) -> bool:
    """Let plain SGD use the BLAS's threads (True, the default) or not; returns the old value."""
    global _blas_allowed
    previous, _blas_allowed = _blas_allowed, bool(flag)
    return previous


def axpy(g, w, alpha: float) -> bool:
    """``w += alpha * g`` in place by the BLAS's axpy (scipy's, on its threads), for plain SGD on
    arrays of ``_AXPY_MIN`` elements or more; False, having done nothing, where it does not apply.

    A pass this cheap is limited by how fast threads start: the BLAS's own threads start faster
    than numnet's worker threads. The BLAS may fuse the multiply and the add (one rounding
    instead of two: at most one unit in the last place from the NumPy path).
    """
    global _blas
    if (not _enabled or not _blas_allowed or _blas is False or type(w) is not np.ndarray
            or type(g) is not np.ndarray or w.size < _AXPY_MIN or g.dtype != w.dtype
            or g.shape != w.shape or w.dtype not in _DTYPES or not w.flags.c_contiguous
            or not g.flags.c_contiguous or not w.flags.writeable):
        return False
    if _blas is None:
        try:
            from scipy.linalg import blas as _blas
        except Exception:  # scipy absent or broken: the kernels do the step
            _blas = False
            return False
    routine = _blas.saxpy if w.dtype == np.float32 else _blas.daxpy
    flat = w.reshape(-1)
    out = routine(g.reshape(-1), flat, a=alpha)
    if out is not flat and not np.shares_memory(out, flat):  # a copy: put it back, stop using it
        flat[...] = out
        _blas = False
    return True


# Each kernel mirrors its optimizer's NumPy path operation by operation (see the optimizer's
# module); s and s2 stand for its scratch arrays. numba compiles them; plain Python could run
# them too, slowly. ``x if abs(x) >= tiny else x - x`` flushes a decaying slot value below the
# dtype's smallest normal number to zero (NaN stays NaN); see the module docstring.


def sgd(g, w, learning_rate):
    for i in range(w.size):
        w[i] = w[i] - g[i] * learning_rate


def sgd_momentum(g, w, velocity, learning_rate, momentum, nesterov):
    tiny = np.finfo(w.dtype).tiny
    for i in range(w.size):
        s = g[i] * learning_rate
        v = velocity[i] * momentum - s
        v = v if abs(v) >= tiny else v - v
        velocity[i] = v
        if nesterov:
            w[i] = (w[i] - s) + v * momentum
        else:
            w[i] = w[i] + v


def rmsprop(g, w, velocity, average, mom, learning_rate, rho, one_minus_rho, epsilon,
            momentum, centered, use_momentum):
    tiny = np.finfo(w.dtype).tiny
    for i in range(w.size):
        gi = g[i]
        v = velocity[i] * rho + (gi * gi) * one_minus_rho
        v = v if abs(v) >= tiny else v - v
        velocity[i] = v
        if centered:
            a = average[i] * rho + gi * one_minus_rho
            a = a if abs(a) >= tiny else a - a
            average[i] = a
            s = (v - a * a) + epsilon
        else:
            s = v + epsilon
        s = (gi / np.sqrt(s)) * learning_rate
        if use_momentum:
            s = mom[i] * momentum + s
            s = s if abs(s) >= tiny else s - s
            mom[i] = s
        w[i] = w[i] - s


def adam(g, w, m, v, v_max, alpha, one_minus_beta_1, one_minus_beta_2, epsilon, amsgrad):
    tiny = np.finfo(w.dtype).tiny
    for i in range(w.size):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * one_minus_beta_1
        mi = mi if abs(mi) >= tiny else mi - mi
        m[i] = mi
        vi = v[i] + ((gi * gi) - v[i]) * one_minus_beta_2
        vi = vi if abs(vi) >= tiny else vi - vi
        v[i] = vi
        if amsgrad:
            vi = max(v_max[i], vi)
            v_max[i] = vi
        w[i] = w[i] - (mi / (np.sqrt(vi) + epsilon)) * alpha


def adagrad(g, w, accumulator, learning_rate, epsilon):
    for i in range(w.size):
        gi = g[i]
        a = accumulator[i] + gi * gi
        accumulator[i] = a
        w[i] = w[i] - (gi / np.sqrt(a + epsilon)) * learning_rate


def adadelta(g, w, accumulated_grad, accumulated_delta_var, learning_rate, rho, one_minus_rho,
             epsilon):
    tiny = np.finfo(w.dtype).tiny
    for i in range(w.size):
        gi = g[i]
        ag = accumulated_grad[i] * rho + (gi * gi) * one_minus_rho
        ag = ag if abs(ag) >= tiny else ag - ag
        accumulated_grad[i] = ag
        s = (np.sqrt(accumulated_delta_var[i] + epsilon) * gi) / np.sqrt(ag + epsilon)
        d = accumulated_delta_var[i] * rho + (s * s) * one_minus_rho
        accumulated_delta_var[i] = d if abs(d) >= tiny else d - d
        w[i] = w[i] - s * learning_rate


def adamax(g, w, m, u, learning_rate, one_minus_beta_1, beta_2, epsilon, bias_correction):
    tiny = np.finfo(w.dtype).tiny
    for i in range(w.size):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * one_minus_beta_1
        mi = mi if abs(mi) >= tiny else mi - mi
        m[i] = mi
        ui = max(u[i] * beta_2, abs(gi))
        ui = ui if abs(ui) >= tiny else ui - ui
        u[i] = ui
        w[i] = w[i] - (mi / ((ui + epsilon) * bias_correction)) * learning_rate


def nadam(g, w, m, v, learning_rate, one_minus_beta_1, one_minus_beta_2, a_m, a_g,
          bias_correction_2, epsilon):
    tiny = np.finfo(w.dtype).tiny
    for i in range(w.size):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * one_minus_beta_1
        mi = mi if abs(mi) >= tiny else mi - mi
        m[i] = mi
        vi = v[i] + ((gi * gi) - v[i]) * one_minus_beta_2
        vi = vi if abs(vi) >= tiny else vi - vi
        v[i] = vi
        m_hat = mi * a_m + gi * a_g
        w[i] = w[i] - (m_hat / (np.sqrt(vi / bias_correction_2) + epsilon)) * learning_rate


def lion(g, w, m, learning_rate, beta_1, one_minus_beta_2):
    tiny = np.finfo(w.dtype).tiny
    for i in range(w.size):
        gi = g[i]
        mi = m[i]
        w[i] = w[i] - np.sign((mi - gi) * beta_1 + gi) * learning_rate
        mi = mi + (gi - mi) * one_minus_beta_2
        m[i] = mi if abs(mi) >= tiny else mi - mi


def ftrl(g, w, accumulator, linear, learning_rate, l1, two_l2, two_l2_shrinkage):
    # learning_rate_power = -0.5 only: other powers go through NumPy's power, whose rounding
    # a compiled pow need not share.
    for i in range(w.size):
        gi, wi, old = g[i], w[i], accumulator[i]
        new = old + gi * gi
        accumulator[i] = new
        p_old, p_new = np.sqrt(old), np.sqrt(new)
        z = (linear[i] - ((p_new - p_old) / learning_rate) * wi) + gi
        if two_l2_shrinkage > 0:
            z = z + wi * two_l2_shrinkage
        linear[i] = z
        quadratic = p_new / learning_rate + two_l2
        w[i] = (min(max(z, -l1), l1) - z) / quadratic


_KERNELS = {f.__name__: f for f in (sgd, sgd_momentum, rmsprop, adam, adagrad, adadelta, adamax,
                                     nadam, lion, ftrl)}

__all__ = ["is_available", "run", "set_enabled"]
