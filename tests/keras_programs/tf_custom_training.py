"""After the TensorFlow tutorials "Customization basics: tensors and operations" and "Custom
training: walkthrough": tf.matmul, tf.reduce_sum, tf.square and broadcasting on tensors and
NumPy arrays, .numpy(), then a three-class classifier of iris-like rows trained by a loop with
tf.GradientTape over a tf.data.Dataset made by from_tensor_slices(...).shuffle(...).batch(...),
SparseCategoricalCrossentropy(from_logits=True), optimizer.apply_gradients, and Mean and
SparseCategoricalAccuracy metrics kept per epoch; predictions with tf.nn.softmax and tf.argmax.
"""

import numpy as np

import numnet as tf

product = tf.matmul([[1]], [[2, 3]])
total = tf.add(1, 2) + tf.reduce_sum([1, 2, 3]) + tf.square(5)
ndarray = np.ones([3, 3])
tensor = tf.math.multiply(ndarray, 42)
back = np.add(tensor, 1)
broadcast = tf.constant([[1.0], [2.0]]) + tf.constant([10.0, 20.0, 30.0])

rng = np.random.default_rng(3)
centers = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.5, 2.0]])
labels = rng.integers(0, 3, 240)
features = (centers[labels] + rng.normal(0.0, 0.3, (240, 4))).astype("float32")
train_x, train_y = features[:180], labels[:180].astype("int64")
test_x, test_y = features[180:], labels[180:].astype("int64")

tf.random.set_seed(0)
train_dataset = tf.data.Dataset.from_tensor_slices((train_x, train_y))
train_dataset = train_dataset.shuffle(180, seed=1).batch(32)
features_batch, labels_batch = next(iter(train_dataset))

model = tf.keras.Sequential([
    tf.keras.layers.Dense(10, activation=tf.nn.relu, input_shape=(4,)),
    tf.keras.layers.Dense(10, activation=tf.nn.relu),
    tf.keras.layers.Dense(3),
])
predictions = model(features_batch)
first_softmax = tf.nn.softmax(predictions[:5])

loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def loss(model, x, y, training):
    y_ = model(x, training=training)
    return loss_object(y_true=y, y_pred=y_)


def grad(model, inputs, targets):
    with tf.GradientTape() as tape:
        loss_value = loss(model, inputs, targets, training=True)
    return loss_value, tape.gradient(loss_value, model.trainable_variables)


optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)
loss_value, grads = grad(model, features_batch, labels_batch)
first_loss = loss_value.numpy()
optimizer.apply_gradients(zip(grads, model.trainable_variables))
step_loss = loss(model, features_batch, labels_batch, training=True).numpy()

train_loss_results = []
train_accuracy_results = []
for _ in range(60):
    epoch_loss_avg = tf.keras.metrics.Mean()
    epoch_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    for x, y in train_dataset:
        loss_value, grads = grad(model, x, y)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        epoch_loss_avg.update_state(loss_value)
        epoch_accuracy.update_state(y, model(x, training=True))
    train_loss_results.append(epoch_loss_avg.result())
    train_accuracy_results.append(epoch_accuracy.result())

test_dataset = tf.data.Dataset.from_tensor_slices((test_x, test_y)).batch(32)
test_accuracy = tf.keras.metrics.Accuracy()
for (x, y) in test_dataset:
    logits = model(x, training=False)
    prediction = tf.argmax(logits, axis=1, output_type=tf.int64)
    test_accuracy(prediction, y)

predict_dataset = tf.convert_to_tensor(centers.astype("float32"))
predictions = model(predict_dataset, training=False)
class_ids = [int(tf.argmax(logits).numpy()) for logits in predictions]
probabilities = [float(tf.nn.softmax(logits)[class_id]) for class_id, logits in
                 zip(class_ids, predictions)]

RESULT = {
    "product_sum": float(tf.reduce_sum(product).numpy()),
    "total": float(total.numpy()),
    "tensor_mean": float(np.mean(back)),
    "broadcast_sum": float(tf.reduce_sum(broadcast).numpy()),
    "batch_rows": float(features_batch.shape[0]),
    "softmax_rows": float(np.sum(first_softmax.numpy())),
    "step_loss_drop": float(first_loss - step_loss),
    "loss_0": float(train_loss_results[0]),
    "loss_last": float(train_loss_results[-1]),
    "train_accuracy": float(train_accuracy_results[-1]),
    "test_accuracy": float(test_accuracy.result()),
    "centers_right": float(np.mean(np.array(class_ids) == np.arange(3))),
    "center_probability": float(min(probabilities)),
}
print(RESULT)
