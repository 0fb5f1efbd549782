"""TensorFlow's ``tf.train.ExponentialMovingAverage``: shadow copies of variables that follow
their moving averages, as TensorFlow 2 keeps them when it runs eagerly.

    ema = tf.train.ExponentialMovingAverage(decay=0.999)
    for step ...:
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        ema.apply(model.trainable_variables)
    smoothed = ema.average(model.trainable_variables[0])
"""

from __future__ import annotations

import weakref

import numpy as np

from .. import backend
from ..autodiff import Tensor, Variable

# every variable an ExponentialMovingAverage has averaged (TensorFlow's collection of
# moving-average variables), for variables_to_restore
_AVERAGED: list = []


def _number(value) -> float:
    value = value.numpy() if hasattr(value, "numpy") else value
    return float(np.asarray(value).reshape(()))


def _base_name(var) -> str:
    name = getattr(var, "path", None) or getattr(var, "name", None) or "Variable"
    return str(name).split(":")[0]


class ExponentialMovingAverage:
    """Moving averages of variables: ``apply(var_list)`` makes a non-trainable shadow
    variable per variable (starting at the variable's value) the first time, and moves each
    shadow toward its variable:

        shadow = shadow - (1 - decay) * (shadow - variable)

    With ``num_updates`` the decay used is min(decay, (1 + num_updates) / (10 + num_updates)),
    so that early averages move faster; num_updates may be a variable (an optimizer's
    ``iterations``), read at each apply.

    Args:
        decay: the decay, close to 1 (0.999, 0.9999).
        num_updates: None, or the number of updates so far (an int or a variable). Defaults
            to ``None``.
        zero_debias: accepted as TensorFlow's; as there, it changes nothing for variables
            (shadows start at the variable's value). Defaults to ``False``.
        name: the suffix of the shadow variables' names. Defaults to
            ``"ExponentialMovingAverage"``.

    Attributes:
        name: the name given.

    Example:
        >>> v = numnet.Variable(1.0, name="v")
        >>> ema = numnet.train.ExponentialMovingAverage(decay=0.9)
        >>> ema.apply([v])                       # the shadow starts at 1.0
        >>> v.assign(2.0)
        <...>
        >>> ema.apply([v])                       # 1.0 - 0.1 * (1.0 - 2.0)
        >>> round(float(ema.average(v)), 4), ema.average_name(v)
        (1.1, 'v/ExponentialMovingAverage')
    """

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages: dict = {}  # id(variable) -> (variable, shadow)

    @property
    def name(self) -> str:
        """The name given (the suffix of the shadow variables' names)."""
        return self._name

    def _current_decay(self) -> float:
        decay = _number(self._decay)
        if self._num_updates is not None:
            updates = _number(self._num_updates)
            decay = min(decay, (1.0 + updates) / (10.0 + updates))
        return decay

    def apply(self, var_list=None):
        """Create the shadows of ``var_list`` not seen before (at their variables' values),
        then move every shadow of ``var_list`` toward its variable.

        Args:
            var_list: variables (float dtypes). None, as TensorFlow 2 when eager, averages
                nothing. Defaults to ``None``.

        Returns:
            None (TensorFlow returns no op when it runs eagerly).

        Raises:
            TypeError: a variable of a non-float dtype, or a value that is not a variable.
        """
        if var_list is None:
            return None
        variables = list(var_list)
        for var in variables:
            if not isinstance(var, Variable):
                raise TypeError(f"ExponentialMovingAverage.apply(var_list): expected "
                                f"variables, given {type(var).__name__}; TensorFlow does not "
                                f"average plain tensors when it runs eagerly either.")
            if np.dtype(var.dtype).kind != "f":
                raise TypeError(f"ExponentialMovingAverage.apply(var_list): the variables "
                                f"must be half, float or double, given "
                                f"{_base_name(var)} of dtype {var.dtype}.")
        for var in variables:
            if id(var) not in self._averages:
                shadow = Variable(backend.xp.array(var.value, copy=True),
                                  name=self.average_name(var), trainable=False)
                self._averages[id(var)] = (var, shadow)
                if not any(ref() is var for ref in _AVERAGED):
                    _AVERAGED.append(weakref.ref(var))
        rate = 1.0 - self._current_decay()
        for var in {id(v): v for v in variables}.values():
            shadow = self._averages[id(var)][1]
            step = (shadow.value - var.value) * np.dtype(var.dtype).type(rate)
            shadow.assign(Tensor((shadow.value - step).astype(var.dtype)))
        return None

    def average(self, var):
        """The shadow variable of ``var``, or None when ``var`` has not been applied."""
        entry = self._averages.get(id(var))
        return entry[1] if entry is not None and entry[0] is var else None

    def average_name(self, var) -> str:
        """The name of ``var``'s shadow: ``<variable name>/<name>`` (the layer path for a
        layer's weight)."""
        return f"{_base_name(var)}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None) -> dict:
        """{shadow name: variable} for the variables averaged (by any
        ExponentialMovingAverage, or those of ``moving_avg_variables``): the map that loads
        averaged values into the variables themselves from a checkpoint.

        Args:
            moving_avg_variables: the variables to map; None for every averaged variable.
                Defaults to ``None``.
        """
        if moving_avg_variables is None:
            moving_avg_variables = [v for v in (ref() for ref in _AVERAGED) if v is not None]
        return {self.average_name(v): v for v in moving_avg_variables}

    def __repr__(self) -> str:
        return f"<ExponentialMovingAverage name={self._name!r} decay={self._decay!r}>"


TRAIN = {"ExponentialMovingAverage": ExponentialMovingAverage}
"""The names of this module, as they join ``tf.train``."""
