"""numnet on the GPU (CuPy) against numnet on the CPU of the same machine.

    python bench/gpu.py                         # 784-512-512-10, batch 1024, 4 epochs each
    python bench/gpu.py --json out.json --profile profile.txt

The model is W4's of bench/run.py (784 -> 512 relu -> 512 relu -> 10 logits, Adam(0.001),
sparse categorical cross-entropy from logits) at batch 1024, on the same data: the bundled 4,000
MNIST training images tiled x15 (60,000 rows), test accuracy on the 1,000 bundled test images.
Both devices start from the same initial weights and draw the same shuffles. Reported per
device: first and steady epoch seconds (the median of the epochs after the first; on the GPU an
epoch ends when the device has finished its work), the final training loss, test accuracy, and
the CPU's BLAS threads. With ``--torch``, a plain PyTorch loop on the same GPU (same model,
batch, optimizer) is timed beside it for reference. ``--profile`` writes the cProfile of one
steady GPU epoch (top functions by own time, then by cumulative time). Nothing here is
asserted: the numbers go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from run import load_data  # noqa: E402  (bench/run.py: the shared data)

HIDDEN = (512, 512)
BATCH = 1024
LEARNING_RATE = 0.001


def build(numnet, weights=None):
    from numnet import layers

    numnet.backend.set_random_seed(0)
    model = numnet.Sequential([layers.Input((784,))]
                              + [layers.Dense(h, activation="relu") for h in HIDDEN]
                              + [layers.Dense(10)])
    if weights is not None:
        model.set_weights(weights)
    model.compile(optimizer=numnet.optimizers.Adam(LEARNING_RATE),
                  loss=numnet.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def _synchronize():
    import numnet

    if numnet.backend.device() == "gpu":
        numnet.backend.xp.cuda.Device().synchronize()


def run_device(device, weights, x, y, xt, yt, epochs, profile_path=None) -> dict:
    import numnet

    numnet.backend.set_device(device)
    model = build(numnet, weights)
    times: list[float] = []

    class Clock(numnet.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            _synchronize()
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            _synchronize()
            times.append(time.perf_counter() - self.start)

    numnet.backend.set_random_seed(1)  # the same shuffles on both devices
    history = model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0, callbacks=[Clock()])
    _, accuracy = model.evaluate(xt, yt, batch_size=1000, verbose=0)
    if profile_path:
        profiler = cProfile.Profile()
        profiler.enable()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        _synchronize()
        profiler.disable()
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(45)
        with open(profile_path, "w") as f:
            f.write(f"one steady epoch on the {device}, 784-512-512-10, batch {BATCH}\n")
            f.write(text.getvalue())
    threads = None
    if device == "cpu":
        try:
            from threadpoolctl import threadpool_info

            threads = [(i["internal_api"], i["num_threads"]) for i in threadpool_info()]
        except ImportError:
            pass
    numnet.backend.set_device("cpu")
    return {"device": device, "epoch_s": times, "first_s": times[0],
            "steady_s": statistics.median(times[1:]) if len(times) > 1 else times[0],
            "loss": history.history["loss"][-1], "accuracy": float(accuracy),
            "blas_threads": threads}


def run_torch(weights, x, y, xt, yt, epochs) -> dict:
    import numpy as np
    import torch

    dev = torch.device("cuda")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                              torch.nn.Linear(512, 512), torch.nn.ReLU(),
                              torch.nn.Linear(512, 10)).to(dev)
    with torch.no_grad():
        for i, lin in enumerate(m for m in net if isinstance(m, torch.nn.Linear)):
            lin.weight.copy_(torch.from_numpy(weights[2 * i].T.copy()))
            lin.bias.copy_(torch.from_numpy(weights[2 * i + 1]))
    opt = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    xd, yd = torch.from_numpy(x).to(dev), torch.from_numpy(y).to(dev)
    rng = np.random.default_rng(1)
    times, loss = [], None
    for _ in range(epochs):
        torch.cuda.synchronize()
        start = time.perf_counter()
        order = torch.from_numpy(rng.permutation(len(x))).to(dev)
        total = torch.zeros((), device=dev)
        for lo in range(0, len(x), BATCH):
            idx = order[lo:lo + BATCH]
            opt.zero_grad(set_to_none=True)
            out = loss_fn(net(xd[idx]), yd[idx])
            out.backward()
            opt.step()
            total += out.detach() * len(idx)
        loss = float(total) / len(x)
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    with torch.no_grad():
        pred = net(torch.from_numpy(xt).to(dev)).argmax(1).cpu().numpy()
    return {"device": f"torch {torch.__version__} cuda", "epoch_s": times, "first_s": times[0],
            "steady_s": statistics.median(times[1:]), "loss": loss,
            "accuracy": float((pred == yt).mean()), "blas_threads": None}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--profile", help="write the cProfile of one steady GPU epoch here")
    parser.add_argument("--torch", action="store_true", help="time a PyTorch loop on the GPU")
    args = parser.parse_args(argv)

    import numpy as np

    import numnet

    x, y, xt, yt = load_data()
    weights = build(numnet).get_weights()
    rows = [run_device("cpu", weights, x, y, xt, yt, args.epochs),
            run_device("gpu", weights, x, y, xt, yt, args.epochs, args.profile)]
    if args.torch:
        try:
            rows.append(run_torch(weights, x, y, xt, yt, args.epochs))
        except Exception as err:  # torch absent or without CUDA: reported, not fatal
            print(f"torch on the GPU: not run ({type(err).__name__}: {err})")
    cpu = rows[0]["steady_s"]
    print(f"784-512-512-10, batch {BATCH}, Adam, {len(x)} rows; {platform.processor() or ''} "
          f"{os.cpu_count()} CPUs; numpy {np.__version__}")
    for r in rows:
        print(f"{r['device']:>24}: first {r['first_s']:.3f} s, steady {r['steady_s']:.4f} s "
              f"({cpu / r['steady_s']:.1f}x the CPU), loss {r['loss']:.4f}, "
              f"accuracy {r['accuracy']:.3f}, epochs {[round(t, 4) for t in r['epoch_s']]}"
              + (f", BLAS threads {r['blas_threads']}" if r["blas_threads"] else ""))
    if args.json:
        try:
            import cupy

            gpu_name = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()
            cupy_version = cupy.__version__
        except Exception:
            gpu_name = cupy_version = None
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "gpu": gpu_name, "cupy": cupy_version,
                       "numpy": np.__version__, "python": platform.python_version(),
                       "cpus": os.cpu_count()}, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
