"""Writing a file so that the target path holds either the old file or the complete new one.

The bytes go to a fresh temporary file in the target's directory (created with O_EXCL), which is
flushed and fsync'ed, then renamed over the target (``os.replace``; with ``overwrite=False`` a
hard link, which refuses an existing target atomically), and the directory is fsync'ed so that
the rename survives a power cut. On any error, including KeyboardInterrupt, the temporary file
is removed and the target is left as it was.
"""

from __future__ import annotations

import os
import secrets


def atomic_write(path: str, write, overwrite: bool = True, where: str = "save") -> None:
    """Call ``write(fileobj)`` on a temporary file, then move it to ``path`` atomically."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{where}(filepath): {path!r} is a directory; give a file name.")
    if not overwrite and os.path.lexists(path):
        raise FileExistsError(
            f"{where}(filepath): {path!r} already exists and overwrite=False; pass "
            "overwrite=True to replace it, or choose another file name."
        )
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"{where}(filepath): the directory {directory!r} does not exist; create it first.")
    tmp, fd = _create_temporary(directory, os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_without_overwrite(tmp, path, where)
        _fsync_directory(directory)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _create_temporary(directory: str, base: str):
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return tmp, os.open(tmp, flags, 0o666)  # the umask applies, as for open()
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file in {directory!r}")


def _link_without_overwrite(tmp: str, path: str, where: str) -> None:
    try:
        os.link(tmp, path)  # fails if path exists, with no window for a race
    except FileExistsError:
        raise FileExistsError(
            f"{where}(filepath): {path!r} appeared while saving and overwrite=False; it was "
            "left untouched."
        ) from None
    except OSError:  # a file system without hard links
        if os.path.lexists(path):
            raise FileExistsError(
                f"{where}(filepath): {path!r} already exists and overwrite=False.") from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _fsync_directory(directory: str) -> None:
    if os.name == "nt":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["atomic_write"]
