"""TensorFlow's ``tf.bitwise``: and, or, xor, invert and shifts of integer tensors.

    tf.bitwise.bitwise_and(tf.constant([5, 12]), tf.constant([3, 10]))   # [1, 8]
    tf.bitwise.left_shift(tf.constant([1], tf.int8), 7)                  # [-128]

Both operands take one integer dtype (int8 ... int64, uint8 ... uint64); a Python number or
list beside a Tensor takes the Tensor's dtype, two Python values are int32, as TensorFlow.
Shift amounts are clamped to [0, bits - 1] as TensorFlow's kernels do. No gradient.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import Tensor
from .base import array
from .errors import InvalidArgumentError

_INTEGERS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def _operand(value, like, where: str) -> np.ndarray:
    if isinstance(value, Tensor):
        values = np.asarray(backend.to_numpy(value.value))
    elif like is not None:
        values = np.asarray(value)
        if values.dtype.kind in "iu":
            values = values.astype(like)
    else:
        values = array(value)
    if values.dtype.name not in _INTEGERS:
        raise InvalidArgumentError(None, None, f"{where}: expected an integer dtype (int8 ... "
                                               f"uint64), given {values.dtype}; cast with "
                                               f"tf.cast(x, tf.int32) first.")
    return values


def _pair(x, y, where: str) -> tuple:
    like = x.dtype if isinstance(x, Tensor) else y.dtype if isinstance(y, Tensor) else None
    a, b = _operand(x, like, where), _operand(y, like, where)
    if a.dtype != b.dtype:
        raise InvalidArgumentError(None, None, f"{where}: both operands must have one dtype, "
                                               f"given {a.dtype} and {b.dtype}; cast one with "
                                               f"tf.cast.")
    return a, b


def _result(values: np.ndarray, dtype) -> Tensor:
    return Tensor(backend.to_device(np.asarray(values, dtype=dtype)))


def bitwise_and(x, y, name=None) -> Tensor:
    """The bits set in both ``x`` and ``y``, element-wise (broadcast).

    Example:
        >>> numnet.bitwise.bitwise_and(numnet.constant([5, 12]), 6).numpy().tolist()
        [4, 4]
    """
    a, b = _pair(x, y, "bitwise.bitwise_and")
    return _result(np.bitwise_and(a, b), a.dtype)


def bitwise_or(x, y, name=None) -> Tensor:
    """The bits set in ``x`` or ``y``, element-wise (broadcast).

    Example:
        >>> numnet.bitwise.bitwise_or(numnet.constant([5, 12]), 3).numpy().tolist()
        [7, 15]
    """
    a, b = _pair(x, y, "bitwise.bitwise_or")
    return _result(np.bitwise_or(a, b), a.dtype)


def bitwise_xor(x, y, name=None) -> Tensor:
    """The bits set in exactly one of ``x`` and ``y``, element-wise (broadcast).

    Example:
        >>> numnet.bitwise.bitwise_xor(numnet.constant([5, 12]), 6).numpy().tolist()
        [3, 10]
    """
    a, b = _pair(x, y, "bitwise.bitwise_xor")
    return _result(np.bitwise_xor(a, b), a.dtype)


def invert(x, name=None) -> Tensor:
    """Every bit flipped (``~x``): -x - 1 for signed types, max - x for unsigned ones.

    Example:
        >>> numnet.bitwise.invert(numnet.constant([0, 5], numnet.uint8)).numpy().tolist()
        [255, 250]
    """
    a = _operand(x, None, "bitwise.invert")
    return _result(np.invert(a), a.dtype)


def _shift(x, y, left: bool, where: str) -> Tensor:
    a, b = _pair(x, y, where)
    bits = a.dtype.itemsize * 8
    amount = np.clip(b.astype(np.int64), 0, bits - 1).astype(a.dtype)
    out = np.left_shift(a, amount) if left else np.right_shift(a, amount)
    return _result(out, a.dtype)


def left_shift(x, y, name=None) -> Tensor:
    """``x`` shifted left by ``y`` bits, wrapping in ``x``'s width (``y`` clamped to
    [0, bits - 1], as TensorFlow's kernel).

    Example:
        >>> numnet.bitwise.left_shift(numnet.constant([1, 3], numnet.int8), 7).numpy().tolist()
        [-128, -128]
    """
    return _shift(x, y, True, "bitwise.left_shift")


def right_shift(x, y, name=None) -> Tensor:
    """``x`` shifted right by ``y`` bits: arithmetic (the sign kept) for signed types,
    logical for unsigned ones (``y`` clamped to [0, bits - 1]).

    Example:
        >>> numnet.bitwise.right_shift(numnet.constant([-8, 8]), 1).numpy().tolist()
        [-4, 4]
    """
    return _shift(x, y, False, "bitwise.right_shift")


BITWISE = {"bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor,
           "invert": invert, "left_shift": left_shift, "right_shift": right_shift}
"""The functions of ``tf.bitwise``."""
