"""Utilities Keras users reach for: to_categorical, set_random_seed, normalize, PyDataset,
Progbar; and plot_history, numnet's picture of a History."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .backend import clear_session, set_random_seed
from .callbacks.progbar_logger import Progbar
from .data.py_dataset import PyDataset
from .layers.base import SymbolicTensor
from .registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_object,
    register_serializable,
)
from .registry import keras_registered_name as get_registered_name

register_keras_serializable = register_serializable

Sequence = PyDataset
"""Keras 2's name for PyDataset."""

PLOT_INSTALL_HINT = "pip install 'numnet[plot]'  (or: pip install matplotlib)"


def is_keras_tensor(x) -> bool:
    """True for a symbolic tensor (what ``Input(shape=...)`` and layers called on it give).

    Args:
        x: any object.
    """
    return isinstance(x, SymbolicTensor)


def pack_x_y_sample_weight(x, y=None, sample_weight=None) -> tuple:
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``: a batch as ``fit`` takes it.

    Args:
        x: the inputs.
        y: the targets, or None. Defaults to ``None``.
        sample_weight: the sample weights, or None. Defaults to ``None``.
    """
    if y is None:
        return (x,)
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def unpack_x_y_sample_weight(data) -> tuple:
    """``(x, y, sample_weight)`` of a batch given as x, (x,), (x, y) or (x, y, sample_weight).

    Args:
        data: a batch: x, (x,), (x, y) or (x, y, sample_weight).
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if not 1 <= len(data) <= 3:
        raise ValueError(
            f"unpack_x_y_sample_weight(data): expected x, (x,), (x, y) or (x, y, sample_weight), "
            f"given a tuple of {len(data)}.")
    return data + (None,) * (3 - len(data))


def to_categorical(x, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer labels: shape (N,) -> (N, num_classes), float32.

    Args:
        x: integer class labels, shape (N,) (or (N, 1)).
        num_classes: the number of classes K; None for max(x) + 1. Defaults to ``None``.

    Returns:
        A float32 array of shape (N, num_classes).

    Example:
        >>> numnet.utils.to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
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


def normalize(x, axis: int = -1, order: int = 2):
    """x divided by its L-order norm along ``axis`` (zero rows stay zero).

    A NumPy array gives a NumPy array; anything else (a tensor, a symbolic tensor in a
    functional model, a list) goes through ``numnet.ops.normalize``, so the result is a tensor
    that gradients flow through (the norm then has a floor of ``epsilon()``, 1e-7), as Keras's.

    Args:
        x: an array or a tensor.
        axis: the axis the norm is taken along. Defaults to ``-1``.
        order: the norm's order (2: Euclidean). Defaults to ``2``.

    Returns:
        A float array of x's float dtype (float32 for integers) for a NumPy array, else a
        float tensor.

    Example:
        >>> numnet.utils.normalize(np.array([[3.0, 4.0]], "float32"))
        array([[0.6, 0.8]], dtype=float32)
    """
    if not isinstance(x, np.ndarray):
        from . import ops

        return ops.normalize(x, axis=axis, order=order)
    x = x if x.dtype.kind == "f" else x.astype(np.float32)
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

    Args:
        history: what ``fit`` returns (a History) or its ``.history`` dict.
        path: a file to save the figure to (PNG, SVG, PDF, ... by the suffix), or None. Defaults to
            ``None``.
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


_RANKDIRS = ("TB", "LR")


def _plot_nodes(model, expand_nested: bool):
    """(layer, depth) in the order the data flows through ``model``; nested models are one node,
    or their own layers one level deeper with ``expand_nested``."""
    from .models.model import Model

    nodes = []
    if model._input_layer is not None:
        nodes.append((model._input_layer, 0))
    for layer in model._layers:  # a layer called twice appears at each call
        if expand_nested and isinstance(layer, Model) and layer._layers:
            nodes += [(inner, depth + 1) for inner, depth in _plot_nodes(layer, True)
                      if inner is not layer._input_layer]
        else:
            nodes.append((layer, 0))
    return nodes


def _graph_layout(model):
    """For a model of several inputs or branches: (layer, 0) for each layer once, its (rank,
    place in the rank), and the arrows (from, to) between their indices. A layer's rank is one
    more than the highest of the layers it takes tensors from."""
    layers = model.layers
    index = {id(layer): i for i, layer in enumerate(layers)}
    producer = [index[id(layer)] for layer in model._input_layers]  # of each slot
    edges = []
    for layer, parents, _ in model._graph:
        j = index[id(layer)]
        edges += [(producer[p], j) for p in parents if producer[p] != j]
        producer.append(j)
    edges = list(dict.fromkeys(edges))
    rank = [0] * len(layers)
    for _ in layers:  # longest paths; a layer shared around a loop stops after len(layers)
        changed = False
        for i, j in edges:
            if rank[j] < rank[i] + 1 <= len(layers):
                rank[j], changed = rank[i] + 1, True
        if not changed:
            break
    seen: dict = {}
    cells = []
    for r in rank:
        cells.append((r, seen.get(r, 0)))
        seen[r] = seen.get(r, 0) + 1
    return [(layer, 0) for layer in layers], cells, edges


def _node_text(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations,
               show_trainable) -> str:
    from .models.summary import _shape

    kind = type(layer).__name__
    lines = [f"{layer.name} ({kind})" if show_layer_names else kind]
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        lines.append(f"Activation: {getattr(activation, '__name__', type(activation).__name__)}")
    if show_shapes:
        lines.append(f"Input shape: {_shape(layer.input_shape)}")
        lines.append(f"Output shape: {_shape(layer.output_shape)}")
    if show_dtype:
        policy = getattr(layer, "dtype_policy", None)
        lines.append(f"dtype: {policy.name if policy is not None else layer.dtype}")
    if show_trainable:
        lines.append(f"Trainable: {'True' if layer.trainable else 'False'}")
    return "\n".join(lines)


def plot_model(model, to_file="model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = False, rankdir: str = "TB", expand_nested: bool = False,
               dpi: int = 200, show_layer_activations: bool = False,
               show_trainable: bool = False, splines: str = "ortho", **kwargs):
    """A diagram of the model's layers in the order the data flows, as Keras's plot_model: one
    box per layer (the input first) with, on request, its name, activation, input and output
    shapes, dtype policy and trainability; ``rankdir`` "TB" (top to bottom) or "LR".

    Drawn with matplotlib instead of Graphviz (``pip install 'numnet[plot]'``); written to
    ``to_file`` (PNG, SVG, PDF, ... by the suffix; None: not written) and returned as a
    matplotlib Figure, which a notebook shows. A subclassed model, whose graph is its own code,
    is one box. A model of several inputs or branches is drawn by depth: each layer once (a
    shared layer too), below (or right of) the layers it takes tensors from, with an arrow
    from each of them. ``splines`` (Graphviz's edge routing) is accepted as Keras's; the
    arrows here are straight.

    Args:
        model: the model to draw.
        to_file: the file to write (PNG, SVG, PDF, ... by the suffix), or None. Defaults to
            ``'model.png'``.
        show_shapes: show each layer's input and output shapes. Defaults to ``False``.
        show_dtype: show each layer's dtype policy. Defaults to ``False``.
        show_layer_names: show each layer's name. Defaults to ``False``.
        rankdir: 'TB' (top to bottom) or 'LR' (left to right). Defaults to ``'TB'``.
        expand_nested: draw the layers of nested models. Defaults to ``False``.
        dpi: the figure's resolution. Defaults to ``200``.
        show_layer_activations: show each layer's activation. Defaults to ``False``.
        show_trainable: mark the trainable and frozen layers. Defaults to ``False``.
        splines: accepted as Keras's (Graphviz's edge routing); the arrows are straight. Defaults to
            ``'ortho'``.
        **kwargs: other Keras arguments, accepted and ignored.
    """
    from .models.model import Model

    unknown = sorted(set(kwargs) - {"show_layer_range", "show_dtype_policy"})
    if unknown:
        raise TypeError(f"plot_model() got an unexpected keyword argument {unknown[0]!r}.")
    if not isinstance(model, Model):
        raise TypeError(f"plot_model(model): expected a numnet model, given "
                        f"{type(model).__name__}.")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"plot_model(rankdir): expected 'TB' or 'LR', given {rankdir!r}.")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or dpi < 1:
        raise ValueError(f"plot_model(dpi): expected a positive integer, given {dpi!r}.")
    if not model.built:
        raise ValueError(
            f"plot_model: model {model.name!r} has not been built yet; build it first: give it "
            "an Input(shape=...) (or input_shape=), call model.build(input_shape), or fit it.")
    try:
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyBboxPatch
    except ImportError:
        raise ImportError(f"plot_model needs matplotlib, which is not installed: "
                          f"{PLOT_INSTALL_HINT}.") from None
    if model._graph is not None:
        nodes, cells, edges = _graph_layout(model)
    else:
        nodes = _plot_nodes(model, expand_nested) if model._layers else [(model, 0)]
        cells = [(i, 0) for i in range(len(nodes))]
        edges = [(i, i + 1) for i in range(len(nodes) - 1)]
    texts = [_node_text(layer, show_shapes, show_dtype, show_layer_names or layer is model,
                        show_layer_activations, show_trainable) for layer, _ in nodes]
    longest = max(len(line) for text in texts for line in text.split("\n"))
    rows = max(text.count("\n") + 1 for text in texts)
    box_w, box_h = 0.095 * longest + 0.5, 0.24 * rows + 0.3  # inches, for 10-point text
    gap = 0.45 if rankdir == "TB" else 0.6
    n = max(row for row, _ in cells) + 1  # ranks along the flow
    across = [sum(1 for r, _ in cells if r == row) for row in range(n)]
    m = max(across)  # boxes side by side
    if rankdir == "TB":
        width, height = m * box_w + (m - 1) * gap + 0.6, n * box_h + (n - 1) * gap + 0.4
    else:
        width, height = n * box_w + (n - 1) * gap + 0.4, m * box_h + (m - 1) * gap + 0.6
    fig = Figure(figsize=(width, height), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    centers = []
    for (row, col), (_, depth), text in zip(cells, nodes, texts, strict=True):
        side = col - (across[row] - 1) / 2
        if rankdir == "TB":
            x = width / 2 + side * (box_w + gap)
            y = height - 0.2 - box_h / 2 - row * (box_h + gap)
        else:
            x, y = 0.2 + box_w / 2 + row * (box_w + gap), height / 2 - side * (box_h + gap)
        centers.append((x, y))
        ax.add_patch(FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h,
                                    boxstyle="round,pad=0.02,rounding_size=0.08",
                                    facecolor="#eef3fb" if depth == 0 else "#e3f1e5",
                                    edgecolor="#4a5a75", linewidth=1.0))
        ax.text(x, y, text, ha="center", va="center", fontsize=10, family="monospace")
    for (x0, y0), (x1, y1) in ((centers[i], centers[j]) for i, j in edges):
        if rankdir == "TB":
            start, end = (x0, y0 - box_h / 2), (x1, y1 + box_h / 2)
        else:
            start, end = (x0 + box_w / 2, y0), (x1 - box_w / 2, y1)
        ax.annotate("", xy=end, xytext=start,
                    arrowprops={"arrowstyle": "-|>", "color": "#4a5a75", "linewidth": 1.0})
    if to_file is not None:
        path = os.fspath(to_file)
        suffix = os.path.splitext(path)[1].lstrip(".").lower() or "png"
        part = f"{path}.part"
        try:  # written whole or not at all
            fig.savefig(part, format=suffix, dpi=dpi)
            os.replace(part, path)
        except BaseException:
            if os.path.exists(part):
                os.remove(part)
            raise
    return fig


# ----------------------------------------------------------------------------- get_file


def _hash_algorithm(file_hash: str, hash_algorithm: str) -> str:
    if hash_algorithm == "auto":
        return "sha256" if len(file_hash) == 64 else "md5"
    if hash_algorithm not in ("sha256", "md5"):
        raise ValueError(f"get_file(hash_algorithm): expected 'auto', 'sha256' or 'md5', given "
                         f"{hash_algorithm!r}.")
    return hash_algorithm


def _matches(path: str, file_hash: str, algorithm: str) -> bool:
    from .datasets._files import digest

    return digest(Path(path), algorithm) == file_hash.lower()


def _inside(root: str, name: str) -> bool:
    target = os.path.realpath(os.path.join(root, name))
    return target == os.path.realpath(root) or target.startswith(
        os.path.realpath(root) + os.sep)


def _extract(archive: str, folder: str, archive_format) -> bool:
    """Unpack a tar or zip archive into ``folder``, refusing members that would land outside
    it (absolute paths, '..', links pointing out); False if it is neither format."""
    import tarfile
    import zipfile

    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format or []))
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tar:
                for member in tar.getmembers():
                    unsafe = not _inside(folder, member.name) or (
                        (member.issym() or member.islnk()) and not _inside(
                            folder, os.path.join(os.path.dirname(member.name),
                                                 member.linkname)))
                    if unsafe or member.isdev():
                        raise ValueError(f"get_file: the archive {archive!r} holds "
                                         f"{member.name!r}, which would be written outside "
                                         f"{folder!r}; refused.")
                tar.extractall(folder, **({"filter": "data"} if hasattr(tarfile, "data_filter")
                                          else {}))
            return True
        if kind == "zip" and zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zipped:
                for name in zipped.namelist():
                    if not _inside(folder, name):
                        raise ValueError(f"get_file: the archive {archive!r} holds {name!r}, "
                                         f"which would be written outside {folder!r}; refused.")
                zipped.extractall(folder)
            return True
    return False


def get_file(fname=None, origin=None, untar: bool = False, md5_hash=None, file_hash=None,
             cache_subdir: str = "datasets", hash_algorithm: str = "auto",
             extract: bool = False, archive_format="auto", cache_dir=None,
             force_download: bool = False) -> str:
    """The path of a file from ``origin``, downloaded once into Keras's cache, as Keras's
    ``get_file``.

    The file is kept at ``cache_dir/cache_subdir/fname`` (cache_dir defaults to $KERAS_HOME or
    ~/.keras, so files Keras downloaded are reused). When it is there (and matches
    ``file_hash``) nothing is downloaded; otherwise it is downloaded to a temporary name in
    that folder, checked against ``file_hash``, and only then renamed into place, so the cache
    never holds a partial or corrupted file. ``origin`` may be any URL urllib opens, file://
    included.

    Args:
        fname: the file's name in the cache; defaults to the last part of origin's path.
        origin: the URL to download from (required).
        untar: Keras 2's ``extract=True`` for tar archives.
        md5_hash: Keras 2's ``file_hash`` for an MD5 digest.
        file_hash: the expected SHA-256 or MD5 hex digest; None skips the check.
        cache_subdir: folder under cache_dir (an absolute path is used as it is).
            Defaults to "datasets".
        hash_algorithm: "sha256", "md5" or "auto" (from the digest's length).
        extract: unpack a tar / zip archive (into ``<name>_extracted`` beside it, for a
            fname with an extension) and return that folder. Defaults to False.
        archive_format: "auto" (tar, then zip), "tar", "zip", or a list of them.
        cache_dir: defaults to $KERAS_HOME or ~/.keras.
        force_download: download even when the file is in the cache. Defaults to False.

    Returns:
        The path of the file (of the extracted folder with extract=True).

    Raises:
        ValueError: no origin, a path in fname, or a download whose digest is not file_hash.
        ConnectionError: the download failed (with where to put the file instead).

    Example::

        path = numnet.utils.get_file(
            "auto-mpg.data",
            "http://archive.ics.uci.edu/ml/machine-learning-databases/auto-mpg/auto-mpg.data")
    """
    import tempfile
    import urllib.error
    import urllib.parse
    import urllib.request

    from .datasets._files import CHUNK, keras_home

    if origin is None:
        raise ValueError("get_file(origin): the URL to download the file from is required, "
                         "e.g. get_file('data.csv', origin='https://...').")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = None if file_hash is None else _hash_algorithm(file_hash, hash_algorithm)
    base = os.path.expanduser(os.fspath(cache_dir)) if cache_dir is not None else str(
        keras_home())
    folder = os.path.join(base, cache_subdir)
    os.makedirs(folder, exist_ok=True)
    given = fname is not None and os.fspath(fname) != ""
    fname = os.fspath(fname) if given else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"get_file(fname): cannot take a file name from origin {origin!r}; "
                         "pass fname='name.ext'.")
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(f"get_file(fname): expected a file name, given the path {fname!r}; "
                         "give its folder as cache_dir= (or cache_subdir=).")
    if extract or untar:
        if given and "." in fname:
            target = os.path.join(folder, fname)
            unpacked = os.path.join(folder, f"{fname[:fname.find('.')]}_extracted")
        else:
            target = os.path.join(folder, f"{fname}_archive")
            unpacked = os.path.join(folder, fname)
    else:
        target = unpacked = os.path.join(folder, fname)
    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not _matches(target, file_hash, algorithm):
        print(f"A local file was found, but its {algorithm} digest does not match {file_hash}; "
              "downloading it again.")
        download = True
    if download:
        print(f"Downloading data from {origin}")
        fd, part = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".part",
                                    dir=folder)
        try:
            try:
                with os.fdopen(fd, "wb") as out, urllib.request.urlopen(origin,
                                                                        timeout=60) as reply:
                    for block in iter(lambda: reply.read(CHUNK), b""):
                        out.write(block)
            except (urllib.error.URLError, OSError, ValueError) as err:
                raise ConnectionError(
                    f"get_file: could not download {origin} ({err}). Without a network, place "
                    f"the file at {target!r} (KERAS_HOME or cache_dir= move that folder).") \
                    from None
            if file_hash is not None and not _matches(part, file_hash, algorithm):
                from .datasets._files import digest

                raise ValueError(f"get_file: the file downloaded from {origin} has {algorithm} "
                                 f"{digest(Path(part), algorithm)}, expected {file_hash}; it is "
                                 "incomplete or corrupted, so it was not kept.")
            os.replace(part, target)
        finally:
            if os.path.exists(part):
                os.remove(part)
    if extract or untar:
        if download or not os.path.exists(unpacked):
            if not _extract(target, unpacked, "tar" if untar else archive_format):
                import warnings

                warnings.warn(f"get_file: {target!r} is not a {archive_format} archive; "
                              "nothing was extracted.", stacklevel=2)
        return unpacked
    return target


# backend_extras and dtype_policy_map add Keras's names to numnet.backend and
# numnet.dtype_policies; the rest are Keras 3's utils names, from the modules that hold them.
from . import backend_extras, dtype_policy_map  # noqa: E402, F401
from .config import (  # noqa: E402
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from .config_dict import Config  # noqa: E402
from .data.split import split_dataset  # noqa: E402
from .dtype_rules import standardize_dtype  # noqa: E402
from .feature_space import FeatureSpace  # noqa: E402, F401
from .layers.source_inputs import get_source_inputs  # noqa: E402
from .preprocessing import bounding_boxes  # noqa: E402, F401  (keras.utils.bounding_boxes)
from .preprocessing.directory import (  # noqa: E402
    audio_dataset_from_directory,
    image_dataset_from_directory,
    text_dataset_from_directory,
)
from .preprocessing.image import array_to_img, img_to_array, load_img, save_img  # noqa: E402
from .preprocessing.sequence import pad_sequences  # noqa: E402
from .preprocessing.timeseries import timeseries_dataset_from_array  # noqa: E402
from .saving.serialization import deserialize_keras_object, serialize_keras_object  # noqa: E402

__all__ = ["Config", "CustomObjectScope", "Progbar", "PyDataset", "Sequence", "array_to_img",
           "audio_dataset_from_directory",
           "clear_session", "custom_object_scope", "deserialize_keras_object",
           "disable_interactive_logging", "enable_interactive_logging", "get_custom_objects",
           "get_file", "get_registered_name", "get_registered_object", "get_source_inputs",
           "image_dataset_from_directory", "img_to_array", "is_interactive_logging_enabled",
           "is_keras_tensor", "load_img", "normalize", "pack_x_y_sample_weight", "pad_sequences",
           "plot_history", "plot_model", "register_keras_serializable", "save_img",
           "serialize_keras_object", "set_random_seed", "split_dataset", "standardize_dtype",
           "text_dataset_from_directory", "timeseries_dataset_from_array", "to_categorical",
           "unpack_x_y_sample_weight"]
