"""numnet: the Keras API on a small reverse-mode autodiff engine over NumPy (CuPy on a GPU).

    import numnet as keras                  # programs written for keras run unchanged
    import numnet as tf                     # tf.keras.Sequential, tf.nn.softmax, ...
"""

import importlib as _importlib
import importlib.abc as _importlib_abc
import importlib.util as _importlib_util
import sys as _sys

from . import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    data,
    datasets,
    distillation,
    distribution,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    more_losses,  # noqa: F401  (adds Keras 3's newer losses to numnet.losses)
    nn,
    ops,
    optimizers,
    preprocessing,
    regularizers,
    saving,
    strings,
    tf_compat,
    tree,
    utils,
)
from ._version import __version__
from .advice import AdviceWarning  # (registers its checks with the trainer)
from .autodiff import Tensor, Variable
from .autodiff.tape import GradientTape
from .constraints import Constraint
from .dtype_policies import DTypePolicy
from .dtype_policy_map import FloatDTypePolicy
from .initializers import Initializer
from .layers import Input, InputSpec, Layer
from .layers import SymbolicTensor as KerasTensor
from .losses import Loss
from .metrics import Metric
from .models import Model, Sequential
from .operation import Function, Operation
from .optimizers import Optimizer
from .quantizers import Quantizer
from .regularizers import Regularizer
from .scopes import RematScope, StatelessScope, SymbolicScope, device, name_scope, remat


def version() -> str:
    """numnet's version (``keras.version()``)."""
    return __version__

keras = _sys.modules[__name__]
"""``numnet.keras`` is numnet itself, so that ``tf.keras.layers.Dense`` reads as in TensorFlow."""

# Make ``import numnet.keras.layers`` and ``from numnet.keras.models import Sequential`` work.
_sys.modules[__name__ + ".keras"] = keras


class _KerasAlias(_importlib_abc.MetaPathFinder, _importlib_abc.Loader):
    """``numnet.keras.<a>.<b>`` imports as the module ``numnet.<a>.<b>`` itself, never as a
    second copy of its file (whose classes would not be numnet's: an isinstance that fails,
    a SeedGenerator a layer does not track)."""

    prefix = __name__ + ".keras."

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(self.prefix):
            return None
        real = __name__ + "." + fullname[len(self.prefix):]
        try:
            _importlib.import_module(real)
        except ModuleNotFoundError as err:
            if err.name is not None and real.startswith(err.name):
                return None  # not a module of numnet: the import fails as for any name
            raise
        return _importlib_util.spec_from_loader(fullname, self, origin=real)

    own_specs = {}

    def create_module(self, spec):
        module = _sys.modules[spec.origin]
        self.own_specs.setdefault(spec.origin, module.__spec__)
        return module

    def exec_module(self, module):
        # the import set the module's __spec__ to the alias's: give it back its own
        module.__spec__ = self.own_specs[module.__name__]


_sys.meta_path.insert(0, _KerasAlias())
for _name in ("activations", "backend", "callbacks", "config", "constraints", "datasets",
              "initializers", "layers", "losses", "metrics", "mixed_precision", "models", "ops",
              "optimizers", "preprocessing", "regularizers", "saving", "utils"):
    _sys.modules[f"{__name__}.keras.{_name}"] = _sys.modules[f"{__name__}.{_name}"]
for _name in ("boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist",
              "reuters"):
    _sys.modules[f"{__name__}.keras.datasets.{_name}"] = getattr(datasets, _name)
_sys.modules[f"{__name__}.keras.optimizers.schedules"] = optimizers.schedules
for _name in ("image", "sequence", "text"):  # else a second copy of the module is loaded
    _sys.modules[f"{__name__}.keras.preprocessing.{_name}"] = getattr(preprocessing, _name)


# TensorFlow's names around a Keras model (tf.constant, tf.reduce_mean, tf.float32, tf.math,
# tf.random, tf.function, ...), for programs run with ``import numnet as tf``. numnet's own names
# stay; Variable becomes the form that also takes TensorFlow's and Keras 3's arguments.
for _name in tf_compat.__all__:
    if _name not in globals() or _name == "Variable":
        globals()[_name] = getattr(tf_compat, _name)
for _name in ("dtypes", "math"):
    _sys.modules[f"{__name__}.{_name}"] = getattr(tf_compat, _name)
del _name

def _learning_rate_resolver(*args):
    """fit(learning_rate=...): numnet.tools.lr_find's range test, imported when first used."""
    from .tools.lr_find import fit_learning_rate

    return fit_learning_rate(*args)


models.trainer.Trainer.learning_rate_resolver = _learning_rate_resolver

_LAZY_MODULES = ("tools", "distribute", "integrations", "applications", "wrappers")

_INSTEAD = {
    "Session": "numnet runs eagerly, as TensorFlow 2: call the model or the ops directly.",
    "placeholder": "numnet runs eagerly: use numnet.Input(shape=...) for a model's input, or "
                   "pass arrays directly.",
    "compat": "TensorFlow 1's API (tf.compat.v1) has no counterpart: write the TensorFlow 2 / "
              "Keras form.",
    "estimator": "use a Keras model: numnet.Sequential or numnet.Model, then compile and fit.",
    "saved_model": "save with model.save('model.keras') and load with "
                   "numnet.saving.load_model('model.keras').",
    "train": "for checkpoints use numnet.callbacks.ModelCheckpoint or model.save_weights(...); "
             "for optimizers numnet.optimizers.",
    "summary": "numnet.callbacks.TensorBoard writes the logs TensorBoard reads.",
    "image": "prepare images with NumPy (resize, flip) or numnet.layers' preprocessing layers.",
    "io": "read files with NumPy or pandas and pass arrays, or stream them with "
          "numnet.data.Dataset.from_generator.",
    "lite": "numnet has no TensorFlow Lite converter; export the weights with model.save.",
    "export": "numnet writes no TensorFlow SavedModel, ONNX or LiteRT graph: save with "
              "model.save('model.keras'), load the file in Keras and export it there.",
    "feature_column": "use numnet.layers' preprocessing layers (Normalization, ...) or prepare "
                      "the columns with pandas.",
}


def _suggestion(name: str) -> str:
    """What to use instead of the missing ``name``: a namespace that has it, or close names."""
    import difflib

    for space in ("math", "nn", "random", "ops", "data", "layers", "losses", "metrics"):
        if name in getattr(globals()[space], "__all__", ()) or (
                space in ("math", "random") and hasattr(globals()[space], name)):
            return f"Use tf.{space}.{name} (numnet.{space}.{name})."
    names = [n for n in globals() if not n.startswith("_")]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    if close:
        return "Did you mean " + " or ".join(f"numnet.{c}" for c in close) + "?"
    return "See dir(numnet) for the names it has (Keras's, and TensorFlow's around a model)."


def __getattr__(name):
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    if name == "bfloat16":  # ml_dtypes takes seconds to import: only when asked for
        return tf_compat.bfloat16
    if name.startswith("_"):
        raise AttributeError(f"module 'numnet' has no attribute {name!r}")
    hint = _INSTEAD.get(name) or _suggestion(name)
    raise AttributeError(f"module 'numnet' has no attribute {name!r}: numnet does not provide "
                         f"tf.{name} / keras.{name}. {hint}")


__all__ = [
    "AdviceWarning", "Constraint", "DTypePolicy", "FloatDTypePolicy", "Function",
    "GradientTape", "Initializer", "Input", "InputSpec", "KerasTensor", "Layer", "Loss",
    "Metric", "Model", "Operation", "Optimizer", "Quantizer", "Regularizer", "RematScope",
    "Sequential",
    "StatelessScope", "SymbolicScope", "Tensor", "Variable", "device", "name_scope", "remat",
    "activations", "backend", "callbacks", "config", "constraints", "data", "datasets",
    "distillation", "distribution", "initializers",
    "keras", "layers", "losses", "metrics", "mixed_precision", "models", "nn", "ops",
    "optimizers", "preprocessing", "regularizers", "saving", "strings", "utils", "version",
    "tree",
]
