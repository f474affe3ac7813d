"""Quality gate: the pipeline, run exactly as ``mpnews extract --manifest`` runs it, scored on
the shared evaluation corpus against the pinned floors in ``floors.toml``.

- scrapinghub_aeb (181 pages): main-text F1, bag of words.
- trafilatura_eval (990 pages): with/without snippet F1 and publication-date accuracy.
- htmldate_eval (1000 pages): date accuracy of the dating step alone (as extraction runs it).

The corpus sits beside the repository (``../shared/corpus``); it unpacks once into ``.bench/``.
A missing corpus FAILS the gate: a skipped gate would let quality drop silently.
"""

from __future__ import annotations

import sys
import tomllib
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
FLOORS_FILE = Path(__file__).with_name("floors.toml")
FLOORS: dict[str, dict[str, float]] = tomllib.loads(FLOORS_FILE.read_text(encoding="utf-8"))


def _load_corpus_module() -> ModuleType:
    path = ROOT / "benchmarks" / "_corpus.py"
    spec = spec_from_file_location("bench_corpus", path)
    assert spec is not None and spec.loader is not None, path
    module = module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus() -> ModuleType:
    module = _load_corpus_module()
    if not CORPUS.is_dir():
        pytest.fail(
            f"evaluation corpus missing: expected {CORPUS} (scrapinghub_aeb.tar.xz, "
            "adbar_eval.tar.xz, score.py) beside the repository; the quality gate cannot run"
        )
    return module


def _pages(corpus: ModuleType, set_name: str) -> list[Any]:
    try:
        return list(corpus.pages(set_name, corpus=CORPUS))
    except corpus.CorpusMissingError as exc:
        pytest.fail(str(exc))


def _floor(name: str) -> float:
    return FLOORS["floors"][name]


def test_floors_never_below_the_libraries() -> None:
    floors, baselines = FLOORS["floors"], FLOORS["baselines"]
    assert set(floors) == set(baselines)
    for name, baseline in baselines.items():
        assert floors[name] >= baseline, f"{FLOORS_FILE.name}: {name} below the library's score"


def test_scrapinghub_text_f1(corpus: ModuleType) -> None:
    pages = _pages(corpus, "scrapinghub_aeb")
    assert len(pages) == 181
    result = corpus.score(pages, corpus.pipeline_predictions(pages), ("bow",), CORPUS)
    f1 = result["text"]["bow"]["f1"]
    assert f1 >= _floor("scrapinghub_text_f1_bow"), f"scrapinghub_aeb bow F1 {f1:.4f}"


def test_trafilatura_eval_snippets_and_dates(corpus: ModuleType) -> None:
    pages = _pages(corpus, "trafilatura_eval")
    assert len(pages) == 990
    result = corpus.score(pages, corpus.pipeline_predictions(pages), ("bow",), CORPUS)
    snippet_f1, accuracy = result["snippets"]["f1"], result["date"]["accuracy"]
    assert snippet_f1 >= _floor("trafilatura_snippet_f1"), f"snippet F1 {snippet_f1:.4f}"
    assert accuracy >= _floor("trafilatura_date_accuracy"), f"date accuracy {accuracy:.4f}"


def test_htmldate_eval_dates(corpus: ModuleType) -> None:
    pages = _pages(corpus, "htmldate_eval")
    assert len(pages) == 1000
    result = corpus.score(pages, corpus.pipeline_dates(pages), ("bow",), CORPUS)
    accuracy = result["date"]["accuracy"]
    assert accuracy >= _floor("htmldate_date_accuracy"), f"htmldate_eval accuracy {accuracy:.4f}"
