"""Knowledge distillation: a Distiller model whose compile() takes the student loss, the
distillation loss, alpha and the temperature; its train_step runs the teacher (frozen, in
inference mode) and the student, and updates only the student.

The student is smaller than the teacher and learns from both the labels and the teacher's
softened predictions.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops


class Distiller(keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.teacher = teacher
        self.student = student
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.student_loss_tracker = keras.metrics.Mean(name="student_loss")
        self.accuracy_tracker = keras.metrics.SparseCategoricalAccuracy(name="accuracy")

    def compile(self, optimizer, student_loss_fn, distillation_loss_fn, alpha=0.1,
                temperature=3):
        super().compile(optimizer=optimizer)
        self.student_loss_fn = student_loss_fn
        self.distillation_loss_fn = distillation_loss_fn
        self.alpha = alpha
        self.temperature = temperature

    @property
    def metrics(self):
        return [self.loss_tracker, self.student_loss_tracker, self.accuracy_tracker]

    def train_step(self, data):
        x, y = data
        teacher_predictions = self.teacher(x, training=False)
        with tf.GradientTape() as tape:
            student_predictions = self.student(x, training=True)
            student_loss = self.student_loss_fn(y, student_predictions)
            distillation_loss = self.distillation_loss_fn(
                ops.softmax(teacher_predictions / self.temperature, axis=1),
                ops.softmax(student_predictions / self.temperature, axis=1),
            ) * (self.temperature**2)
            loss = self.alpha * student_loss + (1 - self.alpha) * distillation_loss
        trainable_vars = self.student.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.loss_tracker.update_state(loss)
        self.student_loss_tracker.update_state(student_loss)
        self.accuracy_tracker.update_state(y, student_predictions)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_prediction = self.student(x, training=False)
        self.student_loss_tracker.update_state(self.student_loss_fn(y, y_prediction))
        self.accuracy_tracker.update_state(y, y_prediction)
        return {"student_loss": self.student_loss_tracker.result(),
                "accuracy": self.accuracy_tracker.result()}

    def call(self, x):
        return self.student(x)


keras.utils.set_random_seed(19)
rng = np.random.default_rng(19)
num_classes = 4
x = rng.uniform(-1.0, 1.0, (2000, 2)).astype("float32")
angle = np.arctan2(x[:, 1], x[:, 0]) + 1.0 * np.hypot(x[:, 0], x[:, 1])
y = (np.floor((angle + np.pi) / (2 * np.pi) * num_classes) % num_classes).astype("int32")
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

teacher = keras.Sequential(
    [keras.Input(shape=(2,)), layers.Dense(64, activation="relu"),
     layers.Dense(64, activation="relu"), layers.Dense(num_classes)],
    name="teacher",
)
student = keras.Sequential(
    [keras.Input(shape=(2,)), layers.Dense(32, activation="relu"),
     layers.Dense(num_classes)],
    name="student",
)

teacher.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=[keras.metrics.SparseCategoricalAccuracy()])
teacher.fit(x_train, y_train, batch_size=32, epochs=12, verbose=0)
_, teacher_accuracy = teacher.evaluate(x_test, y_test, verbose=0)

teacher_weights = [w.copy() for w in teacher.get_weights()]
distiller = Distiller(student=student, teacher=teacher)
distiller.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    distillation_loss_fn=keras.losses.KLDivergence(),
    alpha=0.1,
    temperature=3,
)
history = distiller.fit(x_train, y_train, batch_size=32, epochs=12, verbose=0)
results = distiller.evaluate(x_test, y_test, verbose=0, return_dict=True)
teacher_change = max(float(np.max(np.abs(a - b)))
                     for a, b in zip(teacher_weights, teacher.get_weights()))

RESULT = {
    "teacher_accuracy": float(teacher_accuracy),
    "student_accuracy": float(results["accuracy"]),
    "teacher_change": teacher_change,
    "loss_ratio": history.history["loss"][-1] / history.history["loss"][0],
}
print(RESULT)
