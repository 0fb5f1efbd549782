"""Turning what users pass to fit / evaluate / predict into checked arrays.

Every problem is reported here, before training starts, as a ValueError or TypeError that names
the argument, what was expected, what was given and the fix.
"""

from __future__ import annotations

import numpy as np

from .. import backend


def to_array(value, name: str, where: str) -> np.ndarray:
    """A NumPy array from an array, list, Tensor, or pandas object."""
    if value is None:
        raise ValueError(f"{where}({name}): expected an array, given None.")
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):
        value = value.to_numpy()
    value = getattr(value, "value", value)
    if backend.xp is not np and isinstance(value, backend.xp.ndarray):
        value = backend.xp.asnumpy(value)
    if isinstance(value, (dict, str, bytes)):
        raise TypeError(
            f"{where}({name}): expected a numeric array (NumPy array, list or DataFrame), "
            f"given {type(value).__name__}."
        )
    try:
        array = np.asarray(value)
    except ValueError as err:
        raise ValueError(
            f"{where}({name}): expected a rectangular numeric array; given a ragged sequence "
            f"({err}). Pad or trim the rows to one length."
        ) from None
    if array.dtype.kind not in "biuf":
        if array.dtype.kind == "O" or array.dtype.kind in "USV":
            try:
                array = array.astype(np.float64)
            except (TypeError, ValueError):
                raise TypeError(
                    f"{where}({name}): expected numbers, given an array of dtype {array.dtype} "
                    f"holding e.g. {array.reshape(-1)[0]!r}. Encode non-numeric values first."
                ) from None
        else:
            raise TypeError(f"{where}({name}): expected numbers, given dtype {array.dtype}.")
    return array


def series_as_column(value):
    """A pandas Series as the one-column frame Keras's data adapters make of it, shape (n, 1);
    anything else as it is."""
    kind = type(value)
    if kind.__name__ == "Series" and kind.__module__.startswith("pandas") \
            and getattr(value, "ndim", None) == 1:
        return value.to_numpy()[:, None]
    return value


def check_finite(array: np.ndarray, name: str, where: str) -> None:
    """A ValueError naming the first NaN or inf, if there is one.

    A sum is finite only if every term is, so one pass with no temporary array clears the common
    case; a sum that is not finite (bad values, or an overflow) is followed by a search a block of
    rows at a time, so the check never needs memory in proportion to the data.
    """
    if array.dtype.kind != "f" or array.size == 0:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(array.sum()):
            return
    rows = array.reshape(1, -1) if array.ndim == 0 else array
    step = max(1, (1 << 20) // max(1, rows[0].size))
    for start in range(0, len(rows), step):
        bad = ~np.isfinite(rows[start:start + step])
        if bad.any():
            index = np.argwhere(bad)[0]
            index[0] += start
            index = tuple(int(i) for i in index)
            value = rows[index]
            if array.ndim == 0:
                index = ()
            raise ValueError(
                f"{where}({name}): expected finite numbers, given {value} at index {index}. "
                "Remove or impute NaN / inf values first."
            )


def prepare_x(x, where: str, name: str = "x") -> np.ndarray:
    array = to_array(series_as_column(x), name, where)
    if array.ndim == 0:
        raise ValueError(f"{where}({name}): expected an array of samples, given a scalar {x!r}.")
    if array.shape[0] == 0:
        raise ValueError(
            f"{where}({name}): expected at least one sample, given an empty array of shape "
            f"{array.shape}."
        )
    check_finite(array, name, where)
    # C order (a DataFrame's values come in Fortran order): batches are then contiguous rows,
    # and every batch of the same rows computes the same numbers on any device.
    return np.ascontiguousarray(array.astype(backend.floatx(), copy=False))


def typed_input(value, dtype: str, where: str, name: str = "x") -> np.ndarray:
    """An input's array in its Input's dtype: text as an object array (``dtype="string"``),
    integers as integers (ids for Embedding and lookup layers), else checked floats; a
    pandas Series as a column (n, 1), as Keras feeds it."""
    value = series_as_column(value)
    if dtype == "string" or (np.dtype(dtype).kind in "iub"):
        array = np.asarray(getattr(value, "value", value))
        if array.ndim == 0 or array.shape[0] == 0:
            raise ValueError(f"{where}({name}): expected an array with one row per sample, "
                             f"given shape {array.shape}.")
        if dtype == "string":
            return array.astype(object)
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            check_finite(array, name, where)
        return array.astype(dtype, copy=False)
    return prepare_x(value, where, name)


def prepare_y(y, n: int | None, where: str, name: str = "y") -> np.ndarray:
    """Targets checked: an array of numbers, ``n`` rows (any number where ``n`` is None: a
    streamed batch whose inputs have rows of their own)."""
    array = to_array(series_as_column(y), name, where)
    if array.ndim == 0:
        raise ValueError(f"{where}({name}): expected an array of targets, given a scalar {y!r}.")
    if n is not None and len(array) != n:
        raise ValueError(
            f"{where}: x and {name} must have the same number of samples; x has {n}, "
            f"{name} has {len(array)}."
        )
    check_finite(array, name, where)
    if array.dtype.kind == "f":
        return array.astype(backend.floatx(), copy=False)
    return array


def prepare_weights(sample_weight, n: int, where: str, name: str = "sample_weight",
                    temporal: bool = False) -> np.ndarray | None:
    """Sample weights checked for ``n`` samples: one a sample, shape (n,) (or (n, 1)); with
    ``temporal``, also one a sample and time step, shape (n, steps, ...), as Keras takes for an
    output of sequences (checked against the output by :func:`check_temporal_weights`)."""
    if sample_weight is None:
        return None
    w = to_array(sample_weight, name, where).astype(backend.floatx())
    per_step = temporal and w.ndim >= 2 and w.shape[1:] != (1,)
    if (w.ndim == 0 or w.shape[0] != n
            or (not per_step and (w.ndim > 2 or (w.ndim == 2 and w.shape[1] != 1)))):
        more = (" (or, for an output of sequences, one a sample and time step, shape "
                f"({n}, steps))") if temporal else ""
        raise ValueError(
            f"{where}({name}): expected one weight per sample, shape ({n},), given shape "
            f"{w.shape}{more}."
        )
    check_finite(w, name, where)
    if (w < 0).any():
        raise ValueError(f"{where}({name}): weights must be >= 0; given a negative weight.")
    return w if per_step else w.reshape(n)


def check_temporal_weights(w, output_shape, where: str) -> None:
    """Weights of shape (n, steps, ...) must match the leading axes of the model's output
    (batch, steps, ..., classes): each weighs the loss of one time step, as in Keras."""
    if w is None or w.ndim < 2 or output_shape is None:
        return
    out = tuple(output_shape)
    if w.ndim >= len(out) or any(o is not None and o != d
                                 for o, d in zip(out[1:w.ndim], w.shape[1:])):
        raise ValueError(
            f"{where}(sample_weight): weights of shape {w.shape} weigh each time step of an "
            f"output of sequences; the model's output has shape {out}, so per-step weights "
            f"have shape (n, {', '.join(str(d) for d in out[1:-1]) or '...'}). Give one "
            "weight per sample, shape (n,), for this output.")


def class_weight_lookup(class_weight, where: str) -> np.ndarray:
    """{class index: weight} as an array indexed by class; NaN for classes given no weight."""
    if not isinstance(class_weight, dict):
        raise TypeError(
            f"{where}(class_weight): expected a dict {{class index: weight}}, given "
            f"{type(class_weight).__name__}."
        )
    if not class_weight:
        raise ValueError(f"{where}(class_weight): expected one weight per class, given {{}}.")
    bad = [c for c in class_weight
           if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or c < 0]
    if bad:
        raise ValueError(
            f"{where}(class_weight): keys must be class indices 0, 1, ...; given {bad[0]!r}."
        )
    lookup = np.full(int(max(class_weight)) + 1, np.nan, dtype=backend.floatx())
    for cls, weight in class_weight.items():
        lookup[int(cls)] = weight
    return lookup


def weights_from_lookup(lookup: np.ndarray, y: np.ndarray, where: str) -> np.ndarray:
    """One weight per sample: ``lookup[class]``, the class being y, argmax(y) (one-hot or
    probabilities) or round(y) (a single 0/1 column)."""
    if y.ndim >= 2 and y.shape[-1] > 1:
        labels = y.argmax(axis=-1)
    else:
        labels = np.rint(y.reshape(len(y))).astype(np.int64)
    inside = (labels >= 0) & (labels < len(lookup))
    weights = lookup[np.where(inside, labels, 0)]
    missing = ~inside | np.isnan(weights)
    if missing.any():
        given = sorted(int(c) for c in np.flatnonzero(~np.isnan(lookup)))
        absent = sorted(set(labels[missing].tolist()))
        raise ValueError(
            f"{where}(class_weight): no weight for class(es) {absent}; given weights for "
            f"{given}. Give one weight per class present in y."
        )
    return weights


def times_class_weights(sample_weight, weights: np.ndarray) -> np.ndarray:
    """Sample weights, one a sample (n,) or a time step (n, steps, ...), times the class
    weights of the samples (n,); the class weights alone without sample weights."""
    if sample_weight is None:
        return weights
    sample_weight = np.asarray(getattr(sample_weight, "value", sample_weight))
    return sample_weight * weights.reshape(weights.shape + (1,) * (sample_weight.ndim - 1))


def class_weights_to_sample_weights(class_weight: dict, y: np.ndarray, where: str) -> np.ndarray:
    """One weight per sample from {class: weight}: the class is y, argmax(y) or round(y)."""
    return weights_from_lookup(class_weight_lookup(class_weight, where), y, where)


def check_mapped(array, name: str, where: str, n: int | None = None):
    """A memory-mapped array checked by its header only (its values are checked batch by
    batch): numeric dtype, at least one sample, ``n`` samples when given."""
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{where}({name}): expected numbers, given a memory-mapped array of "
                        f"dtype {array.dtype}.")
    if array.ndim == 0 or len(array) == 0:
        raise ValueError(f"{where}({name}): expected at least one sample, given a "
                         f"memory-mapped array of shape {array.shape}.")
    if n is not None and len(array) != n:
        raise ValueError(f"{where}: x and {name} must have the same number of samples; x has "
                         f"{n}, {name} has {len(array)}.")
    return array


def adjust_input_rank(x, expected):
    """``x`` with the rank of the declared input shape ``expected`` (batch axis included), as
    Keras's functional models adjust it: one axis short where the declared last axis is 1
    (a channel axis of size 1: added), or one axis over whose last axis is 1 (dropped);
    else ``x`` as it is. Works on arrays and on Tensors (the gradient flows through)."""
    if expected is None or not hasattr(x, "shape"):
        return x
    rank, want = len(x.shape), len(expected)
    if rank == want - 1 and rank >= 1 and expected[-1] == 1:
        shape = tuple(x.shape) + (1,)
    elif rank == want + 1 and rank >= 2 and x.shape[-1] == 1:
        shape = tuple(x.shape[:-1])
    else:
        return x
    if isinstance(x, np.ndarray) or not hasattr(x, "value"):
        return np.reshape(x, shape)
    from ..autodiff import ops

    return ops.reshape(x, shape)


def check_input_shape(x: np.ndarray, expected, model_name: str, where: str) -> None:
    """``x``'s per-sample shape against the model's declared input shape."""
    if expected is None:
        return
    want = tuple(expected[1:])
    got = tuple(x.shape[1:])
    if len(want) != len(got) or any(
            w is not None and w != g for w, g in zip(want, got, strict=True)):
        raise ValueError(
            f"{where}(x): model {model_name!r} expects input of shape "
            f"{(None,) + want} (batch, then {want}), given x of shape {x.shape}. "
            "Reshape x (e.g. x.reshape(len(x), -1) to flatten images) or change the first "
            "layer's input_shape."
        )


def as_input_dtype(x, layer):
    """An integer or boolean Tensor ``x`` given to a model, cast to the float type that
    ``layer`` takes (its Input, or a Sequential's first layer: the Input Keras builds), as Keras
    converts a model's inputs to its Inputs' dtypes (uint8 images become float32); any other
    ``x`` as it is."""
    want = getattr(layer, "input_dtype", None)
    if (isinstance(want, str) and want.startswith(("float", "bfloat"))
            and x.value.dtype.kind in "biu"):
        from ..autodiff import ops

        return ops.cast(x, want)
    return x
