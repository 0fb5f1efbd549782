"""``tf.distribute``'s single-process strategies: ``MirroredStrategy`` and ``OneDeviceStrategy``
on the one device numnet computes on, with ``get_strategy``, ``ReduceOp`` and the replica
context, so that the programs of TensorFlow's distributed-training guides run as written.

numnet runs one replica in one process: ``num_replicas_in_sync`` is 1, ``strategy.run(fn)``
calls ``fn`` once, ``reduce`` reduces over that one replica (and along ``axis`` when given),
and a distributed dataset is the dataset itself. So training under ``strategy.scope()`` is
training without it, as TensorFlow's MirroredStrategy on a machine with one device is. For
several processes (data parallelism over MPI) see :class:`numnet.distribute.MPIStrategy`.

    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        model = make_model()
        model.compile(...)
    model.fit(dataset)
"""

from __future__ import annotations

import contextlib
import enum


class ReduceOp(enum.Enum):
    """How ``Strategy.reduce`` combines values: ``SUM`` or ``MEAN`` (the strings "SUM" and
    "MEAN" are taken too).

    Example:
        >>> strategy = numnet.distribute.MirroredStrategy()
        >>> float(strategy.reduce(numnet.distribute.ReduceOp.MEAN,
        ...                       numnet.constant([1.0, 3.0]), axis=0))
        2.0
    """

    SUM = "SUM"
    MEAN = "MEAN"


class InputContext:
    """What ``distribute_datasets_from_function`` tells the dataset function: one input
    pipeline, one replica.

    Example:
        >>> numnet.distribute.InputContext().get_per_replica_batch_size(64)
        64
    """

    num_input_pipelines = 1
    input_pipeline_id = 0
    num_replicas_in_sync = 1

    def get_per_replica_batch_size(self, global_batch_size: int) -> int:
        """The batch of each replica: the global batch (one replica)."""
        return int(global_batch_size)


class InputOptions:
    """How ``experimental_distribute_dataset`` and ``distribute_datasets_from_function`` place
    the input, as ``tf.distribute.InputOptions``: accepted and kept (one replica on one device
    reads the dataset as it is).

    Args:
        experimental_fetch_to_device: copy the batches to the replica's device. Defaults to
            ``None`` (True, as TensorFlow's).
        experimental_replication_mode: "PER_WORKER" or "PER_REPLICA". Defaults to
            "PER_WORKER".
        experimental_place_dataset_on_device: Defaults to False.
        experimental_per_replica_buffer_size: Defaults to 1.

    Example:
        >>> options = numnet.distribute.InputOptions(experimental_fetch_to_device=False)
        >>> options.experimental_fetch_to_device
        False
    """

    def __init__(self, experimental_fetch_to_device=None,
                 experimental_replication_mode="PER_WORKER",
                 experimental_place_dataset_on_device: bool = False,
                 experimental_per_replica_buffer_size: int = 1):
        self.experimental_fetch_to_device = (True if experimental_fetch_to_device is None
                                             else bool(experimental_fetch_to_device))
        self.experimental_replication_mode = getattr(experimental_replication_mode, "value",
                                                     experimental_replication_mode)
        self.experimental_place_dataset_on_device = bool(experimental_place_dataset_on_device)
        self.experimental_per_replica_buffer_size = int(experimental_per_replica_buffer_size)

    def __repr__(self) -> str:
        return (f"InputOptions(experimental_fetch_to_device={self.experimental_fetch_to_device}"
                f", experimental_replication_mode={self.experimental_replication_mode!r}, "
                f"experimental_place_dataset_on_device="
                f"{self.experimental_place_dataset_on_device}, "
                f"experimental_per_replica_buffer_size="
                f"{self.experimental_per_replica_buffer_size})")


class ValueContext:
    """What ``experimental_distribute_values_from_function`` tells the value function: which
    replica the value is for (the one replica, id 0) and how many there are (1), as
    ``tf.distribute.experimental.ValueContext``.

    Args:
        replica_id_in_sync_group: the replica's index. Defaults to 0.
        num_replicas_in_sync: how many replicas train together. Defaults to 1.

    Example:
        >>> strategy = numnet.distribute.MirroredStrategy()
        >>> strategy.experimental_distribute_values_from_function(
        ...     lambda ctx: ctx.replica_id_in_sync_group + 10)
        10
    """

    def __init__(self, replica_id_in_sync_group: int = 0, num_replicas_in_sync: int = 1):
        self.replica_id_in_sync_group = int(replica_id_in_sync_group)
        self.num_replicas_in_sync = int(num_replicas_in_sync)

    def __repr__(self) -> str:
        return (f"ValueContext(replica_id_in_sync_group={self.replica_id_in_sync_group}, "
                f"num_replicas_in_sync={self.num_replicas_in_sync})")


class ReplicaContext:
    """The context of the one replica (``tf.distribute.get_replica_context()``).

    Args:
        strategy: the strategy the replica belongs to.

    Example:
        >>> numnet.distribute.get_replica_context().all_reduce("SUM", 5.0)
        5.0
    """

    def __init__(self, strategy):
        self.strategy = strategy
        self.num_replicas_in_sync = 1
        self.replica_id_in_sync_group = 0

    def all_reduce(self, reduce_op, value, options=None):
        """``value`` reduced over the replicas: itself (one replica)."""
        _reduce_op(reduce_op)
        return value

    def merge_call(self, merge_fn, args=(), kwargs=None):
        """``merge_fn(strategy, *args, **kwargs)``, as in a cross-replica context."""
        return merge_fn(self.strategy, *args, **(kwargs or {}))


# the open contexts, innermost last: (strategy, "cross") for a scope(), (strategy, "replica")
# while run() calls its function
_scopes: list = []


class OneDeviceStrategy:
    """Everything on one device: ``tf.distribute.OneDeviceStrategy("/cpu:0")``.

    Args:
        device: the device name; accepted as TensorFlow's (numnet computes where its array
            module does: NumPy, or CuPy's current GPU). Defaults to ``"/cpu:0"``.

    Example:
        >>> strategy = numnet.distribute.OneDeviceStrategy("/cpu:0")
        >>> with strategy.scope():
        ...     total = strategy.reduce("SUM", strategy.run(lambda: numnet.constant(2.0)),
        ...                             axis=None)
        >>> float(total), strategy.num_replicas_in_sync
        (2.0, 1)
    """

    def __init__(self, device: str = "/cpu:0"):
        self.device = device
        self.extended = self

    @property
    def worker_devices(self) -> tuple:
        """``strategy.extended.worker_devices``: the devices the replicas run on, TensorFlow's
        full name of the one device."""
        return (_full_device_name(self.device),)

    @property
    def parameter_devices(self) -> tuple:
        """``strategy.extended.parameter_devices``: where the variables live, the one device."""
        return self.worker_devices

    @property
    def num_replicas_in_sync(self) -> int:
        """How many replicas train together: 1."""
        return 1

    @contextlib.contextmanager
    def scope(self):
        """Models, optimizers and metrics made in this block belong to the strategy (numnet
        needs nothing of them); ``get_strategy()`` gives the strategy inside it."""
        entry = (self, "cross")
        _scopes.append(entry)
        try:
            yield self
        finally:
            _scopes.remove(entry)

    def run(self, fn, args=(), kwargs=None, options=None):
        """``fn(*args, **kwargs)`` on each replica (one): its result. Inside ``fn`` the
        strategy is the current one and the context is the replica's
        (``get_replica_context()`` gives it, ``in_cross_replica_context()`` is False)."""
        entry = (self, "replica")
        _scopes.append(entry)
        try:
            return fn(*args, **(kwargs or {}))
        finally:
            _scopes.remove(entry)

    def reduce(self, reduce_op, value, axis=None):
        """``value`` reduced over the replicas (one) with ``reduce_op`` ("SUM" or "MEAN", or
        a ReduceOp), then along ``axis`` when given, as TensorFlow's ``Strategy.reduce``.

        Raises:
            ValueError: an unknown ``reduce_op``.
        """
        op = _reduce_op(reduce_op)
        if axis is None:
            return value
        from .. import ops

        return ops.sum(value, axis=axis) if op is ReduceOp.SUM else ops.mean(value, axis=axis)

    def experimental_distribute_dataset(self, dataset, options=None):
        """The dataset to iterate in ``run``'s loop: the dataset itself (one replica)."""
        return dataset

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        """``dataset_fn(InputContext())``: the dataset of the one input pipeline."""
        return dataset_fn(InputContext())

    def experimental_local_results(self, value) -> tuple:
        """The values of the replicas in this process: ``(value,)``."""
        return (value,)

    def gather(self, value, axis):
        """``value`` gathered from the replicas (one) along ``axis``: ``value``."""
        return value

    def experimental_distribute_values_from_function(self, value_fn):
        """``value_fn(ValueContext())``: the value of the one replica (id 0 of 1)."""
        return value_fn(ValueContext())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} num_replicas_in_sync=1>"


class MirroredStrategy(OneDeviceStrategy):
    """Synchronous data parallelism on the devices of one machine, as
    ``tf.distribute.MirroredStrategy()``: numnet computes on one device, so it has one
    replica, and training under it is training without it (TensorFlow's on a machine with one
    device likewise).

    Args:
        devices: the devices; None (the default) or one device. Defaults to ``None``.
        cross_device_ops: accepted as TensorFlow's. Defaults to ``None``.

    Raises:
        NotImplementedError: more than one device (numnet runs one replica a process; for
            data parallelism over processes use ``numnet.distribute.MPIStrategy``).

    Example:
        >>> strategy = numnet.distribute.MirroredStrategy()
        >>> with strategy.scope():
        ...     model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(1)])
        ...     model.compile(optimizer="sgd", loss="mse")
        >>> strategy.num_replicas_in_sync
        1
    """

    def __init__(self, devices=None, cross_device_ops=None):
        devices = list(devices or [])
        if len(devices) > 1:
            raise NotImplementedError(
                f"MirroredStrategy(devices={devices}): numnet runs one replica in a process; "
                "give one device or none, or train over several processes with "
                "numnet.distribute.MPIStrategy.")
        super().__init__(devices[0] if devices else "/cpu:0")


def _reduce_op(reduce_op) -> ReduceOp:
    name = getattr(reduce_op, "value", reduce_op)
    try:
        return ReduceOp(str(name).upper())
    except ValueError:
        raise ValueError(f"reduce(reduce_op): expected tf.distribute.ReduceOp.SUM or MEAN (or "
                         f"'SUM' / 'MEAN'), given {reduce_op!r}.") from None


_default = OneDeviceStrategy()


def _full_device_name(device: str) -> str:
    kind, _, index = str(device).strip("/").rpartition(":")
    kind = kind.rsplit("/", 1)[-1].upper() or "CPU"
    if kind.startswith("DEVICE:"):
        kind = kind[len("DEVICE:"):]
    return f"/job:localhost/replica:0/task:0/device:{kind}:{index or 0}"


def get_strategy():
    """The strategy of the enclosing ``strategy.scope()`` or ``strategy.run`` call, or the
    default one-device one."""
    return _scopes[-1][0] if _scopes else _default


def has_strategy() -> bool:
    """Whether a strategy is current: inside its ``scope()`` or a function it ``run``s."""
    return bool(_scopes)


def in_cross_replica_context() -> bool:
    """Whether the code runs in a strategy's cross-replica context: inside ``scope()`` and
    not in a function given to ``run`` (False outside every scope, as TensorFlow's default
    replica context)."""
    return bool(_scopes) and _scopes[-1][1] == "cross"


def get_replica_context():
    """The replica context: that of the one replica inside ``run`` (and outside every scope,
    the default one); None in the cross-replica context of a ``scope()``, as TensorFlow.

    Example:
        >>> with numnet.distribute.MirroredStrategy().scope():
        ...     numnet.distribute.get_replica_context() is None
        True
    """
    if in_cross_replica_context():
        return None
    return ReplicaContext(get_strategy())


__all__ = ["InputContext", "InputOptions", "MirroredStrategy", "OneDeviceStrategy",
           "ReduceOp", "ReplicaContext", "ValueContext", "get_replica_context", "get_strategy",
           "has_strategy", "in_cross_replica_context"]
