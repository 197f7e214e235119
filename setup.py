"""The package list for setup.cfg's ``package_dir = procex = .``: the repository's folders under procex.

setup.cfg cannot prefix what ``find:`` finds, so the list is made here; tests/, bench/ and docs/
stay out of the wheel.
"""

from setuptools import find_packages, setup

TOP_LEVEL = ["bpmn", "commands", "core", "exchange", "schemas"]
PACKAGES = ["procex"] + [f"procex.{name}" for name in find_packages(include=[f"{t}*" for t in TOP_LEVEL])]

setup(packages=PACKAGES)
