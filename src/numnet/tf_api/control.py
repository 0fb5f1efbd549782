"""TensorFlow's control flow and graph idioms, run eagerly: tf.cond, tf.while_loop, tf.map_fn,
tf.scan, tf.custom_gradient, tf.name_scope, tf.TensorShape, tf.Module, tf.py_function, ...

numnet runs every op as it is called, so TensorFlow's graph constructs become what they mean
eagerly: ``tf.cond`` calls the branch its predicate picks, ``tf.while_loop`` is a Python loop,
``tf.map_fn`` calls the function on each row and stacks the results. Gradients flow through
them because every op they run records itself on numnet's tape.

    i, total = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i), (0, 0))
    squares = tf.map_fn(lambda row: row * row, tf.constant([[1.0, 2.0], [3.0, 4.0]]))

Why one file: these are small wrappers over Python's own control flow, each a few lines.
"""

from __future__ import annotations

import builtins
import contextlib
import enum
import functools
import inspect
import re
import time

import numpy as np

from .. import backend, scopes
from ..autodiff import Tensor, Variable
from ..autodiff import ops as _ops
from ..autodiff import tensor as _tensor
from .base import plain, to_tensor
from .errors import InvalidArgumentError

# ----------------------------------------------------------------------------- branches


def _truth(pred) -> bool:
    value = getattr(pred, "value", pred)
    if np.size(backend.to_numpy(value) if hasattr(value, "shape") else value) != 1:
        raise ValueError(f"a predicate must be a scalar boolean; given shape "
                         f"{np.shape(backend.to_numpy(value))}.")
    return builtins.bool(np.asarray(backend.to_numpy(value)).reshape(()))


def cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()`` if ``pred`` is true, else ``false_fn()`` (only the branch taken runs).

    Args:
        pred: a scalar boolean (Tensor or Python bool).
        true_fn: a callable of no arguments. Defaults to ``None``.
        false_fn: a callable of no arguments. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Raises:
        TypeError: a branch is missing or not callable.

    Example:
        >>> float(numnet.cond(numnet.constant(2.0) > 1, lambda: 10.0, lambda: 20.0))
        10.0
    """
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("cond(pred, true_fn, false_fn): both branches must be callables of no "
                        "arguments, e.g. tf.cond(x > 0, lambda: x, lambda: -x).")
    return true_fn() if _truth(pred) else false_fn()


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The result of the callable paired with the first true predicate (``default()`` when
    none is). ``exclusive``: raise when more than one predicate is true.

    Args:
        pred_fn_pairs: a list of (predicate, callable) pairs (or a dict).
        default: a callable for when no predicate holds. Defaults to ``None``.
        exclusive: check that at most one predicate holds. Defaults to ``False``.
        strict: accepted as TensorFlow's. Defaults to ``False``.
        name: ignored. Defaults to ``"case"``.

    Example:
        >>> x = numnet.constant(3)
        >>> int(numnet.case([(x < 2, lambda: 0), (x < 5, lambda: 1)], default=lambda: 2))
        1
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(
        pred_fn_pairs)
    chosen = [fn for pred, fn in pairs if _truth(pred)]
    if exclusive and len(chosen) > 1:
        raise InvalidArgumentError(None, None, f"case(exclusive=True): {len(chosen)} "
                                               "predicates are true; at most one may be.")
    if chosen:
        return chosen[0]()
    if default is None:
        if not pairs:
            raise ValueError("case: give at least one (predicate, callable) pair or a "
                             "default.")
        return pairs[-1][1]()  # TensorFlow: the last branch stands in for a missing default
    return default()


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """``branch_fns[branch_index]()``; an index out of range runs ``default`` (or the last
    branch, as TensorFlow).

    Args:
        branch_index: a scalar integer.
        branch_fns: a list of callables, or a dict from int to callable.
        default: the callable for an index with no branch. Defaults to ``None``.
        name: ignored. Defaults to ``"switch_case"``.

    Example:
        >>> int(numnet.switch_case(1, [lambda: 10, lambda: 11]))
        11
    """
    index = int(np.asarray(plain(branch_index)).reshape(()))
    fns = dict(branch_fns) if isinstance(branch_fns, dict) else dict(enumerate(branch_fns))
    if index in fns:
        return fns[index]()
    if default is not None:
        return default()
    return fns[max(fns)]()


# ----------------------------------------------------------------------------- loops


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` is true (at most
    ``maximum_iterations`` times); returns the final loop variables in the structure given.
    A Python loop here: gradients flow through every iteration.

    Args:
        cond: a callable of the loop variables returning a scalar boolean.
        body: a callable of the loop variables returning their next values (same structure).
        loop_vars: a Tensor, or a tuple / list of them (nested structures allowed).
        shape_invariants: accepted as TensorFlow's. Defaults to ``None``.
        parallel_iterations: accepted as TensorFlow's. Defaults to ``10``.
        back_prop: accepted as TensorFlow's. Defaults to ``True``.
        swap_memory: accepted as TensorFlow's. Defaults to ``False``.
        maximum_iterations: the most iterations, or None. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> i, total = numnet.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i),
        ...                              (0, 0))
        >>> int(i), int(total)
        (5, 10)
    """
    single = not isinstance(loop_vars, (list, builtins.tuple))
    values = [loop_vars] if single else list(loop_vars)
    count = 0
    while maximum_iterations is None or count < int(plain(maximum_iterations)):
        if not _truth(cond(*values)):
            break
        out = body(*values)
        if single:
            values = [out[0] if isinstance(out, (list, builtins.tuple)) and len(out) == 1
                      else out]
        else:
            if not isinstance(out, (list, builtins.tuple)):
                out = [out]
            if len(out) != len(values):
                raise ValueError(f"while_loop(body): it must return as many loop variables "
                                 f"as it takes ({len(values)}); it returned {len(out)}.")
            values = list(out)
        count += 1
    values = [to_tensor(v) if isinstance(v, (int, float, np.ndarray, np.generic)) else v
              for v in values]
    if single:
        return values[0]
    return type(loop_vars)(values) if not hasattr(loop_vars, "_fields") else type(loop_vars)(
        *values)


def _flatten(structure) -> list:
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flatten(structure[key])]
    if isinstance(structure, (list, builtins.tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _pack(structure, leaves):
    leaves = iter(leaves)

    def build(s):
        if isinstance(s, dict):
            return {key: build(s[key]) for key in sorted(s)}
        if isinstance(s, (list, builtins.tuple)):
            items = [build(item) for item in s]
            if hasattr(s, "_fields"):
                return type(s)(*items)
            return type(s)(items)
        return next(leaves)

    return build(structure)


def _one_tensor(value) -> Tensor:
    """A TensorArray's ``value``: one Tensor (a list of numbers or Tensors stacked, as
    TensorFlow's convert_to_tensor does; the gradient reaches the Tensors)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, builtins.tuple)) and any(isinstance(v, Tensor) for v in value):
        return _ops.stack([_one_tensor(v) for v in value], axis=0)
    return to_tensor(value)


def _rows(elems, reverse=False):
    """The rows of each leaf of ``elems`` (unstacked along axis 0), one structure a row."""
    leaves = [to_tensor(leaf) for leaf in _flatten(elems)]
    if not leaves:
        raise ValueError("elems: expected at least one Tensor.")
    n = leaves[0].shape[0] if leaves[0].ndim else None
    if n is None or any(leaf.ndim == 0 or leaf.shape[0] != n for leaf in leaves):
        raise ValueError("elems: every Tensor must have the same first axis to map over; "
                         f"given shapes {[leaf.shape for leaf in leaves]}.")
    parts = [_ops.unstack(leaf, 0) if leaf.dtype.kind in "fc" else
             [Tensor(v) for v in leaf.value] for leaf in leaves]
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        yield _pack(elems, [p[i] for p in parts])


def _stack(results):
    """One structure of stacked Tensors from a list of results of one structure."""
    first = results[0]
    columns = list(zip(*[_flatten(r) for r in results]))
    stacked = []
    for column in columns:
        tensors = [to_tensor(c) for c in column]
        if all(t.dtype.kind in "fc" for t in tensors):
            stacked.append(_ops.stack(tensors, axis=0))
        else:
            stacked.append(Tensor(backend.xp.stack([t.value for t in tensors])))
    return _pack(first, stacked)


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """``fn`` applied to each row of ``elems`` (a Tensor or a nested structure of Tensors of
    one first axis), the results stacked along a new first axis.

    Args:
        fn: a callable of one row (of the same structure as elems).
        elems: a Tensor or nested structure of Tensors.
        dtype: accepted as TensorFlow 1's. Defaults to ``None``.
        parallel_iterations: accepted as TensorFlow's. Defaults to ``None``.
        back_prop: accepted as TensorFlow's. Defaults to ``True``.
        swap_memory: accepted as TensorFlow's. Defaults to ``False``.
        infer_shape: accepted as TensorFlow's. Defaults to ``True``.
        name: ignored. Defaults to ``None``.
        fn_output_signature: the results' structure is read from them; a
            ``tf.RaggedTensorSpec`` (or RaggedTensor results) stacks them into a RaggedTensor,
            so rows may differ in length, as TensorFlow's. Defaults to ``None``.

    Example:
        >>> numnet.map_fn(lambda r: r * r, numnet.constant([[1.0, 2.0], [3.0, 4.0]])).tolist()
        [[1.0, 4.0], [9.0, 16.0]]
    """
    from . import sparse as _sparse

    if isinstance(elems, _sparse.SparseTensor):  # TensorFlow's rows of a SparseTensor
        rows = [_sparse_row(elems, i, _sparse) for i in range(int(elems.shape[0]))]
    else:
        rows = list(_rows(elems))
    results = [fn(row) for row in rows]
    if not results:
        raise ValueError("map_fn(elems): nothing to map over (the first axis has size 0).")
    if all(isinstance(r, _sparse.SparseTensor) for r in results):
        return _sparse_stack(results, _sparse)

    ragged = _RAGGED.get("types")  # set when tf_api.ragged loads (RaggedTensor, its Spec)
    if ragged and (isinstance(fn_output_signature, ragged[1]) or (
            all(isinstance(r, (Tensor, ragged[0])) for r in results)
            and any(isinstance(r, ragged[0]) for r in results))):
        # TensorFlow's ragged results: rows of different lengths, one RaggedTensor
        rows = [r if isinstance(r, ragged[0]) else to_tensor(r) for r in results]
        return _RAGGED["stack"](rows, axis=0)
    return _stack(results)


# tf_api.ragged fills this when it loads (it imports this module, so this one does not
# import it): {"types": (RaggedTensor, RaggedTensorSpec), "stack": ragged.stack}
_RAGGED: dict = {}


def _sparse_row(sp, i: int, _sparse):
    """Row ``i`` of a SparseTensor, a SparseTensor of dense shape sp.shape[1:]."""
    idx = np.asarray(backend.to_numpy(sp.indices.value))
    keep = idx[:, 0] == i
    values = _ops.getitem(sp.values, backend.to_device(np.nonzero(keep)[0])) if \
        sp.values.dtype.kind in "fc" else Tensor(sp.values.value[backend.to_device(keep)])
    return _sparse.SparseTensor(idx[keep][:, 1:], values, list(sp.shape)[1:])


def _sparse_stack(parts: list, _sparse):
    """SparseTensors stacked along a new first axis (dense shape: the largest of each axis)."""
    rank = len(parts[0].shape)
    shape = [len(parts)] + [max(int(p.shape[a]) for p in parts) for a in range(rank)]
    indices = [np.concatenate([np.full((p.indices.shape[0], 1), i, dtype=np.int64),
                               np.asarray(backend.to_numpy(p.indices.value))], axis=1)
               for i, p in enumerate(parts)]
    values = [p.values for p in parts]
    joined = _ops.concatenate(values, axis=0) if all(v.dtype.kind in "fc" for v in values) \
        else Tensor(backend.xp.concatenate([v.value for v in values]))
    return _sparse.SparseTensor(np.concatenate(indices, axis=0), joined, shape)


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """As ``map_fn``: ``fn`` on each row of ``elems``, results stacked (one call per row).

    Args:
        fn: a callable of one row.
        elems: a Tensor or nested structure of Tensors.
        fallback_to_while_loop: accepted as TensorFlow's. Defaults to ``True``.
        warn: accepted as TensorFlow's. Defaults to ``True``.

    Example:
        >>> numnet.vectorized_map(lambda r: numnet.reduce_sum(r), numnet.ones((3, 2))).tolist()
        [2.0, 2.0, 2.0]
    """
    return map_fn(fn, elems)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """Running ``a = fn(a, row)`` over the rows of ``elems``, all values of ``a`` stacked.
    Without ``initializer`` the first row starts it (and is the first output).

    Args:
        fn: a callable (accumulator, row) -> accumulator.
        elems: a Tensor or nested structure of Tensors.
        initializer: the first accumulator, or None. Defaults to ``None``.
        parallel_iterations: accepted as TensorFlow's. Defaults to ``10``.
        back_prop: accepted as TensorFlow's. Defaults to ``True``.
        swap_memory: accepted as TensorFlow's. Defaults to ``False``.
        infer_shape: accepted as TensorFlow's. Defaults to ``True``.
        reverse: scan from the last row. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.scan(lambda a, x: a + x, numnet.constant([1, 2, 3, 4])).tolist()
        [1, 3, 6, 10]
    """
    rows = list(_rows(elems, reverse))
    if initializer is None:
        acc, rows, outputs = rows[0], rows[1:], [rows[0]]
    else:
        acc, outputs = initializer, []
    for row in rows:
        acc = fn(acc, row)
        outputs.append(acc)
    if not outputs:
        raise ValueError("scan(elems): nothing to scan (the first axis has size 0).")
    if reverse:
        outputs = outputs[::-1]
    return _stack(outputs)


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """``a = fn(a, row)`` over the rows of ``elems`` from the first; returns the last ``a``.

    Args:
        fn: a callable (accumulator, row) -> accumulator.
        elems: a Tensor or nested structure of Tensors.
        initializer: the first accumulator; None for the first row. Defaults to ``None``.
        parallel_iterations: accepted as TensorFlow's. Defaults to ``10``.
        back_prop: accepted as TensorFlow's. Defaults to ``True``.
        swap_memory: accepted as TensorFlow's. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> int(numnet.foldl(lambda a, x: a * 10 + x, numnet.constant([1, 2, 3])))
        123
    """
    rows = list(_rows(elems))
    acc = rows.pop(0) if initializer is None else initializer
    for row in rows:
        acc = fn(acc, row)
    return acc


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """``a = fn(a, row)`` over the rows of ``elems`` from the last; returns the last ``a``.

    Args:
        fn: a callable (accumulator, row) -> accumulator.
        elems: a Tensor or nested structure of Tensors.
        initializer: the first accumulator; None for the last row. Defaults to ``None``.
        parallel_iterations: accepted as TensorFlow's. Defaults to ``10``.
        back_prop: accepted as TensorFlow's. Defaults to ``True``.
        swap_memory: accepted as TensorFlow's. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> int(numnet.foldr(lambda a, x: a * 10 + x, numnet.constant([1, 2, 3])))
        321
    """
    rows = list(_rows(elems, reverse=True))
    acc = rows.pop(0) if initializer is None else initializer
    for row in rows:
        acc = fn(acc, row)
    return acc


# ----------------------------------------------------------------------------- gradients


def _variables_of(outputs, inputs) -> list:
    """The trainable Variables the recorded graph of ``outputs`` reads, other than
    ``inputs``, in a fixed order (first seen first)."""
    seen, found = {id(t) for t in inputs}, []
    stack = list(outputs)
    visited = set()
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, Variable) and node.requires_grad and id(node) not in seen:
            seen.add(id(node))
            found.append(node)
        stack.extend(node.parents)
    found.sort(key=lambda v: v.uid)
    return found


def custom_gradient(f=None):
    """Give a function your own gradient: ``f(*x)`` returns ``(y, grad_fn)`` and
    ``grad_fn(upstream)`` the gradient of each input (one per positional argument, None for
    none) given the gradient of y. When f reads Variables that are not its arguments,
    ``grad_fn(upstream, variables=None)`` returns ``(input_grads, variable_grads)``.
    The ops inside f do not record: the gradient is what grad_fn says.

    Args:
        f: the function to decorate (also usable as ``@tf.custom_gradient``). Defaults to
            ``None``.

    Example:
        >>> @numnet.custom_gradient
        ... def clip_grad(x):
        ...     def grad(upstream):
        ...         return numnet.clip_by_value(upstream, -1.0, 1.0)
        ...     return numnet.identity(x), grad
        >>> v = numnet.Variable([1.0])
        >>> with numnet.GradientTape() as tape:
        ...     y = clip_grad(v) * 5.0
        >>> tape.gradient(y, v).tolist()
        [1.0]
    """
    if f is None:
        return custom_gradient

    def wrapped(*args, **kwargs):
        inputs = [a for a in args if isinstance(a, Tensor)]
        result, grad_fn = f(*args, **kwargs)
        outputs = _flatten(result)
        if not all(isinstance(o, Tensor) for o in outputs):
            outputs = [to_tensor(o) for o in outputs]
            result = _pack(result, outputs)
        takes_variables = "variables" in inspect.signature(grad_fn).parameters or any(
            p.kind is p.VAR_KEYWORD for p in inspect.signature(grad_fn).parameters.values())
        variables = _variables_of(outputs, inputs) if takes_variables else []
        parents = builtins.tuple(inputs) + builtins.tuple(variables)
        if not (_tensor.grad_enabled() and any(p.requires_grad for p in parents)):
            return _pack(result, [Tensor(o.value) for o in outputs])
        upstream = [None] * len(outputs)
        joint = Tensor(backend.xp.zeros((), dtype=np.float32), parents, None, True)

        def joint_backward(_):
            grads_up = [Tensor(g if g is not None else backend.xp.zeros_like(o.value))
                        for g, o in zip(upstream, outputs)]
            with _tensor.no_grad():
                if variables:
                    got = grad_fn(*grads_up, variables=variables)
                    input_grads, variable_grads = got
                else:
                    input_grads, variable_grads = grad_fn(*grads_up), []
            input_grads = _flatten(input_grads) if isinstance(
                input_grads, (list, builtins.tuple)) else [input_grads]
            if len(input_grads) == len(args) != len(inputs):  # one per argument given
                input_grads = [g for g, a in zip(input_grads, args) if isinstance(a, Tensor)]
            if len(input_grads) != len(inputs):
                raise ValueError(f"custom_gradient: grad_fn returned {len(input_grads)} "
                                 f"gradients for {len(inputs)} Tensor inputs.")
            for t, g in zip(builtins.tuple(inputs) + builtins.tuple(variables),
                            list(input_grads) + list(variable_grads or [])):
                if g is not None:
                    g = backend.xp.asarray(getattr(g, "value", g), dtype=t.dtype)
                    _ops.accumulate(t, backend.xp.broadcast_to(g, t.shape).copy())
            upstream[:] = [None] * len(outputs)

        joint.backward_fn = joint_backward
        new_outputs = []
        for k, o in enumerate(outputs):
            def backward(g, k=k):
                upstream[k] = g if upstream[k] is None else upstream[k] + g
                _ops.accumulate(joint, backend.xp.zeros((), dtype=np.float32))

            new_outputs.append(Tensor(o.value, (joint,), backward, True))
        return _pack(result, new_outputs)

    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = getattr(f, "__doc__", None)
    return wrapped


def grad_pass_through(f):
    """``f`` in the forward pass, the identity in the backward (a straight-through
    estimator): the gradient of ``f(x)`` is taken as that of x.

    Args:
        f: a function of one Tensor.

    Example:
        >>> v = numnet.Variable([0.3])
        >>> with numnet.GradientTape() as tape:
        ...     y = numnet.grad_pass_through(numnet.round)(v) * 2.0
        >>> tape.gradient(y, v).tolist()
        [2.0]
    """
    def wrapped(x):
        x = to_tensor(x)
        with _tensor.no_grad():
            y = to_tensor(f(x))
        return _ops.node(y.value, (x,), lambda g: _ops.accumulate(
            x, backend.xp.broadcast_to(g, x.shape).astype(x.dtype)))

    return wrapped


def recompute_grad(f):
    """``f`` unchanged: numnet keeps the forward's values for the backward (TensorFlow's
    recomputation saves memory, not results).

    Args:
        f: the function.

    Example:
        >>> numnet.recompute_grad(abs)(-2)
        2
    """
    return f


def no_gradient(op_type) -> None:
    """Accepted for TensorFlow programs; numnet has no registry of graph ops to mark (an op
    written with numpy values records no gradient anyway).

    Args:
        op_type: the op's name.

    Example:
        >>> numnet.no_gradient("MyOp")
    """


class RegisterGradient:
    """``@tf.RegisterGradient("OpName")``: accepted, the function returned unchanged; numnet
    has no graph ops to attach it to. Use ``tf.custom_gradient`` to give a function its own
    gradient.

    Args:
        op_type: the op's name.

    Example:
        >>> @numnet.RegisterGradient("MyOp")
        ... def _grad(op, grad):
        ...     return grad
    """

    def __init__(self, op_type):
        self._op_type = op_type

    def __call__(self, f):
        return f


def gradients(ys, xs, grad_ys=None, name="gradients", gate_gradients=False,
              aggregation_method=None, stop_gradients=None, unconnected_gradients="none"):
    """d sum(ys) / d x for each x of ``xs`` (a list), read from numnet's tape: the xs must be
    Variables or Tensors a GradientTape watched when ys were computed. None for an x that
    ys do not depend on (zeros with ``unconnected_gradients="zero"``).

    Args:
        ys: a Tensor or list of Tensors.
        xs: a Tensor or list of Tensors.
        grad_ys: the gradients to start from (one per y), or None for ones. Defaults to
            ``None``.
        name: ignored. Defaults to ``"gradients"``.
        gate_gradients: accepted as TensorFlow's. Defaults to ``False``.
        aggregation_method: accepted as TensorFlow's. Defaults to ``None``.
        stop_gradients: accepted as TensorFlow's. Defaults to ``None``.
        unconnected_gradients: "none" or "zero". Defaults to ``"none"``.

    Example:
        >>> v = numnet.Variable([3.0])
        >>> numnet.gradients(v * v, [v])[0].tolist()
        [6.0]
    """
    from ..autodiff.tape import GradientTape

    xs_list = list(xs) if isinstance(xs, (list, builtins.tuple)) else [xs]
    tape = GradientTape()
    return tape.gradient(ys, xs_list, output_gradients=grad_ys,
                         unconnected_gradients=str(getattr(unconnected_gradients, "value",
                                                           unconnected_gradients)))


class UnconnectedGradients(str, enum.Enum):
    """What a gradient is for a source the target does not depend on: NONE or ZERO (each
    equal to its string, "none" / "zero", so either form works wherever one is taken)."""

    NONE = "none"
    ZERO = "zero"


class AggregationMethod:
    """TensorFlow's ways of adding gradients; numnet adds them one way (accepted)."""

    ADD_N = 0
    DEFAULT = 0
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


# ----------------------------------------------------------------------------- graph idioms

def get_current_name_scope() -> str:
    """The path of the open name scopes ("outer/inner"; "" outside any). ``tf.name_scope``
    is Keras's ``numnet.name_scope``, which also prefixes the paths of new Variables.

    Example:
        >>> with numnet.name_scope("outer"):
        ...     numnet.get_current_name_scope()
        'outer'
    """
    return scopes.current_path()


@contextlib.contextmanager
def control_dependencies(control_inputs):
    """``with tf.control_dependencies([op]):`` runs its block as it is: numnet runs every op
    in order, so the dependencies hold already.

    Args:
        control_inputs: Tensors or operations (or None).

    Example:
        >>> with numnet.control_dependencies([numnet.no_op()]):
        ...     y = numnet.constant(1.0)
    """
    yield


@contextlib.contextmanager
def init_scope():
    """``with tf.init_scope():`` runs its block as it is (numnet is always eager).

    Example:
        >>> with numnet.init_scope():
        ...     v = numnet.Variable(1.0)
    """
    yield


def group(*inputs, **kwargs) -> None:
    """None: the ops given have run already (numnet is eager), as tf.group returns eagerly.

    Args:
        *inputs: Tensors or operations.
        **kwargs: ``name``, accepted.

    Example:
        >>> numnet.group(numnet.constant(1.0)) is None
        True
    """
    return None


def no_op(name=None) -> None:
    """None: an operation that does nothing (eagerly, TensorFlow returns None too).

    Args:
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.no_op() is None
        True
    """
    return None


def tuple(tensors, control_inputs=None, name=None) -> list:  # noqa: A001
    """The Tensors given, as a list (their values are computed already).

    Args:
        tensors: a list of Tensors.
        control_inputs: accepted as TensorFlow's. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> len(numnet.tuple([numnet.constant(1.0), numnet.constant(2.0)]))
        2
    """
    return list(tensors)


def timestamp(name=None) -> Tensor:
    """The time now in seconds since the epoch, a float64 scalar.

    Args:
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.timestamp()) > 0
        True
    """
    return Tensor(backend.xp.asarray(time.time(), dtype=np.float64))


def _decorator(wrap, where, **kwargs):
    """``@tf.py_function(Tout=...)`` / ``@tf.numpy_function(Tout=...)``: a decorator whose
    function, called with its arguments, runs through ``wrap(func, args, **kwargs)``."""
    if "Tout" not in kwargs or kwargs["Tout"] is _MISSING:
        raise TypeError(f"{where}(Tout): expected the result's dtype (e.g. "
                        f"@tf.{where}(Tout=tf.float32)), given none.")

    def decorate(func):
        @functools.wraps(func)
        def call(*args):
            return wrap(func, list(args), **kwargs)
        return call
    return decorate


_MISSING = object()


def py_function(func=None, inp=None, Tout=_MISSING, name=None):  # noqa: N803 - TensorFlow's name
    """``func(*inp)`` called now, its results as Tensors of ``Tout`` (a dtype or a list of
    them; None when func returns nothing). func gets Tensors, so ops it runs record their
    gradients as any other. Without ``func`` it is a decorator, as TensorFlow's
    (``@tf.py_function(Tout=tf.float32)``).

    Args:
        func: a Python function of Tensors. Defaults to ``None`` (a decorator).
        inp: the list of its arguments.
        Tout: the dtype of the result, or a list of dtypes for several, or None. An empty
            list or tuple for a function run for its effect: the result is ``[]``.
        name: ignored. Defaults to ``None``.

    Raises:
        ValueError: func returns another number of results than ``Tout`` lists.
        TypeError: no ``Tout``.

    Example:
        >>> numnet.py_function(lambda x: x * 2.0, [numnet.constant(3.0)], numnet.float32
        ...                    ).numpy()
        np.float32(6.0)
        >>> @numnet.py_function(Tout=numnet.float32)
        ... def twice(x):
        ...     return x * 2.0
        >>> twice(numnet.constant(3.0)).numpy()
        np.float32(6.0)
    """
    if func is None:
        return _decorator(py_function, "py_function", Tout=Tout)
    if Tout is _MISSING:
        raise TypeError("py_function(Tout): expected the result's dtype (e.g. tf.float32), "
                        "a list of them, or None; given none.")
    args = [a if isinstance(a, Tensor) else to_tensor(a) for a in (inp or [])]
    out = func(*args)
    return _results(out, Tout)


def numpy_function(func=None, inp=None, Tout=_MISSING, stateful=True, name=None):  # noqa: N803
    """``func(*arrays)`` called now on NumPy arrays (no gradient), its results as Tensors of
    ``Tout``. Without ``func`` it is a decorator, as TensorFlow's
    (``@tf.numpy_function(Tout=tf.int32)``).

    Args:
        func: a function of NumPy arrays. Defaults to ``None`` (a decorator).
        inp: the list of its arguments.
        Tout: the dtype of the result, or a list of them, or None.
        stateful: accepted as TensorFlow's. Defaults to ``True``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.numpy_function(lambda a: a + 1, [[1, 2]], numnet.int32).tolist()
        [2, 3]
    """
    if func is None:
        return _decorator(numpy_function, "numpy_function", Tout=Tout, stateful=stateful)
    if Tout is _MISSING:
        raise TypeError("numpy_function(Tout): expected the result's dtype (e.g. tf.int32), "
                        "a list of them, or None; given none.")
    # a Tensor gives its array; a Python or NumPy value is np.asarray's, as TensorFlow's
    # (1.0 arrives as float64, [1, 2] as int64)
    args = [np.asarray(backend.to_numpy(a.value)) if isinstance(a, Tensor) else
            np.asarray(a) for a in (inp or [])]
    return _results(func(*args), Tout, nothing=None)


def _results(out, tout, nothing=()):
    if tout is None:
        return None
    if isinstance(tout, (list, builtins.tuple)):
        if not tout and out is None:  # a function run for its effect, Tout=[] or ()
            return list(nothing) if nothing is not None else None
        if out is None:
            raise ValueError(f"Tout lists {len(tout)} results, the function returned none; "
                             "return them, or give Tout=[] for a function run for its "
                             "effect.")
        outs = list(out) if isinstance(out, (list, builtins.tuple)) else [out]
        if len(outs) != len(tout):
            raise ValueError(f"Tout lists {len(tout)} results, the function returned "
                             f"{len(outs)}.")
        return [_as(o, t) for o, t in zip(outs, tout)]
    return _as(out, tout)


def _as(value, dtype) -> Tensor:
    dtype = np.dtype(dtype)
    if isinstance(value, Tensor):
        return value if value.dtype == dtype else _ops.cast(value, dtype)
    array = np.asarray(value)
    if array.dtype.kind == "S":  # Python bytes: NumPy's "S" would drop their trailing NULs
        array = np.array(value, dtype=object)
    return Tensor(backend.to_device(array.astype(dtype)))


# ----------------------------------------------------------------------------- TensorShape


class TensorShape:
    """A shape whose sizes may be unknown (None), as ``tf.TensorShape``: ``as_list()``,
    ``rank``, indexing, ``is_compatible_with``, ``merge_with``, ``concatenate``.

    Args:
        dims: a list of ints and Nones, another TensorShape, or None (unknown rank).

    Example:
        >>> s = numnet.TensorShape([None, 28, 28])
        >>> s.rank, s[1:].as_list(), s.is_compatible_with([32, 28, 28])
        (3, [28, 28], True)
    """

    def __init__(self, dims):
        if isinstance(dims, TensorShape):
            dims = dims.dims
        elif dims is not None:
            dims = plain(dims)
            dims = [dims] if isinstance(dims, int) else dims
            dims = [None if d is None else int(plain(d)) for d in dims]
        self._dims = None if dims is None else [None if d is None else int(d) for d in dims]

    @property
    def dims(self):
        """The sizes, a list (None for an unknown rank)."""
        return None if self._dims is None else list(self._dims)

    @property
    def rank(self):
        """The number of axes, or None when unknown."""
        return None if self._dims is None else len(self._dims)

    ndims = rank

    def as_list(self) -> list:
        """The sizes as a list of ints and Nones. Raises ValueError for an unknown rank."""
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of a shape with unknown rank.")
        return len(self._dims)

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self._dims)

    def __getitem__(self, key):
        if self._dims is None:
            return None if isinstance(key, int) else TensorShape(None)
        if isinstance(key, builtins.slice):
            return TensorShape(self._dims[key])
        return self._dims[key]

    def __bool__(self) -> bool:
        return self._dims is not None

    def is_fully_defined(self) -> bool:
        """Whether every size is known."""
        return self._dims is not None and all(d is not None for d in self._dims)

    def num_elements(self):
        """The product of the sizes, or None when some are unknown."""
        return int(np.prod(self._dims, dtype=np.int64)) if self.is_fully_defined() else None

    def is_compatible_with(self, other) -> bool:
        """Whether the shapes could be the same: equal ranks, and sizes equal where both are
        known (an unknown rank fits anything)."""
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        return len(self._dims) == len(other._dims) and all(
            a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

    def assert_is_compatible_with(self, other) -> None:
        """Raise ValueError unless ``is_compatible_with(other)``."""
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {as_shape(other)} are incompatible")

    def merge_with(self, other) -> TensorShape:
        """The shape with the sizes known in either (ValueError when they differ)."""
        other = as_shape(other)
        self.assert_is_compatible_with(other)
        if self._dims is None:
            return TensorShape(other._dims)
        if other._dims is None:
            return TensorShape(self._dims)
        return TensorShape([a if a is not None else b for a, b in zip(self._dims,
                                                                       other._dims)])

    def most_specific_compatible_shape(self, other) -> TensorShape:
        """The shape keeping only the sizes both know and agree on."""
        other = as_shape(other)
        if self._dims is None or other._dims is None or len(self._dims) != len(other._dims):
            return TensorShape(None)
        return TensorShape([a if a == b else None for a, b in zip(self._dims, other._dims)])

    def concatenate(self, other) -> TensorShape:
        """This shape's axes followed by ``other``'s."""
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other._dims)

    def with_rank(self, rank: int) -> TensorShape:
        """This shape, after checking that it has ``rank`` axes (ValueError otherwise)."""
        if self._dims is not None and len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")
        return self if self._dims is not None else TensorShape([None] * rank)

    def assert_has_rank(self, rank: int) -> None:
        """Raise ValueError unless the shape has ``rank`` axes."""
        self.with_rank(rank)

    def __eq__(self, other) -> bool:
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self._dims == other._dims

    def __hash__(self) -> int:
        return hash(None if self._dims is None else builtins.tuple(self._dims))

    def __add__(self, other) -> TensorShape:
        return self.concatenate(other)

    def __radd__(self, other) -> TensorShape:
        return as_shape(other).concatenate(self)

    def __repr__(self) -> str:
        if self._dims is None:
            return "TensorShape(None)"
        return f"TensorShape({self._dims})"

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        inner = ", ".join("None" if d is None else str(d) for d in self._dims)
        return f"({inner},)" if len(self._dims) == 1 else f"({inner})"


def as_shape(shape) -> TensorShape:
    """``shape`` as a TensorShape (a TensorShape as it is)."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


# ----------------------------------------------------------------------------- Module


def _snake(name: str) -> str:
    """"MyMLP" -> "my_mlp": an underscore before a capital that follows a lower-case letter
    or digit, or that starts a capitalised word."""
    return re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name).lower()


# called with (module, name, value) after an attribute of a Module is set, while a
# tf.train.Checkpoint restore has values waiting for variables not made yet
_setattr_listeners: list = []


class Module:
    """A container of Variables and sub-modules, as ``tf.Module``: subclass it, give it
    attributes, and ``trainable_variables`` finds every trainable Variable in them (and in
    lists, tuples, dicts and sub-modules, numnet layers included), without duplicates.

    Args:
        name: the module's name; None for the class's name in snake_case. Defaults to
            ``None``.

    Example:
        >>> class Linear(numnet.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.w = numnet.Variable(numnet.ones((2, 1)))
        ...         self.b = numnet.Variable(numnet.zeros((1,)), trainable=False)
        >>> m = Linear()
        >>> m.name, len(m.variables), len(m.trainable_variables)
        ('linear', 2, 1)
    """

    def __init__(self, name=None):
        if name is None:
            name = _snake(type(self).__name__)
        if not re.match(r"^[A-Za-z_][\w.\-]*$", str(name)):
            raise ValueError(f"Module(name): {name!r} is not a valid module name: use letters, "
                             "digits and underscores, starting with a letter or underscore.")
        self._name = str(name)
        self._scope_name = self._name

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if _setattr_listeners:  # a tf.train.Checkpoint restore waits for this variable
            for listener in tuple(_setattr_listeners):
                listener(self, name, value)

    @property
    def name(self) -> str:
        """The module's name."""
        return self._name

    @property
    def name_scope(self):
        """A ``tf.name_scope`` of the module's name (``with self.name_scope:``)."""
        return scopes.name_scope(self._scope_name)

    def _walk(self):
        """(Variables, sub-modules) reachable from the attributes, each once, in order."""
        variables, modules, seen = [], [], {id(self)}

        def visit(value, depth):
            if depth > 100:
                return
            if isinstance(value, Variable):
                if id(value) not in seen:
                    seen.add(id(value))
                    variables.append(value)
                return
            if id(value) in seen:
                return
            if isinstance(value, Module):
                seen.add(id(value))
                modules.append(value)
                for key in sorted(vars(value)):
                    visit(vars(value)[key], depth + 1)
                return
            if hasattr(value, "weights") and hasattr(value, "trainable_weights") and not \
                    isinstance(value, type):
                seen.add(id(value))  # a numnet layer or model
                for w in value.weights:
                    visit(w, depth + 1)
                return
            if isinstance(value, dict):
                seen.add(id(value))
                for key in sorted(value, key=str):
                    visit(value[key], depth + 1)
            elif isinstance(value, (list, builtins.tuple)):
                seen.add(id(value))
                for item in value:
                    visit(item, depth + 1)

        for key in sorted(vars(self)):
            if key not in ("_name", "_scope_name"):
                visit(vars(self)[key], 0)
        return variables, modules

    @property
    def variables(self) -> builtins.tuple:
        """Every Variable of the module and its sub-modules."""
        return builtins.tuple(self._walk()[0])

    @property
    def trainable_variables(self) -> builtins.tuple:
        """The trainable Variables of the module and its sub-modules."""
        return builtins.tuple(v for v in self._walk()[0] if v.trainable)

    @property
    def non_trainable_variables(self) -> builtins.tuple:
        """The Variables that are not trainable."""
        return builtins.tuple(v for v in self._walk()[0] if not v.trainable)

    @property
    def submodules(self) -> builtins.tuple:
        """Every Module reachable from the attributes (not this one)."""
        return builtins.tuple(self._walk()[1])

    @classmethod
    def with_name_scope(cls, method):
        """A decorator for methods: the call runs inside the module's name scope."""
        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)

        wrapped.__name__ = method.__name__
        wrapped.__doc__ = method.__doc__
        return wrapped

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self._name!r}>"


# ----------------------------------------------------------------------------- IndexedSlices


class IndexedSlices:
    """Rows of a dense Tensor given by ``values`` at ``indices`` (the rest zero), as
    ``tf.IndexedSlices``; ``tf.convert_to_tensor`` / ``np.asarray`` give the dense form.

    Args:
        values: the rows, (n, ...).
        indices: the row of each, (n,).
        dense_shape: the dense Tensor's shape, or None. Defaults to ``None``.

    Example:
        >>> s = numnet.IndexedSlices(numnet.constant([[1.0, 2.0]]), numnet.constant([1]),
        ...                          [3, 2])
        >>> np.asarray(s).tolist()
        [[0.0, 0.0], [1.0, 2.0], [0.0, 0.0]]
    """

    def __init__(self, values, indices, dense_shape=None):
        self.values = to_tensor(values)
        self.indices = to_tensor(indices)
        self.dense_shape = None if dense_shape is None else to_tensor(dense_shape)

    @property
    def shape(self) -> builtins.tuple:
        if self.dense_shape is not None:
            return builtins.tuple(int(d) for d in np.asarray(self.dense_shape.value))
        return (None,) + self.values.shape[1:]

    @property
    def dtype(self):
        return self.values.dtype

    def to_dense(self) -> Tensor:
        """The dense Tensor (rows repeated in indices add up)."""
        from .array import scatter_nd

        index = np.asarray(backend.to_numpy(self.indices.value)).reshape(-1, 1)
        return scatter_nd(index, self.values, self.shape)

    def __array__(self, dtype=None, copy=None):
        out = self.to_dense().numpy()
        return out if dtype is None else out.astype(dtype)

    def __repr__(self) -> str:
        return (f"IndexedSlices(indices={self.indices!r}, values={self.values!r}, "
                f"dense_shape={self.dense_shape!r})")


def broadcast_static_shape(shape_x, shape_y):
    """The shape two shapes broadcast to (a TensorShape; ValueError when they do not).

    Args:
        shape_x: a shape.
        shape_y: a shape.

    Example:
        >>> numnet.broadcast_static_shape([2, 1], [3]).as_list()
        [2, 3]
    """
    dims_x = getattr(shape_x, "dims", shape_x)
    dims_y = getattr(shape_y, "dims", shape_y)
    try:
        out = np.broadcast_shapes(tuple(plain(dims_x)), tuple(plain(dims_y)))
    except ValueError:
        raise ValueError(f"Incompatible shapes for broadcasting: {plain(dims_x)} and "
                         f"{plain(dims_y)}") from None
    return TensorShape(list(out))


def broadcast_dynamic_shape(shape_x, shape_y) -> Tensor:
    """The shape two shapes broadcast to, as a 1-D int32 Tensor.

    Args:
        shape_x: a 1-D shape Tensor or list.
        shape_y: a 1-D shape Tensor or list.

    Example:
        >>> numnet.broadcast_dynamic_shape([2, 1], [1, 3]).tolist()
        [2, 3]
    """
    dtype = to_tensor(shape_x).dtype
    out = broadcast_static_shape(plain(shape_x), plain(shape_y)).as_list()
    return Tensor(backend.to_device(np.asarray(out, dtype=dtype)))


TOP = {
    "AggregationMethod": AggregationMethod, "IndexedSlices": IndexedSlices, "Module": Module,
    "RegisterGradient": RegisterGradient, "TensorArray": None, "TensorShape": TensorShape,
    "UnconnectedGradients": UnconnectedGradients, "broadcast_dynamic_shape": (
        broadcast_dynamic_shape), "broadcast_static_shape": broadcast_static_shape, "case": case,
    "cond": cond,
    "control_dependencies": control_dependencies, "custom_gradient": custom_gradient,
    "foldl": foldl, "foldr": foldr,
    "get_current_name_scope": get_current_name_scope, "grad_pass_through": grad_pass_through,
    "gradients": gradients, "group": group, "init_scope": init_scope, "map_fn": map_fn,
    "no_gradient": no_gradient, "no_op": no_op,
    "numpy_function": numpy_function, "py_function": py_function,
    "recompute_grad": recompute_grad, "scan": scan, "switch_case": switch_case,
    "timestamp": timestamp, "tuple": tuple, "vectorized_map": vectorized_map,
    "while_loop": while_loop,
}
"""The names that join the top level (``tf.cond``, ``tf.Module``, ...)."""


# ----------------------------------------------------------------------------- TensorArray


class TensorArray:
    """A list of Tensors that loops fill one index at a time, as ``tf.TensorArray``:
    ``write(i, value)`` returns the array (use the result, as in TensorFlow), ``read(i)``,
    ``stack()`` joins them along a new first axis (gradients flow back to each value).

    Args:
        dtype: the elements' dtype (values are cast to it).
        size: the initial number of elements. Defaults to ``None`` (0).
        dynamic_size: allow writes past the size. Defaults to ``None`` (False).
        clear_after_read: accepted as TensorFlow's. Defaults to ``None``.
        tensor_array_name: accepted. Defaults to ``None``.
        handle: accepted. Defaults to ``None``.
        flow: accepted. Defaults to ``None``.
        infer_shape: check that elements share a shape. Defaults to ``True``.
        element_shape: the elements' shape, or None. Defaults to ``None``.
        colocate_with_first_write_call: accepted. Defaults to ``True``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> ta = numnet.TensorArray(numnet.float32, size=3)
        >>> for i in range(3):
        ...     ta = ta.write(i, float(i) * 2)
        >>> ta.stack().tolist()
        [0.0, 2.0, 4.0]
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = np.dtype(dtype)
        self._items: list = [None] * (0 if size is None else int(plain(size)))
        self._dynamic = builtins.bool(dynamic_size)
        self._infer_shape = infer_shape
        self._element_shape = None if element_shape is None else TensorShape(element_shape)

    @property
    def dtype(self):
        """The elements' dtype."""
        return self._dtype

    @property
    def element_shape(self) -> TensorShape:
        """The elements' shape (unknown until the first write)."""
        return self._element_shape if self._element_shape is not None else TensorShape(None)

    @property
    def dynamic_size(self) -> bool:
        """Whether writes may grow the array."""
        return self._dynamic

    def size(self, name=None) -> Tensor:
        """The number of elements, an int32 scalar."""
        return Tensor(backend.xp.asarray(len(self._items), dtype=np.int32))

    def write(self, index, value, name=None) -> TensorArray:
        """Set element ``index`` to ``value``; returns the array."""
        i = int(np.asarray(plain(index)))
        if i < 0 or (i >= len(self._items) and not self._dynamic):
            raise InvalidArgumentError(None, None, f"TensorArray.write: index {i} is outside "
                                                   f"the array of size {len(self._items)} "
                                                   "(make it with dynamic_size=True to grow).")
        value = _as(value, self._dtype) if not (isinstance(value, Tensor) and
                                                value.dtype == self._dtype) else value
        shape = TensorShape(list(value.shape))
        if self._element_shape is not None and self._infer_shape and \
                not self._element_shape.is_compatible_with(shape):
            raise ValueError(f"TensorArray.write: a value of shape {value.shape} does not fit "
                             f"the elements' shape {self._element_shape}.")
        if self._element_shape is None or not self._element_shape.is_fully_defined():
            self._element_shape = shape
        if i >= len(self._items):
            self._items += [None] * (i + 1 - len(self._items))
        self._items[i] = value
        return self

    def read(self, index, name=None) -> Tensor:
        """Element ``index`` (zeros of the element shape if never written)."""
        i = int(np.asarray(plain(index)))
        if not 0 <= i < len(self._items):
            raise InvalidArgumentError(None, None, f"TensorArray.read: index {i} is outside "
                                                   f"the array of size {len(self._items)}.")
        return self._item(i)

    def _item(self, i) -> Tensor:
        item = self._items[i]
        if item is None:
            shape = builtins.tuple(self._element_shape or ())
            return Tensor(backend.xp.zeros(shape, dtype=self._dtype))
        return item

    def stack(self, name=None) -> Tensor:
        """The elements joined along a new first axis."""
        if not self._items:
            shape = builtins.tuple(self._element_shape or ())
            return Tensor(backend.xp.zeros((0,) + shape, dtype=self._dtype))
        return _stack([self._item(i) for i in range(len(self._items))])

    def gather(self, indices, name=None) -> Tensor:
        """The elements at ``indices``, stacked."""
        return _stack([self.read(i) for i in np.asarray(plain(indices)).reshape(-1)])

    def concat(self, name=None) -> Tensor:
        """The elements joined along their first axis."""
        items = [self._item(i) for i in range(len(self._items))]
        if all(t.dtype.kind in "fc" for t in items):
            return _ops.concatenate(items, axis=0)
        return Tensor(backend.xp.concatenate([t.value for t in items], axis=0))

    def unstack(self, value, name=None) -> TensorArray:
        """Fill the array with the rows of ``value`` (a Tensor, or a list of numbers or
        Tensors that stacks into one)."""
        for i, row in enumerate(_rows(_one_tensor(value))):
            self._dynamic, dynamic = True, self._dynamic
            self.write(i, row)
            self._dynamic = dynamic
        return self

    def scatter(self, indices, value, name=None) -> TensorArray:
        """Write the rows of ``value`` at ``indices``."""
        for i, row in zip(np.asarray(plain(indices)).reshape(-1), _rows(_one_tensor(value))):
            self.write(int(i), row)
        return self

    def split(self, value, lengths, name=None) -> TensorArray:
        """Fill the array with pieces of ``value`` of the given ``lengths`` along axis 0."""
        x = to_tensor(value)
        start = 0
        for i, n in enumerate(np.asarray(plain(lengths)).reshape(-1)):
            piece = _ops.getitem(x, builtins.slice(start, start + int(n))) if \
                x.dtype.kind in "fc" else Tensor(x.value[start:start + int(n)])
            self._items += [None] * max(0, i + 1 - len(self._items))
            self._items[i] = piece
            start += int(n)
        return self

    def close(self, name=None) -> None:
        """Drop the elements."""
        self._items = []

    def identity(self) -> TensorArray:
        """The array itself."""
        return self

    def mark_used(self) -> None:
        """Accepted as TensorFlow's."""


TOP["TensorArray"] = TensorArray


# ----------------------------------------------------------------------------- forward mode


class ForwardAccumulator:
    """Jacobian-vector products, as ``tf.autodiff.ForwardAccumulator``: inside the block,
    computations on ``primals`` are recorded; ``acc.jvp(y)`` is J v, the derivative of y
    in the direction ``tangents``. numnet computes it in reverse mode, one backward pass per
    entry of y (cheap for scalars and small outputs).

    Args:
        primals: a Tensor or Variable, or a list of them.
        tangents: the direction, one Tensor of the same shape per primal.

    Example:
        >>> x = numnet.constant([1.0, 2.0])
        >>> with numnet.autodiff.ForwardAccumulator(x, numnet.constant([1.0, 0.0])) as acc:
        ...     y = numnet.reduce_sum(x * x)
        >>> float(acc.jvp(y))
        2.0
    """

    def __init__(self, primals, tangents):
        self._primals = _flatten(primals)
        self._tangents = [to_tensor(t) for t in _flatten(tangents)]
        if len(self._primals) != len(self._tangents):
            raise ValueError(f"ForwardAccumulator: {len(self._primals)} primals but "
                             f"{len(self._tangents)} tangents.")
        for p, t in zip(self._primals, self._tangents):
            if not isinstance(p, Tensor):
                raise TypeError("ForwardAccumulator(primals): expected Tensors or Variables, "
                                f"given {type(p).__name__}.")
            if builtins.tuple(p.shape) != builtins.tuple(t.shape):
                raise ValueError(f"ForwardAccumulator: a primal of shape {p.shape} has a "
                                 f"tangent of shape {t.shape}.")
        self._flags = [p.requires_grad for p in self._primals]

    def __enter__(self) -> ForwardAccumulator:
        for p in self._primals:
            p.requires_grad = True
        return self

    def __exit__(self, *exc) -> None:
        for p, flag in zip(self._primals, self._flags):
            p.requires_grad = flag

    def jvp(self, primals, unconnected_gradients="none"):
        """J v for a Tensor (or each of a structure of Tensors) computed in the block: its
        shape; None where it does not depend on the primals (zeros with
        ``unconnected_gradients="zero"``)."""
        from ..autodiff.tape import GradientTape

        targets = _flatten(primals)
        flags = [p.requires_grad for p in self._primals]
        for p in self._primals:
            p.requires_grad = True
        xp = backend.xp
        results = []
        try:
            for target in targets:
                if not isinstance(target, Tensor) or not target.requires_grad:
                    zero = str(getattr(unconnected_gradients, "value", unconnected_gradients))
                    results.append(Tensor(xp.zeros(np.shape(getattr(target, "value", target)),
                                                   dtype=np.float32)) if zero == "zero"
                                   else None)
                    continue
                flat = xp.zeros(target.size, dtype=target.dtype)
                out = xp.zeros(target.size, dtype=target.dtype)
                connected = False
                for i in range(target.size):
                    flat[:] = 0
                    flat[i] = 1
                    grads = GradientTape().gradient(target, self._primals,
                                                    output_gradients=flat.reshape(target.shape))
                    for g, t in zip(grads, self._tangents):
                        if g is not None:
                            connected = True
                            out[i] += (g.value * t.value).sum()
                results.append(Tensor(out.reshape(target.shape)) if connected or str(
                    getattr(unconnected_gradients, "value", unconnected_gradients)) == "zero"
                    else None)
        finally:
            for p, flag in zip(self._primals, flags):
                p.requires_grad = flag
        return _pack(primals, results) if isinstance(primals, (list, builtins.tuple, dict)) \
            else results[0]
