"""Every file the product writes appears whole under its name, or not at all.

Why: a clerk files what is in the output folder. A full disk, a size limit or a killed process must
never leave a truncated PDF or a half list of decisions under the name the clerk expects. So each
file is written to a hidden temporary name in the same folder (``.<name>.<random>.part``, same
file system, so the rename is atomic), flushed to the disk, and renamed over the final name only
when complete. A ``kill -9`` can leave the hidden ``.part`` file behind, never a truncated final
file. The file gets the permissions any other program would give it (``0666`` less the umask), not
the ``0600`` of :func:`tempfile.mkstemp` — except a file that holds personal data (ID and phone
numbers: an export of the ledger, refused rows of a 台账), which is ``private`` and readable by its
owner only, as the ledger's own database is.

Any system error while writing becomes an :class:`~propertytriage.errors.OutputError` naming the
file, in Chinese and English.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload

from propertytriage.errors import OutputError

_TEMP_SUFFIX = ".part"
PRIVATE_MODE = 0o600


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux ≥ 4.7).

    Setting the umask to read it would briefly change it for every thread of the process.
    """
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a newly created file gets under the current umask (``0644`` under ``022``)."""
    return 0o666 & ~current_umask()


class Guarded:
    """A file handle whose write errors name the file (the body's own errors pass unchanged)."""

    def __init__(self, handle: IO[Any], path: Path) -> None:
        self._handle = handle
        self._path = path

    def write(self, data: Any) -> int:
        try:
            return int(self._handle.write(data))
        except OSError as error:
            raise OutputError.of(self._path, error) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@overload
def atomic(path: Path | str, *, binary: Literal[False] = False,
           private: bool = False) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic(path: Path | str, *, binary: Literal[True],
           private: bool = False) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def atomic(
    path: Path | str, *, binary: bool = False, private: bool = False
) -> contextlib.AbstractContextManager[IO[Any]]:
    """A file to write that appears under ``path`` only when the ``with`` block ends normally.

    If the block raises (bad input found midway, Ctrl-C) or the system refuses a write, the
    temporary file is removed and nothing at ``path`` changes. ``private``: the file holds personal
    data and is readable by its owner only (``0600``), whatever the umask.
    """
    return _atomic(Path(path), binary, private)


@contextlib.contextmanager
def _atomic(path: Path, binary: bool, private: bool = False) -> Iterator[IO[Any]]:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # the name is cut so that the temporary name stays within the usual 255-byte limit
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:100]}.", suffix=_TEMP_SUFFIX)
    except OSError as error:
        raise OutputError.of(path if error.filename is None else error.filename, error) from None
    try:
        try:
            os.fchmod(fd, PRIVATE_MODE if private else file_mode())
            handle = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8")
        except OSError as error:
            os.close(fd)
            raise OutputError.of(path, error) from None
        with handle:
            yield Guarded(handle, path)  # type: ignore[misc]
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as error:
                raise OutputError.of(path, error) from None
        try:
            os.replace(temp, path)
        except OSError as error:
            raise OutputError.of(path, error) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot, which is no reason to fail."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_bytes(path: Path | str, data: bytes, *, private: bool = False) -> Path:
    """Write ``data`` to ``path`` whole or not at all; returns the path. ``private`` as for :func:`atomic`."""
    with atomic(path, binary=True, private=private) as handle:
        handle.write(data)
    return Path(path)


def write_text(path: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all; returns the path."""
    with atomic(path) as handle:
        handle.write(text)
    return Path(path)


def remove(path: Path) -> None:
    """Remove a file the product wrote before; OutputError naming it if the system refuses."""
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise OutputError.of(path, error) from None


def remove_temporaries(path: Path) -> None:
    """Remove the hidden temporary files of ``path`` that a stopped writer left behind.

    Only for a writer known to be stopped (a killed worker): another one may be writing still.
    """
    prefix = f".{path.name[:100]}."
    with contextlib.suppress(OSError):
        for entry in path.parent.iterdir():
            if entry.name.startswith(prefix) and entry.name.endswith(_TEMP_SUFFIX):
                entry.unlink(missing_ok=True)


def is_temporary(name: str) -> bool:
    """Whether a file name is one of the temporary names used here (left behind by a kill -9)."""
    return name.startswith(".") and name.endswith(_TEMP_SUFFIX)
