"""Functional graphs beyond one tensor through one layer.

Keras 3 records any call on symbolic tensors: ``x + y``, ``ops.expand_dims(x, -1)``, a custom
layer called on a list or with symbolic keyword arguments (``mha(q, v)``,
``lstm(x, initial_state=[h, c])``), a layer that returns a tuple or a dict. Each such call is
one node of the graph: the layer (or an :class:`OpLayer` for an op), the symbolic tensors it
reads (its parents) and a :class:`CallSpec` that rebuilds its arguments from their values. The
output's shape and dtype come from calling the layer once on a small sample (batch of 2); a
structured output is one node whose parts are picked by further nodes.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np

from .. import backend
from ..autodiff import symbolic as _symbolic
from ..autodiff.ops import ReshapeError
from ..autodiff.tensor import Shape, Tensor, no_grad
from . import base
from .base import Layer, SymbolicTensor, unique_name


class _Slot:
    """The place of a parent tensor in a node's arguments."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


class CallSpec:
    """How a node calls its layer: the call's arguments, each symbolic tensor replaced by the
    index of the parent it is. Truthy, so graph code that asks "called on several tensors?"
    takes the general path."""

    __slots__ = ("args", "kwargs")

    def __init__(self, args: tuple, kwargs: dict):
        self.args, self.kwargs = args, kwargs

    def fill(self, values) -> tuple[tuple, dict]:
        return _fill(self.args, values), _fill(self.kwargs, values)

    def run(self, layer, values, training):
        args, kwargs = self.fill(values)
        if "training" in kwargs:  # fixed when the graph was built
            return layer(*args, **kwargs)
        return layer(*args, training=training, **kwargs)

    def to_config(self) -> dict:
        return {"args": _encode(self.args), "kwargs": _encode(self.kwargs)}

    @classmethod
    def from_config(cls, config: dict) -> CallSpec:
        return cls(tuple(_decode(config.get("args", []))), dict(_decode(config.get("kwargs",
                                                                                     {}))))


def _template(value, parents: list, index: dict, depth: int = 0):
    """``value`` with each symbolic tensor replaced by a _Slot (the tensor added to parents)."""
    if _symbolic.is_symbolic(value):
        key = id(value)
        if key not in index:
            index[key] = len(parents)
            parents.append(value)
        return _Slot(index[key])
    if depth > 16:
        raise ValueError("A layer or op was called on arguments nested over 16 deep.")
    if type(value) in (list, tuple):
        return _rebuild(value, [_template(v, parents, index, depth + 1) for v in value])
    if type(value) is dict:
        return {k: _template(v, parents, index, depth + 1) for k, v in value.items()}
    return value


def _rebuild(like, items: list):
    """A list or tuple of ``items`` of the type of ``like``; a namedtuple (TensorFlow's
    CombinedNonMaxSuppression, a layer's own) by its fields."""
    if hasattr(like, "_fields"):
        return type(like)(*items)
    return type(like)(items)


def _fill(value, values):
    if type(value) is _Slot:
        return values[value.index]
    if type(value) in (list, tuple):
        return _rebuild(value, [_fill(v, values) for v in value])
    if type(value) is dict:
        return {k: _fill(v, values) for k, v in value.items()}
    return value


def _encode(value):
    """The JSON form of call arguments: parents, slices, Ellipsis, None axes, numbers."""
    if type(value) is _Slot:
        return {"__tensor__": value.index}
    if isinstance(value, slice):
        return {"__slice__": [_encode(value.start), _encode(value.stop), _encode(value.step)]}
    if value is Ellipsis:
        return {"__ellipsis__": True}
    if type(value) is tuple or type(value) is Shape:  # (a tensor's shape given as argument)
        return {"__tuple__": [_encode(v) for v in value]}
    if type(value) is list:
        return [_encode(v) for v in value]
    if type(value) is dict:
        return {"__dict__": {str(k): _encode(v) for k, v in value.items()}}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return {"__array__": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, np.dtype):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"A graph node's argument of type {type(value).__name__} cannot be saved; "
                    "give ops numbers, strings, lists, slices or tensors.")


def _decode(value):
    if type(value) is list:
        return [_decode(v) for v in value]
    if type(value) is dict:
        if "__tensor__" in value:
            return _Slot(int(value["__tensor__"]))
        if "__slice__" in value:
            return slice(*(_decode(v) for v in value["__slice__"]))
        if "__ellipsis__" in value:
            return Ellipsis
        if "__tuple__" in value:
            return tuple(_decode(v) for v in value["__tuple__"])
        if "__dict__" in value:
            return {k: _decode(v) for k, v in value["__dict__"].items()}
        if "__array__" in value:
            return np.asarray(value["__array__"], dtype=str(value.get("dtype", "float32")))
    return value


class OpLayer(Layer):
    """A node of a functional graph that applies one of ``numnet.ops`` (or an operator such
    as ``+``) to symbolic tensors. It holds no weights, and is not listed in
    ``model.layers`` (as Keras 3's operations are not)."""

    _is_operation = True
    supports_masking = False

    def __init__(self, function: str, name: str | None = None, **kwargs):
        op = _lookup(function)
        super().__init__(name=name or unique_name(function.replace(".", "_")), **kwargs)
        self.function = function
        self.op = op
        self.built = True

    def __call__(self, *args, **kwargs):
        kwargs.pop("training", None)
        kwargs.pop("mask", None)
        if self.function == "__pick__" and isinstance(args[0], (list, tuple, dict)):
            return args[0][args[1]]  # (a loaded graph: the part of a structured output)
        if _symbolic.any_symbolic(args) or _symbolic.any_symbolic(kwargs):
            return generic_call(self, args, kwargs)
        return self.op(*args, **kwargs)

    def call(self, *args, **kwargs):
        return self.op(*args, **kwargs)

    def get_config(self) -> dict:
        return {"name": self.name, "function": self.function}


def _lookup(name: str):
    from .. import ops  # noqa: F401  (registers the public ops)

    op = _symbolic.lookup(name)
    if op is None:
        raise ValueError(f"OpLayer(function): no op is called {name!r}; the graph names one of "
                         "numnet.ops's functions.")
    return op


def _pick(value, index):
    """Part ``index`` of a structured output (a tuple, list or dict)."""
    return value[index]


_symbolic.symbolic_op(_pick, name="__pick__")


def _probe_value(t: SymbolicTensor, fill: int):
    known = getattr(t, "_known", None)
    if known is not None:  # a size or a shape: the sample's own
        if isinstance(known, tuple):
            return Tensor(backend.xp.asarray([fill if k == "fill" else k for k in known],
                                             dtype=t.dtype or "int32"))
        value = fill if known == "fill" else known
        return value if t.dtype == "int" else Tensor(
            backend.xp.asarray(value, dtype=t.dtype))
    shape = tuple(fill if d is None else int(d) for d in (t.shape or ()))
    dtype = t.dtype or backend.floatx()
    if dtype == "string":
        return np.full(shape, "", dtype=object)
    return Tensor(backend.xp.ones(shape, dtype=dtype))


def _probe_mask(t: SymbolicTensor, fill: int, depth: int = 0):
    """The mask that ``t``'s sample would carry at run time (a layer that consumes ``mask``
    gets one in the sample call too, as Keras computes masks on symbolic tensors): the mask of
    the layer that gave ``t`` (Embedding(mask_zero=True), Masking, a compute_mask of one's own,
    or one passed on by a layer that supports masking), computed on samples; None where the
    graph above ``t`` makes none, or where ``t`` comes from several tensors."""
    layer, merged = t._layer, t.merged
    if (layer is None or isinstance(layer, OpLayer) or len(t.parents) != 1 or merged is True
            or depth > 500):
        return None
    if isinstance(merged, CallSpec) and not (len(merged.args) == 1
                                             and type(merged.args[0]) is _Slot):
        return None
    source = t.parents[0]
    inner = _probe_mask(source, fill, depth + 1)
    if inner is None and not (layer._makes_mask or base._call_spec(type(layer)).own_compute_mask):
        return None
    try:
        return layer._next_mask(_probe_value(source, fill), inner)
    except Exception:  # (a compute_mask that needs real values: the sample call goes without)
        return None


def _run_on_samples(layer, spec: CallSpec, parents: list, fill: int):
    """The layer called on samples (ones) in place of its symbolic inputs; its weights (a
    custom layer may assign to them in call) are put back as they were."""
    weights = [] if isinstance(layer, OpLayer) else layer.weights
    saved = [w.value.copy() for w in weights]
    stateful = [] if isinstance(layer, OpLayer) else _stateful_layers(layer)
    kept = [inner.states for inner in stateful]
    try:
        return _run_sample_call(layer, spec, parents, fill)
    finally:
        for w, value in zip(weights, saved, strict=True):
            w.value[...] = value
        for inner, states in zip(stateful, kept, strict=True):
            inner.states = states  # (a stateful RNN keeps no states from the samples)


def _stateful_layers(layer) -> list:
    """``layer`` and the layers inside it that keep states between calls (stateful RNNs)."""
    found, stack, seen = [], [layer], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if getattr(current, "stateful", False) is True and hasattr(current, "states"):
            found.append(current)
        stack.extend(current._sublayers())
    return found


_SAMPLE_CALLS = [0]  # how many sample calls are running (they nest: a layer in a layer)


def probing() -> bool:
    """Whether the layer call under way runs on the samples that stand for symbolic inputs
    (ones, or empty strings for a string Input). Keras traces such a call without values, so
    a layer that checks the values it is given (a StringLookup with num_oov_indices=0) lets
    the samples through."""
    return _SAMPLE_CALLS[0] > 0


def _run_sample_call(layer, spec: CallSpec, parents: list, fill: int):
    values = [_probe_value(t, fill) for t in parents]
    if "training" in spec.kwargs:  # the sample call runs in inference mode, whatever is fixed
        spec = CallSpec(spec.args, {**spec.kwargs, "training": False})
    context = base._context
    depth = context.depth
    try:
        with no_grad(), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            context.depth = depth + 1  # (the losses a probe adds are dropped below)
            for t, value in zip(parents, values, strict=True):
                mask = _probe_mask(t, fill)
                if mask is not None and isinstance(value, Tensor):
                    value._keras_mask = getattr(mask, "value", mask)
            _SAMPLE_CALLS[0] += 1
            try:
                out = spec.run(layer, values, False)
            finally:
                _SAMPLE_CALLS[0] -= 1
    finally:
        context.depth = depth
    layer._clear_losses()
    return out


def _structure(out, fill: int, varying):
    """The shape / dtype structure of a sample output."""
    if isinstance(out, dict):
        return {k: _structure(v, fill, varying) for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return _rebuild(out, [_structure(v, fill, varying) for v in out])
    if out is None:
        return None
    value = getattr(out, "value", out)
    shape = tuple(np.shape(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and \
            not isinstance(out, Tensor):
        return ("leaf", shape, "int", _known_value(value))  # a Python int: a size
    dtype = str(getattr(value, "dtype", backend.floatx()))
    return ("leaf", shape, dtype, _known_value(value))


def _known_value(value):
    """The value of a small integer output (a size, a shape: ``ops.shape(x)[0]``,
    ``tf.shape(x)``) as an int or a tuple of ints, kept so that the samples of the nodes
    after it use the sizes the samples really have; None for other outputs."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    dtype = getattr(value, "dtype", None)
    if dtype is None or np.dtype(dtype).kind not in "iu" or getattr(value, "ndim", 2) > 1 \
            or getattr(value, "size", 9) > 8:
        return None
    host = np.asarray(backend.to_numpy(value))
    return int(host) if host.ndim == 0 else tuple(int(v) for v in host)


def _merge_known(a, b, small: int = 2, large: int = 3):
    """The known values of the two samples: equal ones stay; a size that is the sample's
    length in each ("fill") follows the sample; anything else is unknown."""
    if a is None or b is None:
        return None
    if isinstance(a, tuple):
        if not isinstance(b, tuple) or len(a) != len(b):
            return None
        parts = tuple(_merge_known(x, y, small, large) for x, y in zip(a, b, strict=True))
        return None if any(p is None for p in parts) else parts
    if a == b:
        return a
    return "fill" if (a, b) == (small, large) else None


def _merge_shapes(a, b):
    """Two sample structures (batch 2 and 3) into shapes with None where they differ."""
    if isinstance(a, dict):
        return {k: _merge_shapes(a[k], b[k]) for k in a}
    if isinstance(a, (list, tuple)) and not (isinstance(a, tuple) and a and a[0] == "leaf"):
        return _rebuild(a, [_merge_shapes(x, y) for x, y in zip(a, b, strict=True)])
    if a is None:
        return None
    _, sa, dtype, known_a = a
    _, sb, _, known_b = b
    if len(sa) != len(sb):
        return ("leaf", None, dtype, None)
    return ("leaf", tuple(None if x != y else x for x, y in zip(sa, sb, strict=True)), dtype,
            _merge_known(known_a, known_b))


def _build(layer, args, kwargs) -> None:
    if layer.built:
        return
    first = args[0]
    shapes = (tuple(first.shape) if _symbolic.is_symbolic(first)
              else _shapes(first))
    if getattr(layer, "_is_model", False):
        layer._maybe_build(shapes)
        return
    # build alone: the output's shape comes from the sample call (compute_output_shape of a
    # layer written for one tensor may not take the structure it is called on here)
    layer.build(shapes)
    layer.built = True
    layer.input_shape = shapes
    layer.__dict__.pop("_children", None)


def _shapes(value):
    if _symbolic.is_symbolic(value):
        return tuple(value.shape)
    if isinstance(value, dict):
        return {k: _shapes(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shapes(v) for v in value]
    return tuple(np.shape(value))


def generic_call(layer, args, kwargs):
    """``layer(*args, **kwargs)`` on symbolic tensors: a node of the graph, its output the
    symbolic tensor (or the structure of them) that the call gives."""
    parents: list = []
    index: dict = {}
    spec = CallSpec(_template(tuple(args), parents, index),
                    _template(dict(kwargs), parents, index))
    if not isinstance(layer, OpLayer):
        _build(layer, args, kwargs)
    structure = _merge_shapes(*_sample_structures(layer, spec, parents))
    node = SymbolicTensor(None, None, None, parents=parents, merged=spec, dtype=None)
    node._layer = layer
    first = args[0] if args else None
    layer._io = (first, node)
    if isinstance(structure, tuple) and structure and structure[0] == "leaf":
        node.shape, node.dtype = structure[1], structure[2]
        node._known = structure[3]
        _set_output_shape(layer, node.shape)
        return node
    out = _picks(node, structure, layer)
    _set_output_shape(layer, _shapes_of_structure(out))
    layer._io = (first, out)
    return out


def _sample_structures(layer, spec: CallSpec, parents: list) -> tuple:
    """The output structures of the calls on samples of 2 and of 3 rows. A call that reshapes
    to a fixed batch size (``ops.reshape(x, [batch_size * tokens, dim])``, as Keras traces
    with a static size) cannot take them: then the rows the reshape assumed are worked out
    from its sizes, and both structures are the call's on samples of that many rows (its
    output's shape then has that size, as Keras's has)."""
    found = []
    for fill in (2, 3):
        try:
            found.append(_structure(_run_on_samples(layer, spec, parents, fill), fill, None))
        except ValueError as err:
            rows = (_rows_assumed(err, fill) if isinstance(err, ReshapeError)
                    else _rows_broadcast(err, fill))
            if rows is None:
                raise
            fixed = _structure(_run_on_samples(layer, spec, parents, rows), rows, None)
            return fixed, fixed
    return tuple(found)


_BROADCAST = re.compile(
    r"operands could not be broadcast together with shapes ((?:\([\d, ]*\) ?)+)")


def _rows_broadcast(err: ValueError, fill: int):
    """The sample rows for which a failed broadcast's operands agree: where one operand has
    the sample's ``fill`` rows on an axis and another a fixed size there (the output of
    ``ops.segment_sum(..., num_segments=batch_size * atoms)`` added to a batch of the
    samples, as Keras traces a batch of None that broadcasts to the fixed size), that size;
    None where the operands differ otherwise."""
    found = _BROADCAST.search(str(err))
    if found is None:
        return None
    shapes = [tuple(int(d) for d in part.split(",") if d.strip())
              for part in re.findall(r"\(([\d, ]*)\)", found.group(1))]
    width = max(len(shape) for shape in shapes)
    padded = [(1,) * (width - len(shape)) + shape for shape in shapes]
    sizes = set()
    for axis in range(width):
        column = {shape[axis] for shape in padded} - {1}
        if len(column) < 2:
            continue
        if fill not in column or len(column) != 2:
            return None
        sizes |= column - {fill}
    return sizes.pop() if len(sizes) == 1 else None


def _rows_assumed(err: ReshapeError, fill: int):
    """The sample rows for which the failed reshape's sizes agree, if its values are
    ``fill`` rows of a fixed size and the shape asked for holds a whole number of rows."""
    per_row, left = divmod(err.size, fill)
    total = math.prod(err.shape)
    if left or per_row == 0 or total <= 0 or total % per_row:
        return None
    rows = total // per_row
    return rows if rows != fill else None


def _set_output_shape(layer, shape) -> None:
    if not isinstance(layer, OpLayer):
        try:
            layer.output_shape = shape
        except AttributeError:  # a read-only property of a subclass
            pass


def _shapes_of_structure(out):
    if isinstance(out, dict):
        return {k: _shapes_of_structure(v) for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return [_shapes_of_structure(v) for v in out]
    return None if out is None else out.shape


def _picks(node: SymbolicTensor, structure, layer):
    """Symbolic tensors for the parts of a structured output (one pick node each)."""
    if isinstance(structure, dict):
        keys = list(structure)
    else:
        keys = list(range(len(structure)))
    parts = []
    for key in keys:
        part = structure[key]
        picker = OpLayer("__pick__", name=unique_name(f"{layer.name}_part"))
        picker._picks_from = layer  # (an output picked from it is named by it, as Keras)
        spec = CallSpec((_Slot(0), key), {})
        if isinstance(part, tuple) and part and part[0] == "leaf":
            t = SymbolicTensor(part[1], None, None, parents=[node], merged=spec, dtype=part[2])
            t._layer = picker
            t._known = part[3]
        elif part is None:
            t = None
        else:
            inner = SymbolicTensor(None, None, None, parents=[node], merged=spec, dtype=None)
            inner._layer = picker
            t = _picks(inner, part, layer)
        parts.append(t)
    if isinstance(structure, dict):
        return dict(zip(keys, parts, strict=True))
    return _rebuild(structure, parts) if isinstance(structure, tuple) else list(parts)


def op_node(op, args, kwargs):
    """The builder of ``autodiff.symbolic``: a public op called on symbolic tensors."""
    return generic_call(OpLayer(op.op_name), args, kwargs)


def probe_shape(layer, input_shape: tuple):
    """The output shape of ``layer`` on inputs of ``input_shape`` (None: any length), from
    calls on two small samples; a structure of shapes for a structured output."""
    tensor = SymbolicTensor(tuple(input_shape), None, None, parents=(), dtype=None)
    spec = CallSpec((_Slot(0),), {})
    small = _structure(_run_on_samples(layer, spec, [tensor], 2), 2, None)
    large = _structure(_run_on_samples(layer, spec, [tensor], 3), 3, None)
    structure = _merge_shapes(small, large)
    return _shapes_of_leaves(structure)


def _shapes_of_leaves(structure):
    if isinstance(structure, tuple) and structure and structure[0] == "leaf":
        return structure[1]
    if isinstance(structure, dict):
        return {k: _shapes_of_leaves(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return _rebuild(structure, [_shapes_of_leaves(v) for v in structure])
    return structure


base._generic_call = generic_call
base._probe_shape = probe_shape
_symbolic.register_builder(op_node)
