"""After the Keras guide "Mixed precision": keras.mixed_precision.set_global_policy
("mixed_float16") before the model is built, so its layers compute in float16 and keep their
variables in float32; the output Activation("softmax", dtype="float32") gives float32
predictions; compile wraps the optimizer in a LossScaleOptimizer; the model trains with fit
and evaluates. Then the policy is set back to "float32" and a second model built under
mixed_bfloat16 per layer (dtype="mixed_bfloat16") is inspected.

The weights start from a fixed NumPy draw and batches are not shuffled, so the losses follow
Keras's in float16 arithmetic (the tolerance is float16's).
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(41)
n, features, num_classes = 512, 20, 4
centers = rng.normal(0.0, 1.0, (num_classes, features))
y_all = rng.integers(0, num_classes, n)
x_all = (centers[y_all] + rng.normal(0.0, 1.2, (n, features))).astype("float32")
x_train, y_train = x_all[:448], y_all[:448]
x_test, y_test = x_all[448:], y_all[448:]

keras.mixed_precision.set_global_policy("mixed_float16")

inputs = keras.Input(shape=(features,), name="digits")
num_units = 64
dense1 = layers.Dense(num_units, activation="relu", name="dense_1")
x = dense1(inputs)
dense2 = layers.Dense(num_units, activation="relu", name="dense_2")
x = dense2(x)

policy_name = dense1.dtype_policy.name
x_dtype = x.dtype if isinstance(x.dtype, str) else x.dtype.name
compute_dtype = dense1.compute_dtype
variable_dtype = dense1.variable_dtype
kernel_dtype = dense1.kernel.dtype if isinstance(dense1.kernel.dtype, str) else \
    dense1.kernel.dtype.name

x = layers.Dense(num_classes, name="dense_logits")(x)
outputs = layers.Activation("softmax", dtype="float32", name="predictions")(x)
outputs_dtype = outputs.dtype if isinstance(outputs.dtype, str) else outputs.dtype.name

model = keras.Model(inputs=inputs, outputs=outputs)
draw = np.random.default_rng(3)
model.set_weights([draw.normal(0.0, 0.25, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
model.compile(
    loss="sparse_categorical_crossentropy",
    optimizer=keras.optimizers.RMSprop(learning_rate=0.002),
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, batch_size=64, epochs=5, validation_split=0.25,
                    shuffle=False, verbose=0)
test_scores = model.evaluate(x_test, y_test, verbose=0)
predictions = model.predict(x_test, verbose=0)
is_loss_scale = type(model.optimizer).__name__ == "LossScaleOptimizer"

keras.mixed_precision.set_global_policy("float32")
after_reset = layers.Dense(2).dtype_policy.name

bf16 = layers.Dense(3, dtype="mixed_bfloat16")
bf16(np.ones((2, 5), "float32"))

RESULT = {
    "policy_is_mixed": float(policy_name == "mixed_float16"),
    "x_is_float16": float(x_dtype == "float16"),
    "compute_is_float16": float(compute_dtype == "float16"),
    "variables_are_float32": float(variable_dtype == "float32" and kernel_dtype == "float32"),
    "outputs_are_float32": float(outputs_dtype == "float32"),
    "predictions_are_float32": float(predictions.dtype == np.float32),
    "loss_scale_optimizer": float(is_loss_scale),
    "reset_to_float32": float(after_reset == "float32"),
    "bfloat16_compute": float(bf16.compute_dtype == "bfloat16"),
    "bfloat16_kernel_float32": float(str(bf16.kernel.dtype) == "float32"),
    "test_loss": float(test_scores[0]),
    "test_accuracy": float(test_scores[1]),
    "prediction_sum": float(np.sum(predictions[:, 0])),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
for epoch, value in enumerate(history.history["val_loss"]):
    RESULT[f"val_loss_{epoch}"] = float(value)
print(RESULT)
