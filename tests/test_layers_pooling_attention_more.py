"""Adaptive poolings, ReversibleEmbedding and GroupQueryAttention: windows and values by hand,
gradient checks, configs, models that train and save, and Keras 3 (JAX) where installed."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.autodiff.gradcheck import check_gradients
from numnet.layers.pooling_adaptive import adaptive_windows

RNG = np.random.default_rng(11)
POOLS = [(layers.AdaptiveAveragePooling1D, 1), (layers.AdaptiveAveragePooling2D, 2),
         (layers.AdaptiveAveragePooling3D, 3), (layers.AdaptiveMaxPooling1D, 1),
         (layers.AdaptiveMaxPooling2D, 2), (layers.AdaptiveMaxPooling3D, 3)]


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


def _reference_pool(x, output_size, reduce):
    """Every output cell by its box of input positions, in loops."""
    rank = len(output_size)
    windows = [adaptive_windows(n, m) for n, m in zip(x.shape[1:-1], output_size, strict=True)]
    out = np.zeros((x.shape[0], *output_size, x.shape[-1]))
    for cell in np.ndindex(*output_size):
        box = tuple(slice(*windows[a][cell[a]]) for a in range(rank))
        block = x[(slice(None), *box, slice(None))]
        out[(slice(None), *cell, slice(None))] = reduce(block, axis=tuple(range(1, rank + 1)))
    return out


def test_adaptive_windows_tile_the_axis():
    assert adaptive_windows(5, 2) == [(0, 3), (2, 5)]
    assert adaptive_windows(10, 3) == [(0, 4), (3, 7), (6, 10)]
    assert adaptive_windows(4, 4) == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert adaptive_windows(2, 3) == [(0, 1), (0, 2), (1, 2)]  # more outputs than inputs


@pytest.mark.parametrize("cls,rank", POOLS)
def test_adaptive_pooling_by_its_definition(cls, rank):
    shape = {1: (2, 7, 3), 2: (2, 7, 5, 3), 3: (1, 5, 4, 6, 2)}[rank]
    sizes = {1: (3,), 2: (3, 2), 3: (2, 3, 4)}[rank]
    x = RNG.normal(size=shape).astype("float32")
    layer = cls(sizes if rank > 1 else sizes[0])
    reduce = np.mean if "Average" in cls.__name__ else np.max
    np.testing.assert_allclose(layer(x).numpy(), _reference_pool(x, sizes, reduce), rtol=1e-5,
                               atol=1e-6)
    assert layer.compute_output_shape((None, *shape[1:])) == (None, *sizes, shape[-1])


@pytest.mark.parametrize("cls,rank", POOLS)
def test_adaptive_pooling_gradients_and_channels_first(cls, rank):
    shape = {1: (2, 5, 2), 2: (1, 5, 4, 2), 3: (1, 3, 4, 3, 1)}[rank]
    layer = cls(2, dtype="float64")
    x = RNG.normal(size=shape)
    assert check_gradients(lambda t: layer(t), [x]) < 1e-6
    first = cls(2, data_format="channels_first")
    moved = np.moveaxis(x, -1, 1).astype("float32")
    np.testing.assert_allclose(np.moveaxis(first(moved).numpy(), 1, -1),
                               cls(2)(x.astype("float32")).numpy(), rtol=1e-6)
    assert cls.from_config(first.get_config()).get_config() == first.get_config()


def test_adaptive_pooling_errors_and_model(tmp_path):
    with pytest.raises(TypeError, match="output_size"):
        layers.AdaptiveAveragePooling2D((2, 2, 2))
    with pytest.raises(ValueError, match="4 axes"):
        layers.AdaptiveMaxPooling2D(2)(np.ones((2, 3, 3), "float32"))
    model = numnet.Sequential([numnet.Input((9, 7, 2)), layers.Conv2D(3, 3),
                               layers.AdaptiveAveragePooling2D((2, 2)), layers.Flatten(),
                               layers.Dense(1)])
    model.compile("adam", "mse")
    x = RNG.normal(size=(16, 9, 7, 2)).astype("float32")
    model.fit(x, x.mean(axis=(1, 2, 3))[:, None], epochs=2, verbose=0)
    model.save(tmp_path / "pool.numnet")
    loaded = numnet.models.load_model(tmp_path / "pool.numnet")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


@pytest.mark.parametrize("cls,rank", POOLS)
def test_adaptive_pooling_matches_keras(cls, rank):
    keras = _keras()
    shape = {1: (2, 7, 3), 2: (2, 7, 5, 3), 3: (1, 5, 4, 6, 2)}[rank]
    sizes = {1: 3, 2: (3, 2), 3: (2, 3, 4)}[rank]
    x = RNG.normal(size=shape).astype("float32")
    theirs = getattr(keras.layers, cls.__name__)(sizes, data_format="channels_last")
    np.testing.assert_allclose(cls(sizes)(x).numpy(), np.asarray(theirs(x)), rtol=1e-5,
                               atol=1e-6)


# ----- ReversibleEmbedding -----

def test_reversible_embedding_by_hand():
    layer = layers.ReversibleEmbedding(5, 3)
    ids = np.array([[0, 4, 2]])
    vectors = layer(ids)
    table = layer.embeddings.numpy()
    np.testing.assert_array_equal(vectors.numpy(), table[ids])
    logits = layer(vectors, reverse=True).numpy()
    np.testing.assert_allclose(logits, table[ids] @ table.T, rtol=1e-6)
    assert [w.name for w in layer.weights] == ["embeddings"]
    untied = layers.ReversibleEmbedding(5, 3, tie_weights=False, logit_soft_cap=2.0)
    x = untied(ids)
    want = np.tanh((x.numpy() @ untied.reverse_embeddings.numpy()) / 2.0) * 2.0
    np.testing.assert_allclose(untied(x, reverse=True).numpy(), want, rtol=1e-5)
    assert [w.name for w in untied.weights] == ["embeddings", "reverse_embeddings"]
    assert untied.compute_output_shape((None, 4, 3), reverse=True) == (None, 4, 5)


def test_reversible_embedding_mask_gradients_and_config():
    layer = layers.ReversibleEmbedding(6, 4, mask_zero=True)
    out = layer(np.array([[1, 0, 2]]))
    np.testing.assert_array_equal(out._keras_mask, [[True, False, True]])
    assert getattr(layer(out, reverse=True), "_keras_mask", None) is None
    untied = layers.ReversibleEmbedding(6, 4, tie_weights=False, dtype="float64",
                                        logit_soft_cap=3.0)
    untied.build()
    assert check_gradients(lambda t: untied(t, reverse=True), [RNG.normal(size=(2, 3, 4))],
                           params=[untied.reverse_embeddings]) < 1e-6
    clone = layers.ReversibleEmbedding.from_config(untied.get_config())
    assert clone.get_config() == untied.get_config()
    with pytest.raises(ValueError, match="logit_soft_cap"):
        layers.ReversibleEmbedding(3, 2, logit_soft_cap=-1)


def test_reversible_embedding_language_model_trains(tmp_path):
    class TinyLM(numnet.Model):
        def __init__(self):
            super().__init__()
            self.embed = layers.ReversibleEmbedding(8, 6)
            self.mix = layers.Dense(6, activation="tanh")

        def call(self, ids):
            return self.embed(self.mix(self.embed(ids)), reverse=True)

    ids = RNG.integers(0, 8, size=(64, 5))
    targets = (ids + 1) % 8
    model = TinyLM()
    model.compile("adam", numnet.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ids, targets, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_reversible_embedding_matches_keras():
    keras = _keras()
    for tie in (True, False):
        theirs = keras.layers.ReversibleEmbedding(7, 3, tie_weights=tie, logit_soft_cap=2.5)
        ids = np.array([[1, 6, 0]])
        theirs(ids)
        ours = layers.ReversibleEmbedding(7, 3, tie_weights=tie, logit_soft_cap=2.5)
        ours.build()
        ours.set_weights([RNG.normal(size=w.shape).astype("float32")
                          for w in theirs.get_weights()])
        theirs.set_weights(ours.get_weights())
        x = RNG.normal(size=(2, 4, 3)).astype("float32")
        np.testing.assert_allclose(ours(ids).numpy(), np.asarray(theirs(ids)), rtol=1e-6)
        np.testing.assert_allclose(ours(x, reverse=True).numpy(),
                                   np.asarray(theirs(x, reverse=True)), rtol=1e-5, atol=1e-6)


# ----- GroupQueryAttention -----

def _gqa_reference(layer, q_in, v_in, mask=None):
    w = {w.path.split("/")[-2] + "/" + w.name: w.numpy() for w in layer.weights}
    q = np.einsum("bqm,muh->bquh", q_in, w["query/kernel"]) + w["query/bias"]
    k = np.einsum("bkm,mvh->bkvh", v_in, w["key/kernel"]) + w["key/bias"]
    v = np.einsum("bkm,mvh->bkvh", v_in, w["value/kernel"]) + w["value/bias"]
    groups = layer.num_query_heads // layer.num_key_value_heads
    k, v = np.repeat(k, groups, axis=2), np.repeat(v, groups, axis=2)
    scores = np.einsum("bquh,bkuh->buqk", q / np.sqrt(layer.head_dim), k)
    if mask is not None:
        scores = np.where(mask[:, None], scores, -1e9)
    probs = np.exp(scores - scores.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    out = np.einsum("buqk,bkuh->bquh", probs, v)
    return np.einsum("bquh,uhm->bqm", out, w["attention_output/kernel"]) + \
        w["attention_output/bias"]


def test_group_query_attention_by_hand():
    layer = layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2,
                                       bias_initializer="random_normal")
    q = RNG.normal(size=(2, 5, 6)).astype("float32")
    v = RNG.normal(size=(2, 4, 6)).astype("float32")
    out = layer(q, v)
    np.testing.assert_allclose(out.numpy(), _gqa_reference(layer, q, v), rtol=1e-4, atol=1e-5)
    assert [w.shape for w in layer.weights] == [(6, 4, 3), (4, 3), (6, 2, 3), (2, 3),
                                                (6, 2, 3), (2, 3), (4, 3, 6), (6,)]
    causal = layer(q, q, use_causal_mask=True).numpy()
    mask = np.tril(np.ones((5, 5), bool))[None].repeat(2, 0)
    np.testing.assert_allclose(causal, _gqa_reference(layer, q, q, mask), rtol=1e-4,
                               atol=1e-5)
    out, scores = layer(q, v, return_attention_scores=True)
    assert scores.shape == (2, 4, 5, 4)
    np.testing.assert_allclose(scores.numpy().sum(-1), 1.0, rtol=1e-5)


def test_group_query_attention_gradients_config_errors():
    layer = layers.GroupQueryAttention(2, 4, 1, use_gate=True, dtype="float64")
    layer.build((None, 3, 4), (None, 3, 4))
    # (the key bias shifts every score of a query by the same amount, which the softmax
    # cancels: its gradient is exactly zero, where a relative error means nothing)
    params = [w for w in layer.trainable_weights if not w.path.endswith("/key/bias")]
    assert check_gradients(lambda t: layer(t, t), [RNG.normal(size=(2, 3, 4))],
                           params=params) < 1e-6
    clone = layers.GroupQueryAttention.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    with pytest.raises(ValueError, match="multiple"):
        layers.GroupQueryAttention(2, 3, 2)
    with pytest.raises(ValueError, match="last axes"):
        layers.GroupQueryAttention(2, 2, 1)(np.ones((1, 2, 3), "float32"),
                                            np.ones((1, 2, 4), "float32"))


def test_group_query_attention_in_a_functional_model(tmp_path):
    inputs = numnet.Input((6, 8))
    attended = layers.GroupQueryAttention(4, 4, 2, name="gqa")(inputs, inputs,
                                                               use_causal_mask=True)
    outputs = layers.Dense(1)(layers.GlobalAveragePooling1D()(attended))
    model = numnet.Model(inputs, outputs)
    model.compile("adam", "mse")
    x = RNG.normal(size=(32, 6, 8)).astype("float32")
    history = model.fit(x, x.sum(axis=(1, 2))[:, None], epochs=4, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "gqa.numnet")
    loaded = numnet.models.load_model(tmp_path / "gqa.numnet")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5)


@pytest.mark.parametrize("kwargs", [dict(), dict(use_gate=True), dict(use_bias=False),
                                    dict(sliding_window=2)])
def test_group_query_attention_matches_keras(kwargs):
    keras = _keras()
    q = RNG.normal(size=(2, 5, 6)).astype("float32")
    v = RNG.normal(size=(2, 4, 6)).astype("float32")
    theirs = keras.layers.GroupQueryAttention(3, 4, 2, **kwargs)
    theirs(q, v)
    ours = layers.GroupQueryAttention(3, 4, 2, **kwargs)
    ours(q, v)
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    weights = [RNG.normal(size=w.shape).astype("float32") * 0.3 for w in theirs.weights]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    mask = np.array([[1, 1, 1, 0], [1, 0, 1, 1]], bool)
    for call in (dict(), dict(use_causal_mask=True), dict(value_mask=mask)):
        value = q if call.get("use_causal_mask") else v
        np.testing.assert_allclose(ours(q, value, **call).numpy(),
                                   np.asarray(theirs(q, value, **call)), rtol=1e-4, atol=1e-5)
    a, sa = ours(q, v, return_attention_scores=True, value_mask=mask)
    b, sb = theirs(q, v, return_attention_scores=True, value_mask=mask)
    np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(sa.numpy(), np.asarray(sb), rtol=1e-4, atol=1e-5)
