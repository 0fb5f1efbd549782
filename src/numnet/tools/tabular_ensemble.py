"""The model `numnet train` saves after cross-validation: the average of the fold models.

Each fold model was trained with preprocessing fitted on its own training rows (its means,
standard deviations, categories and, for regression, the target's center and scale). The saved
model reads the inputs encoded by one preprocessing fitted on all the rows. Both encodings are
affine in the raw cells, so each fold model's first Dense layer can take the shared encoding
directly: with the shared z = (x - m) / s and the fold's z' = (x - m') / s',

    z' = z * s / s' + (m - m') / s'

and a kernel W, bias b on z' become W * (s / s') (row by row), b + ((m - m') / s') @ W on z.
A one-hot column maps to the same category's column (a category the fold never saw stays 0, as
it was for that fold model); a column the shared encoding lacks is held at the fold's fill value.
The regression output is mapped the same way, from the fold's (y - c') / s' to the shared
(y - c) / s. Only a missing cell differs: it is filled with the median of all the rows instead
of the fold's training rows.

:func:`average_model` builds the functional model: one input, every fold model's layers (with
the mapped weights) side by side, and an Average of their outputs (probabilities for sigmoid
outputs, logits for several classes, standardized values for regression).
"""

from __future__ import annotations

import numpy as np


def input_map(fold_prep, shared_prep) -> tuple:
    """(A, c) with fold encoding = shared encoding @ A.T + c, for rows without missing cells:
    A is (fold inputs, shared inputs), c is (fold inputs,)."""
    shared = {}
    col = 0
    for f in shared_prep.features:
        width = 1 if f["kind"] == "numeric" else len(f["categories"])
        shared[f["name"]] = (f, col)
        col += width
    a = np.zeros((fold_prep.n_inputs, shared_prep.n_inputs), dtype=np.float64)
    c = np.zeros(fold_prep.n_inputs, dtype=np.float64)
    i = 0
    for f in fold_prep.features:
        g, j = shared.get(f["name"], (None, None))
        if f["kind"] == "numeric":
            if g is not None and g["kind"] == "numeric":
                a[i, j] = g["std"] / f["std"]
                c[i] = (g["mean"] - f["mean"]) / f["std"]
            else:
                c[i] = (f["fill"] - f["mean"]) / f["std"]
            i += 1
            continue
        index = {} if g is None or g["kind"] != "categorical" else \
            {cat: j + k for k, cat in enumerate(g["categories"])}
        for cat in f["categories"]:
            if cat in index:
                a[i, index[cat]] = 1.0
            i += 1
    return a, c


def output_map(fold_prep, shared_prep) -> tuple:
    """(scale, shift) per output with shared output = fold output * scale + shift (regression:
    from (y - c') / s' to (y - c) / s; otherwise 1 and 0)."""
    n = fold_prep.n_outputs
    if fold_prep.task != "regression":
        return np.ones(n), np.zeros(n)
    cf, sf = np.array(fold_prep.center), np.array(fold_prep.scale)
    cg, sg = np.array(shared_prep.center), np.array(shared_prep.scale)
    return sf / sg, (cf - cg) / sg


def to_shared_outputs(fold_prep, shared_prep, outputs: np.ndarray) -> np.ndarray:
    """A fold model's outputs expressed as the shared preprocessing's outputs."""
    scale, shift = output_map(fold_prep, shared_prep)
    return (np.asarray(outputs, dtype=np.float64) * scale + shift).astype(np.float32)


def _dense_stack(model) -> list:
    """[(kernel, bias, activation)] of a Sequential's Dense layers (Dropout skipped: the saved
    model only predicts)."""
    out = []
    for layer in model.layers:
        if type(layer).__name__ == "Dense":
            kernel, bias = layer.get_weights()
            out.append((np.asarray(kernel, np.float64), np.asarray(bias, np.float64),
                        layer.get_config()["activation"]))
    return out


def mapped_stack(fold_prep, model, shared_prep) -> list:
    """The fold model's Dense layers with weights that read the shared encoding and give the
    shared outputs; a last linear layer is appended only when the output map cannot be folded
    into the output layer (a relu output whose shift is not zero)."""
    stack = _dense_stack(model)
    a, c = input_map(fold_prep, shared_prep)
    kernel, bias, act = stack[0]
    stack[0] = (a.T @ kernel, bias + c @ kernel, act)
    scale, shift = output_map(fold_prep, shared_prep)
    kernel, bias, act = stack[-1]
    if act == "linear" or (act == "relu" and np.allclose(shift, 0) and (scale > 0).all()):
        stack[-1] = (kernel * scale, bias * scale + (shift if act == "linear" else 0.0), act)
    elif not (np.allclose(scale, 1) and np.allclose(shift, 0)):
        stack.append((np.diag(scale), shift, "linear"))
    return stack


def average_model(members: list, shared_prep, compile_like):
    """The functional model averaging ``members`` [(fold preprocessing, fold model)] on the
    shared encoding, compiled with ``compile_like``'s loss and metrics.

    Example::

        model = average_model([(prep_1, model_1), (prep_2, model_2)], prep, model_1)
        model.predict(prep.transform(table))   # the mean of the two models' outputs
    """
    from .. import layers, models

    x = layers.Input((shared_prep.n_inputs,))
    outputs = []
    for fold_prep, model in members:
        h = x
        for kernel, bias, act in mapped_stack(fold_prep, model, shared_prep):
            dense = layers.Dense(kernel.shape[1], activation=act)
            h = dense(h)
            dense.set_weights([kernel.astype(np.float32), bias.astype(np.float32)])
        outputs.append(h)
    y = layers.Average()(outputs) if len(outputs) > 1 else outputs[0]
    out = models.Model(x, y)
    metrics = {"regression": ["mae"], "multilabel": ["binary_accuracy"]}
    out.compile(optimizer="adam", loss=compile_like._loss_obj,
                metrics=metrics.get(shared_prep.task, ["accuracy"]))
    return out


__all__ = ["average_model", "input_map", "mapped_stack", "output_map", "to_shared_outputs"]
