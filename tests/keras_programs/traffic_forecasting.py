"""After the keras.io example "Traffic forecasting using graph neural networks and LSTM": road
speeds split and normalized by the training mean and std; windows of 12 steps and a target 3
steps ahead made by two timeseries_dataset_from_array calls zipped with tf.data.Dataset.zip
(prefetch, cache); an adjacency from a Gaussian kernel of the road distances with a
threshold, its edges from np.where; a GraphConv layer (a weight from add_weight with
glorot_uniform, the neighbours gathered with ops.take, aggregated with ops.segment_sum,
segment_max or a mean, ops.matmul on a 4-D tensor, combined by concatenation) inside an LSTMGC
layer that transposes to (nodes, batch, time, features), reshapes for an LSTM with relu
activation and back, with get_config so that the model saves to a .keras file and loads with
custom_objects; trained with RMSprop on MeanSquaredError with EarlyStopping, then the forecast
is compared with the naive one. The weights start from a NumPy draw and the batches are not
shuffled, so the losses follow Keras's.
"""

import numpy as np
from numnet.keras.preprocessing import timeseries_dataset_from_array

import numnet as keras
import numnet as tf
from numnet import layers, ops

rng = np.random.default_rng(3)
num_routes = 8
num_time_steps = 400
angles = np.arange(num_routes) * 2 * np.pi / num_routes
positions = np.stack([np.cos(angles), np.sin(angles)], axis=1) * 3000.0
route_distances = np.sqrt(((positions[:, None, :] - positions[None, :, :]) ** 2).sum(-1))
time = np.arange(num_time_steps)[:, None]
phase = np.arange(num_routes)[None, :] * 0.4
speeds_array = (60 + 8 * np.sin(2 * np.pi * time / 48 + phase)
                + 3 * np.sin(2 * np.pi * time / 12 + 2 * phase)
                + rng.normal(0, 1.0, (num_time_steps, num_routes))).astype("float32")

train_size, val_size = 0.5, 0.2


def preprocess(data_array: np.ndarray, train_size: float, val_size: float):
    num_time_steps = data_array.shape[0]
    num_train, num_val = int(num_time_steps * train_size), int(num_time_steps * val_size)
    train_array = data_array[:num_train]
    mean, std = train_array.mean(axis=0), train_array.std(axis=0)
    train_array = (train_array - mean) / std
    val_array = (data_array[num_train: (num_train + num_val)] - mean) / std
    test_array = (data_array[(num_train + num_val):] - mean) / std
    return train_array, val_array, test_array


train_array, val_array, test_array = preprocess(speeds_array, train_size, val_size)

batch_size = 32
input_sequence_length = 12
forecast_horizon = 3
multi_horizon = False


def create_tf_dataset(data_array, input_sequence_length, forecast_horizon, batch_size=128,
                      shuffle=True, multi_horizon=True):
    inputs = timeseries_dataset_from_array(
        np.expand_dims(data_array[:-forecast_horizon], axis=-1),
        None,
        sequence_length=input_sequence_length,
        shuffle=False,
        batch_size=batch_size,
    )
    target_offset = (
        input_sequence_length
        if multi_horizon
        else input_sequence_length + forecast_horizon - 1
    )
    target_seq_length = forecast_horizon if multi_horizon else 1
    targets = timeseries_dataset_from_array(
        data_array[target_offset:],
        None,
        sequence_length=target_seq_length,
        shuffle=False,
        batch_size=batch_size,
    )
    dataset = tf.data.Dataset.zip((inputs, targets))
    if shuffle:
        dataset = dataset.shuffle(100)
    return dataset.prefetch(16).cache()


# the batches in order (shuffle=False), so that the loss trajectory can be compared
train_dataset, val_dataset = (
    create_tf_dataset(data_array, input_sequence_length, forecast_horizon, batch_size,
                      shuffle=False)
    for data_array in [train_array, val_array]
)
test_dataset = create_tf_dataset(
    test_array,
    input_sequence_length,
    forecast_horizon,
    batch_size=test_array.shape[0],
    shuffle=False,
    multi_horizon=multi_horizon,
)


def compute_adjacency_matrix(route_distances: np.ndarray, sigma2: float, epsilon: float):
    num_routes = route_distances.shape[0]
    route_distances = route_distances / 10000.0
    w2, w_mask = (
        route_distances * route_distances,
        np.ones([num_routes, num_routes]) - np.identity(num_routes),
    )
    return (np.exp(-w2 / sigma2) >= epsilon) * w_mask


class GraphInfo:
    def __init__(self, edges, num_nodes: int):
        self.edges = edges
        self.num_nodes = num_nodes


sigma2 = 0.1
epsilon = 0.5
adjacency_matrix = compute_adjacency_matrix(route_distances, sigma2, epsilon)
node_indices, neighbor_indices = np.where(adjacency_matrix == 1)
graph = GraphInfo(
    edges=(node_indices.tolist(), neighbor_indices.tolist()),
    num_nodes=adjacency_matrix.shape[0],
)
print(f"number of nodes: {graph.num_nodes}, number of edges: {len(graph.edges[0])}")


class GraphConv(layers.Layer):
    def __init__(self, in_feat, out_feat, graph_info: GraphInfo, aggregation_type="mean",
                 combination_type="concat", activation=None, **kwargs):
        super().__init__(**kwargs)
        self.in_feat = in_feat
        self.out_feat = out_feat
        self.graph_info = graph_info
        self.aggregation_type = aggregation_type
        self.combination_type = combination_type
        self.weight = self.add_weight(
            initializer=keras.initializers.GlorotUniform(),
            shape=(in_feat, out_feat),
            dtype="float32",
            trainable=True,
        )
        self.activation = layers.Activation(activation)

    def aggregate(self, neighbour_representations):
        segment_ids = ops.convert_to_tensor(self.graph_info.edges[0], dtype="int32")
        num_nodes = self.graph_info.num_nodes
        if self.aggregation_type == "sum":
            return ops.segment_sum(neighbour_representations, segment_ids,
                                   num_segments=num_nodes)
        if self.aggregation_type == "max":
            return ops.segment_max(neighbour_representations, segment_ids,
                                   num_segments=num_nodes)
        if self.aggregation_type == "mean":
            total = ops.segment_sum(neighbour_representations, segment_ids,
                                    num_segments=num_nodes)
            counts = ops.segment_sum(ops.ones_like(segment_ids, dtype="float32"),
                                     segment_ids, num_segments=num_nodes)
            return total / ops.maximum(ops.reshape(counts, (-1, 1, 1, 1)), 1.0)
        raise ValueError(f"Invalid aggregation type: {self.aggregation_type}")

    def compute_nodes_representation(self, features):
        return ops.matmul(features, self.weight)

    def compute_aggregated_messages(self, features):
        neighbour_representations = ops.take(features, self.graph_info.edges[1], axis=0)
        aggregated_messages = self.aggregate(neighbour_representations)
        return ops.matmul(aggregated_messages, self.weight)

    def update(self, nodes_representation, aggregated_messages):
        if self.combination_type == "concat":
            h = ops.concatenate([nodes_representation, aggregated_messages], axis=-1)
        elif self.combination_type == "add":
            h = nodes_representation + aggregated_messages
        else:
            raise ValueError(f"Invalid combination type: {self.combination_type}.")
        return self.activation(h)

    def call(self, features):
        nodes_representation = self.compute_nodes_representation(features)
        aggregated_messages = self.compute_aggregated_messages(features)
        return self.update(nodes_representation, aggregated_messages)


@keras.saving.register_keras_serializable(package="traffic")
class LSTMGC(layers.Layer):
    """Layer comprising a convolution layer followed by LSTM and dense layers."""

    def __init__(self, in_feat, out_feat, lstm_units: int, input_seq_len: int,
                 output_seq_len: int, edges, num_nodes: int, graph_conv_params=None,
                 **kwargs):
        super().__init__(**kwargs)
        if graph_conv_params is None:
            graph_conv_params = {
                "aggregation_type": "mean",
                "combination_type": "concat",
                "activation": None,
            }
        self.config = {"in_feat": in_feat, "out_feat": out_feat, "lstm_units": lstm_units,
                       "input_seq_len": input_seq_len, "output_seq_len": output_seq_len,
                       "edges": [list(edges[0]), list(edges[1])], "num_nodes": num_nodes,
                       "graph_conv_params": dict(graph_conv_params)}
        graph_info = GraphInfo(edges=edges, num_nodes=num_nodes)
        self.graph_conv = GraphConv(in_feat, out_feat, graph_info, **graph_conv_params)
        self.lstm = layers.LSTM(lstm_units, activation="relu")
        self.dense = layers.Dense(output_seq_len)
        self.input_seq_len, self.output_seq_len = input_seq_len, output_seq_len

    def call(self, inputs):
        # (batch_size, input_seq_len, num_nodes, in_feat) -> (num_nodes, batch, seq, in_feat)
        inputs = ops.transpose(inputs, [2, 0, 1, 3])
        gcn_out = self.graph_conv(inputs)
        shape = ops.shape(gcn_out)
        num_nodes, input_seq_len, out_feat = shape[0], shape[2], shape[3]
        gcn_out = ops.reshape(gcn_out, (-1, input_seq_len, out_feat))
        lstm_out = self.lstm(gcn_out)
        dense_output = self.dense(lstm_out)
        output = ops.reshape(dense_output, (num_nodes, -1, self.output_seq_len))
        return ops.transpose(output, [1, 2, 0])

    def get_config(self):
        return {**super().get_config(), **self.config}


in_feat = 1
epochs = 10
out_feat = 4
lstm_units = 16
graph_conv_params = {
    "aggregation_type": "mean",
    "combination_type": "concat",
    "activation": None,
}

st_gcn = LSTMGC(in_feat, out_feat, lstm_units, input_sequence_length, forecast_horizon,
                graph.edges, graph.num_nodes, graph_conv_params)
inputs = layers.Input((input_sequence_length, graph.num_nodes, in_feat))
outputs = st_gcn(inputs)

model = keras.models.Model(inputs, outputs)
draw = np.random.default_rng(0)
model.set_weights([draw.uniform(-0.3, 0.3, w.shape).astype("float32")
                   for w in model.get_weights()])
model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=0.003),
    loss=keras.losses.MeanSquaredError(),
)
history = model.fit(
    train_dataset,
    validation_data=val_dataset,
    epochs=epochs,
    callbacks=[keras.callbacks.EarlyStopping(patience=10)],
    verbose=0,
)

x_test, y = next(test_dataset.as_numpy_iterator())
y_pred = model.predict(x_test, verbose=0)
naive_mse, model_mse = (
    np.square(x_test[:, -1, :, 0] - y[:, 0, :]).mean(),
    np.square(y_pred[:, 0, :] - y[:, 0, :]).mean(),
)
print(f"naive MAE: {naive_mse}, model MAE: {model_mse}")

model.save("traffic.keras")
reloaded = keras.models.load_model("traffic.keras")
reload_gap = np.abs(reloaded.predict(x_test, verbose=0) - y_pred).max()

messages = {}
for aggregation in ("sum", "max", "mean"):
    conv = GraphConv(1, 2, graph, aggregation_type=aggregation, combination_type="add")
    probe = np.arange(num_routes * 2 * 3, dtype="float32").reshape(num_routes, 2, 3, 1)
    conv(probe)
    conv.set_weights([np.array([[1.0, -1.0]], dtype="float32")])
    messages[aggregation] = float(np.sum(np.asarray(conv(probe))[..., 0]))

RESULT = {
    "num_edges": float(len(graph.edges[0])),
    "train_batches": float(len(list(train_dataset))),
    "input_width": float(x_test.shape[2]),
    "target_steps": float(y.shape[1]),
    "test_rows": float(x_test.shape[0]),
    "output_rank": float(len(y_pred.shape)),
    "output_steps": float(y_pred.shape[1]),
    "params": float(model.count_params()),
    **{f"loss_{epoch}": float(value) for epoch, value in enumerate(history.history["loss"])},
    "val_loss_last": float(history.history["val_loss"][-1]),
    "naive_mse": float(naive_mse),
    "model_mse": float(model_mse),
    "reload_gap": float(reload_gap),
    **{f"{name}_messages": value for name, value in messages.items()},
}
print(RESULT)
