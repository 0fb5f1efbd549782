"""After the keras.io example "Text classification from scratch": raw review strings in a
tf.data.Dataset, a TextVectorization layer with a custom standardization (tf.strings.lower and
tf.strings.regex_replace that drops "<br />" and punctuation), max_tokens and
output_sequence_length, adapted on the text-only dataset; the datasets mapped to integer
sequences with tf.expand_dims; an Embedding + Dropout + two strided Conv1D +
GlobalMaxPooling1D + Dense model trained with binary_crossentropy; then an end-to-end model
that takes strings (Input of dtype "string") and evaluates on the raw dataset.
"""

import re
import string

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

rng = np.random.default_rng(23)
positive = ["great", "wonderful", "loved", "superb", "moving", "brilliant"]
negative = ["boring", "awful", "hated", "dull", "terrible", "weak"]
filler = ["the", "film", "was", "a", "plot", "actor", "story", "and", "it", "this", "movie",
          "of", "scenes", "music", "ending", "cast"]


def review(label):
    words = list(rng.choice(filler, rng.integers(8, 20)))
    cues = positive if label == 1 else negative
    for _ in range(2):
        words.insert(rng.integers(0, len(words)), str(rng.choice(cues)).upper()
                     if rng.random() < 0.3 else str(rng.choice(cues)))
    text = " ".join(words)
    return text.replace(" and ", " and<br /><br />", 1) + rng.choice([".", "!", "..."])


labels = rng.integers(0, 2, 480)
texts = np.array([review(label) for label in labels])
batch_size = 32
raw_train_ds = tf.data.Dataset.from_tensor_slices((texts[:320], labels[:320])).batch(batch_size)
raw_val_ds = tf.data.Dataset.from_tensor_slices((texts[320:400], labels[320:400])).batch(
    batch_size)
raw_test_ds = tf.data.Dataset.from_tensor_slices((texts[400:], labels[400:])).batch(batch_size)

for text_batch, label_batch in raw_train_ds.take(1):
    first_text, first_label = text_batch.numpy()[0], label_batch.numpy()[0]


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(
        stripped_html, f"[{re.escape(string.punctuation)}]", ""
    )


max_features = 40
embedding_dim = 16
sequence_length = 24

vectorize_layer = keras.layers.TextVectorization(
    standardize=custom_standardization,
    max_tokens=max_features,
    output_mode="int",
    output_sequence_length=sequence_length,
)

text_ds = raw_train_ds.map(lambda x, y: x)
vectorize_layer.adapt(text_ds)
vocabulary = vectorize_layer.get_vocabulary()


def vectorize_text(text, label):
    text = tf.expand_dims(text, -1)
    return vectorize_layer(text), label


train_ds = raw_train_ds.map(vectorize_text)
val_ds = raw_val_ds.map(vectorize_text)
test_ds = raw_test_ds.map(vectorize_text)
first_vector = next(iter(train_ds))[0].numpy()[0]

inputs = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(max_features, embedding_dim)(inputs)
x = layers.Dropout(0.2)(x)
x = layers.Conv1D(16, 3, padding="valid", activation="relu", strides=2)(x)
x = layers.Conv1D(16, 3, padding="valid", activation="relu", strides=2)(x)
x = layers.GlobalMaxPooling1D()(x)
x = layers.Dense(16, activation="relu")(x)
x = layers.Dropout(0.2)(x)
predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)

model = keras.Model(inputs, predictions)
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.01),
              metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=5, verbose=0)
test_loss, test_accuracy = model.evaluate(test_ds, verbose=0)

inputs = keras.Input(shape=(1,), dtype="string")
indices = vectorize_layer(inputs)
outputs = model(indices)

end_to_end_model = keras.Model(inputs, outputs)
end_to_end_model.compile(
    loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"]
)
end_loss, end_accuracy = end_to_end_model.evaluate(raw_test_ds, verbose=0)

RESULT = {
    "vocabulary_size": float(len(vocabulary)),
    "special_tokens": float(vocabulary[:2] == ["", "[UNK]"]),
    "no_markup": float(all("<" not in token and "." not in token for token in vocabulary)),
    "first_length": float(len(first_vector)),
    "first_padding": float(np.sum(first_vector == 0)),
    "val_accuracy": float(max(history.history["val_accuracy"])),
    "test_accuracy": float(test_accuracy),
    "end_to_end_accuracy": float(end_accuracy),
    "end_to_end_gap": float(abs(end_loss - test_loss)),
}
print(RESULT)
