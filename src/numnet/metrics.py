"""Stateful metrics: ``update_state`` per batch, ``result`` over everything seen, ``reset_state``.

A metric aggregates over a whole epoch: accuracy is correct / seen over all batches, never an
average of per-batch values. Functions such as ``binary_accuracy(y_true, y_pred)`` return one
value per sample, as Keras's do; ``MeanMetricWrapper`` turns any such function into a metric.
"""

from __future__ import annotations

import difflib

from . import backend, losses
from .autodiff.tensor import Tensor


def _array(x):
    return backend.to_device(getattr(x, "value", x))


def _float_pred(y_pred):
    return _array(y_pred)


# ----------------------------------------------------------------------------- per-sample functions


def binary_accuracy(y_true, y_pred, threshold: float = 0.5):
    """mean over the last axis of (y_pred > threshold) == y_true."""
    y_true, y_pred = _array(y_true), _float_pred(y_pred)
    y_true, y_pred = _match(y_true, y_pred)
    hits = (y_pred > threshold) == (y_true > 0.5)
    return hits.mean(axis=-1, dtype=backend.floatx())


def categorical_accuracy(y_true, y_pred):
    """argmax(y_true) == argmax(y_pred), per sample."""
    y_true, y_pred = _array(y_true), _float_pred(y_pred)
    return (y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)).astype(backend.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    """y_true == argmax(y_pred), per sample; y_true integer labels of shape (N,) or (N, 1)."""
    y_true, y_pred = _array(y_true), _float_pred(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    return (y_true.astype("int64") == y_pred.argmax(axis=-1)).astype(backend.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """1 if the true class (argmax of y_true) is among the k largest predictions."""
    return sparse_top_k_categorical_accuracy(_array(y_true).argmax(axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """1 if the integer label is among the k largest predictions."""
    xp = backend.xp
    y_true, y_pred = _array(y_true), _float_pred(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    labels = y_true.astype("int64")
    target = xp.take_along_axis(y_pred, labels[..., None], axis=-1)
    rank = (y_pred > target).sum(axis=-1)
    return (rank < k).astype(backend.floatx())


def _match(y_true, y_pred):
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape + (1,))
    return y_true, y_pred


def _loss_as_metric(fn):
    def metric(y_true, y_pred, **kwargs):
        with _no_grad():
            return fn(y_true, Tensor(_float_pred(y_pred)), **kwargs).value

    metric.__name__ = fn.__name__
    metric.__doc__ = fn.__doc__
    return metric


def _no_grad():
    from .autodiff.tensor import no_grad

    return no_grad()


mean_squared_error = _loss_as_metric(losses.mean_squared_error)
mean_absolute_error = _loss_as_metric(losses.mean_absolute_error)
mean_absolute_percentage_error = _loss_as_metric(losses.mean_absolute_percentage_error)
mean_squared_logarithmic_error = _loss_as_metric(losses.mean_squared_logarithmic_error)
binary_crossentropy = _loss_as_metric(losses.binary_crossentropy)
categorical_crossentropy = _loss_as_metric(losses.categorical_crossentropy)
sparse_categorical_crossentropy = _loss_as_metric(losses.sparse_categorical_crossentropy)
kl_divergence = _loss_as_metric(losses.kl_divergence)
poisson = _loss_as_metric(losses.poisson)
hinge = _loss_as_metric(losses.hinge)
squared_hinge = _loss_as_metric(losses.squared_hinge)
mse = mean_squared_error
mae = mean_absolute_error
mape = mean_absolute_percentage_error
msle = mean_squared_logarithmic_error


# ----------------------------------------------------------------------------- stateful metrics


class Metric:
    """Base class: subclasses hold their state and define update_state / result / reset_state."""

    def __init__(self, name: str | None = None, dtype=None):
        self.name = name or losses._snake(type(self).__name__)
        self.dtype = dtype or backend.floatx()

    def update_state(self, y_true, y_pred, sample_weight=None):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self) -> None:
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Update with one batch and return the result so far."""
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    @property
    def variables(self) -> list:
        return []

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _scalar(value) -> Tensor:
    return Tensor(backend.xp.asarray(value, dtype=backend.floatx()))


class Mean(Metric):
    """The (weighted) mean of every value given: sum(w v) / sum(w)."""

    def __init__(self, name: str = "mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        values = _array(values).astype("float64", copy=False)
        if sample_weight is None:
            self.total += float(values.sum())
            self.count += float(values.size)
            return
        w = _array(sample_weight).astype("float64", copy=False)
        while w.ndim > values.ndim and w.shape[-1] == 1:
            w = w.reshape(w.shape[:-1])
        w = backend.xp.broadcast_to(w.reshape(w.shape + (1,) * (values.ndim - w.ndim)),
                                    values.shape)
        self.total += float((values * w).sum())
        self.count += float(w.sum())

    def result(self):
        return _scalar(self.total / self.count if self.count else 0.0)


class Sum(Metric):
    """The (weighted) sum of every value given."""

    def __init__(self, name: str = "sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self) -> None:
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values = _array(values).astype("float64", copy=False)
        if sample_weight is not None:
            values = values * _array(sample_weight).reshape(
                values.shape[:1] + (1,) * (values.ndim - 1))
        self.total += float(values.sum())

    def result(self):
        return _scalar(self.total)


class MeanMetricWrapper(Mean):
    """The mean over all samples of ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn, name: str | None = None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "metric"), dtype=dtype)
        self.fn = fn
        self.fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self.fn(y_true, y_pred, **self.fn_kwargs)
        super().update_state(getattr(values, "value", values), sample_weight)

    def get_config(self):
        return {**super().get_config(), **self.fn_kwargs}


def _wrapper_class(class_name, fn, default_name, params=()):
    def __init__(self, name=default_name, dtype=None, **kwargs):
        values = dict(params)
        for key in kwargs:
            if key not in values:
                raise TypeError(f"{class_name}() got an unexpected keyword argument {key!r}.")
        values.update(kwargs)
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **values)

    def from_config(cls, config):
        return cls(**config)

    return type(class_name, (MeanMetricWrapper,), {
        "__init__": __init__, "__doc__": f"The mean of {fn.__name__} over all samples.",
        "from_config": classmethod(from_config), "__module__": __name__,
    })


BinaryAccuracy = _wrapper_class("BinaryAccuracy", binary_accuracy, "binary_accuracy",
                                (("threshold", 0.5),))
CategoricalAccuracy = _wrapper_class("CategoricalAccuracy", categorical_accuracy,
                                     "categorical_accuracy")
SparseCategoricalAccuracy = _wrapper_class("SparseCategoricalAccuracy",
                                           sparse_categorical_accuracy,
                                           "sparse_categorical_accuracy")
TopKCategoricalAccuracy = _wrapper_class("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                         "top_k_categorical_accuracy", (("k", 5),))
SparseTopKCategoricalAccuracy = _wrapper_class(
    "SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy", (("k", 5),))
MeanSquaredError = _wrapper_class("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _wrapper_class("MeanAbsoluteError", mean_absolute_error,
                                   "mean_absolute_error")
MeanAbsolutePercentageError = _wrapper_class(
    "MeanAbsolutePercentageError", mean_absolute_percentage_error,
    "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _wrapper_class(
    "MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error")


class RootMeanSquaredError(Mean):
    """sqrt(mean over all samples of the squared error)."""

    def __init__(self, name: str = "root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(mean_squared_error(y_true, y_pred), sample_weight)

    def result(self):
        return _scalar((self.total / self.count) ** 0.5 if self.count else 0.0)


class Accuracy(MeanMetricWrapper):
    """Exact equality of y_true and y_pred, per element."""

    def __init__(self, name: str = "accuracy", dtype=None):
        def accuracy(y_true, y_pred):
            y_true, y_pred = _match(_array(y_true), _float_pred(y_pred))
            return (y_true == y_pred).mean(axis=-1, dtype=backend.floatx())

        super().__init__(accuracy, name=name, dtype=dtype)


_FUNCTIONS = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mape": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "msle": mean_squared_logarithmic_error,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "kl_divergence": kl_divergence, "poisson": poisson, "hinge": hinge,
    "squared_hinge": squared_hinge,
}
_CLASSES = {
    "Mean": Mean, "Sum": Sum, "Accuracy": Accuracy, "BinaryAccuracy": BinaryAccuracy,
    "CategoricalAccuracy": CategoricalAccuracy,
    "SparseCategoricalAccuracy": SparseCategoricalAccuracy,
    "TopKCategoricalAccuracy": TopKCategoricalAccuracy,
    "SparseTopKCategoricalAccuracy": SparseTopKCategoricalAccuracy,
    "MeanSquaredError": MeanSquaredError, "MeanAbsoluteError": MeanAbsoluteError,
    "MeanAbsolutePercentageError": MeanAbsolutePercentageError,
    "MeanSquaredLogarithmicError": MeanSquaredLogarithmicError,
    "RootMeanSquaredError": RootMeanSquaredError,
}
_NAMES = ["accuracy", "acc", "rmse", "root_mean_squared_error", *_FUNCTIONS]


def get(identifier, y_true=None, y_pred=None) -> Metric:
    """A Metric from a name, a function, a class or an object.

    'accuracy' (or 'acc') resolves by shapes, as Keras does: binary accuracy for one output unit,
    sparse categorical accuracy for integer labels against several units, else categorical.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        key = identifier
        if key.lower() in ("accuracy", "acc"):
            return MeanMetricWrapper(_accuracy_for(y_true, y_pred), name=identifier)
        if key.lower() in ("rmse", "root_mean_squared_error"):
            return RootMeanSquaredError(name=identifier)
        fn = _FUNCTIONS.get(key) or _FUNCTIONS.get(key.lower())
        if fn is not None:
            return MeanMetricWrapper(fn, name=identifier)
        if key in _CLASSES:
            return _CLASSES[key]()
        close = difflib.get_close_matches(key.lower(), _NAMES + list(_CLASSES), n=3)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(
            f"compile(metrics): unknown metric {identifier!r}; expected one of "
            f"{sorted(set(_NAMES))} or a Metric object.{hint}"
        )
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", "metric"))
    raise TypeError(
        f"compile(metrics): expected a metric name, a Metric object or a function "
        f"f(y_true, y_pred), given {type(identifier).__name__} {identifier!r}."
    )


def _accuracy_for(y_true, y_pred):
    if y_pred is None:
        return categorical_accuracy
    pred_shape = tuple(y_pred.shape)
    true_shape = tuple(y_true.shape) if y_true is not None else pred_shape
    if pred_shape[-1] == 1:
        return binary_accuracy
    if len(true_shape) < len(pred_shape) or true_shape[-1] == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


def serialize(metric: Metric) -> dict:
    return {"class_name": type(metric).__name__, "config": metric.get_config()}
