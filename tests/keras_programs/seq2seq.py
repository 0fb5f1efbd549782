"""An encoder-decoder (sequence to sequence) model: the encoder LSTM returns its states
(return_state=True), which start the decoder LSTM (initial_state=); the decoder is trained with
teacher forcing, then run one step at a time from its own predictions (greedy decoding) by two
inference models built from the trained layers, as the character-level seq2seq example does.

The task: write a sequence of digits backwards.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(14)
rng = np.random.default_rng(14)
num_digits, length, n = 5, 4, 1500
start_token = num_digits  # decoder inputs begin with it
num_tokens = num_digits + 1
latent_dim = 48

digits = rng.integers(0, num_digits, (n, length))
targets = digits[:, ::-1]
decoder_input_ids = np.concatenate([np.full((n, 1), start_token), targets[:, :-1]], axis=1)
one_hot = np.eye(num_tokens, dtype="float32")
encoder_input_data = one_hot[digits]
decoder_input_data = one_hot[decoder_input_ids]
decoder_target_data = one_hot[targets]

encoder_inputs = keras.Input(shape=(None, num_tokens))
encoder = layers.LSTM(latent_dim, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
encoder_states = [state_h, state_c]

decoder_inputs = keras.Input(shape=(None, num_tokens))
decoder_lstm = layers.LSTM(latent_dim, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
decoder_dense = layers.Dense(num_tokens, activation="softmax")
decoder_outputs = decoder_dense(decoder_outputs)

model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
              loss="categorical_crossentropy", metrics=["accuracy"])
model.fit([encoder_input_data[:1200], decoder_input_data[:1200]], decoder_target_data[:1200],
          batch_size=64, epochs=8, verbose=0)
_, token_accuracy = model.evaluate(
    [encoder_input_data[1200:], decoder_input_data[1200:]], decoder_target_data[1200:],
    verbose=0)

encoder_model = keras.Model(encoder_inputs, encoder_states)
decoder_state_input_h = keras.Input(shape=(latent_dim,))
decoder_state_input_c = keras.Input(shape=(latent_dim,))
decoder_states_inputs = [decoder_state_input_h, decoder_state_input_c]
step_outputs, step_h, step_c = decoder_lstm(decoder_inputs, initial_state=decoder_states_inputs)
step_outputs = decoder_dense(step_outputs)
decoder_model = keras.Model([decoder_inputs] + decoder_states_inputs,
                            [step_outputs, step_h, step_c])

states = encoder_model.predict(encoder_input_data[1200:], verbose=0)
token = np.tile(one_hot[start_token], (n - 1200, 1, 1))
decoded = []
for _ in range(length):
    probabilities, h, c = decoder_model.predict([token] + list(states), verbose=0)
    ids = np.argmax(probabilities[:, -1, :], axis=-1)
    decoded.append(ids)
    token = one_hot[ids][:, None, :]
    states = [h, c]
decoded = np.stack(decoded, axis=1)

RESULT = {
    "token_accuracy": float(token_accuracy),
    "sequence_accuracy": float(np.mean(np.all(decoded == targets[1200:], axis=1))),
}
RESULT["params"] = float(model.count_params())
print(RESULT)
