"""The walkthroughs in README.md and docs/node.md use commands and options that exist, and the
same commands that tests/e2e/test_walkthrough.py runs, so the docs cannot drift from the code."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import click
import pytest

from oracle_node.cli import _register_commands, cli

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "docs" / "node.md"]
WALKTHROUGH_TEST = ROOT / "tests" / "e2e" / "test_walkthrough.py"
MARK = "<!-- walkthrough -->"


def walkthrough_commands(doc: Path) -> list[list[str]]:
    """The ``oracle-node ...`` lines of the code block that follows the walkthrough mark."""
    text = doc.read_text()
    assert MARK in text, f"{doc} has no walkthrough block"
    block = re.search(r"```bash\n(.*?)```", text[text.index(MARK) :], re.S)
    assert block is not None
    commands = []
    for line in block.group(1).splitlines():
        line = line.split("  #")[0].strip()
        if line.startswith("oracle-node "):
            commands.append(shlex.split(line)[1:])
    return commands


def resolve(args: list[str]) -> tuple[str, ...]:
    """Parse ``args`` as the real command line would (options, arguments); the command path."""
    _register_commands()
    ctx = cli.make_context("oracle-node", list(args), resilient_parsing=False)
    path: list[str] = []
    command: click.Command = cli
    rest = [*ctx.protected_args, *ctx.args]
    while isinstance(command, click.Group):
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None
        path.append(name)
        ctx = sub.make_context(name, list(rest), parent=ctx, resilient_parsing=False)
        command, rest = sub, [*getattr(ctx, "protected_args", []), *ctx.args]
    return tuple(path)


def tested_commands() -> set[tuple[str, ...]]:
    """Command paths the walkthrough test runs: the literal first arguments of ``cli(...)``."""
    groups = {"keys", "models", "circuits"}
    found = set()
    for node in ast.walk(ast.parse(WALKTHROUGH_TEST.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "cli":
            words = [a.value for a in node.args[:2] if isinstance(a, ast.Constant)]
            if words:
                found.add(tuple(words[:2]) if words[0] in groups else (words[0],))
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_walkthrough_command_parses(doc):
    for args in walkthrough_commands(doc):
        resolve(args)  # raises click's usage error for an unknown command or option


def test_the_guide_shows_every_command_the_walkthrough_test_runs():
    shown = {resolve(args) for args in walkthrough_commands(ROOT / "docs" / "node.md")}
    missing = tested_commands() - shown
    assert tested_commands() and not missing, f"docs/node.md does not show {sorted(missing)}"


def test_a_wrong_option_is_caught():
    with pytest.raises(click.UsageError):
        resolve(["deploy", "--rpc", "x", "--outfile", "y"])
