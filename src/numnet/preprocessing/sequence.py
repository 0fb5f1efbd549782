"""``keras.preprocessing.sequence``: pad_sequences (also ``numnet.utils.pad_sequences``)."""

from __future__ import annotations

import numpy as np


def pad_sequences(sequences, maxlen: int | None = None, dtype="int32", padding: str = "pre",
                  truncating: str = "pre", value=0.0) -> np.ndarray:
    """Sequences of different lengths as one array (len(sequences), maxlen, ...), as Keras's
    ``pad_sequences``: each padded with ``value`` and cut to ``maxlen`` (the longest when None),
    at the start ("pre") or the end ("post").

    Args:
        sequences: a list of sequences (lists or arrays of numbers, or of vectors).
        maxlen: the output length; None for the longest sequence's. Defaults to ``None``.
        dtype: the output's dtype. Defaults to ``'int32'``.
        padding: 'pre' (pad at the start) or 'post' (at the end). Defaults to ``'pre'``.
        truncating: 'pre' (cut from the start) or 'post' (from the end) for sequences longer than
            maxlen. Defaults to ``'pre'``.
        value: the padding value. Defaults to ``0.0``.

    Returns:
        An array of shape (len(sequences), maxlen).

    Example:
        >>> numnet.utils.pad_sequences([[1, 2, 3], [4]], maxlen=3)
        array([[1, 2, 3],
               [0, 0, 4]], dtype=int32)
    """
    for argument, given in (("padding", padding), ("truncating", truncating)):
        if given not in ("pre", "post"):
            raise ValueError(f"pad_sequences({argument}): expected 'pre' or 'post', given "
                             f"{given!r}.")
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, int)
                               or maxlen < 1):
        raise ValueError(f"pad_sequences(maxlen): expected a positive integer or None, given "
                         f"{maxlen!r}.")
    try:
        rows = [np.asarray(seq) for seq in sequences]
    except TypeError:
        raise TypeError(f"pad_sequences(sequences): expected a list of sequences (lists or "
                        f"arrays), given {type(sequences).__name__}.") from None
    for i, row in enumerate(rows):
        if row.ndim == 0:
            raise ValueError(f"pad_sequences(sequences): sequence {i} is the single value "
                             f"{row.item()!r}; each sequence must be a list or array.")
    step_shape = next((row.shape[1:] for row in rows if len(row)), ())
    dtype = np.dtype(dtype)
    if dtype.kind in "US" and not isinstance(value, str):
        raise ValueError(f"pad_sequences(value): a {dtype} array needs a string value to pad "
                         f"with, given {value!r}.")
    length = maxlen if maxlen is not None else max((len(row) for row in rows), default=0)
    out = np.full((len(rows), length) + step_shape, value, dtype=dtype)
    for i, row in enumerate(rows):
        if not len(row):
            continue
        if row.shape[1:] != step_shape:
            raise ValueError(f"pad_sequences(sequences): sequence {i} has steps of shape "
                             f"{row.shape[1:]}, the first non-empty one {step_shape}.")
        kept = row[-length:] if truncating == "pre" else row[:length]
        if padding == "post":
            out[i, :len(kept)] = kept
        else:
            out[i, length - len(kept):] = kept
    return out


__all__ = ["pad_sequences"]
