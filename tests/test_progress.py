"""Progress display: verbose=1's live bar (read from a pseudo-terminal), verbose=2's lines, the
'auto' choice, and what drawing costs."""

from __future__ import annotations

import io
import json
import os
import re
import select
import subprocess
import sys
import time

import numpy as np
import pytest

import numnet
from numnet import callbacks, layers
from numnet.callbacks.progbar_logger import _format_duration, format_per_unit, format_value

ANSI = re.compile(r"\x1b\[[0-9;]*m")

RNG = np.random.default_rng(3)
X = RNG.normal(size=(64, 4)).astype("float32")
LABELS = (X[:, 0] > 0).astype("int64")


def classifier():
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([layers.Dense(6, activation="relu", input_shape=(4,)),
                               layers.Dense(2, activation="softmax")])
    model.compile(numnet.optimizers.SGD(0.1), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_number_formats_are_kerass():
    assert format_value(0.123456) == "0.1235"
    assert format_value(-2.5) == "-2.5000"
    assert format_value(0.00012) == "1.2000e-04"
    assert format_value(np.array([0.2, 0.4])) == "0.3000"   # a vector shows its mean
    assert _format_duration(7.9) == "7s"
    assert _format_duration(75) == "1:15"
    assert _format_duration(3725) == "1:02:05"
    assert format_per_unit(0.0123) == " 12ms/step"
    assert format_per_unit(2e-4) == " 200us/step"
    assert format_per_unit(1.6) == " 2s/step"


# ----------------------------------------------------------------------------- verbose=2


def test_verbose_2_prints_one_line_per_epoch(capsys):
    model = classifier()
    history = model.fit(X, LABELS, epochs=3, batch_size=16, validation_split=0.25,
                        verbose="auto")   # stdout is not a terminal here: 'auto' means 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    h = history.history
    for epoch, line in enumerate(lines[1::2]):
        match = re.fullmatch(r"3/3 - (\d+)s - (\d+)(us|ms|s)/step - (.*)", line)
        assert match, line
        expected = " - ".join(f"{k}: {h[k][epoch]:.4f}" for k in
                              ("loss", "accuracy", "val_loss", "val_accuracy"))
        assert match.group(4) == expected
    assert "\r" not in "".join(lines) and "\x1b" not in "".join(lines)


def test_evaluate_and_predict_lines(capsys):
    model = classifier()
    loss, acc = model.evaluate(X, LABELS, batch_size=16, verbose=2)
    out = capsys.readouterr().out
    assert re.fullmatch(r"4/4 - \d+s - \d+(us|ms|s)/step - loss: (\S+) - accuracy: (\S+)\n",
                        out)
    assert out.rstrip().endswith(f"loss: {loss:.4f} - accuracy: {acc:.4f}")
    model.predict(X, batch_size=32, verbose=2)
    assert re.fullmatch(r"2/2 - \d+s - \d+(us|ms|s)/step\n", capsys.readouterr().out)
    model.fit(X, LABELS, epochs=1, verbose=0)
    model.evaluate(X, LABELS, verbose=0)
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError, match=r"verbose: expected 'auto', 0, 1 or 2, given 3"):
        model.fit(X, LABELS, verbose=3)


def test_a_single_epoch_prints_no_epoch_line(capsys):
    classifier().fit(X, LABELS, epochs=1, batch_size=32, verbose=2)
    out = capsys.readouterr().out
    assert not out.startswith("Epoch") and out.startswith("2/2 - ")


# ----------------------------------------------------------------------------- verbose=1

PTY_SCRIPT = r'''
import json, sys, time
import numpy as np
import numnet
from numnet import callbacks, layers
rng = np.random.default_rng(3)
x = rng.normal(size=(200, 4)).astype("float32")
y = (x[:, 0] > 0).astype("int64")
numnet.utils.set_random_seed(0)
model = numnet.Sequential([layers.Dense(6, activation="relu", input_shape=(4,)),
                           layers.Dense(2, activation="softmax")])
model.compile(numnet.optimizers.SGD(0.1), "sparse_categorical_crossentropy",
              metrics=["accuracy"])
slow = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: time.sleep(0.012))
history = model.fit(x, y, epochs=2, batch_size=10, validation_data=(x[:50], y[:50]),
                    callbacks=[slow])   # verbose='auto': 1 on a terminal
with open(sys.argv[1], "w") as f:
    json.dump(history.history, f)
'''


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_verbose_1_draws_a_live_bar_on_a_terminal(tmp_path):
    import pty

    script = tmp_path / "train.py"
    script.write_text(PTY_SCRIPT)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "history.json")],
                            stdin=follower, stdout=follower, stderr=subprocess.PIPE,
                            close_fds=True)
    os.close(follower)
    chunks, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the other end closed
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(leader)
    assert proc.wait(timeout=60) == 0, proc.stderr.read().decode()
    raw = b"".join(chunks).decode("utf-8")
    with open(tmp_path / "history.json") as f:
        history = json.load(f)

    assert "\x1b[32m━" in raw and "\x1b[1m" in raw   # a coloured bar, on a terminal
    text = ANSI.sub("", raw).replace("\r\n", "\n")
    epochs = text.split("Epoch ")[1:]
    assert [e.split("\n", 1)[0] for e in epochs] == ["1/2", "2/2"]
    for epoch, part in enumerate(epochs):
        frames = [f.rstrip() for f in part.split("\n", 1)[1].split("\r") if f.strip()]
        assert len(frames) >= 3, frames   # live frames while the epoch runs, then the last
        *live, last = frames
        steps = []
        for frame in live:
            match = re.fullmatch(r"\s*(\d+)/20 ━+ (\d+)s (\d+)(us|ms|s)/step - loss: (\S+) - "
                                 r"accuracy: (\S+)", frame)
            assert match, frame
            steps.append(int(match.group(1)))
            if steps[-1] > 2:   # the time per step leaves out the first (slower) step
                per_step = seconds(match.group(3), match.group(4))
                assert 0.010 <= per_step < 1.0, frame   # each batch sleeps 12 ms
                eta = int(match.group(2))   # while running, the time left: per step * left
                assert abs(eta - per_step * (20 - steps[-1])) <= 1, frame
        assert steps == sorted(steps) and steps[-1] < 20
        match = re.fullmatch(r"20/20 ━{20} (\d+)s (\d+)(us|ms|s)/step - (.*)", last)
        assert match, last
        # throttled to one frame per 50 ms: about one frame every 4 steps of >= 12 ms
        per_step = seconds(match.group(2), match.group(3))
        assert len(live) <= 20 * per_step / 0.05 + 3, (len(live), last)
        expected = " - ".join(f"{k}: {history[k][epoch]:.4f}" for k in
                              ("loss", "accuracy", "val_loss", "val_accuracy"))
        assert match.group(4) == expected


def seconds(value: str, unit: str) -> float:
    return int(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def test_the_bar_costs_under_2_percent_of_an_epoch():
    (x, y), _ = numnet.datasets.mnist.load_data(bundled=True)
    x, y = x[:2000].reshape(2000, -1).astype("float32") / 255, y[:2000]
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([layers.Dense(128, activation="relu", input_shape=(784,)),
                               layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    calls = []

    class Timed(callbacks.ProgbarLogger):
        pass

    for hook in ("on_epoch_begin", "on_train_batch_end", "on_epoch_end"):
        def timed(self, *args, _hook=hook):
            start = time.perf_counter()
            getattr(callbacks.ProgbarLogger, _hook)(self, *args)
            calls.append(time.perf_counter() - start)
        setattr(Timed, hook, timed)
    stream = io.StringIO()
    bar = Timed(stream=stream)
    start = time.perf_counter()
    model.fit(x, y, epochs=2, batch_size=32, verbose=1, callbacks=[bar])
    total = time.perf_counter() - start
    # The bar's cost: its typical call times the calls it gets. A lone pause of the machine
    # inside one call (the scheduler, a page fault) is not the bar's, and would make the plain
    # sum fail at random on a busy machine.
    spent = float(np.median(calls)) * len(calls)
    assert len(calls) == 2 * 63 + 4 and spent / total < 0.02, f"{spent:.4f} s of {total:.3f} s"
    frames = stream.getvalue().count("\r")
    assert 2 <= frames <= total / 0.05 + 4   # throttled: at most one frame per 50 ms
    assert stream.getvalue().count("63/63 ") == 2   # each epoch's last frame
