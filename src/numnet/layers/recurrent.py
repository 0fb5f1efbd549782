"""SimpleRNN, LSTM and GRU, their cells, and RNN (a layer that runs a cell over time).

Inputs are (batch, time, features). A cell holds the weights of one step: kernel
(features, gates * units), recurrent_kernel (units, gates * units) and bias, in Keras's names,
shapes and gate order (LSTM: i, f, c, o; GRU: z, r, h), so ``set_weights`` takes a Keras
layer's ``get_weights()``. The input projection x_t W + b of every step is one matrix product
before the loop. The loop over the steps (h_{t-1} U and the gates) and its backward
(backpropagation through time) run as one tape node a layer in the sequence kernels of
``fast/recurrent.py`` (compiled by numba where installed); the per-step path below,
the gates written with the engine's ops, is their reference, and runs for cells of one's own,
activations other than tanh / sigmoid, and on CuPy.

Why one file of about 700 lines: the recurrent cells, RNN and the three layers share the weight
layout, masks and state handling.
"""

from __future__ import annotations

import inspect

from .. import activations, backend, constraints, initializers, regularizers
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from ..fast import recurrent as recurrent_kernels
from .base import _LAYER_KWARGS, Layer, reject_unknown_kwargs, snake_case
from .regularization import _Noise, check_rate
from .wrappers import deserialize_inner, serialize_inner


def _positive_int(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: expected a positive integer, given {value!r}.")
    return value


class _Cell(Layer):
    """What the three cells share: their weights, dropout masks and configs.

    A subclass sets ``gates`` and defines ``_step(xw_t, states, recurrent_masks)`` ->
    (output, new states), xw_t the step's input projection (batch, gates * units).
    """

    gates = 1

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid",
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None,
                 implementation: int = 2, **kwargs):
        super().__init__(**kwargs)
        where = type(self).__name__
        self.units = _positive_int(units, f"{where}(units)")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self._weight_options("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        self._weight_options("recurrent", recurrent_initializer, recurrent_regularizer,
                             recurrent_constraint)
        self._weight_options("bias", bias_initializer, bias_regularizer, bias_constraint)
        self.dropout = check_rate(dropout, f"{where}(dropout)")
        self.recurrent_dropout = check_rate(recurrent_dropout, f"{where}(recurrent_dropout)")
        if implementation not in (1, 2):
            raise ValueError(f"{where}(implementation): expected 1 or 2, given "
                             f"{implementation!r}.")
        # As Keras: implementation 1 (forced by recurrent dropout) draws one mask per gate.
        self.implementation = 1 if self.recurrent_dropout else implementation
        self.seed = seed
        self._rng = None
        self.kernel = self.recurrent_kernel = self.bias = None

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self) -> int:
        return self.units

    def build(self, input_shape) -> None:
        features = input_shape[-1]
        if features is None:
            raise ValueError(f"{self.name}: the features axis (the last) must be known to "
                             f"build the kernel, given input shape {tuple(input_shape)}.")
        width = self.gates * self.units
        self.kernel = self.add_weight((features, width), self.kernel_initializer, "kernel",
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            (self.units, width), self.recurrent_initializer, "recurrent_kernel",
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(self._bias_shape(), self._bias_init(), "bias",
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def _bias_shape(self) -> tuple:
        return (self.gates * self.units,)

    def _bias_init(self):
        return self.bias_initializer

    def get_initial_state(self, batch_size: int) -> list:
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [Tensor(backend.xp.zeros((batch_size, n), self.compute_dtype)) for n in sizes]

    # ----- dropout -----
    _generator = _Noise._generator  # from self.seed and self._rng, as the dropout layers'

    def _draw_masks(self, rate: float, shape, dtype, training: bool):
        """None, or the dropout masks (1 / keep where kept, else 0) of one sequence: one shared
        by all gates, or one a gate (implementation 1), the same at every step."""
        if not training or rate == 0:
            return None
        count = self.gates if self.implementation == 1 and self.gates > 1 else 1
        keep = 1.0 - rate
        draws = self._generator().random((count, *shape), dtype="float32") < keep
        masks = backend.to_device(draws).astype(dtype) / dtype.type(keep)
        return [masks[g] for g in range(count)]

    # ----- the computation -----
    def _split(self, x: Tensor, parts: int) -> list:
        """x's last axis cut into ``parts`` equal blocks (the gates)."""
        n = x.shape[-1] // parts
        return [ops.getitem(x, (..., slice(g * n, (g + 1) * n))) for g in range(parts)]

    def _input_bias(self):
        return self._weight(self.bias)

    def _project(self, inputs: Tensor, masks) -> Tensor:
        """x W + b for every step at once: (..., features) -> (..., gates * units); with one
        dropout mask a gate, each gate's block from its own masked inputs."""
        kernel, bias = self._weight(self.kernel), self._input_bias()
        if masks is None:
            return ops.dense(inputs, kernel, bias)
        spread = (slice(None),) + (None,) * (inputs.ndim - 2)  # the mask of a row, every step
        if len(masks) == 1:
            return ops.dense(ops.multiply(inputs, masks[0][spread]), kernel, bias)
        kernels = self._split(kernel, self.gates)
        biases = [None] * self.gates if bias is None else self._split(bias, self.gates)
        return ops.concatenate([ops.dense(ops.multiply(inputs, m[spread]), k, b)
                                for m, k, b in zip(masks, kernels, biases, strict=True)], -1)

    def _recurrent(self, h: Tensor, masks, gates=None) -> Tensor:
        """h U (the first ``gates`` blocks of U); with one dropout mask a gate, each block from
        its own masked h."""
        kernel = self._weight(self.recurrent_kernel)
        gates = self.gates if gates is None else gates
        if gates < self.gates:
            kernel = ops.getitem(kernel, (slice(None), slice(0, gates * self.units)))
        if masks is None:
            return ops.matmul(h, kernel)
        if len(masks) == 1:
            return ops.matmul(ops.multiply(h, masks[0]), kernel)
        return ops.concatenate([ops.matmul(ops.multiply(h, m), k) for m, k in
                                zip(masks[:gates], self._split(kernel, gates), strict=True)], -1)

    def _step(self, xw: Tensor, states: list, masks):
        raise NotImplementedError

    def __call__(self, inputs, states=None, training=None, **kwargs):
        return super().__call__(inputs, training=training, states=states, **kwargs)

    def call(self, inputs, states=None, training: bool = False):
        """One step: (output, new states) for the inputs (batch, features) and the states
        (zeros when not given). Dropout masks are drawn afresh at each call."""
        if inputs.ndim != 2:
            raise ValueError(f"Input of cell {self.name!r}: expected 2 axes (batch, features), "
                             f"given shape {inputs.shape}; an RNN layer runs a cell over the "
                             "time axis: RNN(cell)(sequences).")
        states = (self.get_initial_state(inputs.shape[0]) if states is None
                  else [ops.as_tensor(s) for s in _as_list(states)])
        masks = self._draw_masks(self.dropout, inputs.shape, inputs.dtype, training)
        recurrent = self._draw_masks(self.recurrent_dropout, (inputs.shape[0], self.units),
                                     inputs.dtype, training)
        return self._step(self._project(inputs, masks), states, recurrent)

    def get_config(self):
        config = {**super().get_config(), "units": self.units,
                  "activation": activations.serialize(self.activation),
                  "recurrent_activation": activations.serialize(self.recurrent_activation),
                  "use_bias": self.use_bias}
        for name in ("kernel", "recurrent", "bias"):
            config[f"{name}_initializer"] = initializers.serialize(
                getattr(self, f"{name}_initializer"))
        for name in ("kernel", "recurrent", "bias"):
            config[f"{name}_regularizer"] = regularizers.serialize(
                getattr(self, f"{name}_regularizer"))
        for name in ("kernel", "recurrent", "bias"):
            config[f"{name}_constraint"] = constraints.serialize(
                getattr(self, f"{name}_constraint"))
        config.update(dropout=self.dropout, recurrent_dropout=self.recurrent_dropout,
                      seed=self.seed)
        return config


def _as_list(states) -> list:
    return list(states) if isinstance(states, (list, tuple)) else [states]


class SimpleRNNCell(_Cell):
    """h_t = activation(x_t W + b + h_{t-1} U); the output is h_t.

    kernel W: (features, units), glorot_uniform; recurrent_kernel U: (units, units),
    orthogonal; bias b: (units,), zeros.

    Args:
        units: the size of the state and of the output.
        activation: the activation of the state. Defaults to ``'tanh'``.
        recurrent_activation: the gates' activation (unused by SimpleRNNCell). Defaults to
            ``'sigmoid'``.
        use_bias: whether to add a bias. Defaults to ``True``.
        kernel_initializer: how the input kernel W starts: an initializer: a name ('glorot_uniform',
            'zeros', ...) or an Initializer. Defaults to ``'glorot_uniform'``.
        recurrent_initializer: how the recurrent kernel U starts: an initializer: a name
            ('glorot_uniform', 'zeros', ...) or an Initializer. Defaults to ``'orthogonal'``.
        bias_initializer: how the bias starts: an initializer: a name ('glorot_uniform', 'zeros',
            ...) or an Initializer. Defaults to ``'zeros'``.
        kernel_regularizer: W's penalty: a regularizer whose penalty is added to the loss (a name
            such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        recurrent_regularizer: U's penalty: a regularizer whose penalty is added to the loss (a name
            such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        bias_regularizer: the bias's penalty: a regularizer whose penalty is added to the loss (a
            name such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        kernel_constraint: W's constraint: a constraint applied after each optimizer step (a name or
            a Constraint), or None. Defaults to ``None``.
        recurrent_constraint: U's constraint: a constraint applied after each optimizer step (a name
            or a Constraint), or None. Defaults to ``None``.
        bias_constraint: the bias's constraint: a constraint applied after each optimizer step (a
            name or a Constraint), or None. Defaults to ``None``.
        dropout: the fraction of the inputs dropped in training. Defaults to ``0.0``.
        recurrent_dropout: the fraction of the recurrent state dropped in training. Defaults to
            ``0.0``.
        seed: an int for repeatable dropout, or None. Defaults to ``None``.
        implementation: accepted as Keras's; ignored. Defaults to ``2``.
        **kwargs: the Layer arguments.
    """

    def _step(self, xw, states, masks):
        h = self.activation(ops.add(xw, self._recurrent(states[0], masks)))
        return h, [h]

    def get_config(self):
        config = super().get_config()
        del config["recurrent_activation"]
        return config


class LSTMCell(_Cell):
    """z = x_t W + b + h_{t-1} U, cut into the gates i, f, c, o (in this order);
    i = s(z_i), f = s(z_f), o = s(z_o) with s = recurrent_activation (sigmoid),
    c_t = f c_{t-1} + i activation(z_c), h_t = o activation(c_t). States [h, c]; output h.

    kernel W: (features, 4 units), recurrent_kernel U: (units, 4 units), bias b: (4 units,),
    its forget block ones when unit_forget_bias (the default), as Keras.

    Args:
        units: the size of the state and of the output.
        unit_forget_bias: start the forget gate's bias at 1 (as Keras). Defaults to ``True``.
        **kwargs: as SimpleRNNCell's arguments (activation, recurrent_activation, initializers,
            regularizers, constraints, dropouts, seed).
    """

    gates = 4

    def __init__(self, units: int, unit_forget_bias: bool = True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        init, units = self.bias_initializer, self.units

        def bias(shape, dtype=None):
            xp = backend.xp
            return xp.concatenate([init((units,), dtype=dtype), xp.ones((units,), dtype),
                                   init((2 * units,), dtype=dtype)])

        return bias

    def _step(self, xw, states, masks):
        h, c = states
        z = ops.add(xw, self._recurrent(h, masks))
        z_i, z_f, z_c, z_o = self._split(z, 4)
        i, f, o = (self.recurrent_activation(g) for g in (z_i, z_f, z_o))
        c = ops.add(ops.multiply(f, c), ops.multiply(i, self.activation(z_c)))
        h = ops.multiply(o, self.activation(c))
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRUCell(_Cell):
    """Gates z, r, h (in this order), s = recurrent_activation (sigmoid):
    z = s(x W_z + b_z + h U_z + rb_z), r = s(x W_r + b_r + h U_r + rb_r),
    reset_after=True (default): hh = activation(x W_h + b_h + r (h U_h + rb_h)),
    reset_after=False: hh = activation(x W_h + b_h + (r h) U_h);
    h_t = z h_{t-1} + (1 - z) hh.

    bias: (2, 3 units) with reset_after ([input bias b, recurrent bias rb]), else (3 units,).

    Args:
        units: the size of the state and of the output.
        reset_after: apply the reset gate after the recurrent product (Keras 3's and cuDNN's form).
            Defaults to ``True``.
        **kwargs: as SimpleRNNCell's arguments (activation, recurrent_activation, initializers,
            regularizers, constraints, dropouts, seed).
    """

    gates = 3

    def __init__(self, units: int, reset_after: bool = True, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = bool(reset_after)

    def _bias_shape(self) -> tuple:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        bias = self._weight(self.bias)
        if bias is None or not self.reset_after:
            return bias
        return ops.getitem(bias, 0)

    def _step(self, xw, states, masks):
        h = states[0]
        x_z, x_r, x_h = self._split(xw, 3)
        if self.reset_after:
            inner = self._recurrent(h, masks)
            if self.bias is not None:
                inner = ops.add(inner, ops.getitem(self._weight(self.bias), 1))
            h_z, h_r, h_h = self._split(inner, 3)
        else:
            h_z, h_r = self._split(self._recurrent(h, masks, gates=2), 2)
        z = self.recurrent_activation(ops.add(x_z, h_z))
        r = self.recurrent_activation(ops.add(x_r, h_r))
        if self.reset_after:
            h_h = ops.multiply(r, h_h)
        else:
            h_masked = h if masks is None else ops.multiply(h, masks[-1])
            u_h = ops.getitem(self._weight(self.recurrent_kernel),
                              (slice(None), slice(2 * self.units, None)))
            h_h = ops.matmul(ops.multiply(r, h_masked), u_h)
        hh = self.activation(ops.add(x_h, h_h))
        h = ops.add(ops.multiply(z, h), ops.multiply(ops.subtract(1.0, z), hh))
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


class RNN(Layer):
    """Runs ``cell`` over the time axis of (batch, time, features) inputs.

    Outputs: the last step's output (batch, units), or every step's (batch, time, units) with
    return_sequences; with return_state, followed by the final states ([h] or [h, c]).
    go_backwards runs from the last step to the first (the outputs in that order, as Keras).
    ``initial_state`` (a list of (batch, units) arrays) replaces the zero states.

    ``mask`` (batch, time), True where a step counts (Embedding(mask_zero=True) and Masking
    give it): a masked step keeps the states, and its output is the previous first state
    (h_{t-1}), or zeros with zero_output_for_mask, as Keras. The mask goes on with
    return_sequences and is dropped otherwise. With stateful=True the final states of a call
    are the initial states of the next (``layer.states``; ``reset_states()`` sets them to
    zeros), so a long sequence can be fed in pieces; unroll is accepted and changes nothing
    (the steps always run in a loop). A cell of one's own needs ``state_size`` and
    ``call(inputs, states)`` -> (output, new states).

    Args:
        cell: a cell (an LSTMCell, GRUCell, SimpleRNNCell or one's own with ``state_size`` and
            ``call(inputs, states)``), or a list of cells, run as one StackedRNNCells (each
            cell's output the next one's input; the states of all of them, flat, in order).
        return_sequences: return every step's output, (batch, time, units), instead of the last
            one's, (batch, units). Defaults to ``False``.
        return_state: also return the final states: ``[output, h]`` (or ``[output, h, c]`` for
            LSTM). Defaults to ``False``.
        go_backwards: run from the last step to the first. Defaults to ``False``.
        stateful: keep the final states of each call (``layer.states``, as many arrays of
            shape (batch, units) as the cell has states) and start the next call from them, the
            sample at index i of a batch going on from the sample at index i of the one before;
            every batch then has the batch size of the first. ``reset_states()`` sets them to
            zeros. Defaults to ``False``.
        unroll: accepted; the steps always run in a loop. Defaults to ``False``.
        zero_output_for_mask: give masked steps a zero output instead of the previous one. Defaults
            to ``False``.
        **kwargs: the Layer arguments (name, dtype, input_shape, ...).

    Example:
        >>> rnn = numnet.layers.RNN(numnet.layers.LSTMCell(4))
        >>> rnn(np.ones((2, 5, 3), "float32")).shape
        (2, 4)
    """

    supports_masking = True

    def __init__(self, cell, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs):
        where = type(self).__name__
        if isinstance(cell, (list, tuple)):  # as Keras: the cells stacked, each feeding the next
            from .recurrent_stacked import StackedRNNCells

            cell = StackedRNNCells(list(cell))
        if isinstance(cell, dict):
            cell = deserialize_inner(cell, f"{where}(cell)")
        if not (isinstance(cell, Layer) and hasattr(cell, "state_size")):
            raise TypeError(f"{where}(cell): expected a cell (SimpleRNNCell, LSTMCell, GRUCell "
                            "or a layer with state_size and call(inputs, states)), given "
                            f"{cell!r}.")
        for arg, value in (("return_sequences", return_sequences),
                           ("return_state", return_state), ("go_backwards", go_backwards),
                           ("stateful", stateful), ("unroll", unroll)):
            if not isinstance(value, bool):
                raise TypeError(f"{where}({arg}): expected True or False, given {value!r}.")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.states = None  # with stateful: the final states of the last call
        self.unroll = unroll
        self.zero_output_for_mask = bool(zero_output_for_mask)

    @property
    def state_size(self) -> list:
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    def _check_rank(self, shape) -> None:
        if len(shape) != 3:
            raise ValueError(
                f"Input of layer {self.name!r}: expected 3 axes (batch, time, features), given "
                f"shape {tuple(shape)}."
                + (" For one feature a step, add an axis: x[..., None]." if len(shape) == 2
                   else ""))

    def build(self, input_shape) -> None:
        self._check_rank(input_shape)
        cell = self.cell
        if not cell.built:
            cell._maybe_build((input_shape[0], input_shape[2]))
        self._weights = cell._weights
        self._regularized = getattr(cell, "_regularized", [])

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        batch, steps = input_shape[0], input_shape[1]
        units = getattr(self.cell, "output_size", None) or self.state_size[0]
        output = (batch, steps, units) if self.return_sequences else (batch, units)
        if self.return_state:
            return (output, *((batch, n) for n in self.state_size))
        return output

    def __call__(self, inputs, training=None, **kwargs):
        regularizer = self.activity_regularizer
        if not (self.return_state and regularizer is not None):
            return super().__call__(inputs, training=training, **kwargs)
        self.activity_regularizer = None  # as Keras: a penalty on the output and each state
        try:
            outputs = super().__call__(inputs, training=training, **kwargs)
        finally:
            self.activity_regularizer = regularizer
        self._activity_losses = [ops.divide(regularizer(t), float(t.shape[0])) for t in outputs]
        return outputs

    def compute_mask(self, inputs, mask=None):
        return mask if self.return_sequences else None

    def call(self, sequences, initial_state=None, mask=None, training: bool = False):
        """The output for ``sequences`` (batch, time, features), followed by the final states
        with return_state (LSTM: h and c; GRU and SimpleRNN: h). ``initial_state``: a list of
        (batch, units) arrays or Tensors (zeros when None); gradients flow into them."""
        inputs = sequences
        self._check_rank(inputs.shape)
        batch, steps, features = inputs.shape
        built_for = self._weights[0].shape[0] if isinstance(self.cell, _Cell) else features
        if features != built_for:
            raise ValueError(
                f"Input of layer {self.name!r}: expected {built_for} features on the last axis "
                f"(the number it was built for), given shape {inputs.shape}.")
        if steps == 0:
            raise ValueError(f"Input of layer {self.name!r}: the sequences have no time steps "
                             f"(shape {inputs.shape}); give at least one.")
        if initial_state is None and self.stateful:
            initial_state = self._kept_states(batch, inputs.dtype)
        states = self._initial_states(initial_state, batch, inputs.dtype)
        keep = None if mask is None else self._sequence_mask(mask, inputs)
        if isinstance(self.cell, _Cell):
            output, states = self._run_cell(inputs, states, training, keep)
        else:
            outputs, states = self._run_custom_cell(inputs, states, training,
                                                    self._step_masks(keep))
            output = ops.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        if self.stateful:  # kept as values: no gradient flows from one call into the last
            self.states = [Tensor(backend.xp.array(s.value, copy=True)) for s in states]
        return (output, *states) if self.return_state else output

    def _kept_states(self, batch: int, dtype) -> list:
        """A stateful layer's states from its last call (zeros at the first)."""
        if self.states is None:
            self.states = self._initial_states(None, batch, dtype)
        kept = self.states[0].shape[0]
        if kept != batch:
            raise ValueError(
                f"Layer {self.name!r} is stateful: every batch must have the batch size of the "
                f"states it keeps, {kept}; given a batch of {batch}. Give batches of {kept} "
                "(fit/predict(batch_size=...), with a sample count that it divides), or set "
                "layer.states = None to start over at another batch size.")
        return self.states

    def reset_states(self) -> None:
        """Sets a stateful layer's kept states to zeros (nothing before its first call).

        Example:
            >>> lstm = numnet.layers.LSTM(4, stateful=True)
            >>> _ = lstm(np.ones((2, 3, 5), "float32"))
            >>> lstm.reset_states()
            >>> float(np.abs(lstm.states[0]).sum())
            0.0
        """
        if self.states is not None:
            self.states = [Tensor(backend.xp.zeros_like(s.value)) for s in self.states]

    reset_state = reset_states

    def get_initial_state(self, batch_size) -> list:
        """Zero states for a batch: one (batch_size, units) Tensor per state (one for SimpleRNN
        and GRU, h and c for LSTM), as Keras 3. ``batch_size`` may also be the inputs, whose
        first axis is taken, as tf.keras 2's ``get_initial_state(inputs)``.

        Example:
            >>> [tuple(s.shape) for s in numnet.layers.LSTM(4).get_initial_state(2)]
            [(2, 4), (2, 4)]
        """
        shape = getattr(batch_size, "shape", None)
        if shape is not None and len(shape) > 0:  # the inputs (tf.keras 2)
            batch_size = shape[0]
        elif not isinstance(batch_size, int) and not hasattr(batch_size, "__index__"):
            raise TypeError(f"{self.name}.get_initial_state(batch_size): expected an int "
                            f"(or the inputs), given {batch_size!r}.")
        dtype = self.cell.compute_dtype if hasattr(self.cell, "compute_dtype") else \
            backend.floatx()
        return [Tensor(backend.xp.zeros((int(batch_size), n), dtype)) for n in self.state_size]

    def _initial_states(self, initial_state, batch: int, dtype) -> list:
        if initial_state is None:
            return [Tensor(backend.xp.zeros((batch, n), dtype)) for n in self.state_size]
        given = [ops.cast(ops.as_tensor(s), dtype) for s in _as_list(initial_state)]
        expected = [(batch, n) for n in self.state_size]
        if [s.shape for s in given] != expected:
            raise ValueError(
                f"Layer {self.name!r}: initial_state: expected {len(expected)} arrays of shapes "
                f"{expected}, given shapes {[s.shape for s in given]}.")
        return given

    def _steps(self, sequence: Tensor) -> list:
        steps = ops.unstack(sequence, axis=1)
        return steps[::-1] if self.go_backwards else steps

    def _sequence_mask(self, mask, inputs):
        """The mask as a (batch, time) array of 1 (the step counts) or 0, of the inputs' dtype."""
        mask = backend.to_device(getattr(mask, "value", mask))
        if tuple(mask.shape) != tuple(inputs.shape[:2]):
            raise ValueError(
                f"Layer {self.name!r}: expected a mask of shape (batch, time) = "
                f"{tuple(inputs.shape[:2])}, given shape {tuple(mask.shape)}.")
        return mask.astype(bool).astype(inputs.dtype)

    def _step_masks(self, keep) -> list | None:
        """The (batch, time) mask as one (batch, 1) array a step, in the order the steps run."""
        if keep is None:
            return None
        keeps = [keep[:, t, None] for t in range(keep.shape[1])]
        return keeps[::-1] if self.go_backwards else keeps

    def _masked(self, keep, output, new_states, states):
        """A step under the mask: new states where it counts, else the old ones; the output
        likewise, else the old first state (zeros with zero_output_for_mask)."""
        drop = 1 - keep
        new_states = [ops.add(ops.multiply(new, keep), ops.multiply(old, drop))
                      for new, old in zip(new_states, states, strict=True)]
        output = ops.multiply(output, keep)
        if not self.zero_output_for_mask:
            output = ops.add(output, ops.multiply(states[0], drop))
        return output, new_states

    def _run_cell(self, inputs, states, training, keep=None):
        """(the output, the final states) of the cell run over the sequences: by the sequence
        kernels (fast/recurrent.py) where they apply, else step by step on the tape
        (their reference)."""
        cell = self.cell
        masks = cell._draw_masks(cell.dropout, (inputs.shape[0], inputs.shape[2]), inputs.dtype,
                                 training)
        recurrent = cell._draw_masks(cell.recurrent_dropout, (inputs.shape[0], cell.units),
                                     inputs.dtype, training)
        projected = cell._project(inputs, masks)
        if recurrent_kernels.applies(cell, projected):
            return recurrent_kernels.run(cell, projected, states, recurrent, keep,
                                         self.go_backwards, self.zero_output_for_mask,
                                         self.return_sequences)
        keeps = self._step_masks(keep)
        outputs = []
        for t, xw in enumerate(self._steps(projected)):
            output, new_states = cell._step(xw, states, recurrent)
            if keeps is not None:
                output, new_states = self._masked(keeps[t], output, new_states, states)
            states = new_states
            outputs.append(output)
        return (ops.stack(outputs, axis=1) if self.return_sequences else outputs[-1]), states

    def _run_custom_cell(self, inputs, states, training, keeps=None):
        call = self.cell.call
        kwargs = {"training": training} if "training" in inspect.signature(call).parameters \
            else {}
        outputs = []
        for t, x in enumerate(self._steps(inputs)):
            output, new_states = call(x, states, **kwargs)
            new_states = [ops.as_tensor(s) for s in _as_list(new_states)]
            output = ops.as_tensor(output)
            if keeps is not None:
                output, new_states = self._masked(keeps[t], output, new_states, states)
            states = new_states
            outputs.append(output)
        return outputs, states

    def get_config(self):
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
                "cell": serialize_inner(self.cell, f"{self.name}.cell")}


class _CellLayer(RNN):
    """An RNN made with its cell from one argument list (SimpleRNN, LSTM, GRU); the cell's
    arguments read as the layer's own (layer.units, layer.dropout, ...)."""

    cell_class = _Cell

    def __init__(self, units: int, *, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, use_cudnn="auto", **kwargs):
        cell_arguments = self._cell_arguments()
        unknown = {k: v for k, v in kwargs.items()
                   if k not in cell_arguments and k not in _LAYER_KWARGS}
        reject_unknown_kwargs(f"{type(self).__name__}()", unknown,
                              [*cell_arguments, *_LAYER_KWARGS, "return_sequences",
                               "return_state", "go_backwards", "stateful", "unroll"])
        layer_kwargs = {key: kwargs.pop(key) for key in list(kwargs)
                        if key not in cell_arguments}
        cell = self.cell_class(units, dtype=layer_kwargs.get("dtype"),
                               trainable=layer_kwargs.get("trainable", True),
                               name=snake_case(self.cell_class.__name__), **kwargs)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         zero_output_for_mask=zero_output_for_mask, **layer_kwargs)

    @classmethod
    def _cell_arguments(cls) -> set:
        names = set()
        for klass in cls.cell_class.__mro__:
            if klass is Layer:
                break
            names |= {p.name for p in inspect.signature(klass.__init__).parameters.values()
                      if p.kind == p.POSITIONAL_OR_KEYWORD and p.name not in ("self", "units")}
        return names

    def __getattr__(self, name: str):
        cell = self.__dict__.get("cell")
        if cell is not None and (name in self._cell_arguments() or name.endswith(
                ("_initializer", "_regularizer", "_constraint")) or name == "units"):
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell.pop(key, None)
        return {**config, **cell}


class SimpleRNN(_CellLayer):
    """A fully connected RNN: h_t = activation(x_t W + b + h_{t-1} U) (SimpleRNNCell).

    Args:
        units: the size of the state and of the output.
        return_sequences: return every step's output, (batch, time, units), instead of the last
            one's, (batch, units). Defaults to ``False``.
        return_state: also return the final states: ``[output, h]`` (or ``[output, h, c]`` for
            LSTM). Defaults to ``False``.
        go_backwards: run from the last step to the first. Defaults to ``False``.
        stateful: keep the final states of each call (``layer.states``, as many arrays of
            shape (batch, units) as the cell has states) and start the next call from them, the
            sample at index i of a batch going on from the sample at index i of the one before;
            every batch then has the batch size of the first. ``reset_states()`` sets them to
            zeros. Defaults to ``False``.
        unroll: accepted; the steps always run in a loop. Defaults to ``False``.
        zero_output_for_mask: give masked steps a zero output instead of the previous one. Defaults
            to ``False``.
        use_cudnn: accepted as Keras's ('auto'); numnet has no cuDNN path. Defaults to ``'auto'``.
        **kwargs: the cell's arguments: activation ('tanh'), recurrent_activation ('sigmoid'; not
            for SimpleRNN), use_bias (True), kernel_initializer ('glorot_uniform'),
            recurrent_initializer ('orthogonal'), bias_initializer ('zeros'), the kernel, recurrent
            and bias regularizers and constraints (None), dropout and recurrent_dropout (0.0), seed;
            and the Layer arguments (name, dtype, input_shape, ...).

    Example:
        >>> x = np.ones((2, 5, 3), "float32")              # (batch, time, features)
        >>> numnet.layers.SimpleRNN(8)(x).shape
        (2, 8)
        >>> numnet.layers.SimpleRNN(8, return_sequences=True)(x).shape
        (2, 5, 8)
    """

    cell_class = SimpleRNNCell


class LSTM(_CellLayer):
    """Long short-term memory (LSTMCell): gates i, f, c, o; states [h, c].

    Args:
        units: the size of the state and of the output.
        return_sequences: return every step's output, (batch, time, units), instead of the last
            one's, (batch, units). Defaults to ``False``.
        return_state: also return the final states: ``[output, h]`` (or ``[output, h, c]`` for
            LSTM). Defaults to ``False``.
        go_backwards: run from the last step to the first. Defaults to ``False``.
        stateful: keep the final states of each call (``layer.states``, as many arrays of
            shape (batch, units) as the cell has states) and start the next call from them, the
            sample at index i of a batch going on from the sample at index i of the one before;
            every batch then has the batch size of the first. ``reset_states()`` sets them to
            zeros. Defaults to ``False``.
        unroll: accepted; the steps always run in a loop. Defaults to ``False``.
        zero_output_for_mask: give masked steps a zero output instead of the previous one. Defaults
            to ``False``.
        use_cudnn: accepted as Keras's ('auto'); numnet has no cuDNN path. Defaults to ``'auto'``.
        **kwargs: the cell's arguments: activation ('tanh'), recurrent_activation ('sigmoid'; not
            for SimpleRNN), use_bias (True), kernel_initializer ('glorot_uniform'),
            recurrent_initializer ('orthogonal'), bias_initializer ('zeros'), the kernel, recurrent
            and bias regularizers and constraints (None), dropout and recurrent_dropout (0.0), seed;
            and the Layer arguments (name, dtype, input_shape, ...).

    Example:
        >>> x = np.ones((2, 5, 3), "float32")              # (batch, time, features)
        >>> numnet.layers.LSTM(8)(x).shape
        (2, 8)
        >>> numnet.layers.LSTM(8, return_sequences=True)(x).shape
        (2, 5, 8)
    """

    cell_class = LSTMCell


class GRU(_CellLayer):
    """Gated recurrent unit (GRUCell): gates z, r, h; reset_after=True by default, as Keras.

    Args:
        units: the size of the state and of the output.
        return_sequences: return every step's output, (batch, time, units), instead of the last
            one's, (batch, units). Defaults to ``False``.
        return_state: also return the final states: ``[output, h]`` (or ``[output, h, c]`` for
            LSTM). Defaults to ``False``.
        go_backwards: run from the last step to the first. Defaults to ``False``.
        stateful: keep the final states of each call (``layer.states``, as many arrays of
            shape (batch, units) as the cell has states) and start the next call from them, the
            sample at index i of a batch going on from the sample at index i of the one before;
            every batch then has the batch size of the first. ``reset_states()`` sets them to
            zeros. Defaults to ``False``.
        unroll: accepted; the steps always run in a loop. Defaults to ``False``.
        zero_output_for_mask: give masked steps a zero output instead of the previous one. Defaults
            to ``False``.
        use_cudnn: accepted as Keras's ('auto'); numnet has no cuDNN path. Defaults to ``'auto'``.
        **kwargs: the cell's arguments: activation ('tanh'), recurrent_activation ('sigmoid'; not
            for SimpleRNN), use_bias (True), kernel_initializer ('glorot_uniform'),
            recurrent_initializer ('orthogonal'), bias_initializer ('zeros'), the kernel, recurrent
            and bias regularizers and constraints (None), dropout and recurrent_dropout (0.0), seed;
            and the Layer arguments (name, dtype, input_shape, ...).

    Example:
        >>> x = np.ones((2, 5, 3), "float32")              # (batch, time, features)
        >>> numnet.layers.GRU(8)(x).shape
        (2, 8)
        >>> numnet.layers.GRU(8, return_sequences=True)(x).shape
        (2, 5, 8)
    """

    cell_class = GRUCell


__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "SimpleRNN", "SimpleRNNCell"]
