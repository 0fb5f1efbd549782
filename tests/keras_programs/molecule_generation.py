"""After the keras.io example "Drug Molecule Generation with VAE": molecules as one-hot
adjacency tensors (bond type x atom x atom) and feature tensors (atom x atom type) with a
property in [0, 1]; a RelationalGraphConvLayer of its own (keras.activations.get,
initializers and regularizers by get, a 3-D kernel and bias from add_weight, tf.matmul over
the bond types, tf.reduce_sum); a functional encoder of two inputs to z_mean and log_var and
a decoder to a symmetrized, softmaxed adjacency (ops.transpose, Softmax(axis=1), a Dense
sized by int(tf.math.reduce_prod(...))) and features (Keras 3 takes neither tf.transpose of
a symbolic tensor nor a tensor for units, so those two spots are written as Keras 3 needs);
a Sampling layer drawing with tf.keras.backend.random_normal; a MoleculeGenerator Model
whose train_step sums categorical cross-entropies, a KL term, a property loss and a
gradient penalty, the last taken with a second tf.GradientTape (tape.watch of interpolated
graphs, tf.norm of the gradients) inside the first, so the update differentiates through a
gradient; fit on a list of three arrays with no targets; and inference that decodes latent
draws with tf.argmax, tf.one_hot(axis=...) and tf.linalg.set_diag. RDKit's SMILES parsing
and drawing are left out.

The ZINC molecules are replaced by random chains of six atoms of three types; the property is
a column (Keras 3's binary_crossentropy wants the target's rank to be the prediction's).
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)
RESULT = {}

BATCH_SIZE = 32
EPOCHS = 4

VAE_LR = 5e-4
NUM_ATOMS = 6
ATOM_DIM = 3 + 1
BOND_DIM = 2 + 1
LATENT_DIM = 16


def make_molecule():
    n = int(rng.integers(3, NUM_ATOMS + 1))
    adjacency = np.zeros((BOND_DIM, NUM_ATOMS, NUM_ATOMS), "float32")
    features = np.zeros((NUM_ATOMS, ATOM_DIM), "float32")
    atoms = rng.integers(0, ATOM_DIM - 1, n)
    features[np.arange(n), atoms] = 1
    features[n:, -1] = 1
    for i in range(n - 1):
        bond = int(rng.integers(0, BOND_DIM - 1))
        adjacency[bond, i, i + 1] = adjacency[bond, i + 1, i] = 1
    adjacency[-1, np.sum(adjacency, axis=0) == 0] = 1
    qed = (n / NUM_ATOMS + float(np.mean(atoms == 0))) / 2
    return adjacency, features, qed


molecules = [make_molecule() for _ in range(256)]
adjacency_tensor = np.stack([m[0] for m in molecules])
feature_tensor = np.stack([m[1] for m in molecules])
qed_tensor = np.array([[m[2]] for m in molecules], "float32")  # (Keras 3: rank of qed_pred)
RESULT["adjacency_one_hot"] = float(np.all(adjacency_tensor.sum(axis=1) == 1))
RESULT["features_one_hot"] = float(np.all(feature_tensor.sum(axis=2) == 1))


class RelationalGraphConvLayer(keras.layers.Layer):
    def __init__(
        self,
        units=128,
        activation="relu",
        use_bias=False,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)

        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)

    def build(self, input_shape):
        bond_dim = input_shape[0][1]
        atom_dim = input_shape[1][2]

        self.kernel = self.add_weight(
            shape=(bond_dim, atom_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            trainable=True,
            name="W",
            dtype=tf.float32,
        )

        if self.use_bias:
            self.bias = self.add_weight(
                shape=(bond_dim, 1, self.units),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                trainable=True,
                name="b",
                dtype=tf.float32,
            )

        self.built = True

    def call(self, inputs, training=False):
        adjacency, features = inputs
        x = tf.matmul(adjacency, features[:, None, :, :])
        x = tf.matmul(x, self.kernel)
        if self.use_bias:
            x += self.bias
        x_reduced = tf.reduce_sum(x, axis=1)
        return self.activation(x_reduced)


conv = RelationalGraphConvLayer(2, activation=None, use_bias=True)
out = conv([adjacency_tensor[:2], feature_tensor[:2]]).numpy()
kernel, bias = conv.kernel.numpy(), conv.bias.numpy()
by_hand = np.einsum("brij,bjf,rfu->biu", adjacency_tensor[:2], feature_tensor[:2], kernel)
RESULT["conv_gap"] = float(np.max(np.abs(out - by_hand - bias.sum(axis=0))))
RESULT["conv_weights"] = float(len(conv.weights))


def get_encoder(
    gconv_units, latent_dim, adjacency_shape, feature_shape, dense_units, dropout_rate
):
    adjacency = keras.layers.Input(shape=adjacency_shape)
    features = keras.layers.Input(shape=feature_shape)

    features_transformed = features
    for units in gconv_units:
        features_transformed = RelationalGraphConvLayer(units)(
            [adjacency, features_transformed]
        )
    x = keras.layers.GlobalAveragePooling1D()(features_transformed)

    for units in dense_units:
        x = layers.Dense(units, activation="relu")(x)
        x = layers.Dropout(dropout_rate)(x)

    z_mean = layers.Dense(latent_dim, dtype="float32", name="z_mean")(x)
    log_var = layers.Dense(latent_dim, dtype="float32", name="log_var")(x)

    encoder = keras.Model([adjacency, features], [z_mean, log_var], name="encoder")

    return encoder


def get_decoder(dense_units, dropout_rate, latent_dim, adjacency_shape, feature_shape):
    latent_inputs = keras.Input(shape=(latent_dim,))

    x = latent_inputs
    for units in dense_units:
        x = keras.layers.Dense(units, activation="tanh")(x)
        x = keras.layers.Dropout(dropout_rate)(x)

    x_adjacency = keras.layers.Dense(int(tf.math.reduce_prod(adjacency_shape)))(x)
    x_adjacency = keras.layers.Reshape(adjacency_shape)(x_adjacency)
    x_adjacency = (x_adjacency + ops.transpose(x_adjacency, (0, 1, 3, 2))) / 2
    x_adjacency = keras.layers.Softmax(axis=1)(x_adjacency)

    x_features = keras.layers.Dense(int(tf.math.reduce_prod(feature_shape)))(x)
    x_features = keras.layers.Reshape(feature_shape)(x_features)
    x_features = keras.layers.Softmax(axis=2)(x_features)

    decoder = keras.Model(
        latent_inputs, outputs=[x_adjacency, x_features], name="decoder"
    )

    return decoder


class Sampling(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_log_var)[0]
        dim = tf.shape(z_log_var)[1]
        epsilon = tf.keras.backend.random_normal(shape=(batch, dim))
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


class MoleculeGenerator(keras.Model):
    def __init__(self, encoder, decoder, max_len, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.property_prediction_layer = layers.Dense(1)
        self.max_len = max_len

        self.train_total_loss_tracker = keras.metrics.Mean(name="train_total_loss")
        self.val_total_loss_tracker = keras.metrics.Mean(name="val_total_loss")

    def train_step(self, data):
        adjacency_tensor, feature_tensor, qed_tensor = data[0]
        graph_real = [adjacency_tensor, feature_tensor]
        self.batch_size = tf.shape(qed_tensor)[0]
        with tf.GradientTape() as tape:
            z_mean, z_log_var, qed_pred, gen_adjacency, gen_features = self(
                graph_real, training=True
            )
            graph_generated = [gen_adjacency, gen_features]
            total_loss = self._compute_loss(
                z_log_var, z_mean, qed_tensor, qed_pred, graph_real, graph_generated
            )

        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))

        self.train_total_loss_tracker.update_state(total_loss)
        return {"loss": self.train_total_loss_tracker.result()}

    def _compute_loss(
        self, z_log_var, z_mean, qed_true, qed_pred, graph_real, graph_generated
    ):

        adjacency_real, features_real = graph_real
        adjacency_gen, features_gen = graph_generated

        adjacency_loss = tf.reduce_mean(
            tf.reduce_sum(
                keras.losses.categorical_crossentropy(adjacency_real, adjacency_gen),
                axis=(1, 2),
            )
        )
        features_loss = tf.reduce_mean(
            tf.reduce_sum(
                keras.losses.categorical_crossentropy(features_real, features_gen),
                axis=(1),
            )
        )
        kl_loss = -0.5 * tf.reduce_sum(
            1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), 1
        )
        kl_loss = tf.reduce_mean(kl_loss)

        property_loss = tf.reduce_mean(
            keras.losses.binary_crossentropy(qed_true, qed_pred)
        )

        graph_loss = self._gradient_penalty(graph_real, graph_generated)

        return kl_loss + property_loss + graph_loss + adjacency_loss + features_loss

    def _gradient_penalty(self, graph_real, graph_generated):
        adjacency_real, features_real = graph_real
        adjacency_generated, features_generated = graph_generated

        alpha = tf.random.uniform([self.batch_size])
        alpha = tf.reshape(alpha, (self.batch_size, 1, 1, 1))
        adjacency_interp = (adjacency_real * alpha) + (1 - alpha) * adjacency_generated
        alpha = tf.reshape(alpha, (self.batch_size, 1, 1))
        features_interp = (features_real * alpha) + (1 - alpha) * features_generated

        with tf.GradientTape() as tape:
            tape.watch(adjacency_interp)
            tape.watch(features_interp)
            _, _, logits, _, _ = self(
                [adjacency_interp, features_interp], training=True
            )

        grads = tape.gradient(logits, [adjacency_interp, features_interp])
        grads_adjacency_penalty = (1 - tf.norm(grads[0], axis=1)) ** 2
        grads_features_penalty = (1 - tf.norm(grads[1], axis=2)) ** 2
        return tf.reduce_mean(
            tf.reduce_mean(grads_adjacency_penalty, axis=(-2, -1))
            + tf.reduce_mean(grads_features_penalty, axis=(-1))
        )

    def inference(self, batch_size):
        z = tf.random.normal((batch_size, LATENT_DIM))
        reconstruction_adjacency, reconstruction_features = model.decoder.predict(
            z, verbose=0
        )
        adjacency = tf.argmax(reconstruction_adjacency, axis=1)
        adjacency = tf.one_hot(adjacency, depth=BOND_DIM, axis=1)
        adjacency = tf.linalg.set_diag(adjacency, tf.zeros(tf.shape(adjacency)[:-1]))
        features = tf.argmax(reconstruction_features, axis=2)
        features = tf.one_hot(features, depth=ATOM_DIM, axis=2)
        return [
            [adjacency[i].numpy(), features[i].numpy()]
            for i in range(batch_size)
        ]

    def call(self, inputs):
        z_mean, log_var = self.encoder(inputs)
        z = Sampling()([z_mean, log_var])

        gen_adjacency, gen_features = self.decoder(z)

        property_pred = self.property_prediction_layer(z_mean)

        return z_mean, log_var, property_pred, gen_adjacency, gen_features


vae_optimizer = tf.keras.optimizers.Adam(learning_rate=VAE_LR)

encoder = get_encoder(
    gconv_units=[9],
    adjacency_shape=(BOND_DIM, NUM_ATOMS, NUM_ATOMS),
    feature_shape=(NUM_ATOMS, ATOM_DIM),
    latent_dim=LATENT_DIM,
    dense_units=[32],
    dropout_rate=0.0,
)
decoder = get_decoder(
    dense_units=[32, 64],
    dropout_rate=0.2,
    latent_dim=LATENT_DIM,
    adjacency_shape=(BOND_DIM, NUM_ATOMS, NUM_ATOMS),
    feature_shape=(NUM_ATOMS, ATOM_DIM),
)
RESULT["decoder_outputs"] = float(len(decoder.outputs))
RESULT["encoder_params"] = float(encoder.count_params())  # 3*4*9, 9*32+32, 2 * (32*16+16)

model = MoleculeGenerator(encoder, decoder, NUM_ATOMS)

model.compile(vae_optimizer)
history = model.fit(
    [adjacency_tensor, feature_tensor, qed_tensor], epochs=EPOCHS, batch_size=BATCH_SIZE,
    verbose=0,
)
RESULT["loss_0"] = history.history["loss"][0]
RESULT["loss_last"] = history.history["loss"][-1]
RESULT["history_keys"] = float(len(history.history))
RESULT["iterations"] = float(vae_optimizer.iterations)  # 4 epochs of 8 batches

# the penalty's gradient goes through a gradient: the outer tape's derivative of the penalty
# of fixed interpolated graphs matches central differences on the property layer's bias
fixed_adjacency = tf.constant(adjacency_tensor[:4] * 0.7 + 0.1)
fixed_features = tf.constant(feature_tensor[:4] * 0.7 + 0.1)


def fixed_penalty():
    with tf.GradientTape() as inner:
        inner.watch(fixed_adjacency)
        inner.watch(fixed_features)
        _, _, logits, _, _ = model([fixed_adjacency, fixed_features])
    grads = inner.gradient(logits, [fixed_adjacency, fixed_features])
    return tf.reduce_mean(
        tf.reduce_mean((1 - tf.norm(grads[0], axis=1)) ** 2, axis=(-2, -1))
        + tf.reduce_mean((1 - tf.norm(grads[1], axis=2)) ** 2, axis=(-1))
    )


kernel = model.property_prediction_layer.kernel
with tf.GradientTape() as outer:
    penalty = fixed_penalty()
analytic = outer.gradient(penalty, kernel).numpy()[3, 0]
start = kernel.numpy()
step = np.zeros_like(start)
step[3, 0] = 1e-2
kernel.assign(start + step)
plus = float(fixed_penalty())
kernel.assign(start - step)
minus = float(fixed_penalty())
kernel.assign(start)
RESULT["double_backprop_rel_gap"] = float(
    abs(analytic - (plus - minus) / 2e-2) / max(abs(analytic), 1e-6)
)
RESULT["double_backprop_nonzero"] = float(abs(analytic) > 1e-4)
RESULT["penalty"] = float(penalty)

generated = model.inference(12)
adjacency_0, features_0 = generated[0]
RESULT["generated"] = float(len(generated))
RESULT["generated_shape_sum"] = float(sum(adjacency_0.shape) + sum(features_0.shape))
RESULT["no_self_loops"] = float(all(
    np.all(np.diagonal(a, axis1=1, axis2=2) == 0) for a, _ in generated
))
RESULT["features_one_hot_generated"] = float(all(np.all(f.sum(axis=1) == 1) for _, f in generated))

z_mean, _ = model.encoder.predict([adjacency_tensor[:64], feature_tensor[:64]], verbose=0)
RESULT["z_mean_shape_sum"] = float(sum(z_mean.shape))  # 64 + 16
print(RESULT)
