"""numnet and PyTorch train the same MNIST network from the same weights on the same batches.

The model is 784-128-10 (Dense 128 relu, Dense 10, softmax cross-entropy from the logits), the
batches are the first 100 batches of 32 bundled MNIST images in a fixed order, float32 on both
sides. After 100 steps the loss of each step agrees to 1e-3 relative and every weight to 1e-3
absolute.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import numnet
from numnet import optimizers

torch = pytest.importorskip("torch", reason="the cross-check against PyTorch needs torch")

STEPS, BATCH = 100, 32


@pytest.fixture(scope="module", autouse=True)
def _few_threads():
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def mnist():
    (x, y), _ = numnet.datasets.mnist.load_data(bundled=True)
    x = x[: STEPS * BATCH].reshape(-1, 784).astype(np.float32) / 255.0
    return x, y[: STEPS * BATCH].astype(np.int64)


def numnet_model(seed: int = 0):
    numnet.backend.set_random_seed(seed)
    model = numnet.Sequential(
        [
            numnet.layers.Dense(128, activation="relu", input_shape=(784,)),
            numnet.layers.Dense(10),
        ]
    )
    model.build((None, 784))
    return model


def torch_twin(model):
    """torch.nn layers holding numnet's initial weights (numnet kernel is (in, out); torch's
    weight is (out, in))."""
    k1, b1, k2, b2 = model.get_weights()
    net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    with torch.no_grad():
        for linear, kernel, bias in ((net[0], k1, b1), (net[2], k2, b2)):
            linear.weight.copy_(torch.from_numpy(kernel.T.copy()))
            linear.bias.copy_(torch.from_numpy(bias.copy()))
    return net


def train_numnet(model, optimizer, x, y):
    model.compile(
        optimizer=optimizer, loss=numnet.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    losses = []
    for step in range(STEPS):
        sl = slice(step * BATCH, (step + 1) * BATCH)
        losses.append(float(model.train_on_batch(x[sl], y[sl])))
    return np.array(losses)


def train_torch(net, update, x, y):
    """``update(params, step)`` changes the parameters after ``backward()``."""
    params = list(net.parameters())
    losses = []
    for step in range(STEPS):
        sl = slice(step * BATCH, (step + 1) * BATCH)
        for p in params:
            p.grad = None
        loss = torch.nn.functional.cross_entropy(
            net(torch.from_numpy(x[sl])), torch.from_numpy(y[sl])
        )
        loss.backward()
        update(params, step)
        losses.append(float(loss.detach()))
    return np.array(losses)


def torch_optimizer_step(optimizer):
    def update(params, step):
        optimizer.step()

    return update


def assert_same_run(model, net, numnet_losses, torch_losses, x, y):
    assert np.all(np.isfinite(numnet_losses))
    # Training did something: the loss fell well below log(10) = 2.30 at the start.
    assert numnet_losses[0] > 2.0 and numnet_losses[-10:].mean() < 1.0
    np.testing.assert_allclose(numnet_losses, torch_losses, rtol=1e-3, atol=0)
    k1, b1, k2, b2 = model.get_weights()
    want = [
        net[0].weight.detach().numpy().T,
        net[0].bias.detach().numpy(),
        net[2].weight.detach().numpy().T,
        net[2].bias.detach().numpy(),
    ]
    for got, ref in zip((k1, b1, k2, b2), want, strict=True):
        assert got.dtype == np.float32 and ref.dtype == np.float32
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-3)
    # The trained models give the same loss on all the training images.
    final = model.evaluate(x, y, batch_size=len(x), verbose=0)
    final = final[0] if isinstance(final, (list, tuple)) else final
    with torch.no_grad():
        ref_final = float(
            torch.nn.functional.cross_entropy(net(torch.from_numpy(x)), torch.from_numpy(y))
        )
    assert final == pytest.approx(ref_final, rel=1e-3)


def test_adam_matches_torch(mnist):
    x, y = mnist
    model = numnet_model()
    net = torch_twin(model)
    # Keras's Adam folds the bias correction into the step size,
    #   w -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + eps),
    # torch's divides by  sqrt(v / (1 - beta_2^t)) + eps_torch.  The two are the same rule when
    # eps_torch = eps / sqrt(1 - beta_2^t), i.e. Keras's epsilon is torch's scaled by
    # sqrt(1 - beta_2^t) (0.03 at t = 1, 0.3 at t = 100). A constant eps_torch = 1e-7 is not a
    # negligible difference here: MNIST's edge pixels give gradients of 1e-7 to 1e-5, where the
    # two denominators differ several-fold, and after 100 steps some weights differ by ~0.02.
    # torch reads ``eps`` from its param group at every step, so it is set per step to match.
    lr, beta_1, beta_2, eps = 1e-3, 0.9, 0.999, 1e-7
    opt = torch.optim.Adam(net.parameters(), lr=lr, betas=(beta_1, beta_2), eps=eps, foreach=False)

    def update(params, step):
        opt.param_groups[0]["eps"] = eps / math.sqrt(1 - beta_2 ** (step + 1))
        opt.step()

    torch_losses = train_torch(net, update, x, y)
    numnet_losses = train_numnet(
        model, optimizers.Adam(learning_rate=lr, beta_1=beta_1, beta_2=beta_2, epsilon=eps), x, y
    )
    assert_same_run(model, net, numnet_losses, torch_losses, x, y)


def test_sgd_momentum_matches_torch(mnist):
    x, y = mnist
    model = numnet_model(1)
    net = torch_twin(model)
    # torch: buf = mu * buf + g; w -= lr * buf.  Keras: velocity = mu * velocity - lr * g;
    # w += velocity.  With a constant lr, velocity = -lr * buf at every step: the same weights.
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, foreach=False)
    torch_losses = train_torch(net, torch_optimizer_step(opt), x, y)
    numnet_losses = train_numnet(model, optimizers.SGD(learning_rate=0.01, momentum=0.9), x, y)
    assert_same_run(model, net, numnet_losses, torch_losses, x, y)


def test_rmsprop_matches_keras_rule_on_torch_gradients(mnist):
    """torch.optim.RMSprop puts epsilon outside the root, w -= lr * g / (sqrt(v) + eps), where
    Keras (and numnet) use w -= lr * g / sqrt(v + eps): with eps = 1e-7 that is an epsilon of
    sqrt(1e-7) ~ 3e-4 next to sqrt(v), which changes the step of every weight whose gradient is
    below ~1e-3, and on MNIST many are. So torch supplies the gradients and Keras's rule is
    written out here on torch tensors."""
    x, y = mnist
    model = numnet_model(2)
    net = torch_twin(model)
    lr, rho, eps = 1e-3, 0.9, 1e-7
    velocity = [torch.zeros_like(p) for p in net.parameters()]

    def keras_rmsprop(params, step):
        with torch.no_grad():
            for p, v in zip(params, velocity, strict=True):
                v.mul_(rho).add_((1 - rho) * p.grad**2)
                p.sub_(lr * p.grad / torch.sqrt(v + eps))

    torch_losses = train_torch(net, keras_rmsprop, x, y)
    numnet_losses = train_numnet(
        model, optimizers.RMSprop(learning_rate=lr, rho=rho, epsilon=eps), x, y
    )
    assert_same_run(model, net, numnet_losses, torch_losses, x, y)


def test_rmsprop_matches_torch_with_epsilon_moved_inside(mnist):
    """torch's RMSprop, eps outside the root, against numnet's with eps^2 inside it.

    0 <= (sqrt(v) + eps) - sqrt(v + eps^2) <= eps, so the two steps of a weight differ by a
    relative amount below eps / sqrt(v), and sqrt(v) >= sqrt(1 - rho) * |g| once a gradient g
    has been seen. With eps = 1e-10 that is below 1e-3 for every |g| above ~3e-7. Smaller
    gradients come only from the rare faint edge pixels, and each such step moves a weight by
    at most lr / sqrt(1 - rho) in either run, so the same 1e-3 tolerances hold.
    """
    x, y = mnist
    model = numnet_model(3)
    net = torch_twin(model)
    lr, rho, eps = 1e-3, 0.9, 1e-10
    opt = torch.optim.RMSprop(net.parameters(), lr=lr, alpha=rho, eps=eps, foreach=False)
    torch_losses = train_torch(net, torch_optimizer_step(opt), x, y)
    numnet_losses = train_numnet(
        model, optimizers.RMSprop(learning_rate=lr, rho=rho, epsilon=eps**2), x, y
    )
    assert_same_run(model, net, numnet_losses, torch_losses, x, y)
