"""Ops called on symbolic tensors become nodes of a functional model's graph.

``x = keras.Input((4,)); y = ops.expand_dims(x, -1) * 2.0`` records two nodes, as Keras 3 does
with its KerasTensors. The ops floor does not know layers: a public op is wrapped by
:func:`symbolic_op`, which hands a call that involves a symbolic tensor to the builder that the
layers floor registers (``layers/base.py``: a node that calls the op again on real tensors when
the model runs). Calls on arrays and Tensors go straight to the op.
"""

from __future__ import annotations

import functools

_builder = None

# name -> op, for the nodes of a saved model: only ops registered here can be named in a file
_registry: dict = {}


def register_builder(builder) -> None:
    """Set ``builder(op, args, kwargs) -> SymbolicTensor``: the node made when an op is called
    with a symbolic tensor among its arguments (at any depth of lists, tuples and dicts)."""
    global _builder
    _builder = builder


def is_symbolic(value) -> bool:
    return getattr(value, "_symbolic", False) is True


def any_symbolic(value, depth: int = 0) -> bool:
    """Whether ``value`` is, or holds in lists, tuples or dicts, a symbolic tensor."""
    if is_symbolic(value):
        return True
    if depth > 8:
        return False
    if type(value) in (list, tuple):
        return any(any_symbolic(v, depth + 1) for v in value)
    if type(value) is dict:
        return any(any_symbolic(v, depth + 1) for v in value.values())
    return False


def symbolic_op(fn=None, *, name: str | None = None):
    """Decorate a public op so that a call on symbolic tensors records a graph node.

    ``name`` (default: the function's name) is how the node is saved in a model file and
    looked up again when it is loaded; it must be unique among the public ops.
    """
    if fn is None:
        return functools.partial(symbolic_op, name=name)
    key = name or fn.__name__

    @functools.wraps(fn)
    def op(*args, **kwargs):
        if _builder is not None and (any_symbolic(args) or any_symbolic(kwargs)):
            return _builder(op, args, kwargs)
        return fn(*args, **kwargs)

    op.op_name = key
    _registry.setdefault(key, op)
    return op


def symbolic_members(members: dict, prefix: str, skip=()) -> dict:
    """``members`` with each plain function wrapped by :func:`symbolic_op` (named
    ``prefix + name``), for a namespace of array functions; classes, modules, functions
    wrapped already and the names in ``skip`` are left as they are."""
    out = {}
    for name, value in members.items():
        plain = (callable(value) and not isinstance(value, type) and name not in skip
                 and not hasattr(value, "op_name") and hasattr(value, "__code__"))
        out[name] = symbolic_op(value, name=prefix + name) if plain else value
    return out


def lookup(name: str):
    """The public op registered as ``name``, or None."""
    return _registry.get(name)
