"""After the keras.io recipe "Customizing the convolution operation of a Conv2D layer": weight
standardization done two ways, by overriding Conv2D.convolution_op (the hook Conv2D.call
goes through) and by overriding call (ops.moments of the kernel, ops.conv of the standardized
kernel, the bias added by hand); both in a Sequential with BatchNormalization(scale=False),
ReLU, MaxPooling2D, Dropout and a softmax Dense, trained with categorical cross-entropy.

MNIST is replaced by 12x12 images of four shapes; the weights are set from a NumPy draw, so the
outputs before training are compared with Keras's exactly, the accuracy after it loosely.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(47)
rng = np.random.default_rng(47)
RESULT = {}


class StandardizedConv2DWithOverride(layers.Conv2D):
    def convolution_op(self, inputs, kernel):
        mean, var = ops.moments(kernel, axes=[0, 1, 2], keepdims=True)
        return ops.conv(
            inputs,
            (kernel - mean) / ops.sqrt(var + 1e-10),
            padding="valid",
            strides=list(self.strides),
            dilation_rate=list(self.dilation_rate),
        )


class StandardizedConv2DWithCall(layers.Conv2D):
    def call(self, inputs):
        mean, var = ops.moments(self.kernel, axes=[0, 1, 2], keepdims=True)
        result = ops.conv(
            inputs,
            (self.kernel - mean) / ops.sqrt(var + 1e-10),
            padding="valid",
            strides=list(self.strides),
            dilation_rate=list(self.dilation_rate),
        )
        if self.use_bias:
            result = result + self.bias
        return result


x = rng.normal(size=(2, 6, 6, 3)).astype("float32")
override = StandardizedConv2DWithOverride(4, 3, activation="relu")
with_call = StandardizedConv2DWithCall(4, 3)
override_model = keras.Sequential([keras.Input(x.shape[1:]), override])
call_model = keras.Sequential([keras.Input(x.shape[1:]), with_call])
kernel = rng.normal(size=(3, 3, 3, 4)).astype("float32")
bias = rng.normal(size=(4,)).astype("float32")
override.set_weights([kernel, bias])
with_call.set_weights([kernel, bias])
standardized = (kernel - kernel.mean(axis=(0, 1, 2))) / kernel.std(axis=(0, 1, 2))
by_hand = np.zeros((2, 4, 4, 4), "float32")
for i in range(4):
    for j in range(4):
        by_hand[:, i, j] = np.einsum("bhwc,hwcf->bf", x[:, i:i + 3, j:j + 3], standardized)
by_hand += bias
RESULT["override_gap"] = float(np.max(np.abs(override_model.predict(x, verbose=0)
                                             - np.maximum(by_hand, 0))))
RESULT["call_gap"] = float(np.max(np.abs(call_model.predict(x, verbose=0) - by_hand)))
RESULT["override_output_sum"] = float(np.sum(override_model.predict(x, verbose=0)))

num_classes = 4
input_shape = (12, 12, 1)
labels = rng.integers(0, num_classes, 640)
images = rng.normal(0.0, 0.2, (640, 12, 12)).astype("float32")
for image, label in zip(images, labels, strict=True):
    k = rng.integers(2, 10)
    if label == 0:
        image[k, 2:10] += 1.0
    elif label == 1:
        image[2:10, k] += 1.0
    elif label == 2:
        image[np.arange(12), np.arange(12)] += 1.0
    else:
        image[k - 2:k + 2, k - 2:k + 2] += 1.0
x_train, x_test = np.expand_dims(images[:512], -1), np.expand_dims(images[512:], -1)
y_train = keras.utils.to_categorical(labels[:512], num_classes)
y_test = keras.utils.to_categorical(labels[512:], num_classes)

model = keras.Sequential(
    [
        keras.layers.InputLayer(shape=input_shape),
        StandardizedConv2DWithCall(8, kernel_size=(3, 3), use_bias=False),
        layers.BatchNormalization(scale=False, center=True),
        layers.ReLU(),
        StandardizedConv2DWithOverride(8, kernel_size=(3, 3), use_bias=False),
        layers.BatchNormalization(scale=False, center=True),
        layers.ReLU(),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
model.summary()
RESULT["params"] = float(model.count_params())
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
RESULT["initial_prediction_sum"] = float(np.sum(model.predict(x_test[:16], verbose=0)[:, 0]))

batch_size = 32
epochs = 4

model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                    validation_split=0.1, verbose=0)
RESULT["loss_0"] = history.history["loss"][0]
RESULT["loss_3"] = history.history["loss"][3]
RESULT["test_accuracy"] = float(model.evaluate(x_test, y_test, verbose=0)[1])
print(RESULT)
