"""The package list for setup.cfg's ``package_dir = procex = .``: the repository's folders under procex.

setup.cfg cannot prefix what ``find:`` finds, so the list is made here; tests/, bench/ and docs/
stay out of the wheel, and so does this file (it lies in the folder that becomes ``procex``).
"""

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

TOP_LEVEL = ["bpmn", "commands", "core", "exchange", "schemas"]
PACKAGES = ["procex"] + [f"procex.{name}" for name in find_packages(include=[f"{t}*" for t in TOP_LEVEL])]


class BuildPy(build_py):
    """Only cli.py of the repository's top-level modules belongs to the package."""

    def find_package_modules(self, package, package_dir):
        modules = super().find_package_modules(package, package_dir)
        return [m for m in modules if package != "procex" or m[1] == "cli"]


setup(packages=PACKAGES, cmdclass={"build_py": BuildPy})
