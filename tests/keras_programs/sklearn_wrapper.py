"""Keras models inside scikit-learn, as keras.wrappers' documentation shows them: a function
that builds and compiles an MLP from the shapes of X and y (the classifier's labels reach it
one-hot encoded), wrapped by SKLearnClassifier, SKLearnRegressor and SKLearnTransformer and
handed to scikit-learn's tools: fit and score, predict with string labels, cross_val_score
over unshuffled folds (fit arguments passed by params), a Pipeline behind a StandardScaler,
GridSearchCV over model_kwargs, a compiled Model given as it is (cloned at fit), and a
transformer feeding a LogisticRegression.

Every model starts from the same NumPy draw and trains on unshuffled batches, so losses and
scores are Keras's to float32 rounding.
"""

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import numnet as keras
from numnet.layers import Dense, Input
from numnet.models import Model
from numnet.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer

RESULT = {}


def start_from_draw(model, seed=0):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


def dynamic_model(X, y, loss, layers=(10,), activation="softmax", learning_rate=0.01):
    # Creates a basic MLP model dynamically choosing the input and output shapes.
    n_features_in = X.shape[1]
    inp = Input(shape=(n_features_in,))
    hidden = inp
    for layer_size in layers:
        hidden = Dense(layer_size, activation="relu")(hidden)
    n_outputs = y.shape[1] if len(y.shape) > 1 else 1
    out = Dense(n_outputs, activation=activation)(hidden)
    model = Model(inp, out)
    model.compile(loss=loss, optimizer=keras.optimizers.RMSprop(learning_rate))
    return start_from_draw(model)


# --- a classifier: fit, score, predict
X, y = make_classification(n_samples=240, n_features=8, n_informative=5, n_classes=3,
                           random_state=0)
X_train, y_train, X_test, y_test = X[:180], y[:180], X[180:], y[180:]
est = SKLearnClassifier(
    model=dynamic_model,
    model_kwargs={"loss": "categorical_crossentropy", "layers": [16, 16]},
)
est.fit(X_train, y_train, epochs=5, batch_size=30, shuffle=False, verbose=0)
for epoch, value in enumerate(est.history_.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["classes"] = float(len(est.classes_))
RESULT["n_features_in"] = float(est.n_features_in_)
RESULT["train_score"] = float(est.score(X_train, y_train))
RESULT["test_score"] = float(est.score(X_test, y_test))
scores = est.decision_function(X_test)
RESULT["decision_columns"] = float(scores.shape[1])
RESULT["decision_argmax_agrees"] = float(np.all(
    est.classes_[np.argmax(scores, axis=1)] == est.predict(X_test)))

# the same labels as strings: predict gives strings back
names = np.array(["bird", "cat", "dog"])[y_train]
named = SKLearnClassifier(
    model=dynamic_model,
    model_kwargs={"loss": "categorical_crossentropy", "layers": [16, 16]},
)
named.fit(X_train, names, epochs=5, batch_size=30, shuffle=False, verbose=0)
predicted = named.predict(X_test)
RESULT["named_is_str"] = float(predicted.dtype.kind in "UO")
RESULT["named_agrees"] = float(np.mean(
    predicted == np.array(["bird", "cat", "dog"])[est.predict(X_test)]))

# --- cross-validation over three unshuffled folds; fit's arguments by params
cv_scores = cross_val_score(
    SKLearnClassifier(model=dynamic_model,
                      model_kwargs={"loss": "categorical_crossentropy", "layers": [16]}),
    X, y, cv=KFold(3), params={"epochs": 4, "batch_size": 40, "shuffle": False, "verbose": 0},
)
for fold, value in enumerate(cv_scores):
    RESULT[f"cv_score_{fold}"] = float(value)

# --- a Pipeline: standardize, then the network
pipe = Pipeline([
    ("scale", StandardScaler()),
    ("mlp", SKLearnClassifier(model=dynamic_model,
                              model_kwargs={"loss": "categorical_crossentropy",
                                            "layers": [16]},
                              fit_kwargs={"epochs": 6, "batch_size": 30, "shuffle": False,
                                          "verbose": 0})),
])
pipe.fit(X_train, y_train)
RESULT["pipeline_score"] = float(pipe.score(X_test, y_test))
RESULT["pipeline_loss_5"] = float(pipe.named_steps["mlp"].history_.history["loss"][5])

# --- a binary task: two one-hot columns, a softmax of two
Xb, yb = make_classification(n_samples=160, n_features=6, random_state=1)
binary = SKLearnClassifier(model=dynamic_model,
                           model_kwargs={"loss": "categorical_crossentropy", "layers": [8]})
binary.fit(Xb, yb, epochs=5, batch_size=32, shuffle=False, verbose=0)
RESULT["binary_columns"] = float(binary.decision_function(Xb[:3]).shape[1])
RESULT["binary_score"] = float(binary.score(Xb, yb))

# --- a regressor, and a grid search over its model_kwargs
Xr, yr = make_regression(n_samples=150, n_features=5, noise=5.0, random_state=2)
yr = yr / np.std(yr)
reg = SKLearnRegressor(model=dynamic_model,
                       model_kwargs={"loss": "mse", "layers": [16], "activation": None})
reg.fit(Xr, yr, epochs=8, batch_size=25, shuffle=False, verbose=0)
RESULT["reg_loss_0"] = float(reg.history_.history["loss"][0])
RESULT["reg_loss_7"] = float(reg.history_.history["loss"][7])
RESULT["reg_prediction_rank"] = float(np.ndim(reg.predict(Xr[:5])))
RESULT["reg_r2"] = float(reg.score(Xr, yr))

search = GridSearchCV(
    SKLearnRegressor(model=dynamic_model,
                     model_kwargs={"loss": "mse", "layers": [8], "activation": None}),
    param_grid={"model_kwargs": [
        {"loss": "mse", "layers": [8], "activation": None, "learning_rate": 0.003},
        {"loss": "mse", "layers": [8], "activation": None, "learning_rate": 0.03},
    ]},
    cv=KFold(2),
)
search.fit(Xr, yr, epochs=5, batch_size=25, shuffle=False, verbose=0)
RESULT["grid_best_rate"] = float(search.best_params_["model_kwargs"]["learning_rate"])
RESULT["grid_best_score"] = float(search.best_score_)

# --- a compiled Model given as it is: fit trains a clone, compiled as the original
inp = Input(shape=(5,))
base = Model(inp, Dense(1)(Dense(8, activation="relu")(inp)))
base.compile(loss="mse", optimizer="adam")
before = [w.copy() for w in base.get_weights()]
given = SKLearnRegressor(model=base)
given.fit(Xr, yr, epochs=2, batch_size=50, verbose=0)
RESULT["given_is_cloned"] = float(given.model_ is not base)
RESULT["given_untouched"] = float(all(np.array_equal(a, b)
                                      for a, b in zip(before, base.get_weights())))
RESULT["given_params"] = float(given.model_.count_params())
RESULT["given_epochs"] = float(len(given.history_.history["loss"]))

# --- an uncompiled model is refused
try:
    SKLearnRegressor(model=lambda X, y: Model(inp, Dense(1)(inp))).fit(Xr, yr, verbose=0)
    RESULT["uncompiled_refused"] = 0.0
except RuntimeError:
    RESULT["uncompiled_refused"] = 1.0

# --- a transformer (the regressor's network as a feature) ahead of a LogisticRegression
transform_pipe = make_pipeline(
    SKLearnTransformer(model=dynamic_model,
                       model_kwargs={"loss": "mse", "layers": [8], "activation": None},
                       fit_kwargs={"epochs": 5, "batch_size": 30, "shuffle": False,
                                   "verbose": 0}),
    LogisticRegression(),
)
transform_pipe.fit(Xb, yb)
features = transform_pipe[0].transform(Xb[:4])
RESULT["transform_columns"] = float(features.shape[1])
RESULT["transform_score"] = float(transform_pipe.score(Xb, yb))
print(RESULT)
