"""Nested structures (keras.tree): lists, tuples, namedtuples, dicts and deques of leaves.

A structure is nested when it is a list, tuple (namedtuples included), dict (OrderedDict and
defaultdict included) or collections.deque; everything else, None and arrays included, is a
leaf. Flattening visits a plain dict's values in the order of its sorted keys (as Keras 3), an
OrderedDict's in insertion order, and sequences in order. Plain Python: no array module.
"""

from __future__ import annotations

import collections
from collections.abc import Callable

MAP_TO_NONE = object()
"""Returned by a ``traverse`` function to replace a sub-structure by None."""


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(structure) -> bool:
    """Whether ``structure`` is a list, tuple, dict or deque (not a leaf).

    Args:
        structure: any value.

    Example:
        >>> numnet.tree.is_nested([1, 2]), numnet.tree.is_nested("ab")
        (True, False)
    """
    return isinstance(structure, (list, tuple, dict, collections.deque))


def _keys(d: dict) -> list:
    if isinstance(d, collections.OrderedDict):
        return list(d)
    try:
        return sorted(d)
    except TypeError:  # keys that do not sort (mixed types): by their text, as a fallback
        return sorted(d, key=repr)


def _children(structure) -> list:
    if isinstance(structure, dict):
        return [structure[k] for k in _keys(structure)]
    return list(structure)


def _rebuild(structure, children: list):
    """A structure of ``structure``'s type holding ``children`` (in flattening order)."""
    if isinstance(structure, dict):
        keys = _keys(structure)
        if isinstance(structure, collections.defaultdict):
            out = collections.defaultdict(structure.default_factory)
        else:
            out = type(structure)()
        values = dict(zip(keys, children, strict=True))
        for key in structure:  # the original's key order
            out[key] = values[key]
        return out
    if _is_namedtuple(structure):
        return type(structure)(*children)
    if isinstance(structure, collections.deque):
        return collections.deque(children, maxlen=structure.maxlen)
    return type(structure)(children)


def flatten(structure) -> list:
    """The leaves of ``structure``, depth first, as a list (a leaf gives ``[leaf]``).

    Args:
        structure: a nested structure.

    Example:
        >>> numnet.tree.flatten({"b": 1, "a": [2, (3, None)]})
        [2, 3, None, 1]
    """
    leaves: list = []
    stack = [structure]
    while stack:
        item = stack.pop()
        if is_nested(item):
            stack.extend(reversed(_children(item)))
        else:
            leaves.append(item)
    return leaves


def flatten_with_path(structure) -> list:
    """(path, leaf) pairs in ``flatten``'s order; a path is the tuple of keys and indices
    that reach the leaf.

    Args:
        structure: a nested structure.

    Example:
        >>> numnet.tree.flatten_with_path({"a": [5, 6]})
        [(('a', 0), 5), (('a', 1), 6)]
    """
    out = []

    def walk(item, path):
        if not is_nested(item):
            out.append((path, item))
            return
        keys = _keys(item) if isinstance(item, dict) else range(len(item))
        for key, child in zip(keys, _children(item), strict=True):
            walk(child, path + (key,))

    walk(structure, ())
    return out


def _same(a, b, strict: bool) -> bool:
    if is_nested(a) != is_nested(b):
        return False
    if not is_nested(a):
        return True
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or set(a) != set(b):
            return False
        return all(_same(a[k], b[k], strict) for k in a)
    elif strict and type(a) is not type(b):
        return False
    if len(a) != len(b):
        return False
    return all(_same(x, y, strict) for x, y in zip(_children(a), _children(b), strict=True))


def assert_same_structure(a, b, check_types=None) -> None:
    """A ValueError unless ``a`` and ``b`` nest the same way: at each level the same type
    (any dicts count as one type when their keys are the same; list, tuple, each namedtuple
    and deque are different) and the same length. Leaves may differ.

    Args:
        a, b: nested structures.
        check_types: ignored (deprecated in Keras 3). Defaults to ``None``.

    Raises:
        ValueError: when the structures differ.

    Example:
        >>> numnet.tree.assert_same_structure([(0, 1)], [(2, 3)])
    """
    if not _same(a, b, strict=True):
        raise ValueError(f"assert_same_structure: the two structures do not nest the same way: "
                         f"{a!r} and {b!r}. Compare numnet.tree.flatten_with_path of each.")


def assert_same_paths(a, b) -> None:
    """A ValueError unless ``a`` and ``b`` have the same set of leaf paths (list, tuple and
    deque of the same length match).

    Args:
        a, b: nested structures.

    Raises:
        ValueError: naming the paths found in one and not the other.
    """
    pa = {path for path, _ in flatten_with_path(a)}
    pb = {path for path, _ in flatten_with_path(b)}
    if pa != pb:
        raise ValueError(f"assert_same_paths: paths in a only: {sorted(pa - pb, key=repr)}; "
                         f"paths in b only: {sorted(pb - pa, key=repr)}.")


def map_structure(func: Callable, *structures, none_is_leaf: bool = True):
    """``func`` applied to the leaves at the same place of each structure, in a structure of
    the first's shape.

    Args:
        func: a function of as many arguments as there are structures.
        *structures: structures that nest the same way (``assert_same_structure``).
        none_is_leaf: whether None is a leaf given to ``func`` (else kept as None). Defaults
            to ``True``.

    Raises:
        ValueError: when the structures differ, or none is given.

    Example:
        >>> numnet.tree.map_structure(lambda x, y: x + y, [1, (2, 3)], [10, (20, 30)])
        [11, (22, 33)]
    """
    if not callable(func):
        raise TypeError(f"map_structure(func): expected a callable, given {func!r}.")
    if not structures:
        raise ValueError("map_structure: give at least one structure.")
    for other in structures[1:]:
        assert_same_structure(structures[0], other)

    def apply(*leaves):
        if not none_is_leaf and leaves[0] is None:
            return None
        return func(*leaves)

    flat = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [apply(*leaves) for leaves in zip(*flat,
                                                                             strict=True)])


def map_structure_up_to(shallow_structure, func: Callable, *structures):
    """``func`` applied to the sub-structures of ``structures`` found at the leaves of
    ``shallow_structure`` (deeper parts are passed whole).

    Args:
        shallow_structure: the structure that decides where to stop.
        func: a function of as many arguments as there are structures.
        *structures: structures at least as deep as ``shallow_structure``.

    Example:
        >>> numnet.tree.map_structure_up_to([None, None], len, [[1, 2], (3,)])
        [2, 1]
    """
    def walk(shallow, *items):
        if not is_nested(shallow):
            return func(*items)
        for item in items:
            if not is_nested(item) or len(item) != len(shallow):
                raise ValueError(f"map_structure_up_to: {item!r} does not have the structure "
                                 f"of {shallow!r}.")
        children = [_children(item) for item in items]
        return _rebuild(shallow, [walk(s, *parts) for s, *parts in
                                  zip(_children(shallow), *children, strict=True)])

    return walk(shallow_structure, *structures)


def pack_sequence_as(structure, flat_sequence):
    """``flat_sequence``'s items put back into the shape of ``structure`` (flatten's inverse).

    Args:
        structure: the structure to copy.
        flat_sequence: as many items as ``structure`` has leaves.

    Raises:
        ValueError: when the counts differ.

    Example:
        >>> numnet.tree.pack_sequence_as({"b": 0, "a": [0, 0]}, [1, 2, 3])
        {'b': 3, 'a': [1, 2]}
    """
    flat_sequence = list(flat_sequence)
    count = len(flatten(structure))
    if count != len(flat_sequence):
        raise ValueError(f"pack_sequence_as: the structure has {count} leaves, given "
                         f"{len(flat_sequence)} values.")
    items = iter(flat_sequence)

    def build(item):
        if not is_nested(item):
            return next(items)
        return _rebuild(item, [build(child) for child in _children(item)])

    return build(structure)


def traverse(func: Callable, structure, top_down: bool = True):
    """Visit every sub-structure (the whole, the nested parts and the leaves), depth first.

    Top-down: ``func(sub)`` None goes on into ``sub``; anything else replaces ``sub`` (return
    ``MAP_TO_NONE`` for None) and its children are not visited. Bottom-up: the children
    first, then ``func`` of the rebuilt ``sub``; None keeps it, anything else replaces it.

    Args:
        func: a function of one sub-structure.
        structure: a nested structure.
        top_down: parents before children. Defaults to ``True``.

    Example:
        >>> numnet.tree.traverse(lambda x: 0 if x == [2] else None, [1, [2]])
        [1, 0]
    """
    if not callable(func):
        raise TypeError(f"traverse(func): expected a callable, given {func!r}.")

    def result(value, default):
        if value is None:
            return default
        return None if value is MAP_TO_NONE else value

    def walk(item):
        if top_down:
            value = func(item)
            if value is not None:
                return result(value, item)
            if not is_nested(item):
                return item
            return _rebuild(item, [walk(child) for child in _children(item)])
        rebuilt = (_rebuild(item, [walk(child) for child in _children(item)])
                   if is_nested(item) else item)
        return result(func(rebuilt), rebuilt)

    return walk(structure)


def lists_to_tuples(structure):
    """``structure`` with every list made a tuple, at any depth.

    Args:
        structure: a nested structure.

    Example:
        >>> numnet.tree.lists_to_tuples([1, [2, {"a": [3]}]])
        (1, (2, {'a': (3,)}))
    """
    return traverse(lambda x: tuple(x) if isinstance(x, list) else None, structure,
                    top_down=False)


def _is_shape(x) -> bool:
    return isinstance(x, (list, tuple)) and all(d is None or isinstance(d, int) for d in x)


def map_shape_structure(func: Callable, structure):
    """``func`` applied to each shape (a tuple or list of ints / None) in ``structure``, the
    shapes taken whole as leaves.

    Args:
        func: a function of one shape.
        structure: a nested structure of shapes.

    Example:
        >>> numnet.tree.map_shape_structure(len, {"x": (None, 3), "y": [(2,), (4, 5)]})
        {'x': 2, 'y': [1, 2]}
    """
    def walk(item):
        if _is_shape(item) or not is_nested(item):
            return func(item)
        return _rebuild(item, [walk(child) for child in _children(item)])

    return walk(structure)


__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten",
           "flatten_with_path", "is_nested", "lists_to_tuples", "map_shape_structure",
           "map_structure", "map_structure_up_to", "pack_sequence_as", "traverse"]
