"""A custom layer built by hand before it goes into a model, after the guide "Customizing
Saving and Serialization" (LayerWithCustomBuild): build() takes an extra argument, so the
layer is built with layer.build(input_shape, layer_init) and then placed first in a
Sequential; the Dense after it must be built for the custom layer's 16 outputs, which Keras
finds by running the layer's call, not for its 8 inputs.

The model is trained by fit from a fixed NumPy draw with unshuffled batches, so the losses are
Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import ops

keras.utils.set_random_seed(61)
rng = np.random.default_rng(61)
RESULT = {}


@keras.saving.register_keras_serializable(package="my_custom_package")
class LayerWithCustomBuild(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return dict(units=self.units, **super().get_config())

    def build(self, input_shape, layer_init):
        # Note the overriding of `build()` to add an extra argument.
        # Therefore, we will need to manually call build with `layer_init` argument
        # before the first execution of `call()`.
        super().build(input_shape)
        self._input_shape = input_shape
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer=layer_init, trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer=layer_init,
                                 trainable=True)
        self.layer_init = layer_init

    def get_build_config(self):
        build_config = {"layer_init": self.layer_init, "input_shape": self._input_shape}
        return build_config

    def build_from_config(self, config):
        # Calls `build()` with the parameters
        self.build(config["input_shape"], config["layer_init"])


custom_layer = LayerWithCustomBuild(units=16)
custom_layer.build(input_shape=(8,), layer_init="random_normal")
model = keras.Sequential([custom_layer, keras.layers.Dense(1, activation="sigmoid")])
model(ops.ones((2, 8)))
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                   for w in model.get_weights()])
RESULT["dense_kernel_rows"] = float(model.layers[-1].kernel.shape[0])

x = rng.normal(size=(256, 8)).astype("float32")
y = (x[:, :1] + x[:, 1:2] > 0).astype("float32")
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(x, y, batch_size=32, epochs=4, shuffle=False, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["accuracy"] = float(history.history["accuracy"][-1])
print(RESULT)
