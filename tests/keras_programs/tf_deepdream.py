"""After the TensorFlow tutorial "DeepDream": a dream model made of intermediate layer outputs
(get_layer(name).output) of a convolutional network; the loss as the mean activation of those
layers; gradient ascent on the image itself in a tf.Module whose tf.function __call__ has an
input_signature (an image of any size, an int32 step count, a float32 step size) and loops over
tf.range; the gradients normalised by tf.math.reduce_std; images clipped with tf.clip_by_value
and turned back to uint8; octaves made with tf.image.resize; and tiled gradients with tf.roll by
a random shift (TiledGradients, run_deep_dream_with_octaves).

The tutorial dreams with InceptionV3's ImageNet weights; here a small network with the layer
names 'mixed3' and 'mixed5' and weights from a NumPy draw, so the simple dream compares with
TensorFlow's number for number. The tiled dream rolls the image by tf.random.uniform shifts,
whose streams differ between TensorFlow and numnet: it is compared on what does not depend on
them (the gradients' spread, the shapes, the loss rising).
"""

import numpy as np

import numnet as tf

RESULT = {}
rng = np.random.default_rng(0)

yy, xx = np.mgrid[0:36, 0:44]
original_img = np.stack([128 + 100 * np.sin(xx / 3.0) * np.cos(yy / 5.0),
                         128 + 90 * np.cos((xx - yy) / 4.0),
                         100 + 2.5 * xx], axis=-1).astype("uint8")

inputs = tf.keras.Input((None, None, 3))
x = tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="conv0")(inputs)
x = tf.keras.layers.MaxPooling2D(2, padding="same")(x)
x = tf.keras.layers.Conv2D(12, 3, padding="same", activation="relu", name="mixed3")(x)
x = tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="mixed5")(x)
base_model = tf.keras.Model(inputs, x)
base_model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.3 if w.ndim > 1
                        else np.full(w.shape, 0.01, "float32") for w in base_model.get_weights()])

# Maximize the activations of these layers
names = ["mixed3", "mixed5"]
layers = [base_model.get_layer(name).output for name in names]

# Create the feature extraction model
dream_model = tf.keras.Model(inputs=base_model.input, outputs=layers)


def calc_loss(img, model):
    # Pass forward the image through the model to retrieve the activations.
    # Converts the image into a batch of size 1.
    img_batch = tf.expand_dims(img, axis=0)
    layer_activations = model(img_batch)
    if len(layer_activations) == 1:
        layer_activations = [layer_activations]

    losses = []
    for act in layer_activations:
        loss = tf.math.reduce_mean(act)
        losses.append(loss)

    return tf.reduce_sum(losses)


class DeepDream(tf.Module):
    def __init__(self, model):
        self.model = model

    @tf.function(
        input_signature=(
            tf.TensorSpec(shape=[None, None, 3], dtype=tf.float32),
            tf.TensorSpec(shape=[], dtype=tf.int32),
            tf.TensorSpec(shape=[], dtype=tf.float32),)
    )
    def __call__(self, img, steps, step_size):
        print("Tracing")
        loss = tf.constant(0.0)
        for _n in tf.range(steps):
            with tf.GradientTape() as tape:
                # This needs gradients relative to `img`
                # `GradientTape` only watches `tf.Variable`s by default
                tape.watch(img)
                loss = calc_loss(img, self.model)

            # Calculate the gradient of the loss with respect to the pixels of the input image.
            gradients = tape.gradient(loss, img)

            # Normalize the gradients.
            gradients /= tf.math.reduce_std(gradients) + 1e-8

            # In gradient ascent, the "loss" is maximized so that the input image increasingly
            # "excites" the layers.
            img = img + gradients * step_size
            img = tf.clip_by_value(img, -1, 1)

        return loss, img


deepdream = DeepDream(dream_model)


def deprocess(img):
    img = 255 * (img + 1.0) / 2.0
    return tf.cast(img, tf.uint8)


DREAM_LOSSES = []


def run_deep_dream_simple(img, steps=100, step_size=0.01):
    # Convert from uint8 to the range expected by the model.
    img = tf.keras.applications.inception_v3.preprocess_input(img)
    img = tf.convert_to_tensor(img)
    step_size = tf.convert_to_tensor(step_size)
    steps_remaining = steps
    step = 0
    while steps_remaining:
        if steps_remaining > 4:
            run_steps = tf.constant(4)
        else:
            run_steps = tf.constant(steps_remaining)
        steps_remaining -= run_steps
        step += run_steps

        loss, img = deepdream(img, run_steps, tf.constant(step_size))
        DREAM_LOSSES.append(float(loss))
        print(f"Step {step}, loss {loss}")

    result = deprocess(img)
    return result


dream_img = run_deep_dream_simple(img=original_img.astype("float32"), steps=10,
                                  step_size=0.01)
RESULT["dream_calls"] = float(len(DREAM_LOSSES))
for i, value in enumerate(DREAM_LOSSES):
    RESULT[f"dream_loss_{i}"] = value
RESULT["dream_traces"] = float(deepdream.__call__.experimental_get_tracing_count())
RESULT["dream_is_uint8"] = float(dream_img.dtype == tf.uint8)
RESULT["dream_mean"] = float(tf.reduce_mean(tf.cast(dream_img, tf.float32)))
RESULT["dream_changed"] = float(tf.reduce_mean(tf.abs(
    tf.cast(dream_img, tf.float32) - tf.cast(original_img, tf.float32))))

# octaves
OCTAVE_SCALE = 1.30
img = tf.constant(np.array(original_img))
base_shape = tf.shape(img)[:-1]
float_base_shape = tf.cast(base_shape, tf.float32)
octave_shapes = []
for n in range(-2, 3):
    new_shape = tf.cast(float_base_shape * (OCTAVE_SCALE**n), tf.int32)
    octave_shapes.append(new_shape.numpy().tolist())
    img = tf.image.resize(img, new_shape).numpy()
    img = run_deep_dream_simple(img=img, steps=4, step_size=0.01)
img = tf.image.resize(img, base_shape)
img = tf.image.convert_image_dtype(img / 255.0, dtype=tf.uint8)
RESULT["octave_first_height"] = float(octave_shapes[0][0])
RESULT["octave_last_width"] = float(octave_shapes[-1][1])
RESULT["octave_result_height"] = float(img.shape[0])
RESULT["octave_is_uint8"] = float(img.dtype == tf.uint8)
RESULT["octave_mean"] = float(tf.reduce_mean(tf.cast(img, tf.float32)))
RESULT["octave_last_loss"] = DREAM_LOSSES[-1]


# tiles
def random_roll(img, maxroll):
    # Randomly shift the image to avoid tiled boundaries.
    shift = tf.random.uniform(shape=[2], minval=-maxroll, maxval=maxroll, dtype=tf.int32)
    img_rolled = tf.roll(img, shift=shift, axis=[0, 1])
    return shift, img_rolled


shift, img_rolled = random_roll(np.array(original_img), 20)
unrolled = tf.roll(img_rolled, shift=-shift, axis=[0, 1])
RESULT["roll_back_gap"] = float(np.abs(unrolled.numpy().astype(int)
                                       - original_img.astype(int)).max())
RESULT["roll_by_hand_gap"] = float(np.abs(
    tf.roll(original_img, shift=[3, -5], axis=[0, 1]).numpy().astype(int)
    - np.roll(original_img, (3, -5), axis=(0, 1)).astype(int)).max())


class TiledGradients(tf.Module):
    def __init__(self, model):
        self.model = model

    @tf.function(
        input_signature=(
            tf.TensorSpec(shape=[None, None, 3], dtype=tf.float32),
            tf.TensorSpec(shape=[2], dtype=tf.int32),
            tf.TensorSpec(shape=[], dtype=tf.int32),)
    )
    def __call__(self, img, img_size, tile_size=16):
        shift, img_rolled = random_roll(img, tile_size)

        # Initialize the image gradients to zero.
        gradients = tf.zeros_like(img_rolled)

        # Skip the last tile, unless there's only one tile.
        xs = tf.range(0, img_size[1], tile_size)[:-1]
        if not tf.cast(len(xs), bool):
            xs = tf.constant([0])
        ys = tf.range(0, img_size[0], tile_size)[:-1]
        if not tf.cast(len(ys), bool):
            ys = tf.constant([0])

        for x in xs:
            for y in ys:
                # Calculate the gradients for this tile.
                with tf.GradientTape() as tape:
                    # This needs gradients relative to `img_rolled`.
                    # `GradientTape` only watches `tf.Variable`s by default.
                    tape.watch(img_rolled)

                    # Extract a tile out of the image.
                    img_tile = img_rolled[y:y + tile_size, x:x + tile_size]
                    loss = calc_loss(img_tile, self.model)

                # Update the image gradients for this tile.
                gradients = gradients + tape.gradient(loss, img_rolled)

        # Undo the random shift applied to the image and its gradients.
        gradients = tf.roll(gradients, shift=-shift, axis=[0, 1])

        # Normalize the gradients.
        gradients /= tf.math.reduce_std(gradients) + 1e-8

        return gradients


get_tiled_gradients = TiledGradients(dream_model)


def run_deep_dream_with_octaves(img, steps_per_octave=100, step_size=0.01,
                                octaves=range(-2, 3), octave_scale=1.3):
    base_shape = tf.shape(img)
    img = tf.keras.utils.img_to_array(img)
    img = tf.keras.applications.inception_v3.preprocess_input(img)

    initial_shape = img.shape[:-1]
    img = tf.image.resize(img, initial_shape)
    for octave in octaves:
        # Scale the image based on the octave
        new_size = tf.cast(tf.convert_to_tensor(base_shape[:-1]), tf.float32) * (
            octave_scale**octave)
        new_size = tf.cast(new_size, tf.int32)
        img = tf.image.resize(img, new_size)

        for step in range(steps_per_octave):
            gradients = get_tiled_gradients(img, new_size)
            RESULT[f"tiled_std_{octave}"] = float(tf.math.reduce_std(gradients))
            img = img + gradients * step_size
            img = tf.clip_by_value(img, -1, 1)

            if step % 10 == 0:
                print(f"Octave {octave}, Step {step}")

    result = deprocess(img)
    return result


before = float(calc_loss(tf.keras.applications.inception_v3.preprocess_input(
    original_img.astype("float32")), dream_model))
tiled_img = run_deep_dream_with_octaves(img=original_img, steps_per_octave=3, step_size=0.02,
                                        octaves=range(-1, 2))
after = float(calc_loss(tf.keras.applications.inception_v3.preprocess_input(
    tf.image.resize(tf.cast(tiled_img, tf.float32), [36, 44])), dream_model))
RESULT["tiled_loss_before"] = before
RESULT["tiled_loss_after"] = after
RESULT["tiled_height"] = float(tiled_img.shape[0])
RESULT["tiled_traces"] = float(get_tiled_gradients.__call__.experimental_get_tracing_count())
print(RESULT)
