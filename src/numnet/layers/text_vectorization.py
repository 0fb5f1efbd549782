"""TextVectorization: strings to token indices or token counts, as Keras 3 defines it.

Each string goes through three steps, then a vocabulary look-up:

    standardize   "lower_and_strip_punctuation" (default), "lower", "strip_punctuation",
                  None, or a function of an array of strings
    split         "whitespace" (default), "character", None (the whole string is one token),
                  or a function of an array of strings giving each string's tokens
    ngrams        None, n (every k-gram for k = 1..n) or a tuple of widths; a k-gram is its
                  k tokens joined by one space
    look-up       output_mode "int": index 0 is padding, 1 the unknown token "[UNK]", then the
                  vocabulary; "multi_hot" / "count" / "tf_idf": a vector per string, index 0
                  "[UNK]" ("tf_idf": the counts times each token's inverse document
                  frequency, log(1 + documents / (1 + documents holding it)) from ``adapt``,
                  where each string is a document)

The vocabulary comes from ``adapt(data)`` (most frequent tokens first, ties broken by the
token, higher first, as Keras ranks them) or from ``vocabulary=``. The layer runs on the host
with NumPy: strings cannot live on a GPU, and no gradient flows through it.
"""

from __future__ import annotations

import re

import numpy as np

from .. import backend
from ..autodiff.tensor import Tensor
from .base import Layer
from .lookup import StringLookup, _host

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")
_MODES = ("int", "multi_hot", "count", "tf_idf")


def strings_array(values, encoding: str = "utf-8", where: str = "inputs") -> np.ndarray:
    """``values`` (a str, a list, an array of str / bytes / objects, a Tensor of objects) as a
    NumPy object array of ``str``, same shape."""
    array = _host(values)
    if array.dtype.kind == "S":
        array = np.char.decode(array, encoding)
    if array.dtype.kind not in "UO":
        raise TypeError(f"{where}: expected strings, given an array of dtype {array.dtype}.")
    flat = []
    for value in array.ravel().tolist():
        if isinstance(value, Tensor) and value.ndim == 0:  # a list of scalar string tensors
            value = value.numpy()
        if isinstance(value, bytes):
            value = value.decode(encoding)
        elif not isinstance(value, str):
            raise TypeError(f"{where}: expected strings, given {type(value).__name__} "
                            f"{value!r}.")
        flat.append(value)
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(array.shape)


def _ngrams(tokens: list, widths: tuple) -> list:
    """All k-grams of ``tokens`` for each k in ``widths``, widths in order (as
    tf.strings.ngrams with several widths)."""
    out = []
    for k in widths:
        out.extend(" ".join(tokens[i:i + k]) for i in range(len(tokens) - k + 1))
    return out


class TextVectorization(Layer):
    """Turn strings into sequences of token indices (or per-string token counts).

    Args:
        max_tokens: the most indices in all, the padding and "[UNK]" indices included;
            ``adapt`` keeps the most frequent tokens. Defaults to None (no limit).
        standardize: "lower_and_strip_punctuation", "lower", "strip_punctuation", None, or a
            function taking a NumPy array of ``str`` and returning one (``numnet.strings``
            has TensorFlow's ``lower`` and ``regex_replace`` for it). Lowering touches ASCII
            letters only, as TensorFlow's. Defaults to "lower_and_strip_punctuation".
        split: "whitespace", "character", None (no split), or a function taking the array
            of standardized strings and returning each string's tokens (a list of lists).
            Defaults to "whitespace".
        ngrams: None, an int n (k-grams for k = 1..n) or a tuple of widths. Defaults to None.
        output_mode: "int" (indices, shape (batch, length)), "multi_hot" or "count" (shape
            (batch, vocabulary_size())), int64 in each, as Keras's; or "tf_idf": the counts
            times each index's idf weight (floatx), ``log(1 + N / (1 + n))`` for a token found
            in n of the N strings ``adapt`` saw ("[UNK]" gets the mean weight). Defaults to
            "int".
        output_sequence_length: with "int", pad with 0 or cut every row to this length;
            None pads to the longest row of the batch. Defaults to None.
        pad_to_max_tokens: with "multi_hot" / "count" / "tf_idf", vectors of ``max_tokens``
            entries whatever the vocabulary's size. Defaults to False.
        vocabulary: a list of tokens (or a file with one a line) instead of ``adapt``.
            Defaults to None.
        idf_weights: with "tf_idf" and ``vocabulary``, one weight a token (required there).
            Defaults to None.
        ragged: with "int", a RaggedTensor of each string's token ids (no padding; cut to
            output_sequence_length when that is set) instead of a padded matrix. Defaults to
            False.
        encoding: how bytes inputs are decoded. Defaults to "utf-8".

    Input: a batch of strings, shape (batch,) or (batch, 1), or one string.

    Raises:
        ValueError: an unknown mode, ``output_sequence_length`` outside "int" mode, an input
            of shape (batch, k) with k > 1, ``idf_weights`` missing with a "tf_idf"
            vocabulary or given in another mode, ``ragged=True`` outside "int" mode.
        NotImplementedError: ``sparse=True``.

    Example::

        >>> layer = TextVectorization(output_sequence_length=4)
        >>> layer.adapt(["The cat sat.", "The dog."])
        >>> layer.get_vocabulary()
        ['', '[UNK]', 'the', 'sat', 'dog', 'cat']
        >>> layer(["the cat ran"]).numpy()
        array([[2, 5, 1, 0]])
        >>> layer = TextVectorization(output_mode="tf_idf")
        >>> layer.adapt(["the cat", "the dog"])  # idf: "the" log(1 + 2/3), the others log 2
        >>> layer.get_vocabulary()
        ['[UNK]', 'the', 'dog', 'cat']
        >>> layer(["the the cat"]).numpy().round(4)  # 2 log(5/3), 0, log 2
        array([[0.    , 1.0217, 0.    , 0.6931]], dtype=float32)
    """

    @property
    def input_dtype(self) -> str:
        """``"string"``: the layer takes text."""
        return "string"

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode: str = "int",
                 output_sequence_length=None, pad_to_max_tokens: bool = False,
                 vocabulary=None, idf_weights=None, sparse: bool = False, ragged: bool = False,
                 encoding: str = "utf-8", name=None, **kwargs):
        kwargs.pop("vocabulary_size", None)
        if output_mode == "binary":  # Keras 2's name
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        if output_mode not in _MODES:
            raise ValueError(f"TextVectorization(output_mode): expected one of {list(_MODES)}, "
                             f"given {output_mode!r}.")
        if sparse:
            raise NotImplementedError("TextVectorization(sparse=True): numnet has no sparse "
                                      "encodings; leave it False (the vectors are dense).")
        if ragged and output_mode != "int":
            raise ValueError(f"TextVectorization(ragged=True): only with output_mode='int' (a "
                             f"row of token ids a string), given output_mode={output_mode!r}.")
        if standardize is not None and not callable(standardize) \
                and standardize not in _STANDARDIZE:
            raise ValueError(f"TextVectorization(standardize): expected one of "
                             f"{list(_STANDARDIZE)}, None or a function, given "
                             f"{standardize!r}.")
        if split is not None and not callable(split) and split not in _SPLIT:
            raise ValueError(f"TextVectorization(split): expected one of {list(_SPLIT)}, None "
                             f"or a function, given {split!r}.")
        if isinstance(ngrams, bool) or not (
                ngrams is None or (isinstance(ngrams, int) and ngrams > 0) or (
                isinstance(ngrams, (tuple, list)) and ngrams
                and all(isinstance(k, int) and k > 0 for k in ngrams))):
            raise ValueError(f"TextVectorization(ngrams): expected None, a positive int or a "
                             f"tuple of positive ints, given {ngrams!r}.")
        if output_sequence_length is not None:
            if output_mode != "int":
                raise ValueError(f"TextVectorization(output_sequence_length): only with "
                                 f"output_mode='int', given output_mode={output_mode!r}.")
            if isinstance(output_sequence_length, bool) or not isinstance(
                    output_sequence_length, int) or output_sequence_length < 1:
                raise ValueError(f"TextVectorization(output_sequence_length): expected a "
                                 f"positive int or None, given {output_sequence_length!r}.")
        if split is None and ngrams is not None:
            raise ValueError("TextVectorization(ngrams): n-grams need split tokens; set split "
                             "(e.g. 'whitespace') or leave ngrams=None.")
        super().__init__(name=name, **kwargs)
        self.max_tokens = max_tokens
        self.standardize = standardize
        self.split = split
        self.ngrams = tuple(ngrams) if isinstance(ngrams, list) else ngrams
        self._widths = (tuple(range(1, ngrams + 1)) if isinstance(ngrams, int)
                        else tuple(ngrams) if ngrams else None)
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.ragged = bool(ragged)
        self.encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, mask_token="" if output_mode == "int" else None,
            oov_token="[UNK]", vocabulary=vocabulary, idf_weights=idf_weights,
            output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, encoding=encoding,
            name=f"{self.name}_string_lookup")

    # ----- vocabulary -----
    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary in index order; with ``include_special_tokens`` (default) "" (index
        0, padding) and "[UNK]" first in "int" mode, "[UNK]" first otherwise."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        """The number of indices, the special ones included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Replace the vocabulary (a list of tokens, optionally starting with the special
        tokens in index order as ``get_vocabulary()`` gives them); with output_mode="tf_idf"
        also ``idf_weights``, one a token."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Learn the vocabulary from ``data``: a string, a list or array of strings, or an
        iterable of such batches (a ``numnet.data.Dataset``; (x, y) batches give x), at most
        ``steps`` of them. Standardize, split and ngrams apply as in ``call``."""
        if isinstance(data, (str, bytes, list, tuple, np.ndarray, Tensor)):
            batches = iter([data])
        elif hasattr(data, "__iter__"):
            batches = iter(data)
        else:
            raise TypeError(f"{self.name}.adapt(data): expected strings (a list or array) or "
                            f"an iterable of batches, given {type(data).__name__}.")

        def documents():  # each string's tokens, one document (for "tf_idf")
            for i, batch in enumerate(batches):
                if steps is not None and i >= steps:
                    return
                if isinstance(batch, tuple) and len(batch) in (2, 3):
                    batch = batch[0]
                out = []
                for row in self._tokens(batch, f"{self.name}.adapt(data)")[0]:
                    tokens = np.empty(len(row), dtype=object)
                    tokens[:] = row
                    out.append(tokens)
                yield out

        self._lookup_layer._adapt_documents(documents())

    # ----- the pipeline -----
    def _standardized(self, strings: np.ndarray) -> np.ndarray:
        mode = self.standardize
        if mode is None:
            return strings
        if callable(mode):
            return strings_array(mode(strings), self.encoding, f"{self.name}: standardize's "
                                 "result")
        out = np.empty(strings.shape, dtype=object)
        lower = mode in ("lower", "lower_and_strip_punctuation")
        strip = mode in ("strip_punctuation", "lower_and_strip_punctuation")
        for i, text in enumerate(strings.ravel().tolist()):
            if lower:
                text = text.translate(_ASCII_LOWER)
            if strip:
                text = _PUNCTUATION.sub("", text)
            out.ravel()[i] = text
        return out

    def _split(self, strings: np.ndarray) -> list:
        mode = self.split
        if mode is None:
            return [[text] for text in strings.tolist()]
        if mode == "whitespace":
            return [[t for t in _WHITESPACE.split(text) if t] for text in strings.tolist()]
        if mode == "character":
            return [list(text) for text in strings.tolist()]
        rows = mode(strings)
        if isinstance(rows, Tensor):
            rows = rows.value
        return [[t.decode(self.encoding) if isinstance(t, bytes) else str(t) for t in row]
                for row in (rows.tolist() if hasattr(rows, "tolist") else rows)]

    def _tokens(self, inputs, where: str):
        """(each string's tokens, whether the input was one string)."""
        strings = strings_array(inputs, self.encoding, where)
        single = strings.ndim == 0
        if single:
            strings = strings.reshape(1)
        if strings.ndim == 2 and strings.shape[-1] == 1:
            strings = strings.reshape(-1)
        if strings.ndim != 1:
            raise ValueError(f"{where}: expected a batch of strings of shape (batch,) or "
                             f"(batch, 1), given shape {strings.shape}.")
        rows = self._split(self._standardized(strings))
        if self._widths:
            rows = [_ngrams(row, self._widths) for row in rows]
        return rows, single

    # ----- call -----
    def __call__(self, inputs, *args, **kwargs):
        if getattr(inputs, "_symbolic", False):
            return super().__call__(inputs, *args, **kwargs)
        if not self.built:
            self._maybe_build((None, 1))
        return self.call(inputs)

    def build(self, input_shape):
        self.built = True

    def _output_dtype(self, input_dtype):
        return backend.floatx() if self.output_mode == "tf_idf" else "int64"

    def call(self, inputs):
        rows, single = self._tokens(inputs, f"{self.name}(inputs)")
        lookup = self._lookup_layer
        if self.ragged and not single:
            return self._ragged_ids(rows)
        if self.output_mode == "int":
            length = self.output_sequence_length
            if length is None:
                length = max((len(row) for row in rows), default=0)
            padded = np.full((len(rows), length), "", dtype=object)
            for i, row in enumerate(rows):
                row = row[:length]
                padded[i, :len(row)] = row
            out = lookup._lookup(padded)
        else:
            longest = max((len(row) for row in rows), default=0)
            padded = np.full((len(rows), max(longest, 1)), "", dtype=object)
            filled = np.zeros(padded.shape, dtype=bool)
            for i, row in enumerate(rows):
                padded[i, :len(row)] = row
                filled[i, :len(row)] = True
            indices = np.where(filled, lookup._lookup(padded), -1)
            out = lookup._encoded(indices)
        if single:
            out = out[0]
        return Tensor(backend.to_device(out))

    def _ragged_ids(self, rows: list):
        """Each string's token ids (cut to output_sequence_length), unpadded: a RaggedTensor
        of int64 rows, as Keras's ragged=True gives."""
        from ..data.dataset import _Batch

        if _Batch.ragged_rows is None:  # (numnet.tf_api.ragged installs it on import numnet)
            raise RuntimeError(f"{self.name}: ragged=True needs numnet's RaggedTensor; import "
                               "numnet first.")
        length = self.output_sequence_length
        flat = np.empty(sum(len(row[:length]) for row in rows), dtype=object)
        flat[:] = [token for row in rows for token in row[:length]]
        ids = self._lookup_layer._lookup(flat)
        bounds = np.cumsum([0] + [len(row[:length]) for row in rows])
        return _Batch.ragged_rows([ids[start:end] for start, end in zip(bounds[:-1],
                                                                         bounds[1:])])

    def compute_output_shape(self, input_shape):
        batch = tuple(input_shape)[:1] if input_shape else ()
        if self.output_mode == "int":
            return batch + (self.output_sequence_length,)
        depth = self.max_tokens if self.pad_to_max_tokens else self._lookup_layer._frozen_size
        return batch + (depth,)

    def get_config(self) -> dict:
        """Keras's keys; the vocabulary is the one given or learned."""
        def named(value):
            return value if value is None or isinstance(value, str) else getattr(
                value, "__name__", repr(value))

        vocabulary = self.get_vocabulary(include_special_tokens=False) or None
        return {**super().get_config(), "max_tokens": self.max_tokens,
                "standardize": named(self.standardize), "split": named(self.split),
                "ngrams": self.ngrams, "output_mode": self.output_mode,
                "output_sequence_length": self.output_sequence_length,
                "pad_to_max_tokens": self.pad_to_max_tokens, "sparse": False, "ragged": self.ragged,
                "vocabulary": vocabulary, "idf_weights": self._lookup_layer.get_config()[
                    "idf_weights"] if self.output_mode == "tf_idf" else None,
                "encoding": self.encoding,
                "vocabulary_size": self.vocabulary_size()}


__all__ = ["TextVectorization"]
