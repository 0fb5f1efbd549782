"""Hashing, HashedCrossing and Discretization: Keras 3's categorical preprocessing layers.

They run on the host with NumPy (strings cannot live on a GPU), carry no gradient, and give
Keras's numbers: the same bins for the same values (FarmHash Fingerprint64, SipHash-2-4 with a
salt, TensorFlow's fingerprint concatenation for crosses; see ``hashing_functions``), and the
same bin boundaries from ``Discretization.adapt``.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff.tensor import Tensor
from .base import Layer
from .hashing_functions import fingerprint64, fingerprint_cat64, siphash24
from .lookup import _check_mode, _host, _output, encode
from .preprocessing import _batches

_MASK64 = (1 << 64) - 1
_CROSS_KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default hash key


def _no_sparse(cls: str, sparse) -> None:
    if sparse:
        raise ValueError(f"{cls}(sparse=True): numnet has no sparse tensors (Keras allows them "
                         "only on TensorFlow); leave sparse=False.")


def _positive_bins(cls: str, num_bins) -> int:
    if num_bins is None or isinstance(num_bins, bool) or not isinstance(
            num_bins, (int, np.integer)) or num_bins <= 0:
        raise ValueError(f"{cls}(num_bins): expected a positive integer (the number of bins), "
                         f"given {num_bins!r}.")
    return int(num_bins)


def _as_bytes(value) -> bytes:
    """A value as the bytes TensorFlow hashes: strings in UTF-8, numbers in decimal."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return str(int(value)).encode("ascii")


def _string_or_integer(values: np.ndarray, where: str) -> np.ndarray:
    """Floats cut to integers (toward zero, as tf.cast), strings and integers as they are."""
    if values.dtype.kind == "f":
        return np.trunc(values).astype(np.int64)
    if values.dtype.kind in "biuUSO":
        return values
    raise TypeError(f"{where}: expected strings or numbers, given an array of dtype "
                    f"{values.dtype}.")


def _hash_each(values: np.ndarray, fn) -> np.ndarray:
    """``fn`` of every distinct value (each hashed once), as a uint64 array of values' shape."""
    flat = values.reshape(-1)
    if flat.size == 0:
        return np.zeros(values.shape, np.uint64)
    distinct, inverse = np.unique(flat, return_inverse=True)
    hashes = np.array([fn(v) for v in distinct.tolist()], dtype=np.uint64)
    return hashes[inverse.reshape(-1)].reshape(values.shape)


class _HostLayer(Layer):
    """A layer that runs on host arrays: called directly (no float conversion of its input)."""

    def __call__(self, inputs, *args, **kwargs):
        if getattr(inputs, "_symbolic", False) or (
                isinstance(inputs, (list, tuple)) and any(
                    getattr(x, "_symbolic", False) for x in inputs)):
            return super().__call__(inputs, *args, **kwargs)
        if not self.built:
            self._maybe_build(self._shape_of(inputs))
        return self.call(inputs)

    def _shape_of(self, inputs):
        shape = np.shape(_host(inputs))
        return (None,) + tuple(shape[1:]) if shape else ()


class Hashing(_HostLayer):
    """Hashes strings or integers into ``num_bins`` bins, as Keras's Hashing (which is
    TensorFlow's ``to_hash_bucket_fast``): bin = Fingerprint64(value) mod num_bins, the value
    taken as its UTF-8 bytes (strings) or its decimal digits (integers; floats are cut to
    integers first). With ``salt`` the hash is SipHash-2-4 keyed by the salt (TensorFlow's
    ``to_hash_bucket_strong``). With ``mask_value``, bin 0 is kept for that value and the others
    go to bins 1 .. num_bins - 1.

    Args:
        num_bins: the number of bins (including the mask's, if any), a positive integer.
        mask_value: the value that goes to bin 0, or None. Defaults to ``None``.
        salt: an int or a pair of ints keying the hash (an int s means (s, s)), or None for the
            unkeyed FarmHash. Defaults to ``None``.
        output_mode: ``'int'`` (the bin, int64), ``'one_hot'``, ``'multi_hot'`` or ``'count'``
            (float32 vectors of ``num_bins``, as CategoryEncoding). Defaults to ``'int'``.
        sparse: must be False (numnet has no sparse tensors). Defaults to ``False``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Input: strings or integers of any shape. Output: the bins, same shape (``'int'``), or the
    encoded vectors.

    Raises:
        ValueError: for a num_bins that is not a positive integer, an unknown output_mode, a
            salt that is not an int or two ints, or sparse=True.

    Example:
        >>> layer = numnet.layers.Hashing(num_bins=3)
        >>> layer([["A"], ["B"], ["C"], ["D"], ["E"]]).numpy().ravel()
        array([1, 0, 1, 1, 2])
    """

    def __init__(self, num_bins: int, mask_value=None, salt=None, output_mode: str = "int",
                 sparse: bool = False, **kwargs):
        dtype = kwargs.pop("dtype", None)
        super().__init__(**kwargs)
        self.num_bins = _positive_bins("Hashing", num_bins)
        self.output_mode = _check_mode("Hashing", output_mode,
                                       ("int", "one_hot", "multi_hot", "count"))
        _no_sparse("Hashing", sparse)
        self.sparse = False
        self.mask_value = mask_value
        if salt is None:
            self.salt = None
        elif isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
            self.salt = [int(salt), int(salt)]
        elif isinstance(salt, (list, tuple)) and len(salt) == 2 and all(
                isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in salt):
            self.salt = [int(s) for s in salt]
        else:
            raise ValueError(f"Hashing(salt): expected an integer or a pair of integers, given "
                             f"{salt!r}.")
        self.strong_hash = self.salt is not None
        self._out_dtype = (dtype if isinstance(dtype, str) else
                           ("int64" if self.output_mode == "int" else "float32"))

    def _bins(self, values: np.ndarray) -> np.ndarray:
        bins = self.num_bins
        masked = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            masked = values == np.asarray(self.mask_value, dtype=values.dtype) \
                if values.dtype.kind in "US" or not isinstance(self.mask_value, (str, bytes)) \
                else np.zeros(values.shape, bool)
        keyed = _string_or_integer(values, f"{self.name}(inputs)")
        if self.strong_hash:
            key = (self.salt[0] & _MASK64, self.salt[1] & _MASK64)
            hashes = _hash_each(keyed, lambda v: siphash24(key, _as_bytes(v)))
        else:
            hashes = _hash_each(keyed, lambda v: fingerprint64(_as_bytes(v)))
        out = (hashes % np.uint64(bins)).astype(np.int64)
        if masked is not None:
            out = np.where(masked, 0, out + 1)
        return out

    def _output_dtype(self, input_dtype):
        return str(np.dtype(self._out_dtype))

    def call(self, inputs):
        out = self._bins(np.asarray(_host(inputs)))
        if self.output_mode == "int":
            return _output(out.astype(self._out_dtype))
        return _output(encode(out, self.num_bins, self.output_mode, self._out_dtype))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if not input_shape:
            return (self.num_bins,)
        return input_shape[:-1] + (self.num_bins,)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt,
                "mask_value": self.mask_value, "output_mode": self.output_mode,
                "sparse": self.sparse, "dtype": self._out_dtype}


class HashedCrossing(_HostLayer):
    """Crosses categorical features by hashing them together, as Keras's HashedCrossing
    (TensorFlow's ``sparse.cross_hashed``): for each sample, h = FingerprintCat64 folded over
    the features (a string feature by its Fingerprint64, an integer by its value), starting
    from TensorFlow's key; the bin is h mod num_bins.

    Args:
        num_bins: the number of bins, a positive integer.
        output_mode: ``'int'`` (the bin, int64) or ``'one_hot'`` (float32 vectors of
            ``num_bins``). Defaults to ``'int'``.
        sparse: must be False (numnet has no sparse tensors). Defaults to ``False``.
        name: the layer's name. Defaults to ``None``.
        dtype: the output dtype; None for int64 (``'int'``) or float32. Defaults to ``None``.

    Input: a list or tuple of at least two features of equal shape, each (), (batch,) or
    (batch, 1), of strings or integers. Output: the bins, of that shape, or one-hot vectors.

    Raises:
        ValueError: for fewer than two inputs, inputs of different shapes or of rank above 2,
            an unknown output_mode, or sparse=True.
        TypeError: for inputs that are neither strings nor integers.

    Example:
        >>> layer = numnet.layers.HashedCrossing(num_bins=5)
        >>> layer((np.array(["A", "B", "A", "B", "A"]),
        ...        np.array([101, 101, 101, 102, 102]))).numpy()
        array([1, 4, 1, 1, 3])
    """

    _takes_structures = True

    def __init__(self, num_bins: int, output_mode: str = "int", sparse: bool = False,
                 name=None, dtype=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.num_bins = _positive_bins("HashedCrossing", num_bins)
        self.output_mode = _check_mode("HashedCrossing", output_mode, ("int", "one_hot"))
        _no_sparse("HashedCrossing", sparse)
        self.sparse = False
        self._out_dtype = (dtype if isinstance(dtype, str) else
                           ("int64" if self.output_mode == "int" else "float32"))

    def _shape_of(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            return ()
        return [tuple(np.shape(_host(x))) for x in inputs]

    def _features(self, inputs) -> list:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"{self.name}: expected a list or tuple of at least two features, "
                             f"e.g. layer((x1, x2)); given {type(inputs).__name__}.")
        features = [np.asarray(_host(x)) for x in inputs]
        shape = features[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(f"{self.name}: every feature must have shape (), (batch,) or "
                             f"(batch, 1); given {shape}.")
        if any(f.shape != shape for f in features[1:]):
            raise ValueError(f"{self.name}: every feature must have the same shape; given "
                             f"{[f.shape for f in features]}.")
        for f in features:
            if f.dtype.kind not in "iuUSO":
                raise TypeError(f"{self.name}: every feature must hold integers or strings; "
                                f"given dtype {f.dtype} (cast floats to int first).")
        return features

    def call(self, inputs):
        features = self._features(inputs)
        shape = features[0].shape
        hashed = []
        for f in features:
            flat = f.reshape(-1)
            if f.dtype.kind in "iu":
                hashed.append([int(v) & _MASK64 for v in flat.tolist()])
            else:
                hashed.append(_hash_each(flat, lambda v: fingerprint64(_as_bytes(v))).tolist())
        out = np.empty(len(hashed[0]), np.int64)
        for i, column in enumerate(zip(*hashed, strict=True)):
            h = _CROSS_KEY
            for value in column:
                h = fingerprint_cat64(h, int(value))
            out[i] = h % self.num_bins
        out = out.reshape(shape)
        if self.output_mode == "int":
            return _output(out.astype(self._out_dtype))
        return _output(encode(out, self.num_bins, "one_hot", self._out_dtype))

    def compute_output_shape(self, input_shape):
        first = tuple(input_shape[0]) if input_shape else ()
        if self.output_mode == "int":
            return first
        if not first:
            return (self.num_bins,)
        if first[-1] != 1:
            return first + (self.num_bins,)
        return first[:-1] + (self.num_bins,)

    def get_config(self):
        return {"name": self.name, "num_bins": self.num_bins, "output_mode": self.output_mode,
                "sparse": self.sparse, "dtype": self._out_dtype}


def _empty_summary() -> np.ndarray:
    """An adapt summary of no values yet: (values, weights) rows, no columns."""
    return np.zeros((2, 0), "float32")


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """(values, weights): every step-th sorted value, weighing step (all values, weight 1,
    when there are fewer than 1 / epsilon of them)."""
    values = np.sort(values.reshape(-1))
    step = max(values.size * epsilon, 1)
    picked = values[int(step - 1)::int(step)]
    return np.stack([picked, np.full(picked.shape, step, picked.dtype)])


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """The summary at the cumulative-weight fractions epsilon, 2 epsilon, ..., 1 (by linear
    interpolation), when it has at least 1 / epsilon entries."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    where = cumulative / cumulative[-1]
    values = np.interp(fractions, where, summary[0])
    cumulative = np.interp(fractions, where, cumulative)
    weights = np.diff(cumulative, prepend=0.0)
    return np.stack((values, weights)).astype("float32")


class Discretization(Layer):
    """Puts numbers into bins: the index i with boundaries[i - 1] <= x < boundaries[i]
    (``np.digitize``), so ``len(bin_boundaries) + 1`` bins. The boundaries are given, or found
    by ``adapt`` as approximate quantiles splitting the data into ``num_bins`` bins of about
    equal counts (Keras's summary algorithm, to relative precision ``epsilon``).

    Args:
        bin_boundaries: the sorted boundaries, e.g. ``[0.0, 1.0, 2.0]``, or None to adapt.
            Defaults to ``None``.
        num_bins: the number of bins ``adapt`` makes (not with bin_boundaries). Defaults to
            ``None``.
        epsilon: the quantiles' error tolerance (smaller is more precise and uses more memory).
            Defaults to ``0.01``.
        output_mode: ``'int'`` (the bin index, int32), ``'one_hot'``, ``'multi_hot'`` or
            ``'count'`` (float32 vectors of the number of bins). Defaults to ``'int'``.
        sparse: must be False (numnet has no sparse tensors). Defaults to ``False``.
        dtype: the dtype of encoded outputs. Defaults to ``None`` (float32).
        name: the layer's name. Defaults to ``None``.

    Raises:
        ValueError: when both or neither of bin_boundaries and num_bins are given, for a
            negative num_bins, an unknown output_mode, or a call before the boundaries are known.

    Example:
        >>> layer = numnet.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
        >>> layer(np.array([[-1.5, 1.0, 3.4, 0.5]], "float32")).numpy()
        array([[0, 2, 3, 1]], dtype=int32)
        >>> layer = numnet.layers.Discretization(num_bins=4, epsilon=0.01)
        >>> layer.adapt(np.arange(100.0))
        >>> np.round(layer.bin_boundaries, 3)
        array([24., 49., 74.])
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon: float = 0.01,
                 output_mode: str = "int", sparse: bool = False, dtype=None, name=None,
                 **kwargs):
        super().__init__(name=name, dtype=dtype if dtype not in ("int32", "int64") else None,
                         **kwargs)
        self.output_mode = _check_mode("Discretization", output_mode,
                                       ("int", "one_hot", "multi_hot", "count"))
        _no_sparse("Discretization", sparse)
        self.sparse = False
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(
                num_bins, (int, np.integer)) or num_bins < 0):
            raise ValueError(f"Discretization(num_bins): expected an integer >= 0, given "
                             f"{num_bins!r}.")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Discretization: give bin_boundaries or num_bins, not both (given "
                             f"bin_boundaries={bin_boundaries!r} and num_bins={num_bins!r}).")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("Discretization: give bin_boundaries (e.g. [0.0, 1.0]) or "
                             "num_bins (and call adapt(data)).")
        self.bin_boundaries = (None if bin_boundaries is None
                               else [float(b) for b in bin_boundaries])
        self.num_bins = num_bins
        self.epsilon = float(epsilon)
        self.summary = None if self.bin_boundaries else _empty_summary()

    def __call__(self, inputs, *args, **kwargs):
        if getattr(inputs, "_symbolic", False):
            return super().__call__(inputs, *args, **kwargs)
        if not self.built:
            shape = np.shape(_host(inputs))
            self._maybe_build((None,) + tuple(shape[1:]) if shape else ())
        return self.call(inputs)

    # ----- adapt -----
    def adapt(self, data, steps=None) -> None:
        """Set the boundaries to the approximate quantiles of ``data`` (an array, a list or
        generator of batches, or a PyDataset), ``num_bins`` bins; ``steps`` limits the batches.
        """
        if self.num_bins is None:
            raise ValueError(f"{self.name}.adapt(data): the layer was given bin_boundaries; "
                             "adapt needs a layer made with num_bins instead.")
        self.reset_state()
        for i, batch in enumerate(_batches(data, f"{self.name}.adapt(data)")):
            if steps is not None and i >= steps:
                break
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data) -> None:
        """Merge a batch into the running summary (see ``adapt``)."""
        summary = _summarize(np.asarray(_host(data)).astype("float32"), self.epsilon)
        merged = np.concatenate((summary, self.summary), axis=1)
        merged = merged[:, np.argsort(merged[0], kind="stable")]
        self.summary = _compress(merged, self.epsilon)

    def finalize_state(self) -> None:
        """The boundaries from the summary: its quantiles at 1/num_bins, 2/num_bins, ...."""
        if self.num_bins is None:
            return
        self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self) -> None:
        if self.num_bins is not None:
            self.summary = _empty_summary()

    # ----- call -----
    def _output_dtype(self, input_dtype):
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"{self.name}: the bin boundaries are not known yet; give "
                             "bin_boundaries=... or call layer.adapt(data) first.")
        xp = backend.xp
        values = backend.to_device(getattr(inputs, "value", inputs)).astype("float32")
        indices = xp.digitize(values, xp.asarray(self.bin_boundaries, "float32"))
        if self.output_mode == "int":
            return Tensor(indices.astype("int32"))
        # The encodings are built on the host, as the lookup layers build them.
        return _output(encode(backend.to_numpy(indices).astype("int64"),
                              len(self.bin_boundaries) + 1, self.output_mode,
                              self.compute_dtype))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = (len(self.bin_boundaries) + 1 if self.bin_boundaries is not None
                 else self.num_bins)
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0],) + input_shape[2:] + (depth,)
        return (depth,)

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = list(boundaries)
            return layer
        return cls(**config)


__all__ = ["Discretization", "HashedCrossing", "Hashing"]
