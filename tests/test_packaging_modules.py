"""What the wheel holds, by module: every folder of modules is a listed package, none lacks __init__.py.

setup.py lists the packages (setup.cfg maps the repository itself to ``procex``); a new folder of
modules that the list misses would install without it. Nothing is built here: setup.py is run with
setuptools.setup replaced by a recorder.
"""

import runpy

import pytest
import setuptools

from tests.conftest import REPO

NOT_INSTALLED = {"tests", "bench", "docs", "build", "dist"}


@pytest.fixture(scope="module")
def packages(monkeypatch_module):
    recorded = {}
    monkeypatch_module.setattr(setuptools, "setup", lambda **kwargs: recorded.update(kwargs))
    monkeypatch_module.chdir(REPO)
    runpy.run_path(str(REPO / "setup.py"), run_name="__main__")
    return recorded["packages"]


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def module_folders():
    """Folders of the repository that hold Python modules and are shipped (not tests, bench, docs)."""
    tops = [d for d in REPO.iterdir() if d.is_dir() and d.name not in NOT_INSTALLED and d.name.isidentifier()]
    folders = {path.parent for top in tops for path in top.rglob("*.py")}
    yield from sorted(f for f in folders if not any(p.startswith((".", "__")) for p in f.relative_to(REPO).parts))


def test_every_module_folder_is_a_listed_package(packages):
    expected = {"procex." + ".".join(f.relative_to(REPO).parts) for f in module_folders()}
    assert expected, "no module folders found"
    assert sorted(expected - set(packages)) == []


def test_every_module_folder_has_an_init():
    """find_packages skips a folder of modules without __init__.py: it would install without them."""
    folders = [f for f in module_folders() if not (f / "__init__.py").is_file()]
    assert folders == [], f"module folders without __init__.py (find_packages skips them): {folders}"
