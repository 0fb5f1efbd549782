"""Where one epoch of a workload spends its time, under cProfile.

    python bench/profile_epoch.py                 # W2, the seeds' 784-128-10 Adam model at batch 32
    python bench/profile_epoch.py --workload W3 --top 30

Trains one warm-up epoch, then profiles one epoch of ``model.fit`` on the benchmark's data and
prints the functions with the most time of their own. cProfile adds a fixed cost to every Python
call, so the profiled epoch is slower than a plain one (both are printed); read the table for
the shares, not for the absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run as bench  # noqa: E402  (bench/run.py: the workloads and their data)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workload", default="W2", choices=sorted(bench.WORKLOADS))
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)

    import numnet

    x, y, _, _ = bench.load_data()
    batch = bench.WORKLOADS[args.workload][4]
    if bench.WORKLOADS[args.workload][2] == "categorical":
        y = numnet.utils.to_categorical(y, 10)
    model = bench.build_model(numnet, bench.WORKLOADS[args.workload])
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)  # warm-up: compiles, caches
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    plain = time.perf_counter() - start
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.runcall(model.fit, x, y, batch_size=batch, epochs=1, verbose=0)
    profiled = time.perf_counter() - start
    steps = -(-len(x) // batch)
    print(f"{args.workload}: one epoch of {steps} steps: {plain:.3f} s "
          f"({plain / steps * 1e6:.0f} us a step); under cProfile {profiled:.3f} s")
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(args.top)
    text = out.getvalue()
    print(text[text.index("   ncalls"):].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
