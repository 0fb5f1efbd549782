"""After the TensorFlow guide "tf.data: Build TensorFlow input pipelines": reading text files
with TextLineDataset and interleave, skip and filter of header and comment lines; from_generator
with an output_signature; padded_batch of variable-length rows; enumerate, zip, scan,
take_while, unbatch, shard, reduce; the order of repeat and shuffle around epoch boundaries;
cache to a file; the time-series part (batch then split into features and labels, labels
shifted by skip, window + flat_map of each window's batch, make_window_dataset with shift and
stride) ending in Model.fit of the windows of a noisy wave; group_by_window and
bucket_by_sequence_length; rebatch and Dataset.random; and the resampling part on an
imbalanced table (counts by reduce, filter per class then sample_from_datasets,
choose_from_datasets, rejection_resample with initial_dist) ending in Model.fit on the balanced
stream.

The sampled streams are each framework's own draws: only their class balance compares.
"""

import os

import numpy as np

import numnet as tf

RESULT = {}

# ----- Consuming text data -----
os.makedirs("text", exist_ok=True)
file_paths = []
for k in range(3):
    path = os.path.join("text", f"part{k}.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# header of part {k}\n")
        for i in range(5):
            f.write(f"part {k} line {i}\n")
    file_paths.append(path)

dataset = tf.data.TextLineDataset(file_paths)
first = [line.numpy().decode() for line in dataset.take(2)]
RESULT["first_line_is_header"] = float(first[0] == "# header of part 0")
files_ds = tf.data.Dataset.from_tensor_slices(file_paths)
lines_ds = files_ds.interleave(tf.data.TextLineDataset, cycle_length=3)
interleaved = [line.numpy().decode() for line in lines_ds.take(6)]
RESULT["interleave_round_robin"] = float(interleaved[:3] == [
    "# header of part 0", "# header of part 1", "# header of part 2"])
RESULT["interleave_lines"] = float(sum(1 for _ in lines_ds))
body_ds = tf.data.TextLineDataset(file_paths[0]).skip(1).filter(
    lambda line: tf.not_equal(tf.strings.substr(line, 5, 1), "3"))
RESULT["filtered_lines"] = float(sum(1 for _ in body_ds))


# ----- Generators and padded batches -----
def count(stop):
    i = 0
    while i < stop:
        yield i
        i += 1


ds_counter = tf.data.Dataset.from_generator(count, args=[25], output_types=tf.int32,
                                            output_shapes=())
RESULT["generator_batches"] = float(sum(1 for _ in ds_counter.repeat().batch(10).take(4)))


def gen_series():
    i = 0
    while True:
        size = int(np.random.default_rng(i).integers(1, 6))
        yield i, np.arange(size, dtype="float32")
        i += 1


ds_series = tf.data.Dataset.from_generator(
    gen_series,
    output_signature=(tf.TensorSpec(shape=(), dtype=tf.int32),
                      tf.TensorSpec(shape=(None,), dtype=tf.float32)))
ds_series_batch = ds_series.shuffle(20, seed=1).padded_batch(10)
ids, sequence_batch = next(iter(ds_series_batch))
RESULT["padded_rows"] = float(sequence_batch.shape[0])
RESULT["padded_width_ok"] = float(sequence_batch.shape[1] <= 5)

dataset = tf.data.Dataset.range(100)
dataset = dataset.map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
dataset = dataset.padded_batch(4, padded_shapes=(None,))
padded = [batch.numpy() for batch in dataset.take(2)]
RESULT["padded_first_shape"] = float(padded[0].shape[1])
RESULT["padded_second_sum"] = float(padded[1].sum())

# ----- enumerate, zip, scan, take_while, unbatch, shard, reduce -----
letters = tf.data.Dataset.from_tensor_slices(["a", "b", "c"])
RESULT["enumerate_sum"] = float(sum(int(i) for i, _ in letters.enumerate(start=10)))
pairs = tf.data.Dataset.zip((tf.data.Dataset.range(5), tf.data.Dataset.range(5, 100)))
RESULT["zip_len"] = float(sum(1 for _ in pairs))
initial_state = tf.constant(0, dtype=tf.int64)


def scan_func(state, i):
    return state + i, state + i


running = [int(x) for x in tf.data.Dataset.range(6).scan(initial_state, scan_func)]
RESULT["scan_last"] = float(running[-1])
RESULT["take_while_len"] = float(sum(1 for _ in tf.data.Dataset.range(20).take_while(
    lambda x: x < 7)))
RESULT["unbatch_len"] = float(sum(1 for _ in tf.data.Dataset.range(10).batch(3).unbatch()))
RESULT["shard_sum"] = float(sum(int(x) for x in tf.data.Dataset.range(10).shard(3, 1)))
rebatched = [len(b) for b in tf.data.Dataset.range(10).batch(4).rebatch([2, 3])]
RESULT["rebatch_sizes"] = float(int("".join(str(n) for n in rebatched)))
coins = [int(x) for x in tf.data.Dataset.random(seed=4).map(lambda x: x % 2).take(20)]
RESULT["random_coins_binary"] = float(set(coins) <= {0, 1} and len(coins) == 20)
RESULT["reduce_sum"] = float(tf.data.Dataset.range(5).reduce(
    tf.constant(0, tf.int64), lambda state, x: state + x))

# ----- repeat and shuffle -----
lines = tf.data.Dataset.range(10)
repeat_then_batch = [int(b.shape[0]) for b in lines.repeat(3).batch(4)]
batch_then_repeat = [int(b.shape[0]) for b in lines.batch(4).repeat(3)]
RESULT["repeat_then_batch"] = float(len(repeat_then_batch))
RESULT["batch_then_repeat"] = float(len(batch_then_repeat))
shuffled = [int(x) for x in lines.shuffle(buffer_size=10).repeat(2)]
RESULT["shuffle_then_repeat_epochs_whole"] = float(sorted(shuffled[:10]) == list(range(10)))
cached = tf.data.Dataset.range(6).map(lambda x: x * 3).cache("cache_file")
RESULT["cache_sum_first"] = float(sum(int(x) for x in cached))
RESULT["cache_sum_second"] = float(sum(int(x) for x in cached))

# ----- Time series windowing -----
range_ds = tf.data.Dataset.range(100000)
batches = range_ds.batch(10, drop_remainder=True)
for batch in batches.take(2):
    last_batch = batch.numpy()
RESULT["second_batch_last"] = float(last_batch[-1])


def dense_1_step(batch):
    # Shift features and labels one step relative to each other.
    return batch[:-1], batch[1:]


predict_dense_1_step = batches.map(dense_1_step)
features, label = next(iter(predict_dense_1_step.take(1)))
RESULT["dense_1_step_gap"] = float(np.max(label.numpy() - features.numpy()))


def label_next_5_steps(batch):
    return (batch[:-5],   # Inputs: All except the last 5 steps
            batch[-5:])   # Labels: The last 5 steps


predict_5_steps = batches.map(label_next_5_steps)
features, label = next(iter(predict_5_steps.take(1)))
RESULT["label_5_first"] = float(label.numpy()[0])

feature_length = 10
label_length = 3
features = range_ds.batch(feature_length, drop_remainder=True)
labels = range_ds.batch(feature_length).skip(1).map(lambda labels: labels[:label_length])
predicted_steps = tf.data.Dataset.zip((features, labels))
for _, label in predicted_steps.take(2):
    last_label = label.numpy()
RESULT["zipped_label_first"] = float(last_label[0])

window_size = 5
windows = range_ds.window(window_size, shift=1)
sub_lengths = [sum(1 for _ in sub_ds) for sub_ds in windows.take(3)]
RESULT["window_lengths"] = float(sum(sub_lengths))
flat = [int(x) for x in windows.flat_map(lambda x: x).take(30)]
RESULT["flat_map_10th"] = float(flat[10])


def sub_to_batch(sub):
    return sub.batch(window_size, drop_remainder=True)


window_batches = [w.numpy() for w in windows.flat_map(sub_to_batch).take(5)]
RESULT["window_batch_last"] = float(window_batches[-1][-1])


def make_window_dataset(ds, window_size=5, shift=1, stride=1):
    windows = ds.window(window_size, shift=shift, stride=stride)

    def sub_to_batch(sub):
        return sub.batch(window_size, drop_remainder=True)

    windows = windows.flat_map(sub_to_batch)
    return windows


ds = make_window_dataset(range_ds, window_size=10, shift=5, stride=3)
strided = [example.numpy() for example in ds.take(3)]
RESULT["strided_second_first"] = float(strided[1][0])
RESULT["strided_step"] = float(strided[0][1] - strided[0][0])
dense_labels_ds = ds.map(dense_1_step)
inputs, labels = next(iter(dense_labels_ds.take(1)))
RESULT["dense_labels_width"] = float(inputs.shape[0])

# a model on the windows of a noisy wave: the next value from the last nine
rng = np.random.default_rng(0)
series = (np.sin(np.arange(1200) * 0.2) + rng.normal(0.0, 0.05, 1200)).astype("float32")
series_ds = tf.data.Dataset.from_tensor_slices(series)
wave_windows = make_window_dataset(series_ds, window_size=10, shift=3, stride=1)
train_windows = wave_windows.map(lambda w: (w[:-1], w[-1:])).batch(32)
wave_model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(9,)),
    tf.keras.layers.Dense(16, activation="tanh"),
    tf.keras.layers.Dense(1),
])
wave_model.set_weights([np.random.default_rng(3).normal(0.0, 0.3, w.shape).astype("float32")
                        for w in wave_model.get_weights()])
wave_model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="mse")
# 397 windows, 13 batches: a repeated stream of known steps (a window dataset's cardinality
# is unknown, and Keras on TensorFlow counts an optimizer step where such an epoch runs out)
history = wave_model.fit(train_windows.repeat(), steps_per_epoch=13, epochs=4, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"wave_loss_{epoch}"] = float(value)

# ----- group_by_window and bucket_by_sequence_length -----
grouped = tf.data.Dataset.range(20).group_by_window(
    key_func=lambda x: x % 2,
    reduce_func=lambda key, window: window.batch(4),
    window_size=4)
grouped_batches = [b.numpy() for b in grouped]
RESULT["grouped_batches"] = float(len(grouped_batches))
RESULT["grouped_same_parity"] = float(all(len(set(b % 2)) == 1 for b in grouped_batches))
lengths_ds = tf.data.Dataset.range(1, 13).map(lambda n: tf.fill([tf.cast(n, tf.int32)], n))
bucketed = lengths_ds.bucket_by_sequence_length(
    element_length_func=lambda elem: tf.shape(elem)[0],
    bucket_boundaries=[4, 8],
    bucket_batch_sizes=[3, 2, 2])
bucket_shapes = [tuple(b.shape) for b in bucketed]
RESULT["bucket_batches"] = float(len(bucket_shapes))
RESULT["bucket_widest"] = float(max(shape[1] for shape in bucket_shapes))

# ----- Resampling -----
n_rows = 2048
labels_all = (rng.random(n_rows) < 0.1).astype("int32")
features_all = (rng.normal(0.0, 1.0, (n_rows, 4))
                + labels_all[:, None] * np.array([1.5, -1.0, 0.5, 1.0])).astype("float32")
creditcard_ds = tf.data.Dataset.from_tensor_slices((features_all, labels_all)).batch(256)


def count(counts, batch):
    features, labels = batch
    class_1 = labels == 1
    class_1 = tf.cast(class_1, tf.int32)
    class_0 = labels == 0
    class_0 = tf.cast(class_0, tf.int32)
    counts["class_0"] += tf.reduce_sum(class_0)
    counts["class_1"] += tf.reduce_sum(class_1)
    return counts


counts = creditcard_ds.take(10).reduce(
    initial_state={"class_0": 0, "class_1": 0}, reduce_func=count)
counts = np.array([counts["class_0"].numpy(), counts["class_1"].numpy()]).astype(np.float32)
fractions = counts / counts.sum()
RESULT["class_1_count"] = float(counts[1])
RESULT["class_1_fraction"] = float(fractions[1])

negative_ds = (creditcard_ds.unbatch().filter(lambda features, label: label == 0).repeat())
positive_ds = (creditcard_ds.unbatch().filter(lambda features, label: label == 1).repeat())
for _, label in positive_ds.batch(10).take(1):
    RESULT["positive_all_ones"] = float(np.all(label.numpy() == 1))
balanced_ds = tf.data.Dataset.sample_from_datasets(
    [negative_ds, positive_ds], [0.5, 0.5], seed=7).batch(10)
balanced_labels = np.concatenate([labels.numpy() for _, labels in balanced_ds.take(20)])
RESULT["sampled_fraction"] = float(balanced_labels.mean())

choice = tf.data.Dataset.range(2).repeat(3)
chosen = [int(label) for _, label in tf.data.Dataset.choose_from_datasets(
    [negative_ds, positive_ds], choice)]
RESULT["chosen_pattern"] = float(chosen == [0, 1, 0, 1, 0, 1])


def class_func(features, label):
    return label


resample_ds = (creditcard_ds.unbatch().rejection_resample(
    class_func, target_dist=[0.5, 0.5], initial_dist=fractions, seed=42).batch(10))
for extra_label, features_and_label in resample_ds.take(1):
    RESULT["extra_label_matches"] = float(np.array_equal(extra_label.numpy(),
                                                         features_and_label[1].numpy()))
balanced_ds = resample_ds.map(lambda extra_label, features_and_label: features_and_label)
resampled_labels = np.concatenate([labels.numpy() for _, labels in balanced_ds.take(20)])
RESULT["resampled_fraction"] = float(resampled_labels.mean())

classifier = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(4,)),
    tf.keras.layers.Dense(8, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
classifier.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                   metrics=[tf.keras.metrics.Recall(name="recall")])
history = classifier.fit(balanced_ds, steps_per_epoch=30, epochs=4, verbose=0)
RESULT["balanced_loss_last"] = float(history.history["loss"][-1])
RESULT["balanced_recall"] = float(history.history["recall"][-1])
print(RESULT)
