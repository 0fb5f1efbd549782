"""Reuters newswires, labelled over 46 topics: 11,228 wires, each a list of word indexes, words
ranked by frequency (1 = most frequent).

``load_data`` returns ((x_train, y_train), (x_test, y_test)) as Keras's does. All wires are
shuffled with ``np.random.RandomState(seed)``, rewritten with the rules given in
``numnet.datasets.imdb`` (start_char, index_from, maxlen, num_words, skip_top, oov_char), and
the first ``int(n * (1 - test_split))`` form the training set.

The file, ``reuters.npz``, holds the sequences as NumPy object arrays (pickle streams); numnet
parses them and never unpickles (see ``numnet.datasets.imdb``). A file from Keras's cache or a
download is also checked against Keras's published SHA-256.
"""

from __future__ import annotations

import os

import numpy as np

from ._files import ORIGIN, locate
from .imdb import _arrays, _objects, _offset, _shorter_than, _vocabulary, read_word_index

SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"


def load_data(path: str | os.PathLike = "reuters.npz", num_words: int | None = None,
              skip_top: int = 0, maxlen: int | None = None, test_split: float = 0.2,
              seed: int = 113, start_char: int | None = 1, oov_char: int | None = 2,
              index_from: int = 3):
    """((x_train, y_train), (x_test, y_test)).

    The arguments are imdb.load_data's (path Defaults to "reuters.npz"), and test_split: the
    fraction of wires kept for testing (Defaults to 0.2).
    """
    caller = "reuters.load_data"
    if not 0 <= test_split <= 1:
        raise ValueError(f"{caller}(test_split): expected a fraction in [0, 1], given "
                         f"{test_split!r}; 0.2 keeps a fifth of the wires for testing.")
    arrays = _arrays(locate(path, ORIGIN + "reuters.npz", caller, SHA256), caller, ("x", "y"))
    x, y = arrays["x"], arrays["y"]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    xs, labels = _offset(x[indices], start_char, index_from), y[indices]
    if maxlen:
        xs, labels = _shorter_than(maxlen, xs, labels)
        if not xs:
            raise ValueError(f"{caller}(maxlen): no wire is shorter than maxlen={maxlen}; give "
                             "a larger maxlen, or None to keep all.")
    xs = _vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    return ((_objects(xs[:cut]), np.array(labels[:cut])),
            (_objects(xs[cut:]), np.array(labels[cut:])))


def get_word_index(path: str | os.PathLike = "reuters_word_index.json") -> dict[str, int]:
    """The word -> rank dictionary (add ``index_from`` to a rank to get the index in the data).

    Read with json from ``path`` (a bare name: Keras's cache, downloaded there if missing and
    checked against the MD5 that Keras publishes for it).
    """
    return read_word_index(path, "reuters_word_index.json", WORD_INDEX_MD5,
                           "reuters.get_word_index")
