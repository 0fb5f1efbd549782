"""After the keras.io example "Visualizing what convnets learn": a feature extractor made from
an application model's inputs and one of its layer's outputs (keras.Model(inputs=model.inputs,
outputs=layer.output)), a loss that averages one filter's activation away from the border, a
@tf.function gradient-ascent step that watches the input image on a tf.GradientTape,
normalizes the gradient with tf.math.l2_normalize and adds it to the image (img += ...); the
image deprocessed with NumPy and saved with keras.utils.save_img, the filters stitched in a
grid.

ResNet50V2 with ImageNet weights becomes keras.applications.ResNet50V2(weights=None,
include_top=False) at 64x64 with weights drawn from NumPy, the layer conv2_block3_out (8x8),
30 steps become 8 and 64 filters 3; the starting image is a NumPy draw (tf.random.uniform
draws TensorFlow's numbers). The loss of every step is Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
import numnet as tf

RESULT = {}

# The dimensions of our input image
img_width = 64
img_height = 64
# Our target layer: we will visualize the filters from this layer.
layer_name = "conv2_block3_out"

# Build a ResNet50V2 model without its classifier
model = keras.applications.ResNet50V2(
    weights=None, include_top=False, input_shape=(img_width, img_height, 3)
)
draw = np.random.default_rng(89)
model.set_weights([
    draw.uniform(0.5, 1.5, w.shape).astype("float32") if w.ndim == 1
    else draw.normal(0.0, np.sqrt(1.0 / np.prod(w.shape[:-1])), w.shape).astype("float32")
    for w in model.get_weights()
])

# Set up a model that returns the activation values for our target layer
layer = model.get_layer(name=layer_name)
feature_extractor = keras.Model(inputs=model.inputs, outputs=layer.output)
RESULT["extractor_layers"] = float(len(feature_extractor.layers))
RESULT["activation_size"] = float(np.prod(feature_extractor.output.shape[1:]))


def compute_loss(input_image, filter_index):
    activation = feature_extractor(input_image)
    # We avoid border artifacts by only involving non-border pixels in the loss.
    filter_activation = activation[:, 2:-2, 2:-2, filter_index]
    return tf.reduce_mean(filter_activation)


@tf.function
def gradient_ascent_step(img, filter_index, learning_rate):
    with tf.GradientTape() as tape:
        tape.watch(img)
        loss = compute_loss(img, filter_index)
    # Compute gradients.
    grads = tape.gradient(loss, img)
    # Normalize gradients.
    grads = tf.math.l2_normalize(grads)
    img += learning_rate * grads
    return loss, img


start = np.random.default_rng(5).uniform(size=(1, img_width, img_height, 3))


def initialize_image():
    # We start from a gray image with some random noise
    img = tf.constant(start, dtype="float32")
    # ResNet50V2 expects inputs in the range [-1, +1].
    # Here we scale our random inputs to [-0.125, +0.125]
    return (img - 0.5) * 0.25


losses = {}


def visualize_filter(filter_index):
    # We run gradient ascent for 8 steps
    iterations = 8
    learning_rate = 10.0
    img = initialize_image()
    for iteration in range(iterations):
        loss, img = gradient_ascent_step(img, filter_index, learning_rate)
        losses[(filter_index, iteration)] = float(loss)

    # Decode the resulting input image
    img = deprocess_image(img[0].numpy())
    return loss, img


def deprocess_image(img):
    # Normalize array: center on 0., ensure variance is 0.15
    img -= img.mean()
    img /= img.std() + 1e-5
    img *= 0.15

    # Center crop
    img = img[8:-8, 8:-8, :]

    # Clip to [0, 1]
    img += 0.5
    img = np.clip(img, 0, 1)

    # Convert to RGB array
    img *= 255
    img = np.clip(img, 0, 255).astype("uint8")
    return img


loss, img = visualize_filter(0)
keras.utils.save_img("0.png", img)
RESULT["image_side"] = float(img.shape[0])
RESULT["image_is_uint8"] = float(img.dtype == np.uint8)

# Compute image inputs that maximize per-filter activations
# for the first 3 filters of our target layer
all_imgs = []
for filter_index in range(3):
    loss, img = visualize_filter(filter_index)
    all_imgs.append(img)

# Build a black picture with enough space for
# our 3 x 1 filters of size 48 x 48, with a 5px margin in between
margin = 5
n = 3
cropped_width = img_width - 8 * 2
cropped_height = img_height - 8 * 2
width = n * cropped_width + (n - 1) * margin
height = cropped_height
stitched_filters = np.zeros((width, height, 3))

# Fill the picture with our saved filters
for i in range(n):
    img = all_imgs[i]
    stitched_filters[
        (cropped_width + margin) * i : (cropped_width + margin) * i + cropped_width,
        0:cropped_height,
        :,
    ] = img
keras.utils.save_img("stiched_filters.png", stitched_filters)
RESULT["stitched_width"] = float(keras.utils.load_img("stiched_filters.png").size[1])

for filter_index in range(3):
    first, last = losses[(filter_index, 0)], losses[(filter_index, 7)]
    RESULT[f"filter_{filter_index}_first"] = first
    RESULT[f"filter_{filter_index}_last"] = last
    RESULT[f"filter_{filter_index}_rose"] = float(all(
        losses[(filter_index, i + 1)] >= losses[(filter_index, i)] for i in range(7)))
print(RESULT)
