"""IMDB movie reviews, labelled by sentiment (1 positive, 0 negative): 25,000 for training and
25,000 for testing, each a list of word indexes, words ranked by frequency (1 = most frequent).

``load_data`` returns ((x_train, y_train), (x_test, y_test)) as Keras's does: x a 1-D object
array of lists of ints, y an int array. Each set is shuffled with one
``np.random.RandomState(seed)`` (training set first), then every sequence is rewritten as Keras
does it::

    [start_char] + [w + index_from for w in sequence]        (no start_char if it is None)
    sequences of length >= maxlen dropped                    (if maxlen)
    num_words = max index over both sets                     (if num_words is falsy)
    w -> oov_char unless skip_top <= w < num_words           (dropped instead if oov_char is None)

(As in Keras, with num_words=None the single largest index itself becomes ``oov_char``.)

The file, ``imdb.npz``, holds the sequences as NumPy object arrays, which NumPy stores as pickle
streams. numnet does not unpickle them: it parses the streams and accepts only arrays, lists
and numbers (see ``_files.read_pickle``); any other content is refused before it is used. A
file from Keras's cache or a download is also checked against Keras's published SHA-256.
"""

from __future__ import annotations

import json
import os

import numpy as np

from ._files import ORIGIN, DatasetFileError, locate, read_limited, read_npz

SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"
MAX_WORD_INDEX_BYTES = 16 * 1024**2
"""The most a word index may hold (IMDB's is 1.6 MB)."""


def load_data(path: str | os.PathLike = "imdb.npz", num_words: int | None = None,
              skip_top: int = 0, maxlen: int | None = None, seed: int = 113,
              start_char: int | None = 1, oov_char: int | None = 2, index_from: int = 3,
              **kwargs):
    """((x_train, y_train), (x_test, y_test)).

    path: a bare file name is looked up in Keras's cache folder (Defaults to "imdb.npz"); any
    other path is read as the user's own copy. num_words: keep the words ranked below it
    (Defaults to None: all). skip_top: also mark the top ranks out of vocabulary (Defaults to 0).
    maxlen: drop sequences of this length or longer (Defaults to None). seed: the shuffle's seed
    (Defaults to 113). start_char, oov_char, index_from: Default to 1, 2 and 3.
    """
    caller = "imdb.load_data"
    if kwargs:
        raise TypeError(f"{caller}: unexpected arguments {sorted(kwargs)}; the arguments are "
                        "path, num_words, skip_top, maxlen, seed, start_char, oov_char, "
                        "index_from.")
    arrays = _arrays(locate(path, ORIGIN + "imdb.npz", caller, SHA256), caller,
                     ("x_train", "y_train", "x_test", "y_test"))
    rng = np.random.RandomState(seed)
    sets = []
    for x, y in ((arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])):
        indices = np.arange(len(x))
        rng.shuffle(indices)
        xs, ys = _offset(x[indices], start_char, index_from), y[indices]
        if maxlen:
            xs, ys = _shorter_than(maxlen, xs, ys)
            if not xs:
                raise ValueError(f"{caller}(maxlen): no sequence is shorter than maxlen="
                                 f"{maxlen}; give a larger maxlen, or None to keep all.")
        sets.append((xs, ys))
    (x_train, y_train), (x_test, y_test) = sets
    xs = _vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    cut = len(x_train)
    return (_objects(xs[:cut]), labels[:cut]), (_objects(xs[cut:]), labels[cut:])


def get_word_index(path: str | os.PathLike = "imdb_word_index.json") -> dict[str, int]:
    """The word -> rank dictionary (add ``index_from`` to a rank to get the index in the data).

    Read with json from ``path`` (a bare name: Keras's cache, downloaded there if missing and
    checked against the MD5 that Keras publishes for it).
    """
    return read_word_index(path, "imdb_word_index.json", WORD_INDEX_MD5, "imdb.get_word_index")


def read_word_index(path, name: str, md5: str, caller: str) -> dict[str, int]:
    file = locate(path, ORIGIN + name, caller, md5)
    try:
        with open(file, "rb") as f:  # (read within a cap: the path may be a device or a pipe)
            index = json.loads(read_limited(f, MAX_WORD_INDEX_BYTES, repr(str(file)), caller))
    except DatasetFileError:
        raise
    except (OSError, ValueError, RecursionError) as err:
        raise DatasetFileError(f"{caller}: {str(file)!r} is not a JSON word index ({err}).") \
            from None
    if not isinstance(index, dict):
        raise DatasetFileError(f"{caller}: {str(file)!r} holds a {type(index).__name__}, "
                               "expected a JSON object of word -> index.")
    return index


def _arrays(file, caller: str, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    arrays = read_npz(file, caller)
    missing = [name for name in names if name not in arrays]
    if missing:
        raise DatasetFileError(f"{caller}: {str(file)!r} lacks the arrays {missing}; expected "
                               f"{list(names)}.")
    for x in (arrays[name] for name in names if name.startswith("x")):
        if x.ndim != 1 or not all(isinstance(s, list) and all(type(w) is int for w in s)
                                  for s in x):
            raise DatasetFileError(f"{caller}: {str(file)!r}: expected the sequences as a 1-D "
                                   "array of lists of integers.")
    for name in (name for name in names if name.startswith("x")):
        x, y = arrays[name], arrays["y" + name[1:]]
        if y.ndim != 1 or len(y) != len(x) or y.dtype.kind not in "biu":
            raise DatasetFileError(f"{caller}: {str(file)!r}: expected y{name[1:]} to hold one "
                                   f"integer label per sequence of {name} ({len(x)}), found "
                                   f"{y.dtype} of shape {y.shape}.")
    return arrays


def _offset(xs, start_char, index_from) -> list[list[int]]:
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    return [[w + index_from for w in x] for x in xs]


def _shorter_than(maxlen, xs, ys):
    kept = [i for i, x in enumerate(xs) if len(x) < maxlen]
    return [xs[i] for i in kept], [ys[i] for i in kept]


def _vocabulary(xs, num_words, skip_top, oov_char) -> list[list[int]]:
    if not num_words:
        num_words = max((max(x, default=0) for x in xs), default=0)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def _objects(xs: list) -> np.ndarray:
    """A 1-D object array of the lists (np.array would make a 2-D one of equal-length lists)."""
    out = np.empty(len(xs), dtype=object)
    out[:] = xs
    return out
