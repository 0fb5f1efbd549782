"""After the Keras guide "Migrating Keras 2 code to multi-backend Keras 3": each pitfall the guide
shows, written the way it fixes it, on small data from a fixed NumPy seed.

A subclassed model that calls tf.strings ops, run with jit_compile set to False; model.save to a
path with no suffix (refused: .keras or .h5, with or without save_format) and to .keras, loaded
back, and load_model of a SavedModel directory (refused); a dict of inputs nested two deep (the
guide says refused; Keras 3.15 takes it) and its flat fix; a layer whose call is a tf.function
with a Python if on a tf.random draw; keras.ops.squeeze on a symbolic input; a multi-output
model compiled with one metric per output and evaluated; weights made with add_weight (tracked)
beside tf.Variable attributes (which Keras 3 does not track); a layer called on a dict holding a
dict of inputs, and one whose call takes an optional argument; a positional embedding that
builds its sublayer in build(); ReLU(threshold=...) in the place of ThresholdedReLU; a model
whose compute_loss is overridden, trained with fit from a NumPy draw of weights; keras.random
with an int seed (the same draw twice), tf.random with an op seed and a SeedGenerator (two draws
each), and the guide's RandomNoiseLayer.
"""

import os

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

rng = np.random.default_rng(7)


# --- jit_compile: tf.strings ops in a subclassed model ---
class StringRoundTrip(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def call(self, inputs):
        string_input = tf.strings.as_string(inputs)
        return tf.strings.to_number(string_input)


subclass_model = StringRoundTrip()
x_small = np.array([[1, 2, 3], [4, 5, 6]])
subclass_model.jit_compile = False
round_trip = subclass_model.predict(x_small, verbose=0)

# --- save: a path without .keras / .h5 is refused, .keras round-trips ---
sequential_model = keras.Sequential([keras.layers.Dense(2)])
probe = rng.random((3, 5)).astype("float32")
before = np.asarray(sequential_model(probe))
try:
    sequential_model.save("saved_model")
    save_refused = 0.0
except ValueError:
    save_refused = 1.0
try:
    sequential_model.save("saved_model", save_format="tf")
    save_format_refused = 0.0
except ValueError:
    save_format_refused = 1.0
sequential_model.save("sequential.keras")
# a SavedModel directory, as tf.keras 2's model.save("legacy_model") left it: load_model refuses
os.makedirs(os.path.join("legacy_model", "variables"), exist_ok=True)
with open(os.path.join("legacy_model", "saved_model.pb"), "wb") as handle:
    handle.write(b"\x08\x01")
try:
    keras.models.load_model("legacy_model")
    saved_model_refused = 0.0
except ValueError:
    saved_model_refused = 1.0
reloaded = keras.models.load_model("sequential.keras")
reload_gap = float(np.max(np.abs(np.asarray(reloaded(probe)) - before)))

# --- deeply nested inputs: the guide says Keras 3 refuses them; Keras 3.15 takes them ---
nested = {
    "foo": keras.Input(shape=(1,), name="foo"),
    "bar": {"baz": keras.Input(shape=(1,), name="bar")},
}
try:
    nested_model = keras.Model(nested, nested["foo"] + nested["bar"]["baz"])
    nested_sum = float(np.sum(nested_model.predict(
        {"foo": np.array([[1.0], [2.0]]), "bar": {"baz": np.array([[0.5], [0.25]])}},
        verbose=0)))
except (TypeError, ValueError):
    nested_sum = 0.0
inputs = {
    "foo": keras.Input(shape=(1,), name="foo"),
    "bar": keras.Input(shape=(1,), name="bar"),
}
outputs = inputs["foo"] + inputs["bar"]
flat_model = keras.Model(inputs, outputs)
flat_sum = flat_model.predict(
    {"foo": np.array([[1.0], [2.0]]), "bar": np.array([[10.0], [20.0]])}, verbose=0)


# --- autograph: a tf.function call with a Python if on a tensor ---
class CoinFlipLayer(keras.layers.Layer):
    @tf.function()
    def call(self, inputs):
        if tf.random.uniform(()) > 0.5:
            return inputs * 2
        else:
            return inputs / 2


coin_data = rng.uniform(0.5, 1.5, size=[3, 3]).astype("float32")
coin_model = keras.models.Sequential([CoinFlipLayer()])
coin_model.compile(optimizer="adam", loss="mse")
coin_out = coin_model.predict(coin_data, verbose=0)
coin_ratio = float(np.mean(coin_out / coin_data))

# --- keras.ops on a KerasTensor in the place of tf ops ---
image_input = keras.layers.Input([2, 2, 1])
squeezed = keras.ops.squeeze(image_input)

# --- multi-output evaluate: one metric per output ---
inputs = layers.Input(shape=(10,))
x1 = layers.Dense(5, activation="relu")(inputs)
x2 = layers.Dense(5, activation="relu")(x1)
output_1 = layers.Dense(5, activation="softmax", name="output_1")(x1)
output_2 = layers.Dense(5, activation="softmax", name="output_2")(x2)
multi_output_model = keras.Model(inputs=inputs, outputs=[output_1, output_2])
draw = np.random.default_rng(11)
multi_output_model.set_weights([draw.normal(0.0, 0.5, w.shape).astype("float32")
                                for w in multi_output_model.get_weights()])
multi_output_model.compile(
    optimizer="adam",
    loss="categorical_crossentropy",
    metrics=["categorical_crossentropy", "categorical_crossentropy"],
)
x_test = rng.uniform(size=[10, 10]).astype("float32")
y_test = rng.uniform(size=[10, 5]).astype("float32")
evaluated = multi_output_model.evaluate(x_test, [y_test, y_test], verbose=0)
evaluated_named = multi_output_model.evaluate(x_test, [y_test, y_test], verbose=0,
                                              return_dict=True)


# --- variable tracking: add_weight, not a tf.Variable attribute ---
class AddWeightLayer(keras.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.w = self.add_weight(shape=[input_dim, self.units], initializer="zeros")
        self.b = self.add_weight(shape=[self.units], initializer="zeros")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w) + self.b


class TfVariableLayer(keras.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.w = tf.Variable(initial_value=tf.zeros([input_dim, self.units]))
        self.b = tf.Variable(initial_value=tf.zeros([self.units]))

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w) + self.b


untracked_model = keras.models.Sequential([TfVariableLayer(3)])
untracked_model.compile(optimizer="adam", loss="mse")
untracked_model.predict(rng.uniform(size=[3, 3]), verbose=0)
untracked_count = sum(len(layer.trainable_variables) for layer in untracked_model.layers)

tracked_model = keras.models.Sequential([AddWeightLayer(3)])
tracked_model.compile(optimizer="adam", loss="mse")
tracked_out = tracked_model.predict(rng.uniform(size=[3, 3]), verbose=0)
tracked_count = sum(len(layer.trainable_variables) for layer in tracked_model.layers)


# --- None in nested call() arguments: a value, or an optional argument ---
class DictSumLayer(keras.layers.Layer):
    def __init__(self):
        super().__init__()

    def call(self, inputs):
        foo = inputs["foo"]
        baz = inputs["bar"]["baz"]
        return foo + baz


dict_layer = DictSumLayer()
dict_symbolic = dict_layer({
    "foo": keras.Input(shape=(1,), name="foo"),
    "bar": {"baz": keras.Input(shape=(1,), name="bar")},
})
dict_eager = dict_layer({"foo": np.array([[1.0]], "float32"),
                         "bar": {"baz": np.array([[2.5]], "float32")}})


class OptionalArgLayer(keras.layers.Layer):
    def __init__(self):
        super().__init__()

    def call(self, foo, baz=None):
        if baz is not None:
            return foo + baz
        return foo


optional_layer = OptionalArgLayer()
foo = keras.Input(shape=(1,), name="foo")
optional_symbolic = optional_layer(foo, baz=None)
optional_eager = optional_layer(np.array([[3.0]], "float32"), baz=np.array([[4.0]], "float32"))


# --- state building: build() creates the sublayer's weights ---
class PositionalEmbedding(keras.layers.Layer):
    def __init__(self, sequence_length, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.position_embeddings = layers.Embedding(
            input_dim=sequence_length, output_dim=output_dim
        )
        self.sequence_length = sequence_length
        self.output_dim = output_dim

    def build(self, input_shape):
        self.position_embeddings.build(input_shape)

    def call(self, inputs):
        inputs = keras.ops.cast(inputs, self.compute_dtype)
        length = keras.ops.shape(inputs)[1]
        positions = keras.ops.arange(start=0, stop=length, step=1)
        embedded_positions = self.position_embeddings(positions)
        return inputs + embedded_positions


sequence_input = keras.Input(shape=(6, 4))
embedding_layer = PositionalEmbedding(6, 4)
embedded = embedding_layer(sequence_input)
embedding_built = float(embedding_layer.built and embedding_layer.position_embeddings.built)
embedding_weights = len(embedding_layer.weights)
table = rng.normal(size=(6, 4)).astype("float32")
embedding_layer.position_embeddings.embeddings.assign(table)
sequences = rng.normal(size=(2, 6, 4)).astype("float32")
embedding_gap = float(np.max(np.abs(np.asarray(embedding_layer(sequences)) - (sequences + table))))

# --- removed ThresholdedReLU: ReLU with a threshold ---
thresholded = layers.ReLU(threshold=0.5)(np.array([-1.0, 0.25, 0.5, 0.75, 2.0], "float32"))


# --- a backend-agnostic loss: compute_loss overridden ---
class SummedSquaresModel(keras.Model):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        # the guide passes sample_weight as a third argument, which Keras 3.15's
        # mean_squared_error(y_true, y_pred) does not take
        loss = keras.ops.sum(keras.losses.mean_squared_error(y, y_pred))
        return loss


features = rng.normal(size=(64, 4)).astype("float32")
targets = (features @ np.array([[0.5], [-1.0], [2.0], [0.25]], "float32") + 0.3).astype("float32")
regression_input = keras.Input(shape=(4,))
hidden = layers.Dense(8, activation="tanh")(regression_input)
regression_output = layers.Dense(1)(hidden)
regression = SummedSquaresModel(regression_input, regression_output)
draw = np.random.default_rng(3)
regression.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32") if w.ndim > 1
                        else np.zeros(w.shape, "float32") for w in regression.get_weights()])
regression.compile(optimizer=keras.optimizers.SGD(learning_rate=0.002), loss="mse")
history = regression.fit(features, targets, batch_size=16, epochs=6, shuffle=False, verbose=0)
summed_eval = regression.evaluate(features, targets, batch_size=64, verbose=0)

# --- RNG: stateless keras.random, stateful tf.random, SeedGenerator ---
seeded_a = float(keras.random.normal(shape=(), seed=123))
seeded_b = float(keras.random.normal(shape=(), seed=123))
stateful_a = float(tf.random.normal(shape=(), seed=123))
stateful_b = float(tf.random.normal(shape=(), seed=123))
seed_generator = keras.random.SeedGenerator(1337)
generated_a = float(keras.random.normal(shape=(), seed=seed_generator))
generated_b = float(keras.random.normal(shape=(), seed=seed_generator))


class RandomNoiseLayer(keras.layers.Layer):
    def __init__(self, noise_rate, **kwargs):
        super().__init__(**kwargs)
        self.noise_rate = noise_rate
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        # the guide leaves out shape, which keras.random.uniform requires
        noise = keras.random.uniform(
            shape=keras.ops.shape(inputs), minval=0, maxval=self.noise_rate,
            seed=self.seed_generator
        )
        return inputs + noise


noise_layer = RandomNoiseLayer(0.1)
zeros = np.zeros((2, 3), "float32")
noise_a = np.asarray(noise_layer(zeros))
noise_b = np.asarray(noise_layer(zeros))

RESULT = {
    "round_trip_sum": float(np.sum(round_trip)),
    "round_trip_is_float32": float(round_trip.dtype == np.float32),
    "save_refused": save_refused,
    "save_format_refused": save_format_refused,
    "saved_model_refused": saved_model_refused,
    "reload_gap": reload_gap,
    "nested_sum": nested_sum,
    "flat_sum": float(np.sum(flat_sum)),
    "coin_ratio_allowed": float(min(abs(coin_ratio - 2.0), abs(coin_ratio - 0.5)) < 1e-6),
    "squeezed_rank": float(len(squeezed.shape)),
    "squeezed_batch_free": float(squeezed.shape[0] is None),
    "evaluate_entries": float(len(evaluated)),
    "evaluate_loss": float(evaluated[0]),
    "evaluate_output_1": float(evaluated_named["output_1_categorical_crossentropy"]),
    "evaluate_output_2": float(evaluated_named["output_2_categorical_crossentropy"]),
    "evaluate_loss_is_sum": float(abs(evaluated_named["loss"] - (
        evaluated_named["output_1_categorical_crossentropy"]
        + evaluated_named["output_2_categorical_crossentropy"])) < 1e-5),
    "tracked_count": float(tracked_count),
    "untracked_count": float(untracked_count),
    "tracked_sum": float(np.sum(tracked_out)),
    "dict_symbolic_width": float(dict_symbolic.shape[-1]),
    "dict_eager": float(np.asarray(dict_eager)[0, 0]),
    "optional_symbolic_width": float(optional_symbolic.shape[-1]),
    "optional_eager": float(np.asarray(optional_eager)[0, 0]),
    "embedding_built": embedding_built,
    "embedding_weights": float(embedding_weights),
    "embedded_length": float(embedded.shape[1]),
    "embedding_gap": embedding_gap,
    "thresholded_sum": float(np.sum(np.asarray(thresholded))),
    "summed_eval": float(summed_eval),
    "seeded_equal": float(seeded_a == seeded_b),
    "stateful_differ": float(stateful_a != stateful_b),
    "generated_differ": float(generated_a != generated_b),
    "noise_in_range": float(0.0 <= noise_a.min() and noise_a.max() < 0.1),
    "noise_differs": float(not np.array_equal(noise_a, noise_b)),
    "noise_varies": float(np.ptp(noise_a) > 0.0),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
