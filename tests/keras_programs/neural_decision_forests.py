"""The Keras example "Classification with Neural Decision Forests"
(structured_data/deep_neural_decision_forests.py), on a synthetic census-like table.

As the example: a dict of Inputs (float32 with shape=() for numeric features, int32 indices for
the categorical ones, which the example's tf.data pipeline has already looked up), each
categorical column embedded in int(sqrt(vocabulary)) dimensions, each numeric one given a last
axis with ops.expand_dims on the symbolic tensor, all joined by layers.concatenate and batch
normalized. A NeuralDecisionTree is a subclassed Model with a constant feature mask (rows of an
identity picked at random, not a weight), a leaf-class weight pi made by add_weight and a
sigmoid Dense routing layer; its call routes each row down the tree breadth-first (ops.tile,
slices of the decisions and their complements joined with layers.concatenate, ops.ones of the
symbolic batch size) and mixes the softmax of pi by the leaf probabilities. A
NeuralDecisionForest averages a list of trees, each on half of the features. Both are called on
symbolic tensors inside a functional model and trained with Adam on the sparse categorical
cross-entropy of the probabilities. Weights start from a NumPy draw and batches are unshuffled,
so the losses are Keras's to float32 rounding.
"""

import math

import numpy as np

import numnet as keras
from numnet import layers, ops

np.random.seed(7)
rng = np.random.default_rng(7)
NUMERIC_FEATURE_NAMES = ["age", "hours_per_week", "capital_gain"]
CATEGORICAL_FEATURES_WITH_VOCABULARY = {
    "workclass": ["private", "self", "gov", "none"],
    "education": [f"level_{i}" for i in range(9)],
}
CATEGORICAL_FEATURE_NAMES = list(CATEGORICAL_FEATURES_WITH_VOCABULARY)
FEATURE_NAMES = NUMERIC_FEATURE_NAMES + CATEGORICAL_FEATURE_NAMES
TARGET_LABELS = [" <=50K", " >50K"]


def make_table(n):
    age = rng.normal(0, 1, n)
    hours = rng.normal(0, 1, n)
    gain = rng.exponential(1.0, n) - 1.0
    workclass = rng.integers(0, 4, n)
    education = rng.integers(0, 9, n)
    score = 0.9 * age + 0.7 * hours + 0.8 * gain + 0.25 * education - 1.0 - 0.8 * (workclass == 3)
    labels = (score + rng.normal(0, 0.4, n) > 0).astype("int32")
    features = {
        "age": age.astype("float32"),
        "hours_per_week": hours.astype("float32"),
        "capital_gain": gain.astype("float32"),
        "workclass": workclass.astype("int32"),
        "education": education.astype("int32"),
    }
    return features, labels


train_x, train_y = make_table(512)
test_x, test_y = make_table(256)


def create_model_inputs():
    inputs = {}
    for feature_name in FEATURE_NAMES:
        if feature_name in NUMERIC_FEATURE_NAMES:
            inputs[feature_name] = layers.Input(name=feature_name, shape=(), dtype="float32")
        else:
            inputs[feature_name] = layers.Input(name=feature_name, shape=(), dtype="int32")
    return inputs


def encode_inputs(inputs):
    encoded_features = []
    for feature_name in inputs:
        if feature_name in CATEGORICAL_FEATURE_NAMES:
            vocabulary = CATEGORICAL_FEATURES_WITH_VOCABULARY[feature_name]
            embedding_dims = int(math.sqrt(len(vocabulary)))
            embedding = layers.Embedding(input_dim=len(vocabulary), output_dim=embedding_dims)
            encoded_feature = embedding(inputs[feature_name])
        else:
            encoded_feature = inputs[feature_name]
            if inputs[feature_name].shape[-1] is None:
                encoded_feature = keras.ops.expand_dims(encoded_feature, -1)
        encoded_features.append(encoded_feature)
    return layers.concatenate(encoded_features)


class NeuralDecisionTree(keras.Model):
    def __init__(self, depth, num_features, used_features_rate, num_classes):
        super().__init__()
        self.depth = depth
        self.num_leaves = 2**depth
        self.num_classes = num_classes

        num_used_features = int(num_features * used_features_rate)
        one_hot = np.eye(num_features)
        sampled_feature_indices = np.random.choice(
            np.arange(num_features), num_used_features, replace=False
        )
        self.used_features_mask = ops.convert_to_tensor(
            one_hot[sampled_feature_indices], dtype="float32"
        )
        self.pi = self.add_weight(
            initializer="random_normal",
            shape=[self.num_leaves, self.num_classes],
            dtype="float32",
            trainable=True,
        )
        self.decision_fn = layers.Dense(units=self.num_leaves, activation="sigmoid",
                                        name="decision")

    def call(self, features):
        batch_size = ops.shape(features)[0]
        features = ops.matmul(features, ops.transpose(self.used_features_mask))
        decisions = ops.expand_dims(self.decision_fn(features), axis=2)
        decisions = layers.concatenate([decisions, 1 - decisions], axis=2)

        mu = ops.ones([batch_size, 1, 1])
        begin_idx = 1
        end_idx = 2
        for level in range(self.depth):
            mu = ops.reshape(mu, [batch_size, -1, 1])
            mu = ops.tile(mu, (1, 1, 2))
            level_decisions = decisions[:, begin_idx:end_idx, :]
            mu = mu * level_decisions
            begin_idx = end_idx
            end_idx = begin_idx + 2 ** (level + 1)

        mu = ops.reshape(mu, [batch_size, self.num_leaves])
        probabilities = keras.activations.softmax(self.pi)
        outputs = ops.matmul(mu, probabilities)
        return outputs


class NeuralDecisionForest(keras.Model):
    def __init__(self, num_trees, depth, num_features, used_features_rate, num_classes):
        super().__init__()
        self.ensemble = []
        for _ in range(num_trees):
            self.ensemble.append(
                NeuralDecisionTree(depth, num_features, used_features_rate, num_classes)
            )

    def call(self, inputs):
        batch_size = ops.shape(inputs)[0]
        outputs = ops.zeros([batch_size, num_classes])
        for tree in self.ensemble:
            outputs += tree(inputs)
        outputs /= len(self.ensemble)
        return outputs


learning_rate = 0.01
batch_size = 64
num_epochs = 6
RESULT = {}


def from_draw(model):
    draw = [rng.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else
            np.zeros(w.shape, "float32") for w in model.get_weights()]
    # BatchNormalization keeps gamma and moving variance at one
    for index, weight in enumerate(model.weights):
        if weight.path.endswith(("gamma", "moving_variance")):
            draw[index] = np.ones(weight.shape, "float32")
    model.set_weights(draw)


def run_experiment(model, tag):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(train_x, train_y, batch_size=batch_size, epochs=num_epochs,
                        shuffle=False, verbose=0)
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"{tag}_loss_{epoch}"] = float(value)
    _, accuracy = model.evaluate(test_x, test_y, batch_size=batch_size, verbose=0)
    RESULT[f"{tag}_accuracy"] = float(accuracy)
    RESULT[f"{tag}_params"] = float(model.count_params())
    RESULT[f"{tag}_weights"] = float(len(model.weights))


num_trees = 3
depth = 3
used_features_rate = 1.0
num_classes = len(TARGET_LABELS)


def create_tree_model():
    inputs = create_model_inputs()
    features = encode_inputs(inputs)
    features = layers.BatchNormalization()(features)
    num_features = features.shape[1]
    tree = NeuralDecisionTree(depth, num_features, used_features_rate, num_classes)
    outputs = tree(features)
    return keras.Model(inputs=inputs, outputs=outputs)


tree_model = create_tree_model()
RESULT["encoded_width"] = float(tree_model.layers[-2].output.shape[-1])
from_draw(tree_model)
run_experiment(tree_model, "tree")
tree = tree_model.layers[-1]
RESULT["tree_mask_is_weight"] = float(any("mask" in w.path for w in tree.weights))
RESULT["tree_mask_sum"] = float(ops.convert_to_numpy(ops.sum(tree.used_features_mask)))
probe = {key: value[:5] for key, value in test_x.items()}
RESULT["tree_row_sum_error"] = float(np.abs(tree_model.predict(probe, verbose=0).sum(1) - 1).max())

depth = 2
used_features_rate = 0.5


def create_forest_model():
    inputs = create_model_inputs()
    features = encode_inputs(inputs)
    features = layers.BatchNormalization()(features)
    num_features = features.shape[1]
    forest_model = NeuralDecisionForest(num_trees, depth, num_features, used_features_rate,
                                        num_classes)
    outputs = forest_model(features)
    return keras.Model(inputs=inputs, outputs=outputs)


forest_model = create_forest_model()
from_draw(forest_model)
run_experiment(forest_model, "forest")
forest = forest_model.layers[-1]
RESULT["forest_trees"] = float(len(forest.ensemble))
RESULT["forest_mask_rows"] = float(forest.ensemble[0].used_features_mask.shape[0])
print(RESULT)
