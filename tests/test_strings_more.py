"""tf.strings' number conversion, splitting, slicing, joining, matching and hashing, checked
against the values TensorFlow 2.21 gives for the same calls (TensorFlow returns bytes where
numnet returns str)."""

import numpy as np
import pytest

import numnet as tf


def test_to_number_reads_floats_and_ints_and_names_a_bad_string():
    got = tf.strings.to_number(tf.strings.split(tf.constant("1 10 100"), " "))
    assert got.dtype == np.float32 and got.numpy().tolist() == [1.0, 10.0, 100.0]
    assert tf.strings.to_number(["1", "2.5"]).tolist() == [1.0, 2.5]
    ints = tf.strings.to_number([["3", "-4"]], out_type=tf.int64)
    assert ints.dtype == np.int64 and ints.numpy().tolist() == [[3, -4]]
    with pytest.raises(ValueError, match="'x1'"):
        tf.strings.to_number(["1", "x1"])
    with pytest.raises(ValueError, match="out_type"):
        tf.strings.to_number(["1"], out_type="string")


def test_as_string_formats_as_tensorflow():
    assert tf.strings.as_string([3.5, 2.0]).tolist() == [b"3.500000", b"2.000000"]
    assert tf.strings.as_string([7, 42], width=3, fill="0").tolist() == [b"007", b"042"]
    assert tf.strings.as_string(1.0 / 3, precision=3).numpy() == b"0.333"
    assert tf.strings.as_string(0.1, shortest=True).numpy() == b"0.1"
    assert tf.strings.as_string([True]).tolist() == [b"true"]
    assert tf.strings.as_string(1e10, scientific=True).numpy().decode() == "1.000000e+10"


def test_splits_substr_and_joins():
    # one string: a string Tensor, as TensorFlow; several: a RaggedTensor, as there
    assert tf.strings.bytes_split(tf.constant("Duck")).tolist() == [b"D", b"u", b"c", b"k"]
    assert tf.strings.split(tf.constant("Gray wolf"), sep=" ").tolist() == [b"Gray", b"wolf"]
    assert tf.strings.unicode_split("né").tolist() == [b"n", "é".encode()]
    assert tf.strings.unicode_decode("né🦆").numpy().tolist() == [110, 233, 0x1F986]
    assert tf.strings.unicode_decode(["ab", "c"])[0].numpy().tolist() == [97, 98]
    assert tf.strings.unicode_encode([110, 233]).numpy().decode() == "né"
    assert tf.strings.unicode_encode([[97, 98], [99, 100]]).tolist() == [b"ab", b"cd"]
    assert tf.strings.bytes_split(["é"]).to_list() == [[b"\xc3", b"\xa9"]]
    assert tf.strings.unicode_split(["né", "ab"]).to_list() == [[b"n", "é".encode()], [b"a", b"b"]]
    assert tf.strings.substr(["Hello World"], 6, 5).tolist() == [b"World"]
    assert tf.strings.substr("Hello", -3, 2).numpy() == b"ll"
    assert tf.strings.substr("héllo", 1, 3, unit="UTF8_CHAR").numpy().decode() == "éll"
    with pytest.raises(ValueError, match="outside"):
        tf.strings.substr("abc", 5, 1)
    table = [["a", "b"], ["c", "d"]]
    assert tf.strings.reduce_join(table, axis=1, separator="-").tolist() == [b"a-b", b"c-d"]
    assert tf.strings.reduce_join(table).numpy() == b"abcd"
    assert tf.strings.reduce_join(table, axis=0, keepdims=True).tolist() == [[b"ac", b"bd"]]


def test_full_match_and_hash_buckets():
    assert tf.strings.regex_full_match(["ab12", "x", "ab12x"], "[a-z]+[0-9]+").tolist() == [
        True, False, False]
    # TensorFlow's documented example: FarmHash Fingerprint64 modulo the bucket count
    assert tf.strings.to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3).tolist() == [
        0, 2, 2]
    with pytest.raises(ValueError, match="num_buckets"):
        tf.strings.to_hash_bucket_fast(["a"], 0)


def test_regex_replace_reads_rewrite_as_re2():
    # TensorFlow 2.21: \0 is the whole match, \1.. a group (empty when it did not take part),
    # \\ one backslash
    padded = tf.strings.regex_replace(["a, b.ab"], "[,.]", r" \0 ")
    assert padded.numpy().tolist() == [b"a ,  b . ab"]
    groups = tf.strings.regex_replace(["a, b.ab"], "(a)(x)?", r"<\1|\2>")
    assert groups.numpy().tolist() == [b"<a|>, b.<a|>b"]
    assert tf.strings.regex_replace(["a, b.ab"], "(b)", r"[\1\1]").numpy().tolist() == [
        b"a, [bb].a[bb]"]
    assert tf.strings.regex_replace(["ab"], "a", "\\\\").numpy().tolist() == [b"\\b"]
    first = tf.strings.regex_replace(["a.b.c"], r"\.", r"<\0>", replace_global=False)
    assert first.numpy().tolist() == [b"a<.>b.c"]
    # TensorFlow logs "invalid rewrite pattern" and returns a mangled string: numnet refuses
    with pytest.raises(ValueError, match="group"):
        tf.strings.regex_replace(["ab"], "a", r"\2")
    with pytest.raises(ValueError, match="backslash"):
        tf.strings.regex_replace(["ab"], "a", r"\n")


def test_a_text_input_dtype_is_string_and_equals_tf_string():
    """Keras names a text Input's dtype "string"; under TensorFlow it also equals tf.string."""
    text = tf.keras.Input((1,), dtype=tf.string)
    assert text.dtype == "string" and text.dtype == tf.string and tf.string == text.dtype
    assert not text.dtype != tf.string and str(text.dtype) == "string"
    assert {text.dtype: 1}["string"] == 1
    number = tf.keras.Input((1,), dtype="int64")
    assert number.dtype != tf.string and number.dtype == tf.int64


def test_plus_joins_string_tensors_and_python_strings():
    """TensorFlow's ``+`` on strings: element-wise, broadcast, a str on either side."""
    assert ("[start] " + tf.constant("a b")).numpy() == b"[start] a b"
    assert (tf.constant("a") + " x").numpy() == b"a x"
    assert ("> " + tf.constant(["a", "b"])).numpy().tolist() == [b"> a", b"> b"]
    assert (tf.constant(["a", "b"]) + tf.constant(["c", "d"])).numpy().tolist() == [b"ac", b"bd"]
    with pytest.raises(TypeError):
        tf.constant("a") + 1
