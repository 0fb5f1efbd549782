"""After the keras.io example "Grad-CAM class activation visualization": a model that maps the
input image to the activations of the last convolution and to the predictions at once
(keras.models.Model(model.inputs, [model.get_layer(name).output, model.output])), the gradient
of the top class's score with respect to that feature map under tf.GradientTape, the gradient
pooled per channel with tf.reduce_mean, the feature map weighted by it through `@` and
tf.newaxis, squeezed, clipped at 0 and scaled by its maximum; the softmax removed by setting
`model.layers[-1].activation = None`; the heatmap coloured with a jet palette, resized with
keras.utils.array_to_img / PIL and laid over the image.

The pretrained Xception becomes a small Xception-like convnet (separable convolutions, a residual
add) trained here on 32x32 images whose class is the colour of a bright square placed anywhere,
so the heatmap must light up the square; then the same
algorithm runs on keras.applications.MobileNetV2(weights=None) at 64x64 with weights drawn from
NumPy. All weights start from a fixed NumPy draw and batches are not shuffled, so losses and
heatmaps are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
import numnet as tf

rng = np.random.default_rng(61)
RESULT = {}

img_size = (32, 32)
num_classes = 3
n = 384
labels = rng.integers(0, num_classes, n)
images = rng.uniform(0, 90, (n, 32, 32, 3)).astype("float32")
corners = []
for index, label in enumerate(labels):
    top, left = rng.integers(2, 24, 2)
    corners.append((top, left))
    images[index, top:top + 6, left:left + 6, label] += 160.0
x_train, y_train = images[:320], labels[:320]
x_test, y_test = images[320:], labels[320:]

last_conv_layer_name = "last_conv"


def model_builder():
    inputs = keras.Input(shape=img_size + (3,))
    x = keras.layers.Rescaling(1.0 / 255)(inputs)
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    residual = x
    x = keras.layers.SeparableConv2D(16, 3, padding="same", activation="relu")(x)
    x = keras.layers.SeparableConv2D(16, 3, padding="same")(x)
    x = keras.layers.add([x, residual])
    x = keras.layers.Activation("relu", name=last_conv_layer_name)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="small_convnet")


def draw_weights(model, seed):
    draw = np.random.default_rng(seed)
    weights = []
    for w in model.get_weights():
        if w.ndim > 1:
            fan_in = np.prod(w.shape[:-1])
            weights.append(draw.normal(0.0, np.sqrt(2.0 / fan_in), w.shape).astype("float32"))
        else:
            weights.append(w)
    model.set_weights(weights)


model = model_builder()
draw_weights(model, 7)
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=6, shuffle=False, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["test_accuracy"] = float(model.evaluate(x_test, y_test, verbose=0)[1])


for index in range(12):
    keras.utils.save_img(f"test_{index}.png", x_test[index], scale=False)


def get_img_array(img_path, size):
    # `img` is a PIL image of size 32x32
    img = keras.utils.load_img(img_path, target_size=size)
    # `array` is a float32 Numpy array of shape (32, 32, 3)
    array = keras.utils.img_to_array(img)
    # We add a dimension to transform our array into a "batch"
    # of size (1, 32, 32, 3)
    array = np.expand_dims(array, axis=0)
    return array


def make_gradcam_heatmap(img_array, model, last_conv_layer_name, pred_index=None):
    # First, we create a model that maps the input image to the activations
    # of the last conv layer as well as the output predictions
    grad_model = keras.models.Model(
        model.inputs, [model.get_layer(last_conv_layer_name).output, model.output]
    )

    # Then, we compute the gradient of the top predicted class for our input image
    # with respect to the activations of the last conv layer
    with tf.GradientTape() as tape:
        last_conv_layer_output, preds = grad_model(img_array)
        if pred_index is None:
            pred_index = tf.argmax(preds[0])
        class_channel = preds[:, pred_index]

    grads = tape.gradient(class_channel, last_conv_layer_output)

    pooled_grads = tf.reduce_mean(grads, axis=(0, 1, 2))

    last_conv_layer_output = last_conv_layer_output[0]
    heatmap = last_conv_layer_output @ pooled_grads[..., tf.newaxis]
    heatmap = tf.squeeze(heatmap)

    heatmap = tf.maximum(heatmap, 0) / tf.math.reduce_max(heatmap)
    return heatmap.numpy()


# Remove last layer's softmax
model.layers[-1].activation = None

logits = model.predict(x_test[:8], verbose=0)
RESULT["logit_sum"] = float(np.sum(np.abs(logits)))
RESULT["logits_not_probabilities"] = float(np.abs(np.sum(logits, axis=1) - 1.0).max() > 1e-3)

hits = 0
heatmap_sums = []
for index in range(12):
    img_array = get_img_array(f"test_{index}.png", size=img_size)
    heatmap = make_gradcam_heatmap(img_array, model, last_conv_layer_name)
    heatmap_sums.append(float(np.sum(heatmap)))
    row, col = np.unravel_index(np.argmax(heatmap), heatmap.shape)
    top, left = corners[320 + index]
    hits += int(top - 4 < row * 4 < top + 6 and left - 4 < col * 4 < left + 6)
RESULT["heatmap_shape"] = float(heatmap.shape[0] * 100 + heatmap.shape[1])
RESULT["heatmap_max"] = float(np.max(heatmap))
RESULT["heatmap_min"] = float(np.min(heatmap))
RESULT["square_hits"] = float(hits)
for index in range(3):
    RESULT[f"heatmap_sum_{index}"] = heatmap_sums[index]

# a class of one's choice rather than the top one
img_array = get_img_array("test_0.png", size=img_size)
other_class = (int(y_test[0]) + 1) % num_classes
heatmap_1 = make_gradcam_heatmap(img_array, model, last_conv_layer_name, pred_index=other_class)
RESULT["chosen_class_heatmap_sum"] = float(np.sum(heatmap_1))


def save_and_display_gradcam(img, heatmap, cam_path="cam.jpg", alpha=0.4):
    # Rescale heatmap to a range 0-255
    heatmap = np.uint8(255 * heatmap)

    # A jet palette: blue, cyan, yellow, red
    ramp = np.linspace(0.0, 1.0, 256)
    jet_colors = np.stack([np.clip(1.5 - np.abs(4 * ramp - 3), 0, 1),
                           np.clip(1.5 - np.abs(4 * ramp - 2), 0, 1),
                           np.clip(1.5 - np.abs(4 * ramp - 1), 0, 1)], axis=-1)
    jet_heatmap = jet_colors[heatmap]

    # Create an image with RGB colorized heatmap
    jet_heatmap = keras.utils.array_to_img(jet_heatmap)
    jet_heatmap = jet_heatmap.resize((img.shape[1], img.shape[0]))
    jet_heatmap = keras.utils.img_to_array(jet_heatmap)

    # Superimpose the heatmap on original image
    superimposed_img = jet_heatmap * alpha + img
    superimposed_img = keras.utils.array_to_img(superimposed_img)

    # Save the superimposed image
    superimposed_img.save(cam_path)
    return superimposed_img, jet_heatmap


superimposed, jet_heatmap = save_and_display_gradcam(x_test[11], heatmap)
saved = keras.utils.img_to_array(keras.utils.load_img("cam.jpg"))
RESULT["superimposed_size"] = float(superimposed.size[0] * 100 + superimposed.size[1])
RESULT["jet_heatmap_shape"] = float(jet_heatmap.shape[0] * 100 + jet_heatmap.shape[2])
RESULT["saved_shape"] = float(saved.shape[0] * 100 + saved.shape[2])

# The same algorithm on an application model (no pretrained weights: a NumPy draw)
application = keras.applications.mobilenet_v2.MobileNetV2(
    weights=None, input_shape=(64, 64, 3), alpha=0.35, classes=5
)
preprocess_input = keras.applications.mobilenet_v2.preprocess_input
draw = np.random.default_rng(11)
application.set_weights([
    draw.uniform(0.5, 1.5, w.shape).astype("float32") if w.ndim == 1
    else draw.normal(0.0, 0.3, w.shape).astype("float32")
    for w in application.get_weights()
])
application.layers[-1].activation = None
img_array = preprocess_input(get_img_array("test_1.png", size=(64, 64)))
preds = application.predict(img_array, verbose=0)
heatmap = make_gradcam_heatmap(img_array, application, "out_relu")
RESULT["application_layers"] = float(len(application.layers))
RESULT["application_params"] = float(application.count_params())
RESULT["application_top"] = float(np.argmax(preds[0]))
RESULT["application_logit_0"] = float(preds[0, 0])
RESULT["application_heatmap_shape"] = float(heatmap.shape[0] * 100 + heatmap.shape[1])
RESULT["application_heatmap_sum"] = float(np.sum(heatmap))
print(RESULT)
