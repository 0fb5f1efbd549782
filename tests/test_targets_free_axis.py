"""Targets of a model whose output has an axis of any length (an Input of a free time axis):
fit takes sequence targets of any length on that axis, and still refuses a wrong shape."""

import numpy as np
import pytest

import numnet as keras
from numnet import layers


def _model():
    inputs = keras.Input((None, 1))
    outputs = layers.Conv1D(1, 3, padding="causal")(inputs)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mse")
    return model


def test_sequence_targets_fit_a_free_time_axis():
    model = _model()
    assert model.output_shape == (None, None, 1)
    x = np.random.default_rng(0).normal(size=(8, 40, 1)).astype("float32")
    history = model.fit(x, x, epochs=2, verbose=0).history
    assert len(history["loss"]) == 2 and np.isfinite(history["loss"]).all()


def test_a_target_of_another_rank_or_width_is_still_refused():
    model = _model()
    x = np.zeros((8, 40, 1), "float32")
    with pytest.raises(ValueError, match="does not fit the model's output shape"):
        model.fit(x, np.zeros((8, 40, 3), "float32"), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="does not fit the model's output shape"):
        model.fit(x, np.zeros((8, 40, 1, 2), "float32"), epochs=1, verbose=0)
