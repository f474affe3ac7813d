"""The fault tests share one real crawl over every fault site (see ``fault_crawl``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fault_crawl import FaultRun, crawl_faults


@pytest.fixture(scope="session")
def fault_run(
    tmp_path_factory: pytest.TempPathFactory, prefect_harness: None
) -> Iterator[FaultRun]:
    with crawl_faults(tmp_path_factory.mktemp("faults")) as run:
        yield run
