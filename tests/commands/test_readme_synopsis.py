"""README's CLI synopsis lists every command and every option ``mpnews COMMAND --help`` shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mpnews.cli import COMMANDS, build_parser

README = Path(__file__).parents[2] / "README.md"
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
_GROUP = re.compile(r"\[[^\]]*\]")
_WORD = re.compile(r"^[a-z][a-z-]*$")
_ACTION = re.compile(r"^ {4}([a-z][a-z-]*)(?: {2,}|$)", re.M)  # how argparse lists actions


def _synopsis() -> dict[str, set[str]]:
    """Options per command in README's "### Command line" block (continuation lines too).

    A command with actions (``mpnews registry [...] sources ...``) is keyed by both words.
    """
    text = README.read_text(encoding="utf-8")
    section = text.split("### Command line", 1)[1]
    block = section.split("```", 2)[1]
    found: dict[str, set[str]] = {}
    command = None
    for line in block.splitlines():
        words = _GROUP.sub(" ", line).split()
        if words[:1] == ["mpnews"] and len(words) > 1:
            action = words[2:3] if len(words) > 2 and _WORD.match(words[2]) else []
            command = " ".join([words[1], *action])
            found.setdefault(command, set())
        if command is not None:
            found[command] |= set(_OPTION.findall(line))
    return found


def _help_options(command: str, capsys: pytest.CaptureFixture[str]) -> set[str]:
    """Options ``mpnews COMMAND --help`` shows (and ``mpnews COMMAND ACTION --help``)."""
    words = command.split()
    shown: set[str] = set()
    for depth in range(1, len(words) + 1):
        with pytest.raises(SystemExit) as done:
            build_parser().parse_args([*words[:depth], "--help"])
        assert done.value.code == 0
        shown |= set(_OPTION.findall(capsys.readouterr().out))
    return shown - {"--help"}


def test_readme_lists_every_command_and_action(capsys: pytest.CaptureFixture[str]) -> None:
    listed = _synopsis()
    assert sorted({key.split()[0] for key in listed}) == sorted(COMMANDS)
    for command in COMMANDS:
        with pytest.raises(SystemExit):
            build_parser().parse_args([command, "--help"])
        actions = set(_ACTION.findall(capsys.readouterr().out))
        in_readme = {k.split()[1] for k in listed if k.startswith(f"{command} ")}
        assert in_readme == actions, f"README's actions of `mpnews {command}`"


@pytest.mark.parametrize("command", sorted(_synopsis()))
def test_readme_lists_every_option(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _synopsis()[command] == _help_options(command, capsys), (
        f"README's synopsis of `mpnews {command}` differs from `mpnews {command} --help`"
    )
