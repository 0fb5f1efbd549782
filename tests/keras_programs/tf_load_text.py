"""The TensorFlow tutorial "Load text": a directory of labelled text files read with
keras.utils.text_dataset_from_directory (validation_split, subset, seed), TextVectorization in
multi_hot and int modes adapted on a dataset of texts and mapped over the (text, label)
batches, a Dense classifier on the multi-hot vectors and a Conv1D one on the ids, files read
line by line with tf.data.TextLineDataset and labelled with map, joined with concatenate,
shuffled once (reshuffle_each_iteration=False) and split with take / skip, and an export
model that takes raw strings.

The texts are sentences generated from two vocabularies (the tutorial's Stack Overflow
questions and Iliad translations). Which files the seeded split and shuffles pick is each
library's own draw, so the comparison with TensorFlow is on the counts and the accuracy.
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
RESULT = {"class_names": float(len(raw_train_ds.class_names)),
          "javascript_is_first": float(raw_train_ds.class_names[0] == "javascript")}
for text_batch, label_batch in raw_train_ds.take(1):
    for i in range(3):
        print("Question: ", text_batch.numpy()[i])
        print("Label:", label_batch.numpy()[i])
    RESULT["first_batch_labels"] = float(np.sum(label_batch.numpy()))
RESULT["train_batches"] = float(sum(1 for _ in raw_train_ds))
RESULT["val_batches"] = float(sum(1 for _ in raw_val_ds))

VOCAB_SIZE = 24
binary_vectorize_layer = layers.TextVectorization(max_tokens=VOCAB_SIZE,
                                                  output_mode="multi_hot")
MAX_SEQUENCE_LENGTH = 12
int_vectorize_layer = layers.TextVectorization(max_tokens=VOCAB_SIZE, output_mode="int",
                                               output_sequence_length=MAX_SEQUENCE_LENGTH)
train_text = raw_train_ds.map(lambda text, labels: text)
binary_vectorize_layer.adapt(train_text)
int_vectorize_layer.adapt(train_text)


def binary_vectorize_text(text, label):
    text = tf.expand_dims(text, -1)
    return binary_vectorize_layer(text), label


def int_vectorize_text(text, label):
    text = tf.expand_dims(text, -1)
    return int_vectorize_layer(text), label


text_batch, label_batch = next(iter(raw_train_ds))
# (one question as a batch of one: text_batch[0] is a scalar string tensor that numnet cannot
# expand yet, see tf_text_rnn.py)
first_question, first_label = text_batch[:1], label_batch[:1]
print("'binary' vectorized question:", list(binary_vectorize_text(first_question,
                                                                  first_label)[0].numpy()))
print("'int' vectorized question:", list(int_vectorize_text(first_question,
                                                            first_label)[0].numpy()))
RESULT["multi_hot_width"] = float(binary_vectorize_text(first_question, first_label)[0]
                                  .shape[-1])
RESULT["multi_hot_rank"] = float(len(binary_vectorize_text(first_question, first_label)[0]
                                     .shape))
RESULT["int_width"] = float(int_vectorize_text(first_question, first_label)[0].shape[-1])
RESULT["vocabulary"] = float(len(int_vectorize_layer.get_vocabulary()))
RESULT["special_tokens"] = float(int_vectorize_layer.get_vocabulary()[:2] == ["", "[UNK]"])

binary_train_ds = raw_train_ds.map(binary_vectorize_text).cache().prefetch(tf.data.AUTOTUNE)
binary_val_ds = raw_val_ds.map(binary_vectorize_text).cache().prefetch(tf.data.AUTOTUNE)
binary_model = tf.keras.Sequential([layers.Dense(2)])
binary_model.build((None, VOCAB_SIZE))
weights_rng = np.random.default_rng(0)
binary_model.set_weights([weights_rng.normal(size=w.shape).astype("float32") * 0.1
                          for w in binary_model.get_weights()])
binary_model.compile(loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                     optimizer=tf.keras.optimizers.Adam(0.02), metrics=["accuracy"])
history = binary_model.fit(binary_train_ds, validation_data=binary_val_ds, epochs=8,
                           verbose=0)
RESULT.update({f"binary_loss_{i}": float(v) for i, v in enumerate(history.history["loss"])})
RESULT["binary_val_accuracy"] = float(history.history["val_accuracy"][-1])

int_train_ds = raw_train_ds.map(int_vectorize_text).cache().prefetch(tf.data.AUTOTUNE)
int_val_ds = raw_val_ds.map(int_vectorize_text).cache().prefetch(tf.data.AUTOTUNE)


def create_model(vocab_size, num_labels):
    model = tf.keras.Sequential([
        layers.Embedding(vocab_size, 8, mask_zero=True),
        layers.Conv1D(8, 3, padding="valid", activation="relu", strides=1),
        layers.GlobalMaxPooling1D(),
        layers.Dense(num_labels),
    ])
    return model


int_model = create_model(vocab_size=VOCAB_SIZE + 1, num_labels=2)
int_model.compile(loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=tf.keras.optimizers.Adam(1e-2), metrics=["accuracy"])
history = int_model.fit(int_train_ds, validation_data=int_val_ds, epochs=6, verbose=0)
RESULT.update({f"int_loss_{i}": float(v) for i, v in enumerate(history.history["loss"])})
RESULT["int_val_accuracy"] = float(history.history["val_accuracy"][-1])

# Load text: files read line by line, labelled, joined and split
lines_dir = "lines"
os.makedirs(lines_dir, exist_ok=True)
FILE_NAMES = ["python.txt", "javascript.txt"]
for name, label in zip(FILE_NAMES, words):
    with open(os.path.join(lines_dir, name), "w") as f:
        f.write("\n".join(sentence(label, int(rng.integers(4, 12))) for _ in range(60)) + "\n")


def labeler(example, index):
    return example, tf.cast(index, tf.int64)


labeled_data_sets = []
for i, file_name in enumerate(FILE_NAMES):
    lines_dataset = tf.data.TextLineDataset(os.path.join(lines_dir, file_name))
    labeled_dataset = lines_dataset.map(lambda ex: labeler(ex, i))  # noqa: B023
    labeled_data_sets.append(labeled_dataset)
BUFFER_SIZE = 200
VALIDATION_SIZE = 30
all_labeled_data = labeled_data_sets[0]
for labeled_dataset in labeled_data_sets[1:]:
    all_labeled_data = all_labeled_data.concatenate(labeled_dataset)
all_labeled_data = all_labeled_data.shuffle(BUFFER_SIZE, reshuffle_each_iteration=False)
for text, label in all_labeled_data.take(3):
    print("Sentence: ", text.numpy())
    print("Label:", label.numpy())
first_pass = [text.numpy() for text, _ in all_labeled_data]
second_pass = [text.numpy() for text, _ in all_labeled_data]
RESULT["lines"] = float(len(first_pass))
RESULT["shuffled_once"] = float(first_pass == second_pass)
RESULT["label_sum"] = float(sum(int(label) for _, label in all_labeled_data))
validation_data = all_labeled_data.take(VALIDATION_SIZE).batch(batch_size)
train_data = all_labeled_data.skip(VALIDATION_SIZE).batch(batch_size)
RESULT["line_train_batches"] = float(sum(1 for _ in train_data))
RESULT["line_val_rows"] = float(sum(int(tf.shape(x)[0]) for x, _ in validation_data))
print(RESULT)
