"""``keras.wrappers``: a compiled model as a scikit-learn estimator.

``SKLearnClassifier``, ``SKLearnRegressor`` and ``SKLearnTransformer`` wrap a model (or a
function that builds and compiles one from the training data) so that scikit-learn's tools
take it as any estimator: ``cross_val_score``, ``Pipeline``, ``GridSearchCV``, ``clone``.
They need scikit-learn (``pip install scikit-learn``); importing this module does not.

What each ``fit(X, y)`` does, as Keras 3's wrappers:

1. ``X`` and ``y`` are checked by scikit-learn (``validate_data``: 2-D numbers, equal lengths;
   ``n_features_in_`` is recorded).
2. The targets are prepared: a classifier one-hot encodes its labels (any labels scikit-learn
   calls binary or multiclass: integers, strings) and keeps ``classes_``; a regressor or
   transformer turns a 1-D ``y`` into a column.
3. The model is made: a ``Model`` given to the wrapper is cloned (``clone_model``) and compiled
   as the original was; a callable is called as ``model(X=X, y=y, **model_kwargs)`` with the
   prepared ``X`` and ``y`` (a classifier's ``y`` one-hot, so ``y.shape[1]`` is the number of
   classes) and must return a compiled model.
4. ``model.fit(X, y, **fit_kwargs, **kwargs)``: arguments given to ``fit`` win over
   ``fit_kwargs``. ``history_`` is the History, ``model_`` the trained model.

``predict`` gives labels for a classifier (the class of the largest output of each row, through
the one-hot encoder's inverse) and values for a regressor (a column squeezed back to 1-D when
``y`` was 1-D); ``decision_function`` gives a classifier's raw outputs; ``transform`` gives the
transformer's outputs.
"""

from __future__ import annotations

import importlib as _importlib
import sys as _sys

import numpy as np

from .models import Model, clone_model

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:  # the wrappers then refuse to be made, with the fix
    sklearn = None

    class BaseEstimator:  # noqa: D101
        pass

    class ClassifierMixin:  # noqa: D101
        pass

    class RegressorMixin:  # noqa: D101
        pass

    class TransformerMixin:  # noqa: D101
        pass


__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]


def _need_sklearn(name: str) -> None:
    if sklearn is None:
        raise ImportError(f"{name} needs scikit-learn, which is not installed: "
                          "pip install scikit-learn")


def _validate(estimator, *args, **kwargs):
    """scikit-learn's input check (validate_data from 1.6, the estimator's method before)."""
    try:
        from sklearn.utils.validation import validate_data
    except ImportError:
        return estimator._validate_data(*args, **kwargs)
    return validate_data(estimator, *args, **kwargs)


def _target_type(y) -> str:
    from sklearn.utils.multiclass import type_of_target

    kind = type_of_target(y)
    if kind == "unknown":
        raise ValueError(f"fit(y): unknown label type for the targets {y!r}; give numbers "
                         "or labels of shape (n_samples,) or (n_samples, n_outputs).")
    return kind


def _check_compiled(model, where: str) -> None:
    if not isinstance(model, Model):
        raise TypeError(f"{where}: the model function must return a numnet Model, it returned "
                        f"{type(model).__name__}.")
    if not getattr(model, "compiled", False) or not model.loss or model.optimizer is None:
        raise RuntimeError(f"{where}: the model must be compiled with a loss and an optimizer "
                           "before the wrapper fits it; call model.compile(optimizer=..., "
                           "loss=...) in the function that builds it.")


class _SKLBase(BaseEstimator):
    """What the three wrappers share: the model, its making and its fit."""

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        _need_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def _more_tags(self):  # scikit-learn before 1.6
        return {"non_deterministic": True}

    def __sklearn_clone__(self):
        # The model (or its function) is shared, not deep-copied: fit clones a Model anyway.
        return type(self)(
            model=self.model, warm_start=self.warm_start,
            model_kwargs=None if self.model_kwargs is None else dict(self.model_kwargs),
            fit_kwargs=None if self.fit_kwargs is None else dict(self.fit_kwargs))

    def _make_model(self, X, y):
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            made = clone_model(self.model)
            if not getattr(made, "compiled", False) and getattr(self.model, "compiled", False):
                made.compile_from_config(self.model.get_compile_config())
        else:
            if not callable(self.model):
                raise TypeError(f"{type(self).__name__}(model): expected a compiled Model or a "
                                "function model(X, y, **model_kwargs) returning one, given "
                                f"{type(self.model).__name__}.")
            made = self.model(X=X, y=y, **(self.model_kwargs or {}))
        _check_compiled(made, f"{type(self).__name__}.fit")
        return made

    def fit(self, X, y, **kwargs):
        """Make the model and train it on ``X`` and ``y``.

        Args:
            X: the inputs, (n_samples, n_features).
            y: the targets, (n_samples,) or (n_samples, n_outputs).
            **kwargs: passed to ``model.fit`` (``epochs``, ``batch_size``, ``verbose``...);
                they win over ``fit_kwargs``.

        Returns:
            The estimator itself.
        """
        X, y = _validate(self, X, y)
        y = self._prepare_targets(y, reset=True)
        model = self._make_model(X, y)
        self.history_ = model.fit(X, y, **{**(self.fit_kwargs or {}), **kwargs})
        self.model_ = model
        return self

    def predict(self, X):
        """The model's predictions for ``X``, in the form of the targets fit was given."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return self._restore_targets(self.model_.predict(X, verbose=0))

    def _prepare_targets(self, y, reset=False):
        _target_type(y)
        if reset:
            self._target_ndim = np.ndim(y)
        return y.reshape(-1, 1) if np.ndim(y) == 1 else y

    def _restore_targets(self, out):
        out = np.asarray(out)
        if self._target_ndim == 1 and out.ndim == 2:
            return np.squeeze(out, axis=1)
        return out


class SKLearnClassifier(ClassifierMixin, _SKLBase):
    """A compiled classification model as a scikit-learn classifier.

    Args:
        model: a compiled ``Model`` (cloned and compiled afresh at each fit), or a function
            ``model(X, y, **model_kwargs)`` that builds and compiles one; ``y`` reaches it
            one-hot encoded, so ``y.shape[1]`` is the number of classes.
        warm_start: whether a second ``fit`` goes on training the model of the first instead
            of making a new one. Defaults to ``False``. (Keras 3.15 documents this but makes a
            new model at every fit.)
        model_kwargs: keyword arguments for the model function. Defaults to ``None``.
        fit_kwargs: keyword arguments for ``model.fit`` (``epochs``, ``batch_size``, ...);
            those given to ``fit`` win. Defaults to ``None``. A scikit-learn ``clone`` (as
            ``cross_val_score`` and ``GridSearchCV`` make) keeps them (Keras 3.15's clones
            drop them).

    Attributes:
        model_: the trained model. history_: its History. classes_: the sorted labels.
        n_features_in_: the number of input columns.

    Raises:
        ImportError: scikit-learn is not installed.
        ValueError: at fit, targets that are not binary or multiclass labels, or one class.
        RuntimeError: at fit, a model that is not compiled with a loss and an optimizer.

    Example:
        >>> import numpy as np, numnet as keras
        >>> from numnet.wrappers import SKLearnClassifier
        >>> def build(X, y):
        ...     model = keras.Sequential([keras.Input((X.shape[1],)),
        ...                               keras.layers.Dense(y.shape[1], activation="softmax")])
        ...     model.compile(optimizer="adam", loss="categorical_crossentropy")
        ...     return model
        >>> X = np.random.default_rng(0).normal(size=(30, 4))
        >>> clf = SKLearnClassifier(build, fit_kwargs={"epochs": 2, "verbose": 0})
        >>> clf.fit(X, np.array(["a", "b", "c"] * 10)).classes_.tolist()
        ['a', 'b', 'c']
        >>> clf.predict(X[:2]).shape
        (2,)
    """

    def decision_function(self, X):
        """The model's raw outputs for ``X`` (a row of class scores per sample)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return self.model_.predict(X, verbose=0)

    def _prepare_targets(self, y, reset=False):
        kind = _target_type(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"SKLearnClassifier.fit(y): binary or multiclass labels are "
                             f"supported, given targets of type {kind!r}; for several outputs "
                             "or numbers use SKLearnRegressor.")
        column = y.reshape(-1, 1) if np.ndim(y) == 1 else y
        if reset:
            from sklearn.preprocessing import OneHotEncoder

            self._target_ndim = np.ndim(y)
            self._encoder = OneHotEncoder(sparse_output=False).fit(column)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("SKLearnClassifier.fit(y): all the labels are one class "
                                 f"({self.classes_[0]!r}); a classifier needs two or more.")
        return self._encoder.transform(column)

    def _restore_targets(self, out):
        # the one-hot encoder's inverse takes each row's largest entry as its class
        return super()._restore_targets(self._encoder.inverse_transform(np.asarray(out)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags

    def _more_tags(self):
        return {"non_deterministic": True, "poor_score": True}


class SKLearnRegressor(RegressorMixin, _SKLBase):
    """A compiled regression model as a scikit-learn regressor.

    Args:
        model: a compiled ``Model`` (cloned and compiled afresh at each fit), or a function
            ``model(X, y, **model_kwargs)`` that builds and compiles one (a 1-D ``y`` reaches
            it as a column).
        warm_start: whether a second ``fit`` goes on training the model of the first.
            Defaults to ``False``.
        model_kwargs: keyword arguments for the model function. Defaults to ``None``.
        fit_kwargs: keyword arguments for ``model.fit``; those given to ``fit`` win. Defaults
            to ``None``.

    Attributes:
        model_: the trained model. history_: its History. n_features_in_: the input columns.

    Raises:
        ImportError: scikit-learn is not installed.
        RuntimeError: at fit, a model that is not compiled with a loss and an optimizer.

    Example:
        >>> import numpy as np, numnet as keras
        >>> from numnet.wrappers import SKLearnRegressor
        >>> def build(X, y):
        ...     model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1)])
        ...     model.compile(optimizer="sgd", loss="mse")
        ...     return model
        >>> X = np.random.default_rng(0).normal(size=(20, 3))
        >>> reg = SKLearnRegressor(build).fit(X, X.sum(axis=1), epochs=2, verbose=0)
        >>> reg.predict(X[:4]).shape
        (4,)
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags

    def _more_tags(self):
        return {"non_deterministic": True, "poor_score": True}


class SKLearnTransformer(TransformerMixin, _SKLBase):
    """A compiled model as a scikit-learn transformer: ``transform(X)`` is its ``predict``
    (an embedding model in a ``Pipeline``, for example). Not a Transformer network.

    Args:
        model: a compiled ``Model`` (cloned and compiled afresh at each fit), or a function
            ``model(X, y, **model_kwargs)`` that builds and compiles one.
        warm_start: whether a second ``fit`` goes on training the model of the first.
            Defaults to ``False``.
        model_kwargs: keyword arguments for the model function. Defaults to ``None``.
        fit_kwargs: keyword arguments for ``model.fit``; those given to ``fit`` win. Defaults
            to ``None``.

    Attributes:
        model_: the trained model. history_: its History. n_features_in_: the input columns.

    Raises:
        ImportError: scikit-learn is not installed.
        RuntimeError: at fit, a model that is not compiled with a loss and an optimizer.

    Example:
        >>> import numpy as np, numnet as keras
        >>> from numnet.wrappers import SKLearnTransformer
        >>> def build(X, y):
        ...     model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1)])
        ...     model.compile(optimizer="sgd", loss="mse")
        ...     return model
        >>> X = np.random.default_rng(0).normal(size=(20, 3))
        >>> SKLearnTransformer(build).fit(X, X.sum(axis=1), verbose=0).transform(X).shape
        (20, 1)
    """

    def transform(self, X):
        """The model's outputs for ``X``, (n_samples, n_outputs)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return self.model_.predict(X, verbose=0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags

    def _more_tags(self):
        return {"non_deterministic": True, "preserves_dtype": []}


# ``from numnet.keras.wrappers import SKLearnClassifier`` (tf.keras's spelling) gives these
# classes, not copies made by importing this file a second time under that name.
if __name__ == "numnet.wrappers":
    _sys.modules["numnet.keras.wrappers"] = _sys.modules[__name__]
else:
    _sys.modules[__name__] = _importlib.import_module("numnet.wrappers")
