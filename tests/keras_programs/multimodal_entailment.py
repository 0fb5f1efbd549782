"""After the keras.io example "Multimodal entailment": a pair of images and a pair of texts
(tokenized as BERT's preprocessor gives them: input_word_ids, input_mask, input_type_ids) in a
tf.data pipeline built from a dict of columns (from_tensor_slices((dict, labels)), shuffle,
a map to (image_1, image_2, {text}) as the model's inputs nest, cache, batch, prefetch); a
vision encoder that runs one frozen backbone on both images after
keras.applications.resnet_v2.preprocess_input and concatenates them, a text encoder that
takes a dict of three int32 Inputs into a frozen "bert" model returning a dict and keeps its
"pooled_output"; both projected by project_embeddings (Dense, keras.ops.nn.gelu, Dense,
Dropout, Add, LayerNormalization); the two towers concatenated under a softmax Dense in a
model whose inputs are [image_1, image_2, {text inputs}], compiled with "adam" and
sparse_categorical_crossentropy.

The example loads ResNet50V2 (ImageNet) and BERT from TF-Hub and reads tweets with their
images; here the backbone is a small CNN with average pooling and the "bert" an Embedding
model with masked mean pooling and a tanh pooler, both with NumPy weights and frozen, on
16x16 images and 12-token texts. The label says whether both images are bright, both dark,
or one of each. The untrained predictions are TensorFlow's; the training shuffles and drops
units, so it is compared loosely.
"""

import numpy as np

import numnet as keras
import numnet as tf

rng = np.random.default_rng(17)
auto = tf.data.AUTOTUNE
batch_size = 16
epochs = 8
IMAGE = 16
SEQ = 12
VOCAB = 50

count = 128
bright_1 = rng.integers(0, 2, count)
bright_2 = rng.integers(0, 2, count)
label_idx = np.where(bright_1 == bright_2, np.where(bright_1 == 1, 1, 0), 2)


def make_images(bright):
    base = rng.uniform(0.0, 80.0, (len(bright), IMAGE, IMAGE, 3))
    return (base + bright[:, None, None, None] * 150.0).astype(np.float32)


def make_tokens(n):
    lengths = rng.integers(4, SEQ, n)
    ids = rng.integers(1, VOCAB, (n, SEQ))
    mask = (np.arange(SEQ)[None, :] < lengths[:, None]).astype(np.int32)
    types = ((np.arange(SEQ)[None, :] >= lengths[:, None] // 2) * mask).astype(np.int32)
    return (ids * mask).astype(np.int32), mask, types


word_ids, input_mask, type_ids = make_tokens(count)
columns = {
    "image_1": make_images(bright_1),
    "image_2": make_images(bright_2),
    "input_word_ids": word_ids,
    "input_mask": input_mask,
    "input_type_ids": type_ids,
}
split = 96
train_columns = {key: value[:split] for key, value in columns.items()}
val_columns = {key: value[split:] for key, value in columns.items()}
bert_input_features = ["input_type_ids", "input_mask", "input_word_ids"]


def dataframe_to_dataset(dataframe, labels):
    ds = tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))
    ds = ds.shuffle(buffer_size=len(labels))
    return ds


def preprocess_text_and_image(sample):
    image_1 = sample["image_1"]
    image_2 = sample["image_2"]
    text = {feature: sample[feature] for feature in bert_input_features}
    # (the example returns {"image_1": ..., "image_2": ..., "text": text}, which tf.keras 2
    # flattened; Keras 3 wants the features in the structure of the model's inputs)
    return (image_1, image_2, text)


def prepare_dataset(dataframe, labels, training=True):
    ds = dataframe_to_dataset(dataframe, labels)
    if training:
        ds = ds.shuffle(len(labels))
    ds = ds.map(lambda x, y: (preprocess_text_and_image(x), y)).cache()
    ds = ds.batch(batch_size).prefetch(auto)
    return ds


train_ds = prepare_dataset(train_columns, label_idx[:split])
validation_ds = prepare_dataset(val_columns, label_idx[split:], False)

first_features, first_labels = next(iter(train_ds))


def project_embeddings(embeddings, num_projection_layers, projection_dims, dropout_rate):
    projected_embeddings = keras.layers.Dense(units=projection_dims)(embeddings)
    for _ in range(num_projection_layers):
        x = keras.ops.nn.gelu(projected_embeddings)
        x = keras.layers.Dense(projection_dims)(x)
        x = keras.layers.Dropout(dropout_rate)(x)
        x = keras.layers.Add()([projected_embeddings, x])
        projected_embeddings = keras.layers.LayerNormalization()(x)
    return projected_embeddings


def make_backbone():
    # (the example's ResNet50V2(include_top=False, pooling="avg") with ImageNet weights)
    return keras.Sequential([
        keras.Input((IMAGE, IMAGE, 3)),
        keras.layers.Conv2D(8, 3, strides=2, activation="relu"),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
    ], name="resnet_v2")


def make_bert():
    # (the example's BERT from TF-Hub: a dict of token tensors in, a dict with pooled_output)
    inputs = {feature: keras.Input(shape=(SEQ,), dtype="int32", name=feature)
              for feature in bert_input_features}
    tokens = keras.layers.Embedding(VOCAB, 16)(inputs["input_word_ids"])
    segments = keras.layers.Embedding(2, 16)(inputs["input_type_ids"])
    sequence = keras.layers.Add()([tokens, segments])
    mask = keras.ops.expand_dims(keras.ops.cast(inputs["input_mask"], "float32"), -1)
    pooled = keras.ops.sum(sequence * mask, axis=1) / keras.ops.sum(mask, axis=1)
    pooled = keras.layers.Dense(16, activation="tanh")(pooled)
    return keras.Model(inputs, {"pooled_output": pooled, "sequence_output": sequence},
                       name="bert")


def create_vision_encoder(num_projection_layers, projection_dims, dropout_rate,
                          trainable=False):
    # Load the pre-trained model to be used as the base encoder.
    resnet_v2 = make_backbone()
    # Set the trainability of the base encoder.
    for layer in resnet_v2.layers:
        layer.trainable = trainable

    # Receive the images as inputs.
    image_1 = keras.Input(shape=(IMAGE, IMAGE, 3), name="image_1")
    image_2 = keras.Input(shape=(IMAGE, IMAGE, 3), name="image_2")

    # Preprocess the input image.
    preprocessed_1 = keras.applications.resnet_v2.preprocess_input(image_1)
    preprocessed_2 = keras.applications.resnet_v2.preprocess_input(image_2)

    # Generate the embeddings for the images using the resnet_v2 model
    # concatenate them.
    embeddings_1 = resnet_v2(preprocessed_1)
    embeddings_2 = resnet_v2(preprocessed_2)
    embeddings = keras.layers.Concatenate()([embeddings_1, embeddings_2])

    # Project the embeddings produced by the model.
    outputs = project_embeddings(embeddings, num_projection_layers, projection_dims,
                                 dropout_rate)
    # Create the vision encoder model.
    return keras.Model([image_1, image_2], outputs, name="vision_encoder")


def create_text_encoder(num_projection_layers, projection_dims, dropout_rate, trainable=False):
    # Load the pre-trained BERT model to be used as the base encoder.
    bert = make_bert()
    # Set the trainability of the base encoder.
    bert.trainable = trainable

    # Receive the text as inputs.
    inputs = {feature: keras.Input(shape=(SEQ,), dtype="int32", name=feature)
              for feature in bert_input_features}

    # Generate embeddings for the preprocessed text using the BERT model.
    embeddings = bert(inputs)["pooled_output"]

    # Project the embeddings produced by the model.
    outputs = project_embeddings(embeddings, num_projection_layers, projection_dims,
                                 dropout_rate)
    # Create the text encoder model.
    return keras.Model(inputs, outputs, name="text_encoder")


def create_multimodal_model(num_projection_layers=1, projection_dims=32, dropout_rate=0.1,
                            vision_trainable=False, text_trainable=False):
    # Receive the images as inputs.
    image_1 = keras.Input(shape=(IMAGE, IMAGE, 3), name="image_1")
    image_2 = keras.Input(shape=(IMAGE, IMAGE, 3), name="image_2")

    # Receive the text as inputs.
    text_inputs = {feature: keras.Input(shape=(SEQ,), dtype="int32", name=feature)
                   for feature in bert_input_features}

    # Create the encoders.
    vision_encoder = create_vision_encoder(num_projection_layers, projection_dims,
                                           dropout_rate, vision_trainable)
    text_encoder = create_text_encoder(num_projection_layers, projection_dims, dropout_rate,
                                       text_trainable)

    # Fetch the embedding projections.
    vision_projections = vision_encoder([image_1, image_2])
    text_projections = text_encoder(text_inputs)

    # Concatenate the projections and pass through the classification layer.
    concatenated = keras.layers.Concatenate()([vision_projections, text_projections])
    outputs = keras.layers.Dense(3, activation="softmax")(concatenated)
    return keras.Model([image_1, image_2, text_inputs], outputs)


multimodal_model = create_multimodal_model()
multimodal_model.set_weights([
    rng.normal(0.0, np.sqrt(1.0 / np.prod(w.shape[:-1])), w.shape).astype(np.float32)
    if w.ndim > 1 else w for w in multimodal_model.get_weights()])

val_inputs = [val_columns["image_1"], val_columns["image_2"],
              {feature: val_columns[feature] for feature in bert_input_features}]
predictions_before = multimodal_model.predict(val_inputs, verbose=0)

multimodal_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                         metrics=["accuracy"])

history = multimodal_model.fit(train_ds, validation_data=validation_ds, epochs=epochs,
                               verbose=0)
_, accuracy = multimodal_model.evaluate(validation_ds, verbose=0)

RESULT = {
    "feature_items": float(len(first_features)),
    "text_keys": float(len(first_features[2])),
    "image_batch_shape_sum": float(sum(first_features[0].shape)),
    "model_inputs": float(len(multimodal_model.inputs)),
    "params": float(multimodal_model.count_params()),
    "trainable_weights": float(len(multimodal_model.trainable_weights)),
    "non_trainable_weights": float(len(multimodal_model.non_trainable_weights)),
    "prediction_rows_sum_to_one": float(np.abs(predictions_before.sum(axis=1) - 1).max()
                                        < 1e-5),
    "prediction_sum_class_0": float(predictions_before[:, 0].sum()),
    "prediction_abs_sum_weighted": float(
        (predictions_before * np.arange(1, 4)).sum()),
    "loss_first": float(history.history["loss"][0]),
    "loss_last": float(history.history["loss"][-1]),
    "accuracy": float(accuracy),
}

if __name__ == "__main__":
    for key, value in RESULT.items():
        print(f"{key}: {value:.6g}")
