"""Central-difference gradient check, used by the tests for every op, layer and loss.

The check runs on the host in float64; on the GPU the Tensors it builds are copied to the device,
and the gradients and outputs it compares are copied back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .. import backend
from .tensor import Tensor


def numerical_gradient(f: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f / d array by central differences, perturbing ``array`` in place and restoring it.

    d f / d a_i ~ (f(a + eps e_i) - f(a - eps e_i)) / (2 eps).
    """
    if not array.flags.c_contiguous:
        raise ValueError("numerical_gradient(array): the array must be C-contiguous.")
    grad = np.zeros(array.shape, dtype=np.float64)
    flat, gflat = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i].item()  # a copy: on CuPy, flat[i] is a view of the element
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


def relative_error(analytic, numeric) -> float:
    """||analytic - numeric|| / max(||analytic|| + ||numeric||, 1e-12)."""
    analytic = backend.to_numpy(analytic).astype(np.float64)
    numeric = backend.to_numpy(numeric).astype(np.float64)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"gradient check: the gradient has shape {analytic.shape}, its input {numeric.shape}."
        )
    scale = max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), 1e-12)
    return float(np.linalg.norm(analytic - numeric)) / scale


def check_gradients(
    fn: Callable[..., Tensor],
    inputs: Sequence[np.ndarray],
    eps: float = 1e-6,
    seed: int = 0,
    params: Sequence[Tensor] = (),
) -> float:
    """The largest relative error between backward() and central differences, in float64.

    ``fn`` maps Tensors (built from ``inputs``, float64) to a Tensor of any shape; the check
    contracts it with a fixed random weighting w, f = sum(w * fn(...)), so that every output
    element is tested. ``params`` are Tensors that ``fn`` reads itself (a layer's float64
    Variables): their gradients are checked too, perturbing their values in place.
    For each input, relative error = ||analytic - numeric|| / max(||analytic|| + ||numeric||, 1e-12)
    (norms over all its elements), the measure that stays meaningful when some entries are zero.
    """
    arrays = [np.array(a, dtype=np.float64) for a in inputs]
    for p in params:
        if p.dtype != np.float64:
            raise ValueError(f"check_gradients(params): expected float64 values, given {p.dtype}.")
    weights = None

    def scalar(tensors):
        nonlocal weights
        out = fn(*tensors)
        if weights is None:
            weights = np.random.default_rng(seed).standard_normal(out.shape)
        return out, float((backend.to_numpy(out.value).astype(np.float64) * weights).sum())

    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    for p in params:
        p.grad = None
    out, _ = scalar(tensors)
    out.backward(np.asarray(weights, dtype=out.value.dtype))

    def value_of_fn():
        return scalar([Tensor(x) for x in arrays])[1]

    worst = 0.0
    for t, a in zip([*tensors, *params], [*arrays, *(p.value for p in params)], strict=True):
        analytic = np.zeros(a.shape) if t.grad is None else t.grad
        worst = max(worst, relative_error(analytic, numerical_gradient(value_of_fn, a, eps)))
    return worst
