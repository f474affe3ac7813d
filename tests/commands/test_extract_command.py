"""``mpnews extract``: one JSON line per post or rejected page, in input order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mpnews.cli import main

FIXTURES = Path(__file__).parents[1] / "pipeline" / "fixtures"
WEEBLY = "https://www.rosena4tooting.com/news"
KEYS = {
    "id", "url", "title", "author", "published_date", "date_source", "body", "categories",
    "topics", "mps", "date_conflicts", "date_error",
}  # fmt: skip
ARTICLE = (
    "<html><head><title>Library hours</title></head><body><article><h1>Library hours</h1>"
    "<p>{text}</p></article></body></html>"
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict], str]:
    code = main(["extract", *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def _article(text: str) -> str:
    return ARTICLE.format(text=f"{text} " * 6)


def test_one_post_page(capsys: pytest.CaptureFixture[str]) -> None:
    page = FIXTURES / "weebly_post.html"
    code, [record], _ = _run(capsys, str(page), "--url", f"{WEEBLY}/a-post")
    assert code == 0
    assert set(record) == KEYS
    assert record["id"] == str(page)
    assert record["published_date"] == "2020-02-05" and record["date_source"] == "visible"
    assert record["categories"] == ["Deputy Leadership Campaign"]
    assert record["topics"]
    assert {"mp": "Rosena Allin-Khan", "role": "mentioned", "member_id": 4573} in record["mps"]
    assert "Picture" not in record["body"].splitlines()


def test_mp_option_makes_the_mp_the_author(capsys: pytest.CaptureFixture[str]) -> None:
    page = FIXTURES / "weebly_post.html"
    _, [record], _ = _run(capsys, str(page), "--url", WEEBLY, "--mp", "Rosena Allin-Khan")
    assert record["mps"][0] == {"mp": "Rosena Allin-Khan", "role": "author", "member_id": 4573}


def test_listing_flag_splits_whole_posts(capsys: pytest.CaptureFixture[str]) -> None:
    page = str(FIXTURES / "weebly_listing.html")
    _, as_post, _ = _run(capsys, page, "--url", WEEBLY)
    _, as_listing, _ = _run(capsys, page, "--url", WEEBLY, "--listing")
    assert len(as_post) == 1
    assert len(as_listing) > 1
    assert all(r["url"].startswith(f"{WEEBLY}/") for r in as_listing)


def test_manifest_keeps_order_and_rejects_per_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "empty.html").write_bytes(b"")
    rows = [{"id": "weebly", "path": str(FIXTURES / "weebly_post.html"), "url": WEEBLY}]
    for n in range(20):  # enough pages for several chunks on two workers
        (pages / f"a{n}.html").write_text(_article(f"The council met on day {n}."), "utf-8")
        rows.append({"id": f"a{n}", "path": f"pages/a{n}.html"})
    rows[5:5] = [
        {"id": "gone", "path": "pages/missing.html"},
        {"id": 7, "path": "pages/empty.html"},
    ]
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    code, records, _ = _run(capsys, "--manifest", str(manifest), "--workers", "2")
    assert code == 0
    assert [r["id"] for r in records] == [str(r["id"]) for r in rows]
    by_id = {r["id"]: r for r in records}
    assert by_id["gone"] == {"id": "gone", "rejected": f"no such file: {pages / 'missing.html'}"}
    assert by_id["7"] == {"id": "7", "rejected": "empty body"}
    assert by_id["a3"]["body"].startswith("The council met on day 3.")
    assert by_id["a3"]["url"] == (pages / "a3.html").as_uri()


def test_listing_without_whole_posts_is_a_rejection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "m.jsonl"
    teasers = FIXTURES / "weebly_listing_teasers.html"
    manifest.write_text(json.dumps({"id": "t", "path": str(teasers), "url": WEEBLY}) + "\n")
    _, records, _ = _run(capsys, "--manifest", str(manifest), "--listing", "--workers", "1")
    assert records == [{"id": "t", "rejected": "no post on the page"}]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not JSON"),
        ('["a", "b"]', "expected an object"),
        ('{"id": "x"}', 'needs "id" and "path"'),
        ('{"id": "x", "path": "p.html", "url": 3}', '"url" must be a string'),
    ],
)
def test_bad_manifest_line_is_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, problem: str
) -> None:
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"id": "ok", "path": "p.html"}\n' + line + "\n", encoding="utf-8")
    code, records, err = _run(capsys, "--manifest", str(manifest))
    assert code == 2 and records == []
    assert err.startswith(f"mpnews: error: {manifest}:2: {problem}")
    assert len(err.strip().splitlines()) == 1


def test_missing_page_or_manifest_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, str(tmp_path / "nope.html"))
    assert code == 2 and "nope.html: no such file" in err
    code, _, err = _run(capsys, "--manifest", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "cannot read manifest" in err
