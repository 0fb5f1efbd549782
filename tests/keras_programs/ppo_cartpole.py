"""After the keras.io example "Proximal Policy Optimization" on CartPole: discounted cumulative
sums with scipy.signal.lfilter, a Buffer class that computes GAE-lambda advantages and
normalizes them, actor and critic MLPs built functionally (keras.ops.squeeze of the critic's
output), log-probabilities from keras.ops.log_softmax and one_hot, @tf.function
sample_action (keras.random.categorical with a SeedGenerator), train_policy (the clipped
surrogate: ops.exp of the log-ratio, ops.where on the advantage's sign, ops.minimum, an early
stop on the approximate KL) and train_value_function, each a GradientTape and
apply_gradients.

The environment is a small cart-pole of our own with the classic equations (the example takes
Gymnasium's CartPole-v1); episodes end at 200 steps. The sampled actions are each library's
own draws, so the comparison with Keras is on the learning (the returns grow).
"""

import numpy as np
import scipy.signal

import numnet as keras
import numnet as tf
from numnet import layers


class CartPole:
    """The classic cart-pole: state (x, x_dot, theta, theta_dot), actions 0 (push left) and
    1 (push right), reward 1 a step until the pole passes 12 degrees or the cart 2.4 units."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def reset(self):
        self.state = self.rng.uniform(-0.05, 0.05, size=4)
        self.steps = 0
        return self.state.astype("float32"), {}

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = 10.0 if action == 1 else -10.0
        cos, sin = np.cos(theta), np.sin(theta)
        temp = (force + 0.05 * theta_dot**2 * sin) / 1.1
        theta_acc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos**2 / 1.1))
        x_acc = temp - 0.05 * theta_acc * cos / 1.1
        x, x_dot = x + 0.02 * x_dot, x_dot + 0.02 * x_acc
        theta, theta_dot = theta + 0.02 * theta_dot, theta_dot + 0.02 * theta_acc
        self.state = np.array([x, x_dot, theta, theta_dot])
        self.steps += 1
        done = bool(abs(x) > 2.4 or abs(theta) > 12 * 2 * np.pi / 360 or self.steps >= 200)
        return self.state.astype("float32"), 1.0, done, False, {}


def discounted_cumulative_sums(x, discount):
    # Discounted cumulative sums of vectors for computing rewards-to-go and advantage estimates
    return scipy.signal.lfilter([1], [1, float(-discount)], x[::-1], axis=0)[::-1]


class Buffer:
    # Buffer for storing trajectories
    def __init__(self, observation_dimensions, size, gamma=0.99, lam=0.95):
        self.observation_buffer = np.zeros((size, observation_dimensions), dtype=np.float32)
        self.action_buffer = np.zeros(size, dtype=np.int32)
        self.advantage_buffer = np.zeros(size, dtype=np.float32)
        self.reward_buffer = np.zeros(size, dtype=np.float32)
        self.return_buffer = np.zeros(size, dtype=np.float32)
        self.value_buffer = np.zeros(size, dtype=np.float32)
        self.logprobability_buffer = np.zeros(size, dtype=np.float32)
        self.gamma, self.lam = gamma, lam
        self.pointer, self.trajectory_start_index = 0, 0

    def store(self, observation, action, reward, value, logprobability):
        self.observation_buffer[self.pointer] = observation
        self.action_buffer[self.pointer] = action
        self.reward_buffer[self.pointer] = reward
        self.value_buffer[self.pointer] = value
        self.logprobability_buffer[self.pointer] = logprobability
        self.pointer += 1

    def finish_trajectory(self, last_value=0):
        path_slice = slice(self.trajectory_start_index, self.pointer)
        rewards = np.append(self.reward_buffer[path_slice], last_value)
        values = np.append(self.value_buffer[path_slice], last_value)

        deltas = rewards[:-1] + self.gamma * values[1:] - values[:-1]

        self.advantage_buffer[path_slice] = discounted_cumulative_sums(
            deltas, self.gamma * self.lam)
        self.return_buffer[path_slice] = discounted_cumulative_sums(rewards, self.gamma)[:-1]

        self.trajectory_start_index = self.pointer

    def get(self):
        self.pointer, self.trajectory_start_index = 0, 0
        advantage_mean, advantage_std = (np.mean(self.advantage_buffer),
                                         np.std(self.advantage_buffer))
        self.advantage_buffer = (self.advantage_buffer - advantage_mean) / advantage_std
        return (self.observation_buffer, self.action_buffer, self.advantage_buffer,
                self.return_buffer, self.logprobability_buffer)


def mlp(x, sizes, activation=keras.activations.tanh, output_activation=None):
    for size in sizes[:-1]:
        x = layers.Dense(units=size, activation=activation)(x)
    return layers.Dense(units=sizes[-1], activation=output_activation)(x)


def logprobabilities(logits, a):
    logprobabilities_all = keras.ops.log_softmax(logits)
    logprobability = keras.ops.sum(
        keras.ops.one_hot(a, num_actions) * logprobabilities_all, axis=1)
    return logprobability


keras.utils.set_random_seed(7)
seed_generator = keras.random.SeedGenerator(1337)


@tf.function
def sample_action(observation):
    logits = actor(observation)
    action = keras.ops.squeeze(keras.random.categorical(logits, 1, seed=seed_generator), axis=1)
    return logits, action


@tf.function
def train_policy(observation_buffer, action_buffer, logprobability_buffer, advantage_buffer):
    with tf.GradientTape() as tape:
        ratio = keras.ops.exp(logprobabilities(actor(observation_buffer), action_buffer)
                              - logprobability_buffer)
        min_advantage = keras.ops.where(advantage_buffer > 0,
                                        (1 + clip_ratio) * advantage_buffer,
                                        (1 - clip_ratio) * advantage_buffer)
        policy_loss = -keras.ops.mean(keras.ops.minimum(ratio * advantage_buffer,
                                                        min_advantage))
    policy_grads = tape.gradient(policy_loss, actor.trainable_variables)
    policy_optimizer.apply_gradients(zip(policy_grads, actor.trainable_variables))

    kl = keras.ops.mean(logprobability_buffer
                        - logprobabilities(actor(observation_buffer), action_buffer))
    kl = keras.ops.sum(kl)
    return kl


@tf.function
def train_value_function(observation_buffer, return_buffer):
    with tf.GradientTape() as tape:
        value_loss = keras.ops.mean((return_buffer - critic(observation_buffer)) ** 2)
    value_grads = tape.gradient(value_loss, critic.trainable_variables)
    value_optimizer.apply_gradients(zip(value_grads, critic.trainable_variables))


# Hyperparameters of the PPO algorithm
steps_per_epoch = 400
epochs = 6
gamma = 0.99
clip_ratio = 0.2
policy_learning_rate = 3e-3
value_function_learning_rate = 1e-2
train_policy_iterations = 20
train_value_iterations = 20
lam = 0.97
target_kl = 0.01
hidden_sizes = (16, 16)

env = CartPole(seed=0)
observation_dimensions = 4
num_actions = 2

buffer = Buffer(observation_dimensions, steps_per_epoch)

observation_input = keras.Input(shape=(observation_dimensions,), dtype="float32")
logits = mlp(observation_input, list(hidden_sizes) + [num_actions])
actor = keras.Model(inputs=observation_input, outputs=logits)
value = keras.ops.squeeze(mlp(observation_input, list(hidden_sizes) + [1]), axis=1)
critic = keras.Model(inputs=observation_input, outputs=value)

policy_optimizer = keras.optimizers.Adam(learning_rate=policy_learning_rate)
value_optimizer = keras.optimizers.Adam(learning_rate=value_function_learning_rate)

observation, _ = env.reset()
episode_return, episode_length = 0, 0
mean_returns, policy_steps, early_stops = [], 0, 0

for epoch in range(epochs):
    sum_return = 0
    sum_length = 0
    num_episodes = 0

    for t in range(steps_per_epoch):
        observation = observation.reshape(1, -1)
        logits, action = sample_action(observation)
        observation_new, reward, done, _, _ = env.step(action[0].numpy())
        episode_return += reward
        episode_length += 1

        value_t = critic(observation)
        logprobability_t = logprobabilities(logits, action)

        # (one element each: NumPy 2 no longer sets an element from a one-element array)
        buffer.store(observation, action[0], reward, value_t[0], logprobability_t[0])

        observation = observation_new

        terminal = done
        if terminal or (t == steps_per_epoch - 1):
            last_value = 0 if done else critic(observation.reshape(1, -1))
            buffer.finish_trajectory(last_value)
            sum_return += episode_return
            sum_length += episode_length
            num_episodes += 1
            observation, _ = env.reset()
            episode_return, episode_length = 0, 0

    (observation_buffer, action_buffer, advantage_buffer, return_buffer,
     logprobability_buffer) = buffer.get()

    for _ in range(train_policy_iterations):
        kl = train_policy(observation_buffer, action_buffer, logprobability_buffer,
                          advantage_buffer)
        policy_steps += 1
        if kl > 1.5 * target_kl:
            early_stops += 1
            break

    for _ in range(train_value_iterations):
        train_value_function(observation_buffer, return_buffer)

    mean_returns.append(sum_return / num_episodes)
    print(f" Epoch: {epoch + 1}. Mean Return: {sum_return / num_episodes}. "
          f"Mean Length: {sum_length / num_episodes}")

probe = np.zeros((1, 4), "float32")
RESULT = {
    "first_mean_return": float(mean_returns[0]),
    "best_late_return": float(max(mean_returns[-2:])),
    "policy_steps": float(policy_steps),
    "value_iterations": float(value_optimizer.iterations.numpy()),
    "policy_iterations_match": float(policy_optimizer.iterations.numpy() == policy_steps),
    "actor_params": float(actor.count_params()),
    "critic_params": float(critic.count_params()),
    "lfilter_check": float(discounted_cumulative_sums(np.array([1.0, 1.0, 1.0]), 0.5)[0]),
    "logprob_sum": float(keras.ops.sum(keras.ops.exp(logprobabilities(
        keras.ops.convert_to_tensor([[0.3, -0.2], [0.3, -0.2]]), np.array([0, 1]))))),
    "critic_output_rank": float(len(critic(probe).shape)),
}
print(RESULT)
