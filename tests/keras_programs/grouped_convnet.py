"""A small ResNeXt-style image classifier: its bottleneck block's 3x3 convolution is grouped
(Conv2D(groups=4): each quarter of the channels has its own filters), joined to the block's
input by add(). Trained by fit on synthetic images whose class is the quadrant holding a
bright square.

Weights start from a fixed NumPy draw and batches are not shuffled, so the losses are Keras's
to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(83)
rng = np.random.default_rng(83)
n, size = 256, 12
images = rng.normal(0.0, 0.3, size=(n, size, size, 3)).astype("float32")
labels = rng.integers(0, 4, size=n)
for i, label in enumerate(labels):
    row, col = divmod(int(label), 2)
    images[i, row * 6 + 1:row * 6 + 5, col * 6 + 1:col * 6 + 5] += 1.5

inputs = keras.Input(shape=(size, size, 3))
x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
shortcut = x
x = layers.Conv2D(8, 1, activation="relu")(x)
x = layers.Conv2D(8, 3, padding="same", groups=4, activation="relu")(x)
x = layers.Conv2D(16, 1)(x)
x = layers.add([x, shortcut])
x = layers.Activation("relu")(x)
x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(16, 3, strides=2, groups=2, activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(4)(x)
model = keras.Model(inputs, outputs)
model.set_weights([rng.normal(0.0, 0.2, w.shape).astype("float32")
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(images, labels, batch_size=32, epochs=5, shuffle=False, verbose=0)

RESULT = {f"loss_{epoch}": float(value) for epoch, value in enumerate(history.history["loss"])}
RESULT["accuracy"] = float(history.history["accuracy"][-1])
RESULT["params"] = float(model.count_params())
# the grouped kernels see 8 / 4 and 16 / 2 channels each
RESULT["grouped_kernel_depths"] = float(sum(layer.kernel.shape[2] for layer in model.layers
                                            if getattr(layer, "groups", 1) > 1))
print(RESULT)
