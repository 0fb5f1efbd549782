"""TFRecord files and tf.train.Example (numnet.data.tfrecord, numnet.tf_api.records).

The fixtures in tests/data/tfrecord/ were written by TensorFlow 2.21, so these tests check that
numnet reads TensorFlow's files to the exact values without TensorFlow installed::

    import sys, tensorflow as tf
    out = sys.argv[1]
    def example(i):
        return tf.train.Example(features=tf.train.Features(feature={
            "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[i, -i * 1000000007])),
            "x": tf.train.Feature(float_list=tf.train.FloatList(value=[i * 0.5, -1.25, 3.0e-5])),
            "name": tf.train.Feature(bytes_list=tf.train.BytesList(
                value=[f"row{i}".encode(), b"\\xff\\x00"][: 1 + i % 2])),
        }))
    for kind in ("", "GZIP", "ZLIB"):
        path = f"{out}/examples{('_' + kind.lower()) if kind else ''}.tfrecord"
        with tf.io.TFRecordWriter(path, options=kind) as w:
            for i in range(3):
                w.write(example(i).SerializeToString())
            w.write(b"")
            w.write(bytes(range(256)) * 20)
    seq = tf.train.SequenceExample(
        context=tf.train.Features(feature={"user": tf.train.Feature(
            bytes_list=tf.train.BytesList(value=[b"ada"]))}),
        feature_lists=tf.train.FeatureLists(feature_list={"clicks": tf.train.FeatureList(
            feature=[tf.train.Feature(int64_list=tf.train.Int64List(value=[t, t * t]))
                     for t in range(4)])}))
    with tf.io.TFRecordWriter(f"{out}/sequence.tfrecord") as w:
        w.write(seq.SerializeToString())

The live cross-checks run TensorFlow in a subprocess: the Python that runs the tests when it
has TensorFlow, else the one named by NUMNET_TF_PYTHON; they skip without either.
"""

from __future__ import annotations

import doctest
import gzip
import json
import os
import pickle
import struct
import subprocess
import time
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest
from tensorflow_side import tensorflow_python

import numnet
import numnet as tf
from numnet.data import tfrecord
from numnet.fast import crc32c as checksum
from numnet.tf_api import records
from numnet.tf_api.errors import DataLossError, InvalidArgumentError
from numnet.tf_api.records import DecodeError

DATA = Path(__file__).resolve().parent / "data" / "tfrecord"
BLOB = bytes(range(256)) * 20


def expected_example(i: int) -> dict:
    names = [f"row{i}".encode(), b"\xff\x00"][: 1 + i % 2]
    return {"id": [i, -i * 1000000007],
            "x": np.array([i * 0.5, -1.25, 3.0e-5], np.float32).tolist(), "name": names}


def values_of(example) -> dict:
    out = {}
    for key, feature in example.features.feature.items():
        out[key] = list(getattr(feature, feature.WhichOneof("kind")).value)
    return out


def write(path, records_, options=None):
    with tf.io.TFRecordWriter(str(path), options) as writer:
        for record in records_:
            writer.write(record)


def read(path, compression_type=None):
    path = [str(p) for p in path] if isinstance(path, list) else str(path)
    return list(tf.data.TFRecordDataset(path, compression_type).as_numpy_iterator())


# ----------------------------------------------------------------------------- CRC-32C


def test_crc32c_check_values():
    # the catalogue's check value, RFC 3720's all-zero and all-one 32-byte vectors
    assert checksum.crc32c(b"123456789") == 0xE3069283
    assert checksum.crc32c(bytes(32)) == 0x8A9136AA
    assert checksum.crc32c(b"\xff" * 32) == 0x62A8AB43
    assert checksum.crc32c(bytes(range(32))) == 0x46DD794E
    assert checksum.crc32c(b"") == 0


@pytest.mark.parametrize("size", [4095, 4096, 4097, 5000, 3 * 1024 + 4096, 70001])
def test_long_crc_equals_the_byte_loop(size):
    data = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
    assert checksum.crc32c(data) == checksum._register(0xFFFFFFFF, data) ^ 0xFFFFFFFF


def test_many_checksums_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(5)
    chunks = [rng.integers(0, 256, int(n), dtype=np.uint8).tobytes()
              for n in rng.integers(0, 6000, 300)] + [b"", b"a", b"ab", b"abc", b"abcd"]
    assert checksum.crc32c_many(chunks) == [checksum.crc32c(c) for c in chunks]
    assert checksum.frame_many(chunks[:3]) == b"".join(checksum.frame(c) for c in chunks[:3])


def test_masked_crc_and_a_frame_as_tensorflow_writes_them():
    # TensorFlow's framing of an empty record and of b"a" (bytes from tf.io.TFRecordWriter)
    assert checksum.frame(b"") == bytes.fromhex("000000000000000029039807d8ea82a2")
    assert checksum.masked_crc32c(b"") == 0xA282EAD8
    crc = checksum.crc32c(b"a")
    assert checksum.masked_crc32c(b"a") == (((crc >> 15) | (crc << 17)) + 0xA282EAD8) % 2**32


def test_ten_megabytes_are_checked_in_well_under_a_second():
    data = np.random.default_rng(0).integers(0, 256, 10_000_000, dtype=np.uint8).tobytes()
    start = time.perf_counter()
    checksum.crc32c(data)
    assert time.perf_counter() - start < 2.0


# ----------------------------------------------------------------------------- TensorFlow's files


@pytest.mark.parametrize("name,compression", [("examples", None), ("examples_gzip", "GZIP"),
                                              ("examples_zlib", "ZLIB")])
def test_reads_tensorflows_files_to_the_exact_values(name, compression):
    raw = read(DATA / f"{name}.tfrecord", compression)
    assert len(raw) == 5
    for i in range(3):
        assert values_of(tf.train.Example.FromString(raw[i])) == expected_example(i)
    assert raw[3] == b"" and raw[4] == BLOB


def test_rewriting_tensorflows_records_gives_its_file_byte_for_byte(tmp_path):
    raw = read(DATA / "examples.tfrecord")
    write(tmp_path / "copy.tfrecord", raw)
    assert (tmp_path / "copy.tfrecord").read_bytes() == (DATA / "examples.tfrecord").read_bytes()


def test_parse_single_example_of_tensorflows_records():
    spec = {"id": tf.io.FixedLenFeature([2], tf.int64),
            "x": tf.io.FixedLenFeature([3], tf.float32),
            "name": tf.io.VarLenFeature(tf.string)}
    ds = tf.data.TFRecordDataset(str(DATA / "examples.tfrecord")).take(3).map(
        lambda r: tf.io.parse_single_example(r, spec))
    for i, parsed in enumerate(ds):
        assert list(parsed) == ["name", "id", "x"]  # sparse first, then dense, by name
        assert parsed["id"].numpy().dtype == np.int64
        assert parsed["id"].numpy().tolist() == [i, -i * 1000000007]
        np.testing.assert_array_equal(parsed["x"].numpy(),
                                      np.array([i * 0.5, -1.25, 3.0e-5], np.float32))
        names = expected_example(i)["name"]
        assert parsed["name"].values.numpy().tolist() == names
        assert parsed["name"].indices.numpy().tolist() == [[j] for j in range(len(names))]
        assert parsed["name"].dense_shape.numpy().tolist() == [len(names)]


def test_sequence_example_of_tensorflow():
    raw = read(DATA / "sequence.tfrecord")[0]
    context, steps = tf.io.parse_single_sequence_example(
        raw, context_features={"user": tf.io.FixedLenFeature([], tf.string)},
        sequence_features={"clicks": tf.io.FixedLenSequenceFeature([2], tf.int64),
                           "clicks_sparse": tf.io.VarLenFeature(tf.int64)})
    assert context["user"].numpy() == b"ada"
    assert steps["clicks"].numpy().tolist() == [[t, t * t] for t in range(4)]
    # a missing feature list gives an empty SparseTensor
    assert steps["clicks_sparse"].dense_shape.numpy().tolist() == [0, 0]
    sequence = tf.train.SequenceExample.FromString(raw)
    assert sequence.SerializeToString() == raw  # one key a map: TensorFlow's bytes
    assert [list(f.int64_list.value) for f in
            sequence.feature_lists.feature_list["clicks"].feature] == [[t, t * t]
                                                                      for t in range(4)]


# ----------------------------------------------------------------------------- messages

# TensorFlow 2.21's SerializeToString(deterministic=True) and print() of this message
REFERENCE_BYTES = (
    b'\nk\n!\n\x01a\x12\x1c\x12\x1a\n\x18\xcd\xcc\xcc=\x00\x00\x80?\x00\x00 \xc0\xff\xe6\xdb.'
    b'\x00\x00\x80\x7f\x00\x00\xc0\x7f\n\x07\n\x01e\x12\x02\x12\x00\n\x17\n\x01m\x12\x12\n\x10'
    b'\n\x02hi\n\x06\xff\x00\n"\'\\\n\x02\xc3\xa9\n\x05\n\x01n\x12\x00\n\x1d\n\x01z\x12\x18\x1a'
    b'\x16\n\x14\x01\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01\x80\x80\x80\x80\x80\x80\x80\x80@')


def reference_example():
    return tf.train.Example(features=tf.train.Features(feature={
        "z": tf.train.Feature(int64_list=tf.train.Int64List(value=[1, -2, 2**62])),
        "a": tf.train.Feature(float_list=tf.train.FloatList(
            value=[0.1, 1.0, -2.5, 1e-10, float("inf"), float("nan")])),
        "m": tf.train.Feature(bytes_list=tf.train.BytesList(
            value=[b"hi", b"\xff\x00\n\"'\\", "é".encode()])),
        "e": tf.train.Feature(float_list=tf.train.FloatList()),
        "n": tf.train.Feature(),
    }))


def test_serialized_bytes_are_tensorflows_deterministic_bytes():
    assert reference_example().SerializeToString() == REFERENCE_BYTES
    parsed = tf.train.Example.FromString(REFERENCE_BYTES)
    assert parsed.SerializeToString() == REFERENCE_BYTES
    assert parsed.features.feature["z"].int64_list.value[:] == [1, -2, 2**62]
    assert parsed.features.feature["e"].WhichOneof("kind") == "float_list"
    assert parsed.features.feature["n"].WhichOneof("kind") is None


def test_text_format_is_tensorflows():
    feature = tf.train.Feature(float_list=tf.train.FloatList(
        value=[1.0, 2.5, 3.14159, 1e20, 1e-5, 123456789.0, -0.0, float("-inf")]))
    assert str(feature) == ("float_list {\n  value: 1\n  value: 2.5\n  value: 3.14159\n"
                            "  value: 1e+20\n  value: 1e-05\n  value: 123456792\n"
                            "  value: -0\n  value: -inf\n}\n")
    example = tf.train.Example(features=tf.train.Features(feature={
        "é\t": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"a\tb\rc\x7f\xff"])),
        "n": tf.train.Feature()}))
    assert repr(example) == (  # entries in the order they were given
        'features {\n  feature {\n    key: "é\\t"\n    value {\n      bytes_list {\n'
        '        value: "a\\tb\\rc\\177\\377"\n      }\n    }\n  }\n'
        '  feature {\n    key: "n"\n    value {\n    }\n  }\n}\n')
    assert str(tf.train.Example()) == ""
    assert str(tf.train.Example(features=tf.train.Features())) == "features {\n}\n"


def test_presence_follows_protocol_buffers():
    assert tf.train.Example().SerializeToString() == b""
    assert tf.train.Example(features=tf.train.Features()).SerializeToString() == b"\n\x00"
    example = tf.train.Example()
    _ = example.features
    assert example.SerializeToString() == b"" and not example.HasField("features")
    _ = example.features.feature["y"]  # reading a map key adds an empty Feature
    assert example.SerializeToString() == b"\n\x07\n\x05\n\x01y\x12\x00"
    example = tf.train.Example()
    example.features.feature["x"].int64_list.value.append(3)
    assert example.SerializeToString() == b"\n\x0c\n\n\n\x01x\x12\x05\x1a\x03\n\x01\x03"
    assert example.HasField("features")


def test_the_oneof_keeps_the_kind_set_last():
    feature = tf.train.Feature(int64_list=tf.train.Int64List(value=[1]))
    feature.float_list.value.append(2.0)
    assert feature.WhichOneof("kind") == "float_list"
    assert len(feature.int64_list.value) == 0
    assert feature.SerializeToString() == b"\x12\x06\n\x04\x00\x00\x00@"
    assert tf.train.Feature(float_list=tf.train.FloatList()).SerializeToString() == b"\x12\x00"
    with pytest.raises(ValueError, match="give one of"):
        tf.train.Feature(int64_list=tf.train.Int64List(), float_list=tf.train.FloatList())
    with pytest.raises(ValueError, match="the only oneof is 'kind'"):
        feature.WhichOneof("value")


def test_values_are_checked_and_converted_as_tensorflow_does():
    assert tf.train.FloatList(value=[0.1]).value[0] == float(np.float32(0.1))
    assert tf.train.FloatList(value=[1e300]).value[0] == float("inf")
    assert tf.train.FloatList(value=[np.float64(3)]).value[:] == [3.0]
    assert tf.train.Int64List(value=[np.int32(3), 2**63 - 1, -(2**63)]).value[:] == [
        3, 2**63 - 1, -(2**63)]
    assert tf.train.Int64List(value=np.arange(3)).value[:] == [0, 1, 2]
    with pytest.raises(TypeError, match=r"BytesList\(value\): expected bytes, given str"):
        tf.train.BytesList(value=["text"])
    with pytest.raises(TypeError, match="expected integers, given float"):
        tf.train.Int64List(value=[1.5])
    with pytest.raises(TypeError, match="expected integers, given bool"):
        tf.train.Int64List(value=[True])
    with pytest.raises(TypeError, match="expected integers, given bool"):
        tf.train.Int64List(value=[np.True_])
    with pytest.raises(ValueError, match="outside int64's range"):
        tf.train.Int64List(value=[2**63])
    with pytest.raises(TypeError, match=r"FloatList\(value\): expected numbers"):
        tf.train.FloatList(value=["x"])
    with pytest.raises(ValueError, match="no field 'values'"):
        tf.train.Int64List(values=[1])
    with pytest.raises(TypeError, match="single bytes"):
        tf.train.BytesList().value.extend(b"abc")


def test_bytes_list_takes_a_string_tensors_numpy():
    value = tf.constant("hello").numpy()
    assert tf.train.BytesList(value=[value]).value[:] == [b"hello"]


def test_copy_merge_equality_and_pickle():
    example = reference_example()
    copy = tf.train.Example()
    copy.CopyFrom(example)
    assert copy == example and copy is not example
    merged = tf.train.Example(features=tf.train.Features(feature={
        "z": tf.train.Feature(int64_list=tf.train.Int64List(value=[9]))}))
    merged.MergeFrom(example)
    # a map entry of the same key is replaced, as protocol buffers merge maps
    assert merged.features.feature["z"].int64_list.value[:] == [1, -2, 2**62]
    assert pickle.loads(pickle.dumps(example)) == example
    assert example != tf.train.Example()
    assert example.ByteSize() == len(REFERENCE_BYTES)
    assert [name for name, _ in example.ListFields()] == ["features"]
    example.Clear()
    assert example.SerializeToString() == b""


def test_map_assignment_copies_and_feature_lists_add():
    features = tf.train.Features()
    value = tf.train.Feature(int64_list=tf.train.Int64List(value=[1]))
    features.feature["a"] = value
    value.int64_list.value.append(2)
    assert features.feature["a"].int64_list.value[:] == [1]
    assert "b" not in features.feature and len(features.feature) == 1
    steps = tf.train.FeatureList()
    steps.feature.add(float_list=tf.train.FloatList(value=[1.0]))
    steps.feature.append(tf.train.Feature())
    assert len(steps.feature) == 2
    assert tf.train.FeatureList.FromString(steps.SerializeToString()) == steps


# ----------------------------------------------------------------------------- crafted messages


@pytest.mark.parametrize("data,match", [
    (b"\n\xff\xff\xff\xff\x0f", "declares 4294967295 bytes but only 0"),
    (b"\n" + b"\xff" * 11, "runs past 10 bytes"),
    (b"\n\x80", "cut short"),
    (b"\x08\x01", "field 1 at byte 0 has wire type 0"),
    (b"\n\x06\n\x04\n\x02\xff\xfe", "the key at byte 4 is not UTF-8"),
    (b"\n\x0e\n\x0c\n\x01x\x12\x07\x12\x05\n\x03abc", "packed floats at byte 11 take 3 bytes"),
    (b"+" * 100, "nested more than 64 deep"),
    (b"\x0f", "wire type 7"),
    (b"\x00", "field number 0"),
])
def test_crafted_examples_raise_a_decode_error(data, match):
    with pytest.raises(DecodeError, match=match):
        tf.train.Example.FromString(data)


def test_a_crafted_example_in_parse_single_example_is_an_invalid_argument():
    with pytest.raises(InvalidArgumentError, match="could not parse Example 0"):
        tf.io.parse_single_example(b"\n\xff\xff\xff\xff\x0f",
                                   {"x": tf.io.FixedLenFeature([], tf.int64)})


def test_unknown_fields_and_groups_are_skipped():
    unknown = b"\x28\x05" + b"\x32\x02ab" + b"\x3d\x00\x00\x00\x00" + b"\x2b\x08\x01\x2c"
    example = tf.train.Example.FromString(unknown + REFERENCE_BYTES)
    assert example.SerializeToString() == REFERENCE_BYTES


def test_random_bytes_raise_only_decode_errors():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        data = rng.integers(0, 256, int(rng.integers(0, 40)), dtype=np.uint8).tobytes()
        try:
            tf.train.SequenceExample.FromString(data)
            tf.train.Example.FromString(data)
        except DecodeError:
            pass
    mutated = bytearray(REFERENCE_BYTES)
    for _ in range(2000):
        data = bytearray(mutated)
        for position in rng.integers(0, len(data), 3):
            data[position] = int(rng.integers(0, 256))
        try:
            tf.train.Example.FromString(bytes(data))
        except DecodeError:
            pass


# ----------------------------------------------------------------------------- parsing


def make(**features) -> bytes:
    def feature(value):
        if isinstance(value, tf.train.Feature):
            return value
        if value and isinstance(value[0], bytes):
            return tf.train.Feature(bytes_list=tf.train.BytesList(value=value))
        if value and isinstance(value[0], float):
            return tf.train.Feature(float_list=tf.train.FloatList(value=value))
        return tf.train.Feature(int64_list=tf.train.Int64List(value=value))
    return tf.train.Example(features=tf.train.Features(
        feature={k: feature(v) for k, v in features.items()})).SerializeToString()


def test_fixed_len_features_defaults_and_shapes():
    record = make(f=[1.0, 2.0, 3.0, 4.0], i=[7], s=[b"x"])
    parsed = tf.io.parse_single_example(record, {
        "f": tf.io.FixedLenFeature([2, 2], tf.float32),
        "i": tf.io.FixedLenFeature([], tf.int64),
        "s": tf.io.FixedLenFeature([], tf.string),
        "q": tf.io.FixedLenFeature([2], tf.int64, default_value=[5, 6]),
        "t": tf.io.FixedLenFeature([], tf.string, default_value="none"),
        "r": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True)})
    assert parsed["f"].numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert parsed["f"].numpy().dtype == np.float32
    assert parsed["i"].numpy() == 7 and parsed["i"].numpy().dtype == np.int64
    assert parsed["s"].numpy() == b"x" and parsed["t"].numpy() == b"none"
    assert parsed["q"].numpy().tolist() == [5, 6]
    assert parsed["r"].shape == (0, 2)


@pytest.mark.parametrize("spec,match", [
    ({"f": tf.io.FixedLenFeature([3], tf.float32)}, r"needs 3 values, the Example holds 4"),
    ({"f": tf.io.FixedLenFeature([4], tf.int64)}, r"holds float32 values .* asks for int64"),
    ({"zz": tf.io.FixedLenFeature([], tf.int64)}, "'zz' .* is required but could not be found"),
    ({"f": tf.io.FixedLenSequenceFeature([3], tf.float32, allow_missing=True)},
     "4 values are not a whole number of items of shape"),
])
def test_parse_errors_name_the_feature_and_the_fix(spec, match):
    with pytest.raises(InvalidArgumentError, match=match):
        tf.io.parse_single_example(make(f=[1.0, 2.0, 3.0, 4.0]), spec)


def test_spec_errors():
    with pytest.raises(ValueError, match="needs allow_missing=True"):
        tf.io.parse_single_example(make(f=[1.0]),
                                   {"f": tf.io.FixedLenSequenceFeature([], tf.float32)})
    with pytest.raises(TypeError, match="float32, int64 or string"):
        tf.io.FixedLenFeature([], tf.int32)
    with pytest.raises(TypeError, match="expected tf.io.FixedLenFeature"):
        tf.io.parse_single_example(make(f=[1.0]), {"f": tf.float32})
    with pytest.raises(ValueError, match="given one; use tf.io.parse_single_example"):
        tf.io.parse_example(make(f=[1.0]), {"f": tf.io.FixedLenFeature([], tf.float32)})
    with pytest.raises(TypeError, match="expected RaggedFeature.RowLengths"):
        tf.io.RaggedFeature(tf.int64, partitions=["n"])


def test_parse_example_batches_pads_and_makes_sparse_and_ragged():
    batch = [make(f=[1.0, 2.0, 3.0, 4.0], s=[b"x", b"yy"], i=[7]), make(f=[1.0, 2.0], s=[b"a"])]
    parsed = tf.io.parse_example(tf.constant(batch), {
        "f": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True,
                                           default_value=-1.0),
        "s": tf.io.VarLenFeature(tf.string),
        "i": tf.io.FixedLenFeature([], tf.int64, default_value=0),
        "fr": tf.io.RaggedFeature(tf.float32, value_key="f", row_splits_dtype=tf.int64)})
    assert parsed["f"].numpy().tolist() == [[[1, 2], [3, 4]], [[1, 2], [-1, -1]]]
    assert parsed["i"].numpy().tolist() == [7, 0]
    assert parsed["s"].indices.numpy().tolist() == [[0, 0], [0, 1], [1, 0]]
    assert parsed["s"].values.numpy().tolist() == [b"x", b"yy", b"a"]
    assert parsed["s"].dense_shape.numpy().tolist() == [2, 2]
    assert parsed["fr"].to_list() == [[1.0, 2.0, 3.0, 4.0], [1.0, 2.0]]
    assert parsed["fr"].row_splits.numpy().dtype == np.int64
    single = tf.io.parse_single_example(batch[0], {"s": tf.io.RaggedFeature(tf.string)})
    assert single["s"].numpy().tolist() == [b"x", b"yy"]


def test_ragged_partitions_as_tensorflow():
    def example(v, rl, rs, vr):
        return make(v=v, rl=rl, rs=rs, vr=vr, outer=[1, len(rl) - 1])

    batch = [example([1.0, 2.0, 3.0, 4.0], [2, 0, 2], [0, 2, 2, 4], [0, 0, 2, 2]),
             example([5.0], [1], [0, 1], [0])]
    ragged = tf.io.RaggedFeature
    spec = {
        "a": ragged(tf.float32, value_key="v", partitions=[ragged.RowLengths("rl")]),
        "b": ragged(tf.float32, value_key="v", partitions=[ragged.RowSplits("rs")]),
        "c": ragged(tf.float32, value_key="v", partitions=[ragged.ValueRowIds("vr")]),
        "e": ragged(tf.float32, value_key="v", partitions=[ragged.RowLengths("outer"),
                                                           ragged.RowLengths("rl")]),
        "f": ragged(tf.float32, value_key="v", partitions=[ragged.RowStarts("rs")]),
        "h": ragged(tf.float32, value_key="v", partitions=[ragged.RowLimits("rs")])}
    # TensorFlow 2.21's values
    single = tf.io.parse_single_example(batch[0], {
        **spec, "d": ragged(tf.float32, value_key="v", partitions=[ragged.UniformRowLength(2)])})
    for key in "abc":
        assert single[key].to_list() == [[1.0, 2.0], [], [3.0, 4.0]]
    assert single["d"].numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert single["e"].to_list() == [[[1.0, 2.0]], [[], [3.0, 4.0]]]
    assert single["f"].to_list() == [[1.0, 2.0], [], [3.0, 4.0], []]
    assert single["h"].to_list() == [[], [1.0, 2.0], [], [3.0, 4.0]]
    # TensorFlow, without validate=True, gives [[1, 2], [], [1, 2]] for these limits
    with pytest.raises(InvalidArgumentError, match="do not cover the 4 items"):
        tf.io.parse_single_example(batch[0], {"g": ragged(
            tf.float32, value_key="v", partitions=[ragged.RowLimits("rl")])})
    parsed = tf.io.parse_example(batch, {k: spec[k] for k in "abce"})
    for key in "abc":
        assert parsed[key].to_list() == [[[1.0, 2.0], [], [3.0, 4.0]], [[5.0]]]
    assert parsed["e"].to_list() == [[[[1.0, 2.0]], [[], [3.0, 4.0]]], [[[5.0]], []]]
    with pytest.raises(InvalidArgumentError, match=r"UniformRowLength\(3\) does not divide"):
        tf.io.parse_single_example(batch[1], {"x": ragged(
            tf.float32, value_key="v", partitions=[ragged.UniformRowLength(3)])})


def test_sparse_features_batch_in_a_dataset(tmp_path):
    write(tmp_path / "v.tfrecord", [make(v=list(range(n))) for n in (1, 3, 0, 2)])
    ds = tf.data.TFRecordDataset(str(tmp_path / "v.tfrecord")).map(
        lambda r: tf.io.parse_single_example(r, {"v": tf.io.VarLenFeature(tf.int64)})["v"])
    dense = [tf.sparse.to_dense(v).numpy().tolist() for v in ds]
    assert dense == [[0], [0, 1, 2], [], [0, 1]]


def test_sequence_features_sparse_ragged_and_missing():
    sequence = tf.train.SequenceExample(feature_lists=tf.train.FeatureLists(feature_list={
        "w": tf.train.FeatureList(feature=[
            tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"a", b"b"])),
            tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"c"]))])}))
    context, steps = tf.io.parse_single_sequence_example(
        sequence.SerializeToString(),
        context_features={"id": tf.io.FixedLenFeature([], tf.int64, default_value=-1)},
        sequence_features={"w": tf.io.VarLenFeature(tf.string),
                           "wr": tf.io.RaggedFeature(tf.string, value_key="w"),
                           "m": tf.io.FixedLenSequenceFeature([], tf.float32,
                                                              allow_missing=True)})
    assert context["id"].numpy() == -1
    assert steps["w"].indices.numpy().tolist() == [[0, 0], [0, 1], [1, 0]]
    assert steps["w"].dense_shape.numpy().tolist() == [2, 2]
    assert steps["wr"].to_list() == [[b"a", b"b"], [b"c"]]
    assert steps["m"].shape == (0,)
    with pytest.raises(InvalidArgumentError, match="feature list 'm' is required"):
        tf.io.parse_single_sequence_example(
            sequence.SerializeToString(),
            sequence_features={"m": tf.io.FixedLenSequenceFeature([], tf.float32)})
    with pytest.raises(InvalidArgumentError, match="step 1: needs 2 values"):
        tf.io.parse_single_sequence_example(
            sequence.SerializeToString(),
            sequence_features={"w": tf.io.FixedLenSequenceFeature([2], tf.string)})


def test_parse_sequence_example_batches_as_tensorflow():
    def sequence(steps, ctx):
        return tf.train.SequenceExample(
            context=tf.train.Features(feature={
                "c": tf.train.Feature(int64_list=tf.train.Int64List(value=[ctx]))}),
            feature_lists=tf.train.FeatureLists(feature_list={"t": tf.train.FeatureList(
                feature=[tf.train.Feature(float_list=tf.train.FloatList(value=v))
                         for v in steps])})).SerializeToString()

    batch = [sequence([[1.0, 2.0], [3.0, 4.0]], 5), sequence([[5.0, 6.0]], 6), sequence([], 7)]
    context, steps, lengths = tf.io.parse_sequence_example(
        batch, context_features={"c": tf.io.FixedLenFeature([], tf.int64)},
        sequence_features={
            "t": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True),
            "tv": tf.io.VarLenFeature(tf.float32),
            "tr": tf.io.RaggedFeature(tf.float32, value_key="t"),
            "ts": tf.io.VarLenFeature(tf.float32)})
    # TensorFlow 2.21's values for the same batch
    assert context["c"].numpy().tolist() == [5, 6, 7]
    assert steps["t"].numpy().tolist() == [[[1, 2], [3, 4]], [[5, 6], [0, 0]], [[0, 0], [0, 0]]]
    assert lengths["t"].numpy().tolist() == [2, 1, 0] and list(lengths) == ["t"]
    assert steps["tv"].dense_shape.numpy().tolist() == [3, 0, 0]
    assert steps["tr"].to_list() == [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0]], []]
    _, varlen, _ = tf.io.parse_sequence_example(
        batch, sequence_features={"t": tf.io.VarLenFeature(tf.float32)})
    assert varlen["t"].indices.numpy().tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0],
                                                    [0, 1, 1], [1, 0, 0], [1, 0, 1]]
    assert varlen["t"].dense_shape.numpy().tolist() == [3, 2, 2]


def test_feature_reprs_are_tensorflows():
    assert repr(tf.io.FixedLenFeature([2], tf.float32)) == (
        "FixedLenFeature(shape=[2], dtype=tf.float32, default_value=None)")
    assert repr(tf.io.VarLenFeature(tf.int64)) == "VarLenFeature(dtype=tf.int64)"
    assert repr(tf.io.FixedLenSequenceFeature([], tf.int64)) == (
        "FixedLenSequenceFeature(shape=[], dtype=tf.int64, allow_missing=False, "
        "default_value=None)")
    assert repr(tf.io.RaggedFeature(tf.string)) == (
        "RaggedFeature(dtype=tf.string, value_key=None, partitions=(), "
        "row_splits_dtype=tf.int32, validate=False)")


# ----------------------------------------------------------------------------- serialize_tensor

# tf.io.serialize_tensor(...).numpy() under TensorFlow 2.21
TENSOR_BYTES = [
    (np.array([1.0, 2.0], np.float32), b'\x08\x01\x12\x04\x12\x02\x08\x02"\x08\x00\x00\x80?'
                                         b'\x00\x00\x00@'),
    (np.array(5, np.int32), b'\x08\x03\x12\x00"\x04\x05\x00\x00\x00'),
    (np.array([b"a", b"bc"], object), b"\x08\x07\x12\x04\x12\x02\x08\x02B\x01aB\x02bc"),
    (np.array([True, False]), b'\x08\n\x12\x04\x12\x02\x08\x02"\x02\x01\x00'),
    (np.arange(4, dtype=np.uint8).reshape(2, 2),
     b'\x08\x04\x12\x08\x12\x02\x08\x02\x12\x02\x08\x02"\x04\x00\x01\x02\x03'),
    (np.array(1.5), b'\x08\x02\x12\x00"\x08\x00\x00\x00\x00\x00\x00\xf8?'),
    (np.zeros((0, 3), np.float32), b"\x08\x01\x12\x06\x12\x00\x12\x02\x08\x03"),
    (np.array(b"x", object), b"\x08\x07\x12\x00B\x01x"),
    (np.array([1, 2]), b'\x08\t\x12\x04\x12\x02\x08\x02"\x10\x01' + bytes(7) + b"\x02"
     + bytes(7)),
    (np.array([1.5], np.float16), b'\x08\x13\x12\x04\x12\x02\x08\x01"\x02\x00>'),
    (np.array([1 + 2j], np.complex64),
     b'\x08\x08\x12\x04\x12\x02\x08\x01"\x08\x00\x00\x80?\x00\x00\x00@'),
]


@pytest.mark.parametrize("value,expected", TENSOR_BYTES)
def test_serialize_tensor_writes_tensorflows_bytes_and_reads_them(value, expected):
    assert tf.io.serialize_tensor(value).numpy() == expected
    parsed = tf.io.parse_tensor(expected, value.dtype).numpy()
    if isinstance(parsed, bytes):  # a scalar string's numpy() is bytes, as TensorFlow's
        assert parsed == value.item()
        return
    assert parsed.dtype == value.dtype and parsed.shape == value.shape
    np.testing.assert_array_equal(parsed, value)


def test_parse_tensor_of_a_tensorflow_proto_with_repeated_values():
    # tf.make_tensor_proto(np.full((2, 3), 7.0, np.float32)) with its value given once
    data = b"\x08\x01\x12\x08\x12\x02\x08\x02\x12\x02\x08\x03*\x04\x00\x00\xe0@"
    assert tf.io.parse_tensor(data, tf.float32).numpy().tolist() == [[7.0] * 3] * 2
    dim = records._length_delimited(2, records._varint(8) + records._varint(2**40))
    bomb = b"\x08\x01" + records._length_delimited(2, dim) + b"*\x04\x00\x00\xe0@"
    with pytest.raises(InvalidArgumentError, match="far more than the message"):
        tf.io.parse_tensor(bomb, tf.float32)
    with pytest.raises(InvalidArgumentError, match="6 bytes of values for shape"):
        tf.io.parse_tensor(b'\x08\x01\x12\x04\x12\x02\x08\x02"\x06' + bytes(6), tf.float32)
    with pytest.raises(InvalidArgumentError, match="has dtype float32, not int32"):
        tf.io.parse_tensor(TENSOR_BYTES[0][1], tf.int32)


# ----------------------------------------------------------------------------- files


@pytest.mark.parametrize("options", [None, "", "GZIP", "ZLIB",
                                     tf.io.TFRecordOptions(compression_type="GZIP",
                                                           compression_level=9),
                                     tf.io.TFRecordOptions("ZLIB", window_bits=10)])
def test_round_trip_with_each_compression(tmp_path, options):
    data = [b"", b"a", BLOB, bytes(70000)]
    write(tmp_path / "r.tfrecord", data, options)
    kind = tf.io.TFRecordOptions.get_compression_type_string(options)
    assert read(tmp_path / "r.tfrecord", kind) == data


def test_gzip_files_are_gzip_and_zlib_files_are_zlib(tmp_path):
    write(tmp_path / "g", [b"abc"], "GZIP")
    write(tmp_path / "z", [b"abc"], "ZLIB")
    assert gzip.decompress((tmp_path / "g").read_bytes()) == checksum.frame(b"abc")
    assert zlib.decompress((tmp_path / "z").read_bytes()) == checksum.frame(b"abc")


def test_flush_makes_records_readable_before_close(tmp_path):
    writer = tf.io.TFRecordWriter(str(tmp_path / "f"), "GZIP")
    writer.write(b"one")
    writer.flush()
    assert gzip.GzipFile(tmp_path / "f").read(19) == checksum.frame(b"one")
    writer.close()
    writer.close()
    with pytest.raises(ValueError, match="is closed"):
        writer.write(b"two")


def test_writer_takes_string_tensors_and_refuses_other_things(tmp_path):
    write(tmp_path / "t", [tf.constant(b"x"), "é", bytearray(b"y")])
    assert read(tmp_path / "t") == [b"x", "é".encode(), b"y"]
    with pytest.raises(TypeError, match="expected a record as bytes"):
        tf.io.TFRecordWriter(str(tmp_path / "u")).write(3)
    with pytest.raises(ValueError, match="compression_type"):
        tf.io.TFRecordWriter(str(tmp_path / "u"), "BZ2")
    with pytest.raises(FileNotFoundError, match="check that its folder exists"):
        tf.io.TFRecordWriter(str(tmp_path / "no" / "such" / "file"))


def test_several_files_interleave_and_a_dataset_of_names(tmp_path):
    write(tmp_path / "a", [b"a0", b"a1", b"a2"])
    write(tmp_path / "b", [b"b0"])
    names = [str(tmp_path / "a"), str(tmp_path / "b")]
    assert read(names) == [b"a0", b"a1", b"a2", b"b0"]
    ds = tf.data.TFRecordDataset(names, num_parallel_reads=2)
    assert list(ds.as_numpy_iterator()) == [b"a0", b"b0", b"a1", b"a2"]
    ds = tf.data.TFRecordDataset(tf.data.Dataset.from_tensor_slices(names))
    assert list(ds.as_numpy_iterator()) == [b"a0", b"a1", b"a2", b"b0"]
    assert ds.element_spec.shape == () and ds.cardinality() == -2
    with pytest.raises(FileNotFoundError, match="no file"):
        tf.data.TFRecordDataset(str(tmp_path / "missing"))


def test_serialized_examples_keep_their_trailing_zero_bytes_in_string_tensors():
    record = make(label=[0])  # ends in the varint 0: a zero byte
    assert record.endswith(b"\x00")
    assert tf.constant(record).numpy() == record
    assert tf.constant([record, b"x"]).numpy().tolist() == [record, b"x"]
    assert tf.py_function(lambda: record, (), tf.string).numpy() == record
    ds = tf.data.Dataset.from_tensor_slices([record, record])
    assert list(ds.as_numpy_iterator()) == [record, record]
    parsed = ds.map(lambda r: tf.io.parse_single_example(
        r, {"label": tf.io.FixedLenFeature([], tf.int64)}))
    assert [int(p["label"]) for p in parsed] == [0, 0]


def test_a_dataset_of_serialized_examples_written_by_the_experimental_writer(tmp_path):
    features = tf.data.Dataset.from_tensor_slices((np.arange(4), np.arange(4) * 0.5))

    def serialize(i, x):
        return make(i=[int(i)], x=[float(x)])

    serialized = features.map(
        lambda i, x: tf.reshape(tf.py_function(serialize, (i, x), tf.string), ()))
    path = str(tmp_path / "w.tfrecord")
    tf.data.experimental.TFRecordWriter(path, "ZLIB").write(serialized)
    parsed = tf.data.TFRecordDataset(path, "ZLIB").map(lambda r: tf.io.parse_single_example(
        r, {"i": tf.io.FixedLenFeature([], tf.int64), "x": tf.io.FixedLenFeature([], tf.float32)}))
    assert [(int(p["i"]), float(p["x"])) for p in parsed] == [(i, i * 0.5) for i in range(4)]
    with pytest.raises(TypeError, match="element 0 is .*not a scalar string"):
        tf.data.experimental.TFRecordWriter(path).write(features.map(lambda i, x: i))
    with pytest.raises(TypeError, match="expected a tf.data.Dataset"):
        tf.data.experimental.TFRecordWriter(path).write([b"a"])


# ----------------------------------------------------------------------------- damaged files


def damaged(tmp_path, mutate, compression=None) -> str:
    write(tmp_path / "good", [b"first", b"second record", b"third"], compression)
    data = bytearray((tmp_path / "good").read_bytes())
    if compression == "GZIP":
        data = bytearray(gzip.decompress(bytes(data)))
    data = mutate(data)
    if compression == "GZIP":
        data = gzip.compress(bytes(data))
    (tmp_path / "bad").write_bytes(bytes(data))
    with pytest.raises(DataLossError) as info:
        read(tmp_path / "bad", compression)
    assert "bad" in str(info.value)
    assert isinstance(info.value, OSError)
    return str(info.value)


def flip(position):
    def mutate(data):
        data[position] ^= 0x10
        return data
    return mutate


@pytest.mark.parametrize("compression", [None, "GZIP"])
def test_a_damaged_data_byte_is_a_bad_data_crc(tmp_path, compression):
    message = damaged(tmp_path, flip(21 + 12 + 3), compression)
    assert "record 1 (at byte 21" in message and "bad data CRC" in message


def test_the_records_before_a_damaged_one_are_read(tmp_path):
    write(tmp_path / "f", [bytes([i]) * 50 for i in range(20)])
    data = bytearray((tmp_path / "f").read_bytes())
    data[12 * 66 + 20] ^= 1  # a data byte of record 12
    (tmp_path / "f").write_bytes(bytes(data))
    got = []
    with pytest.raises(DataLossError, match=r"record 12 \(at byte 792\).*bad data CRC"):
        for record in tf.data.TFRecordDataset(str(tmp_path / "f")).as_numpy_iterator():
            got.append(record)
    assert got == [bytes([i]) * 50 for i in range(12)]


def test_a_damaged_length_is_a_bad_length_crc(tmp_path):
    message = damaged(tmp_path, flip(21 + 2))
    assert "record 1 (at byte 21)" in message and "bad length CRC" in message


def test_a_damaged_data_checksum_is_a_bad_data_crc(tmp_path):
    message = damaged(tmp_path, flip(20))
    assert "record 0 (at byte 0)" in message and "bad data CRC" in message


@pytest.mark.parametrize("compression", [None, "GZIP"])
@pytest.mark.parametrize("cut,what", [(21 + 5, "12-byte header has only 5 bytes"),
                                      (21 + 12 + 4, "only 4 bytes follow"),
                                      (21 + 12 + 13 + 2, "only 15 bytes follow")])
def test_a_cut_short_file_is_a_truncated_record(tmp_path, cut, what, compression):
    message = damaged(tmp_path, lambda data: data[:cut], compression)
    assert "record 1" in message and "truncated record" in message
    if compression:
        assert what in message
    else:
        assert "file was cut short" in message


def test_a_huge_declared_length_reads_nothing_beyond_the_file(tmp_path):
    length = struct.pack("<Q", 2**60)
    data = length + struct.pack("<I", checksum.masked_crc32c(length)) + b"x" * 100
    (tmp_path / "huge").write_bytes(data)
    (tmp_path / "huge.gz").write_bytes(gzip.compress(data))
    for name, compression in (("huge", None), ("huge.gz", "GZIP")):
        tracemalloc.start()
        with pytest.raises(DataLossError, match="truncated record"):
            read(tmp_path / name, compression)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 8 << 20, peak


def test_a_file_that_is_not_compressed_as_said(tmp_path):
    write(tmp_path / "plain", [b"abc"])
    with pytest.raises(DataLossError, match="cannot read it as a GZIP file"):
        read(tmp_path / "plain", "GZIP")
    write(tmp_path / "g", [b"abc"], "GZIP")
    with pytest.raises(DataLossError, match="bad length CRC.*give compression_type"):
        read(tmp_path / "g")
    (tmp_path / "cut.gz").write_bytes((tmp_path / "g").read_bytes()[:-12])
    with pytest.raises(DataLossError, match="GZIP"):
        read(tmp_path / "cut.gz", "GZIP")


def test_random_damage_raises_only_data_loss(tmp_path):
    write(tmp_path / "good", [bytes([i]) * i for i in range(30)])
    good = (tmp_path / "good").read_bytes()
    rng = np.random.default_rng(1)
    for trial in range(300):
        data = bytearray(good)
        if trial % 2:
            data = data[:int(rng.integers(0, len(data)))]
        else:
            data[int(rng.integers(0, len(data)))] ^= 1 << int(rng.integers(0, 8))
        (tmp_path / "bad").write_bytes(bytes(data))
        try:
            records_ = read(tmp_path / "bad")
        except DataLossError:
            continue
        assert records_ == [bytes([i]) * i for i in range(len(records_))]


# ----------------------------------------------------------------------------- surface, docs


def test_the_tensorflow_names_are_there():
    for name in ("Example", "SequenceExample", "Features", "Feature", "FeatureList",
                 "FeatureLists", "BytesList", "FloatList", "Int64List"):
        assert getattr(tf.train, name) is getattr(records, name)
    assert tf.train.Checkpoint is not None  # the checkpoint names are still there
    for name in ("TFRecordWriter", "TFRecordOptions", "parse_example", "parse_single_example",
                 "parse_sequence_example",
                 "parse_single_sequence_example", "FixedLenFeature", "VarLenFeature",
                 "FixedLenSequenceFeature", "RaggedFeature", "serialize_tensor", "gfile"):
        assert hasattr(tf.io, name), name
    assert tf.data.TFRecordDataset is tfrecord.TFRecordDataset


@pytest.mark.parametrize("module", [records, tfrecord])
def test_docstring_examples_run(module, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = doctest.testmod(module, extraglobs={"numnet": numnet, "np": np},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 5


def test_every_public_name_has_a_docstring_with_an_example():
    for table in (records.IO, records.TRAIN):
        for name, value in table.items():
            assert value.__doc__ and "Example" in value.__doc__, name


# ----------------------------------------------------------------------------- TensorFlow, live


_TF_READER = r"""
import json, sys
import tensorflow as tf
out = []
for path, kind in json.loads(sys.argv[1]):
    rows = []
    for raw in tf.data.TFRecordDataset(path, compression_type=kind):
        example = tf.train.Example.FromString(raw.numpy())
        rows.append({"deterministic": example.SerializeToString(deterministic=True).hex(),
                     "raw": raw.numpy().hex(),
                     "text_keys": sorted(example.features.feature.keys())})
    out.append(rows)
spec = {"f": tf.io.FixedLenFeature([2], tf.float32), "v": tf.io.VarLenFeature(tf.int64),
        "s": tf.io.FixedLenFeature([], tf.string, default_value="?")}
parsed = tf.io.parse_example([bytes.fromhex(h) for h in json.loads(sys.argv[2])], spec)
tensor = tf.io.parse_tensor(bytes.fromhex(sys.argv[3]), tf.float64)
print("JSON:" + json.dumps({"files": out, "f": parsed["f"].numpy().tolist(),
                            "tensor": tensor.numpy().tolist(),
                            "serialized": tf.io.serialize_tensor(tensor).numpy().hex(),
                            "v": parsed["v"].indices.numpy().tolist(),
                            "vv": parsed["v"].values.numpy().tolist(),
                            "s": [x.decode("latin-1") for x in parsed["s"].numpy()]}))
"""


def test_tensorflow_reads_numnets_files_and_parses_them_alike(tmp_path):
    python = tensorflow_python()
    examples = [make(f=[float(i), -0.5], v=list(range(i)), s=[bytes([i, 255])])
                for i in range(4)]
    files = []
    for kind in ("", "GZIP", "ZLIB"):
        path = tmp_path / f"n{kind}.tfrecord"
        write(path, examples, kind)
        files.append((str(path), kind))
    completed = subprocess.run(
        [python, "-c", _TF_READER, json.dumps(files), json.dumps([e.hex() for e in examples]),
         tf.io.serialize_tensor(np.arange(6.0).reshape(2, 3) / 7).numpy().hex()],
        capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
        timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = [x for x in completed.stdout.splitlines() if x.startswith("JSON:")][-1]
    result = json.loads(line[5:])
    for rows in result["files"]:
        assert [bytes.fromhex(r["raw"]) for r in rows] == examples
        assert [bytes.fromhex(r["deterministic"]) for r in rows] == examples
    ours = tf.io.parse_example(examples, {
        "f": tf.io.FixedLenFeature([2], tf.float32), "v": tf.io.VarLenFeature(tf.int64),
        "s": tf.io.FixedLenFeature([], tf.string, default_value="?")})
    assert ours["f"].numpy().tolist() == result["f"]
    assert ours["v"].indices.numpy().tolist() == result["v"]
    assert ours["v"].values.numpy().tolist() == result["vv"]
    assert [x.decode("latin-1") for x in ours["s"].numpy()] == result["s"]
    assert result["tensor"] == (np.arange(6.0).reshape(2, 3) / 7).tolist()
    assert bytes.fromhex(result["serialized"]) == tf.io.serialize_tensor(
        np.arange(6.0).reshape(2, 3) / 7).numpy()
