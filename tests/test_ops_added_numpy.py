"""The keras.ops NumPy-like ops added beside the first set: values against NumPy and hand
values, gradients by central differences (float64), use on a functional model's symbolic
inputs, and (where keras is installed) the same values and dtypes as keras.ops on JAX."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import ops
from numnet.autodiff.gradcheck import check_gradients

pytestmark = [
    pytest.mark.filterwarnings("ignore::numnet.AdviceWarning"),
    # NumPy's references warn on the all-NaN rows and 2-vectors that these tests use on purpose
    pytest.mark.filterwarnings("ignore:All-NaN slice:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:Degrees of freedom:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning"),
]

rng = np.random.default_rng(5)
F = rng.normal(size=(3, 4)).astype("float32")
G = rng.normal(size=(3, 4)).astype("float32")
POS = rng.uniform(0.5, 2.0, size=(3, 4)).astype("float32")
I = np.array([[3, -1, 4, 0], [1, -5, 9, 2], [2, 6, -5, 3]], "int32")
V = np.array([0.5, -1.0, 2.0, 3.0], "float32")
NAN = F.copy()
NAN[0, 1] = np.nan
NAN[2, :] = np.nan
U = rng.uniform(0.1, 0.9, size=(3, 4)).astype("float32")

# the same call on numnet.ops and keras.ops: values and dtypes must agree
CASES = {
    "vstack": lambda o: o.vstack([V, V]),
    "hstack": lambda o: o.hstack([F, G]),
    "dstack": lambda o: o.dstack([F, G]),
    "amax": lambda o: o.amax(F, axis=1),
    "amin_int": lambda o: o.amin(I, axis=0, keepdims=True),
    "average": lambda o: o.average(F, axis=1, weights=V),
    "average_int": lambda o: o.average(I),
    "median": lambda o: o.median(F, axis=0),
    "median_int": lambda o: o.median(I),
    "quantile": lambda o: o.quantile(F, [0.1, 0.5, 0.9], axis=1, keepdims=True),
    "quantile_lower": lambda o: o.quantile(F, 0.3, axis=0, method="lower"),
    "quantile_nearest": lambda o: o.quantile(F, 0.3, method="nearest"),
    "quantile_midpoint": lambda o: o.quantile(F, 0.3, axis=1, method="midpoint"),
    "percentile": lambda o: o.percentile(F, 25, axis=-1),
    "ptp": lambda o: o.ptp(F, axis=1),
    "ptp_int": lambda o: o.ptp(I),
    "diff": lambda o: o.diff(F, n=2, axis=1),
    "diff_int": lambda o: o.diff(I, axis=0),
    "isclose": lambda o: o.isclose(F, F + 1e-6),
    "allclose": lambda o: o.allclose(F, G),
    "copy": lambda o: o.copy(I),
    "array": lambda o: o.array([[1, 2], [3, 4]], dtype="float32"),
    "empty_like": lambda o: o.empty_like(I).shape,
    "divide_no_nan": lambda o: o.divide_no_nan(F, np.where(G > 0, G, 0)),
    "fmod": lambda o: o.fmod(F, 0.7),
    "fmod_int": lambda o: o.fmod(I, 3),
    "hypot": lambda o: o.hypot(F, G),
    "trunc": lambda o: o.trunc(F * 3),
    "trunc_int": lambda o: o.trunc(I),
    "cbrt": lambda o: o.cbrt(F),
    "exp2": lambda o: o.exp2(F),
    "deg2rad": lambda o: o.deg2rad(I),
    "rad2deg": lambda o: o.rad2deg(F),
    "logaddexp2": lambda o: o.logaddexp2(F, G),
    "signbit": lambda o: o.signbit(F),
    "nonzero": lambda o: o.nonzero(I),
    "unique": lambda o: o.unique(np.array([3, 1, 3, 2, 1], "int32")),
    "unique_all": lambda o: o.unique(np.array([3, 1, 3, 2, 1], "int32"), return_index=True,
                                     return_inverse=True, return_counts=True),
    "searchsorted": lambda o: o.searchsorted(np.sort(V), F, side="right"),
    "digitize": lambda o: o.digitize(F, np.array([-1.0, 0.0, 1.0], "float32")),
    "bincount": lambda o: o.bincount(np.array([0, 3, 3, 1], "int32"), minlength=6),
    "bincount_weights": lambda o: o.bincount(np.array([0, 3, 3], "int32"),
                                             weights=np.array([0.5, 1.0, 2.0], "float32")),
    "histogram": lambda o: o.histogram(V, bins=3),
    "histogram_range": lambda o: o.histogram(F.ravel(), bins=4, range=(-1.0, 1.0)),
    "isin": lambda o: o.isin(I, np.array([3, 9, 0], "int32")),
    "isin_invert": lambda o: o.isin(I, np.array([3, 9, 0], "int32"), invert=True),
    "fliplr": lambda o: o.fliplr(F),
    "flipud": lambda o: o.flipud(I),
    "rot90": lambda o: o.rot90(F, k=3),
    "kron": lambda o: o.kron(F[:2, :2], G[:2]),
    "inner": lambda o: o.inner(F, G),
    "vdot": lambda o: o.vdot(F, G),
    "cross": lambda o: o.cross(F[:, :3], G[:, :3]),
    "correlate": lambda o: o.correlate(V, V[:3], mode="full"),
    "correlate_same": lambda o: o.correlate(V, V[:3], mode="same"),
    "select": lambda o: o.select([F > 0.5, F < -0.5], [F, G], 7.0),
    "nansum": lambda o: o.nansum(NAN, axis=1),
    "nanmean": lambda o: o.nanmean(NAN, axis=1),
    "nanmax": lambda o: o.nanmax(NAN, axis=0),
    "nanmin": lambda o: o.nanmin(NAN),
    "nanstd": lambda o: o.nanstd(NAN, axis=0),
    "nanvar": lambda o: o.nanvar(NAN, axis=1, keepdims=True),
    "nanprod": lambda o: o.nanprod(NAN, axis=1),
    "nanargmax": lambda o: o.nanargmax(NAN, axis=1),
    "nanargmin": lambda o: o.nanargmin(NAN),
    "nancumsum": lambda o: o.nancumsum(NAN, axis=1),
    "nancumprod": lambda o: o.nancumprod(NAN),
    "nanmedian": lambda o: o.nanmedian(NAN, axis=1),
    "nanquantile": lambda o: o.nanquantile(NAN, [0.2, 0.8], axis=0),
    "nanpercentile": lambda o: o.nanpercentile(NAN, 40),
    "array_split": lambda o: o.array_split(np.arange(7, dtype="int32"), 3),
    "hsplit": lambda o: o.hsplit(F, 2),
    "vsplit": lambda o: o.vsplit(F, [1]),
    "dsplit": lambda o: o.dsplit(F.reshape(1, 3, 4), 2),
    "append": lambda o: o.append(F, G, axis=0),
    "append_flat": lambda o: o.append(I, [7]),
    "fabs_int": lambda o: o.fabs(I),
    "fmax": lambda o: o.fmax(NAN, G),
    "fmin": lambda o: o.fmin(G, NAN),
    "heaviside": lambda o: o.heaviside(np.array([-1.0, 0.0, 2.0], "float32"), 0.5),
    "sinc": lambda o: o.sinc(F),
    "trapezoid": lambda o: o.trapezoid(F, axis=0),
    "trapezoid_x": lambda o: o.trapezoid(F, x=np.array([0.0, 1.0, 3.0, 6.0], "float32")),
    "vander": lambda o: o.vander(V, 3, increasing=True),
    "vander_int": lambda o: o.vander(np.array([2, 3], "int32")),
    "diagflat": lambda o: o.diagflat(V, k=1),
    "gcd": lambda o: o.gcd(I, 6),
    "lcm": lambda o: o.lcm(I, 4),
    "ldexp": lambda o: o.ldexp(F, I),
    "nextafter": lambda o: o.nextafter(F, G),
    "isneginf": lambda o: o.isneginf(np.array([-np.inf, np.inf, 0.0], "float32")),
    "isposinf": lambda o: o.isposinf(np.array([-np.inf, np.inf, 0.0], "float32")),
    "isreal": lambda o: o.isreal(F),
    "real": lambda o: o.real(F),
    "imag": lambda o: o.imag(F),
    "conj": lambda o: o.conj(I),
    "angle": lambda o: o.angle(F),
    "i0": lambda o: o.i0(F),
    "bitwise_and": lambda o: o.bitwise_and(I, 6),
    "bitwise_or": lambda o: o.bitwise_or(I, 6),
    "bitwise_xor": lambda o: o.bitwise_xor(I, 6),
    "bitwise_not": lambda o: o.bitwise_not(I),
    "bitwise_invert_bool": lambda o: o.bitwise_invert(I > 0),
    "left_shift": lambda o: o.left_shift(I, 2),
    "right_shift": lambda o: o.bitwise_right_shift(I, 1),
    "hamming": lambda o: o.hamming(6),
    "hanning": lambda o: o.hanning(5),
    "blackman": lambda o: o.blackman(7),
    "bartlett": lambda o: o.bartlett(4),
    "kaiser": lambda o: o.kaiser(6, 5.0),
    "geomspace": lambda o: o.geomspace(1.0, 100.0, 5),
    "logspace": lambda o: o.logspace(0.0, 3.0, 4, base=2),
    "corrcoef": lambda o: o.corrcoef(F),
    "unravel_index": lambda o: o.unravel_index(np.array([5, 11, 0], "int32"), (3, 4)),
    "get_item": lambda o: o.get_item(F, (slice(1, 3), 2)),
    "view": lambda o: o.view(F, "int32"),
    "saturate_cast": lambda o: o.saturate_cast(F * 200, "int8"),
    "saturate_cast_uint8": lambda o: o.saturate_cast(I * 100, "uint8"),
}


def _values(out):
    if isinstance(out, (tuple, list)) and out and not isinstance(out[0], int):
        return [_values(o) for o in out]
    if isinstance(out, tuple):
        return out
    return np.asarray(out)


def _compare(ours, theirs, name):
    if isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), name
        for a, b in zip(ours, theirs, strict=True):
            _compare(a, b, name)
        return
    if isinstance(theirs, tuple):
        assert tuple(ours) == theirs, name
        return
    assert ours.dtype == theirs.dtype, (name, ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (name, ours.shape, theirs.shape)
    if ours.dtype.kind == "f":
        np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-6, err_msg=name)
    else:
        np.testing.assert_array_equal(ours, theirs, err_msg=name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_values_and_dtypes_as_keras(name):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    pytest.importorskip("jax")
    _compare(_values(CASES[name](ops)), _values(CASES[name](keras.ops)), name)


# ----------------------------------------------------------------------------- without keras


@pytest.mark.parametrize("name, ours, theirs", [
    ("quantile", lambda: ops.quantile(F, [0.2, 0.7], axis=(0, 1)),
     lambda: np.quantile(F, [0.2, 0.7], axis=(0, 1))),
    ("median", lambda: ops.median(F, axis=1, keepdims=True),
     lambda: np.median(F, axis=1, keepdims=True)),
    ("nanquantile", lambda: ops.nanquantile(NAN, 0.4, axis=1),
     lambda: np.nanquantile(NAN, 0.4, axis=1)),
    ("nanstd", lambda: ops.nanstd(NAN, axis=1), lambda: np.nanstd(NAN, axis=1)),
    ("nanmean", lambda: ops.nanmean(NAN, axis=0), lambda: np.nanmean(NAN, axis=0)),
    ("kron", lambda: ops.kron(F, G[:2, :3]), lambda: np.kron(F, G[:2, :3])),
    ("cross", lambda: ops.cross(F[:, :2], G[:, :3]), lambda: np.cross(F[:, :2], G[:, :3])),
    ("correlate", lambda: ops.correlate(V[:2], V, "same"), lambda: np.correlate(V[:2], V, "same")),
    ("corrcoef", lambda: ops.corrcoef(F), lambda: np.corrcoef(F)),
    ("trapezoid", lambda: ops.trapezoid(F, dx=0.5), lambda: np.trapezoid(F, dx=0.5)),
    ("i0", lambda: ops.i0(F), lambda: np.i0(F)),
    ("rot90", lambda: ops.rot90(I, 2, (1, 0)), lambda: np.rot90(I, 2, (1, 0))),
    ("array_split", lambda: ops.array_split(I, 3, axis=1)[1],
     lambda: np.array_split(I, 3, axis=1)[1]),
])
def test_values_match_numpy(name, ours, theirs):
    np.testing.assert_allclose(np.asarray(ours()), theirs(), rtol=2e-5, atol=1e-6,
                               err_msg=name)


def test_hand_values():
    assert ops.median([3.0, 1.0, 4.0, 2.0]).item() == 2.5
    assert ops.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 75).item() == 4.0
    assert ops.average([1.0, 2.0, 4.0], weights=[1.0, 1.0, 2.0]).item() == 2.75
    assert ops.divide_no_nan([1.0, 1.0], [2.0, 0.0]).tolist() == [0.5, 0.0]
    assert ops.fmod([-3, 3], 2).tolist() == [-1, 1]
    assert ops.hypot(3.0, 4.0).item() == 5.0
    assert ops.nansum([1.0, np.nan, 2.0]).item() == 3.0
    assert np.isnan(ops.nanmax([np.nan, np.nan]).item())
    assert ops.nanargmax([[np.nan, 1.0], [np.nan, np.nan]], axis=1).tolist() == [1, -1]
    assert ops.bincount([0, 2, 2]).tolist() == [1, 0, 2]
    assert [p.tolist() for p in ops.array_split([1, 2, 3, 4, 5], 3)] == [[1, 2], [3, 4], [5]]
    assert ops.correlate([1.0, 2.0, 3.0], [0.0, 1.0, 0.5]).tolist() == [3.5]
    assert ops.select([np.array([True, False]), np.array([True, True])],
                      [np.array([1, 2]), np.array([3, 4])], -1).tolist() == [1, 4]
    assert ops.saturate_cast([-1.0, 300.0, 7.6], "uint8").tolist() == [0, 255, 7]
    assert ops.saturate_cast([1e10, -1e10], "int32").tolist() == [2147483520, -2147483648]
    assert ops.unique([3, 1, 3, 2], size=5, fill_value=0).tolist() == [1, 2, 3, 0, 0]
    values, counts = ops.unique([[1, 2], [1, 2], [0, 5]], axis=0, return_counts=True)
    assert values.tolist() == [[0, 5], [1, 2]] and counts.tolist() == [1, 2]
    assert ops.argpartition([5.0, 1.0, 4.0, 2.0], 1)[1].item() == 3
    counts, edges = ops.histogram([0.0, 0.5, 1.0], bins=2)
    assert counts.tolist() == [1.0, 2.0] and edges.tolist() == [0.0, 0.5, 1.0]
    assert ops.erfc(0.0).item() == 1.0
    x = numnet.Tensor(F, requires_grad=True)
    half = ops.saturate_cast(x, "float16")
    assert half.dtype == np.float16 and half.requires_grad


# ----------------------------------------------------------------------------- gradients

GRADS = {
    "average": (lambda x, w: ops.average(x, axis=1, weights=w), [F, np.abs(V) + 0.1]),
    "median": (lambda x: ops.median(x, axis=0), [F]),
    "quantile": (lambda x: ops.quantile(x, [0.1, 0.5, 0.9], axis=1), [F]),
    "percentile_midpoint": (lambda x: ops.percentile(x, 30, method="midpoint"), [F]),
    "nanquantile": (lambda x: ops.nanquantile(x, 0.3, axis=1),
                    [np.where(np.isnan(NAN[:2]), np.nan, F[:2])]),
    "ptp": (lambda x: ops.ptp(x, axis=1), [F]),
    "diff": (lambda x: ops.diff(x, 2, axis=0), [F]),
    "stacks": (lambda a, b: ops.vstack([a, b])[3:] + ops.hstack([a, b])[:, :4]
               + ops.dstack([a, b])[..., 1], [F, G]),
    "divide_no_nan": (lambda a: ops.divide_no_nan(a, np.where(G > 0, G, 0).astype("float64")),
                      [F]),
    "divide_no_nan_x2": (lambda b: ops.divide_no_nan(F.astype("float64"), b), [POS]),
    "fmod": (lambda a, b: ops.fmod(a, b), [F, POS]),
    "hypot": (lambda a, b: ops.hypot(a, b), [F, G]),
    "cbrt": (lambda x: ops.cbrt(x), [POS]),
    "exp2": (lambda x: ops.exp2(x), [F]),
    "deg_rad": (lambda x: ops.deg2rad(ops.rad2deg(x) * 2.0), [F]),
    "logaddexp2": (lambda a, b: ops.logaddexp2(a, b), [F, G]),
    "kron": (lambda a, b: ops.kron(a, b), [F[:2, :2], G[:2, :3]]),
    "inner": (lambda a, b: ops.inner(a, b), [F, G]),
    "vdot": (lambda a, b: ops.vdot(a, b), [F, G]),
    "cross": (lambda a, b: ops.cross(a, b), [F[:, :3], G[:, :3]]),
    "correlate": (lambda a, b: ops.correlate(a, b, "full"), [V, V[:3]]),
    "select": (lambda a, b: ops.select([F > 0.5, F < -0.5], [a, b], 0.0), [F, G]),
    "nansum": (lambda x: ops.nansum(x, axis=1), [np.where(np.isnan(NAN), np.nan, F)]),
    "nanmean": (lambda x: ops.nanmean(x, axis=0), [np.where(np.isnan(NAN[:2]), np.nan, F[:2])]),
    "nanstd": (lambda x: ops.nanstd(x, axis=1), [np.where(np.isnan(NAN[:2]), np.nan, F[:2])]),
    "nanmax": (lambda x: ops.nanmax(x, axis=0), [np.where(np.isnan(NAN[:2]), np.nan, F[:2])]),
    "nanprod": (lambda x: ops.nanprod(x, axis=1), [np.where(np.isnan(NAN[:2]), np.nan, F[:2])]),
    "nancumsum": (lambda x: ops.nancumsum(x, axis=1), [np.where(np.isnan(NAN), np.nan, F)]),
    "splits": (lambda x: ops.array_split(x, 3, axis=1)[0] * 2.0 + ops.hsplit(x, 2)[1][:, :2],
               [F]),
    "append": (lambda a, b: ops.append(a, b), [F, G]),
    "fmax_fmin": (lambda a, b: ops.fmax(a, b) + ops.fmin(a, b) * 2.0, [F, G]),
    "sinc": (lambda x: ops.sinc(x), [F]),
    "trapezoid": (lambda y, x: ops.trapezoid(y, x=x), [F, np.array([0.0, 1.0, 3.0, 6.0])]),
    "vander": (lambda x: ops.vander(x, 4), [V]),
    "diagflat": (lambda x: ops.diagflat(x, -1), [V]),
    "flips": (lambda x: ops.fliplr(x) + ops.flipud(x) + ops.rot90(x, 2), [F]),
    "ldexp": (lambda x: ops.ldexp(x, I), [F]),
    "i0": (lambda x: ops.i0(x), [F * 3]),
    "real_conj": (lambda x: ops.real(x) * ops.conj(x), [F]),
    "corrcoef": (lambda x: ops.corrcoef(x), [F]),
    "get_item": (lambda x: ops.get_item(x, (slice(None), [0, 2, 2])), [F]),
    "copy": (lambda x: ops.copy(x) * 3.0, [F]),
    "erfc": (lambda x: ops.erfc(x), [F]),
}


def test_erfinv_inverts_erf_and_its_gradient_is_the_inverse_slope():
    x = numnet.Tensor((U * 1.8 - 0.9).astype("float64"), requires_grad=True)
    y = ops.erfinv(x)
    np.testing.assert_allclose(ops.erf(y).numpy(), x.numpy(), atol=3e-7)
    ops.sum(y).backward()
    np.testing.assert_allclose(x.grad, np.sqrt(np.pi) / 2 * np.exp(y.numpy() ** 2), rtol=1e-12)
    # the forward is erf's inverse to erf's accuracy (1.2e-7), so the check is looser here
    assert check_gradients(ops.erfinv, [(U * 1.8 - 0.9).astype("float64")]) < 1e-5


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients_match_central_differences(name):
    fn, inputs = GRADS[name]
    inputs = [np.asarray(a, dtype=np.float64) for a in inputs]
    # a NaN or inf output would make the comparison vacuous
    assert np.isfinite(np.asarray(fn(*[numnet.Tensor(a) for a in inputs]))).all()
    assert check_gradients(fn, inputs) < 1e-6


def test_integer_and_boolean_ops_record_no_gradient():
    x = numnet.Tensor(F, requires_grad=True)
    for out in (ops.signbit(x), ops.isclose(x, x), ops.trunc(x), ops.heaviside(x, 0.5),
                ops.argpartition(x, 1), ops.searchsorted(np.sort(V), x), ops.digitize(x, V[:2]),
                ops.isin(x, x), ops.nanargmax(x, axis=1), ops.nextafter(x, 0.0)):
        assert not out.requires_grad


# ----------------------------------------------------------------------------- symbolic use


def test_ops_become_nodes_of_a_functional_model():
    inputs = numnet.Input((4,))
    spread = ops.ptp(inputs, axis=1, keepdims=True)
    middle = ops.median(inputs, axis=1, keepdims=True)
    stacked = ops.hstack([inputs, spread, middle, ops.nanmean(inputs, axis=1, keepdims=True)])
    model = numnet.Model(inputs, ops.cbrt(stacked))
    assert model.output_shape == (None, 7)
    got = model.predict(F, verbose=0)
    expected = np.cbrt(np.hstack([F, np.ptp(F, axis=1, keepdims=True),
                                  np.median(F, axis=1, keepdims=True),
                                  F.mean(axis=1, keepdims=True)]))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_unique_on_a_symbolic_input_says_to_call_it_eagerly():
    inputs = numnet.Input((4,))
    with pytest.raises(ValueError, match="eagerly"):
        ops.unique(inputs)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="quantile\\(method\\)"):
        ops.quantile(F, 0.5, method="cubic")
    with pytest.raises(ValueError, match="searchsorted\\(side\\)"):
        ops.searchsorted(V, 1.0, side="middle")
    with pytest.raises(ValueError, match="bincount\\(x\\)"):
        ops.bincount([-1, 2])
    with pytest.raises(ValueError, match="correlate\\(mode\\)"):
        ops.correlate(V, V, "circular")
    with pytest.raises(ValueError, match="cross\\(x1\\)"):
        ops.cross(F, G)
