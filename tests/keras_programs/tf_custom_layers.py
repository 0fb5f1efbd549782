"""The TensorFlow tutorial "Custom layers": a Dense given input_shape, its variables, kernel and
bias; a layer of its own with add_weight in build (the names of its trainable variables); a
ResNet identity block as a Model subclass of Conv2D and BatchNormalization layers called with
``training`` (its layers, its 18 variables, summary), and the same as a Sequential of layers
with an input_shape of free height and width; then the block trained by fit for a few steps.

Keras 3 takes add_weight's name as a keyword (the tutorial's first positional argument was
the name in Keras 2), so the name is given by keyword here.
"""

import numpy as np

import numnet as tf

tf.random.set_seed(3)
RESULT = {}

layer = tf.keras.layers.Dense(100)
layer = tf.keras.layers.Dense(10, input_shape=(None, 5))
output = layer(tf.zeros([10, 5]))
RESULT["dense_output_rows"] = float(output.shape[0])
RESULT["dense_variables"] = float(len(layer.variables))
RESULT["dense_kernel_size"] = float(np.prod(layer.kernel.shape))  # 5 x 10
RESULT["dense_bias_sum"] = float(np.sum(layer.bias.numpy()))


class MyDenseLayer(tf.keras.layers.Layer):
    def __init__(self, num_outputs):
        super().__init__()
        self.num_outputs = num_outputs

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel",
                                      shape=[int(input_shape[-1]),
                                             self.num_outputs])

    def call(self, inputs):
        return tf.matmul(inputs, self.kernel)


layer = MyDenseLayer(10)
_ = layer(tf.zeros([10, 5]))
names = [var.name for var in layer.trainable_variables]
RESULT["my_dense_names"] = float(len(names) == 1 and names[0].split(":")[0].endswith("kernel"))
RESULT["my_dense_output_sum"] = float(np.sum(_.numpy()))


class ResnetIdentityBlock(tf.keras.Model):
    def __init__(self, kernel_size, filters):
        super().__init__(name="")
        filters1, filters2, filters3 = filters

        self.conv2a = tf.keras.layers.Conv2D(filters1, (1, 1))
        self.bn2a = tf.keras.layers.BatchNormalization()

        self.conv2b = tf.keras.layers.Conv2D(filters2, kernel_size, padding="same")
        self.bn2b = tf.keras.layers.BatchNormalization()

        self.conv2c = tf.keras.layers.Conv2D(filters3, (1, 1))
        self.bn2c = tf.keras.layers.BatchNormalization()

    def call(self, input_tensor, training=False):
        x = self.conv2a(input_tensor)
        x = self.bn2a(x, training=training)
        x = tf.nn.relu(x)

        x = self.conv2b(x)
        x = self.bn2b(x, training=training)
        x = tf.nn.relu(x)

        x = self.conv2c(x)
        x = self.bn2c(x, training=training)

        x += input_tensor
        return tf.nn.relu(x)


block = ResnetIdentityBlock(1, [1, 2, 3])
_ = block(tf.zeros([1, 2, 3, 3]))
RESULT["block_layers"] = float(len(block.layers))
RESULT["block_variables"] = float(len(block.variables))
RESULT["block_trainable"] = float(len(block.trainable_variables))
block.summary()
RESULT["block_params"] = float(block.count_params())

my_seq = tf.keras.Sequential([tf.keras.layers.Conv2D(1, (1, 1),
                                                     input_shape=(
                                                         None, None, 3)),
                              tf.keras.layers.BatchNormalization(),
                              tf.keras.layers.Conv2D(2, 1,
                                                     padding="same"),
                              tf.keras.layers.BatchNormalization(),
                              tf.keras.layers.Conv2D(3, (1, 1)),
                              tf.keras.layers.BatchNormalization()])
seq_output = my_seq(tf.zeros([1, 2, 3, 3]))
RESULT["seq_output_size"] = float(np.prod(seq_output.shape))
my_seq.summary()
RESULT["seq_params"] = float(my_seq.count_params())
RESULT["seq_free_size"] = float(my_seq(tf.zeros([2, 5, 7, 3])).shape[2])

rng = np.random.default_rng(3)
x = rng.normal(size=(64, 4, 4, 3)).astype("float32")
y = np.maximum(x, 0.0) * 0.5
block = ResnetIdentityBlock(3, [4, 4, 3])
block.compile(optimizer=tf.keras.optimizers.Adam(1e-2), loss="mse")
history = block.fit(x, y, batch_size=16, epochs=4, verbose=0)
RESULT["fit_loss_0"] = history.history["loss"][0]
RESULT["fit_loss_3"] = history.history["loss"][3]
moving_mean = block.bn2a.moving_mean.numpy()
RESULT["moving_mean_moved"] = float(np.any(moving_mean != 0))
inference = block(x[:4], training=False).numpy()
again = block.predict(x[:4], verbose=0)
RESULT["predict_gap"] = float(np.max(np.abs(inference - again)))
print(RESULT)
