"""The guide "Customizing what happens in fit()" (its TensorFlow version), the parts the other
programs do not show: train_step unpacking sample weights and passing them to compute_loss
and to the metrics; a test_step of one's own for evaluate(); a predict_step of one's own for
predict(); and, from "Writing a training loop from scratch", a loop that adds the model's
losses (add_loss) to the loss and updates by optimizer.apply(grads, variables).

The weights start from a fixed NumPy draw and batches are not shuffled, so the custom
train_step must give the losses of the built-in fit() with the same sample weights (and, as
Keras's compiled metrics give the sample weights only to weighted_metrics, the same
unweighted "mae"), the custom test_step those of the built-in evaluate(), and the loop the
updates of fit().
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

keras.utils.set_random_seed(47)
rng = np.random.default_rng(47)
RESULT = {}
x = rng.normal(size=(256, 8)).astype("float32")
y = (x[:, :1] * 2.0 - x[:, 1:2] + 0.1 * rng.normal(size=(256, 1))).astype("float32")
sw = rng.uniform(0.2, 2.0, size=(256,)).astype("float32")


class CustomModel(keras.Model):
    def train_step(self, data):
        # Unpack the data. Its structure depends on your model and
        # on what you pass to `fit()`.
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data

        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # Forward pass
            # Compute the loss value.
            # The loss function is configured in `compile()`.
            loss = self.compute_loss(
                y=y,
                y_pred=y_pred,
                sample_weight=sample_weight,
            )

        # Compute gradients
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)

        # Update weights
        self.optimizer.apply(gradients, trainable_vars)

        # Update the metrics.
        # Metrics are configured in `compile()`.
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)

        # Return a dict mapping metric names to current value.
        # Note that it will include the loss (tracked in self.metrics).
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        # Unpack the data
        x, y = data
        # Compute predictions
        y_pred = self(x, training=False)
        # Updates the metrics tracking the loss
        loss = self.compute_loss(y=y, y_pred=y_pred)
        # Update the metrics.
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        # Return a dict mapping metric names to current value.
        # Note that it will include the loss (tracked in self.metrics).
        return {m.name: m.result() for m in self.metrics}

    def predict_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        return {"prediction": self(x, training=False), "doubled": 2.0 * self(x, training=False)}


def build(model_class):
    inputs = keras.Input(shape=(8,))
    hidden = layers.Dense(16, activation="relu")(inputs)
    outputs = layers.Dense(1)(hidden)
    model = model_class(inputs, outputs)
    draw = np.random.default_rng(3)
    model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.02), loss="mse",
                  metrics=["mae"])
    return model


custom = build(CustomModel)
builtin = build(keras.Model)
custom_history = custom.fit(x, y, sample_weight=sw, batch_size=32, epochs=3, shuffle=False,
                            verbose=0)
builtin_history = builtin.fit(x, y, sample_weight=sw, batch_size=32, epochs=3, shuffle=False,
                              verbose=0)
for epoch in range(3):
    RESULT[f"custom_loss_{epoch}"] = float(custom_history.history["loss"][epoch])
RESULT["train_step_gap"] = float(max(
    abs(a - b) for key in ("loss", "mae")
    for a, b in zip(custom_history.history[key], builtin_history.history[key])))
RESULT["weights_gap"] = float(max(np.abs(a - b).max() for a, b in
                                  zip(custom.get_weights(), builtin.get_weights())))
custom_eval = custom.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
unweighted = build(keras.Model)
unweighted.set_weights(custom.get_weights())
builtin_eval = unweighted.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
RESULT["test_step_gap"] = float(max(abs(custom_eval[k] - builtin_eval[k]) for k in builtin_eval))
RESULT["eval_keys"] = float(sorted(custom_eval) == ["loss", "mae"])
predicted = custom.predict(x, batch_size=64, verbose=0)
RESULT["predict_step_gap"] = float(np.max(np.abs(predicted["doubled"]
                                                 - 2.0 * builtin.predict(x, verbose=0))))

# A loop from scratch: the Dense's kernel_regularizer shows in model.losses.
model = keras.Sequential([keras.Input(shape=(8,)),
                          layers.Dense(16, activation="relu",
                                       kernel_regularizer=keras.regularizers.l2(1e-3)),
                          layers.Dense(1)])
draw = np.random.default_rng(3)
initial = [draw.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()]
model.set_weights(initial)
optimizer = keras.optimizers.SGD(learning_rate=0.02)
loss_fn = keras.losses.MeanSquaredError()
train_metric = keras.metrics.MeanAbsoluteError()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        predictions = model(x, training=True)
        loss_value = loss_fn(y, predictions)
        # Add any extra losses created during the forward pass.
        loss_value += sum(model.losses)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply(grads, model.trainable_weights)
    train_metric.update_state(y, predictions)
    return loss_value


loop_maes = []
for _epoch in range(2):
    for start in range(0, 256, 32):
        train_step(x[start:start + 32], y[start:start + 32])
    loop_maes.append(float(train_metric.result()))
    train_metric.reset_state()
reference = keras.Sequential([keras.Input(shape=(8,)),
                              layers.Dense(16, activation="relu",
                                           kernel_regularizer=keras.regularizers.l2(1e-3)),
                              layers.Dense(1)])
reference.set_weights(initial)
reference.compile(optimizer=keras.optimizers.SGD(learning_rate=0.02), loss="mse",
                  metrics=["mae"])
reference_history = reference.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
RESULT["loop_weights_gap"] = float(max(np.abs(a - b).max() for a, b in
                                       zip(model.get_weights(), reference.get_weights())))
RESULT["loop_mae_gap"] = float(max(abs(a - b) for a, b in
                                   zip(loop_maes, reference_history.history["mae"])))
RESULT["loop_losses"] = float(len(model.losses))
RESULT["optimizer_iterations"] = float(ops.convert_to_numpy(optimizer.iterations))
print(RESULT)
