"""Two small costs of the TensorFlow-compatible surface, measured in rounds:

1. ``Tensor.shape`` returns a ``Shape`` (a tuple subclass with ``as_list``): the cost of one
   read against a plain ``tuple`` of the same NumPy shape.
2. ``GradientTape.gradient`` keeps a weak reference to its target, so that
   ``watched_variables()`` can walk the target's graph when asked: the cost of that reference
   (the walk itself happens only when ``watched_variables()`` is called).

    python bench/tape_overheads.py --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import timeit
import weakref

import numpy as np

import numnet as keras
from numnet.autodiff.tensor import Shape


def shape_read(rounds: int) -> None:
    a = np.zeros((32, 64), "float32")
    n = 1_000_000
    plain = [timeit.timeit(lambda: tuple(a.shape), number=n) / n * 1e9 for _ in range(rounds)]
    ours = [timeit.timeit(lambda: Shape(a.shape), number=n) / n * 1e9 for _ in range(rounds)]
    print(f"shape read: tuple {statistics.median(plain):.0f} ns, Shape "
          f"{statistics.median(ours):.0f} ns (medians of {rounds} rounds of {n})")


def tape_record(rounds: int) -> None:
    t = keras.ones((32, 10))
    n = 1_000_000
    costs = [timeit.timeit(lambda: [weakref.ref(t)], number=n) / n * 1e9 for _ in range(rounds)]
    print(f"GradientTape.gradient's note of its target for watched_variables(): "
          f"{statistics.median(costs):.0f} ns a call (median of {rounds} rounds of {n})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    shape_read(rounds)
    tape_record(rounds)


if __name__ == "__main__":
    main()
