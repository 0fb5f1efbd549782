"""After the keras.io example "Convolutional autoencoder for image denoising": images in
[0, 1], a noisy copy clipped to [0, 1], an encoder of Conv2D + MaxPooling2D and a decoder of
Conv2DTranspose with strides=2 and a sigmoid Conv2D, trained with binary_crossentropy to map
images to themselves and then noisy images to clean ones; a second decoder with UpSampling2D.
"""

import numpy as np

import numnet as keras
from numnet import layers
from numnet.models import Model

rng = np.random.default_rng(5)
size, n = 12, 256


def make_images(count):
    images = np.zeros((count, size, size, 1), "float32")
    for index in range(count):
        top, left = rng.integers(0, size - 5, 2)
        height, width = rng.integers(3, 6, 2)
        images[index, top:top + height, left:left + width, 0] = rng.uniform(0.6, 1.0)
    return images


def noise(array):
    noise_factor = 0.3
    noisy_array = array + noise_factor * rng.normal(loc=0.0, scale=1.0, size=array.shape)
    return np.clip(noisy_array, 0.0, 1.0).astype("float32")


train_data, test_data = make_images(n), make_images(80)
noisy_train_data, noisy_test_data = noise(train_data), noise(test_data)

input = layers.Input(shape=(size, size, 1))

x = layers.Conv2D(8, (3, 3), activation="relu", padding="same")(input)
x = layers.MaxPooling2D((2, 2), padding="same")(x)
x = layers.Conv2D(8, (3, 3), activation="relu", padding="same")(x)
x = layers.MaxPooling2D((2, 2), padding="same")(x)

x = layers.Conv2DTranspose(8, (3, 3), strides=2, activation="relu", padding="same")(x)
x = layers.Conv2DTranspose(8, (3, 3), strides=2, activation="relu", padding="same")(x)
x = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)

autoencoder = Model(input, x)
draw = np.random.default_rng(2)
autoencoder.set_weights([draw.normal(0.0, 0.25, w.shape).astype("float32") if w.ndim > 1
                         else w for w in autoencoder.get_weights()])
autoencoder.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
history = autoencoder.fit(x=train_data, y=train_data, epochs=3, batch_size=32, shuffle=False,
                          validation_data=(test_data, test_data), verbose=0)
denoise_history = autoencoder.fit(x=noisy_train_data, y=train_data, epochs=3, batch_size=32,
                                  shuffle=False, validation_data=(noisy_test_data, test_data),
                                  verbose=0)
predictions = autoencoder.predict(noisy_test_data, verbose=0)

inputs = keras.Input(shape=(size, size, 1))
y = layers.Conv2D(8, 3, activation="relu", padding="same")(inputs)
y = layers.MaxPooling2D(2)(y)
y = layers.UpSampling2D(2)(y)
y = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(y)
upsampler = keras.Model(inputs, y)
draw = np.random.default_rng(3)
upsampler.set_weights([draw.normal(0.0, 0.25, w.shape).astype("float32") if w.ndim > 1
                       else w for w in upsampler.get_weights()])
upsampler.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
up_history = upsampler.fit(noisy_train_data, train_data, epochs=3, batch_size=32,
                           shuffle=False, verbose=0)

RESULT = {
    "output_rows": float(autoencoder.output_shape[1]),
    "params": float(autoencoder.count_params()),
    "denoised_mse": float(np.mean((predictions - test_data) ** 2)),
    "noisy_mse": float(np.mean((noisy_test_data - test_data) ** 2)),
    "val_loss": float(denoise_history.history["val_loss"][-1]),
    "up_loss_2": float(up_history.history["loss"][-1]),
    "up_params": float(upsampler.count_params()),
}
for epoch, value in enumerate(history.history["loss"] + denoise_history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
