"""Where dataset files come from, and how pickled arrays in them are read without unpickling.

A file is found, in order: at ``path=``; in Keras's cache (``$KERAS_HOME`` or ``~/.keras``, under
``datasets/``), so files a Keras install already downloaded are reused; else it is downloaded
from Keras's origin into that cache. A download is written to a temporary name beside its target
and renamed into place only after its digest (or, where Keras publishes none, its format) checks
out, so the cache never holds a half-written or corrupted file.

``read_npz`` and ``read_pickle`` read NumPy arrays (numeric or object arrays of lists), lists,
dicts, tuples, strings, bytes and numbers out of a pickle stream by parsing its opcodes with a
small stack machine: no object is ever constructed from a name in the file and no callable from
the file is ever called, so a hostile stream cannot run code; anything else is refused.

Every read is bounded by what is really there: an archive's members are decompressed in chunks,
never past their declared size, ``MAX_BYTES`` in all or ``MAX_RATIO`` times their compressed
size (decompression bombs); an .npy header must account for exactly the bytes that follow it
before anything of its size is allocated; a pickle stream is rebuilt without recursion, nested
at most ``MAX_DEPTH`` deep, and each value it refers to several times is counted as often as it
expands ("billion laughs"), within twice the stream's length in values and its length in bytes.
Whatever zipfile, tarfile, gzip, zlib or numpy raise on a damaged file becomes
DatasetFileError naming the file and member.
"""

from __future__ import annotations

import io
import math
import os
import tokenize
import zlib
from pathlib import Path

import numpy as np

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CHUNK = 1 << 20


class DatasetFileError(ValueError):
    """A dataset file that is not what it should be: wrong digest, wrong format, or content
    (such as code in a pickle stream) that numnet refuses to read."""


def keras_home() -> Path:
    """``$KERAS_HOME`` if set, else ``~/.keras`` (Keras's own rule)."""
    home = os.environ.get("KERAS_HOME")
    return Path(home) if home else Path(os.path.expanduser("~")) / ".keras"


def cache_path(*parts: str) -> Path:
    """Where Keras keeps a dataset file: ``<keras home>/datasets/<parts...>``."""
    return keras_home().joinpath("datasets", *parts)


def digest(path: Path, algorithm: str) -> str:
    """The hex digest of a file ("sha256" or "md5")."""
    import hashlib

    h = hashlib.new(algorithm, usedforsecurity=False)
    read = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
            read += len(block)
            if read > MAX_BYTES:  # (a device or a pipe never ends; no dataset file is so big)
                raise DatasetFileError(f"{str(path)!r} holds more than {MAX_BYTES} bytes, more "
                                       "than any Keras dataset file; refused")
    return h.hexdigest()


def _algorithm(file_hash: str) -> str:
    # Keras publishes SHA-256 (64 hex digits) for most files and MD5 (32) for the word indexes.
    return "sha256" if len(file_hash) == 64 else "md5"


def check_hash(path: Path, file_hash: str | None, caller: str) -> None:
    """Raise DatasetFileError unless the file's digest is ``file_hash`` (None: nothing to check)."""
    if file_hash is None:
        return
    algorithm = _algorithm(file_hash)
    found = digest(path, algorithm)
    if found != file_hash:
        raise DatasetFileError(
            f"{caller}: {str(path)!r} has {algorithm} {found}, expected Keras's published "
            f"{file_hash}; the file is incomplete, corrupted or altered. Delete it so that it is "
            "downloaded again, or pass path= to a copy you trust."
        )


def fetch(url: str, target: Path, caller: str, file_hash: str | None = None, check=None) -> Path:
    """``target`` if it is there (its digest checked), else ``url`` downloaded to it.

    The download goes to a temporary name in target's folder; it is renamed to ``target`` only
    after ``file_hash`` matches (and ``check(temporary_path)``, if given, returns without
    raising); otherwise the temporary file is removed and DatasetFileError raised.
    """
    if target.exists():
        check_hash(target, file_hash, caller)
        return target
    import tempfile
    import urllib.error
    import urllib.request

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    part = Path(name)
    try:
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
                for block in iter(lambda: response.read(CHUNK), b""):
                    out.write(block)
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise ConnectionError(
                f"{caller}: could not download {url} ({err}). Without a network, place the file "
                f"at {str(target)!r} (where Keras caches it; KERAS_HOME moves that folder) or "
                "pass path= to a copy."
            ) from None
        check_hash(part, file_hash, caller)
        if check is not None:
            check(part)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return target


def locate(path, url: str, caller: str, file_hash: str | None = None) -> Path:
    """A bare file name is looked up in Keras's cache (checked against ``file_hash``) and
    downloaded there from ``url`` when missing, as Keras does; any other path is the user's own
    copy, read as it is."""
    p = Path(path)
    if str(path) == p.name:
        return fetch(url, cache_path(p.name), caller, file_hash)
    if not p.exists():
        raise FileNotFoundError(f"{caller}(path): no file at {str(p)!r}; pass the path of a copy, "
                                f"or a bare file name to use Keras's cache ({cache_path()}).")
    return p


MAX_BYTES = 1024**3
"""The most a dataset file may expand to once decompressed (the largest of Keras's, the
CIFAR-100 archive, is 160 MB)."""
MAX_RATIO = 100
"""How many times its compressed size a member larger than ``RATIO_FLOOR`` may expand to
(real data compresses a few times; a decompression bomb a thousand)."""
RATIO_FLOOR = 1024**2
MAX_MEMBERS = 10_000
MAX_DEPTH = 100
"""How deeply lists, tuples, dicts and arrays may nest in a pickle stream (Keras's: 3)."""
_READER_ERRORS = (OSError, EOFError, ValueError, TypeError, KeyError, IndexError, OverflowError,
                  NotImplementedError, RuntimeError, UnicodeDecodeError, MemoryError,
                  RecursionError, zlib.error)
"""What zipfile, tarfile, gzip, zlib and numpy's npy reader raise on a damaged file."""


def check_test_split(test_split, caller: str) -> None:
    """``test_split`` in [0, 1), or a ValueError naming the argument."""
    if not 0 <= test_split < 1:
        raise ValueError(f"{caller}(test_split): expected a fraction in [0, 1), given "
                         f"{test_split!r}; 0.2 keeps a fifth of the rows for testing.")


def xy_rows(file: Path, caller: str, row: str) -> tuple[np.ndarray, np.ndarray]:
    """The numeric arrays ``x`` and ``y`` of an .npz file, one row each per ``row``."""
    arrays = read_npz(file, caller)  # within bounds, never unpickled
    if any(name not in arrays or arrays[name].dtype.hasobject for name in ("x", "y")):
        raise DatasetFileError(f"{caller}: {str(file)!r} is not an .npz with numeric arrays x "
                               f"and y (it holds {sorted(arrays)[:10]}).")
    x, y = arrays["x"], arrays["y"]
    if x.ndim == 0 or y.ndim == 0 or len(x) != len(y):
        raise DatasetFileError(f"{caller}: x of shape {x.shape} and y of shape {y.shape} do "
                               f"not have one row each per {row}.")
    return x, y


def shuffle_split(x, y, test_split: float, seed: int):
    """Keras's split: the rows shuffled by ``np.random.RandomState(seed)``, the first
    ``int(n * (1 - test_split))`` for training."""
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


def read_limited(f, limit: int, where: str, caller: str) -> bytearray:
    """All of the stream ``f``, refused with DatasetFileError as soon as it passes ``limit``
    bytes (read in chunks, so that a bomb is never held whole)."""
    out = bytearray()
    while True:
        chunk = f.read(min(CHUNK, limit + 1 - len(out)))
        if not chunk:
            return out
        out += chunk
        if len(out) > limit:
            raise DatasetFileError(f"{caller}: {where} expands to more than {limit} bytes; "
                                   "refused (a decompression bomb, or not a Keras dataset file)")


def check_expansion(size: int, compressed: int, where: str, caller: str,
                    limit: int = MAX_BYTES) -> None:
    """Refuse a member that declares more than ``limit`` bytes or more than MAX_RATIO times
    its compressed size (the declared size is then enforced by read_limited)."""
    if size > limit or size > max(RATIO_FLOOR, MAX_RATIO * compressed):
        raise DatasetFileError(f"{caller}: {where} declares {size} bytes from {compressed} "
                               f"compressed (at most {limit}, and {MAX_RATIO} times its "
                               "compressed size); refused as a decompression bomb")


def read_npz(path: Path, caller: str, max_bytes: int = MAX_BYTES) -> dict[str, np.ndarray]:
    """Every array of an .npz file; object arrays are parsed from their pickle stream (see
    ``read_pickle``), numeric ones from their bytes after checking that the header's shape
    accounts for exactly the bytes there. Each member is decompressed in chunks, within its
    declared size, ``max_bytes`` in all and MAX_RATIO times its compressed size."""
    import zipfile

    arrays: dict[str, np.ndarray] = {}
    where = f"{str(path)!r}"
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise DatasetFileError(f"{caller}: {where} holds {len(infos)} members (at most "
                                       f"{MAX_MEMBERS})")
            total = 0
            for info in infos:
                name = info.filename
                if not name.endswith(".npy"):
                    continue
                where = f"{str(path)!r}, member {name!r}"
                if name[:-4] in arrays:
                    raise DatasetFileError(f"{caller}: {where} appears twice")
                total += info.file_size
                check_expansion(info.file_size, info.compress_size, where, caller,
                                max_bytes - total + info.file_size)
                with archive.open(info) as f:
                    data = read_limited(f, info.file_size, where, caller)
                arrays[name[:-4]] = _read_npy(data, where, caller)
    except DatasetFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, *_READER_ERRORS) as err:
        raise DatasetFileError(f"{caller}: {where} is not a readable .npz file "
                               f"({type(err).__name__}: {err}).") from None
    return arrays


def _read_npy(data: bytearray, where: str, caller: str) -> np.ndarray:
    f = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError(f"unsupported .npy version {version}")
    except (ValueError, SyntaxError, TypeError, OverflowError, MemoryError, RecursionError,
            tokenize.TokenError) as err:
        raise DatasetFileError(f"{caller}: {where} is not valid .npy ({type(err).__name__}: "
                               f"{err}).") from None
    start = f.tell()
    if not isinstance(shape, tuple) or len(shape) > 32 or any(
            type(d) is not int or d < 0 for d in shape):
        raise DatasetFileError(f"{caller}: {where}: bad shape {str(shape)[:80]} in the npy "
                               "header")
    if dtype.hasobject:
        array = read_pickle(bytes(data[start:]), caller)
        if not isinstance(array, np.ndarray) or array.shape != shape:
            raise DatasetFileError(f"{caller}: {where}: an object array's stream does not hold "
                                   f"an array of shape {shape}.")
        return array
    if dtype.kind not in "biuf" or dtype.fields or dtype.subdtype:
        raise DatasetFileError(f"{caller}: {where}: dtype {dtype.str!r} is not a plain numeric "
                               "type")
    count = math.prod(shape)
    if count * dtype.itemsize != len(data) - start:  # before anything of that size exists
        raise DatasetFileError(f"{caller}: {where}: the npy header declares shape {shape} "
                               f"({count * dtype.itemsize} bytes of {dtype.name}) but the "
                               f"member holds {len(data) - start} bytes of data")
    array = np.frombuffer(data, dtype, count, start)  # over the bytearray: writable, no copy
    return array.reshape(shape[::-1]).T if fortran else array.reshape(shape)


class _Global:
    def __init__(self, module: str, name: str):
        self.module, self.name = module, name


class _DType:
    def __init__(self, typestr: str):
        self.typestr, self.byteorder = typestr, "|"


class _Array:
    def __init__(self):
        self.state = None


RECONSTRUCT = {("numpy.core.multiarray", "_reconstruct"),
               ("numpy._core.multiarray", "_reconstruct")}
FROMBUFFER = {("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer")}
ALLOWED_GLOBALS = RECONSTRUCT | FROMBUFFER | {("numpy", "ndarray"), ("numpy", "dtype"),
                                              ("_codecs", "encode")}
PUSH_ARG = {"BININT", "BININT1", "BININT2", "INT", "LONG", "LONG1", "LONG4", "BINFLOAT", "FLOAT",
            "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8", "UNICODE",
            "SHORT_BINBYTES", "BINBYTES", "BINBYTES8"}
PY2_STRINGS = {"SHORT_BINSTRING", "BINSTRING", "STRING"}
CONSTANTS = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}
IGNORED = {"PROTO", "FRAME"}


def read_pickle(data: bytes, caller: str):
    """The value a pickle stream describes, if it is built only of numbers, strings, bytes,
    tuples, lists, dicts and NumPy arrays (numeric, or object arrays of such values).

    The stream is parsed, not unpickled: the only names it may mention are NumPy's array and
    dtype reconstructors (``_reconstruct``, ``_frombuffer``, ``ndarray``, ``dtype``) and
    ``_codecs.encode`` (how protocol 2 spells bytes), each recognised
    and rebuilt here from plain data; any other name or opcode raises DatasetFileError before
    anything from the file is used.
    """
    import pickletools

    stack: list = []
    marks: list[int] = []
    memo: dict = {}

    def refuse(what: str):
        raise DatasetFileError(
            f"{caller}: the file's pickle stream holds {what}; numnet reads only arrays, lists, "
            "dicts, strings and numbers from dataset files and never runs code from them. The "
            "file is not a Keras dataset file: download it again or pass path= to a trusted copy."
        )

    def pop_mark() -> list:
        start = marks.pop()
        items = stack[start:]
        del stack[start:]
        return items

    try:
        for opcode, arg, _ in pickletools.genops(data):
            op = opcode.name
            if op in IGNORED:
                continue
            if op in PUSH_ARG:
                stack.append(arg)
            elif op == "BYTEARRAY8":
                stack.append(bytes(arg))
            elif op in PY2_STRINGS:
                stack.append(arg.encode("latin-1") if isinstance(arg, str) else bytes(arg))
            elif op in CONSTANTS:
                stack.append(CONSTANTS[op])
            elif op == "MARK":
                marks.append(len(stack))
            elif op in ("GLOBAL", "STACK_GLOBAL"):
                module, name = arg.split(" ", 1) if op == "GLOBAL" else stack[-2:]
                if op == "STACK_GLOBAL":
                    del stack[-2:]
                if (module, name) not in ALLOWED_GLOBALS:
                    refuse(f"a reference to {module}.{name}")
                stack.append(_Global(module, name))
            elif op == "REDUCE":
                args = stack.pop()
                stack.append(_reduce(stack.pop(), args, refuse))
            elif op == "BUILD":
                state = stack.pop()
                _build(stack[-1], state, refuse)
            elif op == "EMPTY_TUPLE":
                stack.append(())
            elif op in ("TUPLE1", "TUPLE2", "TUPLE3"):
                n = int(op[-1])
                items = tuple(stack[-n:])
                del stack[-n:]
                stack.append(items)
            elif op == "TUPLE":
                stack.append(tuple(pop_mark()))
            elif op == "EMPTY_LIST":
                stack.append([])
            elif op == "LIST":
                stack.append(pop_mark())
            elif op == "APPEND":
                value = stack.pop()
                _list(stack[-1], refuse).append(value)
            elif op == "APPENDS":
                items = pop_mark()
                _list(stack[-1], refuse).extend(items)
            elif op == "EMPTY_DICT":
                stack.append({})
            elif op in ("DICT", "SETITEMS"):
                items = pop_mark()
                target = {} if op == "DICT" else _dict(stack[-1], refuse)
                for key, value in zip(items[::2], items[1::2]):
                    target[_key(key, refuse)] = value
                if op == "DICT":
                    stack.append(target)
            elif op == "SETITEM":
                value, key = stack.pop(), stack.pop()
                _dict(stack[-1], refuse)[_key(key, refuse)] = value
            elif op in ("BINPUT", "LONG_BINPUT", "PUT"):
                memo[arg] = stack[-1]
            elif op == "MEMOIZE":
                memo[len(memo)] = stack[-1]
            elif op in ("BINGET", "LONG_BINGET", "GET"):
                stack.append(memo[arg])
            elif op == "STOP":
                break
            else:
                refuse(f"the opcode {op}")
        if len(stack) != 1:
            refuse("a malformed stream")
        return _finish(stack[0], refuse, 2 * len(data) + 2**20, len(data) + 2**20)
    except (IndexError, KeyError, ValueError, TypeError, OverflowError, RecursionError,
            MemoryError) as err:
        if isinstance(err, DatasetFileError):
            raise
        refuse(f"a malformed stream ({type(err).__name__}: {err})")


def _list(obj, refuse) -> list:
    if not isinstance(obj, list):
        refuse("an append to something that is not a list")
    return obj


def _dict(obj, refuse) -> dict:
    if not isinstance(obj, dict):
        refuse("an item set on something that is not a dict")
    return obj


def _key(key, refuse):
    if not isinstance(key, (str, bytes, int)):
        refuse("a dict key that is not a string or an integer")
    return key


def _reduce(func, args, refuse):
    if not isinstance(func, _Global) or not isinstance(args, tuple):
        refuse("a call of something that is not an allowed NumPy reconstructor")
    where = (func.module, func.name)
    if where in RECONSTRUCT and len(args) == 3:
        return _Array()
    if where in FROMBUFFER and len(args) == 4:
        array = _Array()
        buffer, dtype, shape, order = args
        array.state = (1, shape, dtype, order == "F", buffer)
        return array
    if where == ("numpy", "dtype") and args and isinstance(args[0], str):
        return _DType(args[0])
    if where == ("_codecs", "encode") and len(args) == 2 and isinstance(args[0], str) \
            and args[1] == "latin1":
        return args[0].encode("latin-1")
    refuse(f"a call of {func.module}.{func.name} with unexpected arguments")


def _build(obj, state, refuse):
    if isinstance(obj, _DType) and isinstance(state, tuple) and len(state) > 1:
        obj.byteorder = state[1] if state[1] in ("<", ">", "|", "=") else "|"
    elif isinstance(obj, _Array) and isinstance(state, tuple) and len(state) == 5:
        obj.state = state
    else:
        refuse("a state set on something that is not a NumPy array or dtype")


def _children(obj) -> list:
    if isinstance(obj, dict):
        return [*obj, *obj.values()]
    if isinstance(obj, _Array):
        raw = obj.state[4] if isinstance(obj.state, tuple) and len(obj.state) == 5 else None
        return list(raw) if isinstance(raw, list) else []
    return list(obj)


_CONTAINERS = (list, tuple, dict, _Array, _Global, _DType)


def _finish(root, refuse, max_items: int, max_bytes: int):
    """The value with NumPy arrays in place of the placeholders, built bottom-up without
    recursion. A value that the stream refers to several times (through its memo) is built
    once and shared, as unpickling shares it, but counted each time it is referred to: the
    items and bytes that the value expands to must stay within ``max_items`` and
    ``max_bytes`` (so that shared references cannot make a tiny stream expand to gigabytes,
    "billion laughs"). A value that contains itself and nesting deeper than MAX_DEPTH are
    refused."""
    done: dict = {}  # id -> (value, items, bytes) of each container finished
    active: set = set()  # the containers being finished: a value's ancestors
    stack = [(root, 0, False)]
    while stack:
        obj, depth, ready = stack.pop()
        key = id(obj)
        if not ready:
            if not isinstance(obj, _CONTAINERS) or key in done:
                continue
            if key in active:
                refuse("a value that contains itself (a self-reference)")
            if isinstance(obj, (_Global, _DType)):
                refuse("a reference that is not used to build an array")
            if depth >= MAX_DEPTH:
                refuse(f"values nested more than {MAX_DEPTH} deep")
            active.add(key)
            stack.append((obj, depth, True))
            stack += [(child, depth + 1, False) for child in _children(obj)]
            continue
        active.discard(key)
        items, nbytes = 1, 0
        for child in _children(obj):
            if isinstance(child, _CONTAINERS):
                items, nbytes = items + done[id(child)][1], nbytes + done[id(child)][2]
            else:
                items += 1
                nbytes += len(child) if isinstance(child, (str, bytes)) else 0
        if isinstance(obj, _Array) and isinstance(obj.state, tuple) and len(obj.state) == 5 \
                and isinstance(obj.state[4], bytes):
            nbytes += len(obj.state[4])
        if items > max_items or nbytes > max_bytes:
            refuse(f"shared references that expand to more than {max_items} values or "
                   f"{max_bytes} bytes (a \"billion laughs\" stream)")

        def value(child):
            return done[id(child)][0] if isinstance(child, _CONTAINERS) else child

        if isinstance(obj, _Array):
            built = _array(obj, refuse, value)
        elif isinstance(obj, list):
            built = [value(item) for item in obj]
        elif isinstance(obj, tuple):
            built = tuple(value(item) for item in obj)
        else:
            built = {k: value(v) for k, v in obj.items()}
        done[key] = (built, items, nbytes)
    return done[id(root)][0] if isinstance(root, _CONTAINERS) else root


def _array(obj: _Array, refuse, value) -> np.ndarray:
    if obj.state is None:
        refuse("an array without its data")
    _, shape, dtype, fortran, raw = obj.state
    if not isinstance(shape, tuple) or len(shape) > 32 or not all(
            type(n) is int and 0 <= n < 2**63 for n in shape) or not isinstance(dtype, _DType):
        refuse("an array with an invalid shape or dtype")
    size = math.prod(shape)
    order = "F" if fortran else "C"
    if dtype.typestr.startswith("O"):
        if not isinstance(raw, list) or len(raw) != size:
            refuse("an object array whose items do not match its shape")
        out = np.empty(size, dtype=object)
        for i, item in enumerate(raw):
            out[i] = value(item)
        return out.reshape(shape, order=order)
    try:
        numeric = np.dtype(dtype.typestr).newbyteorder(dtype.byteorder)
    except TypeError:
        refuse(f"an array of unknown dtype {dtype.typestr!r}")
    kind = numeric.kind
    if kind not in "biuf" or not isinstance(raw, bytes) or len(raw) != size * numeric.itemsize:
        refuse("a numeric array whose bytes do not match its shape and dtype")
    return np.frombuffer(raw, dtype=numeric).reshape(shape, order=order).copy()
