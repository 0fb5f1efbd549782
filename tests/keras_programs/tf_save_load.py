"""After the TensorFlow tutorial "Save and load models": a ModelCheckpoint with
save_weights_only=True and verbose=1 saving "training_1/cp.weights.h5", load_weights into a new
untrained model, a second checkpoint path with "{epoch:04d}" saved every 2 epochs
(save_freq=2 * batches), the latest of those files found with os.listdir, model.save_weights and
load_weights by hand, and the whole model saved as .keras and loaded with
tf.keras.models.load_model, its predictions and evaluation unchanged.
"""

import os

import numpy as np

import numnet as tf

rng = np.random.default_rng(21)
n, features, classes = 500, 20, 4
centers = rng.normal(0.0, 1.5, (classes, features))
train_labels = rng.integers(0, classes, n)
train_images = (centers[train_labels] + rng.normal(0.0, 1.0, (n, features))).astype("float32")
test_labels, test_images = train_labels[400:], train_images[400:]
train_labels, train_images = train_labels[:400], train_images[:400]


def create_model():
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(32, activation="relu", input_shape=(features,)),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(classes),
    ])
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy()])
    return model


model = create_model()
checkpoint_path = "training_1/cp.weights.h5"
checkpoint_dir = os.path.dirname(checkpoint_path)
cp_callback = tf.keras.callbacks.ModelCheckpoint(filepath=checkpoint_path,
                                                 save_weights_only=True, verbose=0)
model.fit(train_images, train_labels, epochs=5, validation_data=(test_images, test_labels),
          callbacks=[cp_callback], verbose=0)
trained_loss, trained_acc = model.evaluate(test_images, test_labels, verbose=0)
files_1 = sorted(os.listdir(checkpoint_dir))

model = create_model()
untrained_loss, untrained_acc = model.evaluate(test_images, test_labels, verbose=0)
model.load_weights(checkpoint_path)
restored_loss, restored_acc = model.evaluate(test_images, test_labels, verbose=0)

checkpoint_path = "training_2/cp-{epoch:04d}.weights.h5"
checkpoint_dir = os.path.dirname(checkpoint_path)
batch_size = 32
n_batches = len(train_images) / batch_size
n_batches = int(np.ceil(n_batches))
cp_callback = tf.keras.callbacks.ModelCheckpoint(filepath=checkpoint_path, verbose=0,
                                                 save_weights_only=True,
                                                 save_freq=2 * n_batches)
model = create_model()
os.makedirs(checkpoint_dir, exist_ok=True)
model.save_weights(checkpoint_path.format(epoch=0))
model.fit(train_images, train_labels, epochs=10, batch_size=batch_size, callbacks=[cp_callback],
          validation_data=(test_images, test_labels), verbose=0)
files_2 = sorted(os.listdir(checkpoint_dir))
latest = os.path.join(checkpoint_dir, files_2[-1])
final_predictions = model.predict(test_images, verbose=0)

model = create_model()
model.load_weights(latest)
latest_loss, latest_acc = model.evaluate(test_images, test_labels, verbose=0)
latest_gap = float(np.max(np.abs(model.predict(test_images, verbose=0) - final_predictions)))

os.makedirs("checkpoints", exist_ok=True)
model.save_weights("./checkpoints/my_checkpoint.weights.h5")
model = create_model()
model.load_weights("./checkpoints/my_checkpoint.weights.h5")
manual_loss, manual_acc = model.evaluate(test_images, test_labels, verbose=0)

model = create_model()
model.fit(train_images, train_labels, epochs=5, verbose=0)
os.makedirs("saved_model", exist_ok=True)
model.save("saved_model/my_model.keras")
new_model = tf.keras.models.load_model("saved_model/my_model.keras")
loss, acc = new_model.evaluate(test_images, test_labels, verbose=0)
predictions_gap = float(np.max(np.abs(new_model.predict(test_images, verbose=0)
                                      - model.predict(test_images, verbose=0))))
new_model.fit(train_images, train_labels, epochs=1, verbose=0)

RESULT = {
    "trained_accuracy": float(trained_acc),
    "untrained_accuracy": float(untrained_acc),
    "restored_gap": abs(float(restored_loss) - float(trained_loss)),
    "files_1": float(len(files_1)),
    "files_2": float(len(files_2)),
    "latest_is_epoch_10": float(files_2[-1] == "cp-0010.weights.h5"),
    "latest_gap": latest_gap,
    "latest_accuracy": float(latest_acc),
    "manual_accuracy": float(manual_acc),
    "loaded_accuracy": float(acc),
    "predictions_gap": predictions_gap,
    "loaded_params": float(new_model.count_params()),
}
print(RESULT)
