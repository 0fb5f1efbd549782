"""The TensorFlow tutorial "Text generation with an RNN", on a small text: characters to ids
with StringLookup (and back with invert=True), tf.strings.unicode_split, a Dataset of id
sequences batched into windows and mapped to (input, target) pairs, a subclassed model whose
call takes and returns the GRU's states (gru.get_initial_state), fit with a from-logits
sparse loss (Keras 3's get_initial_state(batch_size), where the tutorial's older text passes
the embedded batch), then a one-step generator model (a mask built with tf.SparseTensor and
tf.sparse.to_dense, tf.random.categorical, tf.strings.reduce_join) and the tutorial's custom
train_step with tf.GradientTape. Both models start from a fixed NumPy draw and the batches
are not shuffled, so the losses are TensorFlow's to rounding. (SGD where the tutorial has
Adam: TensorFlow's Adam updates the Embedding from its sparse gradient and moves away from
Keras on JAX, whose dense update numnet follows to 1e-7.)
"""

import numpy as np

import numnet as tf

tf.random.set_seed(7)
rng = np.random.default_rng(7)
lines = ["ROMEO: but soft, what light.", "JULIET: o romeo, romeo.", "NURSE: anon, anon!"]
text = " ".join(lines[i] for i in rng.integers(0, len(lines), 120))

vocab = sorted(set(text))
ids_from_chars = tf.keras.layers.StringLookup(vocabulary=list(vocab), mask_token=None)
chars_from_ids = tf.keras.layers.StringLookup(
    vocabulary=ids_from_chars.get_vocabulary(), invert=True, mask_token=None)


def text_from_ids(ids):
    return tf.strings.reduce_join(chars_from_ids(ids), axis=-1)


all_ids = ids_from_chars(tf.strings.unicode_split(text, "UTF-8"))
ids_dataset = tf.data.Dataset.from_tensor_slices(all_ids)
seq_length = 24
sequences = ids_dataset.batch(seq_length + 1, drop_remainder=True)


def split_input_target(sequence):
    input_text = sequence[:-1]
    target_text = sequence[1:]
    return input_text, target_text


dataset = sequences.map(split_input_target)
first_input, first_target = next(iter(dataset))
round_trip = text_from_ids(first_input).numpy().decode("utf-8")

BATCH_SIZE = 16
dataset = dataset.batch(BATCH_SIZE, drop_remainder=True).prefetch(tf.data.AUTOTUNE)

vocab_size = len(ids_from_chars.get_vocabulary())
embedding_dim = 16
rnn_units = 48


class MyModel(tf.keras.Model):
    def __init__(self, vocab_size, embedding_dim, rnn_units):
        super().__init__()
        self.embedding = tf.keras.layers.Embedding(vocab_size, embedding_dim)
        self.gru = tf.keras.layers.GRU(rnn_units, return_sequences=True, return_state=True)
        self.dense = tf.keras.layers.Dense(vocab_size)

    def call(self, inputs, states=None, return_state=False, training=False):
        x = inputs
        x = self.embedding(x, training=training)
        if states is None:
            states = self.gru.get_initial_state(batch_size=tf.shape(x)[0])
        x, states = self.gru(x, initial_state=states, training=training)
        x = self.dense(x, training=training)
        if return_state:
            return x, states
        return x


model = MyModel(vocab_size=vocab_size, embedding_dim=embedding_dim, rnn_units=rnn_units)
for input_example_batch, target_example_batch in dataset.take(1):
    example_batch_predictions = model(input_example_batch)
    example_targets = target_example_batch


def draw_weights(model, seed):
    draw = np.random.default_rng(seed)
    model.set_weights([draw.normal(0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])


draw_weights(model, 1)
example_batch_predictions = model(input_example_batch)

loss = tf.losses.SparseCategoricalCrossentropy(from_logits=True)
example_batch_mean_loss = loss(example_targets, example_batch_predictions)
model.compile(optimizer=tf.keras.optimizers.SGD(1.0), loss=loss)
history = model.fit(dataset, epochs=8, verbose=0)


class OneStep(tf.keras.Model):
    def __init__(self, model, chars_from_ids, ids_from_chars, temperature=1.0):
        super().__init__()
        self.temperature = temperature
        self.model = model
        self.chars_from_ids = chars_from_ids
        self.ids_from_chars = ids_from_chars

        # the "[UNK]" id is never generated
        skip_ids = self.ids_from_chars(["[UNK]"])[:, None]
        sparse_mask = tf.SparseTensor(
            values=[-float("inf")] * len(skip_ids),
            indices=skip_ids,
            dense_shape=[len(ids_from_chars.get_vocabulary())])
        self.prediction_mask = tf.sparse.to_dense(sparse_mask)

    @tf.function
    def generate_one_step(self, inputs, states=None):
        input_chars = tf.strings.unicode_split(inputs, "UTF-8")
        input_ids = self.ids_from_chars(input_chars).to_tensor()
        predicted_logits, states = self.model(inputs=input_ids, states=states,
                                              return_state=True)
        predicted_logits = predicted_logits[:, -1, :]
        predicted_logits = predicted_logits / self.temperature
        predicted_logits = predicted_logits + self.prediction_mask
        predicted_ids = tf.random.categorical(predicted_logits, num_samples=1)
        predicted_ids = tf.squeeze(predicted_ids, axis=-1)
        predicted_chars = self.chars_from_ids(predicted_ids)
        return predicted_chars, states


one_step_model = OneStep(model, chars_from_ids, ids_from_chars, temperature=0.5)
states = None
next_char = tf.constant(["ROMEO:", "NURSE:"])
result = [next_char]
for _ in range(40):
    next_char, states = one_step_model.generate_one_step(next_char, states=states)
    result.append(next_char)
result = tf.strings.join(result)
generated = [line.decode("utf-8") for line in result.numpy()]


class CustomTraining(MyModel):
    @tf.function
    def train_step(self, inputs):
        inputs, labels = inputs
        with tf.GradientTape() as tape:
            predictions = self(inputs, training=True)
            loss = self.loss(labels, predictions)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss}


custom = CustomTraining(vocab_size=vocab_size, embedding_dim=embedding_dim,
                        rnn_units=rnn_units)
custom(input_example_batch)
draw_weights(custom, 2)
custom.compile(optimizer=tf.keras.optimizers.SGD(1.0),
               loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
custom_history = custom.fit(dataset, epochs=1, verbose=0)

mean = tf.metrics.Mean()
for _ in range(4):
    mean.reset_state()
    for inp, target in dataset:
        logs = custom.train_step([inp, target])
        mean.update_state(logs["loss"])

RESULT = {f"loss_{epoch}": float(v) for epoch, v in enumerate(history.history["loss"])}
RESULT["vocab_size"] = float(vocab_size)
RESULT["round_trip_ok"] = float(round_trip == text[:seq_length])
RESULT["target_shifted"] = float(np.array_equal(first_input.numpy()[1:],
                                                first_target.numpy()[:-1]))
RESULT["initial_loss"] = float(example_batch_mean_loss)
RESULT["prediction_rank"] = float(len(example_batch_predictions.shape))
RESULT["generated_length_0"] = float(len(generated[0]))
RESULT["generated_prefix_ok"] = float(generated[0].startswith("ROMEO:")
                                      and generated[1].startswith("NURSE:"))
RESULT["generated_known_chars"] = float(all(c in vocab for g in generated for c in g))
RESULT["state_width"] = float(states.shape[-1])
RESULT["custom_epoch_loss"] = float(custom_history.history["loss"][-1])
RESULT["custom_loop_loss"] = float(mean.result())
print(generated)
print(RESULT)
