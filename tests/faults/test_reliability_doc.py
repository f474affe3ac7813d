"""docs/reliability.md names a real test for every fault it lists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
_NODE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


def _rows() -> list[str]:
    text = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    table = text.split("## The faults", 1)[1].split("## Faults added in this change", 1)[0]
    return [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_every_fault_row_names_tests_that_exist() -> None:
    rows = _rows()
    assert len(rows) >= 15
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert len(cells) == 4 and all(cells), row
        nodes = _NODE.findall(cells[2])
        assert nodes, row
        for path, name in nodes:
            assert (ROOT / path).is_file(), path
            assert not name or name in _tests_in(ROOT / path), f"{path}::{name}"
