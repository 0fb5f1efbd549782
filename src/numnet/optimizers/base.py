"""What every optimizer shares: learning rate (float or schedule), iterations, clipping,
decoupled weight decay, an exponential moving average of the weights, Keras 2's ``lr`` / ``decay``.

A subclass defines ``build_slots(variable)`` (its state, preallocated) and
``update_step(gradient, variable, learning_rate, slots)`` (the update rule, in place).
One step, as Keras 3 orders it::

    w  <- g, for w marked overwrite_with_gradient  (float8 scales: no other step touches them)
    g  <- clip(g)                                  clipvalue, clipnorm, global_clipnorm
    lr <- schedule(iterations) / (1 + decay * iterations)
    w  <- w - w * weight_decay * lr                (if weight_decay)
    w  <- update_step(g, w, lr)
    iterations <- iterations + 1
    ema <- ema_momentum * ema + (1 - ema_momentum) * w   (if use_ema; ema = w after the first)

With ``gradient_accumulation_steps=n`` the gradients are summed over n steps and the n-th step
updates with their mean; ``iterations`` then counts updates (steps // n), as in Keras, while
schedules and ``decay`` read the number of steps. ``loss_scale_factor`` is accepted and has no
effect: Keras multiplies the loss by it and divides the gradients by it, which cancels in float32.

Every step works in place: slots are allocated when a variable is first seen, and the scratch
arrays of the NumPy path (slots whose names start with '_') the first time they are needed, so
that a step allocates no array. Every rule is elementwise, so when the same variables come back
step after step the optimizer packs them: their values, gradients and slots become views of one
flat array each, and a step is one ``update_step`` over those (one pass, one fused kernel call)
instead of one per variable, with the same result to the bit.

Plain full-batch gradient descent is ``SGD`` with ``fit(..., batch_size=len(x))``: one step per
epoch on the gradient of the whole training set.

An optimizer written as Keras 3 writes one is a subclass whose ``update_step(gradient, variable,
learning_rate)`` takes no ``slots``: its ``build(variables)`` makes its state with
``add_variable_from_reference`` (after ``super().build(variables)``, which sets ``built``), and
``update_step`` is called once per variable with the Variable itself, updating it and its state
with ``assign`` / ``assign_add`` / ``assign_sub``; ``_get_variable_index(variable)`` gives the
variable's place in the list ``build`` was given.

Why one file of about 700 lines: the optimizer base holds every shared step feature (clipping,
weight decay, EMA, accumulation, the flat packs) that each optimizer's update rule plugs into.
"""

from __future__ import annotations

import inspect
import math
import numbers
import os
import sys
import warnings

import numpy as np

from .. import backend
from ..autodiff.tensor import Variable
from ..naming import close_matches as _close_matches
from ..quantizers import overwrites_with_gradient
from . import schedules

_warned: set[str] = set()
_HERE = os.path.dirname(os.path.abspath(__file__))

DEFAULT_EPSILON = 1e-7
"""Keras's backend epsilon: what Keras 2's ``epsilon=None`` stood for."""


def _outside_stacklevel() -> int:
    """The ``stacklevel`` of the first caller outside numnet.optimizers (the user's line)."""
    frame, level = sys._getframe(2), 2
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _HERE:
        frame, level = frame.f_back, level + 1
    return level


def _deprecated(old: str, new: str) -> None:
    """One DeprecationWarning per Keras 2 argument and process, naming the new spelling."""
    if old not in _warned:
        _warned.add(old)
        warnings.warn(
            f"The argument {old!r} is Keras 2's spelling; {new}",
            DeprecationWarning,
            stacklevel=_outside_stacklevel(),
        )


def _takes_step(rate) -> bool:
    """A schedule is called with the step; a plain callable, as in Keras, with no argument."""
    if isinstance(rate, schedules.LearningRateSchedule):
        return True
    try:
        params = inspect.signature(rate).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.VAR_POSITIONAL,
    )
    return any(p.kind in positional for p in params)


def _squared_norm(g) -> float:
    """sum(g^2), without a temporary array for contiguous g."""
    flat = g.reshape(-1)
    return float(backend.xp.dot(flat, flat))


KERAS_SLOT_NAMES = {"m": "momentum", "v": "velocity", "v_max": "velocity_hat", "u": "norm"}
"""Keras's names of numnet's optimizer slots, where they differ (SGD's velocity is Keras's
momentum)."""


KERAS_SLOTS = {
    "SGD": [["velocity"]], "Adam": [["m", "v"], ["v_max"]], "AdamW": [["m", "v"], ["v_max"]],
    "Adamax": [["m", "u"]], "Nadam": [["m", "v"]], "Adagrad": [["accumulator"]],
    "Adadelta": [["accumulated_grad", "accumulated_delta_var"]], "Lion": [["m"]],
    "Ftrl": [["accumulator", "linear"]],
    "RMSprop": [["velocity"], ["momentum"], ["average_gradient"]],
    "Lamb": [["momentum", "velocity"]], "ScheduleFreeAdamW": [["momentum", "velocity"]],
    "Adafactor": [["r", "c", "velocity"]], "Muon": [["momentum", "velocity"]],
}
"""Where Keras 3 keeps each optimizer's slots among its variables (after ``iteration``,
``learning_rate`` and the base optimizer's moving averages and gradient sums: _keras_layout):
group after group, and within a group each trainable weight's slots in
turn (Adam: m0, v0, m1, v1, ..., then v_max0, v_max1, ...); numnet's names of the slots."""


KERAS_PLACEHOLDERS = {"Adafactor": ("r", "c")}
"""Slots that Keras keeps for every weight and numnet only where they are used: Adafactor's
factored second moments (row and column), which Keras keeps as 0-d zeros for a weight of one
axis."""


def keras_slot_name(kind: str | None, slot: str) -> str:
    """Keras's name of numnet's slot ``slot`` of the optimizer class named ``kind`` (SGD's
    velocity is Keras's momentum; KERAS_SLOT_NAMES for the others)."""
    if kind == "SGD" and slot == "velocity":
        return "momentum"
    return KERAS_SLOT_NAMES.get(slot, slot)


class LearningRate(Variable):
    """The optimizer's current learning rate; ``assign`` changes it for the next step."""

    __slots__ = ("optimizer",)

    def __init__(self, optimizer):
        super().__init__(
            backend.xp.asarray(optimizer.current_learning_rate(), dtype="float32"),
            name="learning_rate",
            trainable=False,
        )
        self.optimizer = optimizer

    def assign(self, value, use_locking=None, name=None, read_value=True):
        self.optimizer.learning_rate = float(getattr(value, "value", value))
        self.value[...] = self.optimizer.current_learning_rate()
        return self


class _Iterations(Variable):
    """The optimizer's count of updates. Assigning it (Keras's way to put back a state given
    by ``stateless_apply`` or saved elsewhere) also sets the step count that the learning-rate
    schedule and the bias corrections read."""

    __slots__ = ("optimizer",)

    def __init__(self, optimizer):
        super().__init__(backend.xp.zeros((), dtype="int64"), "iteration", trainable=False)
        self.optimizer = optimizer

    def _moved(self):
        optimizer = self.optimizer
        optimizer._step = int(self.value) * (optimizer.gradient_accumulation_steps or 1)
        return self

    def assign(self, value, use_locking=None, name=None, read_value=True):
        super().assign(value)
        return self._moved()

    def assign_add(self, value, use_locking=None, name=None, read_value=True):
        super().assign_add(value)
        return self._moved()

    def assign_sub(self, value, use_locking=None, name=None, read_value=True):
        super().assign_sub(value)
        return self._moved()


def _aligned(size: int, dtype):
    """An empty flat array of ``size`` elements starting on a 64-byte boundary (a cache line) on
    the CPU, so that contiguous ranges of it that start on one share no cache line."""
    xp = backend.xp
    if xp is not np:
        return xp.empty(size, dtype=dtype)
    dtype = np.dtype(dtype)
    raw = np.empty(size * dtype.itemsize + 64, np.uint8)
    skip = -raw.ctypes.data % 64
    return raw[skip:skip + size * dtype.itemsize].view(dtype)


class _Pack:
    """Variables whose values, gradients and slots are views of one flat array each.

    Made when the optimizer first sees a list of variables; it holds while every variable and
    slot is still the view it made (``holds``). The values are copied in, so nothing changes
    for the model but where its weights live.
    """

    def __init__(self, optimizer: Optimizer, variables):
        self.variables = list(variables)
        first = self.variables[0].value
        sizes = [v.value.size for v in self.variables]
        total = sum(sizes)
        self.value = _aligned(total, first.dtype)
        self.grad = _aligned(total, first.dtype)
        self.slots = optimizer.build_slots(Variable(self.value, trainable=False))
        self.views, self.grad_views = [], []
        self.starts = []  # where each variable's elements begin in the flat arrays
        self._own_slots = [optimizer._slots[var.uid] for var in self.variables]
        start = 0
        for var, size in zip(self.variables, sizes, strict=True):
            self.starts.append(start)
            shape = var.value.shape
            view = self.value[start:start + size].reshape(shape)
            view[...] = var.value
            var.value = view
            self.views.append(view)
            grad_view = self.grad[start:start + size].reshape(shape)
            self.grad_views.append(grad_view)
            if isinstance(var, Variable):
                var.grad_buffer = grad_view  # a training step writes the gradient here
            own = optimizer._slots[var.uid]
            for name, flat in self.slots.items():
                slot_view = flat[start:start + size].reshape(shape)
                slot_view[...] = own[name]
                own[name] = slot_view
            start += size

    def transpose(self, index: int, flag: bool) -> bool:
        """Store the matrix ``variables[index]`` column by column (``flag``; its value, gradient
        and slots become Fortran-ordered views of the same elements of the flat arrays) or row
        by row again. The values are kept; only their order in the flat arrays changes, so that
        a block of the matrix's columns is one contiguous range (``fast/helper_thread.py``
        updates one on the second core). Returns whether anything moved."""
        view = self.views[index]
        if view.ndim != 2 or (view.flags.f_contiguous and not view.flags.c_contiguous) == flag:
            return False
        start, shape = self.starts[index], view.shape
        stop = start + view.size

        def moved(flat, current):
            region = flat[start:stop]
            new = region.reshape(shape[::-1]).T if flag else region.reshape(shape)
            new[...] = current.copy()
            return new

        var = self.variables[index]
        var.value = self.views[index] = moved(self.value, view)
        self.grad_views[index] = grad_view = moved(self.grad, self.grad_views[index])
        if isinstance(var, Variable):
            var.grad_buffer = grad_view
        own = self._own_slots[index]
        for name, flat in self.slots.items():
            if name in own:  # (a scratch array the NumPy path adds has no per-variable view)
                own[name] = moved(flat, own[name])
        return True

    def holds(self, variables) -> bool:
        """Whether ``variables`` are this pack's, still stored in its views.

        Slots need no check: every numnet path (a step, restoring a saved state) writes into the
        slot arrays in place, and none replaces them.
        """
        mine = self.variables
        if len(variables) != len(mine):
            return False
        for var, own, view in zip(variables, mine, self.views):
            if var is not own or var.value is not view:
                return False
        return True

    def gather(self, grads):
        """The gradients as one flat array (copied in, unless they already are its views)."""
        for g, view in zip(grads, self.grad_views):
            if g is not view:
                view[...] = g
        return self.grad


class Optimizer:
    """Base class of the optimizers: the learning rate, clipping, weight decay and EMA.

    One step, in Keras 3's order: the gradients g are clipped; the learning rate η is read
    from the schedule (and Keras 2's decay, η / (1 + decay · iterations)); with weight decay,
    w ← w − η · weight_decay · w; then the subclass's update rule; then the moving average of
    the weights, when ``use_ema``. A subclass defines ``build_slots(variable)`` (its state) and
    ``update_step(gradient, variable, learning_rate, slots)`` (its rule, in place).

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). Defaults to ``0.001``.
        weight_decay: decoupled weight decay: each step w ← w − η · weight_decay · w before the
            update; None for none. Defaults to ``None``.
        clipnorm: clip each gradient to this L2 norm, or None. Defaults to ``None``.
        clipvalue: clip each gradient element to [-clipvalue, clipvalue], or None. Defaults to
            ``None``.
        global_clipnorm: clip all gradients together to this global L2 norm, or None (at most one of
            the three clippings). Defaults to ``None``.
        use_ema: keep an exponential moving average of the weights (``finalize_variable_values``
            copies it into the model). Defaults to ``False``.
        ema_momentum: the EMA's momentum: ema ← ema_momentum · ema + (1 − ema_momentum) · w.
            Defaults to ``0.99``.
        ema_overwrite_frequency: copy the EMA into the weights every this many steps, or None (only
            at the end of ``fit``). Defaults to ``None``.
        loss_scale_factor: accepted for Keras compatibility; in float32 scaling the loss and
            unscaling the gradients cancel. Defaults to ``None``.
        gradient_accumulation_steps: sum the gradients over this many steps (an integer ≥ 2) and
            update with their mean every that many steps, or None. Defaults to ``None``.
        name: the optimizer's name; None uses the class name. Defaults to ``None``.
        **kwargs: Keras 2's ``lr`` (the learning rate) and ``decay`` (η / (1 + decay · iterations)),
            accepted with a deprecation warning.

    Raises:
        ValueError: for a negative weight decay or decay, several clippings, or an invalid
            ``gradient_accumulation_steps`` or ``ema_momentum``.
        TypeError: for an unknown keyword argument, with the closest name.
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs,
    ):
        if "lr" in kwargs:
            _deprecated("lr", "use learning_rate= instead (same meaning).")
            learning_rate = kwargs.pop("lr")
        if "decay" in kwargs:
            _deprecated(
                "decay",
                "use learning_rate=numnet.optimizers.schedules.InverseTimeDecay(learning_rate, "
                "decay_steps=1, decay_rate=decay) instead, the same rate "
                "learning_rate / (1 + decay * iterations); decay=0 does nothing: leave it out.",
            )
        self.decay = float(kwargs.pop("decay", 0.0) or 0.0)
        if not self.decay >= 0:
            raise ValueError(
                f"{type(self).__name__}(decay): expected a number >= 0, given {self.decay}; "
                "use 0 (or leave it out) for no decay."
            )
        for key in kwargs:
            known = [
                "learning_rate",
                "weight_decay",
                "clipnorm",
                "clipvalue",
                "global_clipnorm",
                "use_ema",
                "ema_momentum",
                "name",
                "lr",
                "decay",
                "gradient_accumulation_steps",
                *self._arg_names(),
            ]
            close = _close_matches(key, known, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument {key!r}.{hint}"
            )
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"{type(self).__name__}: give at most one of clipnorm, clipvalue and "
                f"global_clipnorm; given clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}."
            )
        if weight_decay is not None and not (
            isinstance(weight_decay, numbers.Real) and weight_decay >= 0
        ):
            raise ValueError(
                f"{type(self).__name__}(weight_decay): expected a number >= 0 or None, given "
                f"{weight_decay!r}."
            )
        if gradient_accumulation_steps is not None and (
            not isinstance(gradient_accumulation_steps, int) or gradient_accumulation_steps < 2
        ):
            raise ValueError(
                f"{type(self).__name__}(gradient_accumulation_steps): expected an integer >= 2 "
                f"or None, given {gradient_accumulation_steps!r}."
            )
        if not 0 <= ema_momentum <= 1:
            raise ValueError(
                f"{type(self).__name__}(ema_momentum): expected a number in [0, 1], given "
                f"{ema_momentum!r}."
            )
        if ema_overwrite_frequency is not None and (
            not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
        ):
            raise ValueError(
                f"{type(self).__name__}(ema_overwrite_frequency): expected an integer >= 1 or "
                f"None, given {ema_overwrite_frequency!r}."
            )
        self.name = name or type(self).__name__.lower()
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.use_ema, self.ema_momentum = bool(use_ema), float(ema_momentum)
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._iterations = _Iterations(self)
        self._step = 0
        self._slots: dict[int, dict] = {}
        self._ema: dict[int, object] = {}
        self._exclude_from_weight_decay: set[str] = set()
        self._pack: _Pack | None = None
        self.built = False
        self._own_variables: list = []  # made by add_variable (an optimizer written as Keras's)
        self._variable_index: dict[int, int] = {}

    def _betas(self, beta_1: float, beta_2: float) -> None:
        """Set ``beta_1`` and ``beta_2``, each a decay rate in [0, 1)."""
        for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= beta < 1:
                raise ValueError(
                    f"{type(self).__name__}({name}): expected a number in [0, 1), given {beta!r}."
                )
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)

    def _epsilon(self, epsilon: float | None) -> float:
        """``epsilon``, with Keras 2's None read as Keras's default 1e-7 (and a warning)."""
        if epsilon is None:
            _deprecated(
                "epsilon",
                f"epsilon=None meant the backend epsilon, {DEFAULT_EPSILON}; use "
                f"epsilon={DEFAULT_EPSILON} (the default) instead.",
            )
            return DEFAULT_EPSILON
        epsilon = float(epsilon)
        if not epsilon >= 0:
            raise ValueError(
                f"{type(self).__name__}(epsilon): expected a small number >= 0, given "
                f"{epsilon!r}; the default is {DEFAULT_EPSILON}."
            )
        return epsilon

    @classmethod
    def _arg_names(cls) -> list[str]:
        return list(inspect.signature(cls.__init__).parameters)[1:]

    # ----- learning rate -----
    @property
    def learning_rate(self) -> LearningRate:
        return LearningRate(self)

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if isinstance(value, schedules.LearningRateSchedule) or callable(value):
            self._learning_rate = value
            self._lr_takes_step = _takes_step(value)
            return
        value = float(getattr(value, "value", value))
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                f"{type(self).__name__}(learning_rate): expected a non-negative number or a "
                f"schedule, given {value!r}."
            )
        self._learning_rate = value

    lr = learning_rate

    def current_learning_rate(self) -> float:
        """The rate of the next step: schedule(iterations) / (1 + decay * iterations)."""
        lr = self._learning_rate
        if not isinstance(lr, float):
            lr = float(lr(self._step) if self._lr_takes_step else lr())
        if self.decay:
            lr = lr / (1.0 + self.decay * self._step)
        return lr

    @property
    def iterations(self) -> Variable:
        return self._iterations

    # ----- state -----
    def build(self, variables) -> None:
        """Make the state of each variable not yet seen (``build_slots``; none for one set to
        its gradient, a float8 scale), and number the variables in the order given
        (``_get_variable_index``); sets ``built``.

        Args:
            variables: the variables the optimizer updates (the model's trainable weights).
        """
        self.built = True
        for var in variables:
            if var.uid not in self._variable_index:
                self._variable_index[var.uid] = len(self._variable_index)
                self.__dict__.setdefault("_built_variables", []).append(var)
        for var in variables:
            if var.uid not in self._slots and not overwrites_with_gradient(var):
                self._slots[var.uid] = self.build_slots(var)
                if self.gradient_accumulation_steps:
                    self._slots[var.uid]["_accumulated_gradient"] = self._zeros(var)
                if self.use_ema:
                    self._ema[var.uid] = var.value.copy()

    def build_slots(self, variable) -> dict:
        return {}

    @classmethod
    def _written_as_keras(cls) -> bool:
        """Whether the subclass's ``update_step`` is Keras 3's (gradient, variable,
        learning_rate), updating Variables, rather than numnet's in-place rule on arrays."""
        found = cls.__dict__.get("_keras_update_step")
        if found is None:
            parameters = inspect.signature(cls.update_step).parameters
            found = "slots" not in parameters and len(parameters) == 4
            cls._keras_update_step = found
        return found

    def _get_variable_index(self, variable) -> int:
        """The place of ``variable`` in the list ``build`` was given (first call first).

        Raises:
            KeyError: for a variable the optimizer was not built on.
        """
        try:
            return self._variable_index[variable.uid]
        except KeyError:
            raise KeyError(
                f"{type(self).__name__}: the variable {variable.path!r} is not one the "
                "optimizer was built on; call optimizer.build(variables) with every variable "
                "it updates."
            ) from None

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none",
                     layout=None, name=None) -> Variable:
        """A new state Variable of the optimizer (not trainable), listed in ``variables``.

        Args:
            shape: its shape, a tuple of ints.
            initializer: an initializer or its name. Defaults to ``"zeros"``.
            dtype: its dtype; None for float32. Defaults to ``None``.
            aggregation: accepted for Keras compatibility (one device). Defaults to ``"none"``.
            layout: accepted for Keras compatibility. Defaults to ``None``.
            name: its name. Defaults to ``None``.

        Returns:
            The Variable.

        Example:
            >>> opt = numnet.optimizers.SGD()
            >>> opt.add_variable((2,), name="count").numpy()
            array([0., 0.], dtype=float32)
        """
        from .. import initializers

        dtype = np.dtype(dtype or "float32")
        init = initializers.get(initializer)
        value = backend.xp.asarray(backend.to_numpy(init(tuple(shape), dtype=str(dtype))),
                                   dtype=dtype)
        variable = Variable(value, name=name or "variable", trainable=False)
        self._own_variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None,
                                    initializer="zeros") -> Variable:
        """A new state Variable shaped like ``reference_variable`` (a slot of it), named
        ``<reference's name>_<name>``.

        Args:
            reference_variable: the variable whose shape and dtype it takes.
            name: the slot's name ("momentum"). Defaults to ``None``.
            initializer: an initializer or its name. Defaults to ``"zeros"``.

        Returns:
            The Variable.
        """
        base = str(getattr(reference_variable, "path", None) or reference_variable.name)
        base = base.replace("/", "_")
        return self.add_variable(tuple(reference_variable.shape), initializer=initializer,
                                 dtype=reference_variable.dtype,
                                 name=f"{base}_{name}" if name else base)

    @staticmethod
    def assign(variable, value) -> None:
        """``variable.assign(value)``, as Keras's optimizers write their updates."""
        variable.assign(value)

    @staticmethod
    def assign_add(variable, value) -> None:
        """``variable.assign_add(value)``."""
        variable.assign_add(value)

    @staticmethod
    def assign_sub(variable, value) -> None:
        """``variable.assign_sub(value)``."""
        variable.assign_sub(value)

    def _zeros(self, variable):
        return backend.xp.zeros_like(variable.value)

    @staticmethod
    def _buffer(slots: dict, name: str, like):
        """The scratch array ``slots[name]`` shaped like ``like``: made once, on first use."""
        buffer = slots.get(name)
        if buffer is None:
            buffer = slots[name] = backend.xp.empty_like(like)
        return buffer

    @property
    def variables(self) -> list:
        """The optimizer's state as Keras 3 lists it: ``iteration``, ``learning_rate`` (unless
        the rate is a schedule), the moving averages of ``use_ema`` and the sums of gradient
        accumulation, then the slots (Keras's order: Adam's momentum and velocity of each
        weight in turn), each named ``<weight's path>_<slot>`` (``dense_kernel_momentum``), and
        the variables made with ``add_variable``. Each is a view of the optimizer's own array:
        ``assign`` changes the state (the learning rate's, the rate)."""
        self._iterations.path = f"{self.name}/iteration"
        out = [self._iterations]
        if isinstance(self._learning_rate, float):
            rate = self.learning_rate
            rate.path = f"{self.name}/learning_rate"
            out.append(rate)
        built = [v for v in self.__dict__.get("_built_variables", ())
                 if v.uid in self._slots]
        if self.use_ema:
            out += [self._slot_view(v, "average", self._ema[v.uid]) for v in built
                    if v.uid in self._ema]
        if self.gradient_accumulation_steps:
            out += [self._slot_view(v, "gradient_accumulator", slots["_accumulated_gradient"])
                    for v in built if "_accumulated_gradient" in (slots := self._slots[v.uid])]
        kind = next((c.__name__ for c in type(self).__mro__ if c.__name__ in KERAS_SLOTS), None)
        groups = KERAS_SLOTS.get(kind, [])
        listed = {name for group in groups for name in group}
        by_weight = KERAS_PLACEHOLDERS.get(kind, ())  # (Adafactor's moments: the weight's name)
        for group in groups:
            for v in built:
                slots = self._slots[v.uid]
                out += [self._slot_view(v, None if n in by_weight else keras_slot_name(kind, n),
                                        slots[n]) for n in group if n in slots]
        for v in built:  # slots of one's own subclass, after Keras's
            out += [self._slot_view(v, n, slot) for n, slot in self._slots[v.uid].items()
                    if not n.startswith("_") and n not in listed]
        return out + self._own_variables

    def _slot_view(self, variable, slot: str | None, array) -> Variable:
        """A Variable over ``array`` (no copy), named as Keras names the slot (``slot`` None:
        by the weight's own name)."""
        base = str(getattr(variable, "path", None) or variable.name).replace("/", "_")
        name = variable.name if slot is None else f"{base}_{slot}"
        view = Variable(array, name=name, trainable=False)
        view.path = f"{self.name}/{view.name}"
        return view

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """One step on given values, leaving the optimizer and its variables as they were:
        values in, values out, as Keras 3's ``stateless_apply``.

        Args:
            optimizer_variables: one array per ``optimizer.variables`` (iteration, the
                learning rate unless it is a schedule, then the slots), in that order.
            grads: one gradient per variable the optimizer was built on, in ``build``'s order.
            trainable_variables: one array per variable the optimizer was built on, in that
                order (``model.trainable_variables``).

        Returns:
            ``(trainable_variables, optimizer_variables)``: the values after the step.

        Raises:
            ValueError: for an optimizer not built, lists that do not match, or ``use_ema`` /
                ``gradient_accumulation_steps`` (state the stateless step does not take).

        Example:
            >>> w = numnet.Variable(np.array([1.0], "float32"))
            >>> sgd = numnet.optimizers.SGD(learning_rate=0.1)
            >>> sgd.build([w])
            >>> new_w, state = sgd.stateless_apply([v.value for v in sgd.variables],
            ...                                    [np.array([2.0], "float32")], [w.value])
            >>> new_w[0], int(state[0]), w.numpy()
            (array([0.8], dtype=float32), 1, array([1.], dtype=float32))
        """
        from ..layers.stateless import stateless_apply

        return stateless_apply(self, optimizer_variables, grads, trainable_variables)

    # ----- one step -----
    def apply_gradients(self, grads_and_vars) -> None:
        """Keras's entry point: a list of (gradient, variable) pairs.

        Args:
            grads_and_vars: an iterable of (gradient, variable) pairs; a None gradient leaves its
                variable as it is.

        Example:
            >>> w = numnet.Variable(np.array([1.0], "float32"))
            >>> sgd = numnet.optimizers.SGD(learning_rate=0.1)
            >>> sgd.apply_gradients([(np.array([2.0], "float32"), w)])
            >>> w.numpy()
            array([0.8], dtype=float32)
        """
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    @staticmethod
    def _lists(grads, variables) -> tuple[list, list]:
        """``grads`` and ``variables`` as lists of one length; the error naming the fix if not."""
        if variables is None:
            raise TypeError("Optimizer.apply(grads, variables): the variables are required.")
        grads, variables = list(grads), list(variables)
        if len(grads) != len(variables):
            raise ValueError(
                f"Optimizer.apply(grads, variables): expected one gradient per variable, given "
                f"{len(grads)} gradients for {len(variables)} variables."
            )
        return grads, variables

    def apply(self, grads, variables=None) -> None:
        """One update of ``variables`` with ``grads`` (arrays, Tensors or None).

        Args:
            grads: the gradients (arrays, Tensors or None), one per variable.
            variables: the variables to update; None for the ones of the previous call (or the
                model's, once compiled).
        """
        grads, variables = self._lists(grads, variables)
        pairs = [
            (getattr(g, "value", g), v)
            for g, v in zip(grads, variables, strict=True)
            if g is not None
        ]
        if backend.device() != "cpu":  # host gradients given on the GPU: moved there
            pairs = [(backend.to_device(g), v) for g, v in pairs]
        if any(overwrites_with_gradient(v) for _, v in pairs):
            pairs = self._overwrite_with_gradients(pairs)  # (no slots for those, as Keras)
        variables = [v for _, v in pairs]
        self.build(variables)
        grads = [g for g, _ in pairs]
        if self.gradient_accumulation_steps:
            grads = self._accumulate(grads, variables)
        if grads is not None:
            grads = self._clip(grads, variables)
            lr = self.current_learning_rate()
            if self.weight_decay:
                factor = 1.0 - self.weight_decay * lr
                for var in variables:
                    if self._decays(var):
                        var.value *= factor
            keras_style = self._written_as_keras()
            pack = None if keras_style else self._packed(grads, variables)
            if keras_style:
                rate = backend.xp.asarray(lr, dtype="float32")
                for g, var in zip(grads, variables, strict=True):
                    self.update_step(g, var, rate)
            elif pack is not None:
                self.update_step(pack.gather(grads), pack.value, lr, pack.slots)
            else:
                for g, var in zip(grads, variables, strict=True):
                    self.update_step(g, var.value, lr, self._slots[var.uid])
            if self.gradient_accumulation_steps:
                for var in variables:
                    self._slots[var.uid]["_accumulated_gradient"][...] = 0
            for var in variables:
                constraint = getattr(var, "constraint", None)
                if constraint is not None:  # Keras 3: w <- constraint(w) after the update
                    var.value[...] = constraint(var.value)
        self._step += 1
        self._iterations.value[...] = self._local_step
        if self.use_ema:
            self._update_ema(variables)

    @staticmethod
    def _overwrite_with_gradients(pairs) -> list:
        """Set each variable marked ``overwrite_with_gradient`` (a float8 layer's scales and
        histories of absolute maxima) to its gradient, which is its next value, as Keras 3;
        the other pairs go on to the update."""
        rest = []
        for g, var in pairs:
            if overwrites_with_gradient(var):
                var.value[...] = g.astype(var.value.dtype, copy=False)
            else:
                rest.append((g, var))
        return rest

    def apply_pack(self, before_apply=None) -> None:
        """``apply(gradients, variables)`` for the variables of the pack, with their gradients
        already written into its buffers (``grad_buffer``), by a caller that has checked that
        the pack holds them (the stack step, fast/stack_step.py): the same update, without
        the general path's per-call bookkeeping. Where clipping, weight decay, gradient
        accumulation, EMA, a constraint or an ``apply`` of a subclass has a part in the step,
        it goes through ``apply``, after calling ``before_apply()`` if given (the stack step's
        helper thread then finishes its part of the gradient)."""
        pack = self._pack
        if not self.plain_pack_step():
            if before_apply is not None:
                before_apply()
            self.apply(pack.grad_views, pack.variables)
            return
        self.update_step(pack.grad, pack.value, self.current_learning_rate(), pack.slots)
        self._step += 1
        self._iterations.value[...] = self._local_step

    def plain_pack_step(self) -> bool:
        """Whether ``apply_pack`` is one ``update_step`` over the pack's flat arrays: no
        clipping, weight decay, gradient accumulation, EMA, constraint or ``apply`` of a
        subclass has a part in the step."""
        return not (type(self).apply is not Optimizer.apply or self._written_as_keras()
                    or self.gradient_accumulation_steps
                    or self.weight_decay or self.use_ema or self.clipnorm is not None
                    or self.clipvalue is not None or self.global_clipnorm is not None
                    or any(getattr(v, "constraint", None) is not None
                           for v in self._pack.variables))

    def _packed(self, grads, variables) -> _Pack | None:
        """The pack of ``variables`` when one update over flat arrays can stand for theirs."""
        pack = self._pack
        if pack is not None and pack.holds(variables):
            return pack
        if (len(variables) < 2 or self.clipnorm is not None
                or self.global_clipnorm is not None or self.clipvalue is not None
                or self.gradient_accumulation_steps):
            return None
        kind, dtype = type(variables[0].value), variables[0].value.dtype
        for g, var in zip(grads, variables, strict=True):
            value = var.value
            if (type(value) is not kind or value.dtype != dtype or type(g) is not kind
                    or g.shape != value.shape or g.dtype != dtype):
                return None
        if len({id(v) for v in variables}) != len(variables):
            return None
        self._pack = pack = _Pack(self, variables)
        return pack

    @property
    def _local_step(self) -> int:
        """Updates made so far: the steps, or with gradient accumulation the steps // n."""
        return self._step // (self.gradient_accumulation_steps or 1)

    def _accumulate(self, grads, variables):
        """Every n-th step the mean of the last n gradients (held in the sums); else None."""
        n = self.gradient_accumulation_steps
        sums = [self._slots[v.uid]["_accumulated_gradient"] for v in variables]
        for total, g in zip(sums, grads, strict=True):
            total += g
        if (self._step + 1) % n:
            return None
        for total in sums:
            total /= n
        return sums

    def step(self, variables) -> None:
        """Apply the gradients stored on ``variables`` (``v.grad``) after ``backward()``."""
        self.apply([v.grad for v in variables], variables)

    def update_step(self, gradient, variable, learning_rate: float, slots: dict) -> None:
        """The update rule of one step, in place; a subclass defines it (with ``build_slots``).

        Args:
            gradient: the (clipped) gradient, an array of the variable's shape.
            variable: the variable, updated in place.
            learning_rate: this step's learning rate η.
            slots: the optimizer's state for this variable, as ``build_slots`` made it (updated in
                place).
        """
        raise NotImplementedError

    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        for var in var_list or []:
            self._exclude_from_weight_decay.add(var.path)
        for name in var_names or []:
            self._exclude_from_weight_decay.add(name)

    def _decays(self, var) -> bool:
        return not any(name in var.path for name in self._exclude_from_weight_decay)

    def _clip(self, grads, variables):
        """Clipped gradients, written into a scratch array per variable when they change."""
        xp = backend.xp
        if self.clipvalue is None and self.clipnorm is None and self.global_clipnorm is None:
            return grads
        buffers = [self._slots[v.uid] for v in variables]
        if self.clipvalue is not None:
            c = self.clipvalue
            return [
                xp.clip(g, -c, c, out=self._buffer(slots, "_gradient", g))
                for g, slots in zip(grads, buffers, strict=True)
            ]
        if self.clipnorm is not None:
            out = []
            for g, slots in zip(grads, buffers, strict=True):
                norm = math.sqrt(_squared_norm(g))
                if norm > self.clipnorm:
                    buffer = self._buffer(slots, "_gradient", g)
                    g = xp.multiply(g, self.clipnorm / norm, out=buffer)
                out.append(g)
            return out
        norm = math.sqrt(sum(_squared_norm(g) for g in grads))
        if norm <= self.global_clipnorm:
            return grads
        scale = self.global_clipnorm / norm
        return [
            xp.multiply(g, scale, out=self._buffer(slots, "_gradient", g))
            for g, slots in zip(grads, buffers, strict=True)
        ]

    def _update_ema(self, variables) -> None:
        # As Keras: the average starts at the weights after the first update.
        updates_before = (self._step - 1) // (self.gradient_accumulation_steps or 1)
        m = self.ema_momentum if updates_before > 0 else 0.0
        for var in variables:
            ema, w = self._ema[var.uid], var.value
            scratch = self._buffer(self._slots[var.uid], "_scratch", w)
            ema *= m
            ema += backend.xp.multiply(w, 1 - m, out=scratch)
        frequency = self.ema_overwrite_frequency
        if frequency and (updates_before + 1) % frequency == 0:
            self.finalize_variable_values(variables)

    def finalize_variable_values(self, variables) -> None:
        """With use_ema, copy the moving averages into the variables.

        Args:
            variables: the variables (the model's trainable weights).
        """
        if self.use_ema:
            for var in variables:
                if var.uid in self._ema:
                    var.value[...] = self._ema[var.uid]

    # ----- config -----
    def get_config(self) -> dict:
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        config = {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }
        if self.decay:
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} learning_rate={self.current_learning_rate():g}>"
