"""Damage a warehouse file the way disks and killed copies do (for the integrity tests)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["corrupt", "truncate"]

_BLOCK = 262144  # DuckDB's block size: each block starts with its checksum


def truncate(path: Path) -> None:
    """Cut the file to half its size (a copy that stopped, a full disk)."""
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def corrupt(path: Path) -> None:
    """Flip bytes at the start of every data block (a failing disk)."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        for offset in range(3 * 4096, size, _BLOCK):
            handle.seek(offset)
            handle.write(bytes(64 * [0xA5]))
