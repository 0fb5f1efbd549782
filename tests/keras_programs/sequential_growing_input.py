"""A Sequential model without an Input (as the guides write them: the model is built by its
first call or by fit), trained on windows of 8 tokens and then run on contexts of other
lengths, one token at a time, as a text generation loop does. The Embedding and the LSTM
take sequences of any length, so Keras runs the model on each context.

The task: the next token of a sequence that counts up modulo 10. Weights start from a fixed
NumPy draw and batches are not shuffled.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(37)
rng = np.random.default_rng(37)
vocab, window, n = 10, 8, 512

starts = rng.integers(0, vocab, size=n)
steps = (starts[:, None] + np.arange(window + 1)) % vocab
x, y = steps[:, :-1], steps[:, -1]

model = keras.Sequential([
    layers.Embedding(vocab, 8),
    layers.LSTM(16),
    layers.Dense(vocab, activation="softmax"),
])
model(x[:1])
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, batch_size=32, epochs=4, shuffle=False, verbose=0)

context = [3, 4, 5]
for _ in range(6):
    probabilities = model.predict(np.array([context]), verbose=0)[0]
    context.append(int(np.argmax(probabilities)))
called = model(np.array([context[:5]]))

RESULT = {f"loss_{epoch}": float(value) for epoch, value in enumerate(history.history["loss"])}
RESULT["accuracy"] = float(history.history["accuracy"][-1])
RESULT["generated_right"] = float(np.mean(np.array(context[3:]) == (np.arange(3, 9) + 3) % 10))
RESULT["called_rows"] = float(called.shape[0])
print(RESULT)
