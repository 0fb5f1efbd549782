"""After the TensorFlow tutorial "Intro to Autoencoders": an Autoencoder Model subclass holding
an encoder and a decoder Sequential, trained on normal rhythms only with the 'mae' loss, the
reconstruction error of each example with tf.keras.losses.mae, a threshold of mean + std of
the training errors, and predictions made with tf.math.less; accuracy, precision and recall
counted by hand.
"""

import numpy as np
from numnet.keras import layers
from numnet.keras.models import Model

import numnet as tf

rng = np.random.default_rng(29)
n, length = 600, 40
t = np.linspace(0.0, 1.0, length)
labels = (rng.random(n) < 0.6).astype(bool)  # True: normal
phase = rng.uniform(0.0, 0.2, (n, 1))
normal_shape = np.sin(2 * np.pi * 2 * (t - phase))
odd_shape = np.sign(np.sin(2 * np.pi * 5 * (t - phase))) * 0.8
raw_data = np.where(labels[:, None], normal_shape, odd_shape) + rng.normal(0.0, 0.1, (n, length))
train_data, test_data = raw_data[:450], raw_data[450:]
train_labels, test_labels = labels[:450], labels[450:]

min_val = tf.reduce_min(train_data)
max_val = tf.reduce_max(train_data)
train_data = (train_data - min_val) / (max_val - min_val)
test_data = (test_data - min_val) / (max_val - min_val)
train_data = tf.cast(train_data, tf.float32)
test_data = tf.cast(test_data, tf.float32)

normal_train_data = train_data[train_labels]
normal_test_data = test_data[test_labels]
anomalous_test_data = test_data[~test_labels]


class AnomalyDetector(Model):
    def __init__(self):
        super().__init__()
        self.encoder = tf.keras.Sequential([
            layers.Dense(16, activation="relu"),
            layers.Dense(8, activation="relu"),
            layers.Dense(4, activation="relu")])

        self.decoder = tf.keras.Sequential([
            layers.Dense(8, activation="relu"),
            layers.Dense(16, activation="relu"),
            layers.Dense(length, activation="sigmoid")])

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


autoencoder = AnomalyDetector()
autoencoder(normal_train_data[:1])
draw = np.random.default_rng(1)
autoencoder.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                         for w in autoencoder.get_weights()])
autoencoder.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="mae")
history = autoencoder.fit(normal_train_data, normal_train_data, epochs=12, batch_size=64,
                          validation_data=(test_data, test_data), shuffle=False, verbose=0)

encoded_data = autoencoder.encoder(normal_test_data).numpy()
decoded_data = autoencoder.decoder(encoded_data).numpy()

reconstructions = autoencoder.predict(normal_train_data, verbose=0)
train_loss = tf.keras.losses.mae(reconstructions, normal_train_data)
threshold = np.mean(train_loss) + np.std(train_loss)

reconstructions = autoencoder.predict(anomalous_test_data, verbose=0)
test_loss = tf.keras.losses.mae(reconstructions, anomalous_test_data)


def predict(model, data, threshold):
    reconstructions = model(data)
    loss = tf.keras.losses.mae(reconstructions, data)
    return tf.math.less(loss, threshold)


preds = np.asarray(predict(autoencoder, test_data, threshold))
true_positive = np.sum(preds & test_labels)
accuracy = np.mean(preds == test_labels)
precision = true_positive / max(1, np.sum(preds))
recall = true_positive / max(1, np.sum(test_labels))

RESULT = {
    "encoded_width": float(encoded_data.shape[1]),
    "decoded_width": float(decoded_data.shape[1]),
    "threshold": float(threshold),
    "anomalies_above": float(np.mean(np.asarray(test_loss) > threshold)),
    "accuracy": float(accuracy),
    "precision": float(precision),
    "recall": float(recall),
    "min_val": float(min_val),
}
for epoch, value in enumerate(history.history["loss"][:6]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
