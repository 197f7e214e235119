"""Headless Chromium for the tests that look at pages as a person would, and axe-core on them.

Debian's chromium and chromedriver through selenium: skipped when they are missing, but never when
CI=true. axe-core comes inside the axe-selenium-python wheel, so the checks run offline.
``chromium`` is a plain window for pages and reports; ``page_chromium`` is the library site's
visitor (German, a laptop or a phone, with or without JavaScript; the ``browser`` fixture in
conftest.py is one), and ``follow`` waits for the page a click leads to.
"""

import shutil

import pytest

from tests.env import IN_CI, REPO

ARTIFACTS = REPO / "test-artifacts"  # screenshots and printed pages to look at


def chromium(width=1366, height=900, javascript=True, lang=None):
    """A headless Chromium driver (the caller quits it); below 600 px wide, a phone's viewport;
    ``javascript=False`` turns scripts off, ``lang`` sets the language it asks pages for."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        if IN_CI:
            pytest.fail("chromium and chromedriver are required in CI (.ci/run installs them)")
        pytest.skip("chromium/chromedriver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--window-size={width},{height}",
        *([f"--lang={lang}"] if lang else []),
    ):
        options.add_argument(arg)
    if width < 600:  # a phone: its viewport, touch and the page's meta viewport apply
        metrics = {"width": width, "height": height, "pixelRatio": 1}
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    return driver


def axe_violations(driver, impacts=("minor", "moderate", "serious", "critical")):
    """axe-core's violations on the page the driver shows, as 'rule (impact): targets' lines."""
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:5])}"
        for v in results["violations"]
        if v.get("impact") in impacts
    ]


def page_chromium(width=1366, height=900, javascript=True):
    """Chromium as the library site's German visitor; screenshots go to ARTIFACTS."""
    driver = chromium(width, height, javascript=javascript, lang="de-DE")
    ARTIFACTS.mkdir(exist_ok=True)
    return driver


def follow(driver, element):
    """Click a link or submit button and wait until the next page has replaced this one.

    The old page is marked with a flag on its window object; the next document does not have it.
    Selenium's staleness_of is not used: while Chromium swaps documents it may answer with an
    "unknown error" (node does not belong to the document) instead of a stale-element error, so
    any WebDriverException during the swap just means "not there yet".
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.__procexOldPage = true;")
    element.click()
    wait = WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,))
    wait.until(lambda d: d.execute_script("return !window.__procexOldPage && document.readyState === 'complete';"))
