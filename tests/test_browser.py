"""The report site in a real browser: headless Chromium opens every ``rapport.html`` and the
period's ``index.html`` as a reader would, from disk.

The other report tests read the HTML as text; only a browser shows whether a page really
works offline: that it asks nothing of the network (a CDN script, a web font), logs no
error, decodes every chart, that axe-core finds no WCAG 2.1 A/AA violation (what Dutch public
bodies must meet), and that each link leads to a file that is there. Chromium is
Debian's package (``.ci/run`` installs it), driven by Playwright with ``executable_path``:
Playwright cannot download its own browser here. Where Chromium cannot be had the test
skips with a loud reason instead of passing quietly. A full-page screenshot of each page
is left under the test's tmp folder, for a person to look at.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import RELEASED_SCOPES

pytestmark = pytest.mark.e2e

SCOPES = RELEASED_SCOPES  # GM0400: Den Helder, a small area
PAGES = ["index.html", *(f"{s}/rapport.html" for s in SCOPES)]
LOCAL = ("file", "data")  # the only schemes a page may load from

#: Lists the images that are not decoded (broken, empty, or never loaded).
BROKEN_IMAGES = """() => Array.from(document.images)
    .filter(i => !(i.complete && i.naturalWidth > 0))
    .map(i => (i.getAttribute('src') || '').slice(0, 80))"""
LINKS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))"


#: What Dutch public bodies must meet: WCAG 2.1 A and AA, as axe-core tags its rules.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def wcag_violations(tab) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the open page (axe-playwright-python ships
    axe.min.js: nothing is fetched)."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return result.response["violations"]


def chromium() -> str:
    """The path of Chromium, or skip loudly: a browser test that did not run must say so."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    reason = None
    if path is None:
        reason = ("Chromium not installed: run `apt-get install chromium` (the .ci/run script "
                  "does this) - the browser test did NOT run")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = ("Playwright not installed: run `make venv` (it is in the dev extra) - "
                      "the browser test did NOT run")
    if reason:
        warnings.warn(reason, stacklevel=2)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module (root needs --no-sandbox)."""
    path = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(browser, released, tmp_path_factory):
    """The shared rendered release (conftest: three scopes on small synthetic data), asked
    for only once the browser is there: no render for a test that skips."""
    _, folder, results = released
    assert all(r["ok"] for r in results), results
    return Site(browser, folder.parent, folder, tmp_path_factory.mktemp("screenshots"))


class Site:
    """Checks pages in the browser, each once; a linked HTML page is checked in turn."""

    def __init__(self, browser, root: Path, folder: Path, shots: Path):
        self.browser, self.root, self.folder, self.shots = browser, root, folder, shots
        self.checked: dict[Path, list[str]] = {}

    def screenshot(self, page: Path) -> Path:
        """Named after the scope (GM0344.png, landelijk.png), a page of the period's own
        folder after itself (index.png)."""
        name = page.stem if page.parent == self.folder.resolve() else page.parent.name
        return self.shots / f"{name}.png"

    def problems(self, page: Path) -> list[str]:
        """Everything wrong with one page, each naming the page; [] when it is fine."""
        page = page.resolve()
        if page in self.checked:
            return self.checked[page]
        self.checked[page] = found = []  # set first: pages that link to each other
        name = page.relative_to(self.root.resolve()) if page.is_relative_to(
            self.root.resolve()) else page
        outside, errors = [], []

        def route(r):
            if urlsplit(r.request.url).scheme in LOCAL:
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context = self.browser.new_context()
        try:
            context.route("**/*", route)
            tab = context.new_page()
            tab.on("request", lambda r: urlsplit(r.url).scheme in LOCAL
                   or outside.append(r.url))
            tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.goto(page.as_uri(), wait_until="load")
            tab.wait_for_load_state("networkidle")
            broken = tab.evaluate(BROKEN_IMAGES)
            violations = wcag_violations(tab)
            hrefs = tab.evaluate(LINKS)
            shot = self.screenshot(page)
            tab.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()

        found += [f"{name}: request leaves the file system: {u}" for u in sorted(set(outside))]
        found += [f"{name}: console error: {e}" for e in errors]
        found += [f"{name}: image not decoded: {src}" for src in broken]
        found += [f"{name}: WCAG 2.1 {v['id']} ({v['impact']}, {len(v['nodes'])} elements, "
                  f"first {v['nodes'][0]['target']}): {v['help']}" for v in violations]
        if not (shot.is_file() and shot.stat().st_size > 0):
            found.append(f"{name}: no screenshot at {shot}")
        for href in hrefs:
            found += self.link(page, name, href)
        return found

    def link(self, page: Path, name, href: str) -> list[str]:
        """A relative link must name a file inside the site; an HTML target is checked too."""
        parts = urlsplit(href)
        if href.startswith("#") or parts.scheme or parts.netloc or not parts.path:
            return []  # within the page, or not a link between the site's files
        target = (page.parent / unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(self.root.resolve()):
            return [f"{name}: link {href!r} leaves the site ({target})"]
        if not target.is_file():
            return [f"{name}: link {href!r} resolves to nothing ({target})"]
        return self.problems(target) if target.suffix == ".html" else []


def test_every_report_is_one_of_the_pages(site):
    """PAGES covers every rapport.html the render wrote, and the site index is there."""
    found = {p.relative_to(site.folder).as_posix() for p in site.folder.rglob("rapport.html")}
    assert found == set(PAGES) - {"index.html"}
    assert (site.folder / "index.html").is_file(), "render_reports wrote no index.html"


@pytest.mark.parametrize("page", PAGES)
def test_page_works_offline_in_chromium(site, page):
    """No request off the disk, no console error, every image decoded, no WCAG 2.1 A/AA
    violation axe-core finds, every link to a file that is there (linked pages checked
    alike), and a screenshot."""
    path = site.folder / page
    assert path.is_file(), f"{page} was not written"
    problems = site.problems(path)
    assert not problems, "\n".join(problems)
    assert site.screenshot(path.resolve()).stat().st_size > 0
