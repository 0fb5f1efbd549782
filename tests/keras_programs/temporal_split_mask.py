"""A layer that gives two tensors and two masks, from the guide "Understanding masking &
padding" (TemporalSplit): compute_mask returns one mask for each output, and each output
carries its own; an LSTM on each half, in a functional model, then ignores the
padded steps of that half.

Weights start from a fixed NumPy draw, so the outputs are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(31)
rng = np.random.default_rng(31)
RESULT = {}


class TemporalSplit(keras.layers.Layer):
    """Split the input tensor into 2 tensors along the time dimension."""

    def call(self, inputs):
        # Expect the input to be 3D and mask to be 2D, split the input tensor into 2
        # subtensors along the time axis (axis 1).
        return ops.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        # Also split the mask into 2 if it presents.
        if mask is None:
            return None
        return ops.split(mask, 2, axis=1)


raw_inputs = [[711, 632, 71], [73, 8, 3215, 55, 927], [83, 91, 1, 645, 1253, 927]]
padded_inputs = keras.utils.pad_sequences(raw_inputs, padding="post")
masking_layer = layers.Masking()
unmasked_embedding = ops.cast(
    ops.tile(ops.expand_dims(padded_inputs, axis=-1), [1, 1, 10]), "float32")
masked_embedding = masking_layer(unmasked_embedding)
first_half, second_half = TemporalSplit()(masked_embedding)
first_mask = ops.convert_to_numpy(first_half._keras_mask)
second_mask = ops.convert_to_numpy(second_half._keras_mask)
RESULT["first_mask_count"] = float(np.sum(first_mask))    # 3 + 3 + 3
RESULT["second_mask_count"] = float(np.sum(second_mask))  # 0 + 2 + 3

inputs = keras.Input(shape=(6, 4))
halves = TemporalSplit()(layers.Masking()(inputs))
first_lstm, second_lstm = layers.LSTM(3), layers.LSTM(3)
outputs = layers.concatenate([first_lstm(halves[0]), second_lstm(halves[1])])
model = keras.Model(inputs, outputs)
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32")
                   for w in model.get_weights()])
sequences = rng.normal(size=(2, 6, 4)).astype("float32")
sequences[0, 4:] = 0.0  # the last two steps of the first sequence are padding
predicted = model.predict(sequences, verbose=0)
# With the mask, the second LSTM stops at step 3 of the first sequence.
step_3_only = ops.convert_to_numpy(second_lstm(sequences[:1, 3:4]))
RESULT["padding_change"] = float(np.max(np.abs(predicted[0, 3:] - step_3_only[0])))
RESULT["output_sum"] = float(np.sum(predicted))
print(RESULT)
