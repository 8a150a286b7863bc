"""``oracle-node demo``: the protocol end to end on a local anvil chain."""

from __future__ import annotations

import click

from oracle_node.devchain import port_is_free
from oracle_node.exceptions import PortInUseError
from oracle_node.extras import require_extra
from oracle_node.inference import onnxruntime_module


@click.command()
@click.option("--port", type=int, default=8545, show_default=True, help="anvil port on 127.0.0.1")
@click.option(
    "--samples", type=int, default=4, show_default=True, help="held-out samples per model"
)
@click.option("--keep-api", is_flag=True, help="keep node A's operator API up until Ctrl-C")
@click.option("--timeout", "timeout_s", type=float, default=600.0, show_default=True)
def demo(port: int, samples: int, keep_api: bool, timeout_s: float) -> None:
    """Deploy, register the reference models, stake two nodes, run them, send requests.

    Prints one row per proven fulfilment and a summary; stops everything it started.
    """
    require_extra("`oracle-node demo`", "kit")
    onnxruntime_module()  # the demo's nodes run inference
    if not port_is_free("127.0.0.1", port):
        raise PortInUseError("127.0.0.1", port)
    from oracle_node.demo import Demo

    Demo(port=port, samples=samples, keep_api=keep_api, timeout_s=timeout_s, echo=click.echo).run()
