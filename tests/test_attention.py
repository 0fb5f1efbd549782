"""MultiHeadAttention: against a NumPy implementation written here (masks, causal, scores),
gradient checks, dropout, config, model files, a transformer block that learns, and Keras 3
(JAX) with the same weights where it is installed."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import numnet
from numnet import backend, layers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor
from numnet.layers.attention import masked_softmax

RNG = np.random.default_rng(11)


def normal(*shape):
    return RNG.normal(size=shape).astype("float32")


def reference(layer, query, value, key=None, mask=None, zero_masked=True):
    """Multi-head attention in NumPy einsums from the layer's weights (float64):
    softmax(Q K^T / sqrt(d) with masked scores at -1e9) V, then the output projection."""
    key = value if key is None else key
    qk, qb, kk, kb, vk, vb, ok, ob = (w.astype(np.float64) for w in layer.get_weights())
    q = np.einsum("btd,dnh->btnh", query, qk) + qb
    k = np.einsum("bsd,dnh->bsnh", key, kk) + kb
    v = np.einsum("bsd,dnh->bsnh", value, vk) + vb
    scores = np.einsum("btnh,bsnh->bnts", q, k) / math.sqrt(qk.shape[-1])
    if mask is not None:
        scores = np.where(mask[:, None], scores, -1e9)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs = e / e.sum(axis=-1, keepdims=True)
    if mask is not None and zero_masked:
        probs = np.where(mask[:, None], probs, 0.0)
    out = np.einsum("bnts,bsnh->btnh", probs, v)
    return np.einsum("btnh,nhd->btd", out, ok) + ob, probs


def built(num_heads=2, key_dim=3, query_dim=6, value_dim_in=5, dtype="float64", **kwargs):
    layer = layers.MultiHeadAttention(num_heads, key_dim, bias_initializer="random_normal",
                                      dtype=dtype, **kwargs)
    layer.build((None, 4, query_dim), (None, 5, value_dim_in))
    return layer


# ----------------------------------------------------------------------------- weights, values


def test_weights_have_keras_order_shapes_and_paths():
    layer = layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=2, name="mha")
    layer.build((None, 5, 8), (None, 7, 6), (None, 7, 10))
    assert [w.shape for w in layer.weights] == [
        (8, 3, 4), (3, 4), (10, 3, 4), (3, 4), (6, 3, 2), (3, 2), (3, 2, 8), (8,)]
    assert [w.path for w in layer.weights] == [
        f"mha/{part}/{kind}" for part in ("query", "key", "value", "attention_output")
        for kind in ("kernel", "bias")]
    assert layer.count_params() == 8 * 12 + 12 + 10 * 12 + 12 + 6 * 6 + 6 + 6 * 8 + 8
    without_bias = layers.MultiHeadAttention(2, 4, use_bias=False, output_shape=(3, 2))
    without_bias.build((None, 5, 8))
    assert [w.shape for w in without_bias.weights] == [(8, 2, 4)] * 3 + [(2, 4, 3, 2)]


def test_output_and_scores_match_numpy():
    layer = built()
    q, v = normal(2, 4, 6), normal(2, 5, 5)
    out, scores = layer(q, v, return_attention_scores=True)
    expected, probs = reference(layer, q, v)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(scores.numpy(), probs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(scores.numpy().sum(axis=-1), 1.0)
    assert out.shape == (2, 4, 6) and scores.shape == (2, 2, 4, 5)


def test_separate_key_and_output_shape():
    layer = layers.MultiHeadAttention(2, 3, value_dim=4, output_shape=7, dtype="float64")
    q, v, k = normal(2, 4, 6), normal(2, 5, 5), normal(2, 5, 3)
    out = layer(q, v, key=k)
    assert out.shape == (2, 4, 7)
    assert layer.compute_output_shape((None, 4, 6), (None, 5, 5)) == (None, 4, 7)
    qk, qb, kk, kb, vk, vb, ok, ob = layer.get_weights()
    scores = np.einsum("btnh,bsnh->bnts", np.einsum("btd,dnh->btnh", q, qk) + qb,
                       np.einsum("bsd,dnh->bsnh", k, kk) + kb) / math.sqrt(3)
    p = np.exp(scores - scores.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    o = np.einsum("bnts,bsnh->btnh", p, np.einsum("bsd,dnh->bsnh", v, vk) + vb)
    np.testing.assert_allclose(out.numpy(), np.einsum("btnh,nhd->btd", o, ok) + ob, rtol=1e-9)


def test_attention_mask_is_shared_by_the_heads_and_zeroes_masked_keys():
    layer = built()
    q, v = normal(2, 4, 6), normal(2, 5, 5)
    mask = RNG.random((2, 4, 5)) > 0.4
    mask[0, 1] = False  # a query row with no key at all
    out, scores = layer(q, v, attention_mask=mask, return_attention_scores=True)
    expected, probs = reference(layer, q, v, mask=mask)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(scores.numpy()[np.broadcast_to(~mask[:, None], probs.shape)],
                                  0.0)
    # Without the scores (Keras's fused path), a row with no key averages all values.
    plain = layer(q, v, attention_mask=mask).numpy()
    uniform, _ = reference(layer, q, v, mask=mask, zero_masked=False)
    np.testing.assert_allclose(plain, uniform, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(plain[1], expected[1], rtol=1e-9)


def test_causal_mask_hides_later_steps():
    layer = built(value_dim_in=6)
    x = normal(2, 4, 6)
    out, scores = layer(x, x, use_causal_mask=True, return_attention_scores=True)
    causal = np.tril(np.ones((4, 4), bool))[None]
    expected, _ = reference(layer, x, x, mask=np.broadcast_to(causal, (2, 4, 4)))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-9)
    assert np.all(np.triu(scores.numpy(), k=1) == 0)
    # step 0 only sees itself: changing later steps leaves its output alone
    later = x.copy()
    later[:, 1:] += 1.0
    np.testing.assert_allclose(layer(later, later, use_causal_mask=True).numpy()[:, 0],
                               out.numpy()[:, 0])


def test_query_value_and_attention_masks_combine_with_and():
    layer = built()
    q, v = normal(2, 4, 6), normal(2, 5, 5)
    qm = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool)
    vm = np.array([[1, 1, 0, 1, 0], [1, 1, 1, 1, 1]], bool)
    am = RNG.random((2, 4, 5)) > 0.3
    out = layer(q, v, query_mask=qm, value_mask=vm, attention_mask=am,
                return_attention_scores=True)[0]
    mask = qm[:, :, None] & vm[:, None, :] & am
    np.testing.assert_allclose(out.numpy(), reference(layer, q, v, mask=mask)[0], rtol=1e-9,
                               atol=1e-12)
    # masks a model hands over as mask=[query mask, value mask] mean the same
    given = layer(q, v, mask=[qm, vm], attention_mask=am, return_attention_scores=True)[0]
    np.testing.assert_array_equal(given.numpy(), out.numpy())
    named = layer(query=q, value=v, query_mask=qm, value_mask=vm, attention_mask=am,
                  return_attention_scores=True)[0]
    np.testing.assert_array_equal(named.numpy(), out.numpy())


def test_a_mask_carried_on_the_inputs_is_used():
    layer = built(value_dim_in=6)
    x = normal(2, 4, 6)
    m = np.array([[1, 1, 1, 0], [1, 0, 0, 0]], bool)
    carried = Tensor(x)
    try:
        carried._keras_mask = m
    except AttributeError:
        pytest.skip("Tensors carry no masks in this version")
    out = layer(carried, carried, return_attention_scores=True)[0]
    np.testing.assert_allclose(
        out.numpy(), reference(layer, x, x, mask=m[:, :, None] & m[:, None, :])[0], rtol=1e-9)


def test_embedding_mask_reaches_the_attention():
    embed = layers.Embedding(10, 6, mask_zero=True)
    tokens = np.array([[3, 4, 5, 0], [6, 7, 0, 0]])
    x = embed(tokens)
    if getattr(x, "_keras_mask", None) is None:
        pytest.skip("Tensors carry no masks in this version")
    layer = layers.MultiHeadAttention(2, 3)
    out = layer(x, x)
    np.testing.assert_array_equal(out._keras_mask, tokens != 0)
    explicit = layer(x.numpy(), x.numpy(), query_mask=tokens != 0, value_mask=tokens != 0)
    np.testing.assert_array_equal(out.numpy(), explicit.numpy())


def test_sliding_window_limits_the_distance():
    layer = built(value_dim_in=6, sliding_window=2)
    x = normal(1, 4, 6)
    _, scores = layer(x, x, return_attention_scores=True)
    far = np.abs(np.arange(4)[:, None] - np.arange(4)[None]) >= 2
    assert np.all(scores.numpy()[0][:, far] == 0)


def test_attention_over_two_axes_equals_attention_over_the_flattened_axis():
    layer = layers.MultiHeadAttention(2, 3, dtype="float64")
    x = normal(2, 2, 3, 4)
    out, scores = layer(x, x, return_attention_scores=True)
    assert scores.shape == (2, 2, 2, 3, 2, 3)
    flat = layers.MultiHeadAttention(2, 3, dtype="float64")
    flat.build((None, 6, 4))
    flat.set_weights(layer.get_weights())
    np.testing.assert_allclose(out.numpy().reshape(2, 6, 4),
                               flat(x.reshape(2, 6, 4), x.reshape(2, 6, 4)).numpy(), rtol=1e-9)


def test_gated_attention_multiplies_by_a_sigmoid_gate():
    layer = layers.MultiHeadAttention(2, 3, use_gate=True, dtype="float64")
    x = normal(2, 4, 5)
    out = layer(x, x).numpy()
    qk, qb, kk, kb, gk, gb, vk, vb, ok, ob = layer.get_weights()
    plain = layers.MultiHeadAttention(2, 3, output_shape=6, dtype="float64")  # the heads
    plain.build((None, 4, 5))
    plain.set_weights([qk, qb, kk, kb, vk, vb, np.eye(6).reshape(2, 3, 6), np.zeros(6)])
    heads = plain(x, x).numpy().reshape(2, 4, 2, 3)
    gate = 1 / (1 + np.exp(-(np.einsum("btd,dnh->btnh", x, gk) + gb)))
    np.testing.assert_allclose(out, np.einsum("btnh,nhd->btd", heads * gate, ok) + ob,
                               rtol=1e-9)


# ----------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("zero_masked", [True, False])
def test_masked_softmax_gradient(zero_masked):
    mask = RNG.random((2, 3, 5)) > 0.3
    mask[0, 0] = False
    error = check_gradients(lambda s: masked_softmax(s, mask, zero_masked),
                            [RNG.normal(size=(2, 3, 5))])
    assert error < 1e-7


@pytest.mark.parametrize("kwargs", [{}, {"use_causal_mask": True},
                                    {"return_attention_scores": True}])
def test_gradients_of_inputs_and_weights(kwargs):
    layer = built(value_dim_in=5)
    mask = RNG.random((2, 4, 5)) > 0.3

    def fn(q, v):
        out = layer(q, v, attention_mask=mask, **kwargs)
        return out[0] if isinstance(out, tuple) else out

    # The key's bias adds q . b_k to every score of a row, which the softmax ignores: its
    # gradient is zero, where a relative error means nothing; it is checked by size below.
    params = [w for w in layer.trainable_weights if w.path != f"{layer.name}/key/bias"]
    error = check_gradients(fn, [RNG.normal(size=(2, 4, 6)), RNG.normal(size=(2, 5, 5))],
                            params=params)
    assert error < 1e-6
    assert np.abs(layer.weights[3].grad).max() < 1e-12


def test_gradient_with_separate_key_and_two_attention_axes():
    layer = layers.MultiHeadAttention(2, 2, attention_axes=(2,), dtype="float64")
    layer.build((None, 2, 3, 4), (None, 2, 3, 4), (None, 2, 3, 3))
    params = [w for i, w in enumerate(layer.trainable_weights) if i != 3]  # (the key's bias)
    error = check_gradients(lambda q, v, k: layer(q, v, key=k),
                            [RNG.normal(size=(1, 2, 3, 4)), RNG.normal(size=(1, 2, 3, 4)),
                             RNG.normal(size=(1, 2, 3, 3))], params=params)
    assert error < 1e-6


def test_mixed_float16_computes_in_half_precision_without_overflow():
    x = normal(2, 5, 8)
    mask = np.ones((2, 5, 5), bool)
    mask[0, 0] = False  # a row with no key: -1e9 would be -inf in float16
    full = layers.MultiHeadAttention(2, 4)
    expected = full(x, x, attention_mask=mask).numpy()
    half = layers.MultiHeadAttention(2, 4, dtype="mixed_float16")
    half.build((None, 5, 8))
    half.set_weights(full.get_weights())
    out = half(x, x, attention_mask=mask)
    assert out.dtype == np.float16 and all(w.dtype == np.float32 for w in half.weights)
    np.testing.assert_allclose(out.numpy().astype(np.float32), expected, atol=2e-2)


# ----------------------------------------------------------------------------- dropout, config


def test_dropout_acts_in_training_only_and_follows_its_seed():
    a = layers.MultiHeadAttention(2, 3, dropout=0.5, seed=3)
    b = layers.MultiHeadAttention(2, 3, dropout=0.5, seed=3)
    x = normal(2, 4, 6)
    inference = a(x, x, training=False).numpy()
    b.build((None, 4, 6))
    b.set_weights(a.get_weights())
    np.testing.assert_array_equal(b(x, x).numpy(), inference)
    trained = a(x, x, training=True).numpy()
    assert not np.allclose(trained, inference)
    np.testing.assert_array_equal(b(x, x, training=True).numpy(), trained)
    # the scores returned are the probabilities before dropout
    _, scores = a(x, x, training=True, return_attention_scores=True)
    np.testing.assert_allclose(scores.numpy().sum(-1), 1.0, rtol=1e-6)


def test_config_round_trip():
    layer = layers.MultiHeadAttention(4, 2, value_dim=3, dropout=0.2, use_bias=False,
                                      output_shape=(5,), attention_axes=1,
                                      kernel_initializer="he_normal", kernel_regularizer="l2",
                                      seed=7, name="att")
    config = layer.get_config()
    assert config["num_heads"] == 4 and config["value_dim"] == 3
    assert config["output_shape"] == (5,) and config["attention_axes"] == (1,)
    clone = layers.MultiHeadAttention.from_config(config)
    assert clone.get_config() == config
    x = normal(2, 3, 6)
    out = layer(x, x).numpy()
    clone.build((None, 3, 6))
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x, x).numpy(), out)
    penalties = [float(p.value) for p in layer.losses]
    assert len(penalties) == 4 and penalties == [float(p.value) for p in clone.losses]


@pytest.mark.parametrize("make, message", [
    (lambda: layers.MultiHeadAttention(0, 4), "num_heads"),
    (lambda: layers.MultiHeadAttention(2, "4"), "key_dim"),
    (lambda: layers.MultiHeadAttention(2, 4, value_dim=-1), "value_dim"),
    (lambda: layers.MultiHeadAttention(2, 4, dropout=1.0), "dropout"),
    (lambda: layers.MultiHeadAttention(2, 4, attention_axes="1"), "attention_axes"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_inputs_are_explained():
    layer = layers.MultiHeadAttention(2, 4)
    with pytest.raises(ValueError, match="at least 3 axes"):
        layer(normal(2, 6), normal(2, 6))
    with pytest.raises(ValueError, match="same shape except"):
        layer(normal(2, 3, 6), normal(2, 4, 6), key=normal(2, 5, 6))
    layer(normal(2, 3, 6), normal(2, 4, 6))
    with pytest.raises(ValueError, match="built for 6"):
        layer(normal(2, 3, 7), normal(2, 4, 6))


# ----------------------------------------------------------------------------- in models


def test_functional_model_saves_and_loads(tmp_path):
    query = numnet.Input(shape=(4, 6))
    value = numnet.Input(shape=(5, 3))
    out = layers.MultiHeadAttention(2, 3, name="att")([query, value])
    model = numnet.Model([query, value], layers.Dense(1)(layers.Flatten()(out)))
    model.compile("adam", "mse")
    q, v = normal(8, 4, 6), normal(8, 5, 3)
    model.fit([q, v], normal(8, 1), epochs=2, verbose=0)
    expected = model.predict([q, v], verbose=0)
    model.save(tmp_path / "att.numnet")
    loaded = numnet.models.load_model(tmp_path / "att.numnet")
    np.testing.assert_array_equal(loaded.predict([q, v], verbose=0), expected)
    att = next(layer for layer in loaded.layers if layer.name == "att")
    assert [w.shape for w in att.weights][0] == (6, 2, 3)


def test_functional_calls_with_separate_arguments_save_and_load(tmp_path):
    query, value = numnet.Input(shape=(5, 8)), numnet.Input(shape=(4, 6))
    attended = layers.MultiHeadAttention(2, 3)(query=query, value=value)
    causal = layers.MultiHeadAttention(2, 4)(attended, attended, use_causal_mask=True)
    model = numnet.Model([query, value], layers.LayerNormalization()(causal + query))
    q, v = normal(3, 5, 8), normal(3, 4, 6)
    expected = model.predict([q, v], verbose=0)
    model.save(tmp_path / "two.numnet")
    loaded = numnet.models.load_model(tmp_path / "two.numnet")
    np.testing.assert_array_equal(loaded.predict([q, v], verbose=0), expected)


class TransformerBlock(layers.Layer):
    """Self-attention and a feed-forward net, each with a residual and LayerNormalization."""

    def __init__(self, dim, heads, hidden, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.MultiHeadAttention(heads, dim // heads)
        self.norm1 = layers.LayerNormalization(epsilon=1e-6)
        self.norm2 = layers.LayerNormalization(epsilon=1e-6)
        self.hidden = layers.Dense(hidden, activation="relu")
        self.project = layers.Dense(dim)

    def call(self, x, training=None):
        x = self.norm1(ops.add(x, self.attention(x, x, training=training)))
        return self.norm2(ops.add(x, self.project(self.hidden(x))))

    def parts(self):
        return [self.attention, self.norm1, self.norm2, self.hidden, self.project]


def test_transformer_block_learns_a_toy_task():
    # The target at every step is the mean of the sequence's first feature: a task for
    # attention, which must spread each query over all steps.
    backend.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 6, 8)).astype("float32")
    y = np.repeat(x[:, :, :1].mean(axis=1, keepdims=True), 6, axis=1)
    block = TransformerBlock(8, 2, 16)
    head = layers.Dense(1)

    def loss_value():
        out = head(block(Tensor(x), training=True))
        return ops.mean(ops.square(ops.subtract(out, y)))

    loss_value()
    params = [w for part in [*block.parts(), head] for w in part.trainable_weights]
    assert len(params) == 8 + 4 + 4 + 2
    learning_rate, first = 0.05, None
    for _ in range(150):
        for p in params:
            p.grad = None
        loss = loss_value()
        loss.backward()
        first = float(loss.value) if first is None else first
        for p in params:
            p.value -= learning_rate * p.grad
    final = float(loss_value().value)
    assert final < 0.3 * first, (first, final)


class KerasIoTransformerBlock(layers.Layer):
    """The block of keras.io's "Text classification with Transformer", as written there."""

    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = numnet.Sequential([layers.Dense(ff_dim, activation="relu"),
                                      layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        positions = self.pos_emb(numnet.ops.arange(start=0, stop=numnet.ops.shape(x)[-1]))
        return self.token_emb(x) + positions


def test_the_keras_io_text_transformer_trains_with_fit():
    backend.set_random_seed(1)
    rng = np.random.default_rng(1)
    vocab_size, maxlen = 30, 10
    x = rng.integers(1, vocab_size, size=(256, maxlen))
    y = np.isin(x, [3, 7]).any(axis=1).astype("int64")
    inputs = layers.Input(shape=(maxlen,))
    h = TokenAndPositionEmbedding(maxlen, vocab_size, 16)(inputs)
    h = KerasIoTransformerBlock(16, 2, 32)(h)
    h = layers.GlobalAveragePooling1D()(h)
    h = layers.Dropout(0.1)(h)
    h = layers.Dense(20, activation="relu")(h)
    model = numnet.Model(inputs, layers.Dense(2, activation="softmax")(h))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # token and position tables, the attention's 8, the feed-forward 4, the norms 4, heads 4
    assert len(model.trainable_weights) == 22
    history = model.fit(x, y, batch_size=32, epochs=6, verbose=0).history
    assert history["loss"][-1] < 0.8 * history["loss"][0], history["loss"]


# ----------------------------------------------------------------------------- Attention layers


def luong(query, value, key, scale=1.0, value_mask=None, causal=False):
    """softmax(scale q k^T, masked keys at -1e9) v in NumPy."""
    query, value, key = (np.asarray(a, np.float64) for a in (query, value, key))
    scores = scale * np.einsum("btd,bsd->bts", query, key)
    keep = np.ones(scores.shape, bool)
    if value_mask is not None:
        keep &= value_mask[:, None, :]
    if causal:
        keep &= np.tril(np.ones(scores.shape[1:], bool))[None]
    scores = np.where(keep, scores, scores - 1e9)
    e = np.exp(scores - scores.max(-1, keepdims=True))
    weights = e / e.sum(-1, keepdims=True)
    return weights @ value, weights


def test_dot_attention_matches_numpy_with_masks():
    layer = layers.Attention(use_scale=True, dtype="float64")
    q, v, k = normal(2, 3, 4), normal(2, 5, 4), normal(2, 5, 4)
    layer([q, v, k])
    layer.set_weights([np.array(0.7)])
    qm = np.array([[1, 1, 0], [1, 1, 1]], bool)
    vm = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    out, weights = layer([q, v, k], mask=[qm, vm], use_causal_mask=True,
                         return_attention_scores=True)
    expected, expected_weights = luong(q, v, k, 0.7, vm, causal=True)
    np.testing.assert_allclose(weights.numpy(), expected_weights, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(out.numpy(), expected * qm[..., None], rtol=1e-9, atol=1e-12)
    assert layer.compute_output_shape([(None, 3, 4), (None, 5, 4)]) == (None, 3, 4)


def test_additive_attention_matches_numpy():
    layer = layers.AdditiveAttention(dtype="float64")
    q, v = normal(2, 3, 4).astype(np.float64), normal(2, 5, 4).astype(np.float64)
    out = layer([q, v]).numpy()
    (scale,) = layer.get_weights()
    scores = (scale * np.tanh(q[:, :, None, :] + v[:, None, :, :])).sum(-1)
    e = np.exp(scores - scores.max(-1, keepdims=True))
    np.testing.assert_allclose(out, (e / e.sum(-1, keepdims=True)) @ v, rtol=1e-9)
    assert scale.shape == (4,)


@pytest.mark.parametrize("make", [
    lambda: layers.Attention(use_scale=True, dtype="float64"),
    lambda: layers.Attention(use_scale=True, score_mode="concat", dtype="float64"),
    lambda: layers.AdditiveAttention(dtype="float64")])
def test_attention_layer_gradients(make):
    layer = make()
    layer([np.zeros((2, 3, 4)), np.zeros((2, 5, 4))])
    layer.set_weights([w + 0.3 for w in layer.get_weights()])
    vm = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    error = check_gradients(lambda q, v, k: layer([q, v, k], mask=[None, vm]),
                            [RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 5, 4)),
                             RNG.normal(size=(2, 5, 4))], params=layer.trainable_weights)
    assert error < 1e-6


def test_attention_layer_in_a_functional_model(tmp_path):
    query, value = numnet.Input(shape=(3, 4)), numnet.Input(shape=(5, 4))
    out = layers.Attention(use_scale=True)([query, value])
    model = numnet.Model([query, value], out)
    q, v = normal(2, 3, 4), normal(2, 5, 4)
    np.testing.assert_allclose(model.predict([q, v], verbose=0), luong(q, v, v)[0], rtol=1e-5,
                               atol=1e-6)
    model.compile("adam", "mse")
    model.fit([q, v], normal(2, 3, 4), epochs=2, verbose=0)
    expected = model.predict([q, v], verbose=0)
    # the scale is a 0-d weight, and stays 0-d in the file (and in the optimizer's slots)
    model.save(tmp_path / "luong.numnet")
    loaded = numnet.models.load_model(tmp_path / "luong.numnet")
    assert loaded.layers[-1].weights[0].shape == ()
    np.testing.assert_array_equal(loaded.predict([q, v], verbose=0), expected)
    loaded.fit([q, v], normal(2, 3, 4), epochs=1, verbose=0)


def test_attention_layer_errors():
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="general")
    with pytest.raises(TypeError, match="list"):
        layers.Attention()(normal(2, 3, 4))


# ----------------------------------------------------------------------------- against Keras


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


def keras_twin(keras, ours, *shapes, **kwargs):
    theirs = keras.layers.MultiHeadAttention(ours.num_heads, ours.key_dim, **kwargs)
    theirs.build(*shapes)
    theirs.set_weights(ours.get_weights())
    return theirs


@pytest.mark.parametrize("kwargs", [
    {}, {"use_causal_mask": True}, {"return_attention_scores": True},
    {"attention_mask": "random"}, {"attention_mask": "random", "use_causal_mask": True},
    {"attention_mask": "random", "return_attention_scores": True}])
def test_matches_keras(keras, kwargs):
    ours = layers.MultiHeadAttention(3, 4, bias_initializer="random_normal")
    q, v = normal(2, 5, 8), normal(2, 5, 6)
    ours.build((None, 5, 8), (None, 5, 6))
    theirs = keras_twin(keras, ours, (None, 5, 8), (None, 5, 6))
    kwargs = dict(kwargs)
    if kwargs.get("attention_mask") == "random":
        mask = RNG.random((2, 5, 5)) > 0.4
        mask[0, 2] = False  # a query with no key
        kwargs["attention_mask"] = mask
    out = ours(q, v, **kwargs)
    expected = theirs(q, v, **kwargs)
    if kwargs.get("return_attention_scores"):
        np.testing.assert_allclose(out[1].numpy(), np.asarray(expected[1]), atol=1e-6)
        out, expected = out[0], expected[0]
    np.testing.assert_allclose(out.numpy(), np.asarray(expected), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("axes", [None, (2,), (1, 2)])
def test_attention_axes_and_output_shape_match_keras(keras, axes):
    ours = layers.MultiHeadAttention(2, 3, attention_axes=axes, output_shape=(5,))
    x = normal(2, 3, 4, 6)
    out, scores = ours(x, x, return_attention_scores=True)
    theirs = keras_twin(keras, ours, x.shape, x.shape, attention_axes=axes, output_shape=(5,))
    expected, expected_scores = theirs(x, x, return_attention_scores=True)
    np.testing.assert_allclose(out.numpy(), np.asarray(expected), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), np.asarray(expected_scores), atol=1e-6)


def test_gate_matches_keras(keras):
    ours = layers.MultiHeadAttention(2, 3, use_gate=True)
    x = normal(2, 4, 5)
    out = ours(x, x)
    theirs = keras_twin(keras, ours, x.shape, x.shape, use_gate=True)
    np.testing.assert_allclose(out.numpy(), np.asarray(theirs(x, x)), rtol=1e-5, atol=1e-5)


def test_masked_self_attention_matches_a_keras_model(keras):
    # Keras takes the masks from Embedding(mask_zero=True) through its functional model.
    tokens = np.array([[3, 4, 5, 0, 0], [6, 7, 8, 9, 0]])
    inp = keras.Input((5,), dtype="int32")
    embed = keras.layers.Embedding(10, 6, mask_zero=True)
    attention = keras.layers.MultiHeadAttention(2, 3)
    hidden = embed(inp)
    model = keras.Model(inp, attention(hidden, hidden))
    ours = layers.MultiHeadAttention(2, 3, bias_initializer="random_normal")
    table = normal(10, 6)
    x = table[tokens]
    mask = tokens != 0
    out = ours(x, x, query_mask=mask, value_mask=mask)
    embed.set_weights([table])
    attention.set_weights(ours.get_weights())
    np.testing.assert_allclose(out.numpy(), np.asarray(model(tokens)), rtol=1e-5, atol=1e-5)


def test_keras_weight_files_line_up_both_ways(keras, tmp_path):
    # Keras nests the projections as query_dense, key_dense, value_dense, output_dense.
    kq, kv = keras.Input((5, 8)), keras.Input((4, 6))
    theirs = keras.Model([kq, kv], keras.layers.MultiHeadAttention(
        2, 3, bias_initializer="random_normal")(kq, kv))
    theirs.save_weights(tmp_path / "keras.weights.h5")
    nq, nv = numnet.Input(shape=(5, 8)), numnet.Input(shape=(4, 6))
    ours = numnet.Model([nq, nv], layers.MultiHeadAttention(2, 3)([nq, nv]))
    ours.load_weights(tmp_path / "keras.weights.h5")
    q, v = normal(2, 5, 8), normal(2, 4, 6)
    np.testing.assert_allclose(ours.predict([q, v], verbose=0), np.asarray(theirs([q, v])),
                               rtol=1e-5, atol=1e-5)
    ours.layers[-1].set_weights([w * 0.5 for w in ours.layers[-1].get_weights()])
    ours.save_weights(tmp_path / "numnet.weights.h5")
    theirs.load_weights(tmp_path / "numnet.weights.h5")
    np.testing.assert_allclose(ours.predict([q, v], verbose=0), np.asarray(theirs([q, v])),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name, kwargs", [
    ("Attention", {}), ("Attention", {"use_scale": True}),
    ("Attention", {"use_scale": True, "score_mode": "concat"}), ("AdditiveAttention", {})])
def test_attention_layers_match_keras(keras, name, kwargs):
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    q, v, k = normal(2, 3, 4), normal(2, 5, 4), normal(2, 5, 4)
    ours([q, v, k])
    theirs([q, v, k])
    weights = [w * 1.3 + 0.1 for w in ours.get_weights()]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    masks = [np.array([[1, 1, 0], [1, 1, 1]], bool),
             np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)]
    for call in ({}, {"mask": masks, "use_causal_mask": True}):
        out, scores = ours([q, v, k], return_attention_scores=True, **call)
        expected, expected_scores = theirs([q, v, k], return_attention_scores=True, **call)
        np.testing.assert_allclose(out.numpy(), np.asarray(expected), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(scores.numpy(), np.asarray(expected_scores), atol=1e-6)


@pytest.mark.parametrize("module", ["numnet.layers.attention"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module),
                             extraglobs={"np": np, "numnet": numnet},
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_attention_layers_from_keras_model_files_and_weights_both_ways(keras, tmp_path):
    kq, kv = keras.Input((3, 4)), keras.Input((5, 4))
    luong = keras.layers.Attention(use_scale=True, score_mode="concat")
    theirs = keras.Model([kq, kv], keras.layers.AdditiveAttention()([luong([kq, kv]), kv]))
    luong.set_weights([np.array(1.7, "float32"), np.array(0.6, "float32")])  # 0-d weights
    theirs.save(tmp_path / "theirs.keras")
    ours = numnet.models.load_model(tmp_path / "theirs.keras")
    q, v = normal(2, 3, 4), normal(2, 5, 4)
    np.testing.assert_allclose(ours.predict([q, v], verbose=0), np.asarray(theirs([q, v])),
                               rtol=1e-5, atol=1e-6)
    ours.layers[2].set_weights([np.array(0.5, "float32"), np.array(2.0, "float32")])
    ours.save_weights(tmp_path / "ours.weights.h5")
    theirs.load_weights(tmp_path / "ours.weights.h5")
    np.testing.assert_allclose(np.asarray(theirs([q, v])), ours.predict([q, v], verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_runs_on_a_device(runs_on_a_device):
    runs_on_a_device(__file__)


def test_projection_paths_keep_the_scope_of_an_enclosing_layer():
    # Keras names MultiHeadAttention's EinsumDense sublayers inside the layers that hold it:
    # "block/multi_head_attention/query/kernel" (the float8 recipe finds them so)
    class Block(numnet.layers.Layer):
        def build(self, input_shape):
            self.attention = numnet.layers.MultiHeadAttention(2, 4, name="multi_head_attention")

        def call(self, x):
            return self.attention(x, x)

    inputs = numnet.Input((3, 8))
    model = numnet.Model(inputs, Block(name="block")(inputs))
    assert [w.path for w in model.weights][:2] == ["block/multi_head_attention/query/kernel",
                                                   "block/multi_head_attention/query/bias"]
    alone = numnet.layers.MultiHeadAttention(2, 4, name="mha")
    alone(np.ones((1, 3, 8), "float32"), np.ones((1, 3, 8), "float32"))
    assert alone.weights[-1].path == "mha/attention_output/bias"
