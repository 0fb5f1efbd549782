"""Central-difference gradient check, used by the tests for every op, layer and loss."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .tensor import Tensor


def numerical_gradient(f: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f / d array by central differences, perturbing ``array`` in place and restoring it."""
    grad = np.zeros_like(array, dtype=np.float64)
    flat, gflat = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


def check_gradients(
    fn: Callable[..., Tensor],
    inputs: Sequence[np.ndarray],
    eps: float = 1e-6,
    seed: int = 0,
) -> float:
    """The largest relative error between backward() and central differences, in float64.

    ``fn`` maps Tensors (built from ``inputs``, float64) to a Tensor of any shape; the check
    contracts it with a fixed random weighting so that every output element is tested.
    For each input, relative error = ||analytic - numeric|| / max(||analytic|| + ||numeric||, 1e-12)
    (norms over all its elements), the measure that stays meaningful when some entries are zero.
    """
    arrays = [np.array(a, dtype=np.float64) for a in inputs]
    weights = None

    def scalar(tensors):
        nonlocal weights
        out = fn(*tensors)
        if weights is None:
            weights = np.random.default_rng(seed).standard_normal(out.shape)
        return out, float((out.value * weights).sum())

    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    out, _ = scalar(tensors)
    out.backward(np.asarray(weights, dtype=out.value.dtype))
    worst = 0.0
    for t, a in zip(tensors, arrays):
        analytic = np.zeros_like(a) if t.grad is None else np.asarray(t.grad, dtype=np.float64)
        numeric = numerical_gradient(
            lambda: scalar([Tensor(x) for x in arrays])[1], a, eps
        )
        scale = max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), 1e-12)
        worst = max(worst, float(np.linalg.norm(analytic - numeric)) / scale)
    return worst
