"""A small disk for the full-disk tests: a tmpfs of a few MiB mounted on a test folder.

The tests run as root (here and in CI), so ``mount -t tmpfs`` is allowed; the disk is unmounted
when the block ends. :meth:`SmallDisk.fill` leaves a chosen amount free with a filler file and
:meth:`SmallDisk.make_room` deletes it again.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

__all__ = ["SmallDisk", "small_disk"]

_MIB = 1 << 20


class SmallDisk:
    """A mounted tmpfs at :attr:`root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.filler = root / "filler.bin"

    def free_mib(self) -> float:
        return shutil.disk_usage(self.root).free / _MIB

    def fill(self, leave_mib: float = 0) -> None:
        """Grow the filler file until only ``leave_mib`` MiB is free (0: the disk is full)."""
        chunk = b"\0" * (64 << 10)
        with open(self.filler, "ab") as out:
            try:
                while shutil.disk_usage(self.root).free > leave_mib * _MIB:
                    room = shutil.disk_usage(self.root).free - int(leave_mib * _MIB)
                    out.write(chunk[: max(4096, min(len(chunk), room))])
                    out.flush()
            except OSError:  # full: the write that did not fit is dropped
                pass

    def make_room(self) -> None:
        self.filler.unlink(missing_ok=True)


@contextlib.contextmanager
def small_disk(folder: Path, mib: int) -> Iterator[SmallDisk]:
    """Mount a ``mib`` MiB tmpfs on ``folder`` for the block; unmount it after."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={mib}m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        raise RuntimeError(
            f"cannot mount a {mib} MiB tmpfs on {folder} ({mounted.stderr.strip()}): the "
            "full-disk tests need root (CAP_SYS_ADMIN), as in CI"
        )
    try:
        yield SmallDisk(folder)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True, capture_output=True)
