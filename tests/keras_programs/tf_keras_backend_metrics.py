"""After the tf.keras programs of the Keras 2 era that work through the backend module: recall,
precision and F1 metrics written with K.sum / K.round / K.clip / K.epsilon (the snippet that
classifiers of that time copied), a loss written with K.mean and K.binary_crossentropy, a
callback that halves the learning rate every second epoch with K.get_value / K.set_value, a VAE
encoder whose sampling layer draws its noise with K.random_normal(shape=(K.shape(z_mean)[0],
latent_dim)) and whose KL term is written with K.sum / K.square / K.exp, K.int_shape and
K.count_params of weights and tensors, and K.clear_session between the two models.
"""

import numpy as np
from numnet.keras import backend as K
from numnet.keras import layers

import numnet as tf

K.clear_session()

rng = np.random.default_rng(43)
n, features = 512, 8
x = rng.normal(size=(n, features)).astype("float32")
w_true = rng.normal(size=features)
y = ((x @ w_true + 0.5 * rng.normal(size=n)) > 0.3).astype("float32").reshape(-1, 1)
x_train, y_train, x_val, y_val = x[:384], y[:384], x[384:], y[384:]


def recall_m(y_true, y_pred):
    true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
    possible_positives = K.sum(K.round(K.clip(y_true, 0, 1)))
    recall = true_positives / (possible_positives + K.epsilon())
    return recall


def precision_m(y_true, y_pred):
    true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
    predicted_positives = K.sum(K.round(K.clip(y_pred, 0, 1)))
    precision = true_positives / (predicted_positives + K.epsilon())
    return precision


def f1_m(y_true, y_pred):
    precision = precision_m(y_true, y_pred)
    recall = recall_m(y_true, y_pred)
    return 2 * ((precision * recall) / (precision + recall + K.epsilon()))


def bce_loss(y_true, y_pred):
    return K.mean(K.binary_crossentropy(y_true, y_pred), axis=-1)


def set_learning_rate(optimizer, value):
    try:
        K.set_value(optimizer.learning_rate, value)
    except AttributeError:
        # Keras 3 on TensorFlow 2.21: K.set_value reads x.dtype.name, and a Keras 3 variable's
        # dtype is a string; assign is Keras 3's own way
        optimizer.learning_rate.assign(value)


class HalveLearningRate(tf.keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_end(self, epoch, logs=None):
        lr = float(K.get_value(self.model.optimizer.learning_rate))
        self.rates.append(lr)
        if epoch % 2 == 1:
            set_learning_rate(self.model.optimizer, lr * 0.5)


model = tf.keras.Sequential([
    tf.keras.Input(shape=(features,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
draw = np.random.default_rng(5)
model.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32") if w.ndim > 1
                   else np.zeros(w.shape, "float32") for w in model.get_weights()])
kernel_shape = K.int_shape(model.layers[0].kernel)
kernel_params = K.count_params(model.layers[0].kernel)
first_name = model.layers[0].name

model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.02), loss=bce_loss,
              metrics=[recall_m, precision_m, f1_m])
halving = HalveLearningRate()
history = model.fit(x_train, y_train, epochs=6, batch_size=32, shuffle=False,
                    validation_data=(x_val, y_val), callbacks=[halving], verbose=0)
val_loss, val_recall, val_precision, val_f1 = model.evaluate(x_val, y_val, batch_size=128,
                                                             verbose=0)

predictions = model.predict(x_val, verbose=0)
whole_recall = float(K.eval(recall_m(y_val, predictions)))
whole_precision = float(K.eval(precision_m(y_val, predictions)))
predicted = (predictions > 0.5).astype("float32")
recall_by_hand = float((predicted * y_val).sum() / y_val.sum())
precision_by_hand = float((predicted * y_val).sum() / predicted.sum())

# a VAE's encoder, after a fresh session: the first Dense is 'dense' again
K.clear_session()
latent_dim = 2


class Sampling(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = K.shape(z_mean)[0]
        epsilon = K.random_normal(shape=(batch, latent_dim))
        return z_mean + K.exp(0.5 * z_log_var) * epsilon


encoder_inputs = tf.keras.Input(shape=(features,))
hidden = layers.Dense(16, activation="relu")(encoder_inputs)
z_mean = layers.Dense(latent_dim, name="z_mean")(hidden)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(hidden)
z = Sampling()([z_mean, z_log_var])
encoder = tf.keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")
encoder.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1
                     else np.full(w.shape, 0.1, "float32") for w in encoder.get_weights()])
z_shape = K.int_shape(z)

mean_out, log_var_out, z_out = encoder.predict(x, batch_size=128, verbose=0)
kl_loss = -0.5 * K.sum(1 + log_var_out - K.square(mean_out) - K.exp(log_var_out), axis=-1)
noise = (z_out - mean_out) / np.exp(0.5 * log_var_out)

RESULT = {
    "kernel_rows": float(kernel_shape[0]),
    "kernel_columns": float(kernel_shape[1]),
    "kernel_params": float(kernel_params),
    "first_is_dense": float(first_name == "dense"),
    "encoder_first_is_dense": float(encoder.layers[1].name == "dense"),
    "z_width": float(z_shape[1]),
    "z_batch_free": float(z_shape[0] is None),
    "z_rows": float(z_out.shape[0]),
    "learning_rate_0": float(halving.rates[0]),
    "learning_rate_5": float(halving.rates[5]),
    "final_learning_rate": float(K.get_value(model.optimizer.learning_rate)),
    "recall": float(history.history["recall_m"][-1]),
    "precision": float(history.history["precision_m"][-1]),
    "f1": float(history.history["f1_m"][-1]),
    "val_f1": float(history.history["val_f1_m"][-1]),
    "eval_loss": float(val_loss),
    "eval_recall": float(val_recall),
    "eval_precision": float(val_precision),
    "eval_f1": float(val_f1),
    "whole_recall": whole_recall,
    "whole_precision": whole_precision,
    "recall_by_hand": recall_by_hand,
    "precision_by_hand": precision_by_hand,
    "kl_loss": float(K.eval(K.mean(kl_loss))),
    "noise_mean": float(noise.mean()),
    "noise_std": float(noise.std()),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
