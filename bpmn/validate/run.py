"""Validate one model (schema, references, lint rules) or several files with one configuration."""

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lxml.etree import _ElementTree

from procex.bpmn.errors import BpmnReadError
from procex.bpmn.model import Model
from procex.bpmn.rules import LintConfig, find_config, load_config
from procex.bpmn.validate.references import reference_findings
from procex.bpmn.validate.report import SEVERITY_ORDER, Report
from procex.bpmn.validate.schema import schema_findings
from procex.bpmn.xml import DEFAULT_MAX_BYTES, parse_bytes, parse_file

# A lint configuration: a LintConfig, a TOML file's path, a {"lint": {...}} table, or None (defaults).
ConfigSource = LintConfig | str | os.PathLike[str] | Mapping[str, Any] | None


def validate_file(
    path: str | os.PathLike[str],
    rules: str | None = "correctness",
    config: ConfigSource = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    lang: str = "de",
) -> Report:
    """Validate a BPMN file; raises BpmnReadError when it cannot be read at all."""
    return _validate(parse_file(Path(path), max_bytes), str(path), rules, config, lang)


def validate_bytes(
    data: bytes,
    source: str | None = None,
    rules: str | None = "correctness",
    config: ConfigSource = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    lang: str = "de",
) -> Report:
    """Validate the bytes of a BPMN file (``source`` names it in messages)."""
    return _validate(parse_bytes(data, source, max_bytes), source, rules, config, lang)


def validate_model(
    model: Model, rules: str | None = "correctness", config: ConfigSource = None, lang: str = "de"
) -> Report:
    """Schema, reference and lint findings for a Model, sorted by line.

    ``rules``: a preset (correctness, recommended, all, none) or None for the config's preset;
    ``config``: None, a LintConfig, the ``[lint]`` table as a dict, or a TOML file path.
    ``none`` runs the schema and reference checks only. ``lang``: messages in German (de, the
    default) or English (en).
    """
    return _validate(model.tree, model.source, rules, config, lang, model)


def _validate(
    tree: _ElementTree,
    source: str | None,
    rules: str | None,
    config: ConfigSource,
    lang: str = "de",
    model: Model | None = None,
) -> Report:
    from procex.bpmn import rules as lint

    if lang not in ("de", "en"):
        raise ValueError(f"unknown language {lang!r}; use de or en")
    chosen = lint.resolve(rules, config)  # first, so a wrong config fails before any work
    findings = schema_findings(tree, lang)
    findings += reference_findings(tree.getroot(), lang)
    if chosen:  # the typed model is only built when lint rules need it
        findings += lint.run(model if model is not None else Model(tree, source), chosen, lang)
    findings.sort(key=lambda f: (f.line or 0, SEVERITY_ORDER.get(f.severity, 3), f.code))
    return Report(source, findings)


def config_for(config: LintConfig | str | os.PathLike[str] | None = None) -> LintConfig:
    """A LintConfig: ``config`` as given (a LintConfig or a TOML path), else procex.toml in the
    current directory or its nearest parent, else the empty config."""
    if isinstance(config, LintConfig):
        return config
    if config is None:
        found = find_config()
        return load_config(found) if found else LintConfig()
    return load_config(config)


def validate_paths(
    paths: Iterable[str | os.PathLike[str]],
    rules: str | None = None,
    config: LintConfig | str | os.PathLike[str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    lang: str = "de",
) -> tuple[list[Report], list[BpmnReadError]]:
    """(reports, read errors) for several files, with one configuration.

    ``paths`` is any iterable of paths (the CLI passes a progress bar over them). ``config`` None
    means: procex.toml in the current directory or a parent, if any. A file that cannot be read
    gives a BpmnReadError in the second list; the others are still validated."""
    from procex.bpmn import rules as lint
    from procex.bpmn.errors import BpmnReadError

    config = config_for(config)
    lint.resolve(rules, config)  # a wrong preset or config fails before any file is read
    reports, unreadable = [], []
    for path in paths:
        try:
            reports.append(validate_file(path, rules, config, max_bytes, lang))
        except BpmnReadError as error:
            unreadable.append(error)
    return reports, unreadable


def exit_status(reports: Sequence[Report], unreadable: Sequence[BpmnReadError]) -> int:
    """0 without errors, 1 with errors, 2 when a file could not be read."""
    if unreadable:
        return 2
    return 1 if any(not r.ok for r in reports) else 0
