"""keras.distribution on numnet's one device: meshes, layouts and layout maps as Keras builds
them, distributions set globally or in a scope, and a mesh of several devices refused."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import distribution as dist


@pytest.fixture(autouse=True)
def no_distribution():
    yield
    dist.set_distribution(None)


def test_devices_are_the_cpu_unless_numnet_computes_on_a_gpu():
    assert dist.list_devices() == ["cpu:0"] and dist.list_devices("CPU") == ["cpu:0"]
    assert dist.list_devices("tpu") == [] and dist.get_device_count() == 1
    with pytest.raises(ValueError, match=r"device_type.*given 'npu'"):
        dist.list_devices("npu")


def test_a_mesh_holds_its_devices_in_its_shape():
    mesh = dist.DeviceMesh((1, 1), ["batch", "model"], ["cpu:0"])
    assert mesh.shape == (1, 1) and mesh.axis_names == ["batch", "model"]
    assert mesh.devices.tolist() == [["cpu:0"]]
    with pytest.raises(ValueError, match=r"a shape of \(2, 4\) holds 8 devices; given 1"):
        dist.DeviceMesh((2, 4), ["batch", "model"])
    with pytest.raises(ValueError, match=r"one name per axis"):
        dist.DeviceMesh((1,), ["batch", "model"])
    with pytest.raises(ValueError, match="neither may be empty"):
        dist.DeviceMesh((), [])


def test_layouts_name_axes_of_their_mesh_and_take_a_mesh_once():
    mesh = dist.DeviceMesh((1, 1), ["batch", "model"])
    layout = dist.TensorLayout(("batch", None))
    layout.device_mesh = mesh
    with pytest.raises(ValueError, match="set once"):
        layout.device_mesh = mesh
    with pytest.raises(ValueError, match=r"\['rows'\] are not axes of the mesh"):
        dist.TensorLayout(("rows", None), mesh)


def test_a_layout_map_matches_a_path_exactly_or_by_one_whole_pattern():
    mesh = dist.DeviceMesh((1, 1), ["batch", "model"])
    layout_map = dist.LayoutMap(mesh)
    layout_map["dense.*kernel"] = (None, "model")
    layout_map["dense_1/kernel"] = ("model", None)
    layout_map[".*bias"] = ("model",)
    assert layout_map["dense_1/kernel"].axes == ("model", None)  # the exact key first
    assert layout_map["dense_2/kernel"].axes == (None, "model")
    assert layout_map["dense_2/kernel"].device_mesh is mesh
    assert layout_map["conv/kernel"] is None and layout_map["x/kernel/extra"] is None
    layout_map["conv.*"] = (None, None)
    with pytest.raises(ValueError, match=r"matches several keys \['\.\*bias', 'conv\.\*'\]"):
        layout_map["conv/bias"]
    with pytest.raises(ValueError, match="already holds"):
        layout_map["conv.*"] = (None,)
    with pytest.raises(ValueError, match="TensorLayout or a tuple"):
        layout_map["other"] = ["model"]
    assert len(layout_map) == 4 and list(layout_map)[0] == "dense.*kernel"
    del layout_map["conv.*"]
    assert layout_map["conv/bias"].axes == ("model",)


def test_data_parallel_splits_the_batch_and_replicates_variables():
    data_parallel = dist.DataParallel()
    assert data_parallel.batch_dim_name == "batch" and data_parallel.num_model_replicas == 1
    assert data_parallel.get_data_layout((8, 3, 2)).axes == ("batch", None, None)
    kernel = numnet.Variable(np.zeros((3, 2), "float32"))
    assert data_parallel.get_variable_layout(kernel).axes == (None, None)
    assert data_parallel.get_tensor_layout("any") is None
    with pytest.warns(UserWarning, match="first"):
        dist.DataParallel(device_mesh=dist.DeviceMesh((1, 1), ["data", "model"]))
    with pytest.raises(ValueError, match="expected a DeviceMesh"):
        dist.DataParallel(device_mesh="mesh")


def test_model_parallel_lays_variables_out_by_their_paths():
    mesh = dist.DeviceMesh((1, 1), ["data", "model"])
    layout_map = dist.LayoutMap(mesh)
    layout_map["d1/kernel"] = (None, "model")
    model_parallel = dist.ModelParallel(layout_map=layout_map, batch_dim_name="data")
    inputs = numnet.Input((4,))
    model = numnet.Model(inputs, numnet.layers.Dense(3, name="d1")(inputs))
    layer = model.get_layer("d1")
    assert model_parallel.get_variable_layout(layer.kernel).axes == (None, "model")
    assert model_parallel.get_variable_layout(layer.bias).axes == (None,)
    assert model_parallel.num_model_replicas == 1
    with pytest.raises(ValueError, match="a LayoutMap is required"):
        dist.ModelParallel()
    with pytest.raises(ValueError, match="expected a LayoutMap, given dict"):
        dist.ModelParallel(layout_map={})


def test_set_globally_or_in_a_scope_and_a_mesh_of_several_devices_is_refused():
    data_parallel = dist.DataParallel()
    dist.set_distribution(data_parallel)
    assert dist.distribution() is data_parallel
    other = dist.DataParallel(devices=["cpu:0"])
    with other.scope():
        assert dist.distribution() is other
    assert dist.distribution() is data_parallel
    two = dist.DataParallel(device_mesh=dist.DeviceMesh((2,), ["batch"], ["cpu:0", "cpu:1"]))
    with pytest.raises(NotImplementedError, match="2 devices.*MPIStrategy"):
        dist.set_distribution(two)
    assert dist.distribution() is data_parallel  # left as it was
    with pytest.raises(ValueError, match="expected a Distribution"):
        dist.set_distribution("data")
    x = numnet.ops.ones((2, 2))
    assert dist.distribute_tensor(x, dist.TensorLayout((None, None))) is x
    dist.initialize()
    with pytest.raises(NotImplementedError, match="one process.*MPIStrategy"):
        dist.initialize(num_processes=2, process_id=0)


def test_the_layouts_are_keras_s():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    for lib in (numnet, keras):
        mesh = lib.distribution.DeviceMesh((1, 1), ["data", "model"],
                                           lib.distribution.list_devices())
        layout_map = lib.distribution.LayoutMap(mesh)
        layout_map["dense.*kernel"] = (None, "model")
        layout_map["dense_1/kernel"] = ("model", None)
        found = [None if layout_map[path] is None else layout_map[path].axes
                 for path in ("dense_1/kernel", "dense_9/kernel", "conv/kernel")]
        parallel = lib.distribution.ModelParallel(layout_map=layout_map)
        assert found == [("model", None), (None, "model"), None]
        assert parallel.batch_dim_name == "data"
        assert parallel.get_data_layout((4, 3)).axes == ("data", None)
