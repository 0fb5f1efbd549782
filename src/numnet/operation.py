"""Keras 3's ``keras.Operation`` (a named computation that works on arrays and on the symbolic
tensors of a functional model) and ``keras.Function`` (a graph of symbolic tensors, callable on
arrays)."""

from __future__ import annotations

from . import naming, tree
from .layers import Lambda, SymbolicTensor
from .models import Model


def _symbolic(value) -> bool:
    return isinstance(value, SymbolicTensor)


class Operation:
    """A computation with a name: subclass it and define ``call``. Called on arrays or
    Tensors it runs ``call``; called on symbolic tensors (``numnet.Input`` and what layers give)
    it adds itself to the functional graph, so a model built on it runs ``call`` on its inputs.

    Args:
        name: the operation's name; None for the class's name in snake case ("my_op",
            "my_op_1", ...). Defaults to ``None``.

    Example:
        >>> class Triple(numnet.Operation):
        ...     def call(self, x):
        ...         return x * 3
        >>> np.asarray(Triple()(np.ones(2, "float32")))
        array([3., 3.], dtype=float32)
        >>> x = numnet.Input((2,))
        >>> numnet.Model(x, Triple()(x)).predict(np.ones((1, 2), "float32"), verbose=0)
        array([[3., 3.]], dtype=float32)
    """

    def __init__(self, name: str | None = None):
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"{type(self).__name__}(name): expected a string without '/', "
                             f"given {name!r}.")
        self.name = name or naming.unique_name(naming.snake_case(type(self).__name__))

    def call(self, *args, **kwargs):
        """The computation; a subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__}: define call(self, ...) with the "
                                  "computation.")

    def __call__(self, *args, **kwargs):
        flat = tree.flatten((args, kwargs))
        if not any(_symbolic(v) for v in flat):
            return self.call(*args, **kwargs)
        return self.symbolic_call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        """Add this operation to the graph of the symbolic tensors among the arguments."""
        flat = tree.flatten((args, kwargs))
        where = [i for i, v in enumerate(flat) if _symbolic(v)]

        def run(tensors):
            tensors = tensors if len(where) > 1 else [tensors]
            values = list(flat)
            for i, tensor in zip(where, tensors, strict=True):
                values[i] = tensor
            call_args, call_kwargs = tree.pack_sequence_as((args, kwargs), values)
            return self.call(*call_args, **call_kwargs)

        symbolic = [flat[i] for i in where]
        return Lambda(run, name=naming.unique_name(self.name))(
            symbolic if len(symbolic) > 1 else symbolic[0])

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        return f"<Operation name={self.name}>"


class Function:
    """The computation from ``inputs`` to ``outputs`` (symbolic tensors, nested as you like),
    as a callable: ``Function(x, y)(array)`` runs the layers and ops between them. Unlike a
    Model it has no training API; it is called with the structure of ``inputs``.

    Args:
        inputs: the ``numnet.Input`` tensors: one, or a list, tuple or dict of them.
        outputs: the symbolic tensors computed from them: one, or a list, tuple or dict.
        name: the function's name; None for "function", "function_1", ... Defaults to
            ``None``.

    Raises:
        ValueError: when called with another structure than ``inputs``'.

    Example:
        >>> x = numnet.Input((3,))
        >>> f = numnet.Function(x, numnet.ops.exp(x) * 2)
        >>> f(np.zeros((1, 3), "float32")).numpy()
        array([[2., 2., 2.]], dtype=float32)
    """

    def __init__(self, inputs, outputs, name: str | None = None):
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = tree.flatten(inputs)
        self.outputs = tree.flatten(outputs)
        for where, tensors in (("inputs", self.inputs), ("outputs", self.outputs)):
            if not tensors or not all(_symbolic(t) for t in tensors):
                raise ValueError(f"Function({where}): expected symbolic tensors (numnet.Input "
                                 f"and what layers and ops give on them), given {tensors!r}.")
        self.name = name or naming.unique_name("function")
        self._model = Model(self.inputs if len(self.inputs) > 1 else self.inputs[0],
                            self.outputs if len(self.outputs) > 1 else self.outputs[0],
                            name=f"{self.name}_graph")

    @property
    def operations(self) -> list:
        """The layers of the graph (the inputs' layers first)."""
        return list(self._model.layers)

    def __call__(self, inputs):
        return self.call(inputs)

    def call(self, inputs):
        """The outputs for ``inputs`` (the structure of the Function's ``inputs``)."""
        try:
            tree.assert_same_structure(self._inputs_struct, inputs)
        except (TypeError, ValueError):
            raise ValueError(f"Function {self.name!r}: called with a structure other than its "
                             f"inputs'; expected {self._inputs_struct!r}, given "
                             f"{type(inputs).__name__}.") from None
        flat = tree.flatten(inputs)
        out = self._model(flat if len(flat) > 1 else flat[0])
        out = list(out) if len(self.outputs) > 1 else [out]
        return tree.pack_sequence_as(self._outputs_struct, out)

    def __repr__(self) -> str:
        return (f"<Function name={self.name}, {len(self.inputs)} inputs, "
                f"{len(self.outputs)} outputs>")


__all__ = ["Function", "Operation"]
