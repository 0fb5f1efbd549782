"""Preprocessing layers: Rescaling and Normalization, as Keras 3 defines them."""

from __future__ import annotations

import math

import numpy as np

from .. import backend
from ..autodiff import ops
from ..data.py_dataset import PyDataset
from .base import Layer


def _floats(inputs):
    """The input Tensor, cast to floatx when it holds integers (uint8 pixels, say)."""
    return inputs if inputs.value.dtype.kind == "f" else ops.cast(inputs, backend.floatx())


def _plain(value):
    """A config value as JSON: a number, a nested list, or None."""
    if value is None or isinstance(value, (int, float)):
        return value
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array.tolist()


class Rescaling(Layer):
    """y = x * scale + offset, e.g. Rescaling(1 / 255) for pixels (scale and offset may be
    arrays that broadcast against the input, one value per channel say).

    Args:
        scale: the factor every input is multiplied by (1 / 255 for pixels).
        offset: the value added after scaling. Defaults to ``0.0``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> numnet.layers.Rescaling(1 / 255)(np.array([[0.0, 255.0]], 'float32')).numpy()
        array([[0., 1.]], dtype=float32)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def call(self, inputs, training: bool = False):
        x = _floats(inputs)
        xp, dtype = backend.xp, x.value.dtype
        scaled = ops.multiply(x, xp.asarray(self.scale, dtype=dtype))
        return ops.add(scaled, xp.asarray(self.offset, dtype=dtype))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "scale": _plain(self.scale),
                "offset": _plain(self.offset)}


class Normalization(Layer):
    """y = (x - mean) / max(sqrt(variance), epsilon), with one mean and variance per index of
    ``axis`` (default -1, the features; None: one for all). ``invert=True`` maps back:
    y = mean + x * max(sqrt(variance), epsilon).

    Give ``mean`` and ``variance`` (broadcast to the kept axes), or call ``adapt(data)`` before
    training: it sets them to the data's mean and (population) variance over the other axes and
    keeps them as the layer's non-trainable weights "mean" and "variance", which are saved with
    the model (a third weight, "count", is Keras's: it stays 0, and keeps the layer's weight list
    Keras's). Until then the layer passes its input through (mean 0, variance 1).

    Args:
        axis: the axis (or axes) that keep their own mean and variance; None for one mean and
            variance over everything. Defaults to ``-1``.
        mean: a fixed mean (then ``variance`` too), or None to learn it with ``adapt``. Defaults to
            ``None``.
        variance: a fixed variance, or None to learn it with ``adapt``. Defaults to ``None``.
        invert: undo the normalization instead: x · sqrt(variance) + mean. Defaults to ``False``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> norm = numnet.layers.Normalization()
        >>> norm.adapt(np.array([[1.0], [3.0]], 'float32'))   # mean 2, variance 1
        >>> norm(np.array([[1.0], [3.0]], 'float32')).numpy()
        array([[-1.],
           [ 1.]], dtype=float32)
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert: bool = False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        self.axis = (axis,) if isinstance(axis, int) else tuple(int(a) for a in axis)
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization(mean, variance): give both or neither; given "
                             f"mean={mean!r}, variance={variance!r}.")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization(mean, variance): expected the same shape, given "
                                 f"{np.shape(mean)} and {np.shape(variance)}.")
            if np.ndim(mean) > len(self.axis):
                raise ValueError(f"Normalization(mean): its rank ({np.ndim(mean)}) exceeds the "
                                 f"number of kept axes, axis={self.axis}.")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)
        self.adapt_mean = self.adapt_variance = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"{self.name}: axis={self.axis} is outside the input's {ndim} "
                             f"axes (shape {tuple(input_shape)}).")
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        if any(input_shape[a] is None for a in self._keep):
            raise ValueError(f"{self.name}: the kept axes {self._keep} must have a known size, "
                             f"given input shape {tuple(input_shape)}.")
        self._reduce = tuple(a for a in range(ndim) if a not in self._keep)
        self._shape = tuple(input_shape[a] if a in self._keep else 1 for a in range(ndim))
        kept = tuple(input_shape[a] for a in self._keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(kept, "zeros", "mean", trainable=False)
            self.adapt_variance = self.add_weight(kept, "ones", "variance", trainable=False)
            # Keras 3 keeps a third weight, a sample count that stays 0 (for old files), so
            # that get_weights / set_weights lists line up with Keras's.
            self.adapt_count = self.add_weight((), "zeros", dtype="int32", trainable=False,
                                               name="count")
        else:
            self._given = [self._broadcast(v, kept, ndim)
                           for v in (self.input_mean, self.input_variance)]

    def _broadcast(self, value, kept, ndim):
        """A given mean or variance, its axes aligned from the right with the kept axes."""
        xp = backend.xp
        value = xp.asarray(value, dtype=self.dtype or backend.floatx())
        full = [1] * ndim
        for i in range(1, value.ndim + 1):
            full[self._keep[-i]] = value.shape[-i]
        try:
            return xp.broadcast_to(value.reshape(full), self._shape)  # a view: no copy
        except ValueError:
            raise ValueError(f"{self.name}: mean and variance of shape {value.shape} do not "
                             f"broadcast to the kept axes of size {kept}.") from None

    def _statistics(self):
        if self.adapt_mean is None:
            return self._given
        return [w.value.reshape(self._shape) for w in (self.adapt_mean, self.adapt_variance)]

    def call(self, inputs, training: bool = False):
        x = _floats(inputs)
        mean, variance = self._statistics()
        if not self._keep:  # axis=None: one mean for all, whatever the input's rank
            mean, variance = mean.reshape(()), variance.reshape(())
        xp = backend.xp
        spread = xp.maximum(xp.sqrt(variance), backend.epsilon()).astype(x.value.dtype)
        mean = mean.astype(x.value.dtype, copy=False)
        if self.invert:
            return ops.add(ops.multiply(x, spread), mean)
        return ops.divide(ops.subtract(x, mean), spread)

    def adapt(self, data) -> None:
        """Set mean and variance to those of ``data``: an array, a list or generator of batches
        (arrays, or (x, y) tuples whose x is used), or a PyDataset."""
        if self.input_mean is not None:
            raise ValueError(f"{self.name}.adapt(data): the layer was given mean and variance; "
                             "adapt sets them from data, so create it without them.")
        batches = _batches(data, f"{self.name}.adapt(data)")
        first = next(batches, None)
        if first is None:
            raise ValueError(f"{self.name}.adapt(data): expected at least one batch, given none.")
        if not self.built:
            # The declared input shape (input_shape=[1], say) if any; 1-D data is a column of
            # samples, as fit takes a 1-D x.
            shape = self._declared_input_shape
            if shape is None:
                shape = (None,) + first.shape[1:] if first.ndim > 1 else (None, 1)
            self._maybe_build(shape)
        column = len(self.input_shape) == 2 and self.input_shape[-1] == 1
        total = 0
        mean = variance = None
        for batch in (first, *batches):
            if column and batch.ndim == 1:
                batch = batch.reshape(-1, 1)
            if self._keep and (batch.ndim != len(self._shape) or any(
                    batch.shape[a] != self._shape[a] for a in self._keep)):
                raise ValueError(f"{self.name}.adapt(data): a batch of shape {batch.shape} does "
                                 f"not fit the layer's input, shape {self.input_shape}.")
            count = batch.size // max(1, math.prod(batch.shape[a] for a in self._keep))
            reduce = self._reduce if self._keep else None  # axis=None: over everything
            batch_mean, batch_variance = batch.mean(axis=reduce), batch.var(axis=reduce)
            if mean is None:
                total, mean, variance = count, batch_mean, batch_variance
                continue
            # Pooled mean and variance of the batches so far and this one.
            total += count
            w = count / total
            new_mean = mean * (1 - w) + batch_mean * w
            variance = ((variance + (mean - new_mean) ** 2) * (1 - w)
                        + (batch_variance + (batch_mean - new_mean) ** 2) * w)
            mean = new_mean
        self.adapt_mean.assign(mean)
        self.adapt_variance.assign(variance)

    @property
    def mean(self):
        """The mean the layer subtracts, in the shape that broadcasts against its input (kept
        axes their size, the others 1: (1, features) for the default axis=-1), as Keras's
        ``layer.mean``; None before the layer is built or adapted."""
        return self._statistic(0)

    @property
    def variance(self):
        """The variance the layer divides by (its square root), shaped as ``mean``."""
        return self._statistic(1)

    def _statistic(self, which: int):
        if not self.built:
            return None
        from ..autodiff.tensor import Tensor

        return Tensor(self._statistics()[which].astype(self.dtype_policy.compute_dtype))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": _plain(self.input_mean), "variance": _plain(self.input_variance)}


def _batches(data, where):
    """The float64 arrays of ``data``'s batches (see Normalization.adapt)."""
    def array(batch):
        if isinstance(batch, tuple):
            batch = batch[0]
        value = np.asarray(backend.to_numpy(getattr(batch, "value", batch)))
        if value.ndim == 0 or value.dtype.kind not in "fiub":
            raise TypeError(f"{where}: expected arrays of numbers, given {value!r}.")
        return value.astype(np.float64)

    if isinstance(data, PyDataset):
        return (array(data[i]) for i in range(len(data)))
    if isinstance(data, (list, tuple)) or not (hasattr(data, "__array__")
                                               or hasattr(data, "value")):
        if not hasattr(data, "__iter__"):
            raise TypeError(f"{where}: expected an array, a list or generator of batches, or a "
                            f"PyDataset, given {type(data).__name__}.")
        return (array(batch) for batch in data)
    return iter([array(data)])


__all__ = ["Normalization", "Rescaling"]
