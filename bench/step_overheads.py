"""Per-call costs on the tape path of a training step: ``a + b`` on two small Tensors, a
Dense layer's call, Adam's step size, and one epoch of a 3-layer MLP trained through the tape
(``jit_compile=False``; 20,000 rows of 64 features, batch 64, Adam). Each number is the best
of ``--rounds`` repeats, so that two trees can be compared in alternating runs:

    python bench/step_overheads.py                     # this tree
    git worktree add /tmp/before <commit>
    python bench/step_overheads.py --src /tmp/before/src
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=os.path.join(HERE, "..", "src"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    sys.path.insert(0, args.src)
    import numpy as np

    import numnet as keras

    a = keras.ops.convert_to_tensor(np.ones((4,), "float32"))
    b = keras.ops.convert_to_tensor(np.ones((4,), "float32"))
    dense = keras.layers.Dense(16)
    x16 = keras.ops.convert_to_tensor(np.ones((8, 16), "float32"))
    dense(x16)

    def best(fn, number):
        return min(timeit.repeat(fn, number=number, repeat=args.rounds)) / number * 1e9

    print(f"numnet from {os.path.abspath(keras.__file__)}")
    print(f"a + b (4,):        {best(lambda: a + b, 100000):8.0f} ns")
    print(f"Dense(16) call:    {best(lambda: dense(x16), 20000):8.0f} ns")
    adam = keras.optimizers.Adam()
    if hasattr(adam, "_step_size"):
        step = iter(range(1, 10**9))
        dtype = np.dtype("float32")
        print(f"Adam step size:    "
              f"{best(lambda: adam._step_size(0.001, next(step), dtype), 20000):8.0f} ns")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20000, 64)).astype("float32")
    y = rng.integers(0, 10, 20000)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  jit_compile=False)
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        model.fit(x, y, batch_size=64, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
    print(f"MLP epoch (tape):  {min(times) * 1e3:8.1f} ms (rounds: "
          f"{', '.join(f'{t * 1e3:.1f}' for t in times)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
