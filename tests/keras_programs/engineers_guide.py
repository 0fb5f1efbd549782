"""The Keras 3 guide "Introduction to Keras for engineers": a Sequential convnet (Input,
Conv2D, MaxPooling2D, GlobalAveragePooling2D, Dropout, softmax Dense) compiled with a
SparseCategoricalAccuracy named "acc", fit with validation_split, a ModelCheckpoint whose
file name holds the epoch and EarlyStopping on val_loss, evaluate, save to a .keras file and
load_model, predict; then cross-framework custom components: a Dense written with add_weight
and keras.ops, a Dropout drawing its mask with keras.random.dropout and a SeedGenerator (whose
state is one of the layer's variables), and a Model subclass holding a Sequential conv base
and both layers, trained on NumPy arrays and on PyTorch DataLoaders.

MNIST is replaced by 16x16 images of four shapes (a row, a column, a diagonal, a square) with
noise, and the convolutions have 16 and 32 filters where the guide has 64 and 128.
"""

import glob
import os

import numpy as np
import torch

import numnet as keras

keras.utils.set_random_seed(11)
rng = np.random.default_rng(11)
RESULT = {}


def shapes(n):
    labels = rng.integers(0, 4, n)
    images = rng.normal(0.0, 0.3, (n, 16, 16)).astype("float32")
    for i, label in enumerate(labels):
        r, c = rng.integers(2, 14, 2)
        if label == 0:
            images[i, r, 2:14] += 1.0
        elif label == 1:
            images[i, 2:14, c] += 1.0
        elif label == 2:
            images[i, np.arange(16), np.arange(16)] += 1.0
        else:
            images[i, r - 2:r + 2, c - 2:c + 2] += 1.0
    return images, labels.astype("uint8")


(x_train, y_train), (x_test, y_test) = shapes(600), shapes(200)
x_train = np.expand_dims(x_train, -1)
x_test = np.expand_dims(x_test, -1)

num_classes = 4
input_shape = (16, 16, 1)

model = keras.Sequential(
    [
        keras.layers.Input(shape=input_shape),
        keras.layers.Conv2D(16, kernel_size=(3, 3), activation="relu"),
        keras.layers.Conv2D(16, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(num_classes, activation="softmax"),
    ]
)
model.summary()
RESULT["params"] = float(model.count_params())

model.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(),
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    metrics=[
        keras.metrics.SparseCategoricalAccuracy(name="acc"),
    ],
)

batch_size = 32
epochs = 8

callbacks = [
    keras.callbacks.ModelCheckpoint(filepath="model_at_epoch_{epoch}.keras"),
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=2),
]

history = model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=epochs,
    validation_split=0.15,
    callbacks=callbacks,
    verbose=0,
)
score = model.evaluate(x_test, y_test, verbose=0)
RESULT["history_keys"] = float(len(history.history))  # loss, acc, val_loss, val_acc
RESULT["epochs_run"] = float(len(history.history["loss"]))
RESULT["checkpoints"] = float(len(glob.glob("model_at_epoch_*.keras")))
RESULT["test_accuracy"] = float(score[1])

model.save("final_model.keras")
model = keras.saving.load_model("final_model.keras")
predictions = model.predict(x_test, verbose=0)
RESULT["predicted_accuracy"] = float(np.mean(np.argmax(predictions, axis=1) == y_test))
RESULT["loaded_accuracy"] = float(model.evaluate(x_test, y_test, verbose=0)[1])
last = keras.saving.load_model(f"model_at_epoch_{len(history.history['loss'])}.keras")
RESULT["last_checkpoint_gap"] = float(np.max(np.abs(last.predict(x_test, verbose=0)
                                                    - predictions)))
for path in glob.glob("*.keras"):
    os.remove(path)


class MyDense(keras.layers.Layer):
    def __init__(self, units, activation=None, name=None):
        super().__init__(name=name)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.w = self.add_weight(
            shape=(input_dim, self.units),
            initializer=keras.initializers.GlorotNormal(),
            name="kernel",
            trainable=True,
        )

        self.b = self.add_weight(
            shape=(self.units,),
            initializer=keras.initializers.Zeros(),
            name="bias",
            trainable=True,
        )

    def call(self, inputs):
        x = keras.ops.matmul(inputs, self.w) + self.b
        return self.activation(x)


class MyDropout(keras.layers.Layer):
    def __init__(self, rate, name=None):
        super().__init__(name=name)
        self.rate = rate
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        return keras.random.dropout(inputs, self.rate, seed=self.seed_generator)


class MyModel(keras.Model):
    def __init__(self, num_classes):
        super().__init__()
        self.conv_base = keras.Sequential(
            [
                keras.layers.Conv2D(16, kernel_size=(3, 3), activation="relu"),
                keras.layers.Conv2D(16, kernel_size=(3, 3), activation="relu"),
                keras.layers.MaxPooling2D(pool_size=(2, 2)),
                keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
                keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
                keras.layers.GlobalAveragePooling2D(),
            ]
        )
        self.dp = MyDropout(0.5)
        self.dense = MyDense(num_classes, activation="softmax")

    def call(self, x):
        x = self.conv_base(x)
        x = self.dp(x)
        return self.dense(x)


dropout = MyDropout(0.5)
RESULT["dropout_variables"] = float(len(dropout.variables))
RESULT["dropout_weights"] = float(len(dropout.weights))
dropped = keras.ops.convert_to_numpy(dropout(np.ones((100, 40), "float32")))
RESULT["dropout_kept"] = float(np.mean(dropped > 0))
RESULT["dropout_scale"] = float(dropped.max())
again = keras.ops.convert_to_numpy(dropout(np.ones((100, 40), "float32")))
RESULT["dropout_masks_differ"] = float(np.any((again > 0) != (dropped > 0)))

model = MyModel(num_classes=4)
model.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(),
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    metrics=[
        keras.metrics.SparseCategoricalAccuracy(name="acc"),
    ],
)
history = model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=6,
    validation_split=0.15,
    verbose=0,
)
RESULT["subclassed_trainable"] = float(len(model.trainable_weights))  # 4 conv + MyDense
RESULT["subclassed_val_acc"] = history.history["val_acc"][-1]
RESULT["subclassed_loss_5"] = history.history["loss"][5]
RESULT["subclassed_loss_0"] = history.history["loss"][0]

torch.manual_seed(11)  # the DataLoader's shuffle draws from torch's generator
train_torch_dataset = torch.utils.data.TensorDataset(
    torch.from_numpy(x_train), torch.from_numpy(y_train)
)
val_torch_dataset = torch.utils.data.TensorDataset(
    torch.from_numpy(x_test), torch.from_numpy(y_test)
)
train_dataloader = torch.utils.data.DataLoader(
    train_torch_dataset, batch_size=batch_size, shuffle=True
)
val_dataloader = torch.utils.data.DataLoader(
    val_torch_dataset, batch_size=batch_size, shuffle=False
)

model = MyModel(num_classes=4)
model.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(),
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    metrics=[
        keras.metrics.SparseCategoricalAccuracy(name="acc"),
    ],
)
history = model.fit(train_dataloader, epochs=6, validation_data=val_dataloader, verbose=0)
RESULT["torch_val_acc"] = history.history["val_acc"][-1]
RESULT["torch_iterations"] = float(model.optimizer.iterations)  # 6 epochs of 19 batches
print(RESULT)
