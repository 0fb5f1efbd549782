"""Dense, Activation, Identity, Lambda and Masking."""

from __future__ import annotations

import math

from .. import activations, backend, constraints, initializers, regularizers
from ..autodiff import ops
from ..autodiff.tensor import no_grad
from .base import Layer
from .lora import lora_property
from .quantization import Quantizable


class ActivationAttribute:
    """A layer's ``activation`` attribute. Whatever is assigned (a name, a function, a config
    dict, or None for linear) is kept as the function ``activations.get`` gives, so assigning
    after the layer is built changes what it computes, as in Keras: the Grad-CAM recipe's
    ``model.layers[-1].activation = None`` turns a softmax classifier's output into logits.
    A layer that fuses its activation into its product (Dense) also gets its fused kernel.

    Example:
        >>> layer = numnet.layers.Dense(2, activation="softmax")
        >>> layer.activation = None
        >>> layer.activation is numnet.activations.linear
        True
    """

    def __init__(self, fused: bool = False):
        self.fused = fused

    def __set_name__(self, owner, name):
        # kept in the instance's __dict__ under its own name (a data descriptor is read
        # first), where code that reads vars(layer) (the file writers) finds it
        self.slot = name

    def __get__(self, layer, owner=None):
        if layer is None:
            return self
        return layer.__dict__[self.slot]

    def __set__(self, layer, value):
        fn = activations.get(value)
        layer.__dict__[self.slot] = fn
        if self.fused:
            layer.__dict__["_kernel_fn"] = activations.kernel_of(fn)


class Dense(Quantizable, Layer):
    """The densely connected layer: output = activation(inputs @ kernel + bias).

    Input shape (batch, ..., input_dim); output shape (batch, ..., units). The kernel has shape
    (input_dim, units) and the bias (units,); both are created at the first call, from the
    input's last axis. The product, the bias and a built-in activation are one fused node of
    the tape.

    Args:
        units: the number of outputs, a positive integer.
        activation: the activation applied to the output: a name ('relu', 'sigmoid', 'softmax',
            ...), a function, or None for linear (a(x) = x). Defaults to ``None``.
        use_bias: whether to add a bias vector. Defaults to ``True``.
        kernel_initializer: how the kernel starts: an initializer: a name ('glorot_uniform',
            'zeros', ...) or an Initializer. Defaults to ``'glorot_uniform'``.
        bias_initializer: how the bias starts: an initializer: a name ('glorot_uniform', 'zeros',
            ...) or an Initializer. Defaults to ``'zeros'``.
        kernel_regularizer: the kernel's penalty: a regularizer whose penalty is added to the loss
            (a name such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        bias_regularizer: the bias's penalty: a regularizer whose penalty is added to the loss (a
            name such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        activity_regularizer: a penalty on the layer's output: a regularizer whose penalty is added
            to the loss (a name such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        kernel_constraint: the kernel's constraint: a constraint applied after each optimizer step
            (a name or a Constraint), or None. Defaults to ``None``.
        bias_constraint: the bias's constraint: a constraint applied after each optimizer step (a
            name or a Constraint), or None. Defaults to ``None``.
        lora_rank: when set, the layer calls ``enable_lora(lora_rank, lora_alpha)`` once built
            (low-rank adaptation, below). Defaults to ``None``.
        lora_alpha: the LoRA scale's numerator (the update is scaled by
            ``lora_alpha / lora_rank``); None for ``lora_rank``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Low-rank adaptation (LoRA): ``layer.enable_lora(rank)`` freezes the kernel and adds two
    trainable weights, ``lora_kernel_a`` (input_dim, rank) and ``lora_kernel_b`` (rank, units);
    the layer then computes with ``kernel + (lora_alpha / rank) * lora_kernel_a @ lora_kernel_b``
    (``lora_kernel_b`` starts at zero, so the output is unchanged until training moves it).
    ``layer.kernel`` is then that sum (a Tensor), as in Keras; the frozen Variable stays in
    ``layer.weights`` (and ``layer.non_trainable_weights``).

    Raises:
        ValueError: when ``units`` is not a positive integer.

    Example:
        >>> layer = numnet.layers.Dense(32, activation="relu")
        >>> y = layer(np.ones((4, 784), "float32"))
        >>> y.shape, layer.kernel.shape, layer.bias.shape
        ((4, 32), (784, 32), (32,))
        >>> model = numnet.Sequential([numnet.Input((784,)),
        ...                            numnet.layers.Dense(32, activation="relu"),
        ...                            numnet.layers.Dense(10, activation="softmax")])
        >>> model.count_params()
        25450
    """

    supports_masking = True
    activation = ActivationAttribute(fused=True)

    kernel = lora_property("kernel", """The kernel Variable; with LoRA enabled, the kernel the
        layer computes with: ``kernel + (lora_alpha / lora_rank) * lora_kernel_a @
        lora_kernel_b``.""")

    def __init__(self, units: int, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            try:
                ok = int(units) == units and units > 0 and not isinstance(units, bool)
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise ValueError(
                    f"Dense(units): expected a positive integer, given {units!r}."
                )
        self.units = int(units)
        self.activation = activation
        self.use_bias = bool(use_bias)
        self._weight_options("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        self._weight_options("bias", bias_initializer, bias_regularizer, bias_constraint)
        self.kernel = self.bias = None
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def build(self, input_shape) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"{self.name}: the last axis of the input must be known to build a Dense layer, "
                f"given input shape {input_shape}."
            )
        self.kernel = self.add_weight((input_dim, self.units), self.kernel_initializer,
                                      "kernel", regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight((self.units,), self.bias_initializer, "bias",
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self._quantize_if_asked()  # a quantized policy ("int8_from_float32"): int8 weights
        if self.lora_rank:
            self.built = True
            self.enable_lora(self.lora_rank, self.lora_alpha)

    def enable_lora(self, rank: int, lora_alpha=None, a_initializer="he_uniform",
                    b_initializer="zeros") -> None:
        """Fine-tune through a low-rank update: freeze the kernel and train
        ``lora_kernel_a`` (input_dim, rank) and ``lora_kernel_b`` (rank, units), the layer
        computing with ``kernel + (lora_alpha / rank) * lora_kernel_a @ lora_kernel_b``.

        Args:
            rank: the rank of the update, a positive integer.
            lora_alpha: the scale's numerator; None for ``rank`` (a scale of 1). Defaults to
                ``None``.
            a_initializer: how ``lora_kernel_a`` starts. Defaults to ``"he_uniform"``.
            b_initializer: how ``lora_kernel_b`` starts. Defaults to ``"zeros"`` (no change
                to the output until trained).

        Raises:
            ValueError: when the layer is not built, has a kernel constraint, already has LoRA
                enabled, or ``rank`` is not a positive integer.

        Example:
            >>> layer = numnet.layers.Dense(3)
            >>> layer.build((None, 4))
            >>> layer.enable_lora(2)
            >>> [w.name for w in layer.trainable_weights]
            ['bias', 'lora_kernel_a', 'lora_kernel_b']
        """
        if self.kernel_constraint is not None:
            raise ValueError(
                f"{self.name}.enable_lora: LoRA cannot be used with a kernel constraint (given "
                f"{self.kernel_constraint!r}); build the layer without kernel_constraint."
            )
        if not self.built or self.__dict__.get("kernel") is None:
            raise ValueError(
                f"{self.name}.enable_lora: the layer is not built yet; call it on an input (or "
                "build it) before enabling LoRA."
            )
        if self.lora_enabled:
            raise ValueError(
                f"{self.name}.enable_lora: LoRA is already enabled; it can be enabled once."
            )
        if isinstance(rank, bool) or not isinstance(rank, int) or rank <= 0:
            raise ValueError(
                f"{self.name}.enable_lora(rank): expected a positive integer, given {rank!r}."
            )
        input_dim, units = self.__dict__["kernel"].value.shape[0], self.units  # (int4: packed)
        self.lora_kernel_a = self.add_weight((input_dim, rank), a_initializer, "lora_kernel_a",
                                             regularizer=self.kernel_regularizer)
        self.lora_kernel_b = self.add_weight((rank, units), b_initializer, "lora_kernel_b",
                                             regularizer=self.kernel_regularizer)
        self.__dict__["kernel"].trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def compute_output_shape(self, input_shape):
        return activations.output_shape(self.activation, tuple(input_shape[:-1]) + (self.units,))

    def call(self, inputs, training: bool = False):
        if self._quantized_mode is not None:
            return self._quantized_call(inputs, training)
        kernel, bias = self.kernel, self.bias
        if inputs.value.shape[-1] != kernel.value.shape[0]:
            raise ValueError(
                f"Input of layer {self.name!r}: expected shape (..., {kernel.shape[0]}) "
                f"(the width it was built for), given {inputs.shape}. Reshape or select the "
                f"features so that each row has {kernel.shape[0]} values."
            )
        if self._autocast is not None:  # a 16-bit policy: the weights as float16 / bfloat16
            kernel, bias = self._weight(kernel), self._weight(bias)
        if self._kernel_fn is not None or self.activation is activations.linear:
            return ops.dense(inputs, kernel, bias, self._kernel_fn)
        return self.activation(ops.dense(inputs, kernel, bias, None))

    def get_config(self):
        config = super().get_config()
        config.update(
            units=self.units,
            activation=activations.serialize(self.activation),
            use_bias=self.use_bias,
            kernel_initializer=initializers.serialize(self.kernel_initializer),
            bias_initializer=initializers.serialize(self.bias_initializer),
            kernel_regularizer=regularizers.serialize(self.kernel_regularizer),
            bias_regularizer=regularizers.serialize(self.bias_regularizer),
            kernel_constraint=constraints.serialize(self.kernel_constraint),
            bias_constraint=constraints.serialize(self.bias_constraint),
        )
        if self.lora_rank:
            config.update(lora_rank=self.lora_rank, lora_alpha=self.lora_alpha)
        return config


class Activation(Layer):
    """Applies an activation function: Activation('relu'), Activation(activations.tanh).

    Args:
        activation: a name ('relu', 'tanh', ...) or a function of a Tensor.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> numnet.layers.Activation("relu")(np.array([[-1.0, 2.0]], "float32")).numpy()
        array([[0., 2.]], dtype=float32)
    """

    supports_masking = True
    activation = ActivationAttribute()

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activation

    def compute_output_shape(self, input_shape):
        return activations.output_shape(self.activation, input_shape)

    def call(self, inputs, training: bool = False):
        return self.activation(inputs)

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


class Identity(Layer):
    """Returns its input unchanged: a placeholder layer, as Keras's Identity.

    Args:
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> numnet.layers.Identity()(np.array([[1.0, 2.0]], "float32")).numpy()
        array([[1., 2.]], dtype=float32)
    """

    supports_masking = True

    def call(self, inputs, training: bool = False):
        return inputs


PROBE_BYTES = 64 * 1024**2
"""The most one zero sample may take when Lambda calls its function to find its output shape."""


class Lambda(Layer):
    """Wraps ``function(inputs, **arguments)`` as a layer: Lambda(lambda x: x * 2).

    The function takes and returns Tensors (use their operators or numnet.autodiff.ops, so
    that gradients flow). ``output_shape`` (a shape without the batch axis, or fn(input_shape))
    is found by calling the function on one zero sample when it is not given. A model file
    holds the function only by its registered name (numnet.saving.register_serializable); a
    lambda cannot be saved, and loading never runs code from the file.

    Args:
        function: ``function(inputs, **arguments)``, taking and returning Tensors; or a registered
            function's name.
        output_shape: the output shape without the batch axis, or ``fn(input_shape)``; None to find
            it by calling the function on one zero sample. Defaults to ``None``.
        mask: the output mask: a function ``mask(inputs, mask)``, a fixed mask, or None. Defaults to
            ``None``.
        arguments: keyword arguments passed to the function, or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Raises:
        ValueError: for a name that no function is registered under.
        TypeError: when ``function`` is not callable.

    Example:
        >>> numnet.layers.Lambda(lambda x: x * 2)(np.array([[1.0, 2.0]], "float32")).numpy()
        array([[2., 4.]], dtype=float32)
    """

    _takes_structures = True  # called on a list or dict of tensors, or giving several

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(function, str):  # a registered function's name, as get_config gives it
            function = _registered_function(function, "function")
        if isinstance(output_shape, str):
            output_shape = _registered_function(output_shape, "output_shape")
        if not callable(function):
            raise TypeError(f"Lambda(function): expected a callable, given {function!r}.")
        self.function, self.output_shape_arg = function, output_shape
        self.arguments = dict(arguments or {})

    def call(self, inputs, training: bool = False):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        given = self.output_shape_arg
        if callable(given):
            return tuple(given(tuple(input_shape)))
        if given is not None:
            return (input_shape[0],) + tuple(given)
        shape = (1,) + tuple(d or 1 for d in input_shape[1:])
        nbytes = math.prod(shape) * backend.xp.dtype(backend.floatx()).itemsize
        if nbytes > PROBE_BYTES:  # (a model file may declare any input shape)
            raise ValueError(
                f"{self.name}: finding the output shape means calling the function on one zero "
                f"sample of shape {shape[1:]}, {nbytes} bytes, more than {PROBE_BYTES}; pass "
                "Lambda(..., output_shape=...) instead.")
        probe = backend.xp.zeros(shape, backend.floatx())
        with no_grad():
            out = self.function(ops.as_tensor(probe), **self.arguments)
        return (input_shape[0],) + tuple(getattr(out, "shape", ())[1:])

    def get_config(self):
        output_shape = self.output_shape_arg
        from ..registry import get_registered_name

        name = get_registered_name(self.function) or getattr(self.function, "__name__", None)
        if callable(output_shape):
            output_shape = get_registered_name(output_shape) or getattr(
                output_shape, "__name__", None)
        return {**super().get_config(), "function": name,
                "output_shape": list(output_shape) if isinstance(output_shape, tuple)
                else output_shape, "arguments": self.arguments}


def _registered_function(name: str, argument: str):
    """The function registered as ``name`` (Lambda's ``function`` or ``output_shape`` as its
    config gives it)."""
    from ..registry import get_registered_object

    found = get_registered_object(name)
    if found is None or not callable(found):
        raise ValueError(
            f"Lambda({argument}): no function is registered as {name!r}; decorate it with "
            "@numnet.saving.register_serializable(), or pass the function itself.")
    return found


class Masking(Layer):
    """Masks the time steps whose features all equal ``mask_value`` (0.0 by default):

    mask[n, t] = any(x[n, t, :] != mask_value), and those steps' features become 0, as Keras.
    The layers after it that support masking skip them (LSTM, GlobalAveragePooling1D, ...).

    Args:
        mask_value: the value that marks a step as padding. Defaults to ``0.0``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> x = np.array([[[1.0], [0.0], [2.0]]], "float32")       # (batch, steps, features)
        >>> numnet.layers.Masking()(x)._keras_mask.tolist()
        [[True, False, True]]
    """

    supports_masking = True
    _makes_mask = True

    def __init__(self, mask_value: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        if getattr(inputs, "_symbolic", False):  # a symbolic mask, as Keras's KerasTensor
            from .. import ops as public_ops

            return public_ops.any(public_ops.not_equal(inputs, self.mask_value), axis=-1)
        return backend.xp.any(inputs.value != self.mask_value, axis=-1)

    def call(self, inputs, training: bool = False):
        keep = backend.xp.any(inputs.value != self.mask_value, axis=-1, keepdims=True)
        return ops.multiply(inputs, keep.astype(inputs.dtype))

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
