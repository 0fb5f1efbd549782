"""numnet.config's debugging switches, as keras.config's: epoch and step caps, interactive
logging, and the unsafe-deserialization switch a Keras program may call."""

from __future__ import annotations

import importlib
import logging

import numpy as np
import pytest

import numnet as keras
from numnet import config

RS = np.random.default_rng(0)
X = RS.random((100, 6), dtype=np.float32)
Y = RS.integers(0, 3, 100)


@pytest.fixture(autouse=True)
def restore():
    yield
    config.set_max_epochs(None)
    config.set_max_steps_per_epoch(None)
    config.enable_interactive_logging()


def _model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_max_epochs_caps_fit_with_a_warning():
    config.set_max_epochs(2)
    assert config.max_epochs() == 2
    with pytest.warns(UserWarning, match="Limiting epochs to 2"):
        history = _model().fit(X, Y, epochs=5, verbose=0)
    assert history.epoch == [0, 1]
    history = _model().fit(X, Y, epochs=1, verbose=0)  # under the cap: nothing to say
    assert history.epoch == [0]


def test_max_steps_per_epoch_caps_fit_and_evaluate():
    config.set_max_steps_per_epoch(2)
    assert config.max_steps_per_epoch() == 2
    seen = []

    class Count(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)

        def on_test_batch_end(self, batch, logs=None):
            seen.append(("test", batch))

    model = _model()
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 2"):
        model.fit(X, Y, batch_size=10, epochs=2, verbose=0, callbacks=[Count()])
    assert seen == [0, 1, 0, 1]
    seen.clear()
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 2"):
        model.evaluate(X, Y, batch_size=10, verbose=0, callbacks=[Count()])
    assert seen == [("test", 0), ("test", 1)]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_a_cap_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError, match=r"set_max_epochs\(max_epochs\): expected a positive"):
        config.set_max_epochs(bad)
    with pytest.raises(ValueError, match="set_max_steps_per_epoch"):
        config.set_max_steps_per_epoch(bad)


def test_the_caps_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("NUMNET_MAX_EPOCHS", "3")
    monkeypatch.setenv("NUMNET_MAX_STEPS_PER_EPOCH", "7")
    try:
        importlib.reload(config)
        assert config.max_epochs() == 3 and config.max_steps_per_epoch() == 7
        monkeypatch.setenv("NUMNET_MAX_EPOCHS", "three")
        with pytest.raises(ValueError, match=r"NUMNET_MAX_EPOCHS: expected a positive integer, "
                                             r"given 'three'"):
            importlib.reload(config)
    finally:
        monkeypatch.delenv("NUMNET_MAX_EPOCHS")
        monkeypatch.delenv("NUMNET_MAX_STEPS_PER_EPOCH")
        importlib.reload(config)
    assert config.max_epochs() is None and config.max_steps_per_epoch() is None


def test_without_interactive_logging_the_bars_go_to_the_logger(capsys, caplog):
    config.disable_interactive_logging()
    assert not config.is_interactive_logging_enabled()
    with caplog.at_level(logging.INFO, logger="numnet"):
        _model().fit(X, Y, batch_size=10, epochs=2, verbose=1)
    assert capsys.readouterr().out == ""
    lines = [r.getMessage() for r in caplog.records if r.name == "numnet"]
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    for line in (lines[1], lines[3]):  # the finished bar, once, without colours
        assert line.startswith("10/10 [====================]") and "loss: " in line
        assert "\x1b" not in line and "\r" not in line
    config.enable_interactive_logging()
    _model().fit(X, Y, batch_size=10, epochs=1, verbose=2)
    assert "10/10 - " in capsys.readouterr().out


def test_enable_unsafe_deserialization_is_accepted(tmp_path):
    config.enable_unsafe_deserialization()
    model = _model()
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
