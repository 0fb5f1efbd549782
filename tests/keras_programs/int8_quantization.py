"""Post-training quantization, as the keras.io guides "8-bit Integer Quantization in Keras" and
"INT4 Quantization in Keras" write it: a small functional model is trained briefly, its outputs
are kept, model.quantize("int8") rewrites its Dense layers in place (int8 kernels with one scale
per output unit; each input row quantized at each call), and the outputs are compared by MSE;
the quantized model goes through model.save and keras.saving.load_model. Then the INT4 guide:
a fresh model quantized to int4 (Keras 3's default: groups of 128 input rows with a scale and
a zero point each, packed two values to a byte) and saved the same way. Last, a quantized model
still trains what it can: its biases (the int8 kernels are frozen).

The weights start from a fixed NumPy draw and batches are not shuffled, so the numbers are
Keras's to rounding.
"""

import os

import numpy as np

import numnet as keras
from numnet import layers

# Create a random number generator.
rng = np.random.default_rng(42)

# Create a simple functional model.
inputs = keras.Input(shape=(10,))
x = layers.Dense(32, activation="relu")(inputs)
outputs = layers.Dense(1, name="target")(x)
model = keras.Model(inputs, outputs)
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])

# Compile and train briefly to materialize meaningful weights.
model.compile(optimizer="adam", loss="mse")
x_train = rng.random((256, 10)).astype("float32")
y_train = rng.random((256, 1)).astype("float32")
history = model.fit(x_train, y_train, epochs=1, batch_size=32, verbose=0, shuffle=False)

# Sample inputs for evaluation.
x_eval = rng.random((32, 10)).astype("float32")

# Baseline (FP) outputs.
y_fp32 = model(x_eval)
model.save("fp32.keras")

# Quantize the model in-place to INT8.
model.quantize("int8")

# INT8 outputs after quantization.
y_int8 = model(x_eval)

# Compute a simple MSE between FP and INT8 outputs.
mse = keras.ops.mean(keras.ops.square(y_fp32 - y_int8))
print("Full-Precision vs INT8 MSE:", float(mse))

dense = model.layers[1]
print("Policy:", dense.dtype_policy.name)
print("Weights:", [(w.name, str(w.dtype), tuple(w.shape)) for w in dense.weights])

# Save the quantized model and reload to verify round-trip.
model.save("int8.keras")
int8_reloaded = keras.saving.load_model("int8.keras")
y_int8_reloaded = int8_reloaded(x_eval)
roundtrip_mse = keras.ops.mean(keras.ops.square(y_int8 - y_int8_reloaded))
print("MSE (INT8 vs reloaded-INT8):", float(roundtrip_mse))

fp32_size = os.path.getsize("fp32.keras")
int8_size = os.path.getsize("int8.keras")
print(f"File sizes: FP32 {fp32_size} bytes, INT8 {int8_size} bytes")

# A quantized model fine-tunes what is not frozen: the biases.
trainable_after = len(model.trainable_weights)
kernel_before = np.array(dense.kernel)
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
tune = model.fit(x_train, y_train, epochs=2, batch_size=32, verbose=0, shuffle=False)
kernel_moved = float(np.abs(np.array(dense.kernel).astype("float32")
                            - kernel_before.astype("float32")).max())

# INT4: a fresh model, quantized without training first.
inputs = keras.Input(shape=(10,))
x = layers.Dense(32, activation="relu")(inputs)
outputs = layers.Dense(1, name="target")(x)
model4 = keras.Model(inputs, outputs)
model4.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                    for w in model4.get_weights()])

y4_fp32 = model4(x_eval)

# Quantize the model in-place to INT4.
model4.quantize("int4")

# Compare outputs (MSE).
y_int4 = model4(x_eval)
mse4 = keras.ops.mean(keras.ops.square(y4_fp32 - y_int4))
print("Full-Precision vs INT4 MSE:", float(mse4))
print("INT4 policy:", model4.layers[1].dtype_policy.name)

# Save the quantized model and reload to verify round-trip.
model4.save("int4.keras")
int4_reloaded = keras.saving.load_model("int4.keras")
y_int4_reloaded = int4_reloaded(x_eval)
roundtrip_mse4 = keras.ops.mean(keras.ops.square(y4_fp32 - y_int4_reloaded))
print("MSE (INT4 vs reloaded INT4):", float(roundtrip_mse4))
reloaded_gap4 = float(np.abs(np.array(y_int4_reloaded) - np.array(y_int4)).max())

RESULT = {
    "loss_0": float(history.history["loss"][0]),
    "int8_mse": float(mse),
    "int8_roundtrip_mse": float(roundtrip_mse),
    "int8_policy": float(dense.dtype_policy.name == "int8_from_float32"),
    "int8_kernel": float(str(dense.kernel.dtype) == "int8"),
    "int8_weights": float(len(dense.weights)),
    "int8_scale_size": float(np.prod(dense.kernel_scale.shape)),
    "int8_size_ratio": int8_size / fp32_size,
    "trainable_after": float(trainable_after),
    "tune_loss_0": float(tune.history["loss"][0]),
    "tune_loss_1": float(tune.history["loss"][1]),
    "kernel_moved": kernel_moved,
    "int4_mse": float(mse4),
    "int4_roundtrip_mse": float(roundtrip_mse4),
    "int4_reloaded_gap": reloaded_gap4,
    "int4_policy": float(model4.layers[1].dtype_policy.name == "int4/128_from_float32"),
    "int4_weights": float(len(model4.layers[1].weights)),
}
print(RESULT)
