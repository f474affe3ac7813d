"""Quality gate: the pipeline, run exactly as ``mpnews extract --manifest`` runs it, scored on
the compact evaluation set in ``corpus/`` against the pinned floors in ``floors.toml``.

- scrapinghub_aeb (60 pages): main-text F1, bag of words.
- trafilatura_eval (150 pages): with/without snippet F1 and publication-date accuracy.
- htmldate_eval (150 pages): date accuracy of the dating step alone (as extraction runs it).

The set ships inside the repository (``corpus/``: a seeded subset of the full corpus, with its
licences; ``scripts/build_quality_corpus.py`` regenerates it) and unpacks into a temporary
folder. The full corpus is for ``make bench``.
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
CORPUS = Path(__file__).with_name("corpus")
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
    return _load_corpus_module()


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("quality-corpus")


def _pages(corpus: ModuleType, set_name: str, cache: Path) -> list[Any]:
    return list(corpus.pages(set_name, corpus=CORPUS, cache=cache))


def _floor(name: str) -> float:
    return FLOORS["floors"][name]


def test_floors_never_below_the_libraries() -> None:
    floors, baselines = FLOORS["floors"], FLOORS["baselines"]
    assert set(floors) == set(baselines)
    for name, baseline in baselines.items():
        assert floors[name] >= baseline, f"{FLOORS_FILE.name}: {name} below the library"


def test_the_set_ships_with_its_licences() -> None:
    licences = sorted(p.name for p in (CORPUS / "LICENSES").iterdir())
    assert licences == [
        "adbar-trafilatura-htmldate.Apache-2.0.txt",
        "scrapinghub-article-extraction-benchmark.MIT.txt",
    ]
    assert {p.name for p in CORPUS.glob("*.tar.xz")} == {
        "scrapinghub_aeb.tar.xz",
        "adbar_eval.tar.xz",
    }
    assert (CORPUS / "score.py").is_file()


def test_scrapinghub_text_f1(corpus: ModuleType, unpacked: Path) -> None:
    pages = _pages(corpus, "scrapinghub_aeb", unpacked)
    assert len(pages) == 60
    result = corpus.score(pages, corpus.pipeline_predictions(pages), ("bow",), CORPUS)
    f1 = result["text"]["bow"]["f1"]
    assert f1 >= _floor("scrapinghub_text_f1_bow"), f"scrapinghub_aeb bow F1 {f1:.4f}"


def test_trafilatura_eval_snippets_and_dates(corpus: ModuleType, unpacked: Path) -> None:
    pages = _pages(corpus, "trafilatura_eval", unpacked)
    assert len(pages) == 150
    result = corpus.score(pages, corpus.pipeline_predictions(pages), ("bow",), CORPUS)
    snippet_f1, accuracy = result["snippets"]["f1"], result["date"]["accuracy"]
    assert snippet_f1 >= _floor("trafilatura_snippet_f1"), f"snippet F1 {snippet_f1:.4f}"
    assert accuracy >= _floor("trafilatura_date_accuracy"), f"date accuracy {accuracy:.4f}"


def test_htmldate_eval_dates(corpus: ModuleType, unpacked: Path) -> None:
    pages = _pages(corpus, "htmldate_eval", unpacked)
    assert len(pages) == 150
    result = corpus.score(pages, corpus.pipeline_dates(pages), ("bow",), CORPUS)
    accuracy = result["date"]["accuracy"]
    assert accuracy >= _floor("htmldate_date_accuracy"), f"htmldate_eval accuracy {accuracy:.4f}"
