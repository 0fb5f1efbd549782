"""Weight constraints: each formula against NumPy written out, applied after every optimizer step
in fit (as Keras 3 applies them), and kept by configs and model files."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import constraints, layers

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

W = np.random.default_rng(0).normal(size=(5, 4)) * np.array([0.1, 1.0, 3.0, 10.0])
EPS = 1e-7


def norms(w, axis=0):
    return np.sqrt((w ** 2).sum(axis=axis, keepdims=True))


@pytest.mark.parametrize("constraint, expected", [
    (constraints.MaxNorm(2.0), W * np.clip(norms(W), 0, 2.0) / (EPS + norms(W))),
    (constraints.MaxNorm(1.5, axis=1), W * np.clip(norms(W, 1), 0, 1.5) / (EPS + norms(W, 1))),
    (constraints.MinMaxNorm(0.5, 3.0, rate=0.5),
     W * (0.5 * np.clip(norms(W), 0.5, 3.0) + 0.5 * norms(W)) / (EPS + norms(W))),
    (constraints.UnitNorm(), W / (EPS + norms(W))),
    (constraints.UnitNorm(axis=(0, 1)), W / (EPS + np.sqrt((W ** 2).sum()))),
    (constraints.NonNeg(), np.where(W >= 0, W, 0.0)),
])
def test_each_constraint_is_its_formula(constraint, expected):
    got = constraint(W.copy())
    assert got.dtype == W.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert constraint(W.astype("float32")).dtype == np.float32


def test_max_norm_leaves_small_columns_and_caps_large_ones():
    out = constraints.MaxNorm(2.0)(W)
    column = norms(out)[0]
    np.testing.assert_allclose(column[norms(W)[0] > 2], 2.0, rtol=1e-6)
    np.testing.assert_allclose(out[:, norms(W)[0] <= 2], W[:, norms(W)[0] <= 2], rtol=1e-6)


def test_get_names_dicts_instances_and_callables():
    assert isinstance(constraints.get("max_norm"), constraints.MaxNorm)
    assert isinstance(constraints.get("NonNeg"), constraints.NonNeg)
    got = constraints.get({"class_name": "MinMaxNorm", "config": {"max_value": 4.0}})
    assert got.get_config() == {"min_value": 0.0, "max_value": 4.0, "rate": 1.0, "axis": 0}
    same = constraints.UnitNorm(axis=1)
    assert constraints.get(same) is same and constraints.get(None) is None
    clip = np.abs
    assert constraints.get(clip) is clip
    with pytest.raises(ValueError, match="unknown name 'max_nrom'.*Did you mean 'max_norm'"):
        constraints.get("max_nrom")
    with pytest.raises(TypeError, match="expected a name"):
        constraints.get(3)
    assert numnet.keras.constraints.max_norm is constraints.MaxNorm


def test_fit_applies_the_constraint_after_every_step():
    rs = np.random.default_rng(1)
    x = (rs.normal(size=(96, 6)) * 4).astype("float32")
    y = (x[:, 0] - x[:, 1] > 0).astype("float32")
    numnet.utils.set_random_seed(0)
    hidden = layers.Dense(8, activation="relu", kernel_constraint=constraints.MaxNorm(0.7),
                          bias_constraint="non_neg")
    model = numnet.Sequential([numnet.Input((6,)), hidden,
                               layers.Dense(1, activation="sigmoid")])
    model.compile(numnet.optimizers.SGD(0.5), "binary_crossentropy")
    seen = []
    check = numnet.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(
        (norms(hidden.kernel.value).max(), hidden.bias.value.min())))
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[check])
    assert len(seen) == 12
    assert max(n for n, _ in seen) <= 0.7 + 1e-6 and min(b for _, b in seen) >= 0
    assert max(n for n, _ in seen) > 0.69  # the cap was reached, so it did something


def test_one_step_is_the_update_then_the_constraint():
    numnet.utils.set_random_seed(2)
    layer = layers.Dense(3, kernel_constraint=constraints.UnitNorm(), use_bias=False)
    model = numnet.Sequential([numnet.Input((4,)), layer])
    model.compile(numnet.optimizers.SGD(0.1), "mse")
    x = np.random.default_rng(3).normal(size=(8, 4)).astype("float32")
    y = np.zeros((8, 3), "float32")
    w = layer.kernel.numpy().astype(np.float64)
    grad = 2 * x.T.astype(np.float64) @ (x @ w) / y.size  # d mean((x w)^2) / d w
    model.train_on_batch(x, y)
    expected = w - 0.1 * grad
    expected /= EPS + norms(expected)
    np.testing.assert_allclose(layer.kernel.value, expected, rtol=1e-5, atol=1e-6)


def test_batch_normalization_constraints_and_model_files_keep_them(tmp_path):
    bn = layers.BatchNormalization(gamma_constraint="non_neg", beta_constraint="max_norm")
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(
        4, kernel_constraint=constraints.MinMaxNorm(0.1, 2.0, rate=0.5, axis=0)), bn,
        layers.Dense(1)])
    assert bn.gamma.constraint is bn.gamma_constraint and bn.moving_mean.constraint is None
    model.save(tmp_path / "c.numnet")
    loaded = numnet.models.load_model(tmp_path / "c.numnet")
    assert loaded.layers[0].kernel_constraint.get_config() == {
        "min_value": 0.1, "max_value": 2.0, "rate": 0.5, "axis": 0}
    assert isinstance(loaded.layers[1].gamma.constraint, constraints.NonNeg)
    assert isinstance(loaded.layers[1].beta_constraint, constraints.MaxNorm)
