"""The ``oracle-node`` command line.

Each domain adds its own command group in a module of this package; ``main`` wires them.
Errors from the package are shown as one line on stderr with exit code 1, not a traceback.
"""

from __future__ import annotations

import sys

import click

from oracle_node import __version__
from oracle_node.exceptions import OracleError


@click.group()
@click.version_option(__version__, prog_name="oracle-node")
def cli() -> None:
    """zk-verified AI oracle: publish models, run a node, try the protocol locally."""


def _register_commands() -> None:
    from oracle_node.cli import circuits, demo, node

    cli.add_command(circuits.circuits)
    cli.add_command(demo.demo)
    for command in node.COMMANDS:
        cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    _register_commands()
    try:
        cli.main(args=argv, prog_name="oracle-node", standalone_mode=False)
    except OracleError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
