"""After the keras.io example "PixelCNN" (Keras 3): a layer that builds the Conv2D it holds in
its own build (self.conv.build), makes a causal mask of the kernel's shape (type A without the
centre pixel, type B with it) and assigns the masked kernel to the Conv2D's kernel in each
call; residual blocks of 1x1 convolutions around a masked one joined by keras.layers.add; an
Input with a fixed batch_size; binary cross-entropy on binarized images with a validation
split; then images sampled pixel by pixel with predict on a batch of another size,
ops.ceil and keras.random.uniform.

MNIST is replaced by 8x8 binary images of strokes; the model is narrower, and its weights are
set from a NumPy draw with unshuffled batches, so the losses follow Keras's.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(43)
rng = np.random.default_rng(43)
RESULT = {}

num_classes = 10
input_shape = (8, 8, 1)
n_residual_blocks = 2

data = np.zeros((320, 8, 8), "float32")
for image in data:
    if rng.random() < 0.5:
        image[int(rng.integers(1, 7)), 1:7] = 1.0
    else:
        image[1:7, int(rng.integers(1, 7))] = 1.0
data = np.where(rng.random(data.shape) < 0.05, 1.0 - data, data)
data = np.expand_dims(data, -1).astype(np.float32)


class PixelConvLayer(layers.Layer):
    def __init__(self, mask_type, **kwargs):
        super().__init__()
        self.mask_type = mask_type
        self.conv = layers.Conv2D(**kwargs)

    def build(self, input_shape):
        self.conv.build(input_shape)
        kernel_shape = ops.shape(self.conv.kernel)
        self.mask = np.zeros(shape=kernel_shape)
        self.mask[: kernel_shape[0] // 2, ...] = 1.0
        self.mask[kernel_shape[0] // 2, : kernel_shape[1] // 2, ...] = 1.0
        if self.mask_type == "B":
            self.mask[kernel_shape[0] // 2, kernel_shape[1] // 2, ...] = 1.0

    def call(self, inputs):
        self.conv.kernel.assign(self.conv.kernel * self.mask)
        return self.conv(inputs)


class ResidualBlock(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = keras.layers.Conv2D(
            filters=filters, kernel_size=1, activation="relu"
        )
        self.pixel_conv = PixelConvLayer(
            mask_type="B",
            filters=filters // 2,
            kernel_size=3,
            activation="relu",
            padding="same",
        )
        self.conv2 = keras.layers.Conv2D(
            filters=filters, kernel_size=1, activation="relu"
        )

    def call(self, inputs):
        x = self.conv1(inputs)
        x = self.pixel_conv(x)
        x = self.conv2(x)
        return keras.layers.add([inputs, x])


inputs = keras.Input(shape=input_shape, batch_size=32)
x = PixelConvLayer(
    mask_type="A", filters=16, kernel_size=5, activation="relu", padding="same"
)(inputs)

for _ in range(n_residual_blocks):
    x = ResidualBlock(filters=16)(x)

for _ in range(2):
    x = PixelConvLayer(
        mask_type="B",
        filters=16,
        kernel_size=1,
        strides=1,
        activation="relu",
        padding="valid",
    )(x)

out = keras.layers.Conv2D(
    filters=1, kernel_size=1, strides=1, activation="sigmoid", padding="valid"
)(x)

pixel_cnn = keras.Model(inputs, out)
RESULT["params"] = float(pixel_cnn.count_params())
RESULT["input_batch"] = float(pixel_cnn.input_shape[0])
first = pixel_cnn.layers[1]
RESULT["mask_a_ones"] = float(first.mask[..., 0, 0].sum())  # 12 of 25
RESULT["mask_b_ones"] = float(pixel_cnn.layers[2].pixel_conv.mask[..., 0, 0].sum())  # 5 of 9

pixel_cnn.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                       for w in pixel_cnn.get_weights()])
adam = keras.optimizers.Adam(learning_rate=0.005)
pixel_cnn.compile(optimizer=adam, loss="binary_crossentropy")
pixel_cnn.summary()
history = pixel_cnn.fit(
    x=data, y=data, batch_size=32, epochs=4, validation_split=0.1, shuffle=False, verbose=0
)
for epoch, loss in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = loss
RESULT["val_loss"] = history.history["val_loss"][-1]
# the validation pass's call assigned the masked kernel last (Keras on JAX drops assignments
# made in a test step, so there it keeps the optimizer's update of the masked entries)
kernel = ops.convert_to_numpy(first.conv.kernel)
RESULT["masked_kernel_zero"] = float(np.all(kernel[2, 2:] == 0) and np.all(kernel[3:] == 0))

batch = 4
pixels = np.zeros(shape=(batch,) + (pixel_cnn.input_shape)[1:])
batch, rows, cols, channels = pixels.shape

for row in range(rows):
    for col in range(cols):
        for channel in range(channels):
            probs = pixel_cnn.predict(pixels, verbose=0)[:, row, col, channel]
            pixels[:, row, col, channel] = ops.ceil(
                probs - keras.random.uniform(probs.shape)
            )

RESULT["sampled_binary"] = float(np.all(np.isin(pixels, (0.0, 1.0))))
RESULT["sampled_rows"] = float(pixels.shape[0])
first_probs = pixel_cnn.predict(np.zeros((4,) + input_shape), verbose=0)
RESULT["first_pixel_probability"] = float(first_probs[0, 0, 0, 0])
print(RESULT)
