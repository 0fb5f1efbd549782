"""The TensorFlow tutorial "TFRecord and tf.train.Example": features of four types (a bool,
an integer category, its name as a string, a float) turned into tf.train.Feature messages by
the tutorial's _bytes_feature / _float_feature / _int64_feature helpers, an Example
serialized and parsed back (FromString, field access, the text format), 2,000 of them
written with tf.io.TFRecordWriter, read back with tf.data.TFRecordDataset and mapped through
tf.io.parse_single_example, then a small Keras model trained on the parsed dataset. A second
file, GZIP-compressed, holds a variable-length feature (VarLenFeature gives a SparseTensor),
a matrix written with tf.io.serialize_tensor and a SequenceExample parsed with
tf.io.parse_single_sequence_example.

The data are a fixed NumPy draw; the label is 1 where feature3 + feature1 / 2 plus noise
exceeds 1.2. The
model starts from set_weights and trains on unshuffled batches, so its loss trajectory is
compared with TensorFlow's.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers


def _bytes_feature(value):
    """Returns a bytes_list from a string / byte."""
    if isinstance(value, type(tf.constant(0))):
        value = value.numpy()  # BytesList won't unpack a string from an EagerTensor.
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def _float_feature(value):
    """Returns a float_list from a float / double."""
    return tf.train.Feature(float_list=tf.train.FloatList(value=[value]))


def _int64_feature(value):
    """Returns an int64_list from a bool / enum / int / uint."""
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[value]))


RESULT = {}
print(_bytes_feature(b"test_string"))
print(_bytes_feature(b"test_bytes"))
print(_float_feature(np.exp(1)))
print(_int64_feature(int(True)))
print(_int64_feature(1))
feature = _float_feature(np.exp(1))
RESULT["e_as_float32"] = float(feature.float_list.value[0])
RESULT["feature_bytes"] = float(len(feature.SerializeToString()))

n_observations = 2000
rng = np.random.default_rng(3)
feature0 = rng.choice([False, True], n_observations)
feature1 = rng.integers(0, 5, n_observations)
strings = np.array([b"cat", b"dog", b"chicken", b"horse", b"goat"])
feature2 = strings[feature1]
feature3 = rng.standard_normal(n_observations)
label = (feature3 + feature1 / 2 + rng.normal(0, 0.5, n_observations) > 1.2).astype(np.int64)


def serialize_example(feature0, feature1, feature2, feature3, label):
    """Creates a tf.train.Example message ready to be written to a file."""
    feature = {
        "feature0": _int64_feature(feature0),
        "feature1": _int64_feature(feature1),
        "feature2": _bytes_feature(feature2),
        "feature3": _float_feature(feature3),
        "label": _int64_feature(label),
    }
    example_proto = tf.train.Example(features=tf.train.Features(feature=feature))
    return example_proto.SerializeToString()


serialized_example = serialize_example(0, 4, b"goat", 0.9876, 1)
print(serialized_example)
example_proto = tf.train.Example.FromString(serialized_example)
print(example_proto)
RESULT["example_bytes"] = float(len(serialized_example))
RESULT["goat_feature1"] = float(example_proto.features.feature["feature1"].int64_list.value[0])
RESULT["goat_feature3"] = float(example_proto.features.feature["feature3"].float_list.value[0])
RESULT["goat_is_bytes"] = float(
    example_proto.features.feature["feature2"].WhichOneof("kind") == "bytes_list")

# Write the TFRecord file
filename = "test.tfrecord"
with tf.io.TFRecordWriter(filename) as writer:
    for i in range(n_observations):
        example = serialize_example(int(feature0[i]), int(feature1[i]), feature2[i],
                                    float(feature3[i]), int(label[i]))
        writer.write(example)

# Reading a TFRecord file
filenames = [filename]
raw_dataset = tf.data.TFRecordDataset(filenames)
for raw_record in raw_dataset.take(10):
    print(repr(raw_record))
RESULT["records"] = float(sum(1 for _ in raw_dataset))

feature_description = {
    "feature0": tf.io.FixedLenFeature([], tf.int64, default_value=0),
    "feature1": tf.io.FixedLenFeature([], tf.int64, default_value=0),
    "feature2": tf.io.FixedLenFeature([], tf.string, default_value=""),
    "feature3": tf.io.FixedLenFeature([], tf.float32, default_value=0.0),
    "label": tf.io.FixedLenFeature([], tf.int64, default_value=0),
}


def _parse_function(example_proto):
    # Parse the input `tf.train.Example` proto using the dictionary above.
    return tf.io.parse_single_example(example_proto, feature_description)


parsed_dataset = raw_dataset.map(_parse_function)
for parsed_record in parsed_dataset.take(3):
    print(repr(parsed_record))
feature1_sum = feature3_sum = 0.0
goats = 0
for parsed_record in parsed_dataset:
    feature1_sum += float(parsed_record["feature1"].numpy())
    feature3_sum += float(parsed_record["feature3"].numpy())
    goats += int(parsed_record["feature2"].numpy() == b"goat")
RESULT["feature1_sum"] = feature1_sum
RESULT["feature3_sum"] = feature3_sum
RESULT["goats"] = float(goats)

# The example's raw bytes, parsed in Python
for raw_record in raw_dataset.take(1):
    example = tf.train.Example()
    example.ParseFromString(raw_record.numpy())
    print(example)
    RESULT["first_label"] = float(example.features.feature["label"].int64_list.value[0])
    result = {}
    for key, feature in example.features.feature.items():
        kind = feature.WhichOneof("kind")
        result[key] = np.array(getattr(feature, kind).value)
    RESULT["first_feature3"] = float(result["feature3"][0])


# Train a small Keras model on the parsed records
def to_inputs(record):
    inputs = tf.stack([tf.cast(record["feature0"], tf.float32),
                       tf.cast(record["feature1"], tf.float32), record["feature3"]])
    return inputs, record["label"]


# a TFRecordDataset's length is unknown until it is read; Keras on TensorFlow then takes one
# extra (empty) optimizer step an epoch, so the tutorial's pipeline states its length
train_ds = parsed_dataset.map(to_inputs).apply(
    tf.data.experimental.assert_cardinality(n_observations)).batch(50)
model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(8, activation="relu"),
                          layers.Dense(1, activation="sigmoid")])
init = np.random.default_rng(7)
model.set_weights([init.normal(0, 0.5, (3, 8)).astype("float32"), np.zeros(8, "float32"),
                   init.normal(0, 0.5, (8, 1)).astype("float32"), np.zeros(1, "float32")])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(train_ds, epochs=4, verbose=0)
for epoch, loss in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(loss)
RESULT["accuracy"] = float(history.history["accuracy"][-1])
RESULT["positives"] = float(label.sum())

# A compressed file: a variable-length feature and a serialized tensor
with tf.io.TFRecordWriter("extra.tfrecord.gz", options="GZIP") as writer:
    for i in range(6):
        matrix = np.arange(4, dtype=np.float32).reshape(2, 2) * i
        example = tf.train.Example(features=tf.train.Features(feature={
            "tokens": tf.train.Feature(int64_list=tf.train.Int64List(value=list(range(i)))),
            "matrix": _bytes_feature(tf.io.serialize_tensor(tf.constant(matrix))),
        }))
        writer.write(example.SerializeToString())

extra_description = {"tokens": tf.io.VarLenFeature(tf.int64),
                     "matrix": tf.io.FixedLenFeature([], tf.string)}


def parse_extra(record):
    parsed = tf.io.parse_single_example(record, extra_description)
    return parsed["tokens"], tf.io.parse_tensor(parsed["matrix"], out_type=tf.float32)


extra = tf.data.TFRecordDataset("extra.tfrecord.gz", compression_type="GZIP").map(parse_extra)
token_count = token_sum = matrix_sum = 0.0
for tokens, matrix in extra:
    token_count += float(tokens.values.shape[0])
    token_sum += float(tf.sparse.to_dense(tokens).numpy().sum())
    matrix_sum += float(matrix.numpy().sum())
RESULT["token_count"] = token_count
RESULT["token_sum"] = token_sum
RESULT["matrix_sum"] = matrix_sum
raw_records = [record.numpy() for record in tf.data.TFRecordDataset(
    ["extra.tfrecord.gz"], compression_type="GZIP")]
batch = tf.io.parse_example(raw_records, {"tokens": tf.io.VarLenFeature(tf.int64)})
RESULT["batch_dense_shape_1"] = float(batch["tokens"].dense_shape.numpy()[1])

# A SequenceExample
sequence = tf.train.SequenceExample(
    context=tf.train.Features(feature={"length": _int64_feature(3)}),
    feature_lists=tf.train.FeatureLists(feature_list={"steps": tf.train.FeatureList(feature=[
        tf.train.Feature(float_list=tf.train.FloatList(value=[t, t * 0.5])) for t in range(3)])}))
context, steps = tf.io.parse_single_sequence_example(
    sequence.SerializeToString(),
    context_features={"length": tf.io.FixedLenFeature([], tf.int64)},
    sequence_features={"steps": tf.io.FixedLenSequenceFeature([2], tf.float32)})
RESULT["sequence_length"] = float(context["length"].numpy())
RESULT["sequence_sum"] = float(steps["steps"].numpy().sum())
RESULT["sequence_rows"] = float(steps["steps"].shape[0])
print(RESULT)
