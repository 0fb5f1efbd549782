"""Seconds to checksum one 10 MB record and to frame 10 MB of 1 KB records (TFRecord files,
TensorBoard event files), vectorised (numnet.fast.crc32c) against the byte-at-a-time
reference (`_register`) on 64 KB: `python bench/crc32c_speed.py --rounds 5`."""

import argparse
import os
import time

from numnet.fast import crc32c as checksum


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    big = os.urandom(10 * 1024 * 1024)
    small = [os.urandom(1024) for _ in range(10 * 1024)]
    ref = os.urandom(64 * 1024)
    print(f"crc32c, one 10 MB record:        {best(lambda: checksum.crc32c(big), rounds):.3f} s")
    framed = best(lambda: checksum.frame_many(small), rounds)
    print(f"frame_many, 10 MB of 1 KB:       {framed:.3f} s")
    print(f"reference _register, 64 KB:      "
          f"{best(lambda: checksum._register(0xFFFFFFFF, ref), rounds):.3f} s")


if __name__ == "__main__":
    main()
