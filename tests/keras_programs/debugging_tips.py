"""The Keras recipe "Keras debugging tips" (keras_recipes/debugging_tips.py), on synthetic data.

As the recipe: a custom layer (an antirectifier) tested on its own before any fit: its buggy
version concatenates on the batch axis, so tf.matmul refuses the shapes
(tf.errors.InvalidArgumentError), and the prints of .shape inside call show why; a model of
three inputs and two outputs (Embedding, LSTM, layers.concatenate) checked with summary(); a
Model subclass whose train_step takes first- and second-order gradients with two nested
tf.GradientTape (the second-order one of the list of first-order gradients), combines them
(then after tf.math.l2_normalize of each), computes the loss with self.compiled_loss and updates
self.compiled_metrics, as tf.keras 2 wrote it (Keras 3 keeps both on TensorFlow, deprecated),
run with run_eagerly=True and steps_per_epoch to print each step, then with an
InverseTimeDecay schedule. The weights start from a NumPy draw and batches are unshuffled, so
the weights follow TensorFlow's to float32 rounding (evaluate's losses and the accuracies
compare). The "loss" such a step logs differs: numnet's compiled_loss feeds the loss tracker,
as tf.keras 2's did; Keras 3's shim leaves it out, and its compiled_metrics then updates every
Mean in model.metrics, the loss tracker too, with the predictions (0.1 for ten softmax
outputs), so those entries are numnet's own.
"""

import numpy as np
from numnet.keras import layers

import numnet as keras
import numnet as tf

RESULT = {}


class MyAntirectifier(layers.Layer):
    def build(self, input_shape):
        output_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(output_dim * 2, output_dim),
            initializer="he_normal",
            name="kernel",
            trainable=True,
        )

    def call(self, inputs):
        pos = tf.nn.relu(inputs)
        neg = tf.nn.relu(-inputs)
        concatenated = tf.concat([pos, neg], axis=0)
        return tf.matmul(concatenated, self.kernel)


x = tf.random.normal(shape=(2, 5))
try:
    y = MyAntirectifier()(x)
    RESULT["bug_caught"] = 0.0
except tf.errors.InvalidArgumentError as error:
    print("InvalidArgumentError:", error)
    RESULT["bug_caught"] = 1.0

shapes = {}


class MyAntirectifier(layers.Layer):
    def build(self, input_shape):
        output_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(output_dim * 2, output_dim),
            initializer="he_normal",
            name="kernel",
            trainable=True,
        )

    def call(self, inputs):
        pos = tf.nn.relu(inputs)
        neg = tf.nn.relu(-inputs)
        print("pos.shape:", pos.shape)
        print("neg.shape:", neg.shape)
        concatenated = tf.concat([pos, neg], axis=1)
        print("concatenated.shape:", concatenated.shape)
        print("kernel.shape:", self.kernel.shape)
        shapes.update(concatenated=tuple(concatenated.shape), kernel=tuple(self.kernel.shape))
        return tf.matmul(concatenated, self.kernel)


x = tf.random.normal(shape=(2, 5))
y = MyAntirectifier()(x)
RESULT["fixed_output_shape_sum"] = float(sum(y.shape))
RESULT["printed_shapes_sum"] = float(sum(shapes["concatenated"]) + sum(shapes["kernel"]))

# Tip 2: summary of a model of three inputs and two outputs.
num_tags = 12
num_words = 1000
num_departments = 4

title_input = keras.Input(shape=(None,), name="title")
body_input = keras.Input(shape=(None,), name="body")
tags_input = keras.Input(shape=(num_tags,), name="tags")
title_features = layers.Embedding(num_words, 16)(title_input)
body_features = layers.Embedding(num_words, 16)(body_input)
title_features = layers.LSTM(32)(title_features)
body_features = layers.LSTM(8)(body_features)
x = layers.concatenate([title_features, body_features, tags_input])
priority_pred = layers.Dense(1, name="priority")(x)
department_pred = layers.Dense(num_departments, name="department")(x)
model = keras.Model(
    inputs=[title_input, body_input, tags_input],
    outputs=[priority_pred, department_pred],
)
model.summary()
RESULT["multi_io_params"] = float(model.count_params())
RESULT["concatenated_width"] = float(x.shape[-1])

# Tip 3: a train_step of first- and second-order gradients, debugged with run_eagerly=True.
rng = np.random.default_rng(9)
x_train = rng.uniform(0, 1, (600, 64)).astype("float32")
centres = rng.normal(0, 1, (10, 64)).astype("float32")
y_train = np.argmax((x_train - 0.5) @ centres.T + rng.normal(0, 0.3, (600, 10)), axis=1)
start = None


class MyModel(keras.Model):
    def train_step(self, data):
        inputs, targets = data
        trainable_vars = self.trainable_variables
        with tf.GradientTape() as tape2:
            with tf.GradientTape() as tape1:
                preds = self(inputs, training=True)
                loss = self.compiled_loss(targets, preds)
            dl_dw = tape1.gradient(loss, trainable_vars)
        d2l_dw2 = tape2.gradient(dl_dw, trainable_vars)

        grads = [0.5 * w1 + 0.5 * w2 for (w1, w2) in zip(d2l_dw2, dl_dw)]
        self.optimizer.apply_gradients(zip(grads, trainable_vars))
        self.compiled_metrics.update_state(targets, preds)
        return {m.name: m.result() for m in self.metrics}


def get_model():
    global start
    inputs = keras.Input(shape=(64,))
    intermediate = layers.Dense(32, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(intermediate)
    model = MyModel(inputs, outputs)
    if start is None:
        start = [rng.normal(0, 0.2, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(start)
    return model


def run(tag, epochs, batch_size, optimizer, **compile_kwargs):
    model = get_model()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], **compile_kwargs)
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                        validation_split=0.1, shuffle=False, verbose=0)
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"{tag}_loss_{epoch}"] = float(value)
    RESULT[f"{tag}_accuracy"] = float(history.history["accuracy"][-1])
    RESULT[f"{tag}_val_accuracy"] = float(history.history["val_accuracy"][-1])
    RESULT[f"{tag}_eval_loss"] = float(model.evaluate(x_train, y_train, verbose=0)[0])
    return model


run("plain", 3, 128, keras.optimizers.SGD(learning_rate=1e-2))

steps = []


class MyModel(keras.Model):  # noqa: F811
    def train_step(self, data):
        print()
        print(f"----Start of step: {self.step_counter}")
        self.step_counter += 1

        inputs, targets = data
        trainable_vars = self.trainable_variables
        with tf.GradientTape() as tape2:
            with tf.GradientTape() as tape1:
                preds = self(inputs, training=True)
                loss = self.compiled_loss(targets, preds)
            dl_dw = tape1.gradient(loss, trainable_vars)
        d2l_dw2 = tape2.gradient(dl_dw, trainable_vars)

        print(f"Max of dl_dw[0]: {float(tf.reduce_max(dl_dw[0])):.4f}")
        print(f"Min of dl_dw[0]: {float(tf.reduce_min(dl_dw[0])):.4f}")
        print(f"Mean of dl_dw[0]: {float(tf.reduce_mean(dl_dw[0])):.4f}")
        print("-")
        print(f"Max of d2l_dw2[0]: {float(tf.reduce_max(d2l_dw2[0])):.4f}")
        print(f"Min of d2l_dw2[0]: {float(tf.reduce_min(d2l_dw2[0])):.4f}")
        print(f"Mean of d2l_dw2[0]: {float(tf.reduce_mean(d2l_dw2[0])):.4f}")
        steps.append([float(tf.reduce_max(dl_dw[0])), float(tf.reduce_mean(d2l_dw2[0])),
                      float(tf.reduce_mean(d2l_dw2[-1]))])

        grads = [0.5 * w1 + 0.5 * w2 for (w1, w2) in zip(d2l_dw2, dl_dw)]
        self.optimizer.apply_gradients(zip(grads, trainable_vars))
        self.compiled_metrics.update_state(targets, preds)
        return {m.name: m.result() for m in self.metrics}


model = get_model()
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=1e-2),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
    run_eagerly=True,
)
model.step_counter = 0
model.fit(x_train, y_train, epochs=1, batch_size=128, verbose=0, steps_per_epoch=3,
          shuffle=False)
RESULT["eager_steps"] = float(model.step_counter)
RESULT["first_max_dl_dw"] = steps[0][0]
RESULT["first_mean_d2l_dw2"] = steps[0][1]
RESULT["first_mean_d2l_db2"] = steps[0][2]
RESULT["last_mean_d2l_dw2"] = steps[-1][1]


class MyModel(keras.Model):  # noqa: F811
    def train_step(self, data):
        inputs, targets = data
        trainable_vars = self.trainable_variables
        with tf.GradientTape() as tape2:
            with tf.GradientTape() as tape1:
                preds = self(inputs, training=True)
                loss = self.compiled_loss(targets, preds)
            dl_dw = tape1.gradient(loss, trainable_vars)
        d2l_dw2 = tape2.gradient(dl_dw, trainable_vars)

        dl_dw = [tf.math.l2_normalize(w) for w in dl_dw]
        d2l_dw2 = [tf.math.l2_normalize(w) for w in d2l_dw2]

        grads = [0.2 * w1 + 0.8 * w2 for (w1, w2) in zip(d2l_dw2, dl_dw)]
        self.optimizer.apply_gradients(zip(grads, trainable_vars))
        self.compiled_metrics.update_state(targets, preds)
        return {m.name: m.result() for m in self.metrics}


lr = learning_rate = keras.optimizers.schedules.InverseTimeDecay(
    initial_learning_rate=0.1, decay_steps=25, decay_rate=0.1
)
model = run("normalized", 6, 128, keras.optimizers.SGD(lr))
RESULT["final_rate"] = float(model.optimizer.learning_rate)
print(RESULT)
