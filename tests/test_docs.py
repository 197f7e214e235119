"""The README documents every command: a command without an example there fails this test."""
import re

import click

from cli import procex

from .conftest import REPO


def commands(group, prefix="procex"):
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from commands(command, path)
        else:
            yield path


def test_every_command_has_an_example_in_the_readme():
    readme = (REPO / "README.md").read_text("utf-8")
    # `procex admin --db URL member add` is written with its option in the middle
    normalised = re.sub(r"procex admin --db \S+ ", "procex admin ", readme)
    missing = [path for path in commands(procex) if path not in normalised]
    assert missing == [], f"README has no example for: {', '.join(missing)}"


def test_every_command_has_help_text():
    for path in commands(procex):
        parts = path.split()[1:]
        command = procex
        for part in parts:
            command = command.commands[part]
        assert command.help and len(command.help.strip()) > 20, f"{path} has no help text"
