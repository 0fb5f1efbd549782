"""After the keras.io example "Involutional neural networks": an Involution layer that builds,
in build(), an AveragePooling2D (or tf.identity) for its stride, a kernel-generating Sequential
(1x1 Conv2D, BatchNormalization, ReLU, 1x1 Conv2D) and three Reshape layers of 4-D and 5-D
targets; its call cuts the input's patches with tf.image.extract_patches (padding "SAME"),
multiplies them by the generated kernel with tf.multiply, sums with tf.reduce_sum and returns
two tensors (the output and the kernel); a convolutional and an involutional classifier trained
on the same tf.data pipeline; a model whose outputs are the (output, kernel) pairs of three
Involution layers (flattened: see below), read with predict, each kernel summed over its last
three axes.

CIFAR-10 becomes 16x16 images of stripes in three orientations. The pipeline is not shuffled
and both models start from a NumPy draw, so the losses are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
import numnet as tf

rng = np.random.default_rng(79)
RESULT = {}

# Set seed for reproducibility.
tf.random.set_seed(42)


class Involution(keras.layers.Layer):
    def __init__(
        self, channel, group_number, kernel_size, stride, reduction_ratio, name
    ):
        super().__init__(name=name)

        # Initialize the parameters.
        self.channel = channel
        self.group_number = group_number
        self.kernel_size = kernel_size
        self.stride = stride
        self.reduction_ratio = reduction_ratio

    def build(self, input_shape):
        # Get the shape of the input.
        (_, height, width, num_channels) = input_shape

        # Scale the height and width with respect to the strides.
        height = height // self.stride
        width = width // self.stride

        # Define a layer that average pools the input tensor
        # if stride is more than 1.
        self.stride_layer = (
            keras.layers.AveragePooling2D(
                pool_size=self.stride, strides=self.stride, padding="same"
            )
            if self.stride > 1
            else tf.identity
        )
        # Define the kernel generation layer.
        self.kernel_gen = keras.Sequential(
            [
                keras.layers.Conv2D(
                    filters=self.channel // self.reduction_ratio, kernel_size=1
                ),
                keras.layers.BatchNormalization(),
                keras.layers.ReLU(),
                keras.layers.Conv2D(
                    filters=self.kernel_size * self.kernel_size * self.group_number,
                    kernel_size=1,
                ),
            ]
        )
        # Define reshape layers
        self.kernel_reshape = keras.layers.Reshape(
            target_shape=(
                height,
                width,
                self.kernel_size * self.kernel_size,
                1,
                self.group_number,
            )
        )
        self.input_patches_reshape = keras.layers.Reshape(
            target_shape=(
                height,
                width,
                self.kernel_size * self.kernel_size,
                num_channels // self.group_number,
                self.group_number,
            )
        )
        self.output_reshape = keras.layers.Reshape(
            target_shape=(height, width, num_channels)
        )

    def call(self, x):
        # Generate the kernel with respect to the input tensor.
        # B, H, W, K*K*G
        kernel_input = self.stride_layer(x)
        kernel = self.kernel_gen(kernel_input)

        # reshape the kerenl
        # B, H, W, K*K, 1, G
        kernel = self.kernel_reshape(kernel)

        # Extract input patches.
        # B, H, W, K*K*C
        input_patches = tf.image.extract_patches(
            images=x,
            sizes=[1, self.kernel_size, self.kernel_size, 1],
            strides=[1, self.stride, self.stride, 1],
            rates=[1, 1, 1, 1],
            padding="SAME",
        )

        # Reshape the input patches to align with later operations.
        # B, H, W, K*K, C//G, G
        input_patches = self.input_patches_reshape(input_patches)

        # Compute the multiply-add operation of kernels and patches.
        # B, H, W, K*K, C//G, G
        output = tf.multiply(kernel, input_patches)
        # B, H, W, C//G, G
        output = tf.reduce_sum(output, axis=3)

        # Reshape the output kernel.
        # B, H, W, C
        output = self.output_reshape(output)

        # Return the output tensor and the kernel.
        return output, kernel


# Define the input tensor.
input_tensor = tf.random.normal((4, 16, 16, 3))

# Compute involution with stride 1.
output_tensor, kernel_1 = Involution(
    channel=3, group_number=1, kernel_size=5, stride=1, reduction_ratio=1, name="inv_1"
)(input_tensor)
RESULT["stride_1_shape"] = float(np.prod(output_tensor.shape))
RESULT["kernel_1_shape"] = float(np.prod(kernel_1.shape))

# The output by hand: each pixel's 5x5 neighbourhood (zeros outside) weighted by its kernel
x = np.pad(np.asarray(input_tensor), ((0, 0), (2, 2), (2, 2), (0, 0)))
patches = np.stack([x[:, i:i + 16, j:j + 16, :] for i in range(5) for j in range(5)], axis=3)
by_hand = np.sum(np.asarray(kernel_1)[..., 0, :] * patches, axis=3)
RESULT["involution_by_hand"] = float(np.max(np.abs(by_hand - np.asarray(output_tensor))))

# Compute involution with stride 2.
output_tensor, _ = Involution(
    channel=3, group_number=1, kernel_size=5, stride=2, reduction_ratio=1, name="inv_2"
)(input_tensor)
RESULT["stride_2_shape"] = float(np.prod(output_tensor.shape))

# Compute involution with stride 1, channel 16 and reduction ratio 2.
output_tensor, _ = Involution(
    channel=16, group_number=1, kernel_size=5, stride=1, reduction_ratio=2, name="inv_3"
)(input_tensor)
RESULT["channel_16_shape"] = float(np.prod(output_tensor.shape))

# Three classes of 16x16 pictures: horizontal, vertical or diagonal stripes, noisy.
n = 384
labels = rng.integers(0, 3, n)
rows, cols = np.meshgrid(np.arange(16), np.arange(16), indexing="ij")
images = rng.uniform(0, 0.4, (n, 16, 16, 3))
for index, label in enumerate(labels):
    period = rng.integers(3, 6)
    line = (rows, cols, rows + cols)[label] + rng.integers(0, period)
    images[index, line % period == 0, :] += 0.6
train_images, train_labels = images[:320], labels[:320, None]
test_images, test_labels = images[320:], labels[320:, None]

# Batch the dataset.
train_ds = tf.data.Dataset.from_tensor_slices((train_images, train_labels)).batch(32)
test_ds = tf.data.Dataset.from_tensor_slices((test_images, test_labels)).batch(32)


def draw_weights(model, seed):
    draw = np.random.default_rng(seed)
    model.set_weights([
        draw.normal(0.0, np.sqrt(1.0 / np.prod(w.shape[:-1])), w.shape).astype("float32")
        if w.ndim > 1 else w
        for w in model.get_weights()
    ])


# Build the conv model.
conv_model = keras.Sequential(
    [
        keras.layers.Conv2D(8, (3, 3), input_shape=(16, 16, 3), padding="same"),
        keras.layers.ReLU(name="relu1"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(8, (3, 3), padding="same"),
        keras.layers.ReLU(name="relu2"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(8, (3, 3), padding="same"),
        keras.layers.ReLU(name="relu3"),
        keras.layers.Flatten(),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3),
    ]
)
draw_weights(conv_model, 1)

# Compile the mode with the necessary loss function and optimizer.
conv_model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)

# Train the model.
conv_hist = conv_model.fit(train_ds, epochs=8, validation_data=test_ds, verbose=0)

# Build the involution model.
inputs = keras.Input(shape=(16, 16, 3))
x, _ = Involution(
    channel=3, group_number=1, kernel_size=3, stride=1, reduction_ratio=2, name="inv_1"
)(inputs)
x = keras.layers.ReLU()(x)
x = keras.layers.MaxPooling2D((2, 2))(x)
x, _ = Involution(
    channel=3, group_number=1, kernel_size=3, stride=1, reduction_ratio=2, name="inv_2"
)(x)
x = keras.layers.ReLU()(x)
x = keras.layers.MaxPooling2D((2, 2))(x)
x, _ = Involution(
    channel=3, group_number=1, kernel_size=3, stride=1, reduction_ratio=2, name="inv_3"
)(x)
x = keras.layers.ReLU()(x)
x = keras.layers.Flatten()(x)
x = keras.layers.Dense(16, activation="relu")(x)
outputs = keras.layers.Dense(3)(x)

inv_model = keras.Model(inputs=[inputs], outputs=[outputs], name="inv_model")
draw_weights(inv_model, 2)

# Compile the mode with the necessary loss function and optimizer.
inv_model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)

# train the model
inv_hist = inv_model.fit(train_ds, epochs=8, validation_data=test_ds, verbose=0)

for name, hist in (("conv", conv_hist), ("inv", inv_hist)):
    for epoch, value in enumerate(hist.history["loss"]):
        RESULT[f"{name}_loss_{epoch}"] = float(value)
    RESULT[f"{name}_val_accuracy"] = float(hist.history["val_accuracy"][-1])
RESULT["conv_params"] = float(conv_model.count_params())
RESULT["inv_params"] = float(inv_model.count_params())

layer_names = ["inv_1", "inv_2", "inv_3"]
# (the example gives the three (output, kernel) pairs as they are, a nested structure that
# numnet's Model does not take yet: here the six tensors go flat, and are paired again)
outputs = [tensor for name in layer_names for tensor in inv_model.get_layer(name).output]
vis_model = keras.Model(inv_model.input, outputs)

kernel_sums = []
for test_image in test_images[:3]:
    flat = vis_model.predict(test_image[None, ...], verbose=0)
    (inv1_out, inv2_out, inv3_out) = flat[0:2], flat[2:4], flat[4:6]

    _, inv1_kernel = inv1_out
    _, inv2_kernel = inv2_out
    _, inv3_kernel = inv3_out

    inv1_kernel = tf.reduce_sum(inv1_kernel, axis=[-1, -2, -3])
    inv2_kernel = tf.reduce_sum(inv2_kernel, axis=[-1, -2, -3])
    inv3_kernel = tf.reduce_sum(inv3_kernel, axis=[-1, -2, -3])

    image = keras.preprocessing.image.array_to_img(inv1_kernel[0, ..., None])
    kernel_sums.append(float(np.sum(inv3_kernel)))
RESULT["kernel_map_sizes"] = float(
    inv1_kernel.shape[1] * 100 + inv2_kernel.shape[1] * 10 + inv3_kernel.shape[1])
RESULT["kernel_image_width"] = float(image.size[0])
for index, value in enumerate(kernel_sums):
    RESULT[f"inv3_kernel_sum_{index}"] = value
print(RESULT)
