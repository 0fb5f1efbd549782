"""The Keras example "Graph attention network (GAT) for node classification"
(graph/gat_node_classification.py), in its TensorFlow form, on a small synthetic citation
graph in the place of Cora.

A GraphAttention layer projects the node states (tf.matmul), gathers both ends of every edge
with tf.gather on the (num_edges, 2) edge tensor, scores each edge with tf.nn.leaky_relu of a
learned attention kernel, normalizes the scores over each target's incoming edges
(tf.math.unsorted_segment_sum of tf.math.exp(tf.clip_by_value(...)), spread back over the
edges with tf.repeat by tf.math.bincount) and sums the weighted neighbour states per target
(tf.math.unsorted_segment_sum). A MultiHeadGraphAttention concatenates (or averages) several
heads. The GraphAttentionNetwork model runs on the whole graph and overrides train_step,
test_step and predict_step: each batch is a batch of node indices whose outputs are gathered
before the loss (compute_loss), the metrics (self.metrics, the loss tracker among them, as
the Keras 3 guide updates them) and the softmax of predict.
Weights start from a NumPy draw and batches are not shuffled, so the loss per epoch is
Keras's to float32 rounding.
"""

import numpy as np
from numnet.keras import layers

import numnet as keras
import numnet as tf

rng = np.random.default_rng(5)
num_classes = 3
num_nodes = 90
num_features = 20
subjects = np.repeat(np.arange(num_classes), num_nodes // num_classes)
rng.shuffle(subjects)
word_probability = rng.uniform(0.0, 0.8, (num_classes, num_features))
features = (rng.uniform(size=(num_nodes, num_features))
            < word_probability[subjects]).astype("float32")

# Each paper (target) is cited by 3 papers (sources), 2 of its own subject; edges are sorted by
# target so that tf.repeat by the bincount of the targets lines up with them.
citations = []
for paper in range(num_nodes):
    same = np.flatnonzero((subjects == subjects[paper]) & (np.arange(num_nodes) != paper))
    other = np.flatnonzero(subjects != subjects[paper])
    for source in list(rng.choice(same, 2, replace=False)) + [rng.choice(other)]:
        citations.append((paper, source))
edges = tf.convert_to_tensor(np.array(citations), dtype=tf.int64)
node_states = tf.convert_to_tensor(features)

random_indices = rng.permutation(num_nodes)
train_indices = random_indices[:60]
test_indices = random_indices[60:]
train_labels = subjects[train_indices]
test_labels = subjects[test_indices]


class GraphAttention(layers.Layer):
    def __init__(
        self,
        units,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = units
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[0][-1], self.units),
            trainable=True,
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            name="kernel",
        )
        self.kernel_attention = self.add_weight(
            shape=(self.units * 2, 1),
            trainable=True,
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            name="kernel_attention",
        )
        self.built = True

    def call(self, inputs):
        node_states, edges = inputs

        # Linearly transform node states
        node_states_transformed = tf.matmul(node_states, self.kernel)

        # (1) Compute pair-wise attention scores
        node_states_expanded = tf.gather(node_states_transformed, edges)
        node_states_expanded = tf.reshape(
            node_states_expanded, (tf.shape(edges)[0], -1)
        )
        attention_scores = tf.nn.leaky_relu(
            tf.matmul(node_states_expanded, self.kernel_attention)
        )
        attention_scores = tf.squeeze(attention_scores, -1)

        # (2) Normalize attention scores
        attention_scores = tf.math.exp(tf.clip_by_value(attention_scores, -2, 2))
        attention_scores_sum = tf.math.unsorted_segment_sum(
            data=attention_scores,
            segment_ids=edges[:, 0],
            num_segments=tf.reduce_max(edges[:, 0]) + 1,
        )
        attention_scores_sum = tf.repeat(
            attention_scores_sum, tf.math.bincount(tf.cast(edges[:, 0], "int32"))
        )
        attention_scores_norm = attention_scores / attention_scores_sum

        # (3) Gather node states of neighbors, apply attention scores and aggregate
        node_states_neighbors = tf.gather(node_states_transformed, edges[:, 1])
        out = tf.math.unsorted_segment_sum(
            data=node_states_neighbors * attention_scores_norm[:, tf.newaxis],
            segment_ids=edges[:, 0],
            num_segments=tf.shape(node_states)[0],
        )
        return out


class MultiHeadGraphAttention(layers.Layer):
    def __init__(self, units, num_heads=8, merge_type="concat", **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.merge_type = merge_type
        self.attention_layers = [GraphAttention(units) for _ in range(num_heads)]

    def call(self, inputs):
        atom_features, pair_indices = inputs

        # Obtain outputs from each attention head
        outputs = [
            attention_layer([atom_features, pair_indices])
            for attention_layer in self.attention_layers
        ]
        # Concatenate or average the node states from each head
        if self.merge_type == "concat":
            outputs = tf.concat(outputs, axis=-1)
        else:
            outputs = tf.reduce_mean(tf.stack(outputs, axis=-1), axis=-1)
        # Activate and return node states
        return tf.nn.relu(outputs)


class GraphAttentionNetwork(keras.Model):
    def __init__(
        self,
        node_states,
        edges,
        hidden_units,
        num_heads,
        num_layers,
        output_dim,
        merge_type="concat",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.node_states = node_states
        self.edges = edges
        self.preprocess = layers.Dense(hidden_units * num_heads, activation="relu")
        self.attention_layers = [
            MultiHeadGraphAttention(hidden_units, num_heads, merge_type)
            for _ in range(num_layers)
        ]
        self.output_layer = layers.Dense(output_dim)

    def call(self, inputs):
        node_states, edges = inputs
        x = self.preprocess(node_states)
        for attention_layer in self.attention_layers:
            x = attention_layer([x, edges]) + x
        outputs = self.output_layer(x)
        return outputs

    def train_step(self, data):
        indices, labels = data

        with tf.GradientTape() as tape:
            # Forward pass
            outputs = self([self.node_states, self.edges])
            # Compute loss
            loss = self.compute_loss(y=labels, y_pred=tf.gather(outputs, indices))
        # Compute gradients
        grads = tape.gradient(loss, self.trainable_weights)
        # Apply gradients (update weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        # Update metric(s)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(labels, tf.gather(outputs, indices))
        return {m.name: m.result() for m in self.metrics}

    def predict_step(self, data):
        indices = data
        # Forward pass
        outputs = self([self.node_states, self.edges])
        # Compute probabilities
        return tf.nn.softmax(tf.gather(outputs, indices))

    def test_step(self, data):
        indices, labels = data
        # Forward pass
        outputs = self([self.node_states, self.edges])
        # Compute loss
        loss = self.compute_loss(y=labels, y_pred=tf.gather(outputs, indices), training=False)
        # Update metric(s)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(labels, tf.gather(outputs, indices))
        return {m.name: m.result() for m in self.metrics}


HIDDEN_UNITS = 8
NUM_HEADS = 4
NUM_LAYERS = 2
OUTPUT_DIM = num_classes
NUM_EPOCHS = 8
BATCH_SIZE = 16
LEARNING_RATE = 3e-2

RESULT = {}
draw = np.random.default_rng(17)
for merge_type in ("concat",):
    gat_model = GraphAttentionNetwork(
        node_states, edges, HIDDEN_UNITS, NUM_HEADS, NUM_LAYERS, OUTPUT_DIM, merge_type
    )
    whole = gat_model([node_states, edges])
    RESULT[f"{merge_type}_output_rows"] = float(whole.shape[0])
    RESULT[f"{merge_type}_weights"] = float(len(gat_model.trainable_weights))
    RESULT[f"{merge_type}_params"] = float(gat_model.count_params())
    gat_model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32")
                           for w in gat_model.get_weights()])

    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.SGD(LEARNING_RATE, momentum=0.9)
    accuracy_fn = keras.metrics.SparseCategoricalAccuracy(name="acc")
    early_stopping = keras.callbacks.EarlyStopping(
        monitor="val_acc", min_delta=1e-5, patience=5, restore_best_weights=True
    )
    gat_model.compile(loss=loss_fn, optimizer=optimizer, metrics=[accuracy_fn])
    history = gat_model.fit(
        x=train_indices,
        y=train_labels,
        validation_split=0.2,
        batch_size=BATCH_SIZE,
        epochs=NUM_EPOCHS,
        shuffle=False,
        callbacks=[early_stopping],
        verbose=0,
    )
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"{merge_type}_loss_{epoch}"] = float(value)
    RESULT[f"{merge_type}_history_keys"] = float(len(history.history))
    RESULT[f"{merge_type}_best_val_acc"] = float(max(history.history["val_acc"]))
    test_loss, test_accuracy = gat_model.evaluate(x=test_indices, y=test_labels, verbose=0)
    RESULT[f"{merge_type}_test_loss"] = float(test_loss)
    RESULT[f"{merge_type}_test_accuracy"] = float(test_accuracy)
    test_probs = gat_model.predict(x=test_indices, verbose=0)
    RESULT[f"{merge_type}_predict_rows"] = float(test_probs.shape[0])
    RESULT[f"{merge_type}_probability_sum"] = float(np.sum(test_probs))
    RESULT[f"{merge_type}_predicted_accuracy"] = float(
        np.mean(np.argmax(test_probs, axis=-1) == test_labels))
print(RESULT)
