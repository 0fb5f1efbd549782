"""``keras.distribution``: Keras 3's API for laying a model and its data out on a mesh of
devices (DeviceMesh, TensorLayout, LayoutMap, DataParallel, ModelParallel).

numnet computes on one device: the CPU, or the GPU in use with CuPy. A distribution whose mesh
holds that one device is exact (it is what Keras does on one device: the same numbers as no
distribution), so the programs of Keras's distribution guide run unchanged on a machine with one
device. A mesh of more devices is refused when it is set, naming what numnet offers instead
(``numnet.distribute.MPIStrategy``: data-parallel training over processes).

Example:
    >>> devices = numnet.distribution.list_devices()
    >>> devices
    ['cpu:0']
    >>> mesh = numnet.distribution.DeviceMesh((1,), ["batch"], devices)
    >>> numnet.distribution.set_distribution(numnet.distribution.DataParallel(device_mesh=mesh))
    >>> numnet.distribution.distribution().batch_dim_name
    'batch'
    >>> numnet.distribution.set_distribution(None)
"""

from __future__ import annotations

import collections.abc
import contextlib
import math
import re
import warnings

import numpy as np

from . import backend

DEFAULT_BATCH_DIM_NAME = "batch"
_DEVICE_TYPES = ("cpu", "gpu", "tpu")
_GLOBAL = {"distribution": None}


def list_devices(device_type=None) -> list:
    """The devices numnet can compute on, as ``"type:id"`` strings.

    Args:
        device_type: ``"cpu"``, ``"gpu"`` or ``"tpu"``; None for the GPUs when numnet computes
            on one (``numnet.backend.set_device("gpu")``), else the CPU. Defaults to ``None``.

    Returns:
        ``["cpu:0"]`` for the CPU (one device: NumPy uses its cores within each operation);
        ``["gpu:0", ...]`` for the GPUs CuPy sees (none without CuPy); ``[]`` for TPUs.

    Raises:
        ValueError: for another ``device_type``.

    Example:
        >>> numnet.distribution.list_devices("cpu")
        ['cpu:0']
    """
    kind = device_type
    if kind is None:
        kind = "gpu" if backend.device() == "gpu" else "cpu"
    kind = str(kind).lower()
    if kind not in _DEVICE_TYPES:
        raise ValueError(f"list_devices(device_type): expected one of {list(_DEVICE_TYPES)} "
                         f"or None, given {device_type!r}.")
    if kind == "cpu":
        return ["cpu:0"]
    if kind == "gpu" and backend.gpu_available():
        import cupy

        return [f"gpu:{i}" for i in range(int(cupy.cuda.runtime.getDeviceCount()))]
    return []


def get_device_count(device_type=None) -> int:
    """The number of devices of ``device_type`` (see ``list_devices``).

    Example:
        >>> numnet.distribution.get_device_count("cpu")
        1
    """
    return len(list_devices(device_type))


def initialize(job_addresses=None, num_processes=None, process_id=None) -> None:
    """Keras's start of a multi-process run. One process (the default) needs nothing.

    Args:
        job_addresses: the processes' addresses, comma-separated; not used by one process.
            Defaults to ``None``.
        num_processes: the number of processes; None or 1. Defaults to ``None``.
        process_id: this process's index; None or 0. Defaults to ``None``.

    Raises:
        NotImplementedError: for more than one process: numnet trains over processes with
            ``numnet.distribute.MPIStrategy`` (run under ``mpirun``).
    """
    if num_processes not in (None, 1) or process_id not in (None, 0):
        raise NotImplementedError(
            f"distribution.initialize(num_processes={num_processes!r}, process_id="
            f"{process_id!r}): numnet runs keras.distribution in one process. For "
            "data-parallel training over processes use numnet.distribute.MPIStrategy with "
            "mpirun (docs: Scale).")


class DeviceMesh:
    """A grid of devices with a name for each of its axes.

    Args:
        shape: the grid's shape, a tuple of ints whose product is the number of devices.
        axis_names: one name per axis (``["batch", "model"]``).
        devices: the devices (``"cpu:0"`` strings); None for ``list_devices()``. Defaults to
            ``None``.

    Raises:
        ValueError: for an empty shape or names, names of another length than the shape, or
            a shape that does not hold the devices.

    Example:
        >>> mesh = numnet.distribution.DeviceMesh((1, 1), ["batch", "model"])
        >>> mesh.devices.shape
        (1, 1)
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(f"DeviceMesh(shape, axis_names): neither may be empty; given "
                             f"shape={shape!r}, axis_names={axis_names!r}.")
        if len(shape) != len(axis_names):
            raise ValueError(f"DeviceMesh(axis_names): expected one name per axis of the shape "
                             f"{tuple(shape)}, given {list(axis_names)}.")
        devices = np.array(list_devices() if devices is None else devices)
        if math.prod(shape) != devices.size:
            raise ValueError(f"DeviceMesh(shape): a shape of {tuple(shape)} holds "
                             f"{math.prod(shape)} devices; given {devices.size} "
                             f"({devices.tolist()}). numnet's devices: {list_devices()}.")
        self._shape = tuple(shape)
        self._axis_names = list(axis_names)
        self._devices = np.reshape(devices, self._shape)

    @property
    def shape(self) -> tuple:
        """The grid's shape."""
        return self._shape

    @property
    def axis_names(self) -> list:
        """The names of its axes."""
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        """The devices, an array of the grid's shape."""
        return self._devices

    def __repr__(self) -> str:
        return f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}>"


class TensorLayout:
    """How a tensor's axes map onto a mesh's axes: a mesh axis name per tensor axis, or None
    for an axis that is not split.

    Args:
        axes: one entry per tensor axis: a mesh axis name or None.
        device_mesh: the DeviceMesh; None until a LayoutMap gives it its own. Defaults to
            ``None``.

    Raises:
        ValueError: for an axis name the mesh lacks.

    Example:
        >>> mesh = numnet.distribution.DeviceMesh((1,), ["model"])
        >>> numnet.distribution.TensorLayout((None, "model"), mesh).axes
        (None, 'model')
    """

    def __init__(self, axes, device_mesh=None):
        self._axes = tuple(axes)
        self._device_mesh = device_mesh
        self._validate()

    @property
    def axes(self) -> tuple:
        """The mesh axis name (or None) of each tensor axis."""
        return self._axes

    @property
    def device_mesh(self):
        """The DeviceMesh, or None. Set once."""
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh) -> None:
        if self._device_mesh is not None:
            raise ValueError(f"TensorLayout.device_mesh: already {self._device_mesh}; a "
                             "layout's mesh is set once.")
        self._device_mesh = device_mesh
        self._validate()

    def _validate(self) -> None:
        if self._device_mesh is None:
            return
        unknown = set(self._axes) - {None} - set(self._device_mesh.axis_names)
        if unknown:
            raise ValueError(f"TensorLayout(axes): {sorted(unknown)} are not axes of the mesh, "
                             f"whose axes are {self._device_mesh.axis_names}.")

    def __repr__(self) -> str:
        return f"<TensorLayout axes={self.axes}, device_mesh={self.device_mesh}>"


class LayoutMap(collections.abc.MutableMapping):
    """A dict from variable paths to TensorLayouts, where a key is a regular expression: a
    path with no key of its own takes the one key that matches it whole.

    Args:
        device_mesh: the DeviceMesh every layout put in it gets.

    Raises:
        ValueError: (on ``[]`` reads) for a path that several keys match; (on writes) for a
            key already there or a value that is not a layout or a tuple of axes.

    Example:
        >>> mesh = numnet.distribution.DeviceMesh((1, 1), ["batch", "model"])
        >>> layout_map = numnet.distribution.LayoutMap(mesh)
        >>> layout_map["dense.*kernel"] = (None, "model")
        >>> layout_map["dense_1/kernel"].axes
        (None, 'model')
        >>> layout_map["conv/kernel"] is None
        True
    """

    def __init__(self, device_mesh):
        self._layouts: collections.OrderedDict = collections.OrderedDict()
        self._device_mesh = device_mesh

    def __getitem__(self, key):
        if key in self._layouts:
            return self._layouts[key]
        matching = [pattern for pattern in self._layouts if re.fullmatch(pattern, key)]
        if len(matching) > 1:
            raise ValueError(f"LayoutMap[{key!r}]: the path matches several keys {matching}; "
                             "make each path match one key at most.")
        return self._layouts[matching[0]] if matching else None

    def __setitem__(self, key, layout) -> None:
        if key in self._layouts:
            raise ValueError(f"LayoutMap[{key!r}]: already holds {self._layouts[key]}; give "
                             "each key once.")
        if isinstance(layout, tuple):
            layout = TensorLayout(layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(f"LayoutMap[{key!r}]: expected a TensorLayout or a tuple of axis "
                             f"names, given {type(layout).__name__}.")
        if layout.device_mesh is None and self._device_mesh is not None:
            layout.device_mesh = self._device_mesh
        self._layouts[key] = layout

    def __delitem__(self, key) -> None:
        del self._layouts[key]

    def __len__(self) -> int:
        return len(self._layouts)

    def __iter__(self):
        return iter(self._layouts)

    @property
    def device_mesh(self):
        """The DeviceMesh of its layouts."""
        return self._device_mesh


class Distribution:
    """The base of the distributions: a mesh, the name of its batch axis, and the layouts of
    data and variables (``get_data_layout``, ``get_variable_layout``, ``get_tensor_layout``).

    Args:
        device_mesh: the DeviceMesh.
        batch_dim_name: the mesh axis the batch is split on. Defaults to ``None``.
        auto_shard_dataset: whether each process reads its part of a dataset (one process
            reads it all). Defaults to ``True``.
    """

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset

    @property
    def device_mesh(self):
        """The DeviceMesh."""
        return self._device_mesh

    @property
    def batch_dim_name(self):
        """The mesh axis the batch is split on."""
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self) -> bool:
        """Whether each process reads its part of a dataset."""
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value) -> None:
        self._auto_shard_dataset = value

    @property
    def num_processes(self) -> int:
        """The number of processes: 1."""
        return 1

    @property
    def num_model_replicas(self) -> int:
        """The number of copies of the model (the size of the batch axis)."""
        raise NotImplementedError

    @property
    def data_shard_id(self) -> int:
        """This process's part of the data: 0."""
        return 0

    def get_data_layout(self, data_shape):
        """The layout of a batch: split on its first axis along ``batch_dim_name``."""
        return TensorLayout([self.batch_dim_name] + [None] * (len(data_shape) - 1),
                            self.device_mesh)

    def get_variable_layout(self, variable):
        """The layout of a variable (replicated unless a subclass says otherwise)."""
        given = getattr(variable, "_layout", None)
        if given is not None:
            return given
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path):
        """The layout of an intermediate tensor named ``path``, or None."""
        return None

    @contextlib.contextmanager
    def scope(self):
        """A ``with`` block in which this is the distribution in use."""
        outer = distribution()
        set_distribution(self)
        try:
            yield self
        finally:
            set_distribution(outer)

    def distribute_dataset(self, dataset):
        """The dataset this process reads: all of it (one process)."""
        return dataset

    def __repr__(self) -> str:
        return f"<{type(self).__name__} device_mesh={self.device_mesh}>"


class DataParallel(Distribution):
    """Data parallelism: the model's variables replicated on every device of the mesh, each
    batch split along the mesh's first axis.

    Args:
        device_mesh: a DeviceMesh (its first axis is the batch axis); or None. Defaults to
            ``None``.
        devices: the devices of a one-axis mesh named "batch", when no mesh is given; None
            for ``list_devices()``. Defaults to ``None``.
        auto_shard_dataset: see Distribution. Defaults to ``True``.

    Raises:
        ValueError: for a ``device_mesh`` that is not a DeviceMesh.

    Example:
        >>> data_parallel = numnet.distribution.DataParallel()
        >>> data_parallel.device_mesh.axis_names, data_parallel.num_model_replicas
        (['batch'], 1)
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(f"DataParallel(device_mesh): expected a DeviceMesh, given "
                                 f"{type(device_mesh).__name__}.")
            if device_mesh.devices.ndim != 1:
                warnings.warn(f"DataParallel(device_mesh): a mesh of "
                              f"{device_mesh.devices.ndim} axes; the batch is split along the "
                              "first.", stacklevel=2)
            super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)
            return
        devices = np.array(list_devices() if not devices else devices)
        mesh = DeviceMesh(devices.shape, [DEFAULT_BATCH_DIM_NAME], devices)
        super().__init__(mesh, DEFAULT_BATCH_DIM_NAME, auto_shard_dataset)

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.devices.size)


class ModelParallel(Distribution):
    """Model parallelism: variables laid out by a LayoutMap (by their paths), the batch split
    along ``batch_dim_name``.

    Args:
        layout_map: a LayoutMap; its mesh is the distribution's.
        batch_dim_name: the mesh axis of the batch; None for the mesh's first. Defaults to
            ``None``.
        auto_shard_dataset: see Distribution. Defaults to ``True``.

    Raises:
        ValueError: for no layout map, or one that is not a LayoutMap.

    Example:
        >>> mesh = numnet.distribution.DeviceMesh((1, 1), ["batch", "model"])
        >>> layout_map = numnet.distribution.LayoutMap(mesh)
        >>> layout_map["d1/kernel"] = (None, "model")
        >>> model_parallel = numnet.distribution.ModelParallel(
        ...     layout_map=layout_map, batch_dim_name="batch")
        >>> model_parallel.get_tensor_layout("d1/kernel").axes
        (None, 'model')
    """

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True,
                 **kwargs):
        kwargs.pop("device_mesh", None)  # (Keras's older signature: the map holds the mesh)
        if kwargs:
            raise TypeError(f"ModelParallel() got unexpected keyword arguments {sorted(kwargs)}.")
        if layout_map is None:
            raise ValueError("ModelParallel(layout_map): a LayoutMap is required.")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(f"ModelParallel(layout_map): expected a LayoutMap, given "
                             f"{type(layout_map).__name__}.")
        mesh = layout_map.device_mesh
        super().__init__(mesh, batch_dim_name or mesh.axis_names[0], auto_shard_dataset)
        self._layout_map = layout_map

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.shape[self.device_mesh.axis_names.index(
            self.batch_dim_name)])

    def get_variable_layout(self, variable):
        given = getattr(variable, "_layout", None)
        if given is not None:
            return given
        mapped = self._layout_map[variable.path]
        return mapped if mapped is not None else TensorLayout(
            [None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path):
        return self._layout_map[path]


def distribute_tensor(tensor, layout):
    """``tensor`` laid out by ``layout``: on one device, the tensor itself.

    Example:
        >>> x = numnet.ops.ones((2, 2))
        >>> numnet.distribution.distribute_tensor(x, numnet.distribution.TensorLayout(
        ...     (None, None))) is x
        True
    """
    return tensor


def distribution():
    """The distribution in use (``set_distribution``, or a ``scope()``), or None."""
    return _GLOBAL["distribution"]


def set_distribution(value) -> None:
    """Use ``value`` (a Distribution, or None for none) from now on.

    Raises:
        ValueError: for something that is not a Distribution.
        NotImplementedError: for a mesh of more than one device: numnet computes on one
            (see the module's docstring).
    """
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(f"set_distribution(value): expected a Distribution (DataParallel, "
                         f"ModelParallel) or None, given {type(value).__name__}.")
    if value is not None and value.device_mesh.devices.size > 1:
        raise NotImplementedError(
            f"set_distribution: the mesh holds {value.device_mesh.devices.size} devices "
            f"({value.device_mesh.devices.ravel().tolist()}), and numnet computes on one. "
            "Use a mesh of one device, or numnet.distribute.MPIStrategy for data-parallel "
            "training over processes (docs: Scale).")
    _GLOBAL["distribution"] = value


__all__ = ["DataParallel", "DeviceMesh", "Distribution", "LayoutMap", "ModelParallel",
           "TensorLayout", "distribute_tensor", "distribution", "get_device_count",
           "initialize", "list_devices", "set_distribution"]
