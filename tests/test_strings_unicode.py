"""tf.strings' Unicode functions against the values TensorFlow 2.21 gives (ICU's decoding of
bad bytes, its script codes, the encodings' bytes)."""

import numpy as np
import pytest

import numnet as tf
from numnet.tf_api.unicode_scripts import script_codes

BAD = [b"a\xc3(b", b"\xe4\xb8", b"\xff\xfeX", b"\xf0\x9f\x98", b"\xed\xa0\x80z"]


def test_decode_reads_each_encoding_and_transcode_writes_them():
    utf16 = "语言处理".encode("UTF-16-BE")
    points = [35821, 35328, 22788, 29702]
    assert tf.strings.unicode_decode("语言处理", "UTF-8").numpy().tolist() == points
    assert tf.strings.unicode_decode(utf16, "UTF-16-BE").numpy().tolist() == points
    assert tf.strings.unicode_decode("héllo".encode("latin1"), "ISO-8859-1").numpy().tolist() \
        == [104, 233, 108, 108, 111]
    assert tf.strings.unicode_transcode("语言处理", "UTF8", "UTF-16-BE").numpy() == utf16
    assert tf.strings.unicode_transcode(["héllo"], "UTF-8", "UTF-32-BE").numpy().tolist() == [
        b"\x00\x00\x00h\x00\x00\x00\xe9\x00\x00\x00l\x00\x00\x00l\x00\x00\x00o"]
    assert tf.strings.unicode_encode(points, "UTF-16-BE").numpy() == utf16
    # a lone high surrogate in UTF-16 is one unreadable part
    assert tf.strings.unicode_decode(b"\xd8\x00\x00a", "UTF-16-BE").numpy().tolist() == \
        [65533, 97]


def test_bad_bytes_are_replaced_or_skipped_as_icu_does_with_their_offsets():
    points, offsets = tf.strings.unicode_decode_with_offsets(BAD, "UTF-8", replacement_char=63)
    assert points.to_list() == [[97, 63, 40, 98], [63], [63, 63, 88], [63], [63, 63, 63, 122]]
    assert offsets.to_list() == [[0, 1, 2, 3], [0], [0, 1, 2], [0], [0, 1, 2, 3]]
    assert offsets.dtype == tf.int64 and points.dtype == tf.int32
    points, offsets = tf.strings.unicode_decode_with_offsets(BAD, "UTF-8", errors="ignore")
    assert points.to_list() == [[97, 40, 98], [], [88], [], [122]]
    assert offsets.to_list() == [[0, 2, 3], [], [2], [], [3]]
    assert tf.strings.unicode_split(BAD[:2], "UTF-8").to_list() == [
        [b"a", b"\xef\xbf\xbd", b"(", b"b"], [b"\xef\xbf\xbd"]]
    assert tf.strings.unicode_transcode(BAD[:2], "UTF-8", "UTF-16-BE").numpy().tolist() == [
        b"\x00a\xff\xfd\x00(\x00b", b"\xff\xfd"]
    assert tf.strings.unicode_decode(["a\x01"], "UTF-8", replace_control_characters=True) \
        .to_list() == [[97, 65533]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="errors='replace'"):
        tf.strings.unicode_decode(BAD, "UTF-8", errors="strict")
    with pytest.raises(tf.errors.InvalidArgumentError, match="nonsense"):
        tf.strings.unicode_decode([b"a"], "nonsense")


def test_encode_replaces_values_that_are_no_code_points():
    bad = [97, 0xD800, -5, 0x110000, 98]
    assert tf.strings.unicode_encode(bad, "UTF-8").numpy() == \
        b"a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdb"
    assert tf.strings.unicode_encode(bad, "UTF-16-BE", replacement_char=63).numpy() == \
        b"\x00a\x00?\x00?\x00?\x00b"
    assert tf.strings.unicode_encode([97, 0xD800], "UTF-8", errors="ignore").numpy() == b"a"
    with pytest.raises(tf.errors.InvalidArgumentError, match="surrogate"):
        tf.strings.unicode_encode([97, 0xD800], "UTF-8", errors="strict")
    with pytest.raises(tf.errors.InvalidArgumentError, match="UTF-16-BE"):
        tf.strings.unicode_encode([97], "latin1")


def test_split_with_offsets_and_shapes_of_nested_input():
    chars, starts = tf.strings.unicode_split_with_offsets(
        [s.encode("utf8") for s in ("Göödnight", "😊")], "UTF-8")
    assert chars.to_list() == [[b"G", b"\xc3\xb6", b"\xc3\xb6", b"d", b"n", b"i", b"g", b"h",
                                b"t"], [b"\xf0\x9f\x98\x8a"]]
    assert starts.to_list() == [[0, 1, 3, 5, 6, 7, 8, 9, 10], [0]]
    assert tf.strings.unicode_decode([["ab", "c"], ["d", "ef"]], "UTF-8").to_list() == [
        [[97, 98], [99]], [[100], [101, 102]]]
    nested = tf.strings.unicode_decode(tf.ragged.constant([["ab", "c"], ["d"]]), "UTF-8")
    assert nested.to_list() == [[[97, 98], [99]], [[100]]]


def test_length_and_substr_count_bytes_of_any_encoding():
    thanks = "Thanks 😊".encode()
    assert int(tf.strings.length(thanks)) == 11
    assert int(tf.strings.length(thanks, unit="UTF8_CHAR")) == 8
    assert tf.strings.length(["语".encode("UTF-16-BE")]).numpy().tolist() == [2]
    # a byte piece ends inside the emoji: its first byte, not a replacement character
    assert tf.strings.substr(thanks, pos=7, len=1).numpy() == b"\xf0"
    assert tf.strings.substr(thanks, pos=7, len=1, unit="UTF8_CHAR").numpy() == \
        "😊".encode()


def test_unicode_script_gives_icu_codes():
    # 芸 Б A 1 ά ア あ 한 ا ก combining-acute, an unassigned point, a surrogate, no code points
    points = [33464, 1041, 65, 49, 0x3AC, 0x30A2, 0x3042, 0xD55C, 0x627, 0xE01, 0x301, 0x378,
              0xD800, -1, 0x110000]
    expected = [17, 8, 25, 0, 14, 22, 20, 18, 2, 38, 1, 103, 103, -1, -1]
    assert tf.strings.unicode_script(points).numpy().tolist() == expected
    assert tf.strings.unicode_script(points).dtype == tf.int32
    assert script_codes(np.array(points).reshape(3, 5)).tolist() == \
        np.array(expected).reshape(3, 5).tolist()
    ragged = tf.strings.unicode_script(tf.strings.unicode_decode(["Hi!", "Б"], "UTF-8"))
    assert ragged.to_list() == [[25, 25, 0], [8]]
    with pytest.raises(TypeError, match="unicode_decode"):
        tf.strings.unicode_script(["a"])


def test_one_hot_of_ragged_indices_keeps_the_rows():
    rows = tf.one_hot(tf.ragged.constant([[0, 2], [1]]), 3)
    assert rows.to_list() == [[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], [[0.0, 1.0, 0.0]]]
    assert tf.reduce_sum(rows, axis=1).numpy().tolist() == [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
