"""A fuzzer of every reader of untrusted files: structured mutations of genuine ``.numnet``,
``.keras`` and ``.weights.h5`` files and of Keras dataset caches (an imdb-style ``.npz`` of
object arrays, a numeric ``.npz``, a CIFAR ``.tar.gz`` of pickled batches, a gzipped IDX
file): truncations, byte flips, members rewritten with their sizes, shapes, depths and numbers
changed, members duplicated. Each load must succeed or raise the documented error
(ModelFileError, DatasetFileError), each within 5 s and 512 MB allocated (tracemalloc), and the
whole batch runs in a forked child under 2 GiB of address space and a time limit, so that
nothing can hang or exhaust the machine.

The cases come from a fixed seed; ``NUMNET_FUZZ_CASES`` (default 60 a kind) scales the run,
e.g. ``NUMNET_FUZZ_CASES=15000 pytest tests/test_fuzz_files.py`` for 10^5 cases in all.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import random
import struct
import tarfile
import time
import tracemalloc
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from bounded import run_bounded

import numnet
from numnet import layers
from numnet.datasets import cifar10, fashion_mnist, imdb, mnist

pytestmark = pytest.mark.filterwarnings("ignore")
h5py = pytest.importorskip("h5py", reason="the .keras and .weights.h5 cases need h5py")

KERAS = Path(__file__).resolve().parent / "data" / "keras"
CASES = int(os.environ.get("NUMNET_FUZZ_CASES", "60"))
SECONDS = 5.0
PEAK = 512 * 1024**2


# ----------------------------------------------------------------------------- genuine files


def _model():
    model = numnet.Sequential([layers.Input((3,)), layers.Dense(4, activation="relu"),
                               layers.BatchNormalization(), layers.Dense(2)])
    model.compile("adam", "mse")
    model.train_on_batch(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"))
    return model


def _genuine(folder: Path) -> dict:
    """{kind: bytes} of one small genuine file of each kind."""
    model = _model()
    model.save(folder / "m.numnet")
    model.save_weights(folder / "m.weights.h5")
    out = {"numnet": (folder / "m.numnet").read_bytes(),
           "keras": (KERAS / "two_inputs.keras").read_bytes(),
           "h5": (folder / "m.weights.h5").read_bytes()}
    rng = np.random.default_rng(0)
    sequences = np.empty(6, dtype=object)
    sequences[:] = [list(map(int, rng.integers(1, 50, size=n))) for n in range(2, 8)]
    buffer = io.BytesIO()
    np.savez(buffer, x_train=sequences, y_train=np.arange(6) % 2, x_test=sequences[::-1],
             y_test=np.arange(6) % 2)
    out["imdb"] = buffer.getvalue()
    buffer = io.BytesIO()
    np.savez_compressed(buffer, x_train=rng.integers(0, 255, (3, 28, 28), dtype=np.uint8),
                        y_train=np.arange(3, dtype=np.uint8), x_test=np.zeros((1, 28, 28),
                                                                               np.uint8),
                        y_test=np.zeros(1, np.uint8))
    out["mnist"] = buffer.getvalue()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in cifar10.TRAIN + cifar10.TEST:
            batch = pickle.dumps({b"data": rng.integers(0, 255, (2, 3072), dtype=np.uint8),
                                  b"labels": [1, 2], b"batch_label": b"x"}, protocol=2)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(batch)
            tar.addfile(info, io.BytesIO(batch))
    out["cifar"] = buffer.getvalue()
    images = struct.pack(">IIII", 2051, 2, 28, 28) + bytes(range(256)) * 6 + bytes(32)
    out["idx"] = gzip.compress(images)
    rows = ["age,city,income,label"] + [
        f"{20 + i},{'paris' if i % 3 else 'rome'},{1000.5 + 37 * i},{i % 2}" for i in range(30)]
    out["csv"] = ("\n".join(rows) + "\n").encode()
    return out


def _mutate_csv(data: bytes, rng: random.Random) -> bytes:
    """A table's text: rows dropped or repeated, cells emptied or made huge or odd, quotes
    unbalanced, a header of many names, or the bytes mutated."""
    lines = data.decode().split("\n")
    choice = rng.randrange(6)
    if choice == 0:
        del lines[rng.randrange(1, len(lines))]
    elif choice == 1:
        row = rng.randrange(len(lines))
        cells = lines[row].split(",")
        cells[rng.randrange(len(cells))] = rng.choice(
            ["", '"', '""', "nan", "inf", "-1e400", "1e400", "x" * 5000, "=cmd|' /C calc'!A0",
             ",,,,", "\r", "\x00", "9" * 400])
        lines[row] = ",".join(cells)
    elif choice == 2:
        lines[0] = ",".join(f"c{i}" for i in range(rng.choice([1, 5, 3000, 200_000])))
    elif choice == 3:
        lines = lines[:1] + lines[1:] * rng.choice([0, 2, 50])
    elif choice == 4:
        lines[rng.randrange(len(lines))] += "," * rng.choice([1, 10, 10_000])
    else:
        return _mutate_bytes(data, rng)
    return "\n".join(lines).encode("utf-8", "surrogatepass")


# ----------------------------------------------------------------------------- mutations

SPECIAL_INTS = [0, -1, 1, 3, 2**31, 2**63, 2**70, 10**12, -(2**63) - 1]


def _mutate_json(value, rng: random.Random):
    """One structured change somewhere in parsed JSON: a number, a shape, a depth, a type."""
    containers = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, list)):
            containers.append(node)
            stack += list(node.values() if isinstance(node, dict) else node)
    node = rng.choice(containers)
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    if not keys:
        return value
    key = rng.choice(keys)
    old = node[key]
    choice = rng.randrange(7)
    if choice == 0:
        new = rng.choice(SPECIAL_INTS)
    elif choice == 1:
        new = [rng.choice(SPECIAL_INTS) for _ in range(rng.randrange(1, 4))]
    elif choice == 2:
        new = old
        for _ in range(rng.choice([10, 70, 300])):
            new = [new] if rng.random() < 0.5 else {"config": new}
    elif choice == 3:
        new = rng.choice([None, "", "Lambda", "function", True, 1.5e308, {}, []])
    elif choice == 4 and isinstance(old, list):
        new = old * rng.choice([2, 50])  # duplicated items (layers, weights, nodes)
    elif choice == 5 and isinstance(old, (int, float)) and not isinstance(old, bool):
        new = old * rng.choice([-1, 1000, 10**9])
    else:
        new = {"class_name": rng.choice(["Dense", "Sequential", "Functional", "InputLayer"]),
               "config": old}
    node[key] = new
    return value


def _npy_header_mutation(data: bytes, rng: random.Random) -> bytes:
    start = data.find(b"'shape': (")
    if start < 0:
        return data
    end = data.find(b")", start)
    shape = rng.choice([b"10000000000,", b"2, 3, 4", b"", b"0,", b"4294967296, 4294967296",
                        b"-1,", b"3, 4"])
    return data[:start + 10] + shape + data[end:]


def _pickle_mutation(data: bytes, rng: random.Random) -> bytes:
    """A pickle stream with opcodes duplicated, dropped or changed, or a memo reference
    repeated."""
    data = bytearray(data)
    choice = rng.randrange(4)
    i = rng.randrange(len(data))
    if choice == 0:
        data[i] = rng.randrange(256)
    elif choice == 1:
        j = min(len(data), i + rng.randrange(1, 16))
        data[i:i] = data[i:j] * rng.choice([2, 20])
    elif choice == 2:
        del data[i:i + rng.randrange(1, 8)]
    else:
        data[i:i] = b"h\x00" * rng.choice([2, 200])
    return bytes(data)


def _members(data: bytes) -> list:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def _rezip(members: list, rng: random.Random) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (a duplicate name, on purpose)
        for info, content in members:
            info = zipfile.ZipInfo(info.filename, info.date_time)
            info.compress_type = rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
            zf.writestr(info, content)
    return out.getvalue()


def _patch_sizes(data: bytes, rng: random.Random) -> bytes:
    """A zip whose local or central headers declare other sizes than the data holds."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 18), (b"PK\x01\x02", 20)):
        spots = [i for i in range(len(data)) if data.startswith(signature, i)]
        if spots and rng.random() < 0.7:
            at = rng.choice(spots) + offset + rng.choice([0, 4])
            data[at:at + 4] = struct.pack("<I", rng.choice([0, 1, 2**31, 2**32 - 1, 10**6]))
    return bytes(data)


def _mutate_zip(data: bytes, rng: random.Random) -> bytes:
    members = _members(data)
    choice = rng.randrange(6)
    if choice == 0:
        return _patch_sizes(data, rng)
    k = rng.randrange(len(members))
    info, content = members[k]
    if choice == 1 and info.filename.endswith(".json"):
        document = json.loads(content)
        for _ in range(rng.randrange(1, 4)):
            document = _mutate_json(document, rng)
        members[k] = (info, json.dumps(document).encode())
    elif choice == 2 and info.filename.endswith(".npy"):
        if b"'descr': '|O'" in content[:128]:
            header = content.index(b"\n") + 1
            members[k] = (info, content[:header] + _pickle_mutation(content[header:], rng))
        else:
            members[k] = (info, _npy_header_mutation(content, rng))
    elif choice == 3:
        members.insert(rng.randrange(len(members) + 1), members[k])  # a duplicate member
    elif choice == 4 and info.filename.endswith(".h5"):
        members[k] = (info, _mutate_bytes(content, rng))
    else:
        flipped = bytearray(content)
        for _ in range(rng.randrange(1, 6)):
            if flipped:
                flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        members[k] = (info, bytes(flipped))
    return _rezip(members, rng)


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(3)
    if choice == 0:
        return data[:rng.randrange(len(data))]
    data = bytearray(data)
    if choice == 1:
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    else:  # an 8-byte field (an address or a size) set to something extreme
        at = rng.randrange(max(1, len(data) - 8))
        data[at:at + 8] = struct.pack("<Q", rng.choice([0, 2**63 + 16, 2**64 - 1, 2**40]))
    return bytes(data)


def _mutate_h5(data: bytes, rng: random.Random, folder: Path) -> bytes:
    """Raw byte mutations, or the genuine layout rewritten with h5py: a weight's shape, chunks,
    filters or dtype changed, groups nested deep, or a weight's data made a huge chunk."""
    if rng.random() < 0.5:
        return _mutate_bytes(data, rng)
    path = folder / f"h5-{rng.randrange(10**9)}.h5"
    path.write_bytes(data)
    with h5py.File(path, "r+") as h5:
        names = []
        h5.visititems(lambda name, obj: names.append(name)
                      if isinstance(obj, h5py.Dataset) else None)
        name = rng.choice(names)
        value = h5[name][()]
        del h5[name]
        choice = rng.randrange(5)
        if choice == 0:
            h5.create_dataset(name, data=np.zeros((value.size + 1,), value.dtype))
        elif choice == 1:
            ds = h5.create_dataset(name, shape=value.shape, maxshape=(None,) * value.ndim,
                                   chunks=(1024,) * value.ndim, dtype=value.dtype,
                                   compression=rng.choice(["gzip", "lzf"]))
            ds[...] = value
        elif choice == 2:
            h5.create_dataset(name, data=value.astype(rng.choice(["float64", "int8", "S4"])))
        elif choice == 3:
            h5.create_dataset(name, data=value)
            group = h5.require_group(name.rsplit("/", 2)[0])
            for _ in range(rng.choice([5, 80])):
                group = group.create_group("cell")
            group.create_group("vars").create_dataset("0", data=np.ones(2))
        else:
            ds = h5.create_dataset(name, shape=value.shape, chunks=value.shape or None,
                                   dtype=value.dtype, compression="gzip")
            if value.shape:
                ds.id.write_direct_chunk((0,) * value.ndim, zlib.compress(bytes(8 * 1024**2)))
    return path.read_bytes()


def _mutate_tar(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.4:
        return _mutate_bytes(data, rng)
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar, \
            tarfile.open(fileobj=out, mode="w:gz") as new:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
        k = rng.randrange(len(members))
        for i, (member, content) in enumerate(members):
            if i == k:
                content = _pickle_mutation(content, rng)
                member.size = len(content)
            new.addfile(member, io.BytesIO(content))
            if i == k and rng.random() < 0.3:
                new.addfile(member, io.BytesIO(content))  # the member twice
    return out.getvalue()


def _mutate_gzip(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        return _mutate_bytes(data, rng)
    raw = bytearray(gzip.decompress(data))
    at = rng.randrange(16)
    raw[at] = rng.randrange(256)
    return gzip.compress(bytes(raw) + bytes(rng.choice([0, 784, 10**6])))


# ----------------------------------------------------------------------------- loads


def _load(kind: str, path: Path):
    if kind in ("numnet", "keras"):
        return numnet.models.load_model(path)
    if kind == "h5":
        model = numnet.Sequential([layers.Input((3,)), layers.Dense(4, activation="relu"),
                                   layers.BatchNormalization(), layers.Dense(2)])
        return model.load_weights(path)
    if kind == "imdb":
        return imdb.load_data(path=path)
    if kind == "mnist":
        return mnist.load_data(path=path)
    if kind == "cifar":
        return cifar10.load_data(path)
    if kind == "csv":
        from numnet.tools.tabular_read import read_table

        return read_table(path)
    folder = path.parent / f"fashion-{path.stem}"
    folder.mkdir()
    labels = gzip.compress(struct.pack(">II", 2049, 2) + bytes([3, 7]))
    for name in fashion_mnist.FILES:  # the images mutated, the labels genuine
        (folder / name).write_bytes(path.read_bytes() if "images" in name else labels)
    return fashion_mnist.load_data(folder)


DOCUMENTED = {"numnet": "ModelFileError", "keras": "ModelFileError", "h5": "ModelFileError",
              "imdb": "DatasetFileError", "mnist": "DatasetFileError",
              "cifar": "DatasetFileError", "idx": "DatasetFileError", "csv": "DataError"}
SUFFIX = {"numnet": ".numnet", "keras": ".keras", "h5": ".weights.h5", "imdb": ".npz",
          "mnist": ".npz", "cifar": ".tar.gz", "idx": ".gz", "csv": ".csv"}


def _run_cases(kind: str, genuine: bytes, folder: Path, seed: int, count: int) -> list:
    """In the child: each mutated file loaded; [(case, outcome, seconds, peak bytes)] for the
    cases that broke the rules."""
    rng = random.Random(seed)
    broken = []
    for case in range(count):
        if kind in ("numnet", "keras", "imdb", "mnist"):
            data = _mutate_zip(genuine, rng) if rng.random() < 0.8 else \
                _mutate_bytes(genuine, rng)
        elif kind == "h5":
            data = _mutate_h5(genuine, rng, folder)
        elif kind == "cifar":
            data = _mutate_tar(genuine, rng)
        elif kind == "csv":
            data = _mutate_csv(genuine, rng)
        else:
            data = _mutate_gzip(genuine, rng)
        path = folder / f"{kind}-{seed}-{case}{SUFFIX[kind]}"
        path.write_bytes(data)
        tracemalloc.start()
        start = time.perf_counter()
        try:
            _load(kind, path)
            outcome = "ok"
        except Exception as err:  # noqa: BLE001 - the kind of error is what is checked
            names = [c.__name__ for c in type(err).__mro__]
            outcome = "documented" if DOCUMENTED[kind] in names else \
                f"{type(err).__name__}: {str(err)[:300]}"
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if outcome not in ("ok", "documented") or elapsed > SECONDS or peak > PEAK:
            broken.append((case, outcome, round(elapsed, 2), peak, path.name))
    return broken


def _child(kind, genuine, folder, seed, count, report: Path):
    report.write_text(json.dumps(_run_cases(kind, genuine, folder, seed, count)))


@pytest.fixture(scope="module")
def genuine(tmp_path_factory):
    return _genuine(tmp_path_factory.mktemp("genuine"))


@pytest.mark.parametrize("kind", sorted(DOCUMENTED))
def test_mutated_files_load_or_raise_the_documented_error_within_bounds(kind, genuine,
                                                                          tmp_path):
    _load(kind, _write(tmp_path, kind, genuine[kind]))  # the genuine file loads
    report = tmp_path / "report.json"
    outcome = run_bounded(_child, kind, genuine[kind], tmp_path, 20261206, CASES, report,
                          seconds=max(60.0, CASES * SECONDS / 4))
    assert outcome == ("ok", None), f"the fuzzing child ended with {outcome}"
    broken = json.loads(report.read_text())
    assert not broken, f"{len(broken)} of {CASES} cases broke the rules, e.g. {broken[:5]}"


def _write(folder: Path, kind: str, data: bytes) -> Path:
    path = folder / f"genuine{SUFFIX[kind]}"
    path.write_bytes(data)
    return path
