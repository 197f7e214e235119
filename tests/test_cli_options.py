"""The options several commands share are one option each: same spelling, choices and default."""

import click
import pytest

from procex.cli import procex


def all_commands(group=procex, prefix=()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def options_named(name):
    return [
        (path, param)
        for path, command in all_commands()
        for param in command.params
        if name in getattr(param, "opts", ())
    ]


def test_lang_is_the_same_option_everywhere():
    found = options_named("--lang")
    assert len(found) >= 10
    assert {(tuple(p.type.choices), p.default) for _, p in found} == {(("de", "en"), "de")}


def test_the_workspace_folder_is_dir_with_into_as_its_other_name():
    found = options_named("--into") + options_named("--dir")
    workspace_commands = {" ".join(path) for path, p in found if "--into" in p.opts}
    assert workspace_commands == {"catalogue import", "catalogue match-keys", "init", "xprozess import"}
    for path, param in found:
        if " ".join(path) != "demo":  # demo's --dir is the folder it writes its run into, not a workspace
            assert param.opts == ["--dir", "--into"] and param.name == "directory", path


@pytest.mark.parametrize("spelling", ["--dir", "--into"])
def test_both_spellings_reach_the_folder(tmp_path, run_cli, spelling):
    folder = tmp_path / spelling.strip("-")
    result = run_cli("init", "--municipality", "Stadt Koblenz", "--ags", "07111000", spelling, folder)
    assert result.exit_code == 0, result.output
    assert (folder / "procex.toml").is_file()
    listing = tmp_path / "liste.csv"
    listing.write_text("Leistungsschlüssel;Leistung;Status\n99050012104000;Gewerbeanmeldung;geplant\n", "utf-8")
    result = run_cli("catalogue", "import", listing, spelling, folder)
    assert result.exit_code == 0, result.output
    assert "99050012104000" in (folder / "catalogue.csv").read_text("utf-8")
