"""Keras 3's distribution API as its guide uses it, on the devices this machine has: a
DeviceMesh of all of them, DataParallel training set globally, then a ModelParallel layout
(a LayoutMap keyed by variable-path patterns) within a scope. On one device both give the same
numbers as no distribution; the layouts they hand out are the guide's.

The weights start from a fixed NumPy draw and batches are not shuffled, so the losses are
Keras's to rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

devices = keras.distribution.list_devices()
mesh_1d = keras.distribution.DeviceMesh(shape=(len(devices),), axis_names=["data"],
                                        devices=devices)
data_parallel = keras.distribution.DataParallel(device_mesh=mesh_1d)

rng = np.random.default_rng(3)
x = rng.normal(size=(128, 10)).astype("float32")
y = (x[:, :4].sum(axis=1, keepdims=True) > 0).astype("float32")

def get_model(seed):
    inputs = keras.Input(shape=(10,))
    h = layers.Dense(16, activation="relu", name="d1")(inputs)
    h = layers.Dropout(0.0)(h)
    outputs = layers.Dense(1, activation="sigmoid", name="d2")(h)
    model = keras.Model(inputs, outputs)
    draw = np.random.default_rng(seed)
    model.set_weights([draw.normal(0, 0.4, w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


keras.distribution.set_distribution(data_parallel)
model = get_model(0)
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(0.1),
              metrics=["accuracy"])
history = model.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0)
data_layout = data_parallel.get_data_layout((16, 10))
kernel_layout = data_parallel.get_variable_layout(model.get_layer("d1").kernel)
keras.distribution.set_distribution(None)

mesh_2d = keras.distribution.DeviceMesh(shape=(1, len(devices)), axis_names=["data", "model"],
                                        devices=devices)
layout_map = keras.distribution.LayoutMap(mesh_2d)
layout_map["d1/kernel"] = (None, "model")
layout_map["d1/bias"] = ("model",)
layout_map["d2/.*"] = ("model", None)
model_parallel = keras.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="data")
with model_parallel.scope():
    in_scope = keras.distribution.distribution() is model_parallel
    model_2 = get_model(0)
    model_2.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(0.1),
                    metrics=["accuracy"])
    history_2 = model_2.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0)
bias_layout = model_parallel.get_variable_layout(model_2.get_layer("d1").bias)
d2_layout = model_parallel.get_tensor_layout("d2/kernel")

RESULT = {f"loss_{epoch}": float(v) for epoch, v in enumerate(history.history["loss"])}
RESULT.update({f"mp_loss_{epoch}": float(v) for epoch, v in enumerate(history_2.history["loss"])})
RESULT["accuracy"] = float(history.history["accuracy"][-1])
RESULT["device_count"] = float(keras.distribution.get_device_count())
RESULT["replicas"] = float(data_parallel.num_model_replicas)
RESULT["mp_replicas"] = float(model_parallel.num_model_replicas)
RESULT["data_axis_first"] = float(data_layout.axes == ("data", None))
RESULT["kernel_replicated"] = float(kernel_layout.axes == (None, None))
RESULT["bias_by_model"] = float(bias_layout.axes == ("model",))
RESULT["d2_by_pattern"] = float(d2_layout.axes == ("model", None))
RESULT["unmatched_is_none"] = float(layout_map["d3/kernel"] is None)
RESULT["in_scope"] = float(in_scope)
RESULT["after_scope_none"] = float(keras.distribution.distribution() is None)
print(RESULT)
