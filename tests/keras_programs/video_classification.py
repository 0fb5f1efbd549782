"""After the keras.io example "Video Classification with a CNN-RNN Architecture": videos read
frame by frame and cropped to a centre square, a feature extractor (inception_v3's
preprocess_input on an Input, then a convolutional network with average pooling) run with
predict on each frame, labels encoded by StringLookup(num_oov_indices=0), frame features and
frame masks padded to MAX_SEQ_LENGTH, a sequence model of two GRUs whose first one takes the
boolean mask as an Input (``GRU(...)(x, mask=mask_input)``), Dropout and softmax, fit with
validation_split and a ModelCheckpoint(save_weights_only=True, save_best_only=True) whose
best weights load_weights reads back, and predictions ranked with np.argsort. Then, as the
example's "next steps" suggest, the frames end to end: TimeDistributed of the extractor under
the same GRUs.

Videos are 5 to 10 frames of 16 x 20 pixels from a NumPy seed in which a bright square grows,
shrinks or blinks (the example's UCF101 clips and InceptionV3); the extractor's
weights are a NumPy draw, so the features, the loss before training and the end-to-end
model's losses (no Dropout there, batches unshuffled) follow Keras's.
"""

import os

import numpy as np

import numnet as keras

IMG_SIZE = 16
MAX_SEQ_LENGTH = 8
NUM_FEATURES = 12
EPOCHS = 20

rng = np.random.default_rng(17)
TAGS = ["Blinking", "Growing", "Shrinking"]


def make_video(tag):
    """Frames (uint8, BGR as OpenCV reads them) of a square that grows, shrinks or blinks."""
    length = int(rng.integers(5, 11))
    top, left = int(rng.integers(1, 4)), int(rng.integers(3, 6))
    frames = rng.integers(0, 40, size=(length, IMG_SIZE, IMG_SIZE + 4, 3)).astype("uint8")
    for t, frame in enumerate(frames):
        side = {"Blinking": 8 * (t % 2) + 2, "Growing": 2 + t, "Shrinking": 11 - t}[tag]
        frame[top : top + side, left : left + side] = 220
    return frames


videos = {}
rows = []
for index in range(54):
    tag = TAGS[index % 3]
    name = f"v_{tag}_{index:02d}.avi"
    videos[name] = make_video(tag)
    rows.append((name, tag))
rng.shuffle(rows)
train_rows, test_rows = rows[:42], rows[42:]


def crop_center_square(frame):
    y, x = frame.shape[0:2]
    min_dim = min(y, x)
    start_x = (x // 2) - (min_dim // 2)
    start_y = (y // 2) - (min_dim // 2)
    return frame[start_y : start_y + min_dim, start_x : start_x + min_dim]


def load_video(path, max_frames=0, resize=(IMG_SIZE, IMG_SIZE)):
    frames = []
    for frame in videos[os.path.basename(path)]:  # (the example reads with cv2.VideoCapture)
        frame = crop_center_square(frame)
        frame = frame[:, :, [2, 1, 0]]
        frames.append(frame)
        if len(frames) == max_frames:
            break
    return np.array(frames)


def build_feature_extractor():
    feature_extractor = keras.Sequential(
        [
            keras.Input((IMG_SIZE, IMG_SIZE, 3)),
            keras.layers.Conv2D(8, 3, strides=2, activation="relu"),
            keras.layers.Conv2D(NUM_FEATURES, 3, activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
        ],
        name="small_cnn",
    )
    preprocess_input = keras.applications.inception_v3.preprocess_input

    inputs = keras.Input((IMG_SIZE, IMG_SIZE, 3))
    preprocessed = preprocess_input(inputs)

    outputs = feature_extractor(preprocessed)
    return keras.Model(inputs, outputs, name="feature_extractor")


feature_extractor = build_feature_extractor()
feature_extractor.set_weights(
    [rng.normal(0.0, 0.3, w.shape).astype("float32") for w in feature_extractor.get_weights()]
)

label_processor = keras.layers.StringLookup(
    num_oov_indices=0, vocabulary=np.unique([tag for _, tag in train_rows])
)
print(label_processor.get_vocabulary())


def prepare_all_videos(rows, root_dir):
    num_samples = len(rows)
    video_paths = [name for name, _ in rows]
    labels = np.array([tag for _, tag in rows])
    labels = keras.ops.convert_to_numpy(label_processor(labels[..., None]))

    # `frame_masks` and `frame_features` are what we will feed to our sequence model.
    frame_masks = np.zeros(shape=(num_samples, MAX_SEQ_LENGTH), dtype="bool")
    frame_features = np.zeros(
        shape=(num_samples, MAX_SEQ_LENGTH, NUM_FEATURES), dtype="float32"
    )

    # For each video.
    for idx, path in enumerate(video_paths):
        # Gather all its frames and add a batch dimension.
        frames = load_video(os.path.join(root_dir, path))
        frames = frames[None, ...]

        # Initialize placeholders to store the masks and features of the current video.
        temp_frame_mask = np.zeros(shape=(1, MAX_SEQ_LENGTH), dtype="bool")
        temp_frame_features = np.zeros(
            shape=(1, MAX_SEQ_LENGTH, NUM_FEATURES), dtype="float32"
        )

        # Extract features from the frames of the current video.
        for i, batch in enumerate(frames):
            video_length = batch.shape[0]
            length = min(MAX_SEQ_LENGTH, video_length)
            for j in range(length):
                temp_frame_features[i, j, :] = feature_extractor.predict(
                    batch[None, j, :], verbose=0
                )
            temp_frame_mask[i, :length] = 1  # 1 = not masked, 0 = masked

        frame_features[idx,] = temp_frame_features.squeeze()
        frame_masks[idx,] = temp_frame_mask.squeeze()

    return (frame_features, frame_masks), labels


train_data, train_labels = prepare_all_videos(train_rows, "train")
test_data, test_labels = prepare_all_videos(test_rows, "test")
print(f"Frame features in train set: {train_data[0].shape}")
print(f"Frame masks in train set: {train_data[1].shape}")


# Utility for our sequence model.
def get_sequence_model():
    class_vocab = label_processor.get_vocabulary()

    frame_features_input = keras.Input((MAX_SEQ_LENGTH, NUM_FEATURES))
    mask_input = keras.Input((MAX_SEQ_LENGTH,), dtype="bool")

    x = keras.layers.GRU(16, return_sequences=True)(frame_features_input, mask=mask_input)
    x = keras.layers.GRU(8)(x)
    x = keras.layers.Dropout(0.4)(x)
    x = keras.layers.Dense(8, activation="relu")(x)
    output = keras.layers.Dense(len(class_vocab), activation="softmax")(x)

    rnn_model = keras.Model([frame_features_input, mask_input], output)

    rnn_model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        metrics=["accuracy"],
    )
    return rnn_model


# Utility for running experiments.
def run_experiment():
    filepath = "video_classifier/ckpt.weights.h5"
    checkpoint = keras.callbacks.ModelCheckpoint(
        filepath, save_weights_only=True, save_best_only=True, verbose=0
    )

    seq_model = get_sequence_model()
    seq_model.set_weights(
        [rng.normal(0.0, 0.3, w.shape).astype("float32") for w in seq_model.get_weights()]
    )
    initial = seq_model.evaluate([test_data[0], test_data[1]], test_labels, verbose=0)
    history = seq_model.fit(
        [train_data[0], train_data[1]],
        train_labels,
        validation_split=0.3,
        epochs=EPOCHS,
        callbacks=[checkpoint],
        verbose=0,
    )

    seq_model.load_weights(filepath)
    _, accuracy = seq_model.evaluate([test_data[0], test_data[1]], test_labels, verbose=0)
    print(f"Test accuracy: {round(accuracy * 100, 2)}%")

    return history, seq_model, initial, accuracy


history, sequence_model, initial_evaluation, test_accuracy = run_experiment()
best_epoch = int(np.argmin(history.history["val_loss"]))
reloaded_val_loss = sequence_model.evaluate(
    [train_data[0][29:], train_data[1][29:]], train_labels[29:], verbose=0
)[0]


def prepare_single_video(frames):
    frames = frames[None, ...]
    frame_mask = np.zeros(shape=(1, MAX_SEQ_LENGTH), dtype="bool")
    frame_features = np.zeros(shape=(1, MAX_SEQ_LENGTH, NUM_FEATURES), dtype="float32")

    for i, batch in enumerate(frames):
        video_length = batch.shape[0]
        length = min(MAX_SEQ_LENGTH, video_length)
        for j in range(length):
            frame_features[i, j, :] = feature_extractor.predict(batch[None, j, :], verbose=0)
        frame_mask[i, :length] = 1  # 1 = not masked, 0 = masked

    return frame_features, frame_mask


def sequence_prediction(path):
    class_vocab = label_processor.get_vocabulary()

    frames = load_video(os.path.join("test", path))
    frame_features, frame_mask = prepare_single_video(frames)
    probabilities = sequence_model.predict([frame_features, frame_mask], verbose=0)[0]

    for i in np.argsort(probabilities)[::-1]:
        print(f"  {class_vocab[i]}: {probabilities[i] * 100:5.2f}%")
    return frames, probabilities, frame_features, frame_mask


test_video, test_tag = test_rows[0]
test_frames, probabilities, single_features, single_mask = sequence_prediction(test_video)
# the padded steps are masked: other values there change nothing
noisy = single_features.copy()
noisy[~single_mask] = 5.0
masked_gap = float(np.max(np.abs(sequence_model.predict([noisy, single_mask], verbose=0)[0]
                                 - probabilities)))

# Next steps: the frames end to end, the extractor under TimeDistributed.
class_vocab = label_processor.get_vocabulary()
frames_input = keras.Input((MAX_SEQ_LENGTH, IMG_SIZE, IMG_SIZE, 3))
mask_input = keras.Input((MAX_SEQ_LENGTH,), dtype="bool")
x = keras.layers.TimeDistributed(build_feature_extractor())(frames_input)
x = keras.layers.GRU(16, return_sequences=True)(x, mask=mask_input)
x = keras.layers.GRU(8)(x)
output = keras.layers.Dense(len(class_vocab), activation="softmax")(x)
end_to_end = keras.Model([frames_input, mask_input], output)
end_to_end.set_weights(
    [rng.normal(0.0, 0.3, w.shape).astype("float32") for w in end_to_end.get_weights()]
)
end_to_end.compile(
    loss="sparse_categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    metrics=["accuracy"],
)


def padded_frames(rows):
    out = np.zeros((len(rows), MAX_SEQ_LENGTH, IMG_SIZE, IMG_SIZE, 3), "float32")
    for idx, (name, _) in enumerate(rows):
        frames = load_video(name)[:MAX_SEQ_LENGTH]
        out[idx, : len(frames)] = frames
    return out


e2e_history = end_to_end.fit(
    [padded_frames(train_rows), train_data[1]], train_labels,
    batch_size=14, epochs=6, shuffle=False, verbose=0,
)
_, e2e_accuracy = end_to_end.evaluate(
    [padded_frames(test_rows), test_data[1]], test_labels, verbose=0
)

RESULT = {
    "vocabulary_size": float(len(label_processor.get_vocabulary())),
    "first_label": float(train_labels[0][0]),
    "features_sum": float(train_data[0].sum()),
    "mask_sum": float(train_data[1].sum()),
    "frame_width": float(test_frames.shape[2]),
    "extractor_params": float(feature_extractor.count_params()),
    "sequence_params": float(sequence_model.count_params()),
    "initial_loss": float(initial_evaluation[0]),
    "train_loss_fell": float(history.history["loss"][-1] < history.history["loss"][0]),
    "val_samples_loss_gap": float(abs(reloaded_val_loss - history.history["val_loss"][best_epoch])),
    "test_accuracy": float(test_accuracy),
    "probabilities_sum": float(probabilities.sum()),
    "masked_gap": masked_gap,
    "e2e_params": float(end_to_end.count_params()),
    "e2e_accuracy": float(e2e_accuracy),
}
for epoch, value in enumerate(e2e_history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
