"""TensorFlow's math and shaping functions (``tf.roll``, ``tf.gather_nd``, ``tf.math.erf``,
``tf.math.unsorted_segment_sum``, ...), each recording its gradient where TensorFlow defines one.

    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    tf.gather_nd(x, [[0, 1], [1, 0]])           # [2., 3.]
    tf.math.segment_sum([1.0, 2.0, 3.0], [0, 0, 1])  # [3., 3.]

Rearrangements (roll, reverse, repeat, gather_nd, strided_slice, ...) pass each output
element's gradient back to the element it came from; element-wise functions multiply by their
derivative, written beside them. The special functions (erfinv, lgamma, bessel_i0, ...) take
SciPy's, imported when first called.
"""

from __future__ import annotations

import builtins
import collections
import math as _pymath

import numpy as np

from .. import activations, backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from .base import array, axis_of, pair, plain, to_float, to_tensor
from .errors import InvalidArgumentError


def _special():
    import scipy.special

    return scipy.special


def _elementwise(x, fn, slope=None, floats: bool = True) -> Tensor:
    """``fn(x)`` entry by entry, in x's dtype; d x = g * slope(x, out) (none when None)."""
    x = to_float(x) if floats else to_tensor(x)
    dtype = x.dtype

    def value(v):
        return backend.xp.asarray(fn(v)).astype(dtype, copy=False)

    if slope is None:
        return Tensor(value(x.value))
    return _ops.unary(x, value, lambda v, out: backend.xp.asarray(slope(v, out)).astype(
        dtype, copy=False))


# ----------------------------------------------------------------------------- trigonometry


def sin(x, name=None) -> Tensor:
    """sin(x), entry by entry; d x = cos(x).

    Args:
        x: a Tensor, array or number.
        name: accepted as TensorFlow's; ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.sin(0.0))
        0.0
    """
    xp = backend.xp
    return _elementwise(x, xp.sin, lambda v, out: xp.cos(v))


def cos(x, name=None) -> Tensor:
    """cos(x), entry by entry; d x = -sin(x).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.cos(0.0))
        1.0
    """
    xp = backend.xp
    return _elementwise(x, xp.cos, lambda v, out: -xp.sin(v))


def tan(x, name=None) -> Tensor:
    """tan(x); d x = 1 + tan(x)^2.

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.tan(0.5)), 4)
        0.5463
    """
    return _elementwise(x, backend.xp.tan, lambda v, out: 1 + out * out)


def sinh(x, name=None) -> Tensor:
    """sinh(x); d x = cosh(x).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.sinh(1.0)), 4)
        1.1752
    """
    xp = backend.xp
    return _elementwise(x, xp.sinh, lambda v, out: xp.cosh(v))


def cosh(x, name=None) -> Tensor:
    """cosh(x); d x = sinh(x).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.cosh(1.0)), 4)
        1.5431
    """
    xp = backend.xp
    return _elementwise(x, xp.cosh, lambda v, out: xp.sinh(v))


def asin(x, name=None) -> Tensor:
    """arcsin(x) for x in [-1, 1]; d x = 1 / sqrt(1 - x^2).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.asin(1.0)), 4)
        1.5708
    """
    xp = backend.xp
    return _elementwise(x, xp.arcsin, lambda v, out: 1 / xp.sqrt(1 - v * v))


def acos(x, name=None) -> Tensor:
    """arccos(x) for x in [-1, 1]; d x = -1 / sqrt(1 - x^2).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.acos(0.0)), 4)
        1.5708
    """
    xp = backend.xp
    return _elementwise(x, xp.arccos, lambda v, out: -1 / xp.sqrt(1 - v * v))


def atan(x, name=None) -> Tensor:
    """arctan(x); d x = 1 / (1 + x^2).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.atan(1.0)), 4)
        0.7854
    """
    return _elementwise(x, backend.xp.arctan, lambda v, out: 1 / (1 + v * v))


def asinh(x, name=None) -> Tensor:
    """arsinh(x); d x = 1 / sqrt(x^2 + 1).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.asinh(1.0)), 4)
        0.8814
    """
    xp = backend.xp
    return _elementwise(x, xp.arcsinh, lambda v, out: 1 / xp.sqrt(v * v + 1))


def acosh(x, name=None) -> Tensor:
    """arcosh(x) for x >= 1; d x = 1 / sqrt(x^2 - 1).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.acosh(2.0)), 4)
        1.317
    """
    xp = backend.xp
    return _elementwise(x, xp.arccosh, lambda v, out: 1 / xp.sqrt(v * v - 1))


def atanh(x, name=None) -> Tensor:
    """artanh(x) for |x| < 1; d x = 1 / (1 - x^2).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.atanh(0.5)), 4)
        0.5493
    """
    return _elementwise(x, backend.xp.arctanh, lambda v, out: 1 / (1 - v * v))


def atan2(y, x, name=None) -> Tensor:
    """The angle of the point (x, y), in (-pi, pi]: arctan(y / x) in the right quadrant.
    d y = x / (x^2 + y^2), d x = -y / (x^2 + y^2).

    Args:
        y: the second coordinates (TensorFlow's order: y first).
        x: the first coordinates.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.atan2(1.0, -1.0)), 4)
        2.3562
    """
    y, x = pair(to_float(y) if not isinstance(y, Tensor) else y,
                to_float(x) if not isinstance(x, Tensor) else x)
    return _ops.binary(y, x, backend.xp.arctan2,
                       lambda a, b, out: b / (a * a + b * b),
                       lambda a, b, out: -a / (a * a + b * b))


def sigmoid(x, name=None) -> Tensor:
    """1 / (1 + exp(-x)), entry by entry (``tf.sigmoid`` = ``tf.math.sigmoid``).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.sigmoid(0.0))
        0.5
    """
    return activations.sigmoid(to_float(x))


def tanh(x, name=None) -> Tensor:
    """tanh(x), entry by entry (``tf.tanh`` = ``tf.math.tanh``).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.tanh(0.0))
        0.0
    """
    return activations.tanh(to_float(x))


# ----------------------------------------------------------------------------- special functions


def erf(x, name=None) -> Tensor:
    """The error function 2/sqrt(pi) int_0^x exp(-t^2) dt; d x = 2/sqrt(pi) exp(-x^2).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.erf(1.0)), 4)
        0.8427
    """
    xp = backend.xp
    return _elementwise(x, lambda v: _special().erf(backend.to_numpy(v)),
                        lambda v, out: 2 / _pymath.sqrt(_pymath.pi) * xp.exp(-v * v))


def erfc(x, name=None) -> Tensor:
    """1 - erf(x), accurate for large x; d x = -2/sqrt(pi) exp(-x^2).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.erfc(1.0)), 4)
        0.1573
    """
    xp = backend.xp
    return _elementwise(x, lambda v: _special().erfc(backend.to_numpy(v)),
                        lambda v, out: -2 / _pymath.sqrt(_pymath.pi) * xp.exp(-v * v))


def erfinv(x, name=None) -> Tensor:
    """The inverse of erf on (-1, 1); d x = sqrt(pi)/2 exp(erfinv(x)^2).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.erfinv(0.5)), 4)
        0.4769
    """
    xp = backend.xp
    return _elementwise(x, lambda v: _special().erfinv(backend.to_numpy(v)),
                        lambda v, out: _pymath.sqrt(_pymath.pi) / 2 * xp.exp(out * out))


def erfcinv(x, name=None) -> Tensor:
    """The inverse of erfc on (0, 2); d x = -sqrt(pi)/2 exp(erfcinv(x)^2).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.erfcinv(0.5)), 4)
        0.4769
    """
    xp = backend.xp
    return _elementwise(x, lambda v: _special().erfcinv(backend.to_numpy(v)),
                        lambda v, out: -_pymath.sqrt(_pymath.pi) / 2 * xp.exp(out * out))


def ndtri(x, name=None) -> Tensor:
    """The standard normal quantile (inverse CDF) on (0, 1); d x = sqrt(2 pi) exp(ndtri^2 / 2).

    Args:
        x: probabilities.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.ndtri(0.975)), 3)
        1.96
    """
    xp = backend.xp
    return _elementwise(x, lambda v: _special().ndtri(backend.to_numpy(v)),
                        lambda v, out: _pymath.sqrt(2 * _pymath.pi) * xp.exp(out * out / 2))


def expm1(x, name=None) -> Tensor:
    """exp(x) - 1, accurate for small x; d x = exp(x).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.math.expm1(0.0))
        0.0
    """
    xp = backend.xp
    return _elementwise(x, xp.expm1, lambda v, out: out + 1)


def lgamma(x, name=None) -> Tensor:
    """log |Gamma(x)|; d x = digamma(x).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.lgamma(5.0)), 4)   # log(4!)
        3.1781
    """
    return _elementwise(x, lambda v: _special().gammaln(backend.to_numpy(v)),
                        lambda v, out: _special().digamma(backend.to_numpy(v)))


def digamma(x, name=None) -> Tensor:
    """The digamma function psi(x) = d/dx log Gamma(x); d x = polygamma(1, x).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.digamma(1.0)), 4)   # -Euler's constant
        -0.5772
    """
    return _elementwise(x, lambda v: _special().digamma(backend.to_numpy(v)),
                        lambda v, out: _special().polygamma(1, backend.to_numpy(v)))


def polygamma(a, x, name=None) -> Tensor:
    """The a-th derivative of digamma at x (a a non-negative integer); d x = polygamma(a+1, x),
    no gradient for a.

    Args:
        a: the orders (integers stored as floats, as TensorFlow).
        x: the points.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.polygamma(1.0, 1.0)), 4)   # pi^2 / 6
        1.6449
    """
    order = array(a)
    return _elementwise(x, lambda v: _special().polygamma(order, backend.to_numpy(v)),
                        lambda v, out: _special().polygamma(order + 1, backend.to_numpy(v)))


def zeta(x, q, name=None) -> Tensor:
    """The Hurwitz zeta function sum_n (n + q)^-x (no gradient).

    Args:
        x: the exponents (> 1).
        q: the offsets (> 0).
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.zeta(2.0, 1.0)), 4)
        1.6449
    """
    x, q = pair(to_float(x), to_float(q))
    return Tensor(backend.to_device(_special().zeta(array(x), array(q)).astype(x.dtype)))


def igamma(a, x, name=None) -> Tensor:
    """The regularized lower incomplete gamma function P(a, x); d x = exp(-x) x^(a-1) /
    Gamma(a) (no gradient for a).

    Args:
        a: the shapes (> 0).
        x: the points (>= 0).
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.igamma(1.0, 1.0)), 4)   # 1 - exp(-1)
        0.6321
    """
    a, x = pair(to_float(a), to_float(x))
    sp = _special()
    out = sp.gammainc(array(a), array(x)).astype(x.dtype)
    return _ops.binary(a, x, lambda u, v: backend.to_device(out),
                       lambda u, v, o: backend.xp.zeros_like(o),
                       lambda u, v, o: backend.to_device(np.exp(
                           -array(v) + (array(u) - 1) * np.log(array(v)) - sp.gammaln(array(u)))
                           .astype(x.dtype)))


def igammac(a, x, name=None) -> Tensor:
    """1 - igamma(a, x), the upper regularized incomplete gamma function Q(a, x).

    Args:
        a: the shapes (> 0).
        x: the points (>= 0).
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.igammac(1.0, 1.0)), 4)   # exp(-1)
        0.3679
    """
    return _ops.subtract(1, igamma(a, x))


def lbeta(x, name=None) -> Tensor:
    """log of the multivariate beta function over the last axis: sum lgamma(x_i) -
    lgamma(sum x_i); d x_i = digamma(x_i) - digamma(sum x).

    Args:
        x: values of shape (..., n).
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.lbeta([1.0, 1.0])), 4)   # log B(1, 1) = 0
        0.0
    """
    x = to_float(x)
    return _ops.subtract(_ops.sum(lgamma(x), axis=-1), lgamma(_ops.sum(x, axis=-1)))


def betainc(a, b, x, name=None) -> Tensor:
    """The regularized incomplete beta function I_x(a, b) (no gradient).

    Args:
        a: first shapes (> 0).
        b: second shapes (> 0).
        x: points in [0, 1].
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.math.betainc(1.0, 1.0, 0.25))
        0.25
    """
    x = to_float(x)
    return Tensor(backend.to_device(_special().betainc(array(a), array(b), array(x))
                                    .astype(x.dtype)))


def _bessel(name: str, slope):
    def fn(x, name=None) -> Tensor:
        return _elementwise(x, lambda v: getattr(_special(), fn.__name__)(backend.to_numpy(v)),
                            slope)

    fn.__name__ = name
    return fn


def _i0_slope(v, out):
    return _special().i1(backend.to_numpy(v))


def _i0e_slope(v, out):
    return _special().i1e(backend.to_numpy(v)) - np.sign(backend.to_numpy(v)) * backend.to_numpy(
        out)


def _i1_slope(v, out):
    v = backend.to_numpy(v)
    safe = np.where(v == 0, 1, v)
    return np.where(v == 0, 0.5, _special().i0(v) - backend.to_numpy(out) / safe)


def _i1e_slope(v, out):
    v, out = backend.to_numpy(v), backend.to_numpy(out)
    safe = np.where(v == 0, 1, v)
    return np.where(v == 0, 0.5, _special().i0e(v) - out * (np.sign(v) + 1 / safe))


def bessel_i0(x, name=None) -> Tensor:
    """The modified Bessel function of the first kind, order 0; d x = I1(x).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.bessel_i0(1.0)), 4)
        1.2661
    """
    return _bessel("i0", _i0_slope)(x)


def bessel_i0e(x, name=None) -> Tensor:
    """exp(-|x|) I0(x), which does not overflow; d x = I1e(x) - sign(x) I0e(x).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.bessel_i0e(1.0)), 4)
        0.4658
    """
    return _bessel("i0e", _i0e_slope)(x)


def bessel_i1(x, name=None) -> Tensor:
    """The modified Bessel function of the first kind, order 1; d x = I0(x) - I1(x) / x
    (1/2 at 0).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.bessel_i1(1.0)), 4)
        0.5652
    """
    return _bessel("i1", _i1_slope)(x)


def bessel_i1e(x, name=None) -> Tensor:
    """exp(-|x|) I1(x); d x = I0e(x) - I1e(x) (sign(x) + 1/x) (1/2 at 0).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.bessel_i1e(1.0)), 4)
        0.2079
    """
    return _bessel("i1e", _i1e_slope)(x)


# ----------------------------------------------------------------------------- tf.math.special


def _scipy(fn_name: str, slope, pick=None):
    """An element-wise special function from scipy.special (``pick`` chooses one of a tuple
    it returns), with its derivative ``slope(v, out)`` (NumPy arrays)."""
    def fn(x, name=None) -> Tensor:
        def value(v):
            out = getattr(_special(), fn_name)(backend.to_numpy(v))
            return out[pick] if pick is not None else out
        return _elementwise(x, value, slope)
    return fn


def _np(v):
    return np.asarray(backend.to_numpy(v), dtype=np.float64)


def _over_x(v, num, at_zero):
    v = _np(v)
    safe = np.where(v == 0, 1, v)
    return np.where(v == 0, at_zero, num / safe)


def _j1_slope(v, out):
    return _special().j0(_np(v)) - _over_x(v, _special().j1(_np(v)), 0.5)


def _y1_slope(v, out):
    return _special().y0(_np(v)) - _np(out) / _np(v)


def _k1_slope(v, out):
    return -_special().k0(_np(v)) - _np(out) / _np(v)


def _k1e_slope(v, out):
    return _np(out) - _special().k0e(_np(v)) - _np(out) / _np(v)


def _spence_slope(v, out):
    v = _np(v)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(v == 1, -1.0, np.log(v) / (1 - v))


def _fresnel_slope(trig):
    return lambda v, out: trig(np.pi * _np(v) ** 2 / 2)


_SPECIAL_FNS = {
    "bessel_j0": _scipy("j0", lambda v, out: -_special().j1(_np(v))),
    "bessel_j1": _scipy("j1", _j1_slope),
    "bessel_y0": _scipy("y0", lambda v, out: -_special().y1(_np(v))),
    "bessel_y1": _scipy("y1", _y1_slope),
    "bessel_k0": _scipy("k0", lambda v, out: -_special().k1(_np(v))),
    "bessel_k0e": _scipy("k0e", lambda v, out: _np(out) - _special().k1e(_np(v))),
    "bessel_k1": _scipy("k1", _k1_slope),
    "bessel_k1e": _scipy("k1e", _k1e_slope),
    "dawsn": _scipy("dawsn", lambda v, out: 1 - 2 * _np(v) * _np(out)),
    "expint": _scipy("expi", lambda v, out: np.exp(_np(v)) / _np(v)),
    "fresnel_sin": _scipy("fresnel", _fresnel_slope(np.sin), pick=0),
    "fresnel_cos": _scipy("fresnel", _fresnel_slope(np.cos), pick=1),
    "spence": _scipy("spence", _spence_slope),
}
_SPECIAL_DOCS = {
    "bessel_j0": ("the Bessel function of the first kind, order 0; d x = -J1(x)", 1.0,
                  "0.7652"),
    "bessel_j1": ("the Bessel function of the first kind, order 1; d x = J0(x) - J1(x) / x",
                  1.0, "0.4401"),
    "bessel_y0": ("the Bessel function of the second kind, order 0; d x = -Y1(x)", 1.0,
                  "0.0883"),
    "bessel_y1": ("the Bessel function of the second kind, order 1; d x = Y0(x) - Y1(x) / x",
                  1.0, "-0.7812"),
    "bessel_k0": ("the modified Bessel function of the second kind, order 0; d x = -K1(x)", 1.0,
                  "0.421"),
    "bessel_k0e": ("exp(x) K0(x), which does not underflow; d x = K0e(x) - K1e(x)", 1.0,
                   "1.1445"),
    "bessel_k1": ("the modified Bessel function of the second kind, order 1; "
                  "d x = -K0(x) - K1(x) / x", 1.0, "0.6019"),
    "bessel_k1e": ("exp(x) K1(x); d x = K1e(x) - K0e(x) - K1e(x) / x", 1.0, "1.6362"),
    "dawsn": ("Dawson's integral exp(-x^2) * integral_0^x exp(t^2) dt; d x = 1 - 2 x dawsn(x)",
              1.0, "0.5381"),
    "expint": ("the exponential integral Ei(x) = integral_-inf^x exp(t) / t dt; "
               "d x = exp(x) / x", 1.0, "1.8951"),
    "fresnel_sin": ("the Fresnel sine integral integral_0^x sin(pi t^2 / 2) dt", 1.0, "0.4383"),
    "fresnel_cos": ("the Fresnel cosine integral integral_0^x cos(pi t^2 / 2) dt", 1.0,
                    "0.7799"),
    "spence": ("Spence's function integral_1^x log(t) / (1 - t) dt (x >= 0); "
               "d x = log(x) / (1 - x)", 2.0, "-0.8225"),
}
for _name, _fn in _SPECIAL_FNS.items():
    _text, _arg, _want = _SPECIAL_DOCS[_name]
    _fn.__name__ = _fn.__qualname__ = _name
    _fn.__doc__ = f"""{_text[0].upper()}{_text[1:]} (TensorFlow's ``tf.math.special.{_name}``).

    Args:
        x: a Tensor, array or number (integers become floats).
        name: ignored. Defaults to ``None``.

    Returns:
        A Tensor of x's float dtype, entry by entry.

    Example:
        >>> round(float(numnet.math.special.{_name}({_arg})), 4)
        {_want}
    """
del _name, _fn, _text, _arg, _want

SPECIAL = {"bessel_i0": bessel_i0, "bessel_i0e": bessel_i0e, "bessel_i1": bessel_i1,
           "bessel_i1e": bessel_i1e, **_SPECIAL_FNS}
"""TensorFlow's ``tf.math.special``: Bessel functions, Dawson's and Fresnel integrals, the
exponential integral and Spence's function."""


# ----------------------------------------------------------------------------- element-wise


def softsign(features, name=None) -> Tensor:
    """x / (1 + |x|); d x = 1 / (1 + |x|)^2.

    Args:
        features: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.math.softsign(1.0))
        0.5
    """
    xp = backend.xp
    return _elementwise(features, lambda v: v / (1 + xp.abs(v)),
                        lambda v, out: 1 / (1 + xp.abs(v)) ** 2)


def log_sigmoid(x, name=None) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), computed stably; d x = sigmoid(-x).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.math.log_sigmoid(0.0)), 4)
        -0.6931
    """
    xp = backend.xp
    return _elementwise(x, lambda v: -(xp.maximum(-v, 0) + xp.log1p(xp.exp(-xp.abs(v)))),
                        lambda v, out: 1 - xp.exp(out))


def reciprocal_no_nan(x, name=None) -> Tensor:
    """1 / x, and 0 where x is 0; d x = -1/x^2 (0 where x is 0).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.reciprocal_no_nan([2.0, 0.0]).tolist()
        [0.5, 0.0]
    """
    xp = backend.xp

    def value(v):
        return xp.where(v == 0, 0, 1 / xp.where(v == 0, 1, v))

    return _elementwise(x, value, lambda v, out: -out * out)


def multiply_no_nan(x, y, name=None) -> Tensor:
    """x * y, and 0 where y is 0 even when x is inf or NaN.

    Args:
        x: a Tensor, array or number.
        y: the multiplier; where it is 0 the result is 0.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.multiply_no_nan([float("inf"), 2.0], [0.0, 3.0]).tolist()
        [0.0, 6.0]
    """
    xp = backend.xp
    x, y = pair(x, y)
    def value(a, b):
        with np.errstate(invalid="ignore"):
            return xp.where(b == 0, 0, a * b).astype(a.dtype)

    return _ops.binary(x, y, value,
                       lambda a, b, out: b,
                       lambda a, b, out: xp.where(b == 0, 0, a))


def xlogy(x, y, name=None) -> Tensor:
    """x * log(y), and 0 where x is 0; d x = log(y), d y = x / y (both 0 where x is 0).

    Args:
        x: the factors.
        y: the arguments of the logarithm.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.xlogy([0.0, 2.0], [0.0, 1.0]).tolist()
        [0.0, 0.0]
    """
    xp = backend.xp
    x, y = pair(x, y)

    def safe(b, a):
        return xp.where(a == 0, 1, b)

    return _ops.binary(x, y, lambda a, b: xp.where(a == 0, 0, a * xp.log(safe(b, a))),
                       lambda a, b, out: xp.where(a == 0, 0, xp.log(safe(b, a))),
                       lambda a, b, out: xp.where(a == 0, 0, a / safe(b, a)))


def xlog1py(x, y, name=None) -> Tensor:
    """x * log(1 + y), and 0 where x is 0; d x = log1p(y), d y = x / (1 + y).

    Args:
        x: the factors.
        y: the arguments of log1p.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.xlog1py([0.0, 1.0], [-1.0, 0.0]).tolist()
        [0.0, 0.0]
    """
    xp = backend.xp
    x, y = pair(x, y)

    def safe(b, a):
        return xp.where(a == 0, 0, b)

    return _ops.binary(x, y, lambda a, b: xp.where(a == 0, 0, a * xp.log1p(safe(b, a))),
                       lambda a, b, out: xp.where(a == 0, 0, xp.log1p(safe(b, a))),
                       lambda a, b, out: xp.where(a == 0, 0, a / (1 + safe(b, a))))


def xdivy(x, y, name=None) -> Tensor:
    """x / y, and 0 where x is 0; d x = 1 / y, d y = -x / y^2 (both 0 where x is 0).

    Args:
        x: the numerators.
        y: the denominators.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.xdivy([0.0, 3.0], [0.0, 2.0]).tolist()
        [0.0, 1.5]
    """
    xp = backend.xp
    x, y = pair(x, y)

    def safe(b, a):
        return xp.where(a == 0, 1, b)

    return _ops.binary(x, y, lambda a, b: xp.where(a == 0, 0, a / safe(b, a)),
                       lambda a, b, out: xp.where(a == 0, 0, 1 / safe(b, a)),
                       lambda a, b, out: xp.where(a == 0, 0, -a / safe(b, a) ** 2))


def rint(x, name=None) -> Tensor:
    """The nearest integer, halves to even (no gradient).

    Args:
        x: a Tensor, array or number.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.rint([0.5, 1.5, -1.7]).tolist()
        [0.0, 2.0, -2.0]
    """
    return _elementwise(x, backend.xp.rint)


def realdiv(x, y, name=None) -> Tensor:
    """x / y for real numbers (``tf.realdiv``); the gradient reaches both.

    Args:
        x: the numerators.
        y: the denominators.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.realdiv(3.0, 2.0))
        1.5
    """
    return _ops.divide(*pair(x, y))


def truncatediv(x, y, name=None) -> Tensor:
    """x / y rounded toward zero (C's integer division; no gradient): ``truncatediv(-7, 2)``
    is -3 where floordiv gives -4.

    Args:
        x: the numerators.
        y: the denominators.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.truncatediv([-7, 7], 2).tolist()
        [-3, 3]
    """
    x, y = pair(x, y)
    xp = backend.xp
    if x.dtype.kind in "iu":
        quotient = xp.abs(x.value) // xp.abs(y.value)
        return Tensor((xp.sign(x.value) * xp.sign(y.value) * quotient).astype(x.dtype))
    return Tensor(xp.trunc(x.value / y.value))


def truncatemod(x, y, name=None) -> Tensor:
    """The remainder of truncatediv, with the sign of x (C's %, NumPy's fmod; no gradient).

    Args:
        x: the numerators.
        y: the denominators.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.truncatemod([-7, 7], 2).tolist()
        [-1, 1]
    """
    x, y = pair(x, y)
    return Tensor(backend.xp.fmod(x.value, y.value))


def scalar_mul(scalar, x, name=None) -> Tensor:
    """scalar * x; the gradient reaches both.

    Args:
        scalar: a number or 0-d Tensor.
        x: a Tensor.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.scalar_mul(2.0, [1.0, 3.0]).tolist()
        [2.0, 6.0]
    """
    if np.ndim(plain(scalar)) != 0:
        raise ValueError(f"scalar_mul(scalar): expected a scalar, given shape "
                         f"{np.shape(plain(scalar))}.")
    x = to_tensor(x)
    return _ops.multiply(*_ops._pair(x, scalar if isinstance(scalar, Tensor) else plain(scalar)))


def saturate_cast(value, dtype, name=None) -> Tensor:
    """``value`` cast to ``dtype`` after clipping it to that type's range (no wrap-around):
    ``saturate_cast(300.0, tf.uint8)`` is 255. The gradient passes between float types.

    Args:
        value: a Tensor, array or number.
        dtype: the target dtype.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.saturate_cast([-5.0, 300.0], numnet.uint8).tolist()
        [0, 255]
    """
    x = to_tensor(value)
    dtype = np.dtype(dtype)
    xp = backend.xp
    if dtype.kind in "iu" and x.dtype.kind in "fiu":
        info = np.iinfo(dtype)
        v = x.value.astype(np.float64) if x.dtype.kind == "f" else x.value
        with np.errstate(invalid="ignore", over="ignore"):
            out = xp.clip(v, info.min, info.max).astype(dtype)
        # float64 rounds 2^63 - 1 up: the ends are set exactly
        out = xp.where(v >= info.max, info.max, xp.where(v <= info.min, info.min, out))
        return Tensor(out.astype(dtype))
    if dtype.kind == "f" and x.dtype.kind == "f" and dtype.itemsize < x.dtype.itemsize:
        info = np.finfo(dtype)
        return _ops.cast(_ops.clip(x, float(info.min), float(info.max)), dtype)
    return _ops.cast(x, dtype) if x.dtype != dtype else x


def bitcast(input, type, name=None) -> Tensor:  # noqa: A002
    """The same bytes read as ``type`` (no gradient). A smaller type adds a last axis of
    size (old itemsize / new); a larger one needs a last axis of size (new / old) and drops it.

    Args:
        input: a Tensor or array.
        type: the dtype to read the bytes as.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.bitcast(numnet.constant(1.0), numnet.int32).numpy()
        np.int32(1065353216)
    """
    x = np.array(array(input), order="C")  # (0-d stays 0-d)
    dtype = np.dtype(type)
    if dtype.itemsize == x.dtype.itemsize:
        out = x.view(dtype)
    elif dtype.itemsize < x.dtype.itemsize:
        out = x.reshape(x.shape + (1,)).view(dtype)
    else:
        ratio = dtype.itemsize // x.dtype.itemsize
        if x.ndim == 0 or x.shape[-1] != ratio:
            raise InvalidArgumentError(
                None, None, f"bitcast(input): to {dtype} from {x.dtype} the last axis must have "
                            f"{ratio} entries; given shape {x.shape}.")
        out = x.view(dtype)[..., 0]
    return Tensor(backend.to_device(out.copy()))


# ----------------------------------------------------------------------------- shaping


def _rearranged(x, rearrange) -> Tensor:
    """An op that only moves, copies or drops entries of ``x``: the gradient goes back to
    where each came from (numnet's tape node for tile, roll, gather, ...)."""
    x = to_tensor(x)
    if x.dtype.kind not in "fc":
        return Tensor(rearrange(x.value))
    return _ops.regather(x, rearrange)


def roll(input, shift, axis, name=None) -> Tensor:  # noqa: A002
    """``input`` shifted along ``axis`` by ``shift`` places, entries leaving one end coming
    back at the other. ``shift`` and ``axis`` may be lists of one length (each pair applied).

    Args:
        input: a Tensor or array.
        shift: the number of places (negative: toward the start).
        axis: the axis (or axes).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.roll([0, 1, 2, 3, 4], shift=2, axis=0).tolist()
        [3, 4, 0, 1, 2]
    """
    shift, axis = axis_of(shift), axis_of(axis)
    return _rearranged(input, lambda v: backend.xp.roll(v, shift, axis=axis))


def repeat(input, repeats, axis=None, name=None) -> Tensor:  # noqa: A002
    """Each entry of ``input`` repeated ``repeats`` times along ``axis`` (``repeats`` an int
    or one count per entry); with axis None the input is flattened first.

    Args:
        input: a Tensor or array.
        repeats: an int or a 1-D list of counts.
        axis: the axis; None flattens. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.repeat([1, 2], repeats=[2, 3], axis=0).tolist()
        [1, 1, 2, 2, 2]
    """
    counts = array(repeats).astype(np.int64)
    counts = int(counts) if counts.ndim == 0 else backend.to_device(counts)
    axis = axis_of(axis)
    return _rearranged(input, lambda v: backend.xp.repeat(v, counts, axis=axis))


def reverse(tensor, axis, name=None) -> Tensor:
    """``tensor`` with the order of its entries reversed along each axis in ``axis`` (a list).

    Args:
        tensor: a Tensor or array.
        axis: a list of axes.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.reverse([[1, 2], [3, 4]], axis=[1]).tolist()
        [[2, 1], [4, 3]]
    """
    axes = axis_of(axis)
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    return _rearranged(tensor, lambda v: backend.xp.flip(v, axis=axes) if axes else v)


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None) -> Tensor:  # noqa: A002
    """Each batch row's first ``seq_lengths[i]`` entries along ``seq_axis`` reversed, the rest
    kept (for bidirectional RNNs over padded sequences).

    Args:
        input: a Tensor of at least 2 axes.
        seq_lengths: one length per entry of ``batch_axis``.
        seq_axis: the time axis. Defaults to ``None`` (TensorFlow requires it; 1 here).
        batch_axis: the batch axis. Defaults to ``None`` (0).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.reverse_sequence([[1, 2, 3], [4, 5, 6]], [2, 3], seq_axis=1).tolist()
        [[2, 1, 3], [6, 5, 4]]
    """
    x = to_tensor(input)
    seq_axis = 1 if seq_axis is None else int(seq_axis) % x.ndim
    batch_axis = 0 if batch_axis is None else int(batch_axis) % x.ndim
    lengths = array(seq_lengths).astype(np.int64)
    steps = x.shape[seq_axis]
    t = np.arange(steps)
    order = np.where(t[None, :] < lengths[:, None], lengths[:, None] - 1 - t[None, :],
                     t[None, :])  # (batch, steps): the step each output step reads
    shape = [1] * x.ndim
    shape[batch_axis], shape[seq_axis] = len(lengths), steps
    index = np.broadcast_to(order.reshape(shape) if batch_axis < seq_axis else
                            order.T.reshape(shape), x.shape)
    index = backend.to_device(index)
    return _rearranged(x, lambda v: backend.xp.take_along_axis(v, index, axis=seq_axis))


def slice(input_, begin, size, name=None) -> Tensor:  # noqa: A001
    """The block of ``input_`` starting at ``begin`` with ``size`` entries per axis (-1: to
    the end of that axis): ``slice(x, [1, 0], [2, -1])`` is ``x[1:3, 0:]``.

    Args:
        input_: a Tensor or array.
        begin: the first index on each axis.
        size: the number of entries on each axis, or -1.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.slice([[1, 2, 3], [4, 5, 6]], [1, 1], [1, 2]).tolist()
        [[5, 6]]
    """
    x = to_tensor(input_)
    begin, size = plain(begin), plain(size)
    begin = [begin] if isinstance(begin, int) else begin
    size = [size] if isinstance(size, int) else size
    if len(begin) != x.ndim or len(size) != x.ndim:
        raise InvalidArgumentError(None, None, f"slice: begin and size need one entry per axis "
                                               f"of the input ({x.ndim}); given {begin} and "
                                               f"{size}.")
    index = []
    for b, n, total in zip(begin, size, x.shape):
        end = total if n == -1 else b + n
        if b < 0 or end > total or end < b:
            raise InvalidArgumentError(None, None, f"slice: begin {begin} with size {size} "
                                                   f"does not fit the shape {x.shape}.")
        index.append(builtins.slice(b, end))
    return _ops.getitem(x, tuple(index)) if x.dtype.kind in "fc" else Tensor(
        x.value[tuple(index)])


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None) -> Tensor:
    """``input_[begin:end:strides]`` written as lists, with TensorFlow's bit masks: bit i of
    ``begin_mask`` / ``end_mask`` ignores begin[i] / end[i] (the full range), of
    ``ellipsis_mask`` makes entry i a ``...``, of ``new_axis_mask`` a ``tf.newaxis``, of
    ``shrink_axis_mask`` an index (the axis dropped).

    Args:
        input_: a Tensor or array.
        begin: the starts, one per entry of the spec.
        end: the stops.
        strides: the steps; None for 1s. Defaults to ``None``.
        begin_mask: bits whose begin is ignored. Defaults to ``0``.
        end_mask: bits whose end is ignored. Defaults to ``0``.
        ellipsis_mask: the bit of a ``...``. Defaults to ``0``.
        new_axis_mask: bits that add an axis of size 1. Defaults to ``0``.
        shrink_axis_mask: bits taken as a single index. Defaults to ``0``.
        var: accepted as TensorFlow's; ignored. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> x = numnet.reshape(numnet.range(12), (3, 4))
        >>> numnet.strided_slice(x, [0, 1], [3, 4], [2, 2]).tolist()
        [[1, 3], [9, 11]]
    """
    x = to_tensor(input_)
    begin, end = list(plain(begin)), list(plain(end))
    strides = [1] * len(begin) if strides is None else list(plain(strides))
    index = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        bit = 1 << i
        if ellipsis_mask & bit:
            index.append(Ellipsis)
        elif new_axis_mask & bit:
            index.append(None)
        elif shrink_axis_mask & bit:
            index.append(int(b))
        else:
            index.append(builtins.slice(None if begin_mask & bit else int(b),
                                        None if end_mask & bit else int(e), int(s)))
    index = tuple(index)
    return _ops.getitem(x, index) if x.dtype.kind in "fc" else Tensor(x.value[index])


def meshgrid(*args, **kwargs) -> list:
    """Coordinate grids from 1-D coordinate vectors: ``X, Y = tf.meshgrid(x, y)``, each of
    shape (len(y), len(x)) with indexing="xy" (the default), (len(x), len(y)) with "ij".

    Args:
        *args: 1-D Tensors or lists of coordinates.
        **kwargs: ``indexing`` ("xy" or "ij"); ``name`` (ignored).

    Example:
        >>> [g.tolist() for g in numnet.meshgrid([1, 2], [3, 4, 5])][0]
        [[1, 2], [1, 2], [1, 2]]
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"meshgrid: unexpected arguments {sorted(kwargs)}; it takes indexing= "
                        "and name=.")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid(indexing): expected 'xy' or 'ij', given {indexing!r}.")
    vectors = [_ops.reshape(to_tensor(a), (-1,)) for a in args]
    n = len(vectors)
    sizes = [v.shape[0] for v in vectors]
    if indexing == "xy" and n >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for i, v in enumerate(vectors):
        place = i if indexing == "ij" or n < 2 else {0: 1, 1: 0}.get(i, i)
        shape = [1] * n
        shape[place] = v.shape[0]
        column = _ops.reshape(v, tuple(shape))
        grids.append(_ops.broadcast_to(column, tuple(sizes)) if v.dtype.kind in "fc" else
                     Tensor(backend.xp.broadcast_to(column.value, tuple(sizes)).copy()))
    return grids


Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def _unique(x, out_idx):
    values = array(x)
    if values.ndim != 1:
        raise InvalidArgumentError(None, None, f"unique(x): expected a 1-D tensor, given shape "
                                               f"{values.shape}.")
    _, first, inverse, counts = np.unique(values, return_index=True, return_inverse=True,
                                          return_counts=True)
    order = np.argsort(first, kind="stable")  # TensorFlow keeps the order of first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    dtype = np.dtype(out_idx)
    return (values[first[order]], rank[inverse.reshape(-1)].astype(dtype),
            counts[order].astype(dtype))


def unique(x, out_idx=np.int32, name=None) -> Unique:
    """The distinct values of the 1-D ``x`` in order of first appearance, and for each entry
    of x the index of its value among them: ``y, idx = tf.unique(x)``, x == gather(y, idx).

    Args:
        x: a 1-D Tensor or list.
        out_idx: the dtype of ``idx``. Defaults to ``tf.int32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> y, idx = numnet.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
        >>> y.tolist(), idx.tolist()
        ([1, 2, 4, 7, 8], [0, 0, 1, 2, 2, 2, 3, 4, 4])
    """
    y, idx, _ = _unique(x, out_idx)
    return Unique(Tensor(backend.to_device(y)), Tensor(backend.to_device(idx)))


def unique_with_counts(x, out_idx=np.int32, name=None) -> UniqueWithCounts:
    """As ``unique``, with how often each distinct value occurs: ``y, idx, count``.

    Args:
        x: a 1-D Tensor or list.
        out_idx: the dtype of ``idx`` and ``count``. Defaults to ``tf.int32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.unique_with_counts([3, 1, 3]).count.tolist()
        [2, 1]
    """
    y, idx, counts = _unique(x, out_idx)
    return UniqueWithCounts(*(Tensor(backend.to_device(a)) for a in (y, idx, counts)))


def sequence_mask(lengths, maxlen=None, dtype=np.bool_, name=None) -> Tensor:
    """mask[..., j] = j < lengths[...]: one row of ``maxlen`` (default: the largest length)
    per length.

    Args:
        lengths: integer lengths, any shape.
        maxlen: the mask's last axis; None for max(lengths). Defaults to ``None``.
        dtype: the mask's dtype. Defaults to ``tf.bool``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.sequence_mask([1, 3], 4).numpy().astype(int).tolist()
        [[1, 0, 0, 0], [1, 1, 1, 0]]
    """
    n = array(lengths)
    maxlen = int(n.max(initial=0)) if maxlen is None else int(plain(maxlen))
    mask = np.arange(maxlen) < n[..., None]
    return Tensor(backend.to_device(mask.astype(np.dtype(dtype))))


def _nd_index(params_shape, indices, batch_dims: int = 0) -> tuple:
    """The NumPy index tuple of gather_nd: ``indices`` (..., k) addresses the first k axes
    after ``batch_dims`` batch axes."""
    idx = array(indices).astype(np.int64)
    if idx.ndim == 0:
        raise InvalidArgumentError(None, None, "gather_nd(indices): expected at least one axis "
                                               "(..., index depth); given a scalar.")
    k = idx.shape[-1]
    if batch_dims + k > len(params_shape):
        raise InvalidArgumentError(None, None, f"gather_nd(indices): an index depth of {k} "
                                               f"(with batch_dims={batch_dims}) exceeds the "
                                               f"rank of params, {len(params_shape)}.")
    limits = np.asarray(params_shape[batch_dims:batch_dims + k])
    if idx.size and ((idx < 0) | (idx >= limits)).any():
        bad = idx[((idx < 0) | (idx >= limits)).any(axis=-1)][0].tolist()
        raise InvalidArgumentError(None, None, f"gather_nd(indices): index {bad} does not fit "
                                               f"the shape {tuple(params_shape)}.")
    coordinates = tuple(idx[..., j] for j in range(k))
    if batch_dims:
        batch = idx.shape[:batch_dims]
        grids = np.indices(batch, sparse=True)
        extra = idx.ndim - 1 - batch_dims
        grids = tuple(g.reshape(g.shape + (1,) * extra) for g in grids)
        coordinates = grids + coordinates
    return tuple(backend.to_device(c) for c in coordinates)


def gather_nd(params, indices, batch_dims=0, name=None) -> Tensor:
    """The entries (or slices) of ``params`` at the coordinates in ``indices``' last axis:
    out[i...] = params[indices[i..., 0], ..., indices[i..., k-1], ...]. The gradient adds
    back into the entries gathered. Raises InvalidArgumentError for an index out of range.

    Args:
        params: the Tensor to read.
        indices: integer coordinates, shape (..., k).
        batch_dims: leading axes that params and indices share. Defaults to ``0``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.gather_nd([[1.0, 2.0], [3.0, 4.0]], [[0, 1], [1, 0]]).tolist()
        [2.0, 3.0]
    """
    x = to_tensor(params)
    index = _nd_index(x.shape, indices, int(batch_dims))
    return _ops.getitem(x, index) if x.dtype.kind in "fc" else Tensor(x.value[index])


def _scatter_positions(shape, indices) -> np.ndarray:
    """Flat positions in an array of ``shape`` of every element that ``indices`` (n..., k)
    addresses: shape (n..., *shape[k:])."""
    index = _nd_index(shape, indices)
    k = len(index)
    flat = np.ravel_multi_index(tuple(backend.to_numpy(c) for c in index), shape[:k])
    inner = int(np.prod(shape[k:], dtype=np.int64))
    return (flat[..., None] * inner + np.arange(inner)).reshape(flat.shape + tuple(shape[k:]))


def scatter_nd(indices, updates, shape, name=None) -> Tensor:
    """Zeros of ``shape`` with ``updates`` added at ``indices`` (repeated indices add up); the
    gradient of ``updates`` is gathered back from the same places.

    Args:
        indices: integer coordinates (..., k).
        updates: values of shape indices.shape[:-1] + shape[k:].
        shape: the output's shape.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.scatter_nd([[4], [3], [1], [7]], [9.0, 10.0, 11.0, 12.0], [8]).tolist()
        [0.0, 11.0, 0.0, 10.0, 9.0, 0.0, 0.0, 12.0]
    """
    shape = tuple(int(s) for s in plain(shape))
    updates = to_tensor(updates)
    positions = _scatter_positions(shape, indices)
    if positions.shape != updates.shape:
        raise InvalidArgumentError(None, None, f"scatter_nd(updates): expected shape "
                                               f"{positions.shape} for these indices and "
                                               f"shape {shape}, given {updates.shape}.")
    total = int(np.prod(shape, dtype=np.int64))
    if updates.dtype.kind not in "fc":
        out = np.zeros(total, dtype=updates.dtype)
        np.add.at(out, positions.reshape(-1), array(updates).reshape(-1))
        return Tensor(backend.to_device(out.reshape(shape)))
    flat = _ops.segment_sum(_ops.reshape(updates, (-1,)), positions.reshape(-1), total)
    return _ops.reshape(flat, shape)


def tensor_scatter_nd_update(tensor, indices, updates, name=None) -> Tensor:
    """``tensor`` with the entries (or slices) at ``indices`` replaced by ``updates`` (a new
    Tensor). The gradient of ``tensor`` is zero where it was replaced; ``updates`` gets the
    gradient of where it went.

    Args:
        tensor: the Tensor to start from.
        indices: integer coordinates (..., k).
        updates: values of shape indices.shape[:-1] + tensor.shape[k:].
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.tensor_scatter_nd_update([1.0, 2.0, 3.0], [[1]], [9.0]).tolist()
        [1.0, 9.0, 3.0]
    """
    x, updates = pair(tensor, updates)
    positions = _scatter_positions(x.shape, indices)
    if positions.shape != updates.shape:
        raise InvalidArgumentError(None, None, f"tensor_scatter_nd_update(updates): expected "
                                               f"shape {positions.shape}, given "
                                               f"{updates.shape}.")
    source = np.arange(x.size)
    source[positions.reshape(-1)] = x.size + np.arange(positions.size)
    both = _ops.concatenate([_ops.reshape(x, (-1,)), _ops.reshape(updates, (-1,))], axis=0)
    picked = _ops.getitem(both, backend.to_device(source)) if both.dtype.kind in "fc" else \
        Tensor(both.value[backend.to_device(source)])
    return _ops.reshape(picked, x.shape)


def tensor_scatter_nd_add(tensor, indices, updates, name=None) -> Tensor:
    """``tensor`` plus ``updates`` added at ``indices`` (repeats add up).

    Args:
        tensor: the Tensor to start from.
        indices: integer coordinates (..., k).
        updates: values of shape indices.shape[:-1] + tensor.shape[k:].
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.tensor_scatter_nd_add([1.0, 2.0], [[0], [0]], [5.0, 5.0]).tolist()
        [11.0, 2.0]
    """
    x, updates = pair(tensor, updates)
    return _ops.add(x, scatter_nd(indices, updates, x.shape))


def tensor_scatter_nd_sub(tensor, indices, updates, name=None) -> Tensor:
    """``tensor`` minus ``updates`` at ``indices`` (repeats add up).

    Args:
        tensor: the Tensor to start from.
        indices: integer coordinates (..., k).
        updates: values of shape indices.shape[:-1] + tensor.shape[k:].
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.tensor_scatter_nd_sub([1.0, 2.0], [[1]], [5.0]).tolist()
        [1.0, -3.0]
    """
    x, updates = pair(tensor, updates)
    return _ops.subtract(x, scatter_nd(indices, updates, x.shape))


def _scatter_extreme(tensor, indices, updates, ufunc, where: str) -> Tensor:
    x, updates = pair(tensor, updates)
    positions = _scatter_positions(x.shape, indices)
    if positions.shape != updates.shape:
        raise InvalidArgumentError(None, None, f"{where}(updates): expected shape "
                                               f"{positions.shape}, given {updates.shape}.")
    flat_x = array(x).reshape(-1)
    out = flat_x.copy()
    ufunc.at(out, positions.reshape(-1), array(updates).reshape(-1))
    out_t = backend.to_device(out.reshape(x.shape))
    if x.dtype.kind not in "fc":
        return Tensor(out_t)
    # the gradient goes to the entries equal to the result (the original or an update)
    from_x = backend.to_device((flat_x == out).reshape(x.shape))
    from_u = backend.to_device(out[positions] == array(updates))
    xp = backend.xp
    pos = backend.to_device(positions)

    def backward(g):
        if x.requires_grad:
            _ops.accumulate(x, g * from_x)
        if updates.requires_grad:
            _ops.accumulate(updates, xp.where(from_u, g.reshape(-1)[pos], 0).astype(g.dtype))

    return _ops.node(out_t, (x, updates), backward)


def tensor_scatter_nd_max(tensor, indices, updates, name=None) -> Tensor:
    """``tensor`` with each entry at ``indices`` the larger of it and its update.

    Args:
        tensor: the Tensor to start from.
        indices: integer coordinates (..., k).
        updates: values of shape indices.shape[:-1] + tensor.shape[k:].
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.tensor_scatter_nd_max([1.0, 5.0], [[0], [1]], [3.0, 3.0]).tolist()
        [3.0, 5.0]
    """
    return _scatter_extreme(tensor, indices, updates, np.maximum, "tensor_scatter_nd_max")


def tensor_scatter_nd_min(tensor, indices, updates, name=None) -> Tensor:
    """``tensor`` with each entry at ``indices`` the smaller of it and its update.

    Args:
        tensor: the Tensor to start from.
        indices: integer coordinates (..., k).
        updates: values of shape indices.shape[:-1] + tensor.shape[k:].
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.tensor_scatter_nd_min([1.0, 5.0], [[0], [1]], [3.0, 3.0]).tolist()
        [1.0, 3.0]
    """
    return _scatter_extreme(tensor, indices, updates, np.minimum, "tensor_scatter_nd_min")


def searchsorted(sorted_sequence, values, side="left", out_type=np.int32, name=None) -> Tensor:
    """For each value, the index where it would go in the sorted last axis of
    ``sorted_sequence`` (row by row for batched sequences).

    Args:
        sorted_sequence: sorted along its last axis, (..., n).
        values: the values to place, (..., m) with the same leading axes.
        side: "left" (before equal entries) or "right" (after them). Defaults to ``"left"``.
        out_type: the result's dtype. Defaults to ``tf.int32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.searchsorted([0.0, 3.0, 9.0, 10.0], [2.0, 3.0, 10.0]).tolist()
        [1, 1, 3]
    """
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted(side): expected 'left' or 'right', given {side!r}.")
    seq, vals = array(sorted_sequence), array(values)
    if seq.ndim == 1:
        out = np.searchsorted(seq, vals, side=side)
    else:
        if seq.shape[:-1] != vals.shape[:-1]:
            raise InvalidArgumentError(None, None, f"searchsorted: the leading axes of "
                                                   f"sorted_sequence {seq.shape} and values "
                                                   f"{vals.shape} must match.")
        rows_s, rows_v = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
        out = np.stack([np.searchsorted(s, v, side=side) for s, v in zip(rows_s, rows_v)])
        out = out.reshape(vals.shape)
    return Tensor(backend.to_device(out.astype(np.dtype(out_type))))


def unravel_index(indices, dims, name=None) -> Tensor:
    """The coordinates in an array of shape ``dims`` of flat ``indices``: shape
    (len(dims),) + indices.shape.

    Args:
        indices: flat integer positions.
        dims: the array's shape.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.unravel_index([2, 5, 7], [3, 3]).tolist()
        [[0, 1, 2], [2, 2, 1]]
    """
    idx = array(indices)
    out = np.stack(np.unravel_index(idx.astype(np.int64), tuple(int(d) for d in plain(dims))))
    return Tensor(backend.to_device(out.astype(idx.dtype)))


def invert_permutation(x, name=None) -> Tensor:
    """The inverse permutation: y[x[i]] = i.

    Args:
        x: a 1-D permutation of 0..n-1.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.invert_permutation([3, 4, 0, 2, 1]).tolist()
        [2, 4, 3, 0, 1]
    """
    perm = array(x)
    out = np.empty_like(perm)
    out[perm] = np.arange(len(perm), dtype=perm.dtype)
    return Tensor(backend.to_device(out))


def identity_n(input, name=None) -> list:  # noqa: A002
    """A copy of each Tensor of the list ``input``; gradients pass through.

    Args:
        input: a list of Tensors.
        name: ignored. Defaults to ``None``.

    Example:
        >>> [t.tolist() for t in numnet.identity_n([[1.0], [2.0]])]
        [[1.0], [2.0]]
    """
    out = []
    for item in input:
        x = to_tensor(item)
        out.append(_ops.node(x.value.copy(), (x,), lambda g, x=x: _ops.accumulate(x, g)))
    return out


def shape_n(input, out_type=np.int32, name=None) -> list:  # noqa: A002
    """The shape of each Tensor of ``input``, as 1-D Tensors.

    Args:
        input: a list of Tensors.
        out_type: the dtype. Defaults to ``tf.int32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> [s.tolist() for s in numnet.shape_n([numnet.zeros((2, 3)), [1, 2]])]
        [[2, 3], [2]]
    """
    return [Tensor(backend.xp.asarray(np.shape(getattr(t, "value", t)), dtype=np.dtype(out_type)))
            for t in (to_tensor(i) if isinstance(i, list) else i for i in input)]


def parallel_stack(values, name=None) -> Tensor:
    """``values`` (Tensors of one shape) stacked along a new first axis (as tf.stack).

    Args:
        values: a list of Tensors.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.parallel_stack([[1, 2], [3, 4]]).shape
        (2, 2)
    """
    return _ops.stack([to_tensor(v) for v in values], axis=0)


def ensure_shape(x, shape, name=None) -> Tensor:
    """``x`` itself, after checking that its shape fits ``shape`` (None entries match any
    size). Raises InvalidArgumentError (a ValueError) when it does not.

    Args:
        x: a Tensor.
        shape: the expected shape, None entries unknown (or a TensorShape).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.ensure_shape(numnet.zeros((2, 3)), (None, 3)).shape
        (2, 3)
    """
    x = to_tensor(x)
    expected = getattr(shape, "dims", shape)
    if expected is None:
        return x
    expected = [None if d is None else int(plain(getattr(d, "value", d))) for d in expected]
    if len(expected) != x.ndim or any(e is not None and e != s for e, s in
                                      zip(expected, x.shape)):
        raise InvalidArgumentError(None, None, f"ensure_shape: shape of the tensor {x.shape} "
                                               f"is not compatible with the expected shape "
                                               f"{tuple(expected)}.")
    return x


def get_static_value(tensor, partial=False):
    """The value of ``tensor`` as a NumPy array (numnet runs eagerly: always known), or
    ``tensor`` itself when it is not a Tensor or array.

    Args:
        tensor: a Tensor, array or Python value.
        partial: accepted as TensorFlow's. Defaults to ``False``.

    Example:
        >>> numnet.get_static_value(numnet.constant([1, 2])).tolist()
        [1, 2]
    """
    if isinstance(tensor, Tensor):
        return backend.to_numpy(tensor.value)
    if isinstance(tensor, np.ndarray):
        return tensor
    if isinstance(tensor, (list, tuple, int, float, bool, np.generic)):
        return np.asarray(to_tensor(tensor).value)
    return tensor


def executing_eagerly() -> bool:
    """True: numnet runs every op as it is called (``tf.function`` traces nothing).

    Example:
        >>> numnet.executing_eagerly()
        True
    """
    return True


def inside_function() -> bool:
    """False: numnet never traces a graph, so code is never inside a ``tf.function`` graph.

    Example:
        >>> numnet.inside_function()
        False
    """
    return False


# ----------------------------------------------------------------------------- scans


def _scan_along(x: Tensor, axis: int, exclusive: bool, reverse: bool, step):
    """Apply the differentiable running ``step(x, axis)`` with TensorFlow's exclusive and
    reverse options: reverse flips before and after; exclusive shifts by one, the first entry
    becoming the operation's identity (given by ``step.identity``)."""
    axis = axis % x.ndim
    if reverse:
        x = reverse_fn(x, axis)
    out = step(x, axis)
    if exclusive:
        lead = tuple(builtins.slice(None) for _ in range(axis))
        ident = _ops.getitem(out, lead + (builtins.slice(0, 1),))
        ident = Tensor(backend.xp.full(ident.shape, step.identity, dtype=out.dtype))
        out = _ops.concatenate([ident, _ops.getitem(out, lead + (builtins.slice(0, -1),))],
                               axis=axis)
    if reverse:
        out = reverse_fn(out, axis)
    return out


def reverse_fn(x: Tensor, axis: int) -> Tensor:
    return _ops.regather(x, lambda v: backend.xp.flip(v, axis=axis))


def _cumprod_step(x, axis):
    xp = backend.xp
    out = xp.cumprod(x.value, axis=axis)

    def backward(g):
        # d x_i = sum_{j >= i} g_j out_j / x_i where no entry is 0; with zeros, term by term:
        # sum_{j >= i} g_j prod_{k <= j, k != i} x_k
        if not (x.value == 0).any():
            tail = xp.flip(xp.cumsum(xp.flip(g * out, axis), axis=axis), axis)
            _ops.accumulate(x, tail / x.value)
            return
        v, gg = xp.moveaxis(x.value, axis, -1), xp.moveaxis(g, axis, -1)
        n = v.shape[-1]
        result = xp.zeros_like(v)
        before = xp.ones(v.shape[:-1], dtype=v.dtype)
        for i in range(n):
            running, total = before.copy(), gg[..., i] * before
            for j in range(i + 1, n):
                running = running * v[..., j]
                total = total + gg[..., j] * running
            result[..., i] = total
            before = before * v[..., i]
        _ops.accumulate(x, xp.moveaxis(result, -1, axis))

    return _ops.node(out, (x,), backward)


_cumprod_step.identity = 1


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    """Running products along ``axis``; ``exclusive``: each leaves out its own entry (the
    first is 1); ``reverse``: from the end. The gradient is exact where entries are 0.

    Args:
        x: a Tensor.
        axis: the axis. Defaults to ``0``.
        exclusive: leave out each entry's own value. Defaults to ``False``.
        reverse: run from the end. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.cumprod([1.0, 2.0, 3.0], exclusive=True).tolist()
        [1.0, 1.0, 2.0]
    """
    x = to_tensor(x)
    if x.dtype.kind not in "fc":
        return Tensor(_scan_along(Tensor(x.value.astype(np.float64)), int(plain(axis)),
                                  exclusive, reverse, _cumprod_step).value.astype(x.dtype))
    return _scan_along(x, int(plain(axis)), exclusive, reverse, _cumprod_step)


def _logcumsumexp_step(x, axis):
    xp = backend.xp
    m = xp.max(x.value, axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    out = xp.log(xp.cumsum(xp.exp(x.value - m), axis=axis)) + m

    def backward(g):
        # d x_i = sum_{j >= i} g_j exp(x_i - out_j)
        w = g * xp.exp(-out + m)
        tail = xp.flip(xp.cumsum(xp.flip(w, axis), axis=axis), axis)
        _ops.accumulate(x, tail * xp.exp(x.value - m))

    return _ops.node(out.astype(x.dtype, copy=False), (x,), backward)


_logcumsumexp_step.identity = -np.inf


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    """Running log(sum(exp(x))) along ``axis``, computed stably; ``exclusive`` (the first is
    -inf) and ``reverse`` as in cumsum.

    Args:
        x: a float Tensor.
        axis: the axis. Defaults to ``0``.
        exclusive: leave out each entry's own value. Defaults to ``False``.
        reverse: run from the end. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> [round(v, 4) for v in numnet.math.cumulative_logsumexp([0.0, 0.0]).tolist()]
        [0.0, 0.6931]
    """
    return _scan_along(to_float(x), int(plain(axis)), exclusive, reverse, _logcumsumexp_step)


# ----------------------------------------------------------------------------- reductions


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=np.int32, name=None,
             axis=None, binary_output=False) -> Tensor:
    """How often each value 0, 1, ... occurs in the non-negative integers ``arr`` (or the sum
    of their ``weights``). Output length max(arr) + 1, at least ``minlength``, at most
    ``maxlength`` (larger values dropped). ``axis=-1`` counts each row of a 2-D ``arr``.

    Args:
        arr: non-negative integers.
        weights: one weight per entry of arr, or None. Defaults to ``None``.
        minlength: the least output length. Defaults to ``None``.
        maxlength: the largest output length. Defaults to ``None``.
        dtype: the output dtype without weights. Defaults to ``tf.int32``.
        name: ignored. Defaults to ``None``.
        axis: None (all of arr) or -1 (row by row). Defaults to ``None``.
        binary_output: 1 where a value occurs instead of its count. Defaults to ``False``.

    Example:
        >>> numnet.math.bincount([1, 1, 3], minlength=5).tolist()
        [0, 2, 0, 1, 0]
    """
    values = array(arr).astype(np.int64)
    if values.size and values.min() < 0:
        raise InvalidArgumentError(None, None, "bincount(arr): expected non-negative integers; "
                                               f"given {values.min()}.")
    w = None if weights is None else array(weights)
    length = int(values.max()) + 1 if values.size else 0
    if minlength is not None:
        length = builtins.max(length, int(plain(minlength)))
    if maxlength is not None:
        length = builtins.min(length, int(plain(maxlength)))
    out_dtype = np.dtype(dtype) if w is None else w.dtype

    def count(v, weight):
        keep = v < length
        out = np.zeros(length, dtype=np.float64 if weight is not None else np.int64)
        np.add.at(out, v[keep], 1 if weight is None else weight[keep])
        return out

    if axis in (-1, 1) and values.ndim == 2:
        out = np.stack([count(row, None if w is None else w[i])
                        for i, row in enumerate(values)])
    elif axis in (None, 0):
        out = count(values.reshape(-1), None if w is None else w.reshape(-1))
    else:
        raise ValueError(f"bincount(axis): expected None, 0 or -1 (with a 2-D arr), given "
                         f"{axis!r}.")
    if binary_output:
        out = (out > 0)
    return Tensor(backend.to_device(out.astype(out_dtype)))


def polyval(coeffs, x, name=None) -> Tensor:
    """sum_i coeffs[i] x^(n-1-i) by Horner's rule (the first coefficient the highest power);
    the gradient reaches x and the coefficients.

    Args:
        coeffs: a list of Tensors or numbers, highest power first.
        x: the points.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.math.polyval([2.0, 0.0, 1.0], 3.0))   # 2 x^2 + 1
        19.0
    """
    x = to_tensor(x)
    if not coeffs:
        return Tensor(backend.xp.zeros_like(x.value))
    out = to_tensor(coeffs[0]) if not isinstance(coeffs[0], Tensor) else coeffs[0]
    for c in coeffs[1:]:
        out = _ops.add(*pair(_ops.multiply(*pair(out, x)), c))
    return out


def is_non_decreasing(x, name=None) -> Tensor:
    """Whether each entry of ``x`` (flattened) is >= the one before (True for fewer than 2).

    Args:
        x: a Tensor.
        name: ignored. Defaults to ``None``.

    Example:
        >>> bool(numnet.math.is_non_decreasing([1, 1, 2]))
        True
    """
    v = array(x).reshape(-1)
    return Tensor(backend.xp.asarray(builtins.bool(np.all(v[1:] >= v[:-1]))))


def is_strictly_increasing(x, name=None) -> Tensor:
    """Whether each entry of ``x`` (flattened) is > the one before (True for fewer than 2).

    Args:
        x: a Tensor.
        name: ignored. Defaults to ``None``.

    Example:
        >>> bool(numnet.math.is_strictly_increasing([1, 1, 2]))
        False
    """
    v = array(x).reshape(-1)
    return Tensor(backend.xp.asarray(builtins.bool(np.all(v[1:] > v[:-1]))))


def zero_fraction(value, name=None) -> Tensor:
    """The fraction of entries of ``value`` that are zero, as a float32 scalar.

    Args:
        value: a Tensor.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.math.zero_fraction([0.0, 1.0, 0.0, 2.0]))
        0.5
    """
    v = array(value)
    return Tensor(backend.xp.asarray(np.float32((v == 0).mean() if v.size else np.nan)))


def _segments(data, segment_ids, num_segments=None, where="segment_sum"):
    """(data, flat ids of the leading axes, number of segments, rows)."""
    x = to_tensor(data)
    ids = array(segment_ids).astype(np.int64)
    if ids.shape != x.shape[:ids.ndim]:
        raise InvalidArgumentError(None, None, f"{where}(segment_ids): its shape {ids.shape} "
                                               f"must be a prefix of data's {x.shape}.")
    if num_segments is None:
        n = int(ids.max()) + 1 if ids.size else 0
        if ids.size and (ids.min() < 0 or np.any(np.diff(ids.reshape(-1)) < 0)):
            raise InvalidArgumentError(None, None, f"{where}(segment_ids): expected sorted, "
                                                   "non-negative ids.")
    else:
        n = int(plain(num_segments))
    flat = x if ids.ndim == 1 else _reshape_rows(x, ids.ndim)
    return flat, ids.reshape(-1), n


def _reshape_rows(x: Tensor, lead: int) -> Tensor:
    return _ops.reshape(x, (-1,) + x.shape[lead:]) if x.dtype.kind in "fc" else Tensor(
        x.value.reshape((-1,) + x.shape[lead:]))


def _segment_sum(x, ids, n):
    if x.dtype.kind in "fc":
        return _ops.segment_sum(x, backend.to_device(ids), n)
    out = np.zeros((n,) + x.shape[1:], dtype=x.dtype)
    keep = (ids >= 0) & (ids < n)
    np.add.at(out, ids[keep], array(x)[keep])
    return Tensor(backend.to_device(out))


def _counts(ids, n, like: Tensor):
    keep = (ids >= 0) & (ids < n)
    counts = np.bincount(ids[keep], minlength=n)[:n].astype(np.float64)
    return counts.reshape((n,) + (1,) * (like.ndim - 1))


def _segment_mean(x, ids, n, scale):
    total = _segment_sum(x, ids, n)
    counts = _counts(ids, n, x)
    divisor = np.maximum(scale(counts), 1).astype(x.dtype)
    if x.dtype.kind not in "fc":
        return Tensor(backend.to_device((array(total) / divisor).astype(x.dtype)))
    return _ops.divide(total, Tensor(backend.to_device(divisor)))


def _segment_extreme(x, ids, n, largest: bool, empty):
    """max (or min) per segment; the gradient is shared equally among the entries equal to it
    (TensorFlow's rule); empty segments hold ``empty(dtype)``."""
    v = array(x)
    dtype = v.dtype
    if dtype.kind == "f":
        lowest = -np.inf if largest else np.inf
    else:
        info = np.iinfo(dtype) if dtype.kind in "iu" else None
        lowest = (info.min if largest else info.max) if info else (not largest)
    keep = (ids >= 0) & (ids < n)
    out = np.full((n,) + v.shape[1:], lowest, dtype=dtype)
    (np.maximum if largest else np.minimum).at(out, ids[keep], v[keep])
    counts = np.bincount(ids[keep], minlength=n)[:n]
    out[counts == 0] = empty(dtype, lowest)
    result = backend.to_device(out)
    if dtype.kind not in "fc":
        return Tensor(result)
    safe_ids = np.where(keep, ids, 0)
    chosen = keep.reshape((-1,) + (1,) * (v.ndim - 1)) & (v == out[safe_ids])
    ties = np.zeros_like(out)
    np.add.at(ties, ids[keep], chosen[keep].astype(dtype))
    share = backend.to_device(np.where(chosen, 1 / np.maximum(ties[safe_ids], 1), 0)
                              .astype(dtype))
    index = backend.to_device(safe_ids)

    def backward(g):
        _ops.accumulate(x, g[index] * share)

    return _ops.node(result, (x,), backward)


def _segment_prod(x, ids, n):
    v = array(x)
    keep = (ids >= 0) & (ids < n)
    out = np.ones((n,) + v.shape[1:], dtype=v.dtype)
    np.multiply.at(out, ids[keep], v[keep])
    result = backend.to_device(out)
    if v.dtype.kind not in "fc":
        return Tensor(result)
    nonzero = np.ones_like(out)
    np.multiply.at(nonzero, ids[keep], np.where(v[keep] == 0, 1, v[keep]))
    zeros = np.zeros(out.shape, dtype=np.int64)
    np.add.at(zeros, ids[keep], (v[keep] == 0).astype(np.int64))
    safe = np.where(keep, ids, 0)
    safe_v = np.where(v == 0, 1, v)
    # the product of the others: out / x where x != 0; where x == 0 the product of the
    # segment's non-zero entries when x is its only zero, else 0
    others = np.where(v != 0, out[safe] / safe_v,
                      np.where(zeros[safe] == 1, nonzero[safe], 0)).astype(v.dtype)
    others = np.where(keep.reshape((-1,) + (1,) * (v.ndim - 1)), others, 0)
    others, index = backend.to_device(others), backend.to_device(safe)

    def backward(g):
        _ops.accumulate(x, g[index] * others)

    return _ops.node(result, (x,), backward)


def segment_sum(data, segment_ids, name=None) -> Tensor:
    """out[k] = the sum of the rows of ``data`` whose (sorted) ``segment_ids`` is k; the
    output has max(id) + 1 rows (0 for an id that does not occur).

    Args:
        data: the values, (n, ...).
        segment_ids: sorted non-negative integers, shape (n,) (or a prefix of data's shape).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.segment_sum([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1]).tolist()
        [3.0, 7.0]
    """
    x, ids, n = _segments(data, segment_ids, None, "segment_sum")
    return _segment_sum(x, ids, n)


def segment_mean(data, segment_ids, name=None) -> Tensor:
    """out[k] = the mean of the rows whose sorted ``segment_ids`` is k (0 for none).

    Args:
        data: the values, (n, ...).
        segment_ids: sorted non-negative integers.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.segment_mean([1.0, 2.0, 3.0], [0, 0, 1]).tolist()
        [1.5, 3.0]
    """
    x, ids, n = _segments(data, segment_ids, None, "segment_mean")
    return _segment_mean(x, ids, n, lambda c: c)


def segment_max(data, segment_ids, name=None) -> Tensor:
    """out[k] = the largest row entry whose sorted ``segment_ids`` is k (0 for none, as
    TensorFlow); the gradient is shared among the entries equal to the maximum.

    Args:
        data: the values, (n, ...).
        segment_ids: sorted non-negative integers.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.segment_max([1.0, 5.0, 3.0], [0, 0, 1]).tolist()
        [5.0, 3.0]
    """
    x, ids, n = _segments(data, segment_ids, None, "segment_max")
    return _segment_extreme(x, ids, n, True, lambda dtype, lowest: 0)


def segment_min(data, segment_ids, name=None) -> Tensor:
    """out[k] = the smallest entry whose sorted ``segment_ids`` is k (0 for none).

    Args:
        data: the values, (n, ...).
        segment_ids: sorted non-negative integers.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.segment_min([1.0, 5.0, 3.0], [0, 0, 1]).tolist()
        [1.0, 3.0]
    """
    x, ids, n = _segments(data, segment_ids, None, "segment_min")
    return _segment_extreme(x, ids, n, False, lambda dtype, lowest: 0)


def segment_prod(data, segment_ids, name=None) -> Tensor:
    """out[k] = the product of the rows whose sorted ``segment_ids`` is k (1 for none); the
    gradient is exact where entries are 0.

    Args:
        data: the values, (n, ...).
        segment_ids: sorted non-negative integers.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.segment_prod([2.0, 3.0, 4.0], [0, 0, 1]).tolist()
        [6.0, 4.0]
    """
    x, ids, n = _segments(data, segment_ids, None, "segment_prod")
    return _segment_prod(x, ids, n)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None) -> Tensor:
    """out[k] = the sum of the rows of ``data`` whose ``segment_ids`` is k, for k <
    ``num_segments``; ids may come in any order, negative ids are dropped.

    Args:
        data: the values, (n, ...).
        segment_ids: integers, shape a prefix of data's.
        num_segments: the number of output rows.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.unsorted_segment_sum([1.0, 2.0, 3.0], [1, 0, 1], 2).tolist()
        [2.0, 4.0]
    """
    x, ids, n = _segments(data, segment_ids, num_segments, "unsorted_segment_sum")
    return _segment_sum(x, ids, n)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None) -> Tensor:
    """out[k] = the mean of the rows whose ``segment_ids`` is k (0 for none).

    Args:
        data: the values, (n, ...). Integers give TensorFlow's true quotient: float64 for
            int32 / int64 / uint32 / uint64, float32 for the narrower integers.
        segment_ids: integers, shape a prefix of data's.
        num_segments: the number of output rows.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.unsorted_segment_mean([1.0, 2.0, 3.0], [1, 0, 1], 2).tolist()
        [2.0, 2.0]
    """
    x, ids, n = _segments(data, segment_ids, num_segments, "unsorted_segment_mean")
    if x.dtype.kind in "iu":
        # TensorFlow divides the integer sums by the counts with true division: float64 for
        # 32- and 64-bit integers, float32 for the narrower ones
        wide = x.dtype.itemsize >= 4
        total = array(_segment_sum(x, ids, n)).astype(np.float64)
        mean = total / np.maximum(_counts(ids, n, x), 1)
        return Tensor(backend.to_device(mean.astype(np.float64 if wide else np.float32)))
    return _segment_mean(x, ids, n, lambda c: c)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None) -> Tensor:
    """out[k] = the sum of the rows whose ``segment_ids`` is k, divided by sqrt(their count).

    Args:
        data: the values, (n, ...), floating-point (InvalidArgumentError for integers, as
            TensorFlow).
        segment_ids: integers, shape a prefix of data's.
        num_segments: the number of output rows.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.unsorted_segment_sqrt_n([3.0, 1.0], [0, 0], 1).tolist()
        [2.8284270763397217]
    """
    x, ids, n = _segments(data, segment_ids, num_segments, "unsorted_segment_sqrt_n")
    if x.dtype.kind not in "fc":
        raise InvalidArgumentError(
            None, None, f"unsorted_segment_sqrt_n(data): expected floating-point values (its "
                        f"divisor is a square root), given {x.dtype}; cast first, e.g. "
                        "tf.cast(data, tf.float32).")
    return _segment_mean(x, ids, n, np.sqrt)


def unsorted_segment_max(data, segment_ids, num_segments, name=None) -> Tensor:
    """out[k] = the largest entry whose ``segment_ids`` is k (the dtype's lowest value for
    none, as TensorFlow).

    Args:
        data: the values, (n, ...).
        segment_ids: integers, shape a prefix of data's.
        num_segments: the number of output rows.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.unsorted_segment_max([1.0, 5.0, 3.0], [1, 1, 0], 2).tolist()
        [3.0, 5.0]
    """
    x, ids, n = _segments(data, segment_ids, num_segments, "unsorted_segment_max")
    return _segment_extreme(x, ids, n, True, _lowest)


def unsorted_segment_min(data, segment_ids, num_segments, name=None) -> Tensor:
    """out[k] = the smallest entry whose ``segment_ids`` is k (the dtype's highest value for
    none).

    Args:
        data: the values, (n, ...).
        segment_ids: integers, shape a prefix of data's.
        num_segments: the number of output rows.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.unsorted_segment_min([1.0, 5.0, 3.0], [1, 1, 0], 2).tolist()
        [3.0, 1.0]
    """
    x, ids, n = _segments(data, segment_ids, num_segments, "unsorted_segment_min")
    return _segment_extreme(x, ids, n, False, _lowest)


def _lowest(dtype, lowest):
    """TensorFlow's fill of an empty unsorted segment: the dtype's extreme finite value."""
    if dtype.kind == "f":
        info = np.finfo(dtype)
        return info.min if lowest < 0 else info.max
    return lowest


def unsorted_segment_prod(data, segment_ids, num_segments, name=None) -> Tensor:
    """out[k] = the product of the rows whose ``segment_ids`` is k (1 for none).

    Args:
        data: the values, (n, ...).
        segment_ids: integers, shape a prefix of data's.
        num_segments: the number of output rows.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.unsorted_segment_prod([2.0, 3.0, 4.0], [1, 0, 1], 2).tolist()
        [3.0, 8.0]
    """
    x, ids, n = _segments(data, segment_ids, num_segments, "unsorted_segment_prod")
    return _segment_prod(x, ids, n)


# ----------------------------------------------------------------------------- complex parts


def real(input, name=None) -> Tensor:  # noqa: A002
    """The real part (``input`` itself for real numbers, gradient passing through).

    Args:
        input: a Tensor.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.real(numnet.constant([1 + 2j])).tolist()
        [1.0]
    """
    x = to_tensor(input)
    if x.dtype.kind != "c":
        return x
    return Tensor(x.value.real.copy())


def imag(input, name=None) -> Tensor:  # noqa: A002
    """The imaginary part (zeros for real numbers).

    Args:
        input: a Tensor.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.imag(numnet.constant([1 + 2j])).tolist()
        [2.0]
    """
    x = to_tensor(input)
    if x.dtype.kind != "c":
        return Tensor(backend.xp.zeros_like(x.value))
    return Tensor(x.value.imag.copy())


def conj(x, name=None) -> Tensor:
    """The complex conjugate (``x`` itself for real numbers).

    Args:
        x: a Tensor.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.conj(numnet.constant([1 + 2j])).tolist()
        [(1-2j)]
    """
    x = to_tensor(x)
    if x.dtype.kind != "c":
        return x
    return Tensor(backend.xp.conj(x.value))


def angle(input, name=None) -> Tensor:  # noqa: A002
    """The argument of each complex number, in (-pi, pi] (for real numbers pi where
    negative, else 0).

    Args:
        input: a Tensor.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(numnet.math.angle(numnet.constant([1j])).tolist()[0], 4)
        1.5708
    """
    x = to_tensor(input)
    if x.dtype.kind != "c":
        return Tensor(backend.xp.where(x.value < 0, np.pi, 0).astype(
            x.dtype if x.dtype.kind == "f" else np.float32))
    return Tensor(backend.xp.angle(x.value))


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None) -> Tensor:
    """The sum of a list of Tensors of one shape (as tf.add_n).

    Args:
        inputs: a list of Tensors.
        shape: accepted as TensorFlow's. Defaults to ``None``.
        tensor_dtype: accepted as TensorFlow's. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.accumulate_n([[1.0], [2.0]]).tolist()
        [3.0]
    """
    inputs = [to_tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("accumulate_n(inputs): expected a non-empty list of Tensors.")
    total = inputs[0]
    for t in inputs[1:]:
        total = _ops.add(total, t)
    return total


def nextafter(x1, x2, name=None) -> Tensor:
    """The next representable float after x1 toward x2 (no gradient).

    Args:
        x1: the starting points.
        x2: the directions.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.math.nextafter(1.0, 2.0)) > 1.0
        True
    """
    a, b = pair(x1, x2)
    return Tensor(backend.xp.nextafter(a.value, b.value))


def einsum(equation, *inputs, **kwargs) -> Tensor:
    """Einstein summation: ``tf.einsum('ij,jk->ik', a, b)`` is a @ b; the gradient reaches
    every operand.

    Args:
        equation: the subscripts, as NumPy's einsum.
        *inputs: the operands.
        **kwargs: ``name`` and ``optimize``, accepted and ignored.

    Example:
        >>> numnet.einsum("i,i->", [1.0, 2.0], [3.0, 4.0]).item()
        11.0
    """
    operands = [to_tensor(t) for t in inputs]
    if any(t.dtype.kind not in "fc" for t in operands):
        return Tensor(backend.xp.einsum(equation, *(t.value for t in operands)))
    return _ops.einsum(equation, *operands)


def tensordot(a, b, axes, name=None) -> Tensor:
    """The sum of products over ``axes``: an int n (a's last n with b's first n) or a pair
    of lists; the gradient reaches both.

    Args:
        a: a Tensor.
        b: a Tensor.
        axes: an int or ``[a_axes, b_axes]``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.tensordot([[1.0, 2.0]], [[3.0], [4.0]], axes=1).tolist()
        [[11.0]]
    """
    a, b = pair(a, b)
    axes = plain(axes)
    if isinstance(axes, int):
        a_axes = list(range(a.ndim - axes, a.ndim))
        b_axes = list(range(axes))
    else:
        a_axes, b_axes = ([v] if isinstance(v, int) else list(v) for v in axes)
    a_axes = [i % a.ndim for i in a_axes]
    b_axes = [i % b.ndim for i in b_axes]
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(a_axes, b_axes):
        sb[j] = sa[i]
    out = [s for i, s in enumerate(sa) if i not in a_axes] + [
        s for j, s in enumerate(sb) if j not in b_axes]
    return einsum(f"{''.join(sa)},{''.join(sb)}->{''.join(out)}", a, b)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=np.int32,
                               name=None) -> Tensor:
    """The bin of each value among ``nbins`` equal bins over ``value_range`` [low, high]
    (values outside go to the first or last bin).

    Args:
        values: numbers.
        value_range: [low, high].
        nbins: the number of bins. Defaults to ``100``.
        dtype: the result's dtype. Defaults to ``tf.int32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.histogram_fixed_width_bins([-1.0, 0.0, 1.5, 2.0, 5.0], [0.0, 5.0], 5).tolist()
        [0, 0, 1, 2, 4]
    """
    v = array(values).astype(np.float64)
    low, high = (float(b) for b in np.asarray(array(value_range), dtype=np.float64).ravel())
    n = int(plain(nbins))
    bins = np.floor((v - low) / (high - low) * n)
    return Tensor(backend.to_device(np.clip(bins, 0, n - 1).astype(np.dtype(dtype))))


def histogram_fixed_width(values, value_range, nbins=100, dtype=np.int32,
                          name=None) -> Tensor:
    """How many values fall in each of ``nbins`` equal bins over ``value_range`` (values
    outside counted in the first or last bin).

    Args:
        values: numbers.
        value_range: [low, high].
        nbins: the number of bins. Defaults to ``100``.
        dtype: the counts' dtype. Defaults to ``tf.int32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0], [0.0, 5.0], 5).tolist()
        [2, 1, 1, 0, 1]
    """
    n = int(plain(nbins))
    bins = array(histogram_fixed_width_bins(values, value_range, n, np.int64)).ravel()
    return Tensor(backend.to_device(np.bincount(bins, minlength=n).astype(np.dtype(dtype))))


def dynamic_partition(data, partitions, num_partitions, name=None) -> list:
    """``data``'s rows split into ``num_partitions`` Tensors by ``partitions`` (one id per
    row, or per entry of its leading axes); the gradient goes back to each row.

    Args:
        data: a Tensor.
        partitions: integer ids in [0, num_partitions), shape a prefix of data's.
        num_partitions: the number of outputs.
        name: ignored. Defaults to ``None``.

    Example:
        >>> [t.tolist() for t in numnet.dynamic_partition([10, 20, 30], [1, 0, 1], 2)]
        [[20], [10, 30]]
    """
    x = to_tensor(data)
    ids = array(partitions).astype(np.int64)
    flat = x if ids.ndim == 1 else (_ops.reshape(x, (-1,) + x.shape[ids.ndim:]) if
                                     x.dtype.kind in "fc" else
                                     Tensor(x.value.reshape((-1,) + x.shape[ids.ndim:])))
    ids = ids.reshape(-1)
    n = int(plain(num_partitions))
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        raise InvalidArgumentError(None, None, f"dynamic_partition(partitions): ids must lie in "
                                               f"[0, {n}); given {ids.min()} ... {ids.max()}.")
    out = []
    for k in range(n):
        where = backend.to_device(np.nonzero(ids == k)[0])
        out.append(_ops.getitem(flat, where) if flat.dtype.kind in "fc" else
                   Tensor(flat.value[where]))
    return out


def dynamic_stitch(indices, data, name=None) -> Tensor:
    """The rows of the Tensors of ``data`` placed at the positions in ``indices`` (a later
    row wins where positions repeat); the inverse of dynamic_partition.

    Args:
        indices: a list of integer Tensors.
        data: a list of Tensors, each of shape indices[i].shape + a common row shape.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.dynamic_stitch([[0, 2], [1]], [[10.0, 30.0], [20.0]]).tolist()
        [10.0, 20.0, 30.0]
    """
    idx = [array(i).astype(np.int64).reshape(-1) for i in indices]
    parts = [to_tensor(d) for d in data]
    rows = []
    for flat, raw, d in zip(idx, indices, parts):
        shape = (len(flat),) + d.shape[np.ndim(array(raw)):]
        rows.append(_ops.reshape(d, shape) if d.dtype.kind in "fc" else
                    Tensor(d.value.reshape(shape)))
    flat_idx = np.concatenate(idx) if idx else np.zeros(0, np.int64)
    n = int(flat_idx.max()) + 1 if flat_idx.size else 0
    source = np.zeros(n, dtype=np.int64)
    source[flat_idx] = np.arange(flat_idx.size)  # the last occurrence wins
    joined = _ops.concatenate(rows, axis=0) if all(r.dtype.kind in "fc" for r in rows) else \
        Tensor(backend.xp.concatenate([r.value for r in rows], axis=0))
    where = backend.to_device(source)
    return _ops.getitem(joined, where) if joined.dtype.kind in "fc" else Tensor(
        joined.value[where])


def complex(real, imag, name=None) -> Tensor:  # noqa: A001 - TensorFlow's name
    """real + imag * 1j (complex64 from float32, complex128 from float64; no gradient).

    Args:
        real: the real parts.
        imag: the imaginary parts.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.complex([1.0], [2.0]).tolist()
        [(1+2j)]
    """
    a, b = pair(real, imag)
    dtype = np.complex64 if a.dtype.itemsize <= 4 else np.complex128
    return Tensor((a.value + 1j * b.value).astype(dtype))


MATH = {
    "acos": acos, "acosh": acosh, "accumulate_n": accumulate_n, "angle": angle, "asin": asin,
    "asinh": asinh, "atan": atan, "atan2": atan2, "atanh": atanh, "bessel_i0": bessel_i0,
    "bessel_i0e": bessel_i0e, "bessel_i1": bessel_i1, "bessel_i1e": bessel_i1e,
    "betainc": betainc, "bincount": bincount, "conj": conj, "cosh": cosh, "cumprod": cumprod,
    "cumulative_logsumexp": cumulative_logsumexp, "digamma": digamma, "erf": erf, "erfc": erfc,
    "erfcinv": erfcinv, "erfinv": erfinv, "expm1": expm1, "igamma": igamma, "igammac": igammac,
    "imag": imag, "invert_permutation": invert_permutation,
    "is_non_decreasing": is_non_decreasing, "is_strictly_increasing": is_strictly_increasing,
    "lbeta": lbeta, "lgamma": lgamma, "log_sigmoid": log_sigmoid,
    "multiply_no_nan": multiply_no_nan, "ndtri": ndtri, "nextafter": nextafter,
    "polygamma": polygamma, "polyval": polyval, "real": real,
    "reciprocal_no_nan": reciprocal_no_nan, "rint": rint, "scalar_mul": scalar_mul,
    "segment_max": segment_max, "segment_mean": segment_mean, "segment_min": segment_min,
    "segment_prod": segment_prod, "segment_sum": segment_sum, "sigmoid": sigmoid, "sinh": sinh,
    "softsign": softsign, "tan": tan, "tanh": tanh, "truncatediv": truncatediv,
    "truncatemod": truncatemod, "unsorted_segment_max": unsorted_segment_max,
    "unsorted_segment_mean": unsorted_segment_mean, "unsorted_segment_min": unsorted_segment_min,
    "unsorted_segment_prod": unsorted_segment_prod,
    "unsorted_segment_sqrt_n": unsorted_segment_sqrt_n,
    "unsorted_segment_sum": unsorted_segment_sum, "xdivy": xdivy, "xlog1py": xlog1py,
    "xlogy": xlogy, "zero_fraction": zero_fraction, "zeta": zeta, "sin": sin, "cos": cos,
    "realdiv": realdiv,
}
"""The functions that join ``tf.math``."""

TOP = {
    "acos": acos, "acosh": acosh, "asin": asin, "asinh": asinh, "atan": atan, "atan2": atan2,
    "atanh": atanh, "bitcast": bitcast, "complex": complex,
    "dynamic_partition": dynamic_partition, "dynamic_stitch": dynamic_stitch,
    "histogram_fixed_width": histogram_fixed_width,
    "histogram_fixed_width_bins": histogram_fixed_width_bins, "cosh": cosh, "einsum": einsum,
    "ensure_shape": ensure_shape, "executing_eagerly": executing_eagerly,
    "gather_nd": gather_nd, "get_static_value": get_static_value, "identity_n": identity_n,
    "inside_function": inside_function, "meshgrid": meshgrid, "parallel_stack": parallel_stack,
    "realdiv": realdiv, "repeat": repeat, "reverse": reverse,
    "reverse_sequence": reverse_sequence, "roll": roll, "saturate_cast": saturate_cast,
    "scalar_mul": scalar_mul, "scatter_nd": scatter_nd, "searchsorted": searchsorted,
    "sequence_mask": sequence_mask, "shape_n": shape_n, "sigmoid": sigmoid, "sin": sin,
    "cos": cos, "sinh": sinh, "slice": slice, "strided_slice": strided_slice, "tan": tan,
    "tanh": tanh, "tensor_scatter_nd_add": tensor_scatter_nd_add,
    "tensor_scatter_nd_max": tensor_scatter_nd_max,
    "tensor_scatter_nd_min": tensor_scatter_nd_min,
    "tensor_scatter_nd_sub": tensor_scatter_nd_sub,
    "tensor_scatter_nd_update": tensor_scatter_nd_update, "tensordot": tensordot,
    "truncatediv": truncatediv, "truncatemod": truncatemod, "unique": unique,
    "unique_with_counts": unique_with_counts, "unravel_index": unravel_index,
}
"""The functions that join the top level (``tf.roll``, ...)."""
