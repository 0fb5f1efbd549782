"""The distillation losses of ``keras.distillation``: how a student's outputs (or features) are
pulled towards a teacher's. ``Distiller`` (``distiller.py``) sums them, each with its weight."""

from __future__ import annotations

from .. import losses as losses_module
from .. import ops, tree
from ..registry import register_serializable


def loss_function(identifier):
    """The loss a distillation loss or a Distiller applies for ``identifier``, as Keras reads
    one: a loss name ("mse", "kl_divergence") gives the loss *function* (per-sample values),
    a class name ("KLDivergence") a Loss object; a Loss or any callable is kept; None is None.

    Raises:
        ValueError: for an unknown name, with the closest names.
    """
    if identifier is None or not isinstance(identifier, str):
        return identifier
    function = losses_module._FUNCTIONS.get(identifier)
    return function if function is not None else losses_module.loss_object(identifier)


def _losses_of(loss, caller: str):
    out = tree.map_structure(loss_function, loss)
    if all(item is None for item in tree.flatten(out)):
        raise ValueError(f"{caller}(loss): expected at least one loss that is not None, given "
                         f"{loss!r}. Give a loss name ('mse') or a Loss for the outputs to "
                         "distill.")
    return out


def symbolic(model, what: str):
    """``model.inputs`` / ``model.outputs``, or None for a model that has none (subclassed)."""
    try:
        return getattr(model, what, None)
    except (AttributeError, ValueError):
        return None


def _serialize_one(item):
    if item is None or isinstance(item, str):
        return item
    if isinstance(item, losses_module.Loss):
        return losses_module.serialize(item)
    return {"class_name": "function", "config": getattr(item, "__name__", repr(item))}


def _serialize(loss):
    return tree.map_structure(_serialize_one, loss)


def _deserialize(loss):
    if isinstance(loss, dict) and "class_name" in loss:
        return losses_module.deserialize(loss)
    if isinstance(loss, (list, tuple)):
        return type(loss)(_deserialize(item) for item in loss)
    if isinstance(loss, dict):
        return {key: _deserialize(item) for key, item in loss.items()}
    return loss


class DistillationLoss:
    """The base of distillation losses: the loss between a teacher's outputs and a student's.

    Subclass it and override ``compute_loss`` (a scalar); ``validate_outputs`` and
    ``validate_model_compatibility`` may check what they are given.

    Example:
        >>> class MeanGap(numnet.distillation.DistillationLoss):
        ...     def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        ...         return numnet.ops.mean(numnet.ops.abs(teacher_outputs - student_outputs))
        >>> float(MeanGap().compute_loss(np.ones((2, 3)), np.zeros((2, 3))))
        1.0
    """

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        """The distillation loss, a scalar.

        Args:
            teacher_outputs: the teacher's outputs (a Tensor, or a structure of them).
            student_outputs: the student's, of the same structure.
            **kwargs: extra arguments of a loss of one's own.

        Raises:
            NotImplementedError: unless a subclass overrides it.
        """
        raise NotImplementedError(f"{type(self).__name__}.compute_loss: a distillation loss "
                                  "must override compute_loss(teacher_outputs, "
                                  "student_outputs) to return a scalar.")

    def validate_outputs(self, teacher_outputs, student_outputs) -> None:
        """Check that the two outputs have one structure.

        Raises:
            ValueError: when they differ.
        """
        tree.assert_same_structure(teacher_outputs, student_outputs)

    def validate_model_compatibility(self, teacher, student) -> None:
        """Check that this loss can be computed for these models (nothing in the base)."""


@register_serializable(package="keras.distillation")
class LogitsDistillation(DistillationLoss):
    """Distills the final outputs: the loss between the teacher's and the student's logits,
    both divided by ``temperature``.

    A Loss object ``KLDivergence()`` is applied to the softmax of the scaled logits and
    multiplied by ``temperature**2`` (Hinton et al., 2015); any other loss, a name such as
    the default ``"kl_divergence"`` included (a name gives the loss *function*, as in Keras),
    is applied to the scaled logits themselves, and its per-sample values are averaged.

    Args:
        temperature: the divisor of both logits, > 0. Defaults to 3.0.
        loss: a loss name, a Loss, a function, or a structure of them (None skips that
            output) for a model of several outputs. Defaults to ``"kl_divergence"``.

    Raises:
        ValueError: for a temperature that is not a positive number, or only None losses.

    Example:
        >>> loss = numnet.distillation.LogitsDistillation(
        ...     temperature=2.0, loss=numnet.losses.KLDivergence())
        >>> teacher = np.array([[2.0, 0.0]], "float32")
        >>> round(float(loss.compute_loss(teacher, teacher)), 6)
        0.0
    """

    def __init__(self, temperature=3.0, loss="kl_divergence"):
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            raise ValueError(f"LogitsDistillation(temperature): expected a positive number, "
                             f"given {temperature!r}.")
        if temperature <= 0:
            raise ValueError(f"LogitsDistillation(temperature): expected a positive number, "
                             f"given {temperature!r}; 3 to 5 are usual.")
        self.temperature = temperature
        self.loss = _losses_of(loss, "LogitsDistillation")

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        """The sum over outputs of the loss between the scaled logits (see the class).

        Args:
            teacher_outputs: the teacher's logits, (batch, classes), or a structure of them.
            student_outputs: the student's, of the same structure.

        Returns:
            A scalar Tensor.
        """
        def one(loss, teacher, student):
            if loss is None:
                return ops.convert_to_tensor(0.0)
            teacher = ops.divide(teacher, self.temperature)
            student = ops.divide(student, self.temperature)
            if isinstance(loss, losses_module.KLDivergence):
                value = ops.mean(loss(ops.softmax(teacher, axis=-1),
                                      ops.softmax(student, axis=-1)))
                return value * (self.temperature ** 2)
            return ops.mean(loss(teacher, student))

        values = tree.map_structure(one, self.loss, teacher_outputs, student_outputs)
        return ops.sum(ops.stack(tree.flatten(values)))

    def get_config(self) -> dict:
        """``{"temperature", "loss"}``."""
        return {"temperature": self.temperature, "loss": _serialize(self.loss)}

    @classmethod
    def from_config(cls, config: dict):
        """The loss back from ``get_config``'s dict."""
        return cls(**{**config, "loss": _deserialize(config["loss"])})


@register_serializable(package="keras.distillation")
class FeatureDistillation(DistillationLoss):
    """Distills features: the loss between the output of a teacher's layer and a student's
    layer (the final outputs when no layer is named), averaged over the batch.

    Args:
        loss: a loss name, a Loss, a function, or a structure of them (None skips that
            output). Defaults to ``"mse"``.
        teacher_layer_name: the teacher's layer whose output is distilled; None for the
            model's output. Defaults to ``None``.
        student_layer_name: the student's layer that learns it; None for the model's output.
            Defaults to ``None``.

    Raises:
        ValueError: for only None losses; from ``validate_model_compatibility``, for a layer
            name on a subclassed model (its layers have no symbolic outputs) or a name the
            model lacks.

    Example:
        >>> loss = numnet.distillation.FeatureDistillation(
        ...     loss="mse", teacher_layer_name="hidden", student_layer_name="hidden")
        >>> float(loss.compute_loss(np.ones((2, 3)), np.zeros((2, 3))))
        1.0
    """

    def __init__(self, loss="mse", teacher_layer_name=None, student_layer_name=None):
        self.teacher_layer_name = teacher_layer_name
        self.student_layer_name = student_layer_name
        self.loss = _losses_of(loss, "FeatureDistillation")

    def validate_model_compatibility(self, teacher, student) -> None:
        """Check that a named layer exists in a Functional or Sequential model.

        Raises:
            ValueError: naming the model and the fix.
        """
        named = (("teacher", teacher, self.teacher_layer_name),
                 ("student", student, self.student_layer_name))
        if self.teacher_layer_name is not None or self.student_layer_name is not None:
            subclassed = [role for role, model, _ in named if symbolic(model, "inputs") is None]
            if subclassed:
                raise ValueError(
                    f"FeatureDistillation with layer names needs Functional or Sequential "
                    f"models; the {' and '.join(subclassed)} model has no symbolic inputs "
                    f"(subclassed). Use Functional or Sequential models, leave the layer "
                    f"names out to distill the final outputs, or use LogitsDistillation.")
        for role, model, name in named:
            if name is not None:
                try:
                    model.get_layer(name=name)
                except ValueError as err:
                    raise ValueError(f"FeatureDistillation({role}_layer_name={name!r}): in "
                                     f"the {role} model: {err}") from None

    def validate_outputs(self, teacher_outputs, student_outputs) -> None:
        """Check that both features and the loss have one structure.

        Raises:
            ValueError: when they differ.
        """
        super().validate_outputs(teacher_outputs, student_outputs)
        try:
            tree.assert_same_structure(self.loss, teacher_outputs)
        except (ValueError, TypeError) as err:
            raise ValueError(f"FeatureDistillation(loss): the losses {self.loss!r} do not "
                             f"match the structure of the features ({err}).") from None

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        """The sum over features of the mean loss between teacher's and student's.

        Returns:
            A scalar Tensor.
        """
        def one(loss, teacher, student):
            if loss is None:
                return ops.convert_to_tensor(0.0)
            return ops.mean(loss(teacher, student))

        values = tree.map_structure(one, self.loss, teacher_outputs, student_outputs)
        return ops.sum(ops.stack(tree.flatten(values)))

    def get_config(self) -> dict:
        """``{"loss", "teacher_layer_name", "student_layer_name"}``."""
        return {"loss": _serialize(self.loss), "teacher_layer_name": self.teacher_layer_name,
                "student_layer_name": self.student_layer_name}

    @classmethod
    def from_config(cls, config: dict):
        """The loss back from ``get_config``'s dict."""
        return cls(**{**config, "loss": _deserialize(config["loss"])})


__all__ = ["DistillationLoss", "FeatureDistillation", "LogitsDistillation"]
