"""Shared test fixtures: where ../shared is, the command line, skipping rules, and the test tiers."""

import inspect
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.env import IN_CI, REPO, SHARED


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


# --- one way to call the command line -----------------------------------------------------------


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self):
        return self.stdout + self.stderr

    @property
    def returncode(self):  # the name subprocess gives it
        return self.exit_code

    def __iter__(self):  # code, out, err = run_cli(...)
        return iter((self.exit_code, self.stdout, self.stderr))


def cli_child(argv, cwd, env, input, timeout):
    """run_cli(..., separate=True): `python -m procex.cli` in a child process. Not inside the fixture,
    whose source decides the tier: only a test that asks for a child process is slow."""
    child_env = {**os.environ, **(env or {})}
    for name in [name for name, value in child_env.items() if value is None]:
        del child_env[name]
    done = subprocess.run(
        [sys.executable, "-m", "procex.cli", *argv],
        cwd=cwd,
        env=child_env,
        input=input.encode("utf-8") if isinstance(input, str) else input,
        capture_output=True,
        timeout=timeout,
        stdin=None if input is not None else subprocess.DEVNULL,
    )
    # decoded as written: UTF-8 (a byte that is not shows as U+FFFD), line ends kept as they are
    return CliResult(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """procex's command line: ``run_cli("validate", path, cwd=..., env={...})`` -> CliResult.

    By default in this process, through ``cli.main`` (the entry point users run, with its one-line
    errors and exit codes), which is fast. With ``separate`` true it runs ``python -m procex.cli`` in
    a child process, for what only a real process shows (no terminal on stdin, the interpreter's
    own output and console encoding, a crash that must not print a traceback); ``input`` is its
    standard input, and its output is read as UTF-8 with its line ends as written.
    ``env`` values of None remove the variable. ``check=True`` fails the test, with the command's
    output, when it does not exit 0.
    """

    def run(*args, cwd=None, env=None, separate=False, input=None, timeout=300, check=False):
        argv = [str(a) for a in args]
        result = cli_child(argv, cwd, env, input, timeout) if separate else in_process(argv, cwd, env)
        if check and result.exit_code != 0:
            pytest.fail(f"procex {' '.join(argv)} exited {result.exit_code}:\n{result.output}")
        return result

    def in_process(argv, cwd, env):
        from procex import cli

        with monkeypatch.context() as patch:
            if cwd is not None:
                patch.chdir(cwd)
            for name, value in (env or {}).items():
                if value is None:
                    patch.delenv(name, raising=False)
                else:
                    patch.setenv(name, value)
            capsys.readouterr()
            try:
                cli.main(argv)
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


# --- test tiers: slow, postgres, browser ----------------------------------------------------------
# `make test` runs everything; `make test-fast` deselects the three tiers. A test belongs to a tier
# by an explicit mark, or by what it (or a fixture it uses) does: starting a library server or a
# child process, or reading the shared corpora, is slow; a PostgreSQL backend is postgres; a
# browser is browser. Deciding it here keeps new tests in the right tier without anyone
# remembering to mark them.

_SLOW_SIGNS = ("LibraryServer(", "library_server(", "subprocess.", "run_demo(", "separate=True", "need_shared(")
_BROWSER_SIGNS = ("chromium(", "_browser(", "webdriver.")
_POSTGRES_SIGNS = ("need_postgres(", "PostgresDatabase(")
_CORPUS_SIGNS = ("miwg_reference_files(", "miwg_roundtrip_files(")  # a module that loops over the corpora


def _sources(item):
    """The test function's source and the sources of the fixtures it uses (the repo's own)."""
    functions = [getattr(item, "function", None)]
    infos = getattr(item, "_fixtureinfo", None)
    for defs in infos.name2fixturedefs.values() if infos else ():
        functions += [d.func for d in defs]
    texts = []
    for function in functions:
        try:
            if function is not None and str(REPO) in inspect.getsourcefile(function):
                texts.append(inspect.getsource(function))
        except (OSError, TypeError):
            pass
    return "\n".join(texts)


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(item.fixturenames)
        text = _sources(item)
        if "postgresql" in item.nodeid or any(sign in text for sign in _POSTGRES_SIGNS):
            item.add_marker(pytest.mark.postgres)
        if "browser" in names or any(sign in text for sign in _BROWSER_SIGNS):
            item.add_marker(pytest.mark.browser)
        if "shared" in names or any(sign in text for sign in _SLOW_SIGNS) or _reads_corpora(item.module):
            item.add_marker(pytest.mark.slow)


def _reads_corpora(module, seen={}):  # noqa: B006 - a cache per test module
    if module not in seen:
        try:
            source = inspect.getsource(module)
        except (OSError, TypeError):
            source = ""
        seen[module] = any(sign in source for sign in _CORPUS_SIGNS)
    return seen[module]


@pytest.fixture(autouse=True)
def own_config_home(tmp_path_factory, monkeypatch):
    """procex keeps the library hosts a user confirmed in the user's config folder
    ($XDG_CONFIG_HOME/procex): each test gets its own, never the real one, and none of the user's
    procex variables (a test that needs a token or a library sets them)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    for name in ("PROCEX_CONFIRMED_HOSTS", "PROCEX_TOKEN", "PROCEX_LIBRARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def pair(tmp_path):
    """alt.bpmn and neu.bpmn: the diff's test model and a version with a rename, a lane change and a
    new timer (for the diff, textconv and git tests)."""
    from procex.bpmn import edit
    from procex.bpmn.model import Model
    from tests.models import MODEL

    old = Model.from_bytes(MODEL.encode(), "alt.bpmn")
    new = old.copy()
    edit.rename(new, "check", "Antrag sichten")
    edit.move_to_lane(new, "check", "lane_b", draw=False)  # the model only: no layout changes
    edit.set_timer(new, "timer", "P14D")
    (tmp_path / "alt.bpmn").write_bytes(old.to_bytes())
    (tmp_path / "neu.bpmn").write_bytes(new.to_bytes())
    return tmp_path / "alt.bpmn", tmp_path / "neu.bpmn"


# --- libraries on a real `procex serve` that several test modules use -------------------------------
# The servers fixture (both backends, one per policy) is tests/libserver.py's.
from tests.libserver import LibraryServer, fill_web_library, make_db, servers  # noqa: E402, F401


@pytest.fixture
def trier_koblenz_library(tmp_path):
    """(server, db, tokens by slug) on SQLite: Stadt Trier, which accepted the sharing agreement, and
    Stadt Koblenz, which has not yet; nothing published (the workspace tests go through the CLI)."""
    from procex.exchange.server import admin

    db, cleanup = make_db("sqlite", tmp_path)
    admin.upgrade(db)
    tokens = admin.seed(
        db,
        [
            {"slug": "trier", "name": "Stadt Trier", "ags": "07211000", "license": "dl-de/by-2-0"},
            {"slug": "koblenz", "name": "Stadt Koblenz", "ags": "07111000"},
        ],
    )
    with LibraryServer(db, log_dir=tmp_path) as server:
        yield server, db, tokens
    cleanup()


@pytest.fixture(scope="module")
def web_library(tmp_path_factory):
    """The web pages' library: Trier's Gewerbeanmeldung 1.0.0, 1.1.0 and a yanked 1.0.1, Koblenz's
    adaptation (derived from Trier 1.0.0, adopted), and Mayen, which has not accepted the sharing
    agreement, with its own process. ``.members`` holds the three by slug."""
    tmp = tmp_path_factory.mktemp("web")
    db, cleanup = make_db("sqlite", tmp)
    lib = LibraryServer(db, log_dir=tmp).start()
    lib.members = fill_web_library(lib, db)
    yield lib
    lib.stop()
    cleanup()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium as the library site's visitor (tests.browser.page_chromium), one per module."""
    from tests.browser import page_chromium

    driver = page_chromium()
    yield driver
    driver.quit()
