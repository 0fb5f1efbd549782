"""After the keras.io example "Review Classification using Active Learning": reviews (bytes,
as tfds.as_numpy gives them) split by label into balanced validation, test and training sets
with tf.concat, the rest kept as unlabeled pools; tf.data.Dataset.from_tensor_slices, map with
num_parallel_calls, prefetch, batch, concatenate, cache, shuffle, take and skip, len() of a
dataset; a TextVectorization adapted on the text-only dataset; a Bidirectional LSTM with
GlobalMaxPool1D trained with rmsprop and BinaryAccuracy, FalseNegatives and FalsePositives; a
model trained on the full pool with EarlyStopping and a best-only ModelCheckpoint read back by
load_model; then active learning: after each round the test set's false negatives and false
positives (model.evaluate's list) set how many negatives and positives are taken from the
pools, the model is recompiled and fit again (EarlyStopping with restore_best_weights), and
the best checkpoint is loaded; evaluate(return_dict=True) gives the final numbers.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

rng = np.random.default_rng(31)
good = ["great", "superb", "loved", "wonderful", "moving", "charming", "fun"]
bad = ["awful", "boring", "hated", "dull", "weak", "clumsy", "tedious"]
neutral = ["the", "film", "was", "plot", "a", "and", "acting", "story", "it", "this",
           "scenes", "music", "very", "quite", "cast", "ending", "of", "with"]


def review(label):
    words = list(rng.choice(neutral, rng.integers(10, 20)))
    cues = good if label == 1 else bad
    others = bad if label == 1 else good
    for _ in range(2):
        words.insert(rng.integers(0, len(words)), str(rng.choice(cues)))
    if rng.random() < 0.3:
        words.insert(rng.integers(0, len(words)), str(rng.choice(others)))
    return (" ".join(words).capitalize() + rng.choice([".", "!"])).encode("utf-8")


labels = rng.integers(0, 2, 480)
reviews = np.empty(len(labels), dtype=object)
reviews[:] = [review(label) for label in labels]
flip = rng.random(len(labels)) < 0.08  # a few mislabeled reviews
labels = np.where(flip, 1 - labels, labels)

val_split = 20
test_split = 20
train_split = 40

x_positives, y_positives = reviews[labels == 1], labels[labels == 1]
x_negatives, y_negatives = reviews[labels == 0], labels[labels == 0]

x_val, y_val = (
    tf.concat((x_positives[:val_split], x_negatives[:val_split]), 0),
    tf.concat((y_positives[:val_split], y_negatives[:val_split]), 0),
)
x_test, y_test = (
    tf.concat(
        (
            x_positives[val_split: val_split + test_split],
            x_negatives[val_split: val_split + test_split],
        ),
        0,
    ),
    tf.concat(
        (
            y_positives[val_split: val_split + test_split],
            y_negatives[val_split: val_split + test_split],
        ),
        0,
    ),
)
x_train, y_train = (
    tf.concat(
        (
            x_positives[val_split + test_split: val_split + test_split + train_split],
            x_negatives[val_split + test_split: val_split + test_split + train_split],
        ),
        0,
    ),
    tf.concat(
        (
            y_positives[val_split + test_split: val_split + test_split + train_split],
            y_negatives[val_split + test_split: val_split + test_split + train_split],
        ),
        0,
    ),
)
x_pool_positives, y_pool_positives = (
    x_positives[val_split + test_split + train_split:],
    y_positives[val_split + test_split + train_split:],
)
x_pool_negatives, y_pool_negatives = (
    x_negatives[val_split + test_split + train_split:],
    y_negatives[val_split + test_split + train_split:],
)

train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val))
test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test))
pool_negatives = tf.data.Dataset.from_tensor_slices((x_pool_negatives, y_pool_negatives))
pool_positives = tf.data.Dataset.from_tensor_slices((x_pool_positives, y_pool_positives))

sizes = [len(train_dataset), len(val_dataset), len(test_dataset), len(pool_negatives),
         len(pool_positives)]
print(f"Initial training set size: {sizes[0]}")
print(f"Unlabeled negative pool: {sizes[3]}, positive pool: {sizes[4]}")

vectorizer = layers.TextVectorization(
    300, standardize="lower_and_strip_punctuation", output_sequence_length=24
)
vectorizer.adapt(
    train_dataset.map(lambda x, y: x, num_parallel_calls=tf.data.AUTOTUNE).batch(64)
)


def vectorize_text(text, label):
    text = vectorizer(text)
    return text, label


train_dataset = train_dataset.map(
    vectorize_text, num_parallel_calls=tf.data.AUTOTUNE
).prefetch(tf.data.AUTOTUNE)
pool_negatives = pool_negatives.map(vectorize_text, num_parallel_calls=tf.data.AUTOTUNE)
pool_positives = pool_positives.map(vectorize_text, num_parallel_calls=tf.data.AUTOTUNE)
val_dataset = val_dataset.batch(64).map(vectorize_text, num_parallel_calls=tf.data.AUTOTUNE)
test_dataset = test_dataset.batch(64).map(vectorize_text, num_parallel_calls=tf.data.AUTOTUNE)


def append_history(losses, val_losses, accuracy, val_accuracy, history):
    losses = losses + history.history["loss"]
    val_losses = val_losses + history.history["val_loss"]
    accuracy = accuracy + history.history["binary_accuracy"]
    val_accuracy = val_accuracy + history.history["val_binary_accuracy"]
    return losses, val_losses, accuracy, val_accuracy


def create_model():
    model = keras.models.Sequential(
        [
            layers.Input(shape=(24,)),
            layers.Embedding(input_dim=300, output_dim=16),
            layers.Bidirectional(layers.LSTM(8, return_sequences=True)),
            layers.GlobalMaxPool1D(),
            layers.Dense(8, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    return model


def compile_model(model):
    model.compile(
        loss="binary_crossentropy",
        optimizer=keras.optimizers.RMSprop(0.01),
        metrics=[
            keras.metrics.BinaryAccuracy(),
            keras.metrics.FalseNegatives(),
            keras.metrics.FalsePositives(),
        ],
    )


def train_full_model(full_train_dataset, val_dataset, test_dataset):
    model = create_model()
    compile_model(model)
    history = model.fit(
        full_train_dataset.batch(64),
        epochs=6,
        validation_data=val_dataset,
        callbacks=[
            keras.callbacks.EarlyStopping(patience=2, verbose=0),
            keras.callbacks.ModelCheckpoint(
                "FullModelCheckpoint.keras", verbose=0, save_best_only=True
            ),
        ],
        verbose=0,
    )
    best_val_loss = min(history.history["val_loss"])
    model = keras.models.load_model("FullModelCheckpoint.keras")
    scores = model.evaluate(test_dataset, verbose=0, return_dict=True)
    reloaded_val_loss = model.evaluate(val_dataset, verbose=0)[0]
    return model, scores, best_val_loss, reloaded_val_loss


full_train_dataset = (
    train_dataset.concatenate(pool_positives)
    .concatenate(pool_negatives)
    .cache()
    .shuffle(2000, seed=4)
)
full_size = len(full_train_dataset)
keras.utils.set_random_seed(4)
full_dataset_model, full_scores, full_best, full_reloaded = train_full_model(
    full_train_dataset, val_dataset, test_dataset)


def train_active_learning_models(
    train_dataset,
    pool_negatives,
    pool_positives,
    val_dataset,
    test_dataset,
    num_iterations=2,
    sampling_size=60,
):
    losses, val_losses, accuracies, val_accuracies = [], [], [], []
    sampled = []

    model = create_model()
    compile_model(model)
    checkpoint = keras.callbacks.ModelCheckpoint("AL_Model.keras", save_best_only=True,
                                                 verbose=0)
    early_stopping = keras.callbacks.EarlyStopping(patience=2, verbose=0)
    history = model.fit(
        train_dataset.cache().shuffle(2000, seed=5).batch(64),
        epochs=6,
        validation_data=val_dataset,
        callbacks=[checkpoint, early_stopping],
        verbose=0,
    )
    losses, val_losses, accuracies, val_accuracies = append_history(
        losses, val_losses, accuracies, val_accuracies, history
    )

    for iteration in range(num_iterations):
        predictions = model.predict(test_dataset, verbose=0)
        rounded = ops.where(ops.greater(predictions, 0.5), 1, 0)
        _, _, false_negatives, false_positives = model.evaluate(test_dataset, verbose=0)
        wrong = int(np.sum(np.asarray(rounded)[:, 0] != y_test))
        assert wrong == int(false_negatives + false_positives), (wrong, false_negatives)

        if false_negatives != 0 and false_positives != 0:
            total = false_negatives + false_positives
            sample_ratio_ones, sample_ratio_zeros = (
                false_positives / total,
                false_negatives / total,
            )
        else:
            sample_ratio_ones, sample_ratio_zeros = 0.5, 0.5

        sampled_dataset = pool_negatives.take(
            int(sample_ratio_zeros * sampling_size)
        ).concatenate(pool_positives.take(int(sample_ratio_ones * sampling_size)))
        pool_negatives = pool_negatives.skip(int(sample_ratio_zeros * sampling_size))
        pool_positives = pool_positives.skip(int(sample_ratio_ones * sampling_size))
        train_dataset = train_dataset.concatenate(sampled_dataset).prefetch(
            tf.data.AUTOTUNE
        )
        sampled.append(len(train_dataset))

        compile_model(model)
        history = model.fit(
            train_dataset.cache().shuffle(2000, seed=6 + iteration).batch(64),
            validation_data=val_dataset,
            epochs=6,
            callbacks=[
                checkpoint,
                keras.callbacks.EarlyStopping(patience=2, verbose=0,
                                              restore_best_weights=True),
            ],
            verbose=0,
        )
        losses, val_losses, accuracies, val_accuracies = append_history(
            losses, val_losses, accuracies, val_accuracies, history
        )
        model = keras.models.load_model("AL_Model.keras")

    scores = model.evaluate(test_dataset, verbose=0, return_dict=True)
    return model, scores, losses, val_losses, sampled, len(pool_negatives), len(
        pool_positives)


keras.utils.set_random_seed(5)
(active_learning_model, al_scores, al_losses, al_val_losses, sampled, negatives_left,
 positives_left) = train_active_learning_models(
    train_dataset, pool_negatives, pool_positives, val_dataset, test_dataset
)

RESULT = {
    "train_size": float(sizes[0]),
    "val_size": float(sizes[1]),
    "pool_size": float(sizes[3] + sizes[4]),
    "full_size": float(full_size),
    "vocabulary_size": float(vectorizer.vocabulary_size()),
    "full_accuracy": float(full_scores["binary_accuracy"]),
    "full_errors": float(full_scores["false_negatives"] + full_scores["false_positives"]),
    "full_keys": float(sorted(full_scores) == ["binary_accuracy", "false_negatives",
                                                "false_positives", "loss"]),
    "full_reload_gap": float(abs(full_best - full_reloaded)),
    "al_accuracy": float(al_scores["binary_accuracy"]),
    "al_loss_first": float(al_losses[0]),
    "al_loss_min": float(min(al_losses)),
    "al_epochs": float(len(al_losses)),
    "sampled_first": float(sampled[0]),
    "sampled_last": float(sampled[-1]),
    "pool_taken": float(sizes[3] + sizes[4] - negatives_left - positives_left),
}
print(RESULT)
