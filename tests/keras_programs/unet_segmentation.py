"""After the keras.io example "Image segmentation with a U-Net-like architecture": an Xception-
style downsampling path (SeparableConv2D, BatchNormalization, Activation, MaxPooling2D and a
strided Conv2D residual joined with layers.add), an upsampling path (Conv2DTranspose,
UpSampling2D and a residual), a per-pixel softmax Conv2D, trained with
sparse_categorical_crossentropy on integer masks of shape (height, width, 1); predictions turned
into masks with np.argmax(axis=-1) and np.expand_dims.

The softmax saturates below 1e-7 on some pixels at the start; there Keras on TensorFlow (like
numnet) takes the cross-entropy from the softmax's logits while Keras on JAX clips the
probabilities, so the comparison runs under TensorFlow.
"""

import numpy as np

import numnet as keras
from numnet import layers

img_size = (16, 16)
num_classes = 3
rng = np.random.default_rng(37)
n = 128
images = rng.normal(0.0, 0.2, (n,) + img_size + (3,)).astype("float32")
masks = np.zeros((n,) + img_size + (1,), "int64")
for index in range(n):
    top, left = rng.integers(0, 10, 2)
    size = rng.integers(4, 7)
    kind = rng.integers(1, num_classes)
    masks[index, top:top + size, left:left + size, 0] = kind
    images[index, top:top + size, left:left + size, kind - 1] += 1.0


def get_model(img_size, num_classes):
    inputs = keras.Input(shape=img_size + (3,))

    x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)

    previous_block_activation = x

    for filters in [16]:
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)

        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)

        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)

        residual = layers.Conv2D(filters, 1, strides=2, padding="same")(
            previous_block_activation
        )
        x = layers.add([x, residual])
        previous_block_activation = x

    for filters in [16, 8]:
        x = layers.Activation("relu")(x)
        x = layers.Conv2DTranspose(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)

        x = layers.Activation("relu")(x)
        x = layers.Conv2DTranspose(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)

        x = layers.UpSampling2D(2)(x)

        residual = layers.UpSampling2D(2)(previous_block_activation)
        residual = layers.Conv2D(filters, 1, padding="same")(residual)
        x = layers.add([x, residual])
        previous_block_activation = x

    outputs = layers.Conv2D(num_classes, 3, activation="softmax", padding="same")(x)

    model = keras.Model(inputs, outputs)
    return model


model = get_model(img_size, num_classes)
draw = np.random.default_rng(5)
model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(images[:96], masks[:96], epochs=5, batch_size=16, shuffle=False,
                    validation_data=(images[96:], masks[96:]), verbose=0)

val_preds = model.predict(images[96:], verbose=0)
mask = np.argmax(val_preds, axis=-1)
mask = np.expand_dims(mask, axis=-1)
foreground = masks[96:] > 0

RESULT = {
    "params": float(model.count_params()),
    "pixel_accuracy": float(np.mean(mask == masks[96:])),
    "foreground_recall": float(np.mean(mask[foreground] == masks[96:][foreground])),
    "background_share": float(np.mean(masks[96:] == 0)),
    "val_accuracy": float(history.history["val_accuracy"][-1]),
    "mask_rank": float(mask.ndim),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
