"""Property: any batch of posts loads twice to the same warehouse, text intact."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wh_builders import dump, post_row, run_record

from warehouse.load import load_run
from warehouse.rows import PostRow

_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
_POSTS = st.lists(
    st.tuples(st.sampled_from("abcde"), _TEXT, st.lists(_TEXT, max_size=4)),
    max_size=8,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_POSTS)
def test_any_batch_is_idempotent_and_round_trips(batch: list[tuple[str, str, list[str]]]) -> None:
    rows = [post_row(pid, title=title, categories=tuple(cats)) for pid, title, cats in batch]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mpnews.duckdb"
        load_run(path, run=run_record(), posts=rows)
        once = dump(path)
        load_run(path, run=run_record(), posts=rows)
        assert dump(path) == once
    first: dict[str, PostRow] = {}
    for row in rows:
        first.setdefault(row.post_id, row)
    stored = {r[0]: (r[4], r[10]) for r in once["posts"]}
    assert stored == {pid: (r.title, list(r.categories)) for pid, r in first.items()}
