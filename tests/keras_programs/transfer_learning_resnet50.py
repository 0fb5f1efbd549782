"""Transfer learning with a Keras application, as the transfer-learning guide writes it.

The guide starts from ``keras.applications.Xception(weights="imagenet", include_top=False)``;
here the base is ResNet50 at 32x32 with ``weights=None`` (no download), whose weights are
saved to a file and read back through ``weights=<path>``, the way a pretrained file is (an
untrained ResNet keeps its signal through the identity shortcuts; an untrained MobileNetV2's
features vanish, so it would give the head nothing to learn from). The base
is frozen (``trainable = False``, called with ``training=False``), a new head learns to tell
reddish from bluish images on the base's features, and then the whole model is fine-tuned with
a low learning rate. While frozen, no weight of the base changes, its BatchNormalization's
moving statistics included.
"""

import os
import tempfile

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)

n = 160
labels = rng.integers(0, 2, size=n)
images = rng.uniform(0, 140, size=(n, 32, 32, 3))
images[labels == 1, :, :, 0] += 110.0  # reddish
images[labels == 0, :, :, 2] += 110.0  # bluish
images = images.astype("float32")
labels = labels.astype("float32")

base_model = keras.applications.ResNet50(
    weights=None, input_shape=(32, 32, 3), include_top=False)
folder = tempfile.mkdtemp()
path = os.path.join(folder, "base.weights.h5")
base_model.save_weights(path)
base_model = keras.applications.ResNet50(
    weights=path, input_shape=(32, 32, 3), include_top=False)
reloaded = keras.applications.ResNet50(
    weights=path, input_shape=(32, 32, 3), include_top=False)
images = keras.applications.resnet50.preprocess_input(images)  # BGR, ImageNet's mean removed
probe = images[:4]
weights_file_gap = float(np.max(np.abs(base_model.predict(probe, verbose=0)
                                       - reloaded.predict(probe, verbose=0))))

base_model.trainable = False
inputs = keras.Input(shape=(32, 32, 3))
x = base_model(inputs, training=False)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
trainable_in_frozen_phase = len(model.trainable_weights)

before = [w.copy() for w in base_model.get_weights()]
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
              loss=keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
history = model.fit(images[:120], labels[:120], batch_size=20, epochs=6, verbose=0)
frozen_change = max(float(np.max(np.abs(a - b)))
                    for a, b in zip(before, base_model.get_weights()))
_, frozen_accuracy = model.evaluate(images[120:], labels[120:], verbose=0)

kernel_before = np.array(base_model.get_layer("conv1_conv").kernel)
base_model.trainable = True
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-5),
              loss=keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
model.fit(images[:120], labels[:120], batch_size=20, epochs=1, verbose=0)
kernel_change = float(np.max(np.abs(kernel_before
                                    - np.array(base_model.get_layer("conv1_conv").kernel))))
_, tuned_accuracy = model.evaluate(images[120:], labels[120:], verbose=0)

RESULT = {
    "weights_file_gap": weights_file_gap,
    "base_layers": float(len(base_model.layers)),
    "trainable_in_frozen_phase": float(trainable_in_frozen_phase),
    "frozen_change": frozen_change,
    "loss_0": float(history.history["loss"][0]),
    "loss_5": float(history.history["loss"][-1]),
    "frozen_accuracy": float(frozen_accuracy),
    "fine_tune_kernel_change": kernel_change,
    "tuned_accuracy": float(tuned_accuracy),
}
print(RESULT)
