"""After the keras.io example "Electroencephalogram Signal Classification for action
identification": imbalanced classes of noisy single-channel signals, each series min-max
scaled on its own; one-hot labels with keras.utils.to_categorical; tf.data datasets of the
windows (shuffle, batch); naive class weights 1 - count / total passed to fit as class_weight
with a dataset; a Conv1D + BatchNormalization stack with strides 2 and "same" padding,
Dropout, Flatten and Dense layers with kernel_regularizer=keras.regularizers.L2(); Adam with
amsgrad=True; CategoricalCrossentropy with TopKCategoricalAccuracy(k=3), AUC, Precision and
Recall; a ModelCheckpoint to an .h5 file on the training loss (save_best_only) and a
ReduceLROnPlateau on val_top_k_categorical_accuracy; evaluate's five numbers, then the best
checkpoint loaded back. The weights start from a NumPy draw, so the metrics before training
are Keras's.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

QUALITY_THRESHOLD = 128
BATCH_SIZE = 32
SHUFFLE_BUFFER_SIZE = BATCH_SIZE * 2
SERIES_LENGTH = 128

rng = np.random.default_rng(8)
num_classes = 5
class_share = [0.35, 0.25, 0.2, 0.12, 0.08]
labels_list = list(rng.choice(num_classes, 400, p=class_share))
time = np.arange(SERIES_LENGTH) / SERIES_LENGTH
raw_values = [
    np.sin(2 * np.pi * (3 + 2 * label) * time + rng.uniform(0, 2 * np.pi))
    * (1 + 0.2 * label) + rng.normal(0, 0.6, SERIES_LENGTH) + 50
    for label in labels_list
]
series_list = [
    (np.asarray(i) - np.min(i)) / (np.max(i) - np.min(i)) for i in raw_values
]

split = 340
x_train = np.asarray(series_list[:split]).astype(np.float32).reshape(-1, SERIES_LENGTH, 1)
y_train = np.asarray(labels_list[:split]).astype(np.float32).reshape(-1, 1)
y_train = keras.utils.to_categorical(y_train)
x_test = np.asarray(series_list[split:]).astype(np.float32).reshape(-1, SERIES_LENGTH, 1)
y_test = np.asarray(labels_list[split:]).astype(np.float32).reshape(-1, 1)
y_test = keras.utils.to_categorical(y_test, num_classes)

train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test))
train_dataset = train_dataset.shuffle(SHUFFLE_BUFFER_SIZE, seed=1).batch(BATCH_SIZE)
test_dataset = test_dataset.batch(BATCH_SIZE)

vals_dict = {}
for i in labels_list:
    if i in vals_dict.keys():
        vals_dict[i] += 1
    else:
        vals_dict[i] = 1
total = sum(vals_dict.values())
weight_dict = {int(k): (1 - (v / total)) for k, v in vals_dict.items()}
print(weight_dict)


def make_conv_model():
    input_layer = keras.Input(shape=(SERIES_LENGTH, 1))
    x = layers.Conv1D(filters=8, kernel_size=3, strides=2, activation="relu",
                      padding="same")(input_layer)
    x = layers.BatchNormalization()(x)
    x = layers.Conv1D(filters=16, kernel_size=5, strides=2, activation="relu",
                      padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Conv1D(filters=16, kernel_size=7, strides=2, activation="relu",
                      padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Dropout(0.2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dropout(0.2)(x)
    x = layers.Dense(32, activation="relu", kernel_regularizer=keras.regularizers.L2())(x)
    x = layers.Dropout(0.2)(x)
    x = layers.Dense(16, activation="relu", kernel_regularizer=keras.regularizers.L2())(x)
    output_layer = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs=input_layer, outputs=output_layer)


keras.utils.set_random_seed(3)
conv_model = make_conv_model()
draw = np.random.default_rng(0)
conv_model.set_weights([
    w if np.all(w == 1) or np.all(w == 0) and w.ndim == 1
    else draw.normal(0, 1.4 / np.sqrt(np.prod(w.shape[:-1])), w.shape).astype("float32")
    for w in conv_model.get_weights()
])

epochs = 12
callbacks = [
    keras.callbacks.ModelCheckpoint("best_model.h5", save_best_only=True, monitor="loss"),
    keras.callbacks.ReduceLROnPlateau(
        monitor="val_top_k_categorical_accuracy",
        factor=0.2,
        patience=2,
        min_lr=0.000001,
    ),
]
optimizer = keras.optimizers.Adam(amsgrad=True, learning_rate=0.003)
loss = keras.losses.CategoricalCrossentropy()
conv_model.compile(
    optimizer=optimizer,
    loss=loss,
    metrics=[
        keras.metrics.TopKCategoricalAccuracy(k=3),
        keras.metrics.AUC(),
        keras.metrics.Precision(),
        keras.metrics.Recall(),
    ],
)
initial = conv_model.evaluate(test_dataset, verbose=0)
conv_model_history = conv_model.fit(
    train_dataset,
    epochs=epochs,
    callbacks=callbacks,
    validation_data=test_dataset,
    class_weight=weight_dict,
    verbose=0,
)
loss, accuracy, auc, precision, recall = conv_model.evaluate(test_dataset, verbose=0)
print(f"Loss : {loss}")
print(f"Top 3 Categorical Accuracy : {accuracy}")
print(f"Area under the Curve (ROC) : {auc}")
print(f"Precision : {precision}")
print(f"Recall : {recall}")

best = keras.models.load_model("best_model.h5")
best_loss = min(conv_model_history.history["loss"])
predictions = best.predict(x_test, verbose=0)
top_1 = float(np.mean(np.argmax(predictions, axis=1) == np.argmax(y_test, axis=1)))
history = conv_model_history.history

RESULT = {
    "train_rows": float(len(x_train)),
    "classes": float(y_train.shape[1]),
    "weight_sum": float(sum(weight_dict.values())),
    "initial_loss": float(initial[0]),
    "initial_top_k": float(initial[1]),
    "initial_auc": float(initial[2]),
    "initial_precision": float(initial[3]),
    "initial_recall": float(initial[4]),
    "history_keys": float(len(history)),
    "loss_first": float(history["loss"][0]),
    "loss_last": float(history["loss"][-1]),
    "top_k": float(accuracy),
    "auc": float(auc),
    "precision": float(precision),
    "recall": float(recall),
    "top_1": top_1,
    "lr_last": float(history["learning_rate"][-1]),
    "lr_reduced": float(history["learning_rate"][-1] < 0.003),
    "best_rows": float(predictions.shape[0]),
    "best_loss": float(best_loss),
}
print(RESULT)
