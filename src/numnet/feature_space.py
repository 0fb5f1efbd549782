"""FeatureSpace: Keras 3's one-stop preprocessing of structured (tabular) data.

A ``FeatureSpace`` is told, for each column of a table, what kind of feature it is (a float to
normalize, an integer category, a string to hash, ...). ``adapt`` learns what the features need
from a dataset (vocabularies, means and variances, bin boundaries); calling the space on a dict
of columns then encodes them: each feature through its preprocessing layer, the crossed pairs
through ``HashedCrossing``, the categorical results one-hot encoded, and (``output_mode=
"concat"``) everything joined into one float32 vector a sample.

The pieces are numnet's own layers (Normalization, Rescaling, Discretization, StringLookup,
IntegerLookup, Hashing, HashedCrossing, CategoryEncoding, Concatenate), so the encoded values
are those Keras gives for the same data, hashes and crosses included (both use FarmHash).
The same layers called on the symbolic inputs (``get_inputs()``) give ``get_encoded_features()``,
the start of a functional model, and a model whose inputs are the raw columns.

Where numnet differs from Keras: a ``float_discretized`` feature given ``bin_boundaries`` is
one-hot encoded with ``len(bin_boundaries) + 1`` bins (Keras cannot one-hot encode it); a lookup
given its vocabulary, or a Discretization given its boundaries, is left alone by ``adapt``;
``adapt`` also takes a dataset of ``(features, labels)`` pairs (the features are used).
"""

from __future__ import annotations

import numpy as np

from . import layers
from .autodiff.tensor import Tensor
from .layers.base import Input, Layer
from .naming import unique_name

_FEATURE_TYPES = ("float", "float_normalized", "float_rescaled", "float_discretized",
                 "integer_categorical", "string_categorical", "integer_hashed", "string_hashed")
_FEATURE_MODES = ("int", "one_hot", "float")
_CROSS_MODES = ("int", "one_hot")
_DTYPES = {"float32": np.float32, "int32": np.int64, "int64": np.int64}


def _check_mode(where: str, output_mode, allowed) -> str:
    if output_mode not in allowed:
        raise ValueError(f"{where}(output_mode): expected one of {list(allowed)}, given "
                         f"{output_mode!r}.")
    return output_mode


def _serialize(layer) -> dict:
    """A preprocessing layer as ``{"class_name", "config"}``."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def _deserialize(config: dict):
    """A layer from ``_serialize``'s dict: a numnet layer by its class name, any other through
    the registry of custom objects."""
    cls = getattr(layers, config.get("class_name", ""), None)
    if isinstance(cls, type) and issubclass(cls, Layer):
        return cls.from_config(config["config"])
    from .saving.serialization import deserialize_keras_object
    return deserialize_keras_object(config)


class Cross:
    """A feature cross: the named features hashed together into ``crossing_dim`` bins.

    Made by ``FeatureSpace.cross``; see there.

    Args:
        feature_names: the names of the features to cross (two or more), in order.
        crossing_dim: the number of hash bins.
        output_mode: ``"one_hot"`` (a vector of ``crossing_dim`` a sample) or ``"int"`` (the
            bin). Defaults to ``"one_hot"``.

    Raises:
        ValueError: for another output_mode.
    """

    def __init__(self, feature_names, crossing_dim, output_mode: str = "one_hot"):
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = _check_mode("FeatureSpace.cross", output_mode, _CROSS_MODES)

    @property
    def name(self) -> str:
        """The cross's name: its features' names joined by ``"_X_"`` (``"sex_X_age"``)."""
        return "_X_".join(self.feature_names)

    def get_config(self) -> dict:
        """The constructor's arguments."""
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config: dict) -> Cross:
        """A Cross from ``get_config()``'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        return (f"<Cross {self.name} crossing_dim={self.crossing_dim} "
                f"output_mode={self.output_mode!r}>")


class Feature:
    """One feature of a FeatureSpace: its input dtype, its preprocessing layer and how its
    result is encoded.

    Made by the ``FeatureSpace`` constructors (``FeatureSpace.float_normalized()``, ...) or by
    ``FeatureSpace.feature`` for a layer of your own; see there.

    Args:
        dtype: the input's dtype: ``"float32"``, ``"int32"`` or ``"string"``.
        preprocessor: a layer (or its serialized config dict) applied to the column.
        output_mode: ``"float"`` (the preprocessor's output as it is), ``"one_hot"`` (its
            integer output one-hot encoded) or ``"int"`` (as it is, for ``output_mode="dict"``).

    Raises:
        ValueError: for another output_mode.
    """

    def __init__(self, dtype, preprocessor, output_mode):
        self.dtype = dtype
        if isinstance(preprocessor, dict):
            preprocessor = _deserialize(preprocessor)
        self.preprocessor = preprocessor
        self.output_mode = _check_mode("FeatureSpace.feature", output_mode, _FEATURE_MODES)

    def get_config(self) -> dict:
        """The constructor's arguments, the preprocessor as its serialized config."""
        return {"dtype": self.dtype, "preprocessor": _serialize(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config: dict) -> Feature:
        """A Feature from ``get_config()``'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        return (f"<Feature dtype={self.dtype!r} preprocessor={type(self.preprocessor).__name__} "
                f"output_mode={self.output_mode!r}>")


def _host(value) -> np.ndarray:
    """A column (Tensor, array, list, scalar) as a NumPy array."""
    if isinstance(value, Tensor):
        value = value.value
    if hasattr(value, "get") and not isinstance(value, (dict, np.ndarray)):
        value = value.get()  # a CuPy array
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()  # a TensorFlow or torch tensor
    return np.asarray(value)


def _column(value, feature: Feature, name: str) -> np.ndarray:
    """A column as its feature's dtype wants it: float32 for floats, integers kept as they are,
    bytes decoded for strings."""
    array = _host(value)
    if feature.dtype == "string":
        if array.dtype.kind == "S" or (array.dtype.kind == "O" and array.size
                                       and isinstance(array.flat[0], bytes)):
            array = np.vectorize(lambda v: v.decode("utf-8") if isinstance(v, bytes) else v,
                                 otypes=[object])(array).astype(str)
        return array
    if feature.dtype == "float32":
        if array.dtype.kind not in "fiub":
            raise TypeError(f"FeatureSpace: feature {name!r} is a float feature; given values "
                            f"of dtype {array.dtype} (convert the column to numbers).")
        return array.astype(np.float32, copy=False)
    return array


def _cardinality(preprocessor) -> int | None:
    """The number of distinct integers a preprocessor gives, where its type tells it."""
    if isinstance(preprocessor, (layers.StringLookup, layers.IntegerLookup)):
        return preprocessor.vocabulary_size()
    if isinstance(preprocessor, layers.CategoryEncoding):
        return preprocessor.num_tokens
    if isinstance(preprocessor, layers.Discretization):
        if preprocessor.num_bins:
            return preprocessor.num_bins
        if preprocessor.bin_boundaries is not None:
            return len(preprocessor.bin_boundaries) + 1
        return None
    if isinstance(preprocessor, (layers.Hashing, layers.HashedCrossing)):
        return preprocessor.num_bins
    return None


def _gives_integers(preprocessor) -> bool:
    """Whether a known preprocessor's output is integer indices (output_mode "int")."""
    known = (layers.StringLookup, layers.IntegerLookup, layers.Discretization, layers.Hashing,
             layers.HashedCrossing)
    return isinstance(preprocessor, known) and getattr(preprocessor, "output_mode", "int") == "int"


def _typed(tensor, layer):
    """A symbolic tensor given the dtype its layer's output has (a symbolic tensor takes its
    Input's dtype otherwise), so that the next layer's sample call and ``.dtype`` are right:
    int64 for indices, float32 for encodings; a layer of the user's own keeps what it gave."""
    if not getattr(tensor, "_symbolic", False):
        return tensor
    if _gives_integers(layer):
        tensor.dtype = "int64"
    elif isinstance(layer, (layers.CategoryEncoding, layers.Concatenate, layers.Normalization,
                            layers.Rescaling, layers.Discretization, layers.Hashing,
                            layers.StringLookup, layers.IntegerLookup)):
        tensor.dtype = "float32"
    return tensor


def _adaptable(preprocessor) -> bool:
    """Whether ``adapt`` has something to learn for this layer."""
    if not hasattr(preprocessor, "adapt"):
        return False
    if isinstance(preprocessor, layers.Normalization):
        return preprocessor.input_mean is None
    if isinstance(preprocessor, layers.Discretization):
        return preprocessor.num_bins is not None
    return not getattr(preprocessor, "_has_input_vocabulary", False)


class FeatureSpace(Layer):
    """Preprocesses and encodes structured data: a dict of columns in, one vector a sample (or
    a dict of encoded features) out, as Keras's ``keras.utils.FeatureSpace``.

    Each feature is named by a preset string (its default arguments) or made by one of the
    constructors below::

        FeatureSpace.float()                       # the value as it is
        FeatureSpace.float_rescaled(scale=1.0, offset=0.0)    # x * scale + offset
        FeatureSpace.float_normalized()            # (x - mean) / std, learned by adapt
        FeatureSpace.float_discretized(num_bins, bin_boundaries=None, output_mode="one_hot")
        FeatureSpace.integer_categorical(max_tokens=None, num_oov_indices=1,
                                         output_mode="one_hot")
        FeatureSpace.string_categorical(max_tokens=None, num_oov_indices=1,
                                        output_mode="one_hot")
        FeatureSpace.integer_hashed(num_bins, output_mode="one_hot")
        FeatureSpace.string_hashed(num_bins, output_mode="one_hot")
        FeatureSpace.feature(dtype, preprocessor, output_mode)  # a layer of your own

    Crosses hash the preprocessed values of two or more features together (``HashedCrossing``)
    and are one-hot encoded by default. Encoded features are ordered by name (the features,
    sorted, then the crosses, sorted) when concatenated.

    Args:
        features: a dict ``{column name: preset string or Feature}``; not empty.
        output_mode: ``"concat"`` (one float32 vector a sample, shape ``(batch, total)``) or
            ``"dict"`` (a dict of the encoded features by name, crosses under their
            ``"a_X_b"`` name). Defaults to ``"concat"``.
        crosses: a list of tuples of feature names, or of ``FeatureSpace.cross(...)``, or
            None. Defaults to ``None``.
        crossing_dim: the hash bins of a cross given as a tuple of names. Defaults to ``32``.
        hashing_dim: the hash bins of the ``"integer_hashed"`` and ``"string_hashed"`` presets.
            Defaults to ``32``.
        num_discretization_bins: the bins of the ``"float_discretized"`` preset. Defaults to
            ``32``.
        name: the layer's name. Defaults to ``None``.

    Call: on a dict of columns (arrays, lists or Tensors), each of shape ``(batch,)`` or
    ``(batch, 1)``, or a single row of scalars (the result then has no batch axis); or on the
    dict of symbolic inputs ``get_inputs()`` (or ``Input``s like them), inside a functional
    model. Returns a float32 Tensor ``(batch, total)`` (``"concat"``) or a dict of Tensors.

    Attributes:
        preprocessors: ``{feature name: its layer}``.
        crossers: ``{cross name: its HashedCrossing}``.
        one_hot_encoders: ``{name: its CategoryEncoding}`` (known after ``adapt``).

    Raises:
        ValueError: for empty features, an unknown preset, a cross naming an unknown feature,
            an unknown output_mode, a call before ``adapt`` (when a feature needs it), a call on
            something other than a dict, a column missing from the dict, or an integer feature
            left unencoded (``output_mode="int"``) with ``output_mode="concat"``.

    Example:
        >>> data = {"price": np.array([1.0, 2.0, 3.0]), "city": np.array(["a", "b", "a"])}
        >>> space = numnet.utils.FeatureSpace(
        ...     {"price": "float_normalized", "city": "string_categorical"})
        >>> space.adapt(numnet.data.Dataset.from_tensor_slices(data))
        >>> space(data).numpy().round(3)   # city one-hot (OOV, "a", "b"), then price
        array([[ 0.   ,  1.   ,  0.   , -1.225],
               [ 0.   ,  0.   ,  1.   ,  0.   ],
               [ 0.   ,  1.   ,  0.   ,  1.225]], dtype=float32)
    """

    # ----- the feature constructors -----
    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode: str = "one_hot") -> Cross:
        """A cross of features: their preprocessed values hashed together (HashedCrossing).

        Args:
            feature_names: the names of the features to cross, e.g. ``("sex", "age")``.
            crossing_dim: the number of hash bins.
            output_mode: ``"one_hot"`` or ``"int"``. Defaults to ``"one_hot"``.

        Example:
            >>> FeatureSpace.cross(("sex", "age"), crossing_dim=64).name
            'sex_X_age'
        """
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode) -> Feature:
        """A feature preprocessed by a layer of your own.

        Args:
            dtype: the input column's dtype: ``"float32"``, ``"int32"`` or ``"string"``.
            preprocessor: the layer (called on ``(batch, 1)`` columns; adapted by ``adapt``
                when it has an ``adapt`` method).
            output_mode: ``"float"``, ``"one_hot"`` (for integer outputs of a lookup, hashing,
                discretization or CategoryEncoding layer) or ``"int"``.

        Example:
            >>> FeatureSpace.feature("float32", numnet.layers.Rescaling(0.5), "float")
            <Feature dtype='float32' preprocessor=Rescaling output_mode='float'>
        """
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None) -> Feature:
        """A float feature passed on as it is (float32).

        Args:
            name: the prefix of the preprocessor's name. Defaults to ``None`` (a unique one).

        Example:
            >>> FeatureSpace.float().output_mode
            'float'
        """
        name = name or unique_name("float")
        return Feature("float32", layers.Identity(name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None) -> Feature:
        """A float feature rescaled to ``x * scale + offset`` (a Rescaling layer).

        Args:
            scale: the factor. Defaults to ``1.0``.
            offset: the term added after. Defaults to ``0.0``.
            name: the prefix of the preprocessor's name. Defaults to ``None``.

        Example:
            >>> FeatureSpace.float_rescaled(scale=0.01).preprocessor.scale
            0.01
        """
        name = name or unique_name("float_rescaled")
        return Feature("float32", layers.Rescaling(scale=scale, offset=offset,
                                                   name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_normalized(cls, name=None) -> Feature:
        """A float feature standardized to ``(x - mean) / std``, the mean and variance learned
        by ``adapt`` (a Normalization layer).

        Args:
            name: the prefix of the preprocessor's name. Defaults to ``None``.

        Example:
            >>> type(FeatureSpace.float_normalized().preprocessor).__name__
            'Normalization'
        """
        name = name or unique_name("float_normalized")
        return Feature("float32", layers.Normalization(axis=-1, name=f"{name}_preprocessor"),
                       "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode: str = "one_hot",
                          name=None) -> Feature:
        """A float feature cut into bins (a Discretization layer), one-hot encoded by default.

        Args:
            num_bins: the number of bins, their boundaries learned by ``adapt`` as quantiles;
                None when ``bin_boundaries`` are given (Discretization takes one of the two).
            bin_boundaries: fixed boundaries, or None. Defaults to ``None``.
            output_mode: ``"one_hot"`` or ``"int"`` (the bin index). Defaults to ``"one_hot"``.
            name: the prefix of the preprocessor's name. Defaults to ``None``.

        Example:
            >>> FeatureSpace.float_discretized(num_bins=10).preprocessor.num_bins
            10
        """
        name = name or unique_name("float_discretized")
        return Feature("float32", layers.Discretization(
            num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor"),
            output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices: int = 1,
                            output_mode: str = "one_hot", name=None) -> Feature:
        """An integer category indexed by a vocabulary ``adapt`` learns (IntegerLookup),
        one-hot encoded by default: width ``num_oov_indices + vocabulary``, index 0 for values
        not seen, then the values by how often they occur.

        Args:
            max_tokens: the most indices (OOV included), or None for all. Defaults to ``None``.
            num_oov_indices: indices for unseen values. Defaults to ``1``.
            output_mode: ``"one_hot"`` or ``"int"``. Defaults to ``"one_hot"``.
            name: the prefix of the preprocessor's name. Defaults to ``None``.

        Example:
            >>> FeatureSpace.integer_categorical(max_tokens=10).dtype
            'int32'
        """
        name = name or unique_name("integer_categorical")
        return Feature("int32", layers.IntegerLookup(
            name=f"{name}_preprocessor", max_tokens=max_tokens,
            num_oov_indices=num_oov_indices), output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices: int = 1,
                           output_mode: str = "one_hot", name=None) -> Feature:
        """A string category indexed by a vocabulary ``adapt`` learns (StringLookup), one-hot
        encoded by default (index 0 for strings not seen).

        Args:
            max_tokens: the most indices (OOV included), or None for all. Defaults to ``None``.
            num_oov_indices: indices for unseen strings. Defaults to ``1``.
            output_mode: ``"one_hot"`` or ``"int"``. Defaults to ``"one_hot"``.
            name: the prefix of the preprocessor's name. Defaults to ``None``.

        Example:
            >>> FeatureSpace.string_categorical().dtype
            'string'
        """
        name = name or unique_name("string_categorical")
        return Feature("string", layers.StringLookup(
            name=f"{name}_preprocessor", max_tokens=max_tokens,
            num_oov_indices=num_oov_indices), output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode: str = "one_hot", name=None) -> Feature:
        """A string feature hashed into ``num_bins`` bins (Hashing: FarmHash, as Keras), one-hot
        encoded by default. Needs no ``adapt``.

        Args:
            num_bins: the number of bins.
            output_mode: ``"one_hot"`` or ``"int"``. Defaults to ``"one_hot"``.
            name: the prefix of the preprocessor's name. Defaults to ``None``.

        Example:
            >>> FeatureSpace.string_hashed(num_bins=16).preprocessor.num_bins
            16
        """
        name = name or unique_name("string_hashed")
        return Feature("string", layers.Hashing(name=f"{name}_preprocessor", num_bins=num_bins),
                       output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode: str = "one_hot", name=None) -> Feature:
        """An integer feature hashed into ``num_bins`` bins (Hashing of its decimal digits, as
        Keras), one-hot encoded by default. Needs no ``adapt``.

        Args:
            num_bins: the number of bins.
            output_mode: ``"one_hot"`` or ``"int"``. Defaults to ``"one_hot"``.
            name: the prefix of the preprocessor's name. Defaults to ``None``.

        Example:
            >>> FeatureSpace.integer_hashed(num_bins=16).dtype
            'int32'
        """
        name = name or unique_name("integer_hashed")
        return Feature("int32", layers.Hashing(name=f"{name}_preprocessor", num_bins=num_bins),
                       output_mode)

    # ----- construction -----
    def __init__(self, features, output_mode: str = "concat", crosses=None,
                 crossing_dim: int = 32, hashing_dim: int = 32,
                 num_discretization_bins: int = 32, name=None, **kwargs):
        kwargs.pop("dtype", None)
        kwargs.pop("trainable", None)
        super().__init__(name=name, **kwargs)
        if not isinstance(features, dict) or not features:
            raise ValueError("FeatureSpace(features): expected a non-empty dict {column name: "
                             "preset string or FeatureSpace.<type>(...)}, given "
                             f"{features!r}.")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {key: self._standardize_feature(key, value)
                         for key, value in features.items()}
        self.crosses = [self._standardize_cross(cross) for cross in crosses or ()]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        self.output_mode = _check_mode("FeatureSpace", output_mode, ("concat", "dict"))
        self.inputs = {key: Input(shape=(1,), dtype=feature.dtype, name=key)
                       for key, feature in self.features.items()}
        self.preprocessors = {key: feature.preprocessor for key, feature in self.features.items()}
        self.crossers = {cross.name: layers.HashedCrossing(cross.crossing_dim, name=cross.name)
                         for cross in self.crosses}
        self.one_hot_encoders = {}
        self.concat = None
        self.encoded_features = None
        self._is_adapted = False
        self._encoders_built = False

    def _standardize_feature(self, key: str, feature) -> Feature:
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict) and "preprocessor" in feature:
            return Feature.from_config(feature)
        presets = {
            "float": lambda: self.float(name=key),
            "float_normalized": lambda: self.float_normalized(name=key),
            "float_rescaled": lambda: self.float_rescaled(name=key),
            "float_discretized": lambda: self.float_discretized(
                num_bins=self.num_discretization_bins, name=key),
            "integer_categorical": lambda: self.integer_categorical(name=key),
            "string_categorical": lambda: self.string_categorical(name=key),
            "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=key),
            "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=key),
        }
        if isinstance(feature, str) and feature in presets:
            return presets[feature]()
        raise ValueError(f"FeatureSpace(features): feature {key!r} is {feature!r}; expected one "
                         f"of {list(_FEATURE_TYPES)} or a FeatureSpace.<type>(...) feature.")

    def _standardize_cross(self, cross) -> Cross:
        if isinstance(cross, dict):
            cross = Cross.from_config(cross)
        if isinstance(cross, Cross):
            names = cross.feature_names
        else:
            if not self.crossing_dim:
                raise ValueError("FeatureSpace(crossing_dim): crosses given as tuples of names "
                                 "need crossing_dim (the number of hash bins), given "
                                 f"{self.crossing_dim!r}.")
            names = tuple(cross)
            cross = Cross(names, crossing_dim=self.crossing_dim)
        unknown = [n for n in names if n not in self.features]
        if unknown:
            raise ValueError(f"FeatureSpace(crosses): the cross {names} names features that are "
                             f"not in `features`: {unknown}; features: {list(self.features)}.")
        if len(names) < 2:
            raise ValueError(f"FeatureSpace(crosses): a cross joins two features or more; given "
                             f"{names}.")
        return cross

    # ----- adapt -----
    def _adaptable_names(self) -> list[str]:
        return [key for key, layer in self.preprocessors.items() if _adaptable(layer)]

    def adapt(self, dataset) -> None:
        """Learn each feature's state from data: vocabularies (lookups), mean and variance
        (``float_normalized``), bin boundaries (``float_discretized``, batch by batch as Keras).

        Args:
            dataset: a ``numnet.data.Dataset`` (``tf.data.Dataset``) whose elements are dicts
                of columns, batched or not (or ``(dict, labels)`` pairs: the dicts are used),
                or a dict of arrays / lists (taken as one table).

        Raises:
            ValueError: for something else, or a dict without one of the features.

        Example:
            >>> space = FeatureSpace({"x": "float_normalized"})
            >>> space.adapt({"x": [1.0, 2.0, 3.0]})
            >>> float(space.preprocessors["x"].mean.numpy().ravel()[0])
            2.0
        """
        from .data.dataset import Dataset
        if isinstance(dataset, dict):
            dataset = Dataset.from_tensor_slices(
                {key: _host(value) for key, value in dataset.items()})
        if not isinstance(dataset, Dataset):
            raise ValueError("FeatureSpace.adapt(dataset): expected a tf.data / numnet.data "
                             "Dataset of dicts, or a dict of arrays; given "
                             f"{type(dataset).__name__}.")
        names = self._adaptable_names()
        if names:
            columns: dict[str, list] = {key: [] for key in names}
            pending: dict[str, list] = {key: [] for key in names}  # unbatched scalars
            for element in dataset:
                if isinstance(element, tuple) and element and isinstance(element[0], dict):
                    element = element[0]
                if not isinstance(element, dict):
                    raise ValueError("FeatureSpace.adapt(dataset): expected a Dataset of dicts "
                                     f"of columns; an element is {type(element).__name__}.")
                for key in names:
                    if key not in element:
                        raise ValueError(f"FeatureSpace.adapt(dataset): feature {key!r} is not "
                                         f"in the data (columns: {sorted(element)}).")
                    value = _column(element[key], self.features[key], key)
                    if value.ndim == 0:
                        pending[key].append(value)
                        if len(pending[key]) == 32:  # as Keras: scalars batched by 32
                            columns[key].append(np.stack(pending[key])[:, None])
                            pending[key] = []
                    else:
                        columns[key].append(value[:, None] if value.ndim == 1 else value)
            for key in names:
                if pending[key]:
                    columns[key].append(np.stack(pending[key])[:, None])
                if not columns[key]:
                    raise ValueError("FeatureSpace.adapt(dataset): the dataset is empty.")
                self.preprocessors[key].adapt(iter(columns[key]))
        self._is_adapted = True
        self._build_encoders()

    def _check_adapted(self) -> None:
        if not self._is_adapted:
            if self._adaptable_names():
                raise ValueError("FeatureSpace: call .adapt(dataset) before using the space "
                                 f"(features {self._adaptable_names()} learn from data).")
            self._is_adapted = True

    def _build_encoders(self) -> None:
        """The one-hot encoders and the concatenation, once the cardinalities are known."""
        self.one_hot_encoders = {}
        specs = {**self.features, **self.crosses_by_name}
        for key in self._feature_names() + self._cross_names():
            spec = specs[key]
            layer = self.preprocessors.get(key) or self.crossers.get(key)
            if spec.output_mode == "one_hot":
                if isinstance(layer, (layers.Hashing, layers.StringLookup, layers.IntegerLookup,
                                      layers.Discretization)) and not _gives_integers(layer):
                    raise ValueError(f"FeatureSpace: feature {key!r} has output_mode='one_hot', "
                                     "so its preprocessor must give integer indices; its "
                                     f"output_mode is {layer.output_mode!r}.")
                depth = _cardinality(layer)
                if depth is None:
                    raise ValueError(
                        f"FeatureSpace: feature {key!r} has output_mode='one_hot', but the size "
                        f"of its preprocessor's output space ({type(layer).__name__}) is not "
                        "known, so it cannot be one-hot encoded; use output_mode='int' (or "
                        "'float' for a layer that encodes its output itself).")
                self.one_hot_encoders[key] = layers.CategoryEncoding(
                    num_tokens=depth, output_mode="multi_hot")
            elif self.output_mode == "concat" and (
                    spec.output_mode == "int" or (key in self.crossers)
                    or (spec.output_mode == "float" and _gives_integers(layer))):
                raise ValueError(
                    f"FeatureSpace: cannot concatenate feature {key!r}: its output_mode "
                    f"{spec.output_mode!r} leaves it as integer indices. Use "
                    "output_mode='one_hot' for it, or FeatureSpace(output_mode='dict').")
        parts = len(self.features) + len(self.crosses)
        self.concat = layers.Concatenate(axis=-1) if (
            self.output_mode == "concat" and parts > 1) else None
        self._encoders_built = True
        self.encoded_features = None
        self.built = True

    def _ready(self) -> None:
        self._check_adapted()
        if not self._encoders_built:
            self._build_encoders()

    # ----- the symbolic graph -----
    def get_inputs(self) -> dict:
        """The dict ``{feature name: Input(shape=(1,), dtype=...)}`` the space is built on:
        the inputs of a functional model over the raw columns.

        Example:
            >>> space = FeatureSpace({"x": "float"})
            >>> space.get_inputs()["x"].shape
            (None, 1)
        """
        self._ready()
        return self.inputs

    def get_encoded_features(self):
        """The encoded features as symbolic tensors, computed from ``get_inputs()``: a tensor
        of shape ``(None, total)`` (``"concat"``) or a dict of them, to build a functional
        model on (``keras.Model(space.get_inputs(), head(space.get_encoded_features()))``).

        Raises:
            ValueError: before ``adapt``, when a feature needs it.

        Example:
            >>> space = FeatureSpace({"x": "float", "y": "float"})
            >>> space.get_encoded_features().shape
            (None, 2)
        """
        self._ready()
        if self.encoded_features is None:
            self.encoded_features = self._encode(dict(self.inputs))
        return self.encoded_features

    # ----- encoding -----
    def _feature_names(self) -> list[str]:
        return sorted(self.features)

    def _cross_names(self) -> list[str]:
        return sorted(self.crosses_by_name)

    def _encode(self, columns: dict):
        """Preprocess, cross, one-hot encode and merge (symbolic tensors or arrays alike)."""
        preprocessed = {key: _typed(self.preprocessors[key](columns[key]),
                                    self.preprocessors[key])
                        for key in self.features}
        crossed = {cross.name: _typed(self.crossers[cross.name](
            [preprocessed[n] for n in cross.feature_names]), self.crossers[cross.name])
            for cross in self.crosses}
        merged = {}
        for key in self._feature_names() + self._cross_names():
            value = preprocessed[key] if key in preprocessed else crossed[key]
            encoder = self.one_hot_encoders.get(key)
            if encoder is not None and isinstance(value, Tensor) and \
                    value.value.dtype.kind not in "iu":
                raise ValueError(
                    f"FeatureSpace: feature {key!r} has output_mode='one_hot', so its "
                    "preprocessor must give integer indices; it gives "
                    f"{value.value.dtype} values. Use output_mode='float' for it.")
            merged[key] = _typed(encoder(value), encoder) if encoder is not None else value
        if self.output_mode == "dict":
            return merged
        parts = list(merged.values())
        return _typed(self.concat(parts), self.concat) if self.concat is not None else parts[0]

    def __call__(self, data, *args, **kwargs):
        """Encode a dict of columns (see the class docstring)."""
        self._ready()
        if not isinstance(data, dict):
            raise ValueError("FeatureSpace: call it on a dict {column name: values}; given "
                             f"{type(data).__name__}.")
        missing = [key for key in self.features if key not in data]
        if missing:
            raise ValueError(f"FeatureSpace: the data has no column for {missing} (columns "
                             f"given: {sorted(data)}).")
        if any(getattr(data[key], "_symbolic", False) for key in self.features):
            if all(data[key] is self.inputs[key] for key in self.features):
                return self.get_encoded_features()
            return self._encode({key: data[key] for key in self.features})
        columns, single = {}, False
        for key, feature in self.features.items():
            value = _column(data[key], feature, key)
            if value.ndim == 0:
                value, single = value.reshape(1, 1), True
            elif value.ndim == 1:
                value = value[:, None]
            columns[key] = value
        out = self._encode(columns)
        if not single:
            return out
        if self.output_mode == "concat":
            return Tensor(out.value[0]) if out.shape[0] == 1 else out
        return {key: Tensor(v.value[0]) if len(v.shape) == 2 and v.shape[0] == 1 else v
                for key, v in out.items()}

    def compute_output_shape(self, input_shape):
        encoded = self.get_encoded_features()
        if isinstance(encoded, dict):
            return {key: tuple(v.shape) for key, v in encoded.items()}
        return tuple(encoded.shape)

    # ----- config -----
    def get_config(self) -> dict:
        """The constructor's arguments: each feature and cross as its serialized config (the
        learned state of ``adapt`` travels only where a layer's config holds it, as the
        vocabulary of a lookup does)."""
        return {"name": self.name,
                "features": {key: feature.get_config() for key, feature in self.features.items()},
                "output_mode": self.output_mode,
                "crosses": [cross.get_config() for cross in self.crosses],
                "crossing_dim": self.crossing_dim, "hashing_dim": self.hashing_dim,
                "num_discretization_bins": self.num_discretization_bins}

    @classmethod
    def from_config(cls, config: dict) -> FeatureSpace:
        """A FeatureSpace from ``get_config()``'s dict (to be adapted again)."""
        return cls(**config)

    def save(self, filepath) -> None:
        """Not available: numnet does not write a FeatureSpace to a ``.keras`` file.

        Raises:
            NotImplementedError: always; keep ``get_config()`` (and adapt again after
                ``from_config``), or save the functional model built on ``get_inputs()``.
        """
        raise NotImplementedError(
            "FeatureSpace.save(filepath): numnet cannot write a FeatureSpace to a .keras file. "
            "Keep feature_space.get_config() and rebuild with FeatureSpace.from_config(config) "
            "followed by adapt(dataset).")
