"""MPIStrategy: synchronous data-parallel training over MPI (mpi4py).

Every rank (process) holds the same model and trains on its own shard of the data. After each
backward pass the gradients of all N ranks are averaged with one MPI Allreduce, and every rank
applies that same average, so the weights stay identical on all ranks::

    g = (g_0 + g_1 + ... + g_{N-1}) / N        g_r: the mean gradient of rank r's batch of B

With the loss a mean over the batch, g is the mean gradient over all N * B samples: N ranks at
batch B take the same steps as one process at batch N * B (``shard`` orders the samples so
that the N batches of a step are exactly the one big batch; see there). Run a script with
``mpirun -n 4 python train.py``::

    strategy = numnet.distribute.MPIStrategy()
    model = build_and_compile()             # the same on every rank
    strategy.wrap(model)                    # rank 0's weights everywhere; averaged gradients
    x, y = strategy.shard(x, y)             # this rank's part of the data
    model.fit(x, y, batch_size=32, epochs=5, shuffle=False)   # 32 per rank
    model.save("model.numnet")              # written by rank 0 only
"""

from __future__ import annotations

import inspect

import numpy as np

from .. import backend
from ..callbacks import Callback

_INSTALL = ("pip install 'numnet[mpi]' (mpi4py), with an MPI library on the system, e.g. "
            "apt-get install openmpi-bin libopenmpi-dev")


def _import_mpi():
    try:
        from mpi4py import MPI
    except ImportError as err:
        raise RuntimeError(
            f"MPIStrategy needs mpi4py, which is not installed. Install it with: {_INSTALL}"
        ) from err
    return MPI


class _AverageEpochLogs(Callback):
    """Replaces each epoch's logs, in place and before any other callback reads them, by their
    mean over the ranks: with equal shards, the loss and metrics of all the data."""

    def __init__(self, strategy: MPIStrategy):
        super().__init__()
        self.strategy = strategy

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or self.strategy.size == 1:
            return
        keys = sorted(k for k, v in logs.items() if isinstance(v, (int, float, np.number)))
        every = self.strategy.comm.allgather(keys)
        if any(other != keys for other in every):
            raise RuntimeError(
                f"MPIStrategy: the ranks logged different values at epoch {epoch + 1} "
                f"({every}); give every rank the same compile() metrics and validation."
            )
        values = np.array([float(logs[k]) for k in keys], dtype=np.float64)
        self.strategy.comm.Allreduce(self.strategy.MPI.IN_PLACE, values,
                                     op=self.strategy.MPI.SUM)
        values /= self.strategy.size
        for key, value in zip(keys, values):
            logs[key] = float(value)


# Callbacks that only write logs: on ranks other than 0 they are left out of fit.
_LOGGERS = ("CSVLogger", "ProgbarLogger", "TensorBoard")


def _is_logger(callback) -> bool:
    from .. import callbacks

    types = tuple(getattr(callbacks, name) for name in _LOGGERS if hasattr(callbacks, name))
    return isinstance(callback, types)


def _skipped_on_this_rank(*args, **kwargs) -> None:
    """Only rank 0 writes files: on the other ranks this is a no-op."""
    return None


class MPIStrategy:
    """Data parallelism over MPI: shard the data, average the gradients, write from rank 0.

    comm: the MPI communicator (default ``MPI.COMM_WORLD``).
    ``rank``: this process's number, 0 .. size - 1; ``size`` (``num_replicas_in_sync``): the
    number of processes; ``is_chief``: rank 0, the one that writes checkpoints and logs.
    Without mpirun, a script runs as one rank (size 1) and trains as it would without it.
    """

    def __init__(self, comm=None):
        self.MPI = _import_mpi()
        self.comm = self.MPI.COMM_WORLD if comm is None else comm
        self.rank = int(self.comm.Get_rank())
        self.size = int(self.comm.Get_size())
        self._buffer = np.empty(0, np.float32)

    @property
    def num_replicas_in_sync(self) -> int:
        """The number of ranks training together (Keras / TensorFlow's name for ``size``)."""
        return self.size

    @property
    def is_chief(self) -> bool:
        return self.rank == 0

    def __repr__(self) -> str:
        return f"<MPIStrategy rank={self.rank} size={self.size}>"

    # ----- data -----
    def shard(self, x, y=None, sample_weight=None):
        """This rank's part of the data: samples rank, rank + N, rank + 2N, ... (N = size).

        The first ``n - n % N`` samples are used, so every rank has ``n // N`` samples and
        takes the same number of steps (a rank with one step more would wait forever for the
        others). With ``shuffle=False`` in fit, step k of rank r then uses samples
        ``N * (k * B + j) + r`` for j < B, and the N ranks together use samples
        ``k * N * B`` to ``(k + 1) * N * B - 1``: exactly the k-th batch of one process at
        batch N * B. (With shuffling each rank permutes its own shard.)
        Returns ``x`` alone when only ``x`` is given, else a tuple ``(x, y[, sample_weight])``.
        """
        arrays = {"x": x, "y": y, "sample_weight": sample_weight}
        given = {name: np.asarray(a) for name, a in arrays.items() if a is not None}
        if "x" not in given:
            raise ValueError("MPIStrategy.shard(x): expected an array of samples, given None.")
        n = len(given["x"]) if given["x"].ndim else 0
        for name, a in given.items():
            if a.ndim == 0 or len(a) != n:
                raise ValueError(
                    f"MPIStrategy.shard({name}): expected {n} samples like x, given "
                    f"{'a scalar' if a.ndim == 0 else len(a)}."
                )
        if n < self.size:
            raise ValueError(
                f"MPIStrategy.shard(x): {n} samples cannot be shared by {self.size} ranks; "
                "give at least one sample per rank, or run fewer ranks (mpirun -n)."
            )
        used = n - n % self.size
        parts = [a[self.rank:used:self.size] for a in given.values()]
        return parts[0] if len(parts) == 1 else tuple(parts)

    # ----- collectives -----
    def allreduce_mean(self, arrays) -> list:
        """The element-wise mean over the ranks of each array (None stays None), in one
        Allreduce of a flat buffer: ``mean_i = (a_i[rank 0] + ... + a_i[rank N-1]) / N``.
        Every rank must pass arrays of the same shapes in the same order."""
        values = [None if a is None else getattr(a, "value", a) for a in arrays]
        if self.size == 1:
            return values
        host = [backend.to_numpy(v) for v in values if v is not None]
        dtype = np.result_type(*host) if host else np.dtype(np.float32)
        total = sum(h.size for h in host)
        if self._buffer.size != total or self._buffer.dtype != dtype:
            self._buffer = np.empty(total, dtype)
        buffer = self._buffer
        offset = 0
        for h in host:
            buffer[offset:offset + h.size] = h.reshape(-1)
            offset += h.size
        self.comm.Allreduce(self.MPI.IN_PLACE, buffer, op=self.MPI.SUM)
        np.divide(buffer, self.size, out=buffer)
        out, offset = [], 0
        for v in values:
            if v is None:
                out.append(None)
                continue
            part = buffer[offset:offset + v.size].reshape(v.shape)
            out.append(backend.to_device(part, dtype=v.dtype))
            offset += v.size
        return out

    def broadcast_weights(self, model, root: int = 0) -> None:
        """Copy rank ``root``'s weights into the model on every rank (MPI Bcast)."""
        weights = [np.ascontiguousarray(w) for w in model.get_weights()]
        for w in weights:
            self.comm.Bcast(w, root=root)
        model.set_weights(weights)

    # ----- the model -----
    def _wrap_optimizer(self, model) -> None:
        optimizer = model.optimizer
        if getattr(optimizer, "_mpi_strategy", None) is self:
            return
        apply = optimizer.apply

        def allreduce_then_apply(grads, variables=None):
            return apply(self.allreduce_mean(grads), variables)

        optimizer.apply = allreduce_then_apply
        optimizer._mpi_strategy = self

    def wrap(self, model):
        """Make ``model`` train data-parallel on all ranks; returns the same model.

        The model must be compiled and built (an ``Input`` or ``input_shape``, or
        ``model.build``) on every rank. ``wrap``:

        - broadcasts rank 0's weights to every rank, so all start alike;
        - makes the optimizer average the gradients over the ranks (one Allreduce) before
          each update, in ``fit`` and ``train_on_batch`` (a later ``compile`` is wrapped at
          the next ``fit``); clipping and weight decay then act on the averaged gradient;
        - makes ``fit`` average each epoch's logs (loss, metrics, validation) over the ranks
          before callbacks see them, so History, EarlyStopping and the progress line show
          the numbers of all the data and every rank decides alike;
        - on ranks other than 0: ``fit`` runs with ``verbose=0`` and without the logging
          callbacks (CSVLogger, ProgbarLogger, TensorBoard), and ``model.save`` /
          ``model.save_weights`` write nothing, so checkpoints (ModelCheckpoint, callbacks
          that call ``model.save``) and logs come from rank 0 alone. Other callbacks that
          write files themselves (BackupAndRestore) need a folder per rank, or to be given on
          rank 0 only (``strategy.is_chief``).

        ``evaluate`` and ``predict`` run on each rank's own data, as given. The optimizer's
        state is not broadcast: start every rank from a fresh optimizer or the same file.
        """
        if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
            raise ValueError(
                "MPIStrategy.wrap(model): the model must be compiled first (on every rank), "
                "e.g. model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')."
            )
        if not model.built:
            raise ValueError(
                "MPIStrategy.wrap(model): the model must be built so that rank 0's weights can "
                "be sent to the others; start it with numnet.Input(shape), give the first "
                "layer input_shape=..., or call model.build((None, n_features))."
            )
        if getattr(model, "_mpi_strategy", None) is self:
            return model
        self.broadcast_weights(model)
        self._wrap_optimizer(model)
        fit = model.fit
        signature = inspect.signature(fit)

        def distributed_fit(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            self._wrap_optimizer(model)
            if not self.is_chief:
                bound.arguments["verbose"] = 0
            callbacks = bound.arguments.get("callbacks")
            if callbacks is None or isinstance(callbacks, Callback):
                callbacks = [] if callbacks is None else [callbacks]
            if isinstance(callbacks, (list, tuple)):
                if not self.is_chief:
                    callbacks = [c for c in callbacks if not _is_logger(c)]
                bound.arguments["callbacks"] = [_AverageEpochLogs(self), *callbacks]
            return fit(*bound.args, **bound.kwargs)

        distributed_fit.__doc__ = fit.__doc__
        model.fit = distributed_fit
        if not self.is_chief:
            model.save = _skipped_on_this_rank
            model.save_weights = _skipped_on_this_rank
        model._mpi_strategy = self
        return model
