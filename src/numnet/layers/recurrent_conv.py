"""ConvLSTM1D, ConvLSTM2D and ConvLSTM3D: LSTMs whose gates are convolutions, over sequences of
images (channels last), with Keras 3's arguments, weights and step."""

from __future__ import annotations

from .. import activations, backend, constraints, initializers, regularizers
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from .base import Layer
from .convolutional import channels_last, padding_mode, positive_ints
from .regularization import _Noise, check_rate


class ConvLSTMCell(Layer):
    """The weights and one step of a ConvLSTM (Keras's ``conv_lstm_cell``): kernel
    (*kernel_size, channels, 4 filters), recurrent_kernel (*kernel_size, filters, 4 filters),
    bias (4 filters), gates in the order i, f, c, o. Used by ConvLSTM1D/2D/3D."""

    _generator = _Noise._generator

    def __init__(self, rank: int, filters: int, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, activation="tanh",
                 recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias: bool = True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = f"ConvLSTM{rank}D"
        self.rank = rank
        if isinstance(filters, bool) or not isinstance(filters, int) or filters < 1:
            raise ValueError(f"{where}(filters): expected a positive integer, given "
                             f"{filters!r}.")
        self.filters = filters
        self.kernel_size = positive_ints(kernel_size, rank, f"{where}(kernel_size)")
        self.strides = positive_ints(strides, rank, f"{where}(strides)")
        self.dilation_rate = positive_ints(dilation_rate, rank, f"{where}(dilation_rate)")
        self.padding = padding_mode(padding, f"{where}(padding)")
        self.data_format = channels_last(data_format, f"{where}(data_format)")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias, self.unit_forget_bias = bool(use_bias), bool(unit_forget_bias)
        self._weight_options("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        self._weight_options("recurrent", recurrent_initializer, recurrent_regularizer,
                             recurrent_constraint)
        self._weight_options("bias", bias_initializer, bias_regularizer, bias_constraint)
        self.dropout = check_rate(dropout, f"{where}(dropout)")
        self.recurrent_dropout = check_rate(recurrent_dropout, f"{where}(recurrent_dropout)")
        self.seed = seed
        self._rng = None
        self.kernel = self.recurrent_kernel = self.bias = None

    def build(self, input_shape) -> None:
        """``input_shape``: one step's, (batch, *spatial, channels)."""
        channels = input_shape[-1]
        if channels is None or any(d is None for d in input_shape[1:-1]):
            raise ValueError(f"{self.name}: the spatial and channel sizes must be known to "
                             f"build a ConvLSTM, given step shape {tuple(input_shape)}.")
        f = self.filters
        self.kernel = self.add_weight((*self.kernel_size, channels, 4 * f),
                                      self.kernel_initializer, "kernel",
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight((*self.kernel_size, f, 4 * f),
                                                self.recurrent_initializer, "recurrent_kernel",
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                base = self.bias_initializer

                def init(shape, dtype=None):  # i: base, f: ones, c and o: base
                    xp = backend.xp
                    parts = [base((f,), dtype=dtype), xp.ones((f,), dtype),
                             base((2 * f,), dtype=dtype)]
                    return xp.concatenate([backend.to_device(getattr(p, "value", p))
                                           for p in parts])

            self.bias = self.add_weight((4 * f,), init, "bias",
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def state_shape(self, step_shape) -> tuple:
        """(*output spatial, filters) of a step of shape (batch, *spatial, channels)."""
        spatial = tuple(ops.window_geometry(n, k, s, d, self.padding)[0] for n, k, s, d in zip(
            step_shape[1:-1], self.kernel_size, self.strides, self.dilation_rate, strict=True))
        return (*spatial, self.filters)

    def masks(self, shape_x, shape_h, dtype, training: bool):
        """(input masks, recurrent masks): None or one dropout mask a gate (4), for a sequence."""
        def draw(rate, shape):
            if not training or rate == 0:
                return None
            keep = 1.0 - rate
            draws = self._generator().random((4, *shape), dtype="float32") < keep
            scaled = backend.to_device(draws).astype(dtype) / dtype.type(keep)
            return [scaled[g] for g in range(4)]

        return draw(self.dropout, shape_x), draw(self.recurrent_dropout, shape_h)

    def project_inputs(self, x: Tensor, masks) -> Tensor:
        """The input convolutions of steps x (n, *spatial, channels) -> (n, *out, 4 filters)."""
        kernel, bias = self._weight(self.kernel), self._weight(self.bias)
        conv = dict(strides=self.strides, padding=self.padding,
                    dilation_rate=self.dilation_rate)
        if masks is None:
            return ops.conv(x, kernel, bias, **conv)
        f = self.filters
        parts = []
        for g in range(4):
            k = ops.getitem(kernel, (..., slice(g * f, (g + 1) * f)))
            b = None if bias is None else ops.getitem(bias, slice(g * f, (g + 1) * f))
            parts.append(ops.conv(ops.multiply(x, masks[g]), k, b, **conv))
        return ops.concatenate(parts, axis=-1)

    def step(self, xw: Tensor, h: Tensor, c: Tensor, masks) -> tuple:
        """(h, c) after one step, xw the step's input convolutions."""
        kernel = self._weight(self.recurrent_kernel)
        f = self.filters
        if masks is None:
            hw = ops.conv(h, kernel, None, strides=1, padding="same")
        else:
            hw = ops.concatenate([
                ops.conv(ops.multiply(h, masks[g]),
                         ops.getitem(kernel, (..., slice(g * f, (g + 1) * f))), None,
                         strides=1, padding="same") for g in range(4)], axis=-1)
        z = ops.add(xw, hw)
        i, fg, cc, o = (ops.getitem(z, (..., slice(g * f, (g + 1) * f))) for g in range(4))
        c = ops.add(ops.multiply(self.recurrent_activation(fg), c),
                    ops.multiply(self.recurrent_activation(i), self.activation(cc)))
        h = ops.multiply(self.recurrent_activation(o), self.activation(c))
        return h, c


class _ConvLSTM(Layer):
    rank = 2

    def __init__(self, filters: int, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.unroll = bool(unroll)  # accepted: the steps always run in a loop
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.cell = ConvLSTMCell(
            self.rank, filters, kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            name="conv_lstm_cell", dtype=self.dtype_policy.name)
        for arg, value in (("return_sequences", return_sequences),
                           ("return_state", return_state), ("go_backwards", go_backwards),
                           ("stateful", stateful)):
            if not isinstance(value, bool):
                raise TypeError(f"{type(self).__name__}({arg}): expected True or False, given "
                                f"{value!r}.")
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful = go_backwards, stateful
        self.states = None

    def __getattr__(self, name: str):
        cell = self.__dict__.get("cell")
        if cell is not None and not name.startswith("_") and name in vars(cell):
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _check(self, shape) -> None:
        if len(shape) != self.rank + 3:
            raise ValueError(
                f"Input of layer {self.name!r}: expected {self.rank + 3} axes (batch, time, "
                f"{self.rank} spatial axes, channels), given shape {tuple(shape)}.")

    def build(self, input_shape) -> None:
        self._check(input_shape)
        if not self.cell.built:
            # in this layer's name scope: paths as Keras's, [outer/]layer/conv_lstm_cell/kernel
            self.cell._maybe_build((input_shape[0], *input_shape[2:]))

    def _held_layers(self) -> list:
        """[(attribute, layer)] as Keras's weight files nest the cell."""
        return [("cell", self.cell)]

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        batch, steps = input_shape[0], input_shape[1]
        state = (batch, *self.cell.state_shape((batch, *input_shape[2:])))
        output = (batch, steps, *state[1:]) if self.return_sequences else state
        if self.return_state:
            return output, state, state
        return output

    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return mask if self.return_sequences else None

    def call(self, sequences, initial_state=None, mask=None, training: bool = False):
        self._check(sequences.shape)
        cell = self.cell
        batch, steps = sequences.shape[:2]
        step_shape = (batch, *sequences.shape[2:])
        state_shape = (batch, *cell.state_shape(step_shape))
        dtype = sequences.dtype
        if initial_state is not None:
            h, c = (ops.cast(ops.as_tensor(s), dtype) for s in initial_state)
        elif self.stateful and self.states is not None:
            h, c = self.states
        else:
            h = c = Tensor(backend.xp.zeros(state_shape, dtype))
        x_masks, h_masks = cell.masks(step_shape, state_shape, dtype, bool(training))
        flat = ops.reshape(sequences, (batch * steps, *sequences.shape[2:]))
        if x_masks is not None:  # the same mask at every step of a sample
            x_masks = [backend.xp.repeat(m, steps, axis=0) for m in x_masks]
        projected = cell.project_inputs(flat, x_masks)
        projected = ops.reshape(projected, (batch, steps, *projected.shape[1:]))
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        keep = None if mask is None else backend.to_device(
            getattr(mask, "value", mask)).astype(bool)
        outputs = []
        for t in order:
            new_h, new_c = cell.step(ops.getitem(projected, (slice(None), t)), h, c, h_masks)
            if keep is not None:
                where = keep[:, t].reshape((batch,) + (1,) * (len(state_shape) - 1))
                new_h, new_c = ops.where(where, new_h, h), ops.where(where, new_c, c)
            h, c = new_h, new_c
            outputs.append(ops.where(where, h, 0.0) if keep is not None
                           and self.zero_output_for_mask else h)
        if self.stateful:
            self.states = [Tensor(backend.xp.array(s.value, copy=True)) for s in (h, c)]
        output = ops.stack(outputs, axis=1) if self.return_sequences else h
        return (output, h, c) if self.return_state else output

    def reset_states(self) -> None:
        """Set a stateful layer's kept states to zeros."""
        if self.states is not None:
            self.states = [Tensor(backend.xp.zeros_like(s.value)) for s in self.states]

    reset_state = reset_states

    def get_config(self):
        cell = self.cell
        return {**super().get_config(), "filters": cell.filters,
                "kernel_size": cell.kernel_size, "strides": cell.strides,
                "padding": cell.padding, "data_format": cell.data_format,
                "dilation_rate": cell.dilation_rate,
                "activation": activations.serialize(cell.activation),
                "recurrent_activation": activations.serialize(cell.recurrent_activation),
                "use_bias": cell.use_bias,
                "kernel_initializer": initializers.serialize(cell.kernel_initializer),
                "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
                "bias_initializer": initializers.serialize(cell.bias_initializer),
                "unit_forget_bias": cell.unit_forget_bias,
                "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
                "kernel_constraint": constraints.serialize(cell.kernel_constraint),
                "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
                "bias_constraint": constraints.serialize(cell.bias_constraint),
                "dropout": cell.dropout, "recurrent_dropout": cell.recurrent_dropout,
                "seed": cell.seed, "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask}


_DOC = """A convolutional LSTM over sequences of {what} (Shi et al., 2015), as Keras 3's
    {name}: an LSTM whose input and recurrent products are convolutions, so the states are
    feature maps. For each step, with * a convolution (the input's with ``strides``,
    ``padding`` and ``dilation_rate``; the state's with stride 1 and "same" padding):

        i = σ(x * W_i + h * U_i + b_i),   f = σ(x * W_f + h * U_f + b_f),
        c = f c + i tanh(x * W_c + h * U_c + b_c),   o = σ(x * W_o + h * U_o + b_o),
        h = o tanh(c)

    Input (batch, time, {axes}, channels); output (batch, [time,] {out_axes}, filters).

    Args:
        filters: the number of output feature maps.
        kernel_size: an int or {rank} ints.
        strides: an int or {rank} ints. Defaults to ``1``.
        padding: ``'valid'`` or ``'same'``. Defaults to ``'valid'``.
        data_format: None or ``'channels_last'`` (numnet computes channels last only).
            Defaults to ``None``.
        dilation_rate: an int or {rank} ints. Defaults to ``1``.
        activation: for the cell input and the output (tanh above). Defaults to ``'tanh'``.
        recurrent_activation: for the gates (σ above). Defaults to ``'sigmoid'``.
        use_bias: whether the gates have biases. Defaults to ``True``.
        kernel_initializer: how the input kernel starts. Defaults to ``'glorot_uniform'``.
        recurrent_initializer: how the recurrent kernel starts. Defaults to ``'orthogonal'``.
        bias_initializer: how the bias starts. Defaults to ``'zeros'``.
        unit_forget_bias: start the forget gate's bias at 1. Defaults to ``True``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer:
            penalties, or None. Defaults to ``None``.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints, or None.
            Defaults to ``None``.
        dropout: the rate of the inputs' dropout (one mask a gate and sequence). Defaults to
            ``0.0``.
        recurrent_dropout: the rate of the states' dropout. Defaults to ``0.0``.
        seed: the dropout's seed. Defaults to ``None``.
        return_sequences: return every step's h instead of the last. Defaults to ``False``.
        return_state: also return the final h and c. Defaults to ``False``.
        go_backwards: run from the last step to the first. Defaults to ``False``.
        stateful: each call starts from the last call's final states. Defaults to ``False``.
        unroll: accepted; the steps always run in a loop. Defaults to ``False``.
        zero_output_for_mask: masked steps output zeros (with return_sequences) instead of the
            last state. Defaults to ``False``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, ``input_shape``.

    Weights: kernel (*kernel_size, channels, 4 filters), recurrent_kernel (*kernel_size,
    filters, 4 filters), bias (4 filters), gates in the order i, f, c, o: Keras's layout.

    Example:
        >>> layer = numnet.layers.{name}(4, 3, padding="same", return_sequences=True)
        >>> layer(np.ones({example}, "float32")).shape
        {example_out}
"""


class ConvLSTM1D(_ConvLSTM):
    rank = 1


class ConvLSTM2D(_ConvLSTM):
    rank = 2


class ConvLSTM3D(_ConvLSTM):
    rank = 3


for _cls, _what, _axes, _example, _out in (
        (ConvLSTM1D, "1-D signals", "steps", "(2, 5, 8, 3)", "(2, 5, 8, 4)"),
        (ConvLSTM2D, "images", "height, width", "(2, 5, 8, 8, 3)", "(2, 5, 8, 8, 4)"),
        (ConvLSTM3D, "volumes", "depth, height, width", "(1, 2, 4, 4, 4, 1)",
         "(1, 2, 4, 4, 4, 4)")):
    _cls.__doc__ = _DOC.format(what=_what, name=_cls.__name__, axes=_axes,
                               out_axes="new " + _axes, rank=_cls.rank, example=_example,
                               example_out=_out)

__all__ = ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]
