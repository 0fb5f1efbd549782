"""``keras.utils.get_source_inputs``: the Input tensors a symbolic tensor was computed from."""

from __future__ import annotations

from .base import SymbolicTensor


def get_source_inputs(tensor) -> list:
    """The ``Input`` tensors at the start of the graph that gives ``tensor``, each once, in
    the order a depth-first walk of its inputs meets them. Anything that is not a symbolic
    tensor is returned as it is.

    Args:
        tensor: a symbolic tensor (what ``Input`` and layers called on it give).

    Returns:
        A list of the source Input tensors (``[tensor]`` for an Input itself).

    Example:
        >>> a, b = numnet.Input((3,)), numnet.Input((2,))
        >>> y = numnet.layers.Concatenate()([numnet.layers.Dense(2)(a), b])
        >>> numnet.utils.get_source_inputs(y) == [a, b]
        True
    """
    if not isinstance(tensor, SymbolicTensor):
        return tensor
    found, seen, todo = [], set(), [tensor]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.parents:
            todo.extend(reversed(node.parents))
        else:
            found.append(node)
    return found


__all__ = ["get_source_inputs"]
