"""After the keras.io example "Learning to Resize in Computer Vision": a learnable resizer (an
Input of free height and width, bilinear Resizing layers as the naive resize and as a
bottleneck, Conv2D, BatchNormalization, LeakyReLU, residual blocks joined by Add, one
LeakyReLU instance shared by every block as the default argument of conv_block) in front of a
classifier, trained as one model after Rescaling; then the resizer alone on images of other
sizes.

Cats and dogs are replaced by 20x20 images with a bright blob on the left or on the right,
resized to 12x12, and the DenseNet121 backbone by a small convnet; the weights are set from a
NumPy draw with unshuffled batches, so the losses follow Keras's.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(53)
rng = np.random.default_rng(53)
RESULT = {}

INP_SIZE = (20, 20)
TARGET_SIZE = (12, 12)
INTERPOLATION = "bilinear"

BATCH_SIZE = 32
EPOCHS = 4

labels = rng.integers(0, 2, 384)
images = rng.uniform(0, 120, (384, 20, 20, 3))
for image, label in zip(images, labels, strict=True):
    r = rng.integers(4, 16)
    c = rng.integers(2, 8) + 10 * label
    image[r - 2:r + 3, c - 2:c + 3] += 130
images = images.astype("float32")
train_x, train_y, test_x, test_y = images[:320], labels[:320], images[320:], labels[320:]


def conv_block(x, filters, kernel_size, strides, activation=layers.LeakyReLU(0.2)):  # noqa: B008
    x = layers.Conv2D(filters, kernel_size, strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    if activation:
        x = activation(x)
    return x


def res_block(x):
    inputs = x
    x = conv_block(x, 16, 3, 1)
    x = conv_block(x, 16, 3, 1, activation=None)
    return layers.Add()([inputs, x])


def get_learnable_resizer(filters=16, num_res_blocks=1, interpolation=INTERPOLATION):
    inputs = layers.Input(shape=[None, None, 3])

    naive_resize = layers.Resizing(*TARGET_SIZE, interpolation=interpolation)(inputs)

    x = layers.Conv2D(filters=filters, kernel_size=7, strides=1, padding="same")(inputs)
    x = layers.LeakyReLU(0.2)(x)

    x = layers.Conv2D(filters=filters, kernel_size=1, strides=1, padding="same")(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.BatchNormalization()(x)

    bottleneck = layers.Resizing(*TARGET_SIZE, interpolation=interpolation)(x)

    x = res_block(bottleneck)

    for _ in range(num_res_blocks - 1):
        x = res_block(x)

    x = layers.Conv2D(
        filters=filters, kernel_size=3, strides=1, padding="same", use_bias=False
    )(x)
    x = layers.BatchNormalization()(x)

    x = layers.Add()([bottleneck, x])

    x = layers.Conv2D(filters=3, kernel_size=7, strides=1, padding="same")(x)
    final_resize = layers.Add()([naive_resize, x])

    return keras.Model(inputs, final_resize, name="learnable_resizer")


learnable_resizer = get_learnable_resizer(num_res_blocks=2)
RESULT["resizer_params"] = float(learnable_resizer.count_params())
shared = [layer for layer in learnable_resizer.layers if type(layer).__name__ == "LeakyReLU"]
RESULT["leaky_relu_layers"] = float(len(shared))  # two of its own and the shared one


def get_model():
    backbone = keras.Sequential(
        [
            layers.Input((TARGET_SIZE[0], TARGET_SIZE[1], 3)),
            layers.Conv2D(8, 3, strides=2, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2, activation="softmax"),
        ],
        name="backbone",
    )
    backbone.trainable = True

    inputs = layers.Input((INP_SIZE[0], INP_SIZE[1], 3))
    x = layers.Rescaling(scale=1.0 / 255)(inputs)
    x = learnable_resizer(x)
    outputs = backbone(x)

    return keras.Model(inputs, outputs)


model = get_model()
RESULT["params"] = float(model.count_params())
model.set_weights([rng.normal(0.0, 0.15, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
RESULT["init_pred"] = float(model.predict(test_x, verbose=0)[:, 0].sum())
RESULT["init_resized"] = float(learnable_resizer.predict(test_x[:8] / 255.0,
                                                        verbose=0).sum())
model.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(),
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
    metrics=["accuracy"],
)
history = model.fit(train_x, train_y, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=False,
                    validation_data=(test_x, test_y), verbose=0)
for epoch, loss in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = loss
RESULT["val_loss"] = history.history["val_loss"][-1]
RESULT["val_accuracy"] = history.history["val_accuracy"][-1]

sample = test_x[:3] / 255.0
for size in (16, 28):
    resized = learnable_resizer.predict(np.stack([np.resize(img, (size, size, 3))
                                                  for img in sample]), verbose=0)
    RESULT[f"resized_from_{size}"] = float(resized.shape[1])
naive = keras.layers.Resizing(*TARGET_SIZE, interpolation="bilinear")(sample)
RESULT["naive_resize_sum"] = float(np.sum(keras.ops.convert_to_numpy(naive)))
print(RESULT)
