"""The compiled loop of ``models/prefetch.py``: gathers shuffled batches into a ring of slots.

Imported only where prefetching applies (numba present, Linux); importing it imports numba.
The loop runs on a thread of its own without the GIL from the start of a pass to its end. It
and the training thread hand the slots over through two counters, read and written as atomics
(an acquire load, a release store), so neither thread ever waits for the interpreter.
"""

from __future__ import annotations

from numba import njit, types
from numba.extending import intrinsic

_usleep = types.ExternalFunction("usleep", types.int32(types.uint32))
_prctl = types.ExternalFunction(
    "prctl", types.int32(types.int32, types.uint64, types.uint64, types.uint64, types.uint64))
_PR_SET_TIMERSLACK = 29  # linux/prctl.h
_SLACK_NS = 1000  # the thread's sleeps last what they ask for (the default slack is 50 us)
_NAP_US = 20
_LONGEST_NAP_US = 200


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


@njit(cache=True, nogil=True)
def _copy_rows(src, order, first, count, out):
    """out[r] = src[order[first + r]] for r < count, eight rows at a time (their cache misses
    overlap)."""
    k = src.shape[1]
    r = 0
    while r + 8 <= count:
        i = first + r
        a0, a1, a2, a3 = src[order[i]], src[order[i + 1]], src[order[i + 2]], src[order[i + 3]]
        a4, a5, a6, a7 = src[order[i + 4]], src[order[i + 5]], src[order[i + 6]], \
            src[order[i + 7]]
        o0, o1, o2, o3 = out[r], out[r + 1], out[r + 2], out[r + 3]
        o4, o5, o6, o7 = out[r + 4], out[r + 5], out[r + 6], out[r + 7]
        for j in range(k):
            o0[j] = a0[j]
            o1[j] = a1[j]
            o2[j] = a2[j]
            o3[j] = a3[j]
            o4[j] = a4[j]
            o5[j] = a5[j]
            o6[j] = a6[j]
            o7[j] = a7[j]
        r += 8
    while r < count:
        out[r] = src[order[first + r]]
        r += 1


@njit(cache=True, nogil=True)
def gather_pass(x, y, w, order, ring_x, ring_y, ring_w, batch, start, ready, released, stop):
    """Gather batches start, start + 1, ... of ``order`` (``batch`` rows each, the last one
    shorter) from the row arrays x, y, w (bytes; y and w may have no columns) into the slots
    ``b % slots`` of the rings. Batch b goes into its slot once the consumer has released batch
    b - slots (``released[0] > b - slots``); ``ready[0] = b + 1`` publishes it. Returns the number
    of batches gathered: all of them, or fewer if ``stop[0]`` was set."""
    _prctl(_PR_SET_TIMERSLACK, _SLACK_NS, 0, 0, 0)
    slots = ring_x.shape[0]
    n = order.shape[0]
    batches = (n + batch - 1) // batch
    for b in range(start, batches):
        nap = _NAP_US
        while _load_acquire(released) <= b - slots:
            if _load_acquire(stop):
                return b - start
            _usleep(nap)
            nap = min(2 * nap, _LONGEST_NAP_US)
        if _load_acquire(stop):
            return b - start
        slot = b % slots
        first = b * batch
        count = min(batch, n - first)
        _copy_rows(x, order, first, count, ring_x[slot])
        if y.shape[1]:
            _copy_rows(y, order, first, count, ring_y[slot])
        if w.shape[1]:
            _copy_rows(w, order, first, count, ring_w[slot])
        _store_release(ready, b + 1)
    return batches - start
