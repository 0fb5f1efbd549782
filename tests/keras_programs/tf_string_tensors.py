"""The string tensors of the TensorFlow guide "Introduction to Tensors": a scalar and a vector
of strings (dtype tf.string), tf.strings.split of a scalar (a vector of byte strings),
tf.strings.to_number of the split, tf.strings.bytes_split and tf.io.decode_raw of a word, and
unicode_split / unicode_decode of a UTF-8 string.
"""

import numpy as np

import numnet as tf

RESULT = {}

scalar_string_tensor = tf.constant("Gray wolf")
RESULT["scalar_is_string"] = float(scalar_string_tensor.dtype == tf.string)
RESULT["scalar_rank"] = float(len(scalar_string_tensor.shape))
tensor_of_strings = tf.constant(["Gray wolf",
                                 "Quick brown fox",
                                 "Lazy dog"])
RESULT["vector_is_string"] = float(tensor_of_strings.dtype == tf.string)
RESULT["vector_length"] = float(tensor_of_strings.shape[0])
RESULT["numpy_is_bytes"] = float(tensor_of_strings.numpy()[0] == b"Gray wolf")

words = tf.strings.split(scalar_string_tensor, sep=" ")
RESULT["split_words"] = float(len(words.numpy()))
RESULT["split_second_is_wolf"] = float(words.numpy()[1] == b"wolf")

text = tf.constant("1 10 100")
numbers = tf.strings.to_number(tf.strings.split(text, " "))
RESULT["to_number_sum"] = float(tf.reduce_sum(numbers))
RESULT["to_number_is_float32"] = float(numbers.dtype == tf.float32)

byte_strings = tf.strings.bytes_split(tf.constant("Duck"))
byte_ints = tf.io.decode_raw(tf.constant("Duck"), tf.uint8)
RESULT["bytes_split_first"] = float(byte_strings.numpy()[0] == b"D")
RESULT["decode_raw_sum"] = float(np.sum(byte_ints.numpy()))  # 68 + 117 + 99 + 107

unicode_bytes = tf.constant("アヒル 🦆")
unicode_char_bytes = tf.strings.unicode_split(unicode_bytes, "UTF-8")
unicode_values = tf.strings.unicode_decode(unicode_bytes, "UTF-8")
RESULT["unicode_chars"] = float(len(unicode_char_bytes.numpy()))  # 5
RESULT["unicode_last_value"] = float(unicode_values.numpy()[-1])  # 0x1F986
print(RESULT)
