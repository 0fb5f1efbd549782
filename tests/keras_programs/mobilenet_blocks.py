"""MobileNetV2's inverted residual blocks, as keras.applications builds them and the keras.io
examples reuse them: a 1x1 expansion Conv2D, ZeroPadding2D before a strided DepthwiseConv2D
(padding="valid"), BatchNormalization, ReLU(max_value=6.0) (ReLU6), a linear 1x1 projection and
an Add shortcut where the shape allows; then a SeparableConv2D with depth_multiplier, a
Cropping2D, GlobalAveragePooling2D and a softmax head.

The toy task: 12x12 images of a ring, a cross or a filled square, with noise.

The weights start from a fixed NumPy draw and batches are not shuffled, so the loss per epoch is
Keras's to float32 rounding, BatchNormalization's moving averages included. The optimizer is SGD
with momentum: a BatchNormalization's beta before an Add whose sum the next BatchNormalization
centres has a gradient of pure rounding, which Adam would scale up to full steps and so make the
two programs part.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(43)
num_classes, size, n = 3, 12, 288
yy, xx = np.mgrid[:size, :size]
labels = rng.integers(0, num_classes, n)
images = rng.normal(0.0, 0.3, (n, size, size, 3)).astype("float32")
for index, label in enumerate(labels):
    cy, cx = rng.integers(5, size - 5, 2)
    radius = np.hypot(yy - cy, xx - cx)
    if label == 0:
        shape = np.abs(radius - 3.5) < 1.0
    elif label == 1:
        shape = (np.abs(yy - cy) < 1) & (np.abs(xx - cx) < 5) | \
                (np.abs(xx - cx) < 1) & (np.abs(yy - cy) < 5)
    else:
        shape = (np.abs(yy - cy) < 3) & (np.abs(xx - cx) < 3)
    images[index][shape] += rng.uniform(0.8, 1.2, 3)


def correct_pad(inputs, kernel_size):
    """The padding of keras.applications' MobileNetV2 before a strided depthwise conv."""
    input_size = inputs.shape[1:3]
    adjust = (1 - input_size[0] % 2, 1 - input_size[1] % 2)
    correct = (kernel_size // 2, kernel_size // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def inverted_res_block(inputs, expansion, stride, filters, block_id):
    in_channels = inputs.shape[-1]
    prefix = f"block_{block_id}_"
    x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                      name=prefix + "expand")(inputs)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=prefix + "expand_BN")(x)
    x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, 3), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999,
                                  name=prefix + "depthwise_BN")(x)
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, activation=None,
                      name=prefix + "project")(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=prefix + "project_BN")(x)
    if in_channels == filters and stride == 1:
        return layers.Add(name=prefix + "add")([inputs, x])
    return x


inputs = keras.Input(shape=(size, size, 3))
x = layers.Conv2D(8, kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                  name="Conv1")(inputs)
x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
x = layers.ReLU(6.0, name="Conv1_relu")(x)
x = inverted_res_block(x, expansion=2, stride=1, filters=8, block_id=1)
x = inverted_res_block(x, expansion=2, stride=2, filters=12, block_id=2)
x = inverted_res_block(x, expansion=2, stride=1, filters=12, block_id=3)
x = layers.SeparableConv2D(16, 3, padding="same", depth_multiplier=2, activation="relu",
                           name="separable")(x)
cropped = layers.Cropping2D(cropping=((1, 0), (0, 1)), name="crop")(x)
x = layers.GlobalAveragePooling2D()(cropped)
outputs = layers.Dense(num_classes, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="mobilenet_blocks")

draw = np.random.default_rng(14)
model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.02, momentum=0.9),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(images[:224], labels[:224], batch_size=32, epochs=5, shuffle=False,
                    verbose=0)
test_loss, test_accuracy = model.evaluate(images[224:], labels[224:], verbose=0)
depthwise = model.get_layer("block_2_depthwise")
separable = model.get_layer("separable")

RESULT = {"test_loss": float(test_loss), "test_accuracy": float(test_accuracy),
          "params": float(model.count_params()),
          "depthwise_kernel_shape": float(np.prod(depthwise.kernel.shape)),
          "separable_weights": float(len(separable.weights)),
          "cropped_height": float(cropped.shape[1]), "cropped_width": float(cropped.shape[2]),
          "moving_variance_sum": float(np.sum(np.asarray(
              model.get_layer("block_3_project_BN").moving_variance)))}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
