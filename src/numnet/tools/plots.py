"""Figures for the tools: matplotlib when it is installed, a text chart for the terminal always.

matplotlib is optional (``pip install 'numnet[plot]'``). Figures are made with
``matplotlib.figure.Figure`` directly, never through pyplot, so no window opens and no global
figure state is touched; ``save_figure`` writes one to a file (PNG, SVG, PDF: by its suffix).
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INSTALL_HINT = "pip install 'numnet[plot]'  (or: pip install matplotlib)"


def have_matplotlib() -> bool:
    """Whether matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def new_figure(what: str, nrows: int = 1, ncols: int = 1, size=(7.0, 4.5)) -> tuple:
    """A matplotlib Figure and its axes; an ImportError saying how to install matplotlib if it is
    missing (``what`` names the function that needs it)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(f"{what} needs matplotlib, which is not installed: {INSTALL_HINT}. "
                          "Without it, use the numbers the function returns, or the numnet "
                          "command line, which prints a text chart.") from None
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def save_figure(fig, path) -> str:
    """Write ``fig`` to ``path`` (format from the suffix; PNG when there is none)."""
    path = os.fspath(path)
    fmt = os.path.splitext(path)[1].lstrip(".").lower() or "png"
    fig.savefig(path, format=fmt)
    return path


def text_chart(series: dict, log_x: bool = False, width: int = 64, height: int = 16,
               x_label: str = "x", y_label: str = "y", marks: dict | None = None) -> str:
    """A line chart in text: each entry of ``series`` is name -> (xs, ys), drawn with its own
    character; ``marks`` (name -> x) draws a vertical line of '|' at that x. Non-finite points
    are left out. Axes carry the ranges, the legend the characters.

    Args:
        series: ``{name: (xs, ys)}``, one line per entry.
        log_x: a logarithmic x axis. Defaults to ``False``.
        width: the plot's width in characters. Defaults to ``64``.
        height: its height in lines. Defaults to ``16``.
        x_label: the x axis's label. Defaults to ``'x'``.
        y_label: the y axis's label. Defaults to ``'y'``.
        marks: ``{name: x}``: a vertical line of '|' at each x, or None. Defaults to ``None``.

    Returns:
        The chart, a string of ``height`` + 3 lines.

    Example:
        >>> chart = numnet.tools.text_chart({"loss": ([1, 2, 3], [3.0, 2.0, 1.5])})
        >>> "loss" in chart
        True
    """
    symbols = "*o+x#%@&"
    points = {}
    for name, (xs, ys) in series.items():
        xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        keep = np.isfinite(xs) & np.isfinite(ys)
        if log_x:
            keep &= xs > 0
        points[name] = (xs[keep], ys[keep])
    all_x = np.concatenate([p[0] for p in points.values()] or [np.zeros(0)])
    all_y = np.concatenate([p[1] for p in points.values()] or [np.zeros(0)])
    if not all_x.size:
        return "(nothing to plot: no finite values)"
    tx = np.log10 if log_x else (lambda v: v)
    x0, x1 = float(tx(all_x.min())), float(tx(all_x.max()))
    y0, y1 = float(all_y.min()), float(all_y.max())
    x1 = x1 if x1 > x0 else x0 + 1.0
    y1 = y1 if y1 > y0 else y0 + 1.0
    grid = [[" "] * width for _ in range(height)]

    def col(x):
        return min(width - 1, max(0, int(round((tx(x) - x0) / (x1 - x0) * (width - 1)))))

    def row(y):
        return min(height - 1, max(0, int(round((y1 - y) / (y1 - y0) * (height - 1)))))

    for x in (marks or {}).values():
        if x is not None and (not log_x or x > 0) and math.isfinite(x):
            c = col(x)
            for r in range(height):
                grid[r][c] = "|"
    legend = []
    for symbol, (name, (xs, ys)) in zip(symbols * 4, points.items()):
        legend.append(f"{symbol} {name}")
        for x, y in zip(xs, ys):
            grid[row(y)][col(x)] = symbol
    label_w = max(len(f"{y1:.4g}"), len(f"{y0:.4g}"))
    lines = [f"{y_label}"]
    for r, cells in enumerate(grid):
        label = f"{y1:.4g}" if r == 0 else f"{y0:.4g}" if r == height - 1 else ""
        lines.append(f"{label:>{label_w}} |{''.join(cells)}")
    lines.append(" " * label_w + " +" + "-" * width)
    fmt = (lambda v: f"{10 ** v:.2g}") if log_x else (lambda v: f"{v:.4g}")
    left, right = fmt(x0), fmt(x1)
    axis = f"{left}{x_label + (' (log scale)' if log_x else ''):^{width - len(left) - len(right)}}"
    lines.append(" " * (label_w + 2) + axis + right)
    lines.append("   ".join(legend) + ("   | " + ", ".join(
        f"{k}={v:.3g}" for k, v in marks.items() if v is not None) if marks else ""))
    return "\n".join(lines)


def plot_history(history: dict, path=None, title: str = "",
                 best_epoch: int | None = None, labels: dict | None = None) -> Figure:
    """Loss per epoch (training and validation) and, beside it, the first metric of a
    ``History.history`` dict; ``best_epoch`` (1-based) is marked with a dotted line and a point on
    each validation curve. ``labels`` maps a key ("loss", "mae", ...) to its axis label, e.g.
    {"loss": "loss (standardized target)", "mae": "MAE (target units)"}. Returns the Figure,
    written to ``path`` when given. Needs matplotlib.

    Example: ``plot_history(model.fit(x, y, validation_split=0.2).history, "history.png")``.
    """
    labels = labels or {}
    metric = next((k for k in history if k not in ("loss", "val_loss")
                   and not k.startswith("val_")), None)
    fig, axes = new_figure("plot_history()", 1, 2 if metric else 1,
                           size=(11.0, 4.5) if metric else (7.0, 4.5))
    from matplotlib.ticker import MaxNLocator

    for ax, key in zip(axes[0], ["loss", metric] if metric else ["loss"]):
        epochs = np.arange(1, len(history[key]) + 1)
        ax.plot(epochs, history[key], label=f"training {key}")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], label=f"validation {key}")
        if best_epoch:
            ax.axvline(best_epoch, color="0.5", linestyle=":",
                       label=f"chosen epoch ({best_epoch})")
            values = history.get(f"val_{key}", history[key])
            if 1 <= best_epoch <= len(values):
                ax.plot([best_epoch], [values[best_epoch - 1]], "o", color="0.2")
        ax.set_xlabel("epoch")
        ax.set_ylabel(labels.get(key, key))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    if title:
        fig.suptitle(title)
    if path is not None:
        save_figure(fig, path)
    return fig


__all__ = ["INSTALL_HINT", "have_matplotlib", "new_figure", "plot_history", "save_figure",
           "text_chart"]
