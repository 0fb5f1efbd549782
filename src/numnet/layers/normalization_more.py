"""RMSNormalization and SpectralNormalization (Keras 3's arguments, weights and semantics)."""

from __future__ import annotations

from .. import backend, initializers
from ..autodiff import ops
from .base import Layer
from .input_spec import InputSpec
from .normalization import _axes_of, _check_axis, _float32_if_16_bit
from .wrapper import Wrapper


class RMSNormalization(Layer):
    """Root-mean-square normalization (Zhang and Sennrich, 2019):
    y = x / sqrt(mean(x², over ``axis``) + epsilon) * scale.

    Unlike LayerNormalization, the mean is not subtracted and there is no offset. ``scale``
    (ones) has the sizes of the normalized axes.

    Args:
        axis: the axis (an int) or axes (a list of ints) to normalize over. Defaults to ``-1``.
        epsilon: added to the mean square before the square root. Defaults to ``1e-6``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, ``input_shape``.

    Input shape: any; output shape: the input's. Weights: ``scale``, shape
    ``tuple(input_shape[a] for a in axis)``, as Keras.

    Raises:
        TypeError: when ``axis`` is not an int or a list of ints.
        ValueError: when an axis is out of range for the input.

    Example:
        >>> layer = numnet.layers.RMSNormalization()
        >>> layer(np.array([[3.0, 4.0]], "float32")).numpy().round(4)   # rms = sqrt(12.5)
        array([[0.8485, 1.1314]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis=-1, epsilon: float = 1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = _check_axis(axis, "RMSNormalization(axis)")
        self.epsilon = float(epsilon)
        self.scale = None

    def build(self, input_shape) -> None:
        axes = _axes_of(self.axis, input_shape, f"Layer {self.name!r}")
        if isinstance(self.axis, int):
            self.axis = [self.axis]  # as Keras, which keeps a list once built
        else:
            self.axis = sorted(self.axis)
        shape = tuple(input_shape[a] for a in axes)
        if any(d is None for d in shape):
            raise ValueError(f"Layer {self.name!r}: the normalized axes {self.axis} must have "
                             f"known sizes to build scale, given input shape {input_shape}.")
        self.scale = self.add_weight(shape, "ones", "scale")

    def compute_output_shape(self, input_shape):
        _axes_of(self.axis, input_shape, f"Layer {self.name!r}")
        return input_shape

    def call(self, inputs, training=None):
        return _float32_if_16_bit(self._normalize, inputs)

    def _normalize(self, x):
        axes = _axes_of(self.axis, x.shape, f"Layer {self.name!r}")
        mean_square = ops.mean(ops.square(x), axis=axes, keepdims=True)
        out = ops.multiply(x, ops.power(ops.add(mean_square, self.epsilon), -0.5))
        shape = [1] * x.ndim
        for a in axes:
            shape[a] = x.shape[a]
        return ops.multiply(out, ops.reshape(self.scale, tuple(shape)))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


def _unit(v, epsilon: float = 1e-7):
    """v / ||v|| over all its entries (the norm at least epsilon), as keras.ops.normalize."""
    xp = backend.xp
    return v * xp.minimum(1.0 / xp.sqrt((v * v).sum()), 1.0 / epsilon)


class SpectralNormalization(Wrapper):
    """Spectral normalization of a wrapped layer's kernel (Miyato et al., 2018), as Keras 3.

    At each call with ``training=True`` the kernel W (reshaped to a matrix of ``kernel.shape[-1]``
    columns) is divided by its largest singular value sigma, estimated by power iteration from a
    kept vector u: v = normalize(u Wᵀ), u = normalize(v W) (``power_iterations`` times), sigma =
    v W uᵀ. As in Keras, the division is written into the kernel (``kernel.assign(W / sigma)``)
    and u is kept for the next call; no gradient flows through sigma, and a kernel of zeros is
    left as it is. At inference the wrapped layer runs with its kernel as it stands.

    Args:
        layer: the layer to wrap; it must have a ``kernel`` (Dense, Conv*, ...) or
            ``embeddings`` (Embedding).
        power_iterations: the number of power iterations a training call. Defaults to ``1``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``.

    Weights: the wrapped layer's kernel, ``vector_u`` (1, kernel.shape[-1]) (not trainable,
    truncated normal with stddev 0.02), then the wrapped layer's other weights: Keras's order.

    Raises:
        ValueError: when ``power_iterations`` is below 1, or the wrapped layer has neither a
            kernel nor embeddings.

    Example:
        >>> sn = numnet.layers.SpectralNormalization(numnet.layers.Dense(4))
        >>> sn(np.ones((2, 3), "float32"), training=True).shape
        (2, 4)
        >>> [w.name for w in sn.weights]
        ['kernel', 'vector_u', 'bias']
    """

    def __init__(self, layer, power_iterations: int = 1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) \
                or power_iterations < 1:
            raise ValueError(f"SpectralNormalization(power_iterations): expected an integer "
                             f">= 1, given {power_iterations!r}.")
        self.power_iterations = power_iterations

    def build(self, input_shape=None) -> None:
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(
                f"SpectralNormalization(layer): {type(self.layer).__name__} has no 'kernel' "
                "nor 'embeddings' weight to normalize; wrap a Dense, Conv or Embedding layer.")
        self.kernel = kernel
        self._weights.append(kernel)  # Keras's order: kernel, vector_u, the layer's others
        self.vector_u = self.add_weight((1, kernel.shape[-1]),
                                        initializers.TruncatedNormal(stddev=0.02),
                                        "vector_u", trainable=False)

    def call(self, inputs, training: bool = False):
        if training:
            self._normalize_kernel()
        out = self.layer(inputs, training=training)
        if out.dtype != inputs.dtype and backend.is_float_dtype(inputs.dtype):
            out = ops.cast(out, inputs.dtype)
        return out

    def _normalize_kernel(self) -> None:
        w = self.kernel.value
        if not w.any():  # a kernel of zeros: nothing to divide (as Keras)
            return
        u, kernel = self.normalized_weights()
        self.vector_u.assign(u.astype(self.vector_u.value.dtype))
        self.kernel.assign(kernel.astype(w.dtype))

    def normalized_weights(self):
        """(the next u, W / sigma) as arrays, without assigning them (Keras's method)."""
        w = self.kernel.value
        matrix = w.reshape(-1, w.shape[-1])
        u = self.vector_u.value
        for _ in range(self.power_iterations):
            v = _unit(u @ matrix.T)
            u = _unit(v @ matrix)
        return u, (w / (v @ matrix @ u.T)[0, 0]).reshape(w.shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}


__all__ = ["RMSNormalization", "SpectralNormalization"]
