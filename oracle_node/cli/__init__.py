"""The ``oracle-node`` command line.

Each domain adds its own command group in a module of this package; ``main`` wires them.
Every failure is shown as one line on stderr with exit code 1, never a traceback, unless
``--debug`` is given: the package's own errors say what to do; an RPC that cannot be reached
and any other unexpected error are named in one line too.
"""

from __future__ import annotations

import sys

import click

from oracle_node import __version__
from oracle_node.exceptions import OracleError


@click.group()
@click.version_option(__version__, prog_name="oracle-node")
@click.option("--debug", is_flag=True, help="show the full traceback of an error")
def cli(debug: bool) -> None:
    """zk-verified AI oracle: publish models, run a node, try the protocol locally."""


def _register_commands() -> None:
    from oracle_node.cli import circuits, consumer, demo, network, node

    cli.add_command(circuits.circuits)
    cli.add_command(demo.demo)
    for command in (*network.COMMANDS, *node.COMMANDS, *consumer.COMMANDS):
        if command.name not in cli.commands:
            cli.add_command(command)


def _one_line(exc: BaseException) -> str:
    """An unexpected error in one line, naming the RPC when it is the cause."""
    import requests

    if isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.Timeout):
        return f"the RPC does not answer ({type(exc).__name__}): check --rpc / chain.rpc_url"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text[:300]} (run with --debug for the traceback)"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    _register_commands()
    try:
        cli.main(args=args, prog_name="oracle-node", standalone_mode=False)
    except OracleError as exc:
        if debug:
            raise
        click.echo(f"error: {' '.join(str(exc).split())}", err=True)
        return 1
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except Exception as exc:  # the last net: one line, not a traceback
        if debug:
            raise
        click.echo(f"error: {_one_line(exc)}", err=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
