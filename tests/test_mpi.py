"""Data-parallel training over MPI: ``mpirun -n 2`` on a 784-128-10 model takes the same 50
steps as one process at twice the batch, and rank 0 alone writes checkpoints and logs.

The hidden layer is tanh: the two runs add the same numbers in a different order, so they
differ by float32 rounding (~1e-8) at every step, and with a smooth activation that stays
small (~1e-7 after 50 steps). With ReLU, a rounding difference can move a pre-activation that
sits within ~1e-7 of 0 to the other side of the kink, which changes that sample's gradient by
a whole term; both runs are then correct, but no longer equal to 1e-5.

The ranks run a worker script (WORKER, written to a temporary folder) under mpirun and leave
their weights and logs in files; the checks are made here. MPI is never initialized in the
pytest process itself.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import numnet
from numnet import backend, layers

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

HAVE_MPI4PY = importlib.util.find_spec("mpi4py") is not None
MPIRUN = shutil.which("mpirun")
needs_mpi = pytest.mark.skipif(
    not (HAVE_MPI4PY and MPIRUN),
    reason="needs mpirun and mpi4py: apt-get install openmpi-bin libopenmpi-dev, then "
           "pip install 'numnet[mpi]'")

B, STEPS, EPOCHS = 32, 50, 2          # per-rank batch; 25 steps an epoch
N_SAMPLES = 2 * B * STEPS // EPOCHS    # 1600: two ranks of 800

WORKER = textwrap.dedent('''
    import json, sys
    import numpy as np
    import numnet
    from numnet import backend, layers
    from numnet.distribute import MPIStrategy

    out, n_samples, batch, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \\
        int(sys.argv[4])
    strategy = MPIStrategy()
    rank = strategy.rank
    (x, y), _ = numnet.datasets.mnist.load_data(bundled=True)
    x = (x[:n_samples].reshape(-1, 784) / 255.0).astype("float32")
    y = y[:n_samples].astype("int64")

    backend.set_random_seed(1 + rank)   # different weights on each rank until wrap
    model = numnet.Sequential([layers.Input((784,)), layers.Dense(128, activation="tanh"),
                               layers.Dense(10)])
    model.compile(optimizer=numnet.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss=numnet.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    before = model.get_weights()
    strategy.wrap(model)
    xs, ys = strategy.shard(x, y)
    shard_of_ten = strategy.shard(np.arange(11))
    checkpoint = numnet.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: model.save(
        f"{out}/checkpoint-rank{rank}-epoch{epoch + 1}.numnet"))
    csv = numnet.callbacks.CSVLogger(f"{out}/log-rank{rank}.csv")
    history = model.fit(xs, ys, batch_size=batch, epochs=epochs, shuffle=False, verbose=2,
                        callbacks=[checkpoint, csv])
    model.save(f"{out}/final-rank{rank}.numnet")
    np.savez(f"{out}/weights-rank{rank}.npz", *model.get_weights())
    np.savez(f"{out}/before-rank{rank}.npz", *before)
    with open(f"{out}/rank{rank}.json", "w") as f:
        json.dump({"size": strategy.size, "history": history.history,
                   "iterations": int(model.optimizer.iterations.value),
                   "shard_len": len(xs), "shard_of_ten": shard_of_ten.tolist()}, f)
''')


def _data(n: int):
    (x, y), _ = numnet.datasets.mnist.load_data(bundled=True)
    return (x[:n].reshape(-1, 784) / 255.0).astype("float32"), y[:n].astype("int64")


def _single_process(x, y, batch_size: int, epochs: int):
    """The same model, seeded as rank 0, trained in this process."""
    backend.set_random_seed(1)
    model = numnet.Sequential([layers.Input((784,)), layers.Dense(128, activation="tanh"),
                               layers.Dense(10)])
    model.compile(optimizer=numnet.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss=numnet.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
    return model.get_weights(), history.history


def _weights(path) -> list:
    with np.load(path) as f:
        return [f[f"arr_{i}"] for i in range(len(f.files))]


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory):
    """Run WORKER under mpirun -n 2; its folder of results and its console output."""
    folder = tmp_path_factory.mktemp("mpi")
    script = folder / "worker.py"
    script.write_text(WORKER)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    command = [MPIRUN, "-n", "2", "--allow-run-as-root", "--oversubscribe", sys.executable,
               str(script), str(folder), str(N_SAMPLES), str(B), str(EPOCHS)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, f"mpirun failed:\n{run.stdout}\n{run.stderr}"
    return folder, run.stdout


@needs_mpi
def test_two_ranks_at_batch_b_take_the_steps_of_one_process_at_batch_2b(two_ranks):
    folder, _ = two_ranks
    info = [json.loads((folder / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [i["size"] for i in info] == [2, 2]
    assert [i["iterations"] for i in info] == [STEPS, STEPS]
    assert [i["shard_len"] for i in info] == [N_SAMPLES // 2] * 2
    # The ranks started from different weights; wrap gave them rank 0's.
    before = [_weights(folder / f"before-rank{r}.npz") for r in (0, 1)]
    assert np.abs(before[0][0] - before[1][0]).max() > 1e-2
    rank0, rank1 = (_weights(folder / f"weights-rank{r}.npz") for r in (0, 1))
    for a, b in zip(rank0, rank1):
        np.testing.assert_array_equal(a, b)
    x, y = _data(N_SAMPLES)
    single, history = _single_process(x, y, batch_size=2 * B, epochs=EPOCHS)
    for a, b in zip(rank0, single):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=0)
    assert max(float(np.abs(a - w).max()) for a, w in zip(rank0, before[0])) > 1e-2
    # Not what one rank alone would have done with its shard at batch B.
    alone, _ = _single_process(x[0::2], y[0::2], batch_size=B, epochs=EPOCHS)
    assert max(float(np.abs(a - b).max()) for a, b in zip(rank0, alone)) > 1e-3
    # Each epoch's logs are the means over the ranks: the one process's logs.
    for r in (0, 1):
        got = info[r]["history"]
        np.testing.assert_allclose(got["loss"], history["loss"], rtol=1e-5)
        np.testing.assert_allclose(got["accuracy"], history["accuracy"], atol=1e-6)


@needs_mpi
def test_only_rank_0_writes_checkpoints_and_logs(two_ranks):
    folder, stdout = two_ranks
    written = sorted(p.name for p in folder.glob("*.numnet"))
    assert written == [f"checkpoint-rank0-epoch{e}.numnet" for e in range(1, EPOCHS + 1)] + [
        "final-rank0.numnet"]
    saved = numnet.models.load_model(folder / "final-rank0.numnet").get_weights()
    for a, b in zip(saved, _weights(folder / "weights-rank0.npz")):
        np.testing.assert_array_equal(a, b)
    # fit(verbose=2) on both ranks: one progress log, rank 0's.
    assert stdout.count(f"Epoch 1/{EPOCHS}") == 1 and stdout.count(f"Epoch 2/{EPOCHS}") == 1
    # A CSVLogger given on both ranks: one file, rank 0's, with the logs of all the data.
    assert sorted(p.name for p in folder.glob("*.csv")) == ["log-rank0.csv"]
    with open(folder / "log-rank0.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    history = json.loads((folder / "rank0.json").read_text())["history"]
    assert [int(r["epoch"]) for r in rows] == list(range(EPOCHS))
    np.testing.assert_allclose([float(r["loss"]) for r in rows], history["loss"], rtol=1e-6)


@needs_mpi
def test_shard_takes_every_nth_sample_and_drops_the_remainder(two_ranks):
    folder, _ = two_ranks
    info = [json.loads((folder / f"rank{r}.json").read_text()) for r in (0, 1)]
    # 11 samples over 2 ranks: 10 used, rank 0 the even ones, rank 1 the odd ones.
    assert info[0]["shard_of_ten"] == [0, 2, 4, 6, 8]
    assert info[1]["shard_of_ten"] == [1, 3, 5, 7, 9]


def test_mpi_strategy_without_mpi4py_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    from numnet.distribute import MPIStrategy

    with pytest.raises(RuntimeError, match=r"pip install 'numnet\[mpi\]'.*openmpi-bin"):
        MPIStrategy()


ONE_RANK = textwrap.dedent('''
    import json, sys
    import numpy as np
    import numnet
    from numnet import backend, layers
    from numnet.distribute import MPIStrategy

    strategy = MPIStrategy()
    found = {"size": strategy.size, "rank": strategy.rank, "chief": strategy.is_chief}
    model = numnet.Sequential([layers.Dense(3)])
    for stage in ("uncompiled", "unbuilt"):
        try:
            strategy.wrap(model)
        except ValueError as err:
            found[stage] = str(err)
        model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(50, 5)).astype("float32")
    y = x @ np.arange(5.0, dtype="float32") + 1.0
    for key, arrays in (("bad_y", (x, y[:7])), ("too_few", (x[:0], y[:0]))):
        try:
            strategy.shard(*arrays)
        except ValueError as err:
            found[key] = str(err)

    def fitted(wrap):
        backend.set_random_seed(4)
        model = numnet.Sequential([layers.Input((5,)), layers.Dense(8, activation="tanh"),
                                   layers.Dense(1)])
        model.compile(optimizer=numnet.optimizers.Adam(0.01), loss="mse")
        data = (x, y)
        if wrap:
            strategy.wrap(model)
            data = strategy.shard(x, y)
        model.fit(*data, batch_size=8, epochs=3, shuffle=False, verbose=0)
        return model.get_weights()

    found["difference"] = max(float(np.abs(a - b).max())
                              for a, b in zip(fitted(False), fitted(True)))
    json.dump(found, sys.stdout)
''')


@pytest.mark.skipif(not HAVE_MPI4PY, reason="needs mpi4py: pip install 'numnet[mpi]' (with "
                    "an MPI library: apt-get install openmpi-bin libopenmpi-dev)")
def test_one_rank_without_mpirun_trains_as_without_the_strategy(tmp_path):
    script = tmp_path / "one_rank.py"
    script.write_text(ONE_RANK)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert (found["size"], found["rank"], found["chief"]) == (1, 0, True)
    assert found["difference"] == 0.0
    assert "must be compiled first" in found["uncompiled"]
    assert "must be built" in found["unbuilt"] and "model.build((None" in found["unbuilt"]
    assert found["bad_y"] == "MPIStrategy.shard(y): expected 50 samples like x, given 7."
    assert found["too_few"].startswith("MPIStrategy.shard(x): 0 samples cannot be shared by 1")
