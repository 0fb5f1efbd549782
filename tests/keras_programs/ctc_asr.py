"""The Keras example "Automatic Speech Recognition using CTC" (audio/ctc_asr.py), on synthetic
speech: each character of a 4-letter transcription is a tone of its own pitch, 800 samples
long, with noise.

As the example: the transcription is lower-cased, split into characters with
tf.strings.unicode_split and mapped to integers by a StringLookup(oov_token=""); the audio
becomes a spectrogram by tf.signal.stft, tf.abs and tf.math.pow(., 0.5), normalized by its
tf.math.reduce_mean and tf.math.reduce_std; a tf.data pipeline maps each pair and
padded_batch-es them. The model (a Reshape, a strided Conv2D with BatchNormalization and
ReLU, a Reshape to a sequence, a Bidirectional GRU, Dense layers and a softmax over the
characters and the blank) is trained with a CTCLoss function. The example's
keras.backend.ctc_batch_cost and ctc_decode are Keras 2's; Keras 3 has keras.ops.ctc_loss and
keras.ops.ctc_decode, which take log-probabilities and name the blank (the last class here),
so the loss and the greedy decoding go through them; texts come back through the inverted
StringLookup and tf.strings.reduce_join. A beam search decodes the last validation batch
beside the greedy decoding. Weights start from a NumPy draw and batches come in order, so the
loss per epoch is Keras's to float32 rounding.
"""

import numpy as np
from numnet.keras import layers, ops

import numnet as keras
import numnet as tf

rng = np.random.default_rng(3)
sample_rate = 8000
characters = [x for x in "abcdef "]
pitch = {c: 300.0 + 450.0 * i for i, c in enumerate(characters)}
time = np.arange(800) / sample_rate


def speak(text):
    wave = np.concatenate([np.sin(2 * np.pi * pitch[c] * time) for c in text])
    return (0.5 * wave + 0.05 * rng.normal(size=wave.shape)).astype("float32")


texts = ["".join(rng.choice(characters[:-1], 4)).upper() for _ in range(96)]
waves = np.stack([speak(text.lower()) for text in texts])
split = 80
df_train = (waves[:split], texts[:split])
df_val = (waves[split:], texts[split:])

# Mapping characters to integers
char_to_num = keras.layers.StringLookup(vocabulary=characters, oov_token="")
# Mapping integers back to original characters
num_to_char = keras.layers.StringLookup(
    vocabulary=char_to_num.get_vocabulary(), oov_token="", invert=True
)
# The blank of CTC: the class after the characters (the softmax has vocabulary_size() + 1)
blank_index = char_to_num.vocabulary_size()
RESULT = {"vocabulary_size": float(blank_index)}

# An integer scalar Tensor. The window length in samples.
frame_length = 256
# An integer scalar Tensor. The number of samples to step.
frame_step = 160
# An integer scalar Tensor. The size of the FFT to apply.
fft_length = 384


def encode_single_sample(audio, label):
    # 1. Get the spectrogram
    spectrogram = tf.signal.stft(
        audio, frame_length=frame_length, frame_step=frame_step, fft_length=fft_length
    )
    # 2. We only need the magnitude, which can be derived by applying tf.abs
    spectrogram = tf.abs(spectrogram)
    spectrogram = tf.math.pow(spectrogram, 0.5)
    # 3. normalisation
    means = tf.math.reduce_mean(spectrogram, 1, keepdims=True)
    stddevs = tf.math.reduce_std(spectrogram, 1, keepdims=True)
    spectrogram = (spectrogram - means) / (stddevs + 1e-10)
    # 4. Convert label to Lower case
    label = tf.strings.lower(label)
    # 5. Split the label
    label = tf.strings.unicode_split(label, input_encoding="UTF-8")
    # 6. Map the characters in label to numbers
    label = char_to_num(label)
    # 7. Return a dict as our model is expecting two inputs
    return spectrogram, label


batch_size = 16
train_dataset = tf.data.Dataset.from_tensor_slices(
    (list(df_train[0]), list(df_train[1]))
)
train_dataset = (
    train_dataset.map(encode_single_sample, num_parallel_calls=tf.data.AUTOTUNE)
    .padded_batch(batch_size)
    .prefetch(buffer_size=tf.data.AUTOTUNE)
)
validation_dataset = tf.data.Dataset.from_tensor_slices(
    (list(df_val[0]), list(df_val[1]))
)
validation_dataset = (
    validation_dataset.map(encode_single_sample, num_parallel_calls=tf.data.AUTOTUNE)
    .padded_batch(batch_size)
    .prefetch(buffer_size=tf.data.AUTOTUNE)
)

for spectrograms, labels in train_dataset.take(1):
    RESULT["spectrogram_frames"] = float(spectrograms.shape[1])
    RESULT["spectrogram_bins"] = float(spectrograms.shape[2])
    RESULT["label_length"] = float(labels.shape[1])
    RESULT["first_text_back"] = float(
        tf.strings.reduce_join(num_to_char(labels[0])).numpy().decode("utf-8")
        == texts[0].lower())
    RESULT["spectrogram_row_mean"] = float(np.max(np.abs(
        np.mean(spectrograms.numpy(), axis=2))))


def CTCLoss(y_true, y_pred):
    # Compute the training-time loss value
    batch_len = tf.cast(tf.shape(y_true)[0], dtype="int32")
    input_length = tf.cast(tf.shape(y_pred)[1], dtype="int32")
    label_length = tf.cast(tf.shape(y_true)[1], dtype="int32")

    input_length = input_length * tf.ones(shape=(batch_len,), dtype="int32")
    label_length = label_length * tf.ones(shape=(batch_len,), dtype="int32")

    # The softmax's log-probabilities; the blank is the last class
    log_probabilities = ops.log(y_pred + keras.backend.epsilon())
    loss = ops.ctc_loss(y_true, log_probabilities, label_length, input_length,
                        mask_index=blank_index)
    return loss


def build_model(input_dim, output_dim, rnn_units=16):
    """Model similar to DeepSpeech2, in miniature."""
    # Model's input
    input_spectrogram = layers.Input((None, input_dim), name="input")
    # Expand the dimension to use 2D CNN.
    x = layers.Reshape((-1, input_dim, 1), name="expand_dim")(input_spectrogram)
    # Convolution layer 1
    x = layers.Conv2D(
        filters=8,
        kernel_size=[5, 21],
        strides=[1, 4],
        padding="same",
        use_bias=False,
        name="conv_1",
    )(x)
    x = layers.BatchNormalization(name="conv_1_bn")(x)
    x = layers.ReLU(name="conv_1_relu")(x)
    # Reshape the resulted volume to feed the RNNs layers
    x = layers.Reshape((-1, x.shape[-2] * x.shape[-1]))(x)
    # RNN layer
    recurrent = layers.GRU(
        units=rnn_units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        return_sequences=True,
        reset_after=True,
        name="gru_1",
    )
    x = layers.Bidirectional(recurrent, name="bidirectional_1", merge_mode="concat")(x)
    # Dense layer
    x = layers.Dense(units=rnn_units * 2, name="dense_1")(x)
    x = layers.ReLU(name="dense_1_relu")(x)
    # Classification layer
    output = layers.Dense(units=output_dim + 1, activation="softmax")(x)
    # Model
    model = keras.Model(input_spectrogram, output, name="DeepSpeech_2")
    # Optimizer
    opt = keras.optimizers.Adam(learning_rate=1e-2)
    # Compile the model and return
    model.compile(optimizer=opt, loss=CTCLoss)
    return model


model = build_model(
    input_dim=fft_length // 2 + 1,
    output_dim=char_to_num.vocabulary_size(),
    rnn_units=16,
)
RESULT["params"] = float(model.count_params())
draw = np.random.default_rng(21)
model.set_weights([
    draw.normal(0.0, 0.15, w.shape).astype("float32") if "moving_variance" not in w.path
    else w.numpy()
    for w in model.weights
])


# A utility function to decode the output of the network
def decode_batch_predictions(pred):
    input_len = np.ones(pred.shape[0], dtype="int32") * pred.shape[1]
    # Use greedy search. For complex tasks, you can use beam search
    results = ops.ctc_decode(ops.log(pred + keras.backend.epsilon()), input_len,
                             strategy="greedy", mask_index=blank_index)[0][0]
    # Iterate over the results and get back the text
    output_text = []
    for result in results:
        result = tf.strings.reduce_join(num_to_char(result[result >= 0])).numpy().decode("utf-8")
        output_text.append(result)
    return output_text


class CallbackEval(keras.callbacks.Callback):
    """Counts the transcriptions of the validation set that come out right, each epoch."""

    def __init__(self, dataset):
        super().__init__()
        self.dataset = dataset
        self.exact = []

    def on_epoch_end(self, epoch: int, logs=None):
        predictions = []
        targets = []
        for batch in self.dataset:
            X, y = batch
            batch_predictions = self.model.predict(X, verbose=0)
            batch_predictions = decode_batch_predictions(batch_predictions)
            predictions.extend(batch_predictions)
            for label in y:
                label = tf.strings.reduce_join(num_to_char(label)).numpy().decode("utf-8")
                targets.append(label)
        self.exact.append(np.mean([p == t for p, t in zip(predictions, targets)]))


epochs = 15
validation_callback = CallbackEval(validation_dataset)
history = model.fit(
    train_dataset,
    validation_data=validation_dataset,
    epochs=epochs,
    callbacks=[validation_callback],
    verbose=0,
)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["val_loss_last"] = float(history.history["val_loss"][-1])
RESULT["exact_first"] = float(validation_callback.exact[0])
RESULT["exact_last"] = float(validation_callback.exact[-1])

# The last epoch's model on the validation batch: the loss, a beam search beside the greedy
# decoding, and the texts.
for spectrograms, labels in validation_dataset.take(1):
    probabilities = model.predict(spectrograms, verbose=0)
    RESULT["batch_loss_mean"] = float(np.mean(CTCLoss(labels, probabilities)))
    steps = np.full(len(labels), probabilities.shape[1], dtype="int32")
    log_probabilities = ops.log(probabilities + keras.backend.epsilon())
    greedy, greedy_scores = ops.ctc_decode(log_probabilities, steps, strategy="greedy",
                                           mask_index=blank_index)
    beams, beam_scores = ops.ctc_decode(log_probabilities, steps, strategy="beam_search",
                                        beam_width=8, top_paths=2,
                                        mask_index=blank_index)
    RESULT["greedy_paths"] = float(greedy.shape[0])
    RESULT["beam_paths"] = float(beams.shape[0])
    RESULT["greedy_score_sum"] = float(np.sum(greedy_scores))
    RESULT["beam_score_sum"] = float(np.sum(beam_scores))
    RESULT["beam_scores_ordered"] = float(np.all(
        np.asarray(beam_scores)[:, 0] >= np.asarray(beam_scores)[:, 1]))
    width = min(greedy.shape[-1], beams.shape[-1])
    RESULT["beam_equals_greedy"] = float(np.mean(np.all(
        np.asarray(greedy[0])[:, :width] == np.asarray(beams[0])[:, :width], axis=1)))
    texts_back = decode_batch_predictions(probabilities)
    RESULT["decoded_chars"] = float(sum(len(text) for text in texts_back))
print(RESULT)
