"""After the TensorFlow tutorial "Neural style transfer": images loaded with tf.io.read_file,
tf.image.decode_image and tf.image.convert_image_dtype and scaled with tf.image.resize; a
feature extractor made from intermediate layers (get_layer(name).output) of a frozen
convolutional network; Gram matrices with tf.linalg.einsum; a StyleContentModel returning
dicts of style and content outputs; the image itself a tf.Variable optimised by Adam in a
tf.function step (opt.apply_gradients on the image, image.assign(tf.clip_by_value(...)));
high-pass deltas, tf.image.sobel_edges, and total variation by hand and with
tf.image.total_variation as a regularizer.

The tutorial's network is VGG19 with ImageNet weights; here a small network with VGG's layer
names and weights from a NumPy draw, so every number compares with TensorFlow's.
"""

import numpy as np

import numnet as tf

RESULT = {}
rng = np.random.default_rng(0)

# two synthetic pictures written as PNG files: stripes (the style) and a blob (the content)
yy, xx = np.mgrid[0:40, 0:48]
style_pixels = np.stack([128 + 120 * np.sin(xx / 2.0), 128 + 120 * np.cos(yy / 3.0),
                         128 + 100 * np.sin((xx + yy) / 4.0)], axis=-1)
content_pixels = np.stack([255 * np.exp(-((xx - 24) ** 2 + (yy - 20) ** 2) / 120.0),
                           np.full(xx.shape, 90.0), 60 + xx * 3.0], axis=-1)
tf.io.write_file("style.png", tf.io.encode_png(tf.constant(style_pixels.astype("uint8"))))
tf.io.write_file("content.png", tf.io.encode_png(tf.constant(content_pixels.astype("uint8"))))


def load_img(path_to_img):
    max_dim = 24
    img = tf.io.read_file(path_to_img)
    img = tf.image.decode_image(img, channels=3)
    img = tf.image.convert_image_dtype(img, tf.float32)

    shape = tf.cast(tf.shape(img)[:-1], tf.float32)
    long_dim = max(shape)
    scale = max_dim / long_dim

    new_shape = tf.cast(shape * scale, tf.int32)

    img = tf.image.resize(img, new_shape)
    img = img[tf.newaxis, :]
    return img


content_image = load_img("content.png")
style_image = load_img("style.png")
RESULT["content_height"] = float(content_image.shape[1])
RESULT["content_width"] = float(content_image.shape[2])
RESULT["content_max"] = float(tf.reduce_max(content_image))


def tiny_vgg():
    inputs = tf.keras.Input((None, None, 3))
    x = tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu",
                               name="block1_conv1")(inputs)
    x = tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="block1_conv2")(x)
    x = tf.keras.layers.MaxPooling2D(2, name="block1_pool")(x)
    x = tf.keras.layers.Conv2D(12, 3, padding="same", activation="relu",
                               name="block2_conv1")(x)
    x = tf.keras.layers.Conv2D(12, 3, padding="same", activation="relu",
                               name="block2_conv2")(x)
    x = tf.keras.layers.MaxPooling2D(2, name="block2_pool")(x)
    x = tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu",
                               name="block3_conv1")(x)
    vgg = tf.keras.Model(inputs, x, name="vgg19")
    vgg.set_weights([rng.normal(size=w.shape).astype("float32") * 0.05 if w.ndim > 1
                     else np.full(w.shape, 0.05, "float32") for w in vgg.get_weights()])
    return vgg


def vgg_layers(layer_names):
    """Creates a model that returns a list of intermediate output values."""
    vgg = tiny_vgg()
    vgg.trainable = False
    outputs = [vgg.get_layer(name).output for name in layer_names]
    model = tf.keras.Model([vgg.input], outputs)
    return model


content_layers = ["block3_conv1"]
style_layers = ["block1_conv1", "block2_conv1", "block3_conv1"]
num_content_layers = len(content_layers)
num_style_layers = len(style_layers)

style_extractor = vgg_layers(style_layers)
style_outputs = style_extractor(style_image * 255)
for name, output in zip(style_layers, style_outputs):
    print(name)
    print("  shape: ", output.numpy().shape)
    print("  min: ", output.numpy().min())
    print("  max: ", output.numpy().max())
    print("  mean: ", output.numpy().mean())
RESULT["style_block2_mean"] = float(style_outputs[1].numpy().mean())


def gram_matrix(input_tensor):
    result = tf.linalg.einsum("bijc,bijd->bcd", input_tensor, input_tensor)
    input_shape = tf.shape(input_tensor)
    num_locations = tf.cast(input_shape[1] * input_shape[2], tf.float32)
    return result / (num_locations)


class StyleContentModel(tf.keras.models.Model):
    def __init__(self, style_layers, content_layers):
        super().__init__()
        self.vgg = vgg_layers(style_layers + content_layers)
        self.style_layers = style_layers
        self.content_layers = content_layers
        self.num_style_layers = len(style_layers)
        self.vgg.trainable = False

    def call(self, inputs):
        "Expects float input in [0,1]"
        inputs = inputs * 255.0
        preprocessed_input = tf.keras.applications.vgg19.preprocess_input(inputs)
        outputs = self.vgg(preprocessed_input)
        style_outputs, content_outputs = (outputs[:self.num_style_layers],
                                          outputs[self.num_style_layers:])

        style_outputs = [gram_matrix(style_output) for style_output in style_outputs]

        content_dict = {content_name: value
                        for content_name, value in zip(self.content_layers, content_outputs)}

        style_dict = {style_name: value
                      for style_name, value in zip(self.style_layers, style_outputs)}

        return {"content": content_dict, "style": style_dict}


extractor = StyleContentModel(style_layers, content_layers)
results = extractor(tf.constant(content_image))
print("Styles:")
for name, output in sorted(results["style"].items()):
    print("  ", name)
    print("    shape: ", output.numpy().shape)
    print("    mean: ", output.numpy().mean())
RESULT["gram_shape_sum"] = float(sum(results["style"]["block2_conv1"].shape))
RESULT["gram_symmetric_gap"] = float(tf.reduce_max(tf.abs(
    results["style"]["block1_conv1"]
    - tf.transpose(results["style"]["block1_conv1"], [0, 2, 1]))))
RESULT["gram_block1_mean"] = float(tf.reduce_mean(results["style"]["block1_conv1"]))
RESULT["content_block3_mean"] = float(tf.reduce_mean(results["content"]["block3_conv1"]))
RESULT["extractor_trainable"] = float(len(extractor.trainable_variables))

style_targets = extractor(style_image)["style"]
content_targets = extractor(content_image)["content"]

image = tf.Variable(content_image)


def clip_0_1(image):
    return tf.clip_by_value(image, clip_value_min=0.0, clip_value_max=1.0)


opt = tf.keras.optimizers.Adam(learning_rate=0.02, beta_1=0.99, epsilon=1e-1)
style_weight = 1e-2
content_weight = 1e4


def style_content_loss(outputs):
    style_outputs = outputs["style"]
    content_outputs = outputs["content"]
    style_loss = tf.add_n([tf.reduce_mean((style_outputs[name] - style_targets[name]) ** 2)
                           for name in style_outputs.keys()])
    style_loss *= style_weight / num_style_layers

    content_loss = tf.add_n([tf.reduce_mean((content_outputs[name] - content_targets[name]) ** 2)
                             for name in content_outputs.keys()])
    content_loss *= content_weight / num_content_layers
    loss = style_loss + content_loss
    return loss


@tf.function()
def train_step(image):
    with tf.GradientTape() as tape:
        outputs = extractor(image)
        loss = style_content_loss(outputs)

    grad = tape.gradient(loss, image)
    opt.apply_gradients([(grad, image)])
    image.assign(clip_0_1(image))
    return loss


for step in range(6):
    RESULT[f"style_loss_{step}"] = float(train_step(image))
RESULT["image_in_range"] = float(tf.reduce_min(image) >= 0.0 and tf.reduce_max(image) <= 1.0)
RESULT["image_changed"] = float(tf.reduce_mean(tf.abs(image - content_image)))


# total variation
def high_pass_x_y(image):
    x_var = image[:, :, 1:, :] - image[:, :, :-1, :]
    y_var = image[:, 1:, :, :] - image[:, :-1, :, :]

    return x_var, y_var


x_deltas, y_deltas = high_pass_x_y(content_image)
RESULT["x_deltas_abs_mean"] = float(tf.reduce_mean(tf.abs(x_deltas)))
sobel = tf.image.sobel_edges(content_image)
RESULT["sobel_shape_sum"] = float(sum(sobel.shape))
RESULT["sobel_y_abs_mean"] = float(tf.reduce_mean(tf.abs(sobel[..., 0])))
RESULT["sobel_x_abs_mean"] = float(tf.reduce_mean(tf.abs(sobel[..., 1])))


def total_variation_loss(image):
    x_deltas, y_deltas = high_pass_x_y(image)
    return tf.reduce_sum(tf.abs(x_deltas)) + tf.reduce_sum(tf.abs(y_deltas))


RESULT["tv_by_hand"] = float(total_variation_loss(image).numpy())
RESULT["tv_builtin"] = float(tf.image.total_variation(image).numpy()[0])

total_variation_weight = 30


@tf.function()
def train_step(image):
    with tf.GradientTape() as tape:
        outputs = extractor(image)
        loss = style_content_loss(outputs)
        loss += total_variation_weight * tf.image.total_variation(image)

    grad = tape.gradient(loss, image)
    opt.apply_gradients([(grad, image)])
    image.assign(clip_0_1(image))
    return loss


opt = tf.keras.optimizers.Adam(learning_rate=0.02, beta_1=0.99, epsilon=1e-1)
image = tf.Variable(content_image)
for step in range(6):
    RESULT[f"tv_loss_{step}"] = float(train_step(image)[0])
RESULT["tv_after"] = float(tf.image.total_variation(image).numpy()[0])
RESULT["tv_before"] = float(tf.image.total_variation(content_image).numpy()[0])
print(RESULT)
