"""The guide "Working with preprocessing layers", the layers Keras runs without
TensorFlow:
Normalization adapted to data (and given a mean and variance, and inverted), Discretization
with bin_boundaries, CategoryEncoding (one_hot, multi_hot, count), Rescaling, Resizing and
CenterCrop, then a model whose first layer is an adapted
Normalization, trained by fit, and the same preprocessing applied to the data beforehand.

Weights start from a fixed NumPy draw and batches are not shuffled, so the numbers are Keras's
to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(53)
rng = np.random.default_rng(53)
RESULT = {}

data = np.array([[0.1, 0.2, 0.3], [0.8, 0.9, 1.0], [1.5, 1.6, 1.7]], dtype="float32")
layer = layers.Normalization()
layer.adapt(data)
normalized_data = ops.convert_to_numpy(layer(data))
RESULT["normalized_mean"] = float(np.abs(normalized_data.mean(axis=0)).max())
RESULT["normalized_std"] = float(normalized_data.std(axis=0).mean())
given = layers.Normalization(mean=3.0, variance=2.0)
RESULT["given_normalization"] = float(np.sum(ops.convert_to_numpy(given(np.array([[1.0],
                                                                                  [5.0]])))))
axis_none = layers.Normalization(axis=None)
axis_none.adapt(data)
RESULT["axis_none_mean"] = float(np.abs(ops.convert_to_numpy(axis_none(data)).mean()))
inverse = layers.Normalization(invert=True)
inverse.adapt(data)
RESULT["invert_gap"] = float(np.max(np.abs(ops.convert_to_numpy(inverse(normalized_data))
                                           - data)))

discretize = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
RESULT["bins_sum"] = float(np.sum(ops.convert_to_numpy(
    discretize(np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])))))

one_hot = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
RESULT["one_hot_sum"] = float(np.sum(ops.convert_to_numpy(one_hot([3, 2, 0, 1])) * np.arange(4)))
multi_hot = layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")
RESULT["multi_hot_sum"] = float(np.sum(ops.convert_to_numpy(multi_hot([[0, 1], [0, 0], [1, 2],
                                                                       [3, 1]]))))
count = layers.CategoryEncoding(num_tokens=4, output_mode="count")
RESULT["count_sum"] = float(np.sum(ops.convert_to_numpy(count([[0, 1], [0, 0], [1, 2], [3, 1]],
                                                              count_weights=np.array(
                                                                  [[0.1, 0.2], [0.1, 0.1],
                                                                   [0.2, 0.3], [0.4, 0.2]]))) *
                                   np.arange(4)))

images = rng.random((2, 10, 12, 3)).astype("float32") * 255.0
rescaled = ops.convert_to_numpy(layers.Rescaling(scale=1.0 / 255)(images))
RESULT["rescaled_max"] = float(rescaled.max())
resized = ops.convert_to_numpy(layers.Resizing(5, 6)(images))
RESULT["resized_shape"] = float(np.prod(resized.shape))
RESULT["resized_sum"] = float(resized.sum())
cropped = ops.convert_to_numpy(layers.CenterCrop(4, 4)(images))
RESULT["cropped_gap"] = float(np.max(np.abs(cropped - images[:, 3:7, 4:8])))

# An adapted Normalization in the model, against the data normalized beforehand.
features = (rng.normal(size=(400, 5)) * np.array([1.0, 10.0, 0.1, 5.0, 2.0])
            + np.array([0.0, 50.0, -1.0, 3.0, 7.0])).astype("float32")
targets = (features @ np.array([1.0, 0.1, 5.0, -0.2, 0.3], dtype="float32"))[:, None]
normalizer = layers.Normalization()
normalizer.adapt(features)
model = keras.Sequential([keras.Input(shape=(5,)), normalizer, layers.Dense(8, activation="relu"),
                          layers.Dense(1)])
dense_weights = [rng.normal(0.0, 0.3, w.shape).astype("float32")
                 for w in model.get_weights()[3:]]
model.set_weights(model.get_weights()[:3] + dense_weights)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
history = model.fit(features, targets, batch_size=32, epochs=6, shuffle=False, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["normalizer_weights"] = float(len(normalizer.weights))
RESULT["normalizer_trainable"] = float(len(normalizer.trainable_weights))
print(RESULT)
