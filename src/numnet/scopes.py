"""Keras 3's scopes: ``name_scope`` (a prefix for variable paths), ``device`` (where arrays
live) and ``StatelessScope`` (variables read given values and keep their own).

    with numnet.name_scope("encoder"):
        v = numnet.Variable(1.0, name="scale")      # v.path == "encoder/scale"
    with numnet.device("cpu"):
        model.predict(x)

Each scope is a plain context manager; the stacks are per thread.
"""

from __future__ import annotations

import threading

from . import backend

_state = threading.local()  # .names: the name_scope stack; .stateless: the StatelessScope


def _name_stack() -> list:
    stack = getattr(_state, "names", None)
    if stack is None:
        stack = _state.names = []
    return stack


class name_scope:  # noqa: N801  (Keras's spelling)
    """A block whose new variables get ``"<scope>/<name>"`` paths; scopes nest
    (``"outer/inner/name"``).

    Args:
        name: the scope's name: a string without '/'.
        caller: the object that opens the scope, or None. With ``deduplicate``, a scope that
            the same caller opens again directly inside its own scope of the same name adds
            no second level. Defaults to ``None``.
        deduplicate: see ``caller``. Defaults to ``True``.
        override_parent: a path ("a/b") that replaces the enclosing scopes' path, or None.
            Defaults to ``None``.

    Raises:
        ValueError: when ``name`` is not a string or contains '/'.

    Example:
        >>> with numnet.name_scope("block"):
        ...     with numnet.name_scope("inner"):
        ...         numnet.scopes.current_path()
        'block/inner'
    """

    def __init__(self, name, caller=None, deduplicate: bool = True, override_parent=None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"name_scope(name): expected a string without '/', given {name!r}. "
                             "Nest two scopes for a two-level path.")
        self.name = name
        self.caller = caller
        self.deduplicate = bool(deduplicate)
        self.override_parent = override_parent
        self._pushed = False

    def __enter__(self):
        stack = _name_stack()
        if self.deduplicate and self.caller is not None and stack:
            top = stack[-1]
            if top.caller is self.caller and top.name == self.name:
                return self
        stack.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc) -> None:
        if self._pushed:
            _name_stack().pop()
            self._pushed = False


def current_path() -> str:
    """The path of the name scopes open in this thread ("" outside any)."""
    parts: list[str] = []
    for scope in _name_stack():
        if scope.override_parent is not None:
            parts = [p for p in str(scope.override_parent).split("/") if p]
        parts.append(scope.name)
    return "/".join(parts)


def scoped(path: str) -> str:
    """``path`` under the open name scopes: ``"outer/inner/" + path``, or ``path`` itself."""
    prefix = current_path()
    return f"{prefix}/{path}" if prefix else path


class device:  # noqa: N801  (Keras's spelling)
    """A block that computes on a device: ``"cpu"`` (or ``"cpu:0"``), or ``"gpu"`` /
    ``"gpu:0"`` / ``"cuda"`` where numnet has a GPU (CuPy); the previous device comes back at
    the end of the block. As Keras with no GPU, asking for one raises.

    Args:
        device_name: "cpu", "cpu:0", "gpu", "gpu:0", "cuda" or "cuda:0" (case-insensitive;
            TensorFlow's "/CPU:0" and "/device:GPU:0" too).

    Raises:
        ValueError: for a name that is not a device.
        RuntimeError: for "gpu" where no GPU can be used (CuPy absent, or no CUDA device).

    Example:
        >>> with numnet.device("cpu"):
        ...     y = numnet.ops.add(1.0, 2.0)
    """

    def __init__(self, device_name: str):
        if not isinstance(device_name, str):
            raise ValueError(f"device(device_name): expected a string such as 'cpu' or "
                             f"'gpu:0', given {type(device_name).__name__} {device_name!r}.")
        spec = device_name.lower().rsplit("device:", 1)[-1].lstrip("/")  # TensorFlow's forms
        kind, _, index = spec.partition(":")
        if kind not in ("cpu", "gpu", "cuda") or (index and not index.isdigit()):
            raise ValueError(f"device(device_name): expected 'cpu', 'cpu:0', 'gpu', 'gpu:0' or "
                             f"'cuda:0', given {device_name!r}.")
        if kind == "cpu" and index not in ("", "0"):
            raise ValueError(f"device(device_name): numnet has one CPU device, 'cpu:0'; given "
                             f"{device_name!r}.")
        self.name = "cpu" if kind == "cpu" else "gpu"
        self.device_name = device_name
        self._previous = None

    def __enter__(self):
        if self.name == "gpu" and not backend.gpu_available():
            raise RuntimeError(
                f"device({self.device_name!r}): no GPU is available to numnet (it needs CuPy "
                "and a CUDA device: pip install cupy-cuda12x). Use device('cpu').")
        self._previous = backend.device()
        if self._previous != self.name:
            backend.set_device(self.name)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None and backend.device() != self._previous:
            backend.set_device(self._previous)


def get_stateless_scope():
    """The StatelessScope open in this thread, or None."""
    return getattr(_state, "stateless", None)


def in_stateless_scope() -> bool:
    """Whether a StatelessScope is open in this thread."""
    return get_stateless_scope() is not None


def _is_variable(value) -> bool:
    """A numnet Variable, known by what it holds (this floor is below the autodiff's)."""
    return all(hasattr(value, name) for name in ("uid", "value", "trainable", "assign"))


class StatelessScope:
    """A block in which the variables of ``state_mapping`` read the values given there, and
    after which they hold their own values again; what the block wrote to them is kept by the
    scope (``get_current_value``), not by the variables.

    numnet's variables hold arrays that ops read directly, so the scope puts the given values
    into the variables on entry and puts the variables' own values back on exit, after
    recording what the block left in them. Variables not in ``state_mapping`` are not guarded:
    a block that updates them (a BatchNormalization's moving statistics in training) updates
    them for good; list them in ``state_mapping`` (with their current values) to guard them.

    Args:
        state_mapping: a list of ``(variable, value)`` pairs; each value is cast to its
            variable's dtype and must have its shape. Defaults to ``None`` (no variables).
        collect_losses: collect the losses added in the block in ``losses``. Defaults to
            ``False``.
        initialize_variables: accepted for Keras; numnet's variables are made with their values.
            Defaults to ``True``.

    Raises:
        ValueError: for a key that is not a Variable, or a value of another shape.

    Example:
        >>> w = numnet.Variable(np.ones(2, "float32"))
        >>> with numnet.StatelessScope([(w, np.zeros(2, "float32"))]) as scope:
        ...     _ = w.assign(w.numpy() + 5.0)
        >>> w.numpy(), scope.get_current_value(w)
        (array([1., 1.], dtype=float32), array([5., 5.], dtype=float32))
    """

    def __init__(self, state_mapping=None, collect_losses: bool = False,
                 initialize_variables: bool = True):
        self.collect_losses = bool(collect_losses)
        self.initialize_variables = bool(initialize_variables)
        self.losses: list = []
        self.state_mapping: dict = {}
        self._variables: dict = {}
        self._saved: dict = {}
        for pair in state_mapping or ():
            variable, value = pair
            if not _is_variable(variable):
                raise ValueError(
                    f"StatelessScope(state_mapping): every key must be a Variable, given "
                    f"{type(variable).__name__} {variable!r}. Pass [(variable, value), ...].")
            value = backend.to_device(getattr(value, "value", value),
                                      dtype=variable.value.dtype)
            if value.shape != variable.value.shape:
                raise ValueError(
                    f"StatelessScope(state_mapping): the value for {variable.path!r} has shape "
                    f"{tuple(value.shape)}, the variable {tuple(variable.value.shape)}.")
            self.state_mapping[id(variable)] = value
            self._variables[id(variable)] = variable

    def __enter__(self):
        self._outer = get_stateless_scope()
        _state.stateless = self
        for key, variable in self._variables.items():
            self._saved[key] = variable.value.copy()
            variable.value[...] = self.state_mapping[key]
        return self

    def __exit__(self, *exc) -> None:
        for key, variable in self._variables.items():
            self.state_mapping[key] = variable.value.copy()
            variable.value[...] = self._saved.pop(key)
        _state.stateless = self._outer

    def add_loss(self, loss) -> None:
        """Record a loss (kept when ``collect_losses``)."""
        if self.collect_losses:
            self.losses.append(loss)

    def add_update(self, update) -> None:
        """Record ``(variable, value)`` as the variable's value after the block."""
        variable, value = update
        self.state_mapping[id(variable)] = getattr(value, "value", value)

    def get_current_value(self, variable):
        """The value the block leaves for ``variable`` (after the block ends, what it wrote;
        inside it, its value so far), or None for a variable the scope does not hold. The
        value is the scope's own: later writes, and the variable's restore at the end of the
        block, do not change it."""
        key = id(variable)
        if key in self._saved:  # inside the block: the variable holds the scope's value
            return variable.value.copy()
        return self.state_mapping.get(key)


class SymbolicScope:
    """A block marked as building a graph (Keras's symbolic stage); ``in_symbolic_scope()``
    says whether one is open. numnet's symbolic tensors do not depend on it.

    Example:
        >>> with numnet.SymbolicScope():
        ...     numnet.scopes.in_symbolic_scope()
        True
    """

    def __enter__(self):
        self._outer = getattr(_state, "symbolic", None)
        _state.symbolic = self
        return self

    def __exit__(self, *exc) -> None:
        _state.symbolic = self._outer


def in_symbolic_scope() -> bool:
    """Whether a SymbolicScope is open in this thread."""
    return getattr(_state, "symbolic", None) is not None


_REMAT_MODES = ("full", "activations", "larger_than", "list_of_layers", None)


class RematScope:
    """A block whose layers Keras would rematerialize: recompute their activations in the
    backward pass instead of keeping them, to save memory. numnet keeps the activations (the
    results are the same); the scope records the mode, which ``get_current_remat_mode()``
    returns, so that programs written for it run unchanged.

    Args:
        mode: "full", "activations", "larger_than", "list_of_layers" or None.
            Defaults to ``"full"``.
        output_size_threshold: the output size above which "larger_than" applies.
            Defaults to ``1024``.
        layer_names: the layers "list_of_layers" applies to. Defaults to ``None``.

    Raises:
        ValueError: for another mode.

    Example:
        >>> with numnet.RematScope(mode="activations"):
        ...     numnet.scopes.get_current_remat_mode().mode
        'activations'
    """

    def __init__(self, mode="full", output_size_threshold: int = 1024, layer_names=None):
        if mode not in _REMAT_MODES:
            raise ValueError(f"RematScope(mode): expected one of {list(_REMAT_MODES)}, given "
                             f"{mode!r}.")
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = list(layer_names or [])

    def __enter__(self):
        stack = getattr(_state, "remat", None)
        if stack is None:
            stack = _state.remat = []
        stack.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _state.remat.pop()


def get_current_remat_mode():
    """``(mode, output_size_threshold, layer_names)`` of the innermost RematScope open in this
    thread (a named tuple), or None."""
    import collections

    stack = getattr(_state, "remat", None)
    if not stack:
        return None
    top = stack[-1]
    mode = collections.namedtuple("RematMode", ["mode", "output_size_threshold", "layer_names"])
    return mode(top.mode, top.output_size_threshold, top.layer_names)


def remat(f):
    """``f`` itself: Keras's ``remat`` recomputes ``f``'s intermediate values in the backward
    pass to save memory; numnet keeps them, with the same results.

    Args:
        f: a function (a layer's computation, say).

    Returns:
        A function that calls ``f``.

    Example:
        >>> float(numnet.remat(numnet.ops.exp)(0.0))
        1.0
    """
    import functools

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        return f(*args, **kwargs)

    return wrapped


__all__ = ["RematScope", "StatelessScope", "SymbolicScope", "current_path", "device",
           "get_current_remat_mode", "get_stateless_scope", "in_stateless_scope",
           "in_symbolic_scope", "name_scope", "remat", "scoped"]
