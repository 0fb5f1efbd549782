"""The direct training loop of `numnet train` (numnet.tools.tabular_fit) against Model.fit."""

from types import SimpleNamespace

import numpy as np
import pytest

from numnet import utils
from numnet.tools import tabular_fit
from numnet.tools.tabular import build_model


def _prep(task, n_inputs, n_outputs, activation):
    return SimpleNamespace(task=task, n_inputs=n_inputs, n_outputs=n_outputs,
                           output_activation=activation)


def _data(task, rng, n=40, d=5):
    x = rng.normal(size=(n, d)).astype(np.float32)
    if task == "multiclass":
        return x, rng.integers(0, 3, n), 3
    if task == "binary":
        return x, (x[:, :1] > 0).astype(np.float32), 1
    if task == "multilabel":
        return x, (x[:, :2] > 0).astype(np.float32), 2
    return x, (x[:, :2] @ np.ones((2, 2), np.float32) + 0.5).astype(np.float32), 2


CASES = [("multiclass", "linear", {0: 1.0, 1: 2.0, 2: 0.5}),
         ("binary", "sigmoid", {0: 1.5, 1: 1.0}), ("multilabel", "sigmoid", None),
         ("regression", "linear", None), ("regression", "relu", None)]


@pytest.mark.parametrize("task,activation,class_weight", CASES)
@pytest.mark.parametrize("hidden,l2", [((), 0.0), ((8, 4), 1e-2)])
def test_same_weights_as_fit(task, activation, class_weight, hidden, l2):
    rng = np.random.default_rng(0)
    x, y, outputs = _data(task, rng)
    if activation == "relu":
        y = np.abs(y)  # a relu output is for targets that are never negative
    prep = _prep(task, x.shape[1], outputs, activation)
    models = []
    for _ in range(2):
        utils.set_random_seed(3)
        models.append(build_model(prep, hidden, "adam", 0.01, l2=l2))
    reference, direct = models
    for a, b in zip(reference.get_weights(), direct.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert tabular_fit.applies(direct, "adam", 0.01, 0)
    history = reference.fit(x, y, epochs=4, batch_size=16, shuffle=False,
                            class_weight=class_weight, verbose=0).history
    done = tabular_fit.fit_dense(direct, task, x, y, epochs=4, batch_size=16, seed=0, l2=l2,
                                 class_weight=class_weight, shuffle=False)
    for a, b in zip(reference.get_weights(), direct.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=2e-5)
    assert done["epochs"] == done["best_epoch"] == 4
    np.testing.assert_allclose(done["history"]["loss"], history["loss"], rtol=1e-4, atol=1e-5)


def test_early_stopping_keeps_the_best_epoch():
    rng = np.random.default_rng(1)
    x, y, _ = _data("regression", rng, n=60)
    x_val, y_val = x[:20] + rng.normal(size=(20, 5)).astype(np.float32), y[:20]
    prep = _prep("regression", 5, 2, "linear")
    utils.set_random_seed(0)
    model = build_model(prep, (16,), "adam", 0.05, dropout=0.1, l2=1e-3)
    done = tabular_fit.fit_dense(model, "regression", x[20:], y[20:], epochs=300, batch_size=8,
                                 seed=0, l2=1e-3, validation=(x_val, y_val), patience=5)
    val = done["history"]["val_loss"]
    best = int(np.argmin(val)) + 1
    assert done["best_epoch"] == best
    assert done["epochs"] == len(val) and done["epochs"] <= best + 5
    assert done["epochs"] < 300  # it stopped early
    out = model.predict(x_val, verbose=0)
    penalty = 1e-3 * sum(float((w ** 2).sum()) for w in model.get_weights()[:1])
    np.testing.assert_allclose(((out - y_val) ** 2).mean() + penalty, val[best - 1], rtol=1e-4)


def test_does_not_apply_to_other_optimizers_or_lr_find():
    prep = _prep("binary", 3, 1, "sigmoid")
    model = build_model(prep, (4,), "sgd")
    assert not tabular_fit.applies(model, "sgd", None, 0)
    model = build_model(prep, (4,), "adam")
    assert tabular_fit.applies(model, "adam", None, 0)
    assert not tabular_fit.applies(model, "adam", "auto", 0)
    assert not tabular_fit.applies(model, "adam", None, 1)
