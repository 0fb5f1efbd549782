"""A model whose outputs are a list of named layers, from the guide "Training & evaluation
with the built-in methods": compile() takes a list of losses, and fit() takes the inputs and
the targets as dicts keyed by the Input's and the output layers' names, as the guide shows
for its image and time-series model.

Weights start from a fixed NumPy draw and batches are not shuffled, so the losses (the total
and one per output, named after the outputs) are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(97)
rng = np.random.default_rng(97)
x = rng.normal(size=(128, 10)).astype("float32")
labels = np.argmax(x[:, :3], axis=1)

image_input = keras.Input(shape=(10,), name="img_input")
hidden = layers.Dense(8, activation="relu")(image_input)
score_output = layers.Dense(1, name="score_output")(hidden)
class_output = layers.Dense(3, name="class_output")(hidden)
model = keras.Model(inputs=image_input, outputs=[score_output, class_output])
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
              loss=[keras.losses.MeanSquaredError(),
                    keras.losses.SparseCategoricalCrossentropy(from_logits=True)])
history = model.fit({"img_input": x}, {"score_output": x[:, :1], "class_output": labels},
                    batch_size=32, epochs=4, shuffle=False, verbose=0)

RESULT = {f"loss_{epoch}": float(value) for epoch, value in enumerate(history.history["loss"])}
RESULT["score_loss"] = float(history.history["score_output_loss"][-1])
RESULT["class_loss"] = float(history.history["class_output_loss"][-1])
RESULT["history_keys"] = float(len(history.history))
print(RESULT)
