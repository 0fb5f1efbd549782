"""The migration guide's table of TensorFlow ops and the keras.ops that replace them, run side by
side on the same arrays: a layer written with tf.* ops (as in tf.keras 2) and its rewrite with
keras.ops must give the same numbers.

Each pair of the guide's table (tf.abs / ops.absolute, tf.reduce_all / ops.all, tf.reduce_max /
ops.amax, tf.concat / ops.concatenate, tf.range / ops.arange, tf.atan2 / ops.arctan2,
tf.clip_by_value / ops.clip, tf.linalg.diag_part / ops.diagonal, tf.reverse / ops.flip,
tf.gather / ops.take, tf.math.is_finite / ops.isfinite, tf.rank / ops.ndim, tf.math.pow /
ops.power, tf.reduce_prod / ops.prod, tf.math.reduce_std / ops.std, tf.math.reduce_variance /
ops.var, tf.gather_nd / ops.take_along_axis, tf.nn.sigmoid_cross_entropy_with_logits /
ops.binary_crossentropy, tf.nn.sparse_softmax_cross_entropy_with_logits /
ops.sparse_categorical_crossentropy, tf.nn.softmax_cross_entropy_with_logits /
ops.categorical_crossentropy, tf.nn.conv2d / ops.conv, tf.nn.conv2d_transpose /
ops.conv_transpose, tf.nn.depthwise_conv2d / ops.depthwise_conv, tf.nn.separable_conv2d /
ops.separable_conv, tf.nn.embedding_lookup / ops.take, tf.nn.l2_normalize / utils.normalize,
tf.tensor_scatter_nd_update / ops.scatter_update, tf.signal.fft2d / ops.fft2), then a layer
written both ways and trained inside one model from a NumPy draw of weights.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

rng = np.random.default_rng(31)
x = rng.normal(size=(3, 4)).astype("float32")
y = rng.normal(size=(3, 4)).astype("float32")
square = rng.normal(size=(4, 4)).astype("float32")
images = rng.normal(size=(2, 6, 6, 3)).astype("float32")
kernel = rng.normal(size=(3, 3, 3, 4)).astype("float32")
depthwise = rng.normal(size=(3, 3, 3, 2)).astype("float32")
pointwise = rng.normal(size=(1, 1, 6, 5)).astype("float32")
transpose_kernel = rng.normal(size=(3, 3, 2, 3)).astype("float32")
table = rng.normal(size=(10, 4)).astype("float32")
logits = rng.normal(size=(5, 3)).astype("float32")
sparse_labels = np.array([0, 2, 1, 1, 0])
dense_labels = np.eye(3, dtype="float32")[sparse_labels]
binary_labels = rng.integers(0, 2, size=(5, 3)).astype("float32")
special = np.array([[1.0, np.inf, np.nan, -np.inf]], "float32")


def gap(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return 1e9
    if a.dtype == bool or b.dtype == bool:
        return float(np.sum(a != b))
    return float(np.max(np.abs(a.astype("float64") - b.astype("float64")))) if a.size else 0.0


pairs = {
    "abs": (tf.abs(x), ops.absolute(x)),
    "all": (tf.reduce_all(x > -1.0, axis=1), ops.all(x > -1.0, axis=1)),
    "amax": (tf.reduce_max(x, axis=0), ops.amax(x, axis=0)),
    "amin": (tf.reduce_min(x, axis=1), ops.amin(x, axis=1)),
    "any": (tf.reduce_any(x > 1.0, axis=0), ops.any(x > 1.0, axis=0)),
    "concat": (tf.concat([x, y], axis=1), ops.concatenate([x, y], axis=1)),
    "range": (tf.range(1, 10, 2), ops.arange(1, 10, 2)),
    "atan2": (tf.atan2(x, y), ops.arctan2(x, y)),
    "mean": (tf.reduce_mean(x, axis=1), ops.mean(x, axis=1)),
    "clip": (tf.clip_by_value(x, -0.5, 0.5), ops.clip(x, -0.5, 0.5)),
    "diag_part": (tf.linalg.diag_part(square), ops.diagonal(square)),
    "reverse": (tf.reverse(x, axis=[1]), ops.flip(x, axis=1)),
    "gather": (tf.gather(table, [3, 1, 3]), ops.take(table, [3, 1, 3], axis=0)),
    "is_finite": (tf.math.is_finite(special), ops.isfinite(special)),
    "rank": (tf.rank(images), ops.ndim(images)),
    "pow": (tf.math.pow(tf.abs(x), 1.5), ops.power(ops.absolute(x), 1.5)),
    "prod": (tf.reduce_prod(x, axis=0), ops.prod(x, axis=0)),
    "std": (tf.math.reduce_std(x, axis=1), ops.std(x, axis=1)),
    "sum": (tf.reduce_sum(x, axis=0), ops.sum(x, axis=0)),
    "variance": (tf.math.reduce_variance(x, axis=0), ops.var(x, axis=0)),
    "gather_nd": (tf.gather_nd(x, [[0, 1], [1, 3], [2, 0]]),
                  ops.take_along_axis(x, np.array([[1], [3], [0]]), axis=1)[:, 0]),
    "sigmoid_xent": (tf.nn.sigmoid_cross_entropy_with_logits(labels=binary_labels, logits=logits),
                     ops.binary_crossentropy(binary_labels, logits, from_logits=True)),
    "sparse_softmax_xent": (
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=sparse_labels, logits=logits),
        ops.sparse_categorical_crossentropy(sparse_labels, logits, from_logits=True)),
    "softmax_xent": (tf.nn.softmax_cross_entropy_with_logits(labels=dense_labels, logits=logits),
                     ops.categorical_crossentropy(dense_labels, logits, from_logits=True)),
    "conv2d": (tf.nn.conv2d(images, kernel, strides=1, padding="SAME"),
               ops.conv(images, kernel, strides=1, padding="same")),
    "conv2d_strided": (tf.nn.conv2d(images, kernel, strides=2, padding="VALID"),
                       ops.conv(images, kernel, strides=2, padding="valid")),
    "conv2d_transpose": (
        tf.nn.conv2d_transpose(images[..., :3], transpose_kernel, output_shape=(2, 12, 12, 2),
                               strides=2, padding="SAME"),
        ops.conv_transpose(images[..., :3], transpose_kernel, strides=2, padding="same")),
    "depthwise_conv2d": (tf.nn.depthwise_conv2d(images, depthwise, strides=[1, 1, 1, 1],
                                                padding="SAME"),
                         ops.depthwise_conv(images, depthwise, strides=1, padding="same")),
    "separable_conv2d": (tf.nn.separable_conv2d(images, depthwise, pointwise,
                                                strides=[1, 1, 1, 1], padding="VALID"),
                         ops.separable_conv(images, depthwise, pointwise, strides=1,
                                            padding="valid")),
    "embedding_lookup": (tf.nn.embedding_lookup(table, [[1, 2], [9, 0]]),
                         ops.take(table, np.array([[1, 2], [9, 0]]), axis=0)),
    "l2_normalize": (tf.nn.l2_normalize(x, axis=-1),
                     keras.utils.normalize(x, axis=-1, order=2)),
    "scatter_update": (tf.tensor_scatter_nd_update(x, [[0, 1], [2, 2]], [10.0, 20.0]),
                       ops.scatter_update(x, [[0, 1], [2, 2]], [10.0, 20.0])),
}
real, imag = tf.math.real(tf.signal.fft2d(tf.complex(square, square * 0.0))), \
    tf.math.imag(tf.signal.fft2d(tf.complex(square, square * 0.0)))
keras_real, keras_imag = ops.fft2((square, np.zeros_like(square)))
pairs["fft2_real"] = (real, keras_real)
pairs["fft2_imag"] = (imag, keras_imag)

RESULT = {f"{name}_gap": gap(a, b) for name, (a, b) in pairs.items()}
RESULT.update({f"{name}_sum": float(np.sum(np.asarray(b, dtype="float64")))
               for name, (a, b) in pairs.items()})


# --- a layer in tf ops (tf.keras 2) and its keras.ops rewrite, trained side by side ---
class GatedTf(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 2 * self.units),
                                 initializer="glorot_uniform")

    def call(self, inputs):
        value, gate = tf.split(tf.matmul(inputs, self.w), 2, axis=-1)
        return tf.math.tanh(value) * tf.math.sigmoid(gate)


class GatedOps(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 2 * self.units),
                                 initializer="glorot_uniform")

    def call(self, inputs):
        value, gate = ops.split(ops.matmul(inputs, self.w), 2, axis=-1)
        return ops.tanh(value) * ops.sigmoid(gate)


features = rng.normal(size=(128, 5)).astype("float32")
targets = (np.sin(features[:, :1]) + 0.5 * features[:, 1:2]).astype("float32")
inputs = keras.Input(shape=(5,))
merged = layers.Concatenate()([GatedTf(4, name="gated_tf")(inputs),
                               GatedOps(4, name="gated_ops")(inputs)])
model = keras.Model(inputs, layers.Dense(1)(merged))
draw = np.random.default_rng(6)
start = [draw.normal(0.0, 0.5, w.shape).astype("float32") if w.ndim > 1
         else np.zeros(w.shape, "float32") for w in model.get_weights()]
start[1] = start[0].copy()  # the two gated layers start from the same kernel
model.set_weights(start)
probe_tf = np.asarray(model.get_layer("gated_tf")(features[:4]))
probe_ops = np.asarray(model.get_layer("gated_ops")(features[:4]))
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit(features, targets, batch_size=32, epochs=6, shuffle=False, verbose=0)

RESULT["layer_gap"] = gap(probe_tf, probe_ops)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
