"""StackedRNNCells: a list of recurrent cells run as one cell, each feeding the next."""

from __future__ import annotations

from .. import backend
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from .base import Layer, snake_case
from .wrappers import deserialize_inner, serialize_inner


def _sizes(cell) -> list:
    size = cell.state_size
    return list(size) if isinstance(size, (list, tuple)) else [size]


def _output_size(cell) -> int:
    size = getattr(cell, "output_size", None)
    return size if size is not None else _sizes(cell)[0]


class _CellsByName(Layer):
    """The list of cells as Keras's weight files see it: each cell under the snake case of its
    class's name, with a counter from the second of a class on (lstm_cell, lstm_cell_1)."""

    def __init__(self, cells):
        super().__init__(name="cells")
        self._cells = list(cells)

    def _held_layers(self) -> list:
        used: dict = {}
        out = []
        for cell in self._cells:
            key = snake_case(type(cell).__name__)
            used[key] = used.get(key, -1) + 1
            out.append((key if used[key] == 0 else f"{key}_{used[key]}", cell))
        return out


class StackedRNNCells(Layer):
    """Cells run one after another within a time step: cell k's output is cell k+1's input,
    and the last cell's output is the step's output. Wrapped in ``RNN`` it makes a deep
    recurrent layer whose every cell sees the whole sequence step by step, as Keras's
    ``RNN(StackedRNNCells([...]))``.

    ``state_size`` lists every cell's states one after another (LSTMCell(3) then GRUCell(2):
    [3, 3, 2]), so ``RNN(..., return_state=True)`` returns the output then each state in that
    order (Keras nests them by cell: [h1, c1], [h2]). ``call(inputs, states)`` takes the states
    flat (that order) or nested by cell, and returns the new ones in the same form.

    Args:
        cells: a list of cells (SimpleRNNCell, LSTMCell, GRUCell or one's own with
            ``state_size`` and ``call(inputs, states)``).
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``.

    Weights: each cell's in order (LSTMCell: kernel, recurrent_kernel, bias), as Keras.

    Raises:
        TypeError: when ``cells`` is not a non-empty list of cells.

    Example:
        >>> cells = [numnet.layers.LSTMCell(8), numnet.layers.GRUCell(4)]
        >>> rnn = numnet.layers.RNN(numnet.layers.StackedRNNCells(cells))
        >>> rnn(np.ones((2, 5, 3), "float32")).shape
        (2, 4)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(cells, (list, tuple)) or not cells:
            raise TypeError(f"StackedRNNCells(cells): expected a non-empty list of cells, "
                            f"given {cells!r}.")
        cells = [deserialize_inner(c, "StackedRNNCells(cells)") if isinstance(c, dict) else c
                 for c in cells]
        for i, cell in enumerate(cells):
            if not (hasattr(cell, "call") and hasattr(cell, "state_size")):
                raise TypeError(
                    f"StackedRNNCells(cells): cell {i} ({cell!r}) is not a recurrent cell; "
                    "expected a layer with state_size and call(inputs, states), such as "
                    "LSTMCell(32).")
        self.cells = list(cells)

    @property
    def state_size(self) -> list:
        return [n for cell in self.cells for n in _sizes(cell)]

    @property
    def output_size(self) -> int:
        return _output_size(self.cells[-1])

    def build(self, input_shape) -> None:
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build(shape)
            shape = (shape[0], _output_size(cell))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_size)

    def _held_layers(self) -> list:
        """[("cells", the cells)]: Keras's weight files keep a cell's weights at
        cells/<snake-case class name>[_<counter>]."""
        return [("cells", _CellsByName(self.cells))]

    def get_initial_state(self, batch_size: int) -> list:
        """Zeros for every state of every cell, flat (``state_size``'s order)."""
        return [Tensor(backend.xp.zeros((batch_size, n), self.compute_dtype))
                for n in self.state_size]

    def _grouped(self, states) -> tuple[list, bool]:
        """(the states by cell, whether they were given flat)."""
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        counts = [len(_sizes(cell)) for cell in self.cells]
        if len(states) == sum(counts) and not any(isinstance(s, (list, tuple)) for s in states):
            groups, start = [], 0
            for n in counts:
                groups.append(states[start:start + n])
                start += n
            return groups, True
        if len(states) != len(self.cells):
            raise ValueError(
                f"{self.name}: expected the states of {len(self.cells)} cells ({sum(counts)} "
                f"arrays flat, or one list a cell), given {len(states)}.")
        return [list(s) if isinstance(s, (list, tuple)) else [s] for s in states], False

    def call(self, inputs, states=None, training: bool = False):
        if states is None:
            states = self.get_initial_state(inputs.shape[0])
        groups, flat = self._grouped(states)
        new_states = []
        for cell, cell_states in zip(self.cells, groups, strict=True):
            inputs, cell_states = cell(inputs, cell_states, training=training)
            cell_states = [ops.as_tensor(s) for s in (
                cell_states if isinstance(cell_states, (list, tuple)) else [cell_states])]
            new_states.append(cell_states)
        if flat:
            return inputs, [s for group in new_states for s in group]
        return inputs, new_states

    def __call__(self, inputs, states=None, training=None, **kwargs):
        return super().__call__(inputs, training=training, states=states, **kwargs)

    def get_config(self):
        return {**super().get_config(),
                "cells": [serialize_inner(cell, f"{self.name}.cells[{i}]")
                          for i, cell in enumerate(self.cells)]}


__all__ = ["StackedRNNCells"]
