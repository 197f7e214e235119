"""The lint rules, their presets and their configuration.

Each rule is one module here, named after its kebab-case id with underscores
(``start_event_required.py`` is ``start-event-required``). A rule module has a docstring (what,
why, how to fix) and the same in German as ``DOC_DE`` (Warum:, Abhilfe:), ``PRESET`` (the
smallest preset it belongs to: ``correctness`` ⊂ ``recommended`` ⊂ ``all``), ``SEVERITY``
(``error`` or ``warn``), ``MESSAGES`` (key -> {"de": template, "en": template}) and
``check(model)``, which yields ``_util.problem(element, key, **params)``. The runner puts each
problem into words in the chosen language (German by default) and makes it a Finding with the
rule id as code and the configured severity.

Configuration: the ``[lint]`` table of procex.toml (found in the current directory or a parent)
or of the file given with ``--config``::

    [lint]
    preset = "recommended"          # optional; --rules overrides it
    label-required = "off"          # off | warn | error, per rule
    no-inclusive-gateway = "error"  # a rule outside the preset is switched on like this
"""

from __future__ import annotations

import difflib
import importlib
import os
import pkgutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from procex.bpmn.rules._util import check_messages, finding, say
from procex.core.errors import ProcexError

if TYPE_CHECKING:
    from procex.bpmn.findings import Finding
    from procex.bpmn.model import Model

PRESETS = ("correctness", "recommended", "all", "none")
_PRESET_RANK = {"correctness": 0, "recommended": 1, "all": 2}
LEVELS = ("off", "warn", "error")
_FINDING_SEVERITY = {"warn": "warning", "error": "error"}
CONFIG_NAME = "procex.toml"


class ConfigError(ProcexError):
    """The lint configuration (``[lint]`` of procex.toml, --config, --rules) is wrong."""


@dataclass(frozen=True)
class Rule:
    id: str
    module: ModuleType  # the rule's module: ID, PRESET, SEVERITY, DOC_DE, MESSAGES, check(model)
    preset: str
    severity: str

    @property
    def doc(self) -> str:
        return (self.module.__doc__ or "").strip()

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else self.id

    def help(self, lang: str = "de") -> str:
        """What, why and how to fix, in German (DOC_DE) or English (the docstring)."""
        german: str = self.module.DOC_DE
        return german.strip() if lang == "de" else self.doc

    def title(self, lang: str = "de") -> str:
        """The first line of help(lang)."""
        return self.help(lang).splitlines()[0]


@dataclass
class LintConfig:
    """A preset (or None) and per-rule levels; ``source`` names where it was read."""

    preset: str | None = None
    levels: dict[str, str] = field(default_factory=dict)  # rule id -> off | warn | error
    source: str | None = None


@lru_cache(maxsize=1)
def registry() -> dict[str, Rule]:
    """rule id -> Rule, for every rule module in this package, sorted by id."""
    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule_id = info.name.replace("_", "-")
        assert module.ID == rule_id, f"{info.name}.py declares id {module.ID!r}"
        assert module.PRESET in _PRESET_RANK and module.SEVERITY in ("warn", "error"), rule_id
        assert module.DOC_DE.strip(), f"{rule_id}: DOC_DE is empty"
        check_messages(module.MESSAGES, rule_id)
        found[rule_id] = Rule(rule_id, module, module.PRESET, module.SEVERITY)
    return dict(sorted(found.items()))


def in_preset(rule: Rule, preset: str) -> bool:
    return preset != "none" and _PRESET_RANK[rule.preset] <= _PRESET_RANK[preset]


def _unknown(kind: str, name: str, known: Sequence[str], source: str | None) -> ConfigError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    where = f"{source}: " if source else ""
    return ConfigError(f"{where}unknown {kind} {name!r}; {hint}known: {', '.join(known)}")


def parse_config(table: object, source: str | None = None) -> LintConfig:
    """A LintConfig from the ``[lint]`` table (a dict); raises ConfigError on unknown names."""
    if table is None:
        return LintConfig(source=source)
    if not isinstance(table, dict):
        raise ConfigError(f'{source or "config"}: [lint] must be a table of rule = "off|warn|error"')
    rules = registry()
    config = LintConfig(source=source)
    for key, value in table.items():
        if key == "preset":
            if value not in PRESETS:
                raise _unknown("preset", str(value), PRESETS, source)
            config.preset = value
            continue
        if key == "rules" and isinstance(value, dict):  # also accept a [lint.rules] sub-table
            for name, level in value.items():
                config.levels[name] = level
            continue
        config.levels[key] = value
    for name, level in config.levels.items():
        if name not in rules:
            raise _unknown("rule", name, list(rules), source)
        if level == "warning":
            config.levels[name] = level = "warn"
        if level not in LEVELS:
            raise ConfigError(f"{source or 'config'}: rule {name!r} has level {level!r}; use off, warn or error")
    return config


def load_config(path: str | os.PathLike[str]) -> LintConfig:
    """The ``[lint]`` table of a TOML file as a LintConfig (an empty one when it has none)."""
    from procex.core.compat import tomllib

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file; check the path given with --config") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the config file ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); fix the syntax") from None
    return parse_config(data.get("lint"), str(path))


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """procex.toml in ``start`` (default: the current directory) or its nearest parent, or None."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def _as_config(config: object) -> LintConfig:
    if config is None or isinstance(config, LintConfig):
        return config or LintConfig()
    if isinstance(config, dict):
        return parse_config(config.get("lint", config) if "lint" in config else config)
    if isinstance(config, (str, os.PathLike)):
        return load_config(config)
    raise TypeError(f"a lint configuration is a LintConfig, a TOML path or a table, not {type(config).__name__}")


def resolve(preset: str | None = "correctness", config: object = None) -> dict[str, str]:
    """{rule id: "warn"|"error"} for the rules to run. ``preset`` None takes the config's preset,
    else correctness. ``none`` runs no rules, whatever the config says."""
    config = _as_config(config)
    preset = preset or config.preset or "correctness"
    if preset not in PRESETS:
        raise _unknown("preset", str(preset), PRESETS, None)
    if preset == "none":
        return {}
    chosen: dict[str, str] = {}
    for rule_id, rule in registry().items():
        level = config.levels.get(rule_id)
        if level is None:
            level = rule.severity if in_preset(rule, preset) else "off"
        if level != "off":
            chosen[rule_id] = level
    return chosen


def run(model: Model, chosen: Mapping[str, str], lang: str = "de") -> list[Finding]:
    """The findings of the chosen rules ({id: level}) on a model, in German or English (``lang``)."""
    findings: list[Finding] = []
    rules = registry()
    for rule_id, level in chosen.items():
        severity = _FINDING_SEVERITY[level]
        module = rules[rule_id].module
        for found in module.check(model):
            text = say(module.MESSAGES, found.key, lang, **found.params)
            findings.append(finding(rule_id, found.el, text, severity))
    return findings
