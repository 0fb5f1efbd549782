"""After the TensorFlow tutorial "Generate music with an RNN": notes (pitch, step, duration) as
a tf.data pipeline of windows (Dataset.window, flat_map of each window's batch, a map that
splits the last note off as a dict of labels and scales the pitch), an LSTM with three named
outputs in a dict, a loss per output (SparseCategoricalCrossentropy(from_logits=True) for the
pitch, a custom mse_with_positive_pressure for step and duration), evaluate(return_dict=True)
before and after recompiling with loss_weights, fit with ModelCheckpoint (.weights.h5) and
EarlyStopping(restore_best_weights=True), and generation by predict_next_note with a
temperature and tf.random.categorical.

The tutorial reads MIDI files with pretty_midi; here the notes are synthetic (a repeating
phrase of pitches with steps and durations tied to the pitch), 200 of them, windows of 10
notes, LSTM(32) (the tutorial's 128 units, windows of 25 and batches of 64). The model's weights
are a NumPy draw, so the pitch loss of each batch before training is TensorFlow's; Keras on
TensorFlow reports 11/12 of the mean of the 11 batches from evaluate and fit on this dataset of
unknown length (it counts the step that finds the end), so the evaluated and trained losses
are compared as ratios or loosely.
"""

import os

import numpy as np

import numnet as tf

seq_length = 10
vocab_size = 128
key_order = ["pitch", "step", "duration"]
rng = np.random.default_rng(3)

phrase = np.array([60, 62, 64, 65, 67, 65, 64, 62], dtype=np.float64)
n_notes = 200
pitches = np.tile(phrase, n_notes // len(phrase) + 1)[:n_notes]
all_notes = {
    "pitch": pitches,
    "step": 0.25 + 0.01 * (pitches - 60) + rng.normal(0.0, 0.01, n_notes),
    "duration": 0.5 - 0.02 * (pitches - 60) + rng.normal(0.0, 0.01, n_notes),
}

train_notes = np.stack([all_notes[key] for key in key_order], axis=1)
notes_ds = tf.data.Dataset.from_tensor_slices(train_notes)


def create_sequences(dataset, seq_length, vocab_size=128):
    """Returns TF Dataset of sequence and label examples."""
    seq_length = seq_length + 1

    # Take 1 extra for the labels
    windows = dataset.window(seq_length, shift=1, stride=1, drop_remainder=True)

    # `flat_map` flattens the" dataset of datasets" into a dataset of tensors
    def flatten(x):
        return x.batch(seq_length, drop_remainder=True)

    sequences = windows.flat_map(flatten)

    # Normalize note pitch
    def scale_pitch(x):
        x = x / [vocab_size, 1.0, 1.0]
        return x

    # Split the labels
    def split_labels(sequences):
        inputs = sequences[:-1]
        labels_dense = sequences[-1]
        labels = {key: labels_dense[i] for i, key in enumerate(key_order)}
        return scale_pitch(inputs), labels

    return sequences.map(split_labels, num_parallel_calls=tf.data.AUTOTUNE)


seq_ds = create_sequences(notes_ds, seq_length, vocab_size)
first_seq, first_labels = next(iter(seq_ds.take(1)))
num_sequences = int(seq_ds.reduce(0, lambda count, _: count + 1))

batch_size = 16
buffer_size = n_notes - seq_length  # the number of items in the dataset
train_ds = (
    seq_ds.shuffle(buffer_size)
    .batch(batch_size, drop_remainder=True)
    .cache()
    .prefetch(tf.data.experimental.AUTOTUNE)
)
eval_ds = seq_ds.batch(batch_size, drop_remainder=True)


def mse_with_positive_pressure(y_true: tf.Tensor, y_pred: tf.Tensor):
    mse = (y_true - y_pred) ** 2
    positive_pressure = 10 * tf.maximum(-y_pred, 0.0)
    return tf.reduce_mean(mse + positive_pressure)


input_shape = (seq_length, 3)
learning_rate = 0.005

inputs = tf.keras.Input(input_shape)
x = tf.keras.layers.LSTM(32)(inputs)

outputs = {
    "pitch": tf.keras.layers.Dense(128, name="pitch")(x),
    "step": tf.keras.layers.Dense(1, name="step")(x),
    "duration": tf.keras.layers.Dense(1, name="duration")(x),
}

model = tf.keras.Model(inputs, outputs)
model.set_weights([rng.normal(0.0, 0.1, w.shape).astype(np.float32)
                   for w in model.get_weights()])

loss = {
    "pitch": tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    "step": mse_with_positive_pressure,
    "duration": mse_with_positive_pressure,
}

optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)

# the pitch loss batch by batch, as evaluate averages it over the batches
batch_pitch_losses = [
    float(loss["pitch"](labels["pitch"], model(sequences)["pitch"]))
    for sequences, labels in eval_ds]

model.compile(loss=loss, optimizer=optimizer)
losses = model.evaluate(eval_ds, return_dict=True, verbose=0)

model.compile(
    loss=loss,
    loss_weights={
        "pitch": 0.05,
        "step": 1.0,
        "duration": 1.0,
    },
    optimizer=optimizer,
)
weighted_losses = model.evaluate(eval_ds, return_dict=True, verbose=0)

callbacks = [
    tf.keras.callbacks.ModelCheckpoint(
        filepath="./training_checkpoints/ckpt_{epoch}.weights.h5",
        save_weights_only=True),
    tf.keras.callbacks.EarlyStopping(
        monitor="loss", patience=5, verbose=0, restore_best_weights=True),
]

epochs = 8
history = model.fit(train_ds, epochs=epochs, callbacks=callbacks, verbose=0)
trained_losses = model.evaluate(eval_ds, return_dict=True, verbose=0)


def predict_next_note(notes: np.ndarray, model: tf.keras.Model, temperature: float = 1.0):
    """Generates a note as a tuple of (pitch, step, duration), using a trained sequence
    model."""
    assert temperature > 0

    # Add batch dimension
    inputs = tf.expand_dims(notes, 0)

    predictions = model.predict(inputs, verbose=0)
    pitch_logits = predictions["pitch"]
    step = predictions["step"]
    duration = predictions["duration"]

    pitch_logits /= temperature
    pitch = tf.random.categorical(pitch_logits, num_samples=1)
    pitch = tf.squeeze(pitch, axis=-1)
    duration = tf.squeeze(duration, axis=-1)
    step = tf.squeeze(step, axis=-1)

    # `step` and `duration` values should be non-negative
    step = tf.maximum(0, step)
    duration = tf.maximum(0, duration)

    # (the tutorial's int(pitch) of a one-element tensor: NumPy 2 refuses it, TensorFlow too)
    return int(pitch[0]), float(step[0]), float(duration[0])


temperature = 0.5
num_predictions = 16

sample_notes = np.stack([all_notes[key] for key in key_order], axis=1)

# The initial sequence of notes; pitch is normalized similar to training sequences
input_notes = sample_notes[:seq_length] / np.array([vocab_size, 1, 1])

generated_notes = []
prev_start = 0
for _ in range(num_predictions):
    pitch, step, duration = predict_next_note(input_notes, model, temperature)
    start = prev_start + step
    end = start + duration
    input_note = (pitch, step, duration)
    generated_notes.append((*input_note, start, end))
    input_notes = np.delete(input_notes, 0, axis=0)
    input_notes = np.append(input_notes, np.expand_dims(input_note, 0), axis=0)
    prev_start = start

generated = np.array(generated_notes)
in_phrase = np.isin(generated[:, 0], phrase)

RESULT = {
    "num_sequences": float(num_sequences),
    "sequence_shape_sum": float(sum(first_seq.shape)),
    "label_keys": float(len(first_labels)),
    "first_label_pitch": float(first_labels["pitch"]),
    "scaled_pitch_first": float(first_seq[0, 0]),
    "output_names": float(len(model.output)),
    "params": float(model.count_params()),
    "loss_before": float(losses["loss"]),
    "pitch_loss_before": float(losses["pitch_loss"]),
    "step_loss_before": float(losses["step_loss"]),
    "duration_loss_before": float(losses["duration_loss"]),
    "weighted_loss_before": float(weighted_losses["loss"]),
    "weighted_pitch_loss_before": float(weighted_losses["pitch_loss"]),
    "pitch_loss_by_batches": float(np.mean(batch_pitch_losses)),
    "evaluate_by_batches_gap": abs(losses["pitch_loss"] - np.mean(batch_pitch_losses)),
    "weighted_to_unweighted": weighted_losses["loss"] / losses["loss"],
    "weighted_by_hand_gap": abs(
        weighted_losses["loss"] - 0.05 * losses["pitch_loss"] - losses["step_loss"]
        - losses["duration_loss"]),
    "unweighted_by_hand_gap": abs(
        losses["loss"] - losses["pitch_loss"] - losses["step_loss"] - losses["duration_loss"]),
    "epochs_run": float(len(history.history["loss"])),
    "loss_first": float(history.history["loss"][0]),
    "loss_last": float(history.history["loss"][-1]),
    "trained_loss": float(trained_losses["loss"]),
    "trained_pitch_loss": float(trained_losses["pitch_loss"]),
    "checkpoints": float(len(os.listdir("training_checkpoints"))),
    "generated_notes": float(len(generated)),
    "generated_in_phrase": float(in_phrase.mean()),
    "steps_non_negative": float((generated[:, 1] >= 0).all() and (generated[:, 2] >= 0).all()),
    "end_after_start": float((generated[:, 4] >= generated[:, 3]).all()),
}

if __name__ == "__main__":
    for key, value in RESULT.items():
        print(f"{key}: {value:.6g}")
