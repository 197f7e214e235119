"""Where the tests run: the repository, ../shared beside it, and whether this is CI.

Its own module so that tests/conftest.py and tests/libserver.py (which conftest imports) can both
use it, and bench scripts can import tests.libserver on its own.
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = (REPO.parent / "shared").resolve()
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
