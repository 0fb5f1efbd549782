"""``keras.distillation.Distiller``: a Model that trains a student on the labels and on what a
frozen teacher outputs (knowledge distillation)."""

from __future__ import annotations

from .. import metrics as metrics_module
from .. import ops, tree
from ..models.model import Model
from ..models.sequential import Sequential
from ..registry import register_serializable
from .losses import DistillationLoss, loss_function, symbolic


def _shapes_agree(teacher, student, what: str) -> None:
    for t, s in zip(tree.flatten(teacher), tree.flatten(student)):
        t_shape, s_shape = tuple(t.shape), tuple(s.shape)
        if len(t_shape) != len(s_shape) or any(
                a is not None and b is not None and a != b for a, b in zip(t_shape, s_shape)):
            raise ValueError(f"Distiller(teacher, student): the teacher's {what} shape "
                             f"{t_shape} and the student's {s_shape} differ; both models must "
                             f"take the same inputs and give outputs of one shape.")
        if str(t.dtype) != str(s.dtype):
            raise ValueError(f"Distiller(teacher, student): the teacher's {what} dtype "
                             f"{t.dtype} and the student's {s.dtype} differ.")


@register_serializable(package="keras.distillation")
class Distiller(Model):
    """Trains ``student`` to fit both the labels and a frozen ``teacher``.

    Each step the loss is ``student_loss_weight * student_loss + (1 - student_loss_weight) *
    distillation_loss``: the student loss is the loss given to ``compile`` on the labels and
    the student's outputs (a loss name gives Keras's loss *function*, averaged over the
    batch); the distillation loss is the weighted sum of the ``distillation_losses`` between
    the teacher's outputs (or named layers' outputs) and the student's. The teacher is set
    to ``trainable = False`` and runs with ``training=False``; only the student's weights are
    trained. ``fit`` logs ``loss`` (the total) with ``student_loss``, ``distillation_loss``
    and ``total_loss``, and the compiled metrics of the student's outputs; calling the
    distiller is calling the student.

    Args:
        teacher: a Model, trained.
        student: a Model of the same input and output shapes and dtypes.
        distillation_losses: a DistillationLoss (``LogitsDistillation``,
            ``FeatureDistillation`` or one's own) or a list of them.
        distillation_loss_weights: one weight per distillation loss; None for 1.0 each.
            Defaults to ``None``.
        student_loss_weight: the weight of the student loss in [0, 1]; 1 - it weighs the
            distillation loss. Defaults to 0.5.
        name: the model's name. Defaults to ``"distiller"``.

    Raises:
        ValueError: for a teacher or student that is not a Model, shapes or dtypes that
            differ, no distillation loss, weights that do not pair with the losses, a
            ``student_loss_weight`` outside [0, 1], or a named layer that cannot be found.

    Example:
        >>> def mlp(width):
        ...     return numnet.Sequential([numnet.Input((4,)),
        ...                               numnet.layers.Dense(width, activation="relu"),
        ...                               numnet.layers.Dense(3)])
        >>> distiller = numnet.distillation.Distiller(
        ...     teacher=mlp(32), student=mlp(4),
        ...     distillation_losses=numnet.distillation.LogitsDistillation(temperature=3.0),
        ...     student_loss_weight=0.3)
        >>> distiller.compile("adam", loss="sparse_categorical_crossentropy")
        >>> x, y = np.zeros((8, 4), "float32"), np.zeros(8, "int32")
        >>> sorted(distiller.fit(x, y, epochs=1, verbose=0).history)
        ['distillation_loss', 'loss', 'student_loss', 'total_loss']
    """

    def __init__(self, teacher, student, distillation_losses, distillation_loss_weights=None,
                 student_loss_weight=0.5, name="distiller", **kwargs):
        super().__init__(name=name, **kwargs)
        for role, model in (("teacher", teacher), ("student", student)):
            if not isinstance(model, Model):
                raise ValueError(f"Distiller({role}): expected a numnet Model, given "
                                 f"{type(model).__name__}.")
        for what in ("inputs", "outputs"):
            ours, theirs = symbolic(teacher, what), symbolic(student, what)
            if ours is not None and theirs is not None:
                _shapes_agree(ours, theirs, what[:-1])
        self.teacher = teacher
        self.student = student
        if isinstance(student_loss_weight, bool) or not isinstance(
                student_loss_weight, (int, float)) or not 0.0 <= student_loss_weight <= 1.0:
            raise ValueError(f"Distiller(student_loss_weight): expected a number in [0, 1], "
                             f"given {student_loss_weight!r}.")
        self.student_loss_weight = student_loss_weight
        if distillation_losses is None:
            raise ValueError("Distiller(distillation_losses): expected a distillation loss "
                             "(LogitsDistillation, FeatureDistillation) or a list of them, "
                             "given None.")
        if not isinstance(distillation_losses, (list, tuple)):
            distillation_losses, distillation_loss_weights = [distillation_losses], [1.0]
        elif distillation_loss_weights is None:
            distillation_loss_weights = [1.0] * len(distillation_losses)
        elif len(distillation_loss_weights) != len(distillation_losses):
            raise ValueError(f"Distiller(distillation_loss_weights): expected one weight per "
                             f"distillation loss ({len(distillation_losses)}), given "
                             f"{len(distillation_loss_weights)}.")
        for loss in distillation_losses:
            if not isinstance(loss, DistillationLoss):
                raise ValueError(f"Distiller(distillation_losses): expected DistillationLoss "
                                 f"objects, given {type(loss).__name__}.")
            loss.validate_model_compatibility(teacher, student)
        self.distillation_losses = list(distillation_losses)
        self.distillation_loss_weights = list(distillation_loss_weights)
        self._teacher_features = self._extractor(teacher, "teacher_layer_name")
        self._student_features = self._extractor(student, "student_layer_name")
        teacher.trainable = False
        self.student_loss_tracker = metrics_module.Mean(name="student_loss")
        self.distillation_loss_tracker = metrics_module.Mean(name="distillation_loss")
        self.total_loss_tracker = metrics_module.Mean(name="total_loss")

    def _extractor(self, model, attribute: str):
        """A Model giving {"final_output", <layer name>: its output} in one pass, or None when
        no distillation loss names a layer of ``model``."""
        names = []
        for loss in self.distillation_losses:
            name = getattr(loss, attribute, None)
            if name and name not in names:
                names.append(name)
        if not names:
            return None
        final = model.layers[-1].output if isinstance(model, Sequential) else model.output
        outputs = {"final_output": final}
        outputs.update({name: model.get_layer(name=name).output for name in names})
        return Model(inputs=model.inputs, outputs=outputs,
                     name=f"{model.name}_multi_feature_extractor")

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """Compile the distiller: ``loss`` is the student loss, on the labels.

        Args:
            optimizer: the optimizer of the student's weights. Defaults to ``"adam"``.
            loss: a loss name, a Loss or a function (or a structure of them for several
                outputs); required.
            metrics: a list of metrics of the student's outputs, or None. Defaults to
                ``None``.
            **kwargs: the other arguments of ``Model.compile``.

        Raises:
            ValueError: for no loss, or metrics not given as a list.
        """
        if loss is None:
            raise ValueError("Distiller.compile(loss): expected the student's loss on the "
                             "labels (e.g. 'sparse_categorical_crossentropy'), given None.")
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ValueError(f"Distiller.compile(metrics): expected a list, given "
                             f"{type(metrics).__name__}.")
        self._student_loss = tree.map_structure(loss_function, loss)
        super().compile(optimizer=optimizer, loss=None, metrics=metrics, **kwargs)

    def call(self, inputs, training=None, **kwargs):
        """The student's outputs."""
        return self.student(inputs, training=training, **kwargs)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The weighted sum of the student loss and the distillation loss (see the class);
        updates the three loss trackers."""
        if y_pred is None:
            y_pred = self(x, training=training)
        student_loss = 0.0
        if self.student_loss_weight > 0.0 and y is not None:
            values = tree.flatten(tree.map_structure(lambda loss, target, output:
                                                     loss(target, output),
                                                     self._student_loss, y, y_pred))
            student_loss = ops.sum(ops.stack(values)) if len(values) > 1 else values[0]
            if len(getattr(student_loss, "shape", ())) > 0:
                student_loss = ops.mean(student_loss)
        distillation_loss = 0.0
        if self.student_loss_weight < 1.0:
            teacher = (self._teacher_features(x, training=False)
                       if self._teacher_features is not None
                       else {"final_output": self.teacher(x, training=False)})
            student = (self._student_features(x, training=True)
                       if self._student_features is not None else {"final_output": y_pred})
            for loss, weight in zip(self.distillation_losses, self.distillation_loss_weights):
                if getattr(loss, "teacher_layer_name", None) is not None:
                    ours = teacher[loss.teacher_layer_name]
                    theirs = student[getattr(loss, "student_layer_name", None)
                                     or "final_output"]
                else:
                    ours, theirs = teacher["final_output"], y_pred
                loss.validate_outputs(ours, theirs)
                value = loss.compute_loss(ours, theirs)
                if len(getattr(value, "shape", ())) > 0:
                    raise ValueError(f"Distiller: {type(loss).__name__}.compute_loss returned "
                                     f"a loss of shape {tuple(value.shape)}; it must return a "
                                     "scalar.")
                distillation_loss = ops.add(distillation_loss, ops.multiply(weight, value))
        total = ops.add(ops.multiply(self.student_loss_weight, student_loss),
                        ops.multiply(1.0 - self.student_loss_weight, distillation_loss))
        self.student_loss_tracker.update_state(student_loss)
        self.distillation_loss_tracker.update_state(distillation_loss)
        self.total_loss_tracker.update_state(total)
        return total

    def reset_metrics(self) -> None:
        """Reset the compiled metrics and the three loss trackers."""
        super().reset_metrics()
        for tracker in (self.student_loss_tracker, self.distillation_loss_tracker,
                        self.total_loss_tracker):
            tracker.reset_state()
