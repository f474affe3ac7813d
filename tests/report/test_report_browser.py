"""The report renders in a real browser: headless Chromium (Debian's ``chromium`` package).

Chromium is a system package, installed by ``make setup-browser``
(``scripts/install-browser.sh``). Without it these tests fail, saying so.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest
from report_builders import Built

from mpnews.report import write_report

WIDTH, HEIGHT = 1200, 2000
CHART_BLUE = (0x4E, 0x79, 0xA7)  # first palette colour: the busiest MP's line, new posts
FAILED_RED = (0xD7, 0x30, 0x1F)  # failed crawl runs
_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
    "--force-device-scale-factor=1",
)  # fmt: skip


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).is_file():
        pytest.fail(
            "headless Chromium is not installed (no `chromium` on PATH or /usr/bin/chromium): "
            "run `make setup-browser` (scripts/install-browser.sh) and test again",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="module")
def report_url(report_warehouse: Built, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = write_report(report_warehouse.path, tmp_path_factory.mktemp("html") / "report.html")
    return out.resolve().as_uri()


def _chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [binary, *_FLAGS, f"--user-data-dir={profile}", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, f"chromium failed ({result.returncode}): {result.stderr[-2000:]}"
    return result


def test_screenshot_shows_the_charts(chromium: str, report_url: str, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    _chromium(chromium, tmp_path / "profile", f"--screenshot={png}",
              f"--window-size={WIDTH},{HEIGHT}", report_url)  # fmt: skip
    pixels = _decode_png(png.read_bytes())
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    rgb = pixels[:, :, :3].astype(np.int16)
    inked = (rgb.min(axis=2) < 200).mean()
    colours = len(np.unique(rgb.reshape(-1, 3) @ np.array([65536, 256, 1]), axis=0))
    assert inked > 0.03, f"screenshot nearly blank: {inked:.1%} of pixels inked"
    assert colours > 50, f"screenshot has only {colours} distinct colours"
    assert _near(rgb, CHART_BLUE) > 2000, "no chart lines/bars in the first palette colour"
    assert _near(rgb, FAILED_RED) > 200, "failed crawl runs are not drawn in red"


def test_dom_has_the_charts_and_no_injected_markup(
    chromium: str, report_url: str, tmp_path: Path
) -> None:
    dom = _chromium(chromium, tmp_path / "profile", "--dump-dom", report_url).stdout
    assert dom.count('<svg class="chart"') == 5
    for chart in ("posts-per-mp", "topics", "new-vs-duplicates", "crawl-runs", "health"):
        assert f'data-chart="{chart}"' in dom
    assert dom.count("<polyline") >= 3 and dom.count('class="cell"') == 30
    assert "<script" not in dom and "<b>" not in dom and "<i>" not in dom and "<img" not in dom
    assert "Budget day &lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert '"quotes" &amp; &lt;b&gt;' in dom


def _near(rgb: np.ndarray, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    distance = np.abs(rgb - np.array(colour, dtype=np.int16)).max(axis=2)
    return int((distance <= tolerance).sum())


def _decode_png(data: bytes) -> np.ndarray:
    """Pixels (height, width, channels) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, bytearray(), b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, "unsupported PNG"
    channels = 3 if colour_type == 2 else 4
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(bytes(idat)), dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        out[y] = _unfilter(int(raw[y, 0]), raw[y, 1:], previous, channels)
        previous = out[y]
    return out.reshape(height, width, channels)


def _unfilter(kind: int, line: np.ndarray, up: np.ndarray, bpp: int) -> np.ndarray:
    if kind == 0:
        return line
    if kind == 2:
        return line + up  # uint8 arithmetic wraps modulo 256, as PNG wants
    if kind == 1:
        return np.cumsum(line.reshape(-1, bpp), axis=0, dtype=np.uint64).astype(np.uint8).ravel()
    row, above = bytearray(line.tobytes()), up.tobytes()
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = above[i]
        if kind == 3:
            row[i] = (row[i] + (a + b) // 2) & 0xFF
            continue
        c = above[i - bpp] if i >= bpp else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    return np.frombuffer(bytes(row), dtype=np.uint8)
