"""The helper thread's share of an epoch: the same model trained with the helper off, gathering
only, gathering and cutting products in two without an owned block, and as fit does (products
cut in two with the gradient rows the helper computes owned, or, for a first layer over
SPLIT_BYTES, a block of its columns owned: products and update), in one process, the settings
taken in turn.

    python bench/helper_thread.py                 # W1, W2 and W3, six rounds
    python bench/helper_thread.py --workloads W1 --rounds 10

Each round trains one epoch under each setting (``fit(epochs=1)``, so with fit's per-call
checks of the data, about 8 ms); printed are the median epoch seconds and their range. The
helper applies only where fit uses one BLAS thread on a machine with two cores or more
(numnet/fast/helper_thread.py); elsewhere the three settings time the same thing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run as bench  # noqa: E402  (bench/run.py: the workloads and their data)

SETTINGS = ("off", "gathering only", "products, no owned block", "gathering and products")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default="W1,W2,W3")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args(argv)

    import numnet
    from numnet.fast import helper_thread

    split_macs = helper_thread.SPLIT_MACS
    helper = helper_thread.Helper
    owned_columns, owned_rows = helper.owned_columns, helper.owned_rows

    def no_block(self, *args):
        return 0
    x, y, _, _ = bench.load_data()
    for name in args.workloads.split(","):
        spec = bench.WORKLOADS[name]
        labels = numnet.utils.to_categorical(y, 10) if spec[2] == "categorical" else y
        model = bench.build_model(numnet, spec)
        model.fit(x, labels, batch_size=spec[4], epochs=1, verbose=0)  # warm-up: compiles
        times = {setting: [] for setting in SETTINGS}
        for _ in range(args.rounds):
            for setting in SETTINGS:
                helper_thread.set_enabled(setting != "off")
                helper_thread.SPLIT_MACS = (1 << 62 if setting == "gathering only"
                                            else split_macs)
                plain = setting == "products, no owned block"  # W1's cut products only
                helper.owned_columns = no_block if plain else owned_columns
                helper.owned_rows = no_block if plain else owned_rows
                start = time.perf_counter()
                model.fit(x, labels, batch_size=spec[4], epochs=1, verbose=0)
                times[setting].append(time.perf_counter() - start)
        helper_thread.set_enabled(True)
        helper_thread.SPLIT_MACS = split_macs
        helper.owned_columns, helper.owned_rows = owned_columns, owned_rows
        cells = [f"{setting} {statistics.median(t):.3f} ({min(t):.3f}-{max(t):.3f})"
                 for setting, t in times.items()]
        print(f"{name}: " + ", ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
