"""After the TensorFlow tutorial "Basic classification: Classify images of clothing": images
scaled to [0, 1], Flatten + Dense(128, relu) + Dense(10) logits, compiled with
SparseCategoricalCrossentropy(from_logits=True) and metrics=['accuracy'], evaluate, then a
tf.keras.layers.Softmax appended in a new Sequential for probabilities, np.argmax on one
prediction, and predict on a single image made a batch with np.expand_dims.
"""

import numpy as np

import numnet as tf

rng = np.random.default_rng(7)
class_names = ["bar", "column", "diagonal", "anti-diagonal", "square"]
n, size = 600, 10
labels = rng.integers(0, len(class_names), n)
images = rng.integers(0, 90, (n, size, size)).astype("uint8")
for index, label in enumerate(labels):
    at = rng.integers(2, size - 2)
    if label == 0:
        images[index, at, :] = 255
    elif label == 1:
        images[index, :, at] = 255
    elif label == 2:
        images[index, np.arange(size), np.arange(size)] = 255
    elif label == 3:
        images[index, np.arange(size), size - 1 - np.arange(size)] = 255
    else:
        images[index, 3:7, 3:7] = 255
train_images, train_labels = images[:500] / 255.0, labels[:500]
test_images, test_labels = images[500:] / 255.0, labels[500:]

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(size, size)),
    tf.keras.layers.Dense(32, activation="relu"),
    tf.keras.layers.Dense(len(class_names)),
])
weights = [rng.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1 else w
           for w in model.get_weights()]
model.set_weights(weights)
model.compile(optimizer="adam",
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(train_images, train_labels, epochs=5, batch_size=50, shuffle=False,
                    verbose=0)
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)

probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
predictions = probability_model.predict(test_images, verbose=0)
first = np.argmax(predictions[0])

img = test_images[1]
img = np.expand_dims(img, 0)
predictions_single = probability_model.predict(img, verbose=0)

RESULT = {
    "test_loss": float(test_loss),
    "test_accuracy": float(test_acc),
    "prediction_accuracy": float(np.mean(np.argmax(predictions, axis=1) == test_labels)),
    "row_sum": float(np.max(np.abs(predictions.sum(axis=1) - 1.0))),
    "first_right": float(first == test_labels[0]),
    "single_shape": float(np.prod(predictions_single.shape)),
    "single_label": float(np.argmax(predictions_single[0])),
    "single_gap": float(np.max(np.abs(predictions_single[0] - predictions[1]))),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
