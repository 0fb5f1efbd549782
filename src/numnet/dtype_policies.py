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


# keras.config's names for the same
dtype_policy = global_policy
set_dtype_policy = set_global_policy

__all__ = ["DTypePolicy", "Policy", "dtype_policy", "global_policy",
           "set_dtype_policy", "set_global_policy"]
