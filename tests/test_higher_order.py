"""Gradients of gradients: a GradientTape inside a GradientTape (autodiff/higher.py).

Each rule is checked by central differences of the first-order gradient, in float64; the
layers' gradient penalty and a physics-informed loss are checked against PyTorch's
``create_graph=True`` when torch is installed.
"""

import numpy as np
import pytest

import numnet
from numnet.activations import _KERNELS
from numnet.autodiff import ops as O
from numnet.autodiff.tape import GradientTape


def _hvp(f, x0, r):
    """(d/dx <grad f(x), r>) at x0 by two nested tapes, and the first-order gradient."""
    x = numnet.Variable(x0.copy())
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = f(x)
        g = inner.gradient(y, x)
        s = O.sum(O.multiply(g, numnet.Tensor(r)))
    h = outer.gradient(s, x)
    return g.numpy(), (None if h is None else h.numpy())


def _grad(f, x0):
    x = numnet.Variable(x0.copy())
    with GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x).numpy()


def _check(f, x0, rtol=1e-5, atol=1e-7):
    rng = np.random.default_rng(0)
    r = rng.normal(size=x0.shape)
    g, h = _hvp(f, x0, r)
    np.testing.assert_allclose(g, _grad(f, x0), rtol=1e-12, atol=1e-12)
    eps = 1e-6
    numeric = (_grad(f, x0 + eps * r) - _grad(f, x0 - eps * r)) / (2 * eps)  # H r
    assert h is not None
    np.testing.assert_allclose(h, numeric, rtol=rtol, atol=atol)


X = np.random.default_rng(1).uniform(0.5, 2.0, size=(3, 4))
SMOOTH = {
    "multiply": lambda x: O.sum(O.multiply(x, O.multiply(x, x))),
    "divide": lambda x: O.sum(O.divide(O.exp(x), O.add(x, numnet.Tensor(np.ones(4))))),
    "subtract": lambda x: O.sum(O.square(O.subtract(numnet.Tensor(np.ones((1, 4))), x))),
    "power": lambda x: O.sum(O.power(x, 3.5)),
    "sqrt_log_log1p": lambda x: O.sum(O.multiply(O.sqrt(x), O.add(O.log(x), O.log1p(x)))),
    "negative_abs": lambda x: O.sum(O.multiply(O.negative(O.abs(x)), O.square(x))),
    "matmul": lambda x: O.sum(O.square(O.matmul(x, O.transpose(x)))),
    "matmul_vector": lambda x: O.sum(O.exp(O.matmul(x, O.getitem(x, 0)))),
    "sum_mean_axis": lambda x: O.sum(O.square(O.mean(O.exp(x), axis=0))) +
    O.sum(O.square(O.sum(x, axis=1, keepdims=True))),
    "reshape_transpose": lambda x: O.sum(O.exp(O.transpose(O.reshape(x, (2, 6)), (1, 0)))),
    "getitem_concat_stack": lambda x: O.sum(O.square(O.stack(
        [O.getitem(x, 0), O.getitem(x, 2)], axis=1))) + O.sum(O.exp(
            O.concatenate([x, O.getitem(x, slice(1, 3))], axis=0))),
    "broadcast_where_max": lambda x: O.sum(O.square(O.broadcast_to(O.max(x, axis=1,
                                                                          keepdims=True),
                                                                    (3, 4)))) + O.sum(
        O.exp(O.where(x.value > 1.0, x, O.square(x)))),
    "weighted_sum": lambda x: O.weighted_sum(O.square(O.square(x)), np.arange(12.0).reshape(3, 4),
                                             0.5),
    "regather_tile": lambda x: O.sum(O.exp(O.regather(x, lambda v: np.tile(v, (2, 1))))),
    "log_softmax": lambda x: O.sum(O.multiply(O.log_softmax(x), numnet.Tensor(
        np.arange(12.0).reshape(3, 4)))),
}


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_rules_match_central_differences(name):
    _check(SMOOTH[name], X)


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus", "silu", "exponential",
                                 "softmax", "relu", "leaky_relu", "log_softmax", "elu", "selu",
                                 "softsign", "relu6", "hard_sigmoid"])
def test_dense_with_activation(act):
    rng = np.random.default_rng(2)
    kernel = numnet.Variable(rng.normal(size=(4, 5)) * 0.5)
    bias = numnet.Variable(rng.normal(size=(5,)) * 0.1)
    k = _KERNELS[act]

    def f(x):
        out = O.dense(x, kernel, bias, k)
        return O.sum(O.multiply(out, numnet.Tensor(np.linspace(-1, 1, 15).reshape(3, 5))))

    _check(f, X)


UNARY = ["reciprocal", "expm1", "log2", "log10", "sin", "cos", "tan", "arcsin", "arccos",
         "arctan", "sinh", "cosh", "tanh", "arcsinh", "arctanh"]


@pytest.mark.parametrize("name", UNARY)
def test_element_wise_functions_of_ops(name):
    f = getattr(numnet.ops, name)
    _check(lambda x: numnet.ops.sum(numnet.ops.multiply(f(x), x)), X * 0.4)


def test_arccosh():
    _check(lambda x: numnet.ops.sum(numnet.ops.multiply(numnet.ops.arccosh(x + 2.0), x)), X)


LABELS = np.eye(4)[[0, 3, 1]] * np.array([[1.0], [0.5], [2.0]])  # rows of unequal mass
CROSS_ENTROPIES = {
    "softmax": lambda x: O.sum(O.multiply(O.softmax_cross_entropy(LABELS, x), O.sum(x, 1))),
    "softmax_mean": lambda x: O.multiply(O.softmax_cross_entropy_mean(LABELS, x), O.sum(x)),
    "sparse": lambda x: O.sum(O.multiply(O.sparse_softmax_cross_entropy(np.array([0, 3, 1]), x),
                                         O.sum(x, 1))),
    "sparse_mean": lambda x: O.multiply(O.sparse_softmax_cross_entropy_mean(
        np.array([0, 3, 1]), x), O.sum(x)),
    "sigmoid": lambda x: O.sum(O.multiply(O.sigmoid_cross_entropy(LABELS / 2, x), x)),
    "sigmoid_mean": lambda x: O.multiply(O.sigmoid_cross_entropy_mean(LABELS / 2,
                                                                      O.subtract(x, 1.2)),
                                         O.sum(x)),
}


@pytest.mark.parametrize("name", sorted(CROSS_ENTROPIES))
def test_fused_cross_entropies(name):
    _check(CROSS_ENTROPIES[name], X)


def test_dense_second_order_with_respect_to_the_kernel():
    """A gradient penalty: d/dW of |d out / d x|^2, checked by differences in W."""
    rng = np.random.default_rng(3)
    x0 = rng.normal(size=(3, 4))

    def penalty(w0):
        kernel = numnet.Variable(w0)
        x = numnet.Variable(x0)
        with GradientTape() as outer:
            with GradientTape() as inner:
                y = O.sum(O.dense(O.dense(x, kernel, None, _KERNELS["tanh"]),
                                  numnet.Tensor(np.ones((5, 1))), None))
            gx = inner.gradient(y, x)
            p = O.sum(O.square(gx))
        return float(p.numpy()), outer.gradient(p, kernel).numpy()

    w0 = rng.normal(size=(4, 5)) * 0.5
    _, grad = penalty(w0)
    eps = 1e-6
    numeric = np.zeros_like(w0)
    for i in np.ndindex(w0.shape):
        d = np.zeros_like(w0)
        d[i] = eps
        numeric[i] = (penalty(w0 + d)[0] - penalty(w0 - d)[0]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("padding,strides", [("valid", 1), ("same", 2)])
def test_conv_gradient_penalty_against_differences(padding, strides):
    rng = np.random.default_rng(4)
    x0 = rng.normal(size=(2, 6, 6, 2))

    def penalty(k0):
        kernel = numnet.Variable(k0)
        bias = numnet.Variable(np.full((3,), 0.1))
        x = numnet.Variable(x0)
        with GradientTape() as outer:
            with GradientTape() as inner:
                h = O.conv(x, kernel, bias, strides, padding, 1, _KERNELS["leaky_relu"])
                y = O.sum(O.activation(h, _KERNELS["tanh"]))
            gx = inner.gradient(y, x)
            p = O.mean(O.square(gx))
        return float(p.numpy()), outer.gradient(p, kernel).numpy()

    k0 = rng.normal(size=(3, 3, 2, 3)) * 0.4
    _, grad = penalty(k0)
    eps = 1e-6
    numeric = np.zeros_like(k0)
    for i in np.ndindex(k0.shape):
        d = np.zeros_like(k0)
        d[i] = eps
        numeric[i] = (penalty(k0 + d)[0] - penalty(k0 - d)[0]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-9)


def test_scalar_derivatives_to_third_order():
    x = numnet.Variable(np.array([3.0], "float32"))
    with GradientTape() as t3:
        with GradientTape() as t2:
            with GradientTape() as t1:
                y = x * x * x
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    assert d1.numpy().tolist() == [27.0] and d2.numpy().tolist() == [18.0]
    assert d3.numpy().tolist() == [6.0]


def test_a_gradient_outside_an_outer_tape_is_a_constant():
    x = numnet.Variable(np.array([2.0], "float32"))
    with GradientTape() as t1:
        y = x * x
    g = t1.gradient(y, x)
    assert g.backward_fn is None and g.numpy().tolist() == [4.0]


def test_an_op_without_a_second_order_rule_refuses_when_differentiated():
    x = numnet.Variable(np.array([[0.5, -1.0, 2.0]], "float32"))
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = O.sum(O.cumprod(x, axis=1))
        g = inner.gradient(y, x)
        assert np.allclose(g.numpy(), [[1 - 1.0 + -2.0, 0.5 + 1.0, -0.5]])
        s = O.sum(O.square(g))
    with pytest.raises(NotImplementedError, match="cumprod"):
        outer.gradient(s, x)


def test_layers_gradient_penalty_matches_torch():
    torch = pytest.importorskip("torch", reason="the cross-check needs PyTorch")
    rng = np.random.default_rng(5)
    images = rng.normal(size=(4, 8, 8, 1)).astype("float32")
    critic = numnet.Sequential([
        numnet.layers.Input((8, 8, 1)),
        numnet.layers.Conv2D(4, 3, strides=2, padding="same"),
        numnet.layers.LeakyReLU(0.2),
        numnet.layers.Conv2D(8, 3, strides=2, padding="same"),
        numnet.layers.LeakyReLU(0.2),
        numnet.layers.Flatten(),
        numnet.layers.Dense(1),
    ])
    weights = critic.get_weights()
    x = numnet.Tensor(images)
    with GradientTape() as outer:
        with GradientTape() as inner:
            inner.watch(x)
            pred = critic(x, training=True)
        gx = inner.gradient(pred, [x])[0]
        norm = numnet.ops.sqrt(numnet.ops.sum(numnet.ops.square(gx), axis=[1, 2, 3]))
        gp = numnet.ops.mean((norm - 1.0) ** 2)
    grads = outer.gradient(gp, critic.trainable_weights)

    t = [torch.tensor(w) for w in weights]
    for w in t:
        w.requires_grad_(True)
    xt = torch.tensor(images.transpose(0, 3, 1, 2), requires_grad=True)

    def conv_same(v, k, b):  # padding="same" with stride 2 on even sizes: one row after
        v = torch.nn.functional.pad(v, (0, 1, 0, 1))
        return torch.nn.functional.conv2d(v, k.permute(3, 2, 0, 1), b, stride=2)

    def forward(v):
        h = conv_same(v, t[0], t[1])
        h = torch.nn.functional.leaky_relu(h, 0.2)
        h = conv_same(h, t[2], t[3])
        h = torch.nn.functional.leaky_relu(h, 0.2)
        h = h.permute(0, 2, 3, 1).reshape(len(v), -1)
        return h @ t[4] + t[5]

    pt = forward(xt)
    (gxt,) = torch.autograd.grad(pt.sum(), xt, create_graph=True)
    gpt = ((gxt.flatten(1).norm(dim=1) - 1) ** 2).mean()
    expected = torch.autograd.grad(gpt, t, allow_unused=True)
    assert abs(float(gp.numpy()) - gpt.item()) < 1e-5
    # the last bias does not reach d critic / d x: None in both, as in TensorFlow
    assert grads[-1] is None and expected[-1] is None
    for ours, theirs in zip(grads[:-1], expected[:-1], strict=True):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=2e-4, atol=2e-6)


def test_physics_informed_second_derivative_matches_torch():
    """u(x) by a tanh network; the loss holds u'' (two tapes), its gradient needs a third."""
    torch = pytest.importorskip("torch", reason="the cross-check needs PyTorch")
    model = numnet.Sequential([numnet.layers.Input((1,)),
                               numnet.layers.Dense(8, activation="tanh"),
                               numnet.layers.Dense(8, activation="tanh"),
                               numnet.layers.Dense(1)])
    weights = model.get_weights()
    xs = np.linspace(-1, 1, 7, dtype="float32").reshape(-1, 1)
    x = numnet.Tensor(xs)
    with GradientTape() as tape:
        with GradientTape() as t2:
            t2.watch(x)
            with GradientTape() as t1:
                t1.watch(x)
                u = model(x)
            u_x = t1.gradient(u, x)
        u_xx = t2.gradient(u_x, x)
        residual = u_xx + numnet.ops.sin(x) * 3.0
        loss = numnet.ops.mean(residual ** 2)
    grads = tape.gradient(loss, model.trainable_weights)

    t = [torch.tensor(w, requires_grad=True) for w in weights]
    xt = torch.tensor(xs, requires_grad=True)
    h = torch.tanh(xt @ t[0] + t[1])
    h = torch.tanh(h @ t[2] + t[3])
    ut = h @ t[4] + t[5]
    (ux,) = torch.autograd.grad(ut.sum(), xt, create_graph=True)
    (uxx,) = torch.autograd.grad(ux.sum(), xt, create_graph=True)
    lt = ((uxx + torch.sin(xt) * 3.0) ** 2).mean()
    expected = torch.autograd.grad(lt, t, allow_unused=True)
    np.testing.assert_allclose(float(loss.numpy()), lt.item(), rtol=1e-5)
    assert grads[-1] is None and expected[-1] is None  # u'' does not see the last bias
    for ours, theirs in zip(grads[:-1], expected[:-1], strict=True):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-4, atol=1e-6)
