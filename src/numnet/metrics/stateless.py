"""Keras 3's stateless metric API: a metric's state given as values and returned as values,
the metric's own variables left as they were.

    values = [v.value for v in metric.variables]
    values = metric.stateless_update_state(values, y_true, y_pred)
    result = metric.stateless_result(values)

``check_values`` (the lists matched one to one with the variables they stand for) serves the
layers' ``stateless_call`` and the optimizers' ``stateless_apply`` too.
"""

from __future__ import annotations

from .. import backend
from ..autodiff.tensor import Tensor


def check_values(where: str, argument: str, variables, values, listed: str) -> list:
    """``values`` as arrays of the dtypes of ``variables``, one each, in their order (copies,
    so that nothing written to a variable reaches an array the caller holds).

    Args:
        where: the call, for the error ("Dense.stateless_call").
        argument: the argument's name ("trainable_variables").
        variables: the variables the values stand for.
        values: a list of arrays, Tensors or Variables.
        listed: where the caller finds the order ("layer.trainable_variables").

    Raises:
        ValueError: for a list of another length, or a value of another shape than its
            variable's.
    """
    variables = list(variables)
    if values is None or isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        raise ValueError(
            f"{where}({argument}): expected a list of {len(variables)} arrays, one per "
            f"{listed} in that order, given {type(values).__name__}.")
    values = list(values)
    if len(values) != len(variables):
        raise ValueError(
            f"{where}({argument}): expected a list of {len(variables)} values, one per "
            f"{listed} in that order ({[v.path for v in variables]}), given {len(values)}. "
            f"Pass [v.value for v in {listed}] or the values a stateless call returned.")
    out = []
    for variable, value in zip(variables, values, strict=True):
        array = backend.to_device(getattr(value, "value", value), dtype=variable.value.dtype)
        if tuple(array.shape) != tuple(variable.value.shape):
            raise ValueError(
                f"{where}({argument}): the value for {variable.path!r} has shape "
                f"{tuple(array.shape)}, expected {tuple(variable.value.shape)} (the order of "
                f"{listed}).")
        out.append(array.copy())
    return out


def _own(value):
    """``value`` (a result: a Tensor, an array, or a dict / list of them) in arrays of its own,
    so that putting the metric's state back does not change it."""
    if isinstance(value, Tensor):
        return Tensor(value.value.copy())
    if isinstance(value, dict):
        return {key: _own(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_own(item) for item in value)
    if hasattr(value, "copy") and hasattr(value, "shape"):
        return value.copy()
    return value


class _Given:
    """A block in which ``metric``'s variables hold ``values`` (none for ``values=None``);
    afterwards the metric's whole state (variables and plain-number attributes) is as before."""

    def __init__(self, metric, values, where: str):
        self.metric = metric
        self.values = None if values is None else check_values(
            where, "metric_variables", metric.variables, values, "metric.variables")

    def __enter__(self):
        self._saved = self.metric.get_state()
        for variable, value in zip(self.metric.variables, self.values or (), strict=False):
            variable.value[...] = value
        return self

    def current(self) -> list:
        return [variable.value.copy() for variable in self.metric.variables]

    def __exit__(self, *exc) -> None:
        self.metric.set_state(self._saved)


def stateless_update_state(metric, metric_variables, *args, **kwargs) -> list:
    """``metric.update_state(*args, **kwargs)`` applied to ``metric_variables``: the new values,
    in the order of ``metric.variables``; the metric keeps its own state."""
    with _Given(metric, metric_variables,
                f"{type(metric).__name__}.stateless_update_state") as given:
        metric.update_state(*args, **kwargs)
        return given.current()


def stateless_result(metric, metric_variables):
    """``metric.result()`` of the state ``metric_variables``; the metric keeps its own."""
    with _Given(metric, metric_variables, f"{type(metric).__name__}.stateless_result"):
        return _own(metric.result())


def stateless_reset_state(metric) -> list:
    """The values of ``metric.variables`` after ``reset_state()``; the metric keeps its own."""
    with _Given(metric, None, f"{type(metric).__name__}.stateless_reset_state") as given:
        metric.reset_state()
        return given.current()


__all__ = ["check_values", "stateless_reset_state", "stateless_result",
           "stateless_update_state"]
