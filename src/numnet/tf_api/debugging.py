"""TensorFlow's ``tf.debugging`` assertions and checks, run at once: each raises
``tf.errors.InvalidArgumentError`` (a ValueError) naming what failed, and returns None (or
the tensor checked, for check_numerics), as TensorFlow does eagerly.

    tf.debugging.assert_equal(tf.shape(x)[0], tf.shape(y)[0], message="batch sizes differ")
    x = tf.debugging.check_numerics(x, "after the encoder")
"""

from __future__ import annotations

import numpy as np

from ..autodiff import Tensor
from .base import array, namespace, plain, to_tensor
from .errors import InvalidArgumentError


def _fail(message, condition: str, x=None, y=None, summarize=None):
    prefix = f"{message}\n" if message else ""
    shown = [] if x is None else [f"x = {_show(x, summarize)}"]
    if y is not None:
        shown.append(f"y = {_show(y, summarize)}")
    raise InvalidArgumentError(None, None, prefix + f"Condition {condition} did not hold "
                                                    "element-wise:\n" + "\n".join(shown))


def _show(value, summarize=None) -> str:
    v = array(value)
    limit = 3 if summarize is None else int(summarize)
    flat = v.reshape(-1)
    body = ", ".join(str(e) for e in flat[:limit]) + (" ..." if flat.size > limit else "")
    return f"(shape={v.shape}, dtype={v.dtype}) [{body}]"


def _compare(x, y, fn, condition, message, summarize):
    a, b = array(to_tensor(x)), array(to_tensor(y))
    try:
        ok = np.all(fn(a, b))
    except ValueError:
        raise InvalidArgumentError(None, None, f"{message + ': ' if message else ''}the shapes "
                                               f"{a.shape} and {b.shape} do not broadcast "
                                               "together.") from None
    if not ok:
        _fail(message, condition, a, b, summarize)


def assert_equal(x, y, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless x == y everywhere (broadcast).

    Args:
        x: a Tensor.
        y: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        summarize: how many entries the error shows. Defaults to ``None`` (3).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_equal([1, 2], [1, 2])
    """
    _compare(x, y, np.equal, "x == y", message, summarize)


def assert_none_equal(x, y, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless x != y everywhere.

    Args:
        x: a Tensor.
        y: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        summarize: entries shown. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_none_equal([1, 2], [3, 4])
    """
    _compare(x, y, np.not_equal, "x != y", message, summarize)


def assert_less(x, y, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless x < y everywhere.

    Args:
        x: a Tensor.
        y: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        summarize: entries shown. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_less([1, 2], 3)
    """
    _compare(x, y, np.less, "x < y", message, summarize)


def assert_less_equal(x, y, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless x <= y everywhere.

    Args:
        x: a Tensor.
        y: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        summarize: entries shown. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_less_equal([1, 3], 3)
    """
    _compare(x, y, np.less_equal, "x <= y", message, summarize)


def assert_greater(x, y, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless x > y everywhere.

    Args:
        x: a Tensor.
        y: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        summarize: entries shown. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_greater([4, 5], 3)
    """
    _compare(x, y, np.greater, "x > y", message, summarize)


def assert_greater_equal(x, y, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless x >= y everywhere.

    Args:
        x: a Tensor.
        y: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        summarize: entries shown. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_greater_equal([3, 5], 3)
    """
    _compare(x, y, np.greater_equal, "x >= y", message, summarize)


def _sign_check(x, fn, condition, message, summarize):
    a = array(to_tensor(x))
    if not np.all(fn(a)):
        _fail(message, condition, a, None, summarize)


def assert_positive(x, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless x > 0 everywhere.

    Args:
        x: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        summarize: entries shown. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_positive([1.0, 2.0])
    """
    _sign_check(x, lambda a: a > 0, "x > 0", message, summarize)


def assert_negative(x, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless x < 0 everywhere.

    Args:
        x: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        summarize: entries shown. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_negative([-1.0])
    """
    _sign_check(x, lambda a: a < 0, "x < 0", message, summarize)


def assert_non_negative(x, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless x >= 0 everywhere.

    Args:
        x: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        summarize: entries shown. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_non_negative([0.0, 2.0])
    """
    _sign_check(x, lambda a: a >= 0, "x >= 0", message, summarize)


def assert_non_positive(x, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless x <= 0 everywhere.

    Args:
        x: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        summarize: entries shown. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_non_positive([0.0, -2.0])
    """
    _sign_check(x, lambda a: a <= 0, "x <= 0", message, summarize)


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None) -> None:
    """Raise InvalidArgumentError unless |x - y| <= atol + rtol |y| everywhere; the
    tolerances default to 10 * the float type's epsilon (TensorFlow's).

    Args:
        x: a float Tensor.
        y: a float Tensor.
        rtol: the relative tolerance. Defaults to ``None``.
        atol: the absolute tolerance. Defaults to ``None``.
        message: text put first in the error. Defaults to ``None``.
        summarize: entries shown. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_near([1.0], [1.0 + 1e-7])
    """
    a, b = array(to_tensor(x)), array(to_tensor(y))
    kind = a.dtype if a.dtype.kind == "f" else np.dtype(np.float32)
    eps = float(np.finfo(kind).eps)
    rtol = 10 * eps if rtol is None else float(plain(rtol))
    atol = 10 * eps if atol is None else float(plain(atol))
    if not np.all(np.abs(a - b) <= atol + rtol * np.abs(b)):
        _fail(message, f"x and y are close (atol={atol:g}, rtol={rtol:g})", a, b, summarize)


def assert_all_finite(t, message, name=None, x=None) -> Tensor:
    """``t`` itself after checking that it has no NaN or infinity (InvalidArgumentError
    otherwise).

    Args:
        t: a float Tensor.
        message: text put first in the error.
        name: ignored. Defaults to ``None``.
        x: TensorFlow 2's alias of t. Defaults to ``None``.

    Example:
        >>> float(numnet.debugging.assert_all_finite(numnet.constant(1.0), "loss"))
        1.0
    """
    return check_numerics(t if x is None else x, message)


def check_numerics(tensor, message, name=None) -> Tensor:
    """``tensor`` itself after checking that it has no NaN or infinity; the error says which
    (``message : Tensor had NaN values``).

    Args:
        tensor: a float Tensor.
        message: text put first in the error.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.debugging.check_numerics(numnet.constant(2.0), "x"))
        2.0
    """
    t = tensor if isinstance(tensor, Tensor) else to_tensor(tensor)
    v = array(t)
    if v.dtype.kind in "fc":
        bad = [kind for kind, test in (("NaN", np.isnan), ("Inf", np.isinf)) if test(v).any()]
        if bad:
            raise InvalidArgumentError(None, None, f"{message} : Tensor had "
                                                   f"{' and '.join(bad)} values")
    return t


def assert_rank(x, rank, message=None, name=None) -> None:
    """Raise InvalidArgumentError unless ``x`` has ``rank`` axes.

    Args:
        x: a Tensor.
        rank: the expected number of axes.
        message: text put first in the error. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_rank(numnet.zeros((2, 3)), 2)
    """
    n = np.ndim(array(to_tensor(x)))
    if n != int(plain(rank)):
        raise InvalidArgumentError(None, None, f"{message + ': ' if message else ''}the tensor "
                                               f"must have rank {int(plain(rank))}; its rank is "
                                               f"{n} (shape {np.shape(array(to_tensor(x)))}).")


def assert_rank_at_least(x, rank, message=None, name=None) -> None:
    """Raise InvalidArgumentError unless ``x`` has at least ``rank`` axes.

    Args:
        x: a Tensor.
        rank: the least number of axes.
        message: text put first in the error. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_rank_at_least(numnet.zeros((2, 3)), 1)
    """
    n = np.ndim(array(to_tensor(x)))
    if n < int(plain(rank)):
        raise InvalidArgumentError(None, None, f"{message + ': ' if message else ''}the tensor "
                                               f"must have rank at least {int(plain(rank))}; "
                                               f"its rank is {n}.")


def assert_rank_in(x, ranks, message=None, name=None) -> None:
    """Raise InvalidArgumentError unless the rank of ``x`` is one of ``ranks``.

    Args:
        x: a Tensor.
        ranks: the allowed ranks.
        message: text put first in the error. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_rank_in(numnet.zeros((2,)), [1, 2])
    """
    n = np.ndim(array(to_tensor(x)))
    allowed = [int(plain(r)) for r in ranks]
    if n not in allowed:
        raise InvalidArgumentError(None, None, f"{message + ': ' if message else ''}the tensor's "
                                               f"rank must be one of {allowed}; it is {n}.")


def assert_scalar(tensor, message=None, name=None) -> None:
    """Raise InvalidArgumentError unless ``tensor`` has rank 0.

    Args:
        tensor: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_scalar(numnet.constant(1.0))
    """
    assert_rank(tensor, 0, message)


def assert_type(tensor, tf_type, message=None, name=None) -> None:
    """Raise TypeError unless ``tensor`` has the dtype ``tf_type``.

    Args:
        tensor: a Tensor.
        tf_type: the expected dtype.
        message: text put first in the error. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_type(numnet.constant(1.0), numnet.float32)
    """
    dtype = to_tensor(tensor).dtype
    if dtype != np.dtype(tf_type):
        raise TypeError(f"{message + ': ' if message else ''}expected a tensor of dtype "
                        f"{np.dtype(tf_type)}, given {dtype}.")


def assert_integer(x, message=None, name=None) -> None:
    """Raise TypeError unless ``x`` holds integers.

    Args:
        x: a Tensor.
        message: text put first in the error. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.assert_integer(numnet.constant([1, 2]))
    """
    dtype = to_tensor(x).dtype
    if dtype.kind not in "iu":
        raise TypeError(f"{message + ': ' if message else ''}expected an integer tensor, given "
                        f"{dtype}.")


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None) -> None:
    """Check several tensors' shapes at once, with named sizes shared between them:
    ``assert_shapes([(x, ("N", "D")), (y, ("N",))])`` checks that x is (N, D) and y (N,)
    for one N. Entries: an int, a name, None / "." (any size), "..." or "*" (any leading
    axes, first entry only).

    Args:
        shapes: a list of (tensor, shape) pairs (or a dict tensor -> shape).
        data: accepted as TensorFlow's. Defaults to ``None``.
        summarize: accepted as TensorFlow's. Defaults to ``None``.
        message: text put first in the error. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Raises:
        InvalidArgumentError: a rank or a size does not fit.

    Example:
        >>> numnet.debugging.assert_shapes([(numnet.zeros((2, 3)), ("N", 3)),
        ...                                 (numnet.zeros((2,)), ("N",))])
    """
    pairs = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    sizes: dict = {}
    prefix = f"{message}: " if message else ""
    for tensor, spec in pairs:
        actual = np.shape(array(to_tensor(tensor)))
        spec = [spec] if isinstance(spec, (str, int)) and spec not in ("...", "*") else list(
            spec) if not isinstance(spec, str) else [spec]
        if spec and spec[0] in ("...", "*"):
            spec = spec[1:]
            if len(actual) < len(spec):
                raise InvalidArgumentError(None, None, f"{prefix}a tensor of shape {actual} "
                                                       f"has fewer axes than {spec} needs.")
            actual = actual[len(actual) - len(spec):]
        elif len(actual) != len(spec):
            raise InvalidArgumentError(None, None, f"{prefix}a tensor of shape {actual} must "
                                                   f"have rank {len(spec)} (shape spec "
                                                   f"{tuple(spec)}).")
        for size, want in zip(actual, spec):
            if want is None or want == ".":
                continue
            if isinstance(want, str):
                if sizes.setdefault(want, size) != size:
                    raise InvalidArgumentError(None, None, f"{prefix}dimension {want!r} is "
                                                           f"{sizes[want]} in one tensor and "
                                                           f"{size} in another (shape "
                                                           f"{actual}).")
            elif int(want) != size:
                raise InvalidArgumentError(None, None, f"{prefix}a tensor of shape {actual} "
                                                       f"does not fit the spec {tuple(spec)}.")


def Assert(condition, data, summarize=None, name=None) -> None:  # noqa: N802 - TensorFlow's
    """Raise InvalidArgumentError, showing the tensors of ``data``, when ``condition`` is
    false.

    Args:
        condition: a scalar boolean.
        data: a list of Tensors (or strings) to print in the error.
        summarize: how many entries of each to print. Defaults to ``None`` (3).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.debugging.Assert(numnet.constant(True), ["never shown"])
    """
    if not bool(np.all(array(to_tensor(condition)))):
        shown = [d if isinstance(d, str) else _show(d, summarize) for d in data]
        raise InvalidArgumentError(None, None, "assertion failed: [" + "] [".join(shown) + "]")


def is_numeric_tensor(tensor) -> bool:
    """Whether ``tensor`` is a Tensor of numbers (integers, floats or complex).

    Args:
        tensor: anything.

    Example:
        >>> numnet.debugging.is_numeric_tensor(numnet.constant(1.0))
        True
    """
    return isinstance(tensor, Tensor) and tensor.dtype.kind in "iufc"


def _accept(*args, **kwargs) -> None:
    """Accepted for TensorFlow programs; numnet has nothing to switch here."""


def set_log_device_placement(enabled) -> None:
    """Accepted: numnet computes every op on its one device (``tf.debugging.
    set_log_device_placement(True)`` logs nothing).

    Args:
        enabled: whether to log placements.

    Example:
        >>> numnet.debugging.set_log_device_placement(True)
    """
    return None


def _is_non_decreasing(x, name=None):
    from .array import is_non_decreasing

    return is_non_decreasing(x)


def _is_strictly_increasing(x, name=None):
    from .array import is_strictly_increasing

    return is_strictly_increasing(x)


DEBUGGING = {
    "Assert": Assert, "assert_all_finite": assert_all_finite, "assert_equal": assert_equal,
    "assert_greater": assert_greater, "assert_greater_equal": assert_greater_equal,
    "assert_integer": assert_integer, "assert_less": assert_less,
    "assert_less_equal": assert_less_equal, "assert_near": assert_near,
    "assert_negative": assert_negative, "assert_non_negative": assert_non_negative,
    "assert_non_positive": assert_non_positive, "assert_none_equal": assert_none_equal,
    "assert_positive": assert_positive, "assert_rank": assert_rank,
    "assert_rank_at_least": assert_rank_at_least, "assert_rank_in": assert_rank_in,
    "assert_scalar": assert_scalar, "assert_shapes": assert_shapes, "assert_type": assert_type,
    "check_numerics": check_numerics, "disable_check_numerics": _accept,
    "enable_check_numerics": _accept, "is_numeric_tensor": is_numeric_tensor,
    "is_non_decreasing": _is_non_decreasing, "is_strictly_increasing": _is_strictly_increasing,
    "set_log_device_placement": set_log_device_placement,
    "get_log_device_placement": lambda: False,
    "experimental": namespace("numnet.debugging.experimental",
                              "TensorFlow's tf.debugging.experimental: accepted.",
                              enable_dump_debug_info=_accept, disable_dump_debug_info=_accept),
}
"""The functions of ``tf.debugging``."""

TOP = {"Assert": Assert, "assert_equal": assert_equal, "assert_greater": assert_greater,
       "assert_less": assert_less, "assert_rank": assert_rank}
"""The assertions at TensorFlow's top level."""
