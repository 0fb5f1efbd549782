"""After the TensorFlow tutorial "pix2pix: Image-to-image translation with a conditional GAN":
paired images stored side by side in files and read by tf.io.read_file and decode_png, split
with tf.shape, resized, randomly jittered (resize, tf.image.random_crop of the stacked pair,
a flip drawn by tf.random.uniform) in a tf.function and normalized to [-1, 1] in a tf.data
pipeline; the downsample / upsample blocks (Sequential of Conv2D / Conv2DTranspose with
tf.random_normal_initializer, BatchNormalization, Dropout, LeakyReLU / ReLU), the U-Net
generator with Concatenate skips and the PatchGAN discriminator of two named inputs joined by
tf.keras.layers.concatenate, ZeroPadding2D; the generator and discriminator losses
(BinaryCrossentropy(from_logits=True), the L1 term with LAMBDA); a tf.function train_step with
two GradientTapes and two Adam(2e-4, beta_1=0.5), writing tf.summary scalars; a fit loop over
repeat().take(steps).enumerate() saving a tf.train.Checkpoint, and the restore of the latest
checkpoint into the models.

The images are 32x32 (the tutorial's are 256x256) and the blocks narrower. Dropout and the
jitter draw from each framework's own generator, so the training compares in level only; the
inference pass of the models from one NumPy draw compares exactly.
"""

import os

import numpy as np

import numnet as tf

RESULT = {}
rng = np.random.default_rng(2)
PATH = "facades"
os.makedirs(os.path.join(PATH, "train"), exist_ok=True)
os.makedirs(os.path.join(PATH, "test"), exist_ok=True)
yy, xx = np.mgrid[0:32, 0:32]
for split, count in (("train", 6), ("test", 2)):
    for k in range(count):
        # the photo (left) is a smooth colour field; the label map (right) its quantized form
        phase = rng.uniform(0, 6.28, 3)
        photo = np.stack([np.sin(xx / 6.0 + phase[c]) * np.cos(yy / 7.0 + phase[c])
                          for c in range(3)], axis=-1)
        photo = ((photo + 1.0) * 127.5).astype("uint8")
        labels = ((photo // 64) * 64 + 32).astype("uint8")
        pair = np.concatenate([photo, labels], axis=1)
        tf.io.write_file(os.path.join(PATH, split, f"{k}.png"), tf.io.encode_png(pair))


def load(image_file):
    # Read and decode an image file to a uint8 tensor
    image = tf.io.read_file(image_file)
    image = tf.io.decode_png(image, channels=3)
    # Split each image tensor into two tensors:
    # - one with a real building facade image
    # - one with an architecture label image
    w = tf.shape(image)[1]
    w = w // 2
    input_image = image[:, w:, :]
    real_image = image[:, :w, :]
    # Convert both images to float32 tensors
    input_image = tf.cast(input_image, tf.float32)
    real_image = tf.cast(real_image, tf.float32)
    return input_image, real_image


inp, re = load(os.path.join(PATH, "train", "0.png"))
RESULT["loaded_width"] = float(inp.shape[1])
RESULT["loaded_max"] = float(tf.reduce_max(re))

BUFFER_SIZE = 6
BATCH_SIZE = 1
IMG_WIDTH = 32
IMG_HEIGHT = 32


def resize(input_image, real_image, height, width):
    input_image = tf.image.resize(input_image, [height, width],
                                  method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    real_image = tf.image.resize(real_image, [height, width],
                                 method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    return input_image, real_image


def random_crop(input_image, real_image):
    stacked_image = tf.stack([input_image, real_image], axis=0)
    cropped_image = tf.image.random_crop(stacked_image, size=[2, IMG_HEIGHT, IMG_WIDTH, 3])
    return cropped_image[0], cropped_image[1]


# Normalizing the images to [-1, 1]
def normalize(input_image, real_image):
    input_image = (input_image / 127.5) - 1
    real_image = (real_image / 127.5) - 1
    return input_image, real_image


@tf.function()
def random_jitter(input_image, real_image):
    # Resizing to 36x36
    input_image, real_image = resize(input_image, real_image, 36, 36)
    # Random cropping back to 32x32
    input_image, real_image = random_crop(input_image, real_image)
    if tf.random.uniform(()) > 0.5:
        # Random mirroring
        input_image = tf.image.flip_left_right(input_image)
        real_image = tf.image.flip_left_right(real_image)
    return input_image, real_image


tf.random.set_seed(0)
jittered = [random_jitter(inp, re) for _ in range(4)]
RESULT["jitter_shape_ok"] = float(all(tuple(a.shape) == (32, 32, 3) for a, _ in jittered))
RESULT["jitter_pairs_aligned"] = float(all(
    np.array_equal(np.asarray(a) // 64, np.asarray(b) // 64) for a, b in jittered))


def load_image_train(image_file):
    input_image, real_image = load(image_file)
    input_image, real_image = random_jitter(input_image, real_image)
    input_image, real_image = normalize(input_image, real_image)
    return input_image, real_image


def load_image_test(image_file):
    input_image, real_image = load(image_file)
    input_image, real_image = resize(input_image, real_image, IMG_HEIGHT, IMG_WIDTH)
    input_image, real_image = normalize(input_image, real_image)
    return input_image, real_image


train_dataset = tf.data.Dataset.list_files(os.path.join(PATH, "train", "*.png"))
train_dataset = train_dataset.map(load_image_train, num_parallel_calls=tf.data.AUTOTUNE)
train_dataset = train_dataset.shuffle(BUFFER_SIZE)
train_dataset = train_dataset.batch(BATCH_SIZE)
test_dataset = tf.data.Dataset.list_files(os.path.join(PATH, "test", "*.png"), shuffle=False)
test_dataset = test_dataset.map(load_image_test)
test_dataset = test_dataset.batch(BATCH_SIZE)
example_input, example_target = next(iter(test_dataset.take(1)))
RESULT["normalized_min"] = float(tf.reduce_min(example_target))
RESULT["normalized_max"] = float(tf.reduce_max(example_target))

OUTPUT_CHANNELS = 3


def downsample(filters, size, apply_batchnorm=True):
    initializer = tf.random_normal_initializer(0., 0.02)
    result = tf.keras.Sequential()
    result.add(tf.keras.layers.Conv2D(filters, size, strides=2, padding="same",
                                      kernel_initializer=initializer, use_bias=False))
    if apply_batchnorm:
        result.add(tf.keras.layers.BatchNormalization())
    result.add(tf.keras.layers.LeakyReLU())
    return result


down_model = downsample(3, 4)
down_result = down_model(tf.expand_dims(example_input[0], 0))
RESULT["down_shape_ok"] = float(tuple(down_result.shape) == (1, 16, 16, 3))


def upsample(filters, size, apply_dropout=False):
    initializer = tf.random_normal_initializer(0., 0.02)
    result = tf.keras.Sequential()
    result.add(tf.keras.layers.Conv2DTranspose(filters, size, strides=2, padding="same",
                                               kernel_initializer=initializer, use_bias=False))
    result.add(tf.keras.layers.BatchNormalization())
    if apply_dropout:
        result.add(tf.keras.layers.Dropout(0.5))
    result.add(tf.keras.layers.ReLU())
    return result


up_model = upsample(3, 4)
up_result = up_model(down_result)
RESULT["up_shape_ok"] = float(tuple(up_result.shape) == (1, 32, 32, 3))


def Generator():  # noqa: N802 (the tutorial's name)
    inputs = tf.keras.layers.Input(shape=[32, 32, 3])
    down_stack = [
        downsample(8, 4, apply_batchnorm=False),  # (batch_size, 16, 16, 8)
        downsample(16, 4),  # (batch_size, 8, 8, 16)
        downsample(32, 4),  # (batch_size, 4, 4, 32)
        downsample(32, 4),  # (batch_size, 2, 2, 32)
        downsample(32, 4),  # (batch_size, 1, 1, 32)
    ]
    up_stack = [
        upsample(32, 4, apply_dropout=True),  # (batch_size, 2, 2, 64)
        upsample(32, 4, apply_dropout=True),  # (batch_size, 4, 4, 64)
        upsample(16, 4),  # (batch_size, 8, 8, 32)
        upsample(8, 4),  # (batch_size, 16, 16, 16)
    ]
    initializer = tf.random_normal_initializer(0., 0.02)
    last = tf.keras.layers.Conv2DTranspose(OUTPUT_CHANNELS, 4, strides=2, padding="same",
                                           kernel_initializer=initializer,
                                           activation="tanh")  # (batch_size, 32, 32, 3)
    x = inputs
    # Downsampling through the model
    skips = []
    for down in down_stack:
        x = down(x)
        skips.append(x)
    skips = reversed(skips[:-1])
    # Upsampling and establishing the skip connections
    for up, skip in zip(up_stack, skips):
        x = up(x)
        x = tf.keras.layers.Concatenate()([x, skip])
    x = last(x)
    return tf.keras.Model(inputs=inputs, outputs=x)


generator = Generator()
RESULT["generator_params"] = float(generator.count_params())
gen_output = generator(example_input, training=False)
RESULT["generator_output_ok"] = float(tuple(gen_output.shape) == (1, 32, 32, 3))

LAMBDA = 100
loss_object = tf.keras.losses.BinaryCrossentropy(from_logits=True)


def generator_loss(disc_generated_output, gen_output, target):
    gan_loss = loss_object(tf.ones_like(disc_generated_output), disc_generated_output)
    # Mean absolute error
    l1_loss = tf.reduce_mean(tf.abs(target - gen_output))
    total_gen_loss = gan_loss + (LAMBDA * l1_loss)
    return total_gen_loss, gan_loss, l1_loss


def Discriminator():  # noqa: N802 (the tutorial's name)
    initializer = tf.random_normal_initializer(0., 0.02)
    inp = tf.keras.layers.Input(shape=[32, 32, 3], name="input_image")
    tar = tf.keras.layers.Input(shape=[32, 32, 3], name="target_image")
    x = tf.keras.layers.concatenate([inp, tar])  # (batch_size, 32, 32, channels*2)
    down1 = downsample(8, 4, False)(x)  # (batch_size, 16, 16, 8)
    down2 = downsample(16, 4)(down1)  # (batch_size, 8, 8, 16)
    down3 = downsample(32, 4)(down2)  # (batch_size, 4, 4, 32)
    zero_pad1 = tf.keras.layers.ZeroPadding2D()(down3)  # (batch_size, 6, 6, 32)
    conv = tf.keras.layers.Conv2D(64, 4, strides=1, kernel_initializer=initializer,
                                  use_bias=False)(zero_pad1)  # (batch_size, 3, 3, 64)
    batchnorm1 = tf.keras.layers.BatchNormalization()(conv)
    leaky_relu = tf.keras.layers.LeakyReLU()(batchnorm1)
    zero_pad2 = tf.keras.layers.ZeroPadding2D()(leaky_relu)  # (batch_size, 5, 5, 64)
    last = tf.keras.layers.Conv2D(1, 4, strides=1,
                                  kernel_initializer=initializer)(zero_pad2)  # (bs, 2, 2, 1)
    return tf.keras.Model(inputs=[inp, tar], outputs=last)


discriminator = Discriminator()
RESULT["discriminator_params"] = float(discriminator.count_params())
RESULT["discriminator_input_names_ok"] = float(
    [t.name for t in discriminator.inputs] == ["input_image", "target_image"])
disc_out = discriminator([example_input, gen_output], training=False)
RESULT["patch_shape_ok"] = float(tuple(disc_out.shape) == (1, 2, 2, 1))


def discriminator_loss(disc_real_output, disc_generated_output):
    real_loss = loss_object(tf.ones_like(disc_real_output), disc_real_output)
    generated_loss = loss_object(tf.zeros_like(disc_generated_output), disc_generated_output)
    total_disc_loss = real_loss + generated_loss
    return total_disc_loss


# the same starting weights in every framework: a NumPy draw (BatchNormalization's gammas 1)
draw = np.random.default_rng(9)
for model in (generator, discriminator):
    model.set_weights([
        np.ones(w.shape, "float32") if w.ndim == 1 and "gamma" in v.path
        else (np.zeros(w.shape, "float32") if w.ndim == 1 and ("beta" in v.path
                                                              or "mean" in v.path)
              else (np.ones(w.shape, "float32") if "variance" in v.path
                    else draw.normal(0.0, 0.1, w.shape).astype("float32")))
        for w, v in zip(model.get_weights(), model.weights)])

# the inference pass from those weights (no dropout, moving statistics): exact
gen_output = generator(example_input, training=False)
disc_real = discriminator([example_input, example_target], training=False)
disc_fake = discriminator([example_input, gen_output], training=False)
total, gan, l1 = generator_loss(disc_fake, gen_output, example_target)
RESULT["eval_gen_total_loss"] = float(total)
RESULT["eval_gen_l1_loss"] = float(l1)
RESULT["eval_disc_loss"] = float(discriminator_loss(disc_real, disc_fake))

generator_optimizer = tf.keras.optimizers.Adam(2e-4, beta_1=0.5)
discriminator_optimizer = tf.keras.optimizers.Adam(2e-4, beta_1=0.5)

checkpoint_dir = "./training_checkpoints"
checkpoint_prefix = os.path.join(checkpoint_dir, "ckpt")
checkpoint = tf.train.Checkpoint(generator_optimizer=generator_optimizer,
                                 discriminator_optimizer=discriminator_optimizer,
                                 generator=generator,
                                 discriminator=discriminator)

log_dir = "logs/"
summary_writer = tf.summary.create_file_writer(log_dir + "fit/run")
history = {"gen_total_loss": [], "gen_l1_loss": [], "disc_loss": []}


@tf.function
def train_step(input_image, target, step):
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        gen_output = generator(input_image, training=True)
        disc_real_output = discriminator([input_image, target], training=True)
        disc_generated_output = discriminator([input_image, gen_output], training=True)
        gen_total_loss, gen_gan_loss, gen_l1_loss = generator_loss(
            disc_generated_output, gen_output, target)
        disc_loss = discriminator_loss(disc_real_output, disc_generated_output)
    generator_gradients = gen_tape.gradient(gen_total_loss, generator.trainable_variables)
    discriminator_gradients = disc_tape.gradient(disc_loss,
                                                 discriminator.trainable_variables)
    generator_optimizer.apply_gradients(zip(generator_gradients,
                                            generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(discriminator_gradients,
                                                discriminator.trainable_variables))
    with summary_writer.as_default():
        tf.summary.scalar("gen_total_loss", gen_total_loss, step=step // 10)
        tf.summary.scalar("gen_gan_loss", gen_gan_loss, step=step // 10)
        tf.summary.scalar("gen_l1_loss", gen_l1_loss, step=step // 10)
        tf.summary.scalar("disc_loss", disc_loss, step=step // 10)
    return gen_total_loss, gen_l1_loss, disc_loss


def fit(train_ds, test_ds, steps):
    example_input, example_target = next(iter(test_ds.take(1)))
    for step, (input_image, target) in train_ds.repeat().take(steps).enumerate():
        gen_total_loss, gen_l1_loss, disc_loss = train_step(input_image, target, step)
        history["gen_total_loss"].append(float(gen_total_loss))
        history["gen_l1_loss"].append(float(gen_l1_loss))
        history["disc_loss"].append(float(disc_loss))
        # Save (checkpoint) the model every 15 steps
        if (step + 1) % 15 == 0:
            checkpoint.save(file_prefix=checkpoint_prefix)


fit(train_dataset, test_dataset, steps=30)
RESULT["steps"] = float(len(history["gen_total_loss"]))
RESULT["generator_steps"] = float(generator_optimizer.iterations.numpy())
RESULT["discriminator_steps"] = float(discriminator_optimizer.iterations.numpy())
RESULT["l1_first"] = float(np.mean(history["gen_l1_loss"][:5]))
RESULT["l1_last"] = float(np.mean(history["gen_l1_loss"][-5:]))
RESULT["disc_loss_last"] = float(np.mean(history["disc_loss"][-5:]))
RESULT["summary_files"] = float(len(os.listdir(log_dir + "fit/run")))
trained = np.asarray(generator(example_input, training=False))

# Restore the latest checkpoint into the models (after disturbing one weight)
generator.layers[-1].kernel.assign(tf.zeros_like(generator.layers[-1].kernel))
status = checkpoint.restore(tf.train.latest_checkpoint(checkpoint_dir))
restored = np.asarray(generator(example_input, training=False))
RESULT["restore_gap"] = float(np.max(np.abs(restored - trained)))
RESULT["latest_is_second"] = float(tf.train.latest_checkpoint(checkpoint_dir).endswith("ckpt-2"))

# Generate with the test set (training=True, as the tutorial does: batch statistics)
for inp, _ in test_dataset.take(2):
    prediction = generator(inp, training=True)
RESULT["prediction_in_range"] = float(np.all(np.abs(np.asarray(prediction)) <= 1.0))
print(RESULT)
