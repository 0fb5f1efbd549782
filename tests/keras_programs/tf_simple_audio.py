"""After the TensorFlow tutorial "Simple audio recognition": WAV files read by
tf.keras.utils.audio_dataset_from_directory (training and validation subsets at once), the
channel axis squeezed in Dataset.map, the validation set sharded into validation and test;
spectrograms with tf.signal.stft and tf.abs; a CNN with Resizing and a Normalization layer
adapted on the spectrogram dataset; fit with EarlyStopping; predictions and
tf.math.confusion_matrix; one file decoded by tf.io.read_file and tf.audio.decode_wav; and an
ExportModel (a tf.Module whose tf.function takes a file name or a batch of waveforms, with
concrete functions got for both).

The tutorial's mini Speech Commands are replaced by synthetic tones (three classes by their
pitch, with noise), written as 16-bit WAV files with tf.audio.encode_wav; clips of 4000
samples in place of 16000 keep it fast. Training shuffles and drops out with each framework's
own random streams, so it is compared on accuracy; the data, spectrograms and statistics are
compared exactly.
"""

import os

import numpy as np

import numnet as tf
from numnet import layers, models

RESULT = {}
rng = np.random.default_rng(0)
tf.keras.utils.set_random_seed(0)

SAMPLES = 4000
data_dir = "data/mini_tones"
commands = {"low": 300.0, "mid": 700.0, "high": 1500.0}
t = np.arange(SAMPLES) / 8000.0
for name, pitch in commands.items():
    os.makedirs(os.path.join(data_dir, name), exist_ok=True)
    for i in range(24):
        length = int(rng.integers(3000, SAMPLES + 1))
        wave = 0.5 * np.sin(2 * np.pi * pitch * rng.uniform(0.9, 1.1) * t[:length]
                            + rng.uniform(0, 6.3)) + 0.1 * rng.normal(size=length)
        audio = tf.constant(np.clip(wave, -1, 1).astype("float32")[:, None])
        tf.io.write_file(os.path.join(data_dir, name, f"{name}_{i}.wav"),
                         tf.audio.encode_wav(audio, sample_rate=8000))

train_ds, val_ds = tf.keras.utils.audio_dataset_from_directory(
    directory=data_dir,
    batch_size=16,
    validation_split=0.25,
    seed=0,
    output_sequence_length=SAMPLES,
    subset="both")

label_names = np.array(train_ds.class_names)
print()
print("label names:", label_names)
RESULT["classes"] = float(len(label_names))
RESULT["first_class_is_high"] = float(label_names[0] == "high")
print(train_ds.element_spec)


def squeeze(audio, labels):
    audio = tf.squeeze(audio, axis=-1)
    return audio, labels


train_ds = train_ds.map(squeeze, tf.data.AUTOTUNE)
val_ds = val_ds.map(squeeze, tf.data.AUTOTUNE)

test_ds = val_ds.shard(num_shards=2, index=0)
val_ds = val_ds.shard(num_shards=2, index=1)

for example_audio, example_labels in train_ds.take(1):
    print(example_audio.shape)
    print(example_labels.shape)
RESULT["example_audio_width"] = float(example_audio.shape[1])
RESULT["train_examples"] = float(sum(int(a.shape[0]) for a, _ in train_ds))
RESULT["test_examples"] = float(sum(int(a.shape[0]) for a, _ in test_ds))
RESULT["val_examples"] = float(sum(int(a.shape[0]) for a, _ in val_ds))


def get_spectrogram(waveform):
    # Convert the waveform to a spectrogram via a STFT.
    spectrogram = tf.signal.stft(
        waveform, frame_length=255, frame_step=128)
    # Obtain the magnitude of the STFT.
    spectrogram = tf.abs(spectrogram)
    # Add a `channels` dimension, so that the spectrogram can be used
    # as image-like input data with convolution layers (which expect
    # shape (`batch_size`, `height`, `width`, `channels`).
    spectrogram = spectrogram[..., tf.newaxis]
    return spectrogram


waveform = example_audio[0]
spectrogram = get_spectrogram(waveform)
print("Waveform shape:", waveform.shape)
print("Spectrogram shape:", spectrogram.shape)
RESULT["spectrogram_frames"] = float(spectrogram.shape[0])
RESULT["spectrogram_bins"] = float(spectrogram.shape[1])
RESULT["spectrogram_sum"] = float(tf.reduce_sum(spectrogram))


def make_spec_ds(ds):
    return ds.map(
        map_func=lambda audio, label: (get_spectrogram(audio), label),
        num_parallel_calls=tf.data.AUTOTUNE)


train_spectrogram_ds = make_spec_ds(train_ds)
val_spectrogram_ds = make_spec_ds(val_ds)
test_spectrogram_ds = make_spec_ds(test_ds)

for example_spectrograms, example_spect_labels in train_spectrogram_ds.take(1):  # noqa: B007
    break

train_spectrogram_ds = train_spectrogram_ds.cache().shuffle(10000).prefetch(tf.data.AUTOTUNE)
val_spectrogram_ds = val_spectrogram_ds.cache().prefetch(tf.data.AUTOTUNE)
test_spectrogram_ds = test_spectrogram_ds.cache().prefetch(tf.data.AUTOTUNE)

input_shape = example_spectrograms.shape[1:]
print("Input shape:", input_shape)
num_labels = len(label_names)

# Instantiate the `tf.keras.layers.Normalization` layer.
norm_layer = layers.Normalization()
# Fit the state of the layer to the spectrograms
# with `Normalization.adapt`.
norm_layer.adapt(data=train_spectrogram_ds.map(map_func=lambda spec, label: spec))
RESULT["norm_mean"] = float(np.squeeze(norm_layer.mean))
RESULT["norm_variance"] = float(np.squeeze(norm_layer.variance))

model = models.Sequential([
    layers.Input(shape=input_shape),
    # Downsample the input.
    layers.Resizing(32, 32),
    # Normalize.
    norm_layer,
    layers.Conv2D(16, 3, activation="relu"),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Dropout(0.25),
    layers.Flatten(),
    layers.Dense(32, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(num_labels),
])

model.summary()
RESULT["params"] = float(model.count_params())

model.compile(
    optimizer=tf.keras.optimizers.Adam(),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)

EPOCHS = 8
history = model.fit(
    train_spectrogram_ds,
    validation_data=val_spectrogram_ds,
    epochs=EPOCHS,
    callbacks=tf.keras.callbacks.EarlyStopping(verbose=1, patience=2),
    verbose=0,
)
metrics = history.history
RESULT["epochs_run"] = float(len(metrics["loss"]))
RESULT["loss_first"] = float(metrics["loss"][0])
RESULT["loss_last"] = float(metrics["loss"][-1])
RESULT["val_accuracy"] = float(metrics["val_accuracy"][-1])

test_results = model.evaluate(test_spectrogram_ds, return_dict=True, verbose=0)
RESULT["test_accuracy"] = float(test_results["accuracy"])

y_pred = model.predict(test_spectrogram_ds, verbose=0)
y_pred = tf.argmax(y_pred, axis=1)
y_true = tf.concat(list(test_spectrogram_ds.map(lambda s, lab: lab)), axis=0)
confusion_mtx = tf.math.confusion_matrix(y_true, y_pred)
RESULT["confusion_total"] = float(tf.reduce_sum(confusion_mtx))
RESULT["confusion_diagonal"] = float(tf.reduce_sum(tf.linalg.diag_part(confusion_mtx)))

# inference on one file
x = os.path.join(data_dir, "mid", "mid_0.wav")
x = tf.io.read_file(str(x))
x, sample_rate = tf.audio.decode_wav(x, desired_channels=1, desired_samples=SAMPLES,)
x = tf.squeeze(x, axis=-1)
waveform = x
RESULT["sample_rate"] = float(sample_rate)
RESULT["decoded_width"] = float(waveform.shape[0])
RESULT["decoded_abs_max"] = float(tf.reduce_max(tf.abs(waveform)))
x = get_spectrogram(x)
RESULT["file_spectrogram_sum"] = float(tf.reduce_sum(x))
x = x[tf.newaxis, ...]

prediction = model(x)
RESULT["file_prediction_is_mid"] = float(label_names[int(tf.argmax(prediction[0]))] == "mid")


class ExportModel(tf.Module):
    def __init__(self, model):
        self.model = model

        # Accept either a string-filename or a batch of waveforms.
        # You could add additional signatures for a single wave, or a ragged-batch.
        self.__call__.get_concrete_function(
            x=tf.TensorSpec(shape=(), dtype=tf.string))
        self.__call__.get_concrete_function(
            x=tf.TensorSpec(shape=[None, SAMPLES], dtype=tf.float32))

    @tf.function
    def __call__(self, x):
        # If they pass a string, load the file and decode it.
        if x.dtype == tf.string:
            x = tf.io.read_file(x)
            x, _ = tf.audio.decode_wav(x, desired_channels=1, desired_samples=SAMPLES,)
            x = tf.squeeze(x, axis=-1)
            x = x[tf.newaxis, :]

        x = get_spectrogram(x)
        result = self.model(x, training=False)

        class_ids = tf.argmax(result, axis=-1)
        class_names = tf.gather(label_names, class_ids)
        return {"predictions": result,
                "class_ids": class_ids,
                "class_names": class_names}


export = ExportModel(model)
exported = export(tf.constant(os.path.join(data_dir, "mid", "mid_0.wav")))
RESULT["export_traces"] = float(export.__call__.experimental_get_tracing_count())
RESULT["export_gap"] = float(tf.reduce_max(tf.abs(exported["predictions"] - prediction)))
RESULT["export_class_is_mid"] = float(exported["class_names"].numpy()[0] in (b"mid", "mid"))
batch = export(tf.stack([waveform, waveform]))
RESULT["export_batch_rows"] = float(batch["class_ids"].shape[0])
print(RESULT)
