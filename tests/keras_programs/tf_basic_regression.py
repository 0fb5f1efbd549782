"""After the TensorFlow tutorial "Basic regression: Predict fuel efficiency": a linear model
of one feature with a tf.keras.layers.Normalization(input_shape=[1,], axis=None) adapted to it,
then a DNN on every feature with a Normalization(axis=-1) adapted to the table, trained with
mean_absolute_error and validation_split=0.2, model.predict(...).flatten(), and evaluate.
"""

import numpy as np

import numnet as tf

rng = np.random.default_rng(11)
n = 300
horsepower = rng.uniform(50.0, 220.0, n)
weight = rng.uniform(1600.0, 5000.0, n)
cylinders = rng.choice([4.0, 6.0, 8.0], n)
year = rng.uniform(70.0, 82.0, n)
mpg = 50.0 - 0.08 * horsepower - 0.004 * weight + 0.6 * (year - 70.0) + rng.normal(0.0, 1.5, n)
features = np.stack([cylinders, horsepower, weight, year], axis=1).astype("float32")
train_features, test_features = features[:240], features[240:]
train_labels, test_labels = mpg[:240].astype("float32"), mpg[240:].astype("float32")

normalizer = tf.keras.layers.Normalization(axis=-1)
normalizer.adapt(np.array(train_features))
first_normalized = normalizer(train_features[:1]).numpy()

hp = np.array(train_features[:, 1])
horsepower_normalizer = tf.keras.layers.Normalization(input_shape=[1], axis=None)
horsepower_normalizer.adapt(hp)

horsepower_model = tf.keras.Sequential([
    horsepower_normalizer,
    tf.keras.layers.Dense(units=1),
])
horsepower_model.layers[1].set_weights([np.array([[0.5]], "float32"), np.zeros(1, "float32")])
horsepower_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1),
                         loss="mean_absolute_error")
history = horsepower_model.fit(train_features[:, 1], train_labels, epochs=20, verbose=0,
                               validation_split=0.2, shuffle=False)
x = tf.linspace(50.0, 220.0, 11)
y = horsepower_model.predict(x, verbose=0)
horsepower_mae = horsepower_model.evaluate(test_features[:, 1], test_labels, verbose=0)


def build_and_compile_model(norm):
    model = tf.keras.Sequential([
        norm,
        tf.keras.layers.Dense(32, activation="relu"),
        tf.keras.layers.Dense(32, activation="relu"),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss="mean_absolute_error", optimizer=tf.keras.optimizers.Adam(0.01))
    return model


dnn_model = build_and_compile_model(normalizer)
dnn_model.build(input_shape=(None, 4))
rng_weights = np.random.default_rng(5)
for layer in dnn_model.layers[1:]:
    layer.set_weights([rng_weights.normal(0.0, 0.3, layer.kernel.shape).astype("float32"),
                       np.zeros(layer.bias.shape, "float32")])
dnn_history = dnn_model.fit(train_features, train_labels, validation_split=0.2, verbose=0,
                            epochs=40, shuffle=False)
test_predictions = dnn_model.predict(test_features, verbose=0).flatten()
dnn_mae = dnn_model.evaluate(test_features, test_labels, verbose=0)

RESULT = {
    "normalized_mean": float(np.mean(normalizer(train_features).numpy())),
    "normalized_first": float(np.sum(first_normalized)),
    "slope": float((y[-1, 0] - y[0, 0]) / 170.0),
    "horsepower_mae": float(horsepower_mae),
    "horsepower_val_mae": float(history.history["val_loss"][-1]),
    "dnn_mae": float(dnn_mae),
    "prediction_mae": float(np.mean(np.abs(test_predictions - test_labels))),
    "prediction_rank": float(test_predictions.ndim),
    "label_std": float(np.std(test_labels)),
}
for epoch, value in enumerate(dnn_history.history["loss"][:6]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
