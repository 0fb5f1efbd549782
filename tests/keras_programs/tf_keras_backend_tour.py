"""A tour of the tf.keras.backend functions (``K.*``) that programs written for tf.keras 2 still
call, the way those programs call them, on fixed NumPy arrays.

The backend's settings (K.floatx, K.set_floatx and a layer built under float64, K.epsilon,
K.image_data_format, K.clear_session); variables (K.variable, K.get_value, K.set_value,
K.int_shape, K.dtype, K.count_params); element-wise maths (K.square, K.sqrt, K.exp, K.log, K.pow,
K.abs, K.sign, K.clip, K.round, K.cast, K.ones_like, K.zeros_like, K.maximum, K.switch); reductions
(K.sum, K.mean, K.max, K.min, K.prod, K.std, K.var, K.cumsum, K.argmax, K.all, K.any); shapes
(K.shape, K.int_shape of a symbolic input, K.reshape, K.expand_dims, K.squeeze, K.concatenate,
K.stack, K.permute_dimensions, K.batch_flatten, K.flatten, K.tile, K.repeat_elements, K.reverse,
K.gather, K.one_hot); products (K.dot, K.batch_dot); activations (K.softmax, K.sigmoid,
K.hard_sigmoid, K.relu with alpha and max_value, K.elu, K.softplus, K.l2_normalize); the
cross-entropies (K.binary_crossentropy, K.categorical_crossentropy,
K.sparse_categorical_crossentropy, with and without logits); and a classifier trained with a
class-weighted loss and an accuracy metric written with K.*, a Lambda layer of K.l2_normalize, and
a callback that lowers the learning rate with K.get_value / K.set_value, from a NumPy draw of
weights on unshuffled batches.
"""

import numpy as np
from numnet.keras import backend as K
from numnet.keras import layers

import numnet as tf

K.clear_session()

settings = {
    "floatx_is_float32": float(K.floatx() == "float32"),
    "epsilon": float(K.epsilon()),
    "channels_last": float(K.image_data_format() == "channels_last"),
}
K.set_floatx("float64")
wide = layers.Dense(3)
wide.build((None, 2))
settings["float64_kernel"] = float(wide.kernel.dtype == "float64")
K.set_floatx("float32")
# Keras 3 fixes its global dtype policy at the first layer made (float64 here); clear_session
# lets the next layers take floatx again
K.clear_session()
narrow = layers.Dense(3)
narrow.build((None, 2))
settings["float32_again"] = float(narrow.kernel.dtype == "float32")
settings["cast_dtype_is_float16"] = float(K.dtype(K.cast(np.ones(2), "float16")) == "float16")

# --- variables ---
counter = K.variable(np.array([[1.0, 2.0], [3.0, 4.0]]), dtype="float32", name="counter")
settings["variable_sum"] = float(np.sum(K.get_value(counter)))
K.set_value(counter, np.full((2, 2), 0.5, "float32"))
settings["set_value_sum"] = float(np.sum(K.get_value(counter)))
settings["variable_rows"] = float(K.int_shape(counter)[0])
settings["variable_params"] = float(K.count_params(counter))

rng = np.random.default_rng(21)
a = K.constant(rng.uniform(0.5, 2.0, size=(3, 4)))
b = K.constant(rng.normal(size=(3, 4)))


def total(value):
    return float(np.sum(K.get_value(value) if hasattr(value, "assign") else np.asarray(value)))


# --- element-wise ---
tour = {
    "square": total(K.square(b)),
    "sqrt": total(K.sqrt(a)),
    "exp": total(K.exp(b)),
    "log": total(K.log(a)),
    "pow": total(K.pow(a, 3)),
    "abs": total(K.abs(b)),
    "sign": total(K.sign(b)),
    "clip": total(K.clip(b, -0.5, 0.5)),
    "round": total(K.round(3 * b)),
    "cast": total(K.cast(K.greater(b, 0), "float32")),
    "ones_like": total(K.ones_like(b)),
    "zeros_like": total(K.zeros_like(b)),
    "maximum": total(K.maximum(a, b)),
    "switch": total(K.switch(K.greater(b, 0), a, -a)),
}

# --- reductions ---
tour.update({
    "sum_axis": total(K.sum(b, axis=1)),
    "mean_keepdims": float(np.asarray(K.mean(b, axis=0, keepdims=True)).shape[0]),
    "mean": total(K.mean(b)),
    "max": total(K.max(b, axis=-1)),
    "min": total(K.min(b, axis=0)),
    "prod": total(K.prod(a, axis=1)),
    "std": total(K.std(b, axis=1)),
    "var": total(K.var(b)),
    "cumsum": total(K.cumsum(b, axis=1)),
    "argmax": total(K.argmax(b, axis=-1)),
    "all": total(K.cast(K.all(K.greater(a, 0), axis=1), "float32")),
    "any": total(K.cast(K.any(K.greater(b, 1), axis=1), "float32")),
})

# --- shapes ---
symbolic = tf.keras.Input(shape=(4,))
eager_shape = K.shape(b)
cube = K.reshape(b, (K.shape(b)[0], 2, 2))
tour.update({
    "shape_rows": float(np.asarray(eager_shape)[0]),
    "symbolic_batch_free": float(K.int_shape(symbolic)[0] is None),
    "symbolic_width": float(K.int_shape(symbolic)[1]),
    "reshape_dims": float(K.ndim(cube)),
    "expand_dims": float(K.int_shape(K.expand_dims(b, axis=1))[1]),
    "squeeze": float(K.int_shape(K.squeeze(K.expand_dims(b, 0), 0))[0]),
    "concatenate": float(K.int_shape(K.concatenate([a, b], axis=-1))[1]),
    "stack": float(K.int_shape(K.stack([a, b], axis=1))[1]),
    "permute": total(K.permute_dimensions(cube, (0, 2, 1))[:, 0, :]),
    "batch_flatten": float(K.int_shape(K.batch_flatten(cube))[1]),
    "flatten": float(K.int_shape(K.flatten(cube))[0]),
    "tile": total(K.tile(a, (2, 1))),
    "repeat_elements": float(K.int_shape(K.repeat_elements(a, 3, axis=1))[1]),
    "repeat_first_row": total(K.repeat_elements(a, 3, axis=1)[0, :3]),
    "reverse": float(np.asarray(K.reverse(b, axes=1))[0, 0]),
    "gather": total(K.gather(b, [2, 0])),
    "one_hot": total(K.one_hot(K.constant([0, 2, 1], dtype="int32"), 4)[:, 2]),
})

# --- products and activations ---
matrix = K.constant(rng.normal(size=(4, 5)))
batched = K.constant(rng.normal(size=(3, 4, 2)))
tour.update({
    "dot": total(K.dot(b, matrix)),
    "batch_dot": total(K.batch_dot(b, batched, axes=(1, 1))),
    "softmax_row": total(K.softmax(b)[0]),
    "softmax_first": float(np.asarray(K.softmax(b))[0, 0]),
    "sigmoid": total(K.sigmoid(b)),
    "hard_sigmoid": total(K.hard_sigmoid(b)),
    "relu_leaky_capped": total(K.relu(3 * b, alpha=0.1, max_value=2.0)),
    "elu": total(K.elu(b, alpha=0.5)),
    "softplus": total(K.softplus(b)),
    "l2_normalize": total(K.sum(K.square(K.l2_normalize(b, axis=-1)), axis=-1)),
})

# --- cross-entropies ---
probs = K.constant(rng.uniform(0.05, 0.95, size=(4, 1)))
labels = K.constant([[1.0], [0.0], [1.0], [0.0]])
logits = K.constant(rng.normal(size=(4, 3)))
one_hot = K.one_hot(K.constant([0, 2, 1, 1], dtype="int32"), 3)
tour.update({
    "bce": total(K.binary_crossentropy(labels, probs)),
    "bce_logits": total(K.binary_crossentropy(labels, logits[:, :1], from_logits=True)),
    "cce": total(K.categorical_crossentropy(one_hot, K.softmax(logits))),
    "cce_logits": total(K.categorical_crossentropy(one_hot, logits, from_logits=True)),
    "scce_logits": total(K.sparse_categorical_crossentropy(
        K.constant([0, 2, 1, 1], dtype="int32"), logits, from_logits=True)),
})


# --- images, sequences, state updates ---
images = K.constant(rng.normal(size=(2, 4, 4, 3)))
kernel = K.constant(rng.normal(size=(3, 3, 3, 2)))
sequence = K.constant(rng.normal(size=(2, 5, 3)))
moving = K.variable(np.zeros(3), dtype="float32")
K.moving_average_update(moving, K.constant([1.0, 2.0, 3.0]), 0.9)
steps = K.variable(np.array([1.0, 2.0]), dtype="float32")
K.update_add(steps, K.constant([0.5, 0.5]))
K.update_sub(steps, K.constant([0.25, 0.0]))
K.batch_set_value([(counter, np.ones((2, 2), "float32"))])
normalized = K.batch_normalization(b, K.mean(b, axis=0), K.var(b, axis=0), K.constant(0.5),
                                   K.constant(2.0), epsilon=1e-3)
tour.update({
    "conv2d": total(K.conv2d(images, kernel, padding="same")),
    "conv2d_valid_size": float(K.int_shape(K.conv2d(images, kernel))[1]),
    "pool2d_max": total(K.pool2d(images, (2, 2), strides=(2, 2), pool_mode="max")),
    "pool2d_avg": total(K.pool2d(images, (2, 2), strides=(2, 2), pool_mode="avg")),
    "resize_images": total(K.resize_images(images, 2, 2, "channels_last")),
    "resize_size": float(K.int_shape(K.resize_images(images, 2, 3, "channels_last"))[2]),
    "spatial_2d_padding": float(K.int_shape(K.spatial_2d_padding(images, ((1, 1), (2, 2))))[2]),
    "temporal_padding": total(K.temporal_padding(sequence, (1, 2))[:, 0]),
    "temporal_length": float(K.int_shape(K.temporal_padding(sequence, (1, 2)))[1]),
    "bias_add": total(K.bias_add(sequence, K.constant([1.0, 2.0, 3.0]))),
    "in_top_k": total(K.cast(K.in_top_k(logits, K.constant([0, 2, 1, 1], dtype="int32"), 2),
                             "float32")),
    "eye": total(K.eye(3) * 2),
    "arange": total(K.arange(2, 10, 3)),
    "cast_to_floatx_dtype": float(K.cast_to_floatx(np.arange(3)).dtype == np.float32),
    "moving_average": total(moving),
    "update_add_sub": total(steps),
    "batch_get_value": float(np.sum(K.batch_get_value([counter, steps])[0])),
    "batch_normalization": total(normalized),
    "stop_gradient": total(K.stop_gradient(b)),
    "focal_bce": total(K.binary_focal_crossentropy(labels, probs, gamma=2.0)),
    "focal_cce": total(K.categorical_focal_crossentropy(one_hot, K.softmax(logits))),
    "map_fn": total(K.map_fn(lambda row: K.sum(K.square(row)), b)),
    "foldl": total(K.foldl(lambda acc, row: acc + row, b)),
    "dropout_zero_rate": total(K.dropout(b, 0.0)),
})

# --- a classifier with a K.* loss, metric, Lambda layer and learning-rate callback ---
def weighted_bce(y_true, y_pred):
    y_pred = K.clip(y_pred, K.epsilon(), 1 - K.epsilon())
    weights = y_true * 2.0 + (1.0 - y_true)
    return K.mean(K.binary_crossentropy(y_true, y_pred) * weights, axis=-1)


def rounded_accuracy(y_true, y_pred):
    return K.mean(K.cast(K.equal(y_true, K.round(y_pred)), K.floatx()))


def set_learning_rate(optimizer, value):
    try:
        K.set_value(optimizer.learning_rate, value)
    except AttributeError:
        # Keras 3 on TensorFlow 2.21: K.set_value reads x.dtype.name, and a Keras 3 variable's
        # dtype is a string; assign is Keras 3's own way
        optimizer.learning_rate.assign(value)


class StepDecay(tf.keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 3:
            set_learning_rate(self.model.optimizer,
                              K.get_value(self.model.optimizer.learning_rate) * 0.2)
        self.rates.append(float(K.get_value(self.model.optimizer.learning_rate)))


n, features = 256, 6
x = rng.normal(size=(n, features)).astype("float32")
w_true = rng.normal(size=features)
y = (x @ w_true + 0.3 * rng.normal(size=n) > 0.4).astype("float32").reshape(-1, 1)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(features,)),
    layers.Lambda(lambda t: K.l2_normalize(t, axis=-1) * 3.0),
    layers.Dense(12, activation="tanh"),
    layers.Dense(1, activation="sigmoid"),
])
draw = np.random.default_rng(8)
model.set_weights([draw.normal(0.0, 0.5, w.shape).astype("float32") if w.ndim > 1
                   else np.zeros(w.shape, "float32") for w in model.get_weights()])
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.5), loss=weighted_bce,
              metrics=[rounded_accuracy])
schedule = StepDecay()
history = model.fit(x, y, batch_size=32, epochs=6, shuffle=False, verbose=0,
                    callbacks=[schedule])
eval_loss, eval_accuracy = model.evaluate(x, y, batch_size=n, verbose=0)
K.clear_session()

RESULT = {**settings, **tour,
          "learning_rate_0": schedule.rates[0], "learning_rate_5": schedule.rates[5],
          "eval_loss": float(eval_loss), "eval_accuracy": float(eval_accuracy),
          "params": float(model.count_params())}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
