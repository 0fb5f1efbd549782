"""After the keras.io example "Model interpretability with Integrated Gradients": images loaded
with keras.preprocessing.image.load_img / img_to_array, interpolated between a baseline and the
input, preprocessed with xception.preprocess_input, the gradient of the top class's probability
with respect to each interpolated image under tf.GradientTape (tape.watch on a tf.cast input),
the gradients gathered with tf.convert_to_tensor, averaged by the trapezoidal rule with
tf.reduce_mean, multiplied by the input's difference from the baseline; random baselines
averaged; the attributions turned into a mask with the example's percentile thresholds and
scipy's morphology.

The pretrained Xception becomes a small convnet trained here on 32x32 images whose class is
the colour of a bright square; the attributions must fall on the square, and they must add up
to the change of the class's probability from the baseline to the image (the completeness of
integrated gradients; the example's gradients are taken with respect to the preprocessed image,
so their sum is 127.5 times that change). The weights start from a fixed NumPy draw and the
batches are not shuffled, so the numbers are Keras's to float32 rounding.
"""

import numpy as np
from numnet.keras import layers
from numnet.keras.applications import xception
from scipy import ndimage

import numnet as keras
import numnet as tf

np.random.seed(3)
rng = np.random.default_rng(67)
RESULT = {}

# Size of the input image
img_size = (32, 32, 3)

n = 320
labels = rng.integers(0, 3, n)
images = rng.uniform(0, 90, (n,) + img_size).astype("float32")
corners = []
for index, label in enumerate(labels):
    top, left = rng.integers(2, 24, 2)
    corners.append((top, left))
    images[index, top:top + 6, left:left + 6, label] += 160.0

model = keras.Sequential(
    [
        keras.Input(shape=img_size),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.GlobalMaxPooling2D(),
        layers.Dense(3, activation="softmax"),
    ]
)
draw = np.random.default_rng(9)
model.set_weights([draw.normal(0.0, np.sqrt(2.0 / np.prod(w.shape[:-1])), w.shape).astype(
    "float32") if w.ndim > 1 else w for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(xception.preprocess_input(images[:288].copy()), labels[:288],
                    batch_size=32, epochs=4, shuffle=False, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["accuracy"] = float(history.history["accuracy"][-1])

for index in range(288, 292):
    keras.utils.save_img(f"square_{index}.png", images[index], scale=False)


def get_img_array(img_path, size=(32, 32)):
    # `img` is a PIL image of size 32x32
    img = keras.preprocessing.image.load_img(img_path, target_size=size)
    # `array` is a float32 Numpy array of shape (32, 32, 3)
    array = keras.preprocessing.image.img_to_array(img)
    # We add a dimension to transform our array into a "batch"
    # of size (1, 32, 32, 3)
    array = np.expand_dims(array, axis=0)
    return array


def get_gradients(img_input, top_pred_idx):
    """Computes the gradients of outputs w.r.t input image."""
    images = tf.cast(img_input, tf.float32)

    with tf.GradientTape() as tape:
        tape.watch(images)
        preds = model(images)
        top_class = preds[:, top_pred_idx]

    grads = tape.gradient(top_class, images)
    return grads


def get_integrated_gradients(img_input, top_pred_idx, baseline=None, num_steps=50):
    """Computes Integrated Gradients for a predicted label."""
    # If baseline is not provided, start with a black image
    # having same size as the input image.
    if baseline is None:
        baseline = np.zeros(img_size).astype(np.float32)
    else:
        baseline = baseline.astype(np.float32)

    # 1. Do interpolation.
    img_input = img_input.astype(np.float32)
    interpolated_image = [
        baseline + (step / num_steps) * (img_input - baseline)
        for step in range(num_steps + 1)
    ]
    interpolated_image = np.array(interpolated_image).astype(np.float32)

    # 2. Preprocess the interpolated images
    interpolated_image = xception.preprocess_input(interpolated_image)

    # 3. Get the gradients
    grads = []
    for i, img in enumerate(interpolated_image):  # noqa: B007
        img = tf.expand_dims(img, axis=0)
        grad = get_gradients(img, top_pred_idx=top_pred_idx)
        grads.append(grad[0])
    grads = tf.convert_to_tensor(grads, dtype=tf.float32)

    # 4. Approximate the integral using the trapezoidal rule
    grads = (grads[:-1] + grads[1:]) / 2.0
    avg_grads = tf.reduce_mean(grads, axis=0)

    # 5. Calculate integrated gradients and return
    integrated_grads = (img_input - baseline) * avg_grads
    return integrated_grads


def random_baseline_integrated_gradients(img_input, top_pred_idx, num_steps=50, num_runs=2):
    """Generates a number of random baseline images."""
    # 1. List to keep track of Integrated Gradients (IG) for all the images
    integrated_grads = []

    # 2. Get the integrated gradients for all the baselines
    for run in range(num_runs):  # noqa: B007
        baseline = np.random.random(img_size) * 255
        igrads = get_integrated_gradients(
            img_input=img_input,
            top_pred_idx=top_pred_idx,
            baseline=baseline,
            num_steps=num_steps,
        )
        integrated_grads.append(igrads)

    # 3. Return the average integrated gradients for the image
    integrated_grads = tf.convert_to_tensor(integrated_grads)
    return tf.reduce_mean(integrated_grads, axis=0)


def get_thresholded_attributions(attributions, percentage):
    if percentage == 100.0:
        return np.min(attributions)
    flatten_attr = attributions.flatten()
    total = np.sum(flatten_attr)
    sorted_attributions = np.sort(np.abs(flatten_attr))[::-1]
    cum_sum = 100.0 * np.cumsum(sorted_attributions) / total
    indices_to_consider = np.where(cum_sum >= percentage)[0][0]
    return sorted_attributions[indices_to_consider]


def process_grads(attributions, clip_above_percentile=99.9, clip_below_percentile=0,
                  lower_end=0.0, structure=np.ones((3, 3))):  # noqa: B008
    # positive polarity, averaged over the channels
    attributions = np.average(np.clip(attributions, 0, 1), axis=2)
    m = get_thresholded_attributions(attributions, percentage=100 - clip_above_percentile)
    e = get_thresholded_attributions(attributions, percentage=100 - clip_below_percentile)
    transformed = (1 - lower_end) * (np.abs(attributions) - e) / (m - e) + lower_end
    transformed *= np.sign(attributions)
    transformed *= transformed >= lower_end
    transformed = np.clip(transformed, 0.0, 1.0)
    closed = ndimage.grey_closing(transformed, structure=structure)
    return ndimage.grey_opening(closed, structure=structure)


img = get_img_array("square_288.png")
orig_img = np.copy(img[0]).astype(np.uint8)
img_processed = tf.cast(xception.preprocess_input(img), dtype=tf.float32)
preds = model.predict(img_processed, verbose=0)
top_pred_idx = tf.argmax(preds[0])
RESULT["top_pred_idx"] = float(top_pred_idx)
RESULT["label"] = float(labels[288])

grads = get_gradients(img_processed, top_pred_idx=top_pred_idx)
igrads = random_baseline_integrated_gradients(
    np.copy(orig_img), top_pred_idx=top_pred_idx, num_steps=20, num_runs=2
)
black = get_integrated_gradients(np.copy(orig_img), top_pred_idx, num_steps=20)

baseline_pred = model.predict(xception.preprocess_input(np.zeros((1,) + img_size, "float32")),
                              verbose=0)
change = float(preds[0, int(top_pred_idx)] - baseline_pred[0, int(top_pred_idx)])
RESULT["probability_change"] = change
RESULT["black_attribution_sum"] = float(tf.reduce_sum(black)) / 127.5
RESULT["completeness_gap"] = abs(RESULT["black_attribution_sum"] - change) / abs(change)
RESULT["grads_shape"] = float(np.prod(grads.shape))
RESULT["igrads_shape"] = float(np.prod(igrads.shape))
RESULT["grad_abs_sum"] = float(np.sum(np.abs(grads.numpy())))
RESULT["igrads_sum"] = float(np.sum(igrads.numpy()))

top, left = corners[288]
attributions = np.abs(black.numpy()).sum(axis=-1)
RESULT["square_share"] = float(attributions[top:top + 6, left:left + 6].sum()
                               / attributions.sum())
mask = process_grads(black.numpy() / np.abs(black.numpy()).max())
RESULT["mask_in_square"] = float(mask[top:top + 6, left:left + 6].mean())
RESULT["mask_outside"] = float((mask.sum() - mask[top:top + 6, left:left + 6].sum())
                               / (mask.size - 36))
print(RESULT)
