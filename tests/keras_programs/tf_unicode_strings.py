"""After the TensorFlow tutorial "Unicode strings": a string scalar in UTF-8 and in UTF-16-BE
and a vector of code points, unicode_decode / unicode_encode / unicode_transcode between them;
a batch decoded to a RaggedTensor, padded with to_tensor, made sparse, and encoded back from
each of the three; length and substr in bytes and in characters, unicode_split and
unicode_decode_with_offsets; unicode_script of single code points and of a ragged batch; and
the tutorial's simple segmentation: words cut where the script changes (tf.where over the
ragged values, RaggedTensor.from_row_starts and from_row_lengths), encoded back to strings.
A small hashed bag of characters, trained on script-labelled strings, ends it.
"""

import numpy as np

import numnet as tf

RESULT = {}

# ----- the tf.string data type
smile = tf.constant("Thanks 😊")
RESULT["smile_bytes"] = float(len(smile.numpy()))  # 7 + 4
RESULT["vector_rows"] = float(tf.constant(["You're", "welcome!"]).shape[0])

# ----- representing Unicode
text_utf8 = tf.constant("语言处理")
text_utf16be = tf.constant("语言处理".encode("UTF-16-BE"))
text_chars = tf.constant([ord(char) for char in "语言处理"])
RESULT["utf8_bytes"] = float(len(text_utf8.numpy()))
RESULT["utf16_bytes"] = float(len(text_utf16be.numpy()))
RESULT["utf16_first_byte"] = float(text_utf16be.numpy()[0])  # 0x8b
RESULT["chars_is_int32"] = float(text_chars.dtype == tf.int32)

decoded = tf.strings.unicode_decode(text_utf8, input_encoding="UTF-8")
RESULT["decoded_sum"] = float(tf.reduce_sum(decoded))
encoded = tf.strings.unicode_encode(text_chars, output_encoding="UTF-8")
RESULT["encoded_equal"] = float(encoded.numpy() == text_utf8.numpy())
transcoded = tf.strings.unicode_transcode(text_utf8, input_encoding="UTF8",
                                          output_encoding="UTF-16-BE")
RESULT["transcoded_equal"] = float(transcoded.numpy() == text_utf16be.numpy())
from_utf16 = tf.strings.unicode_decode(text_utf16be, input_encoding="UTF-16-BE")
RESULT["utf16_decoded_equal"] = float(np.array_equal(from_utf16.numpy(), decoded.numpy()))

# ----- batch dimensions
batch_utf8 = [s.encode("UTF-8") for s in
              ["hÃllo", "What is the weather tomorrow", "Göödnight", "😊"]]
batch_chars_ragged = tf.strings.unicode_decode(batch_utf8, input_encoding="UTF-8")
for sentence_chars in batch_chars_ragged.to_list():
    print(sentence_chars)
RESULT["ragged_rows"] = float(batch_chars_ragged.nrows())
RESULT["ragged_row_lengths_sum"] = float(tf.reduce_sum(batch_chars_ragged.row_lengths()))

batch_chars_padded = batch_chars_ragged.to_tensor(default_value=-1)
print(batch_chars_padded.numpy())
RESULT["padded_columns"] = float(batch_chars_padded.shape[1])
RESULT["padded_fill"] = float(tf.reduce_sum(tf.cast(batch_chars_padded == -1, tf.int32)))

batch_chars_sparse = batch_chars_ragged.to_sparse()
nrows, ncols = batch_chars_sparse.dense_shape.numpy()
elements = [["_" for i in range(ncols)] for j in range(nrows)]
for (row, col), value in zip(batch_chars_sparse.indices.numpy(),
                             batch_chars_sparse.values.numpy()):
    elements[row][col] = str(value)
value_lengths = []
for row in elements:
    for value in row:
        value_lengths.append(len(value))
max_width = max(value_lengths)
print("[{}]".format("\n ".join(
    "[{}]".format(", ".join(value.rjust(max_width) for value in row)) for row in elements)))
RESULT["sparse_entries"] = float(batch_chars_sparse.values.shape[0])
RESULT["sparse_blank"] = float(sum(row.count("_") for row in elements))

cats = tf.strings.unicode_encode([[99, 97, 116], [100, 111, 103], [99, 111, 119]],
                                 output_encoding="UTF-8")
RESULT["cat_dog_cow"] = float(cats.numpy().tolist() == [b"cat", b"dog", b"cow"])
from_ragged = tf.strings.unicode_encode(batch_chars_ragged, output_encoding="UTF-8")
from_sparse = tf.strings.unicode_encode(tf.RaggedTensor.from_sparse(batch_chars_sparse),
                                        output_encoding="UTF-8")
from_padded = tf.strings.unicode_encode(
    tf.RaggedTensor.from_tensor(batch_chars_padded, padding=-1), output_encoding="UTF-8")
RESULT["round_trips"] = float(sum(
    list(t.numpy()) == batch_utf8 for t in (from_ragged, from_sparse, from_padded)))

# ----- Unicode operations
thanks = "Thanks 😊".encode()
num_bytes = tf.strings.length(thanks).numpy()
num_chars = tf.strings.length(thanks, unit="UTF8_CHAR").numpy()
print(f"{num_bytes} bytes; {num_chars} UTF-8 characters")
RESULT["num_bytes"] = float(num_bytes)
RESULT["num_chars"] = float(num_chars)
one_byte = tf.strings.substr(thanks, pos=7, len=1).numpy()
one_char = tf.strings.substr(thanks, pos=7, len=1, unit="UTF8_CHAR").numpy()
print(one_byte, one_char)
RESULT["substr_byte"] = float(one_byte == b"\xf0")
RESULT["substr_char"] = float(one_char == "😊".encode())

split_chars = tf.strings.unicode_split(thanks, "UTF-8").numpy()
RESULT["split_chars"] = float(len(split_chars))
RESULT["split_last_bytes"] = float(len(split_chars[-1]))

codepoints, offsets = tf.strings.unicode_decode_with_offsets("🎈🎉🎊", "UTF-8")
for (codepoint, offset) in zip(codepoints.numpy(), offsets.numpy()):
    print(f"At byte offset {offset}: codepoint {codepoint}")
RESULT["offsets_sum"] = float(tf.reduce_sum(offsets))  # 0 + 4 + 8
RESULT["offsets_is_int64"] = float(offsets.dtype == tf.int64)

pieces, starts = tf.strings.unicode_split_with_offsets(
    [s.encode("utf8") for s in ("Gööd", "😊!")], "UTF-8")
RESULT["split_offsets"] = float(starts.to_list() == [[0, 1, 3, 5], [0, 4]])
RESULT["split_pieces_second"] = float(pieces.to_list()[0][1] == "ö".encode())

# ----- Unicode scripts
uscript = tf.strings.unicode_script([33464, 1041])  # ['芸', 'Б']
print(uscript.numpy())  # [17, 8] == [USCRIPT_HAN, USCRIPT_CYRILLIC]
RESULT["script_han"] = float(uscript.numpy()[0])
RESULT["script_cyrillic"] = float(uscript.numpy()[1])
RESULT["script_is_int32"] = float(uscript.dtype == tf.int32)
batch_scripts = tf.strings.unicode_script(batch_chars_ragged)
print(batch_scripts)
RESULT["batch_script_sum"] = float(tf.reduce_sum(batch_scripts.flat_values))
RESULT["batch_script_rows"] = float(batch_scripts.nrows())

# ----- example: simple segmentation
sentence_texts = ["Hello, world.", "世界こんにちは"]
sentence_char_codepoint = tf.strings.unicode_decode(sentence_texts, "UTF-8")
sentence_char_script = tf.strings.unicode_script(sentence_char_codepoint)
sentence_char_starts_word = tf.concat(
    [tf.fill([sentence_char_codepoint.nrows(), 1], True),
     tf.not_equal(sentence_char_script[:, 1:], sentence_char_script[:, :-1])],
    axis=1)
word_starts = tf.squeeze(tf.where(sentence_char_starts_word.values), axis=1)
print(word_starts)
word_char_codepoint = tf.RaggedTensor.from_row_starts(
    values=sentence_char_codepoint.values, row_starts=word_starts)
print(word_char_codepoint)
words = tf.strings.unicode_encode(word_char_codepoint, "UTF-8")
print(words)
sentence_num_words = tf.reduce_sum(tf.cast(sentence_char_starts_word, tf.int64), axis=1)
sentence_word_char_codepoint = tf.RaggedTensor.from_row_lengths(
    values=word_char_codepoint, row_lengths=sentence_num_words)
print(sentence_word_char_codepoint)
segmented = tf.strings.unicode_encode(sentence_word_char_codepoint, "UTF-8").to_list()
print(segmented)
RESULT["word_starts_sum"] = float(tf.reduce_sum(word_starts))
RESULT["words"] = float(len(words.numpy()))
RESULT["segmented_equal"] = float(segmented == [
    [b"Hello", b", ", b"world", b"."],
    ["世界".encode(), "こんにちは".encode()]])
RESULT["num_words_sum"] = float(tf.reduce_sum(sentence_num_words))

# ----- a hashed bag of characters learns which script a string is written in
rng = np.random.default_rng(11)
alphabets = [[chr(c) for c in range(ord("a"), ord("z") + 1)],
             [chr(c) for c in range(0x430, 0x450)],
             [chr(c) for c in range(0x3B1, 0x3C9)]]
texts, labels = [], []
for i in range(240):
    label = i % 3
    texts.append("".join(rng.choice(alphabets[label], size=int(rng.integers(3, 9)))))
    labels.append(label)
chars = tf.strings.unicode_split(texts, "UTF-8")
buckets = tf.strings.to_hash_bucket_fast(chars, 64)
bags = tf.reduce_sum(tf.one_hot(buckets, 64), axis=1)
labels = np.array(labels)
RESULT["bag_total"] = float(tf.reduce_sum(bags))
RESULT["char_total"] = float(tf.reduce_sum(chars.row_lengths()))

model = tf.keras.Sequential([
    tf.keras.Input(shape=(64,)),
    tf.keras.layers.Dense(3),
])
draw = np.random.default_rng(2)
model.set_weights([draw.normal(0, 0.1, (64, 3)).astype("float32"), np.zeros(3, "float32")])
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(bags, labels, batch_size=40, epochs=4, shuffle=False, verbose=0)
for epoch, loss in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(loss)
RESULT["accuracy"] = float(history.history["accuracy"][-1])
print(RESULT)
