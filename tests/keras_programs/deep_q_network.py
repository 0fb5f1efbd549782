"""After the keras.io example "Deep Q-Learning for Atari Breakout": a convolutional Q-network
and its target copy built by the same function, epsilon-greedy actions (the network's argmax
on a batch of one), a replay buffer of plain Python lists sampled with np.random.choice, the
target network's predict on the next states, Bellman targets with tf.reduce_max, the taken
action's Q-value picked with tf.one_hot and tf.reduce_sum(tf.multiply(...)), keras.losses.Huber
under a GradientTape, Adam with clipnorm, model_target.set_weights(model.get_weights()) every
few hundred frames, and the running reward over the last episodes.

The environment is a small one of our own (the example plays Breakout through Gymnasium): a
ball falls down an 8x8 screen and the paddle on the bottom row catches it; the state is the
last two frames. Actions, replay samples and the initial weights come from NumPy draws, so the
losses compare with TensorFlow's.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

np.random.seed(42)
size, frames_per_state = 8, 2


class CatchEnvironment:
    """A ball falls one row a step from a random column; the paddle (3 wide) moves left,
    stays or moves right (action 3 also stays); +1 for a catch, -1 for a miss."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def frame(self):
        screen = np.zeros((size, size), "float32")
        screen[self.ball_row, self.ball_col] = 1.0
        screen[size - 1, max(self.paddle - 1, 0):self.paddle + 2] = 0.5
        return screen

    def observe(self):
        return np.stack(self.frames[-frames_per_state:], axis=-1)

    def reset(self):
        self.ball_row, self.ball_col = 0, int(self.rng.integers(size))
        self.paddle = size // 2
        self.frames = [self.frame()] * frames_per_state
        return self.observe(), {}

    def step(self, action):
        self.paddle = int(np.clip(self.paddle + (-1, 0, 1, 0)[action], 1, size - 2))
        self.ball_row += 1
        done = self.ball_row == size - 1
        reward = 0.0
        if done:
            reward = 1.0 if abs(self.ball_col - self.paddle) <= 1 else -1.0
        self.frames.append(self.frame())
        return self.observe(), reward, done, False, {}


env = CatchEnvironment(seed=42)

# the configuration of the whole run
gamma = 0.9
epsilon = 1.0
epsilon_min = 0.1
epsilon_max = 1.0
epsilon_interval = epsilon_max - epsilon_min
batch_size = 16
max_steps_per_episode = 20
max_episodes = 150

num_actions = 4


def create_q_model():
    return keras.Sequential(
        [
            layers.Input(shape=(size, size, frames_per_state)),
            layers.Conv2D(8, 3, strides=2, activation="relu"),
            layers.Conv2D(16, 2, strides=1, activation="relu"),
            layers.Flatten(),
            layers.Dense(32, activation="relu"),
            layers.Dense(num_actions, activation="linear"),
        ]
    )


model = create_q_model()
model_target = create_q_model()
weights_rng = np.random.default_rng(7)
model.set_weights([weights_rng.normal(size=w.shape).astype("float32")
                   * np.sqrt(2.0 / np.prod(w.shape[:-1])) if w.ndim > 1
                   else np.zeros(w.shape, "float32") for w in model.get_weights()])
model_target.set_weights(model.get_weights())

optimizer = keras.optimizers.Adam(learning_rate=0.003, clipnorm=1.0)

action_history = []
state_history = []
state_next_history = []
rewards_history = []
done_history = []
episode_reward_history = []
running_reward = 0
episode_count = 0
frame_count = 0
epsilon_random_frames = 100
epsilon_greedy_frames = 500.0
max_memory_length = 1000
update_after_actions = 4
update_target_network = 50
loss_function = keras.losses.Huber()
losses, greedy_actions, target_updates = [], 0, 0

while True:
    observation, _ = env.reset()
    state = np.array(observation)
    episode_reward = 0

    for _timestep in range(1, max_steps_per_episode):
        frame_count += 1

        if frame_count < epsilon_random_frames or epsilon > np.random.rand(1)[0]:
            action = np.random.choice(num_actions)
        else:
            state_tensor = tf.convert_to_tensor(state)
            state_tensor = tf.expand_dims(state_tensor, 0)
            action_probs = model(state_tensor, training=False)
            action = tf.argmax(action_probs[0]).numpy()
            greedy_actions += 1

        epsilon -= epsilon_interval / epsilon_greedy_frames
        epsilon = max(epsilon, epsilon_min)

        state_next, reward, done, _, _ = env.step(action)
        state_next = np.array(state_next)

        episode_reward += reward

        action_history.append(action)
        state_history.append(state)
        state_next_history.append(state_next)
        done_history.append(done)
        rewards_history.append(reward)
        state = state_next

        if frame_count % update_after_actions == 0 and len(done_history) > batch_size:
            indices = np.random.choice(range(len(done_history)), size=batch_size)

            state_sample = np.array([state_history[i] for i in indices])
            state_next_sample = np.array([state_next_history[i] for i in indices])
            rewards_sample = [rewards_history[i] for i in indices]
            action_sample = [action_history[i] for i in indices]
            done_sample = tf.convert_to_tensor([float(done_history[i]) for i in indices])

            future_rewards = model_target.predict(state_next_sample, verbose=0)
            updated_q_values = rewards_sample + gamma * tf.reduce_max(future_rewards, axis=1)
            updated_q_values = updated_q_values * (1 - done_sample) + done_sample * tf.cast(
                rewards_sample, "float32")

            masks = tf.one_hot(action_sample, num_actions)

            with tf.GradientTape() as tape:
                q_values = model(state_sample)
                q_action = tf.reduce_sum(tf.multiply(q_values, masks), axis=1)
                loss = loss_function(updated_q_values, q_action)

            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            losses.append(float(loss))

        if frame_count % update_target_network == 0:
            model_target.set_weights(model.get_weights())
            target_updates += 1

        if len(rewards_history) > max_memory_length:
            del rewards_history[:1]
            del state_history[:1]
            del state_next_history[:1]
            del action_history[:1]
            del done_history[:1]

        if done:
            break

    episode_reward_history.append(episode_reward)
    if len(episode_reward_history) > 20:
        del episode_reward_history[:1]
    running_reward = np.mean(episode_reward_history)

    episode_count += 1

    if max_episodes > 0 and episode_count >= max_episodes:
        print(f"Stopped at episode {episode_count}!")
        break

quarter = len(losses) // 4
RESULT = {
    "frames": float(frame_count),
    "episodes": float(episode_count),
    "updates": float(len(losses)),
    "optimizer_iterations": float(optimizer.iterations.numpy()),
    "target_updates": float(target_updates),
    "greedy_actions": float(greedy_actions),
    "final_epsilon": float(epsilon),
    "first_loss": losses[0],
    "early_loss": float(np.mean(losses[:quarter])),
    "late_loss": float(np.mean(losses[-quarter:])),
    "running_reward": float(running_reward),
    "target_gap": float(sum(np.abs(a - b).sum() for a, b in zip(model.get_weights(),
                                                                  model_target.get_weights()))),
}
print(RESULT)
