"""After the keras.io example "Using the Forward-Forward Algorithm for Image Classification": an
FFDense layer that wraps a Dense and a ReLU, normalises its input with tf.norm, and trains
itself in forward_forward: its own loop of tf.GradientTape steps on the "goodness"
(tf.math.reduce_mean of tf.math.pow(h, 2)) of positive and negative samples, a softplus of
the margin written with tf.math.log and tf.math.exp over a tf.concat, its own Mean metric fed
a list, its own optimizer's apply_gradients on the Dense's weights, tf.stop_gradient outputs;
an FFNetwork keras.Model with tf.Variable counters, a list attribute that starts with a
keras.Input, label overlays written with tf.function(reduce_retracing=True), tf.reduce_max,
float64 casts and a slice update, mapped over the batch with tf.map_fn on (x, y) tuples; a
train_step that flattens with tf.reshape of tf.shape sizes, draws negative labels with
tf.random.shuffle, walks self.layers with isinstance, and returns {"FinalLoss": ...}; a
predict override that maps predict_one_sample (the goodness of every label, tf.argmax) over
the test images; compile with loss="mse", fit on a tf.data batch of the whole training set.

The example's xla.dynamic_update_slice (TensorFlow's private XLA module) is written with
keras.ops.slice_update, and each layer gets its own Adam, as the example's comments say and
as Keras 3 requires (one optimizer refuses a second set of variables). MNIST becomes 8x8
float64 images of ten noisy patterns whose first ten pixels are 0, the layers are 32 wide and
train 20 steps a batch. The negative labels are each framework's own shuffle, so only levels
are compared with Keras (TensorFlow).
"""

import numpy as np

import numnet as keras
import numnet as tf

RESULT = {}

tf.random.set_seed(7)
rng = np.random.default_rng(59)
patterns = (rng.uniform(size=(10, 64)) < 0.5).astype("float64")
patterns[:, :10] = 0.0


def make_split(count):
    y = rng.integers(0, 10, count)
    x = np.clip(patterns[y] * 200 + rng.normal(0, 40, (count, 64)), 0, 255)
    x[:, :10] = 0.0
    return x.reshape(count, 8, 8), y


(x_train, y_train), (x_test, y_test) = make_split(300), make_split(100)

x_train = x_train.astype(float) / 255
x_test = x_test.astype(float) / 255
y_train = y_train.astype(int)
y_test = y_test.astype(int)

train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test))

train_dataset = train_dataset.batch(300)
test_dataset = test_dataset.batch(100)


class FFDense(keras.layers.Layer):
    """
    A custom ForwardForward-enabled Dense layer. It has an implementation of the
    Forward-Forward network internally for use.
    This layer must be used in conjunction with the `FFNetwork` model.
    """

    def __init__(
        self,
        units,
        optimizer,
        loss_metric,
        num_epochs=50,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(
            units=units,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
        )
        self.relu = keras.layers.ReLU()
        self.optimizer = optimizer
        self.loss_metric = loss_metric
        self.threshold = 1.5
        self.num_epochs = num_epochs

    # We perform a normalization step before we run the input through the Dense
    # layer.

    def call(self, x):
        x_norm = tf.norm(x, ord=2, axis=1, keepdims=True)
        x_norm = x_norm + 1e-4
        x_dir = x / x_norm
        res = self.dense(x_dir)
        return self.relu(res)

    # The Forward-Forward algorithm is below. We first perform the Dense-layer
    # operation and then get a Mean Square value for all positive and negative
    # samples respectively.

    def forward_forward(self, x_pos, x_neg):
        for i in range(self.num_epochs):  # noqa: B007
            with tf.GradientTape() as tape:
                g_pos = tf.math.reduce_mean(tf.math.pow(self.call(x_pos), 2), 1)
                g_neg = tf.math.reduce_mean(tf.math.pow(self.call(x_neg), 2), 1)

                loss = tf.math.log(
                    1
                    + tf.math.exp(
                        tf.concat([-g_pos + self.threshold, g_neg - self.threshold], 0)
                    )
                )
                mean_loss = tf.cast(tf.math.reduce_mean(loss), tf.float32)
                self.loss_metric.update_state([mean_loss])
            gradients = tape.gradient(mean_loss, self.dense.trainable_weights)
            self.optimizer.apply_gradients(zip(gradients, self.dense.trainable_weights))
        return (
            tf.stop_gradient(self.call(x_pos)),
            tf.stop_gradient(self.call(x_neg)),
            self.loss_metric.result(),
        )


class FFNetwork(keras.Model):
    """
    A `keras.Model` that supports a `FFDense` network creation. This model
    can work for any kind of classification task. It has an internal
    implementation with some details specific to the MNIST dataset which can be
    changed as per the use-case.
    """

    # Since each layer runs gradient-calculation and optimization locally, each
    # layer has its own optimizer that we pass. As a standard choice, we pass
    # the `Adam` optimizer with a default learning rate of 0.03 as that was
    # found to be the best rate after experimentation.
    # Loss is tracked using `loss_var` and `loss_count` variables.

    def __init__(self, dims, layer_learning_rate=0.03, **kwargs):
        super().__init__(**kwargs)
        self.loss_var = tf.Variable(0.0, trainable=False, dtype=tf.float32)
        self.loss_count = tf.Variable(0.0, trainable=False, dtype=tf.float32)
        self.layer_list = [keras.Input(shape=(dims[0],))]
        for d in range(len(dims) - 1):
            self.layer_list += [
                FFDense(
                    dims[d + 1],
                    optimizer=keras.optimizers.Adam(learning_rate=layer_learning_rate),
                    loss_metric=keras.metrics.Mean(),
                    num_epochs=20,
                )
            ]

    # This function makes a dynamic change to the image wherein the labels are
    # put on top of the original image (for this example, as MNIST has 10
    # unique labels, we take the top-left corner's first 10 pixels). This
    # function returns the original data tensor with the first 10 pixels being
    # a pixel-based one-hot representation of the labels.

    @tf.function(reduce_retracing=True)
    def overlay_y_on_x(self, data):
        X_sample, y_sample = data
        max_sample = tf.reduce_max(X_sample, axis=0, keepdims=True)
        max_sample = tf.cast(max_sample, dtype=tf.float64)
        X_zeros = tf.zeros([10], dtype=tf.float64)
        X_update = keras.ops.slice_update(X_zeros, [y_sample], max_sample)
        X_sample = keras.ops.slice_update(X_sample, [0], X_update)
        return X_sample, y_sample

    # A custom `predict_one_sample` performs predictions by passing the images
    # through the network, measures the results produced by each layer (i.e.
    # how high/low the output values are with respect to the set threshold for
    # each label) and then simply finding the label with the highest values.
    # In such a case, the images are tested for their 'goodness' with all
    # labels.

    @tf.function(reduce_retracing=True)
    def predict_one_sample(self, x):
        goodness_per_label = []
        x = tf.reshape(x, [tf.shape(x)[0] * tf.shape(x)[1]])
        for label in range(10):
            h, label = self.overlay_y_on_x(data=(x, label))  # noqa: PLW2901
            h = tf.reshape(h, [-1, tf.shape(h)[0]])
            goodness = []
            for layer_idx in range(1, len(self.layer_list)):
                layer = self.layer_list[layer_idx]
                h = layer(h)
                goodness += [tf.math.reduce_mean(tf.math.pow(h, 2), 1)]
            goodness_per_label += [tf.expand_dims(tf.reduce_sum(goodness, keepdims=True), 1)]
        goodness_per_label = tf.concat(goodness_per_label, 1)
        return tf.cast(tf.argmax(goodness_per_label, 1), tf.float64)

    def predict(self, data):
        x = data
        preds = list()
        preds = tf.map_fn(fn=self.predict_one_sample, elems=x)
        return np.asarray(preds, dtype=int)

    # This custom `train_step` function overrides the internal `train_step`
    # implementation. We take all the input image tensors, flatten them and
    # subsequently produce positive and negative samples on the images.
    # A positive sample is an image that has the right label encoded on it with
    # the `overlay_y_on_x` function. A negative sample is an image that has an
    # erroneous label present on it.

    def train_step(self, data):
        x, y = data

        # Flatten op
        x = tf.reshape(x, [-1, tf.shape(x)[1] * tf.shape(x)[2]])

        x_pos, y = tf.map_fn(fn=self.overlay_y_on_x, elems=(x, y))

        random_y = tf.random.shuffle(y)
        x_neg, y = tf.map_fn(fn=self.overlay_y_on_x, elems=(x, random_y))

        h_pos, h_neg = x_pos, x_neg

        for idx, layer in enumerate(self.layers):
            if isinstance(layer, FFDense):
                print(f"Training layer {idx+1} now : ")
                h_pos, h_neg, loss = layer.forward_forward(h_pos, h_neg)
                self.loss_var.assign_add(loss)
                self.loss_count.assign_add(1.0)
            else:
                print(f"Passing layer {idx+1} now : ")
                x = layer(x)
        mean_res = tf.math.divide(self.loss_var, self.loss_count)
        return {"FinalLoss": mean_res}


# The overlay by hand: the first ten pixels become a one-hot row scaled by the image's maximum
# (numnet takes the float64 NumPy image as float32, as Keras on JAX does: 3e-8 apart)
network = FFNetwork(dims=[64, 32, 32])
flat = x_train[:1].reshape(1, 64)
overlaid, label = network.overlay_y_on_x((flat[0], 3))
expected = flat[0].copy()
expected[:10] = 0.0
expected[3] = flat[0].max()
RESULT["overlay_error"] = float(np.max(np.abs(np.asarray(overlaid) - expected)))
RESULT["overlay_is_float64"] = float(overlaid.dtype == tf.float64)

model = FFNetwork(dims=[64, 32, 32])

model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.03),
    loss="mse",
)
RESULT["ff_layers"] = float(sum(isinstance(layer, FFDense) for layer in model.layers))

epochs = 10
history = model.fit(train_dataset, epochs=epochs, verbose=0)
RESULT["final_loss_first"] = float(history.history["FinalLoss"][0])
RESULT["final_loss_last"] = float(history.history["FinalLoss"][-1])
RESULT["layer_iterations"] = float(sum(
    int(layer.optimizer.iterations) for layer in model.layers if isinstance(layer, FFDense)))
RESULT["loss_count"] = float(model.loss_count.numpy())

preds = model.predict(tf.convert_to_tensor(x_test))

preds = preds.reshape((preds.shape[0], preds.shape[1]))

results = float(np.mean(preds[:, 0] == y_test))
RESULT["test_accuracy"] = results

print(f"Test Accuracy score : {results*100}%")
print(RESULT)
