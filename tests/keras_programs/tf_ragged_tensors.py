"""The TensorFlow guide "Ragged tensors", with the ragged parts of "Introduction to Tensors" and
"Unicode strings": tf.ragged.constant of numbers and strings, the factories (from_value_rowids,
from_row_lengths, from_row_splits, from_tensor, from_nested_row_lengths), element-wise math,
reductions, concat and map_fn on ragged tensors, indexing, to_tensor / to_sparse and back,
tf.strings.split and unicode_decode / unicode_encode of a batch, datasets of ragged rows, and a
small Keras model trained on the padded hashed words of the guide's sentences (weights from a
NumPy draw).
"""

import numpy as np

import numnet as tf

RESULT = {}

# Introduction to Tensors: a ragged list is no tensor, a RaggedTensor holds it
ragged_list = [[0, 1, 2, 3], [4, 5], [6, 7, 8], [9]]
try:
    tensor = tf.constant(ragged_list)
    RESULT["constant_refused"] = 0.0
except ValueError:
    RESULT["constant_refused"] = 1.0
ragged_tensor = tf.ragged.constant(ragged_list)
print(ragged_tensor)
print(ragged_tensor.shape)
RESULT["ragged_shape_rows"] = float(ragged_tensor.shape[0])
RESULT["ragged_shape_unknown"] = float(ragged_tensor.shape[1] is None)

# Ragged tensors guide: overview
digits = tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])
words = tf.ragged.constant([["So", "long"], ["thanks", "for", "all", "the", "fish"]])
print(tf.add(digits, 3))
print(tf.reduce_mean(digits, axis=1))
print(tf.concat([digits, [[5, 3]]], axis=0))
print(tf.strings.substr(words, 0, 2))
print(tf.map_fn(tf.math.square, digits))
RESULT["add_sum"] = float(tf.reduce_sum(tf.add(digits, 3)))
RESULT["row_sum_2"] = float(tf.reduce_sum(digits, axis=1)[2])
RESULT["row_max_0"] = float(tf.reduce_max(digits, axis=1)[0])
RESULT["concat_rows"] = float(tf.concat([digits, [[5, 3]]], axis=0).nrows())
RESULT["substr_first_is_so"] = float(tf.strings.substr(words, 0, 2)[0][0].numpy() == b"So")
RESULT["map_fn_square_sum"] = float(tf.reduce_sum(tf.map_fn(tf.math.square, digits)))
RESULT["to_list_equal"] = float(digits.to_list() == [[3, 1, 4, 1], [], [5, 9, 2], [6], []])
RESULT["numpy_rows"] = float(len(digits.numpy()))

# indexing
print(digits[0])
print(digits[:, :2])
print(digits[:, -2:])
RESULT["first_row_sum"] = float(tf.reduce_sum(digits[0]))
RESULT["first_two_sum"] = float(tf.reduce_sum(digits[:, :2]))
RESULT["last_two_sum"] = float(tf.reduce_sum(digits[:, -2:]))

# overloaded operators
print(digits + 3)
print(digits + tf.ragged.constant([[1, 2, 3, 4], [], [5, 6, 7], [8], []]))


def times_two_plus_one(x):
    return x * 2 + 1


print(tf.ragged.map_flat_values(times_two_plus_one, digits))
RESULT["pairwise_sum"] = float(tf.reduce_sum(
    digits + tf.ragged.constant([[1, 2, 3, 4], [], [5, 6, 7], [8], []])))
RESULT["map_flat_values_sum"] = float(tf.reduce_sum(
    tf.ragged.map_flat_values(times_two_plus_one, digits)))

# constructing
sentences = tf.ragged.constant([
    ["Let's", "build", "some", "ragged", "tensors", "!"],
    ["We", "can", "use", "tf.ragged.constant", "."]])
paragraphs = tf.ragged.constant([
    [["I", "have", "a", "cat"], ["His", "name", "is", "Mat"]],
    [["Do", "you", "want", "to", "come", "visit"], ["I'm", "free", "tomorrow"]],
])
RESULT["sentences_rows"] = float(sentences.nrows())
RESULT["paragraphs_ragged_rank"] = float(paragraphs.ragged_rank)
RESULT["paragraph_words"] = float(tf.size(paragraphs))
by_ids = tf.RaggedTensor.from_value_rowids(values=[3, 1, 4, 1, 5, 9, 2],
                                           value_rowids=[0, 0, 0, 0, 2, 2, 3])
by_lengths = tf.RaggedTensor.from_row_lengths(values=[3, 1, 4, 1, 5, 9, 2],
                                              row_lengths=[4, 0, 2, 1])
by_splits = tf.RaggedTensor.from_row_splits(values=[3, 1, 4, 1, 5, 9, 2],
                                            row_splits=[0, 4, 4, 6, 7])
print(by_ids)
RESULT["factories_agree"] = float(by_ids.to_list() == by_lengths.to_list()
                                  == by_splits.to_list())
RESULT["by_ids_last_row"] = float(tf.reduce_sum(by_ids[3]))
rt = tf.RaggedTensor.from_row_splits(values=[[1, 3], [0, 0], [1, 3], [5, 3], [3, 3], [1, 2]],
                                     row_splits=[0, 3, 4, 6])
print(rt)
print(f"Shape: {rt.shape}")
print(f"Number of partitioned dimensions: {rt.ragged_rank}")
RESULT["uniform_inner_dim"] = float(rt.shape[2])
RESULT["uniform_inner_ragged_rank"] = float(rt.ragged_rank)
nested = tf.RaggedTensor.from_nested_row_lengths(
    flat_values=[3, 1, 4, 1, 5, 9, 2, 6],
    nested_row_lengths=([2, 0, 3], [4, 0, 0, 1, 3]))
print(nested)
RESULT["nested_rank"] = float(nested.ragged_rank)
RESULT["nested_bounding_2"] = float(nested.bounding_shape()[2])
RESULT["nested_merge_rows"] = float(nested.merge_dims(1, 2).nrows())

# conversion to and from dense and sparse
ragged_sentences = tf.ragged.constant([
    ["Hi"], ["Welcome", "to", "the", "fair"], ["Have", "fun"]])
print(ragged_sentences.to_tensor(default_value="", shape=[None, 10]))
padded = ragged_sentences.to_tensor(default_value="", shape=[None, 10])
RESULT["padded_columns"] = float(padded.shape[1])
RESULT["padded_blank"] = float(padded.numpy()[0][1] == b"")
x = [[1, 3, -1, -1], [2, -1, -1, -1], [4, 5, 8, 9]]
print(tf.RaggedTensor.from_tensor(x, padding=-1))
RESULT["from_tensor_sum"] = float(tf.reduce_sum(tf.RaggedTensor.from_tensor(x, padding=-1)))
sparse = ragged_sentences.to_sparse()
RESULT["sparse_entries"] = float(sparse.indices.shape[0])
RESULT["sparse_round_trip"] = float(
    tf.RaggedTensor.from_sparse(sparse).to_list() == ragged_sentences.to_list())

# reductions, masks and ranges
queries = tf.ragged.constant([["Who", "is", "Dan", "Smith"],
                              ["Pause"],
                              ["Will", "it", "rain", "later", "today"]])
num_buckets = 1024
embedding_size = 4
embedding_table = tf.Variable(tf.random.truncated_normal([num_buckets, embedding_size],
                                                         stddev=1.0 / np.sqrt(embedding_size)))
word_buckets = tf.strings.to_hash_bucket_fast(queries, num_buckets)
word_embeddings = tf.nn.embedding_lookup(embedding_table, word_buckets)
marker = tf.fill([queries.nrows(), 1], "#")
padded = tf.concat([marker, queries, marker], axis=1)
bigrams = tf.strings.join([padded[:, :-1], padded[:, 1:]], separator="+")
bigram_buckets = tf.strings.to_hash_bucket_fast(bigrams, num_buckets)
bigram_embeddings = tf.nn.embedding_lookup(embedding_table, bigram_buckets)
all_embeddings = tf.concat([word_embeddings, bigram_embeddings], axis=1)
avg_embedding = tf.reduce_mean(all_embeddings, axis=1)
print(avg_embedding)
RESULT["word_buckets_rows"] = float(word_buckets.nrows())
RESULT["word_embeddings_rows"] = float(tf.size(word_embeddings) / embedding_size)
RESULT["bigram_count"] = float(tf.size(bigrams))
RESULT["bigram_last_is_marker"] = float(bigrams[1][1].numpy() == b"Pause+#")
RESULT["avg_embedding_rows"] = float(avg_embedding.shape[0])
RESULT["tile_sum"] = float(tf.reduce_sum(tf.tile(digits, [1, 2])))
masked = tf.ragged.boolean_mask(digits, digits > 2)
print(masked)
RESULT["masked_sum"] = float(tf.reduce_sum(masked))
RESULT["range_values"] = float(tf.size(tf.ragged.range([3, 0, 2])))
RESULT["stacked_rows"] = float(tf.ragged.stack([digits, digits]).nrows())

# Unicode strings: a batch of strings decoded to ragged code points and back
batch_utf8 = [s.encode("UTF-8") for s in
              ["hÃllo", "What is the weather tomorrow", "Göödnight", "😊"]]
batch_chars_ragged = tf.strings.unicode_decode(batch_utf8, input_encoding="UTF-8")
for sentence_chars in batch_chars_ragged.to_list():
    print(sentence_chars)
batch_chars_padded = batch_chars_ragged.to_tensor(default_value=-1)
print(batch_chars_padded.numpy())
RESULT["chars_padded_width"] = float(batch_chars_padded.shape[1])
RESULT["chars_padded_fill"] = float(np.sum(batch_chars_padded.numpy() == -1))
RESULT["chars_last_value"] = float(batch_chars_ragged[3][0])
encoded = tf.strings.unicode_encode(batch_chars_ragged, output_encoding="UTF-8")
RESULT["encode_round_trip"] = float(encoded.numpy().tolist() == batch_utf8)
unpadded = tf.RaggedTensor.from_tensor(batch_chars_padded, padding=-1)
RESULT["unpad_round_trip"] = float(unpadded.to_list() == batch_chars_ragged.to_list())

# datasets of ragged rows
dataset = tf.data.Dataset.from_tensor_slices(digits)
RESULT["dataset_first_sum"] = float(tf.reduce_sum(next(iter(dataset))))
batched = dataset.batch(2)
RESULT["dataset_batches"] = float(len(list(batched)))
RESULT["dataset_batch_rows"] = float(next(iter(batched)).nrows())

# a Keras model on the guide's sentences: words hashed, padded with 0, masked
sentences_text = tf.constant(
    ["What makes you think she is a witch?",
     "She turned me into a newt.",
     "A newt?",
     "Well, I got better."])
is_question = np.array([1.0, 0.0, 1.0, 0.0], dtype="float32")
hash_buckets = 1000
split_words = tf.strings.split(sentences_text, " ")
hashed_words = tf.strings.to_hash_bucket_fast(split_words, hash_buckets - 1) + 1
padded_words = hashed_words.to_tensor()
RESULT["padded_words_width"] = float(padded_words.shape[1])
model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(None,), dtype="int64"),
    tf.keras.layers.Embedding(hash_buckets, 8, mask_zero=True),
    tf.keras.layers.GlobalAveragePooling1D(),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
rng = np.random.default_rng(0)
model.set_weights([rng.normal(0.0, 0.5, size=w.shape).astype("float32")
                   for w in model.get_weights()])
model.compile(loss="binary_crossentropy", optimizer=tf.keras.optimizers.SGD(0.5))
history = model.fit(padded_words, is_question, epochs=6, batch_size=4, shuffle=False, verbose=0)
for epoch, loss in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(loss)
print(RESULT)
