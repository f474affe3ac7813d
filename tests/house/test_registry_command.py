"""``mpnews registry refresh`` against recorded Members API answers served on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from mpnews.cli import main
from mpnews.house.members import read_members

FIXTURES = Path(__file__).parent / "fixtures" / "members_api"
REGISTRY = """\
member_id,name,aliases,constituency,party,honorifics,surname,former_constituencies,sitting,sat_from,sat_until,left,website,site
4573,Rosena Allin-Khan,Rosena Allin Khan,Tooting,Labour,Dr,,,yes,2024-07-04,,,,
4514,Keir Starmer,,Holborn and St Pancras,Independent,Sir,,,yes,2024-07-04,,,http://www.keirstarmer.com/,own
9002,Ann Departed,,Testshire,Green Party,,,,yes,2024-07-04,,,,
,Sadiq Khan,,Tooting,Labour,,,,no,,,2016,,
"""


class _Api(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        segments = parts.path.strip("/").split("/")
        if parts.path == "/api/Members/Search":
            name = f"search_skip{parse_qs(parts.query)['skip'][0]}.json"
        elif len(segments) == 4 and segments[3] == "Contact":
            name = f"contact_{segments[2]}.json"
        else:
            name = f"member_{segments[-1]}.json"
        path = FIXTURES / name
        body = path.read_bytes() if path.is_file() else b'{"error": "not found"}'
        self.send_response(200 if path.is_file() else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_refresh_rewrites_the_registry_and_prints_changes(
    api: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "mps.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    assert main(["registry", "refresh", "--registry", str(registry), "--api", api]) == 0
    out = capsys.readouterr().out
    assert "new MP: Newly Elected (Reform UK, Runcorn and Helsby; member_id 5999)" in out
    assert "departure: Ann Departed (Green Party, Testshire; member_id 9002)" in out
    assert "party change: Keir Starmer (Labour, Holborn and St Pancras; member_id 4514): " \
        "Independent -> Labour" in out  # fmt: skip
    assert "new website: Rosena Allin-Khan" in out and "http://www.drrosena.co.uk/" in out
    mps = {mp.name: mp for mp in read_members(registry)}
    assert set(mps) == {"Rosena Allin-Khan", "Keir Starmer", "Ann Departed", "Sadiq Khan",
                        "Newly Elected"}  # fmt: skip
    assert mps["Newly Elected"].website == "https://www.newlyelected.org.uk"
    assert str(mps["Newly Elected"].sat_from) == "2025-05-01"
    assert not mps["Ann Departed"].sitting and str(mps["Ann Departed"].sat_until) == "2025-09-30"
    assert mps["Keir Starmer"].website == "http://www.keirstarmer.com/"  # kept: API lists none
    assert mps["Rosena Allin-Khan"].aliases == ("Rosena Allin Khan",)  # hand edits survive
    assert mps["Sadiq Khan"].left == "2016"
    capsys.readouterr()
    assert main(["registry", "refresh", "--registry", str(registry), "--api", api]) == 0
    assert "no changes" in capsys.readouterr().out


def test_dry_run_writes_nothing(
    api: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "mps.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    assert (
        main(["registry", "refresh", "--registry", str(registry), "--api", api, "--dry-run"]) == 0
    )
    assert "would write" in capsys.readouterr().out
    assert registry.read_text(encoding="utf-8") == REGISTRY


def test_unreachable_or_broken_api_is_one_line_and_keeps_the_file(
    api: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "mps.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    for url in (f"{api}/nothing-here", "http://127.0.0.1:9"):
        assert main(["registry", "refresh", "--registry", str(registry), "--api", url]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert "HTTP 404" in err[0] or "cannot reach the Members API" in err[0]
    assert registry.read_text(encoding="utf-8") == REGISTRY


def test_members_api_is_a_setting(
    monkeypatch: pytest.MonkeyPatch, api: str, tmp_path: Path
) -> None:
    registry = tmp_path / "mps.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    monkeypatch.setenv("MPNEWS_MEMBERS_API", api)
    assert main(["registry", "refresh", "--registry", str(registry)]) == 0
    assert "Newly Elected" in registry.read_text(encoding="utf-8")
