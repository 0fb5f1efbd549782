"""numnet and PyTorch train the same MNIST network from the same weights on the same batches.

The model is 784-32-10 (Dense 32 relu, Dense 10, softmax cross-entropy from the logits); the
batches are 200 batches of 16 bundled MNIST images in a fixed order, float32 on both sides.
Each optimizer trains 200 steps in both libraries. Where Keras and PyTorch define the same rule,
torch.optim does the PyTorch side; where they differ, the test says how and either maps the
hyper-parameters so that the rules coincide, or writes Keras's rule out by hand on torch
tensors (torch then only supplies the gradients). Checked: the loss of every step agrees to
1e-3 relative, every weight to 1e-3 absolute, and the final loss on all 3,200 images to 1e-3
relative.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import numnet
from numnet import optimizers

torch = pytest.importorskip("torch", reason="the cross-check against PyTorch needs torch")

STEPS, BATCH, HIDDEN = 200, 16, 32


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    # The matrices are small: one thread is fastest, and does not slow down on a busy machine.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
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
            numnet.layers.Dense(HIDDEN, activation="relu", input_shape=(784,)),
            numnet.layers.Dense(10),
        ]
    )
    model.build((None, 784))
    return model


def torch_twin(model):
    """torch.nn layers holding numnet's initial weights (numnet kernel is (in, out); torch's
    weight is (out, in))."""
    k1, b1, k2, b2 = model.get_weights()
    net = torch.nn.Sequential(
        torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10)
    )
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


def torch_step(optimizer):
    def update(params, step):
        optimizer.step()

    return update


def assert_same_run(model, net, numnet_losses, torch_losses, x, y):
    assert np.all(np.isfinite(numnet_losses))
    # Training did something: the loss fell well below its start (log(10) = 2.30).
    assert numnet_losses[0] > 2.0 and numnet_losses[-20:].mean() < 0.75 * numnet_losses[0]
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


def check(mnist, seed, numnet_optimizer, make_torch_update):
    """Train both sides from the same weights; ``make_torch_update(net)`` gives the update."""
    x, y = mnist
    model = numnet_model(seed)
    net = torch_twin(model)
    torch_losses = train_torch(net, make_torch_update(net), x, y)
    numnet_losses = train_numnet(model, numnet_optimizer, x, y)
    assert_same_run(model, net, numnet_losses, torch_losses, x, y)


# ----- the same rule in both libraries -----
def test_sgd_matches_torch(mnist):
    check(
        mnist,
        0,
        optimizers.SGD(learning_rate=0.1),
        lambda net: torch_step(torch.optim.SGD(net.parameters(), lr=0.1)),
    )


def test_sgd_momentum_matches_torch(mnist):
    # torch: buf = mu * buf + g; w -= lr * buf.  Keras: velocity = mu * velocity - lr * g;
    # w += velocity.  With a constant lr, velocity = -lr * buf at every step: the same weights.
    check(
        mnist,
        1,
        optimizers.SGD(learning_rate=0.02, momentum=0.9),
        lambda net: torch_step(torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9)),
    )


def test_nesterov_matches_torch(mnist):
    # torch: buf = mu * buf + g; w -= lr * (g + mu * buf).  Keras: velocity = mu * velocity
    # - lr * g; w += mu * velocity - lr * g.  With velocity = -lr * buf, the same step.
    check(
        mnist,
        2,
        optimizers.SGD(learning_rate=0.02, momentum=0.9, nesterov=True),
        lambda net: torch_step(
            torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9, nesterov=True)
        ),
    )


def test_adadelta_matches_torch(mnist):
    # The same rule, rms(x) = sqrt(x + eps) on both sides; only the defaults differ
    # (Keras: learning_rate=0.001, rho=0.95, epsilon=1e-7; torch: lr=1.0, rho=0.9, eps=1e-6).
    check(
        mnist,
        3,
        optimizers.Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-7),
        lambda net: torch_step(
            torch.optim.Adadelta(net.parameters(), lr=1.0, rho=0.95, eps=1e-7)
        ),
    )


def test_nadam_matches_torch_with_keras_momentum_schedule(mnist):
    # Keras's momentum schedule is mu_t = beta_1 * (1 - 0.5 * 0.96^t); torch's (Dozat's) is
    # beta_1 * (1 - 0.5 * 0.96^(t * momentum_decay)) with momentum_decay = 0.004 by default,
    # so torch's momentum_decay=1.0 is Keras's schedule. The rest is the same rule: epsilon
    # outside sqrt(v_hat), the same mu products in m_hat.
    check(
        mnist,
        4,
        optimizers.Nadam(learning_rate=0.002, epsilon=1e-7),
        lambda net: torch_step(
            torch.optim.NAdam(net.parameters(), lr=0.002, eps=1e-7, momentum_decay=1.0)
        ),
    )


def test_adagrad_matches_torch(mnist):
    # torch divides by sqrt(accumulator) + eps, Keras by sqrt(accumulator + eps). Both
    # accumulators start at 0.1 here (torch's initial_accumulator_value defaults to 0), so
    # sqrt(accumulator) >= 0.316 and the two denominators differ by less than eps / 0.316
    # relative (3e-7): the same rule to float32 precision.
    check(
        mnist,
        5,
        optimizers.Adagrad(learning_rate=0.05, initial_accumulator_value=0.1, epsilon=1e-7),
        lambda net: torch_step(
            torch.optim.Adagrad(
                net.parameters(), lr=0.05, initial_accumulator_value=0.1, eps=1e-7
            )
        ),
    )


# ----- Adam's family: Keras's epsilon sits inside the bias correction -----
def adam_update(optimizer, eps, beta_2):
    """Keras's Adam folds the bias correction into the step size,
      w -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + eps),
    torch's divides by  sqrt(v / (1 - beta_2^t)) + eps_torch.  The two are the same rule when
    eps_torch = eps / sqrt(1 - beta_2^t). A constant eps_torch is not a negligible difference:
    MNIST's edge pixels give gradients of 1e-7 to 1e-5, where the two denominators differ
    several-fold. torch reads ``eps`` from its param group at every step, so it is set per step.
    """

    def update(params, step):
        optimizer.param_groups[0]["eps"] = eps / math.sqrt(1 - beta_2 ** (step + 1))
        optimizer.step()

    return update


@pytest.mark.parametrize("amsgrad", [False, True], ids=["adam", "amsgrad"])
def test_adam_matches_torch(mnist, amsgrad):
    lr, beta_1, beta_2, eps = 1e-3, 0.9, 0.999, 1e-7
    check(
        mnist,
        6 + amsgrad,
        optimizers.Adam(
            learning_rate=lr, beta_1=beta_1, beta_2=beta_2, epsilon=eps, amsgrad=amsgrad
        ),
        lambda net: adam_update(
            torch.optim.Adam(
                net.parameters(), lr=lr, betas=(beta_1, beta_2), eps=eps, amsgrad=amsgrad
            ),
            eps,
            beta_2,
        ),
    )


def test_adamw_matches_torch(mnist):
    # Both decay decoupled, before Adam's step: w = w - lr * weight_decay * w (Keras) and
    # w = w * (1 - lr * weight_decay) (torch); epsilon as for Adam.
    lr, wd, eps = 1e-3, 0.05, 1e-7
    check(
        mnist,
        8,
        optimizers.AdamW(learning_rate=lr, weight_decay=wd, epsilon=eps),
        lambda net: adam_update(
            torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=wd, eps=eps), eps, 0.999
        ),
    )


# ----- RMSprop: Keras's epsilon sits inside the root -----
def test_rmsprop_matches_keras_rule_on_torch_gradients(mnist):
    """torch.optim.RMSprop puts epsilon outside the root, w -= lr * g / (sqrt(v) + eps), where
    Keras (and numnet) use w -= lr * g / sqrt(v + eps): with eps = 1e-7 that is an epsilon of
    sqrt(1e-7) ~ 3e-4 next to sqrt(v), which changes the step of every weight whose gradient is
    below ~1e-3, and on MNIST many are. So torch supplies the gradients and Keras's rule is
    written out here on torch tensors."""
    lr, rho, eps = 1e-3, 0.9, 1e-7

    def make(net):
        velocity = [torch.zeros_like(p) for p in net.parameters()]

        def keras_rmsprop(params, step):
            with torch.no_grad():
                for p, v in zip(params, velocity, strict=True):
                    v.mul_(rho).add_((1 - rho) * p.grad**2)
                    p.sub_(lr * p.grad / torch.sqrt(v + eps))

        return keras_rmsprop

    check(mnist, 9, optimizers.RMSprop(learning_rate=lr, rho=rho, epsilon=eps), make)


@pytest.mark.parametrize("centered", [False, True], ids=["plain", "centered"])
def test_rmsprop_matches_torch_with_epsilon_moved_inside(mnist, centered):
    """torch's RMSprop, eps outside the root, against numnet's with eps^2 inside it.

    0 <= (sqrt(v) + eps) - sqrt(v + eps^2) <= eps, so the two steps of a weight differ by a
    relative amount below eps / sqrt(v), and sqrt(v) >= sqrt(1 - rho) * |g| once a gradient g
    has been seen (centered: the variance estimate v - average^2 >= rho * (1 - rho) * g^2 on
    the first step). With eps = 1e-10 that is below 1e-3 for every |g| above ~1e-6. Smaller
    gradients come only from the rare faint edge pixels, and each such step moves a weight by
    at most about lr / sqrt(1 - rho) in either run, so the same tolerances hold.
    """
    lr, rho, eps = 1e-3, 0.9, 1e-10
    check(
        mnist,
        10 + centered,
        optimizers.RMSprop(learning_rate=lr, rho=rho, epsilon=eps**2, centered=centered),
        lambda net: torch_step(
            torch.optim.RMSprop(net.parameters(), lr=lr, alpha=rho, eps=eps, centered=centered)
        ),
    )


def test_rmsprop_centered_matches_keras_rule_on_torch_gradients(mnist):
    """Keras's centered rule at its default epsilon, written out on torch tensors."""
    lr, rho, eps = 1e-3, 0.9, 1e-7

    def make(net):
        velocity = [torch.zeros_like(p) for p in net.parameters()]
        average = [torch.zeros_like(p) for p in net.parameters()]

        def keras_centered(params, step):
            with torch.no_grad():
                for p, v, a in zip(params, velocity, average, strict=True):
                    v.mul_(rho).add_((1 - rho) * p.grad**2)
                    a.mul_(rho).add_((1 - rho) * p.grad)
                    p.sub_(lr * p.grad / torch.sqrt(v - a**2 + eps))

        return keras_centered

    check(mnist, 12, optimizers.RMSprop(lr, rho=rho, epsilon=eps, centered=True), make)


# ----- Adamax: Keras adds epsilon to u, torch to |g| inside the maximum -----
def test_adamax_matches_keras_rule_on_torch_gradients(mnist):
    """torch: u = max(beta_2 * u, |g| + eps); w -= lr / (1 - beta_1^t) * m / u.  Keras:
    u = max(beta_2 * u, |g|); w -= lr * m / ((1 - beta_1^t) * (u + eps)).  They differ for
    gradients near eps, so Keras's rule is written out here on torch tensors."""
    lr, beta_1, beta_2, eps = 2e-3, 0.9, 0.999, 1e-7

    def make(net):
        m = [torch.zeros_like(p) for p in net.parameters()]
        u = [torch.zeros_like(p) for p in net.parameters()]

        def keras_adamax(params, step):
            with torch.no_grad():
                for p, m_, u_ in zip(params, m, u, strict=True):
                    m_.add_((p.grad - m_) * (1 - beta_1))
                    u_.copy_(torch.maximum(beta_2 * u_, p.grad.abs()))
                    p.sub_(lr * m_ / ((1 - beta_1 ** (step + 1)) * (u_ + eps)))

        return keras_adamax

    check(mnist, 13, optimizers.Adamax(lr, beta_1=beta_1, beta_2=beta_2, epsilon=eps), make)


def test_adamax_matches_torch_as_epsilon_vanishes(mnist):
    """With eps = 1e-30 both rules are Kingma and Ba's (no epsilon) wherever a gradient is not
    exactly zero; where it is, m and u stay 0 in both and the step is 0."""
    check(
        mnist,
        14,
        optimizers.Adamax(learning_rate=2e-3, epsilon=1e-30),
        lambda net: torch_step(torch.optim.Adamax(net.parameters(), lr=2e-3, eps=1e-30)),
    )
