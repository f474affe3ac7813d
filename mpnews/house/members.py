"""The MP registry file (``mpnews/data/mps.csv``): one row per MP, read into :class:`Mp`.

Columns are described in ``mpnews/data/README.md``. Every problem is one ConfigError line
naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from mpnews.exceptions import ConfigError

__all__ = [
    "COLUMNS",
    "SITE_KINDS",
    "Mp",
    "default_registry_path",
    "format_members",
    "read_default_members",
    "read_members",
    "write_members",
]

COLUMNS = (
    "member_id",
    "name",
    "aliases",
    "constituency",
    "party",
    "honorifics",
    "surname",
    "former_constituencies",
    "sitting",
    "sat_from",
    "sat_until",
    "left",
    "website",
    "site",
)
_REQUIRED = ("name", "constituency", "party")
SITE_KINDS = ("own", "party")
_YES_NO = {"yes": True, "no": False}


@dataclass(frozen=True, slots=True)
class Mp:
    """One MP. ``member_id`` is the Members API id (None only for MPs who left before 2024)."""

    name: str
    constituency: str
    party: str
    aliases: tuple[str, ...] = ()
    honorifics: tuple[str, ...] = ()
    surname: str = ""
    former_constituencies: tuple[str, ...] = ()
    left: str = ""
    member_id: int | None = None
    is_sitting: bool | None = None  # None: decided by ``left``
    sat_from: date | None = None
    sat_until: date | None = None
    website: str = ""
    site: str = ""  # "own", "party" or "" (no website)

    @property
    def sitting(self) -> bool:
        return self.is_sitting if self.is_sitting is not None else not self.left

    @property
    def last_name(self) -> str:
        return self.surname or self.name.split()[-1]


def default_registry_path() -> Path:
    """The packaged registry file."""
    return Path(str(resources.files("mpnews") / "data" / "mps.csv"))


@lru_cache(maxsize=1)
def read_default_members() -> tuple[Mp, ...]:
    return read_members(default_registry_path())


def read_members(path: str | Path) -> tuple[Mp, ...]:
    """Every MP of a registry CSV, in file order. Raises ConfigError naming the problem."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, strict=True)
            rows = list(reader)
            header = list(reader.fieldnames or ())
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: cannot read the MP registry ({exc})") from exc
    if not rows:
        raise ConfigError(f"{path}: the MP registry has no rows; expected columns {COLUMNS}")
    _check_header(path, header)
    mps = tuple(_parse_row(path, line, row) for line, row in enumerate(rows, start=2))
    _check_unique(path, mps)
    return mps


def format_members(mps: tuple[Mp, ...] | list[Mp]) -> str:
    """The CSV text of a registry (all columns, one row per MP, in the order given)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for mp in mps:
        writer.writerow(_row(mp))
    return out.getvalue()


def write_members(path: str | Path, mps: tuple[Mp, ...] | list[Mp]) -> None:
    """Rewrite a registry file atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(format_members(mps), encoding="utf-8")
    tmp.replace(path)


def _row(mp: Mp) -> list[str]:
    surname = mp.surname if mp.surname and mp.surname != mp.name.split()[-1] else ""
    return [
        "" if mp.member_id is None else str(mp.member_id),
        mp.name,
        ";".join(mp.aliases),
        mp.constituency,
        mp.party,
        ";".join(mp.honorifics),
        surname,
        ";".join(mp.former_constituencies),
        "yes" if mp.sitting else "no",
        mp.sat_from.isoformat() if mp.sat_from else "",
        mp.sat_until.isoformat() if mp.sat_until else "",
        mp.left,
        mp.website,
        mp.site,
    ]


def _check_header(path: Path, header: list[str]) -> None:
    missing = [c for c in _REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        problem = f"missing column {missing[0]!r}" if missing else f"unknown column {unknown[0]!r}"
        raise ConfigError(f"{path}: {problem}; columns are {', '.join(COLUMNS)}")


def _check_unique(path: Path, mps: tuple[Mp, ...]) -> None:
    names: set[str] = set()
    ids: set[int] = set()
    for mp in mps:
        if mp.name in names:
            raise ConfigError(f"{path}: name {mp.name!r} appears twice; keep one row per MP")
        if mp.member_id is not None and mp.member_id in ids:
            raise ConfigError(
                f"{path}: member_id {mp.member_id} appears twice; keep one row per MP"
            )
        names.add(mp.name)
        if mp.member_id is not None:
            ids.add(mp.member_id)


def _parse_row(path: Path, line: int, row: dict[str | None, str | list[str] | None]) -> Mp:
    if None in row or any(value is None for value in row.values()):
        raise ConfigError(f"{path}: line {line}: wrong number of fields; quote values with commas")
    cell = {k: str(v).strip() for k, v in row.items() if k is not None}
    where = f"{path}: line {line}"
    for column in _REQUIRED:
        if not cell.get(column):
            raise ConfigError(f"{where}: column {column!r} is empty")
    name = cell["name"]
    site = cell.get("site", "")
    if site and site not in SITE_KINDS:
        raise ConfigError(f"{where}: column 'site' is {site!r}; use own, party or leave it empty")
    return Mp(
        name=name,
        constituency=cell["constituency"],
        party=cell["party"],
        aliases=_split(cell.get("aliases", "")),
        honorifics=_split(cell.get("honorifics", "")),
        surname=cell.get("surname") or name.split()[-1],
        former_constituencies=_split(cell.get("former_constituencies", "")),
        left=cell.get("left", ""),
        member_id=_member_id(cell.get("member_id", ""), where),
        is_sitting=_yes_no(cell.get("sitting", ""), where),
        sat_from=_date(cell, "sat_from", where),
        sat_until=_date(cell, "sat_until", where),
        website=cell.get("website", ""),
        site=site or ("own" if cell.get("website") else ""),
    )


def _member_id(value: str, where: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise ConfigError(f"{where}: column 'member_id' is {value!r}; use the Members API number")
    return int(value)


def _yes_no(value: str, where: str) -> bool | None:
    if not value:
        return None
    if value not in _YES_NO:
        raise ConfigError(f"{where}: column 'sitting' is {value!r}; use yes or no")
    return _YES_NO[value]


def _date(cell: dict[str, str], column: str, where: str) -> date | None:
    value = cell.get(column, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{where}: column {column!r} is {value!r}; use YYYY-MM-DD") from None


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())
