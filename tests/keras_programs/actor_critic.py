"""After the keras.io example "Actor Critic Method": one model with two heads (the actor's
action probabilities and the critic's value), run step by step inside one tf.GradientTape for a
whole episode; the per-step log-probabilities and values are kept in Python lists, the loss is
Python's sum() of per-step actor losses and Huber critic losses, and tape.gradient turns it into
one update. A last tape takes the gradient of a list of two losses, which TensorFlow adds.

The environment is CartPole (Gym's CartPole-v1 dynamics) written in NumPy. The weights start
from a fixed NumPy draw and the actions are drawn by NumPy, so the run is Keras's to rounding.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops


class CartPole:
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def reset(self):
        self.state = self.rng.uniform(-0.05, 0.05, size=(4,))
        return self.state.astype("float32"), {}

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        total_mass = self.masscart + self.masspole
        polemass_length = self.masspole * self.length
        costheta, sintheta = np.cos(theta), np.sin(theta)
        temp = (force + polemass_length * theta_dot**2 * sintheta) / total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta**2 / total_mass)
        )
        xacc = temp - polemass_length * thetaacc * costheta / total_mass
        x, x_dot = x + self.tau * x_dot, x_dot + self.tau * xacc
        theta, theta_dot = theta + self.tau * theta_dot, theta_dot + self.tau * thetaacc
        self.state = np.array([x, x_dot, theta, theta_dot])
        done = bool(abs(x) > 2.4 or abs(theta) > 12 * 2 * np.pi / 360)
        return self.state.astype("float32"), 1.0, done, False, {}


seed = 42
gamma = 0.99
max_steps_per_episode = 60
env = CartPole(seed)
rng = np.random.default_rng(seed)
eps = np.finfo(np.float32).eps.item()

num_inputs = 4
num_actions = 2
num_hidden = 32

inputs = layers.Input(shape=(num_inputs,))
common = layers.Dense(num_hidden, activation="relu")(inputs)
action = layers.Dense(num_actions, activation="softmax")(common)
critic = layers.Dense(1)(common)
model = keras.Model(inputs=inputs, outputs=[action, critic])
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])

optimizer = keras.optimizers.Adam(learning_rate=0.01)
huber_loss = keras.losses.Huber()
action_probs_history = []
critic_value_history = []
rewards_history = []
running_reward = 0
episode_count = 0
episode_rewards, losses = [], []

while episode_count < 8:
    state = env.reset()[0]
    episode_reward = 0
    with tf.GradientTape() as tape:
        for _timestep in range(1, max_steps_per_episode):
            state = ops.convert_to_tensor(state)
            state = ops.expand_dims(state, 0)

            action_probs, critic_value = model(state)
            critic_value_history.append(critic_value[0, 0])

            probabilities = np.squeeze(ops.convert_to_numpy(action_probs)).astype("float64")
            action = rng.choice(num_actions, p=probabilities / probabilities.sum())
            action_probs_history.append(ops.log(action_probs[0, action]))

            state, reward, done, *_ = env.step(action)
            rewards_history.append(reward)
            episode_reward += reward

            if done:
                break

        running_reward = 0.05 * episode_reward + (1 - 0.05) * running_reward

        returns = []
        discounted_sum = 0
        for r in rewards_history[::-1]:
            discounted_sum = r + gamma * discounted_sum
            returns.insert(0, discounted_sum)

        returns = np.array(returns)
        returns = (returns - np.mean(returns)) / (np.std(returns) + eps)
        returns = returns.tolist()

        history = zip(action_probs_history, critic_value_history, returns)
        actor_losses = []
        critic_losses = []
        for log_prob, value, ret in history:
            diff = ret - value
            actor_losses.append(-log_prob * diff)
            critic_losses.append(huber_loss(ops.expand_dims(value, 0), ops.expand_dims(ret, 0)))

        loss_value = sum(actor_losses) + sum(critic_losses)
    grads = tape.gradient(loss_value, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))

    action_probs_history.clear()
    critic_value_history.clear()
    rewards_history.clear()

    episode_count += 1
    episode_rewards.append(episode_reward)
    losses.append(float(ops.convert_to_numpy(loss_value)))

# The gradient of a list of targets is the gradient of their sum.
probe = ops.convert_to_tensor(np.array([[0.02, -0.01, 0.03, 0.0]], "float32"))
with tf.GradientTape(persistent=True) as tape:
    probs, value = model(probe)
    actor_part = -ops.log(probs[0, 1])
    critic_part = ops.square(value[0, 0] - 1.0)
    total = actor_part + critic_part
listed = tape.gradient([actor_part, critic_part], model.trainable_variables)
summed = tape.gradient(total, model.trainable_variables)
del tape
list_gap = max(
    float(np.max(np.abs(ops.convert_to_numpy(a) - ops.convert_to_numpy(b))))
    for a, b in zip(listed, summed)
)

RESULT = {
    "running_reward": float(running_reward),
    "episodes": float(episode_count),
    "list_gap": list_gap,
    "grad_norm": float(
        np.sqrt(sum(float(np.sum(ops.convert_to_numpy(g) ** 2)) for g in summed))
    ),
    "probe_probability": float(ops.convert_to_numpy(probs)[0, 1]),
    "probe_value": float(ops.convert_to_numpy(value)[0, 0]),
}
for i, (reward, loss) in enumerate(zip(episode_rewards, losses)):
    RESULT[f"episode_reward_{i}"] = float(reward)
    RESULT[f"episode_loss_{i}"] = loss
print(RESULT)
