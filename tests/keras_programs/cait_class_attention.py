"""After the keras.io example "Class Attention Image Transformers with LayerScale" (CaiT),
ported to Keras 3 as its other examples are (ops in the place of tf, add_weight in the place of
tf.Variable): a configuration object deep-copied and changed for the class-attention blocks,
LayerScale (a per-channel weight started at init_values), StochasticDepth (a drop per sample
with keras.random.uniform in training), ClassAttn (the CLS token as the only query, keys and
values from the CLS token and the patches), TalkingHeadAttn (projections across the heads
before and after the softmax), an FFN of Dense layers with a gelu and a RandomNormal bias
initializer, LayerScaleBlock and LayerScaleBlockClassAttn as functional models that return
(outputs, attention scores), and a subclassed CaiT model that patchifies with a strided Conv2D
and a Reshape, adds positional embeddings, runs the SA blocks, tiles the CLS token, runs the CA
blocks and returns (logits, dict of SA scores, dict of CA scores). The attention-map utility
takes the CLS token's scores over the patches, reshapes them to the patch grid, makes a
min-max saliency and resizes it (bicubic) to the image.

Images are 16x16 with a bright square in one of three corners (the example's ImageNet-1k at
224x224 and a pre-trained model); the model is small (16 patches of 4x4, two SA blocks, one CA
block), wrapped in a functional classifier and trained from a NumPy draw of the weights on
unshuffled batches, so its losses follow Keras's.
"""

from copy import deepcopy
from types import SimpleNamespace

import numpy as np

import numnet as keras
from numnet import layers, ops


class LayerScale(layers.Layer):
    """LayerScale as introduced in CaiT: https://arxiv.org/abs/2103.17239."""

    def __init__(self, config, **kwargs):
        super().__init__(**kwargs)
        self.gamma = self.add_weight(
            shape=(config.projection_dim,),
            initializer=keras.initializers.Constant(config.init_values),
            name="gamma",
        )

    def call(self, x):
        return x * self.gamma


class StochasticDepth(layers.Layer):
    """Stochastic Depth layer (https://arxiv.org/abs/1603.09382)."""

    def __init__(self, drop_prop, **kwargs):
        super().__init__(**kwargs)
        self.drop_prob = drop_prop
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, x, training=False):
        if training:
            keep_prob = 1 - self.drop_prob
            shape = (ops.shape(x)[0],) + (1,) * (len(ops.shape(x)) - 1)
            random_tensor = keep_prob + keras.random.uniform(
                shape, 0, 1, seed=self.seed_generator
            )
            random_tensor = ops.floor(random_tensor)
            return (x / keep_prob) * random_tensor
        return x


class ClassAttn(layers.Layer):
    def __init__(self, config, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        head_dim = config.projection_dim // config.num_heads
        self.scale = head_dim**-0.5

        self.q = layers.Dense(config.projection_dim)
        self.k = layers.Dense(config.projection_dim)
        self.v = layers.Dense(config.projection_dim)
        self.attn_drop = layers.Dropout(config.dropout_rate)
        self.proj = layers.Dense(config.projection_dim)
        self.proj_drop = layers.Dropout(config.dropout_rate)

    def call(self, x, training=False):
        B, N, C = ops.shape(x)[0], ops.shape(x)[1], ops.shape(x)[2]

        # Query projection. `cls_token` embeddings are queries.
        q = ops.expand_dims(self.q(x[:, 0]), axis=1)
        q = ops.reshape(
            q, (B, 1, self.config.num_heads, C // self.config.num_heads)
        )  # Shape: (batch_size, 1, num_heads, dimension_per_head)
        q = ops.transpose(q, axes=[0, 2, 1, 3])
        scale = ops.cast(self.scale, dtype=q.dtype)
        q = q * scale

        # Key projection. Patch embeddings as well the cls embedding are used as keys.
        k = self.k(x)
        k = ops.reshape(k, (B, N, self.config.num_heads, C // self.config.num_heads))
        k = ops.transpose(k, axes=[0, 2, 1, 3])

        # Value projection. Patch embeddings as well the cls embedding are used as values.
        v = self.v(x)
        v = ops.reshape(v, (B, N, self.config.num_heads, C // self.config.num_heads))
        v = ops.transpose(v, axes=[0, 2, 1, 3])

        # Calculate attention between cls_token embedding and patch embeddings.
        attn = ops.matmul(q, ops.transpose(k, axes=[0, 1, 3, 2]))
        attn = ops.softmax(attn, axis=-1)
        attn = self.attn_drop(attn, training=training)

        x_cls = ops.matmul(attn, v)
        x_cls = ops.transpose(x_cls, axes=[0, 2, 1, 3])
        x_cls = ops.reshape(x_cls, (B, 1, C))
        x_cls = self.proj(x_cls)
        x_cls = self.proj_drop(x_cls, training=training)

        return x_cls, attn


class TalkingHeadAttn(layers.Layer):
    def __init__(self, config, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.num_heads = self.config.num_heads
        head_dim = self.config.projection_dim // self.num_heads
        self.scale = head_dim**-0.5

        self.qkv = layers.Dense(config.projection_dim * 3)
        self.attn_drop = layers.Dropout(config.dropout_rate)
        self.proj = layers.Dense(config.projection_dim)
        self.proj_l = layers.Dense(config.num_heads)
        self.proj_w = layers.Dense(config.num_heads)
        self.proj_drop = layers.Dropout(config.dropout_rate)

    def call(self, x, training=False):
        B, N, C = ops.shape(x)[0], ops.shape(x)[1], ops.shape(x)[2]

        # Project the inputs all at once.
        qkv = self.qkv(x)

        # Reshape the projected output so that they're segregated in terms of
        # query, key, and value projections.
        qkv = ops.reshape(qkv, (B, N, 3, self.num_heads, C // self.num_heads))

        # Transpose so that the `num_heads` becomes the leading dimensions.
        qkv = ops.transpose(qkv, axes=[2, 0, 3, 1, 4])
        scale = ops.cast(self.scale, dtype=qkv.dtype)
        q, k, v = qkv[0] * scale, qkv[1], qkv[2]

        # Obtain the raw attention scores.
        attn = ops.matmul(q, ops.transpose(k, axes=[0, 1, 3, 2]))

        # Linear projection of the similarities between the query and key projections.
        attn = self.proj_l(ops.transpose(attn, axes=[0, 2, 3, 1]))

        # Normalize the attention scores.
        attn = ops.transpose(attn, axes=[0, 3, 1, 2])
        attn = ops.softmax(attn, axis=-1)

        # Linear projection on the softmaxed scores.
        attn = self.proj_w(ops.transpose(attn, axes=[0, 2, 3, 1]))
        attn = ops.transpose(attn, axes=[0, 3, 1, 2])
        attn = self.attn_drop(attn, training=training)

        # Final set of projections as done in the vanilla attention mechanism.
        x = ops.matmul(attn, v)
        x = ops.transpose(x, axes=[0, 2, 1, 3])
        x = ops.reshape(x, (B, N, C))

        x = self.proj(x)
        x = self.proj_drop(x, training=training)

        return x, attn


def mlp(x, dropout_rate, hidden_units):
    """FFN for a Transformer block."""
    for idx, units in enumerate(hidden_units):
        x = layers.Dense(
            units,
            activation=keras.activations.gelu if idx == 0 else None,
            bias_initializer=keras.initializers.RandomNormal(stddev=1e-6),
        )(x)
        x = layers.Dropout(dropout_rate)(x)
    return x


def LayerScaleBlockClassAttn(config, drop_prob, name):
    """Pre-norm transformer block meant to be applied to the embeddings of the
    cls token and the embeddings of image patches."""
    x = keras.Input((None, config.projection_dim))
    x_cls = keras.Input((None, config.projection_dim))
    inputs = layers.Concatenate(axis=1)([x_cls, x])

    # Class attention (CA).
    x1 = layers.LayerNormalization(epsilon=config.layer_norm_eps)(inputs)
    attn_output, attn_scores = ClassAttn(config)(x1)
    attn_output = LayerScale(config)(attn_output) if config.init_values else attn_output
    attn_output = StochasticDepth(drop_prob)(attn_output) if drop_prob else attn_output
    x2 = layers.Add()([x_cls, attn_output])

    # FFN.
    x3 = layers.LayerNormalization(epsilon=config.layer_norm_eps)(x2)
    x4 = mlp(x3, hidden_units=config.mlp_units, dropout_rate=config.dropout_rate)
    x4 = LayerScale(config)(x4) if config.init_values else x4
    x4 = StochasticDepth(drop_prob)(x4) if drop_prob else x4
    outputs = layers.Add()([x2, x4])

    return keras.Model([x, x_cls], [outputs, attn_scores], name=name)


def LayerScaleBlock(config, drop_prob, name):
    """Pre-norm transformer block meant to be applied to the embeddings of the
    image patches."""
    encoded_patches = keras.Input((None, config.projection_dim))

    # Self-attention.
    x1 = layers.LayerNormalization(epsilon=config.layer_norm_eps)(encoded_patches)
    attn_output, attn_scores = TalkingHeadAttn(config)(x1)
    attn_output = LayerScale(config)(attn_output) if config.init_values else attn_output
    attn_output = StochasticDepth(drop_prob)(attn_output) if drop_prob else attn_output
    x2 = layers.Add()([encoded_patches, attn_output])

    # FFN.
    x3 = layers.LayerNormalization(epsilon=config.layer_norm_eps)(x2)
    x4 = mlp(x3, hidden_units=config.mlp_units, dropout_rate=config.dropout_rate)
    x4 = LayerScale(config)(x4) if config.init_values else x4
    x4 = StochasticDepth(drop_prob)(x4) if drop_prob else x4
    outputs = layers.Add()([x2, x4])

    return keras.Model(encoded_patches, [outputs, attn_scores], name=name)


class CaiT(keras.Model):
    """CaiT model."""

    def __init__(self, config, **kwargs):
        super().__init__(**kwargs)
        self.config = config

        # Responsible for patchifying the input images and the linearly projecting them.
        self.projection = keras.Sequential(
            [
                layers.Conv2D(
                    filters=config.projection_dim,
                    kernel_size=(config.patch_size, config.patch_size),
                    strides=(config.patch_size, config.patch_size),
                    padding="VALID",
                    name="conv_projection",
                    kernel_initializer="lecun_normal",
                ),
                layers.Reshape(
                    target_shape=(-1, config.projection_dim),
                    name="flatten_projection",
                ),
            ],
            name="projection",
        )

        # CLS token and the positional embeddings.
        self.cls_token = self.add_weight(
            shape=(1, 1, config.projection_dim), initializer="zeros", name="cls_token"
        )
        self.pos_embed = self.add_weight(
            shape=(1, config.num_patches, config.projection_dim),
            initializer="zeros",
            name="pos_embed",
        )

        # Projection dropout.
        self.pos_drop = layers.Dropout(config.dropout_rate, name="projection_dropout")

        # Stochastic depth schedule.
        dpr = [config.drop_path_rate for _ in range(config.sa_ffn_layers)]

        # Self-attention (SA) Transformer blocks operating only on the image patch
        # embeddings.
        self.blocks = [
            LayerScaleBlock(config, name=f"sa_ffn_block_{i}", drop_prob=dpr[i])
            for i in range(config.sa_ffn_layers)
        ]

        # Class Attention (CA) Transformer blocks operating on the CLS token and image patch
        # embeddings.
        ca_config = deepcopy(config)
        ca_config.dropout_rate = 0.0
        self.blocks_token_only = [
            LayerScaleBlockClassAttn(config=ca_config, name=f"ca_ffn_block_{i}", drop_prob=0.0)
            for i in range(config.ca_ffn_layers)
        ]

        # Pre-classification layer normalization.
        self.norm = layers.LayerNormalization(epsilon=config.layer_norm_eps, name="head_norm")

        # Classification head.
        if not config.pre_logits:
            self.head = layers.Dense(config.num_classes, name="classification_head")

    def call(self, x):
        # Notice how CLS token is not added here.
        x = self.projection(x)
        x = x + self.pos_embed
        x = self.pos_drop(x)

        # SA+FFN layers.
        sa_ffn_attn = {}
        for blk in self.blocks:
            x, attn_scores = blk(x)
            sa_ffn_attn[f"{blk.name}_att"] = attn_scores

        # CA+FFN layers.
        ca_ffn_attn = {}
        cls_tokens = ops.tile(self.cls_token, (ops.shape(x)[0], 1, 1))
        for blk in self.blocks_token_only:
            cls_tokens, attn_scores = blk([x, cls_tokens])
            ca_ffn_attn[f"{blk.name}_att"] = attn_scores

        x = ops.concatenate([cls_tokens, x], axis=1)
        x = self.norm(x)

        if self.config.global_pool:
            x = (
                ops.mean(x[:, 1:], axis=1)
                if self.config.global_pool == "avg"
                else x[:, 0]
            )
        return (
            (x, sa_ffn_attn, ca_ffn_attn)
            if self.config.pre_logits
            else (self.head(x), sa_ffn_attn, ca_ffn_attn)
        )


def get_config(
    model_name="cait_tiny_16",
    image_size=16,
    patch_size=4,
    projection_dim=16,
    sa_ffn_layers=2,
    ca_ffn_layers=1,
    num_heads=2,
    mlp_ratio=2,
    layer_norm_eps=1e-6,
    init_values=0.1,
    dropout_rate=0.0,
    drop_path_rate=0.0,
    pre_logits=False,
):
    """A small configuration in the shape of the example's (cait_xxs24_224)."""
    config = SimpleNamespace()
    config.model_name = model_name
    config.image_size = image_size
    config.patch_size = patch_size
    config.num_patches = (config.image_size // config.patch_size) ** 2
    config.num_classes = 3
    config.initializer_range = 0.02
    config.layer_norm_eps = layer_norm_eps
    config.projection_dim = projection_dim
    config.num_heads = num_heads
    config.sa_ffn_layers = sa_ffn_layers
    config.ca_ffn_layers = ca_ffn_layers
    config.mlp_units = [config.projection_dim * mlp_ratio, config.projection_dim]
    config.dropout_rate = dropout_rate
    config.init_values = init_values
    config.drop_path_rate = drop_path_rate
    config.global_pool = "token"
    config.pre_logits = pre_logits
    return config


config = get_config()
cait = CaiT(config)
dummy_inputs = ops.ones((2, 16, 16, 3))
logits, sa_scores, ca_scores = cait(dummy_inputs)
print(ops.shape(logits), {k: ops.shape(v) for k, v in ca_scores.items()})

# Data: a bright 6x6 square in the top-left, top-right or bottom-left corner, on noise.
rng = np.random.default_rng(5)


def make_images(count):
    labels = np.arange(count) % 3
    rng.shuffle(labels)
    images = rng.uniform(0.0, 0.4, size=(count, 16, 16, 3))
    for image, label in zip(images, labels):
        row, col = [(0, 0), (0, 10), (10, 0)][label]
        image[row : row + 6, col : col + 6] += 0.6
    return images.astype("float32"), labels.astype("int32")


x_train, y_train = make_images(96)
x_test, y_test = make_images(48)

inputs = keras.Input((16, 16, 3))
class_logits, _, _ = cait(inputs)
classifier = keras.Model(inputs, class_logits)
# kernels, the CLS token and the positional embeddings from a NumPy draw; LayerNormalization
# and LayerScale keep their constants; the FFN's RandomNormal(1e-6) biases start at zero
classifier.set_weights(
    [
        rng.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1
        else (w if np.all(w == w.flat[0]) else np.zeros_like(w))
        for w in classifier.get_weights()
    ]
)
classifier.compile(
    optimizer=keras.optimizers.Adam(learning_rate=5e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = classifier.fit(x_train, y_train, batch_size=16, epochs=10, shuffle=False, verbose=0)
test_loss, test_accuracy = classifier.evaluate(x_test, y_test, verbose=0)

# Attention maps of the trained model on one test image.
logits, sa_atn_score_dict, ca_atn_score_dict = cait.predict(x_test[:1], verbose=0)
patch_size = config.patch_size


def get_cls_attention_map(
    attn_score_dict=ca_atn_score_dict,
    block_key="ca_ffn_block_0_att",
    return_saliency=False,
):
    w_featmap = x_test.shape[2] // patch_size
    h_featmap = x_test.shape[1] // patch_size

    attention_scores = attn_score_dict[block_key]
    nh = attention_scores.shape[1]  # Number of attention heads.

    # Taking the representations from CLS token.
    attentions = attention_scores[0, :, 0, 1:].reshape(nh, -1)

    # Reshape the attention scores to resemble mini patches.
    attentions = attentions.reshape(nh, w_featmap, h_featmap)

    if not return_saliency:
        attentions = attentions.transpose((1, 2, 0))
    else:
        attentions = np.mean(attentions, axis=0)
        attentions = (attentions - attentions.min()) / (
            attentions.max() - attentions.min()
        )
        attentions = np.expand_dims(attentions, -1)

    # Resize the attention patches to the image (16: 4x4)
    attentions = ops.image.resize(
        attentions,
        size=(h_featmap * patch_size, w_featmap * patch_size),
        interpolation="bicubic",
    )
    return ops.convert_to_numpy(attentions)


attention_heads = get_cls_attention_map()
saliency = get_cls_attention_map(return_saliency=True)

# StochasticDepth in training drops whole samples and scales the rest by 1 / keep_prob.
drop = StochasticDepth(0.25)
dropped = ops.convert_to_numpy(drop(ops.ones((400, 3, 2)), training=True))
kept = dropped[:, 0, 0] > 0

ca_block = cait.blocks_token_only[0]
scale_weights = [
    weight
    for block in cait.blocks + cait.blocks_token_only
    for layer in block.layers
    if isinstance(layer, LayerScale)
    for weight in layer.weights
]

RESULT = {
    "logits_shape_sum": float(sum(ops.shape(class_logits)[1:])),
    "num_patches": float(config.num_patches),
    "sa_blocks": float(len(sa_atn_score_dict)),
    "ca_blocks": float(len(ca_atn_score_dict)),
    "sa_scores_shape_sum": float(sum(sa_atn_score_dict["sa_ffn_block_0_att"].shape)),
    "ca_scores_shape_sum": float(sum(ca_atn_score_dict["ca_ffn_block_0_att"].shape)),
    "ca_scores_row_sum": float(ca_atn_score_dict["ca_ffn_block_0_att"][0].sum()),
    "ca_block_outputs": float(len(ca_block.outputs)),
    "layer_scale_weights": float(len(scale_weights)),
    "class_attn_layers": float(sum(isinstance(layer, ClassAttn) for layer in ca_block.layers)),
    "talking_head_layers": float(
        sum(isinstance(layer, TalkingHeadAttn) for layer in cait.blocks[0].layers)
    ),
    "params": float(classifier.count_params()),
    "heads_map_shape_sum": float(sum(attention_heads.shape)),
    "saliency_shape_sum": float(sum(saliency.shape)),
    "saliency_sum": float(saliency.sum()),
    "test_loss": float(test_loss),
    "test_accuracy": float(test_accuracy),
    "train_accuracy": float(history.history["accuracy"][-1]),
    "kept_fraction": float(kept.mean()),
    "kept_values_gap": float(np.max(np.abs(dropped[kept] - 1 / 0.75))),
    "dropped_values_max": float(np.max(np.abs(dropped[~kept]))),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
