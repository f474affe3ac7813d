"""Free space: checked before a run starts, and recognised when it runs out during one.

``check_free_space`` refuses a run whose folders (the data folder, the archive, Prefect's home)
have less than ``MPNEWS_MIN_FREE_MIB`` free; ``is_disk_full`` tells a full disk apart from any
other failure, anywhere in an exception's chain (an ``OSError`` with ``ENOSPC`` or ``EDQUOT``,
or DuckDB's "No space left on device" IO errors, which carry no errno). ``disk_full_error`` is
the one-line error naming the folder, its free space and the fix.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterable
from pathlib import Path

from mpnews.exceptions import DiskFullError

__all__ = [
    "DISK_FULL",
    "check_free_space",
    "disk_full_error",
    "free_mib",
    "is_disk_full",
]

DISK_FULL = "disk full"  # how a reason or error about a full disk begins
_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_MESSAGES = ("no space left on device", "disk quota exceeded")
_MIB = 1 << 20


def free_mib(folder: str | Path) -> float:
    """Free space, in MiB, of the file system holding ``folder`` (or its nearest parent)."""
    path = Path(folder).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free / _MIB


def check_free_space(folders: Iterable[str | Path], min_free_mib: int) -> None:
    """Raise :class:`DiskFullError` for the first folder with under ``min_free_mib`` free."""
    for folder in folders:
        if free_mib(folder) < min_free_mib:
            raise disk_full_error(folder, min_free_mib)


def disk_full_error(
    folder: str | Path, min_free_mib: int | None = None, *, ran_out: bool = False
) -> DiskFullError:
    """The one-line error for a full disk under ``folder``: where, how much is free, the fix.

    ``ran_out``: the run ran out of space while writing (what it wrote since is cleaned up).
    """
    free = f"{free_mib(folder):.1f} MiB free"
    needs = f" (a run needs MPNEWS_MIN_FREE_MIB={min_free_mib})" if min_free_mib else ""
    state = f"ran out of space during the run ({free} now)" if ran_out else f"has {free}{needs}"
    return DiskFullError(
        f"{DISK_FULL}: {Path(folder).absolute()} {state}; free some "
        "space there (old WARC runs under archive/ can go) or set MPNEWS_DATA_DIR to a bigger "
        "disk, then run again: the published warehouse is unchanged"
    )


def is_disk_full(exc: BaseException) -> bool:
    """True when ``exc``, or any exception in its cause/context chain, is a full disk."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DiskFullError):
            return True
        if isinstance(current, OSError) and current.errno in _ERRNOS:
            return True
        if any(m in str(current).lower() for m in _MESSAGES):
            return True
        current = current.__cause__ or current.__context__
    return False
