"""The guide "The Functional API", its parts in order: a model from Input to outputs,
get_layer and summary counts, an autoencoder as two models (the encoder and the decoder, each
called as a layer of a third), an ensemble of three models averaged, a model with three inputs
and two outputs, a toy ResNet (skip connections with add), a shared Embedding, features
extracted from a model's intermediate layers, ops on symbolic tensors, a custom layer with
get_config used inside a functional model and rebuilt from_config, and a functional model
inside a subclassed one.

Weights start from a fixed NumPy draw (set_weights in model.get_weights()'s order, which must
be Keras's) and batches are not shuffled, so the numbers are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(17)
rng = np.random.default_rng(17)
RESULT = {}


def draw(model, scale=0.3):
    model.set_weights([rng.normal(0.0, scale, w.shape).astype("float32")
                       for w in model.get_weights()])


# Input -> Dense -> Dense -> outputs; get_layer, count_params.
inputs = keras.Input(shape=(784,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dense(64, activation="relu")(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
RESULT["mnist_params"] = float(model.count_params())
RESULT["mnist_layers"] = float(len(model.layers))
RESULT["second_dense_units"] = float(model.get_layer(index=2).units)

# An encoder and a decoder as models; the autoencoder calls both.
encoder_input = keras.Input(shape=(10, 10, 1), name="img")
x = layers.Conv2D(4, 3, activation="relu")(encoder_input)
x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(4, 3, activation="relu")(x)
encoder_output = layers.GlobalMaxPooling2D()(x)
encoder = keras.Model(encoder_input, encoder_output, name="encoder")
decoder_input = keras.Input(shape=(4,), name="encoded_img")
x = layers.Reshape((2, 2, 1))(decoder_input)
x = layers.Conv2DTranspose(4, 3, activation="relu")(x)
x = layers.UpSampling2D(2)(x)
decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)
decoder = keras.Model(decoder_input, decoder_output, name="decoder")
autoencoder_input = keras.Input(shape=(10, 10, 1), name="img")
encoded_img = encoder(autoencoder_input)
decoded_img = decoder(encoded_img)
autoencoder = keras.Model(autoencoder_input, decoded_img, name="autoencoder")
draw(autoencoder)
images = rng.random((64, 10, 10, 1)).astype("float32")
autoencoder.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = autoencoder.fit(images, images, batch_size=16, epochs=3, shuffle=False, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"autoencoder_loss_{epoch}"] = float(value)
RESULT["decoded_shape"] = float(np.prod(autoencoder.output_shape[1:]))
RESULT["encoder_shared"] = float(autoencoder.layers[1] is encoder)


# An ensemble: three models' outputs averaged.
def get_model():
    inputs = keras.Input(shape=(12,))
    outputs = layers.Dense(1)(inputs)
    return keras.Model(inputs, outputs)


model1, model2, model3 = get_model(), get_model(), get_model()
inputs = keras.Input(shape=(12,))
y1, y2, y3 = model1(inputs), model2(inputs), model3(inputs)
outputs = layers.average([y1, y2, y3])
ensemble_model = keras.Model(inputs=inputs, outputs=outputs)
draw(ensemble_model)
rows = rng.normal(size=(5, 12)).astype("float32")
by_hand = np.mean([m.predict(rows, verbose=0) for m in (model1, model2, model3)], axis=0)
RESULT["ensemble_gap"] = float(np.max(np.abs(ensemble_model.predict(rows, verbose=0) - by_hand)))

# Three inputs, two outputs (the ticket model), trained on dicts keyed by name.
num_tags, num_words, num_departments = 6, 50, 3
title_input = keras.Input(shape=(None,), name="title")
body_input = keras.Input(shape=(None,), name="body")
tags_input = keras.Input(shape=(num_tags,), name="tags")
shared_embedding = layers.Embedding(num_words, 8)  # one Embedding for title and body
title_features = layers.GlobalAveragePooling1D()(shared_embedding(title_input))
body_features = layers.GlobalAveragePooling1D()(shared_embedding(body_input))
x = layers.concatenate([title_features, body_features, tags_input])
priority_pred = layers.Dense(1, name="priority")(x)
department_pred = layers.Dense(num_departments, name="department")(x)
ticket_model = keras.Model(inputs=[title_input, body_input, tags_input],
                           outputs={"priority": priority_pred, "department": department_pred})
draw(ticket_model)
ticket_model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
          "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
    loss_weights={"priority": 1.0, "department": 0.2},
)
n = 128
title_data = rng.integers(1, num_words, size=(n, 5))
body_data = rng.integers(1, num_words, size=(n, 12))
tags_data = rng.integers(0, 2, size=(n, num_tags)).astype("float32")
priority_targets = (tags_data[:, :1] > 0).astype("float32")
dept_targets = np.eye(num_departments, dtype="float32")[rng.integers(0, num_departments, n)]
history = ticket_model.fit({"title": title_data, "body": body_data, "tags": tags_data},
                           {"priority": priority_targets, "department": dept_targets},
                           epochs=3, batch_size=32, shuffle=False, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"ticket_loss_{epoch}"] = float(value)
RESULT["shared_embedding_weights"] = float(len(shared_embedding.weights))

# A toy ResNet: add() joins the skip connections.
inputs = keras.Input(shape=(12, 12, 3), name="img")
x = layers.Conv2D(8, 3, activation="relu")(inputs)
block_1_output = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(8, 3, activation="relu", padding="same")(block_1_output)
x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
block_2_output = layers.add([x, block_1_output])
x = layers.Conv2D(8, 3, activation="relu", padding="same")(block_2_output)
x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
block_3_output = layers.add([x, block_2_output])
x = layers.GlobalAveragePooling2D()(block_3_output)
x = layers.Dense(16, activation="relu")(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(4)(x)
resnet = keras.Model(inputs, outputs, name="toy_resnet")
draw(resnet, scale=0.2)
resnet_images = rng.random((48, 12, 12, 3)).astype("float32")
resnet_labels = rng.integers(0, 4, size=(48, 1))
resnet.compile(optimizer=keras.optimizers.RMSprop(1e-3),
               loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
               metrics=["acc"])
RESULT["resnet_params"] = float(resnet.count_params())
RESULT["resnet_eval_loss"] = float(resnet.evaluate(resnet_images, resnet_labels, verbose=0)[0])

# Features of every layer of a model, by a model of its intermediate outputs.
features_list = [layer.output for layer in resnet.layers]
feat_extraction_model = keras.Model(inputs=resnet.input, outputs=features_list)
features = feat_extraction_model(resnet_images[:2])
RESULT["feature_count"] = float(len(features))
RESULT["feature_logits_gap"] = float(np.max(np.abs(
    ops.convert_to_numpy(features[-1]) - resnet.predict(resnet_images[:2], verbose=0))))

# Ops on symbolic tensors.
inputs = keras.Input(shape=(6,))
scaled = ops.mean(inputs, axis=-1, keepdims=True) * 2.0 + ops.square(inputs)[:, :1]
outputs = layers.Dense(1)(ops.concatenate([inputs, scaled], axis=-1))
ops_model = keras.Model(inputs, outputs)
draw(ops_model)
values = rng.normal(size=(3, 6)).astype("float32")
RESULT["ops_model_sum"] = float(np.sum(ops_model.predict(values, verbose=0)))


# A custom layer with get_config, rebuilt from the model's config.
class CustomDense(layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal",
                                 trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {"units": self.units}


inputs = keras.Input((4,))
outputs = CustomDense(10)(inputs)
custom_model = keras.Model(inputs, outputs)
config = custom_model.get_config()
new_model = keras.Model.from_config(config, custom_objects={"CustomDense": CustomDense})
new_model.set_weights(custom_model.get_weights())
probe = rng.normal(size=(2, 4)).astype("float32")
RESULT["from_config_gap"] = float(np.max(np.abs(new_model.predict(probe, verbose=0)
                                                - custom_model.predict(probe, verbose=0))))
RESULT["from_config_units"] = float(new_model.layers[-1].units)

# A functional model inside a subclassed model.
units, timesteps, input_dim, batch_size = 8, 5, 3, 4


def get_functional_model():
    inputs = keras.Input((None, units))
    x = layers.GlobalAveragePooling1D()(inputs)
    outputs = layers.Dense(1)(x)
    return keras.Model(inputs, outputs)


class CustomRNN(layers.Layer):
    def __init__(self):
        super().__init__()
        self.units = units
        self.projection_1 = layers.Dense(units=units, activation="tanh")
        self.projection_2 = layers.Dense(units=units, activation="tanh")
        self.classifier = get_functional_model()

    def call(self, inputs):
        outputs = []
        state = ops.zeros(shape=(inputs.shape[0], self.units))
        for t in range(inputs.shape[1]):
            x = inputs[:, t, :]
            h = self.projection_1(x)
            y = h + self.projection_2(state)
            state = y
            outputs.append(y)
        features = ops.stack(outputs, axis=1)
        return self.classifier(features)


rnn_model = CustomRNN()
sequence = rng.normal(size=(batch_size, timesteps, input_dim)).astype("float32")
rnn_out = rnn_model(sequence)
RESULT["custom_rnn_weights"] = float(len(rnn_model.weights))
RESULT["custom_rnn_shape"] = float(np.prod(ops.shape(rnn_out)))
print(RESULT)
