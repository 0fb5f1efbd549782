"""After the keras.io example "Text classification with Switch Transformer" (Keras 3): token and
position embeddings, a Transformer block whose feed-forward part is a Switch layer (a list of
expert networks, a router whose Dense scores each token, softmax, ops.top_k for the top
expert, ops.one_hot masks, a load-balancing loss added with add_loss, expert capacity kept by
ops.cumsum, tokens dispatched and combined with ops.einsum, ops.unstack and ops.stack), global
average pooling and a softmax classifier trained by fit with a fixed batch size.

The IMDB reviews are replaced by sequences of 12 tokens from a 40-word vocabulary, labelled by
which of two word groups they hold more of. The router's exploration noise is drawn in
training only, from a SeedGenerator (Keras on JAX refuses unseeded random ops in a traced
step), so the losses are compared with Keras's loosely.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(29)
rng = np.random.default_rng(29)
RESULT = {}

vocab_size = 40
num_tokens_per_example = 12
embed_dim = 16
num_heads = 2
ff_dim = 16
num_experts = 4
batch_size = 16
learning_rate = 0.005
dropout_rate = 0.1
num_epochs = 4
num_tokens_per_batch = batch_size * num_tokens_per_example


def reviews(n):
    x = rng.integers(10, vocab_size, (n, num_tokens_per_example))
    y = rng.integers(0, 2, n)
    for row, label in zip(x, y, strict=True):
        spots = rng.choice(num_tokens_per_example, 3, replace=False)
        row[spots] = rng.integers(1, 5, 3) if label else rng.integers(5, 10, 3)
    return x, y


x_train, y_train = reviews(512)
x_val, y_val = reviews(128)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


def create_feedforward_network(ff_dim, embed_dim, name=None):
    return keras.Sequential(
        [layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)], name=name
    )


def load_balanced_loss(router_probs, expert_mask):
    num_experts = ops.shape(expert_mask)[-1]
    density = ops.mean(expert_mask, axis=0)
    density_proxy = ops.mean(router_probs, axis=0)
    loss = ops.mean(density_proxy * density) * ops.cast((num_experts**2), "float32")
    return loss


class Router(layers.Layer):
    def __init__(self, num_experts, expert_capacity):
        self.num_experts = num_experts
        self.route = layers.Dense(units=num_experts)
        self.expert_capacity = expert_capacity
        super().__init__()
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs, training=False):
        router_logits = self.route(inputs)

        if training:
            router_logits += keras.random.uniform(
                shape=router_logits.shape, minval=0.9, maxval=1.1, seed=self.seed_generator
            )
        router_probs = keras.activations.softmax(router_logits, axis=-1)
        expert_gate, expert_index = ops.top_k(router_probs, k=1)
        expert_mask = ops.one_hot(expert_index, self.num_experts)
        aux_loss = load_balanced_loss(router_probs, expert_mask)
        self.add_loss(aux_loss)
        position_in_expert = ops.cast(
            ops.cumsum(expert_mask, axis=0) * expert_mask, "int32"
        )
        expert_mask *= ops.cast(
            ops.less(ops.cast(position_in_expert, "int32"), self.expert_capacity),
            "float32",
        )
        expert_mask_flat = ops.sum(expert_mask, axis=-1)
        expert_gate *= expert_mask_flat
        combined_tensor = ops.expand_dims(
            expert_gate
            * expert_mask_flat
            * ops.squeeze(ops.one_hot(expert_index, self.num_experts), 1),
            -1,
        ) * ops.squeeze(ops.one_hot(position_in_expert, self.expert_capacity), 1)
        dispatch_tensor = ops.cast(combined_tensor, "float32")

        return dispatch_tensor, combined_tensor


class Switch(layers.Layer):
    def __init__(
        self, num_experts, embed_dim, ff_dim, num_tokens_per_batch, capacity_factor=1
    ):
        self.num_experts = num_experts
        self.embed_dim = embed_dim
        self.experts = [
            create_feedforward_network(ff_dim, embed_dim) for _ in range(num_experts)
        ]

        self.expert_capacity = num_tokens_per_batch // self.num_experts
        self.router = Router(self.num_experts, self.expert_capacity)
        super().__init__()

    def call(self, inputs):
        batch_size = ops.shape(inputs)[0]
        num_tokens_per_example = ops.shape(inputs)[1]

        inputs = ops.reshape(inputs, [num_tokens_per_batch, self.embed_dim])
        dispatch_tensor, combine_tensor = self.router(inputs)
        expert_inputs = ops.einsum("ab,acd->cdb", inputs, dispatch_tensor)
        expert_inputs = ops.reshape(
            expert_inputs, [self.num_experts, self.expert_capacity, self.embed_dim]
        )
        expert_input_list = ops.unstack(expert_inputs, axis=0)
        expert_output_list = [
            self.experts[idx](expert_input)
            for idx, expert_input in enumerate(expert_input_list)
        ]
        expert_outputs = ops.stack(expert_output_list, axis=1)
        expert_outputs_combined = ops.einsum(
            "abc,xba->xc", expert_outputs, combine_tensor
        )
        outputs = ops.reshape(
            expert_outputs_combined,
            [batch_size, num_tokens_per_example, self.embed_dim],
        )
        return outputs


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ffn, dropout_rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = ffn
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(dropout_rate)
        self.dropout2 = layers.Dropout(dropout_rate)

    def call(self, inputs, training=False):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output, training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output, training=training)
        return self.layernorm2(out1 + ffn_output)


router = Router(num_experts=4, expert_capacity=2)
probe = rng.normal(size=(6, 5)).astype("float32")
dispatch, combine = router(probe)
dispatch = ops.convert_to_numpy(dispatch)
RESULT["dispatch_shape_sum"] = float(sum(dispatch.shape))  # 6 + 4 + 2
RESULT["dispatch_per_token_max"] = float(dispatch.reshape(6, -1).astype(bool).sum(1).max())
RESULT["dispatch_per_slot_max"] = float(dispatch.astype(bool).sum(0).max())
RESULT["router_losses"] = float(len(router.losses))
probabilities = ops.convert_to_numpy(ops.softmax(router.route(probe), axis=-1))
chosen = np.eye(4)[probabilities.argmax(1)]
RESULT["balance_loss_gap"] = float(abs(float(router.losses[0]) - 16 * np.mean(
    probabilities.mean(0) * chosen.mean(0))))


def create_classifier():
    switch = Switch(num_experts, embed_dim, ff_dim, num_tokens_per_batch)
    transformer_block = TransformerBlock(embed_dim // num_heads, num_heads, switch)

    inputs = layers.Input(shape=(num_tokens_per_example,))
    embedding_layer = TokenAndPositionEmbedding(
        num_tokens_per_example, vocab_size, embed_dim
    )
    x = embedding_layer(inputs)
    x = transformer_block(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(dropout_rate)(x)
    x = layers.Dense(ff_dim, activation="relu")(x)
    x = layers.Dropout(dropout_rate)(x)
    outputs = layers.Dense(2, activation="softmax")(x)

    classifier = keras.Model(inputs=inputs, outputs=outputs)
    return classifier


def run_experiment(classifier):
    classifier.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = classifier.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=num_epochs,
        validation_data=(x_val, y_val),
        verbose=0,
    )
    return history


classifier = create_classifier()
RESULT["params"] = float(classifier.count_params())
RESULT["expert_weights"] = float(len(classifier.layers[2].ffn.experts[0].weights))
history = run_experiment(classifier)
RESULT["loss_0"] = history.history["loss"][0]
RESULT["loss_3"] = history.history["loss"][3]
RESULT["val_accuracy"] = history.history["val_accuracy"][-1]
classifier(x_val[:batch_size])
RESULT["model_losses"] = float(len(classifier.losses))  # the router's, of the last call
print(RESULT)
