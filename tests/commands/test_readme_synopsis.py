"""README's CLI synopsis lists every command and every option ``mpnews COMMAND --help`` shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mpnews.cli import COMMANDS, build_parser

README = Path(__file__).parents[2] / "README.md"
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _synopsis() -> dict[str, set[str]]:
    """Options per command in README's "### Command line" block (continuation lines too)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Command line", 1)[1]
    block = section.split("```", 2)[1]
    found: dict[str, set[str]] = {}
    command = None
    for line in block.splitlines():
        words = line.split()
        if words[:1] == ["mpnews"] and len(words) > 1:
            command = words[1]
            found.setdefault(command, set())
        if command is not None:
            found[command] |= set(_OPTION.findall(line))
    return found


def _help_options(command: str, capsys: pytest.CaptureFixture[str]) -> set[str]:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([command, "--help"])
    assert done.value.code == 0
    return set(_OPTION.findall(capsys.readouterr().out)) - {"--help"}


def test_readme_lists_every_command() -> None:
    assert sorted(_synopsis()) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_lists_every_option(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _synopsis()[command] == _help_options(command, capsys), (
        f"README's synopsis of `mpnews {command}` differs from `mpnews {command} --help`"
    )
