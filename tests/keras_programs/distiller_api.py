"""Knowledge distillation with Keras's own Distiller (keras.distillation): a small student
learns from the labels and from a trained teacher's logits (KL divergence of the softened
probabilities at temperature 4, the squared error of the logits at temperature 2) and from one
of its hidden layers (FeatureDistillation by layer name), each distillation loss with its
weight. The teacher is frozen; fit logs the student, distillation and total losses.

The weights start from a fixed NumPy draw and batches are not shuffled, so the losses are
Keras's to rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(256, 6)).astype("float32")
y = (x[:, :3].sum(1) > 0).astype("int32") + (x[:, 3] > 0.5).astype("int32")


def mlp(width, name):
    return keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(width, activation="relu", name="hidden"),
            layers.Dense(8, activation="tanh", name="features"),
            layers.Dense(3, name="logits"),
        ],
        name=name,
    )


teacher = mlp(16, "teacher")
student = mlp(4, "student")
for model, seed in ((teacher, 1), (student, 2)):
    draw = np.random.default_rng(seed)
    model.set_weights([draw.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])

teacher.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=["accuracy"])
teacher_history = teacher.fit(x, y, epochs=6, batch_size=32, shuffle=False, verbose=0)
teacher_weights = [w.copy() for w in teacher.get_weights()]

distiller = keras.distillation.Distiller(
    teacher=teacher,
    student=student,
    distillation_losses=[
        keras.distillation.LogitsDistillation(temperature=4.0, loss=keras.losses.KLDivergence()),
        keras.distillation.FeatureDistillation(
            loss="mse", teacher_layer_name="features", student_layer_name="features"
        ),
        keras.distillation.LogitsDistillation(temperature=2.0, loss="mse"),
    ],
    distillation_loss_weights=[1.0, 0.5, 0.25],
    student_loss_weight=0.4,
)
distiller.compile(
    optimizer=keras.optimizers.SGD(0.02),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = distiller.fit(x, y, epochs=4, batch_size=32, shuffle=False, verbose=0)
scores = distiller.evaluate(x, y, verbose=0, return_dict=True)

RESULT = {f"teacher_loss_{i}": float(v) for i, v in enumerate(teacher_history.history["loss"])}
for key in ("loss", "student_loss", "distillation_loss", "total_loss", "accuracy"):
    RESULT.update({f"{key}_{i}": float(v) for i, v in enumerate(history.history[key])})
RESULT.update({f"eval_{key}": float(v) for key, v in scores.items()})
RESULT["teacher_frozen_gap"] = float(
    max(np.abs(a - b).max() for a, b in zip(teacher.get_weights(), teacher_weights))
)
RESULT["teacher_trainable"] = float(teacher.trainable)
RESULT["trained_weights"] = float(len(distiller.trainable_weights))
RESULT["call_is_student_gap"] = float(
    np.abs(distiller.predict(x[:8], verbose=0) - student.predict(x[:8], verbose=0)).max()
)
print(RESULT)
