"""After the keras.io example "Face image generation with StyleGAN": its building blocks and
progressive growing. fade_in, the Wasserstein loss and pixel_norm as functions of keras.ops;
MinibatchStd (the standard deviation over groups of the batch appended as a channel, with
ops.var and ops.tile), EqualizedConv (reflect padding, ops.conv of a kernel scaled by
sqrt(gain / fan_in)), EqualizedDense with a learning-rate multiplier, AddNoise and AdaIN
(style scales and biases from the mapped code); the Mapping network (pixel_norm, eight
equalized layers, the code tiled per stage), a Generator and a Discriminator whose blocks are
functional models (GroupNormalization(groups=-1), UpSampling2D, AveragePooling2D, Sequentials
from an InputLayer) and whose grow() wires the blocks of a resolution into a model that fades
between the previous resolution and the new one (``alpha[0]`` of an Input, ``w[:, i]``).

The network is small (4x4 grown to 8x8, 16 filters, a 16-wide style code; the example's 512
filters up to 64x64 faces), its weights a NumPy draw, and the images and noises NumPy draws,
so the generated images and the discriminator's scores are Keras's to float32 rounding. The
discriminator at 8x8 is then fit alone with the Wasserstein loss on real (+1) and generated
(-1) images on unshuffled batches, so its losses follow Keras's too.
"""

import numpy as np

import numnet as keras
from numnet import layers
from numnet.models import Sequential

Z_DIM = 16
rng = np.random.default_rng(19)


def log2(x):
    return int(np.log2(x))


def fade_in(alpha, a, b):
    return alpha * a + (1.0 - alpha) * b


def wasserstein_loss(y_true, y_pred):
    return -keras.ops.mean(y_true * y_pred)


def pixel_norm(x, epsilon=1e-8):
    return x / keras.ops.sqrt(keras.ops.mean(x**2, axis=-1, keepdims=True) + epsilon)


class MinibatchStd(layers.Layer):
    def __init__(self, group_size=4, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.group_size = group_size
        self.epsilon = epsilon

    def call(self, input_tensor):
        shape = keras.ops.shape(input_tensor)
        n, h, w, c = shape[0], shape[1], shape[2], shape[3]
        group_size = keras.ops.minimum(self.group_size, n)
        x = keras.ops.reshape(input_tensor, (group_size, -1, h, w, c))
        group_mean = keras.ops.mean(x, axis=0, keepdims=False)  # noqa: F841 (as the example)
        group_var = keras.ops.var(x, axis=0, keepdims=False)
        group_std = keras.ops.sqrt(group_var + self.epsilon)
        avg_std = keras.ops.mean(group_std, axis=[1, 2, 3], keepdims=True)
        x_std = keras.ops.tile(avg_std, (group_size, h, w, 1))
        return keras.ops.concatenate([input_tensor, x_std], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (input_shape[-1] + 1,)


class EqualizedConv(layers.Layer):
    def __init__(self, out_channels, kernel=3, gain=2, **kwargs):
        super().__init__(**kwargs)
        self.kernel = kernel
        self.out_channels = out_channels
        self.gain = gain
        self.pad = kernel != 1

    def build(self, input_shape):
        self.in_channels = input_shape[-1]
        initializer = keras.initializers.RandomNormal(mean=0.0, stddev=1.0)
        self.w = self.add_weight(
            shape=[self.kernel, self.kernel, self.in_channels, self.out_channels],
            initializer=initializer,
            trainable=True,
            name="kernel",
        )
        self.b = self.add_weight(
            shape=(self.out_channels,), initializer="zeros", trainable=True, name="bias"
        )
        fan_in = self.kernel * self.kernel * self.in_channels
        self.scale = float(np.sqrt(self.gain / fan_in))

    def call(self, inputs):
        if self.pad:
            x = keras.ops.pad(inputs, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="reflect")
        else:
            x = inputs
        output = keras.ops.conv(x, self.scale * self.w, strides=1, padding="valid") + self.b
        return output

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (self.out_channels,)


class EqualizedDense(layers.Layer):
    def __init__(self, units, gain=2, learning_rate_multiplier=1, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.gain = gain
        self.learning_rate_multiplier = learning_rate_multiplier

    def build(self, input_shape):
        self.in_channels = input_shape[-1]
        initializer = keras.initializers.RandomNormal(
            mean=0.0, stddev=1.0 / self.learning_rate_multiplier
        )
        self.w = self.add_weight(
            shape=[self.in_channels, self.units],
            initializer=initializer,
            trainable=True,
            name="kernel",
        )
        self.b = self.add_weight(
            shape=(self.units,), initializer="zeros", trainable=True, name="bias"
        )
        fan_in = self.in_channels
        self.scale = float(np.sqrt(self.gain / fan_in))

    def call(self, inputs):
        output = keras.ops.add(keras.ops.matmul(inputs, self.scale * self.w), self.b)
        return output * self.learning_rate_multiplier


class AddNoise(layers.Layer):
    def build(self, input_shape):
        n, h, w, c = input_shape[0]
        initializer = keras.initializers.RandomNormal(mean=0.0, stddev=1.0)
        self.b = self.add_weight(
            shape=[1, 1, 1, c], initializer=initializer, trainable=True, name="kernel"
        )

    def call(self, inputs):
        x, noise = inputs
        output = x + self.b * noise
        return output


class AdaIN(layers.Layer):
    def __init__(self, gain=1, **kwargs):
        super().__init__(**kwargs)
        self.gain = gain
        self.dense_1 = None
        self.dense_2 = None

    def build(self, input_shapes):
        x_shape = input_shapes[0]
        w_shape = input_shapes[1]
        self.w_channels = w_shape[-1]
        self.x_channels = x_shape[-1]
        if self.dense_1 is None:
            self.dense_1 = EqualizedDense(self.x_channels, gain=1)
            self.dense_2 = EqualizedDense(self.x_channels, gain=1)

    def call(self, inputs):
        x, w = inputs
        ys = keras.ops.reshape(self.dense_1(w), (-1, 1, 1, self.x_channels))
        yb = keras.ops.reshape(self.dense_2(w), (-1, 1, 1, self.x_channels))
        return ys * x + yb


def Mapping(num_stages, input_shape=Z_DIM):
    z = layers.Input(shape=(input_shape,))
    w = pixel_norm(z)
    for _ in range(8):
        w = EqualizedDense(Z_DIM, learning_rate_multiplier=0.01)(w)
        w = layers.LeakyReLU(0.2)(w)
    w = keras.ops.tile(keras.ops.expand_dims(w, 1), (1, num_stages, 1))
    return keras.Model(z, w, name="mapping")


FILTER_NUMS = {1: 16, 2: 16, 3: 16, 4: 8}


class Generator:
    def __init__(self, start_res_log2, target_res_log2):
        self.start_res_log2 = start_res_log2
        self.target_res_log2 = target_res_log2
        self.num_stages = target_res_log2 - start_res_log2 + 1
        self.g_blocks = []
        self.to_rgb = []
        self.noise_inputs = []
        self.filter_nums = FILTER_NUMS

        start_res = 2**start_res_log2
        self.input_shape = (start_res, start_res, self.filter_nums[start_res_log2])
        self.g_input = layers.Input(self.input_shape, name="generator_input")

        for i in range(start_res_log2, target_res_log2 + 1):
            filter_num = self.filter_nums[i]
            res = 2**i
            self.noise_inputs.append(layers.Input(shape=(res, res, 1), name=f"noise_{res}x{res}"))
            to_rgb = Sequential(
                [
                    layers.InputLayer(shape=(res, res, filter_num)),
                    EqualizedConv(3, 1, gain=1),
                    layers.Activation("tanh"),
                ],
                name=f"to_rgb_{res}x{res}",
            )
            self.to_rgb.append(to_rgb)
            is_base = i == self.start_res_log2
            if is_base:
                input_shape = (res, res, self.filter_nums[i - 1])
            else:
                input_shape = (2 ** (i - 1), 2 ** (i - 1), self.filter_nums[i - 1])
            g_block = self.build_block(filter_num, res=res, input_shape=input_shape,
                                       is_base=is_base)
            self.g_blocks.append(g_block)

    def build_block(self, filter_num, res, input_shape, is_base):
        input_tensor = layers.Input(shape=input_shape, name=f"g_{res}")
        noise = layers.Input(shape=(res, res, 1), name=f"noise_{res}")
        w = layers.Input(shape=(Z_DIM,))
        x = input_tensor

        if not is_base:
            x = layers.UpSampling2D((2, 2))(x)
            x = EqualizedConv(filter_num, 3)(x)

        x = AddNoise()([x, noise])
        x = layers.LeakyReLU(0.2)(x)
        x = layers.GroupNormalization(groups=-1)(x)
        x = AdaIN()([x, w])

        x = EqualizedConv(filter_num, 3)(x)
        x = AddNoise()([x, noise])
        x = layers.LeakyReLU(0.2)(x)
        x = layers.GroupNormalization(groups=-1)(x)
        x = AdaIN()([x, w])
        return keras.Model([input_tensor, w, noise], x, name=f"genblock_{res}x{res}")

    def grow(self, res_log2):
        res = 2**res_log2

        num_stages = res_log2 - self.start_res_log2 + 1
        w = layers.Input(shape=(self.num_stages, Z_DIM), name="w")

        alpha = layers.Input(shape=(1,), name="g_alpha")
        x = self.g_blocks[0]([self.g_input, w[:, 0], self.noise_inputs[0]])

        if num_stages == 1:
            new_rgb = self.to_rgb[0](x)
            rgb = fade_in(alpha[0], new_rgb, new_rgb)
        else:
            for i in range(1, num_stages - 1):
                x = self.g_blocks[i]([x, w[:, i], self.noise_inputs[i]])

            old_rgb = self.to_rgb[num_stages - 2](x)
            old_rgb = layers.UpSampling2D((2, 2))(old_rgb)

            i = num_stages - 1
            x = self.g_blocks[i]([x, w[:, i], self.noise_inputs[i]])

            new_rgb = self.to_rgb[i](x)

            rgb = fade_in(alpha[0], new_rgb, old_rgb)

        return keras.Model(
            [self.g_input, w] + self.noise_inputs[:num_stages] + [alpha],
            rgb,
            name=f"generator_{res}_x_{res}",
        )


class Discriminator:
    def __init__(self, start_res_log2, target_res_log2):
        self.start_res_log2 = start_res_log2
        self.target_res_log2 = target_res_log2
        self.num_stages = target_res_log2 - start_res_log2 + 1
        self.filter_nums = FILTER_NUMS
        self.d_blocks = []
        self.from_rgb = []

        for res_log2 in range(self.start_res_log2, self.target_res_log2 + 1):
            res = 2**res_log2
            filter_num = self.filter_nums[res_log2]
            from_rgb = Sequential(
                [
                    layers.InputLayer(shape=(res, res, 3), name=f"from_rgb_input_{res}"),
                    EqualizedConv(filter_num, 1),
                    layers.LeakyReLU(0.2),
                ],
                name=f"from_rgb_{res}",
            )
            self.from_rgb.append(from_rgb)

            if len(self.d_blocks) == 0:
                d_block = self.build_base(filter_num, res)
            else:
                d_block = self.build_block(filter_num, self.filter_nums[res_log2 - 1], res)
            self.d_blocks.append(d_block)

    def build_base(self, filter_num, res):
        input_tensor = layers.Input(shape=(res, res, filter_num), name=f"d_{res}")
        x = MinibatchStd()(input_tensor)
        x = EqualizedConv(filter_num, 3)(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.Flatten()(x)
        x = EqualizedDense(filter_num)(x)
        x = layers.LeakyReLU(0.2)(x)
        x = EqualizedDense(1)(x)
        return keras.Model(input_tensor, x, name=f"d_{res}")

    def build_block(self, filter_num_1, filter_num_2, res):
        input_tensor = layers.Input(shape=(res, res, filter_num_1), name=f"d_{res}")
        x = EqualizedConv(filter_num_1, 3)(input_tensor)
        x = layers.LeakyReLU(0.2)(x)
        x = EqualizedConv(filter_num_2)(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.AveragePooling2D((2, 2))(x)
        return keras.Model(input_tensor, x, name=f"d_{res}")

    def grow(self, res_log2):
        res = 2**res_log2
        idx = res_log2 - self.start_res_log2
        alpha = layers.Input(shape=(1,), name="d_alpha")
        input_image = layers.Input(shape=(res, res, 3), name="input_image")
        x = self.from_rgb[idx](input_image)
        x = self.d_blocks[idx](x)
        if idx > 0:
            idx -= 1
            downsized_image = layers.AveragePooling2D((2, 2))(input_image)
            y = self.from_rgb[idx](downsized_image)
            x = fade_in(alpha[0], x, y)

            for i in range(idx, -1, -1):
                x = self.d_blocks[i](x)
        else:
            x = fade_in(alpha[0], x, x)

        return keras.Model([input_image, alpha], x, name=f"discriminator_{res}_x_{res}")


START_RES, TARGET_RES = 4, 8
start_log2, target_log2 = log2(START_RES), log2(TARGET_RES)
num_stages = target_log2 - start_log2 + 1
mapping = Mapping(num_stages=num_stages)
g_builder = Generator(start_log2, target_log2)
d_builder = Discriminator(start_log2, target_log2)


def numpy_weights(model, stddev=1.0):
    """The kernels from N(0, stddev) as their RandomNormal initializers draw them (stddev
    1 / learning_rate_multiplier in the mapping), the biases left at zero."""
    model.set_weights([rng.normal(0.0, stddev, w.shape).astype("float32") if w.ndim > 1
                       else w for w in model.get_weights()])


generator_4 = g_builder.grow(start_log2)
generator_8 = g_builder.grow(target_log2)
discriminator_8 = d_builder.grow(target_log2)
numpy_weights(mapping, stddev=100.0)
numpy_weights(generator_8)
numpy_weights(discriminator_8)

batch_size = 8
z = rng.normal(size=(batch_size, Z_DIM)).astype("float32")
noise = [rng.normal(size=(batch_size, 2**r, 2**r, 1)).astype("float32")
         for r in range(start_log2, target_log2 + 1)]
const_input = np.ones((batch_size, *g_builder.input_shape), "float32")
style_code = keras.ops.convert_to_numpy(mapping(z))


def generate(alpha_value):
    alpha = np.full((batch_size, 1), alpha_value, "float32")
    return np.asarray(generator_8([const_input, style_code] + noise + [alpha]))


images_new, images_old, images_half = generate(1.0), generate(0.0), generate(0.5)
images_4 = np.asarray(generator_4([const_input, style_code, noise[0], np.ones((batch_size, 1),
                                                                           "float32")]))

# the pieces by hand: pixel_norm's rows have unit mean square; EqualizedConv is a conv of the
# kernel times sqrt(gain / fan_in); MinibatchStd's extra channel is one number per group
normed = np.asarray(pixel_norm(z))
conv = EqualizedConv(2, 1, gain=2)
probe = rng.normal(size=(1, 3, 3, 4)).astype("float32")
conv_out = np.asarray(conv(probe))
kernel = np.asarray(conv.w)
by_hand = probe @ kernel[0, 0] * np.sqrt(2 / 4)
std_out = np.asarray(MinibatchStd()(images_new))

# the discriminator alone, fit with the Wasserstein loss on real (+1) and generated (-1)
grid = np.linspace(-1, 1, 8, dtype="float32")
real = np.stack([np.broadcast_to((grid[:, None] * grid[None, :])[..., None] * s, (8, 8, 3))
                 for s in rng.uniform(0.5, 1.0, size=16)]).astype("float32")
fake = np.concatenate([images_new, images_half]).astype("float32")
d_images = np.concatenate([real, fake])
d_labels = np.concatenate([np.ones((16, 1)), -np.ones((16, 1))]).astype("float32")
order = rng.permutation(32)
d_alpha = np.ones((32, 1), "float32")
scores_before = np.asarray(discriminator_8([d_images, d_alpha]))
discriminator_8.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8),
    loss=wasserstein_loss,
)
history = discriminator_8.fit(
    [d_images[order], d_alpha], d_labels[order], batch_size=8, epochs=5, shuffle=False, verbose=0
)
scores_after = np.asarray(discriminator_8([d_images, d_alpha]))

RESULT = {
    "mapping_output_shape_sum": float(sum(style_code.shape)),
    "generator_inputs": float(len(generator_8.inputs)),
    "image_shape_sum": float(sum(images_new.shape)),
    "image_4_shape_sum": float(sum(images_4.shape)),
    "images_in_range": float(np.all(np.abs(images_new) <= 1.0)),
    "image_sum": float(images_new.sum()),
    "image_abs_sum": float(np.abs(images_new).sum()),
    "fade_gap": float(np.max(np.abs(images_half - 0.5 * (images_new + images_old)))),
    "old_is_upsampled": float(np.max(np.abs(images_old[:, ::2, ::2] - images_old[:, 1::2, 1::2]))),
    "pixel_norm_gap": float(np.max(np.abs(np.mean(normed**2, axis=-1) - 1.0))),
    "equalized_conv_gap": float(np.max(np.abs(conv_out - by_hand))),
    "minibatch_std_channels": float(std_out.shape[-1]),
    "minibatch_std_groups": float(len(np.unique(np.round(std_out[..., -1], 5)))),
    "discriminator_params": float(discriminator_8.count_params()),
    "score_sum_before": float(scores_before.sum()),
    "real_minus_fake_before": float(scores_before[:16].mean() - scores_before[16:].mean()),
    "real_minus_fake_after": float(scores_after[:16].mean() - scores_after[16:].mean()),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
