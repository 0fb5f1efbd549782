"""After the TensorFlow guide "Optimizers with Core APIs": gradient descent, gradient descent
with momentum and Adam written as tf.Modules, each tested for convergence on
L(x) = 2x^4 + 3x^3 + 2 from x = 2 (a steep start, a saddle at 0, the minimum at -9/8).
A grad helper of tf.GradientTape with tape.watch; a convergence test that stops on
tf.math.is_nan of the gradient (an explosion) or on a step that leaves the tf.Variable
unchanged (x_star == x_old against the value numpy() gave before the step), and records the
path; Adam keeps its moments as tf.Variables made on the first call and then rebinds them to
tensors, as the guide writes it. The contour grid of the guide's plot is built with
tf.range, tf.meshgrid and tf.math.log, without the plot.
"""

import numpy as np

import numnet as tf

# set random seed for reproducible results
tf.random.set_seed(22)


class GradientDescent(tf.Module):

    def __init__(self, learning_rate=1e-3):
        # Initialize parameters
        self.learning_rate = learning_rate
        self.title = f"Gradient descent optimizer: learning rate={self.learning_rate}"

    def apply_gradients(self, grads, vars):
        # Update variables
        for grad, var in zip(grads, vars):
            var.assign_sub(self.learning_rate * grad)


x_vals = tf.linspace(-2, 2, 201)
x_vals = tf.cast(x_vals, tf.float32)


def loss(x):
    return 2 * (x**4) + 3 * (x**3) + 2


def grad(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        result = f(x)
    return tape.gradient(result, x)


loss_curve = loss(x_vals)
grad_curve = grad(loss, x_vals)
# dL/dx = 8x^3 + 9x^2 on the grid, by hand
grad_curve_gap = float(tf.reduce_max(tf.abs(grad_curve - (8 * x_vals**3 + 9 * x_vals**2))))
loss_at_minimum = float(loss(-9 / 8))
loss_at_saddle = float(loss(0))


def convergence_test(optimizer, loss_fn, grad_fn=grad, init_val=2., max_iters=2000):
    # Function for optimizer convergence test
    print(optimizer.title)
    print("-------------------------------")
    # Initializing variables and structures
    x_star = tf.Variable(init_val)
    param_path = []
    converged = False

    for iter in range(1, max_iters + 1):
        x_grad = grad_fn(loss_fn, x_star)

        # Case for exploding gradient
        if tf.math.is_nan(x_grad):
            print(f"Gradient exploded at iteration {iter}\n")
            return []

        # Updating the variable and storing its old-version
        x_old = x_star.numpy()
        optimizer.apply_gradients([x_grad], [x_star])
        param_path.append(x_star.numpy())

        # Checking for convergence
        if x_star == x_old:
            print(f"Converged in {iter} iterations\n")
            converged = True
            break

    # Print early termination message
    if not converged:
        print(f"Exceeded maximum of {max_iters} iterations. Test terminated.\n")
    return param_path


param_map_gd = {}
learning_rates = [1e-3, 1e-2, 1e-1]
for learning_rate in learning_rates:
    param_map_gd[learning_rate] = (convergence_test(
        GradientDescent(learning_rate=learning_rate), loss_fn=loss))


def viz_paths(param_map, x_vals, loss_fn, title, max_iters=2000):
    # The contour grid of the loss function (the guide plots it with pcolormesh)
    t_vals = tf.range(1., max_iters + 100.)
    t_grid, x_grid = tf.meshgrid(t_vals, x_vals)
    loss_grid = tf.math.log(loss_fn(x_grid))
    ends = {}
    for learning_rate in param_map:
        param_path = param_map[learning_rate]
        if len(param_path) > 0:
            x_star = param_path[-1]
            ends[learning_rate] = (len(param_path), float(x_star))
    print(f"{title} parameter paths: {ends}")
    return t_grid, loss_grid


t_grid, loss_grid = viz_paths(param_map_gd, x_vals, loss, "Gradient descent")


class Momentum(tf.Module):

    def __init__(self, learning_rate=1e-3, momentum=0.7):
        # Initialize parameters
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.change = 0.
        self.title = f"Gradient descent optimizer: learning rate={self.learning_rate}"

    def apply_gradients(self, grads, vars):
        # Update variables
        for grad, var in zip(grads, vars):
            curr_change = self.learning_rate * grad + self.momentum * self.change
            var.assign_sub(curr_change)
            self.change = curr_change


param_map_mtm = {}
learning_rates = [1e-3, 1e-2, 1e-1]
for learning_rate in learning_rates:
    param_map_mtm[learning_rate] = (convergence_test(
        Momentum(learning_rate=learning_rate),
        loss_fn=loss, grad_fn=grad))

viz_paths(param_map_mtm, x_vals, loss, "Momentum")


class Adam(tf.Module):

    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, ep=1e-7):
        # Initialize the Adam parameters
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.learning_rate = learning_rate
        self.ep = ep
        self.t = 1.
        self.v_dvar, self.s_dvar = [], []
        self.title = f"Adam: learning rate={self.learning_rate}"
        self.built = False

    def apply_gradients(self, grads, vars):
        # Set up moment and RMSprop slots for each variable on the first call
        if not self.built:
            for var in vars:
                v = tf.Variable(tf.zeros(shape=var.shape))
                s = tf.Variable(tf.zeros(shape=var.shape))
                self.v_dvar.append(v)
                self.s_dvar.append(s)
            self.built = True
        # Perform Adam updates
        for i, (d_var, var) in enumerate(zip(grads, vars)):
            # Moment calculation
            self.v_dvar[i] = self.beta_1 * self.v_dvar[i] + (1 - self.beta_1) * d_var
            # RMSprop calculation
            self.s_dvar[i] = self.beta_2 * self.s_dvar[i] + (1 - self.beta_2) * tf.square(d_var)
            # Bias correction
            v_dvar_bc = self.v_dvar[i] / (1 - (self.beta_1**self.t))
            s_dvar_bc = self.s_dvar[i] / (1 - (self.beta_2**self.t))
            # Update model variables
            var.assign_sub(self.learning_rate * (v_dvar_bc / (tf.sqrt(s_dvar_bc) + self.ep)))
        # Increment the iteration counter
        self.t += 1.


param_map_adam = {}
learning_rates = [1e-3, 1e-2, 1e-1]
for learning_rate in learning_rates:
    param_map_adam[learning_rate] = (convergence_test(
        Adam(learning_rate=learning_rate), loss_fn=loss))

viz_paths(param_map_adam, x_vals, loss, "Adam")


def path_numbers(prefix, param_map):
    numbers = {}
    for name, learning_rate in (("small", 1e-3), ("medium", 1e-2), ("large", 1e-1)):
        path = param_map[learning_rate]
        numbers[f"{prefix}_{name}_steps"] = float(len(path))
        numbers[f"{prefix}_{name}_end"] = float(path[-1]) if path else 0.0
    return numbers


RESULT = {
    "grad_curve_gap": grad_curve_gap, "loss_at_minimum": loss_at_minimum,
    "loss_at_saddle": loss_at_saddle, "grid_rows": float(loss_grid.shape[0]),
    "grid_columns": float(loss_grid.shape[1]),
    "grid_first_t": float(t_grid[0, 0]), "grid_last_t": float(t_grid[-1, -1]),
    "grid_log_loss_at_2": float(loss_grid[-1, 0]),
    "path_is_numpy": float(isinstance(param_map_gd[1e-3][0], (np.ndarray, np.generic))),
    **path_numbers("gd", param_map_gd), **path_numbers("momentum", param_map_mtm),
    **path_numbers("adam", param_map_adam),
}
print(RESULT)
