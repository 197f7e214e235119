"""What `pip install .` puts into site-packages: one name, procex, with every package and data file.

Nothing is built here: the checks read setup.py's package list and setup.cfg's package_data and
compare them with the files git tracks, so a new sub-package or template that the wheel would
miss fails a test instead of an installation.
"""

import configparser
import fnmatch
import importlib.util
import subprocess

from tests.conftest import REPO

TOP_LEVEL = ("bpmn", "commands", "core", "exchange", "schemas")


def tracked(*folders):
    listed = subprocess.run(["git", "ls-files", *folders], cwd=REPO, capture_output=True, text=True, check=True)
    return [line for line in listed.stdout.splitlines() if (REPO / line).exists()]


def setup_packages():
    spec = importlib.util.spec_from_file_location("procex_setup", REPO / "setup.py")
    source = (REPO / "setup.py").read_text("utf-8").replace("setup(packages=PACKAGES", "dict(packages=PACKAGES")
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, str(REPO / "setup.py"), "exec"), module.__dict__)  # without running setup()
    return set(module.PACKAGES)


def test_every_package_folder_installs_under_procex():
    folders = {path.rsplit("/", 1)[0] for path in tracked(*TOP_LEVEL) if path.endswith("/__init__.py")}
    expected = {"procex"} | {"procex." + folder.replace("/", ".") for folder in folders}
    assert setup_packages() == expected


def test_every_data_file_is_package_data():
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    patterns = {
        package: [p.strip() for p in globs.split(",")] for package, globs in config["options.package_data"].items()
    }
    missing = []
    for path in tracked(*TOP_LEVEL):
        if path.endswith(".py"):
            continue
        folder, name = path.rsplit("/", 1)
        covered = False
        parts = folder.split("/")
        for depth in range(len(parts), 0, -1):  # package_data of the package or of a parent package
            package = "procex." + ".".join(parts[:depth])
            relative = "/".join([*parts[depth:], name])
            if any(fnmatch.fnmatch(relative, glob) for glob in patterns.get(package, [])):
                covered = True
                break
        if not covered:
            missing.append(path)
    assert missing == [], "setup.cfg [options.package_data] misses: " + ", ".join(missing)


def test_the_wheel_holds_no_generic_top_level_name():
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    assert config["options"]["package_dir"].split() == ["procex", "=", "."]
    assert all(name.startswith("procex") for name in setup_packages())
    assert "py_modules" not in config["options"]
    assert config["options.entry_points"]["console_scripts"].strip() == "procex = procex.cli:main"
