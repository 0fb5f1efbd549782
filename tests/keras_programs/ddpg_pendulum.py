"""After the keras.io example "Deep Deterministic Policy Gradient (DDPG)": an actor and a critic,
each with a target copy; a replay buffer; Ornstein-Uhlenbeck exploration noise; the critic and
the actor updated by two tf.GradientTape blocks inside a tf.function, and the targets moved
towards them by soft updates (Variable.assign; Keras 3 hands its Variables to a tf.function as
tensors, so the update runs eagerly).

The environment is the inverted pendulum (Gym's Pendulum-v1 dynamics) written in NumPy. The
weights start from a fixed NumPy draw and every random choice is NumPy's, so the run is the same
as under Keras to rounding.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers


class Pendulum:
    """Gym's Pendulum-v1: observation (cos, sin, angular velocity), torque in [-2, 2]."""

    max_speed, max_torque, dt, g, m, length = 8.0, 2.0, 0.05, 10.0, 1.0, 1.0

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def reset(self):
        self.theta = self.rng.uniform(-np.pi, np.pi)
        self.theta_dot = self.rng.uniform(-1.0, 1.0)
        return self._observation()

    def _observation(self):
        return np.array([np.cos(self.theta), np.sin(self.theta), self.theta_dot], "float32")

    def step(self, torque):
        u = float(np.clip(torque, -self.max_torque, self.max_torque))
        angle = ((self.theta + np.pi) % (2 * np.pi)) - np.pi
        cost = angle**2 + 0.1 * self.theta_dot**2 + 0.001 * u**2
        speed = self.theta_dot + (
            3 * self.g / (2 * self.length) * np.sin(self.theta)
            + 3.0 / (self.m * self.length**2) * u
        ) * self.dt
        self.theta_dot = float(np.clip(speed, -self.max_speed, self.max_speed))
        self.theta = self.theta + self.theta_dot * self.dt
        return self._observation(), -cost


env = Pendulum(seed=5)
num_states, num_actions = 3, 1
upper_bound, lower_bound = 2.0, -2.0
rng = np.random.default_rng(5)


class OUActionNoise:
    def __init__(self, mean, std_deviation, theta=0.15, dt=1e-2, x_initial=None):
        self.theta = theta
        self.mean = mean
        self.std_dev = std_deviation
        self.dt = dt
        self.x_initial = x_initial
        self.reset()

    def __call__(self):
        x = (
            self.x_prev
            + self.theta * (self.mean - self.x_prev) * self.dt
            + self.std_dev * np.sqrt(self.dt) * rng.normal(size=self.mean.shape)
        )
        self.x_prev = x
        return x

    def reset(self):
        self.x_prev = self.x_initial if self.x_initial is not None else np.zeros_like(self.mean)


class Buffer:
    def __init__(self, buffer_capacity=100000, batch_size=64):
        self.buffer_capacity = buffer_capacity
        self.batch_size = batch_size
        self.buffer_counter = 0
        self.state_buffer = np.zeros((self.buffer_capacity, num_states))
        self.action_buffer = np.zeros((self.buffer_capacity, num_actions))
        self.reward_buffer = np.zeros((self.buffer_capacity, 1))
        self.next_state_buffer = np.zeros((self.buffer_capacity, num_states))

    def record(self, obs_tuple):
        index = self.buffer_counter % self.buffer_capacity
        self.state_buffer[index] = obs_tuple[0]
        self.action_buffer[index] = obs_tuple[1]
        self.reward_buffer[index] = obs_tuple[2]
        self.next_state_buffer[index] = obs_tuple[3]
        self.buffer_counter += 1

    @tf.function
    def update(self, state_batch, action_batch, reward_batch, next_state_batch):
        with tf.GradientTape() as tape:
            target_actions = target_actor(next_state_batch, training=True)
            y = reward_batch + gamma * target_critic(
                [next_state_batch, target_actions], training=True
            )
            critic_value = critic_model([state_batch, action_batch], training=True)
            critic_loss = keras.ops.mean(keras.ops.square(y - critic_value))

        critic_grad = tape.gradient(critic_loss, critic_model.trainable_variables)
        critic_optimizer.apply_gradients(zip(critic_grad, critic_model.trainable_variables))

        with tf.GradientTape() as tape:
            actions = actor_model(state_batch, training=True)
            critic_value = critic_model([state_batch, actions], training=True)
            actor_loss = -keras.ops.mean(critic_value)

        actor_grad = tape.gradient(actor_loss, actor_model.trainable_variables)
        actor_optimizer.apply_gradients(zip(actor_grad, actor_model.trainable_variables))
        return critic_loss, actor_loss

    def learn(self):
        record_range = min(self.buffer_counter, self.buffer_capacity)
        batch_indices = rng.choice(record_range, self.batch_size)
        state_batch = keras.ops.convert_to_tensor(self.state_buffer[batch_indices])
        action_batch = keras.ops.convert_to_tensor(self.action_buffer[batch_indices])
        reward_batch = keras.ops.convert_to_tensor(self.reward_buffer[batch_indices])
        reward_batch = keras.ops.cast(reward_batch, dtype="float32")
        next_state_batch = keras.ops.convert_to_tensor(self.next_state_buffer[batch_indices])
        return self.update(
            keras.ops.cast(state_batch, "float32"),
            keras.ops.cast(action_batch, "float32"),
            reward_batch,
            keras.ops.cast(next_state_batch, "float32"),
        )


def update_target(target_weights, weights, tau):
    for a, b in zip(target_weights, weights):
        a.assign(b * tau + a * (1 - tau))


def get_actor():
    last_init = keras.initializers.RandomUniform(minval=-0.003, maxval=0.003)
    inputs = layers.Input(shape=(num_states,))
    out = layers.Dense(32, activation="relu")(inputs)
    out = layers.Dense(32, activation="relu")(out)
    outputs = layers.Dense(1, activation="tanh", kernel_initializer=last_init)(out)
    outputs = outputs * upper_bound
    return keras.Model(inputs, outputs)


def get_critic():
    state_input = layers.Input(shape=(num_states,))
    state_out = layers.Dense(16, activation="relu")(state_input)
    state_out = layers.Dense(16, activation="relu")(state_out)
    action_input = layers.Input(shape=(num_actions,))
    action_out = layers.Dense(16, activation="relu")(action_input)
    concat = layers.Concatenate()([state_out, action_out])
    out = layers.Dense(32, activation="relu")(concat)
    out = layers.Dense(32, activation="relu")(out)
    outputs = layers.Dense(1)(out)
    return keras.Model([state_input, action_input], outputs)


def policy(state, noise_object):
    sampled_actions = keras.ops.squeeze(actor_model(state))
    noise = noise_object()
    sampled_actions = keras.ops.convert_to_numpy(sampled_actions) + noise
    legal_action = np.clip(sampled_actions, lower_bound, upper_bound)
    return [np.squeeze(legal_action)]


std_dev = 0.2
ou_noise = OUActionNoise(mean=np.zeros(1), std_deviation=float(std_dev) * np.ones(1))

actor_model = get_actor()
critic_model = get_critic()
target_actor = get_actor()
target_critic = get_critic()
for model in (actor_model, critic_model):
    model.set_weights(
        [rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()]
    )
target_actor.set_weights(actor_model.get_weights())
target_critic.set_weights(critic_model.get_weights())

critic_optimizer = keras.optimizers.Adam(0.002)
actor_optimizer = keras.optimizers.Adam(0.001)
total_episodes = 4
gamma = 0.99
tau = 0.005
buffer = Buffer(5000, 32)

# A soft update on known numbers: 0.005 of the way from 1 to 3.
probe_target = tf.Variable(np.ones(3, "float32"))
probe_source = tf.Variable(np.full(3, 3.0, "float32"))
update_target([probe_target], [probe_source], tau)

ep_reward_list, critic_losses, actor_losses = [], [], []
for ep in range(total_episodes):
    prev_state = env.reset()
    episodic_reward = 0
    for _ in range(40):
        tf_prev_state = keras.ops.expand_dims(keras.ops.convert_to_tensor(prev_state), 0)
        action = policy(tf_prev_state, ou_noise)
        state, reward = env.step(action[0])
        buffer.record((prev_state, action, reward, state))
        episodic_reward += reward
        critic_loss, actor_loss = buffer.learn()
        critic_losses.append(float(critic_loss))
        actor_losses.append(float(actor_loss))
        update_target(target_actor.variables, actor_model.variables, tau)
        update_target(target_critic.variables, critic_model.variables, tau)
        prev_state = state
    ep_reward_list.append(episodic_reward)
    avg_reward = np.mean(ep_reward_list[-40:])
    print(f"Episode * {ep} * Avg Reward is ==> {avg_reward}")

target_gap = max(
    float(np.max(np.abs(a - b)))
    for a, b in zip(target_actor.get_weights(), actor_model.get_weights())
)
probe_state = keras.ops.convert_to_tensor(np.array([[1.0, 0.0, 0.0]], "float32"))
RESULT = {
    "soft_update": float(probe_target.numpy()[0]),
    "target_gap": target_gap,
    "first_critic_loss": critic_losses[0],
    "critic_loss_early": float(np.mean(critic_losses[:40])),
    "critic_loss_late": float(np.mean(critic_losses[-40:])),
    "actor_loss_late": float(np.mean(actor_losses[-40:])),
    "upright_action": float(keras.ops.convert_to_numpy(actor_model(probe_state))[0, 0]),
    "critic_iterations": float(critic_optimizer.iterations.numpy()),
    "actor_iterations": float(actor_optimizer.iterations.numpy()),
}
for ep, value in enumerate(ep_reward_list):
    RESULT[f"episode_reward_{ep}"] = float(value)
print(RESULT)
