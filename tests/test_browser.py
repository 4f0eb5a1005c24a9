"""The HTML report and annotated documents in a real headless Chromium.

Needs Debian's chromium (`.ci/run` installs it). Without it the tests skip, except under
CI=true, where a missing browser is a failure. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from massage_evidence import load
from massage_evidence.rendering import render, render_document

from .conftest import REPO, Project
from .test_rendering import hostile

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


class Watched:
    """A page that records console errors, script errors, dialogs and every request."""

    def __init__(self, browser: Any, width: int, height: int = 900) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def outside(self, folder: Path) -> list[str]:
        """Requests for anything but the pages in `folder`."""
        pages = {p.as_uri() for p in folder.glob("*.html")}
        return [url for url in self.requests if url.split("#")[0] not in pages]

    def overflow(self) -> int:
        return int(self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled report and annotated documents, written side by side."""
    folder = tmp_path_factory.mktemp("site")
    corpus = load(REPO / "data" / "claims.yaml")
    (folder / "report.html").write_text(render(corpus, "html"), encoding="utf-8")
    for name in corpus.documents:
        (folder / f"{name}.html").write_text(render_document(corpus, name), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    return folder


def test_report_loads_cleanly_and_shows_the_evidence_map(browser: Any, site: Path) -> None:
    """No console error, no request leaves the file, the evidence map is visible."""
    watched = Watched(browser, 1280)
    page = watched.open(site / "report.html")
    figure = page.locator("#evidence-map")
    assert figure.is_visible()
    box = figure.bounding_box()
    assert box is not None
    assert box["width"] > 600
    assert box["height"] > 150
    assert page.locator("#evidence-map a").count() == 35
    page.screenshot(path=ARTIFACTS / "report-desktop.png", full_page=False)
    figure.screenshot(path=ARTIFACTS / "evidence-map.png")
    assert (watched.errors, watched.outside(site)) == ([], [])


def test_a_mark_on_the_map_leads_to_its_claim(browser: Any, site: Path) -> None:
    """Selecting a mark scrolls to the claim it stands for."""
    watched = Watched(browser, 1280)
    page = watched.open(site / "report.html")
    page.locator('#evidence-map a[href="#claim-circulation-flushes-toxins"]').click()
    page.wait_for_function("location.hash === '#claim-circulation-flushes-toxins'")
    assert page.locator("#claim-circulation-flushes-toxins").is_visible()


def test_clicking_a_passage_lands_on_its_claim(browser: Any, site: Path) -> None:
    """A highlighted passage in an annotated document opens its claim in the report."""
    watched = Watched(browser, 1280)
    page = watched.open(site / "wellness.html")
    passage = page.locator('a.passage[href="report.html#claim-circulation-flushes-toxins"]')
    assert passage.inner_text() == "flushing out toxins"
    page.screenshot(path=ARTIFACTS / "annotated-wellness.png")
    passage.click()
    page.wait_for_url("**/report.html#claim-circulation-flushes-toxins")
    claim = page.locator("#claim-circulation-flushes-toxins")
    box = claim.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < 900
    assert (
        page.evaluate("document.querySelector(':target').id") == "claim-circulation-flushes-toxins"
    )
    page.screenshot(path=ARTIFACTS / "report-claim.png")
    assert (watched.errors, watched.outside(site)) == ([], [])


@pytest.mark.parametrize("name", ["report.html", "wellness.html", "backpage.html"])
def test_nothing_overflows_on_a_phone(browser: Any, site: Path, name: str) -> None:
    """At 375 px wide nothing scrolls sideways."""
    watched = Watched(browser, 375, 800)
    page = watched.open(site / name)
    assert watched.overflow() <= 0
    page.screenshot(path=ARTIFACTS / f"phone-{name.removesuffix('.html')}.png")


def test_payloads_do_not_execute(browser: Any, project: Project) -> None:
    """Script and onerror payloads in claims, notes, quotes and BibTeX stay inert."""
    corpus = load(hostile(project))
    (project.root / "report.html").write_text(render(corpus, "html"), encoding="utf-8")
    (project.root / "article.html").write_text(render_document(corpus, "article"), encoding="utf-8")
    for name in ("report.html", "article.html"):
        watched = Watched(browser, 1024)
        page = watched.open(project.root / name)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("img").count() == 0
        assert (watched.errors, watched.outside(project.root)) == ([], [])
