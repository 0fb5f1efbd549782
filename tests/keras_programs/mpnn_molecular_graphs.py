"""After the keras.io example "Message-passing neural network (MPNN) for molecular property
prediction": Featurizer classes that one-hot encode atoms and bonds, molecules as fixed-size
buffers (atom features, bond features, pair indices with self-loops, a mask), a PyDataset
that merges each batch into one disjoint graph (pair indices shifted by the molecule's offset,
a molecule indicator per atom), an EdgeNetwork layer (a kernel of bond_dim x atom_dim**2
turned into one matrix per bond, ops.take of the neighbours, ops.segment_sum of the
messages), a MessagePassing layer (ops.pad of the atom features, a GRUCell called on
(messages, state) and LayerNormalization, for k steps), a GatedReadout layer (sigmoid gate
times tanh features, the mask, a mean made of two ops.segment_sum and ops.segment_max), a
functional model of five named inputs (two of them int32 and of shape ()), an L2 kernel
regularizer and Dropout, CosineDecay with a linear warmup (initial_learning_rate 0,
warmup_target), AdamW with global_clipnorm, the AUC metric, class_weight on a PyDataset,
validation_data as a PyDataset and predict on one.

Molecules are random chains with a ring bond made from a NumPy seed (the example reads
BBBP's SMILES with RDKit), atoms C, N, O or Cl, and a molecule is "permeable" when an N is
bonded to an O: a label that only message passing between neighbours can see. The weights
start from a NumPy draw, so the predictions and the loss before training are Keras's to
float32 rounding; training uses Dropout, so after it only the AUC is compared.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops, regularizers

keras.utils.set_random_seed(42)

# --- GLOBAL CONFIGURATION ---
MAX_ATOMS = 10  # Maximum atoms per molecule
MAX_BONDS = 30  # Maximum bonds per molecule (self-loops included)
BATCH_SIZE = 16
EPOCHS = 8
LEARNING_RATE = 5e-3

rng = np.random.default_rng(3)


class Featurizer:
    def __init__(self, allowable_sets):
        self.dim = 0
        self.features_mapping = {}
        for k, s in allowable_sets.items():
            s = sorted(list(s))
            self.features_mapping[k] = dict(zip(s, range(self.dim, len(s) + self.dim)))
            self.dim += len(s)

    def encode(self, inputs):
        output = np.zeros((self.dim,), dtype="float32")
        for name_feature, feature_mapping in self.features_mapping.items():
            feature = getattr(self, name_feature)(inputs)
            if feature in feature_mapping:
                output[feature_mapping[feature]] = 1.0
        return output


class AtomFeaturizer(Featurizer):
    def symbol(self, atom):
        return atom["symbol"]

    def n_valence(self, atom):
        return atom["valence"]

    def n_hydrogens(self, atom):
        return atom["hydrogens"]


class BondFeaturizer(Featurizer):
    def __init__(self, allowable_sets):
        super().__init__(allowable_sets)
        self.dim += 1

    def encode(self, bond):
        output = np.zeros((self.dim,), dtype="float32")
        if bond is None:
            output[-1] = 1.0
            return output
        for name_feature, feature_mapping in self.features_mapping.items():
            feature = getattr(self, name_feature)(bond)
            if feature in feature_mapping:
                output[feature_mapping[feature]] = 1.0
        return output

    def bond_type(self, bond):
        return bond["type"]

    def conjugated(self, bond):
        return bond["conjugated"]


atom_featurizer = AtomFeaturizer(
    {
        "symbol": {"C", "Cl", "N", "O"},
        "n_valence": {1, 2, 3, 4},
        "n_hydrogens": {0, 1, 2, 3},
    }
)
bond_featurizer = BondFeaturizer(
    {
        "bond_type": {"single", "double"},
        "conjugated": {True, False},
    }
)
VALENCE = {"C": 4, "N": 3, "O": 2, "Cl": 1}


def random_molecule():
    """A chain of atoms with one ring bond: (atoms, {(i, j): bond})."""
    n = int(rng.integers(4, MAX_ATOMS + 1))
    symbols = rng.choice(["C", "N", "O", "Cl"], size=n, p=[0.55, 0.2, 0.15, 0.1])
    edges = [(i, i + 1) for i in range(n - 1)]
    if n > 4:
        edges.append((0, int(rng.integers(3, n))))
    bonds = {}
    for i, j in edges:
        bond = {"type": str(rng.choice(["single", "double"], p=[0.8, 0.2])),
                "conjugated": bool(rng.random() < 0.3)}
        bonds[(i, j)] = bonds[(j, i)] = bond
    atoms = []
    for i, s in enumerate(symbols):
        degree = sum(1 for (a, _) in bonds if a == i)
        atoms.append({"symbol": str(s), "valence": VALENCE[s],
                      "hydrogens": max(0, min(3, VALENCE[s] - degree))})
    label = any(
        {symbols[i], symbols[j]} == {"N", "O"} for (i, j) in edges
    )
    return atoms, bonds, float(label)


def molecule_to_graph(atoms, bonds):
    """Fixed-size buffers: atom features, bond features, pair indices, mask."""
    a_feat = np.zeros((MAX_ATOMS, atom_featurizer.dim), dtype="float32")
    b_feat = np.zeros((MAX_BONDS, bond_featurizer.dim), dtype="float32")
    p_idx = np.zeros((MAX_BONDS, 2), dtype="int32")
    mask = np.zeros((MAX_ATOMS,), dtype="float32")

    for i, atom in enumerate(atoms):
        a_feat[i] = atom_featurizer.encode(atom)
        mask[i] = 1.0

    b_count = 0
    for i in range(len(atoms)):
        # Add self-loop (standard in MPNN)
        p_idx[b_count] = [i, i]
        b_feat[b_count] = bond_featurizer.encode(None)
        b_count += 1
        for j in range(len(atoms)):
            if (i, j) in bonds and b_count < MAX_BONDS:
                p_idx[b_count] = [i, j]
                b_feat[b_count] = bond_featurizer.encode(bonds[(i, j)])
                b_count += 1
    return a_feat, b_feat, p_idx, mask


molecules = [random_molecule() for _ in range(176)]
processed_data = [molecule_to_graph(atoms, bonds) for atoms, bonds, _ in molecules]
labels = np.array([label for _, _, label in molecules], dtype="float32")

a, b, p, m = processed_data[0]
print("Graph (including self-loops and padding):")
print(f"\tatom features\t {a.shape}")
print(f"\tbond features\t {b.shape}")
print(f"\tpair indices \t {p.shape}")


class MPNNDataset(keras.utils.PyDataset):
    def __init__(self, data, labels, batch_size=64, shuffle=False, **kwargs):
        super().__init__(**kwargs)
        self.data, self.labels, self.batch_size, self.shuffle = (
            data,
            labels,
            batch_size,
            shuffle,
        )
        self.indices = np.arange(len(data))
        if self.shuffle:
            np.random.shuffle(self.indices)

    def __len__(self):
        return int(np.ceil(len(self.indices) / self.batch_size))

    def __getitem__(self, idx):
        start, end = idx * self.batch_size, min(
            (idx + 1) * self.batch_size, len(self.indices)
        )
        batch_idx = self.indices[start:end]
        a = np.zeros((self.batch_size, MAX_ATOMS, atom_featurizer.dim), dtype="float32")
        b = np.zeros((self.batch_size, MAX_BONDS, bond_featurizer.dim), dtype="float32")
        p = np.zeros((self.batch_size, MAX_BONDS, 2), dtype="int32")
        m = np.zeros((self.batch_size, MAX_ATOMS), dtype="float32")
        y = np.zeros((self.batch_size, 1), dtype="float32")

        for i, real_idx in enumerate(batch_idx):
            a[i], b[i], p[i], m[i] = self.data[real_idx]
            y[i] = self.labels[real_idx]
            p[i] += i * MAX_ATOMS

        return {
            "atom_features": ops.convert_to_tensor(a.reshape(-1, atom_featurizer.dim)),
            "bond_features": ops.convert_to_tensor(b.reshape(-1, bond_featurizer.dim)),
            "pair_indices": ops.convert_to_tensor(p.reshape(-1, 2)),
            "molecule_indicator": ops.convert_to_tensor(
                np.repeat(np.arange(self.batch_size), MAX_ATOMS), dtype="int32"
            ),
            "mask": ops.convert_to_tensor(m.reshape(-1)),
        }, ops.convert_to_tensor(y)

    def on_epoch_end(self):
        if self.shuffle:
            np.random.shuffle(self.indices)


# Train: 128 | Valid: 32 | Test: 16, the order fixed (no shuffle, so Keras sees the same)
train_idx, val_idx, test_idx = np.arange(128), np.arange(128, 160), np.arange(160, 176)
train_dataset = MPNNDataset(
    [processed_data[i] for i in train_idx], labels[train_idx], batch_size=BATCH_SIZE
)
valid_dataset = MPNNDataset(
    [processed_data[i] for i in val_idx], labels[val_idx], batch_size=BATCH_SIZE
)
test_dataset = MPNNDataset(
    [processed_data[i] for i in test_idx], labels[test_idx], batch_size=BATCH_SIZE
)
print(f"Dataset Split: Train={len(train_idx)}, Valid={len(val_idx)}, Test={len(test_idx)}")


class EdgeNetwork(layers.Layer):
    def build(self, input_shape):
        self.atom_dim, self.bond_dim = input_shape[0][-1], input_shape[1][-1]
        self.kernel = self.add_weight(
            shape=(self.bond_dim, self.atom_dim**2), initializer="glorot_uniform"
        )
        self.bias = self.add_weight(shape=(self.atom_dim**2,), initializer="zeros")

    def call(self, inputs):
        atom_feat, bond_feat, pair_idx = inputs
        bond_transformed = ops.matmul(bond_feat, self.kernel) + self.bias
        bond_transformed = ops.reshape(
            bond_transformed, (-1, self.atom_dim, self.atom_dim)
        )
        neighbor_feat = ops.take(atom_feat, ops.cast(pair_idx[:, 1], "int32"), axis=0)
        messages = ops.squeeze(
            ops.matmul(bond_transformed, ops.expand_dims(neighbor_feat, -1)), -1
        )
        return ops.segment_sum(
            messages,
            ops.cast(pair_idx[:, 0], "int32"),
            num_segments=BATCH_SIZE * MAX_ATOMS,
        )


class MessagePassing(layers.Layer):
    def __init__(self, units, steps=4, **kwargs):
        super().__init__(**kwargs)
        self.units, self.steps = units, steps
        self.edge_net = EdgeNetwork()
        self.gru = layers.GRUCell(units)
        self.norm = layers.LayerNormalization()

    def call(self, inputs):
        atom_feat, bond_feat, pair_idx = inputs
        atom_feat = ops.pad(
            atom_feat, [(0, 0), (0, max(0, self.units - ops.shape(atom_feat)[-1]))]
        )
        for _ in range(self.steps):
            m = self.edge_net([atom_feat, bond_feat, pair_idx])
            atom_feat, _ = self.gru(m, atom_feat)
            atom_feat = self.norm(atom_feat)  # Normalize every step
        return atom_feat


class GatedReadout(layers.Layer):
    """A more stable readout using both Mean and Max pooling."""

    def __init__(self, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.gate = layers.Dense(embed_dim, activation="sigmoid")
        self.feat = layers.Dense(embed_dim, activation="tanh")

    def call(self, inputs):
        nodes, indicator, mask = inputs
        mask = ops.expand_dims(mask, -1)

        # Gated logic: atoms "decide" how much they contribute
        gated_x = self.gate(nodes) * self.feat(nodes)
        gated_x = gated_x * mask

        # Combined Mean and Max pooling for robustness
        x_mean = ops.segment_sum(
            gated_x, ops.cast(indicator, "int32"), num_segments=BATCH_SIZE
        ) / ops.maximum(
            ops.segment_sum(
                mask, ops.cast(indicator, "int32"), num_segments=BATCH_SIZE
            ),
            1e-6,
        )
        x_max = ops.segment_max(
            gated_x, ops.cast(indicator, "int32"), num_segments=BATCH_SIZE
        )

        return ops.concatenate([x_mean, x_max], axis=-1)


def MPNNModel(atom_dim, bond_dim):
    a_in = layers.Input(shape=(atom_dim,), name="atom_features")
    b_in = layers.Input(shape=(bond_dim,), name="bond_features")
    p_in = layers.Input(shape=(2,), dtype="int32", name="pair_indices")
    i_in = layers.Input(shape=(), dtype="int32", name="molecule_indicator")
    m_in = layers.Input(shape=(), name="mask")

    x = MessagePassing(16, steps=3, name="message_passing")([a_in, b_in, p_in])
    x = GatedReadout(16)([x, i_in, m_in])

    x = layers.Dense(32, activation="relu", kernel_regularizer=regularizers.l2(1e-3))(
        x
    )
    x = layers.Dropout(0.5)(x)  # High dropout for smoothness
    return keras.Model(
        inputs=[a_in, b_in, p_in, i_in, m_in],
        outputs=layers.Dense(1, activation="sigmoid")(x),
    )


# Learning Rate: a linear warmup over the first epoch, then a cosine decay
lr_schedule = keras.optimizers.schedules.CosineDecay(
    initial_learning_rate=0.0,
    decay_steps=len(train_dataset) * EPOCHS,
    warmup_target=LEARNING_RATE,
    warmup_steps=len(train_dataset),
)

mpnn = MPNNModel(atom_featurizer.dim, bond_featurizer.dim)
mpnn.set_weights(
    [rng.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
     for w in mpnn.get_weights()]
)
mpnn.compile(
    loss="binary_crossentropy",
    optimizer=keras.optimizers.AdamW(
        learning_rate=lr_schedule, weight_decay=1e-3, global_clipnorm=0.5
    ),
    metrics=[keras.metrics.AUC(name="AUC")],
)

# Before training: the same weights give the same numbers as Keras's
initial_predictions = ops.convert_to_numpy(mpnn.predict(valid_dataset, verbose=0))
initial_loss, initial_auc = mpnn.evaluate(valid_dataset, verbose=0)
inputs, _ = train_dataset[0]
message_layer = mpnn.get_layer("message_passing")
node_states = ops.convert_to_numpy(
    message_layer([inputs["atom_features"], inputs["bond_features"], inputs["pair_indices"]])
)
edge_messages = ops.convert_to_numpy(
    message_layer.edge_net(
        [ops.pad(inputs["atom_features"], [(0, 0), (0, 16 - atom_featurizer.dim)]),
         inputs["bond_features"], inputs["pair_indices"]]
    )
)

# the segment-sum messages by hand for the first batch's first molecule's atoms
atoms0, b0, p0, m0 = processed_data[train_idx[0]]
kernel, bias = [ops.convert_to_numpy(w) for w in message_layer.edge_net.weights]
padded = np.pad(atoms0, [(0, 0), (0, 16 - atom_featurizer.dim)])
by_hand = np.zeros((MAX_ATOMS, 16), "float32")
for (i, j), bond in zip(p0, b0):  # (padding bonds too: pair (0, 0), zero features)
    matrix = (bond @ kernel + bias).reshape(16, 16)
    by_hand[i] += matrix @ padded[j]

history = mpnn.fit(
    train_dataset,
    validation_data=valid_dataset,
    epochs=EPOCHS,
    verbose=0,
    class_weight={0: 1.0, 1: 2.0},
)

predictions = mpnn.predict(test_dataset, verbose=0)
y_pred = ops.convert_to_numpy(predictions)[: len(test_idx), 0]
y_true = labels[test_idx]
test_loss, test_auc = mpnn.evaluate(test_dataset, verbose=0)

RESULT = {
    "atom_dim": float(atom_featurizer.dim),
    "bond_dim": float(bond_featurizer.dim),
    "positive_fraction": float(labels.mean()),
    "params": float(mpnn.count_params()),
    "batches": float(len(train_dataset)),
    "initial_prediction_sum": float(initial_predictions.sum()),
    "initial_loss": float(initial_loss),
    "node_state_abs_sum": float(np.abs(node_states).sum()),
    "edge_message_gap": float(np.max(np.abs(edge_messages[:MAX_ATOMS] - by_hand))),
    "edge_message_abs_sum": float(np.abs(edge_messages).sum()),
    "loss_first": float(history.history["loss"][0]),
    "loss_last": float(history.history["loss"][-1]),
    "train_auc": float(history.history["AUC"][-1]),
    "val_auc": float(history.history["val_AUC"][-1]),
    "test_auc": float(test_auc),
    "predictions": float(y_pred.shape[0]),
    "test_accuracy": float(np.mean((y_pred > 0.5) == (y_true > 0.5))),
}
print(RESULT)
