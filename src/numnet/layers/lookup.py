"""Lookup layers: StringLookup, IntegerLookup and CategoryEncoding, as Keras 3 defines them.

A lookup layer maps tokens (strings, or integer ids) to indices in its vocabulary, and can
encode the indices as one-hot, multi-hot or count vectors. The index layout is Keras's::

    [mask token]        index 0, only with mask_token set and output_mode="int"
    [OOV indices]       num_oov_indices of them (1 by default): tokens not in the vocabulary
    vocabulary          the rest, in order: as given, or from ``adapt`` by count (most
                        frequent first), ties broken by the token, higher first

output_mode="tf_idf" gives each sample's token counts times the token's inverse document
frequency, ``idf = log(1 + documents / (1 + documents holding the token))`` from ``adapt`` (a
row of the data is a document), or the ``idf_weights`` given with the vocabulary; the OOV
indices get the mean of the vocabulary's weights.

The layers are not differentiable: they run on the host with NumPy (strings cannot live on a
GPU) and return int64 Tensors (output_mode="int") or int64 encodings, as Keras's do;
CategoryEncoding returns the layer's float dtype. ``invert=True`` maps indices back to tokens
(a NumPy array of str for StringLookup).

Why one file of about 600 lines: StringLookup, IntegerLookup and CategoryEncoding share the
vocabulary and output-mode machinery.
"""

from __future__ import annotations

import collections
import os

import numpy as np

from .. import backend
from ..autodiff.tensor import Tensor, string_tensor
from .base import Layer
from .hashing_functions import fingerprint64, siphash24

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_MASK64 = (1 << 64) - 1


def _salt_pair(salt, where: str):
    """Keras's salt: an int s means [s, s]; a pair of ints is kept (as a list); None stays."""
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in salt):
        return [int(v) for v in salt]
    if isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
        return [int(salt), int(salt)]
    raise ValueError(f"{where}: expected a single integer or a tuple of 2 integers (the key "
                     f"of the SipHash of OOV tokens), given {salt!r}.")


def _hash_buckets(keys: list, n: int, salt) -> np.ndarray:
    """TensorFlow's hash buckets of byte strings: FarmHash64 (``to_hash_bucket_fast``), or
    SipHash-2-4 keyed by ``salt`` (``to_hash_bucket_strong``), modulo ``n``."""
    if salt is None:
        hashes = [fingerprint64(k) for k in keys]
    else:
        key = (salt[0] & _MASK64, salt[1] & _MASK64)
        hashes = [siphash24(key, k) for k in keys]
    return np.array([h % n for h in hashes], dtype=np.int64)


def _host(inputs) -> np.ndarray:
    """``inputs`` (a Tensor, array, list, scalar) as a NumPy array on the host."""
    if isinstance(inputs, Tensor):
        inputs = inputs.value
    if hasattr(inputs, "get") and not isinstance(inputs, (dict, np.ndarray)):
        inputs = inputs.get()  # a CuPy array
    return np.asarray(inputs)


def _integers(values: np.ndarray, where: str) -> np.ndarray:
    """Integer ids as int64; floats must hold whole numbers (fit gives ids as floats)."""
    if values.dtype.kind in "biu":
        return values.astype(np.int64, copy=False)
    if values.dtype.kind == "f":
        rounded = np.rint(values)
        if values.size and not np.array_equal(rounded, values):
            raise ValueError(f"{where}: expected integer ids, given fractions such as "
                             f"{values[rounded != values].ravel()[0]!r}.")
        return rounded.astype(np.int64)
    if values.dtype.kind == "O":
        try:
            return _integers(values.astype(np.float64), where)
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{where}: expected integers, given an array of dtype {values.dtype}; "
                    "for strings use StringLookup.")


def _output(values: np.ndarray):
    """A numeric result as a Tensor on the backend's device (no gradient flows through it)."""
    return Tensor(backend.to_device(values))


def encode(indices: np.ndarray, depth: int, output_mode: str, dtype, count_weights=None):
    """Indices (int64, any shape) as Keras encodes them: "one_hot" adds an axis of ``depth``
    (replacing a last axis of size 1), "multi_hot" and "count" replace the last axis (the tokens
    of a sample) by ``depth``; a single sample (rank 1) gives one vector. Indices outside
    [0, depth) are dropped, as Keras's bincount drops them."""
    if indices.ndim == 0:
        indices = indices.reshape(1)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices.reshape(indices.shape[:-1])
        return (indices[..., None] == np.arange(depth)).astype(dtype)
    rows = indices.reshape(-1, indices.shape[-1])
    out = np.zeros((rows.shape[0], depth), dtype=np.float64 if count_weights is not None
                   else dtype)
    row, col = np.nonzero((rows >= 0) & (rows < depth))
    if output_mode == "multi_hot":
        out[row, rows[row, col]] = 1
    else:
        weights = 1 if count_weights is None else np.broadcast_to(
            np.asarray(count_weights, dtype=np.float64).reshape(-1, rows.shape[-1]),
            rows.shape)[row, col]
        np.add.at(out, (row, rows[row, col]), weights)
    shape = (depth,) if indices.ndim == 1 else indices.shape[:-1] + (depth,)
    return out.reshape(shape).astype(dtype, copy=False)


def inverse_document_frequency(document_counts, num_documents: int) -> np.ndarray:
    """Keras's TF-IDF weight of tokens that occur in ``document_counts`` of ``num_documents``
    documents: ``log(1 + num_documents / (1 + document_counts))``, in floatx."""
    counts = np.asarray(document_counts, dtype=np.float64)
    return np.log1p(num_documents / (1.0 + counts)).astype(backend.floatx())


def _documents(values: np.ndarray) -> list:
    """The documents (rows) of a batch of tokens, as TF-IDF counts them: a scalar or a 1-D
    batch is one document, each row of a 2-D (or deeper) batch is one."""
    if values.ndim <= 1:
        return [values.reshape(-1)]
    return list(values.reshape(values.shape[0], -1))


def _check_mode(cls: str, output_mode, allowed) -> str:
    if output_mode == "binary":  # Keras 2's name
        output_mode = "multi_hot"
    if output_mode == "tf-idf":
        output_mode = "tf_idf"
    if output_mode not in allowed:
        raise ValueError(f"{cls}(output_mode): expected one of {list(allowed)}, given "
                         f"{output_mode!r}.")
    return output_mode


class _IndexLookup(Layer):
    """The shared part of StringLookup and IntegerLookup: the vocabulary, adapt and call."""

    _KIND = "token"

    def __init__(self, max_tokens=None, num_oov_indices: int = 1, mask_token=None,
                 oov_token=None, vocabulary=None, idf_weights=None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False,
                 sparse: bool = False, name=None, **kwargs):
        cls = type(self).__name__
        frozen_size = kwargs.pop("vocabulary_size", None)
        kwargs.pop("has_input_vocabulary", None)
        kwargs.pop("vocabulary_dtype", None)
        if max_tokens is not None and (isinstance(max_tokens, bool) or
                                       not isinstance(max_tokens, int) or max_tokens <= 1):
            raise ValueError(f"{cls}(max_tokens): expected an integer > 1 (the vocabulary's "
                             f"size with its mask and OOV indices) or None, given "
                             f"{max_tokens!r}.")
        if isinstance(num_oov_indices, bool) or not isinstance(num_oov_indices, int) \
                or num_oov_indices < 0:
            raise ValueError(f"{cls}(num_oov_indices): expected an integer >= 0, given "
                             f"{num_oov_indices!r}.")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{cls}(pad_to_max_tokens=True): the output is padded to "
                             "max_tokens, so set max_tokens too.")
        output_mode = _check_mode(cls, output_mode, _MODES)
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{cls}(idf_weights): only used with output_mode='tf_idf', given "
                             f"output_mode={output_mode!r}; drop idf_weights or set "
                             "output_mode='tf_idf'.")
        if output_mode == "tf_idf" and vocabulary is not None and idf_weights is None:
            raise ValueError(f"{cls}(vocabulary): with output_mode='tf_idf' a vocabulary needs "
                             "its idf_weights (one a token); pass idf_weights=... too, or leave "
                             "vocabulary out and call adapt(data).")
        if invert and output_mode != "int":
            raise ValueError(f"{cls}(invert=True): maps indices back to tokens, so "
                             f"output_mode must be 'int'; given {output_mode!r}.")
        if sparse:
            raise ValueError(f"{cls}(sparse=True): numnet has no sparse tensors (Keras allows "
                             "it only on TensorFlow); leave sparse=False.")
        super().__init__(name=name, **kwargs)
        self.max_tokens, self.num_oov_indices = max_tokens, num_oov_indices
        self.mask_token, self.oov_token = mask_token, oov_token
        self.invert, self.output_mode = bool(invert), output_mode
        self.pad_to_max_tokens, self.sparse = bool(pad_to_max_tokens), bool(sparse)
        self.input_vocabulary = None if isinstance(vocabulary, (str, os.PathLike)) \
            else vocabulary
        self._has_input_vocabulary = vocabulary is not None
        self.input_idf_weights = idf_weights
        self.idf_weights = None
        self._tokens: list = []
        self._index: dict = {}
        self._frozen_size = frozen_size
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ----- tokens of the subclass's kind -----
    def _token(self, value):
        raise NotImplementedError

    def _tokens_of(self, values: np.ndarray) -> np.ndarray:
        """The input as an array of tokens (str objects, or int64)."""
        raise NotImplementedError

    # ----- the index layout -----
    def _oov_start(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self) -> int:
        return self._oov_start() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The number of indices: the vocabulary with its mask and OOV indices."""
        return self._token_start() + len(self._tokens)

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary in index order: with ``include_special_tokens`` (default) the mask
        token (when it has index 0) and ``num_oov_indices`` copies of the OOV token first, so
        that a token's position is its index."""
        if not include_special_tokens:
            return list(self._tokens)
        return ([self.mask_token] * self._oov_start() + [self.oov_token] * self.num_oov_indices
                + list(self._tokens))

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Replace the vocabulary: a list / tuple / 1-D array of tokens (optionally starting
        with the special tokens in index order, as ``get_vocabulary()`` gives them), or the
        path of a text file with one token a line.

        With output_mode="tf_idf", ``idf_weights`` (one float a token of ``vocabulary``) is
        required; the OOV indices get their mean unless the vocabulary starts with the special
        tokens (then their weights are among those given).

        Raises:
            ValueError: idf_weights missing with "tf_idf" or given with another mode, or of
                another length than the vocabulary.
        """
        cls = f"{type(self).__name__}(vocabulary)"
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"{cls}: output_mode='tf_idf' needs idf_weights (one a token) "
                                 "with the vocabulary; pass set_vocabulary(vocabulary, "
                                 "idf_weights).")
            if isinstance(vocabulary, (str, os.PathLike)):
                raise ValueError(f"{cls}: output_mode='tf_idf' cannot read its vocabulary from "
                                 "a file (as Keras); give the tokens as a list with "
                                 "idf_weights.")
        elif idf_weights is not None:
            raise ValueError(f"{cls}: idf_weights are only used with output_mode='tf_idf', "
                             f"given output_mode={self.output_mode!r}; drop idf_weights.")
        if isinstance(vocabulary, (str, os.PathLike)):
            path = os.fspath(vocabulary)
            if not os.path.isfile(path):
                raise ValueError(f"{cls}: no vocabulary file at {path!r}; give a list of "
                                 "tokens or the path of a text file with one token a line.")
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
            while lines and lines[-1] == "":
                lines.pop()
            vocabulary = lines
        values = _host(vocabulary)
        if values.ndim != 1:
            raise ValueError(f"{cls}: expected a 1-D list of tokens, given shape "
                             f"{values.shape}.")
        tokens = [self._token(v) for v in values.tolist()]
        if not tokens:
            raise ValueError(f"{cls}: expected at least one token, given an empty vocabulary.")
        special = self.get_vocabulary()[:self._token_start()]
        found_special = bool(special) and tokens[:len(special)] == special
        if found_special:
            tokens = tokens[len(special):]
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"{cls}: each token may appear once; repeated: {repeated}.")
        for token, what in ((self.mask_token, "mask_token"), (self.oov_token, "oov_token")):
            if token is not None and token in tokens and (what == "mask_token" or self.invert):
                raise ValueError(
                    f"{cls}: the {what} {token!r} is in the vocabulary at position "
                    f"{tokens.index(token)}; leave the special tokens out, or put them only at "
                    f"the start in index order: {special}.")
        if self.max_tokens is not None and self._token_start() + len(tokens) > self.max_tokens:
            raise ValueError(f"{cls}: {self._token_start() + len(tokens)} indices (with the "
                             f"special tokens) exceed max_tokens={self.max_tokens}.")
        if idf_weights is not None:
            weights = np.asarray(_host(idf_weights), dtype=backend.floatx())
            if weights.ndim != 1 or len(weights) != len(values):
                raise ValueError(f"{cls}: idf_weights must be 1-D with one weight a token of "
                                 f"the vocabulary ({len(values)}), given shape "
                                 f"{weights.shape}.")
            self.input_idf_weights = weights.tolist()
        self._set_tokens(tokens)
        if idf_weights is not None:
            self._set_idf_weights(weights[len(special):] if found_special else weights,
                                  weights[:len(special)] if found_special else None)

    def _set_idf_weights(self, weights: np.ndarray, special=None) -> None:
        """The weight of every index: the special ones (``special``, or the mean of
        ``weights``), the tokens' ``weights``, zeros up to max_tokens when padded."""
        weights = np.asarray(weights, dtype=backend.floatx())
        if special is None:
            special = np.full(self._token_start(), np.mean(weights) if len(weights) else 0,
                              dtype=weights.dtype)
        full = np.concatenate([special, weights])
        if self.pad_to_max_tokens and self.max_tokens is not None:
            full = np.pad(full, (0, max(0, self.max_tokens - len(full))))
        self.idf_weights = full

    def _set_tokens(self, tokens: list) -> None:
        self._tokens = list(tokens)
        start = self._token_start()
        self._index = {token: start + i for i, token in enumerate(self._tokens)}
        if self.output_mode != "int" and not self.pad_to_max_tokens:
            self._frozen_size = self.vocabulary_size()

    # ----- adapt -----
    def adapt(self, data, steps: int | None = None) -> None:
        """Learn the vocabulary from ``data``: an array or (nested) list of tokens, or an
        iterable of such batches (at most ``steps`` of them). Tokens are ranked by how often
        they occur (ties: the higher token first) and cut to ``max_tokens`` indices in all;
        the mask and OOV tokens are left out. Replaces any vocabulary learned before."""
        cls = type(self).__name__
        if self._has_input_vocabulary:
            raise ValueError(f"{cls}.adapt(data): the layer was given a vocabulary; create it "
                             "without vocabulary= to learn one from data.")
        direct = isinstance(data, (list, tuple, np.ndarray, Tensor)) or np.isscalar(data) \
            or hasattr(data, "with_flat_values")  # (a RaggedTensor)
        if direct:
            batches = [data]
        elif hasattr(data, "__getitem__") and hasattr(data, "__len__"):  # a PyDataset
            batches = (data[i] for i in range(len(data)))
        elif hasattr(data, "__iter__"):
            batches = data
        else:
            raise TypeError(f"{cls}.adapt(data): expected an array or list of tokens, or an "
                            f"iterable of batches, given {type(data).__name__}.")

        def documents():
            for i, batch in enumerate(batches):
                if steps is not None and i >= steps:
                    return
                if isinstance(batch, tuple) and len(batch) in (2, 3) and not direct:
                    batch = batch[0]  # (x, y) batches
                if hasattr(batch, "with_flat_values"):  # a RaggedTensor: rows are documents
                    yield [self._tokens_of(_host(row.flat_values if hasattr(
                        row, "flat_values") else row)).ravel() for row in batch]
                    continue
                values = self._tokens_of(_host(batch))
                # an array given whole holds one-token documents when 1-D (as Keras's adapt)
                yield _documents(values.reshape(-1, 1) if direct and values.ndim == 1
                                 else values)

        self._adapt_documents(documents())

    def _adapt_documents(self, batches) -> None:
        """Learn the vocabulary (and with "tf_idf" the idf weights) from ``batches``, each a
        list of documents (1-D arrays of tokens)."""
        counts: collections.Counter = collections.Counter()
        document_counts: collections.Counter = collections.Counter()
        num_documents = 0
        for rows in batches:
            tokens = np.concatenate(rows) if rows else np.empty(0, dtype=object)
            found, n = np.unique(tokens, return_counts=True)
            counts.update(dict(zip(found.tolist(), n.tolist(), strict=True)))
            if self.output_mode == "tf_idf":
                for row in rows:
                    document_counts.update(set(row.tolist()))
                num_documents += len(rows)
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        ranked = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        if self.max_tokens is not None:
            ranked = ranked[:max(0, self.max_tokens - self._token_start())]
        self._set_tokens([token for token, _ in ranked])
        if self.output_mode == "tf_idf":
            self._set_idf_weights(inverse_document_frequency(
                [document_counts[token] for token, _ in ranked], num_documents))

    # ----- call -----
    def __call__(self, inputs, *args, **kwargs):
        if getattr(inputs, "_symbolic", False):
            return super().__call__(inputs, *args, **kwargs)
        if hasattr(inputs, "with_flat_values"):  # a ragged tensor (tf.RaggedTensor)
            if self.invert or self.output_mode == "int":  # each value looked up, rows kept
                return inputs.with_flat_values(self(inputs.flat_values, *args, **kwargs))
            return self._encode_rows(inputs)
        if not self.built:
            shape = np.shape(_host(inputs)) if not isinstance(inputs, Tensor) else inputs.shape
            self._maybe_build((None,) + tuple(shape[1:]) if shape else ())
        return self.call(inputs)

    def call(self, inputs):
        values = _host(inputs)
        if self.invert:
            return self._invert(values)
        indices = self._lookup(values)
        if self.output_mode == "int":
            return _output(indices)
        return _output(self._encoded(indices))

    def _encoded(self, indices: np.ndarray) -> np.ndarray:
        """Indices as the output mode encodes them: int64, or floatx for "tf_idf" (the
        counts times the idf weights)."""
        if self.output_mode != "tf_idf":
            return encode(indices, self._depth(), self.output_mode, np.int64)
        if self.idf_weights is None:
            raise RuntimeError(f"{self.name}: output_mode='tf_idf' needs idf weights before "
                               "the layer is called; call adapt(data) first, or pass "
                               "vocabulary=... with idf_weights=....")
        counts = encode(indices, self._depth(), "count", np.int64)
        return counts.astype(self.idf_weights.dtype) * self.idf_weights

    def _encode_rows(self, ragged):
        """A 2-D RaggedTensor of tokens encoded row by row ("one_hot" needs equal rows): one
        multi_hot / count / tf_idf vector a row, shape (rows, depth)."""
        if self.output_mode == "one_hot" or getattr(ragged, "ragged_rank", 1) != 1:
            raise ValueError(f"{self.name}(inputs): a RaggedTensor is encoded row by row only "
                             "with output_mode 'multi_hot', 'count' or 'tf_idf' and one ragged "
                             f"dimension; given output_mode={self.output_mode!r}. Pad it with "
                             "inputs.to_tensor(...) first.")
        if not self.built:
            self._maybe_build((None, None))
        rows = [self._lookup(_host(row)).reshape(-1) for row in ragged]
        width = max((len(row) for row in rows), default=0)
        indices = np.full((len(rows), max(width, 1)), -1, dtype=np.int64)
        for i, row in enumerate(rows):
            indices[i, :len(row)] = row
        return _output(self._encoded(indices))

    def _depth(self) -> int:
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._frozen_size is None:
            raise RuntimeError(
                f"{self.name}: with output_mode={self.output_mode!r} the layer needs its "
                "vocabulary before it is called; pass vocabulary=... or call adapt(data) first.")
        return self._frozen_size

    def _lookup(self, values: np.ndarray) -> np.ndarray:
        tokens = self._tokens_of(values)
        flat = tokens.ravel()
        found, inverse = np.unique(flat, return_inverse=True)
        missing = -1
        table = np.array([self._index.get(t, missing) for t in found.tolist()], dtype=np.int64)
        indices = table[inverse.ravel()].reshape(tokens.shape)
        mask = None
        if self.mask_token is not None:
            mask = tokens == self.mask_token
        oov = indices == missing
        if mask is not None:
            oov &= ~mask
        if oov.any():
            from . import symbolic

            if self.num_oov_indices == 0 and symbolic.probing():
                indices[oov] = 0  # (the samples of a symbolic call: any index will do)
            elif self.num_oov_indices == 0:
                bad = sorted(set(tokens[oov].ravel().tolist()))[:10]
                raise ValueError(
                    f"{self.name}: with num_oov_indices=0 every input must be in the "
                    f"vocabulary; found {bad}. Set num_oov_indices=1 to map them to an OOV "
                    "index.")
            else:
                indices[oov] = self._oov_start() + self._oov_bucket(tokens[oov])
        if mask is not None:
            indices[mask] = 0 if self.output_mode == "int" else -1  # -1: dropped by encode
        return indices

    def _oov_bucket(self, tokens: np.ndarray) -> np.ndarray:
        """The OOV index (from 0) of each out-of-vocabulary token."""
        return np.zeros(tokens.shape, dtype=np.int64)

    def _output_dtype(self, input_dtype):
        if self.invert:  # back to the tokens: strings, or the integers of IntegerLookup
            return "string" if isinstance(self, StringLookup) else "int64"
        return backend.floatx() if self.output_mode == "tf_idf" else "int64"

    def _invert(self, values: np.ndarray):
        indices = _integers(values, f"{self.name}(inputs)")
        vocabulary = self.get_vocabulary()
        start = self._token_start()
        lookup = np.empty(len(vocabulary), dtype=object)
        lookup[:] = [self.oov_token] * start + list(self._tokens)
        if self._oov_start():
            lookup[0] = self.mask_token
        inside = (indices >= 0) & (indices < len(vocabulary))
        out = np.full(indices.shape, self.oov_token, dtype=object)
        out[inside] = lookup[indices[inside]]
        return self._inverted(out)

    def _inverted(self, tokens: np.ndarray):
        return tokens

    # ----- shapes and config -----
    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_size
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def get_config(self) -> dict:
        """Keras's keys. ``vocabulary`` is the one given, or the one ``adapt`` learned (numnet's
        model files keep it there; Keras keeps a learned one in a file beside the config)."""
        vocabulary = self.input_vocabulary
        if isinstance(vocabulary, np.ndarray):
            vocabulary = vocabulary.tolist()
        if vocabulary is None and self._tokens:
            vocabulary = list(self._tokens)
        elif vocabulary is not None:
            vocabulary = [self._token(v) for v in _host(vocabulary).tolist()]
        idf_weights = self.input_idf_weights
        if idf_weights is None and self.idf_weights is not None and self._tokens:
            start = self._token_start()  # learned weights, one a token of the vocabulary
            idf_weights = self.idf_weights[start:start + len(self._tokens)].tolist()
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode,
                "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                "idf_weights": idf_weights, "vocabulary": vocabulary,
                "vocabulary_size": self._frozen_size}


class StringLookup(_IndexLookup):
    """Map strings to integer indices from a vocabulary (and back, with ``invert=True``).

    Args:
        max_tokens: the most indices in all (vocabulary with mask and OOV indices); ``adapt``
            keeps the most frequent tokens. Defaults to None (no limit).
        num_oov_indices: indices for tokens outside the vocabulary. Defaults to 1; with 0 an
            unknown token raises ValueError; with more, a token's OOV index is a hash of it
            (CRC-32 here; Keras uses FarmHash64, so the buckets differ from Keras's).
        mask_token: a token that means "padding": index 0 with output_mode="int", dropped
            from the encodings. Defaults to None (no mask token).
        oov_token: what ``invert=True`` gives for OOV indices. Defaults to "[UNK]".
        vocabulary: a list / 1-D array of strings, or the path of a text file with one a line.
            Defaults to None: call ``adapt(data)``.
        invert: map indices to strings instead. Defaults to False.
        output_mode: "int" (indices, int64, shape of the input), "one_hot" (a new last axis
            of vocabulary_size(), replacing a last axis of 1), "multi_hot" or "count" (the last
            axis, a sample's tokens, becomes vocabulary_size()). Defaults to "int".
        pad_to_max_tokens: encodings of max_tokens entries whatever the vocabulary's size.
            Defaults to False.
        sparse: must be False (Keras allows True only on TensorFlow).
        encoding: how bytes inputs are decoded. Defaults to "utf-8".
        salt: with num_oov_indices > 1, an int or a pair of ints keying SipHash-2-4 (as
            TensorFlow's ``to_hash_bucket_strong``) for the OOV index of a token; None (the
            default) uses FarmHash64 (``to_hash_bucket_fast``), as Keras.

    Input: strings as a NumPy array (str or object dtype), a list, or a scalar.

    Example::

        >>> layer = StringLookup(vocabulary=["a", "b", "c", "d"])
        >>> layer(np.array([["a", "c", "d"], ["d", "z", "b"]])).numpy()
        array([[1, 3, 4],
               [4, 0, 2]])
        >>> layer = StringLookup()
        >>> layer.adapt([["a", "c", "d"], ["d", "z", "b"]])
        >>> layer.get_vocabulary()
        ['[UNK]', 'd', 'z', 'c', 'b', 'a']
    """

    @property
    def input_dtype(self) -> str:
        """``"string"``, or ``"int64"`` for ``invert=True`` (it takes indices)."""
        return "int64" if self.invert else "string"

    def __init__(self, max_tokens=None, num_oov_indices: int = 1, mask_token=None,
                 oov_token: str = "[UNK]", vocabulary=None, idf_weights=None,
                 invert: bool = False, output_mode: str = "int", pad_to_max_tokens: bool = False,
                 sparse: bool = False, encoding: str = "utf-8", name=None, salt=None,
                 **kwargs):
        self.encoding = encoding
        self.salt = _salt_pair(salt, "StringLookup(salt)")
        kwargs.pop("oov_method", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         **kwargs)

    def _token(self, value):
        if isinstance(value, bytes):
            return value.decode(self.encoding)
        if not isinstance(value, str):
            raise TypeError(f"{self.name}: expected strings, given {type(value).__name__} "
                            f"{value!r}; for integer ids use IntegerLookup.")
        return value

    def _tokens_of(self, values: np.ndarray) -> np.ndarray:
        if values.dtype.kind == "U":
            return values.astype(object)
        if values.dtype.kind == "S":
            return np.char.decode(values, self.encoding).astype(object)
        if values.dtype.kind == "O":
            flat = [self._token(v) for v in values.ravel().tolist()]
            out = np.empty(len(flat), dtype=object)
            out[:] = flat
            return out.reshape(values.shape)
        raise TypeError(f"{self.name}(inputs): expected strings, given an array of dtype "
                        f"{values.dtype}; for integer ids use IntegerLookup.")

    def _oov_bucket(self, tokens: np.ndarray) -> np.ndarray:
        n = self.num_oov_indices
        if n <= 1:
            return np.zeros(tokens.shape, dtype=np.int64)
        keys = [t.encode(self.encoding) for t in tokens.ravel()]
        return _hash_buckets(keys, n, self.salt).reshape(tokens.shape)

    def _inverted(self, tokens: np.ndarray):
        # a string Tensor, as Keras's (TensorFlow's tf.string): .numpy() gives bytes
        return string_tensor(tokens)

    def get_config(self):
        return {**super().get_config(), "oov_method": "floormod", "salt": self.salt,
                "encoding": self.encoding}


class IntegerLookup(_IndexLookup):
    """Map integer ids (any values: user ids, years, codes) to contiguous indices from a
    vocabulary (and back, with ``invert=True``).

    Args:
        max_tokens: the most indices in all (with mask and OOV indices). Defaults to None.
        num_oov_indices: indices for ids outside the vocabulary. Defaults to 1; with 0 an
            unknown id raises ValueError; with more, ``oov_method`` picks an id's OOV index.
        oov_method: "floormod" (the default: ``id mod num_oov_indices``) or "farmhash"
            (FarmHash64 of the id's decimal string mod num_oov_indices, as TensorFlow's
            ``to_hash_bucket_fast``: ids that share a remainder spread over the OOV indices).
        salt: with oov_method="farmhash", an int or a pair of ints keying SipHash-2-4 (as
            ``to_hash_bucket_strong``) in place of FarmHash64. Defaults to None.
        mask_token: an id meaning "padding": index 0 with output_mode="int", dropped from the
            encodings. Defaults to None. (Keras 2's ``mask_value`` is accepted for it.)
        oov_token: what ``invert=True`` gives for OOV indices. Defaults to -1. (Keras 2's
            ``oov_value`` is accepted for it.)
        vocabulary: a list / 1-D array of ids, or a text file with one a line. Defaults to
            None: call ``adapt(data)``.
        vocabulary_dtype: "int64", the only one (as Keras).
        invert, output_mode, pad_to_max_tokens, sparse: as StringLookup's.

    Example::

        >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
        >>> layer(np.array([[12, 1138, 42], [42, 1000, 36]])).numpy()
        array([[1, 3, 4],
               [4, 0, 2]])
    """

    def __init__(self, max_tokens=None, num_oov_indices: int = 1, mask_token=None,
                 oov_token: int = -1, vocabulary=None, vocabulary_dtype: str = "int64",
                 idf_weights=None, invert: bool = False, output_mode: str = "int",
                 sparse: bool = False, pad_to_max_tokens: bool = False,
                 oov_method: str = "floormod", salt=None, name=None, **kwargs):
        if "mask_value" in kwargs:
            mask_token = kwargs.pop("mask_value")
        if "oov_value" in kwargs:
            oov_token = kwargs.pop("oov_value")
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup(vocabulary_dtype): only 'int64' is supported (as "
                             f"Keras), given {vocabulary_dtype!r}.")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"IntegerLookup(oov_method): expected 'floormod' or 'farmhash', "
                             f"given {oov_method!r}.")
        if salt is not None and oov_method != "farmhash":
            raise ValueError(f"IntegerLookup(salt): a salt keys the hash of "
                             f"oov_method='farmhash' only; given oov_method={oov_method!r}. "
                             "Pass oov_method='farmhash', or leave salt=None.")
        self.oov_method, self.salt = oov_method, _salt_pair(salt, "IntegerLookup(salt)")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else int(mask_token),
                         oov_token=None if oov_token is None else int(oov_token),
                         vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens,
                         sparse=sparse, name=name, **kwargs)

    def _token(self, value):
        if isinstance(value, str):
            value = value.strip()
            if not value.lstrip("-").isdigit():
                raise ValueError(f"{self.name}: expected integer ids, given {value!r}.")
            return int(value)
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"{self.name}: expected integer ids, given {value!r}.")
        return int(value)

    def _tokens_of(self, values: np.ndarray) -> np.ndarray:
        return _integers(values, f"{self.name}(inputs)")

    def _oov_bucket(self, tokens: np.ndarray) -> np.ndarray:
        n = self.num_oov_indices
        if n <= 1:
            return np.zeros(tokens.shape, dtype=np.int64)
        if self.oov_method == "floormod":
            return np.mod(tokens, n)
        keys = [str(int(t)).encode() for t in tokens.ravel()]  # TensorFlow's as_string
        return _hash_buckets(keys, n, self.salt).reshape(tokens.shape)

    def _inverted(self, tokens: np.ndarray):
        return _output(tokens.astype(np.int64))

    def get_config(self):
        return {**super().get_config(), "vocabulary_dtype": "int64",
                "oov_method": self.oov_method, "salt": self.salt}


class CategoryEncoding(Layer):
    """Encode integer category ids in [0, num_tokens) as vectors of num_tokens entries.

    Args:
        num_tokens: the number of categories (required).
        output_mode: "multi_hot" (default: a 1 for each category present in a sample, the
            last axis of the input holding a sample's ids), "one_hot" (a new last axis, or
            replacing a last axis of 1) or "count" (how often each category occurs).
        sparse: must be False (numnet has no sparse tensors).

    Call ``layer(inputs, count_weights=None)``: with output_mode="count", count_weights (the
    inputs' shape) weighs each occurrence. Ids outside [0, num_tokens) are dropped (all zeros),
    as Keras's JAX backend does. The output has the layer's dtype (float32); it carries no
    gradient.

    Example::

        >>> CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1]).numpy()
        array([[0., 0., 0., 1.],
               [0., 0., 1., 0.],
               [1., 0., 0., 0.],
               [0., 1., 0., 0.]], dtype=float32)
        >>> CategoryEncoding(num_tokens=4)([[0, 1], [0, 0], [1, 2], [3, 1]]).numpy()
        array([[1., 1., 0., 0.],
               [1., 0., 0., 0.],
               [0., 1., 1., 0.],
               [0., 1., 0., 1.]], dtype=float32)
    """

    def __init__(self, num_tokens=None, output_mode: str = "multi_hot", sparse: bool = False,
                 **kwargs):
        output_mode = _check_mode("CategoryEncoding", output_mode, _MODES[1:])
        if num_tokens is None or isinstance(num_tokens, bool) or not isinstance(
                num_tokens, (int, np.integer)) or num_tokens < 1:
            raise ValueError(f"CategoryEncoding(num_tokens): expected the number of categories, "
                             f"an integer >= 1, given {num_tokens!r}; if it is not known, "
                             "use IntegerLookup(output_mode=...) and adapt it to the data.")
        if sparse:
            raise ValueError("CategoryEncoding(sparse=True): numnet has no sparse tensors "
                             "(Keras allows it only on TensorFlow); leave sparse=False.")
        super().__init__(**kwargs)
        self.num_tokens, self.output_mode, self.sparse = int(num_tokens), output_mode, False

    def __call__(self, inputs, *args, **kwargs):
        if getattr(inputs, "_symbolic", False):
            return super().__call__(inputs, *args, **kwargs)
        if not self.built:
            shape = inputs.shape if isinstance(inputs, Tensor) else np.shape(_host(inputs))
            self._maybe_build((None,) + tuple(shape[1:]) if shape else ())
        return self.call(inputs, count_weights=kwargs.get("count_weights"))

    def _output_dtype(self, input_dtype):
        return self.dtype_policy.compute_dtype

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"{self.name}(count_weights): weighs the counts, so it needs "
                             f"output_mode='count'; the layer has {self.output_mode!r}.")
        indices = _integers(_host(inputs), f"{self.name}(inputs)")
        weights = None if count_weights is None else _host(count_weights)
        if weights is not None and weights.shape != indices.shape:
            raise ValueError(f"{self.name}(count_weights): expected the inputs' shape "
                             f"{indices.shape}, given {weights.shape}.")
        return _output(encode(indices, self.num_tokens, self.output_mode,
                              self.dtype_policy.compute_dtype, weights))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if not input_shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens,
                "output_mode": self.output_mode}


__all__ = ["CategoryEncoding", "IntegerLookup", "StringLookup", "encode"]
