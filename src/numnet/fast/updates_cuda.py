"""Fused update kernels for CuPy arrays: one kernel launch per step instead of one per operation.

On the GPU each array operation of an optimizer is a kernel launch (Adam: about ten), and on the
arrays of a small model the launches, not the arithmetic, take the time. The kernels here run
the rules of ``fast/updates.py``'s CPU kernels element by element, one
``cupy.ElementwiseKernel`` per rule and setting: the same operations in the same order,
compiled without fused multiply-adds (``--fmad=false``) so that they round as the CPU kernels
do, the flush of decaying slots below the dtype's smallest normal number included.

``fused.run`` hands them CuPy arrays; they take arrays of one float dtype, one size, in C order.
Anything else, or a rule with no kernel here, takes the array-operation path, as does everything
after a kernel fails to build. CuPy compiles each kernel on first use and caches it on disk.
``NUMNET_FUSED=0`` turns them off with the CPU kernels.
"""

from __future__ import annotations

_PREAMBLE = """
template <typename T> __device__ T flush(T x, T tiny) { return fabs(x) >= tiny ? x : x - x; }
"""
_TINY = {"f": 1.1754943508222875e-38, "d": 2.2250738585072014e-308}  # finfo(dtype).tiny


def _sgd(flags):
    return ["learning_rate"], ["w"], "w = w - g * learning_rate;"


def _sgd_momentum(flags):
    (nesterov,) = flags
    update = "w = (w - s) + v * momentum;" if nesterov else "w = w + v;"
    return (["learning_rate", "momentum"], ["w", "velocity"], f"""
        T s = g * learning_rate;
        T v = flush(velocity * momentum - s, tiny);
        velocity = v;
        {update}""")


def _rmsprop(flags):
    centered, use_momentum = flags
    outputs = ["w", "velocity"] + ["average"] * centered + ["mom"] * use_momentum
    if centered:
        step = """
        T a = flush(average * rho + g * one_minus_rho, tiny);
        average = a;
        T s = (v - a * a) + epsilon;"""
    else:
        step = "T s = v + epsilon;"
    momentum = """
        s = flush(mom * momentum + s, tiny);
        mom = s;""" if use_momentum else ""
    return (["learning_rate", "rho", "one_minus_rho", "epsilon", "momentum"], outputs, f"""
        T v = flush(velocity * rho + (g * g) * one_minus_rho, tiny);
        velocity = v;
        {step}
        s = (g / sqrt(s)) * learning_rate;
        {momentum}
        w = w - s;""")


def _adam(flags):
    (amsgrad,) = flags
    keep_max = """
        vi = v_max > vi ? v_max : vi;
        v_max = vi;""" if amsgrad else ""
    return (["alpha", "one_minus_beta_1", "one_minus_beta_2", "epsilon"],
            ["w", "m", "v"] + ["v_max"] * amsgrad, f"""
        T mi = flush(m + (g - m) * one_minus_beta_1, tiny);
        m = mi;
        T vi = flush(v + ((g * g) - v) * one_minus_beta_2, tiny);
        v = vi;
        {keep_max}
        w = w - (mi / (sqrt(vi) + epsilon)) * alpha;""")


# name -> (the arrays and the scalars as fused.run receives them, the kernel's source by flags)
_RULES = {
    "sgd": (("g", "w"), ("learning_rate",), _sgd),
    "sgd_momentum": (("g", "w", "velocity"), ("learning_rate", "momentum", "nesterov"),
                     _sgd_momentum),
    "rmsprop": (("g", "w", "velocity", "average", "mom"),
                ("learning_rate", "rho", "one_minus_rho", "epsilon", "momentum", "centered",
                 "use_momentum"), _rmsprop),
    "adam": (("g", "w", "m", "v", "v_max"),
             ("alpha", "one_minus_beta_1", "one_minus_beta_2", "epsilon", "amsgrad"), _adam),
}
# (name, flags) -> (kernel, [scalar positions], [output array positions]), or None if it failed
_plans: dict[tuple, tuple | None] = {}


def has(name: str) -> bool:
    """Whether the optimizer rule ``name`` has a GPU kernel here."""
    return name in _RULES


def _plan(cupy, name: str, flags: tuple):
    key = (name, flags)
    if key in _plans:
        return _plans[key]
    arrays, scalars, source = _RULES[name]
    numbers, outputs, body = source(flags)
    inputs = ", ".join(["T g"] + [f"T {s}" for s in numbers] + ["T tiny"])
    try:
        kernel = cupy.ElementwiseKernel(
            inputs, ", ".join(f"T {o}" for o in outputs), body,
            f"numnet_{name}_" + "".join(str(int(f)) for f in flags),
            preamble=_PREAMBLE, options=("--fmad=false",))
        plan = (kernel, [scalars.index(s) for s in numbers], [arrays.index(o) for o in outputs])
    except Exception:
        plan = None
    _plans[key] = plan
    return plan


def run(name: str, arrays: tuple, scalars: tuple) -> bool:
    """Update ``arrays`` (CuPy, in ``fused.run``'s order) with one kernel launch; False, having
    done nothing, where no kernel applies."""
    rule = _RULES.get(name)
    if rule is None:
        return False
    import cupy

    first = arrays[0]
    dtype, shape = first.dtype, first.shape
    if dtype.char not in "fd":
        return False
    for a in arrays:
        if (type(a) is not cupy.ndarray or a.dtype != dtype or a.shape != shape
                or not a.flags.c_contiguous):
            return False
    flags = tuple(bool(s) for s in scalars if isinstance(s, bool))
    plan = _plan(cupy, name, flags)
    if plan is None:
        return False
    kernel, numbers, outputs = plan
    cast = dtype.type
    try:
        kernel(arrays[0], *[cast(scalars[i]) for i in numbers], cast(_TINY[dtype.char]),
               *[arrays[i] for i in outputs])
    except Exception:  # a launch that fails changes nothing; the array path takes over
        _plans[(name, flags)] = None
        return False
    return True


__all__ = ["has", "run"]
