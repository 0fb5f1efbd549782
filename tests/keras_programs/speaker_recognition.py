"""The Keras example "Speaker Recognition" (audio/speaker_recognition_using_cnn.py), on
synthetic voices: three speakers, each a fundamental pitch of their own with harmonics and a
wobble, in 16-bit WAV files of 512 samples at 2 kHz, and two background-noise files.

As the example: each file is read by tf.io.read_file and tf.audio.decode_wav in a tf.data
map; the noise files are cut into clips with tf.split and stacked (tf.stack); datasets are
zipped from paths and labels, shuffled with a seed and batched; noise is added to the
training batches (tf.random.uniform picks a noise clip, tf.gather takes it, scaled by the
ratio of tf.math.reduce_max of the audio to that of the noise, spread by tf.repeat); the
audio becomes the magnitudes of its first half of tf.signal.fft (of tf.complex(audio, 0)
cast to complex64). The model stacks residual blocks of Conv1D, Add and MaxPool1D, then
AveragePooling1D, Flatten and Dense layers, trained with EarlyStopping(restore_best_weights)
and ModelCheckpoint(save_best_only) on val_accuracy. The noise and the shuffle are random
(TensorFlow's generators and numnet's differ), so only the accuracy and the exact parts are
compared with Keras.
"""

import os
import wave

import numpy as np

import numnet as keras
import numnet as tf

SAMPLING_RATE = 2000
CLIP = 512
VALID_SPLIT = 0.2
SHUFFLE_SEED = 43
SCALE = 0.3
BATCH_SIZE = 16
EPOCHS = 6

keras.utils.set_random_seed(7)
rng = np.random.default_rng(4)
os.makedirs("noise", exist_ok=True)
class_names = ["speaker_0", "speaker_1", "speaker_2"]
pitches = [110.0, 170.0, 260.0]


def write_wav(path, samples):
    pcm = np.clip(samples * 32767, -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLING_RATE)
        handle.writeframes(pcm.tobytes())


audio_paths, labels = [], []
t = np.arange(CLIP) / SAMPLING_RATE
for label, (name, pitch) in enumerate(zip(class_names, pitches)):
    os.makedirs(f"audio/{name}", exist_ok=True)
    for i in range(40):
        f0 = pitch * rng.uniform(0.93, 1.07)
        wobble = 1 + 0.02 * np.sin(2 * np.pi * rng.uniform(2, 6) * t)
        voice = sum(np.sin(2 * np.pi * k * f0 * wobble * t + rng.uniform(0, 6)) / k
                    for k in (1, 2, 3))
        voice = 0.3 * voice + 0.05 * rng.normal(size=CLIP)
        path = f"audio/{name}/{i}.wav"
        write_wav(path, voice)
        audio_paths.append(path)
        labels.append(label)
for i in range(2):
    write_wav(f"noise/{i}.wav", 0.4 * rng.normal(size=3 * CLIP))
noise_paths = [f"noise/{i}.wav" for i in range(2)]


def load_noise_sample(path):
    sample, sampling_rate = tf.audio.decode_wav(
        tf.io.read_file(path), desired_channels=1
    )
    if sampling_rate == SAMPLING_RATE:
        # Number of slices of 16000 each that can be generated from the noise sample
        slices = int(sample.shape[0] / CLIP)
        sample = tf.split(sample[: slices * CLIP], slices)
        return sample
    else:
        print(f"Sampling rate for {path} is incorrect. Ignoring it")
        return None


noises = []
for path in noise_paths:
    sample = load_noise_sample(path)
    if sample:
        noises.extend(sample)
noises = tf.stack(noises)
RESULT = {"noise_clips": float(noises.shape[0]), "noise_length": float(noises.shape[1])}


def paths_and_labels_to_dataset(audio_paths, labels):
    """Constructs a dataset of audios and labels."""
    path_ds = tf.data.Dataset.from_tensor_slices(audio_paths)
    audio_ds = path_ds.map(
        lambda x: path_to_audio(x), num_parallel_calls=tf.data.AUTOTUNE
    )
    label_ds = tf.data.Dataset.from_tensor_slices(labels)
    return tf.data.Dataset.zip((audio_ds, label_ds))


def path_to_audio(path):
    """Reads and decodes an audio file."""
    audio = tf.io.read_file(path)
    audio, _ = tf.audio.decode_wav(audio, 1, CLIP)
    return audio


def add_noise(audio, noises=None, scale=0.5):
    if noises is not None:
        # Create a random tensor of the same size as audio ranging from
        # 0 to the number of noise stream samples that we have.
        tf_rnd = tf.random.uniform(
            (tf.shape(audio)[0],), 0, noises.shape[0], dtype=tf.int32
        )
        noise = tf.gather(noises, tf_rnd, axis=0)

        # Get the amplitude proportion between the audio and the noise
        prop = tf.math.reduce_max(audio, axis=1) / tf.math.reduce_max(noise, axis=1)
        prop = tf.repeat(tf.expand_dims(prop, axis=1), tf.shape(audio)[1], axis=1)

        # Adding the rescaled noise to audio
        audio = audio + noise * prop * scale

    return audio


def audio_to_fft(audio):
    # Since tf.signal.fft applies FFT on the innermost dimension,
    # we need to squeeze the dimensions and then expand them again
    # after FFT
    audio = tf.squeeze(audio, axis=-1)
    fft = tf.signal.fft(
        tf.cast(tf.complex(real=audio, imag=tf.zeros_like(audio)), tf.complex64)
    )
    fft = tf.expand_dims(fft, axis=-1)

    # Return the absolute value of the first half of the FFT
    # which represents the positive frequencies
    return tf.math.abs(fft[:, : (audio.shape[1] // 2), :])


# Shuffle
shuffler = np.random.RandomState(SHUFFLE_SEED)
shuffler.shuffle(audio_paths)
shuffler = np.random.RandomState(SHUFFLE_SEED)
shuffler.shuffle(labels)
audio_paths = np.array(audio_paths)
labels = np.array(labels)

# Split into training and validation
num_val_samples = int(VALID_SPLIT * len(audio_paths))
train_audio_paths = audio_paths[:-num_val_samples]
train_labels = labels[:-num_val_samples]
valid_audio_paths = audio_paths[-num_val_samples:]
valid_labels = labels[-num_val_samples:]

train_ds = paths_and_labels_to_dataset(train_audio_paths, train_labels)
train_ds = train_ds.shuffle(buffer_size=BATCH_SIZE * 8, seed=SHUFFLE_SEED).batch(
    BATCH_SIZE
)
valid_ds = paths_and_labels_to_dataset(valid_audio_paths, valid_labels)
valid_ds = valid_ds.shuffle(buffer_size=32 * 8, seed=SHUFFLE_SEED).batch(32)

# Add noise to the training set
train_ds = train_ds.map(
    lambda x, y: (add_noise(x, noises, scale=SCALE), y),
    num_parallel_calls=tf.data.AUTOTUNE,
)

# Transform audio wave to the frequency domain using `audio_to_fft`
train_ds = train_ds.map(
    lambda x, y: (audio_to_fft(x), y), num_parallel_calls=tf.data.AUTOTUNE
)
train_ds = train_ds.prefetch(tf.data.AUTOTUNE)

valid_ds = valid_ds.map(
    lambda x, y: (audio_to_fft(x), y), num_parallel_calls=tf.data.AUTOTUNE
)
valid_ds = valid_ds.prefetch(tf.data.AUTOTUNE)

# The FFT of one file against NumPy's
one = path_to_audio(train_audio_paths[0])
RESULT["decoded_shape_sum"] = float(sum(one.shape))
magnitudes = audio_to_fft(tf.expand_dims(one, 0)).numpy()[0, :, 0]
by_hand = np.abs(np.fft.fft(one.numpy()[:, 0]))[: CLIP // 2]
RESULT["fft_gap"] = float(np.max(np.abs(magnitudes - by_hand)) / np.max(by_hand))
for x, _ in train_ds.take(1):
    RESULT["batch_shape_sum"] = float(sum(x.shape))
    RESULT["batch_nonnegative"] = float(np.all(x.numpy() >= 0))


def residual_block(x, filters, conv_num=3, activation="relu"):
    # Shortcut
    s = keras.layers.Conv1D(filters, 1, padding="same")(x)
    for _ in range(conv_num - 1):
        x = keras.layers.Conv1D(filters, 3, padding="same")(x)
        x = keras.layers.Activation(activation)(x)
    x = keras.layers.Conv1D(filters, 3, padding="same")(x)
    x = keras.layers.Add()([x, s])
    x = keras.layers.Activation(activation)(x)
    return keras.layers.MaxPool1D(pool_size=2, strides=2)(x)


def build_model(input_shape, num_classes):
    inputs = keras.layers.Input(shape=input_shape, name="input")

    x = residual_block(inputs, 8, 2)
    x = residual_block(x, 8, 2)
    x = residual_block(x, 16, 3)

    x = keras.layers.AveragePooling1D(pool_size=3, strides=3)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(32, activation="relu")(x)
    x = keras.layers.Dense(16, activation="relu")(x)

    outputs = keras.layers.Dense(num_classes, activation="softmax", name="output")(x)

    return keras.models.Model(inputs=inputs, outputs=outputs)


model = build_model((CLIP // 2, 1), len(class_names))
RESULT["params"] = float(model.count_params())
model.compile(
    optimizer="Adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
)

# Add callbacks:
# 'EarlyStopping' to stop training when the model is not enhancing anymore
# 'ModelCheckPoint' to always keep the model that has the best val_accuracy
model_save_filename = "model.keras"

earlystopping_cb = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
mdlcheckpoint_cb = keras.callbacks.ModelCheckpoint(
    model_save_filename, monitor="val_accuracy", save_best_only=True
)

history = model.fit(
    train_ds,
    epochs=EPOCHS,
    validation_data=valid_ds,
    callbacks=[earlystopping_cb, mdlcheckpoint_cb],
    verbose=0,
)
RESULT["epochs_run"] = float(len(history.history["loss"]))
RESULT["loss_first"] = float(history.history["loss"][0])
RESULT["loss_last"] = float(history.history["loss"][-1])
RESULT["best_val_accuracy"] = float(max(history.history["val_accuracy"]))
RESULT["evaluate_accuracy"] = float(model.evaluate(valid_ds, verbose=0)[1])
RESULT["checkpoint_written"] = float(os.path.exists(model_save_filename))
best = keras.models.load_model(model_save_filename)
RESULT["checkpoint_accuracy"] = float(best.evaluate(valid_ds, verbose=0)[1])

# Predictions on noisy validation audio
SAMPLES_TO_DISPLAY = 16
test_ds = paths_and_labels_to_dataset(valid_audio_paths, valid_labels)
test_ds = test_ds.shuffle(buffer_size=BATCH_SIZE * 8, seed=SHUFFLE_SEED).batch(
    BATCH_SIZE
)
test_ds = test_ds.map(
    lambda x, y: (add_noise(x, noises, scale=SCALE), y),
    num_parallel_calls=tf.data.AUTOTUNE,
)
correct = 0
for audios, labels in test_ds.take(1):
    # Get the signal FFT
    ffts = audio_to_fft(audios)
    # Predict
    y_pred = model.predict(ffts, verbose=0)
    # Take random samples
    rnd = np.random.randint(0, BATCH_SIZE, SAMPLES_TO_DISPLAY)
    audios = audios.numpy()[rnd, :, :]
    labels = labels.numpy()[rnd]
    y_pred = np.argmax(y_pred, axis=-1)[rnd]
    correct += int(np.sum(labels == y_pred))
RESULT["noisy_correct"] = float(correct) / SAMPLES_TO_DISPLAY
print(RESULT)
