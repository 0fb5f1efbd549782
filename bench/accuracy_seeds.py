"""Test accuracy of W5-W7 over several initial-weight seeds, numnet against Keras.

    python bench/accuracy_seeds.py --workloads W7 --seeds 0,1,2,3,4 --epochs 2
    python bench/accuracy_seeds.py --workloads W6,W7 --peers numnet,keras --json acc.json

One run of a workload is one draw of its initial weights (``keras.utils.set_random_seed``), and
numnet's generators are not Keras's, so the same seed gives the two libraries different weights
from the same distributions. The accuracy after a bench's few epochs varies by several points
from draw to draw; this script measures that spread, so that numnet's accuracy is compared with
Keras's over the same number of draws, not on one. Each (library, workload) runs in its own
process (the seeds one after the other in it), on the data and model of bench/run.py.
Nothing here is asserted: the numbers go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BACKENDS = {"keras": "jax", "keras-tf": "tensorflow"}


def run_seeds(peer: str, workload: str, seeds: list[int], epochs: int) -> list[float]:
    """Test accuracy after ``epochs`` epochs for each seed, in this process."""
    sys.path.insert(0, HERE)
    import run as bench

    if peer in BACKENDS:
        os.environ["KERAS_BACKEND"] = BACKENDS[peer]
        import keras
    else:
        import numnet as keras
    x, y, xt, yt = bench.load_model_data(workload)
    batch = bench.MODEL_WORKLOADS[workload][2]
    accuracies = []
    for seed in seeds:
        model = _rebuilt(keras, bench, workload, seed)
        model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0)
        p = model.predict(xt, batch_size=256, verbose=0)
        guess = p.argmax(1) if p.shape[-1] > 1 else (p[:, 0] > 0.5)
        accuracies.append(float((guess == yt).mean()))
    return accuracies


def _rebuilt(keras, bench, workload, seed):
    """bench/run.py's model for ``workload`` with its weights drawn from ``seed``."""
    original = keras.utils.set_random_seed
    keras.utils.set_random_seed = lambda _: original(seed)
    try:
        return bench.build_model_workload(keras, workload)
    finally:
        keras.utils.set_random_seed = original


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default="W7")
    parser.add_argument("--peers", default="numnet,keras")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--tf-python", default=None,
                        help="the Python of an environment with TensorFlow, for keras-tf")
    parser.add_argument("--json", default=None)
    parser.add_argument("--child", nargs=2, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.child:
        peer, workload = args.child
        print(json.dumps(run_seeds(peer, workload, seeds, args.epochs)))
        return 0
    rows = []
    for workload in args.workloads.split(","):
        for peer in args.peers.split(","):
            python = args.tf_python if peer == "keras-tf" and args.tf_python else sys.executable
            done = subprocess.run([python, os.path.abspath(__file__), "--child", peer, workload,
                                   "--seeds", args.seeds, "--epochs", str(args.epochs)],
                                  capture_output=True, text=True)
            if done.returncode:
                print(f"{workload} {peer}: failed\n{done.stderr[-2000:]}")
                continue
            accuracies = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append({"workload": workload, "peer": peer, "seeds": seeds,
                         "accuracy": accuracies})
            spread = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
            print(f"{workload} {peer:8s} mean {statistics.mean(accuracies):.4f} "
                  f"sd {spread:.4f}  " + " ".join(f"{a:.3f}" for a in accuracies), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
