"""The TensorFlow tutorial "word2vec": the skip-grams of one sentence with
tf.keras.preprocessing.sequence.skipgrams, negative sampling with
tf.random.log_uniform_candidate_sampler, tf.keras.preprocessing.sequence.make_sampling_table,
generate_training_data over a corpus read with tf.data.TextLineDataset (filtered on
tf.strings.length), a TextVectorization layer with a custom standardization
(tf.strings.lower, tf.strings.regex_replace) adapted on the batched lines and mapped over them,
a dataset of ((target, context), label) shuffled, batched, cached and prefetched, and the
subclassed Word2Vec model whose call takes the dot products with tf.einsum, trained with
CategoricalCrossentropy(from_logits=True) and a TensorBoard callback; the embedding is read
back with get_layer("w2v_embedding") and written to vectors.tsv / metadata.tsv.

The corpus is a small generated one (two topics whose words keep company); the sampling
table takes a sampling_factor of 0.01 so that a 40-word vocabulary keeps words (the
tutorial's 4096 words do with the default 1e-5). The negative samples are TensorFlow's
random draws, so the comparison with TensorFlow is on the exact counts and the accuracy.
"""

import random
import re
import string

import numpy as np
from numnet.keras import layers

import numnet as tf

SEED = 42
AUTOTUNE = tf.data.AUTOTUNE
RESULT = {}

# Vectorize an example sentence
sentence = "The wide road shimmered in the hot sun"
tokens = list(sentence.lower().split())
vocab, index = {}, 1
vocab["<pad>"] = 0
for token in tokens:
    if token not in vocab:
        vocab[token] = index
        index += 1
vocab_size = len(vocab)
inverse_vocab = {index: token for token, index in vocab.items()}
example_sequence = [vocab[word] for word in tokens]
print(example_sequence)

# Generate skip-grams from one sentence
window_size = 2
positive_skip_grams, _ = tf.keras.preprocessing.sequence.skipgrams(
    example_sequence, vocabulary_size=vocab_size, window_size=window_size, negative_samples=0)
print(len(positive_skip_grams))
for target, context in positive_skip_grams[:5]:
    print(f"({target}, {context}): ({inverse_vocab[target]}, {inverse_vocab[context]})")
RESULT["sentence_skip_grams"] = float(len(positive_skip_grams))
RESULT["sentence_vocab_size"] = float(vocab_size)

# Negative sampling for one skip-gram
target_word, context_word = positive_skip_grams[0]
num_ns = 4
context_class = tf.reshape(tf.constant(context_word, dtype="int64"), (1, 1))
negative_sampling_candidates, _, _ = tf.random.log_uniform_candidate_sampler(
    true_classes=context_class, num_true=1, num_sampled=num_ns, unique=True,
    range_max=vocab_size, seed=SEED, name="negative_sampling")
print(negative_sampling_candidates)
print([inverse_vocab[index.numpy()] for index in negative_sampling_candidates])
RESULT["candidates_unique"] = float(len(set(negative_sampling_candidates.numpy().tolist())))
RESULT["candidates_in_range"] = float(
    tf.reduce_all(negative_sampling_candidates < vocab_size).numpy())

# Construct one training example
squeezed_context_class = tf.squeeze(context_class, 1)
context = tf.concat([squeezed_context_class, negative_sampling_candidates], 0)
label = tf.constant([1] + [0] * num_ns, dtype="int64")
target = target_word
print(f"target_index    : {target}")
print(f"context_indices : {context}")
print(f"label           : {label}")
RESULT["context_length"] = float(context.shape[0])
RESULT["context_first_is_true"] = float(context[0].numpy() == context_word)
RESULT["label_sum"] = float(tf.reduce_sum(label))

sampling_table = tf.keras.preprocessing.sequence.make_sampling_table(size=10)
print(sampling_table)
RESULT["table_3"] = float(sampling_table[3])


def generate_training_data(sequences, window_size, num_ns, vocab_size, seed):
    targets, contexts, labels = [], [], []
    sampling_table = tf.keras.preprocessing.sequence.make_sampling_table(
        vocab_size, sampling_factor=0.01)
    for sequence in sequences:
        positive_skip_grams, _ = tf.keras.preprocessing.sequence.skipgrams(
            sequence, vocabulary_size=vocab_size, sampling_table=sampling_table,
            window_size=window_size, negative_samples=0)
        for target_word, context_word in positive_skip_grams:
            context_class = tf.expand_dims(tf.constant([context_word], dtype="int64"), 1)
            negative_sampling_candidates, _, _ = tf.random.log_uniform_candidate_sampler(
                true_classes=context_class, num_true=1, num_sampled=num_ns, unique=True,
                range_max=vocab_size, seed=seed, name="negative_sampling")
            context = tf.concat([tf.squeeze(context_class, 1), negative_sampling_candidates], 0)
            label = tf.constant([1] + [0] * num_ns, dtype="int64")
            targets.append(target_word)
            contexts.append(context)
            labels.append(label)
    return targets, contexts, labels


# A corpus: two topics, each sentence mostly from one
rng = np.random.default_rng(3)
topics = [["ship", "sea", "sail", "wave", "harbor", "captain", "anchor", "storm", "deck",
           "tide", "crew", "island"],
          ["bread", "oven", "flour", "butter", "baker", "dough", "crust", "yeast", "salt",
           "loaf", "knead", "sugar"]]
glue = ["the", "a", "and", "of", "to", "with", "by", "in"]
lines = []
for i in range(160):
    topic = topics[i % 2]
    words = []
    for _ in range(rng.integers(5, 10)):
        words.append(glue[rng.integers(len(glue))] if rng.random() < 0.3 else
                     topic[rng.integers(len(topic))])
    lines.append(" ".join(words).capitalize() + rng.choice([".", "!", ",", "?"]))
    if i % 20 == 0:
        lines.append("")
with open("corpus.txt", "w", encoding="utf-8") as handle:
    handle.write("\n".join(lines) + "\n")
path_to_file = "corpus.txt"

text_ds = tf.data.TextLineDataset(path_to_file).filter(
    lambda x: tf.cast(tf.strings.length(x), bool))
RESULT["nonempty_lines"] = float(sum(1 for _ in text_ds))


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    return tf.strings.regex_replace(lowercase, f"[{re.escape(string.punctuation)}]", "")


vocab_size = 40
sequence_length = 10
vectorize_layer = layers.TextVectorization(
    standardize=custom_standardization, max_tokens=vocab_size, output_mode="int",
    output_sequence_length=sequence_length)
vectorize_layer.adapt(text_ds.batch(64))
inverse_vocab = vectorize_layer.get_vocabulary()
print(inverse_vocab[:20])
RESULT["vocabulary"] = float(len(inverse_vocab))
RESULT["vocabulary_checksum"] = float(sum(
    (i + 1) * sum(ord(c) for c in word) for i, word in enumerate(inverse_vocab)))

text_vector_ds = text_ds.batch(64).prefetch(AUTOTUNE).map(vectorize_layer).unbatch()
sequences = list(text_vector_ds.as_numpy_iterator())
print(len(sequences))
for seq in sequences[:3]:
    print(f"{seq} => {[inverse_vocab[i] for i in seq]}")
RESULT["sequences"] = float(len(sequences))
RESULT["first_sequence_sum"] = float(np.sum(sequences[0]))

random.seed(SEED)
targets, contexts, labels = generate_training_data(
    sequences=sequences, window_size=2, num_ns=4, vocab_size=vocab_size, seed=SEED)
targets = np.array(targets)
contexts = np.array(contexts)
labels = np.array(labels)
print("\n")
print(f"targets.shape: {targets.shape}")
print(f"contexts.shape: {contexts.shape}")
print(f"labels.shape: {labels.shape}")
RESULT["pairs"] = float(targets.shape[0])
RESULT["target_sum"] = float(targets.sum())
RESULT["true_context_sum"] = float(contexts[:, 0].sum())

BATCH_SIZE = 64
BUFFER_SIZE = 1000
dataset = tf.data.Dataset.from_tensor_slices(((targets, contexts), labels))
dataset = dataset.shuffle(BUFFER_SIZE).batch(BATCH_SIZE, drop_remainder=True)
print(dataset)
dataset = dataset.cache().prefetch(buffer_size=AUTOTUNE)
print(dataset)


class Word2Vec(tf.keras.Model):
    def __init__(self, vocab_size, embedding_dim):
        super().__init__()
        self.target_embedding = layers.Embedding(vocab_size, embedding_dim,
                                                 name="w2v_embedding")
        self.context_embedding = layers.Embedding(vocab_size, embedding_dim)

    def call(self, pair):
        target, context = pair
        if len(target.shape) == 2:
            target = tf.squeeze(target, axis=1)
        word_emb = self.target_embedding(target)
        context_emb = self.context_embedding(context)
        dots = tf.einsum("be,bce->bc", word_emb, context_emb)
        return dots


embedding_dim = 16
word2vec = Word2Vec(vocab_size, embedding_dim)
word2vec.compile(optimizer="adam",
                 loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True),
                 metrics=["accuracy"])
tensorboard_callback = tf.keras.callbacks.TensorBoard(log_dir="logs")
history = word2vec.fit(dataset, epochs=12, callbacks=[tensorboard_callback], verbose=0)
RESULT.update({f"loss_{i}": float(v) for i, v in enumerate(history.history["loss"])})
RESULT["accuracy"] = float(history.history["accuracy"][-1])

weights = word2vec.get_layer("w2v_embedding").get_weights()[0]
vocab = vectorize_layer.get_vocabulary()
RESULT["weights_rows"] = float(weights.shape[0])
RESULT["weights_columns"] = float(weights.shape[1])

out_v = open("vectors.tsv", "w", encoding="utf-8")
out_m = open("metadata.tsv", "w", encoding="utf-8")
for index, word in enumerate(vocab):
    if index == 0:
        continue
    vec = weights[index]
    out_v.write("\t".join([str(x) for x in vec]) + "\n")
    out_m.write(word + "\n")
out_v.close()
out_m.close()
with open("metadata.tsv", encoding="utf-8") as handle:
    RESULT["metadata_rows"] = float(len(handle.read().splitlines()))

# words of one topic sit closer to each other than to the other topic's
normalized = weights / np.linalg.norm(weights, axis=1, keepdims=True)
index_of = {word: i for i, word in enumerate(vocab)}


def mean_similarity(first, second):
    a = [index_of[w] for w in first if w in index_of]
    b = [index_of[w] for w in second if w in index_of]
    sims = normalized[a] @ normalized[b].T
    if first is second:
        sims = sims[~np.eye(len(a), dtype=bool)]
    return float(np.mean(sims))


RESULT["within_topic"] = (mean_similarity(topics[0], topics[0])
                          + mean_similarity(topics[1], topics[1])) / 2
RESULT["across_topics"] = mean_similarity(topics[0], topics[1])
print(RESULT)
