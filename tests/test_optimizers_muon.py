"""Muon: the Newton-Schulz direction and AdamW fallback written out here for several steps,
which variables take which rule, weight decay per rule, and Keras's Muon on the same gradients
(skipped without keras)."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import numnet
from numnet.optimizers import Muon

A, B, C = 3.4445, -4.7750, 2.0315


def _newton_schulz(x, steps=5):
    tall = x.shape[0] > x.shape[1]
    if tall:
        x = x.T
    x = x / (np.linalg.norm(x) + 1e-7)
    for _ in range(steps):
        gram = x @ x.T
        x = A * x + (B * gram + C * gram @ gram) @ x
    return x.T if tall else x


def _muon_by_hand(w, grads, lr, mu=0.95, wd=0.004, rms=0.2, nesterov=True):
    w, m = w.astype("float64"), np.zeros(w.shape)
    for g in grads:
        w = w - w * wd * lr
        m = mu * m + g
        u = g + mu * m if nesterov else m
        step = _newton_schulz(u)
        if rms is not None:
            step = step * math.sqrt(max(w.shape)) * rms
        w = w - lr * step
    return w


def _adamw_by_hand(w, grads, lr, b1=0.9, b2=0.999, eps=1e-7, wd=0.004):
    w, m, v = w.astype("float64"), np.zeros(w.shape), np.zeros(w.shape)
    for t, g in enumerate(grads, start=1):
        w = w - w * wd * lr
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        w = w - lr * math.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    return w


def _variables(values):
    out = []
    for path, value in values.items():
        var = numnet.Variable(value.copy())
        var.path = path
        out.append(var)
    return out


SHAPES = {"dense/kernel": (5, 3), "dense/bias": (3,), "tall/kernel": (7, 2),
          "wide/kernel": (2, 6), "embedding/embeddings": (4, 3), "conv/kernel": (2, 2, 3)}


def _problem(seed=0, steps=4):
    rng = np.random.default_rng(seed)
    values = {k: rng.normal(size=s).astype("float32") for k, s in SHAPES.items()}
    grads = [{k: rng.normal(size=s).astype("float32") for k, s in SHAPES.items()}
             for _ in range(steps)]
    return values, grads


@pytest.mark.parametrize("kwargs", [{}, {"nesterov": False, "rms_rate": None,
                                         "weight_decay": 0.1, "adam_weight_decay": 0.0,
                                         "adam_lr_ratio": 0.5, "momentum": 0.8}])
def test_each_variable_follows_its_rule_for_four_steps(kwargs):
    values, grads = _problem()
    opt = Muon(learning_rate=0.02, **kwargs)
    variables = _variables(values)
    for step in grads:
        opt.apply([step[k] for k in SHAPES], variables)
    lr = 0.02
    for var, key in zip(variables, SHAPES, strict=True):
        history = [step[key] for step in grads]
        if key in ("dense/kernel", "tall/kernel", "wide/kernel"):
            assert not opt.uses_adamw(var)
            want = _muon_by_hand(values[key], history, lr, mu=kwargs.get("momentum", 0.95),
                                 wd=kwargs.get("weight_decay", 0.004),
                                 rms=kwargs.get("rms_rate", 0.2),
                                 nesterov=kwargs.get("nesterov", True))
        else:  # biases, embeddings and variables of 3 axes: AdamW
            assert opt.uses_adamw(var)
            want = _adamw_by_hand(values[key], history, lr * kwargs.get("adam_lr_ratio", 1),
                                  wd=kwargs.get("adam_weight_decay", 0.004) * 1.0
                                  / kwargs.get("adam_lr_ratio", 1))
        np.testing.assert_allclose(var.numpy(), want, rtol=2e-5, atol=2e-6, err_msg=key)


def test_newton_schulz_pushes_singular_values_towards_one():
    x = np.random.default_rng(3).normal(size=(6, 4)).astype("float32")
    singular = np.linalg.svd(Muon().newton_schulz(x), compute_uv=False)
    assert singular.min() > 0.6 and singular.max() < 1.25  # the quintic's band around 1


def test_exclude_layers_config_and_fit():
    opt = Muon(exclude_layers=["head"])
    head, body = _variables({"head/kernel": np.ones((2, 2), "float32"),
                             "body/kernel": np.ones((2, 2), "float32")})
    assert opt.uses_adamw(head) and not opt.uses_adamw(body)
    again = numnet.optimizers.deserialize(numnet.optimizers.serialize(opt))
    assert again.get_config() == opt.get_config()
    assert again.get_config()["weight_decay"] == 0.004
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = np.tanh(x @ rng.normal(size=(4, 1))).astype("float32")
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([numnet.Input((4,)), numnet.layers.Dense(16, activation="tanh"),
                               numnet.layers.Dense(1)])
    model.compile(optimizer=Muon(learning_rate=0.02), loss="mse")
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_matches_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    values, grads = _problem(seed=5)
    for kwargs in ({}, {"nesterov": False, "rms_rate": None, "weight_decay": 0.1,
                        "adam_weight_decay": 0.05, "adam_lr_ratio": 0.5}):
        theirs_opt = keras.optimizers.Muon(learning_rate=0.02, **kwargs)
        theirs = []
        for key, value in values.items():
            scope, name = key.split("/")
            with keras.name_scope(scope):
                theirs.append(keras.Variable(value.copy(), name=name))
        ours_opt = Muon(learning_rate=0.02, **kwargs)
        ours = _variables(values)
        for step in grads:
            theirs_opt.apply([step[k] for k in SHAPES], theirs)
            ours_opt.apply([step[k] for k in SHAPES], ours)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=1e-5, atol=1e-6)
