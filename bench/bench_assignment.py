"""Gas of the stake-weighted primary draw for pools of 2, 10 and 100 nodes.

    python -m bench.bench_assignment            # rewrites bench/results/assignment.md
    python -m bench.bench_assignment --out -    # print only

On a fresh anvil: the protocol with a model served by N staked nodes of different stakes;
then, per pool size, the gas of ``requestInference`` (which draws the primary through
``NodeRegistry.assignNode``) and of the ``drawNode`` view alone (``eth_estimateGas`` of the
call). The draw walks a Fenwick tree of stakes: O(log n) storage reads, so the request's gas
grows with log2 of the pool, not with the pool.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from web3 import Web3

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "assignment.md"
FEE = 10**15
SIZES = (2, 10, 100)


def measure(size: int) -> dict[str, int]:
    sys.path.insert(0, str(ROOT))
    from oracle_node.devchain import Anvil
    from oracle_node.protocol import ProtocolParams
    from tests.support.protocol import deploy_protocol, send

    params = ProtocolParams(min_stake=10**18)
    with Anvil(accounts=size + 2) as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner, requester, *nodes = w3.eth.accounts
        protocol = deploy_protocol(w3, owner, params, FEE, verifier_name="MockVerifier")
        model_id = protocol.register_model()
        registry = protocol.node_registry.functions
        for i, node in enumerate(nodes):
            send(w3, registry.stake(), node, params.min_stake * (1 + i % 5))
            send(w3, registry.addModel(model_id), node)
        coordinator = protocol.coordinator.functions
        gas = []
        for i in range(5):
            call = coordinator.requestInference(model_id, [i] * 30, 0)
            gas.append(int(send(w3, call, requester, FEE)["gasUsed"]))
        draw = int(registry.drawNode(model_id, 2**255 + 12345).estimate_gas({"from": requester}))
        return {"size": size, "request": sorted(gas)[len(gas) // 2], "draw_call": draw}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(RESULTS), help="results file, or - to print only")
    args = parser.parse_args(argv)
    rows = [measure(size) for size in SIZES]
    lines = [
        "# Gas of the stake-weighted primary draw",
        "",
        "Produced by `python -m bench.bench_assignment` on anvil (solc 0.8.28, cancun, optimizer",
        "200 runs). Gas does not depend on the machine. Each pool's nodes hold 1-5 ETH of stake;",
        "*request* is the median `requestInference` of an account requester (30 inputs), which",
        "draws the primary; *draw call* is `eth_estimateGas` of the `drawNode` view (21,000 of",
        "it is the transaction base cost).",
        "",
        "| pool size | log2 | request gas | draw call gas |",
        "|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['size']} | {math.log2(row['size']):.1f} | {row['request']:,} | {row['draw_call']:,} |"
        )
    growth = rows[-1]["request"] - rows[0]["request"]
    lines += ["", f"From 2 to 100 nodes the request costs {growth:,} gas more.", ""]
    text = "\n".join(lines)
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
