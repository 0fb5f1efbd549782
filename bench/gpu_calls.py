"""The host's cost of each kind of CuPy call in a training step of bench/gpu.py's model.

    python bench/gpu_calls.py

On a small model the GPU finishes each kernel before the host has launched the next, so a step
takes as long as its calls take on the host. This times each kind of call the step makes, on
the shapes of 784-512-512-10 at batch 1024, as the mean over many calls without waiting for the
GPU (then waits once, so that the queue does not grow without bound), and prints microseconds
per call. Nothing here is asserted: the numbers go to bench/RESULTS.md.
"""

from __future__ import annotations

import time


def per_call(fn, repeats: int = 2000) -> float:
    import cupy

    for _ in range(50):
        fn()
    cupy.cuda.Device().synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    host = time.perf_counter() - start
    cupy.cuda.Device().synchronize()
    return host / repeats * 1e6


def main() -> int:
    import cupy
    import numpy as np

    from numnet.fast import kernels_cuda as cuda

    rng = np.random.default_rng(0)
    x = cupy.asarray(rng.random((60000, 784), dtype=np.float32))
    labels = cupy.asarray(rng.integers(0, 10, 60000))
    idx = cupy.asarray(rng.permutation(60000)[:1024])
    h = cupy.asarray(rng.random((1024, 512), dtype=np.float32))
    w = cupy.asarray(rng.random((512, 512), dtype=np.float32))
    b = cupy.asarray(rng.random(512, dtype=np.float32))
    z10 = cupy.asarray(rng.random((1024, 10), dtype=np.float32))
    y10 = labels[:1024].copy()
    out = cupy.empty((512, 512), np.float32)
    db = cupy.empty(512, np.float32)
    total = cupy.zeros((), np.float64)
    loss = cupy.zeros((), np.float32)
    square = cupy.ElementwiseKernel("T g", "T w", "w = w - g * (T)0.5;", "numnet_probe_ew")
    raw = cupy.RawKernel(r"""
extern "C" __global__ void numnet_probe_raw(const float* g, float* w, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
       i += (long long)gridDim.x * blockDim.x) w[i] = w[i] - g[i] * 0.5f;
}""", "numnet_probe_raw")
    flat_g = cupy.asarray(rng.random(670000, dtype=np.float32))
    flat_w = cupy.asarray(rng.random(670000, dtype=np.float32))
    n = flat_w.size
    calls = {
        "take (1024 rows of x)": lambda: cupy.take(x, idx, axis=0),
        "x[idx] (fancy indexing)": lambda: x[idx],
        "matmul (1024x512 @ 512x512)": lambda: h @ w,
        "matmul with out=": lambda: cupy.matmul(h.T, h, out=out),
        "z += b (broadcast add)": lambda: h.__iadd__(b),
        "sum(axis=0, out=)": lambda: h.sum(axis=0, out=db),
        "ones((), float32)": lambda: cupy.ones((), np.float32),
        "empty_like (1024x512)": lambda: cupy.empty_like(h),
        "0-d multiply": lambda: loss * loss,
        "fill (a[...] = 3)": lambda: total.fill(3),
        "asarray of a device array": lambda: cupy.asarray(h),
        "ElementwiseKernel (670k)": lambda: square(flat_g, flat_w),
        "RawKernel (670k)": lambda: raw((min(1024, (n + 255) // 256),), (256,),
                                        (flat_g, flat_w, n)),
        "numnet matmul (direct cuBLAS)": lambda: cuda.matmul(h, w),
        "numnet matmul, a.T @ b, out=": lambda: cuda.matmul(h, h, trans_a=True, out=out),
        "numnet take_rows (x and labels)": lambda: cuda.take_rows(x, labels, idx),
        "numnet column_sums": lambda: cuda.column_sums(h, db),
        "numnet bias_relu": lambda: cuda.bias_relu(h, b),
        "numnet relu_backward": lambda: cuda.relu_backward(h, h, db),
        "numnet sparse CE (1024x10)": lambda: cuda.sparse_softmax_cross_entropy(
            z10, y10, 1 / 1024, True),
        "numnet add_hits": lambda: cuda.add_hits(total, total, z10, y10, True),
        "numnet add_loss": lambda: cuda.add_loss(total, loss, 1024),
    }
    print(f"host microseconds per call (cupy {cupy.__version__})")
    for name, fn in calls.items():
        print(f"  {name:32s} {per_call(fn):7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
