"""TensorFlow's ``tf.test``: TestCase (unittest's, with assertAllClose, assertAllEqual, ...
that take Tensors, arrays and nested lists), main, and the device queries.

    class MyTest(tf.test.TestCase):
        def test_square(self):
            self.assertAllClose(tf.square([2.0]), [4.0])

    if __name__ == "__main__":
        tf.test.main()
"""

from __future__ import annotations

import contextlib
import tempfile
import unittest

import numpy as np

from .. import backend
from ..autodiff import Tensor
from .errors import OpError


def _np(value):
    if isinstance(value, Tensor):
        return np.asarray(backend.to_numpy(value.value))
    if isinstance(value, dict):
        return {k: _np(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and any(isinstance(v, (Tensor, list, tuple, dict))
                                                for v in value):
        return type(value)(_np(v) for v in value)
    return np.asarray(value)


class TestCase(unittest.TestCase):
    """unittest.TestCase with TensorFlow's assertions on Tensors, arrays and nested
    structures of them.

    Args:
        methodName: the test method to run. Defaults to ``"runTest"``.

    Example:
        >>> class T(numnet.test.TestCase):
        ...     def test_it(self):
        ...         self.assertAllClose(numnet.constant([1.0]), [1.0])
    """

    def __init__(self, methodName="runTest"):  # noqa: N803 - unittest's name
        super().__init__(methodName)
        self._temp_dir = None

    def evaluate(self, tensors):
        """The NumPy values of a Tensor or a nested structure of them."""
        return _np(tensors)

    def get_temp_dir(self) -> str:
        """A temporary directory for this test (made once, removed at the end)."""
        if self._temp_dir is None:
            holder = tempfile.TemporaryDirectory()
            self.addCleanup(holder.cleanup)
            self._temp_dir = holder.name
        return self._temp_dir

    def _close(self, a, b, rtol, atol, msg, path=""):
        a, b = _np(a), _np(b)
        if isinstance(a, dict) or isinstance(b, dict):
            self.assertEqual(sorted(a), sorted(b), msg=f"{msg or ''} keys differ at {path}")
            for key in a:
                self._close(a[key], b[key], rtol, atol, msg, f"{path}[{key!r}]")
            return
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and (
                any(isinstance(v, (np.ndarray, dict, list, tuple)) for v in a)):
            self.assertEqual(len(a), len(b), msg=f"{msg or ''} lengths differ at {path}")
            for i, (x, y) in enumerate(zip(a, b)):
                self._close(x, y, rtol, atol, msg, f"{path}[{i}]")
            return
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape and a.size != 1 and b.size != 1:
            self.fail(f"{msg + ': ' if msg else ''}shapes differ at {path or 'the top'}: "
                      f"{a.shape} and {b.shape}")
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=msg or "",
                                   equal_nan=True)

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        """a and b (Tensors, arrays or nested structures) are equal within
        |a - b| <= atol + rtol |b|, shapes equal (or one a scalar)."""
        self._close(a, b, rtol, atol, msg)

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6, float_rtol=1e-6,  # noqa: N802
                                      float_atol=1e-6, half_rtol=1e-3, half_atol=1e-3,
                                      bfloat16_rtol=1e-2, bfloat16_atol=1e-2, msg=None):
        """assertAllClose with tolerances loosened for float32 and float16 values."""
        dtype = np.asarray(_np(a)).dtype
        if dtype == np.float16:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        elif dtype == np.float32:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        self._close(a, b, rtol, atol, msg)

    def assertAllEqual(self, a, b, msg=None):  # noqa: N802
        """a and b have the same shape and the same entries."""
        a, b = np.asarray(_np(a)), np.asarray(_np(b))
        if a.shape != b.shape and a.size != 1 and b.size != 1:
            self.fail(f"{msg + ': ' if msg else ''}shapes differ: {a.shape} and {b.shape}")
        np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNotAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        """a and b differ somewhere beyond the tolerance."""
        try:
            self._close(a, b, rtol, atol, msg)
        except AssertionError:
            return
        self.fail(msg or "The two values are close everywhere.")

    def assertNotAllEqual(self, a, b, msg=None):  # noqa: N802
        """a and b differ somewhere."""
        if np.array_equal(np.asarray(_np(a)), np.asarray(_np(b))):
            self.fail(msg or "The two values are equal.")

    def assertAllGreater(self, a, comparison_target):  # noqa: N802
        """Every entry of a is > comparison_target."""
        self.assertTrue(np.all(np.asarray(_np(a)) > comparison_target),
                        f"not all > {comparison_target}: {np.asarray(_np(a))}")

    def assertAllGreaterEqual(self, a, comparison_target):  # noqa: N802
        """Every entry of a is >= comparison_target."""
        self.assertTrue(np.all(np.asarray(_np(a)) >= comparison_target),
                        f"not all >= {comparison_target}: {np.asarray(_np(a))}")

    def assertAllLess(self, a, comparison_target):  # noqa: N802
        """Every entry of a is < comparison_target."""
        self.assertTrue(np.all(np.asarray(_np(a)) < comparison_target),
                        f"not all < {comparison_target}: {np.asarray(_np(a))}")

    def assertAllLessEqual(self, a, comparison_target):  # noqa: N802
        """Every entry of a is <= comparison_target."""
        self.assertTrue(np.all(np.asarray(_np(a)) <= comparison_target),
                        f"not all <= {comparison_target}: {np.asarray(_np(a))}")

    def assertAllInRange(self, target, lower_bound, upper_bound, open_lower_bound=False,  # noqa: N802
                         open_upper_bound=False):
        """Every entry lies between the bounds (closed unless said open)."""
        v = np.asarray(_np(target))
        low = v > lower_bound if open_lower_bound else v >= lower_bound
        high = v < upper_bound if open_upper_bound else v <= upper_bound
        self.assertTrue(np.all(low & high), f"not all in range: {v}")

    def assertAllInSet(self, target, expected_set):  # noqa: N802
        """Every entry is one of expected_set."""
        v = np.asarray(_np(target)).ravel()
        self.assertTrue(set(v.tolist()) <= set(np.asarray(list(expected_set)).tolist()),
                        f"entries outside the set: {v}")

    def assertArrayNear(self, farray1, farray2, err, msg=None):  # noqa: N802
        """Two float lists are equal entry by entry within err."""
        np.testing.assert_allclose(np.asarray(farray1), np.asarray(farray2), rtol=0, atol=err,
                                   err_msg=msg or "")

    def assertNear(self, f1, f2, err, msg=None):  # noqa: N802
        """|f1 - f2| <= err."""
        self.assertLessEqual(abs(float(_np(f1)) - float(_np(f2))), err, msg)

    def assertDTypeEqual(self, target, expected_dtype):  # noqa: N802
        """target's dtype is expected_dtype."""
        self.assertEqual(np.asarray(_np(target)).dtype, np.dtype(expected_dtype))

    def assertShapeEqual(self, input_a, input_b, msg=None):  # noqa: N802
        """The two have one shape."""
        self.assertEqual(np.shape(_np(input_a)), np.shape(_np(input_b)), msg)

    def assertAllTrue(self, a):  # noqa: N802
        """Every entry is true."""
        self.assertTrue(np.all(np.asarray(_np(a))))

    def assertAllFalse(self, a):  # noqa: N802
        """Every entry is false."""
        self.assertFalse(np.any(np.asarray(_np(a))))

    def assertRaisesOpError(self, expected_err_re_or_predicate):  # noqa: N802
        """A context manager expecting a tf.errors error whose message matches."""
        return self.assertRaisesRegex(OpError, expected_err_re_or_predicate)

    def assertRaisesWithPredicateMatch(self, exception_type, expected_err_re_or_predicate):  # noqa: N802
        """A context manager expecting ``exception_type`` whose message matches."""
        return self.assertRaisesRegex(exception_type, expected_err_re_or_predicate)

    @contextlib.contextmanager
    def session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        """A block with no session: numnet runs eagerly (yields None)."""
        yield None

    cached_session = session
    test_session = session


def main(argv=None) -> None:
    """Run the tests of the calling module (unittest.main).

    Args:
        argv: command-line arguments, or None for sys.argv. Defaults to ``None``.
    """
    unittest.main(argv=argv)


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None) -> bool:
    """Whether numnet computes on a GPU (CuPy).

    Args:
        cuda_only: accepted as TensorFlow's. Defaults to ``False``.
        min_cuda_compute_capability: accepted as TensorFlow's. Defaults to ``None``.

    Example:
        >>> isinstance(numnet.test.is_gpu_available(), bool)
        True
    """
    return backend.device() == "gpu"


def is_built_with_cuda() -> bool:
    """Whether numnet can use CUDA (CuPy installed with a device).

    Example:
        >>> isinstance(numnet.test.is_built_with_cuda(), bool)
        True
    """
    return bool(backend.gpu_available())


def gpu_device_name() -> str:
    """"/device:GPU:0" when numnet computes on a GPU, else "".

    Example:
        >>> isinstance(numnet.test.gpu_device_name(), str)
        True
    """
    return "/device:GPU:0" if backend.device() == "gpu" else ""


def _false() -> bool:
    return False


TEST = {
    "TestCase": TestCase, "main": main, "is_gpu_available": is_gpu_available,
    "is_built_with_cuda": is_built_with_cuda, "is_built_with_gpu_support": is_built_with_cuda,
    "is_built_with_rocm": _false, "is_built_with_xla": _false,
    "gpu_device_name": gpu_device_name,
}
"""The names of ``tf.test``."""
