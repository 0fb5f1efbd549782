"""SwapEMAWeights: the optimizer's moving average (computed here by hand) is in the model while
it is evaluated, the trained weights after; with swap_on_epoch, between epochs and at the end."""

from __future__ import annotations

import numpy as np
import pytest

import numnet


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-1.0], [2.0]], "float32")).astype("float32")
    return x, y


def _model(momentum=0.8):
    numnet.utils.set_random_seed(1)
    model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(1)])
    model.compile(optimizer=numnet.optimizers.SGD(0.05, use_ema=True, ema_momentum=momentum),
                  loss="mse")
    return model


class _Recorder(numnet.callbacks.Callback):
    """The weights after every batch (for the average by hand) and at each hook."""

    def __init__(self):
        super().__init__()
        self.after_batch, self.seen = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.after_batch.append([w.numpy().copy() for w in self.model.trainable_weights])

    def _see(self, hook):
        self.seen.append((hook, [w.numpy().copy() for w in self.model.trainable_weights]))

    def on_test_begin(self, logs=None):
        self._see("test_begin")

    def on_epoch_end(self, epoch, logs=None):
        self._see("epoch_end")

    def on_epoch_begin(self, epoch, logs=None):
        self._see("epoch_begin")


def _average(history, momentum):
    """Keras's rule: the average is the weights after the first update, then
    ema = momentum * ema + (1 - momentum) * w."""
    ema = [w.copy() for w in history[0]]
    for weights in history[1:]:
        ema = [momentum * e + (1 - momentum) * w for e, w in zip(ema, weights, strict=True)]
    return ema


def test_evaluation_inside_fit_sees_the_average_and_training_goes_on_with_the_weights():
    x, y = _data()
    model, recorder = _model(), _Recorder()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, validation_data=(x, y),
              callbacks=[numnet.callbacks.SwapEMAWeights(), recorder])
    tests = [w for hook, w in recorder.seen if hook == "test_begin"]
    assert len(tests) == 2
    for epoch, seen in enumerate(tests):
        want = _average(recorder.after_batch[:4 * (epoch + 1)], 0.8)
        for a, b in zip(seen, want, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    ends = [w for hook, w in recorder.seen if hook == "epoch_end"]
    for a, b in zip(ends[-1], recorder.after_batch[-1], strict=True):  # swapped back
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert not np.allclose(tests[-1][0], recorder.after_batch[-1][0])


def test_evaluate_with_the_callback_equals_evaluate_of_the_average():
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    trained = [w.numpy().copy() for w in model.trainable_weights]
    with_swap = model.evaluate(x, y, verbose=0, callbacks=[numnet.callbacks.SwapEMAWeights()])
    for w, value in zip(model.trainable_weights, trained, strict=True):  # put back
        np.testing.assert_array_equal(w.numpy(), value)
    averages = [model.optimizer._ema[w.uid].copy() for w in model.trainable_weights]
    model.set_weights(averages)
    assert with_swap == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)


def test_swap_on_epoch_holds_the_average_between_epochs_and_at_the_end():
    x, y = _data()
    model, recorder = _model(momentum=0.5), _Recorder()
    model.fit(x, y, batch_size=8, epochs=3, verbose=0,
              callbacks=[numnet.callbacks.SwapEMAWeights(swap_on_epoch=True), recorder])
    ends = [w for hook, w in recorder.seen if hook == "epoch_end"]
    begins = [w for hook, w in recorder.seen if hook == "epoch_begin"]
    for epoch, seen in enumerate(ends):
        want = _average(recorder.after_batch[:4 * (epoch + 1)], 0.5)
        for a, b in zip(seen, want, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(begins[1], recorder.after_batch[3], strict=True):  # trained weights back
        np.testing.assert_allclose(a, b, rtol=1e-6)
    final = _average(recorder.after_batch, 0.5)
    for w, b in zip(model.trainable_weights, final, strict=True):
        np.testing.assert_allclose(w.numpy(), b, rtol=1e-5, atol=1e-6)


def test_needs_an_optimizer_with_use_ema():
    x, y = _data()
    model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="use_ema=True"):
        model.evaluate(x, y, verbose=0, callbacks=[numnet.callbacks.SwapEMAWeights()])


def test_with_a_multi_optimizer_only_the_averaging_inner_optimizer_swaps():
    x, y = _data()
    numnet.utils.set_random_seed(1)
    model = numnet.Sequential([numnet.Input((3,)),
                               numnet.layers.Dense(2, activation="tanh", name="a"),
                               numnet.layers.Dense(1, name="b")], name="net")
    mapping = numnet.optimizers.OptimizerMap(numnet.optimizers.SGD(0.01))
    mapping["net/a/.*"] = numnet.optimizers.SGD(0.01, use_ema=True, ema_momentum=0.5)
    model.compile(optimizer=numnet.optimizers.MultiOptimizer(mapping), loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    averaging = model.optimizer.optimizers[0]
    for w in model.trainable_weights:  # fit ends with the averages in the averaged weights
        if w.uid in averaging._ema:
            np.testing.assert_array_equal(w.numpy(), averaging._ema[w.uid])
    model.train_on_batch(x[:8], y[:8])  # a step more: the weights leave their averages
    trained = [w.numpy().copy() for w in model.trainable_weights]
    seen = []

    class Look(numnet.callbacks.Callback):
        def on_test_begin(self, logs=None):
            seen.extend(w.numpy().copy() for w in self.model.trainable_weights)

    model.evaluate(x, y, verbose=0, callbacks=[numnet.callbacks.SwapEMAWeights(), Look()])
    for w, before, during in zip(model.trainable_weights, trained, seen, strict=True):
        want = averaging._ema[w.uid] if w.uid in averaging._ema else before
        np.testing.assert_array_equal(during, want)
        np.testing.assert_array_equal(w.numpy(), before)
    assert any(not np.array_equal(a, b) for a, b in zip(seen, trained, strict=True))
