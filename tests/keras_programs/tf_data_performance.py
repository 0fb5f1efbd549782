"""After the TensorFlow guide "Better performance with the tf.data API": the ArtificialDataset
(a tf.data.Dataset subclass whose __new__ returns Dataset.from_generator with an
output_signature and args) and the benchmark loop; prefetch, interleave (sequential and with
num_parallel_calls), map (sequential and parallel) of a function that sleeps through
tf.py_function with an empty Tout, cache, and the vectorized map (batch before map) timed on
Dataset.range; tf.data.Options given by with_options and read back by options(); and the
"reproducing the figures" part: a TimeMeasuredDataset of (steps, timings, counters) made by
from_generator with output_types / output_shapes, the timelined benchmark that accumulates them
with tf.concat of string, float and int tensors, and a map_decorator of tf.py_function with a
tuple Tout over flat_map, map, batch and unbatch.

The sleeps are a tenth of the guide's, and the timings are not compared: only what each
pipeline yields is.
"""

import itertools
import time
from collections import defaultdict

import numpy as np

import numnet as tf

RESULT = {}


class ArtificialDataset(tf.data.Dataset):
    def _generator(num_samples):
        # Opening the file
        time.sleep(0.003)
        for sample_idx in range(num_samples):
            # Reading data (line, record) from the file
            time.sleep(0.0015)
            yield (sample_idx,)

    def __new__(cls, num_samples=3):
        return tf.data.Dataset.from_generator(
            cls._generator,
            output_signature=tf.TensorSpec(shape=(1,), dtype=tf.int64),
            args=(num_samples,)
        )


def benchmark(dataset, num_epochs=2):
    start_time = time.perf_counter()
    seen = []
    for _ in range(num_epochs):
        for sample in dataset:
            # Performing a training step
            time.sleep(0.001)
            seen.append(int(np.asarray(sample).ravel()[0]))
    RESULT["last_benchmark_seconds_positive"] = float(time.perf_counter() - start_time > 0)
    return seen


RESULT["naive"] = float(sum(benchmark(ArtificialDataset())))
RESULT["naive_count"] = float(len(benchmark(ArtificialDataset())))
RESULT["prefetch"] = float(sum(benchmark(ArtificialDataset().prefetch(tf.data.AUTOTUNE))))
sequential = benchmark(tf.data.Dataset.range(2).interleave(lambda _: ArtificialDataset()))
RESULT["interleave_order"] = float(sequential[:6] == [0, 0, 1, 1, 2, 2])
parallel = benchmark(tf.data.Dataset.range(2).interleave(
    lambda _: ArtificialDataset(), num_parallel_calls=tf.data.AUTOTUNE))
RESULT["parallel_interleave_count"] = float(len(parallel))


def mapped_function(s):
    # Do some hard pre-processing
    tf.py_function(lambda: time.sleep(0.003), [], ())
    return s


RESULT["sequential_map"] = float(sum(benchmark(ArtificialDataset().map(mapped_function))))
RESULT["parallel_map"] = float(sum(benchmark(
    ArtificialDataset().map(mapped_function, num_parallel_calls=tf.data.AUTOTUNE))))
RESULT["cached"] = float(len(benchmark(ArtificialDataset().map(mapped_function).cache(), 5)))

fast_dataset = tf.data.Dataset.range(10000)


def fast_benchmark(dataset, num_epochs=2):
    total = 0
    for _ in tf.data.Dataset.range(num_epochs):
        for batch in dataset:
            total += int(tf.reduce_sum(batch))
    return total


def increment(x):
    return x + 1


scalar_total = fast_benchmark(fast_dataset.map(increment).batch(256))
vectorized_total = fast_benchmark(fast_dataset.batch(256).map(increment))
RESULT["vectorized_same"] = float(scalar_total == vectorized_total)
RESULT["vectorized_total"] = float(vectorized_total)

options = tf.data.Options()
options.deterministic = False
options.threading.private_threadpool_size = 2
options.experimental_optimization.map_parallelization = True
tuned = fast_dataset.with_options(options).map(increment, num_parallel_calls=tf.data.AUTOTUNE)
RESULT["deterministic_off"] = float(tuned.options().deterministic is False)
RESULT["threadpool"] = float(tuned.options().threading.private_threadpool_size)
RESULT["tuned_sum"] = float(fast_benchmark(tuned.batch(1000).take(2), 1))


# ----- Reproducing the figures -----
class TimeMeasuredDataset(tf.data.Dataset):
    # OUTPUT: (steps, timings, counters)
    OUTPUT_TYPES = (tf.dtypes.string, tf.dtypes.float32, tf.dtypes.int32)
    OUTPUT_SHAPES = ((2, 1), (2, 2), (2, 3))

    _INSTANCES_COUNTER = itertools.count()  # Number of datasets generated
    _EPOCHS_COUNTER = defaultdict(itertools.count)  # Number of epochs done for each dataset

    def _generator(instance_idx, num_samples):
        epoch_idx = next(TimeMeasuredDataset._EPOCHS_COUNTER[instance_idx])
        # Opening the file
        open_enter = time.perf_counter()
        time.sleep(0.003)
        open_elapsed = time.perf_counter() - open_enter
        for sample_idx in range(num_samples):
            # Reading data (line, record) from the file
            read_enter = time.perf_counter()
            time.sleep(0.0015)
            read_elapsed = time.perf_counter() - read_enter
            yield (
                [("Open",), ("Read",)],
                [(open_enter, open_elapsed), (read_enter, read_elapsed)],
                [(instance_idx, epoch_idx, -1), (instance_idx, epoch_idx, sample_idx)]
            )
            open_enter, open_elapsed = -1., -1.  # Negative values will be filtered

    def __new__(cls, num_samples=3):
        return tf.data.Dataset.from_generator(
            cls._generator,
            output_types=cls.OUTPUT_TYPES,
            output_shapes=cls.OUTPUT_SHAPES,
            args=(next(cls._INSTANCES_COUNTER), num_samples)
        )


def timelined_benchmark(dataset, num_epochs=2):
    # Initialize accumulators
    steps_acc = tf.zeros([0, 1], dtype=tf.dtypes.string)
    times_acc = tf.zeros([0, 2], dtype=tf.dtypes.float32)
    values_acc = tf.zeros([0, 3], dtype=tf.dtypes.int32)
    for epoch_num in range(num_epochs):
        epoch_enter = time.perf_counter()
        for (steps, times, values) in dataset:
            # Record dataset preparation informations
            steps_acc = tf.concat((steps_acc, steps), axis=0)
            times_acc = tf.concat((times_acc, times), axis=0)
            values_acc = tf.concat((values_acc, values), axis=0)
            # Simulate training time
            train_enter = time.perf_counter()
            time.sleep(0.001)
            train_elapsed = time.perf_counter() - train_enter
            # Record training informations
            steps_acc = tf.concat((steps_acc, [["Train"]]), axis=0)
            times_acc = tf.concat((times_acc, [(train_enter, train_elapsed)]), axis=0)
            values_acc = tf.concat((values_acc, [values[-1]]), axis=0)
        epoch_elapsed = time.perf_counter() - epoch_enter
        # Record epoch informations
        steps_acc = tf.concat((steps_acc, [["Epoch"]]), axis=0)
        times_acc = tf.concat((times_acc, [(epoch_enter, epoch_elapsed)]), axis=0)
        values_acc = tf.concat((values_acc, [[-1, epoch_num, -1]]), axis=0)
        time.sleep(0.001)
    return {"steps": steps_acc, "times": times_acc, "values": values_acc}


def map_decorator(func):
    def wrapper(steps, times, values):
        # Use a tf.py_function to prevent auto-graph from compiling the method
        return tf.py_function(
            func,
            inp=(steps, times, values),
            Tout=(steps.dtype, times.dtype, values.dtype)
        )
    return wrapper


_batch_map_num_items = 5


def dataset_generator_fun(*args):
    return TimeMeasuredDataset(num_samples=_batch_map_num_items)


@map_decorator
def naive_map(steps, times, values):
    map_enter = time.perf_counter()
    time.sleep(0.0001)  # Time consuming step
    time.sleep(0.00001)  # Memory consuming step
    map_elapsed = time.perf_counter() - map_enter
    return (
        tf.concat((steps, [["Map"]]), axis=0),
        tf.concat((times, [[map_enter, map_elapsed]]), axis=0),
        tf.concat((values, [values[-1]]), axis=0)
    )


naive_timeline = timelined_benchmark(
    tf.data.Dataset.range(2)
    .flat_map(dataset_generator_fun)
    .map(naive_map)
    .batch(_batch_map_num_items, drop_remainder=True)
    .unbatch(),
    2
)
steps = [s.decode() for s in naive_timeline["steps"].numpy()[:, 0]]
RESULT["timeline_rows"] = float(len(steps))
RESULT["timeline_trains"] = float(steps.count("Train"))
RESULT["timeline_maps"] = float(steps.count("Map"))
RESULT["timeline_epochs"] = float(steps.count("Epoch"))
RESULT["timeline_first_is_open"] = float(steps[0] == "Open")
RESULT["times_dtype_ok"] = float(naive_timeline["times"].dtype == tf.float32)
values = naive_timeline["values"].numpy()
RESULT["values_dtype_ok"] = float(naive_timeline["values"].dtype == tf.int32)
RESULT["instances"] = float(len(set(values[values[:, 0] >= 0, 0].tolist())))
RESULT["second_epoch_index"] = float(values[steps.index("Epoch") + 1, 1])
RESULT["negative_open_times"] = float(np.sum(naive_timeline["times"].numpy()[:, 0] < 0))
print(RESULT)
