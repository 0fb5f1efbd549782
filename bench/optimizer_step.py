"""Time one optimizer step, numnet against torch.optim (foreach=True), on float32 parameters.

    python bench/optimizer_step.py                      # 1e5, 1e6, 1e7 parameters
    python bench/optimizer_step.py --sizes 1e6 --optimizers adam,sgd_momentum

For each size N the parameters are one float32 array of N values with a fixed random gradient;
each library takes the same step with the same hyper-parameters. Reported per optimizer: the
time of one step (``optimizer.apply`` in numnet, ``optimizer.step()`` in torch), as the best of
9 rounds taken in turn of the mean of many steps; for numnet with the fused kernels (numba, when
installed) and with the NumPy path alone (``NUMNET_FUSED=0``'s path); and numnet's time over
torch's. torch uses its default threads (one per core); numnet's kernels split arrays of 2^22
elements or more over the same number of threads (``NUMNET_FUSED_THREADS``).
Nothing here is asserted: the table goes to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

# name: (numnet class and arguments, torch class name and arguments)
OPTIMIZERS = {
    "sgd": (("SGD", {"learning_rate": 0.01}), ("SGD", {"lr": 0.01})),
    "sgd_momentum": (
        ("SGD", {"learning_rate": 0.01, "momentum": 0.9}),
        ("SGD", {"lr": 0.01, "momentum": 0.9}),
    ),
    "nesterov": (
        ("SGD", {"learning_rate": 0.01, "momentum": 0.9, "nesterov": True}),
        ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ),
    "rmsprop": (
        ("RMSprop", {"learning_rate": 0.001, "rho": 0.9}),
        ("RMSprop", {"lr": 0.001, "alpha": 0.9, "eps": 1e-7}),
    ),
    "rmsprop_centered": (
        ("RMSprop", {"learning_rate": 0.001, "rho": 0.9, "centered": True}),
        ("RMSprop", {"lr": 0.001, "alpha": 0.9, "eps": 1e-7, "centered": True}),
    ),
    "adam": (("Adam", {"learning_rate": 0.001}), ("Adam", {"lr": 0.001, "eps": 1e-7})),
    "amsgrad": (
        ("Adam", {"learning_rate": 0.001, "amsgrad": True}),
        ("Adam", {"lr": 0.001, "eps": 1e-7, "amsgrad": True}),
    ),
    "adamw": (
        ("AdamW", {"learning_rate": 0.001, "weight_decay": 0.01}),
        ("AdamW", {"lr": 0.001, "eps": 1e-7, "weight_decay": 0.01}),
    ),
    "adagrad": (
        ("Adagrad", {"learning_rate": 0.01}),
        ("Adagrad", {"lr": 0.01, "initial_accumulator_value": 0.1}),
    ),
    "adadelta": (
        ("Adadelta", {"learning_rate": 1.0}),
        ("Adadelta", {"lr": 1.0, "rho": 0.95, "eps": 1e-7}),
    ),
    "adamax": (("Adamax", {"learning_rate": 0.002}), ("Adamax", {"lr": 0.002, "eps": 1e-7})),
    "nadam": (
        ("Nadam", {"learning_rate": 0.002}),
        ("NAdam", {"lr": 0.002, "eps": 1e-7, "momentum_decay": 1.0}),
    ),
}


def numnet_step(name: str, size: int):
    """One numnet step of optimizer ``name`` on ``size`` float32 parameters (a callable)."""
    from numnet import optimizers
    from numnet.autodiff import Variable

    (cls, kwargs), _ = OPTIMIZERS[name]
    rs = np.random.default_rng(0)
    var = Variable(rs.normal(size=size).astype(np.float32))
    grad = (rs.normal(size=size) * 1e-2).astype(np.float32)
    opt = getattr(optimizers, cls)(**kwargs)
    return lambda: opt.apply([grad], [var])


def torch_step(name: str, size: int):
    """The same step in torch.optim with foreach=True (a callable)."""
    import torch

    _, (cls, kwargs) = OPTIMIZERS[name]
    rs = np.random.default_rng(0)
    param = torch.nn.Parameter(torch.from_numpy(rs.normal(size=size).astype(np.float32)))
    param.grad = torch.from_numpy((rs.normal(size=size) * 1e-2).astype(np.float32))
    opt = getattr(torch.optim, cls)([param], foreach=True, **kwargs)
    return opt.step


PAUSE_S = 0.1


def race(steps: dict, seconds: float, rounds: int = 9) -> dict:
    """Milliseconds per step of each callable: rounds taken in turn (so that a busy moment of
    the machine falls on all of them alike), each the mean of enough steps to last about
    ``seconds / rounds``; the best round counts. ``steps`` maps a name to (callable, setup):
    setup() runs before each of that callable's rounds (it switches the fused path)."""
    counts = {}
    for name, (step, setup) in steps.items():
        setup()
        for _ in range(3):  # warm up: slots, scratch arrays, compiled kernels
            step()
        start, n = time.perf_counter(), 0
        while time.perf_counter() - start < seconds / rounds or n < 2:
            step()
            n += 1
        counts[name] = n
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(rounds):
        for name, (step, setup) in steps.items():
            setup()
            # Let the threads of the library timed before stop spinning (OpenBLAS's and
            # OpenMP's busy-wait for a while after their last job), or they slow this one.
            time.sleep(PAUSE_S)
            start = time.perf_counter()
            for _ in range(counts[name]):
                step()
            best[name] = min(best[name], (time.perf_counter() - start) / counts[name] * 1e3)
    return best


def versions() -> str:
    import numnet
    from numnet.fast import updates as fused

    parts = [f"Python {platform.python_version()}", f"numpy {np.__version__}"]
    if fused.is_available():
        import numba

        parts.append(f"numba {numba.__version__}")
    else:
        parts.append("numba absent (NumPy path only)")
    try:
        import torch

        parts.append(f"torch {torch.__version__} ({torch.get_num_threads()} threads)")
    except ImportError:
        parts.append("torch absent")
    parts.append(f"numnet {numnet.__version__}")
    return ", ".join(parts)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1e5,1e6,1e7", help="parameter counts, e.g. 1e6,1e7")
    parser.add_argument("--optimizers", default=",".join(OPTIMIZERS), help="names, comma-separated")
    parser.add_argument(
        "--seconds", type=float, default=1.0, help="time spent per measurement (all rounds)"
    )
    args = parser.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    names = [n.strip() for n in args.optimizers.split(",")]
    unknown = sorted(set(names) - set(OPTIMIZERS))
    if unknown:
        parser.error(f"--optimizers: unknown {unknown}; expected names from {list(OPTIMIZERS)}")
    try:
        import torch  # noqa: F401

        has_torch = True
    except ImportError:
        has_torch = False
    from numnet.fast import updates as fused

    has_fused = fused.is_available()

    print(f"{platform.processor() or platform.machine()}, {platform.system()}; {versions()}")
    print()
    print("| optimizer | parameters | numnet fused (ms) | numnet NumPy (ms) | torch foreach (ms) "
          "| numnet / torch |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        for name in names:
            steps = {"numpy": (numnet_step(name, size), lambda: fused.set_enabled(False))}
            if has_fused:
                steps["fused"] = (numnet_step(name, size), lambda: fused.set_enabled(True))
            if has_torch:
                steps["torch"] = (torch_step(name, size), lambda: None)
            ms = race(steps, args.seconds)
            fused.set_enabled(True)
            best = ms.get("fused", ms["numpy"])
            cells = [
                name,
                f"{size:.0e}",
                f"{ms['fused']:.3f}" if "fused" in ms else "-",
                f"{ms['numpy']:.3f}",
                f"{ms['torch']:.3f}" if "torch" in ms else "-",
                f"{best / ms['torch']:.2f}" if "torch" in ms else "-",
            ]
            print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
