"""The guide "Making new layers and models via subclassing", its parts in order: a Linear
layer with add_weight, a non-trainable weight (ComputeSum), build(input_shape) for lazy
weights, layers nested in a layer (also in a list and a dict), add_loss in call and
layer.losses (reset at each top-level call, including the regularization of an inner Dense),
get_config / from_config, a training argument (CustomDropout), a mask made by compute_mask
and used by the next layer, and a Model subclass (the guide's VAE, trained by fit with its
KL term added by add_loss).

The VAE starts from a fixed NumPy draw and its sampling noise is drawn with keras.random and a
seed, so the numbers are compared with Keras's loosely.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(23)
rng = np.random.default_rng(23)
RESULT = {}


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal",
                                 trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


x = ops.ones((2, 2))
linear_layer = Linear(4, 2)
y = linear_layer(x)
RESULT["linear_weights"] = float(len(linear_layer.weights))
RESULT["linear_shape"] = float(np.prod(ops.shape(y)))


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


my_sum = ComputeSum(2)
my_sum(x)
y = my_sum(x)
RESULT["sum_total"] = float(np.sum(ops.convert_to_numpy(y)))  # [4, 4]
RESULT["sum_weights"] = float(len(my_sum.weights))
RESULT["sum_non_trainable"] = float(len(my_sum.non_trainable_weights))
RESULT["sum_trainable"] = float(len(my_sum.trainable_weights))


class LazyLinear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal",
                                 trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = LazyLinear(32)
        self.linear_2 = LazyLinear(32)
        self.linear_3 = LazyLinear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = keras.activations.relu(x)
        x = self.linear_2(x)
        x = keras.activations.relu(x)
        return self.linear_3(x)


mlp = MLPBlock()
y = mlp(ops.ones(shape=(3, 64)))
RESULT["mlp_weights"] = float(len(mlp.weights))
RESULT["mlp_trainable"] = float(len(mlp.trainable_weights))


class Stack(keras.layers.Layer):
    """Layers held in a list and in a dict are tracked too."""

    def __init__(self):
        super().__init__()
        self.blocks = [LazyLinear(8), LazyLinear(8)]
        self.heads = {"a": LazyLinear(2), "b": LazyLinear(3)}

    def call(self, inputs):
        for block in self.blocks:
            inputs = ops.relu(block(inputs))
        return ops.concatenate([self.heads["a"](inputs), self.heads["b"](inputs)], axis=-1)


stack = Stack()
out = stack(ops.ones((2, 5)))
RESULT["stack_weights"] = float(len(stack.weights))
RESULT["stack_width"] = float(ops.shape(out)[-1])


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(inputs))
        return inputs


class OuterLayer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.activity_reg = ActivityRegularizationLayer(1e-2)

    def call(self, inputs):
        return self.activity_reg(inputs)


layer = OuterLayer()
RESULT["losses_before"] = float(len(layer.losses))
_ = layer(ops.zeros((1, 1)))
RESULT["losses_after_one"] = float(len(layer.losses))
_ = layer(ops.ones((1, 1)))
RESULT["losses_after_two"] = float(len(layer.losses))  # reset at each top-level call
RESULT["loss_value"] = float(ops.convert_to_numpy(layer.losses[0]))


class OuterLayerWithKernelRegularizer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(32, kernel_regularizer=keras.regularizers.l2(1e-3))

    def call(self, inputs):
        return self.dense(inputs)


layer = OuterLayerWithKernelRegularizer()
_ = layer(ops.zeros((1, 1)))
kernel = ops.convert_to_numpy(layer.dense.kernel)
RESULT["l2_gap"] = abs(float(ops.convert_to_numpy(layer.losses[0]))
                       - 1e-3 * float(np.sum(kernel**2)))

# add_loss inside a model trained by fit (compile's loss plus the layer's).
inputs = keras.Input(shape=(3,))
outputs = ActivityRegularizationLayer()(inputs)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
history = model.fit(np.ones((8, 3)), np.ones((8, 3)), epochs=1, verbose=0)
RESULT["fit_with_loss"] = float(history.history["loss"][0])  # 0 mse + 0.01 * mean(ones)
model.compile(optimizer="adam")
history = model.fit(np.ones((8, 3)), np.ones((8, 3)), epochs=1, verbose=0)
RESULT["fit_layer_loss_only"] = float(history.history["loss"][0])


class ConfigLinear(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal",
                                 trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


layer = ConfigLinear(64, name="linear_64")
config = layer.get_config()
new_layer = ConfigLinear.from_config(config)
RESULT["config_units"] = float(new_layer.units)
RESULT["config_name_kept"] = float(new_layer.name == "linear_64")


class CustomDropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs, training=None):
        if training:
            return keras.random.dropout(inputs, rate=self.rate, seed=self.seed_generator)
        return inputs


dropout = CustomDropout(0.5)
ones = ops.ones((40, 50))
RESULT["dropout_inference_change"] = float(np.max(np.abs(
    ops.convert_to_numpy(dropout(ones)) - 1.0)))
dropped = ops.convert_to_numpy(dropout(ones, training=True))
RESULT["dropout_kept"] = float(np.mean(dropped > 0))
RESULT["dropout_scale"] = float(dropped.max())


class PositiveMask(keras.layers.Layer):
    """Masks the steps whose first feature is not positive."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return ops.greater(inputs[:, :, 0], 0.0)


class MaskedMean(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None


sequence = rng.normal(size=(4, 6, 3)).astype("float32")
masked = MaskedMean()(PositiveMask()(sequence))
keep = sequence[:, :, :1] > 0
by_hand = (sequence * keep).sum(axis=1) / np.maximum(keep.sum(axis=1), 1)
RESULT["masked_mean_gap"] = float(np.max(np.abs(ops.convert_to_numpy(masked) - by_hand)))
inputs = keras.Input(shape=(6, 3))
outputs = layers.Dense(1)(MaskedMean()(PositiveMask()(inputs)))
masked_model = keras.Model(inputs, outputs)
masked_model.set_weights([np.ones((3, 1), "float32"), np.zeros(1, "float32")])
RESULT["masked_model_gap"] = float(np.max(np.abs(
    masked_model.predict(sequence, verbose=0)[:, 0] - by_hand.sum(axis=1))))


# The guide's VAE, a Model subclass trained with fit.
class Sampling(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class Encoder(layers.Layer):
    def __init__(self, latent_dim=4, intermediate_dim=16, name="encoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_mean = layers.Dense(latent_dim)
        self.dense_log_var = layers.Dense(latent_dim)
        self.sampling = Sampling()

    def call(self, inputs):
        x = self.dense_proj(inputs)
        z_mean = self.dense_mean(x)
        z_log_var = self.dense_log_var(x)
        z = self.sampling((z_mean, z_log_var))
        return z_mean, z_log_var, z


class Decoder(layers.Layer):
    def __init__(self, original_dim, intermediate_dim=16, name="decoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_output = layers.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        x = self.dense_proj(inputs)
        return self.dense_output(x)


class VariationalAutoEncoder(keras.Model):
    def __init__(self, original_dim, intermediate_dim=16, latent_dim=4,
                 name="autoencoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.original_dim = original_dim
        self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        kl_loss = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
        self.add_loss(kl_loss)
        return reconstructed


original_dim = 20
images = (rng.random((256, original_dim)) > 0.5).astype("float32")
images[:, 10:] = images[:, :10]  # half the pixels copy the other half
vae = VariationalAutoEncoder(original_dim, 16, 4)
vae(images[:2])
vae.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") for w in vae.get_weights()])
vae.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3),
            loss=keras.losses.BinaryCrossentropy())
history = vae.fit(images, images, epochs=5, batch_size=32, shuffle=False, verbose=0)
RESULT["vae_weights"] = float(len(vae.weights))
RESULT["vae_loss_0"] = float(history.history["loss"][0])
RESULT["vae_loss_4"] = float(history.history["loss"][-1])
print(RESULT)
