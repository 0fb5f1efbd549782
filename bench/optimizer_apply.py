"""The cost of an optimizer step as a training step makes it: ``apply(gradients, weights)``
against ``apply_pack()`` (the stack step's, numnet/fast/stack_step.py), on the weights of a
workload's model after one epoch.

    python bench/optimizer_apply.py               # W1, W2 and W3

Prints the minimum and the median over 30 rounds of 300 calls each, taken in turn, in
microseconds a call.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run as bench  # noqa: E402  (bench/run.py: the workloads and their data)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default="W1,W2,W3")
    args = parser.parse_args(argv)

    import numnet

    x, y, _, _ = bench.load_data()
    for name in args.workloads.split(","):
        spec = bench.WORKLOADS[name]
        labels = numnet.utils.to_categorical(y, 10) if spec[2] == "categorical" else y
        model = bench.build_model(numnet, spec)
        model.fit(x[:3200], labels[:3200], batch_size=spec[4], epochs=1, verbose=0)
        optimizer, weights = model.optimizer, model.trainable_weights
        grads = [w.grad_buffer for w in weights]
        for g in grads:
            g[...] = 0  # no change to the weights: every call does the same work
        calls = {"apply": lambda o=optimizer, g=grads, w=weights: o.apply(g, w),
                 "apply_pack": optimizer.apply_pack}
        times = {key: [] for key in calls}
        for _ in range(30):
            for key, call in calls.items():
                start = time.perf_counter()
                for _ in range(300):
                    call()
                times[key].append((time.perf_counter() - start) / 300 * 1e6)
        print(f"{name} ({type(optimizer).__name__}, {optimizer._pack.value.size:,} weights): "
              + ", ".join(f"{key} min {min(t):.1f} median {statistics.median(t):.1f} us"
                          for key, t in times.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
