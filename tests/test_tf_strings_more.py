"""tf.strings.ngrams, format, to_hash_bucket_strong and unsorted_segment_join
(numnet.tf_api.strings_tf): hand values, and SipHash-2-4 against the reference vectors of its
paper. TensorFlow 2.21 gives the same results (checked while writing these; not needed here)."""

import doctest

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.tf_api import strings_tf

WORDS = ["a", "b", "c", "d"]


def texts(t):
    return np.asarray(t).tolist()


def test_ngrams_of_one_sequence():
    assert texts(tf.strings.ngrams(WORDS, 2)) == [b"a b", b"b c", b"c d"]
    assert texts(tf.strings.ngrams(WORDS, (1, 3))) == [b"a", b"b", b"c", b"d", b"a b c", b"b c d"]
    assert texts(tf.strings.ngrams(WORDS, 5)) == []
    assert texts(tf.strings.ngrams(WORDS, 5, preserve_short_sequences=True)) == [b"a b c d"]


def test_ngrams_padding():
    # padding_width defaults to ngram_width - 1 and is capped there
    assert texts(tf.strings.ngrams(WORDS, 3, pad_values="P")) == [
        b"P P a", b"P a b", b"a b c", b"b c d", b"c d P", b"d P P"]
    assert texts(tf.strings.ngrams(WORDS, 3, pad_values=("L", "R"), padding_width=1)) == [
        b"L a b", b"a b c", b"b c d", b"c d R"]
    assert texts(tf.strings.ngrams(WORDS, 2, pad_values="P", padding_width=3)) == [
        b"P a", b"a b", b"b c", b"c d", b"d P"]
    with pytest.raises(ValueError, match="pad_values"):
        tf.strings.ngrams(WORDS, 2, padding_width=1)


def test_ngrams_of_a_matrix_and_separator():
    out = tf.strings.ngrams(tf.constant([["a", "b", "c"], ["d", "e", "f"]]), 2, separator="_")
    assert out.shape == (2, 2)
    assert texts(out) == [[b"a_b", b"b_c"], [b"d_e", b"e_f"]]


def test_ngrams_of_ragged_rows():
    rows = tf.ragged.constant([["a", "b", "c"], ["d"], []])
    assert tf.strings.ngrams(rows, 2).to_list() == [[b"a b", b"b c"], [], []]
    assert tf.strings.ngrams(rows, 2, preserve_short_sequences=True).to_list() == [
        [b"a b", b"b c"], [b"d"], []]
    # an empty row padded on both sides still makes ngrams of pads
    assert tf.strings.ngrams(rows, 3, pad_values="#").to_list() == [
        [b"# # a", b"# a b", b"a b c", b"b c #", b"c # #"], [b"# # d", b"# d #", b"d # #"],
        [b"# # #", b"# # #"]]
    assert tf.strings.ngrams(rows, 4, pad_values="#", padding_width=1,
                             preserve_short_sequences=True).to_list() == [
        [b"# a b c", b"a b c #"], [b"# d #"], []]
    nested = tf.ragged.constant([[["a", "b"], ["c"]], [["d", "e", "f"]]])
    assert tf.strings.ngrams(nested, 2).to_list() == [[[b"a b"], []], [[b"d e", b"e f"]]]


def test_ngrams_rejects_bad_arguments():
    with pytest.raises(ValueError, match="greater than 0"):
        tf.strings.ngrams(WORDS, 0)
    with pytest.raises(ValueError, match="rank > 0"):
        tf.strings.ngrams("a", 2)
    with pytest.raises(ValueError, match="string"):
        tf.strings.ngrams(tf.constant([1, 2, 3]), 2)


def fmt(*args, **kwargs):
    return np.asarray(tf.strings.format(*args, **kwargs)).item()


def test_format_summarizes_like_tf_print():
    assert fmt("tensor: {}, suffix", tf.range(10)) == b"tensor: [0 1 2 ... 7 8 9], suffix"
    assert fmt("{}", tf.range(10), summarize=-1) == b"[0 1 2 3 4 5 6 7 8 9]"
    assert fmt("{}", tf.range(10, dtype=tf.int64), summarize=0) == b"[ ...]"
    assert fmt("{}", tf.zeros((0,))) == b"[]"
    assert fmt("{}", tf.reshape(tf.range(24), (2, 3, 4)), summarize=1) == (
        b"[[[0 ... 3]\n  ...\n  [8 ... 11]]\n\n [[12 ... 15]\n  ...\n  [20 ... 23]]]")


def test_format_numbers_strings_and_bools():
    # float32: the shortest of %.6g and %.9g that reads back; float64: %.15g or %.17g
    assert fmt("{} and {}", (tf.constant([1.0, 2.5, 1e-7, 123456789.0]), tf.constant("hi"))) \
        == b'[1 2.5 1e-07 123456792] and "hi"'
    assert fmt("{}", tf.constant(1 / 3)) == b"0.333333343"
    assert fmt("{}", tf.constant([0.1, 1 / 3], tf.float64)) == b"[0.1 0.33333333333333331]"
    assert fmt("{}", tf.constant([1.5, float("nan"), float("inf")])) == b"[1.5 nan inf]"
    assert fmt("{}", tf.constant([[True, False]])) == b"[[1 0]]"
    assert fmt("{}", tf.constant([["a", "b"], ["c", "d"]])) == b'[["a" "b"]\n ["c" "d"]]'
    assert fmt("{}", tf.constant([b'a"b', b"\n\x01"])) == b'["a\\"b" "\\n\\001"]'
    assert fmt("x<>y", tf.constant([1, 2]), placeholder="<>") == b"x[1 2]y"


def test_format_needs_one_input_per_placeholder():
    with pytest.raises(ValueError, match="expects 2 tensors"):
        tf.strings.format("{} {}", tf.constant(1))


def test_to_hash_bucket_strong_is_siphash_modulo():
    key = [0x0706050403020100, 0x0F0E0D0C0B0A0908]
    out = tf.strings.to_hash_bucket_strong([bytes(range(15)), b""], 1000, key)
    assert out.dtype == np.int64
    assert np.asarray(out).tolist() == [0xA129CA6149BE45E5 % 1000, 0x726FDB47DD0E0E31 % 1000]
    assert np.asarray(tf.strings.to_hash_bucket_strong(["Hello", "TF"], 3, [1, 2])).tolist() \
        == [2, 0]
    assert tf.strings.to_hash_bucket_strong([["a", "b"]], 7, [5, 6]).shape == (1, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="2 elements"):
        tf.strings.to_hash_bucket_strong(["Hello"], 3, [1])


def test_unsorted_segment_join():
    out = tf.strings.unsorted_segment_join(["a", "b", "c", "d"], [1, 0, 1, 3], 5, separator=":")
    assert texts(out) == [b"b", b"a:c", b"", b"d", b""]
    rows = tf.strings.unsorted_segment_join([["a", "b"], ["c", "d"], ["e", "f"]], [0, 1, 0], 2)
    assert texts(rows) == [[b"ae", b"bf"], [b"c", b"d"]]
    grid = tf.strings.unsorted_segment_join([["a", "b"], ["c", "d"]], [[0, 1], [1, 1]], 3,
                                            separator="+")
    assert texts(grid) == [b"a", b"b+c+d", b""]
    for bad in ([0, -1], [0, 2]):
        with pytest.raises(tf.errors.InvalidArgumentError, match="segment_ids"):
            tf.strings.unsorted_segment_join(["a", "b"], bad, 2)


def test_docstring_examples_run():
    result = doctest.testmod(strings_tf, extraglobs={"numnet": numnet, "np": np},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0

