"""After the keras.io example "Feature Engineering using Keras Functional API and custom Feature
layer": a heart-disease-like CSV read with tf.data.experimental.make_csv_dataset(label_name=
"target", num_epochs=...); a dict of Inputs made from a feature -> dtype mapper (tf.float32,
and tf.string for "thal"); a custom FeatureLayer whose call takes the dict and engineers
features with comparisons on float and string tensors (inputs["thal"] == "fixed"),
tf.math.logical_and and tf.cast, ratios and products, joined with
tf.keras.layers.concatenate called inside call; BatchNormalization and a sigmoid Dense on top
(a logistic regression), trained with BinaryCrossentropy, BinaryAccuracy(name="accuracy") and
AUC(name="auc"); the model saved to a .keras file and loaded back with custom_objects to
evaluate on the raw data (evaluate(return_dict=True): Keras 3's metrics_names is ["loss",
"compile_metrics"], so the example's dict(zip(metrics_names, ...)) no longer names them).
The Dense kernel starts from a NumPy draw, so the numbers before training are Keras's.
"""

import csv

import numpy as np

import numnet as tf

rng = np.random.default_rng(13)
rows = 240
age = rng.integers(30, 75, rows)
sex = rng.integers(0, 2, rows)
cp = rng.integers(0, 4, rows)
trestbps = rng.normal(130, 15, rows).round()
chol = rng.normal(240, 40, rows).round()
fbs = (rng.random(rows) < 0.15).astype(int)
restecg = rng.integers(0, 3, rows)
thalach = rng.normal(150, 20, rows).round()
exang = (rng.random(rows) < 0.3).astype(int)
oldpeak = rng.gamma(1.0, 1.0, rows).round(1)
slope = rng.integers(0, 3, rows)
ca = rng.integers(0, 4, rows)
thal = rng.choice(["fixed", "normal", "reversible"], rows, p=[0.1, 0.55, 0.35])
score = (0.04 * (age - 55) + 0.8 * exang + 0.6 * oldpeak + 0.7 * ca
         + 1.2 * (thal == "reversible") - 0.03 * (thalach - 150) + 0.5 * (cp == 0) - 2.0)
target = (score + rng.normal(0, 0.8, rows) > 0).astype(int)
columns = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang",
           "oldpeak", "slope", "ca", "thal", "target"]
with open("heart.csv", "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(columns)
    for values in zip(age, sex, cp, trestbps, chol, fbs, restecg, thalach, exang, oldpeak,
                      slope, ca, thal, target):
        writer.writerow([str(v) for v in values])
heart_dir = "heart.csv"

dataset = tf.data.experimental.make_csv_dataset(
    heart_dir, batch_size=64, label_name="target", num_epochs=10, shuffle_seed=7
).map(lambda features, label: (dict(features), label))  # (Keras 3 on TensorFlow matches an
# OrderedDict of inputs by position, the model's by name)

binary_features = ["sex", "fbs", "exang"]
numeric_features = ["trestbps", "chol", "thalach", "oldpeak", "slope", "cp", "restecg", "ca"]
categoric_features = ["thal"]

dtype_mapper = {
    "age": tf.float32,
    "sex": tf.float32,
    "cp": tf.float32,
    "trestbps": tf.float32,
    "chol": tf.float32,
    "fbs": tf.float32,
    "restecg": tf.float32,
    "thalach": tf.float32,
    "exang": tf.float32,
    "oldpeak": tf.float32,
    "slope": tf.float32,
    "ca": tf.float32,
    "thal": tf.string,
}


def create_inputs(data_type_mapper):
    return {
        feature: tf.keras.Input(shape=(1,), name=feature, dtype=dtype)
        for feature, dtype in data_type_mapper.items()
    }


feature_layer_inputs = create_inputs(dtype_mapper)


@tf.keras.utils.register_keras_serializable(package="heart")
class FeatureLayer(tf.keras.layers.Layer):
    """Custom Layer for Feature engineering steps"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def call(self, inputs):
        age_and_gender = tf.cast(
            tf.math.logical_and(inputs["age"] > 50, inputs["sex"] == 1),
            dtype=tf.float32,
        )
        thal_fixed_category = tf.cast(inputs["thal"] == "fixed", dtype=tf.float32)
        thal_reversible_category = tf.cast(inputs["thal"] == "reversible", dtype=tf.float32)
        thal_normal_category = tf.cast(inputs["thal"] == "normal", dtype=tf.float32)
        trest_chol_ratio = inputs["trestbps"] / inputs["chol"]
        trest_cross_thalach = inputs["trestbps"] * inputs["thalach"]
        feature_list = [
            thal_fixed_category,
            thal_reversible_category,
            thal_normal_category,
            age_and_gender,
            trest_chol_ratio,
            trest_cross_thalach,
        ]
        engineered_feature_layer = tf.keras.layers.concatenate(feature_list)
        numeric_feature_layer = tf.keras.layers.concatenate(
            [inputs[feature] for feature in numeric_features]
        )
        binary_feature_layer = tf.keras.layers.concatenate(
            [inputs[feature] for feature in binary_features]
        )
        feature_layer = tf.keras.layers.concatenate(
            [engineered_feature_layer, numeric_feature_layer, binary_feature_layer]
        )
        return feature_layer


feature_layer = FeatureLayer(name="feature_layer")(feature_layer_inputs)
x = tf.keras.layers.BatchNormalization(name="batch_norm")(feature_layer)
output = tf.keras.layers.Dense(1, activation="sigmoid", name="target")(x)
model = tf.keras.Model(inputs=feature_layer_inputs, outputs=output)
draw = np.random.default_rng(0)
model.get_layer("target").set_weights([
    draw.normal(0, 0.3, (17, 1)).astype("float32"), np.zeros(1, "float32")])
model.compile(
    loss=tf.keras.losses.BinaryCrossentropy(),
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
    metrics=[
        tf.keras.metrics.BinaryAccuracy(name="accuracy"),
        tf.keras.metrics.AUC(name="auc"),
    ],
)
features, labels = next(iter(dataset))
extractor = tf.keras.Model(inputs=feature_layer_inputs, outputs=feature_layer)
engineered = extractor.predict(features, verbose=0)
initial = model.evaluate(dataset, verbose=0, return_dict=True)
history = model.fit(dataset, epochs=8, verbose=0)

model.save("heart_model.keras")
loaded_model = tf.keras.models.load_model("heart_model.keras",
                                          custom_objects={"FeatureLayer": FeatureLayer})
scores = loaded_model.evaluate(dataset, verbose=0, return_dict=True)
reloaded_gap = np.abs(loaded_model.predict(features, verbose=0)
                      - model.predict(features, verbose=0)).max()
print(scores)

RESULT = {
    "feature_width": float(engineered.shape[1]),
    "batch_rows": float(engineered.shape[0]),
    "thal_one_hot": float(np.all(engineered[:, :3].sum(axis=1) == 1)),
    "label_share": float(np.mean(target)),
    "initial_loss": float(initial["loss"]),
    "initial_accuracy": float(initial["accuracy"]),
    "initial_auc": float(initial["auc"]),
    "loss_first": float(history.history["loss"][0]),
    "loss_last": float(history.history["loss"][-1]),
    "accuracy": float(scores["accuracy"]),
    "auc": float(scores["auc"]),
    "metric_names": float(sorted(scores) == ["accuracy", "auc", "loss"]),
    "reloaded_gap": float(reloaded_gap),
}
print(RESULT)
