"""The shipped topic model: packaged, loadable without scikit-learn, faithful after a round trip."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from dataclasses import replace
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from mpnews.exceptions import ConfigError
from pipeline.categorise import classify, classify_keywords, load_taxonomy
from pipeline.topic_model import MODEL_PATH, load_topic_model

ROOT = Path(__file__).parents[2]
POST = (
    "Hospital waiting lists grow",
    "Patients wait longer for operations as the NHS struggles with staff shortages; "
    "nurses and doctors warn that hospitals cannot cope this winter.",
)


def test_model_ships_as_package_data() -> None:
    packaged = resources.files("mpnews") / "data" / "topic_model.npz"
    assert packaged.is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["mpnews"]
    assert any(fnmatch.fnmatch("data/topic_model.npz", pattern) for pattern in patterns)
    assert MODEL_PATH.stat().st_size < 2_000_000


def test_model_covers_exactly_the_taxonomy() -> None:
    model = load_topic_model()
    assert set(model.topics) == set(load_taxonomy().ids)
    assert model.weights.shape == (len(model.vocabulary), len(model.topics))
    assert model.predict(*POST)[0] == "health-nhs"


def test_round_trip_keeps_every_score(tmp_path: Path) -> None:
    model = load_topic_model()
    model.save(tmp_path / "copy.npz")
    copy = load_topic_model(tmp_path / "copy.npz")
    assert copy.topics == model.topics and copy.vocabulary == model.vocabulary
    np.testing.assert_array_equal(copy.scores(*POST), model.scores(*POST))
    assert (copy.floor, copy.threshold, copy.max_topics) == (
        model.floor,
        model.threshold,
        model.max_topics,
    )
    assert (copy.min_words, copy.keyword_weight) == (model.min_words, model.keyword_weight)


def test_keyword_votes_nudge_the_scores() -> None:
    model = load_topic_model()
    plain = model.scores(*POST)
    nudged = model.scores(*POST, votes=("transport", "housing"))
    step = nudged - plain
    assert step[model.topics.index("transport")] == pytest.approx(model.keyword_weight)
    assert step[model.topics.index("housing")] == pytest.approx(model.keyword_weight / 2)
    assert np.count_nonzero(step) == 2


def test_short_posts_fall_back_to_the_keyword_vote() -> None:
    model = load_topic_model()
    assert model.too_short("NHS waiting lists", "The NHS and hospitals.")
    assert model.predict("NHS waiting lists", "The NHS and hospitals.") == ()
    assert classify("NHS waiting lists", "The NHS and hospitals.") == classify_keywords(
        "NHS waiting lists", "The NHS and hospitals."
    )
    assert classify("Thank you", "A lovely day out.") == ()


def test_a_taxonomy_the_model_does_not_cover_uses_the_keyword_vote(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(
        '[topics.waiting]\nlabel = "Waiting"\naliases = []\nkeywords = ["waiting", "wait"]\n',
        encoding="utf-8",
    )
    taxonomy = load_taxonomy(path)
    assert classify(*POST, taxonomy=taxonomy) == ("waiting",)


def test_no_topic_below_the_floor() -> None:
    model = replace(load_topic_model(), floor=1e9)
    assert model.predict(*POST) == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip file at all", "not a topic model"),
        (None, "not a topic model"),
        ("mismatch", "disagree in size"),
    ],
)
def test_broken_model_file_is_a_config_error(
    tmp_path: Path, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / "model.npz"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is None:
        np.savez_compressed(path, topics=np.array(["a"]))
    else:
        model = load_topic_model()
        replace(model, idf=model.idf[:-1]).save(path)
    with pytest.raises(ConfigError, match=message):
        load_topic_model(path)


def test_classify_runs_without_scikit_learn() -> None:
    code = (
        "import sys; sys.modules['sklearn'] = None\n"
        "from pipeline.categorise import classify\n"
        f"print(classify({POST[0]!r}, {POST[1]!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "health-nhs" in done.stdout
