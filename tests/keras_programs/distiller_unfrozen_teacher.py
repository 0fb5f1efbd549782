"""The distiller of compute_loss_override.py as the Keras 3 distillation example leaves it: the
teacher is not frozen. It is called with training=False, which switches off dropout and batch
statistics but not gradients, and the distillation loss depends on it, so fit trains the
teacher along with the student (the teacher is one of the distiller's trainable weights).

Teacher and student start from fixed NumPy draws and training is SGD on unshuffled batches, so
the loss per epoch is Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class Distiller(keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.teacher = teacher
        self.student = student

    def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha=0.1,
                temperature=3):
        super().compile(optimizer=optimizer, metrics=metrics)
        self.student_loss_fn = student_loss_fn
        self.distillation_loss_fn = distillation_loss_fn
        self.alpha = alpha
        self.temperature = temperature

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
        teacher_pred = self.teacher(x, training=False)
        student_loss = self.student_loss_fn(y, y_pred)
        distillation_loss = self.distillation_loss_fn(
            ops.softmax(teacher_pred / self.temperature, axis=1),
            ops.softmax(y_pred / self.temperature, axis=1),
        ) * (self.temperature**2)
        return self.alpha * student_loss + (1 - self.alpha) * distillation_loss

    def call(self, x):
        return self.student(x)


rng = np.random.default_rng(35)
x = rng.normal(size=(600, 6)).astype("float32")
y = np.argmax(x[:, :3] + 0.3 * x[:, 3:], axis=1).astype("int32")

teacher = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(32, activation="relu"),
                            layers.Dense(3)], name="teacher")
student = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(8, activation="relu"),
                            layers.Dense(3)], name="student")
for network in (teacher, student):
    network.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32")
                         for w in network.get_weights()])

teacher.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=["accuracy"])
teacher.fit(x[:500], y[:500], batch_size=50, epochs=5, shuffle=False, verbose=0)
_, teacher_accuracy = teacher.evaluate(x[500:], y[500:], verbose=0)
teacher_weights = [w.copy() for w in teacher.get_weights()]

distiller = Distiller(student=student, teacher=teacher)
distiller.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    distillation_loss_fn=keras.losses.KLDivergence(),
    alpha=0.1,
    temperature=3,
)
history = distiller.fit(x[:500], y[:500], batch_size=50, epochs=5, shuffle=False, verbose=0)
results = distiller.evaluate(x[500:], y[500:], verbose=0, return_dict=True)
teacher_change = max(float(np.max(np.abs(a - b)))
                     for a, b in zip(teacher_weights, teacher.get_weights()))

RESULT = {
    "teacher_accuracy": float(teacher_accuracy),
    "student_accuracy": float(results["accuracy"]),
    "teacher_change": teacher_change,
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
