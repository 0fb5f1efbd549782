"""The guide "Working with RNNs": return_sequences and return_state, an encoder's states as a
decoder's initial_state, Bidirectional with each merge mode and a backward_layer, a stateful
LSTM fed a long sequence in pieces (reset_states between sequences, its states passed on to
another layer), RNN(LSTMCell) against LSTM, and a cell of one's own trained by fit().

Weights start from a fixed NumPy draw, so outputs are Keras's to float32 rounding; the
trained model's losses follow Keras's trajectory.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(13)
rng = np.random.default_rng(13)
RESULT = {}


def draw(model, scale=0.3):
    model.set_weights([rng.normal(0.0, scale, w.shape).astype("float32")
                       for w in model.get_weights()])


# return_state: an LSTM gives its output and both states; a GRU its output and one state.
encoder_input = keras.Input(shape=(None,), name="encoder_tokens")
encoder_embedded = layers.Embedding(input_dim=30, output_dim=8)(encoder_input)
output, state_h, state_c = layers.LSTM(12, return_state=True, name="encoder")(
    encoder_embedded)
encoder_state = [state_h, state_c]
decoder_input = keras.Input(shape=(None,), name="decoder_tokens")
decoder_embedded = layers.Embedding(input_dim=20, output_dim=8)(decoder_input)
decoder_output = layers.LSTM(12, name="decoder")(decoder_embedded,
                                                 initial_state=encoder_state)
output = layers.Dense(5)(decoder_output)
seq2seq = keras.Model([encoder_input, decoder_input], output)
for layer in sorted(seq2seq.layers, key=lambda layer: layer.name):  # (a fixed order)
    draw(layer)
tokens_a = rng.integers(0, 30, size=(6, 7))
tokens_b = rng.integers(0, 20, size=(6, 4))
RESULT["seq2seq_sum"] = float(np.sum(np.abs(seq2seq.predict([tokens_a, tokens_b], verbose=0))))

gru_outputs = layers.GRU(6, return_sequences=True, return_state=True)
sequence = rng.normal(size=(3, 5, 4)).astype("float32")
whole, last_state = gru_outputs(sequence)
RESULT["gru_last_step_gap"] = float(np.max(np.abs(
    ops.convert_to_numpy(whole)[:, -1] - ops.convert_to_numpy(last_state))))
RESULT["gru_sequence_shape"] = float(np.prod(ops.shape(whole)))

# Bidirectional with each merge mode, and with a backward layer of its own.
for mode in ("concat", "sum", "mul", "ave"):
    model = keras.Sequential([keras.Input(shape=(5, 4)),
                              layers.Bidirectional(layers.LSTM(6), merge_mode=mode)])
    draw(model)
    out = model.predict(sequence, verbose=0)
    RESULT[f"bidirectional_{mode}_width"] = float(out.shape[-1])
    RESULT[f"bidirectional_{mode}_sum"] = float(np.sum(out))
forward_layer = layers.LSTM(5, return_sequences=True)
backward_layer = layers.GRU(5, activation="relu", return_sequences=True, go_backwards=True)
model = keras.Sequential([
    keras.Input(shape=(5, 4)),
    layers.Bidirectional(forward_layer, backward_layer=backward_layer),
    layers.Dense(2),
])
draw(model)
out = model.predict(sequence, verbose=0)
RESULT["backward_layer_width"] = float(model.layers[0].output.shape[-1])
RESULT["backward_layer_sum"] = float(np.sum(out))

# A stateful LSTM reads a long sequence in three pieces; reset_states starts a new one.
paragraph = rng.normal(size=(2, 12, 4)).astype("float32")
paragraph1, paragraph2, paragraph3 = paragraph[:, :4], paragraph[:, 4:8], paragraph[:, 8:]
lstm_layer = layers.LSTM(6, stateful=True)
output = lstm_layer(paragraph1)
draw(lstm_layer)
lstm_layer.reset_states()
output = lstm_layer(paragraph1)
output = lstm_layer(paragraph2)
output = lstm_layer(paragraph3)
whole = layers.LSTM(6)
whole(paragraph)
whole.set_weights(lstm_layer.get_weights())
RESULT["stateful_gap"] = float(np.max(np.abs(ops.convert_to_numpy(output)
                                             - ops.convert_to_numpy(whole(paragraph)))))
RESULT["stateful_weights"] = float(len(lstm_layer.weights))
# reset_states() caches the states back to their initial values: zeros.
lstm_layer.reset_states()
first = lstm_layer(paragraph1)
RESULT["reset_gap"] = float(np.max(np.abs(ops.convert_to_numpy(first)
                                          - ops.convert_to_numpy(whole(paragraph1)))))
# The states of one layer start another (the guide's "RNN State Reuse").
existing_state = lstm_layer.states
new_lstm_layer = layers.LSTM(6)
new_output = new_lstm_layer(paragraph2, initial_state=existing_state)
new_lstm_layer.set_weights(lstm_layer.get_weights())
new_output = new_lstm_layer(paragraph2, initial_state=existing_state)
continued = lstm_layer(paragraph2)
RESULT["state_reuse_gap"] = float(np.max(np.abs(ops.convert_to_numpy(new_output)
                                                - ops.convert_to_numpy(continued))))
RESULT["state_count"] = float(len(existing_state))

# RNN(LSTMCell) is the LSTM layer, weight for weight.
cell_layer = layers.RNN(layers.LSTMCell(6))
fused = layers.LSTM(6)
cell_out = cell_layer(sequence)
fused(sequence)
fused.set_weights(cell_layer.get_weights())
RESULT["cell_gap"] = float(np.max(np.abs(ops.convert_to_numpy(cell_out)
                                         - ops.convert_to_numpy(fused(sequence)))))


# A cell of one's own (the RNN layer's documentation: MinimalRNNCell) trained by fit().
class MinimalRNNCell(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                initializer="uniform", name="recurrent_kernel")

    def call(self, inputs, states):
        prev_output = states[0]
        h = ops.matmul(inputs, self.kernel)
        output = ops.tanh(h + ops.matmul(prev_output, self.recurrent_kernel))
        return output, [output]


inputs = keras.Input((None, 4))
x = layers.RNN(MinimalRNNCell(8), return_sequences=True)(inputs)
x = layers.RNN(MinimalRNNCell(8))(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
draw(model)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
series = rng.normal(size=(256, 6, 4)).astype("float32")
labels = (series[:, :, 0].sum(axis=1) > 0).astype("float32")[:, None]
history = model.fit(series, labels, batch_size=32, epochs=6, shuffle=False, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["accuracy"] = float(history.history["accuracy"][-1])
print(RESULT)
