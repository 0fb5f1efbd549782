"""Compiled kernels of convolution and pooling: one loop over memory where NumPy makes many.

The plain path of ``autodiff/ops.py`` builds a convolution's patches by stacking one strided
view per tap of the window (a copy of the input per tap, then one more by ``stack``), keeps
them for the backward, and takes the input's gradient back by adding each tap's share onto a
zeroed, padded array, one strided pass per tap; max pooling stacks its windows the same way,
then runs ``argmax`` and ``max`` over them and scatters ``g * (choice == tap)`` back tap by tap.
Here:

- ``conv_forward`` / ``conv_backward``: the patches P of a block of images at a time (about
  ``BLOCK_BYTES``, the L2 cache) are built and multiplied while cached: z_b = P_b K forward;
  backward P_b again, d K += P_b^T dz_b, and dP_b = dz_b K^T added back onto the block's input
  (col2im). P is never stored whole, so no pass over memory goes around the products but
  their own. Inputs of at most ``FEW_CHANNELS`` channels (the first layer on images) have P
  built transposed, a row per tap and channel, which copies long runs instead of 1-4 values;
- ``im2col``: row (n, p), column (t, c) of P holds x_pad[n, p * stride + t * dilation, c]
  (taps in row-major order, channels inside), padding written as 0;
- ``col2im``: the input's gradient from dP, each position summing the shares of the windows
  that see it in the order of the taps (as the plain path adds them), so the values are the
  same bits, and nothing is written for the padding;
- ``max_pool`` / ``max_pool_backward``: the maximum of each window and the tap it came from (a
  small integer) in one pass; the gradient goes back to that tap in one pass;
- ``average_pool`` / ``average_pool_backward``: the window's sum over its positions inside the
  input, divided by their number, and the share g / count back onto each position.

The products are NumPy's (the BLAS); only the loops around them are compiled. Forward values
and the input's gradient are those of the plain path; d K sums its blocks one after the other
(in groups, below), so it agrees with the plain path's single product to the rounding of the dtype.

Threads: a batch of several blocks is cut into ``GROUPS`` (4) contiguous groups of blocks, fewer
for fewer blocks, and each group (its patches, its products, its col2im) runs on one thread: the
calling thread and up to ``_thread_count() - 1`` threads of numnet's pool
(``numnet.fast.updates._executor()``; the usable cores, at most 4), each taking the next group
left. The compiled loops release the GIL (``nogil=True``), as NumPy's products do. Each group
sums its own d K, and the groups' sums are added in their order: the cut depends on the batch
and the block size only, so the numbers are the same on one thread or four, on any machine.
Pooling cuts its batch the same way, in pieces of about ``BLOCK_BYTES`` of input. A batch of
one block (or one piece), and ``NUMNET_FUSED_THREADS=1`` in the environment, keep all the work
on the calling thread. The split pays where cores are free: it is meant for a BLAS on one
thread (numnet's policy inside fit: fast/threads.py); on a machine busy with other work it
gains little.

1-D inputs (batch, steps, channels) run as 2-D inputs of height 1; other ranks take the plain
path. The kernels apply to NumPy ``float32`` / ``float64`` arrays in C order, are compiled on
first use and cached on disk (``cache=True``), and share the switch of the other fused kernels:
``NUMNET_FUSED=0`` in the environment, or ``numnet.fast.updates.set_enabled(False)``, turns them
off. Each wrapper returns None, having changed nothing, where its kernel does not apply or
cannot compile; the caller then runs the plain path (tests/test_fast_conv.py compares them).
"""

from __future__ import annotations

import threading

import numpy as np

_switch = None  # numnet.fast.updates, imported on first use: the switch and numba's import
_compiled: dict[str, object] = {}  # name -> the numba dispatcher, or False if it cannot compile
_FLOATS = (np.dtype("float32"), np.dtype("float64"))
FEW_CHANNELS = 4
"""Inputs of at most so many channels have their patches built transposed (see
``_patch_builder``): runs of output positions are longer than runs of a few channels."""


def applies(*arrays) -> bool:
    """Whether the compiled kernels are on and take these arrays: NumPy, C order, of one float
    dtype, each of rank 3 or 4 (1-D or 2-D channels-last data) or 2-D matrices."""
    global _switch
    if _switch is None:
        from . import updates as _switch
    if not _switch._enabled:
        return False
    dtype = arrays[0].dtype
    for a in arrays:
        if type(a) is not np.ndarray or not a.flags.c_contiguous or a.dtype != dtype:
            return False
    return dtype in _FLOATS and _switch.is_available()


def _kernel(name: str):
    kernel = _compiled.get(name)
    if kernel is None:
        try:
            njit = _switch._numba.njit(cache=True, error_model="numpy", nogil=True)
            names = globals()
            if not hasattr(names["_source"], "py_func"):  # the kernels' helper, compiled once
                names["_source"] = njit(names["_source"])
            kernel = njit(_KERNELS[name])
        except Exception:
            kernel = False
        _compiled[name] = kernel
    return kernel or None


def _run(name: str, *args) -> bool:
    """Run kernel ``name``; False where it cannot compile (then never tried again)."""
    kernel = _kernel(name)
    if kernel is None:
        return False
    try:
        kernel(*args)
    except Exception:
        _compiled[name] = False
        return False
    return True


def _run_split(name: str, batch: int, size: int, arguments) -> bool:
    """Run kernel ``name`` on ``arguments(first, last)``, the views of images [first, last) of
    its arrays, for pieces of the batch of about ``BLOCK_BYTES`` of ``size`` each (at most
    ``GROUPS``, one for a small batch) on up to ``_thread_count()`` threads (``_in_groups``);
    False where it cannot compile. Each image's values are its own, whatever the pieces."""
    kernel = _kernel(name)
    if kernel is None:
        return False
    count = max(1, min(GROUPS, batch, size // BLOCK_BYTES))
    cuts = [batch * k // count for k in range(count + 1)]
    try:
        _in_groups(lambda k: kernel(*arguments(cuts[k], cuts[k + 1])), count)
    except Exception:
        _compiled[name] = False
        return False
    return True


def _as_2d(x, window, strides, dilation, before):
    """x as (batch, height, width, channels) and the geometry as pairs (height, width): a 1-D
    input is one row."""
    if x.ndim == 3:
        return (x.reshape(x.shape[0], 1, x.shape[1], x.shape[2]), (1, *window), (1, *strides),
                (1, *dilation), (0, *before))
    return x, tuple(window), tuple(strides), tuple(dilation), tuple(before)


def _geometry(x, window, strides, dilation, before, out):
    """The kernels' integer arguments, or None for ranks other than 1-D and 2-D."""
    if x.ndim not in (3, 4) or len(out) != x.ndim - 2:
        return None
    x4, window, strides, dilation, before = _as_2d(x, window, strides, dilation, before)
    out = (1, *out) if x.ndim == 3 else tuple(out)
    return x4, (*window, *strides, *dilation, *before, *out)


def im2col(x, window, strides, dilation, before, out):
    """The patches of channels-last ``x`` as a matrix (batch * prod(out), taps * channels), or
    None where the kernel does not apply: row (n, p), column (t, c) holds
    x_pad[n, p * stride + t * dilation - before, c], 0 outside the input.

    ``window``, ``strides``, ``dilation``, ``before`` (the padding before each spatial axis) and
    ``out`` (the output's spatial shape) have one int per spatial axis.
    """
    plan = _geometry(x, window, strides, dilation, before, out) if applies(x) else None
    if plan is None:
        return None
    x4, geometry = plan
    taps = geometry[0] * geometry[1]
    rows = np.empty((x4.shape[0] * geometry[8] * geometry[9], taps * x4.shape[3]), x.dtype)
    return rows if _run("im2col", x4, rows, *geometry) else None


BLOCK_BYTES = 1 << 20
"""The size of the patches of one block of images (about the L2 cache): conv_forward and
conv_backward build the patches of so many images at a time, and use them while cached."""


def _blocks(x4, geometry):
    """(rows of the patches per image, images per block) for ``BLOCK_BYTES``."""
    per_image = geometry[8] * geometry[9]
    width = geometry[0] * geometry[1] * x4.shape[3]
    return per_image, max(1, BLOCK_BYTES // max(1, per_image * width * x4.itemsize))


def _patch_builder(x4, rows: int, width: int):
    """(a buffer for the patches of one block, the kernel that fills it, whether it holds them
    transposed): (taps * channels, rows) for inputs of at most ``FEW_CHANNELS`` channels, where
    each of its rows is a run of output positions (copies of runs of the input), else
    (rows, taps * channels), each row a run of taps (copies of runs of channels)."""
    if x4.shape[3] <= FEW_CHANNELS:
        return np.empty((width, rows), x4.dtype), _kernel("im2col_t"), True
    return np.empty((rows, width), x4.dtype), _kernel("im2col"), False


GROUPS = 4
"""A batch of several blocks is cut into so many contiguous groups of blocks (fewer where it has
fewer blocks), whatever the number of threads: the groups share out the threads, and d kernel
is summed per group then over the groups in their order, so its value depends on the batch and
the block size only, never on the machine's cores."""


def _groups(batch: int, block: int) -> list[tuple[int, int]]:
    """The (first, last) images of each group: ``GROUPS`` runs of whole blocks, as even as the
    blocks allow (one group for a batch of one block)."""
    blocks = -(-batch // block)
    count = max(1, min(GROUPS, blocks))
    return [(min(batch, block * (blocks * k // count)),
             min(batch, block * (blocks * (k + 1) // count))) for k in range(count)]


def _workers() -> int:
    """The threads the groups may use: ``numnet.fast.updates._thread_count()`` (the usable cores,
    at most 4; ``NUMNET_FUSED_THREADS`` in the environment overrides it, 1 for none)."""
    return _switch._thread_count()


def _in_groups(work, count: int) -> list:
    """[work(0), ..., work(count - 1)], run by the calling thread and up to ``_workers() - 1``
    threads of numnet's pool (``updates._executor()``), each taking the next group not yet
    taken. The results are in the order of the groups, whoever ran them. A thread of the pool
    that has not started by the time the groups are all taken is cancelled, so a busy pool (or
    a call from inside it) never makes the caller wait for work it could not start."""
    threads = min(count, _workers())
    pool = None
    if threads > 1:
        try:
            pool = _switch._executor()
        except Exception:  # no pool (made for one thread): the calling thread does it all
            pool = None
    if pool is None:
        return [work(k) for k in range(count)]
    results = [None] * count
    order = iter(range(count))
    lock = threading.Lock()

    def take():
        while True:
            with lock:
                k = next(order, None)
            if k is None:
                return
            results[k] = work(k)

    helpers = [pool.submit(take) for _ in range(threads - 1)]
    try:
        take()
    finally:
        for helper in helpers:
            if not helper.cancel():
                helper.result()
    return results


def conv_forward(x, matrix, window, strides, dilation, before, out, relu_bias=None):
    """The convolution's product P K, (batch * prod(out), filters), for channels-last ``x`` and
    the kernel as a matrix ``matrix`` (taps * channels, filters), or None where the kernels do
    not apply. The patches P are built a block of images at a time and multiplied while they
    are in the cache; they are never stored whole (conv_backward builds them again). The
    blocks' groups (``_groups``) run on up to ``_thread_count()`` threads. With ``relu_bias``
    (the bias, (filters,), of x's dtype) each block's product becomes max(P_b K + b, 0) while
    it is cached: the output of a convolution with a bias and a relu."""
    plan = _geometry(x, window, strides, dilation, before, out) if applies(x, matrix) else None
    if plan is None or _kernel("im2col") is None or _kernel("im2col_t") is None:
        return None
    relu = None
    if relu_bias is not None:
        from . import kernels

        relu = kernels._kernel("bias_relu")
        if relu is None or not applies(x, relu_bias) or relu_bias.shape != matrix.shape[1:]:
            return None
    x4, geometry = plan
    per_image, block = _blocks(x4, geometry)
    groups = _groups(x4.shape[0], block)
    z = np.empty((x4.shape[0] * per_image, matrix.shape[1]), x.dtype)

    def forward(k):
        first, last = groups[k]
        patches, build, transposed = _patch_builder(x4, min(block, last - first) * per_image,
                                                    matrix.shape[0])
        for start in range(first, last, block):
            stop = min(last, start + block)
            n = (stop - start) * per_image
            part = patches[:, :n] if transposed else patches[:n]
            build(x4[start:stop], part, *geometry)
            z_b = z[start * per_image:stop * per_image]
            np.matmul(part.T if transposed else part, matrix, out=z_b)
            if relu is not None:
                relu(z_b, relu_bias)

    _in_groups(forward, len(groups))
    return z


def conv_backward(x, dz, matrix, window, strides, dilation, before, out, want_kernel: bool,
                  want_input: bool):
    """(d matrix = P^T dz or None, dx or None) for conv_forward's product, given dz, the
    gradient of its output; None where the kernels do not apply. Per block of images: the
    patches P_b again, d matrix += P_b^T dz_b, and dx_b from dz_b K^T (col2im) while cached.
    Each group of blocks (``_groups``) sums its own d matrix, on up to ``_thread_count()``
    threads; the groups' sums are then added in the order of the groups."""
    done = _backward(x, dz, None, matrix, window, strides, dilation, before, out, want_kernel,
                     want_input)
    return None if done is None else done[:2]


def conv_relu_backward(x, g, relu_out, matrix, window, strides, dilation, before, out,
                       want_kernel: bool, want_input: bool):
    """(d matrix or None, dx or None, d bias) of a convolution followed by a bias and a relu,
    given ``g``, the gradient of the relu's output ``relu_out`` (both (rows, filters)); None
    where the kernels do not apply. As conv_backward, with dz_b = g_b * (relu_out_b > 0) made
    per block of images in the group's cache-sized buffer, so that the whole dz is never
    written, and the bias gradient sum_rows dz summed per block, per group, then over the
    groups in their order (the same cut as d matrix: the same bits on any number of threads)."""
    if _relu_kernel() is None or not applies(g, relu_out) or g.shape != relu_out.shape:
        return None
    return _backward(x, g, relu_out, matrix, window, strides, dilation, before, out,
                     want_kernel, want_input)


def _relu_kernel():
    """fast/kernels.py's compiled relu backward (dz and the column sums in one pass), or None."""
    from . import kernels

    return kernels._kernel("relu_backward")


def _backward(x, dz, relu_out, matrix, window, strides, dilation, before, out,
              want_kernel: bool, want_input: bool):
    """conv_backward, and conv_relu_backward where ``relu_out`` is given (``dz`` then the
    gradient of the relu's output): (d matrix, dx, d bias or None), or None."""
    plan = _geometry(x, window, strides, dilation, before, out)
    if (plan is None or not applies(x, dz, matrix) or _kernel("im2col") is None
            or _kernel("im2col_t") is None or _kernel("col2im") is None):
        return None
    x4, geometry = plan
    per_image, block = _blocks(x4, geometry)
    groups = _groups(x4.shape[0], block)
    dx = np.empty(x4.shape, x.dtype) if want_input else None
    col2im_ = _kernel("col2im")
    relu = None if relu_out is None else _relu_kernel()
    filters = matrix.shape[1]

    def backward(k):
        first, last = groups[k]
        rows = min(block, last - first) * per_image
        if want_kernel:
            patches, build, transposed = _patch_builder(x4, rows, matrix.shape[0])
        d_rows = np.empty((rows, matrix.shape[0]), x.dtype) if want_input else None
        if relu is not None:
            dz_buffer = np.empty((rows, filters), x.dtype)
            d_bias = np.zeros(filters, x.dtype)
            d_bias_block = np.empty(filters, x.dtype)
        else:
            d_bias = None
        d_matrix = None
        for start in range(first, last, block):
            stop = min(last, start + block)
            n = (stop - start) * per_image
            dz_b = dz[start * per_image:stop * per_image]
            if relu is not None:
                relu(dz_b, relu_out[start * per_image:stop * per_image], dz_buffer[:n],
                     d_bias_block)
                d_bias += d_bias_block
                dz_b = dz_buffer[:n]
            if want_kernel:
                part = patches[:, :n] if transposed else patches[:n]
                build(x4[start:stop], part, *geometry)
                product = (part if transposed else part.T) @ dz_b
                if d_matrix is None:
                    d_matrix = product
                else:
                    d_matrix += product
            if want_input:
                np.matmul(dz_b, matrix.T, out=d_rows[:n])
                col2im_(d_rows[:n], dx[start:stop], *geometry)
        return d_matrix, d_bias

    d_matrix = d_bias = None
    partial = _in_groups(backward, len(groups))
    if want_kernel:
        d_matrix = partial[0][0] if partial else None
        for more, _ in partial[1:]:
            d_matrix += more
    if relu is not None:
        d_bias = partial[0][1] if partial else np.zeros(filters, x.dtype)
        for _, more in partial[1:]:
            d_bias += more
    if want_kernel and d_matrix is None:  # an empty batch
        d_matrix = np.zeros(matrix.shape, x.dtype)
    return d_matrix, None if dx is None else dx.reshape(x.shape), d_bias


def col2im(d_rows, shape, window, strides, dilation, before, out):
    """The gradient of an input of ``shape`` from ``d_rows``, the gradient of its im2col
    matrix (the same geometry), or None where the kernel does not apply: the shares of all
    windows that see a position, summed in the order of the taps."""
    if len(shape) not in (3, 4) or not applies(d_rows):
        return None
    dx = np.empty(shape, d_rows.dtype)
    x4, geometry = _geometry(dx, window, strides, dilation, before, out)
    if d_rows.shape != (x4.shape[0] * geometry[8] * geometry[9],
                        geometry[0] * geometry[1] * x4.shape[3]):
        return None
    return dx if _run("col2im", d_rows, x4, *geometry) else None


def max_pool(x, window, strides, before, out):
    """(max over each window, the tap it was found at) for channels-last ``x``, or None where
    the kernel does not apply. Padding is never chosen (it counts as -inf); ties and NaN go
    as with ``argmax``: the first maximum, or the first NaN. The taps are small integers
    (uint8 for windows of up to 255 taps)."""
    plan = _geometry(x, window, strides, (1,) * len(window), before, out) if applies(x) else None
    if plan is None:
        return None
    x4, geometry = plan
    taps = geometry[0] * geometry[1]
    shape = (x4.shape[0], geometry[8], geometry[9], x4.shape[3])
    value = np.empty(shape, x.dtype)
    choice = np.empty(shape, np.uint8 if taps <= 255 else np.int32)
    if not _run_split("max_pool", x4.shape[0], x.nbytes,
                      lambda a, b: (x4[a:b], value[a:b], choice[a:b], *geometry)):
        return None
    spatial = x.shape[:1] + tuple(out) + x.shape[-1:]
    return value.reshape(spatial), choice.reshape(spatial)


def max_pool_backward(g, choice, shape, window, strides, before):
    """The gradient of max_pool's input of ``shape`` from the gradient ``g`` of its output and
    the taps ``choice`` it returned, or None where the kernel does not apply."""
    if len(shape) not in (3, 4) or not applies(g) or not choice.flags.c_contiguous:
        return None
    dx = np.empty(shape, g.dtype)
    x4, geometry = _geometry(dx, window, strides, (1,) * len(window), before, g.shape[1:-1])
    g4 = g.reshape(x4.shape[0], geometry[8], geometry[9], x4.shape[3])
    c4 = choice.reshape(g4.shape)
    return dx if _run_split("max_pool_backward", x4.shape[0], dx.nbytes,
                            lambda a, b: (g4[a:b], c4[a:b], x4[a:b], *geometry)) else None


def average_pool(x, window, strides, before, out):
    """(the mean of each window over its positions inside ``x``, the number of those positions
    as an array (1, *out, 1) of x's dtype), or None where the kernel does not apply."""
    plan = _geometry(x, window, strides, (1,) * len(window), before, out) if applies(x) else None
    if plan is None:
        return None
    x4, geometry = plan
    value = np.empty((x4.shape[0], geometry[8], geometry[9], x4.shape[3]), x.dtype)
    count = np.empty((1, geometry[8], geometry[9], 1), x.dtype)
    def pieces(a, b):  # each piece counts the positions too: the first in ``count``
        return (x4[a:b], value[a:b], count if a == 0 else np.empty_like(count), *geometry)

    if not _run_split("average_pool", x4.shape[0], x.nbytes, pieces):
        return None
    return (value.reshape(x.shape[:1] + tuple(out) + x.shape[-1:]),
            count.reshape((1, *out, 1)))


def average_pool_backward(g, count, shape, window, strides, before):
    """The gradient of average_pool's input of ``shape`` from the gradient ``g`` of its output:
    each position receives g / count of every window that sees it; or None where the kernel
    does not apply."""
    if len(shape) not in (3, 4) or not applies(g, count):
        return None
    dx = np.empty(shape, g.dtype)
    x4, geometry = _geometry(dx, window, strides, (1,) * len(window), before, g.shape[1:-1])
    g4 = g.reshape(x4.shape[0], geometry[8], geometry[9], x4.shape[3])
    c4 = count.reshape(1, geometry[8], geometry[9], 1)
    return dx if _run_split("average_pool_backward", x4.shape[0], dx.nbytes,
                            lambda a, b: (g4[a:b], c4, x4[a:b], *geometry)) else None


# The kernels, compiled by numba. Arrays are (batch, height, width, channels); the geometry is
# window (kh, kw), strides (sh, sw), dilation (dh, dw), padding before (ph, pw), output (oh, ow).


def _im2col(x, rows, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow):
    n_, h_, w_, c_ = x.shape
    for n in range(n_):
        for i in range(oh):
            for j in range(ow):
                row = rows[(n * oh + i) * ow + j]
                for a in range(kh):
                    h = i * sh + a * dh - ph
                    for b in range(kw):
                        w = j * sw + b * dw - pw
                        base = (a * kw + b) * c_
                        if 0 <= h < h_ and 0 <= w < w_:
                            src = x[n, h, w]
                            for c in range(c_):
                                row[base + c] = src[c]
                        else:
                            for c in range(c_):
                                row[base + c] = 0
    return True


def _im2col_t(x, cols, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow):
    """The transpose of _im2col: cols[(t, c), (n, i, j)]."""
    n_, h_, w_, c_ = x.shape
    for a in range(kh):
        for b in range(kw):
            for c in range(c_):
                dst = cols[(a * kw + b) * c_ + c]
                for n in range(n_):
                    for i in range(oh):
                        h = i * sh + a * dh - ph
                        r = (n * oh + i) * ow
                        if h < 0 or h >= h_:
                            for j in range(ow):
                                dst[r + j] = 0
                            continue
                        src = x[n, h]
                        for j in range(ow):
                            w = j * sw + b * dw - pw
                            dst[r + j] = src[w, c] if 0 <= w < w_ else 0
    return True


def _source(p, pad, tap, stride, size):
    """The output index whose window sees input index p at this tap, or -1 if none does."""
    u = p + pad - tap
    if u < 0:
        return -1
    q = u // stride
    if q * stride != u or q >= size:
        return -1
    return q


def _col2im(d_rows, dx, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow):
    n_, h_, w_, c_ = dx.shape
    for n in range(n_):
        for h in range(h_):
            for w in range(w_):
                for c in range(c_):
                    dx[n, h, w, c] = 0
        for a in range(kh):
            for b in range(kw):
                base = (a * kw + b) * c_
                for i in range(oh):
                    h = i * sh + a * dh - ph
                    if h < 0 or h >= h_:
                        continue
                    for j in range(ow):
                        w = j * sw + b * dw - pw
                        if w < 0 or w >= w_:
                            continue
                        r = (n * oh + i) * ow + j
                        for c in range(c_):
                            dx[n, h, w, c] += d_rows[r, base + c]
    return True


def _max_pool(x, value, choice, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow):
    n_, h_, w_, c_ = x.shape
    for n in range(n_):
        for i in range(oh):
            for j in range(ow):
                best = value[n, i, j]
                which = choice[n, i, j]
                for c in range(c_):
                    best[c] = -np.inf
                    which[c] = 0
                for a in range(kh):
                    h = i * sh + a * dh - ph
                    for b in range(kw):
                        w = j * sw + b * dw - pw
                        if not (0 <= h < h_ and 0 <= w < w_):
                            continue  # padding: -inf, never above the best so far
                        t = a * kw + b
                        src = x[n, h, w]
                        for c in range(c_):
                            v = src[c]
                            m = best[c]
                            if m == m and (v > m or v != v):  # as argmax: first max or NaN
                                best[c] = v
                                which[c] = t
    return True


def _max_pool_backward(g, choice, dx, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow):
    n_, h_, w_, c_ = dx.shape
    for n in range(n_):
        for h in range(h_):
            for w in range(w_):
                dst = dx[n, h, w]
                for c in range(c_):
                    dst[c] = 0
                for a in range(kh):
                    i = _source(h, ph, a, sh, oh)
                    if i < 0:
                        continue
                    for b in range(kw):
                        j = _source(w, pw, b, sw, ow)
                        if j < 0:
                            continue
                        t = a * kw + b
                        src = g[n, i, j]
                        which = choice[n, i, j]
                        for c in range(c_):
                            dst[c] += src[c] if which[c] == t else 0
    return True


def _average_pool(x, value, count, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow):
    n_, h_, w_, c_ = x.shape
    for i in range(oh):
        for j in range(ow):
            k = 0
            for a in range(kh):
                for b in range(kw):
                    h = i * sh + a * dh - ph
                    w = j * sw + b * dw - pw
                    if 0 <= h < h_ and 0 <= w < w_:
                        k += 1
            count[0, i, j, 0] = k
    for n in range(n_):
        for i in range(oh):
            for j in range(ow):
                total = value[n, i, j]
                for c in range(c_):
                    total[c] = 0
                for a in range(kh):
                    h = i * sh + a * dh - ph
                    for b in range(kw):
                        w = j * sw + b * dw - pw
                        if 0 <= h < h_ and 0 <= w < w_:
                            src = x[n, h, w]
                            for c in range(c_):
                                total[c] += src[c]
                k = count[0, i, j, 0]
                for c in range(c_):
                    total[c] /= k
    return True


def _average_pool_backward(g, count, dx, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow):
    n_, h_, w_, c_ = dx.shape
    for n in range(n_):
        for h in range(h_):
            for w in range(w_):
                dst = dx[n, h, w]
                for c in range(c_):
                    dst[c] = 0
                for a in range(kh):
                    i = _source(h, ph, a, sh, oh)
                    if i < 0:
                        continue
                    for b in range(kw):
                        j = _source(w, pw, b, sw, ow)
                        if j < 0:
                            continue
                        k = count[0, i, j, 0]
                        src = g[n, i, j]
                        for c in range(c_):
                            dst[c] += src[c] / k
    return True


_KERNELS = {
    "im2col": _im2col,
    "im2col_t": _im2col_t,
    "col2im": _col2im,
    "max_pool": _max_pool,
    "max_pool_backward": _max_pool_backward,
    "average_pool": _average_pool,
    "average_pool_backward": _average_pool_backward,
}
