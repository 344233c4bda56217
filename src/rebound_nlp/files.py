"""Write files so that nothing the user owns is ever half-written.

Output goes to a temporary file in the target's folder and replaces the
target with one ``os.replace`` once it is complete and on disk.  An error,
Ctrl-C or a file-size limit leaves the old file as it was, and the temporary
file is removed.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

__all__ = ["atomic_path"]


def _create_temp(folder: Path, name: str) -> Path:
    """A new, empty file beside ``name``, with the permissions a new file gets
    (``os.open`` applies the umask, which ``tempfile`` does not)."""
    while True:
        tmp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``path`` when the block ends.

    If the block raises (or is interrupted), ``path`` is untouched and the
    temporary file is removed.  A symbolic link at ``path`` is followed: the
    file it points to is replaced, the link stays.  A file being replaced
    keeps its permission bits.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("complete")
    >>> target.read_text()
    'complete'
    >>> import shutil; shutil.rmtree(target.parent)
    """
    target = Path(os.path.realpath(path))
    tmp = _create_temp(target.parent, target.name)
    try:
        yield tmp
        with suppress(FileNotFoundError):  # nothing to replace: keep a new file's mode
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        _sync(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
