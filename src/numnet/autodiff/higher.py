"""Gradients that can be differentiated again: a GradientTape inside a GradientTape.

The first-order backward pass (``Tensor.backward``) works on raw arrays, which is what makes
it fast, and what makes its result a constant. When a tape asks for a gradient while another
tape is still recording (a gradient penalty, a Hessian, the derivatives of a
physics-informed loss), :func:`gradients` runs the backward pass again with Tensors: each
node's vector-Jacobian product is written with the differentiable ops of ``autodiff.ops``, so
the gradients it returns carry a graph of their own, which the outer tape differentiates.

How a node's rule is found: an op's backward closure is named after the op
(``multiply.<locals>.backward``), so the op is the function that the closure's qualified name
starts with, in the closure's module; the rule reads what the op captured (an axis, an index,
the activation kernel) from the closure's variables by name. Fused nodes (dense, conv) are
rewritten as the primitive ops they fuse and differentiated through that rewriting.

A node with no rule still gives its first-order gradient (from its own backward); the result
is then marked so that differentiating it again raises a NotImplementedError naming the op,
rather than silently giving a gradient without that op's second-order term.

Example:
    >>> x = numnet.Variable(np.array([3.0], "float32"))
    >>> with numnet.GradientTape() as outer:
    ...     with numnet.GradientTape() as inner:
    ...         y = x * x * x
    ...     dy = inner.gradient(y, x)        # 3 x^2 = 27, differentiable
    >>> outer.gradient(dy, x)                # 6 x = 18
    <Tensor shape=(1,) dtype=float32: [18.]>
"""

from __future__ import annotations

import sys

from .. import backend
from . import ops as O
from . import tensor as _tensor
from .tensor import Tensor

# ----------------------------------------------------------------------------- registries

RULES: dict = {}
"""op function -> rule(node, g, env) -> a gradient Tensor (or None) for each parent."""

UNARY: dict = {}
"""Element-wise function built on ``ops.unary`` -> derivative(x, out) as Tensors (registered
by the modules that define such functions, above this floor)."""


def rule(*functions):
    """Register the decorated function as the differentiable rule of each op in ``functions``."""
    def register(fn):
        for f in functions:
            RULES[f] = fn
        return fn
    return register


def register_unary(function, derivative) -> None:
    """Let ``function`` (an element-wise op made with ``ops.unary``) be differentiated twice:
    ``derivative(x, out)`` gives f'(x) as a Tensor, from differentiable ops."""
    RULES.setdefault(O.unary, _unary)
    UNARY[function] = derivative


def _owner(fn):
    """The function whose body defined the closure ``fn`` (``multiply`` for
    ``multiply.<locals>.backward``), or None."""
    root = fn.__qualname__.split(".<locals>")[0]
    obj = sys.modules.get(fn.__module__)
    for part in root.split("."):
        obj = getattr(obj, part, None)
    return obj


def _env(fn) -> dict:
    """The closure's captured variables by name, and the ``constants`` an op left on it for
    its rule (what its first-order backward did not need to keep)."""
    out = dict(getattr(fn, "constants", {}))
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=False):
        try:
            out[name] = cell.cell_contents
        except ValueError:  # an empty cell
            pass
    return out


# ----------------------------------------------------------------------------- the pass


def _order(roots, stop: set) -> list:
    """Nodes with a backward that ``roots`` depend on, parents first, leaving out the Tensors
    whose ids are in ``stop`` and what lies below them."""
    order, seen = [], set(stop)
    for root in roots:
        if id(root) in seen or root.backward_fn is None:
            continue
        seen.add(id(root))
        stack = [(root, iter(root.parents))]
        while stack:
            current, parents = stack[-1]
            for parent in parents:
                if parent.backward_fn is not None and id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append((parent, iter(parent.parents)))
                    break
            else:
                stack.pop()
                order.append(current)
    return order


def gradients(targets, seeds, sources, stop=()) -> list:
    """d sum(targets * seeds) / d source for each of ``sources``, as Tensors that record their
    own computation (None where a source is not reached).

    Args:
        targets: Tensors.
        seeds: for each target its upstream gradient (a Tensor or an array), or None for ones.
        sources: the Tensors to differentiate with respect to.
        stop: Tensors below which the pass does not look (the inputs of a rewritten node).
    """
    order = _order(targets, {id(t) for t in stop})
    reach = {id(s) for s in sources}
    for node in order:  # parents first: a node reaches a source through any parent
        if id(node) not in reach and any(id(p) in reach for p in node.parents):
            reach.add(id(node))
    grads: dict = {}
    xp = backend.xp
    for t, seed in zip(targets, seeds, strict=True):
        if id(t) in reach:
            _add(grads, t, Tensor(xp.ones(t.value.shape, dtype=t.value.dtype)) if seed is None
                 else seed if isinstance(seed, Tensor) else
                 Tensor(xp.asarray(seed, dtype=t.dtype)))
    with _tensor.enable_grad():
        for node in reversed(order):
            g = grads.get(id(node))
            if g is None:
                continue
            for parent, pg in zip(node.parents, _vjp(node, g), strict=True):
                if pg is not None and id(parent) in reach:
                    _add(grads, parent, pg)
    return [grads.get(id(s)) for s in sources]


def _add(grads: dict, t: Tensor, g: Tensor) -> None:
    if g.dtype != t.dtype and backend.is_float_dtype(t.dtype):
        g = O.cast(g, t.dtype)
    grads[id(t)] = g if id(t) not in grads else O.add(grads[id(t)], g)


def _vjp(node, g) -> list:
    """The parents' gradients of ``node`` given its upstream gradient ``g``, as Tensors."""
    fn = node.backward_fn
    if isinstance(node, O.Logits):
        found = _logits
    else:
        found = RULES.get(_owner(fn))
    if found is not None:
        out = found(node, g, _env(fn))
        if out is not None:
            return out
    return _first_order_only(node, g)


def _first_order_only(node, g) -> list:
    """The first-order gradients of a node without a rule, as Tensors whose own gradient
    raises: differentiating through this op a second time is not supported."""
    saved = [p.grad for p in node.parents]
    try:
        for p in node.parents:
            p.grad = None
        node.backward_fn(g.value)
        values = [p.grad for p in node.parents]
    finally:
        for p, s in zip(node.parents, saved, strict=True):
            p.grad = s
    name = getattr(_owner(node.backward_fn), "__name__", node.backward_fn.__qualname__)
    inputs = tuple(t for t in (g, *node.parents) if t.requires_grad)

    def refuse(_):
        raise NotImplementedError(
            f"A second-order gradient through the op {name!r} is not supported: a gradient "
            "taken inside another GradientTape went through it, and the outer tape "
            "differentiated that gradient. Compute the inner gradient through supported ops "
            "(dense, conv, element-wise arithmetic and the common activations), or take the "
            "outer gradient with respect to something the inner one does not depend on.")

    return [None if v is None else (Tensor(v, inputs, refuse, True) if inputs else Tensor(v))
            for v in values]


def _through(node, g, rewrite) -> list:
    """The parents' gradients through ``rewrite(*parents)``, the node's value computed again
    from differentiable ops."""
    parents = node.parents
    with _tensor.enable_grad():
        out = rewrite(*parents)
    return gradients([out], [g], list(parents), stop=parents)


# ----------------------------------------------------------------------------- helpers


def _unbroadcast(g: Tensor, shape) -> Tensor:
    shape = tuple(shape)
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra > 0:
        g = O.sum(g, axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = O.sum(g, axis=axes, keepdims=True)
    return O.reshape(g, shape)


def _const(value, like: Tensor) -> Tensor:
    return Tensor(backend.xp.asarray(value, dtype=like.dtype))


def _expand(g: Tensor, shape, axis, keepdims) -> Tensor:
    """``g`` of a reduction over ``axis``, broadcast back to the input's ``shape``."""
    if axis is not None and not keepdims:
        axes = (axis,) if isinstance(axis, int) else axis
        axes = {ax % len(shape) for ax in axes}
        g = O.reshape(g, tuple(1 if i in axes else n for i, n in enumerate(shape)))
    elif axis is None and not keepdims:
        g = O.reshape(g, (1,) * len(shape))
    return O.broadcast_to(g, shape)


def _swap(t: Tensor) -> Tensor:
    axes = list(range(t.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return O.transpose(t, axes)


# ----------------------------------------------------------------------------- rules


@rule(O.add)
def _add_rule(node, g, env):
    a, b = node.parents
    return [_unbroadcast(g, a.shape), _unbroadcast(g, b.shape)]


@rule(O.subtract)
def _subtract(node, g, env):
    a, b = node.parents
    return [_unbroadcast(g, a.shape), _unbroadcast(O.negative(g), b.shape)]


@rule(O.multiply)
def _multiply(node, g, env):
    a, b = node.parents
    return [_unbroadcast(O.multiply(g, b), a.shape), _unbroadcast(O.multiply(g, a), b.shape)]


@rule(O.divide)
def _divide(node, g, env):
    a, b = node.parents
    return [_unbroadcast(O.divide(g, b), a.shape),
            _unbroadcast(O.negative(O.divide(O.multiply(g, a), O.multiply(b, b))), b.shape)]


@rule(O.negative)
def _negative(node, g, env):
    return [O.negative(g)]


@rule(O.power)
def _power(node, g, env):
    (a,), p = node.parents, env["exponent"]
    if p == 0:
        return [None]
    return [O.multiply(g, O.multiply(_const(p, a), O.power(a, p - 1)))]


@rule(O.square)
def _square(node, g, env):
    (a,) = node.parents
    return [O.multiply(g, O.multiply(_const(2, a), a))]


@rule(O.sqrt)
def _sqrt(node, g, env):
    (a,) = node.parents
    return [O.divide(O.multiply(g, _const(0.5, a)), O.sqrt(a))]


@rule(O.exp)
def _exp(node, g, env):
    (a,) = node.parents
    return [O.multiply(g, O.exp(a))]


@rule(O.log)
def _log(node, g, env):
    (a,) = node.parents
    return [O.divide(g, a)]


@rule(O.log1p)
def _log1p(node, g, env):
    (a,) = node.parents
    return [O.divide(g, O.add(_const(1, a), a))]


@rule(O.abs)
def _abs(node, g, env):
    (a,) = node.parents
    return [O.multiply(g, _const(backend.xp.sign(a.value), a))]


@rule(O.maximum, O.minimum)
def _extremum(node, g, env):
    a, b = node.parents
    take = env["take_a"]
    return [_unbroadcast(O.multiply(g, _const(take, g)), a.shape),
            _unbroadcast(O.multiply(g, _const(~take, g)), b.shape)]


@rule(O.where)
def _where(node, g, env):
    a, b = node.parents
    cond = env["cond"]
    return [_unbroadcast(O.multiply(g, _const(cond, g)), a.shape),
            _unbroadcast(O.multiply(g, _const(~cond, g)), b.shape)]


@rule(O.clip)
def _clip(node, g, env):
    return [O.multiply(g, _const(env["inside"], g))]


@rule(O.cast)
def _cast(node, g, env):
    (a,) = node.parents
    return [O.cast(g, a.dtype)]


@rule(O.matmul)
def _matmul(node, g, env):
    a, b = node.parents
    a2 = O.reshape(a, (1,) + a.shape) if a.ndim == 1 else a
    b2 = O.reshape(b, b.shape + (1,)) if b.ndim == 1 else b
    g2 = g
    if b.ndim == 1:
        g2 = O.reshape(g2, g2.shape + (1,))
    if a.ndim == 1:
        g2 = O.reshape(g2, g2.shape[:-2] + (1,) + g2.shape[-2:]) if g2.ndim >= 2 else \
            O.reshape(g2, (1,) + g2.shape)
    da = O.reshape(_unbroadcast(O.matmul(g2, _swap(b2)), a2.shape), a.shape)
    db = O.reshape(_unbroadcast(O.matmul(_swap(a2), g2), b2.shape), b.shape)
    return [da, db]


@rule(O.sum)
def _sum(node, g, env):
    (a,) = node.parents
    return [_expand(g, a.shape, env["axis"], env["keepdims"])]


@rule(O.mean)
def _mean(node, g, env):
    (a,) = node.parents
    full = _expand(g, a.shape, env["axis"], env["keepdims"])
    return [O.divide(full, _const(env["count"], full))]


@rule(O.weighted_sum)
def _weighted_sum(node, g, env):
    (a,) = node.parents
    w, scale = env["w"], env["scale"]
    full = O.broadcast_to(O.reshape(O.multiply(g, _const(scale, g)), (1,) * a.ndim), a.shape)
    return [full if w is None else O.multiply(full, _const(w, full))]


@rule(O.reshape)
def _reshape(node, g, env):
    (a,) = node.parents
    return [O.reshape(g, a.shape)]


@rule(O.transpose)
def _transpose(node, g, env):
    return [O.transpose(g, env["inverse"])]


@rule(O.broadcast_to)
def _broadcast(node, g, env):
    (a,) = node.parents
    return [_unbroadcast(g, a.shape)]


@rule(O.getitem)
def _getitem(node, g, env):
    (a,) = node.parents
    return [O.index_add(g, a.shape, env["index"])]


@rule(O.index_add)
def _index_add(node, g, env):
    (a,) = node.parents
    return [O.getitem(g, env["index"])]


@rule(O.concatenate)
def _concatenate(node, g, env):
    axis, bounds = env["axis"], [0, *env["splits"], g.shape[env["axis"]]]
    axis %= g.ndim
    return [O.getitem(g, (slice(None),) * axis + (slice(lo, hi),))
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


@rule(O.stack)
def _stack(node, g, env):
    axis = env["axis"]
    return [O.getitem(g, (slice(None),) * axis + (i,)) for i in range(len(node.parents))]


@rule(O.max)
def _max(node, g, env):
    (a,) = node.parents
    hits = a.value == env["out"]
    share = hits / hits.sum(axis=env["axis"], keepdims=True)
    return [O.multiply(_expand(g, a.shape, env["axis"], env["keepdims"]), _const(share, a))]


@rule(O.regather)
def _regather(node, g, env):
    (a,) = node.parents
    source = env["source"].reshape(-1)
    full = O.index_add(O.reshape(g, (-1,)), (a.size + 1,), source)
    return [O.reshape(O.getitem(full, slice(1, None)), a.shape)]


def _unary(node, g, env):
    derivative = UNARY.get(_owner(env["slope"]))
    if derivative is None:
        return None
    (a,) = node.parents
    return [O.multiply(g, derivative(a, node))]


# the activation kernels: piecewise-linear ones have a constant slope almost everywhere
_PIECEWISE = {"relu", "relu6", "leaky_relu", "hard_tanh", "hard_sigmoid", "hard_shrink",
              "soft_shrink", "threshold", "linear"}
_SMOOTH = {"sigmoid", "tanh", "exponential", "softplus", "silu", "softmax", "log_softmax", "elu",
           "selu", "softsign"}


def _supported(kernel) -> bool:
    """Whether an activation kernel has a second-order rule (None: no activation)."""
    return kernel is None or kernel.name in _PIECEWISE or kernel.name in _SMOOTH


def activation_slope(kernel, z: Tensor) -> Tensor | None:
    """d kernel(z) / d z as a Tensor of differentiable ops, or None for a kernel without a
    second-order rule."""
    name = kernel.name
    if name in _PIECEWISE:
        ones = backend.xp.ones(z.shape, dtype=z.dtype)
        slope = _const(kernel.backward(z.value, kernel.forward(z.value), ones), z)
        # constant almost everywhere, yet still a function of z (as TensorFlow's ReluGrad),
        # so that a second derivative through it is zeros rather than None
        return O.add(slope, O.multiply(z, _const(0, z)))
    if name == "sigmoid":
        s = O.activation(z, kernel)
        return O.multiply(s, O.subtract(_const(1, s), s))
    if name == "tanh":
        t = O.activation(z, kernel)
        return O.subtract(_const(1, t), O.multiply(t, t))
    if name == "exponential":
        return O.activation(z, kernel)
    if name in ("elu", "selu"):
        params = _env(kernel.forward)
        alpha, scale = params.get("alpha", 1.0), params.get("scale", 1.0)
        negative = O.multiply(_const(scale * alpha, z), O.exp(O.minimum(z, _const(0, z))))
        return O.where(z.value > 0, O.add(_const(scale, z), O.multiply(z, _const(0, z))),
                       negative)
    if name == "softsign":
        root = O.add(_const(1, z), O.abs(z))
        return O.divide(_const(1, z), O.multiply(root, root))
    if name == "softplus":
        return O.divide(_const(1, z), O.add(_const(1, z), O.exp(O.negative(z))))
    if name == "silu":
        s = O.divide(_const(1, z), O.add(_const(1, z), O.exp(O.negative(z))))
        return O.multiply(s, O.add(_const(1, z), O.multiply(z, O.subtract(_const(1, s), s))))
    return None


def _activation_vjp(kernel, z: Tensor, g: Tensor) -> Tensor | None:
    """g times the Jacobian of ``kernel`` at ``z``, differentiable."""
    name = kernel.name
    if name in ("softmax", "log_softmax"):
        axis = kernel.axis
        if name == "softmax":
            y = O.activation(z, kernel)
            inner = O.sum(O.multiply(g, y), axis=axis, keepdims=True)
            return O.multiply(y, O.subtract(g, inner))
        p = O.exp(O.activation(z, kernel))
        return O.subtract(g, O.multiply(p, O.sum(g, axis=axis, keepdims=True)))
    slope = activation_slope(kernel, z)
    return None if slope is None else O.multiply(g, slope)


@rule(O.activation)
def _activation(node, g, env):
    (a,) = node.parents
    dz = _activation_vjp(env["kernel"], a, g)
    return None if dz is None else [dz]


@rule(O.log_softmax)
def _log_softmax(node, g, env):
    (a,) = node.parents
    axis = env["axis"]
    p = O.exp(O.log_softmax(a, axis))
    return [O.subtract(g, O.multiply(p, O.sum(g, axis=axis, keepdims=True)))]


def _sigmoid(z: Tensor) -> Tensor:
    """1 / (1 + e^-z) from differentiable ops, without overflow: e^-|z| never exceeds 1."""
    e = O.exp(O.negative(O.abs(z)))
    one = _const(1, z)
    return O.where(z.value >= 0, O.divide(one, O.add(one, e)), O.divide(e, O.add(one, e)))


def _softmax(z: Tensor, axis) -> Tensor:
    return O.exp(O.log_softmax(z, axis))


@rule(O.softmax_cross_entropy)
def _softmax_ce(node, g, env):
    (z,) = node.parents
    y, axis = _const(env["y"], z), env["axis"]
    mass = O.sum(y, axis=axis, keepdims=True)
    dz = O.subtract(O.multiply(_softmax(z, axis), mass), y)
    return [O.multiply(O.reshape(g, _keep(g.shape, axis, z.ndim)), dz)]


def _keep(shape, axis, ndim) -> tuple:
    """``shape`` with a 1 put back at ``axis`` (of an array of rank ``ndim``)."""
    axis %= ndim
    return tuple(shape[:axis]) + (1,) + tuple(shape[axis:])


@rule(O.softmax_cross_entropy_mean)
def _softmax_ce_mean(node, g, env):
    (z,) = node.parents
    y, axis = _const(env["y"], z), env["axis"]
    mass = O.sum(y, axis=axis, keepdims=True)
    dz = O.subtract(O.multiply(_softmax(z, axis), mass), y)
    return [O.multiply(O.multiply(g, _const(env["scale"], g)), dz)]


def _one_hot(idx, rows: int, classes: int, like: Tensor) -> Tensor:
    out = backend.xp.zeros((rows, classes), dtype=like.dtype)
    out[backend.xp.arange(rows), idx] = 1
    return Tensor(out)


@rule(O.sparse_softmax_cross_entropy)
def _sparse_ce(node, g, env):
    (z,) = node.parents
    flat = O.reshape(z, (-1, z.shape[-1]))
    dz = O.subtract(_softmax(flat, -1), _one_hot(env["idx"], flat.shape[0], z.shape[-1], z))
    return [O.reshape(O.multiply(O.reshape(g, (-1, 1)), dz), z.shape)]


@rule(O.sparse_softmax_cross_entropy_mean)
def _sparse_ce_mean(node, g, env):
    (z,) = node.parents
    flat = O.reshape(z, (-1, z.shape[-1]))
    dz = O.subtract(_softmax(flat, -1), _one_hot(env["idx"], flat.shape[0], z.shape[-1], z))
    return [O.reshape(O.multiply(O.multiply(g, _const(env["scale"], g)), dz), z.shape)]


@rule(O.sigmoid_cross_entropy)
def _sigmoid_ce(node, g, env):
    (z,) = node.parents
    return [O.multiply(g, O.subtract(_sigmoid(z), _const(env["y"], z)))]


@rule(O.sigmoid_cross_entropy_mean)
def _sigmoid_ce_mean(node, g, env):
    (z,) = node.parents
    dz = O.subtract(_sigmoid(z), _const(env["y"], z))
    return [O.multiply(O.multiply(g, _const(env["scale"], g)), dz)]


def _logits(node, g, env):
    """A Logits node: the pre-activation of an activation (its one parent, unchanged) or of
    a dense layer (x @ kernel + bias)."""
    if len(node.parents) == 1 and node.parents[0].shape == node.shape:
        return [g]
    return _through(node, g, lambda *p: _dense_forward(p, None))


def _dense_forward(parents, act) -> Tensor:
    x, kernel = parents[0], parents[1]
    rows = O.reshape(x, (-1, x.shape[-1])) if x.ndim != 2 else x
    z = O.matmul(rows, kernel)
    if len(parents) > 2:
        z = O.add(z, parents[2])
    if act is not None:
        z = O.activation(z, act)
    return O.reshape(z, x.shape[:-1] + (kernel.shape[-1],)) if x.ndim != 2 else z


@rule(O.dense)
def _dense(node, g, env):
    act = env.get("act")
    if not _supported(act):
        return None
    return _through(node, g, lambda *p: _dense_forward(p, act))


@rule(O.conv)
def _conv(node, g, env):
    act = env.get("act")
    if not _supported(act):
        return None
    window, strides, dilation, padding = (env["window"], env["strides"], env["dilation"],
                                          env["padding"])

    def forward(x, kernel, bias=None):
        _, taps, _ = O._windows(x.value, window, strides, dilation, padding)
        padded = O.regather(x, lambda v: O._windows(v, window, strides, dilation, padding)[0])
        patches = O.stack([O.getitem(padded, tap) for tap in taps], axis=-2)
        out_shape = patches.shape[:-2]
        rows = O.reshape(patches, (-1, len(taps) * x.shape[-1]))
        z = O.matmul(rows, O.reshape(kernel, (-1, kernel.shape[-1])))
        if bias is not None:
            z = O.add(z, bias)
        if act is not None:
            z = O.activation(z, act)
        return O.reshape(z, out_shape + (kernel.shape[-1],))

    return _through(node, g, forward)


__all__ = ["activation_slope", "gradients", "register_unary", "rule"]
