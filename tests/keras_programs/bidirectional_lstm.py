"""After the keras.io example "Bidirectional LSTM on IMDB": reviews as integer sequences padded
by keras.utils.pad_sequences to a fixed length, an Input of a free length and dtype int32, an
Embedding, two Bidirectional LSTM layers (the first returning sequences), a sigmoid Dense,
compiled with "adam", "binary_crossentropy" and "accuracy", fit with validation_data.

The reviews are drawn from a 40-word vocabulary in which words 2-9 are positive and 10-17
negative; a review's label says which kind it holds more of. The weights are set from a NumPy
draw and the batches are not shuffled, so the losses follow Keras's.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(17)
max_features = 40
maxlen = 24


def reviews(n):
    sequences, labels = [], []
    for _ in range(n):
        length = int(rng.integers(6, 30))
        words = rng.integers(18, max_features, length)
        label = int(rng.integers(0, 2))
        strong = rng.integers(2, 10, 3) if label else rng.integers(10, 18, 3)
        weak = rng.integers(10, 18, 1) if label else rng.integers(2, 10, 1)
        spots = rng.choice(length, 4, replace=False)
        words[spots] = np.concatenate([strong, weak])
        sequences.append(words.tolist())
        labels.append(label)
    return sequences, np.array(labels)


x_train, y_train = reviews(480)
x_val, y_val = reviews(160)
RESULT = {"longest_review": float(max(len(review) for review in x_train))}
x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)
RESULT["padded_shape"] = float(x_train.shape[1])
RESULT["leading_zeros"] = float(np.sum(x_train[:, 0] == 0))

inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(max_features, 16)(inputs)
x = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(16))(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.summary()
RESULT["params"] = float(model.count_params())
RESULT["weights"] = float(len(model.weights))
RESULT["sequence_width"] = float(model.layers[2].output.shape[-1])

model.set_weights([rng.normal(0.0, 0.2, w.shape).astype("float32")
                   for w in model.get_weights()])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=7, shuffle=False,
                    validation_data=(x_val, y_val), verbose=0)
for epoch, loss in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = loss
RESULT["val_loss"] = history.history["val_loss"][-1]
RESULT["val_accuracy"] = history.history["val_accuracy"][-1]
short = model.predict(x_val[:8, -10:], verbose=0)
RESULT["short_prediction_sum"] = float(np.sum(short))
print(RESULT)
