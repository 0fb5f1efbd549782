"""Every reader of untrusted bytes ends within a time and memory bound and raises only its
documented error (ModelFileError for model files, DatasetFileError for dataset files): one test
per kind of file that once hung numnet, took gigabytes or leaked an internal exception.

Each hostile load runs in a forked child under a 20 s and 2 GiB (address space) limit
(tests/bounded.py), so that a regression fails the test instead of hanging or exhausting the
machine.
"""

from __future__ import annotations

import gzip
import io
import json
import pickle
import struct
import tarfile
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from bounded import GiB, run_bounded

import numnet
from numnet import layers
from numnet.datasets import _files, cifar10, imdb
from numnet.datasets._files import DatasetFileError, read_pickle
from numnet.saving import ModelFileError

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

KERAS = Path(__file__).resolve().parent / "data" / "keras"


def _refused(outcome, error="ModelFileError", match=None) -> str:
    """The outcome of run_bounded is the documented error (with ``match`` in its message)."""
    assert outcome[0] == "raised", outcome
    name, message, mro = outcome[1:]
    assert error in mro, f"{name}: {message}"
    if match is not None:
        import re

        assert re.search(match, message), message
    return message


def _members(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _zip(members: dict, path, method=zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return Path(path)


def _numnet_with(tmp_path, model, edit=None, replace=None, name="m.numnet") -> Path:
    """``model`` saved as .numnet, its config.json passed through ``edit``."""
    path = tmp_path / f"genuine-{name}"
    model.save(path)
    members = _members(path)
    if edit is not None:
        config = json.loads(members["config.json"])
        edit(config)
        members["config.json"] = json.dumps(config).encode()
    members.update(replace or {})
    return _zip(members, tmp_path / name)


def _keras_with(tmp_path, edit=None, replace=None, drop=(), name="m.keras") -> Path:
    members = _members(KERAS / "mlp.keras")
    if edit is not None:
        config = json.loads(members["config.json"])
        edit(config)
        members["config.json"] = json.dumps(config).encode()
    members.update(replace or {})
    for member in drop:
        members.pop(member)
    return _zip(members, tmp_path / name)


def _h5py():
    return pytest.importorskip("h5py", reason="Keras files hold their weights in HDF5")


# ----------------------------------------------------------------------------- 1. linear time


def _activations(n: int) -> dict:
    """The config.json "model" of a Sequential of an Input and ``n`` Activation layers."""
    layers_ = [{"class_name": "InputLayer",
                "config": {"batch_input_shape": [None, 3], "dtype": "float32", "name": "in"}}]
    layers_ += [{"class_name": "Activation", "config": {"name": f"a{i}", "activation": "relu"}}
                for i in range(n)]
    return {"class_name": "Sequential", "config": {"name": "deep", "layers": layers_}}


def test_a_sequential_of_3000_layers_loads_in_linear_time(tmp_path):
    model = numnet.Sequential([layers.Input((3,)), layers.Activation("relu")])
    path = _numnet_with(tmp_path, model, lambda c: c.update(model=_activations(3000)))
    start = time.perf_counter()
    outcome = run_bounded(numnet.models.load_model, path, seconds=20)
    assert outcome == ("ok", None), outcome
    assert time.perf_counter() - start < 20


def _chain_keras(path, n: int, reverse: bool) -> Path:
    """A Keras functional model of an Input and ``n`` Activation layers in a chain, its layers
    listed in order or in reverse."""
    h5py = _h5py()
    entries = [{"module": "keras.layers", "class_name": "InputLayer",
                "config": {"batch_shape": [None, 3], "dtype": "float32", "name": "in"},
                "registered_name": None, "name": "in", "inbound_nodes": []}]
    before = "in"
    for i in range(n):
        tensor = {"class_name": "__keras_tensor__", "config": {"keras_history": [before, 0, 0]}}
        entries.append({"module": "keras.layers", "class_name": "Activation",
                        "config": {"name": f"a{i}", "activation": "relu" if i % 2 else "tanh"},
                        "name": f"a{i}", "inbound_nodes": [{"args": [tensor], "kwargs": {}}]})
        before = f"a{i}"
    config = {"module": "keras.src.models.functional", "class_name": "Functional",
              "config": {"name": "chain", "trainable": True,
                         "layers": entries[::-1] if reverse else entries,
                         "input_layers": [["in", 0, 0]], "output_layers": [[before, 0, 0]]}}
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5:
        h5.create_group("layers")
        h5.create_group("vars")
    return _zip({"config.json": json.dumps(config),
                 "metadata.json": json.dumps({"keras_version": "3.15.1"}),
                 "model.weights.h5": weights.getvalue()}, path)


def test_a_functional_model_listed_in_reverse_loads_in_one_pass(tmp_path):
    x = np.linspace(-2, 2, 12, dtype="float32").reshape(4, 3)
    forward = numnet.models.load_model(_chain_keras(tmp_path / "f.keras", 40, False))
    backward = numnet.models.load_model(_chain_keras(tmp_path / "b.keras", 40, True))
    expected = x
    for i in range(40):  # a0 tanh, a1 relu, a2 tanh, ...
        expected = np.maximum(expected, 0) if i % 2 else np.tanh(expected)
    for model in (forward, backward):
        assert [layer.name for layer in model.layers[1:]] == [f"a{i}" for i in range(40)]
        np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)
    # 8,000 layers in reverse: one pass per layer made this quadratic (hours)
    path = _chain_keras(tmp_path / "long.keras", 8000, True)
    assert run_bounded(numnet.models.load_model, path, seconds=20) == ("ok", None)


def test_more_than_ten_thousand_layers_are_refused_before_building_them(tmp_path):
    model = numnet.Sequential([layers.Input((3,)), layers.Activation("relu")])
    path = _numnet_with(tmp_path, model, lambda c: c.update(model=_activations(10_001)))
    outcome = run_bounded(numnet.models.load_model, path, seconds=20)
    _refused(outcome, match=r"model\.config\.layers\[10000\]: more than 10000 layers")


# ----------------------------------------------------------------------------- 2. shared refs


def _laughs(depth: int) -> bytes:
    """A pickle of a list holding two references to a list holding two references to ...,
    ``depth`` levels: ~8 bytes a level, 2**depth leaves once expanded."""
    value: list = [1]
    for _ in range(depth):
        value = [value, value]
    return pickle.dumps(value, protocol=2)


def test_a_billion_laughs_pickle_is_refused_without_expanding_it():
    data = _laughs(40)
    assert len(data) < 400
    small = read_pickle(_laughs(2), "test")
    assert small == [[[1], [1]], [[1], [1]]]
    assert small[0] is small[1]  # shared as pickle shares it, not copied
    outcome = run_bounded(read_pickle, data, "imdb.load_data", seconds=20)
    _refused(outcome, "DatasetFileError", r"imdb\.load_data: .*shared references that expand "
                                          r"to more than \d+ values")


def test_a_billion_laughs_inside_an_npz_is_refused(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|O", "fortran_order": False,
                                                  "shape": (40,)})
    path = _zip({"x.npy": header.getvalue() + _laughs(40)}, tmp_path / "laughs.npz")
    outcome = run_bounded(_files.read_npz, path, "imdb.load_data", seconds=20)
    _refused(outcome, "DatasetFileError", "expand to more than")


# ----------------------------------------------------------------------------- 3. the budget


def test_an_embedding_given_weights_in_its_config_is_checked_before_allocating(tmp_path):
    model = numnet.Sequential([layers.Input((2,)), layers.Embedding(4, 3)])

    def huge(config):
        entry = config["model"]["config"]["layers"][1]["config"]
        entry.update(input_dim=30000, output_dim=30000, weights=[[0.0]])

    path = _numnet_with(tmp_path, model, huge)
    _refused(run_bounded(numnet.models.load_model, path),
             match=r"layers\[1\].*Embedding\(weights\): expected one array of shape .*30000")

    def keras_huge(config):
        config["config"]["layers"][1] = {
            "module": "keras.layers", "class_name": "Embedding",
            "config": {"name": "e", "input_dim": 30000, "output_dim": 30000,
                       "weights": [[0.0]]}, "registered_name": None}

    path = _keras_with(tmp_path, keras_huge)
    _refused(run_bounded(numnet.models.load_model, path), match=r"Embedding\(weights\)")


@numnet.saving.register_serializable(package="bounded")
def doubled(x):
    return x * 2


def test_a_lambda_after_a_huge_input_is_refused_before_probing(tmp_path):
    x = layers.Input((3,))
    model = numnet.Model(x, layers.Lambda(doubled)(x))
    path = _numnet_with(tmp_path, model)
    np.testing.assert_allclose(numnet.models.load_model(path).predict(np.ones((1, 3)),
                                                                      verbose=0), 2.0)

    def huge(config):
        config["model"]["config"]["layers"][0]["config"]["shape"] = [40000, 40000]

    path = _numnet_with(tmp_path, model, huge)
    _refused(run_bounded(numnet.models.load_model, path),
             match=r"zero sample of shape \(40000, 40000\).*output_shape")


def test_a_normalization_after_a_huge_input_allocates_nothing_of_its_size(tmp_path):
    model = numnet.Sequential([layers.Input((3,)), layers.Normalization(mean=1.0, variance=4.0)])

    def huge(config):
        config["model"]["config"]["layers"][0]["config"]["shape"] = [600_000_000]

    path = _numnet_with(tmp_path, model, huge)
    assert run_bounded(numnet.models.load_model, path, memory=GiB // 2) == ("ok", None)
    np.testing.assert_allclose(numnet.models.load_model(_numnet_with(tmp_path, model)).predict(
        np.full((1, 3), 5.0, "float32"), verbose=0), 2.0)


def test_the_budget_counts_the_bytes_really_in_each_member(tmp_path):
    model = numnet.Sequential([layers.Input((3,)), layers.Dense(2)])

    def declare(config):  # 22000 x 22000 floats declared for the 24-byte kernel member
        config["model"]["config"]["layers"][1]["config"]["units"] = 22000
        config["weights"][0]["variables"][0]["shape"] = [22000, 22000]

    path = _numnet_with(tmp_path, model, declare)
    assert path.stat().st_size < 3000
    _refused(run_bounded(numnet.models.load_model, path),
             match=r"weights\[0\]\.variables\[0\]: declares float32 of shape \(22000, 22000\), "
                   r"but 'weights/\d+\.npy' holds float32 of shape \(3, 2\)")


def _chunk_bomb(path, chunk_mib: int = 256) -> Path:
    """A .weights.h5 for Dense(3) on 2 inputs whose bias (shape (3,), resizable) is stored as
    one gzip chunk of ``chunk_mib`` MiB, ~0.1 % of that on disk."""
    h5py = _h5py()
    count = chunk_mib * 1024**2 // 4
    deflate = zlib.compressobj(9)
    block = bytes(1024**2)
    stored = b"".join(deflate.compress(block) for _ in range(chunk_mib)) + deflate.flush()
    with h5py.File(path, "w") as h5:
        group = h5.create_group("layers/dense/vars")
        group.create_dataset("0", data=np.ones((2, 3), "float32"))
        bias = group.create_dataset("1", shape=(3,), maxshape=(None,), chunks=(count,),
                                    dtype="float32", compression="gzip")
        bias.id.write_direct_chunk((0,), stored)
        h5.create_group("vars")
    return Path(path)


def test_an_h5_chunk_far_larger_than_its_dataset_is_refused_before_reading(tmp_path):
    model = numnet.Sequential([layers.Input((2,)), layers.Dense(3)])
    path = _chunk_bomb(tmp_path / "bomb.weights.h5")
    assert path.stat().st_size < 2 * 1024**2
    _refused(run_bounded(numnet.saving.load_weights, model, path, max_bytes=1024**2),
             match=r"/layers/dense/vars/1: stored in chunks of shape \(67108864,\)")

    h5py = _h5py()  # gzip in chunks no larger than the data still loads
    fine = tmp_path / "fine.weights.h5"
    with h5py.File(fine, "w") as h5:
        group = h5.create_group("layers/dense/vars")
        group.create_dataset("0", data=np.full((2, 3), 0.5, "float32"), chunks=(1, 3),
                             compression="gzip", shuffle=True, fletcher32=True)
        group.create_dataset("1", data=np.arange(3, dtype="float32"), compression="gzip")
        h5.create_group("vars")
    model.load_weights(fine)
    np.testing.assert_array_equal(model.get_weights()[1], [0, 1, 2])
    np.testing.assert_array_equal(model.get_weights()[0], np.full((2, 3), 0.5))


def test_a_deflated_chunk_that_inflates_past_its_size_is_refused(tmp_path):
    h5py = _h5py()
    model = numnet.Sequential([layers.Input((2,)), layers.Dense(3)])
    path = tmp_path / "liar.weights.h5"
    with h5py.File(path, "w") as h5:
        group = h5.create_group("layers/dense/vars")
        group.create_dataset("0", data=np.ones((2, 3), "float32"))
        bias = group.create_dataset("1", shape=(3,), chunks=(3,), dtype="float32",
                                    compression="gzip")
        bias.id.write_direct_chunk((0,), zlib.compress(bytes(64 * 1024**2)))
        h5.create_group("vars")
    _refused(run_bounded(model.load_weights, path),
             match=r"/layers/dense/vars/1: chunk 0 .* inflates to more bytes, not the 12")


# ----------------------------------------------------------------------------- 4. dataset caps


def _npz(path, arrays: dict, method=zipfile.ZIP_DEFLATED) -> Path:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with zipfile.ZipFile(buffer) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    return _zip(members, path, method)


def test_an_npz_header_declaring_a_hundred_billion_floats_is_refused(tmp_path):
    members = _members(_npz(tmp_path / "genuine.npz", {"y_train": np.zeros(3, "float32")}))
    members["y_train.npy"] = members["y_train.npy"].replace(b"(3,)", b"(100000000000,)")
    path = _zip(members, tmp_path / "imdb.npz")
    outcome = run_bounded(imdb.load_data, path=path)
    _refused(outcome, "DatasetFileError",
             r"member 'y_train\.npy': the npy header declares shape \(100000000000,\)")


def test_an_npz_deflate_bomb_is_refused_without_inflating_it(tmp_path):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("x_train.npy", "w", force_zip64=True) as out:
            np.lib.format.write_array_header_1_0(out, {"descr": "<f4", "fortran_order": False,
                                                       "shape": (128 * 1024**2 // 4,)})
            for _ in range(128):
                out.write(bytes(1024**2))
    assert path.stat().st_size < 1024**2
    _refused(run_bounded(imdb.load_data, path=path), "DatasetFileError",
             r"member 'x_train\.npy' declares \d+ bytes from \d+ compressed .* decompression bomb")


class _Zeros(io.RawIOBase):
    def __init__(self, n: int):
        self.left = n

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n


def test_a_cifar_tar_gz_bomb_is_refused_after_bounded_work(tmp_path):
    path = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        info = tarfile.TarInfo("cifar-10-batches-py/readme")
        info.size = 300 * 1024**2
        tar.addfile(info, io.BufferedReader(_Zeros(info.size)))
    assert path.stat().st_size < 3 * 1024**2
    _refused(run_bounded(cifar10.load_data, path), "DatasetFileError",
             r"expands to more than 100 times its compressed size")

    big = tmp_path / "big.tar.gz"  # a batch declaring more than a batch holds
    with tarfile.open(big, "w:gz", compresslevel=1) as tar:
        info = tarfile.TarInfo("cifar-10-batches-py/data_batch_1")
        info.size = 300 * 1024**2
        tar.addfile(info, io.BufferedReader(_Zeros(info.size)))
    _refused(run_bounded(cifar10.load_data, big), "DatasetFileError",
             r"member 'cifar-10-batches-py/data_batch_1' declares 314572800 bytes")


def test_a_word_index_that_never_ends_is_refused(tmp_path):
    endless = tmp_path / "imdb_word_index.json"
    endless.symlink_to("/dev/zero")
    _refused(run_bounded(imdb.get_word_index, endless), "DatasetFileError",
             r"expands to more than 16777216 bytes")


def test_a_cached_file_that_never_ends_is_refused_while_hashing(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "imdb.npz").symlink_to("/dev/zero")
    _refused(run_bounded(imdb.load_data, seconds=20), "DatasetFileError",
             r"imdb\.npz' holds more than 1073741824 bytes")


# ----------------------------------------------------------------------------- 5. recursion


def _nested(depth: int):
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def test_configs_nested_600_deep_are_refused_naming_the_field(tmp_path):
    model = numnet.Sequential([layers.Input((3,)), layers.Dense(2)])

    def deep(config):
        config["model"]["config"]["layers"][1]["config"]["kernel_initializer"] = _nested(600)

    _refused(run_bounded(numnet.models.load_model, _numnet_with(tmp_path, model, deep)),
             match=r"config\.json: .*kernel_initializer(\.a)+: nested more than 64 levels deep")

    def keras_deep(config):
        config["config"]["layers"][1]["config"]["bias_initializer"] = _nested(600)

    _refused(run_bounded(numnet.models.load_model, _keras_with(tmp_path, keras_deep)),
             match=r"bias_initializer(\.a)+: nested more than 64")

    def compile_deep(config):
        config["compile_config"]["loss"] = _nested(600)

    _refused(run_bounded(numnet.models.load_model, _keras_with(tmp_path, compile_deep)),
             match=r"compile_config\.loss(\.a)+: nested more than 64")


def test_self_referencing_and_deep_pickles_are_refused():
    looped = b"\x80\x02]q\x00h\x00a."  # a list that holds itself
    _refused(run_bounded(read_pickle, looped, "test"), "DatasetFileError", "contains itself")
    deep = b"\x80\x02" + b"]" * 5000 + b"a" * 4999 + b"."
    _refused(run_bounded(read_pickle, deep, "test"), "DatasetFileError",
             "nested more than 100 deep")
    assert read_pickle(b"\x80\x02" + b"]" * 50 + b"a" * 49 + b".", "test") is not None


# ----------------------------------------------------------------------------- 6. overflow


def test_an_iteration_count_beyond_int64_is_refused_naming_it(tmp_path):
    model = numnet.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile("sgd", "mse")
    model.train_on_batch(np.ones((2, 3)), np.ones((2, 2)))

    def overflow(config):
        config["optimizer_state"].update(iterations=2**70, step=2**70)

    _refused(run_bounded(numnet.models.load_model, _numnet_with(tmp_path, model, overflow)),
             match=r"optimizer_state\.(step|iterations): an integer of 71 bits is outside the "
                   "range")


def test_an_h5_superblock_address_beyond_int64_is_refused(tmp_path):
    h5py = _h5py()
    members = _members(KERAS / "mlp.keras")
    weights = bytearray(members["model.weights.h5"])
    assert weights[:8] == b"\x89HDF\r\n\x1a\n" and weights[8] == 0  # superblock version 0
    weights[48:56] = struct.pack("<Q", 2**63 + 16)  # the driver information block's address
    path = _keras_with(tmp_path, replace={"model.weights.h5": bytes(weights)})
    _refused(run_bounded(numnet.models.load_model, path), match=r"model\.weights\.h5")
    assert h5py is not None


def test_a_pickled_array_of_2_to_the_70_items_is_refused():
    data = pickle.dumps(np.zeros(3, "float32"), protocol=2)
    shape = b"K\x03\x85"  # BININT1 3, TUPLE1: the shape (3,)
    assert data.count(shape) == 1
    huge = data.replace(shape, b"\x8a\x09" + (2**70).to_bytes(9, "little") + b"\x85")
    _refused(run_bounded(read_pickle, huge, "test"), "DatasetFileError",
             "an array with an invalid shape or dtype")


def _cifar(path, data) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name in cifar10.TRAIN + cifar10.TEST:
            batch = pickle.dumps({b"data": data, b"labels": [1]}, protocol=2)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(batch)
            tar.addfile(info, io.BytesIO(batch))
    return Path(path)


def test_cifar_pixel_values_outside_a_byte_are_refused(tmp_path):
    good = _cifar(tmp_path / "good.tar.gz", np.full((1, 3072), 255, np.uint8))
    (x, y), _ = cifar10.load_data(good)
    assert x.shape == (5, 32, 32, 3) and x.max() == 255 and y.tolist() == [[1]] * 5
    bad = _cifar(tmp_path / "bad.tar.gz", np.full((1, 3072), 300, np.int64))
    _refused(run_bounded(cifar10.load_data, bad), "DatasetFileError",
             r"'data' holds int64 values from 300 to 300; expected uint8 pixels")
    listed = _cifar(tmp_path / "list.tar.gz", [300] * 3072)
    _refused(run_bounded(cifar10.load_data, listed), "DatasetFileError", "expected uint8")


# ----------------------------------------------------------------------------- 8. and the rest


def test_a_5000_digit_keras_version_is_refused(tmp_path):
    path = _keras_with(tmp_path, replace={"metadata.json": json.dumps(
        {"keras_version": "9" * 5000 + ".0"})})
    _refused(run_bounded(numnet.models.load_model, path),
             match=r"metadata\.json: keras_version: 9{20}\.\.\. is not a version")


def test_a_keras_file_without_its_weights_says_so(tmp_path):
    _h5py()
    path = _keras_with(tmp_path, drop=("model.weights.h5",))
    with pytest.raises(ModelFileError, match=r"model\.weights\.h5: missing: a Keras \.keras "
                                             r"file holds its weights"):
        numnet.models.load_model(path)


def test_a_gzip_bomb_in_fashion_mnist_is_refused(tmp_path):
    from numnet.datasets import fashion_mnist

    for name in fashion_mnist.FILES:
        with gzip.open(tmp_path / name, "wb", compresslevel=1) as f:
            for _ in range(80):
                f.write(bytes(1024**2))
    _refused(run_bounded(fashion_mnist.load_data, tmp_path), "DatasetFileError",
             "expands to more than 67108864 bytes")


def test_a_failing_reader_never_leaks_its_own_exception(tmp_path):
    """Damaged zip directories, h5 files and npz members, each mapped to the documented error
    with the file named."""
    for data in (b"PK\x05\x06" + b"\xff" * 18, b"PK\x03\x04" + b"\x00" * 40):
        path = tmp_path / "z.numnet"
        path.write_bytes(data)
        _refused(run_bounded(numnet.models.load_model, path), match=str(path))
    npz = tmp_path / "d.npz"
    npz.write_bytes(b"PK\x03\x04garbage")
    _refused(run_bounded(imdb.load_data, path=npz), "DatasetFileError", "not a readable .npz")
    with pytest.raises(DatasetFileError):
        _files.read_npz(npz, "test")
