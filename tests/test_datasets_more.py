"""The keras.datasets loaders beyond mnist, on small files written here in Keras's formats:
shapes, dtypes, Keras's splits and sequence rules, downloads (checked before they reach the cache),
and files that are refused without any of their content running."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pickle
import tarfile
import urllib.request
import zipfile

import numpy as np
import pytest

import numnet
from numnet.datasets import (
    DatasetFileError,
    _files,
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    reuters,
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty Keras home, and no network: any download attempt fails."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def offline(*args, **kwargs):
        raise urllib.request.URLError("network is unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    return tmp_path / "keras" / "datasets"


def _objects(lists):
    out = np.empty(len(lists), dtype=object)
    out[:] = lists
    return out


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- boston_housing ----------------------------------------------------------------------------

def test_boston_housing_split_is_keras_shuffle_then_cut(tmp_path):
    x = np.arange(50 * 13, dtype="float64").reshape(50, 13)
    y = np.arange(50, dtype="float64") + 0.5
    np.savez(tmp_path / "b.npz", x=x, y=y)
    (xt, yt), (xv, yv) = boston_housing.load_data(tmp_path / "b.npz", test_split=0.3, seed=7)
    order = np.arange(50)
    np.random.RandomState(7).shuffle(order)
    assert xt.shape == (35, 13) and xv.shape == (15, 13) and xt.dtype == np.float64
    np.testing.assert_array_equal(xt, x[order[:35]])
    np.testing.assert_array_equal(yv, y[order[35:]])
    with pytest.raises(ValueError, match=r"test_split.*\[0, 1\).*given 1\.0"):
        boston_housing.load_data(tmp_path / "b.npz", test_split=1.0)


def test_california_housing_split_is_keras_shuffle_then_cut_and_small_is_600_rows(tmp_path):
    x = np.arange(700 * 8, dtype="float32").reshape(700, 8)
    y = np.arange(700, dtype="float32") * 1000.0
    np.savez(tmp_path / "c.npz", x=x, y=y)
    (xt, yt), (xv, yv) = california_housing.load_data(path=tmp_path / "c.npz", seed=3)
    order = np.arange(700)
    np.random.RandomState(3).shuffle(order)
    assert xt.shape == (560, 8) and xv.shape == (140, 8) and xt.dtype == np.float32
    np.testing.assert_array_equal(xt, x[order[:560]])
    np.testing.assert_array_equal(yv, y[order[560:]])
    (xt, yt), (xv, yv) = california_housing.load_data("small", tmp_path / "c.npz",
                                                      test_split=0.25)
    order = np.arange(600)
    np.random.RandomState(113).shuffle(order)
    assert len(xt) == 450 and len(xv) == 150 and yt.max() < 600 * 1000.0
    np.testing.assert_array_equal(yt, y[order[:450]])
    with pytest.raises(ValueError, match=r"version.*'small'.*given 'medium'"):
        california_housing.load_data("medium", tmp_path / "c.npz")
    with pytest.raises(ValueError, match=r"test_split.*given -0\.1"):
        california_housing.load_data(path=tmp_path / "c.npz", test_split=-0.1)


def test_california_housing_from_the_cache_must_match_the_published_hash(home):
    home.mkdir(parents=True)
    np.savez(home / "california_housing.npz", x=np.zeros((4, 8)), y=np.zeros(4))
    with pytest.raises(DatasetFileError, match=r"sha256 .*expected Keras's published 1a2e3a52"):
        california_housing.load_data()
    assert numnet.datasets.california_housing is california_housing


def test_boston_housing_from_the_cache_must_match_the_published_hash(home):
    home.mkdir(parents=True)
    np.savez(home / "boston_housing.npz", x=np.zeros((4, 13)), y=np.zeros(4))
    with pytest.raises(DatasetFileError, match=r"sha256 .*expected Keras's published f553886a"):
        boston_housing.load_data()


def test_no_network_names_the_url_the_cache_path_and_path(home):
    with pytest.raises(ConnectionError) as err:
        boston_housing.load_data()
    message = str(err.value)
    assert f"{_files.ORIGIN}boston_housing.npz" in message
    assert str(home / "boston_housing.npz") in message and "path=" in message
    assert not home.exists() or list(home.iterdir()) == []


# ---- downloads ---------------------------------------------------------------------------------

def test_download_from_a_file_url_lands_in_the_cache_after_its_hash_checks(home, tmp_path,
                                                                            monkeypatch):
    monkeypatch.undo()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    source = tmp_path / "origin"
    source.mkdir()
    x = np.arange(20 * 13, dtype="float64").reshape(20, 13)
    np.savez(source / "boston_housing.npz", x=x, y=np.arange(20.0))
    monkeypatch.setattr(_files, "ORIGIN", source.as_uri() + "/")
    monkeypatch.setattr(boston_housing, "ORIGIN", source.as_uri() + "/")
    monkeypatch.setattr(boston_housing, "SHA256", _sha256(source / "boston_housing.npz"))
    (xt, _), (xv, _) = boston_housing.load_data()
    assert xt.shape == (16, 13) and xv.shape == (4, 13)
    assert sorted(p.name for p in home.iterdir()) == ["boston_housing.npz"]


def test_a_corrupted_download_leaves_nothing_in_the_cache(home, monkeypatch):
    served = []

    def corrupted(url, timeout=None):
        served.append(url)
        return io.BytesIO(b"not the file Keras published")

    monkeypatch.setattr(urllib.request, "urlopen", corrupted)
    with pytest.raises(DatasetFileError, match="sha256"):
        imdb.load_data()
    assert served == ["https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"]
    assert list(home.iterdir()) == []


def test_fashion_mnist_download_is_checked_by_format(home, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda url, timeout=None: io.BytesIO(gzip.compress(b"\0" * 40)))
    with pytest.raises(DatasetFileError, match="not an IDX file"):
        fashion_mnist.load_data()
    assert list((home / "fashion-mnist").iterdir()) == []


# ---- fashion_mnist -----------------------------------------------------------------------------

def _idx(folder, name, array):
    magic = 2049 if array.ndim == 1 else 2051
    header = magic.to_bytes(4, "big") + len(array).to_bytes(4, "big")
    if array.ndim == 3:
        header += (28).to_bytes(4, "big") * 2
    (folder / name).write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def test_fashion_mnist_reads_keras_cache(home):
    folder = home / "fashion-mnist"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    x, xt = rng.integers(0, 256, (6, 28, 28)), rng.integers(0, 256, (3, 28, 28))
    _idx(folder, "train-images-idx3-ubyte.gz", x)
    _idx(folder, "train-labels-idx1-ubyte.gz", np.array([0, 1, 2, 3, 4, 9]))
    _idx(folder, "t10k-images-idx3-ubyte.gz", xt)
    _idx(folder, "t10k-labels-idx1-ubyte.gz", np.array([5, 6, 7]))
    (a, b), (c, d) = numnet.keras.datasets.fashion_mnist.load_data()
    assert a.shape == (6, 28, 28) and a.dtype == np.uint8 and c.shape == (3, 28, 28)
    np.testing.assert_array_equal(a, x)
    np.testing.assert_array_equal(c, xt)
    assert b.tolist() == [0, 1, 2, 3, 4, 9] and d.tolist() == [5, 6, 7] and d.dtype == np.uint8
    (a2, _), _ = fashion_mnist.load_data(path=folder)
    np.testing.assert_array_equal(a2, a)


# ---- imdb and reuters ----------------------------------------------------------------------------

TRAIN = [[1, 2, 3], [4, 5], [1, 1, 1, 1, 6], [7], [2, 8, 2]]
TEST = [[9, 1], [3, 3, 3, 3, 3, 3], [10], [2, 4]]


def _imdb_file(path):
    np.savez(path, x_train=_objects(TRAIN), y_train=np.array([0, 1, 0, 1, 1]),
             x_test=_objects(TEST), y_test=np.array([1, 0, 0, 1]))
    return path


def _by_hand(seqs, labels, order, maxlen, start, index_from):
    """Keras's first rules (start_char, index_from, maxlen) over one set, in shuffled order."""
    out, kept = [], []
    for i in order:
        s = ([start] if start is not None else []) + [w + index_from for w in seqs[i]]
        if maxlen and len(s) >= maxlen:
            continue
        out.append(s)
        kept.append(labels[i])
    return out, kept


def _limit(seqs, num_words, skip_top, oov):
    top = num_words or max(max(s) for s in seqs)
    if oov is None:
        return [[w for w in s if skip_top <= w < top] for s in seqs]
    return [[w if skip_top <= w < top else oov for w in s] for s in seqs]


@pytest.mark.parametrize("kw", [
    {}, {"num_words": 8, "skip_top": 5}, {"maxlen": 5, "seed": 3},
    {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 6},
    {"start_char": 7, "oov_char": 0, "index_from": 10, "skip_top": 12},
])
def test_imdb_sequences_follow_keras_rules(tmp_path, kw):
    path = _imdb_file(tmp_path / "imdb.npz")
    (xt, yt), (xv, yv) = imdb.load_data(path=path, **kw)
    seed, maxlen = kw.get("seed", 113), kw.get("maxlen")
    start, oov = kw.get("start_char", 1), kw.get("oov_char", 2)
    index_from = kw.get("index_from", 3)
    rng = np.random.RandomState(seed)
    sets = []
    for seqs, labels in ((TRAIN, [0, 1, 0, 1, 1]), (TEST, [1, 0, 0, 1])):
        order = np.arange(len(seqs))
        rng.shuffle(order)
        sets.append(_by_hand(seqs, labels, order, maxlen, start, index_from))
    joined = _limit(sets[0][0] + sets[1][0], kw.get("num_words"), kw.get("skip_top", 0), oov)
    cut = len(sets[0][0])
    assert xt.dtype == object and xt.ndim == 1 and xv.ndim == 1
    assert [list(s) for s in xt] == joined[:cut] and [list(s) for s in xv] == joined[cut:]
    assert yt.tolist() == sets[0][1] and yv.tolist() == sets[1][1]


def test_imdb_num_words_none_makes_the_largest_index_oov_as_keras(tmp_path):
    (xt, _), (xv, _) = imdb.load_data(path=_imdb_file(tmp_path / "imdb.npz"))
    words = [w for s in list(xt) + list(xv) for w in s]
    assert 13 not in words and max(words) == 12  # 10 + index_from is the largest: it becomes 2


def test_imdb_maxlen_that_keeps_nothing_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="maxlen=2.*larger maxlen"):
        imdb.load_data(path=_imdb_file(tmp_path / "imdb.npz"), maxlen=2)


@pytest.mark.parametrize("kw", [{}, {"test_split": 0.5, "num_words": 9, "skip_top": 4,
                                     "maxlen": 6, "seed": 1}])
def test_reuters_shuffles_then_splits_as_keras(tmp_path, kw):
    seqs, labels = TRAIN + TEST, [3, 1, 4, 1, 5, 9, 2, 6, 5]
    np.savez(tmp_path / "reuters.npz", x=_objects(seqs), y=np.array(labels))
    (xt, yt), (xv, yv) = reuters.load_data(path=tmp_path / "reuters.npz", **kw)
    order = np.arange(9)
    np.random.RandomState(kw.get("seed", 113)).shuffle(order)
    out, kept = _by_hand(seqs, labels, order, kw.get("maxlen"), 1, 3)
    out = _limit(out, kw.get("num_words"), kw.get("skip_top", 0), 2)
    cut = int(len(out) * (1 - kw.get("test_split", 0.2)))
    assert [list(s) for s in xt] == out[:cut] and [list(s) for s in xv] == out[cut:]
    assert yt.tolist() == kept[:cut] and yv.tolist() == kept[cut:]


def test_object_arrays_written_with_every_pickle_protocol_are_parsed(tmp_path):
    for protocol in (2, 3, 4, 5):
        buffer = io.BytesIO()
        np.lib.format.write_array_header_1_0(buffer, {"descr": "|O", "fortran_order": False,
                                                      "shape": (len(TRAIN),)})
        pickle.dump(_objects(TRAIN), buffer, protocol=protocol)
        path = tmp_path / f"p{protocol}.npz"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("x.npy", buffer.getvalue())
            archive.writestr("y.npy", _npy(np.arange(5)))
        (xt, _), (xv, _) = reuters.load_data(path=path, test_split=0.4, seed=0)
        assert sorted(len(s) for s in list(xt) + list(xv)) == sorted(len(s) + 1 for s in TRAIN)


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_word_indexes_are_json_checked_against_keras_md5(home, tmp_path):
    (tmp_path / "wi.json").write_text(json.dumps({"the": 1, "and": 2}))
    assert imdb.get_word_index(tmp_path / "wi.json") == {"the": 1, "and": 2}
    home.mkdir(parents=True)
    (home / "reuters_word_index.json").write_text(json.dumps({"the": 1}))
    with pytest.raises(DatasetFileError, match=r"md5 .*4d44cc38712099c9e383dc6e5f11a921"):
        reuters.get_word_index()


# ---- cifar -------------------------------------------------------------------------------------

def _batch(n, labels_key, labels, seed, protocol=2):
    data = np.random.default_rng(seed).integers(0, 256, (n, 3072), dtype=np.uint8)
    batch = {b"batch_label": b"batch", labels_key: labels, b"data": data,
             b"filenames": [b"f.png"] * n}
    if labels_key == b"fine_labels":
        batch[b"coarse_labels"] = [label // 5 for label in labels]
    return pickle.dumps(batch, protocol=protocol), data


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_cifar10_from_keras_cache_archive(home, monkeypatch):
    home.mkdir(parents=True)
    members, images, labels = {}, [], []
    for i, name in enumerate(cifar10.TRAIN + cifar10.TEST):
        batch_labels = [(i + j) % 10 for j in range(3)]
        members[f"cifar-10-batches-py/{name}"], data = _batch(3, b"labels", batch_labels, i)
        images.append(data)
        labels.append(batch_labels)
    archive = home / "cifar-10-batches-py-target_archive"
    _tar(archive, members)
    monkeypatch.setattr(cifar10, "SHA256", _sha256(archive))
    (xt, yt), (xv, yv) = numnet.keras.datasets.cifar10.load_data()
    assert xt.shape == (15, 32, 32, 3) and xv.shape == (3, 32, 32, 3) and xt.dtype == np.uint8
    assert yt.shape == (15, 1) and yt.dtype == np.uint8 and yv.dtype == np.uint8
    expected = np.concatenate(images[:5]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(xt, expected)
    assert yt.ravel().tolist() == sum(labels[:5], []) and yv.ravel().tolist() == labels[5]


def test_cifar100_fine_and_coarse_from_an_unpacked_folder(tmp_path):
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    (folder / "train").write_bytes(_batch(4, b"fine_labels", [10, 20, 99, 0], 0, protocol=3)[0])
    test_bytes, test_data = _batch(2, b"fine_labels", [5, 7], 1, protocol=3)
    (folder / "test").write_bytes(test_bytes)
    (xt, yt), (xv, yv) = cifar100.load_data(path=tmp_path)
    assert xt.shape == (4, 32, 32, 3) and yt.shape == (4, 1) and yt.dtype == np.int64
    assert yt.ravel().tolist() == [10, 20, 99, 0]
    np.testing.assert_array_equal(xv, test_data.reshape(2, 3, 32, 32).transpose(0, 2, 3, 1))
    _, (_, coarse) = cifar100.load_data("coarse", path=folder)
    assert coarse.ravel().tolist() == [1, 1]
    with pytest.raises(ValueError, match=r"label_mode.*'fine' or 'coarse', given 'medium'"):
        cifar100.load_data("medium")


# ---- hostile files: refused, and nothing in them runs -----------------------------------------

class _Payload:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_tampered_cifar_archive_in_the_cache_is_refused_before_it_is_read(home, tmp_path):
    home.mkdir(parents=True)
    marker = tmp_path / "ran"
    _tar(home / "cifar-10-batches-py-target_archive",
         {"cifar-10-batches-py/data_batch_1": pickle.dumps(_Payload(marker), protocol=2)})
    with pytest.raises(DatasetFileError, match="expected Keras's published 6d958be0"):
        cifar10.load_data()
    assert not marker.exists()


@pytest.mark.parametrize("protocol", [2, 4])
def test_code_in_a_batch_or_object_array_is_refused_and_never_runs(tmp_path, protocol):
    marker = tmp_path / "ran"
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    hostile = pickle.dumps({b"data": _Payload(marker), b"labels": [1]}, protocol=protocol)
    for name in cifar10.TRAIN + cifar10.TEST:
        (folder / name).write_bytes(hostile)
    with pytest.raises(DatasetFileError, match=r"reference to (posix|os|nt)\.system.*never runs"):
        cifar10.load_data(path=folder)
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "|O", "fortran_order": False,
                                                  "shape": (1,)})
    buffer.write(pickle.dumps(_objects([_Payload(marker)]), protocol=protocol))
    with zipfile.ZipFile(tmp_path / "r.npz", "w") as archive:
        archive.writestr("x.npy", buffer.getvalue())
        archive.writestr("y.npy", _npy(np.arange(1)))
    with pytest.raises(DatasetFileError, match="system"):
        reuters.load_data(path=tmp_path / "r.npz")
    assert not marker.exists()


# ---- Keras itself, when it and its downloaded files are here -------------------------------------

def test_same_as_keras_when_keras_and_its_cached_files_are_present():
    if not (_files.cache_path("boston_housing.npz")).exists():
        pytest.skip("no boston_housing.npz in Keras's cache (tests never download)")
    try:
        from keras.datasets import boston_housing as keras_boston
    except Exception as err:  # keras needs a backend (tensorflow, jax or torch) to import
        pytest.skip(f"keras cannot be imported here: {type(err).__name__}: {err}")
    ours, theirs = boston_housing.load_data(seed=5), keras_boston.load_data(seed=5)
    for a, b in zip(np.concatenate([ours[0][0], ours[1][0]]),
                    np.concatenate([theirs[0][0], theirs[1][0]])):
        np.testing.assert_array_equal(a, b)


def test_mnist_reads_a_full_copy_from_keras_home_as_the_other_loaders_do(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    images = np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28)
    np.savez(tmp_path / "datasets" / "mnist.npz", x_train=images, y_train=np.array([1, 2, 3],
             np.uint8), x_test=images[:1], y_test=np.array([7], np.uint8))
    (x, y), (xt, yt) = numnet.datasets.mnist.load_data()
    np.testing.assert_array_equal(x, images)
    assert y.tolist() == [1, 2, 3] and yt.tolist() == [7] and xt.shape == (1, 28, 28)
    (x, _), _ = numnet.datasets.mnist.load_data(bundled=True)
    assert x.shape == (4000, 28, 28)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "elsewhere"))
    with pytest.raises(FileNotFoundError, match="elsewhere"):
        numnet.datasets.mnist.load_data(bundled=False)
