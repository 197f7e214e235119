"""The API's error codes: one list (error_codes.py) that the server uses and docs/ documents."""

import ast
import re
from pathlib import Path

from procex.exchange.library import error_codes

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "api-error-codes.md"


def _constants():
    return {
        name: value
        for name, value in vars(error_codes).items()
        if name.isupper() and isinstance(value, str) and not name.startswith("_")
    }


def test_every_code_is_listed_once_in_server_or_client_codes():
    codes = set(_constants().values())
    assert codes == error_codes.SERVER_CODES | error_codes.CLIENT_CODES
    assert not error_codes.SERVER_CODES & error_codes.CLIENT_CODES
    assert set(error_codes.BY_STATUS.values()) <= error_codes.SERVER_CODES


def test_the_api_reference_documents_exactly_these_codes():
    documented = re.findall(r"^\| `([a-z0-9_]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.M)
    assert sorted(documented) == sorted(set(_constants().values()))
    assert len(documented) == len(set(documented))


def test_each_status_s_general_code_is_documented_with_that_status():
    rows = re.findall(r"^\| `([a-z0-9_]+)` \| (\d{3}) \|", DOC.read_text(encoding="utf-8"), flags=re.M)
    documented = dict(rows)
    for status, code in error_codes.BY_STATUS.items():
        assert documented[code] == str(status), code


def _error_calls():
    """(file, line, code argument) of every ApiError(...) and error_body(...) call in the server."""
    for path in sorted((ROOT / "exchange" / "server").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "ApiError" and len(node.args) >= 2:
                yield path.name, node.lineno, node.args[1]
            elif name == "error_body" and node.args:
                yield path.name, node.lineno, node.args[0]


def test_the_server_answers_only_with_listed_codes():
    calls = list(_error_calls())
    assert len(calls) > 20  # the walk found the server's errors
    constants = _constants()
    for file, line, argument in calls:
        if isinstance(argument, ast.Name) and argument.id == "code":
            continue  # error_body(code, ...) passing on a code chosen by its caller
        assert isinstance(argument, ast.Attribute) and isinstance(argument.value, ast.Name), (file, line)
        assert argument.value.id == "error_codes" and argument.attr in constants, (file, line, argument.attr)
        assert constants[argument.attr] in error_codes.SERVER_CODES, (file, line)
