"""GradientTape: TensorFlow's way of asking for gradients, on numnet's tape.

numnet records every op on Tensors that need a gradient (Variables, and Tensors that a tape
``watch``-es), so a ``GradientTape`` block only marks where the computation of interest
happens; ``tape.gradient(target, sources)`` runs the backward pass from ``target`` and reads
the gradient of each source, leaving every ``.grad`` as it was before.
"""

from __future__ import annotations

import contextlib
import math
import warnings
import weakref

from .. import backend
from ..fast import threads as _threads
from . import higher as _higher
from . import tensor as _tensor
from .tensor import Tensor, _topological_order

_open: list = []  # the tapes whose block is running, outermost first


def _flatten(structure) -> list:
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in _flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _rebuild(structure, leaves):
    if isinstance(structure, dict):
        return {key: _rebuild(structure[key], leaves) for key in structure}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_rebuild(item, leaves) for item in structure) if not (
            hasattr(structure, "_fields")) else type(structure)(
            *(_rebuild(item, leaves) for item in structure))
    return next(leaves)


def _differentiable(t) -> bool:
    """Whether gradients with respect to ``t`` exist: a floating or complex dtype."""
    return getattr(getattr(t, "value", None), "dtype", None) is not None and \
        t.value.dtype.kind in "fc"


class GradientTape:
    """Record a computation and differentiate it, as ``tf.GradientTape``.

    Args:
        persistent: allow several ``gradient`` calls on one tape. Defaults to False (a second
            call raises RuntimeError, as TensorFlow).
        watch_accessed_variables: whether the trainable Variables used in the block are
            watched without ``watch``. With False only what ``watch`` names gets a gradient
            (the others None), as TensorFlow. Defaults to True.

    As in TensorFlow, a source that is neither a trainable Variable nor watched gets None
    unless it was computed inside the block: a Tensor made before the tape began was not
    recorded by it (``watch`` it to differentiate with respect to it).

    Example:
        >>> w = numnet.Variable(np.array([2.0], "float32"))
        >>> with numnet.GradientTape() as tape:
        ...     loss = numnet.ops.sum(w * w)
        >>> tape.gradient(loss, w)          # d(w^2)/dw = 2w
        <Tensor shape=(1,) dtype=float32: [4.]>
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self.persistent = bool(persistent)
        self.watch_accessed_variables = watch_accessed_variables
        self._used = False
        self._watched: list = []
        # weak references to the targets of this tape's gradients: watched_variables() walks
        # their graphs when asked, so a training step pays nothing for it
        self._targets: list = []
        self._threads = None
        self._epoch = 0  # the tape count when this block began: older Tensors were not recorded

    def __enter__(self) -> GradientTape:
        _open.append(self)
        _tensor._tape_epoch += 1
        self._epoch = _tensor._tape_epoch
        # the block's matrix products get their BLAS threads by size (fast/threads.py)
        self._threads = _threads.scope().__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self in _open:
            _open.remove(self)
        if self._threads is not None:
            self._threads.__exit__(*exc)
            self._threads = None
        return None

    def watch(self, tensor) -> None:
        """Record the ops on ``tensor`` (or on each Tensor of a list) from now on, so that
        gradients with respect to it can be asked for. Variables are watched already."""
        for t in _flatten(tensor):
            if not isinstance(t, Tensor):
                raise TypeError(f"GradientTape.watch(tensor): expected a Tensor or Variable "
                                f"(or a list of them), given {type(t).__name__}.")
            if not _differentiable(t):
                warnings.warn(f"GradientTape.watch: the watched tensor's dtype must be floating "
                              f"or complex, given {t.value.dtype}; its gradient will be None. "
                              "Cast it first (numnet.cast(x, 'float32')) to differentiate "
                              "with respect to it.", stacklevel=2)
                continue
            t.requires_grad = True
            self._watched.append(t)

    @contextlib.contextmanager
    def stop_recording(self):
        """Ops in this block record no gradient."""
        with _tensor.no_grad():
            yield

    def reset(self) -> None:
        self._used = False
        self._watched = []
        self._targets = []

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients="none"):
        """The gradient of ``target`` (a Tensor; a non-scalar one is summed, as TensorFlow)
        with respect to each of ``sources`` (a Variable or Tensor, or a list / dict / nested
        structure of them), in the same structure. A source that ``target`` does not depend
        on gets None (or zeros with ``unconnected_gradients="zero"``).

        Raises:
            RuntimeError: a non-persistent tape asked twice.
            TypeError: ``target`` is not a Tensor.
        """
        if self._used and not self.persistent:
            raise RuntimeError(
                "GradientTape.gradient can only be called once on a non-persistent tape; "
                "create the tape with GradientTape(persistent=True) to ask several times.")
        self._used = True
        targets = _flatten(target)
        for t in targets:
            if not isinstance(t, Tensor):
                raise TypeError(f"GradientTape.gradient(target): expected a Tensor computed in "
                                f"the tape's block, given {type(t).__name__}.")
        if self.watch_accessed_variables:
            self._targets += [weakref.ref(t) for t in targets]
        leaves = _flatten(sources)
        seeds = _flatten(output_gradients) if output_gradients is not None else [None] * len(
            targets)
        xp = backend.xp
        if _tensor._grad_enabled and any(tape is not self for tape in _open):
            # another tape is recording: the gradient must be differentiable in its turn
            results = {}
            found = _higher.gradients(targets, seeds, leaves)
            for leaf, g in zip(leaves, found, strict=True):
                if g is not None and isinstance(leaf, Tensor):
                    results[id(leaf)] = g if id(leaf) not in results else results[id(leaf)] + g
            return self._collect(sources, leaves, results, unconnected_gradients)
        nodes = {}
        for t in targets:
            for node in _topological_order(t):
                nodes[id(node)] = node
                for parent in node.parents:
                    nodes.setdefault(id(parent), parent)
        for leaf in leaves:
            if isinstance(leaf, Tensor):
                nodes.setdefault(id(leaf), leaf)
        saved = {key: node.grad for key, node in nodes.items()}
        threads = _threads.scope().__enter__()  # the backward's products, by size
        try:
            for node in nodes.values():
                node.grad = None
            results = {}
            for t, seed in zip(targets, seeds, strict=True):
                if not t.requires_grad:
                    continue
                for node in nodes.values():
                    node.grad = None
                grad = (xp.ones(t.value.shape, dtype=t.value.dtype) if seed is None
                        else getattr(seed, "value", seed))
                t.backward(grad)
                for leaf in {id(leaf): leaf for leaf in leaves}.values():
                    g = leaf.grad if isinstance(leaf, Tensor) else None
                    if g is not None:
                        g = g.copy() if g is grad else g
                        results[id(leaf)] = g if id(leaf) not in results else \
                            results[id(leaf)] + g
        finally:
            threads.__exit__(None, None, None)
            for key, node in nodes.items():
                node.grad = saved[key]
        return self._collect(sources, leaves, results, unconnected_gradients)

    def _accessed_variables(self) -> list:
        """The trainable Variables that ops of this tape's block read, in the graphs of the
        targets of its gradients that are still alive."""
        found: dict = {}
        for ref in self._targets:
            target = ref()
            if target is None:
                continue
            for node in _topological_order(target):
                if getattr(node, "_epoch", 0) >= self._epoch:
                    for parent in node.parents:
                        if isinstance(parent, _tensor.Variable) and parent.trainable:
                            found.setdefault(id(parent), parent)
        return list(found.values())

    def _collect(self, sources, leaves, results: dict, unconnected_gradients="none"):
        """The gradients in ``results`` (by source id; arrays, or Tensors that record their
        own computation) in the structure of ``sources``."""
        out = []
        watched = {id(t) for t in self._watched}
        for leaf in leaves:
            g = results.get(id(leaf)) if self._recorded(leaf, watched) else None
            if g is None and unconnected_gradients == "zero" and isinstance(leaf, Tensor):
                g = backend.xp.zeros_like(leaf.value)
            out.append(None if g is None else g if isinstance(g, Tensor) else Tensor(g))
        return _rebuild(sources, iter(out))

    def _recorded(self, leaf, watched: set) -> bool:
        """Whether the tape differentiates with respect to ``leaf``: a watched Tensor, a
        trainable Variable (unless watch_accessed_variables=False), or a Tensor computed inside
        the block; never an integer or boolean one (TensorFlow gives None there too)."""
        if not isinstance(leaf, Tensor) or not _differentiable(leaf):
            return False
        if id(leaf) in watched:
            return True
        if isinstance(leaf, _tensor.Variable):
            return bool(self.watch_accessed_variables)
        return getattr(leaf, "_epoch", self._epoch) >= self._epoch

    def jacobian(self, target, sources, unconnected_gradients="none", parallel_iterations=None,
                 experimental_use_pfor=True):
        """The Jacobian of ``target`` with respect to each of ``sources``, as
        ``tf.GradientTape.jacobian``: shape target.shape + source.shape, one backward pass per
        element of ``target``. A source that ``target`` does not depend on gets None (zeros
        with ``unconnected_gradients="zero"``). Inside another tape's block the result can be
        differentiated again (a Hessian is the Jacobian of a gradient).

        ``parallel_iterations`` and ``experimental_use_pfor`` are accepted for TensorFlow's
        signature and change nothing.

        Example:
            >>> x = numnet.Variable(np.array([1.0, 2.0], "float32"))
            >>> with numnet.GradientTape() as tape:
            ...     y = x * x
            >>> tape.jacobian(y, x).numpy()
            array([[2., 0.],
                   [0., 4.]], dtype=float32)
        """
        return self._jacobian(target, sources, unconnected_gradients, batch=False)

    def batch_jacobian(self, target, source, unconnected_gradients="none",
                       parallel_iterations=None, experimental_use_pfor=True):
        """The Jacobian of each row of ``target`` with respect to the same row of ``source``,
        as ``tf.GradientTape.batch_jacobian``: ``target`` (batch, *t) and ``source``
        (batch, *s) give (batch, *t, *s). Rows are taken to be independent (as in a network
        without batch statistics): one backward pass per element of a row of ``target``.

        Raises:
            ValueError: ``target`` and ``source`` differ in their first (batch) dimension.

        Example:
            >>> x = numnet.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], "float32"))
            >>> with numnet.GradientTape() as tape:
            ...     y = x * x
            >>> tape.batch_jacobian(y, x).shape
            (2, 2, 2)
        """
        if target.shape[:1] != tuple(source.shape[:1]):
            raise ValueError(f"GradientTape.batch_jacobian: target and source need the same "
                             f"first (batch) dimension, given shapes {target.shape} and "
                             f"{tuple(source.shape)}.")
        return self._jacobian(target, source, unconnected_gradients, batch=True)

    def _jacobian(self, target, sources, unconnected_gradients, batch: bool):
        from . import ops as _ops

        xp = backend.xp
        leaves = _flatten(sources)
        shape = tuple(target.shape)
        inner = shape[1:] if batch else shape
        count = int(math.prod(inner))
        rows = []
        persistent, self.persistent = self.persistent, True
        try:
            for i in range(count):
                seed = xp.zeros((shape[0] if batch else 1, count), dtype=target.value.dtype)
                seed[:, i] = 1
                self._used = False
                rows.append(_flatten(self.gradient(
                    target, leaves, output_gradients=seed.reshape(shape),
                    unconnected_gradients="zero")))
        finally:
            self.persistent = persistent
        out = []
        for k, leaf in enumerate(leaves):
            if unconnected_gradients != "zero" and not self._reaches(target, leaf):
                out.append(None)
                continue
            column = [row[k] for row in rows]
            if batch:
                stacked = _ops.stack(column, axis=1)  # (batch, count, *source row)
                out.append(_ops.reshape(stacked, shape + tuple(leaf.shape[1:])))
            else:
                out.append(_ops.reshape(_ops.stack(column), shape + tuple(leaf.shape)))
        return _rebuild(sources, iter(out))

    def _reaches(self, target, leaf) -> bool:
        """Whether ``target`` depends on ``leaf`` (as the tape records it)."""
        if not (isinstance(leaf, Tensor) and self._recorded(leaf, {id(t) for t in
                                                                  self._watched})):
            return False
        if leaf is target:
            return True
        return any(p is leaf for node in _topological_order(target) for p in node.parents)
