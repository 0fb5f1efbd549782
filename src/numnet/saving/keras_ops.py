"""The operations of a functional graph (``x + 1.0``, ``ops.mean(h, axis=-1)``, ``x[:, 1:3]``)
in the form that Keras 3 gives them in a ``.keras`` file, both ways.

Keras 3.15 writes an op applied to a KerasTensor as an entry of the model's ``layers``::

    {"module": "keras.src.ops.numpy", "class_name": "Mean", "registered_name": "Mean",
     "config": {"name": "mean", "axis": -1, "keepdims": true},
     "name": "mean", "inbound_nodes": [{"args": [<tensor>], "kwargs": {}}]}

The op's class takes the op's settings (``axis``, ``keepdims``: every one, defaults included)
and is called on the rest (the tensors and the numbers between them: ``Multiply`` is called on
``[<tensor>, 2.0]``); an array among the arguments is ``{"class_name": "__numpy__", "config":
{"value", "dtype"}}``. ``KERAS_OPS`` lists the ops that numnet writes and reads so, by numnet's
name (the same as ``keras.ops``'s): Keras's module, class and the settings that go to the
class. Both sides split a call by the op's signature: the settings named in the table go to
the config, the other parameters, in order, are the call's arguments.

Not in the table, and refused with the reason when a model holds them (``REFUSED``): ops whose
settings Keras cannot store (a function: ``cond``, ``vectorized_map``), ops Keras writes but
cannot load back (``norm`` with an axis, ``broadcast_to`` with the batch in its shape), the
linear algebra of ``numnet.ops.linalg`` and the decompositions (``qr``, ``svd``, ...), and ops
that give a Python number (``shape``, ``ndim``). An op that gives several tensors (``split``,
``top_k``, ``unstack``, ``moments``) is one entry, whose tensors Keras names by their place
(``[name, node, index]``), where numnet's graph has a node per part.
"""

from __future__ import annotations

import inspect

import numpy as np

from .. import backend
from ..layers.symbolic import _Slot

HELD_LAYERS = ("cell", "layer", "forward_layer", "backward_layer")
"""The settings in which a layer's config holds a layer (an RNN's cell, a wrapper's layers)."""

MODULE = "keras.src.ops."

_UNARY_NUMPY = """abs absolute arccos arccosh arcsin arcsinh arctan arctanh ceil cos cosh exp
    expm1 floor isfinite isinf isnan log log10 log1p log2 logical_not negative ravel
    reciprocal sign sin sinh sqrt square tan tanh""".split()
_BINARY_NUMPY = """add subtract multiply divide power matmul dot maximum minimum mod
    floor_divide equal not_equal less less_equal greater greater_equal logical_and logical_or
    logical_xor arctan2 logaddexp outer""".split()
_UNARY_NN = """relu relu6 sigmoid softplus softsign silu selu log_sigmoid hard_sigmoid hard_silu
    hard_tanh tanh_shrink sparse_plus sparse_sigmoid""".split()
_CLASS_NAMES = {
    "abs": "Absolute", "absolute": "Absolute", "true_divide": "TrueDivide",
    "floor_divide": "FloorDivide", "not_equal": "NotEqual", "less_equal": "LessEqual",
    "greater_equal": "GreaterEqual", "logical_and": "LogicalAnd", "logical_or": "LogicalOr",
    "logical_xor": "LogicalXor", "logical_not": "LogicalNot", "log_sigmoid": "LogSigmoid",
    "hard_sigmoid": "HardSigmoid", "hard_silu": "HardSilu", "hard_tanh": "HardTanh",
    "tanh_shrink": "TanhShrink", "sparse_plus": "SparsePlus", "sparse_sigmoid": "SparseSigmoid",
    "leaky_relu": "LeakyRelu", "log_softmax": "LogSoftmax", "hard_shrink": "HardShrink",
    "soft_shrink": "SoftShrink", "expand_dims": "ExpandDims", "take_along_axis": "TakeAlongAxis",
    "nan_to_num": "NanToNum", "full_like": "FullLike", "zeros_like": "ZerosLike",
    "ones_like": "OnesLike", "count_nonzero": "CountNonzero", "one_hot": "OneHot",
    "stop_gradient": "StopGradient", "convert_to_tensor": "ConvertToTensor",
    "max_pool": "MaxPool", "average_pool": "AveragePool", "top_k": "TopK",
    "binary_crossentropy": "BinaryCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
    "__getitem__": "GetItem",
    "crop_images": "CropImages", "pad_images": "PadImages",
    "affine_transform": "AffineTransform", "rgb_to_grayscale": "RGBToGrayscale",
    "rgb_to_hsv": "RGBToHSV", "hsv_to_rgb": "HSVToRGB", "gaussian_blur": "GaussianBlur",
}


class KerasOp:
    """How Keras 3 writes one op: ``keras.src.ops.<module>.<class_name>``, constructed with
    the settings ``config`` and called on the op's other parameters; ``call_keywords`` are
    given to the call by name (as Keras gives ``pad`` its ``constant_values``)."""

    __slots__ = ("module", "class_name", "config", "call_keywords")

    def __init__(self, module: str, class_name: str, config=(), call_keywords=()):
        self.module, self.class_name = MODULE + module, class_name
        self.config, self.call_keywords = tuple(config), tuple(call_keywords)


def _class_name(name: str) -> str:
    return _CLASS_NAMES.get(name) or name.capitalize()


def _table() -> dict:
    table = {name: KerasOp("numpy", _class_name(name)) for name in _UNARY_NUMPY + _BINARY_NUMPY}
    table.update({name: KerasOp("nn", _class_name(name)) for name in _UNARY_NN})
    settings = {
        "numpy": {
            "mean": "axis keepdims", "sum": "axis keepdims", "max": "axis keepdims initial",
            "min": "axis keepdims initial", "prod": "axis keepdims dtype", "std": "axis keepdims",
            "var": "axis keepdims", "all": "axis keepdims", "any": "axis keepdims",
            "argmax": "axis keepdims", "argmin": "axis keepdims", "argsort": "axis",
            "sort": "axis", "count_nonzero": "axis", "cumsum": "axis dtype",
            "cumprod": "axis dtype", "reshape": "newshape", "transpose": "axes",
            "expand_dims": "axis", "squeeze": "axis", "concatenate": "axis", "stack": "axis",
            "moveaxis": "source destination", "swapaxes": "axis1 axis2",
            "repeat": "repeats axis", "tile": "repeats", "roll": "shift axis", "flip": "axis",
            "take": "axis", "take_along_axis": "axis", "tril": "k", "triu": "k",
            "diagonal": "offset axis1 axis2", "trace": "offset axis1 axis2",
            "round": "decimals", "clip": "x_min x_max", "nan_to_num": "nan posinf neginf",
            "full_like": "dtype", "zeros_like": "dtype", "ones_like": "dtype",
            "tensordot": "axes", "einsum": "subscripts", "where": "", "__getitem__": "",
            "split": "indices_or_sections axis",
        },
        "nn": {
            "softmax": "axis", "log_softmax": "axis", "leaky_relu": "negative_slope",
            "elu": "alpha", "celu": "alpha", "gelu": "approximate", "glu": "axis",
            "hard_shrink": "threshold", "soft_shrink": "threshold", "squareplus": "b",
            "threshold": "threshold default_value", "sparsemax": "axis",
            "normalize": "axis order epsilon", "one_hot": "num_classes axis dtype sparse",
            "max_pool": "pool_size strides padding data_format",
            "average_pool": "pool_size strides padding data_format",
            "conv": "strides padding data_format dilation_rate",
            "binary_crossentropy": "from_logits",
            "categorical_crossentropy": "from_logits axis",
            "sparse_categorical_crossentropy": "from_logits axis",
            "moments": "axes keepdims synchronized",
        },
        "math": {"erf": "", "rsqrt": "", "logsumexp": "axis keepdims", "top_k": "k sorted"},
        "core": {"cast": "dtype", "convert_to_tensor": "dtype sparse ragged",
                 "stop_gradient": "", "unstack": "num axis"},
        "image": {
            "resize": "size interpolation antialias crop_to_aspect_ratio pad_to_aspect_ratio "
                      "fill_mode fill_value data_format",
            "crop_images": "top_cropping left_cropping bottom_cropping right_cropping "
                           "target_height target_width data_format",
            "pad_images": "top_padding left_padding bottom_padding right_padding "
                          "target_height target_width data_format",
            "affine_transform": "interpolation fill_mode fill_value data_format",
            "rgb_to_grayscale": "data_format", "rgb_to_hsv": "data_format",
            "hsv_to_rgb": "data_format", "gaussian_blur": "kernel_size sigma data_format",
        },
    }
    for module, ops in settings.items():
        for name, config in ops.items():
            table[name] = KerasOp(module, _class_name(name), config.split())
    table["pad"] = KerasOp("numpy", "Pad", ("pad_width", "mode"), ("constant_values",))
    return table


KERAS_OPS: dict[str, KerasOp] = _table()
"""numnet's ops (by their ``numnet.ops`` name; ``__getitem__`` for ``x[...]``) that the
``.keras`` writer gives Keras and the reader takes from it, each checked by loading numnet's
file in Keras 3.15 and Keras's in numnet (tests/test_keras_file_ops.py)."""

READS = {spec.class_name: name for name, spec in KERAS_OPS.items() if name != "absolute"}
"""Keras's class of an op -> numnet's op (``x / y``, Keras's TrueDivide, is numnet's divide,
which numnet writes as Keras writes ``x / y``)."""
READS["TrueDivide"] = "divide"
KERAS_OPS["divide"] = KerasOp("numpy", "TrueDivide")

REFUSED = {
    "norm": "is one that Keras 3.15 writes but cannot load back (its loader fails on the axis "
            "it wrote); write it as ops.sqrt(ops.sum(ops.square(x), axis=-1)), which Keras "
            "loads",
    "broadcast_to": "keeps its shape, batch size included, in Keras's config, so the loaded "
                    "model would run on batches of that size only; use ops.tile or "
                    "ops.repeat, or add the tensors (broadcasting)",
    "cond": "takes Python functions, which Keras's files do not hold",
    "vectorized_map": "takes a Python function, which Keras's files do not hold",
    "__pick__": "is a part of a dict of tensors or of a structure inside a structure, which "
                "numnet does not write in Keras's form (Keras names the parts of a list or "
                "tuple of tensors by their place; return a list)",
}
"""Ops that the writer refuses for a reason of Keras's, with the reason."""


DEFAULTS = {"data_format": backend.image_data_format, "dtype": backend.floatx}
"""Settings that Keras resolves when it makes the op, where numnet's default is None: written
resolved, as Keras writes them (a pooling's ``data_format``, ``one_hot``'s ``dtype``)."""
_RESOLVED = {"max_pool": ("data_format",), "average_pool": ("data_format",),
             "conv": ("data_format",), "one_hot": ("dtype",)}


class NotWritable(ValueError):
    """An op call that Keras's form cannot hold; the message says why."""


def _signature(op) -> inspect.Signature:
    return inspect.signature(op)


def split_call(name: str, op, args: tuple, kwargs: dict) -> tuple[dict, list, dict]:
    """(the op's settings for Keras's config, its call's arguments, its call's keyword
    arguments): numnet's call of ``op`` bound to its signature, defaults filled in, and
    divided as Keras divides it. Raises NotWritable for a setting that is not a plain value
    (Keras keeps settings in the config, which holds numbers, strings and lists)."""
    spec = KERAS_OPS[name]
    try:
        bound = _signature(op).bind(*args, **kwargs)
    except TypeError as err:
        raise NotWritable(f"is called with arguments that do not fit its signature ({err})") \
            from None
    bound.apply_defaults()
    config: dict = {}
    call: list = []
    keywords: dict = {}
    for param in _signature(op).parameters.values():
        value = bound.arguments.get(param.name, param.default)
        if param.kind is param.VAR_POSITIONAL:
            call += list(value)
        elif param.kind is param.VAR_KEYWORD:
            if value:
                raise NotWritable(f"is given the argument {sorted(value)[0]!r}, which Keras's "
                                  "op does not take")
        elif param.name in spec.config:
            if value is None and param.name in _RESOLVED.get(name, ()):
                value = DEFAULTS[param.name]()
            config[param.name] = _setting(value, param.name)
        elif param.name in spec.call_keywords:
            keywords[param.name] = value
        else:
            call.append(value)
    return config, call, keywords


def _setting(value, key: str):
    """A setting as JSON (tuples as lists); NotWritable for anything but plain values."""
    if isinstance(value, (list, tuple)):
        return [_setting(v, key) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.dtype):
        return value.name
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value).name
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    kind = "a tensor" if type(value) is _Slot or hasattr(value, "shape") \
        else f"a {type(value).__name__}"
    raise NotWritable(f"has its setting {key!r} given as {kind}, and Keras keeps an op's "
                      "settings in its config, which holds only numbers, strings and lists of "
                      "them (give it a number)")


def join_call(name: str, op, args: list, kwargs: dict, config: dict) -> tuple[list, dict]:
    """numnet's call of ``op`` from Keras's: the call's arguments and keyword arguments and
    the settings of the op's config, each put back at its parameter. Raises ValueError naming
    a setting or argument that the op does not take."""
    params = list(_signature(op).parameters.values())
    known = {p.name for p in params}
    unknown = sorted(set(config) - known) or sorted(set(kwargs) - known)
    if unknown:
        raise ValueError(f"the op {name!r} takes no argument {unknown[0]!r}")
    queue = list(args)
    kwargs = dict(kwargs)
    out_args: list = []
    out_kwargs: dict = {}
    positional = True
    for param in params:
        if param.kind is param.VAR_POSITIONAL:
            out_args += queue
            queue = []
            continue
        if param.kind is param.VAR_KEYWORD:
            continue
        if param.name in config:
            value = config[param.name]
        elif param.name in kwargs:
            value = kwargs.pop(param.name)
        elif queue:
            value = queue.pop(0)
        else:
            positional = False  # left to its default: the later ones by name
            continue
        if positional and param.kind is not param.KEYWORD_ONLY:
            out_args.append(value)
        else:
            out_kwargs[param.name] = value
    if queue:
        raise ValueError(f"the op {name!r} is called on {len(args)} arguments, more than it "
                         "takes")
    return out_args, out_kwargs


__all__ = ["KERAS_OPS", "READS", "REFUSED", "KerasOp", "NotWritable", "join_call",
           "split_call"]
