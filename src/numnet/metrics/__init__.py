"""Stateful metrics: ``update_state`` per batch, ``result`` over everything seen, ``reset_state``.

A metric aggregates over a whole epoch: accuracy is correct / seen over all batches, precision
is TP / (TP + FP) from the epoch's counts, AUC the area under the epoch's curve; never an
average of per-batch values. Functions such as ``binary_accuracy(y_true, y_pred)`` return one
value per sample (or per value), as Keras's do; ``MeanMetricWrapper`` turns any such function
into a metric, and ``compile(metrics=[f])`` does that for any ``f(y_true, y_pred)``.

Modules: base (Metric, Mean, Sum, MeanMetricWrapper), accuracy, regression (errors, R2Score,
CosineSimilarity), correlation (PearsonCorrelation, ConcordanceCorrelation), confusion
(TruePositives ... FalseNegatives, Precision, Recall, AUC, PrecisionAtRecall and the other rates
at a target rate), f_score (F1Score, FBetaScore), probabilistic (losses as metrics).
"""

import functools

from .. import backend
from ..autodiff.tensor import Tensor
from ..naming import close_matches as _close_matches
from ..naming import snake_case
from .accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    resolve_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from .base import Mean, MeanMetricWrapper, Metric, Sum, function_name
from .confusion import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from .correlation import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from .f_score import F1Score, FBetaScore
from .iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    LogCoshError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from .regression import (
    CosineSimilarity,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)


def _tensor_result(fn):
    """``fn`` returning a Tensor, as keras.metrics' functions return tensors (``.numpy()``)."""

    @functools.wraps(fn)
    def metric(*args, **kwargs):
        value = fn(*args, **kwargs)
        return value if isinstance(value, Tensor) else Tensor(value)

    return metric


accuracy = _tensor_result(accuracy)
binary_accuracy = _tensor_result(binary_accuracy)
categorical_accuracy = _tensor_result(categorical_accuracy)
sparse_categorical_accuracy = _tensor_result(sparse_categorical_accuracy)
top_k_categorical_accuracy = _tensor_result(top_k_categorical_accuracy)
sparse_top_k_categorical_accuracy = _tensor_result(sparse_top_k_categorical_accuracy)
mean_squared_error = _tensor_result(mean_squared_error)
mean_absolute_error = _tensor_result(mean_absolute_error)
mean_absolute_percentage_error = _tensor_result(mean_absolute_percentage_error)
mean_squared_logarithmic_error = _tensor_result(mean_squared_logarithmic_error)
binary_crossentropy = _tensor_result(binary_crossentropy)
categorical_crossentropy = _tensor_result(categorical_crossentropy)
sparse_categorical_crossentropy = _tensor_result(sparse_categorical_crossentropy)
kl_divergence = _tensor_result(kl_divergence)
poisson = _tensor_result(poisson)
hinge = _tensor_result(hinge)
squared_hinge = _tensor_result(squared_hinge)
categorical_hinge = _tensor_result(categorical_hinge)
huber = _tensor_result(huber)
log_cosh = _tensor_result(log_cosh)
binary_focal_crossentropy = _tensor_result(binary_focal_crossentropy)
categorical_focal_crossentropy = _tensor_result(categorical_focal_crossentropy)
pearson_correlation = _tensor_result(pearson_correlation)
concordance_correlation = _tensor_result(concordance_correlation)

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error

_CLASSES = (
    Mean, Sum,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, R2Score, CosineSimilarity, LogCoshError,
    PearsonCorrelation, ConcordanceCorrelation,
    TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision, Recall, AUC,
    PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity,
    F1Score, FBetaScore,
    IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence,
    Poisson, Hinge, SquaredHinge, CategoricalHinge,
)
_ALIASES = {
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "rmse": RootMeanSquaredError,  # numnet's shorthand; Keras has no such name
}
ALL_OBJECTS: dict = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{snake_case(cls.__name__): cls for cls in _CLASSES},
    **_ALIASES,
}
"""What a string names: each class by its name and its snake_case name, and Keras's short
aliases ('mse', 'mae', 'mape', 'msle', 'bce'). 'accuracy' and 'acc' are resolved by shapes.
The classes that need a target ('precision_at_recall' ...) are named here but must be given as
objects, PrecisionAtRecall(recall=0.8), as Keras requires."""

FUNCTIONS: dict = {fn.__name__: fn for fn in (
    huber, log_cosh, binary_focal_crossentropy, categorical_focal_crossentropy)}
"""Metric functions with no class of their name, which numnet also takes by name ('huber'):
``compile(metrics=[numnet.metrics.huber])`` saves the function by that name, so that the
model loads. Keras takes them only as functions."""

_ACCURACY_NAMES = ("accuracy", "acc")


def _lookup(name: str):
    return ALL_OBJECTS.get(name) or ALL_OBJECTS.get(name.lower())


def _unknown(identifier) -> ValueError:
    known = sorted({key for key in ALL_OBJECTS if key.islower()} | set(_ACCURACY_NAMES)
                   | set(FUNCTIONS))
    close = _close_matches(str(identifier).lower(), known, n=3)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(
        f"compile(metrics): unknown metric {identifier!r}; expected one of {known} (or a class "
        f"name such as 'Precision'), a Metric object or a function f(y_true, y_pred).{hint}"
    )


def _not_a_metric(identifier) -> TypeError:
    return TypeError(
        f"compile(metrics): expected a metric name, a Metric object or a function "
        f"f(y_true, y_pred), given {type(identifier).__name__} {identifier!r}."
    )


def _needs_target(identifier, cls) -> TypeError:
    return TypeError(
        f"compile(metrics): {identifier!r} needs its target {cls._target}, which a name cannot "
        f"give; pass the metric object instead, e.g. numnet.metrics.{cls.__name__}("
        f"{cls._target}={getattr(cls, '_target_example', 0.8)})."
    )


def validate(identifier) -> None:
    """Raise the error ``get`` would raise for ``identifier``, without building a metric.

    Args:
        identifier: a metric name ('accuracy', 'mse', 'AUC'), a config dict, a Metric class or
            object, or a function ``f(y_true, y_pred)``.
    """
    if isinstance(identifier, Metric):
        return
    if isinstance(identifier, str):
        if identifier.lower() in _ACCURACY_NAMES or identifier in FUNCTIONS:
            return
        cls = _lookup(identifier)
        if cls is None:
            raise _unknown(identifier)
        if getattr(cls, "_target", None):
            raise _needs_target(identifier, cls)
        return
    if isinstance(identifier, dict):
        if _lookup(str(identifier.get("class_name"))) is None:
            raise _unknown(identifier.get("class_name"))
        return
    if isinstance(identifier, type):
        if not issubclass(identifier, Metric):
            raise _not_a_metric(identifier)
        if getattr(identifier, "_target", None):
            raise _needs_target(identifier.__name__, identifier)
        return
    if not callable(identifier):
        raise _not_a_metric(identifier)


def get(identifier, y_true=None, y_pred=None) -> Metric:
    """A Metric from a name, a config dict, a Metric class or object, or a function, as
    Keras's ``compile`` makes one.

    A string gives the metric it names, called by that string in the logs ('mse' logs as
    'mse'). 'accuracy' / 'acc' resolve by the shapes of ``y_true`` and ``y_pred`` (when
    given): binary accuracy for one output unit, sparse categorical accuracy for integer
    labels against several units, else categorical accuracy. A function is wrapped in
    ``MeanMetricWrapper`` and logged under its name in snake_case. A Metric object is used as
    it is (its state is shared with whoever else holds it).

    Args:
        identifier: a metric name ('accuracy', 'mse', 'AUC'), a config dict, a Metric class or
            object, or a function ``f(y_true, y_pred)``.
        y_true: the training targets, used to resolve 'accuracy', or None. Defaults to ``None``.
        y_pred: the model's outputs, used to resolve 'accuracy', or None. Defaults to ``None``.
    """
    if isinstance(identifier, Metric):
        return identifier
    validate(identifier)
    if isinstance(identifier, str):
        if identifier.lower() in _ACCURACY_NAMES:
            return resolve_accuracy(identifier, y_true, y_pred)
        if identifier in FUNCTIONS:
            return MeanMetricWrapper(FUNCTIONS[identifier], name=identifier)
        metric = _lookup(identifier)()
        metric.name = identifier
        return metric
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    return MeanMetricWrapper(identifier, name=function_name(identifier))


def serialize(metric: Metric) -> dict:
    """{"class_name": ..., "config": metric.get_config()}.

    Args:
        metric: a Metric object.
    """
    return {"class_name": type(metric).__name__, "config": metric.get_config()}


def deserialize(config, custom_objects: dict | None = None):
    """The metric a ``serialize`` dict (or a name) describes, as Keras's ``deserialize``.

    A class name is looked up in ``custom_objects``, then among the objects registered with
    numnet.saving, then among numnet's metrics; a name of a class gives an instance with the
    defaults, a function's name the function.

    Args:
        config: a dict as ``serialize`` gives (``{"class_name": ..., "config": {...}}``), or a
            metric's name.
        custom_objects: ``{name: class or function}`` of one's own metrics, or None. Defaults
            to ``None``.

    Returns:
        The Metric (or metric function).

    Raises:
        ValueError: for an unknown name.
        TypeError: for a config of another form.

    Example:
        >>> m = numnet.metrics.deserialize(numnet.metrics.serialize(
        ...     numnet.metrics.Precision(thresholds=0.3)))
        >>> type(m).__name__, m.thresholds
        ('Precision', 0.3)
    """
    from ..registry import get_registered_object

    if isinstance(config, str):
        found = get_registered_object(config, custom_objects) or _lookup(config)
        if found is None:
            raise _unknown(config)
        return found() if isinstance(found, type) else found
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise TypeError(f"metrics.deserialize(config): expected a metric name or a dict with a "
                        f"'class_name' (as metrics.serialize gives), given "
                        f"{type(config).__name__} {config!r}.")
    name = config["class_name"]
    if name == "function" and isinstance(config.get("config"), str):
        return deserialize(config["config"], custom_objects)
    cls = get_registered_object(name, custom_objects) or _lookup(name)
    if cls is None:
        raise _unknown(name)
    return cls.from_config(dict(config.get("config") or {}))


# ----------------------------------------------------------------------------- logs


def log_names(metric_list, weighted_from: int | None = None) -> list[str]:
    """The names ``fit`` and ``evaluate`` log ``metric_list`` under, as Keras does.

    A metric logs under its ``name``; a name already taken gets "_1", "_2", ... appended. The
    metrics from index ``weighted_from`` on came from ``weighted_metrics``: one whose name is
    taken logs as "weighted_<name>" instead (then with "_1", ... if that is taken too).

    Args:
        metric_list: the Metric objects, in the order compile made them.
        weighted_from: the index from which the metrics came from ``weighted_metrics``, or None.
            Defaults to ``None``.
    """
    counters: dict = {}
    names = []
    for i, metric in enumerate(metric_list):
        name = metric.name
        weighted = weighted_from is not None and i >= weighted_from
        if name not in counters:
            counters[name] = 1
        elif not weighted:
            index = counters[name]
            counters[name] += 1
            name = f"{name}_{index}"
        else:
            name = f"weighted_{metric.name}"
            if name not in counters:
                counters[name] = 1
            else:
                index = counters[name]
                counters[name] += 1
                name = f"{name}_{index}"
        names.append(name)
    return names


def log_value(value):
    """A metric's result as a log holds it, as Keras's History does: a float for a scalar, a
    NumPy array for a vector (F1Score(average=None), Precision with several thresholds), even
    of one element.

    Args:
        value: a metric's result (a scalar or a vector, on the device in use).
    """
    array = backend.to_numpy(value)
    return float(array) if array.ndim == 0 else array


def results(metric_list, weighted_from: int | None = None) -> dict:
    """{log name: result} for ``metric_list`` (see ``log_names`` and ``log_value``).

    Args:
        metric_list: the Metric objects, in the order compile made them.
        weighted_from: the index from which the metrics came from ``weighted_metrics``, or None.
            Defaults to ``None``.
    """
    return {name: log_value(metric.result())
            for name, metric in zip(log_names(metric_list, weighted_from), metric_list)}


# tf.keras 2's other names of two metric functions (not in Keras 3's keras.metrics)
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh

__all__ = [
    "ALL_OBJECTS", "AUC", "Accuracy", "BinaryAccuracy", "BinaryCrossentropy",
    "CategoricalAccuracy", "CategoricalCrossentropy", "CategoricalHinge",
    "ConcordanceCorrelation", "CosineSimilarity", "F1Score", "FBetaScore", "FUNCTIONS",
    "FalseNegatives", "FalsePositives", "Hinge", "KLDivergence", "LogCoshError", "Mean",
    "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanMetricWrapper",
    "MeanSquaredError", "MeanSquaredLogarithmicError", "Metric", "PearsonCorrelation",
    "Poisson", "Precision", "PrecisionAtRecall", "R2Score", "Recall", "RecallAtPrecision",
    "RootMeanSquaredError", "SensitivityAtSpecificity", "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy", "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity", "SquaredHinge", "Sum", "TopKCategoricalAccuracy",
    "TrueNegatives", "TruePositives", "accuracy", "binary_accuracy", "binary_crossentropy",
    "binary_focal_crossentropy", "categorical_accuracy", "categorical_crossentropy",
    "categorical_focal_crossentropy", "categorical_hinge", "concordance_correlation",
    "deserialize", "get", "hinge", "huber", "kl_divergence", "log_cosh", "log_names",
    "log_value", "mae", "mape", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_error", "mean_squared_logarithmic_error", "mse", "msle",
    "pearson_correlation", "poisson", "results", "serialize", "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy", "sparse_top_k_categorical_accuracy", "squared_hinge",
    "top_k_categorical_accuracy", "validate",
    "BinaryIoU", "IoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU",
]
