"""Dice, Tversky, Circle and CategoricalGeneralizedCrossEntropy: values by hand (NumPy here),
gradients by central differences, the loss objects' reductions, configs and names, and Keras's
values on the same inputs (skipped without keras)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import losses

EPS = 1e-7


def _masks(seed=0, shape=(4, 5, 5)):
    rng = np.random.default_rng(seed)
    return ((rng.random(shape) > 0.5).astype("float32"),
            rng.uniform(0.05, 0.95, shape).astype("float32"))


def _dice_by_hand(y, p, axis=None):
    return 1 - 2 * (y * p).sum(axis=axis) / (y.sum(axis=axis) + p.sum(axis=axis) + EPS)


def _tversky_by_hand(y, p, alpha, beta, axis=None):
    tp = (y * p).sum(axis=axis)
    return 1 - tp / (tp + alpha * (y * (1 - p)).sum(axis=axis)
                     + beta * ((1 - y) * p).sum(axis=axis) + EPS)


def _embeddings(seed=0, n=8, d=4):
    e = np.random.default_rng(seed).normal(size=(n, d))
    return (e / np.linalg.norm(e, axis=1, keepdims=True)).astype("float32")


def _logsumexp(values, mask):
    if not mask.any():
        return -np.inf
    v = values[mask]
    top = v.max()
    return top + np.log(np.exp(v - top).sum())


def _circle_by_hand(labels, e, gamma=80.0, margin=0.4, remove_diagonal=True):
    e = e.astype("float64")
    d = np.maximum(1 - e @ e.T, 0)
    pos = labels[:, None] == labels[None, :]
    neg = ~pos
    if remove_diagonal:
        pos &= ~np.eye(len(labels), dtype=bool)
    out = []
    for i in range(len(labels)):
        sp = -gamma * np.maximum(margin + d[i], 0) * (margin - d[i])
        sn = gamma * np.maximum(1 + margin - d[i], 0) * (1 - margin - d[i])
        total = _logsumexp(sp, pos[i]) + _logsumexp(sn, neg[i])
        out.append(0.0 if total == -np.inf else np.logaddexp(0, total))
    return np.array(out)


def _gce_by_hand(labels, p, q):
    return (1 - p[np.arange(len(labels)), labels] ** q) / q


@pytest.mark.parametrize("axis", [None, (1, 2), -1])
def test_dice_and_tversky_by_hand(axis):
    y, p = _masks()
    np.testing.assert_allclose(np.asarray(losses.dice(y, p, axis=axis)),
                               _dice_by_hand(y, p, axis), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(losses.tversky(y, p, 0.3, 0.7, axis=axis)),
                               _tversky_by_hand(y, p, 0.3, 0.7, axis), rtol=1e-5)
    # Tversky with alpha = beta = 0.5 is Dice
    np.testing.assert_allclose(np.asarray(losses.tversky(y, p, axis=axis)),
                               np.asarray(losses.dice(y, p, axis=axis)), rtol=1e-5)


def test_dice_class_reduces_per_image_values_with_weights():
    y, p = _masks(1)
    per_image = _dice_by_hand(y, p, (1, 2))
    assert float(losses.Dice(axis=(1, 2))(y, p)) == pytest.approx(per_image.mean(), rel=1e-5)
    w = np.array([1.0, 0.0, 2.0, 1.0], "float32")
    assert float(losses.Dice(axis=(1, 2))(y, p, sample_weight=w)) == pytest.approx(
        (per_image * w).sum() / 4, rel=1e-5)
    assert float(losses.Dice()(y, p)) == pytest.approx(_dice_by_hand(y, p), rel=1e-5)


def test_circle_by_hand_and_its_masked_mean():
    labels = np.array([0, 0, 1, 1, 2, 2, 3, 0])
    e = _embeddings()
    want = _circle_by_hand(labels, e)
    assert want[6] == 0.0  # label 3 has no positive: the row gives 0
    np.testing.assert_allclose(losses.circle(labels, e).numpy(), want, rtol=1e-4)
    got = float(losses.Circle()(labels, e))
    assert got == pytest.approx(want[want > 0].mean(), rel=1e-4)
    want = _circle_by_hand(labels, e, gamma=10.0, margin=0.25, remove_diagonal=False)
    got = losses.circle(labels, e, gamma=10.0, margin=0.25, remove_diagonal=False).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4)


def test_circle_with_references():
    labels, e = np.array([0, 1, 0]), _embeddings(2, 3)
    ref_labels, refs = np.array([0, 1, 1, 0]), _embeddings(3, 4)
    got = losses.circle(labels, e, ref_labels=ref_labels, ref_embeddings=refs,
                        remove_diagonal=False).numpy()
    d = np.maximum(1 - e.astype("float64") @ refs.T.astype("float64"), 0)
    pos = labels[:, None] == ref_labels[None, :]
    for i in range(3):
        sp = -80 * np.maximum(0.4 + d[i], 0) * (0.4 - d[i])
        sn = 80 * np.maximum(1.4 - d[i], 0) * (0.6 - d[i])
        want = np.logaddexp(0, _logsumexp(sp, pos[i]) + _logsumexp(sn, ~pos[i]))
        assert got[i] == pytest.approx(want, rel=1e-4)


def test_categorical_generalized_cross_entropy_by_hand():
    rng = np.random.default_rng(4)
    p = rng.random((6, 3)).astype("float32")
    p /= p.sum(axis=1, keepdims=True)
    labels = np.array([0, 1, 2, 2, 1, 0])
    for q in (0.1, 0.5, 0.9):
        np.testing.assert_allclose(
            losses.categorical_generalized_cross_entropy(labels, p, q).numpy(),
            _gce_by_hand(labels, p, q), rtol=1e-5)
    loss = losses.CategoricalGeneralizedCrossEntropy(q=0.3)
    assert float(loss(labels[:, None], p)) == pytest.approx(_gce_by_hand(labels, p, 0.3).mean(),
                                                           rel=1e-5)
    for bad in (0, 1, 1.5):
        with pytest.raises(ValueError, match="q"):
            losses.CategoricalGeneralizedCrossEntropy(q=bad)


def _numeric_gradient(f, x, index, step=1e-3):
    up, down = x.astype("float64").copy(), x.astype("float64").copy()
    up[index] += step
    down[index] -= step
    return (f(up) - f(down)) / (2 * step)


def _tape_gradient(loss, y_true, x):
    var = numnet.Variable(x.copy())
    with numnet.GradientTape() as tape:
        value = loss(y_true, var)
    return np.asarray(tape.gradient(value, var))


def test_gradients_by_central_differences():
    y, p = _masks(5, (2, 3, 3))
    grad = _tape_gradient(losses.Dice(axis=(1, 2)), y, p)
    numeric = _numeric_gradient(lambda v: _dice_by_hand(y, v, (1, 2)).mean(), p, (1, 2, 0))
    assert grad[1, 2, 0] == pytest.approx(numeric, rel=1e-2)
    grad = _tape_gradient(losses.Tversky(0.2, 0.8), y, p)
    numeric = _numeric_gradient(lambda v: _tversky_by_hand(y, v, 0.2, 0.8), p, (0, 1, 1))
    assert grad[0, 1, 1] == pytest.approx(numeric, rel=1e-2)
    labels, e = np.array([0, 0, 1, 1, 2]), _embeddings(6, 5, 3)
    grad = _tape_gradient(losses.Circle(gamma=4.0), labels, e)
    assert np.isfinite(grad).all()

    def circle_mean(v):
        values = _circle_by_hand(labels, v, gamma=4.0)
        return values[values > 0].mean()

    numeric = _numeric_gradient(circle_mean, e, (2, 1), step=1e-4)
    assert grad[2, 1] == pytest.approx(numeric, rel=2e-2, abs=1e-4)
    rng = np.random.default_rng(8)
    p = rng.uniform(0.1, 0.9, (4, 3)).astype("float32")
    t = np.array([0, 2, 1, 2])
    grad = _tape_gradient(losses.CategoricalGeneralizedCrossEntropy(0.4), t, p)
    numeric = _numeric_gradient(lambda v: _gce_by_hand(t, v, 0.4).mean(), p, (1, 2))
    assert grad[1, 2] == pytest.approx(numeric, rel=1e-2)
    assert grad[1, 0] == 0.0


def test_names_configs_and_training():
    for name, cls in (("dice", losses.Dice), ("tversky", losses.Tversky),
                      ("circle", losses.Circle),
                      ("categorical_generalized_cross_entropy",
                       losses.CategoricalGeneralizedCrossEntropy)):
        assert type(losses.loss_object(name)) is cls and losses.get(name) is getattr(losses, name)
        assert losses.get(cls.__name__).__class__ is cls
    tversky = losses.Tversky(alpha=0.2, beta=0.8, axis=(1,), name="tv")
    config = losses.serialize(tversky)
    assert config["config"] == {"name": "tv", "reduction": "sum_over_batch_size", "alpha": 0.2,
                                "beta": 0.8, "axis": (1,)}
    again = losses.deserialize(config)
    assert isinstance(again, losses.Tversky) and again.get_config() == tversky.get_config()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :2] > 0).astype("float32")
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([numnet.Input((4,)), numnet.layers.Dense(2, activation="sigmoid")])
    model.compile(optimizer=numnet.optimizers.Adam(0.05), loss=losses.Dice(axis=-1))
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]


@pytest.fixture
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


def test_match_keras(keras):
    y, p = _masks(3)
    for axis in (None, (1, 2)):
        for ours, theirs in ((losses.Dice(axis=axis), keras.losses.Dice(axis=axis)),
                             (losses.Tversky(0.3, 0.7, axis=axis),
                              keras.losses.Tversky(0.3, 0.7, axis=axis))):
            assert float(ours(y, p)) == pytest.approx(float(theirs(y, p)), rel=1e-5)
    labels, e = np.array([0, 0, 1, 1, 2, 2, 3, 0]), _embeddings(9)
    for kwargs in ({}, {"gamma": 10.0, "margin": 0.25, "remove_diagonal": False}):
        np.testing.assert_allclose(losses.circle(labels, e, **kwargs).numpy(),
                                   np.asarray(keras.losses.circle(labels, e, **kwargs)),
                                   rtol=1e-4, atol=1e-6)
        assert float(losses.Circle(**kwargs)(labels, e)) == pytest.approx(
            float(keras.losses.Circle(**kwargs)(labels, e)), rel=1e-4)
    rng = np.random.default_rng(5)
    p = rng.random((6, 4)).astype("float32")
    p /= p.sum(axis=1, keepdims=True)
    t = np.array([0, 1, 2, 3, 1, 0])
    assert float(losses.CategoricalGeneralizedCrossEntropy(0.7)(t, p)) == pytest.approx(
        float(keras.losses.CategoricalGeneralizedCrossEntropy(0.7)(t, p)), rel=1e-5)
    config = keras.losses.Circle(gamma=20.0).get_config()
    assert losses.Circle.from_config(config).gamma == 20.0


def _collapse(path):
    out, previous = [], None
    for s in path:
        if s != previous and s != 0:
            out.append(s)
        previous = s
    return out


def _ctc_by_enumeration(labels, logits):
    """-log of the summed probability of every path that collapses to the labels."""
    import itertools

    probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    total = 0.0
    for path in itertools.product(range(logits.shape[1]), repeat=len(logits)):
        if _collapse(path) == list(labels):
            total += np.prod([probs[t, s] for t, s in enumerate(path)])
    return -np.log(total)


def test_ctc_by_enumerating_alignments_and_gradient():
    rng = np.random.default_rng(3)
    y = np.array([[1, 2, 0], [2, 2, 0], [1, 0, 0]])
    p = rng.normal(size=(3, 4, 3)).astype("float32")
    want = [_ctc_by_enumeration([int(v) for v in row if v], p[i].astype("float64"))
            for i, row in enumerate(y)]
    np.testing.assert_allclose(losses.ctc(y, p).numpy(), want, rtol=1e-5)
    assert float(losses.CTC()(y, p)) == pytest.approx(np.mean(want), rel=1e-5)
    grad = _tape_gradient(losses.CTC(), y, p)
    numeric = _numeric_gradient(lambda v: np.mean(
        [_ctc_by_enumeration([int(c) for c in row if c], v[i]) for i, row in enumerate(y)]),
        p, (0, 2, 1))
    assert grad[0, 2, 1] == pytest.approx(numeric, rel=1e-3)
    assert type(losses.loss_object("ctc")) is losses.CTC and losses.get("ctc") is losses.ctc
    with pytest.raises(ValueError, match="y_true"):
        losses.ctc(np.array([1, 2]), p)


def test_ctc_matches_keras(keras):
    rng = np.random.default_rng(0)
    y = np.array([[1, 2, 2, 0], [3, 1, 0, 0]])
    p = rng.normal(size=(2, 6, 4)).astype("float32")
    np.testing.assert_allclose(losses.ctc(y, p).numpy(), np.asarray(keras.losses.ctc(y, p)),
                               rtol=1e-5)
