"""Keras 3 ``.keras`` model files, read into numnet models.

``model.save("model.keras")`` in Keras 3 writes a zip of three members::

    config.json         the model as Keras serializes it: {"module", "class_name", "config",
                        "registered_name", "build_config", "compile_config"}, layers nested in
                        the same form, dtype policies as {"class_name": "DTypePolicy", ...}
    metadata.json       {"keras_version", "date_saved"}
    model.weights.h5    the weights in the layout of Keras's ``.weights.h5`` (keras_h5.py)

Reading goes through the checks of numnet's own files: the zip is opened by the same checked
reader (member names on an allow-list, sizes within ``max_bytes``, CRC-32), config.json is parsed
as JSON within the same limits, and each class name is resolved only among numnet's own layers,
initializers, regularizers, constraints, losses, metrics and optimizers, or in
``custom_objects`` and the registry. The ``module`` a file names is never imported: an object
from a module that is not Keras's must be registered or given in ``custom_objects``, and
Python code stored in a file (a ``Lambda`` layer's bytecode) is refused.

Keras's configs are mapped onto numnet's: a dtype policy becomes its name, ``batch_shape``
becomes ``shape`` and ``batch_size``, and settings that numnet lacks are dropped when they hold
the value that leaves the computation as it is (``lora_rank=None``, ``renorm=False``, ...); any
other setting that numnet lacks is refused with ModelFileError naming the layer and the key.
The layers that a layer holds (an RNN's ``cell``, a wrapper's ``layer``, ``forward_layer`` and
``backward_layer``) are checked and mapped as the model's own layers are. A custom layer that
Keras wrote with its registered name (``"module": None, "registered_name": "package>Name"``) is
found by that name in ``custom_objects`` or the registry; the layers that Keras defines for its
application models (``module`` ``keras.src.applications.*``: ConvNeXt's ``LayerScale``,
InceptionResNetV2's ``CustomScaleLayer``) are numnet.applications' own, registered as
``keras.applications>Name``. A functional graph's operations
(``x + 1.0``, ``ops.mean(x, axis=-1)``, ``x[:, 0]``: entries of a module ``keras.src.ops.*``)
become numnet's op nodes for those in ``KERAS_OPS`` (keras_ops.py), the settings of their
config and their call's arguments each given to its parameter of numnet's op; any other
operation, or a setting that numnet's op lacks, is refused naming it; a call of several arguments
(``mha(query, value)``) or with tensors among its keyword arguments is rebuilt as it was made.
The weights (``model.weights.h5``, read into memory within ``max_bytes``) need h5py: pip
install 'numnet[h5]'. The compile settings are kept where numnet knows them (a model whose
``compile_from_config`` is its own gets the compile config as it is); the optimizer's state
(its step and slots, in Keras's order: keras_writer.KERAS_SLOTS) is restored, so training goes
on where it stopped. A registered subclassed model is built by its ``from_config`` and built
from its build config; the weights of a subclassed model, of a layer of one's own that holds
layers or of a layer with hooks of its own are read where Keras's walk puts them, each by the
object's ``load_own_variables``, and ``load_assets`` gets the ``assets/<path>/`` files (member
names on an allow-list: state.py).

Why one file of about 750 lines: one reader of one format: the config's mapping to numnet's
layers and its checks belong together.
"""

from __future__ import annotations

import inspect
import io
import re
import warnings

import numpy as np

from .. import constraints, initializers, optimizers, regularizers
from ..layers.base import _LAYER_KWARGS, InputLayer, Layer
from . import keras_h5, keras_ops, objects, schema, state
from .archive import Archive
from .errors import ModelFileError
from .json_text import parse_json
from .loader import QUANTIZED_POLICY, Loader, deserialize_compile, deserialize_model

MEMBERS = ("config.json", "metadata.json", "model.weights.h5")
WEIGHTS = "model.weights.h5"
MODELS = ("Sequential", "Functional")
DTYPE_POLICY_CLASSES = ("DTypePolicy", "FloatDTypePolicy")
QUANTIZED_POLICY_CLASSES = ("QuantizedDTypePolicy", "Int4DTypePolicy", "QuantizedFloat8DTypePolicy")
"""The policies of quantized layers (int8, int4, float8 with the default history of 1024) that
numnet reads (numnet.layers.quantization); Keras's GPTQ and AWQ policies are refused."""

ANY = object()
HARMLESS = {
    "lora_rank": (None,), "lora_alpha": (None,), "quantization_config": (None,),
    "input_axes": (None,), "output_axes": (None,),
    "synchronized": (False, True), "renorm": (False,), "renorm_clipping": (None,),
    "renorm_momentum": ANY,
    "sparse": (False,), "ragged": (False,), "optional": (False,),
    "ignore_class": (None,),
    "vocabulary_size": ANY, "oov_method": ("floormod",), "salt": (None,),
}
"""Keras settings that numnet lacks, and the values with which they change nothing (a layer
without LoRA or quantization, batch normalization without renormalization, a dense input; a
lookup's vocabulary_size, which only reports the size of the vocabulary it is given)."""

HELD_LAYERS = keras_ops.HELD_LAYERS

KERAS_OPS = keras_ops.READS
"""The operations of Keras 3's functional graphs (entries of module ``keras.src.ops.*``) that
numnet reads, and numnet's op for each (keras_ops.py): the settings of the op's config and the
call's arguments become numnet's call of that op."""

NUMPY_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                "uint64", "float16", "float32", "float64")
"""The dtypes of the arrays (``__numpy__``) that a call's arguments may hold."""

_OBJECT_KEYS = {"module", "class_name", "config", "registered_name", "build_config",
                "shared_object_id"}
_HISTORY = [schema.OneOf(str, schema.NON_NEGATIVE)]
_REFERENCES = [schema.OneOf(str, schema.NON_NEGATIVE, _HISTORY)]


ASSET_NAME = r"assets(?:/[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}){1,16}"
"""The names of the files that layers' save_assets wrote, which a .keras file holds: relative
paths under assets/ whose parts do not begin with a dot (so no ``..``)."""


class ArchiveOfEither(Archive):
    """A zip holding numnet's members or those of a Keras ``.keras`` file."""

    names = re.compile(f"{Archive.names.pattern}|model\\.weights\\.h5|{ASSET_NAME}")


def is_keras_file(ar: Archive) -> bool:
    """A Keras file holds its weights in model.weights.h5; one that lacks them is still known
    by its metadata.json (keras_version), so that the error says what is missing."""
    if WEIGHTS in ar.members:
        return True
    if "metadata.json" not in ar.members or "config.json" not in ar.members:
        return False
    source = f"{ar.path}: metadata.json"
    metadata = parse_json(ar.read_bytes("metadata.json", 1 << 20), source)
    return isinstance(metadata, dict) and "keras_version" in metadata


class Unsupported(ModelFileError):
    """A setting or class of Keras's own that numnet does not have."""


def _at(where: str, key) -> str:
    return f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}"


def _is_op(spec) -> bool:
    """Whether a functional config's entry is one of Keras's operations, not a layer."""
    module = spec.get("module") if isinstance(spec, dict) else None
    return isinstance(module, str) and module.startswith(("keras.src.ops.", "keras.ops"))


def _default_quantization(value) -> bool:
    """Whether a layer's quantization_config is Keras's default for its mode (an int8 config
    with the default input quantizer, an int4 one with none), which the policy implies."""
    if not isinstance(value, dict):
        return False
    name, config = value.get("class_name"), value.get("config") or {}
    activation = config.get("activation_quantizer")
    if config.get("weight_quantizer") is not None:
        return False
    if name == "Int4QuantizationConfig":
        return activation is None
    if name == "Float8QuantizationConfig":
        return True
    if name != "Int8QuantizationConfig" or not isinstance(activation, dict):
        return False
    inner = activation.get("config") or {}
    return (activation.get("class_name") == "AbsMaxQuantizer"
            and list(inner.get("value_range", [-127, 127])) == [-127, 127]
            and inner.get("output_dtype", "int8") == "int8" and inner.get("axis") is None)


def _one_number(value) -> bool:
    """A loss weight of a model of one output: a number, or a list or dict of one."""
    if isinstance(value, (list, dict)):
        if len(value) != 1:
            return False
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(value, allowed) -> bool:
    return allowed is ANY or any(type(value) is type(v) and value == v for v in allowed)


def _parameters(cls: type) -> set:
    """The keyword arguments ``cls`` takes, through the ``**kwargs`` its constructors pass on."""
    names = set(_LAYER_KWARGS) if issubclass(cls, Layer) else set()
    if hasattr(cls, "_cell_arguments"):  # SimpleRNN, LSTM, GRU take their cell's arguments
        names |= cls._cell_arguments()
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None or klass is object:
            continue
        params = inspect.signature(init).parameters.values()
        names |= {p.name for p in params
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"}
        if not any(p.kind is p.VAR_KEYWORD for p in params) or klass is Layer:
            break
    return names


def _family(module) -> str | None:
    """'layers' for 'keras.layers' or 'keras.src.layers.core.dense', '' for 'keras'; None for a
    module that is not Keras's."""
    if module is None:
        return ""
    if not isinstance(module, str) or not (module == "keras" or module.startswith("keras.")):
        return None
    parts = module.split(".")[1:]
    if parts[:1] == ["src"]:
        parts = parts[1:]
    if parts[:2] == ["optimizers", "schedules"]:
        return "schedules"
    return parts[0] if parts else ""


def _tables() -> dict:
    return {
        "layers": ("layer", objects.builtin_layers(), True),
        "initializers": ("initializer", objects._subclasses(
            vars(initializers), initializers.Initializer), True),
        "regularizers": ("regularizer", objects._subclasses(
            vars(regularizers), regularizers.Regularizer), True),
        "constraints": ("constraint", objects._subclasses(
            vars(constraints), constraints.Constraint), True),
        "optimizers": ("optimizer", objects.builtin_optimizers(), True),
        "schedules": ("learning-rate schedule", objects.builtin_schedules(), True),
        "losses": ("loss", objects.builtin_losses(), False),
        "metrics": ("metric", objects.builtin_metrics(), False),
    }


class Translator:
    """Keras's serialized objects, checked, as numnet's {"class_name", "config"} specs."""

    def __init__(self, loader: Loader):
        self.loader = loader
        self.tables = _tables()
        self._accepted: dict = {}

    def fail(self, where: str, message: str) -> ModelFileError:
        return self.loader.fail(where, message)

    def check_keys(self, spec, where: str, extra=()) -> None:
        schema.check(spec, schema.ANY_DICT, where, self.loader.source)
        for key in ("class_name", "config"):
            if key not in spec:
                raise self.fail(where, f"lacks the field {key!r}")
        schema.check(spec["class_name"], str, _at(where, "class_name"), self.loader.source)
        if "build_config" in spec:
            schema.check(spec["build_config"], schema.OneOf(None, schema.ANY_DICT),
                         _at(where, "build_config"), self.loader.source)
        unexpected = sorted(set(spec) - _OBJECT_KEYS - set(extra))
        if unexpected:
            raise self.fail(where, f"has an unexpected field {unexpected[0]!r}")

    def own_name(self, spec, where: str) -> tuple[str, str | None]:
        """(the name to resolve, Keras's family of it); an object from a module that is not
        Keras's is accepted only if it is registered or given in custom_objects."""
        module, name = spec.get("module"), spec["class_name"]
        registered = spec.get("registered_name")
        family = _family(module)
        custom = isinstance(registered, str) and ">" in registered  # Keras's "package>Name"
        if family is not None and not custom:
            return name, family
        for candidate in (registered, name):
            if isinstance(candidate, str) and self.loader.lookup(candidate) is not None:
                return candidate, None
        raise self.fail(where, (
            f"{name!r} from the module {module!r} is neither one of Keras's own classes nor "
            "registered; numnet never imports a module that a file names. Register the class "
            "with @numnet.saving.register_serializable() or pass "
            f"custom_objects={{{(registered if isinstance(registered, str) else name)!r}: ...}}"))

    # ----- models and layers -----
    def model(self, spec, where: str, extra=("compile_config",)) -> dict:
        self.check_keys(spec, where, extra)
        name, family = self.own_name(spec, where)
        config = spec["config"]
        at = _at(where, "config")
        schema.check(config, schema.ANY_DICT, at, self.loader.source)
        if family is not None and name in MODELS and self.loader.lookup(name) is None:
            if "dtype" in config:
                self.dtype_policy(config["dtype"], _at(at, "dtype"))  # each layer has its own
            if name == "Sequential":
                return self.sequential(spec, config, at)
            return self.functional(config, at)
        own = {"class_name": name, "config": self.config(config, at, None, name)}
        shape = (spec.get("build_config") or {}).get("input_shape")
        if shape is not None:
            own["build_input_shape"] = shape
        return own

    def sequential(self, spec, config: dict, where: str) -> dict:
        schema.check(config, {"name": schema.OneOf(None, str), schema.Opt("trainable"): bool,
                              schema.Opt("dtype"): schema.OneOf(None, str, schema.ANY_DICT),
                              "layers": [schema.ANY_DICT],
                              schema.Opt("build_input_shape"): schema.OneOf(
                                  None, [schema.OneOf(None, schema.POSITIVE)])},
                     where, self.loader.source)
        parts = [self.layer(s, _at(_at(where, "layers"), i))
                 for i, s in enumerate(config["layers"])]
        shape = config.get("build_input_shape") or (spec.get("build_config") or {}).get(
            "input_shape")
        if shape and (not parts or parts[0]["class_name"] != "InputLayer"):
            schema.check(shape, [schema.OneOf(None, schema.POSITIVE)],
                         _at(where, "build_input_shape"), self.loader.source)
            parts.insert(0, {"class_name": "InputLayer",
                             "config": {"shape": shape[1:], "batch_size": shape[0]}})
        return {"class_name": "Sequential",
                "config": {"name": config["name"], "trainable": config.get("trainable", True),
                           "layers": parts}}

    def functional(self, config: dict, where: str) -> dict:
        schema.check(config, {"name": schema.OneOf(None, str), schema.Opt("trainable"): bool,
                              schema.Opt("dtype"): schema.OneOf(None, str, schema.ANY_DICT),
                              "layers": [schema.ANY_DICT],
                              "input_layers": schema.OneOf(_REFERENCES, schema.ANY_DICT),
                              "output_layers": schema.OneOf(_REFERENCES, schema.ANY_DICT,
                                                            [schema.OneOf(_HISTORY,
                                                                          [_HISTORY])])},
                     where, self.loader.source)
        entries = []
        for i, entry in enumerate(config["layers"]):
            at = _at(_at(where, "layers"), i)
            if _is_op(entry):
                own = self.op(entry, at)
            else:
                own = self.layer(entry, at, extra=("name", "inbound_nodes"))
            for key in ("name", "inbound_nodes"):
                if key not in entry:
                    raise self.fail(at, f"lacks the field {key!r}")
            nodes = entry["inbound_nodes"]
            settings = own.pop("settings", None)
            if isinstance(nodes, list) and settings is not None:
                nodes = [self.op_node(own["config"]["function"], settings, node,
                                      _at(_at(at, "inbound_nodes"), k))
                         for k, node in enumerate(nodes)]
            elif isinstance(nodes, list):
                nodes = [self.node(node, _at(_at(at, "inbound_nodes"), k))
                         for k, node in enumerate(nodes)]
            entries.append({**own, "name": entry["name"], "inbound_nodes": nodes})
        outputs = config["output_layers"]
        return {"class_name": "Functional",
                "config": {"name": config["name"], "trainable": config.get("trainable", True),
                           "layers": entries,
                           "input_layers": self.histories(config["input_layers"]),
                           "output_layers": self.histories(outputs)}}

    def op(self, spec, where: str) -> dict:
        """One of Keras's operations (``x + 1.0`` on a KerasTensor) as numnet's OpLayer; its
        settings (the config less its name) under ``settings``, for ``op_node``."""
        self.check_keys(spec, where, ("name", "inbound_nodes"))
        name = spec["class_name"]
        function = KERAS_OPS.get(name)
        if function is None:
            raise Unsupported(
                f"{self.loader.source}: {where}: the operation {name!r} ({spec['module']}) is "
                "not one numnet reads from a .keras file (numnet.saving.keras_file.KERAS_OPS "
                "lists those it reads); build the model in numnet and save it as .numnet")
        config = spec["config"]
        schema.check(config, schema.ANY_DICT, _at(where, "config"), self.loader.source)
        schema.check(config.get("name"), str, _at(_at(where, "config"), "name"),
                     self.loader.source)
        settings = {k: self.setting(v, _at(_at(where, "config"), k))
                    for k, v in config.items() if k != "name"}
        allowed = keras_ops.KERAS_OPS[function].config
        unknown = sorted(set(settings) - set(allowed))
        if unknown:
            raise Unsupported(
                f"{self.loader.source}: {_at(where, 'config')}: the operation {name!r} has a "
                f"setting {unknown[0]!r} that numnet's op {function!r} lacks (it takes "
                f"{list(allowed)}); rebuild the model in numnet without it")
        return {"class_name": "OpLayer", "config": {"name": config["name"],
                                                    "function": function},
                "settings": settings}

    def setting(self, value, where: str, depth: int = 0):
        """A setting of an op's config in numnet's form: a list as a tuple (``axis=[1, 2]``
        is numnet's ``axis=(1, 2)``); only numbers, strings, None and lists of them."""
        if depth > 16:
            raise self.fail(where, "a setting nested over 16 deep")
        if isinstance(value, list):
            return {"__tuple__": [self.setting(v, _at(where, i), depth + 1)
                                  for i, v in enumerate(value)]}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise self.fail(where, f"an op's setting is a number, a string or a list of them; "
                               f"found {type(value).__name__}")

    def op_node(self, function: str, settings: dict, node, where: str) -> dict:
        """A call of an op in numnet's form: Keras's arguments and the op's settings, each at
        its parameter of numnet's op (``mean(x, axis=..., keepdims=...)``)."""
        schema.check(node, schema.ANY_DICT, where, self.loader.source)
        if not isinstance(node.get("args"), list) or not isinstance(node.get("kwargs"), dict):
            raise self.fail(where, "expected a call: {\"args\": [...], \"kwargs\": {...}}")
        tensors: list = []
        args = [self.argument(a, _at(_at(where, "args"), i), tensors)
                for i, a in enumerate(node["args"])]
        kwargs = {k: self.argument(v, _at(_at(where, "kwargs"), k), tensors)
                  for k, v in node["kwargs"].items()}
        if function == "__getitem__":
            if len(args) != 2 or kwargs:
                raise self.fail(where, "x[key] is a call on two arguments, x and the key")
            if isinstance(args[1], list):
                args[1] = {"__tuple__": args[1]}  # Keras writes x[a, b]'s key as a list
        else:
            try:
                args, kwargs = keras_ops.join_call(function, _op(function), args, kwargs,
                                                   settings)
            except ValueError as err:
                raise self.fail(where, str(err)) from None
        if not tensors:
            raise self.fail(where, "a call on no tensor; a graph's calls read tensors")
        return {"args": [tensors], "kwargs": {},
                "numnet_call": {"args": {"__tuple__": args},
                                "kwargs": {"__dict__": kwargs}}}

    def node(self, node, where: str):
        """A call of a layer or op, less the keyword arguments that Keras records and that
        change nothing (``mask=None``, and ``training``, which the model's own mode
        overrides). A call on several arguments (``mha(query, value)``, ``x + 1.0``) or with
        tensors among its keyword arguments becomes numnet's form: its tensors listed in
        ``args``, and ``numnet_call`` rebuilding the call from them."""
        if not isinstance(node, dict) or not isinstance(node.get("kwargs"), dict):
            return node
        kwargs = {k: v for k, v in node["kwargs"].items()
                  if not (k == "mask" and v is None or k == "training"
                          and isinstance(v, bool))}
        args = node.get("args")
        if not isinstance(args, list) or len(args) == 1 and not kwargs and (
                _is_tensor(args[0]) or isinstance(args[0], list)
                and all(_is_tensor(t) for t in args[0])):
            return {**node, "kwargs": kwargs}
        tensors: list = []
        call_args = [self.argument(a, _at(_at(where, "args"), i), tensors)
                     for i, a in enumerate(args)]
        call_kwargs = {k: self.argument(v, _at(_at(where, "kwargs"), k), tensors)
                       for k, v in kwargs.items()}
        if not tensors:
            raise self.fail(where, "a call on no tensor; a graph's calls read tensors")
        return {"args": [tensors], "kwargs": {},
                "numnet_call": {"args": {"__tuple__": call_args},
                                "kwargs": {"__dict__": call_kwargs}}}

    def argument(self, value, where: str, tensors: list, depth: int = 0):
        """A call's argument in numnet's form; each tensor appended to ``tensors``."""
        if depth > 16:
            raise self.fail(where, "arguments nested over 16 deep")
        if isinstance(value, dict):
            kind = value.get("class_name")
            if kind == "__keras_tensor__":
                tensors.append(value)
                return {"__tensor__": len(tensors) - 1}
            if kind == "__slice__":
                schema.check(value.get("config"), schema.ANY_DICT, _at(where, "config"),
                             self.loader.source)
                return {"__slice__": [self.argument(value["config"].get(k), _at(where, k),
                                                    tensors, depth + 1)
                                      for k in ("start", "stop", "step")]}
            if kind == "__ellipsis__":
                return {"__ellipsis__": True}
            if kind == "__numpy__":
                return self.array(value, where)
            if "class_name" in value:
                raise Unsupported(f"{self.loader.source}: {where}: a call's argument "
                                  f"{str(kind)[:40]!r} is not one numnet reads (tensors, "
                                  "numbers, strings, lists, slices)")
            return {"__dict__": {k: self.argument(v, _at(where, k), tensors, depth + 1)
                                 for k, v in value.items()}}
        if isinstance(value, list):
            return [self.argument(v, _at(where, i), tensors, depth + 1)
                    for i, v in enumerate(value)]
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise self.fail(where, f"unexpected {type(value).__name__}")

    def array(self, value, where: str) -> dict:
        """An array among a call's arguments (``ops.matmul(x, w)`` with w a NumPy array):
        numeric, of a known dtype, rectangular."""
        config = value.get("config")
        schema.check(config, schema.ANY_DICT, _at(where, "config"), self.loader.source)
        schema.check(config.get("dtype"), str, _at(_at(where, "config"), "dtype"),
                     self.loader.source)
        if "value" not in config:
            raise self.fail(_at(where, "config"), "lacks the field 'value'")
        if config["dtype"] not in NUMPY_DTYPES:
            raise self.fail(_at(_at(where, "config"), "dtype"),
                            f"expected one of {list(NUMPY_DTYPES)}, found {config['dtype']!r}")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                array = np.asarray(config["value"], dtype=config["dtype"])
        except (ValueError, TypeError, OverflowError, Warning) as err:
            raise self.fail(_at(_at(where, "config"), "value"),
                            f"not a rectangular array of {config['dtype']} ({err})") from None
        return {"__array__": array.tolist(), "dtype": array.dtype.name}

    @staticmethod
    def histories(value):
        """Keras writes one tensor reference as [name, node, index], several as a list."""
        if isinstance(value, list) and schema.matches(value, _HISTORY) and len(value) == 3 \
                and isinstance(value[0], str):
            return [value]
        return value

    def layer(self, spec, where: str, extra=()) -> dict:
        if isinstance(spec, dict) and spec.get("class_name") in MODELS \
                and self.loader.lookup(spec["class_name"]) is None:
            return self.model(spec, where, (*extra, "compile_config"))  # a nested model
        self.check_keys(spec, where, extra)
        name, family = self.own_name(spec, where)
        if name == "Lambda" and self.loader.lookup(name) is None:
            spec = {**spec, "config": self.lambda_config(spec.get("config"), where)}
        if family == "applications":  # a layer of Keras's application models: numnet's twin
            name = f"{objects.APPLICATIONS}>{name}"
        cls = self.loader.resolve_class(name, self.tables["layers"][1], Layer, "layer", where)
        config = spec["config"]
        at = _at(where, "config")
        schema.check(config, schema.ANY_DICT, at, self.loader.source)
        if cls is InputLayer and "batch_shape" in config:
            config = dict(config)
            shape = config.pop("batch_shape")
            schema.check(shape, [schema.OneOf(None, schema.POSITIVE)], _at(at, "batch_shape"),
                         self.loader.source)
            if not shape:
                raise self.fail(_at(at, "batch_shape"), "expected (batch, features...), found []")
            config["shape"], config["batch_size"] = shape[1:], shape[0]
        sparse = cls is InputLayer and config.get("sparse") is True
        if sparse:  # (numnet's InputLayer takes it through **kwargs: computed on densely)
            config = {key: value for key, value in config.items() if key != "sparse"}
        own = cls if family is not None and self.loader.lookup(spec["class_name"]) is None \
            else None
        label = config.get("name", name)
        if own is None:  # a class of one's own: Keras's harmless settings that it lacks go
            return {"class_name": name, "config": self.config(
                config, at, cls, f"layer {label!r} ({name})", closed=False)}
        out = {"class_name": name,
               "config": self.config(config, at, own, f"layer {label!r} ({name})")}
        if sparse:
            out["config"]["sparse"] = True
        return out

    def lambda_config(self, config, where: str) -> dict:
        """A Lambda's config with its function (and output_shape) given by registered name,
        as Keras writes a registered function; the bytecode Keras writes for a Python lambda
        is refused: numnet never runs code from a file."""
        schema.check(config, schema.ANY_DICT, _at(where, "config"), self.loader.source)
        out = dict(config)
        for key in ("function", "output_shape"):
            value = out.get(key)
            if not isinstance(value, dict):
                continue
            if value.get("class_name") != "function" or not isinstance(value.get("config"), str):
                raise self.fail(_at(where, f"config.{key}"), (
                    "a Lambda layer holds Python code, and numnet never runs code from a file. "
                    "Register the function with @numnet.saving.register_serializable() (Keras "
                    "then writes its name), or write it as a layer of its own"))
            found = self.loader.lookup(value["config"])
            if not callable(found):
                raise self.fail(_at(where, f"config.{key}"), (
                    f"the Lambda's {key} {value['config']!r} is not registered in this program; "
                    "register it with @numnet.saving.register_serializable() (under the same "
                    "package and name) before loading, or pass it in custom_objects"))
            out[key] = found
        if not callable(out.get("function")):
            raise self.fail(_at(where, "config.function"),
                            "expected the Lambda's function as Keras writes a registered one")
        return out

    # ----- configs and the objects in them -----
    def config(self, config, where: str, cls: type | None, owner: str, closed: bool = True):
        """Each value translated; a key that numnet's ``cls`` lacks dropped if it is harmless,
        else refused (or, for an open-ended class such as a loss, left to its constructor)."""
        schema.check(config, schema.ANY_DICT, where, self.loader.source)
        accepted = None
        if cls is not None:
            accepted = self._accepted.get(cls)
            if accepted is None:
                accepted = self._accepted[cls] = _parameters(cls)
        out = {}
        for key, value in config.items():
            at = _at(where, key)
            if key in HELD_LAYERS and isinstance(value, dict) and cls is not None \
                    and issubclass(cls, Layer):
                value = self.layer(value, at)  # checked as the model's own layers are
            else:
                value = self.value(value, at)
            if accepted is not None and key not in accepted:
                if key in HARMLESS and _same(value, HARMLESS[key]):
                    continue
                if key == "quantization_config" and _default_quantization(value):
                    continue  # what the layer's quantized policy implies
                if closed:
                    raise Unsupported(
                        f"{self.loader.source}: {at}: {owner}: Keras's setting {key}={value!r} "
                        f"changes the computation, and numnet's {cls.__name__} has no such "
                        "setting; rebuild the model in numnet without it")
            out[key] = value
        return out

    def value(self, value, where: str):
        if isinstance(value, dict):
            if "class_name" in value:
                return self.object(value, where)
            return {k: self.value(v, _at(where, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, _at(where, i)) for i, v in enumerate(value)]
        return value

    def object(self, spec, where: str):
        name = spec["class_name"]
        if name == "__lambda__" or (name == "function" and not isinstance(spec.get("config"),
                                                                          str)):
            raise self.fail(where, "holds Python code (a lambda's bytecode), and numnet never "
                                   "runs code from a file; define the function with def and "
                                   "register it with @numnet.saving.register_serializable()")
        self.check_keys(spec, where)
        if name == "function":  # a custom function, by its registered name: resolved by name
            registered = spec.get("registered_name")
            by = registered if isinstance(registered, str) and registered != "function" \
                else spec["config"]  # (Keras's "function": a function by its plain name)
            return {"class_name": "function", "config": by}
        own, family = self.own_name(spec, where)
        if family == "" and name in DTYPE_POLICY_CLASSES:
            return self.dtype_policy(spec, where)
        if family == "dtype_policies" and name in QUANTIZED_POLICY_CLASSES:
            return self.quantized_policy(spec, where)
        at = _at(where, "config")
        if family is None or self.loader.lookup(own) is not None or family not in self.tables:
            return {"class_name": own, "config": self.config(spec["config"], at, None, own)}
        kind, table, closed = self.tables[family]
        cls = table.get(name)
        if cls is None:
            raise Unsupported(f"{self.loader.source}: {where}: unknown {kind} {name!r}; numnet's "
                              f"{kind}s are {sorted(table)}")
        return {"class_name": name,
                "config": self.config(spec["config"], at, cls, f"{kind} {name}", closed)}

    def dtype_policy(self, spec, where: str):
        """A dtype policy's name ('float32', 'mixed_float16'), checked."""
        if spec is None or isinstance(spec, str):
            return spec
        self.check_keys(spec, where)
        if spec["class_name"] not in DTYPE_POLICY_CLASSES or _family(spec.get("module")) != "":
            raise Unsupported(f"{self.loader.source}: {where}: the dtype policy "
                              f"{spec['class_name']!r} (quantized weights?) is not one numnet "
                              f"has; numnet's are {list(objects.DTYPE_POLICIES)}")
        schema.check(spec["config"], {"name": schema.Const(*objects.DTYPE_POLICIES)},
                     _at(where, "config"), self.loader.source)
        return spec["config"]["name"]

    def quantized_policy(self, spec, where: str) -> str:
        """A quantized layer's policy ("int8_from_float32", "int4/128_from_float32"), checked."""
        self.check_keys(spec, where)
        config = spec["config"]
        schema.check(config, {"mode": str, schema.Opt("source_name"): schema.OneOf(
            None, schema.Const(*objects.DTYPE_POLICIES)),
            schema.Opt("amax_history_length"): schema.Const(1024)}, _at(where, "config"),
            self.loader.source)
        name = f"{config['mode']}_from_{config.get('source_name') or 'float32'}"
        if not QUANTIZED_POLICY.regex.fullmatch(name):
            raise Unsupported(f"{self.loader.source}: {where}: the quantization mode "
                              f"{config['mode']!r} is not one numnet implements (int8, int4, "
                              "float8)")
        return name

    # ----- compile settings -----
    def compile_settings(self, spec, where: str = "compile_config",
                         several: bool = False) -> dict:
        """numnet's compile section; Unsupported for what numnet does not know. A model of
        ``several`` outputs may have a loss, loss weight and metrics per output."""
        schema.check(spec, schema.ANY_DICT, where, self.loader.source)
        known = {"optimizer", "loss", "loss_weights", "metrics", "weighted_metrics",
                 "run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss"}
        unknown = sorted(set(spec) - known)
        if unknown:
            raise Unsupported(f"{where}.{unknown[0]}: not a setting numnet knows")
        weights = spec.get("loss_weights")
        if weights is not None and not (several and isinstance(weights, (list, dict))) and not (
                not several and _one_number(weights)):
            raise Unsupported(f"{where}.loss_weights={weights!r}")
        optimizer = spec.get("optimizer")
        if isinstance(optimizer, str):
            try:
                optimizer = {"class_name": type(optimizers.get(optimizer)).__name__,
                             "config": {}}
            except ValueError:
                raise Unsupported(f"{where}.optimizer: unknown optimizer {optimizer!r}") \
                    from None
        elif isinstance(optimizer, dict) and "class_name" in optimizer:
            optimizer = self.object(optimizer, _at(where, "optimizer"))
        else:
            raise Unsupported(f"{where}.optimizer: {optimizer!r}")
        loss = spec.get("loss")
        if not several and (isinstance(loss, (list, tuple))
                            or isinstance(loss, dict) and "class_name" not in loss):
            if len(loss) != 1:  # (one output: Keras also writes a list or dict of one)
                raise Unsupported(f"{where}.loss: a loss per output ({loss!r})")
            loss = next(iter(loss.values())) if isinstance(loss, dict) else loss[0]
        out = {"optimizer": optimizer, "loss": self.value(loss, _at(where, "loss")),
               "metrics": self.metrics(spec.get("metrics"), _at(where, "metrics"), several)}
        if spec.get("weighted_metrics") is not None:
            out["weighted_metrics"] = self.metrics(spec["weighted_metrics"],
                                                   _at(where, "weighted_metrics"), several)
        if weights is not None:
            out["loss_weights"] = weights
        for key in ("run_eagerly", "jit_compile"):
            if key in spec:
                out[key] = spec[key]
        return out

    def metrics(self, value, where: str, several: bool = False):
        if value is None:
            return []
        if several and isinstance(value, (list, dict)):  # per output: checked by compile
            return self.value(value, where)
        if isinstance(value, dict) and len(value) == 1 and "class_name" not in value:
            value = next(iter(value.values()))  # one output's metrics, by its name
            value = value if isinstance(value, list) else [value]
        elif isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
            value = value[0]  # [[...]]: the one output's list
        if not isinstance(value, list) or any(
                not (isinstance(m, str) or isinstance(m, dict) and "class_name" in m)
                for m in value):
            raise Unsupported(f"{where}: metrics per output ({value!r})")
        return [self.value(m, _at(where, i)) for i, m in enumerate(value)]


def _is_tensor(value) -> bool:
    return isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"


def _op(function: str):
    """numnet's public op ``function`` (for its signature)."""
    from .. import ops  # noqa: F401  (registers the public ops)
    from ..autodiff import symbolic

    op = symbolic.lookup(function)
    if op is None:
        op = getattr(ops, function)
    return op


def weight_keys(model, spec, source: str) -> list:
    """[(layer, key)]: where Keras put each layer's weights (``/layers/<key>/vars``), by the
    snake case of its class name with a counter per class, in the order of the config."""
    keys = []

    def walk(model, spec, prefix):
        used: dict[str, int] = {}
        by_name: dict = {}
        for layer in model.layers:
            by_name.setdefault(layer.name, layer)
        for entry in spec["config"]["layers"]:
            if _is_op(entry):
                continue  # an operation: no weights, not counted
            key = keras_h5.keras_key(entry["class_name"])
            used[key] = used.get(key, -1) + 1
            key = key if used[key] == 0 else f"{key}_{used[key]}"
            if entry["class_name"] == "InputLayer":
                continue
            name = entry.get("name") or entry["config"].get("name")
            layer = by_name.get(name) if isinstance(name, str) else None
            if layer is None:
                raise ModelFileError(f"{source}: the model has no layer {name!r} to take the "
                                     f"weights at /layers/{prefix}{key}")
            if entry["class_name"] in MODELS and isinstance(layer, objects.model_class()):
                walk(layer, entry, f"{prefix}{key}/layers/")
            else:
                keys.append((layer, prefix + key))

    if spec["class_name"] in MODELS and _family(spec.get("module")) is not None:
        walk(model, spec, "")
        return keys
    return keras_h5._keys(model)


def _check_metadata(ar: Archive) -> None:
    if "metadata.json" not in ar.members:
        return
    source = f"{ar.path}: metadata.json"
    metadata = parse_json(ar.read_bytes("metadata.json", 1 << 20), source)
    schema.check(metadata, schema.ANY_DICT, "", source)
    version = metadata.get("keras_version")
    major = re.match(r"(\d{1,9})\.", version) if isinstance(version, str) else None
    if isinstance(version, str) and major is None and re.match(r"\d{10}", version):
        raise ModelFileError(f"{source}: keras_version: {version[:20]}... is not a version")
    if major is not None and int(major.group(1)) > 3:
        raise ModelFileError(f"{source}: written by Keras {version[:20]}; numnet reads the "
                             ".keras files of Keras 3")


def load_model(ar: Archive, custom_objects=None, compile: bool = True):
    """The model in the Keras 3 file ``ar``: architecture, weights and, where numnet knows
    them, compile settings (a warning names what was left out) and the optimizer's state."""
    from ..notices import AdviceWarning
    for member in ar.members:
        if member not in MEMBERS and not re.fullmatch(ASSET_NAME, member):
            raise ar.fail(member, f"unexpected member; a Keras model file holds only {MEMBERS}")
    if "config.json" not in ar.members:
        raise ar.fail("config.json", "missing: the file is truncated or not a Keras model file")
    if WEIGHTS not in ar.members:
        raise ar.fail(WEIGHTS, "missing: a Keras .keras file holds its weights in this member, "
                               "and this one lacks it (truncated, or written without them?). "
                               "Save the model again with model.save('name.keras')")
    keras_h5._h5py()  # before anything is built: the weights need it
    source = f"{ar.path}: config.json"
    spec = parse_json(ar.read_bytes("config.json"), source)
    _check_metadata(ar)
    loader = Loader(source, custom_objects, ar.real_size(WEIGHTS), f"the size of {WEIGHTS}")
    translate = Translator(loader)
    try:
        own = translate.model(spec, "model")
        model = deserialize_model(own, loader, "model")
    finally:
        loader.release()
    data = ar.read_bytes(WEIGHTS, ar.max_bytes)
    from . import keras_writer

    def layers_of(m):
        return keras_writer.keras_layers_of(m, ".keras")

    at = f"{ar.path}: {WEIGHTS}"
    if state.needs_walk(model, layers_of):
        # a subclassed model, a layer of one's own holding layers, hooks of one's own:
        # each object's state where Keras's walk puts it, read by its load_own_variables
        with loader.wrap(WEIGHTS):
            slots = state.load_h5(model, io.BytesIO(data), ar.max_bytes, at, layers_of)
    else:
        keys = weight_keys(model, spec, source)
        keras_h5.load_weights(model, io.BytesIO(data), False, ar.max_bytes, keys=keys,
                              source=at)
        slots = state.load_h5(model, io.BytesIO(data), ar.max_bytes, at)
    if state.asset_members(ar):
        state.load_assets(ar, state.walk(model, layers_of), f"{ar.path}: assets")
    settings = spec.get("compile_config")
    if compile and settings and state.overrides(model, "compile_from_config",
                                                objects.model_class()):
        with loader.wrap("compile_config"):  # the model's own compile_from_config
            model.compile_from_config(settings)
    elif compile and settings:  # (Keras writes {} for a model it has not compiled)
        left_out = None
        try:
            settings = translate.compile_settings(  # code named in it is refused
                settings, several=model._output_names is not None)
        except Unsupported as err:
            settings, left_out = None, err
        if settings is not None:
            try:
                options = deserialize_compile(settings, loader)
                with warnings.catch_warnings(), loader.wrap("compile_config"):
                    warnings.simplefilter("ignore", AdviceWarning)
                    model.compile(**options)
            except ModelFileError as err:
                left_out = err
        if left_out is not None:
            warnings.warn(f"load_model: the model is loaded uncompiled, as numnet cannot "
                          f"compile it as Keras did ({left_out}). Call "
                          "model.compile(...) before training it.", stacklevel=3)
    if compile and slots is not None and getattr(model, "optimizer", None) is not None:
        keras_writer.restore_optimizer(model, slots, at)
    return model


__all__ = ["KERAS_OPS", "ArchiveOfEither", "is_keras_file", "load_model"]


state.hooks["Translator"] = Translator  # (state.py reads it: no import circle)
