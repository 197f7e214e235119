"""Shared test fixtures: where ../shared is, and skipping rules for optional parts."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = (REPO.parent / "shared").resolve()
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need_shared():
    """The shared/ corpora: skip on a machine without them, fail in CI where they must be."""
    if not SHARED.is_dir():
        if IN_CI:
            pytest.fail(f"{SHARED} is missing; CI must have ../shared beside the clone")
        pytest.skip(f"{SHARED} not present")
    return SHARED


@pytest.fixture
def shared():
    return need_shared()


def miwg_reference_files():
    return sorted((SHARED / "corpora/miwg/reference").glob("*.bpmn")) if SHARED.is_dir() else []


def miwg_roundtrip_files():
    return sorted((SHARED / "corpora/miwg/roundtrip").glob("*/*.bpmn")) if SHARED.is_dir() else []
