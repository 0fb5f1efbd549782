"""``keras.distillation``: knowledge distillation. ``Distiller`` trains a student model on the
labels and on a frozen teacher's outputs; ``LogitsDistillation`` and ``FeatureDistillation``
say what is distilled, and ``DistillationLoss`` is the base of one's own."""

from .distiller import Distiller
from .losses import DistillationLoss, FeatureDistillation, LogitsDistillation

__all__ = ["DistillationLoss", "Distiller", "FeatureDistillation", "LogitsDistillation"]
