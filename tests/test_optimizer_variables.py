"""optimizer.variables as Keras 3 lists them: iteration, learning_rate (unless the rate is a
schedule), the moving averages of use_ema, then the slots in Keras's order and names
(``<weight's path>_<slot>``), each a view of the optimizer's state; model.summary() counts
them as "Optimizer params". The names are Keras 3.15's for the same model (JAX backend)."""

import numpy as np
import pytest

import numnet
from numnet import layers

X = np.ones((4, 3), "float32")
Y = np.zeros((4, 2), "float32")


def trained(optimizer):
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(2, name="dense")],
                              name="seq")
    model.compile(optimizer, "mse")
    model.fit(X, Y, epochs=2, verbose=0)
    return model


def slots(kernel_first: list, bias_first: list) -> list:
    return [f"seq_dense_kernel_{n}" for n in kernel_first] + [
        f"seq_dense_bias_{n}" for n in bias_first]


@pytest.mark.parametrize("name, kwargs, expected", [
    ("Adam", {}, ["seq_dense_kernel_momentum", "seq_dense_kernel_velocity",
                  "seq_dense_bias_momentum", "seq_dense_bias_velocity"]),
    ("Adam", {"amsgrad": True},  # Keras makes the velocity_hat slots after the others
     ["seq_dense_kernel_momentum", "seq_dense_kernel_velocity", "seq_dense_bias_momentum",
      "seq_dense_bias_velocity", "seq_dense_kernel_velocity_hat", "seq_dense_bias_velocity_hat"]),
    ("SGD", {"momentum": 0.9}, ["seq_dense_kernel_momentum", "seq_dense_bias_momentum"]),
    ("SGD", {}, []),
    ("RMSprop", {"momentum": 0.5},  # a group per slot: the velocities, then the momentums
     ["seq_dense_kernel_velocity", "seq_dense_bias_velocity", "seq_dense_kernel_momentum",
      "seq_dense_bias_momentum"]),
    ("Adamax", {}, ["seq_dense_kernel_momentum", "seq_dense_kernel_norm",
                    "seq_dense_bias_momentum", "seq_dense_bias_norm"]),
    ("Adagrad", {}, ["seq_dense_kernel_accumulator", "seq_dense_bias_accumulator"]),
    ("Ftrl", {}, ["seq_dense_kernel_accumulator", "seq_dense_kernel_linear",
                  "seq_dense_bias_accumulator", "seq_dense_bias_linear"]),
    ("Lion", {}, ["seq_dense_kernel_momentum", "seq_dense_bias_momentum"]),
    ("SGD", {"use_ema": True}, ["seq_dense_kernel_average", "seq_dense_bias_average"]),
])
def test_names_and_order_are_kerass(name, kwargs, expected):
    optimizer = getattr(numnet.optimizers, name)(**kwargs)
    trained(optimizer)
    prefix = optimizer.name
    assert [v.name for v in optimizer.variables] == ["iteration", "learning_rate", *expected]
    assert [v.path for v in optimizer.variables] == [
        f"{prefix}/{n}" for n in ["iteration", "learning_rate", *expected]]


def test_a_schedule_keeps_no_learning_rate_variable():
    schedule = numnet.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    optimizer = numnet.optimizers.SGD(schedule)
    trained(optimizer)
    assert [v.name for v in optimizer.variables] == ["iteration"]


def test_the_variables_are_views_of_the_state():
    optimizer = numnet.optimizers.SGD(0.1, momentum=0.9)
    model = trained(optimizer)
    iteration, rate, kernel_momentum, _ = optimizer.variables
    assert int(iteration.numpy()) == 2 and float(rate.numpy()) == pytest.approx(0.1)
    kernel_momentum.assign(np.ones((3, 2), "float32"))
    np.testing.assert_array_equal(optimizer.variables[2].numpy(), np.ones((3, 2)))
    rate.assign(0.5)
    assert float(optimizer.learning_rate.numpy()) == 0.5
    # the next step uses them: v = 0.9 * 1 - 0.5 * g, w = w + v (g of mse at the weights)
    kernel = model.layers[0].kernel.numpy()
    out = X @ kernel + model.layers[0].bias.numpy()
    grad = X.T @ (2 * out / out.size)
    model.train_on_batch(X, Y)
    np.testing.assert_allclose(model.layers[0].kernel.numpy(), kernel + 0.9 - 0.5 * grad,
                               rtol=1e-5)


def test_summary_counts_the_optimizer_params():
    lines = []
    trained(numnet.optimizers.Adam(0.01)).summary(print_fn=lines.append)
    text = "\n".join(lines)
    # 8 weights; Adam's iteration (1) and learning rate (1) and two slots of 8
    assert " Total params: 26 " in text and " Trainable params: 8 " in text
    assert " Optimizer params: 18 " in text
