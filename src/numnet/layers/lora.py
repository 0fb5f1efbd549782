"""LoRA's merged weight: the property that Dense.kernel and Embedding.embeddings share."""

from __future__ import annotations

from ..autodiff import ops


def lora_property(name: str, doc: str) -> property:
    """A property ``name`` giving the Variable stored under ``name`` in the layer's
    ``__dict__`` (so that checkpoints key it by that name), or, once ``enable_lora`` ran,
    ``weight + (lora_alpha / lora_rank) * lora_<name>_a @ lora_<name>_b``."""
    a_name, b_name = f"lora_{name}_a", f"lora_{name}_b"

    def merged(self):
        weight = self.__dict__.get(name)
        if weight is None or not self.__dict__.get("lora_enabled"):
            return weight
        update = ops.matmul(getattr(self, a_name), getattr(self, b_name))
        return ops.add(weight, ops.multiply(update, self.lora_alpha / self.lora_rank))

    def store(self, value) -> None:
        self.__dict__[name] = value

    return property(merged, store, doc=doc)
