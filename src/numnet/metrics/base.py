"""The Metric base class, the shape rules metrics share, and the reductions Mean and Sum.

A metric holds *state* (a few arrays, its ``variables``) that ``update_state`` adds each batch
to, and ``result`` turns into the value over everything seen since ``reset_state``. State is
preallocated and updated in place, so a training step costs a handful of array operations.

Accumulators are float64 (``ACCUMULATOR_DTYPE``): a whole epoch of float32 sums keeps its
last digits, so results agree with float64 references to 1e-6. ``result`` returns the metric's
``dtype`` (floatx, float32 unless set).
"""

from __future__ import annotations

import numbers
import re

from .. import backend, initializers
from ..autodiff.tensor import Tensor, Variable
from ..naming import snake_case, unique_name

ACCUMULATOR_DTYPE = "float64"
"""The dtype of every built-in metric's accumulators."""


# ----------------------------------------------------------------------------- array helpers


def as_array(x, dtype=None):
    """``x`` (an array, a Tensor, a list, a number) as an array of the backend."""
    return backend.to_device(getattr(x, "value", x), dtype=dtype)


def float_array(x, dtype=None):
    """``x`` as a float array: ``dtype`` if given, else floats kept and others made floatx."""
    x = as_array(x)
    if dtype is not None:
        return x.astype(dtype, copy=False)
    return x if x.dtype.kind == "f" else x.astype(backend.floatx())


def match_ranks(a, b, expand_rank_1: bool = True):
    """Keras's rank rule for a pair of arrays whose ranks differ by one and whose longer one ends
    in an axis of 1: that axis is dropped, or, when the shorter is rank 1 and ``expand_rank_1``,
    an axis of 1 is added to the shorter. Other pairs come back unchanged."""
    if a.ndim == b.ndim + 1 and a.shape[-1] == 1:
        if b.ndim == 1 and expand_rank_1:
            return a, b.reshape(b.shape + (1,))
        return a.reshape(a.shape[:-1]), b
    if b.ndim == a.ndim + 1 and b.shape[-1] == 1:
        if a.ndim == 1 and expand_rank_1:
            return a.reshape(a.shape + (1,)), b
        return a, b.reshape(b.shape[:-1])
    return a, b


def same_shape(y_true, y_pred, where: str, hint: str = ""):
    """y_true and y_pred with ranks matched (Keras's rule); an error naming ``where`` when their
    shapes still differ."""
    y_true, y_pred = match_ranks(y_true, y_pred)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            f"{where}: y_true of shape {tuple(y_true.shape)} does not fit y_pred of shape "
            f"{tuple(y_pred.shape)}; they must have the same shape (a trailing axis of size 1 "
            f"may differ).{hint or ' Reshape y, or change the last layer.'}"
        )
    return y_true, y_pred


def broadcast_weights(sample_weight, shape, where: str):
    """``sample_weight`` spread over ``shape``: one weight per sample, (N,) or (N, 1), covers all
    of that sample's values; a weight per value has ``shape`` itself."""
    w = float_array(sample_weight)
    while w.ndim > len(shape) and w.shape[-1] == 1:
        w = w.reshape(w.shape[:-1])
    if w.ndim < len(shape):
        w = w.reshape(w.shape + (1,) * (len(shape) - w.ndim))
    try:
        return backend.xp.broadcast_to(w, tuple(shape))
    except ValueError:
        raise ValueError(
            f"{where}: sample_weight of shape {tuple(as_array(sample_weight).shape)} does not "
            f"fit y_pred of shape {tuple(shape)}; give one weight per sample, shape "
            f"({shape[0] if shape else 1},), or one per value, shape {tuple(shape)}."
        ) from None


def divide_no_nan(a, b):
    """a / b where b != 0, else 0 (Keras's divide_no_nan), without division warnings."""
    xp = backend.xp
    nonzero = b != 0
    return xp.where(nonzero, a / xp.where(nonzero, b, 1), 0)


def check_axis(axis, where: str, ndim: int | None = None):
    """``axis`` as array reductions take it: an integer, or a tuple of integers (from a list or
    a tuple). With ``ndim``, every axis must exist in an array of that rank. An error naming
    ``where`` otherwise."""
    many = isinstance(axis, (list, tuple))
    axes = tuple(axis) if many else (axis,)
    if not axes or not all(isinstance(a, numbers.Integral) and not isinstance(a, bool)
                           for a in axes):
        raise ValueError(
            f"{where}(axis): expected an integer or a tuple of integers (the axes to reduce), "
            f"given {axis!r}."
        )
    if ndim is not None and not all(-ndim <= a < ndim for a in axes):
        raise ValueError(
            f"{where}: axis={axis!r} does not fit y_pred of rank {ndim}; give axes from "
            f"{-ndim} to {ndim - 1} (-1 is the last)."
        )
    axes = tuple(int(a) for a in axes)
    return axes if many else axes[0]


def samplewise(values, sample_weight, reduce: str, where: str):
    """Keras's reduction of ``values`` to one value per sample, weights applied.

    With weights w of rank r: values are reduced (``reduce``: "mean" or "sum") over their axes
    past r, multiplied by w (broadcast), then both are reduced to one per sample. Returns the
    per-sample values and the per-sample weights (None without weights).
    """
    values = float_array(values)
    weights = None
    if sample_weight is not None:
        weights = float_array(sample_weight)
        values, weights = match_ranks(values, weights)
        if values.ndim > weights.ndim:
            axes = tuple(range(weights.ndim, values.ndim))
            values = getattr(values, reduce)(axis=axes)
        try:
            weights = backend.xp.broadcast_to(weights, values.shape)
        except ValueError:
            raise ValueError(
                f"{where}: sample_weight of shape {tuple(as_array(sample_weight).shape)} does "
                f"not fit values of shape {tuple(values.shape)}; give one weight per sample."
            ) from None
        values = values * weights
        if weights.ndim > 1:
            weights = getattr(weights, reduce)(axis=tuple(range(1, weights.ndim)))
    if values.ndim > 1:
        values = getattr(values, reduce)(axis=tuple(range(1, values.ndim)))
    return values, weights


def function_name(fn) -> str:
    """The log name Keras gives a function used as a metric: its ``__name__`` in snake_case."""
    name = getattr(fn, "__name__", None) or type(fn).__name__
    name = re.sub(r"\W+", "", name)
    return snake_case(name) or "metric"


def _dtype_name(dtype) -> str:
    if dtype is None:
        return backend.floatx()
    if isinstance(dtype, str):
        return dtype
    return backend.xp.dtype(dtype).name


# ----------------------------------------------------------------------------- Metric


class Metric:
    """Base class of stateful metrics.

    Subclasses create their state with ``add_variable`` in ``__init__`` (or on the first
    ``update_state`` when it depends on the data's shape) and define ``update_state(y_true,
    y_pred, sample_weight=None)`` and ``result()``. ``reset_state`` sets every variable back to
    zeros. ``get_state`` / ``set_state`` copy the accumulated state out and back in (``fit`` uses
    them to keep the training metrics while it evaluates on validation data).

    Args:
        name: the name in the logs. Defaults to the class name in snake_case, made unique in
            the session as Keras does ("precision", then "precision_1", ...).
        dtype: the dtype of ``result()``. Defaults to floatx ("float32").

    Example:

        class Positives(numnet.metrics.Metric):
            def __init__(self, name="positives", dtype=None):
                super().__init__(name=name, dtype=dtype)
                self.count = self.add_variable((), name="count")

            def update_state(self, y_true, y_pred, sample_weight=None):
                self.count.assign_add((y_pred > 0.5).sum())

            def result(self):
                return self.count
    """

    def __init__(self, name: str | None = None, dtype=None):
        self.name = name if name else unique_name(snake_case(type(self).__name__))
        self.dtype = _dtype_name(dtype)
        self._variables: list[Variable] = []

    # ----- state
    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation: str = "sum",
                     name: str | None = None) -> Variable:
        """A new state array of ``shape`` (non-trainable), tracked in ``variables``.

        ``initializer`` is an initializer name or object (Defaults to "zeros"); ``dtype``
        defaults to the metric's dtype. ``aggregation`` is accepted for Keras compatibility.
        """
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        dtype = _dtype_name(dtype or self.dtype)
        value = initializers.get(initializer)(shape, dtype=dtype)
        variable = Variable(value, name=name or f"variable_{len(self._tracked())}",
                            trainable=False)
        variable.path = f"{self.name}/{variable.name}"
        self._tracked().append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None,
                   name: str | None = None) -> Variable:
        """The older name of ``add_variable``, kept by Keras 3 for metrics written for tf.keras.

        Args:
            shape: the state's shape. Defaults to ``()``, a scalar.
            initializer: an initializer name or object. Defaults to ``None``, which gives
                zeros here (Keras requires one).
            dtype: the state's dtype. Defaults to the metric's dtype.
            name: the variable's name. Defaults to ``variable_<n>``.

        Example:

            self.true_positives = self.add_weight(name="tp", initializer="zeros")

        tf.keras's order, ``add_weight("tp", initializer="zeros")``, is accepted too.
        """
        if isinstance(shape, str) and name is None:
            shape, name = (), shape
        return self.add_variable(shape=shape, initializer=initializer or "zeros", dtype=dtype,
                                 name=name)

    def _tracked(self) -> list:
        if "_variables" not in vars(self):
            self._variables = []
        return self._variables

    @property
    def variables(self) -> list:
        """The state arrays (Variables) this metric accumulates into."""
        return list(self._tracked())

    def reset_state(self) -> None:
        """Forget everything seen: every variable back to zeros."""
        for variable in self._tracked():
            variable.value[...] = 0

    def get_state(self) -> dict:
        """A copy of the accumulated state: the values of ``variables`` and the attributes that
        hold plain numbers (for metrics that keep their totals as Python floats)."""
        numbers = {key: value for key, value in vars(self).items()
                   if isinstance(value, (int, float)) and not isinstance(value, bool)}
        return {"variables": [v.value.copy() for v in self._tracked()], "numbers": numbers}

    def set_state(self, state: dict) -> None:
        """Put back a state from ``get_state``. Variables created after it was taken (state
        built on the first batch) go back to zeros."""
        saved = state["variables"]
        for i, variable in enumerate(self._tracked()):
            if i < len(saved):
                variable.value[...] = saved[i]
            else:
                variable.value[...] = 0
        for key, value in state["numbers"].items():
            setattr(self, key, value)

    # ----- the metric
    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Add one batch to the state.

        Args:
            y_true: the batch's targets.
            y_pred: the batch's predictions.
            sample_weight: one weight per sample, or None.
        """
        raise NotImplementedError(
            f"{type(self).__name__}.update_state: subclasses of Metric define update_state("
            "y_true, y_pred, sample_weight=None)."
        )

    def result(self):
        """The metric over everything seen since the last reset, as a Tensor."""
        raise NotImplementedError(
            f"{type(self).__name__}.result: subclasses of Metric define result()."
        )

    def __call__(self, *args, **kwargs):
        """Update with one batch and return the result so far."""
        self.update_state(*args, **kwargs)
        return self.result()

    def stateless_update_state(self, metric_variables, *args, **kwargs) -> list:
        """``update_state(*args, **kwargs)`` on given values of ``variables``, leaving the
        metric's own state as it was: Keras 3's ``stateless_update_state``.

        Args:
            metric_variables: one array per ``metric.variables``, in that order.
            *args, **kwargs: ``update_state``'s arguments (``y_true, y_pred``).

        Returns:
            The values of ``metric.variables`` after the update (a list of arrays).

        Raises:
            ValueError: for a list that does not match ``metric.variables``.

        Example:
            >>> m = numnet.metrics.Mean()
            >>> state = m.stateless_update_state([v.value for v in m.variables], [1.0, 3.0])
            >>> float(m.stateless_result(state)), float(m.result())
            (2.0, 0.0)
        """
        from .stateless import stateless_update_state

        return stateless_update_state(self, metric_variables, *args, **kwargs)

    def stateless_result(self, metric_variables):
        """``result()`` of given values of ``variables``; the metric keeps its own state.

        Args:
            metric_variables: one array per ``metric.variables``, in that order.

        Returns:
            The result, as ``result()`` gives it.

        Raises:
            ValueError: for a list that does not match ``metric.variables``.

        Example:
            >>> m = numnet.metrics.Sum()
            >>> float(m.stateless_result([np.array(5.0, "float32")]))
            5.0
        """
        from .stateless import stateless_result

        return stateless_result(self, metric_variables)

    def stateless_reset_state(self) -> list:
        """The values ``reset_state()`` gives ``variables``; the metric keeps its own state.

        Returns:
            A list of arrays, one per ``metric.variables``.

        Example:
            >>> m = numnet.metrics.Sum()
            >>> m.update_state([2.0])
            >>> [float(v) for v in m.stateless_reset_state()], float(m.result())
            ([0.0], 2.0)
        """
        from .stateless import stateless_reset_state

        return stateless_reset_state(self)

    def _result(self, value) -> Tensor:
        """``value`` as a Tensor of the metric's dtype."""
        value = as_array(value)
        try:
            return Tensor(value.astype(self.dtype, copy=False))
        except TypeError:  # a dtype the array module lacks (bfloat16 on NumPy)
            return Tensor(value.astype("float32", copy=False))

    # ----- config
    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


# ----------------------------------------------------------------------------- reductions


class Sum(Metric):
    """The (weighted) sum of every value given: sum(w v).

    Args:
        name: Defaults to "sum".
        dtype: the result's dtype. Defaults to floatx.

    Example: ``Sum()([1, 3, 5, 7])`` is 16; with ``sample_weight=[1, 1, 0, 0]`` it is 4.
    """

    def __init__(self, name: str = "sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total", dtype=ACCUMULATOR_DTYPE)

    def update_state(self, values, sample_weight=None) -> None:
        values, _ = samplewise(values, sample_weight, "sum", f"{type(self).__name__}")
        self.total.value[()] += values.sum(dtype=ACCUMULATOR_DTYPE)

    def result(self) -> Tensor:
        return self._result(self.total.value)


class Mean(Metric):
    """The (weighted) mean of every value given: sum(w v) / sum(w).

    Values of rank > 1 are first averaged to one value per sample (as Keras does), so a
    sample counts once whatever its shape.

    Args:
        name: Defaults to "mean".
        dtype: the result's dtype. Defaults to floatx.

    Example: ``Mean()([1, 3, 5, 7])`` is 4; with ``sample_weight=[1, 1, 0, 0]`` it is 2.
    """

    def __init__(self, name: str = "mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total", dtype=ACCUMULATOR_DTYPE)
        self.count = self.add_variable((), name="count", dtype=ACCUMULATOR_DTYPE)

    def update_state(self, values, sample_weight=None) -> None:
        values, weights = samplewise(values, sample_weight, "mean", f"{type(self).__name__}")
        self.total.value[()] += values.sum(dtype=ACCUMULATOR_DTYPE)
        if weights is not None:
            self.count.value[()] += weights.sum(dtype=ACCUMULATOR_DTYPE)
        else:
            self.count.value[()] += values.shape[0] if values.ndim else 1

    def result(self) -> Tensor:
        return self._result(divide_no_nan(self.total.value, self.count.value))


class MeanMetricWrapper(Mean):
    """The weighted mean over all samples of ``fn(y_true, y_pred, **kwargs)``.

    ``fn`` returns one value per sample (or per value: those are averaged per sample first);
    it may return an array, a Tensor or a number. A function with a ``_direction`` ("up" or
    "down": whether higher values are better) passes it on to the metric, as Keras marks the
    metrics it makes from its losses "down"; ``mode="auto"`` of EarlyStopping reads it.

    Args:
        fn: the function, ``fn(y_true, y_pred, **kwargs)``.
        name: Defaults to ``fn``'s name in snake_case.
        dtype: the result's dtype. Defaults to floatx.
        **kwargs: passed on to ``fn``.
    """

    def __init__(self, fn, name: str | None = None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(
                f"MeanMetricWrapper(fn): expected a function f(y_true, y_pred), given "
                f"{type(fn).__name__} {fn!r}."
            )
        super().__init__(name=name or function_name(fn), dtype=dtype)
        self.fn = fn
        self.fn_kwargs = kwargs
        direction = getattr(fn, "_direction", None)
        if direction is not None:
            self._direction = direction

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        values = self.fn(y_true, y_pred, **self.fn_kwargs)
        super().update_state(getattr(values, "value", values), sample_weight)

    def get_config(self) -> dict:
        return {**super().get_config(), **self.fn_kwargs}


__all__ = ["ACCUMULATOR_DTYPE", "Mean", "MeanMetricWrapper", "Metric", "Sum"]
