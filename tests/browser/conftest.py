"""Headless Chromium (Debian's, never a downloaded build) driven by Playwright, against the test server.

Every test gets a fresh browser context; at its end it asserts that the page
logged no console errors, threw no exceptions and asked no host but the test
server. Screenshots go to test-output/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browsing import Watched
from playwright.sync_api import Browser, sync_playwright

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    for candidate in (
        os.environ.get("KG_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("Chromium is not installed: run scripts/install-browser (make test does)", pytrace=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path(), headless=True, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture()
def web(browser: Browser, base_url: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        lambda url: urlsplit(url).netloc not in ("", urlsplit(base_url).netloc),
        lambda route: route.abort(),
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    watched = Watched(page, base_url)
    yield watched
    context.close()
    assert not watched.errors, "the page logged errors:\n" + "\n".join(watched.errors)
    assert not watched.foreign, "the page asked other hosts:\n" + "\n".join(watched.foreign)
