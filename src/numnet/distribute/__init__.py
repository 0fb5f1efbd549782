"""Distributed training: data parallelism over MPI, ``MPIStrategy`` (needs ``pip install
'numnet[mpi]'``), and ``tf.distribute``'s single-process strategies (``MirroredStrategy``,
``OneDeviceStrategy``, ``get_strategy``, ``ReduceOp``: :mod:`.strategy`).

mpi4py is imported when an MPIStrategy is created, not when this package is.
"""

from __future__ import annotations

from .mpi import MPIStrategy
from .strategy import (
    InputContext,
    InputOptions,
    MirroredStrategy,
    OneDeviceStrategy,
    ReduceOp,
    ReplicaContext,
    get_replica_context,
    get_strategy,
    has_strategy,
    in_cross_replica_context,
)

__all__ = ["InputContext", "InputOptions", "MPIStrategy", "MirroredStrategy",
           "OneDeviceStrategy", "ReduceOp", "ReplicaContext", "get_replica_context",
           "get_strategy", "has_strategy", "in_cross_replica_context"]
