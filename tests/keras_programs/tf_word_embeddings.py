"""After the TensorFlow tutorial "Word embeddings": a small IMDB-like folder of reviews (pos /
neg / an unsup folder removed with shutil.rmtree), text_dataset_from_directory with a
validation split, an Embedding layer called on ids, a TextVectorization with a custom
standardization (tf.strings.lower and regex_replace of '<br />' and punctuation) adapted on
the texts, a Sequential of it, an Embedding named "embedding", GlobalAveragePooling1D and two
Dense layers, trained with a TensorBoard callback; then the trained embedding from
get_layer('embedding').get_weights()[0] and the vocabulary written to vectors.tsv and
metadata.tsv.
"""

import os
import re
import shutil
import string
import tempfile

import numpy as np

import numnet as tf
from numnet import Sequential
from numnet.layers import Dense, Embedding, GlobalAveragePooling1D, TextVectorization

tf.keras.utils.set_random_seed(21)
RESULT = {}

# ----- a small review corpus in the aclImdb layout
rng = np.random.default_rng(8)
good = ["brilliant", "moving", "wonderful", "superb", "delightful", "charming", "gripping"]
bad = ["boring", "awful", "dull", "clumsy", "tedious", "weak", "lifeless"]
filler = ["the", "film", "plot", "actors", "story", "was", "and", "a", "it", "this", "movie",
          "scenes", "director", "ending", "with", "of"]
dataset_dir = os.path.join(tempfile.mkdtemp(), "aclImdb")
train_dir = os.path.join(dataset_dir, "train")
for label, words in (("pos", good), ("neg", bad)):
    os.makedirs(os.path.join(train_dir, label))
    for i in range(100):
        tokens = list(rng.choice(filler, size=int(rng.integers(8, 16))))
        for _ in range(int(rng.integers(1, 4))):
            tokens.insert(int(rng.integers(0, len(tokens))), str(rng.choice(words)))
        text = " ".join(tokens).capitalize() + ". <br />" + "It " + str(rng.choice(words)) \
            + "!"
        with open(os.path.join(train_dir, label, f"{i}_7.txt"), "w") as f:
            f.write(text)
os.makedirs(os.path.join(train_dir, "unsup"))
with open(os.path.join(train_dir, "unsup", "0_0.txt"), "w") as f:
    f.write("an unlabeled review")
print(os.listdir(dataset_dir))

remove_dir = os.path.join(train_dir, "unsup")
shutil.rmtree(remove_dir)

batch_size = 32
seed = 123
train_ds = tf.keras.utils.text_dataset_from_directory(
    train_dir, batch_size=batch_size, validation_split=0.2,
    subset="training", seed=seed)
val_ds = tf.keras.utils.text_dataset_from_directory(
    train_dir, batch_size=batch_size, validation_split=0.2,
    subset="validation", seed=seed)
RESULT["class_names_ok"] = float(train_ds.class_names == ["neg", "pos"])

for text_batch, label_batch in train_ds.take(1):
    for i in range(5):
        print(label_batch[i].numpy(), text_batch.numpy()[i])
RESULT["text_is_string"] = float(text_batch.dtype == tf.string)

val_label_sum = sum(int(tf.reduce_sum(labels)) for _, labels in val_ds)
val_count = sum(int(labels.shape[0]) for _, labels in val_ds)
RESULT["val_label_sum"] = float(val_label_sum)
RESULT["val_count"] = float(val_count)

AUTOTUNE = tf.data.AUTOTUNE
train_ds = train_ds.cache().prefetch(buffer_size=AUTOTUNE)
val_ds = val_ds.cache().prefetch(buffer_size=AUTOTUNE)

# ----- using the Embedding layer
embedding_layer = tf.keras.layers.Embedding(1000, 5)
result = embedding_layer(tf.constant([1, 2, 3]))
print(result.numpy())
RESULT["embedded_shape_sum"] = float(sum(result.shape))
result = embedding_layer(tf.constant([[0, 1, 2], [3, 4, 5]]))
print(result.shape)
RESULT["embedded_batch_shape_sum"] = float(sum(result.shape))


# ----- text preprocessing
def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html,
                                    f"[{re.escape(string.punctuation)}]", "")


vocab_size = 40
sequence_length = 24

vectorize_layer = TextVectorization(
    standardize=custom_standardization,
    max_tokens=vocab_size,
    output_mode="int",
    output_sequence_length=sequence_length)

text_ds = train_ds.map(lambda x, y: x)
vectorize_layer.adapt(text_ds)
vocab = vectorize_layer.get_vocabulary()
RESULT["vocab_size"] = float(len(vocab))
RESULT["vocab_head_ok"] = float(vocab[:2] == ["", "[UNK]"])
RESULT["vocab_has_no_punctuation"] = float(all(
    not any(c in string.punctuation for c in word) for word in vocab[2:]))
RESULT["vocab_has_no_br"] = float("br" not in vocab)
sample = vectorize_layer(tf.constant(["The film was brilliant!<br />It dull"]))
RESULT["sample_ids_nonzero"] = float(np.count_nonzero(sample.numpy()))
RESULT["sample_width"] = float(sample.shape[1])

# ----- create a classification model
embedding_dim = 8

model = Sequential([
    vectorize_layer,
    Embedding(vocab_size, embedding_dim, name="embedding"),
    GlobalAveragePooling1D(),
    Dense(16, activation="relu"),
    Dense(1)
])

tensorboard_callback = tf.keras.callbacks.TensorBoard(log_dir="logs")

model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(
    train_ds,
    validation_data=val_ds,
    epochs=12,
    callbacks=[tensorboard_callback],
    verbose=0)
model.summary()
RESULT["loss_0"] = float(history.history["loss"][0])
RESULT["loss_last"] = float(history.history["loss"][-1])
RESULT["val_accuracy"] = float(history.history["val_accuracy"][-1])
RESULT["logs_written"] = float(os.path.isdir("logs") and any(
    files for _, _, files in os.walk("logs")))
RESULT["params"] = float(model.count_params())

# ----- retrieve the trained word embeddings and save them to disk
weights = model.get_layer("embedding").get_weights()[0]
vocab = vectorize_layer.get_vocabulary()
RESULT["weights_rows"] = float(weights.shape[0])
RESULT["weights_columns"] = float(weights.shape[1])

out_v = open("vectors.tsv", "w", encoding="utf-8")
out_m = open("metadata.tsv", "w", encoding="utf-8")

for index, word in enumerate(vocab):
    if index == 0:
        continue  # skip 0, it's padding.
    vec = weights[index]
    out_v.write("\t".join([str(x) for x in vec]) + "\n")
    out_m.write(word + "\n")
out_v.close()
out_m.close()

with open("vectors.tsv", encoding="utf-8") as f:
    rows = [line.rstrip("\n").split("\t") for line in f]
with open("metadata.tsv", encoding="utf-8") as f:
    words = [line.rstrip("\n") for line in f]
RESULT["tsv_rows"] = float(len(rows))
RESULT["tsv_columns"] = float(len(rows[0]))
RESULT["tsv_read_back_gap"] = float(np.max(np.abs(
    np.array(rows, dtype="float32") - weights[1:len(rows) + 1])))
RESULT["metadata_rows"] = float(len(words))

# the sentiment words end up on opposite sides of the classifier's direction
direction = model.layers[-1].get_weights()[0][:, 0] @ model.layers[-2].get_weights()[0].T
score = {word: float(weights[i] @ direction) for i, word in enumerate(vocab)}
RESULT["good_words_above_bad"] = float(
    np.mean([score[w] for w in good if w in score])
    > np.mean([score[w] for w in bad if w in score]))
print(RESULT)
