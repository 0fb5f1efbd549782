"""The Keras part of the TensorFlow guide "Working with sparse tensors": a functional model whose
``tf.keras.Input(shape=(4,), sparse=True)`` feeds a Dense layer, called on a SparseTensor and
asked to predict on it, then a bag-of-words classifier built the same way and fitted on
batches of sparse rows from tf.data (weights from a NumPy draw, so the numbers compare with
TensorFlow's).
"""

import numpy as np

import numnet as tf

RESULT = {}

x = tf.keras.Input(shape=(4,), sparse=True)
y = tf.keras.layers.Dense(4)(x)
model = tf.keras.Model(x, y)
model.set_weights([np.arange(16, dtype="float32").reshape(4, 4) / 10, np.ones(4, "float32")])
sparse_data = tf.sparse.SparseTensor(
    indices=[(0, 0), (0, 1), (0, 2), (4, 3), (5, 0), (5, 1)],
    values=[1, 1, 1, 1, 1, 1],
    dense_shape=(6, 4))
called = model(sparse_data)
predicted = model.predict(sparse_data, verbose=0)
print(called, predicted)
RESULT["call_sum"] = float(tf.reduce_sum(called))
RESULT["predict_sum"] = float(np.sum(predicted))
RESULT["empty_row_sum"] = float(np.sum(predicted[1]))

rng = np.random.default_rng(8)
n_docs, vocab = 64, 12
rows, cols, labels = [], [], []
for doc in range(n_docs):
    label = doc % 2
    for word in sorted(set(rng.choice(np.arange(6) + 6 * label, size=2, replace=False).tolist())):
        rows.append(doc)
        cols.append(word)
    labels.append(label)
bags = tf.sparse.SparseTensor(indices=np.stack([rows, cols], axis=1),
                              values=np.ones(len(rows), "float32"),
                              dense_shape=[n_docs, vocab])
dataset = tf.data.Dataset.from_tensor_slices((bags, np.array(labels, "float32"))).batch(16)

inputs = tf.keras.Input(shape=(vocab,), sparse=True)
outputs = tf.keras.layers.Dense(1, activation="sigmoid")(inputs)
classifier = tf.keras.Model(inputs, outputs)
classifier.set_weights([rng.normal(size=(vocab, 1)).astype("float32") * 0.3,
                        np.zeros(1, "float32")])
classifier.compile(optimizer=tf.keras.optimizers.SGD(0.5), loss="binary_crossentropy",
                   metrics=["accuracy"])
history = classifier.fit(dataset, epochs=4, verbose=0)
RESULT.update({f"loss_{i}": float(v) for i, v in enumerate(history.history["loss"])})
RESULT["accuracy"] = float(history.history["accuracy"][-1])
print(RESULT)
