"""A Dataset of dicts, from the guide "Training & evaluation with the built-in methods":
the model has a named input and a list of named outputs, and fit() takes a tf.data Dataset
whose elements are (dict of inputs, dict of targets) keyed by those names, as the guide feeds
its image and time-series model.

Batches are not shuffled and the weights start from a fixed NumPy draw, so the Dataset must
give the losses of fit() on the same dicts of arrays.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

keras.utils.set_random_seed(101)
rng = np.random.default_rng(101)
x = rng.normal(size=(128, 10)).astype("float32")
labels = np.argmax(x[:, :3], axis=1)


def get_model():
    image_input = keras.Input(shape=(10,), name="img_input")
    hidden = layers.Dense(8, activation="relu")(image_input)
    score_output = layers.Dense(1, name="score_output")(hidden)
    class_output = layers.Dense(3, name="class_output")(hidden)
    model = keras.Model(inputs=image_input, outputs=[score_output, class_output])
    draw = np.random.default_rng(7)
    model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                  loss=[keras.losses.MeanSquaredError(),
                        keras.losses.SparseCategoricalCrossentropy(from_logits=True)])
    return model


train_dataset = tf.data.Dataset.from_tensor_slices(
    ({"img_input": x}, {"score_output": x[:, :1], "class_output": labels})).batch(32)
model = get_model()
history = model.fit(train_dataset, epochs=3, verbose=0)
reference = get_model().fit({"img_input": x}, {"score_output": x[:, :1], "class_output": labels},
                            batch_size=32, epochs=3, shuffle=False, verbose=0)

RESULT = {f"loss_{epoch}": float(value) for epoch, value in enumerate(history.history["loss"])}
RESULT["arrays_gap"] = float(max(abs(a - b) for a, b in zip(history.history["loss"],
                                                            reference.history["loss"])))
RESULT["history_keys"] = float(len(history.history))
print(RESULT)
