"""Structured data classification from a dict of columns: a numeric column normalized with
Normalization.adapt, a string column through StringLookup, an integer column through
IntegerLookup, and a binary column through CategoryEncoding, all inside one functional model
with one named Input per column, trained on a dict of arrays.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(16)
rng = np.random.default_rng(16)
n = 1000
columns = {
    "age": rng.normal(55.0, 9.0, (n, 1)).astype("float32"),
    "thal": rng.choice(["normal", "fixed", "reversible"], size=(n, 1)),
    "cp": rng.choice([0, 1, 2, 3, 4], size=(n, 1)).astype("int64"),
    "sex": rng.integers(0, 2, (n, 1)).astype("int64"),
}
score = (
    (columns["age"][:, 0] - 55.0) / 9.0
    + 1.5 * (columns["thal"][:, 0] == "reversible")
    - 1.0 * (columns["thal"][:, 0] == "normal")
    + 0.8 * (columns["cp"][:, 0] >= 3)
    + 0.7 * columns["sex"][:, 0]
    - 0.6
)
target = (score + 0.3 * rng.normal(size=n) > 0).astype("float32")[:, None]
train = {key: value[:800] for key, value in columns.items()}
test = {key: value[800:] for key, value in columns.items()}

age_input = keras.Input(shape=(1,), name="age")
thal_input = keras.Input(shape=(1,), name="thal", dtype="string")
cp_input = keras.Input(shape=(1,), name="cp", dtype="int64")
sex_input = keras.Input(shape=(1,), name="sex", dtype="int64")

normalizer = layers.Normalization()
normalizer.adapt(train["age"])
thal_lookup = layers.StringLookup(output_mode="one_hot")
thal_lookup.adapt(train["thal"])
cp_lookup = layers.IntegerLookup(output_mode="one_hot")
cp_lookup.adapt(train["cp"])
sex_encoder = layers.CategoryEncoding(num_tokens=2, output_mode="one_hot")

assert thal_lookup.vocabulary_size() == 4  # three strings and the out-of-vocabulary token
all_features = layers.concatenate([
    normalizer(age_input),
    thal_lookup(thal_input),
    cp_lookup(cp_input),
    sex_encoder(sex_input),
])
x = layers.Dense(32, activation="relu")(all_features)
x = layers.Dropout(0.2)(x)
output = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model([age_input, thal_input, cp_input, sex_input], output)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(train, target[:800], batch_size=32, epochs=8, verbose=0)
_, accuracy = model.evaluate(test, target[800:], verbose=0)

sample = {"age": np.array([[70.0]], dtype="float32"), "thal": np.array([["reversible"]]),
          "cp": np.array([[4]], dtype="int64"), "sex": np.array([[1]], dtype="int64")}
probability = float(model.predict(sample, verbose=0)[0, 0])

RESULT = {"accuracy": float(accuracy), "high_risk_probability": probability}
print(RESULT)
