"""numnet.tree (keras.tree): hand-checked structures, and keras.tree itself where installed;
numnet.models.save_model / numnet.saving.save_model write a file that load_model reads."""

from __future__ import annotations

import collections
import os

import numpy as np
import pytest

import numnet
from numnet import tree

Point = collections.namedtuple("Point", ["x", "y"])

STRUCTURES = [
    5, None, "text", [1, 2], (1, [2, (3, None)]), {"b": 1, "a": [2, 3]},
    collections.OrderedDict([("b", 1), ("a", (2, 3))]), Point(1, [2, 3]),
    [{"z": (1,), "y": 2}, [], ()], collections.deque([1, [2]]),
]


def test_flatten_and_pack_by_hand():
    assert tree.flatten({"b": 1, "a": [2, (3, None)]}) == [2, 3, None, 1]
    assert tree.flatten(collections.OrderedDict([("b", 1), ("a", 2)])) == [1, 2]
    assert tree.flatten(None) == [None] and tree.flatten(np.float32(2)) == [2.0]
    packed = tree.pack_sequence_as({"b": 0, "a": [0, 0]}, [1, 2, 3])
    assert packed == {"b": 3, "a": [1, 2]} and list(packed) == ["b", "a"]
    assert tree.pack_sequence_as(Point(0, (0, 0)), "abc") == Point("a", ("b", "c"))
    with pytest.raises(ValueError, match="3 leaves, given 2"):
        tree.pack_sequence_as([0, [0, 0]], [1, 2])
    assert tree.flatten_with_path({"a": [5, {"k": 6}]}) == [(("a", 0), 5), (("a", 1, "k"), 6)]


@pytest.mark.parametrize("structure", STRUCTURES, ids=repr)
def test_flatten_then_pack_gives_the_structure_back(structure):
    again = tree.pack_sequence_as(structure, tree.flatten(structure))
    assert again == structure and type(again) is type(structure)


def test_map_structure_and_up_to():
    assert tree.map_structure(lambda x, y: x + y, [1, (2, 3)], [10, (20, 30)]) == [11, (22, 33)]
    assert tree.map_structure(str, {"a": None}) == {"a": "None"}
    assert tree.map_structure(str, {"a": None}, none_is_leaf=False) == {"a": None}
    with pytest.raises(ValueError, match="nest the same way"):
        tree.map_structure(lambda x, y: x, [1, 2], [1, [2]])
    assert tree.map_structure_up_to([None, None], len, [[1, 2], (3,)]) == [2, 1]


def test_assert_same_structure_and_paths():
    tree.assert_same_structure([(0, 1)], [(2, 3)])
    tree.assert_same_structure({"a": 1, "b": [2]}, collections.OrderedDict(b=[5], a=6))
    for a, b in (([1, 2], (1, 2)), ([1, 2], [1, [2]]), ({"a": 1}, {"b": 1}), ([1], [1, 2])):
        with pytest.raises(ValueError):
            tree.assert_same_structure(a, b)
    tree.assert_same_paths([1, 2], (3, 4))  # list and tuple have the same paths
    with pytest.raises(ValueError, match="a only"):
        tree.assert_same_paths({"a": 1}, {"b": 1})


def test_traverse_top_down_and_bottom_up():
    seen = []
    assert tree.traverse(seen.append, [(1, 2), [3], {"a": 4}]) == [(1, 2), [3], {"a": 4}]
    assert seen == [[(1, 2), [3], {"a": 4}], (1, 2), 1, 2, [3], 3, {"a": 4}, 4]
    seen = []
    tree.traverse(seen.append, [(1, 2), [3]], top_down=False)
    assert seen == [1, 2, (1, 2), 3, [3], [(1, 2), [3]]]
    assert tree.traverse(lambda x: 0 if x == [2] else None, [1, [2]]) == [1, 0]
    assert tree.traverse(lambda x: tree.MAP_TO_NONE if x == 1 else None, [1, 2]) == [None, 2]
    assert tree.lists_to_tuples([1, [2, {"a": [3]}]]) == (1, (2, {"a": (3,)}))
    assert tree.map_shape_structure(len, {"x": (None, 3), "y": [(2,), (4, 5)]}) == \
        {"x": 2, "y": [1, 2]}
    assert not tree.is_nested("ab") and not tree.is_nested(np.ones(2)) and tree.is_nested(())


def test_numnet_exports_tree():
    assert numnet.tree is tree and "tree" in numnet.__all__


@pytest.mark.parametrize("structure", STRUCTURES, ids=repr)
def test_against_keras_tree(structure):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    assert tree.flatten(structure) == keras.tree.flatten(structure)
    assert tree.is_nested(structure) == keras.tree.is_nested(structure)
    flat = list(range(len(tree.flatten(structure))))
    assert tree.pack_sequence_as(structure, flat) == \
        keras.tree.pack_sequence_as(structure, flat)
    if not isinstance(structure, (collections.deque, str)):
        assert tree.lists_to_tuples(structure) == keras.tree.lists_to_tuples(structure)


def test_save_model_from_models_and_saving(tmp_path):
    model = numnet.Sequential([numnet.layers.Input((3,)), numnet.layers.Dense(2)])
    x = np.arange(6, dtype="float32").reshape(2, 3)
    for i, save in enumerate((numnet.models.save_model, numnet.saving.save_model)):
        path = str(tmp_path / f"m{i}.numnet")
        save(model, path, overwrite=True)
        np.testing.assert_array_equal(numnet.models.load_model(path).predict(x, verbose=0),
                                      model.predict(x, verbose=0))
