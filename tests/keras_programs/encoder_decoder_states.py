"""An encoder-decoder from the guide "Working with RNNs": the encoder LSTM's return_state
gives its final states, which start the decoder LSTM (initial_state). The model learns to
tell, from the decoder's tokens, whether the encoder's sequence held a given token.

The weights start from a fixed NumPy draw in the order of model.get_weights() and batches are
not shuffled, so the loss per epoch is Keras's to float32 rounding when model.layers, and so
the weights, come in Keras's order.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(19)
rng = np.random.default_rng(19)
encoder_vocab, decoder_vocab, n = 30, 20, 512

encoder_input = layers.Input(shape=(None,))
encoder_embedded = layers.Embedding(input_dim=encoder_vocab, output_dim=16)(encoder_input)
# Return states in addition to output
output, state_h, state_c = layers.LSTM(16, return_state=True, name="encoder")(
    encoder_embedded)
encoder_state = [state_h, state_c]

decoder_input = layers.Input(shape=(None,))
decoder_embedded = layers.Embedding(input_dim=decoder_vocab, output_dim=16)(decoder_input)
# Pass the 2 states to a new LSTM layer, as initial state
decoder_output = layers.LSTM(16, name="decoder")(decoder_embedded, initial_state=encoder_state)
output = layers.Dense(1, activation="sigmoid")(decoder_output)
model = keras.Model([encoder_input, decoder_input], output)
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                   for w in model.get_weights()])

encoder_tokens = rng.integers(1, encoder_vocab, size=(n, 8))
decoder_tokens = rng.integers(1, decoder_vocab, size=(n, 4))
labels = (encoder_tokens == 3).any(axis=1).astype("float32")[:, None]
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit([encoder_tokens, decoder_tokens], labels, batch_size=32, epochs=6,
                    shuffle=False, verbose=0)

RESULT = {f"loss_{epoch}": float(value) for epoch, value in enumerate(history.history["loss"])}
RESULT["accuracy"] = float(history.history["accuracy"][-1])
RESULT["first_layers"] = float(sum(type(layer).__name__ == "InputLayer"
                                   for layer in model.layers[:2]))
RESULT["params"] = float(model.count_params())
print(RESULT)
