"""The TensorFlow tutorial "Text classification with an RNN", with the end of "Load text"
(an export model that takes raw strings): a TextVectorization encoder adapted on the texts of
a (text, label) dataset, one question of a batch taken with text_batch[0], the Sequential
[encoder, Embedding(mask_zero=True), Bidirectional(LSTM), Dense, Dense] trained on the string
dataset with BinaryCrossentropy(from_logits=True) and validation_steps, predict on raw strings
(padding changes nothing), and the stacked version with return_sequences=True.

The texts are sentences generated from two vocabularies (the tutorials' IMDB reviews and
Stack Overflow questions); the weights come from NumPy draws.
"""

import os

import numpy as np
from numnet.keras import layers, losses, utils

import numnet as tf

rng = np.random.default_rng(12)
words = {
    "python": ["list", "dict", "import", "pandas", "numpy", "lambda", "def", "pip"],
    "javascript": ["node", "npm", "react", "async", "promise", "dom", "json", "const"],
}
common = ["how", "to", "the", "a", "in", "my", "with", "error", "why", "does", "not", "work"]


def sentence(label, length):
    picked = [common[rng.integers(len(common))] if rng.random() < 0.5 else
              words[label][rng.integers(len(words[label]))] for _ in range(length)]
    return " ".join(picked)


# Load text: a directory of files, one directory a class
for label in words:
    os.makedirs(os.path.join("stack_overflow", "train", label), exist_ok=True)
    for i in range(40):
        with open(os.path.join("stack_overflow", "train", label, f"{i}.txt"), "w") as f:
            f.write(sentence(label, int(rng.integers(4, 12))))

batch_size = 16
seed = 42
raw_train_ds = utils.text_dataset_from_directory(
    "stack_overflow/train", batch_size=batch_size, validation_split=0.25, subset="training",
    seed=seed)
raw_val_ds = utils.text_dataset_from_directory(
    "stack_overflow/train", batch_size=batch_size, validation_split=0.25,
    subset="validation", seed=seed)
RESULT = {}
VOCAB_SIZE = 24

text_batch, label_batch = next(iter(raw_train_ds))
first_question, first_label = text_batch[0], label_batch[0]
print("Question", first_question)
print("Label", first_label)
RESULT["first_question_rank"] = float(len(tf.expand_dims(first_question, -1).shape))

# Load text: the export model, raw strings in
binary_vectorize_layer = layers.TextVectorization(max_tokens=VOCAB_SIZE,
                                                  output_mode="multi_hot")
binary_vectorize_layer.adapt(raw_train_ds.map(lambda text, labels: text))
binary_model = tf.keras.Sequential([layers.Dense(2)])
binary_model.compile(loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                     optimizer=tf.keras.optimizers.Adam(0.02), metrics=["accuracy"])
binary_model.fit(raw_train_ds.map(lambda text, label: (binary_vectorize_layer(
    tf.expand_dims(text, -1)), label)), epochs=5, verbose=0)
export_model = tf.keras.Sequential(
    [binary_vectorize_layer, binary_model, layers.Activation("sigmoid")])
export_model.compile(loss=losses.SparseCategoricalCrossentropy(from_logits=False),
                     optimizer="adam", metrics=["accuracy"])
loss, accuracy = export_model.evaluate(raw_val_ds, verbose=0)
RESULT["export_accuracy"] = float(accuracy)
weights_rng = np.random.default_rng(0)

# Text classification with an RNN
train_dataset = raw_train_ds.map(lambda text, label: (text, tf.cast(label, tf.float32)))
test_dataset = raw_val_ds.map(lambda text, label: (text, tf.cast(label, tf.float32)))
encoder = tf.keras.layers.TextVectorization(max_tokens=VOCAB_SIZE)
encoder.adapt(train_dataset.map(lambda text, label: text))
vocab = np.array(encoder.get_vocabulary())
print(vocab[:20])
encoded_example = encoder(text_batch)[:3].numpy()
print(encoded_example)
RESULT["encoded_width"] = float(encoded_example.shape[1])

model = tf.keras.Sequential([
    encoder,
    tf.keras.layers.Embedding(input_dim=len(encoder.get_vocabulary()), output_dim=8,
                              mask_zero=True),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(8)),
    tf.keras.layers.Dense(8, activation="relu"),
    tf.keras.layers.Dense(1),
])
print([layer.supports_masking for layer in model.layers])
RESULT["masking_layers"] = float(sum(bool(layer.supports_masking) for layer in model.layers))
model.build((None,))
model.set_weights([weights_rng.normal(size=w.shape).astype("float32") * 0.3
                   for w in model.get_weights()])

sample_text = ("how to import numpy in my list the error does not work with pandas "
               "how to import numpy in my list")
predictions = model.predict(tf.constant([sample_text]), verbose=0)
padding = "the " * 20
predictions_padded = model.predict(tf.constant([sample_text, padding]), verbose=0)
RESULT["padding_gap"] = float(abs(predictions[0][0] - predictions_padded[0][0]))

model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              optimizer=tf.keras.optimizers.Adam(1e-2), metrics=["accuracy"])
history = model.fit(train_dataset, epochs=6, validation_data=test_dataset, validation_steps=2,
                    verbose=0)
RESULT.update({f"loss_{i}": float(v) for i, v in enumerate(history.history["loss"])})
RESULT["val_accuracy"] = float(history.history["val_accuracy"][-1])
test_loss, test_acc = model.evaluate(test_dataset, verbose=0)
RESULT["test_loss"] = float(test_loss)
RESULT["test_accuracy"] = float(test_acc)
RESULT["python_score"] = float(model.predict(tf.constant(["import numpy pandas list dict"]),
                                             verbose=0)[0][0])

stacked = tf.keras.Sequential([
    encoder,
    tf.keras.layers.Embedding(len(encoder.get_vocabulary()), 8, mask_zero=True),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(8, return_sequences=True)),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(4)),
    tf.keras.layers.Dense(8, activation="relu"),
    tf.keras.layers.Dropout(0.0),
    tf.keras.layers.Dense(1),
])
stacked.build((None,))
stacked.set_weights([weights_rng.normal(size=w.shape).astype("float32") * 0.3
                     for w in stacked.get_weights()])
stacked.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                optimizer=tf.keras.optimizers.Adam(1e-2), metrics=["accuracy"])
history = stacked.fit(train_dataset, epochs=4, validation_data=test_dataset, verbose=0)
RESULT.update({f"stacked_loss_{i}": float(v) for i, v in enumerate(history.history["loss"])})
RESULT["stacked_params"] = float(stacked.count_params())
print(RESULT)
