"""The TensorFlow guide "Random number generation": tf.random.Generator made from a seed, from
the global generator and from a non-deterministic state; its state moving at each draw;
split into independent generators; used inside tf.function (created there once, or passed as
an argument); saved and restored with tf.train.Checkpoint (the stream rewinds); the stateless
functions (stateless_normal / stateless_uniform with a seed pair, tf.random.split,
tf.random.fold_in, tf.random.experimental.stateless_split); and a Keras layer that draws its
noise from a Generator while a small model trains (weights from a NumPy draw).

numnet's streams are its own (NumPy's Philox keyed by the seed), not TensorFlow's numbers: the
comparison with TensorFlow is on what the guide shows about them (equal or different, moved
or rewound), not on the values.
"""

import numpy as np

import numnet as tf

RESULT = {}


def same(a, b):
    return float(bool(tf.reduce_all(tf.equal(a, b))))


# tf.random.Generator
g1 = tf.random.Generator.from_seed(1)
print(g1.normal(shape=[2, 3]))
g2 = tf.random.get_global_generator()
print(g2.normal(shape=[2, 3]))
RESULT["global_shape_sum"] = float(sum(g2.normal(shape=[2, 3]).shape))
RESULT["same_seed_same_stream"] = same(tf.random.Generator.from_seed(1).normal([2, 3]),
                                       tf.random.Generator.from_seed(1).normal([2, 3]))
RESULT["other_seed_other_stream"] = 1.0 - same(tf.random.Generator.from_seed(1).normal([4]),
                                               tf.random.Generator.from_seed(2).normal([4]))
g = tf.random.Generator.from_non_deterministic_state()
RESULT["non_deterministic_dtype"] = float(g.normal(shape=[2, 3]).dtype == tf.float32)

g = tf.random.Generator.from_seed(1234)
before = g.state.numpy().copy()
print(g.state)
print(g.normal([]))
print(g.state)
RESULT["state_moved"] = float(not np.array_equal(before, g.state.numpy()))
RESULT["state_is_int64"] = float(g.state.dtype == tf.int64)
RESULT["state_is_variable"] = float(isinstance(g.state, tf.Variable))
first, second = g.normal([3]), g.normal([3])
RESULT["draws_differ"] = 1.0 - same(first, second)
RESULT["uniform_in_range"] = float(tf.reduce_all(
    (g.uniform([100], minval=2.0, maxval=3.0) >= 2.0)
    & (g.uniform([100], minval=2.0, maxval=3.0) < 3.0)))
RESULT["int_uniform_max"] = float(tf.reduce_max(g.uniform([200], minval=0, maxval=5,
                                                           dtype=tf.int32)))
copied = tf.random.Generator(copy_from=g)
RESULT["copy_same_stream"] = same(copied.normal([4]), g.normal([4]))
shared = tf.random.Generator.from_state(g.state, alg=g.algorithm)
RESULT["from_state_shares_variable"] = float(shared.state is g.state)
RESULT["shared_draws_differ"] = 1.0 - same(shared.normal([4]), g.normal([4]))
replayed = tf.random.Generator.from_state(g.state.numpy(), alg=g.algorithm)
RESULT["from_state_value_same_stream"] = same(replayed.normal([4]), g.normal([4]))
g.reset_from_seed(1234)
RESULT["reset_from_seed"] = same(g.normal([3]), tf.random.Generator.from_seed(1234).normal([3]))

# Creating independent random-number streams
g = tf.random.Generator.from_seed(1)
print(g.normal([]))
new_gs = g.split(3)
for new_g in new_gs:
    print(new_g.normal([]))
print(g.normal([]))
RESULT["split_count"] = float(len(new_gs))
RESULT["split_streams_differ"] = 1.0 - same(new_gs[0].normal([4]), new_gs[1].normal([4]))
RESULT["split_are_generators"] = float(all(isinstance(x, tf.random.Generator) for x in new_gs))

# Interaction with tf.function
g = tf.random.Generator.from_seed(1)


@tf.function
def foo():
    return g.normal([])


first_call, second_call = foo(), foo()
print(first_call, second_call)
RESULT["function_draws_differ"] = float(float(first_call) != float(second_call))

g = None


@tf.function
def make_once():
    global g
    if g is None:
        g = tf.random.Generator.from_seed(1)
    return g.normal([])


RESULT["created_once_differ"] = float(float(make_once()) != float(make_once()))


@tf.function
def draw_from(generator):
    return generator.normal([])


RESULT["passed_seed_1"] = same(draw_from(tf.random.Generator.from_seed(1)),
                               tf.random.Generator.from_seed(1).normal([]))

# Interaction with tf.train.Checkpoint
filename = "./checkpoint"
g = tf.random.Generator.from_seed(1)
cp = tf.train.Checkpoint(generator=g)
print(g.normal([]))
cp.write(filename)
print("RNG stream from saving point:")
saved_stream = [float(g.normal([])), float(g.normal([]))]
cp.restore(filename)
print("RNG stream from loading point:")
restored_stream = [float(g.normal([])), float(g.normal([]))]
print(saved_stream, restored_stream)
RESULT["checkpoint_rewinds"] = float(saved_stream == restored_stream)
fresh = tf.random.Generator.from_seed(7)
tf.train.Checkpoint(generator=fresh).restore(filename)
RESULT["checkpoint_into_new_generator"] = float(float(fresh.normal([])) == saved_stream[0])

# Stateless RNGs
print(tf.random.stateless_normal(shape=[2, 3], seed=[1, 2]))
print(tf.random.stateless_normal(shape=[2, 3], seed=[1, 2]))
RESULT["stateless_repeat"] = same(tf.random.stateless_normal(shape=[2, 3], seed=[1, 2]),
                                  tf.random.stateless_normal(shape=[2, 3], seed=[1, 2]))
RESULT["stateless_other_seed"] = 1.0 - same(
    tf.random.stateless_normal(shape=[4], seed=[1, 2]),
    tf.random.stateless_normal(shape=[4], seed=[1, 3]))
seed = tf.constant([3, 4], dtype=tf.int64)
new_seeds = tf.random.split(seed, num=3)
RESULT["split_seeds_shape_sum"] = float(sum(new_seeds.shape))
RESULT["split_seeds_differ"] = 1.0 - same(
    tf.random.stateless_uniform([4], seed=new_seeds[0]),
    tf.random.stateless_uniform([4], seed=new_seeds[1]))
folded = tf.random.fold_in(seed, 5)
RESULT["fold_in_repeat"] = same(folded, tf.random.fold_in(seed, 5))
RESULT["fold_in_differs"] = 1.0 - same(folded, tf.random.fold_in(seed, 6))
RESULT["experimental_split_rows"] = float(
    tf.random.experimental.stateless_split(seed, num=4).shape[0])
RESULT["stateless_uniform_int_max"] = float(tf.reduce_max(tf.random.stateless_uniform(
    [200], seed=[5, 6], minval=0, maxval=4, dtype=tf.int32)))


# a layer whose noise comes from a Generator
class GeneratorNoise(tf.keras.layers.Layer):
    def __init__(self, stddev, seed, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev
        self.rng = tf.random.Generator.from_seed(seed)

    def call(self, inputs, training=None):
        if training:
            return inputs + self.rng.normal(tf.shape(inputs), stddev=self.stddev)
        return inputs


rng = np.random.default_rng(6)
x = rng.normal(size=(256, 4)).astype("float32")
y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype("float32")
noise = GeneratorNoise(0.1, seed=3)
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), noise,
                             tf.keras.layers.Dense(16, activation="relu"),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5
                   for w in model.get_weights()])
model.compile(optimizer=tf.keras.optimizers.Adam(0.02), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(x, y, batch_size=32, epochs=6, shuffle=False, verbose=0)
RESULT.update({f"loss_{i}": float(v) for i, v in enumerate(history.history["loss"])})
RESULT["accuracy"] = float(history.history["accuracy"][-1])
RESULT["noise_state_moved"] = float(not np.array_equal(
    noise.rng.state.numpy(), tf.random.Generator.from_seed(3).state.numpy()))
RESULT["inference_unchanged"] = same(model.predict(x[:8], verbose=0),
                                     model.predict(x[:8], verbose=0))
print(RESULT)
