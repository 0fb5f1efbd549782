"""After the TensorFlow tutorial "Adversarial example using FGSM": an image read with
tf.io.read_file and tf.image.decode_image, preprocessed as MobileNetV2 wants it (tf.image.resize,
mobilenet_v2.preprocess_input, a batch axis), the model frozen (trainable = False), the
gradient of the cross-entropy with respect to the input image from a GradientTape that watches
it, its sign as the perturbation, and images perturbed by growing epsilons and clipped to
[-1, 1] with tf.clip_by_value.

The tutorial attacks MobileNetV2 with ImageNet weights; here a small CNN, from a NumPy draw, is
first trained on synthetic images (a bright square top-left or bottom-right), so the losses
compare with TensorFlow's, and the attack is made on it.
"""

import numpy as np

import numnet as tf

RESULT = {}
rng = np.random.default_rng(0)


def make_images(n):
    images = rng.uniform(0, 90, size=(n, 20, 20, 3))
    labels = rng.integers(0, 2, size=n)
    for image, label in zip(images, labels):
        rows = slice(2, 10) if label == 0 else slice(10, 18)
        image[rows, rows, :] += 60
    return images.astype("uint8"), labels


train_images, train_labels = make_images(256)
test_images, test_labels = make_images(64)

# the image as the tutorial loads it: a file, decoded, resized and scaled to [-1, 1]
tf.io.write_file("sample.png", tf.io.encode_png(tf.constant(test_images[0])))
image_raw = tf.io.read_file("sample.png")
image = tf.image.decode_image(image_raw)
RESULT["decoded_equal"] = float(np.array_equal(image.numpy(), test_images[0]))


def preprocess(image):
    image = tf.cast(image, tf.float32)
    image = tf.image.resize(image, (16, 16))
    image = tf.keras.applications.mobilenet_v2.preprocess_input(image)
    image = image[None, ...]
    return image


image = preprocess(image)
RESULT["image_rank"] = float(len(image.shape))
RESULT["image_min"] = float(tf.reduce_min(image))
RESULT["image_max"] = float(tf.reduce_max(image))

x_train = tf.concat([preprocess(img) for img in train_images], axis=0)
x_test = tf.concat([preprocess(img) for img in test_images], axis=0)
y_train = tf.one_hot(train_labels, 2)
y_test = tf.one_hot(test_labels, 2)

pretrained_model = tf.keras.Sequential([
    tf.keras.Input((16, 16, 3)),
    tf.keras.layers.Conv2D(8, 3, activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Conv2D(8, 3, activation="relu"),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(2, activation="softmax"),
])
pretrained_model.set_weights([
    rng.normal(size=(3, 3, 3, 8)).astype("float32") * 0.3, np.zeros(8, "float32"),
    rng.normal(size=(3, 3, 8, 8)).astype("float32") * 0.2, np.zeros(8, "float32"),
    rng.normal(size=(8, 2)).astype("float32") * 0.5, np.zeros(2, "float32")])
pretrained_model.compile(optimizer=tf.keras.optimizers.Adam(0.01),
                         loss="categorical_crossentropy", metrics=["accuracy"])
history = pretrained_model.fit(x_train, y_train, batch_size=32, epochs=4, shuffle=False,
                               verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
pretrained_model.trainable = False
RESULT["trainable_after_freeze"] = float(len(pretrained_model.trainable_variables))

image_probs = pretrained_model.predict(image, verbose=0)
RESULT["probs_sum"] = float(np.sum(image_probs))

loss_object = tf.keras.losses.CategoricalCrossentropy()


def create_adversarial_pattern(input_image, input_label):
    with tf.GradientTape() as tape:
        tape.watch(input_image)
        prediction = pretrained_model(input_image)
        loss = loss_object(input_label, prediction)
    gradient = tape.gradient(loss, input_image)
    signed_grad = tf.sign(gradient)
    return signed_grad


label = tf.one_hot(int(test_labels[0]), image_probs.shape[-1])
label = tf.reshape(label, (1, image_probs.shape[-1]))
perturbations = create_adversarial_pattern(image, label)
RESULT["perturbation_shape_sum"] = float(sum(perturbations.shape))
RESULT["perturbation_abs_max"] = float(tf.reduce_max(tf.abs(perturbations)))
RESULT["perturbation_sum"] = float(tf.reduce_sum(perturbations))

epsilons = [0, 0.01, 0.1, 0.15]
descriptions = [(f"Epsilon = {eps:0.3f}" if eps else "Input") for eps in epsilons]
batch_perturbations = create_adversarial_pattern(x_test, y_test)
for i, eps in enumerate(epsilons):
    adv_x = x_test + eps * batch_perturbations
    adv_x = tf.clip_by_value(adv_x, -1, 1)
    loss, accuracy = pretrained_model.evaluate(adv_x, y_test, verbose=0)
    print(descriptions[i], "loss", loss, "accuracy", accuracy)
    RESULT[f"adv_loss_{i}"] = float(loss)
    RESULT[f"adv_accuracy_{i}"] = float(accuracy)
    RESULT[f"adv_in_range_{i}"] = float(tf.reduce_max(tf.abs(adv_x)) <= 1.0)
print(RESULT)
