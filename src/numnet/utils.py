"""Utilities Keras users reach for: to_categorical, set_random_seed, normalize, PyDataset,
Progbar; and plot_history, numnet's picture of a History."""

from __future__ import annotations

import os

import numpy as np

from .backend import clear_session, set_random_seed
from .callbacks.progbar_logger import Progbar
from .models.adapters import PyDataset

Sequence = PyDataset
"""Keras 2's name for PyDataset."""

PLOT_INSTALL_HINT = "pip install 'numnet[plot]'  (or: pip install matplotlib)"


def to_categorical(x, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer labels: shape (N,) -> (N, num_classes), float32."""
    labels = np.asarray(x)
    if labels.dtype.kind == "f":
        if not np.all(np.floor(labels) == labels):
            raise ValueError("to_categorical(x): expected integer class labels, given fractions.")
    elif labels.dtype.kind not in "biu":
        raise TypeError(f"to_categorical(x): expected integer labels, given dtype {labels.dtype}.")
    labels = labels.astype(np.int64)
    if labels.ndim >= 2 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_categorical(x): labels must be >= 0, given {labels.min()}.")
    top = int(labels.max()) + 1 if labels.size else 0
    if num_classes is None:
        num_classes = top
    elif top > num_classes:
        raise ValueError(
            f"to_categorical(x, num_classes={num_classes}): label {top - 1} does not fit; "
            f"use num_classes >= {top}."
        )
    out = np.zeros(labels.shape + (num_classes,), dtype=np.float32)
    np.put_along_axis(out, labels[..., None], 1.0, axis=-1)
    return out


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """x divided by its L-order norm along ``axis`` (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)


def _series(history) -> tuple[dict, dict]:
    """({log name: values}, {log name: epochs, counted from 1}) of a History or its dict."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(
            "plot_history(history): expected the History that fit returns (or its .history "
            f"dict), given {type(history).__name__}.")
    epochs_of = getattr(history, "epochs_of", {}) or {}
    values, epochs = {}, {}
    longest = max((len(v) for v in logs.values() if hasattr(v, "__len__")), default=0)
    for name, series in logs.items():
        try:
            array = np.asarray(series, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if array.ndim != 1 or not array.size:
            continue  # vector-valued metrics (one array per epoch) are left out
        values[name] = array
        if name in epochs_of and len(epochs_of[name]) == array.size:
            epochs[name] = np.asarray(epochs_of[name]) + 1
        else:  # spread evenly, as validation_freq=n gives every n-th epoch
            step = longest / array.size
            epochs[name] = np.arange(1, array.size + 1) * step
    return values, epochs


def plot_history(history, path=None):
    """Loss and metric curves of a fit: one panel per log (loss first), the training curve
    and, when there is one, the validation curve ('val_' logs) against the epoch (from 1).

    history: what fit returns, or its ``.history`` dict. path: also save the figure there
    (PNG, SVG, PDF, ... by the suffix). Returns the matplotlib Figure (made without pyplot,
    so no window opens; a notebook shows it). Needs matplotlib: pip install 'numnet[plot]'.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(f"plot_history needs matplotlib, which is not installed: "
                          f"{PLOT_INSTALL_HINT}.") from None
    values, epochs = _series(history)
    names = [n for n in values if not n.startswith("val_")]
    names += [n[4:] for n in values if n.startswith("val_") and n[4:] not in values]
    names.sort(key=lambda n: (n != "loss", n == "learning_rate"))
    if not names:
        raise ValueError("plot_history(history): the history holds no numbers to plot (did fit "
                         "run any epoch?).")
    fig = Figure(figsize=(5.0 * min(len(names), 3), 3.6 * -(-len(names) // 3)), dpi=100,
                 layout="constrained")
    axes = fig.subplots(-(-len(names) // 3), min(len(names), 3), squeeze=False).reshape(-1)
    for ax, name in zip(axes, names):
        for key, label in ((name, "training"), (f"val_{name}", "validation")):
            if key in values:
                ax.plot(epochs[key], values[key], marker="o", markersize=3, label=label)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend()
    for ax in axes[len(names):]:
        ax.set_visible(False)
    if path is not None:
        fig.savefig(os.fspath(path))
    return fig


__all__ = ["Progbar", "PyDataset", "Sequence", "clear_session", "normalize", "plot_history",
           "set_random_seed", "to_categorical"]
