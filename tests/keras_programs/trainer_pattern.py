"""The Keras recipe "Trainer pattern" (keras_recipes/trainer_pattern.py), in its Keras 3 form,
on small synthetic digit-like images in the place of MNIST.

A MyTrainer keras.Model holds the model it trains as ``self.model``, its own loss function and
accuracy metric (listed by a ``metrics`` property), and overrides train_step (a
tf.GradientTape over ``self.model(x, training=True)``, gradients of ``trainable_variables``
applied by ``self.optimizer``) and test_step; its call delegates to the wrapped model. One
trainer wraps a Sequential (Flatten with input_shape, Dense, Dropout), another a functional
model; they compile with only an optimizer (SGD and Adam) and fit with validation data. The
wrapped models start from NumPy draws, but Dropout draws its own masks in each framework, so
the accuracies and the exact parts are compared.
"""

import numpy as np

import numnet as keras
import numnet as tf

rng = np.random.default_rng(6)


def make_digits(n):
    labels = rng.integers(0, 10, n)
    yy, xx = np.mgrid[0:28, 0:28]
    images = []
    for label in labels:
        image = rng.uniform(0, 60, (28, 28))
        row, column = 3 + 2 * (label // 5), 3 + 4 * (label % 5)
        image[row * 2:row * 2 + 6, column:column + 4] += 190
        images.append(np.clip(image, 0, 255).astype("uint8"))
    return np.stack(images), labels.astype("uint8")


(x_train, y_train), (x_test, y_test) = make_digits(640), make_digits(160)
x_train, x_test = x_train / 255.0, x_test / 255.0


class MyTrainer(keras.Model):
    def __init__(self, model):
        super().__init__()
        self.model = model
        # Create loss and metrics here.
        self.loss_fn = keras.losses.SparseCategoricalCrossentropy()
        self.accuracy_metric = keras.metrics.SparseCategoricalAccuracy()

    @property
    def metrics(self):
        # List metrics here.
        return [self.accuracy_metric]

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self.model(x, training=True)  # Forward pass
            # Compute loss value
            loss = self.loss_fn(y, y_pred)

        # Compute gradients
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)

        # Update weights
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))

        # Update metrics
        for metric in self.metrics:
            metric.update_state(y, y_pred)

        # Return a dict mapping metric names to current value.
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data

        # Inference step
        y_pred = self.model(x, training=False)

        # Update metrics
        for metric in self.metrics:
            metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def call(self, x):
        # Equivalent to `call()` of the wrapped keras.Model
        x = self.model(x)
        return x


# A model defined using Sequential API
model_a = keras.models.Sequential(
    [
        keras.layers.Flatten(input_shape=(28, 28)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10, activation="softmax"),
    ]
)

# A model defined using Functional API
func_input = keras.Input(shape=(28, 28, 1))
x = keras.layers.Flatten(input_shape=(28, 28))(func_input)
x = keras.layers.Dense(128, activation="relu")(x)
x = keras.layers.Dropout(0.4)(x)
func_output = keras.layers.Dense(10, activation="softmax")(x)

model_b = keras.Model(func_input, func_output)

draw = np.random.default_rng(8)
for model in (model_a, model_b):
    model.set_weights([draw.normal(0.0, 0.05, w.shape).astype("float32")
                       for w in model.get_weights()])

trainer_1 = MyTrainer(model_a)
trainer_2 = MyTrainer(model_b)
RESULT = {"trainer_1_weights": float(len(trainer_1.trainable_variables)),
          "trainer_2_weights": float(len(trainer_2.trainable_variables)),
          "trainer_1_metrics": float(len(trainer_1.metrics))}

trainer_1.compile(optimizer=keras.optimizers.SGD(0.1))
history_1 = trainer_1.fit(
    x_train, y_train, epochs=4, batch_size=64, validation_data=(x_test, y_test), verbose=0
)

trainer_2.compile(optimizer=keras.optimizers.Adam(0.001))
history_2 = trainer_2.fit(
    x_train, y_train, epochs=4, batch_size=64, validation_data=(x_test, y_test), verbose=0
)

for name, history in (("trainer_1", history_1), ("trainer_2", history_2)):
    RESULT[f"{name}_history_keys"] = float(len(history.history))
    key = [k for k in history.history if not k.startswith("val_")][0]
    RESULT[f"{name}_train_accuracy"] = float(history.history[key][-1])
    RESULT[f"{name}_val_accuracy"] = float(history.history["val_" + key][-1])
    RESULT[f"{name}_first_accuracy"] = float(history.history[key][0])

# The trainer predicts through its call, the wrapped model's own weights trained
predictions = trainer_2.predict(x_test[:8], verbose=0)
RESULT["trainer_predict_gap"] = float(np.max(np.abs(
    predictions - model_b.predict(x_test[:8], verbose=0))))
score = trainer_2.evaluate(x_test, y_test, verbose=0)
RESULT["evaluate_is_scalar"] = float(np.ndim(score) == 0)
scores = trainer_2.evaluate(x_test, y_test, verbose=0, return_dict=True)
RESULT["evaluate_keys"] = float(len(scores))
RESULT["evaluate_accuracy"] = float(list(scores.values())[0])
RESULT["model_b_is_wrapped"] = float(trainer_2.model is model_b)
print(RESULT)
