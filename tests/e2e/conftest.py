"""Real-browser fixtures: the portal served by werkzeug in a thread over a fresh demo
database (CSRF on, as in production), Debian's chromium driven by Playwright, axe-core
from node_modules injected into each page, and screenshots under screenshots/.

Browsers cannot be downloaded here, so Playwright drives the system chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

from tests.conftest import DEMO_PASSWORD, build_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740},
             "phone390": {"width": 390, "height": 844}}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
BLOCKING = ("serious", "critical")  # axe impacts that fail the suite


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium)"))


def _axe_source() -> str:
    """axe-core from the npm registry (package-lock.json); installed on first use."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("axe-core is missing and npm is not installed: run `npm ci` at the repository root")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return AXE.read_text(encoding="utf-8")


@dataclass
class LiveServer:
    url: str
    app: Any
    tmp: Path

    def endpoints(self) -> set[str]:
        return set(self.app.view_functions)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("e2e")
    app = build_app(tmp, "e2e", WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, tmp)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class AxeReport:
    """Every axe run of the session, written to screenshots/axe-report.json at the end."""

    runs: list[dict[str, Any]] = field(default_factory=list)

    def add(self, name: str, url: str, violations: list[dict[str, Any]]) -> None:
        self.runs.append({"page": name, "url": url, "violations": [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"]),
             "targets": [n["target"] for n in v["nodes"][:5]]} for v in violations]})


@pytest.fixture(scope="session")
def axe_report() -> Iterator[AxeReport]:
    report = AxeReport()
    yield report
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "axe-report.json").write_text(json.dumps(report.runs, indent=2, ensure_ascii=False))


@pytest.fixture(scope="session")
def axe_source() -> str:
    return _axe_source()


class Visit:
    """One browser tab for one viewport and language: log in, open pages, check them."""

    def __init__(self, page: Any, server: LiveServer, viewport: str, lang: str, axe_source: str,
                 report: AxeReport) -> None:
        self.page, self.server, self.viewport, self.lang = page, server, viewport, lang
        self._axe, self._report = axe_source, report
        # The strict Content-Security-Policy reports what it blocks on the console.
        self.csp_errors: list[str] = []
        page.on("console", lambda msg: self.csp_errors.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text else None)

    def goto(self, path: str) -> Any:
        sep = "&" if "?" in path else "?"
        response = self.page.goto(f"{self.server.url}{path}{sep}lang={self.lang}")
        assert response is not None
        return response

    def login(self, email: str, next_path: str | None = None, password: str = DEMO_PASSWORD) -> None:
        self.goto("/login" + (f"?next={next_path}" if next_path else ""))
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")
        assert "/login" not in self.page.url, f"login failed for {email}"

    def logout(self) -> None:
        with self.page.expect_navigation():
            self.page.click(".account form button[type=submit]")

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(exist_ok=True)
        path = SHOTS / f"{name}-{self.viewport}-{self.lang}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check(self, name: str) -> list[dict[str, Any]]:
        """Screenshot the page, then run axe-core on it; fail on serious or critical issues.
        evaluate() is not subject to the page's Content-Security-Policy."""
        self.shot(name)
        assert self.page.evaluate("document.documentElement.lang") == self.lang
        assert not self.csp_errors, f"{name}: blocked by the CSP: {self.csp_errors}"
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(self._axe)
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = result["violations"]
        self._report.add(f"{name}-{self.viewport}-{self.lang}", self.page.url, violations)
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"axe on {name} ({self.viewport}, {self.lang}):\n" + "\n".join(
            f"  [{v['impact']}] {v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in blocking)
        return violations


@pytest.fixture()
def visit(browser, live_server, axe_source, axe_report):
    """visit(viewport, lang) opens a fresh browser context (no cookies) and returns a Visit."""
    contexts = []

    def open_(viewport: str = "desktop", lang: str = "fr") -> Visit:
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale=lang,
                                      accept_downloads=True)
        contexts.append(context)
        return Visit(context.new_page(), live_server, viewport, lang, axe_source, axe_report)

    yield open_
    for context in contexts:
        context.close()
