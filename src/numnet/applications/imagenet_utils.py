"""``keras.applications.imagenet_utils``: what the ImageNet models share.

The three ways of preparing images (``preprocess_input``), the reading of a model's output
as ImageNet classes (``decode_predictions``), and the checks of the arguments every
application takes (input shape, weights, classifier activation). Pretrained files are read
from Keras's cache (``~/.keras/models``, or ``$KERAS_HOME/models``) under Keras's own file
names: numnet never downloads them, and says where to put them when they are missing.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import warnings

import numpy as np

from .. import activations, config, layers
from ..layers import Input
from ..layers.source_inputs import get_source_inputs

CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_URL = ("https://storage.googleapis.com/download.tensorflow.org/data/"
                   "imagenet_class_index.json")
CAFFE_MEAN = (103.939, 116.779, 123.68)
"""ImageNet's mean pixel in BGR order, subtracted in "caffe" mode."""
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)

FALLBACK_CACHE_DIR = os.path.join("/tmp", ".keras")
"""Where Keras caches files when the home folder cannot be written."""

_class_index = None


# --------------------------------------------------------------------------- preprocessing


def _channel_axis(ndim: int, data_format: str) -> int:
    if data_format == "channels_first":
        return 0 if ndim == 3 else 1
    return ndim - 1


def preprocess_input(x, data_format=None, mode: str = "caffe"):
    """Prepare a batch of images (pixel values 0..255) the way an ImageNet model was trained.

    Args:
        x: a 3D (one image) or 4D (a batch) array with 3 colour channels, RGB, values in
            [0, 255]. A float NumPy array is changed in place (pass ``np.copy(x)`` to keep it);
            an integer array is converted to float32 first. A numnet tensor gives a new tensor.
        data_format: ``"channels_last"`` or ``"channels_first"``. Defaults to ``None``:
            ``keras.config.image_data_format()``.
        mode: defaults to ``"caffe"``.

            - ``"caffe"``: RGB becomes BGR, then ImageNet's mean pixel (103.939, 116.779,
              123.68) is subtracted from each channel; no scaling (VGG, ResNet).
            - ``"tf"``: ``x / 127.5 - 1``, values in [-1, 1] (MobileNetV2, Inception).
            - ``"torch"``: ``x / 255``, then each channel less (0.485, 0.456, 0.406) and divided
              by (0.229, 0.224, 0.225).

    Returns:
        The preprocessed float array (or tensor).

    Raises:
        ValueError: for an unknown ``mode`` or ``data_format``.

    Example:
        >>> preprocess_input(np.array([[[0.0, 127.5, 255.0]]]), mode="tf")
        array([[[-1.,  0.,  1.]]])
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(f"preprocess_input: mode must be 'caffe', 'tf' or 'torch', got "
                         f"mode={mode!r}.")
    if data_format is None:
        data_format = config.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"preprocess_input: data_format must be 'channels_first' or "
                         f"'channels_last' (or None for keras.config.image_data_format()), "
                         f"got data_format={data_format!r}.")
    if isinstance(x, (np.ndarray, list, tuple)) or np.isscalar(x):
        return _preprocess_array(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _preprocess_array(x, data_format, mode):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(config.floatx())
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_axis(x.ndim, data_format)
    shape = [1] * x.ndim
    shape[axis] = -1
    if mode == "torch":
        x /= 255.0
        x -= np.asarray(TORCH_MEAN, x.dtype).reshape(shape)
        x /= np.asarray(TORCH_STD, x.dtype).reshape(shape)
        return x
    x = np.flip(x, axis=axis)  # RGB -> BGR (a view: the subtraction below writes into x)
    x -= np.asarray(CAFFE_MEAN, x.dtype).reshape(shape)
    return x


def _preprocess_tensor(x, data_format, mode):
    from .. import ops

    x = ops.convert_to_tensor(x)
    if "float" not in str(x.dtype):
        x = ops.cast(x, config.floatx())
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    axis = _channel_axis(ndim, data_format)
    shape = [1] * ndim
    shape[axis] = 3
    if mode == "torch":
        mean = np.asarray(TORCH_MEAN, "float32").reshape(shape)
        std = np.asarray(TORCH_STD, "float32").reshape(shape)
        return (x / 255.0 - mean) / std
    x = ops.flip(x, axis=axis)
    return x - np.asarray(CAFFE_MEAN, "float32").reshape(shape)


# --------------------------------------------------------------------------- predictions


def keras_cache_dir() -> str:
    """Keras's cache folder: ``$KERAS_HOME`` if set, otherwise ``~/.keras``."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def cached_file(name: str, what: str, url: str) -> str:
    """The path of ``name`` in Keras's cache (``<cache>/models/<name>``; also looked for in
    ``/tmp/.keras/models``, where Keras puts it when the home folder is read-only).

    Raises:
        FileNotFoundError: naming the file, where to put it and where Keras gets it.
    """
    places = [os.path.join(keras_cache_dir(), "models", name),
              os.path.join(FALLBACK_CACHE_DIR, "models", name)]
    for place in places:
        if os.path.isfile(place):
            return place
    raise FileNotFoundError(
        f"{what} needs the file {name!r}, which is not in Keras's cache ({places[0]}). numnet "
        f"does not download: fetch it from {url} (or let Keras download it once) and put it at "
        f"{places[0]}.")


def decode_predictions(preds, top: int = 5) -> list:
    """Read an ImageNet model's output as class names: the ``top`` best guesses per image.

    Needs ``imagenet_class_index.json`` in Keras's cache (``~/.keras/models``), where Keras
    puts it the first time it decodes; numnet does not download it.

    Args:
        preds: the model's output, shape ``(samples, 1000)``.
        top: how many guesses to give per image. Defaults to 5.

    Returns:
        One list per image of ``(class_id, class_name, score)`` tuples, best first, e.g.
        ``[[("n02123045", "tabby", 0.82), ...], ...]``.

    Raises:
        ValueError: when ``preds`` is not of shape ``(samples, 1000)``.
        FileNotFoundError: when the class index file is not in the cache.
    """
    global _class_index
    preds = np.asarray(preds.numpy() if hasattr(preds, "numpy") else preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(f"decode_predictions expects a batch of ImageNet predictions, an array "
                         f"of shape (samples, 1000); got shape {preds.shape}.")
    if _class_index is None:
        path = cached_file(CLASS_INDEX_FILE, "decode_predictions", CLASS_INDEX_URL)
        with open(path, encoding="utf-8") as f:
            _class_index = json.load(f)
    results = []
    for row in preds:
        best = np.argsort(row, kind="stable")[::-1][:top]
        results.append([(*_class_index[str(int(i))], row[i]) for i in best])
    return results


# --------------------------------------------------------------------------- each family's


_PREPARATIONS = {  # mode: (what preprocess_input does, what it returns)
    "tf": ("Scale pixels from [0, 255] to [-1, 1] (``x / 127.5 - 1``), as {family} was "
           "trained.", "scaled"),
    "torch": ('Prepare images for {family} ("torch" mode): ``x / 255``, then each channel '
              "less (0.485, 0.456, 0.406) and divided by (0.229, 0.224, 0.225).",
              "normalized"),
    "caffe": ('Prepare images for {family} ("caffe" mode): RGB becomes BGR, then ImageNet\'s '
              "mean pixel (103.939, 116.779, 123.68 for B, G, R) is subtracted; no scaling.",
              "preprocessed"),
}

_PREPROCESS_DOC = """{summary}

    Args:
        x: images (3D or 4D array or tensor), RGB values in [0, 255]. A float NumPy array is
            changed in place.
        data_format: ``"channels_last"`` / ``"channels_first"``; defaults to ``None``
            (``keras.config.image_data_format()``).

    Returns:
        The {result} float array.

    Raises:
        ValueError: for an unknown ``data_format``.
{example}"""

_UNCHANGED_DOC = """{summary}

    Args:
        x: images, pixels in [0, 255].
        data_format: ignored. Defaults to ``None``.

    Returns:
        ``x`` itself.
"""


def family_functions(module: str, family: str, mode: str | None, itself: str = "scale",
                     example: str = ""):
    """``(preprocess_input, decode_predictions)`` for the module ``module`` (its
    ``__name__``) of a family of models, documented for ``family``: images prepared in
    ``mode`` ("tf", "torch" or "caffe", as :func:`preprocess_input`), or for ``mode=None``
    returned unchanged (the models ``itself`` their input themselves); ``example``, a doctest
    added to the docstring, runs with the module's doctests."""
    def prepare(x, data_format=None):
        return x if mode is None else preprocess_input(x, data_format=data_format, mode=mode)

    def decode(preds, top=5):
        return decode_predictions(preds, top=top)

    if mode is None:
        summary = (f"Return ``x`` unchanged: {family} models {itself} their input themselves. "
                   "Kept so that programs written for any application read the same.")
        prepare.__doc__ = _UNCHANGED_DOC.format(summary=_wrap(summary))
    else:
        summary, result = _PREPARATIONS[mode]
        prepare.__doc__ = _PREPROCESS_DOC.format(
            summary=_wrap(summary.format(family=family)), result=result,
            example=f"\n    Example:\n{example}" if example else "")
    decode.__doc__ = ("The ``top`` ImageNet classes of each prediction: see\n    "
                      "``keras.applications.imagenet_utils.decode_predictions``.")
    for function, name in ((prepare, "preprocess_input"), (decode, "decode_predictions")):
        function.__name__ = function.__qualname__ = name
        function.__module__ = module
    if example:  # doctest finds only the functions a module defines, or those in __test__
        sys.modules[module].__dict__.setdefault("__test__", {})["preprocess_input"] = prepare
    return prepare, decode


def builder_doc(summary: str, *, top: str, weights_file: str, min_size: int, size: int,
                name: str, pooling: str = "", shape: str = "", default: str = "",
                after=(), name_note: str = "", example: str = "") -> str:
    """A builder's docstring: ``summary`` (its paragraphs, indented as in a docstring), the
    arguments every application takes (``top``: what the top holds; ``weights_file``: the
    pretrained files; the input's least and default side; ``pooling``: what follows the
    pooling choices; ``shape``: more on the input shape, ``default`` its default where it is
    not the usual), the family's own (``after``:
    ``(name, text)`` pairs), ``name``, Returns, Raises and ``example``."""
    entries = [
        ("include_top", f"whether to end with {top}. Defaults to ``True``."),
        ("weights", '``None`` (random weights), ``"imagenet"`` or the path of a weights file '
                    "(Keras's ``.weights.h5`` or legacy ``.h5``, or numnet's). Defaults to "
                    "``\"imagenet\"``, read from Keras's cache: ``~/.keras/models/`` must hold "
                    f"{weights_file}; numnet does not download it."),
        ("input_tensor", "a symbolic tensor (``keras.Input(...)`` or a layer's output) to "
                         "build the model on. Defaults to ``None``."),
        ("input_shape", f"``(rows, cols, 3)``, at least {min_size}x{min_size}. Defaults to "
                        f"``None``: {default or f'({size}, {size}, 3) with the top, '}"
                        f"{'' if default else '``(None, None, 3)`` without'}{shape}."),
        ("pooling", 'without the top: ``None`` (the 4D feature map), ``"avg"`` or ``"max"``'
                    f"{pooling}. Defaults to ``None``."),
        ("classes", "the classifier's classes, with the top. Defaults to 1000."),
        ("classifier_activation", "the classifier's activation; ``None`` gives logits. "
                                  'Defaults to ``"softmax"``; with pretrained weights only '
                                  '``None`` or ``"softmax"``.'),
        *after,
        ("name", f"the model's name{name_note}. Defaults to ``\"{name}\"``."),
    ]
    args = "\n".join(textwrap.fill(f"{key}: {text}", width=96, initial_indent=" " * 8,
                                   subsequent_indent=" " * 12) for key, text in entries)
    return (f"{summary.rstrip()}\n\n    Args:\n{args}\n\n    Returns:\n        A functional "
            "``Model``.\n\n    Raises:\n        ValueError: for a bad ``weights``, ``classes``, "
            "``input_shape`` or\n            ``classifier_activation``.\n        "
            'FileNotFoundError: for ``weights="imagenet"`` when the file is not in the cache.\n'
            + (f"\n    Example:\n{example}" if example else ""))


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=96, subsequent_indent="    ")


# --------------------------------------------------------------------------- argument checks


def check_weights(weights, include_top: bool, classes: int) -> None:
    """The checks on ``weights`` and ``classes`` every application makes first."""
    if not (weights is None or (isinstance(weights, str) and weights == "imagenet")
            or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError(
            f"weights must be None (random initialization), 'imagenet' (weights trained on "
            f"ImageNet) or the path of an existing weights file; got weights={weights!r}.")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            f"With weights='imagenet' and include_top=True, classes must be 1000 (ImageNet's "
            f"classes); got classes={classes}. For another number of classes use "
            f"include_top=False and add your own classifier, or weights=None.")


def obtain_input_shape(input_shape, default_size: int, min_size: int, data_format: str,
                       require_flatten: bool, weights=None) -> tuple:
    """The model's input shape (without the batch): ``input_shape`` checked, or the default.

    With ``require_flatten`` (``include_top=True``) the shape must be fully known; with
    ImageNet weights and a top it must be the default square; otherwise each side must be at
    least ``min_size`` and the default is ``(None, None, 3)``.
    """
    first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(f"This model usually expects 1 or 3 input channels; input_shape "
                          f"{tuple(input_shape)} has {channels}.", stacklevel=3)
        default = ((channels, default_size, default_size) if first
                   else (default_size, default_size, channels))
    else:
        default = (3, default_size, default_size) if first else (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default:
            raise ValueError(
                f"With include_top=True and weights='imagenet', input_shape must be {default}; "
                f"got input_shape={tuple(input_shape)}. Use include_top=False for other sizes.")
        return default
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"input_shape must be a tuple of three integers (rows, cols, "
                             f"channels); got input_shape={input_shape}.")
        channels = input_shape[0] if first else input_shape[-1]
        sides = input_shape[1:] if first else input_shape[:2]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"With weights='imagenet' the input must have 3 channels; got "
                             f"input_shape={input_shape}.")
        if any(side is not None and side < min_size for side in sides):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; got "
                             f"input_shape={input_shape}.")
    elif require_flatten:
        input_shape = default
    else:
        input_shape = (3, None, None) if first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(f"With include_top=True the input_shape must be fully known; got "
                         f"input_shape={input_shape}.")
    return input_shape


def correct_pad(inputs, kernel_size) -> tuple:
    """The ((top, bottom), (left, right)) zero padding before a stride-2 'valid' convolution
    that reproduces TensorFlow's 'same' padding for ``inputs``' height and width."""
    first = config.image_data_format() == "channels_first"
    rows, cols = tuple(inputs.shape[2:4] if first else inputs.shape[1:3])
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if rows is None else (1 - rows % 2, 1 - cols % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights) -> None:
    """Pretrained weights allow only ``None`` or ``"softmax"`` as the classifier's activation."""
    if weights is None:
        return
    chosen = activations.get(classifier_activation)
    if chosen not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(
            f"With pretrained weights the classifier_activation must be None or 'softmax'; "
            f"got classifier_activation={classifier_activation!r}. Use weights=None to train "
            f"a model with another activation.")


def global_pool(x, pooling, named: bool = False):
    """The features without the classifier: ``x`` averaged (``pooling="avg"``) or maxed
    (``"max"``) over its spatial axes, or left as it is (None). ``named`` gives the layer the
    name Keras gives it in that family ("avg_pool" / "max_pool"), so weight files match."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(**({"name": "avg_pool"} if named else {}))(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(**({"name": "max_pool"} if named else {}))(x)
    return x


def classifier(x, include_top: bool, pooling, classes: int, classifier_activation, weights,
               named: bool = False, dropout: float = 0.0, pool_name: str | None = "avg_pool",
               **dense_kwargs):
    """The end most families share: with the top, global average pooling (``pool_name``),
    dropout ("top_dropout") where ``dropout`` > 0, and the ``Dense`` layer "predictions"
    (``dense_kwargs`` for its initializers); without, ``global_pool(x, pooling, named)``."""
    if not include_top:
        return global_pool(x, pooling, named=named)
    x = layers.GlobalAveragePooling2D(name=pool_name)(x)
    if dropout > 0:
        x = layers.Dropout(dropout, name="top_dropout")(x)
    validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name="predictions",
                        **dense_kwargs)(x)


def application_model(inputs, outputs, name: str, weights, file_name: str, url: str,
                      what: str):
    """The functional model of ``inputs`` to ``outputs``, with ``weights`` loaded
    (``load_application_weights``)."""
    from ..models import Model

    model = Model(inputs, outputs, name=name)
    load_application_weights(model, weights, file_name, url, what)
    return model


def application_input(input_tensor, input_shape, weights, include_top: bool, classes: int,
                      default_size: int, min_size: int = 32):
    """The start every builder makes: ``weights`` and ``classes`` checked, the input shape
    settled (``obtain_input_shape``), the input made; ``(image, inputs, input_shape)`` as
    :func:`model_input` gives them, with the settled shape."""
    check_weights(weights, include_top, classes)
    input_shape = obtain_input_shape(input_shape, default_size=default_size, min_size=min_size,
                                     data_format=config.image_data_format(),
                                     require_flatten=include_top, weights=weights)
    return (*model_input(input_tensor, input_shape), input_shape)


def model_input(input_tensor, input_shape):
    """(the tensor the network starts from, the model's inputs) for ``input_tensor`` /
    ``input_shape``."""
    if input_tensor is None:
        image = Input(shape=input_shape)
        return image, image
    from ..backend_extras import is_keras_tensor

    if not is_keras_tensor(input_tensor):
        raise ValueError(
            f"input_tensor must be a symbolic tensor (the output of keras.Input(...) or of "
            f"layers applied to one); got {type(input_tensor).__name__}. Pass input_shape "
            f"instead for a plain shape.")
    return input_tensor, get_source_inputs(input_tensor)


def check_input_tensor(input_tensor, input_shape) -> None:
    """When both are given, ``input_tensor``'s width must be ``input_shape``'s."""
    if input_shape is None or input_tensor is None:
        return
    from ..backend_extras import is_keras_tensor

    if not is_keras_tensor(input_tensor):
        raise ValueError(
            f"input_tensor must be a symbolic tensor (the output of keras.Input(...)); got "
            f"{type(input_tensor).__name__}.")
    given = input_tensor.shape[2]
    if given != input_shape[1]:
        raise ValueError(f"input_tensor's shape {tuple(input_tensor.shape)} does not match "
                         f"input_shape={tuple(input_shape)}: their widths differ.")


# --------------------------------------------------------------------------- weights


def load_weights(model, path) -> None:
    """Load a weights file into ``model``: a Keras 3 ``.weights.h5`` or a numnet file through
    ``model.load_weights``, or a legacy Keras ``.h5`` (the pretrained files Keras publishes,
    and Keras 2's ``save_weights``), matched layer by layer by name."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        head = f.read(8)
    if head == b"\x89HDF\r\n\x1a\n":
        from ..saving.keras_h5 import _h5py

        h5py = _h5py()
        with h5py.File(path, "r") as h5:
            legacy = "layers" not in h5 and ("layer_names" in h5.attrs or "model_weights" in h5)
            if legacy:
                _load_legacy(model, h5, path)
                return
    model.load_weights(path)


def _texts(values) -> list:
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in np.asarray(values)]


def _load_legacy(model, h5, path) -> None:
    """As Keras reads these files: the layers that have weights, in order, against the file's
    layers that list weights, in order (names may differ: unnamed layers are numbered per
    session); every shape is checked before any weight is set."""
    group = h5 if "layer_names" in h5.attrs else h5["model_weights"]
    listed = [n for n in _texts(group.attrs["layer_names"])
              if len(group[n].attrs.get("weight_names", []))]
    ours = [layer for layer in model.layers if layer.weights]
    if len(listed) != len(ours):
        raise ValueError(f"{path}: the file holds weights for {len(listed)} layers, the model "
                         f"{model.name!r} has {len(ours)} layers with weights. Is it the file "
                         f"of this model (same architecture and include_top)?")
    pending = []
    for layer, stored in zip(ours, listed, strict=True):
        holder = group[stored]
        names = _texts(holder.attrs["weight_names"])
        variables = [*layer.trainable_weights, *layer.non_trainable_weights]
        if len(names) != len(variables):
            raise ValueError(f"{path}: the layer {layer.name!r} has {len(variables)} weights, "
                             f"the file's layer {stored!r} holds {len(names)} ({names}).")
        for variable, name in zip(variables, names, strict=True):
            value = np.asarray(holder[name])
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(f"{path}: {stored}/{name} has shape {value.shape}, the "
                                 f"model's layer {layer.name!r} expects "
                                 f"{tuple(variable.shape)}.")
            pending.append((variable, value))
    for variable, value in pending:
        variable.assign(value.astype(variable.dtype))


def load_application_weights(model, weights, file_name: str, url: str, what: str) -> None:
    """``weights``: None (nothing), a path, or "imagenet" (``file_name`` in Keras's cache)."""
    if weights is None:
        return
    if isinstance(weights, str) and weights == "imagenet":
        try:
            path = cached_file(file_name, f"{what}(weights='imagenet')", url)
        except FileNotFoundError as err:
            raise FileNotFoundError(f"{err} Or pass weights=None to build the model untrained "
                                    f"(random weights).") from None
    else:
        path = weights
    load_weights(model, path)
    # trained on inputs in this family's range (caffe-style, +-150, for VGG and ResNet): the
    # scaling advice leaves them alone, frozen or fine-tuned (numnet.advice)
    model._pretrained_inputs = True
