"""A training loop written from scratch: GradientTape, optimizer.apply_gradients, and
metrics driven by hand (update_state / result / reset_state) over tf.data batches.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)
num_classes = 10
centers = rng.normal(0.0, 0.8, (num_classes, 20))
labels = rng.integers(0, num_classes, 3000)
features = (centers[labels] + rng.normal(0.0, 1.0, (3000, 20))).astype("float32")
x_train, y_train = features[:2500], labels[:2500]
x_val, y_val = features[2500:], labels[2500:]

train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
train_dataset = train_dataset.shuffle(buffer_size=1024, seed=5).batch(64)
val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(128)

model = keras.Sequential(
    [
        keras.Input(shape=(20,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(64, activation="relu"),
        layers.Dense(num_classes),
    ]
)
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
val_acc_metric = keras.metrics.SparseCategoricalAccuracy()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss_value = loss_fn(y, logits)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    train_acc_metric.update_state(y, logits)
    return loss_value


@tf.function
def test_step(x, y):
    val_logits = model(x, training=False)
    val_acc_metric.update_state(y, val_logits)


epoch_losses = []
for epoch in range(4):
    losses = []
    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        losses.append(float(train_step(x_batch_train, y_batch_train)))
        if step % 20 == 0:
            print(f"  step {step}: loss {losses[-1]:.4f}")
    epoch_losses.append(float(np.mean(losses)))
    train_acc = float(train_acc_metric.result())
    train_acc_metric.reset_state()
    for x_batch_val, y_batch_val in val_dataset:
        test_step(x_batch_val, y_batch_val)
    val_acc = float(val_acc_metric.result())
    val_acc_metric.reset_state()
    print(f"epoch {epoch}: loss {epoch_losses[-1]:.4f} train acc {train_acc:.4f} "
          f"val acc {val_acc:.4f}")

assert step == 2500 // 64, step  # 40 batches: the last one holds the 4 left over
assert float(val_acc_metric.result()) == 0.0  # reset_state cleared it
RESULT = {
    "val_accuracy": val_acc,
    "train_accuracy": train_acc,
    "loss_ratio": epoch_losses[-1] / epoch_losses[0],
}
print(RESULT)
