"""The TensorFlow regression tutorial's one-variable model: a Normalization layer adapted on a
single feature (input_shape=[1,], axis=None), one Dense unit, Adam(learning_rate=0.1) and the
mean absolute error, trained with validation_split.

The data stand in for horsepower against fuel efficiency: a falling, slightly curved relation
with noise.
"""

import numpy as np
from numnet.keras import layers

import numnet as tf

tf.keras.utils.set_random_seed(18)
rng = np.random.default_rng(18)
horsepower = rng.uniform(45.0, 230.0, 392).astype("float32")
mpg = (46.0 - 0.16 * horsepower + 0.0002 * horsepower**2 + rng.normal(0.0, 3.0, 392))
mpg = mpg.astype("float32")
train_features, test_features = horsepower[:314], horsepower[314:]
train_labels, test_labels = mpg[:314], mpg[314:]

horsepower_normalizer = layers.Normalization(input_shape=[1,], axis=None)
horsepower_normalizer.adapt(train_features)

horsepower_model = tf.keras.Sequential([
    horsepower_normalizer,
    layers.Dense(units=1)
])
horsepower_model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.1),
    loss='mean_absolute_error')

history = horsepower_model.fit(
    train_features,
    train_labels,
    epochs=60,
    verbose=0,
    validation_split=0.2)

test_mae = horsepower_model.evaluate(test_features, test_labels, verbose=0)
x = tf.linspace(0.0, 250, 251)
y = horsepower_model.predict(x, verbose=0)

RESULT = {
    "test_mae": float(test_mae),
    "val_mae": float(history.history["val_loss"][-1]),
    "slope": float(y[200, 0] - y[100, 0]) / 100.0,
    "mean_mpg": float(np.mean(mpg)),
}
print(RESULT)
