"""TensorFlow's ``tf.strings`` functions beyond numnet.strings: ngrams, format,
to_hash_bucket_strong (SipHash-2-4, TensorFlow's numbers) and unsorted_segment_join.

    tf.strings.ngrams(["a", "b", "c"], 2)                        # [b'a b', b'b c']
    tf.strings.format("loss: {}", tf.constant([0.5, 0.25]))       # b'loss: [0.5 0.25]'
    tf.strings.to_hash_bucket_strong(["x"], 10, key=[1, 2])

Results are string Tensors whose ``numpy()`` gives bytes, as TensorFlow's; ngrams of a
RaggedTensor give a RaggedTensor. Nothing here is differentiable.
"""

from __future__ import annotations

import numpy as np

from ..autodiff import Tensor
from ..autodiff.tensor import string_tensor
from ..layers.hashing_functions import siphash24
from ..layers.text_vectorization import strings_array
from .base import array, to_tensor
from .errors import InvalidArgumentError


def _strings(out: list, shape) -> Tensor:
    flat = np.empty(len(out), dtype=object)
    flat[:] = out
    flat = flat.reshape(shape)
    return string_tensor(flat[()] if flat.ndim == 0 else flat)


def _texts(value, where: str) -> np.ndarray:
    """The str of each element (bytes read as UTF-8)."""
    if isinstance(value, Tensor) and value.dtype.kind != "O":
        raise ValueError(f"{where}: expected a string tensor, given dtype {value.dtype}.")
    values = np.asarray(value.numpy() if isinstance(value, Tensor) else value, dtype=object)
    if values.size and not all(isinstance(v, (str, bytes, np.str_, np.bytes_))
                               for v in values.ravel().tolist()):
        raise ValueError(f"{where}: expected strings, given {values.ravel()[0]!r}.")
    return strings_array(values, where=where)


# ----------------------------------------------------------------------------- ngrams


def _row_ngrams(tokens: list, widths: list, separator: str, left: str, right: str,
                padding: int, preserve: bool) -> list:
    """The ngrams of one sequence for each width in turn, as TensorFlow's kernel."""
    out = []
    for width in widths:
        pad = width - 1 if padding < 0 else min(padding, width - 1)
        padded = [left] * pad + tokens + [right] * pad
        out.extend(separator.join(padded[i:i + width])
                   for i in range(len(padded) - width + 1))
    if preserve and not out and tokens:  # too short: the whole (padded) sequence, once
        pad = max(padding, 0)
        out.append(separator.join([left] * pad + tokens + [right] * pad))
    return out


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None,
           preserve_short_sequences=False, name=None):
    """The ngrams (runs of ``ngram_width`` consecutive strings, joined by ``separator``)
    along the innermost axis of ``data``, as TensorFlow's ``tf.strings.ngrams``.

    Args:
        data: strings of rank >= 1 (a Tensor, list or array), or a RaggedTensor of strings.
        ngram_width: an int, or several (each sequence gives all its ngrams of the first
            width, then of the next, ...). Each must be > 0.
        separator: the string between the joined strings. Defaults to ``" "``.
        pad_values: None (no padding), a string for both ends, or a (left, right) pair:
            each sequence is padded with ``padding_width`` of them at each end. Defaults to
            ``None``.
        padding_width: how many pad values go at each end, at most ``ngram_width - 1``
            (which is the default when pad_values is given). Defaults to ``None``.
        preserve_short_sequences: a non-empty sequence too short for any ngram gives one
            ngram of all its (padded) strings. Defaults to ``False``.
        name: ignored.

    Returns:
        A string Tensor whose last axis holds each sequence's ngrams (dense input of rank 1
        or 2), or a RaggedTensor with the ngrams in the innermost rows.

    Raises:
        ValueError: a width below 1, a scalar or non-string ``data``, ``padding_width``
            without ``pad_values``, or a bad ``pad_values``.

    Example:
        >>> numnet.strings.ngrams(["a", "b", "c", "d"], 2, pad_values="#").numpy().tolist()
        [b'# a', b'a b', b'b c', b'c d', b'd #']
        >>> numnet.strings.ngrams(numnet.ragged.constant([["a", "b", "c"], ["d"]]), 2,
        ...                       preserve_short_sequences=True).to_list()
        [[b'a b', b'b c'], [b'd']]
    """
    from .ragged import RaggedTensor

    widths = [int(w) for w in (ngram_width if isinstance(ngram_width, (list, tuple))
                               else [ngram_width])]
    if any(w < 1 for w in widths):
        raise ValueError(f"strings.ngrams(ngram_width): all ngram widths must be greater "
                         f"than 0, given {widths}.")
    if pad_values is None:
        if padding_width is not None:
            raise ValueError("strings.ngrams(padding_width): pad_values must be given when "
                             "padding_width is set; pass pad_values='<pad>' or drop it.")
        left = right = ""
        padding = 0
    else:
        if isinstance(pad_values, (list, tuple)):
            if len(pad_values) != 2:
                raise ValueError(f"strings.ngrams(pad_values): expected a string or a "
                                 f"(left, right) pair, given {pad_values!r}.")
            left, right = pad_values
        else:
            left = right = pad_values
        left, right = (v.decode("utf-8") if isinstance(v, bytes) else str(v)
                       for v in (left, right))
        padding = -1 if padding_width is None else int(padding_width)
        if padding == 0 or padding < -1:
            raise ValueError(f"strings.ngrams(padding_width): expected a positive int, given "
                             f"{padding_width!r}.")
    sep = separator.decode("utf-8") if isinstance(separator, bytes) else str(separator)

    def grams(rows: list) -> list:
        return [_row_ngrams(row, widths, sep, left, right, padding,
                            bool(preserve_short_sequences)) for row in rows]

    if isinstance(data, RaggedTensor):
        nested = [np.asarray(array(s)) for s in data.nested_row_splits]
        flat = _texts(data.flat_values, "strings.ngrams(data)")
        if flat.ndim != 1:  # a uniform innermost axis: its rows are the sequences
            inner = np.arange(0, flat.shape[0] * flat.shape[1] + 1, flat.shape[1])
            nested, flat = nested + [inner], flat.reshape(-1)
        splits = nested[-1]
        tokens = flat.tolist()
        result = grams([tokens[a:b] for a, b in zip(splits[:-1], splits[1:])])
        lengths = [len(r) for r in result]
        values = _strings([g for r in result for g in r], (sum(lengths),))
        new_splits = np.concatenate([[0], np.cumsum(lengths)]).astype(splits.dtype)
        return RaggedTensor.from_nested_row_splits(values, [*nested[:-1], new_splits])
    texts = _texts(data, "strings.ngrams(data)")
    if texts.ndim == 0:
        raise ValueError("strings.ngrams(data): data must have rank > 0, given a scalar; "
                         "wrap it in a list.")
    rows = texts.reshape(-1, texts.shape[-1]).tolist()
    result = grams(rows)
    lengths = {len(r) for r in result}
    if len(lengths) <= 1:
        width = lengths.pop() if lengths else 0
        return _strings([g for r in result for g in r], (*texts.shape[:-1], width))
    values = _strings([g for r in result for g in r], (sum(len(r) for r in result),))
    out = RaggedTensor.from_row_lengths(values, [len(r) for r in result])
    for size in reversed(texts.shape[1:-1]):
        out = RaggedTensor.from_row_splits(out, np.arange(0, out.nrows_int() + 1, size))
    return out


# ----------------------------------------------------------------------------- format


def _float_text(value, digits: tuple) -> str:
    """The shortest of ``%.{digits[0]}g`` and ``%.{digits[1]}g`` that reads back as
    ``value``, as TensorFlow (and C++'s FloatToBuffer) writes floats."""
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    short = f"{value:.{digits[0]}g}"
    return short if type(value)(short) == value else f"{value:.{digits[1]}g}"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "'": "\\'", "\\": "\\\\"}


def _element_text(value) -> str:
    if isinstance(value, bytes):
        out = []
        for byte in value:
            ch = chr(byte)
            if ch in _ESCAPES:
                out.append(_ESCAPES[ch])
            elif byte < 32 or byte == 127:
                out.append(f"\\{byte:03o}")
            else:  # bytes of UTF-8 text pass as they are (kept by latin-1 until the end)
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, np.float32):
        return _float_text(value, (6, 9))
    if isinstance(value, (float, np.floating)):
        return _float_text(np.float64(value), (15, 17))
    if isinstance(value, np.complexfloating):
        return f"({_element_text(value.real)},{_element_text(value.imag)})"
    return str(int(value))


def _summary(values: np.ndarray, ends: int) -> str:
    """TensorFlow's print of a tensor: ``ends`` elements at each end of every axis, "..."
    between, rows on new lines indented by their depth."""
    if values.ndim == 0:
        return _element_text(values[()])
    rank = values.ndim

    def spacing(axis: int) -> str:
        return " " if axis == rank - 1 else "\n" * (rank - axis - 1) + " " * (axis + 1)

    def dim(axis: int, block) -> str:
        if axis == rank:
            return _element_text(block)
        count = block.shape[0]
        parts = [dim(axis + 1, block[i]) for i in range(min(ends, count))]
        text = "[" + spacing(axis).join(parts)
        if count > 2 * ends:
            text += spacing(axis) + "..."
        for i in range(max(ends, count - ends), count):
            text += spacing(axis) + dim(axis + 1, block[i])
        return text + "]"

    return dim(0, values)


def _format_value(value, summarize: int) -> str:
    x = value if isinstance(value, Tensor) else to_tensor(value)
    values = np.asarray(x.numpy())
    if values.dtype.kind in "OUS" and values.size:
        values = np.vectorize(lambda s: s.encode("utf-8") if isinstance(s, str) else bytes(s),
                              otypes=[object])(values)
    size = int(values.size)
    ends = size if summarize < 0 else min(int(summarize), size)
    return _summary(values, ends)


def format(template, inputs, placeholder="{}", summarize=3, name=None):  # noqa: A001
    """``template`` with each ``placeholder`` replaced by the next tensor of ``inputs``
    printed as ``tf.print`` prints it, as TensorFlow's ``tf.strings.format``: ``summarize``
    elements at each end of every axis ("..." between), strings quoted, floats shortest
    (up to 9 digits for float32, 17 for float64), bools as 1 / 0.

    Args:
        template: the text, with one ``placeholder`` per input.
        inputs: a Tensor or a list of Tensors (or values).
        placeholder: the marker to replace. Defaults to ``"{}"``.
        summarize: elements shown at each end of each axis; -1 shows all. Defaults to 3.
        name: ignored.

    Returns:
        A scalar string Tensor.

    Raises:
        ValueError: the number of placeholders differs from the number of inputs.

    Example:
        >>> numnet.strings.format("tensor: {}, suffix", numnet.range(10)).numpy()
        b'tensor: [0 1 2 ... 7 8 9], suffix'
    """
    text = template.decode("utf-8") if isinstance(template, bytes) else str(template)
    items = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    pieces = text.split(placeholder)
    if len(pieces) - 1 != len(items):
        raise ValueError(f"strings.format(template): the template expects {len(pieces) - 1} "
                         f"tensors, but inputs has {len(items)}; make the number of "
                         f"{placeholder!r} in the template match the inputs.")
    out = pieces[0].encode("utf-8")
    for item, piece in zip(items, pieces[1:]):
        out += _format_value(item, int(summarize)).encode("latin-1") + piece.encode("utf-8")
    return string_tensor(np.array(out, dtype=object)[()])


# ----------------------------------------------------------------------------- hashing

def to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """Each string hashed to a bucket in ``[0, num_buckets)`` by SipHash-2-4 with the 128-bit
    ``key`` (two 64-bit ints), modulo ``num_buckets``, as TensorFlow's (the same numbers).
    Slower than to_hash_bucket_fast, but a chosen key makes the buckets hard to predict.

    Args:
        input: strings (a Tensor, list, array, str or bytes).
        num_buckets: the number of buckets, >= 1.
        key: two ints, the hash key.
        name: ignored.

    Returns:
        An int64 Tensor of ``input``'s shape.

    Raises:
        InvalidArgumentError: ``key`` does not hold two ints.
        ValueError: ``num_buckets`` below 1.

    Example:
        >>> numnet.strings.to_hash_bucket_strong(["Hello", "TF"], 3, [1, 2]).numpy().tolist()
        [2, 0]
    """
    raw = key.numpy() if isinstance(key, Tensor) else key  # Python ints kept at 64 bits
    keys = [int(k) for k in np.asarray(raw, dtype=object).reshape(-1).tolist()]
    if len(keys) != 2:
        raise InvalidArgumentError(None, None, f"strings.to_hash_bucket_strong(key): key must "
                                               f"have 2 elements, given {len(keys)}.")
    buckets = int(num_buckets)
    if buckets < 1:
        raise ValueError(f"strings.to_hash_bucket_strong(num_buckets): expected an int >= 1, "
                         f"given {num_buckets!r}.")
    k0, k1 = keys  # (siphash24 takes each modulo 2**64)
    values = _bytes_of(input, "strings.to_hash_bucket_strong(input)")
    hashes = [siphash24((k0, k1), v) % buckets for v in values.ravel().tolist()]
    return Tensor(np.asarray(hashes, dtype=np.int64).reshape(values.shape))


def _bytes_of(value, where: str) -> np.ndarray:
    texts = value.numpy() if isinstance(value, Tensor) else value
    values = np.asarray(texts, dtype=object)
    flat = []
    for v in values.ravel().tolist():
        if isinstance(v, str):
            v = v.encode("utf-8")
        if not isinstance(v, bytes):
            raise TypeError(f"{where}: expected strings, given {type(v).__name__} {v!r}.")
        flat.append(v)
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(values.shape)


# ----------------------------------------------------------------------------- segments


def unsorted_segment_join(inputs, segment_ids, num_segments, separator="", name=None):
    """The strings of ``inputs`` joined per segment, in the order they come, as TensorFlow's
    ``tf.strings.unsorted_segment_join``; empty segments give "".

    Args:
        inputs: strings of shape (*ids_shape, *rest).
        segment_ids: ints in [0, num_segments), shape a prefix of ``inputs``' shape.
        num_segments: the number of segments.
        separator: put between joined strings. Defaults to ``""``.
        name: ignored.

    Returns:
        A string Tensor of shape (num_segments, *rest).

    Raises:
        InvalidArgumentError: an id that is negative or not below ``num_segments``, or ids
            whose shape is not a prefix of ``inputs``' shape.

    Example:
        >>> numnet.strings.unsorted_segment_join(["a", "b", "c"], [1, 0, 1], 3,
        ...                                      separator=":").numpy().tolist()
        [b'b', b'a:c', b'']
    """
    values = _bytes_of(inputs, "strings.unsorted_segment_join(inputs)")
    ids = np.asarray(array(segment_ids)).astype(np.int64)
    count = int(np.asarray(array(num_segments)).reshape(()))
    if values.shape[:ids.ndim] != ids.shape:
        raise InvalidArgumentError(None, None, f"strings.unsorted_segment_join(segment_ids): "
                                               f"its shape {ids.shape} must be a prefix of "
                                               f"inputs' shape {values.shape}.")
    if ids.size and (ids.min() < 0 or ids.max() >= count):
        raise InvalidArgumentError(None, None, f"strings.unsorted_segment_join(segment_ids): "
                                               f"ids must be in [0, num_segments={count}), "
                                               f"given {ids.min()}..{ids.max()}.")
    sep = separator.encode("utf-8") if isinstance(separator, str) else bytes(separator)
    rest = values.shape[ids.ndim:]
    rows = values.reshape(ids.size, -1) if values.size else np.empty((ids.size, 0), object)
    joined = [[[] for _ in range(int(np.prod(rest, dtype=np.int64)))] for _ in range(count)]
    for segment, row in zip(ids.reshape(-1).tolist(), rows):
        for j, v in enumerate(row):
            joined[segment][j].append(v)
    flat = [sep.join(parts) for seg in joined for parts in seg]
    return _strings(flat, (count, *rest))


STRINGS = {"ngrams": ngrams, "format": format, "to_hash_bucket_strong": to_hash_bucket_strong,
           "unsorted_segment_join": unsorted_segment_join}
"""The functions of this module, as they join ``tf.strings`` (numnet.strings)."""
