"""After the keras.io example "Audio Classification with the STFTSpectrogram layer": short
synthetic clips of three sound classes (a tone, a chirp, a buzz of harmonics) at a low sample
rate; a single log spectrogram (STFTSpectrogram(mode="log", trainable=False)) and a
multi-bandwidth one (three layers with padding="same" and expand_dims=True concatenated on the
channel axis); a 1-D model behind a non-trainable STFTSpectrogram in a Sequential with an
InputLayer((None, 1)) (Conv1D, LayerNormalization, MaxPooling1D, GlobalMaxPooling1D, Dropout),
and a 2-D model whose three trainable STFTSpectrogram layers feed a small convolutional
image model (in place of the pretrained MobileNet), both trained with
sparse_categorical_crossentropy and EarlyStopping(restore_best_weights=True). Besides, a
custom layer in the guide's style computes a log-mel spectrogram with ops.stft, a mel filter
bank and ops.matmul (its filters a non-trainable weight), checked against
layers.MelSpectrogram's shape, and ops.istft inverts ops.stft. The weights start from a NumPy
draw, so the spectrograms and the losses before training are Keras's.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(41)

BATCH_SIZE = 16
NUM_CLASSES = 3
EPOCHS = 15
SAMPLE_RATE = 1000
rng = np.random.default_rng(5)


def clip(label):
    t = np.arange(int(0.6 * SAMPLE_RATE)) / SAMPLE_RATE
    f0 = rng.uniform(60, 90)
    if label == 0:
        wave = np.sin(2 * np.pi * f0 * t)
    elif label == 1:
        wave = np.sin(2 * np.pi * (f0 + 250 * t) * t)
    else:
        wave = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 5))
    wave = 0.5 * wave + rng.normal(0, 0.3, t.shape)
    return wave.astype(np.float32)[:, None]


def read_dataset(count):
    targets = rng.integers(0, NUM_CLASSES, count)
    waves = np.array([clip(target) for target in targets], dtype=np.float32)
    return waves, targets


train_x, train_y = read_dataset(96)
valid_x, valid_y = read_dataset(32)
test_x, test_y = read_dataset(32)
sample_wav_data = train_x[0]

spectrogram = layers.STFTSpectrogram(
    mode="log",
    frame_length=SAMPLE_RATE * 20 // 1000,
    frame_step=SAMPLE_RATE * 5 // 1000,
    fft_length=64,
    trainable=False,
)(sample_wav_data[None, ...])[0, ...]
spectrogram = np.asarray(spectrogram)

spectrograms = np.concatenate(
    [
        np.asarray(layers.STFTSpectrogram(
            mode="log",
            frame_length=SAMPLE_RATE * x // 1000,
            frame_step=SAMPLE_RATE * 5 // 1000,
            fft_length=64,
            padding="same",
            expand_dims=True,
        )(sample_wav_data[None, ...])[0, ...])
        for x in [5, 10, 20]
    ],
    axis=-1,
).transpose([1, 0, 2])
mn = spectrograms.min(axis=(0, 1), keepdims=True)
mx = spectrograms.max(axis=(0, 1), keepdims=True)
normalized = (spectrograms - mn) / (mx - mn)


def drawn(model, seed):
    """Conv and Dense weights from a NumPy draw; the STFT kernels and LayerNormalization's
    scales and offsets as built."""
    draw = np.random.default_rng(seed)
    kept = {id(v) for layer in model.layers
            if isinstance(layer, (layers.STFTSpectrogram, layers.LayerNormalization))
            for v in layer.weights}
    model.set_weights([
        w if id(v) in kept else draw.normal(0, 0.1, w.shape).astype("float32")
        for v, w in zip(model.weights, model.get_weights())])


model1d = keras.Sequential(
    [
        layers.InputLayer((None, 1)),
        layers.STFTSpectrogram(
            mode="log",
            frame_length=SAMPLE_RATE * 40 // 1000,
            frame_step=SAMPLE_RATE * 15 // 1000,
            trainable=False,
        ),
        layers.Conv1D(16, 5, activation="relu"),
        layers.LayerNormalization(),
        layers.MaxPooling1D(2),
        layers.Conv1D(16, 3, activation="relu"),
        layers.LayerNormalization(),
        layers.Dropout(0.5),
        layers.GlobalMaxPooling1D(),
        layers.Dense(16, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(NUM_CLASSES, activation="softmax"),
    ],
    name="model_1d_non_trainble_stft",
)
drawn(model1d, 0)
model1d.compile(
    optimizer=keras.optimizers.Adam(3e-3),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
stft_1d = model1d.layers[0]
stft_1d_before = [w.copy() for w in stft_1d.get_weights()]
initial_1d_loss = model1d.evaluate(valid_x, valid_y, verbose=0)[0]
history_model1d = model1d.fit(
    train_x,
    train_y,
    batch_size=BATCH_SIZE,
    validation_data=(valid_x, valid_y),
    epochs=EPOCHS,
    callbacks=[
        keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=EPOCHS,
            restore_best_weights=True,
        )
    ],
    verbose=0,
)
stft_1d_kept = all(np.array_equal(a, b) for a, b in zip(stft_1d_before, stft_1d.get_weights()))

input = layers.Input((None, 1))
spectrogram_layers = [
    layers.STFTSpectrogram(
        mode="log",
        frame_length=SAMPLE_RATE * frame_size // 1000,
        frame_step=SAMPLE_RATE * 15 // 1000,
        fft_length=64,
        padding="same",
        expand_dims=True,
    )
    for frame_size in [30, 40, 50]
]
multi_spectrograms = layers.Concatenate(axis=-1)([layer(input) for layer in spectrogram_layers])
img_model = keras.Sequential(
    [
        layers.Conv2D(8, 3, strides=2, activation="relu"),
        layers.Conv2D(16, 3, strides=2, activation="relu"),
        layers.GlobalMaxPooling2D(),
    ],
    name="img_model",
)
output = img_model(multi_spectrograms)
output = layers.Dropout(0.5)(output)
output = layers.Dense(16, activation="relu")(output)
output = layers.Dense(NUM_CLASSES, activation="softmax")(output)
model2d = keras.Model(input, output, name="model_2d_trainble_stft")
drawn(model2d, 1)
model2d.compile(
    optimizer=keras.optimizers.Adam(3e-3),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
stft_2d_before = [w.copy() for w in spectrogram_layers[0].get_weights()]
initial_2d_loss = model2d.evaluate(valid_x, valid_y, verbose=0)[0]
history_model2d = model2d.fit(
    train_x,
    train_y,
    batch_size=BATCH_SIZE,
    validation_data=(valid_x, valid_y),
    epochs=EPOCHS,
    callbacks=[
        keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=EPOCHS,
            restore_best_weights=True,
        )
    ],
    verbose=0,
)
stft_2d_moved = max(float(np.abs(a - b).max()) for a, b in zip(
    stft_2d_before, spectrogram_layers[0].get_weights()))

_, test_acc_1d = model1d.evaluate(test_x, test_y, verbose=0)
print(f"1D model wit non-trainable STFT -> Test Accuracy: {test_acc_1d * 100:.2f}%")
_, test_acc_2d = model2d.evaluate(test_x, test_y, verbose=0)
print(f"2D model with trainable STFT -> Test Accuracy: {test_acc_2d * 100:.2f}%")


def mel_filter_bank(num_mel_bins, num_bins, sample_rate):
    def hz_to_mel(hz):
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    def mel_to_hz(mel):
        return 700.0 * (10 ** (mel / 2595.0) - 1.0)

    bin_hz = np.linspace(0, sample_rate / 2, num_bins)
    edges = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sample_rate / 2), num_mel_bins + 2))
    lower, center, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bin_hz[None, :] - lower) / (center - lower)
    falling = (upper - bin_hz[None, :]) / (upper - center)
    return np.maximum(0.0, np.minimum(rising, falling)).T.astype("float32")


class LogMelSpectrogram(layers.Layer):
    """|STFT| of a (batch, time) signal through a mel filter bank, then log."""

    def __init__(self, frame_length=64, frame_step=16, num_mel_bins=12, **kwargs):
        super().__init__(**kwargs)
        self.frame_length, self.frame_step = frame_length, frame_step
        self.num_mel_bins = num_mel_bins
        self.filters = self.add_weight(
            shape=(frame_length // 2 + 1, num_mel_bins),
            initializer=keras.initializers.Constant(
                mel_filter_bank(num_mel_bins, frame_length // 2 + 1, SAMPLE_RATE)),
            trainable=False,
            name="mel_filters",
        )

    def call(self, waves):
        real, imag = ops.stft(waves, self.frame_length, self.frame_step, self.frame_length)
        magnitude = ops.sqrt(ops.square(real) + ops.square(imag))
        return ops.log(ops.matmul(magnitude, self.filters) + 1e-6)

    def get_config(self):
        return {**super().get_config(), "frame_length": self.frame_length,
                "frame_step": self.frame_step, "num_mel_bins": self.num_mel_bins}


waves = test_x[:4, :, 0]
log_mel = LogMelSpectrogram()
mel_features = np.asarray(log_mel(waves))
builtin_mel = layers.MelSpectrogram(fft_length=64, sequence_stride=16, sequence_length=64,
                                    sampling_rate=SAMPLE_RATE, num_mel_bins=12)
builtin_features = np.asarray(builtin_mel(waves))
real, imag = ops.stft(waves, 64, 16, 64)
restored = np.asarray(ops.istft((real, imag), 64, 16, 64, length=waves.shape[1]))
inner = slice(64, waves.shape[1] - 64)

RESULT = {
    "spectrogram_frames": float(spectrogram.shape[0]),
    "spectrogram_bins": float(spectrogram.shape[1]),
    "spectrogram_sum": float(np.sum(spectrogram)),
    "multi_shape_sum": float(sum(normalized.shape)),
    "multi_channel_sums": float(np.sum(spectrograms[..., 0]) + 2 * np.sum(spectrograms[..., 1])
                                + 3 * np.sum(spectrograms[..., 2])),
    "stft_1d_trainable": float(len(stft_1d.trainable_weights)),
    "stft_1d_non_trainable": float(len(stft_1d.non_trainable_weights)),
    "stft_2d_trainable": float(len(spectrogram_layers[0].trainable_weights)),
    "model_2d_trainable": float(len(model2d.trainable_weights)),
    "initial_1d_loss": float(initial_1d_loss),
    "initial_2d_loss": float(initial_2d_loss),
    "loss_1d_first": float(history_model1d.history["loss"][0]),
    "loss_1d_last": float(history_model1d.history["loss"][-1]),
    "loss_2d_first": float(history_model2d.history["loss"][0]),
    "loss_2d_last": float(history_model2d.history["loss"][-1]),
    "stft_1d_kept": float(stft_1d_kept),
    "stft_2d_moved": stft_2d_moved,
    "test_acc_1d": float(test_acc_1d),
    "test_acc_2d": float(test_acc_2d),
    "mel_frames": float(mel_features.shape[1]),
    "mel_bins": float(mel_features.shape[2]),
    "mel_sum": float(np.sum(mel_features)),
    "builtin_mel_bins": float(builtin_features.shape[1]),
    "mel_trainable": float(len(log_mel.trainable_weights)),
    "istft_error": float(np.abs(restored[:, inner] - waves[:, inner]).max()),
}
print(RESULT)
