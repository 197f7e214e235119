"""Headless Chromium for the tests that look at pages as a person would, and axe-core on them.

Debian's chromium and chromedriver through selenium: skipped when they are missing, but never when
CI=true. axe-core comes inside the axe-selenium-python wheel, so the checks run offline.
"""

import shutil

import pytest

from tests.conftest import IN_CI


def chromium(width=1366, height=900):
    """A headless Chromium driver (the caller quits it); below 600 px wide, a phone's viewport."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not binary or not driver:
        if IN_CI:
            pytest.fail("chromium and chromedriver are required in CI")
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
    ):
        options.add_argument(arg)
    if width < 600:  # a phone: its viewport, touch and the page's meta viewport apply
        metrics = {"width": width, "height": height, "pixelRatio": 1}
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
    return webdriver.Chrome(service=Service(driver), options=options)


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
