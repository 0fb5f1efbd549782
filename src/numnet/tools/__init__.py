"""Tools beyond Keras: the learning-rate finder, optimizer comparisons, sweeps, tabular training.

    numnet.tools.lr_find(model, x, y)                              -> LRFinderResult
    numnet.tools.compare(model, x, y, optimizers=['sgd', 'adam'])   -> Comparison
    numnet.tools.sweep(build_fn, space, x, y)                       Ray Tune sweep -> table
    numnet.tools.text_chart({name: (xs, ys)})                       a chart for the terminal

``numnet.tools`` is imported on first use (``import numnet`` does not load it); plots need
matplotlib (``pip install 'numnet[plot]'``) and sweeps Ray (``pip install 'numnet[ray]'``),
each imported only when used.
"""

from .compare import Comparison, compare
from .lr_find import LRFinderResult, lr_find
from .plots import text_chart
from .sweep import sweep

__all__ = ["Comparison", "LRFinderResult", "compare", "lr_find", "sweep", "text_chart"]
