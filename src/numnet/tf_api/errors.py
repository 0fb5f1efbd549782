"""TensorFlow's ``tf.errors``: the exception classes numnet raises where TensorFlow would.

Each is a subclass of ``OpError`` and of the Python exception a program written without
TensorFlow would catch (``InvalidArgumentError`` is a ValueError, ``NotFoundError`` a
FileNotFoundError, ``OutOfRangeError`` an IndexError and a StopIteration's kin), so both
``except tf.errors.InvalidArgumentError`` and ``except ValueError`` catch them.

    >>> try:
    ...     numnet.debugging.assert_equal(1, 2)
    ... except numnet.errors.InvalidArgumentError as e:
    ...     print(type(e).__name__)
    InvalidArgumentError
"""

from __future__ import annotations


class OpError(Exception):
    """The base of TensorFlow's errors: ``OpError(node_def, op, message, *args)``.

    Args:
        node_def: accepted as TensorFlow's; kept as ``node_def``. Defaults to ``None``.
        op: accepted as TensorFlow's; kept as ``op``. Defaults to ``None``.
        message: what went wrong (``e.message``). Defaults to ``""``.
        *args: TensorFlow's further arguments (an error code), accepted.

    Example:
        >>> str(numnet.errors.InvalidArgumentError(None, None, "bad shape"))
        'bad shape'
    """

    error_code = 2

    def __init__(self, node_def=None, op=None, message: str = "", *args):
        if op is None and not message and isinstance(node_def, str):  # OpError("message")
            node_def, message = None, node_def
        super().__init__(message)
        self.node_def, self.op, self.message = node_def, op, message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        return type(self), (self.node_def, self.op, self.message)


def _error(name: str, code: int, *bases, doc: str):
    cls = type(name, (OpError, *bases), {"__doc__": doc, "error_code": code,
                                         "__module__": __name__})
    return cls


_ARGS = ("\n\n    Args:\n        node_def: accepted as TensorFlow's. Defaults to ``None``.\n"
         "        op: accepted as TensorFlow's. Defaults to ``None``.\n"
         "        message: what went wrong. Defaults to ``\"\"``.\n")

CancelledError = _error("CancelledError", 1, doc="An operation was cancelled." + _ARGS)
UnknownError = _error("UnknownError", 2, doc="An error of no other kind." + _ARGS)
InvalidArgumentError = _error(
    "InvalidArgumentError", 3, ValueError,
    doc="An argument has a wrong value or shape (a failed tf.debugging assertion, "
        "tf.ensure_shape, an index out of range in tf.gather_nd); also a ValueError." + _ARGS)


class IndexInvalidArgumentError(InvalidArgumentError, IndexError):
    """An index out of range (tf.gather): TensorFlow's InvalidArgumentError, also an
    IndexError as Python indexing raises. Arguments as :class:`OpError`'s.

    Example:
        >>> try:
        ...     numnet.gather(numnet.constant([1, 2]), [5])
        ... except numnet.errors.InvalidArgumentError:
        ...     print("out of range")
        out of range
    """


DeadlineExceededError = _error("DeadlineExceededError", 4, TimeoutError,
                               doc="An operation ran out of time; also a TimeoutError." + _ARGS)
NotFoundError = _error("NotFoundError", 5, FileNotFoundError,
                       doc="A file or directory does not exist (tf.io.read_file, "
                           "tf.io.gfile); also a FileNotFoundError." + _ARGS)
AlreadyExistsError = _error("AlreadyExistsError", 6, FileExistsError,
                            doc="What was to be created exists; also a FileExistsError." + _ARGS)
PermissionDeniedError = _error("PermissionDeniedError", 7, PermissionError,
                               doc="Not allowed; also a PermissionError." + _ARGS)
ResourceExhaustedError = _error("ResourceExhaustedError", 8, MemoryError,
                                doc="Out of memory or another resource; also a MemoryError."
                                + _ARGS)
FailedPreconditionError = _error("FailedPreconditionError", 9, RuntimeError,
                                 doc="The system is not in a state for the operation (a "
                                     "variable read before it is set); also a RuntimeError."
                                 + _ARGS)
AbortedError = _error("AbortedError", 10, doc="An operation was aborted." + _ARGS)
OutOfRangeError = _error("OutOfRangeError", 11, IndexError,
                         doc="Iteration past the end (an iterator with no more elements); "
                             "also an IndexError." + _ARGS)
UnimplementedError = _error("UnimplementedError", 12, NotImplementedError,
                            doc="Not implemented; also a NotImplementedError." + _ARGS)
InternalError = _error("InternalError", 13, RuntimeError,
                       doc="A broken invariant; also a RuntimeError." + _ARGS)
UnavailableError = _error("UnavailableError", 14, doc="A service is unavailable." + _ARGS)
DataLossError = _error("DataLossError", 15, OSError,
                       doc="Data was lost or corrupted (a truncated file); also an OSError."
                       + _ARGS)
UnauthenticatedError = _error("UnauthenticatedError", 16,
                              doc="The request has no valid credentials." + _ARGS)

(OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS,
 PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE,
 UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS) = range(16)
UNAUTHENTICATED = 16

__all__ = [
    "ABORTED", "ALREADY_EXISTS", "AbortedError", "AlreadyExistsError", "CANCELLED",
    "CancelledError", "DATA_LOSS", "DEADLINE_EXCEEDED", "DataLossError", "DeadlineExceededError",
    "FAILED_PRECONDITION", "FailedPreconditionError", "INTERNAL", "INVALID_ARGUMENT",
    "InternalError", "InvalidArgumentError", "NOT_FOUND", "NotFoundError", "OK", "OUT_OF_RANGE",
    "OpError", "OutOfRangeError", "PERMISSION_DENIED", "PermissionDeniedError",
    "RESOURCE_EXHAUSTED", "ResourceExhaustedError", "UNAUTHENTICATED", "UNAVAILABLE",
    "UNIMPLEMENTED", "UNKNOWN", "UnauthenticatedError", "UnavailableError", "UnimplementedError",
    "UnknownError",
]
