"""compile(steps_per_execution=k): the batch callbacks are called once per execution of k
steps, with the index of its first step (begin) and of its last (end; first + k - 1 also for
an execution the data cut short), as Keras 3.15 calls them (the indices below are Keras's)."""

import numpy as np
import pytest

import numnet as keras


class Record(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_batch_begin(self, batch, logs=None):
        self.calls.append(("B", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("E", batch, sorted(logs)))

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append(("TE", batch))


def _model(every):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", steps_per_execution=every)
    return model


def test_batch_callbacks_once_per_execution():
    x, y = np.ones((10, 2), "float32"), np.ones((10, 1), "float32")
    record = Record()
    _model(4).fit(x, y, batch_size=1, epochs=1, verbose=0, callbacks=[record],
                  validation_data=(x[:6], y[:6]))
    assert record.calls == [("B", 0), ("E", 3, ["loss"]), ("B", 4), ("E", 7, ["loss"]),
                            ("B", 8), ("E", 11, ["loss"]), ("TE", 3), ("TE", 7)]
    record.calls.clear()
    _model(4).evaluate(x, y, batch_size=1, verbose=0, callbacks=[record])
    assert record.calls == [("TE", 3), ("TE", 7), ("TE", 11)]


def test_one_step_an_execution_calls_every_batch_and_the_training_is_the_same():
    x = np.random.default_rng(0).normal(size=(12, 2)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    record, losses = Record(), []
    for every in (1, 3):
        keras.utils.set_random_seed(0)
        model = _model(every)
        history = model.fit(x, y, batch_size=2, epochs=2, verbose=0, shuffle=False,
                            callbacks=[record] if every == 1 else [])
        losses.append(history.history["loss"])
    assert losses[0] == losses[1]
    assert [c[1] for c in record.calls if c[0] == "E"] == [0, 1, 2, 3, 4, 5] * 2


def test_steps_per_execution_must_be_a_positive_int():
    with pytest.raises(ValueError, match="steps_per_execution"):
        _model(0)
