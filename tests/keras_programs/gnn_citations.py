"""The Keras example "Node classification with graph neural networks" (graph/gnn_citations.py),
on a small synthetic citation graph in the place of Cora.

The graph: 96 papers of 3 subjects, each with 24 noisy binary word features, each citing 4
papers (3 of its own subject). A GraphConvLayer prepares a message per edge with an FFN
(BatchNormalization, Dropout, Dense with tf.nn.gelu) of the neighbour gathered by tf.gather,
weights it by the edge weight, aggregates the messages per node with
tf.math.unsorted_segment_sum / _mean / _max, combines them with the node's own representation
(tf.concat, or tf.stack into a sequence of two and tf.unstack after the FFN) and
l2-normalizes. The GNNNodeClassifier is a subclassed tf.keras.Model that keeps the graph as
attributes and takes a batch of node indices. Three models (sum + concat, mean + gru,
max + add) are built by calling them on three indices, set to the same NumPy draw and trained
by fit on unshuffled batches with validation_split and EarlyStopping(restore_best_weights);
the loss per epoch is Keras's to float32 rounding. Then new nodes and their citations are
added to the graph by assigning the model's attributes, and predicted.
"""

import numpy as np
from numnet.keras import layers

import numnet as keras
import numnet as tf

rng = np.random.default_rng(7)
num_classes = 3
num_nodes = 96
num_features = 24
subjects = np.repeat(np.arange(num_classes), num_nodes // num_classes)
rng.shuffle(subjects)
word_probability = rng.uniform(0.0, 0.9, (num_classes, num_features))
features = (rng.uniform(size=(num_nodes, num_features))
            < word_probability[subjects]).astype("float32")

citations = []
for paper in range(num_nodes):
    same = np.flatnonzero(subjects == subjects[paper])
    other = np.flatnonzero(subjects != subjects[paper])
    for cited in list(rng.choice(same, 3, replace=False)) + [rng.choice(other)]:
        citations.append((paper, cited))
edges = np.array(citations).T  # [2, num_edges]: source, target
edge_weights = tf.ones(shape=edges.shape[1])
node_features = tf.cast(features, dtype=tf.dtypes.float32)
graph_info = (node_features, edges, edge_weights)

order = rng.permutation(num_nodes)
train_ids, test_ids = order[:64], order[64:]
x_train, y_train = train_ids, subjects[train_ids]
x_test, y_test = test_ids, subjects[test_ids]

hidden_units = [16, 16]
learning_rate = 0.01
dropout_rate = 0.0
num_epochs = 12
batch_size = 16


def run_experiment(model, x_train, y_train):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
    )
    early_stopping = keras.callbacks.EarlyStopping(
        monitor="val_acc", patience=50, restore_best_weights=True
    )
    history = model.fit(
        x=x_train,
        y=y_train,
        epochs=num_epochs,
        batch_size=batch_size,
        validation_split=0.25,
        shuffle=False,
        callbacks=[early_stopping],
        verbose=0,
    )
    return history


def create_ffn(hidden_units, dropout_rate, name=None):
    fnn_layers = []
    for units in hidden_units:
        fnn_layers.append(layers.BatchNormalization())
        fnn_layers.append(layers.Dropout(dropout_rate))
        fnn_layers.append(layers.Dense(units, activation=tf.nn.gelu))
    return keras.Sequential(fnn_layers, name=name)


class GraphConvLayer(layers.Layer):
    def __init__(
        self,
        hidden_units,
        dropout_rate=0.2,
        aggregation_type="mean",
        combination_type="concat",
        normalize=False,
        *args,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.aggregation_type = aggregation_type
        self.combination_type = combination_type
        self.normalize = normalize
        self.ffn_prepare = create_ffn(hidden_units, dropout_rate)
        self.update_fn = create_ffn(hidden_units, dropout_rate)

    def prepare(self, node_repesentations, weights=None):
        messages = self.ffn_prepare(node_repesentations)
        if weights is not None:
            messages = messages * tf.expand_dims(weights, -1)
        return messages

    def aggregate(self, node_indices, neighbour_messages, node_repesentations):
        num_nodes = node_repesentations.shape[0]
        if self.aggregation_type == "sum":
            aggregated_message = tf.math.unsorted_segment_sum(
                neighbour_messages, node_indices, num_segments=num_nodes
            )
        elif self.aggregation_type == "mean":
            aggregated_message = tf.math.unsorted_segment_mean(
                neighbour_messages, node_indices, num_segments=num_nodes
            )
        elif self.aggregation_type == "max":
            aggregated_message = tf.math.unsorted_segment_max(
                neighbour_messages, node_indices, num_segments=num_nodes
            )
        else:
            raise ValueError(f"Invalid aggregation type: {self.aggregation_type}.")
        return aggregated_message

    def update(self, node_repesentations, aggregated_messages):
        if self.combination_type == "gru":
            h = tf.stack([node_repesentations, aggregated_messages], axis=1)
        elif self.combination_type == "concat":
            h = tf.concat([node_repesentations, aggregated_messages], axis=1)
        elif self.combination_type == "add":
            h = node_repesentations + aggregated_messages
        else:
            raise ValueError(f"Invalid combination type: {self.combination_type}.")
        node_embeddings = self.update_fn(h)
        if self.combination_type == "gru":
            node_embeddings = tf.unstack(node_embeddings, axis=1)[-1]
        if self.normalize:
            node_embeddings = tf.nn.l2_normalize(node_embeddings, axis=-1)
        return node_embeddings

    def call(self, inputs):
        node_repesentations, edges, edge_weights = inputs
        node_indices, neighbour_indices = edges[0], edges[1]
        neighbour_repesentations = tf.gather(node_repesentations, neighbour_indices)
        neighbour_messages = self.prepare(neighbour_repesentations, edge_weights)
        aggregated_messages = self.aggregate(node_indices, neighbour_messages, node_repesentations)
        return self.update(node_repesentations, aggregated_messages)


class GNNNodeClassifier(tf.keras.Model):
    def __init__(
        self,
        graph_info,
        num_classes,
        hidden_units,
        aggregation_type="sum",
        combination_type="concat",
        dropout_rate=0.2,
        normalize=True,
        *args,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        node_features, edges, edge_weights = graph_info
        self.node_features = node_features
        self.edges = edges
        self.edge_weights = edge_weights
        if self.edge_weights is None:
            self.edge_weights = tf.ones(shape=edges.shape[1])
        self.edge_weights = self.edge_weights / tf.math.reduce_sum(self.edge_weights)

        self.preprocess = create_ffn(hidden_units, dropout_rate, name="preprocess")
        self.conv1 = GraphConvLayer(hidden_units, dropout_rate, aggregation_type,
                                    combination_type, normalize, name="graph_conv1")
        self.conv2 = GraphConvLayer(hidden_units, dropout_rate, aggregation_type,
                                    combination_type, normalize, name="graph_conv2")
        self.postprocess = create_ffn(hidden_units, dropout_rate, name="postprocess")
        self.compute_logits = layers.Dense(units=num_classes, name="logits")

    def call(self, input_node_indices):
        x = self.preprocess(self.node_features)
        x1 = self.conv1((x, self.edges, self.edge_weights))
        x = x1 + x
        x2 = self.conv2((x, self.edges, self.edge_weights))
        x = x2 + x
        x = self.postprocess(x)
        node_embeddings = tf.gather(x, input_node_indices)
        return self.compute_logits(node_embeddings)


RESULT = {}
draw = np.random.default_rng(11)
for aggregation, combination in (("sum", "concat"), ("mean", "gru"), ("max", "add")):
    tag = aggregation
    gnn_model = GNNNodeClassifier(
        graph_info=graph_info,
        num_classes=num_classes,
        hidden_units=hidden_units,
        aggregation_type=aggregation,
        combination_type=combination,
        dropout_rate=dropout_rate,
        name="gnn_model",
    )
    probe = gnn_model(np.array([1, 10, 50]))
    RESULT[f"{tag}_probe_rows"] = float(probe.shape[0])
    RESULT[f"{tag}_params"] = float(gnn_model.count_params())
    RESULT[f"{tag}_weights"] = float(len(gnn_model.weights))
    # kernels from the draw; biases, BatchNormalization's scales and statistics as built
    gnn_model.set_weights([
        draw.normal(0.0, 0.4, w.shape).astype("float32") if w.ndim == 2 else w
        for w in gnn_model.get_weights()
    ])
    history = run_experiment(gnn_model, x_train, y_train)
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"{tag}_loss_{epoch}"] = float(value)
    RESULT[f"{tag}_val_loss_last"] = float(history.history["val_loss"][-1])
    RESULT[f"{tag}_best_val_acc"] = float(max(history.history["val_acc"]))
    _, test_accuracy = gnn_model.evaluate(x=x_test, y=y_test, verbose=0)
    RESULT[f"{tag}_test_accuracy"] = float(test_accuracy)

# New papers, each citing five papers of one subject and two of any, join the graph.
new_instances = (rng.uniform(size=(num_classes, num_features))
                 < word_probability).astype("float32")
new_node_features = np.concatenate([node_features, new_instances])
new_node_indices = [i + num_nodes for i in range(num_classes)]
new_citations = []
for subject_idx in range(num_classes):
    subject_papers = np.flatnonzero(subjects == subject_idx)
    selected = np.concatenate([rng.choice(subject_papers, 5), rng.choice(num_nodes, 2)])
    for cited_paper_idx in selected:
        new_citations.append([new_node_indices[subject_idx], cited_paper_idx])
new_citations = np.array(new_citations).T
new_edges = np.concatenate([edges, new_citations], axis=1)

gnn_model.edges = new_edges
gnn_model.node_features = new_node_features
gnn_model.edge_weights = tf.ones(shape=new_edges.shape[1])
logits = gnn_model.predict(tf.convert_to_tensor(new_node_indices), verbose=0)
probabilities = keras.activations.softmax(tf.convert_to_tensor(logits)).numpy()
RESULT["new_rows"] = float(probabilities.shape[0])
RESULT["new_probability_sum"] = float(probabilities.sum())
RESULT["new_logit_sum"] = float(np.sum(logits))
print(RESULT)
