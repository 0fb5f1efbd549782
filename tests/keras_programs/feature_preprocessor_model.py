"""After the keras.io example "Feature Preprocessing with a custom Feature Preprocessor layer":
census-like columns as (n, 1) arrays in a dict; a subclassed Model holding dicts of
preprocessing layers (Normalization per numeric feature, StringLookup then
IntegerLookup(output_mode="binary") of the indices per categorical feature, Discretization(
num_bins=10) for age) with an adapt method of its own that also builds a Sequential of an
InputLayer of strings, a StringLookup, an Embedding sized by tf.math.sqrt of the vocabulary and
Reshape((-1,)) for the high-cardinality country; the preprocessor called on a dict of
symbolic Inputs and on the data; a training model whose input is the preprocessor's output
tensor (an intermediate of another graph), trained with RMSprop, BinaryAccuracy and AUC on the
preprocessed data; an inference model joining both graphs evaluated on the training and
validation dicts (return_dict=True); the training model saved to a .keras file and loaded back.
(The example saves the inference model as a TensorFlow SavedModel; Keras 3's .keras file
cannot restore it: the preprocessor reloads from its config un-adapted.)
"""

import numpy as np
from numnet.keras import layers

import numnet as tf

rng = np.random.default_rng(29)
rows = 500
workclass = rng.choice([" Private", " Self-emp", " Gov"], rows, p=[0.7, 0.15, 0.15])
marital_status = rng.choice([" Married", " Never-married", " Divorced"], rows)
relationship = rng.choice([" Husband", " Wife", " Own-child", " Not-in-family"], rows)
gender = rng.choice([" Male", " Female"], rows)
education = rng.choice([" HS-grad", " Bachelors", " Masters", " Some-college"], rows)
occupation = rng.choice([" Sales", " Tech", " Craft", " Exec", " Service"], rows)
native_country = rng.choice([f" Country-{k}" for k in range(16)], rows)
age = rng.integers(18, 80, rows).astype("float32")
education_num = rng.integers(5, 17, rows).astype("float32")
capital_gain = (rng.random(rows) < 0.1) * rng.integers(1000, 20000, rows).astype("float32")
capital_loss = (rng.random(rows) < 0.05) * rng.integers(500, 3000, rows).astype("float32")
hours_per_week = rng.normal(40, 10, rows).round().astype("float32")
fnlwgt = rng.normal(190000, 80000, rows).astype("float32")
score = (0.25 * (education_num - 10) + 0.04 * (age - 40) + 0.03 * (hours_per_week - 40)
         + 1.5 * (capital_gain > 0) + 0.8 * (marital_status == " Married")
         + 0.7 * (occupation == " Exec") - 1.0)
income = (score + rng.normal(0, 0.7, rows) > 0).astype("float32")

columns = {
    "age": age, "workclass": workclass, "fnlwgt": fnlwgt, "education": education,
    "education_num": education_num, "marital_status": marital_status,
    "occupation": occupation, "relationship": relationship, "gender": gender,
    "capital_gain": capital_gain, "capital_loss": capital_loss,
    "hours_per_week": hours_per_week, "native_country": native_country,
}
validation = np.arange(rows) % 5 == 0
train_labels_binary = income[~validation]
validation_labels_binary = income[validation]

NUMERICAL_FEATURES = ["education_num", "capital_gain", "capital_loss", "hours_per_week",
                      "fnlwgt"]
CATEGORICAL_FEATURES = ["workclass", "marital_status", "relationship", "gender", "education",
                        "occupation"]
FEATURES_TO_DISCRETIZE = ["age"]
FEATURES_TO_EMBED = ["native_country"]

# string columns as object arrays, as pandas' .values gives them
columns = {feature: values.astype(object) if values.dtype.kind == "U" else values
           for feature, values in columns.items()}
train_data_dict = {feature: values[~validation].reshape(-1, 1)
                   for feature, values in columns.items()}
validation_data_dict = {feature: values[validation].reshape(-1, 1)
                        for feature, values in columns.items()}

categorical_features_input = {
    feature: tf.keras.Input(shape=(1,), dtype=tf.string, name=feature)
    for feature in CATEGORICAL_FEATURES
}
numerical_features_input = {
    feature: tf.keras.Input(shape=(1,), dtype=tf.float32, name=feature)
    for feature in NUMERICAL_FEATURES
}
discretize_features_input = {
    feature: tf.keras.Input(shape=(1,), dtype=tf.float32, name=feature)
    for feature in FEATURES_TO_DISCRETIZE
}
embedding_features_input = {
    feature: tf.keras.Input(shape=(1,), dtype=tf.string, name=feature)
    for feature in FEATURES_TO_EMBED
}
input_dict = {
    **numerical_features_input,
    **categorical_features_input,
    **discretize_features_input,
    **embedding_features_input,
}


class FeaturePreprocessor(tf.keras.models.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.normalizer = {feature: layers.Normalization() for feature in NUMERICAL_FEATURES}
        self.categoric_string_lookup = {
            feature: layers.StringLookup() for feature in CATEGORICAL_FEATURES
        }
        self.integer_lookup = {
            feature: layers.IntegerLookup(output_mode="binary")
            for feature in CATEGORICAL_FEATURES
        }
        self.discretizer = {
            feature: layers.Discretization(num_bins=10) for feature in FEATURES_TO_DISCRETIZE
        }
        self.embedding_string_lookup = {
            feature: layers.StringLookup() for feature in FEATURES_TO_EMBED
        }

    def apply_preprocessor(self, inputs, preprocessor_dict):
        """Helper function to apply preprocessing layers in the forward pass"""
        return tf.keras.layers.concatenate(
            [preprocessor(inputs[feature]) for feature, preprocessor in preprocessor_dict.items()]
        )

    def adapt(self, data):
        """Update layer states"""
        for feature, preprocessor in self.normalizer.items():
            preprocessor.adapt(data[feature])
        for feature, preprocessor in self.discretizer.items():
            preprocessor.adapt(data[feature])
        for feature, preprocessor in self.categoric_string_lookup.items():
            preprocessor.adapt(data[feature])
            self.integer_lookup[feature].adapt(preprocessor(data[feature]))
        for feature, preprocessor in self.embedding_string_lookup.items():
            preprocessor.adapt(data[feature])
        vocabulary_size = preprocessor.vocabulary_size()
        embedding_size = int(tf.math.sqrt(float(vocabulary_size)))
        self.embedding = tf.keras.models.Sequential(
            [
                tf.keras.layers.InputLayer(shape=(1,), dtype=tf.string),
                self.embedding_string_lookup[FEATURES_TO_EMBED[0]],
                layers.Embedding(input_dim=vocabulary_size, output_dim=embedding_size),
                layers.Reshape((-1,)),
            ]
        )

    def call(self, inputs):
        """Apply adapted layers"""
        numerical_features = self.apply_preprocessor(inputs, self.normalizer)
        categorical_features = {
            feature: self.categoric_string_lookup[feature](inputs[feature])
            for feature in CATEGORICAL_FEATURES
        }
        categorical_features = self.apply_preprocessor(categorical_features,
                                                       self.integer_lookup)
        embedding_features = self.embedding(inputs[FEATURES_TO_EMBED[0]])
        discretize_features = self.apply_preprocessor(inputs, self.discretizer)
        discretize_features = tf.cast(discretize_features, dtype=tf.float32)
        return tf.keras.layers.concatenate(
            [numerical_features, categorical_features, discretize_features, embedding_features]
        )


tf.keras.utils.set_random_seed(4)
preprocessing_layer = FeaturePreprocessor()
preprocessing_layer.adapt(train_data_dict)
preprocessed_inputs = preprocessing_layer(input_dict)
country_embedding = preprocessing_layer.embedding.layers[1]
country_embedding.set_weights([np.random.default_rng(1).normal(
    0, 0.05, country_embedding.get_weights()[0].shape).astype("float32")])
preprocessed_data_set = preprocessing_layer(train_data_dict)
preprocessing_model = tf.keras.Model(input_dict, preprocessed_inputs)

x = tf.keras.layers.Dense(64, activation="relu")(preprocessed_inputs)
x = tf.keras.layers.Dense(32, activation="relu")(x)
outputs = tf.keras.layers.Dense(1, activation="sigmoid")(x)
training_model = tf.keras.Model(inputs=preprocessed_inputs, outputs=outputs)
draw = np.random.default_rng(0)
training_model.set_weights([draw.normal(0, 0.1, w.shape).astype("float32")
                            for w in training_model.get_weights()])
training_model.compile(
    loss=tf.keras.losses.BinaryCrossentropy(),
    optimizer=tf.keras.optimizers.RMSprop(learning_rate=0.001),
    metrics=[
        tf.keras.metrics.BinaryAccuracy(name="accuracy"),
        tf.keras.metrics.AUC(name="auc"),
    ],
)
preprocessed = preprocessing_model(train_data_dict)
initial = training_model.evaluate(preprocessed, train_labels_binary, verbose=0,
                                  return_dict=True)
history = training_model.fit(preprocessed, train_labels_binary, epochs=10, verbose=0)

inference_model = tf.keras.Model(input_dict, training_model(preprocessed_inputs))
inference_model.compile(
    loss=tf.keras.losses.BinaryCrossentropy(),
    optimizer=tf.keras.optimizers.RMSprop(learning_rate=0.01),
    metrics=[
        tf.keras.metrics.BinaryAccuracy(name="accuracy"),
        tf.keras.metrics.AUC(name="auc"),
    ],
)
# (Keras 3's array adapter refuses arrays of strings; a tf.data.Dataset carries them)
train_scores = inference_model.evaluate(
    tf.data.Dataset.from_tensor_slices((train_data_dict, train_labels_binary)).batch(64),
    verbose=0, return_dict=True)
validation_scores = inference_model.evaluate(
    tf.data.Dataset.from_tensor_slices((validation_data_dict, validation_labels_binary)).batch(
        64), verbose=0, return_dict=True)
tf.keras.models.save_model(model=training_model, filepath="training_model.keras")
saved_training_model = tf.keras.models.load_model("training_model.keras")
validation_features = preprocessing_model(validation_data_dict)
before = training_model.predict(validation_features, verbose=0)
after = saved_training_model.predict(validation_features, verbose=0)
end_to_end = inference_model.predict(
    tf.data.Dataset.from_tensor_slices(validation_data_dict).batch(64), verbose=0)

RESULT = {
    "preprocessed_width": float(preprocessed_data_set.shape[1]),
    "preprocessed_rows": float(preprocessed_data_set.shape[0]),
    "symbolic_width": float(preprocessed_inputs.shape[1]),
    "country_vocabulary": float(preprocessing_layer.embedding_string_lookup[
        "native_country"].vocabulary_size()),
    "gender_width": float(preprocessing_layer.integer_lookup["gender"].vocabulary_size()),
    "bins_used": float(len(np.unique(np.asarray(preprocessing_layer.discretizer["age"](
        train_data_dict["age"]))))),
    "normalized_mean": float(np.mean(np.asarray(preprocessed_data_set)[:, :5])),
    "preprocessed_sum": float(np.sum(np.asarray(preprocessed_data_set)[:, 5:-4])),
    "initial_loss": float(initial["loss"]),
    "initial_auc": float(initial["auc"]),
    "loss_first": float(history.history["loss"][0]),
    "loss_last": float(history.history["loss"][-1]),
    "train_accuracy": float(train_scores["accuracy"]),
    "validation_accuracy": float(validation_scores["accuracy"]),
    "validation_auc": float(validation_scores["auc"]),
    "reload_gap": float(np.abs(before - after).max()),
    "end_to_end_gap": float(np.abs(end_to_end - before).max()),
}
print(RESULT)
