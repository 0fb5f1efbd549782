"""BackupAndRestore: a fit killed mid-epoch and run again ends with the weights of a fit that
was never interrupted, bit for bit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import numnet
from numnet import callbacks, layers

SCRIPT = r'''
import json, os, signal, sys
import numpy as np
import numnet
from numnet import callbacks, layers

save_freq, backup_dir, out, kill_at = sys.argv[1:5]
save_freq = save_freq if save_freq == "epoch" else int(save_freq)
rng = np.random.default_rng(0)
x = rng.normal(size=(90, 6)).astype("float32")
y = (x[:, :3].sum(axis=1) > 0).astype("int64") + (x[:, 3] > 1).astype("int64")
numnet.utils.set_random_seed(42)
model = numnet.Sequential([layers.Dense(16, activation="relu", input_shape=(6,)),
                           layers.Dropout(0.25), layers.Dense(3, activation="softmax")])
model.compile(numnet.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
              metrics=["accuracy"])


class Kill(callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if [self.epoch, batch] == kill:
            os.kill(os.getpid(), signal.SIGKILL)


cbs = []
if backup_dir != "-":
    cbs.append(callbacks.BackupAndRestore(backup_dir, save_freq=save_freq))
if kill_at != "-":
    kill = [int(v) for v in kill_at.split(",")]
    cbs.append(Kill())
history = model.fit(x, y, epochs=5, batch_size=16, validation_split=0.2, callbacks=cbs,
                    verbose=0)
np.savez(out + ".npz", *model.get_weights(),
         iterations=np.asarray(model.optimizer.iterations.numpy()),
         next_draw=numnet.backend.rng().random(4))
with open(out + ".json", "w") as f:
    json.dump({"history": history.history, "epoch": history.epoch}, f)
'''


def run(tmp_path, save_freq, backup, out, kill="-"):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    return subprocess.run([sys.executable, str(script), str(save_freq), str(backup),
                           str(tmp_path / out), kill], capture_output=True, text=True,
                          timeout=120)


def load(tmp_path, name):
    arrays = np.load(tmp_path / f"{name}.npz")
    with open(tmp_path / f"{name}.json") as f:
        return arrays, json.load(f)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
@pytest.mark.parametrize("save_freq, kill, resume_at", [
    ("epoch", "2,3", (2, 0)),   # the backup of the end of epoch 1
    (4, "2,3", (2, 2)),         # 72 samples / 16 = 5 batches an epoch: the 12th batch
])
def test_a_killed_fit_resumes_bit_for_bit(tmp_path, save_freq, kill, resume_at):
    backup = tmp_path / "backup"
    reference = run(tmp_path, save_freq, "-", "reference")
    assert reference.returncode == 0, reference.stderr
    killed = run(tmp_path, save_freq, backup, "killed", kill)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with open(backup / "training_state.json") as f:
        state = json.load(f)
    assert (state["epoch"], state["step"]) == resume_at
    assert os.path.exists(backup / state["model_file"])
    resumed = run(tmp_path, save_freq, backup, "resumed")
    assert resumed.returncode == 0, resumed.stderr
    ref_arrays, ref = load(tmp_path, "reference")
    got_arrays, got = load(tmp_path, "resumed")
    assert sorted(ref_arrays.files) == sorted(got_arrays.files)
    for name in ref_arrays.files:   # weights, optimizer step count, random state: identical
        np.testing.assert_array_equal(got_arrays[name], ref_arrays[name], err_msg=name)
    first = resume_at[0]
    assert got["epoch"] == list(range(first, 5))
    # Whole epochs after the resume log exactly what the reference logged; the resumed
    # epoch's loss too (its running total is backed up).
    assert got["history"]["loss"] == ref["history"]["loss"][first:]
    assert got["history"]["val_loss"] == ref["history"]["val_loss"][first:]
    assert not backup.exists()   # delete_checkpoint=True once the fit finished


class Batches(numnet.utils.PyDataset):
    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return self.x[i * 8:(i + 1) * 8], self.y[i * 8:(i + 1) * 8]


def small_fit(cbs, epochs=4, pydataset=False):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = x @ np.array([0.5, -1.0, 2.0], "float32")
    numnet.utils.set_random_seed(3)
    model = numnet.Sequential([layers.Dense(8, activation="relu", input_shape=(3,)),
                               layers.Dropout(0.2), layers.Dense(1)])
    model.compile(numnet.optimizers.RMSprop(0.01), "mse")
    if pydataset:   # shuffled batch order, drawn from numnet's random state
        history = model.fit(Batches(x, y), epochs=epochs, callbacks=cbs, verbose=0)
    else:
        history = model.fit(x, y, epochs=epochs, batch_size=8, callbacks=cbs, verbose=0)
    return model, history


class Interrupt(callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise KeyboardInterrupt


@pytest.mark.parametrize("save_freq, pydataset", [("epoch", False), (3, False), (3, True)])
def test_an_interrupted_fit_resumes_in_the_same_process(tmp_path, save_freq, pydataset):
    reference, ref_history = small_fit([], pydataset=pydataset)
    backup = callbacks.BackupAndRestore(tmp_path / "b", save_freq=save_freq)
    with pytest.raises(KeyboardInterrupt):
        small_fit([backup, Interrupt(2, 2)], pydataset=pydataset)
    model, history = small_fit([backup], pydataset=pydataset)
    for a, b in zip(model.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert history.history["loss"][-1] == ref_history.history["loss"][-1]
    assert not (tmp_path / "b").exists()


def test_backup_kept_with_delete_checkpoint_false_and_bad_arguments(tmp_path):
    small_fit([callbacks.BackupAndRestore(tmp_path / "b", delete_checkpoint=False)], epochs=2)
    names = sorted(os.listdir(tmp_path / "b"))
    assert names[1] == "training_state.json" and names[0].startswith("backup-")
    with open(tmp_path / "b" / "training_state.json") as f:
        assert json.load(f)["epoch"] == 2
    # A later fit with more epochs continues from there: only epochs 2 and 3 run.
    _, history = small_fit([callbacks.BackupAndRestore(tmp_path / "b")], epochs=4)
    assert history.epoch == [2, 3]
    with pytest.raises(ValueError, match=r"BackupAndRestore\(backup_dir\)"):
        callbacks.BackupAndRestore("")
    with pytest.raises(ValueError, match=r"BackupAndRestore\(save_freq\)"):
        callbacks.BackupAndRestore(tmp_path, save_freq="batch")


def test_a_damaged_backup_is_reported(tmp_path):
    small_fit([callbacks.BackupAndRestore(tmp_path / "b", delete_checkpoint=False)], epochs=1)
    state_file = tmp_path / "b" / "training_state.json"
    with open(state_file) as f:
        name = json.load(f)["model_file"]
    (tmp_path / "b" / name).write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"BackupAndRestore: cannot restore from .*Delete the"):
        small_fit([callbacks.BackupAndRestore(tmp_path / "b")])
