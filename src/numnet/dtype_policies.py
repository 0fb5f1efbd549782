"""Mixed precision, as ``keras.mixed_precision``: layers compute in 16 bits, weights stay float32.

    numnet.mixed_precision.set_global_policy("mixed_float16")
    model = numnet.Sequential([...,
                               numnet.layers.Dense(10),
                               numnet.layers.Activation("softmax", dtype="float32")])

A policy names two dtypes: the *compute* dtype (a layer's inputs, outputs, and its weights as
used in the computation) and the *variable* dtype (the weights as stored and updated).
"mixed_float16" and "mixed_bfloat16" compute in 16 bits and keep float32 weights; "float16",
"bfloat16", "float32" and "float64" use one dtype for both. Layers made after
``set_global_policy`` take the global policy; a layer's own ``dtype=`` (a name or a
``DTypePolicy``) overrides it, as in Keras, which advises a float32 output layer under
"mixed_float16" (above).

In a layer whose compute dtype is 16-bit, floating inputs are cast to it, and the weights are cast
to it where they are used: the cast's gradient is cast back, so the optimizer updates the float32
weights with float32 gradients. BatchNormalization normalizes in float32 and casts its output back,
and losses are computed in float32 (a Loss casts 16-bit predictions to its dtype, floatx unless
given): Keras 3 does both.

float16 ends at 65504 and its small gradients underflow to zero, so under "mixed_float16"
``compile`` wraps the optimizer in a ``LossScaleOptimizer`` (Keras 3 does so too, unless
``auto_scale_loss=False``): the loss is multiplied by a scale before backward and the gradients
divided by it before the update; a step whose gradients are not all finite is skipped and the scale
halved, and after ``dynamic_growth_steps`` finite steps in a row the scale is doubled.

On the GPU (CuPy) 16-bit products use the tensor cores. NumPy has no fast float16 products, so on
the CPU a mixed policy runs slower than float32; it is there so that programs written for it run
unchanged. bfloat16 needs the ml_dtypes package with NumPy (``pip install ml_dtypes``; JAX brings
it), and runs on the CPU only (CuPy has no bfloat16 arrays); ml_dtypes returns the products of
bfloat16 arrays in float32, so there inputs and weights are rounded to bfloat16 and the layer's
arithmetic after its product is float32.
"""

from __future__ import annotations

from . import backend

_POLICIES = {
    # name: (compute dtype, variable dtype)
    "float16": ("float16", "float16"),
    "bfloat16": ("bfloat16", "bfloat16"),
    "float32": ("float32", "float32"),
    "float64": ("float64", "float64"),
    "mixed_float16": ("float16", "float32"),
    "mixed_bfloat16": ("bfloat16", "float32"),
}
_global: DTypePolicy | None = None


class DTypePolicy:
    """The dtypes a layer computes in (``compute_dtype``) and keeps its weights in
    (``variable_dtype``), by name: "mixed_float16", "mixed_bfloat16", "float16", "bfloat16",
    "float32" or "float64". ``DTypePolicy()`` is the default float type's (``backend.floatx()``).

    Args:
        name: the policy's name, a DTypePolicy, or Keras's serialized form; None for
            ``backend.floatx()``. Defaults to ``None``.

    Raises:
        ValueError: for a name that is no policy.

    Example:
        >>> numnet.DTypePolicy("mixed_float16").compute_dtype
        'float16'
    """

    def __new__(cls, name=None, *args, **kwargs):
        # a quantized policy's name ("int8_from_float32"), its serialized form, or a quantized
        # policy itself gives that policy, so that a layer's ``dtype=`` takes it as Keras's does
        if cls is DTypePolicy or cls.__name__ == "FloatDTypePolicy":
            quantized = _quantized_class(name)
            if quantized is not None:
                cls = quantized
        return object.__new__(cls)

    def __init__(self, name: str | None = None):
        if isinstance(name, DTypePolicy):
            name = name.name
        elif isinstance(name, dict):  # Keras's serialized form: {"config": {"name": ...}}
            name = (name.get("config") or {}).get("name")
        elif name is None:
            name = backend.floatx()
        if not isinstance(name, str) or name not in _POLICIES:
            raise ValueError(
                f"DTypePolicy(name): expected one of {sorted(_POLICIES)}, given {name!r}.")
        if "bfloat16" in name:
            _require_bfloat16(name)
        self._name = name
        self._compute, self._variable = _POLICIES[name]

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        return self._compute

    @property
    def variable_dtype(self) -> str:
        return self._variable

    @property
    def quantization_mode(self) -> str | None:
        """The quantization mode ("int8", "int4") of a quantized policy; None here."""
        return None

    @property
    def is_16_bit(self) -> bool:
        """Whether layers of this policy compute in float16 or bfloat16 (and so cast their
        inputs and weights)."""
        return self._compute in ("float16", "bfloat16")

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        return cls(config["name"])

    def __eq__(self, other) -> bool:
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self._name)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'


Policy = DTypePolicy  # Keras 2's name

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")
"""The quantization modes Keras names; numnet implements int8, int4 and float8."""


def _quantized_class(name):
    """The quantized policy class that ``name`` (a policy, a name, a serialized dict) asks for,
    or None for a float policy."""
    if isinstance(name, QuantizedDTypePolicy):
        return type(name)
    if isinstance(name, dict):
        if name.get("class_name") in ("QuantizedDTypePolicy", "Int4DTypePolicy",
                                      "QuantizedFloat8DTypePolicy", "GPTQDTypePolicy",
                                      "AWQDTypePolicy"):
            mode = str((name.get("config") or {}).get("mode", ""))
            return _class_of_mode(mode)
        name = (name.get("config") or {}).get("name")
    if isinstance(name, str) and name.startswith(QUANTIZATION_MODES) and "_from_" in name:
        return _class_of_mode(name)
    return None


def _class_of_mode(mode: str):
    if mode.startswith("int4/"):
        return Int4DTypePolicy
    return QuantizedFloat8DTypePolicy if mode.startswith("float8") else QuantizedDTypePolicy


class QuantizedDTypePolicy(DTypePolicy):
    """The policy of a quantized layer: ``"<mode>_from_<source>"`` (e.g. "int8_from_float32"),
    whose weights are stored quantized and whose arithmetic is the source policy's. Layers get
    it from ``layer.quantize(mode)`` (or ``model.quantize``); a layer made with it (as when a
    quantized model is loaded) is quantized once built, as in Keras.

    Args:
        mode: "int8", "int4" or "float8" (or the whole name, "int8_from_float32", with no
            source_name).
        source_name: the float policy it was quantized from; None for the global policy.
            Defaults to ``None``.

    Raises:
        ValueError: an unknown mode or source policy; int8 with a float16 compute dtype.
        NotImplementedError: gptq or awq (Keras modes numnet does not implement).

    Example:
        >>> policy = numnet.dtype_policies.QuantizedDTypePolicy("int8", "float32")
        >>> policy.name, policy.quantization_mode, policy.compute_dtype
        ('int8_from_float32', 'int8', 'float32')
    """

    def __init__(self, mode, source_name=None):
        if isinstance(mode, DTypePolicy):
            mode, source_name = mode._mode_string(), mode.source_name
        elif isinstance(mode, dict):
            config = mode.get("config") or {}
            if "mode" in config:
                mode, source_name = config["mode"], config.get("source_name")
            else:
                mode = config.get("name")
        if isinstance(mode, str) and "_from_" in mode and source_name is None:
            mode, source_name = mode.split("_from_", 1)
        if source_name is None:
            source_name = global_policy().name
        base = str(mode).split("/")[0]
        if base not in QUANTIZATION_MODES:
            raise ValueError(f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. "
                             f"Received: mode={mode}")
        if base not in ("int8", "int4", "float8"):
            raise NotImplementedError(
                f"QuantizedDTypePolicy: mode={base!r} is a Keras mode that numnet does not "
                "implement; numnet quantizes to 'int8', 'int4' and 'float8'.")
        source = DTypePolicy(source_name)
        if base == "int8" and source.compute_dtype == "float16":
            raise ValueError(f"Quantization mode='{base}' doesn't work well with "
                             "compute_dtype='float16'; quantize from 'float32' or "
                             "'mixed_bfloat16'.")
        self._compute, self._variable = source.compute_dtype, source.variable_dtype
        self._source = source.name
        self._mode = base
        self._name = f"{mode}_from_{source.name}"

    @property
    def quantization_mode(self) -> str:
        return self._mode

    @property
    def source_name(self) -> str:
        """The float policy the layer was quantized from."""
        return self._source

    def _mode_string(self) -> str:
        return self._mode

    def get_config(self) -> dict:
        return {"mode": self._mode_string(), "source_name": self._source}

    @classmethod
    def from_config(cls, config: dict):
        return cls(config["mode"], config.get("source_name"))

    def __repr__(self) -> str:
        return f'<{type(self).__name__} "{self._name}">'


class Int4DTypePolicy(QuantizedDTypePolicy):
    """The policy of an int4 layer with its block size: ``"int4/<block_size>_from_<source>"``;
    block_size -1 is one scale per output channel, a positive one a scale and zero point per
    group of that many input rows (Keras 3's default, 128).

    Args:
        mode: ``"int4/<block_size>"`` (or the whole name).
        source_name: the float policy; None for the global one. Defaults to ``None``.

    Raises:
        ValueError: a mode of another form, or a block size that is 0 or below -1.

    Example:
        >>> numnet.dtype_policies.get("int4/128_from_float32").block_size
        128
    """

    def __init__(self, mode, source_name=None):
        super().__init__(mode, source_name)
        head = self._name.split("_from_")[0]
        parts = head.split("/")
        try:
            block_size = int(parts[1]) if len(parts) == 2 and parts[0] == "int4" else None
        except ValueError:
            block_size = None
        if block_size is None or block_size == 0 or block_size < -1:
            raise ValueError(f"Int4DTypePolicy(mode): expected 'int4/<block_size>' with "
                             f"block_size -1 or positive, given {head!r}.")
        self.block_size = block_size

    def _mode_string(self) -> str:
        return f"int4/{self.block_size}"


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """The policy of a layer trained in float8 (``"float8_from_<source>"``, Keras 3's float8
    training): its inputs and kernel go through float8 e4m3fn and its output gradient through
    e5m2, each with a scale kept from a history of absolute maxima
    (``numnet.layers.quantization``). Layers get it from ``layer.quantize("float8")``.

    Args:
        mode: "float8" (or the whole name, "float8_from_float32", with no source_name).
        source_name: the float policy it was quantized from; None for the global policy.
            Defaults to ``None``.
        amax_history_length: how many absolute maxima each scale is computed from. Defaults
            to ``1024``.

    Raises:
        TypeError: an ``amax_history_length`` that is not an int.

    Example:
        >>> policy = numnet.dtype_policies.get("float8_from_float32")
        >>> type(policy).__name__, policy.amax_history_length, policy.compute_dtype
        ('QuantizedFloat8DTypePolicy', 1024, 'float32')
    """

    default_amax_history_length = 1024

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        if isinstance(mode, dict):
            amax_history_length = (mode.get("config") or {}).get(
                "amax_history_length", amax_history_length)
        elif isinstance(mode, QuantizedFloat8DTypePolicy):
            amax_history_length = mode.amax_history_length
        super().__init__(mode, source_name)
        if isinstance(amax_history_length, bool) or not isinstance(amax_history_length, int):
            raise TypeError("`amax_history_length` must be an integer. Received: "
                            f"amax_history_length={amax_history_length}")
        self._amax_history_length = amax_history_length

    @property
    def amax_history_length(self) -> int:
        """The length of the histories of absolute maxima the float8 scales come from."""
        return self._amax_history_length

    def __eq__(self, other) -> bool:
        return super().__eq__(other) and getattr(
            other, "amax_history_length", None) == self._amax_history_length

    def __hash__(self) -> int:
        return hash((self._name, self._amax_history_length))

    def get_config(self) -> dict:
        return {**super().get_config(), "amax_history_length": self._amax_history_length}

    @classmethod
    def from_config(cls, config: dict):
        return cls(config["mode"], config.get("source_name"),
                   config.get("amax_history_length", cls.default_amax_history_length))


def _require_bfloat16(name: str) -> None:
    try:
        import ml_dtypes  # noqa: F401  (registers the bfloat16 dtype with NumPy)
    except ImportError:
        raise ValueError(
            f"DTypePolicy({name!r}): bfloat16 needs the ml_dtypes package with NumPy; install "
            "it with: pip install ml_dtypes (or use 'mixed_float16')."
        ) from None


def global_policy() -> DTypePolicy:
    """The policy new layers take: the one last set, else the default float type's."""
    return _global if _global is not None else DTypePolicy(backend.floatx())


def set_global_policy(policy) -> None:
    """Make ``policy`` (a name or a DTypePolicy; None for the default) the one new layers
    take. Layers already made keep theirs."""
    global _global
    _global = None if policy is None else DTypePolicy(policy)


backend.session_resets.append(lambda: set_global_policy(None))  # clear_session, as Keras's

# keras.config's names for the same
dtype_policy = global_policy
set_dtype_policy = set_global_policy

__all__ = ["DTypePolicy", "Int4DTypePolicy", "Policy", "QUANTIZATION_MODES",
           "QuantizedDTypePolicy", "QuantizedFloat8DTypePolicy", "dtype_policy", "global_policy",
           "set_dtype_policy", "set_global_policy"]
