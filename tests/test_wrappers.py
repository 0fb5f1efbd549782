"""keras.wrappers: SKLearnClassifier, SKLearnRegressor and SKLearnTransformer around numnet
models, with scikit-learn's clone, cross_val_score and Pipeline."""

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import KFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import numnet as keras  # noqa: E402
from numnet.wrappers import (  # noqa: E402
    SKLearnClassifier,
    SKLearnRegressor,
    SKLearnTransformer,
)

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 4))
LABELS = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
TARGET = X @ np.array([1.0, -2.0, 0.5, 0.0])


def build(X, y, units=None, optimizer="sgd", loss="mse", activation=None, seen=None):
    """A one-layer model starting from a fixed draw; ``seen`` records the y it was given."""
    if seen is not None:
        seen.append(y.shape)
    model = keras.Sequential([keras.Input((X.shape[1],)),
                              keras.layers.Dense(units or y.shape[1], activation=activation)])
    model.compile(optimizer=optimizer, loss=loss)
    draw = np.random.default_rng(1)
    model.set_weights([draw.normal(0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


def test_classifier_encodes_labels_and_predicts_them_back():
    seen = []
    clf = SKLearnClassifier(build, model_kwargs={"loss": "categorical_crossentropy",
                                                 "activation": "softmax", "seen": seen})
    clf.fit(X, LABELS, epochs=3, verbose=0, shuffle=False)
    assert seen == [(60, 2)]  # one-hot: a column a class
    assert clf.classes_.tolist() == ["no", "yes"]
    assert clf.n_features_in_ == 4
    scores = clf.decision_function(X)
    np.testing.assert_allclose(scores, clf.model_.predict(X, verbose=0), rtol=1e-6)
    assert clf.predict(X).tolist() == clf.classes_[np.argmax(scores, axis=1)].tolist()
    assert clf.score(X, LABELS) == np.mean(clf.predict(X) == LABELS)


def test_fit_arguments_win_over_fit_kwargs_and_leave_them_alone():
    fit_kwargs = {"epochs": 3, "verbose": 0}
    reg = SKLearnRegressor(build, fit_kwargs=fit_kwargs)
    reg.fit(X, TARGET)
    assert len(reg.history_.history["loss"]) == 3
    reg.fit(X, TARGET, epochs=1)
    assert len(reg.history_.history["loss"]) == 1
    assert fit_kwargs == {"epochs": 3, "verbose": 0}


def test_regressor_trains_as_the_model_itself():
    reg = SKLearnRegressor(build).fit(X, TARGET, epochs=4, batch_size=20, shuffle=False,
                                      verbose=0)
    model = build(X, TARGET[:, None])
    history = model.fit(X.astype("float32"), TARGET[:, None].astype("float32"), epochs=4,
                        batch_size=20, shuffle=False, verbose=0)
    np.testing.assert_allclose(reg.history_.history["loss"], history.history["loss"],
                               rtol=1e-6)
    predicted = reg.predict(X)
    assert predicted.shape == (60,)  # a 1-D y gives 1-D predictions
    np.testing.assert_allclose(predicted, model.predict(X, verbose=0)[:, 0], rtol=1e-5)


def test_a_compiled_model_is_cloned_and_compiled_as_the_original():
    model = build(X, TARGET[:, None], optimizer=keras.optimizers.Adam(0.05))
    before = [w.copy() for w in model.get_weights()]
    reg = SKLearnRegressor(model).fit(X, TARGET, epochs=2, verbose=0)
    assert reg.model_ is not model
    assert type(reg.model_.optimizer).__name__ == "Adam"
    assert float(reg.model_.optimizer.learning_rate) == pytest.approx(0.05)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_warm_start_goes_on_with_the_same_model():
    reg = SKLearnRegressor(build, warm_start=True).fit(X, TARGET, epochs=1, verbose=0)
    first = reg.model_
    first_loss = reg.history_.history["loss"][0]
    reg.fit(X, TARGET, epochs=1, verbose=0)
    assert reg.model_ is first
    assert reg.history_.history["loss"][0] < first_loss
    cold = SKLearnRegressor(build).fit(X, TARGET, epochs=1, verbose=0)
    model = cold.model_
    cold.fit(X, TARGET, epochs=1, verbose=0)
    assert cold.model_ is not model


def test_clone_keeps_the_arguments_and_not_the_fit():
    est = SKLearnClassifier(build, model_kwargs={"activation": "softmax"},
                            fit_kwargs={"epochs": 2, "verbose": 0})
    est.fit(X, LABELS)
    copy = clone(est)
    assert copy.get_params()["fit_kwargs"] == {"epochs": 2, "verbose": 0}
    assert copy.get_params()["model_kwargs"] == {"activation": "softmax"}
    assert copy.model is build and not hasattr(copy, "model_")


def test_cross_val_score_and_pipeline():
    est = SKLearnRegressor(build, fit_kwargs={"epochs": 20, "verbose": 0, "shuffle": False})
    scores = cross_val_score(est, X, TARGET, cv=KFold(3))
    assert scores.shape == (3,) and np.all(scores > 0.5)  # R^2 of a linear target
    pipe = make_pipeline(StandardScaler(), SKLearnTransformer(
        build, fit_kwargs={"epochs": 1, "verbose": 0}))
    out = pipe.fit(X, TARGET).transform(X[:5])
    expected = pipe[-1].model_.predict(pipe[0].transform(X[:5]), verbose=0)
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_bad_models_and_targets_are_refused():
    with pytest.raises(RuntimeError, match="compile"):
        SKLearnRegressor(lambda X, y: keras.Sequential([keras.Input((4,)),
                                                        keras.layers.Dense(1)])
                         ).fit(X, TARGET, verbose=0)
    with pytest.raises(TypeError, match="compiled Model or a function"):
        SKLearnRegressor(3).fit(X, TARGET, verbose=0)
    with pytest.raises(ValueError, match="one class"):
        SKLearnClassifier(build).fit(X, np.zeros(60, dtype=int), verbose=0)
    with pytest.raises(ValueError, match="binary or multiclass"):
        SKLearnClassifier(build).fit(X, TARGET, verbose=0)


def test_reachable_as_keras_wrappers():
    from numnet.keras.wrappers import SKLearnTransformer as imported

    assert keras.wrappers.SKLearnClassifier is SKLearnClassifier
    assert keras.keras.wrappers.SKLearnRegressor is SKLearnRegressor
    assert imported is SKLearnTransformer  # tf.keras's spelling: the same class, not a copy
