"""Gas of the protocol's hot paths with real proofs of the reference models.

    python -m bench.bench_gas                  # on anvil, rewrites bench/results/gas.md
    python -m bench.bench_gas --network ethereum:local:test --out -   # py-evm, print only

Deploys everything from the shipped artifacts, stakes one node, and for each model makes two
requests and fulfils them with a real EZKL proof of held-out sample 0 (the first request and
fulfilment pay one-time storage costs; the second shows the steady state). The requester is an
account (no callback) and, separately, the model's example consumer. "Fulfil overhead" is the
fulfil transaction's gas minus the gas of a transaction that calls the verifier's
`verifyProof` directly with the same proof and instances (both include the 21,000 base and
their calldata, so the difference is what the coordinator adds).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from oracle_node.chain.contracts import commitment_tuple

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "gas.md"
MODELS = ("breast_cancer", "digits")
REQUEST_GOAL = 120_000
OVERHEAD_GOAL = 100_000
FEE = 10**15


def first_held_out(name: str, scale: int) -> list[int]:
    """The first held-out sample of data set `name`, as ints at input scale `scale`."""
    from oracle_node.circuits.datasets import held_out
    from oracle_node.encoding import float_to_int

    features, _ = held_out(name)
    return [float_to_int(v, scale) for v in features[0]]


def requested(coordinator: Any, receipt: Any) -> tuple[int, tuple[Any, ...]]:
    [log] = list(receipt.events.filter(coordinator.InferenceRequested))
    return int(log.requestId), commitment_tuple(log.commitment)


def _consumer_request(consumer: Any, contract: str, inputs: list[int], requester: Any) -> Any:
    """The example's request transaction (DigitBounty: the submit after its commitment)."""
    if contract == "ScreeningGate":
        return consumer.screen(inputs, sender=requester, value=FEE)
    salt = b"\x01" * 32
    consumer.commit(consumer.entryCommitment(requester, inputs, salt), sender=requester)
    from ape import chain

    chain.mine()  # the submit must run in a block after the commitment's
    return consumer.submit(0, inputs, salt, sender=requester, value=FEE)


def measure(network: str, models: tuple[str, ...] = MODELS) -> list[dict[str, Any]]:
    from ape import accounts, networks

    from oracle_node.circuits.proving import Prover
    from oracle_node.deploy import artifact_container, deploy_model, deploy_protocol

    rows: list[dict[str, Any]] = []
    with networks.parse_network_choice(network), tempfile.TemporaryDirectory() as cache:
        owner, node, requester = accounts.test_accounts[:3]
        protocol = deploy_protocol(owner)
        coordinator = protocol.coordinator
        protocol.node_registry.stake(sender=node, value=protocol.node_registry.minStake())
        # contract, constructor arguments around the callback gas limit
        consumers = {
            "breast_cancer": ("ScreeningGate", (0,), ()),
            "digits": ("DigitBounty", (7, 0), (20,)),
        }
        for name in models:
            verifier, model_id = deploy_model(
                owner, protocol, ROOT / "circuits" / name, fee=FEE, verifier_root=ROOT
            )
            protocol.node_registry.addModel(model_id, sender=node)
            prover = Prover(ROOT / "circuits" / name, cache_dir=cache)
            proof = prover.prove(first_held_out(name, prover.manifest.input_scale))
            verify_gas = verifier.verifyProof(proof.proof, proof.instances, sender=owner).gas_used
            # The deployment's first request and the node's first credit pay one-time storage.
            for run in ("first", "steady") if name == models[0] else ("steady",):
                receipt = coordinator.requestInference(
                    model_id, proof.inputs, 100_000, sender=requester, value=FEE
                )
                request_id, commitment = requested(coordinator, receipt)
                fulfil = coordinator.fulfill(
                    request_id, commitment, proof.proof, proof.instances, sender=node
                )
                rows.append(
                    {
                        "model": name,
                        "requester": "account",
                        "run": run,
                        "request": receipt.gas_used,
                        "fulfil": fulfil.gas_used,
                        "verify": verify_gas,
                    }
                )
            # A keeper's pinPrimary on one more request (then fulfilled, as the others).
            receipt = coordinator.requestInference(
                model_id, proof.inputs, 100_000, sender=requester, value=FEE
            )
            request_id, commitment = requested(coordinator, receipt)
            pin = coordinator.pinPrimary(request_id, commitment, sender=owner)
            coordinator.fulfill(request_id, commitment, proof.proof, proof.instances, sender=node)
            rows.append({"model": name, "requester": "keeper", "pin": pin.gas_used})
            if name not in consumers:
                continue  # zoo models: no example consumer, the account rows say it all
            contract, before, after = consumers[name]
            consumer = owner.deploy(
                artifact_container(contract), coordinator, model_id, *before, 200_000, *after
            )
            receipt = _consumer_request(consumer, contract, proof.inputs, requester)
            request_id, commitment = requested(coordinator, receipt)
            fulfil = coordinator.fulfill(
                request_id, commitment, proof.proof, proof.instances, sender=node
            )
            rows.append(
                {
                    "model": name,
                    "requester": contract,
                    "run": "steady",
                    "request": receipt.gas_used,
                    "fulfil": fulfil.gas_used,
                    "verify": verify_gas,
                }
            )
    return rows


def render(
    rows: list[dict[str, Any]], network: str, optimistic: list[dict[str, Any]] | None = None
) -> str:
    lines = [
        "# Gas of the protocol's hot paths",
        "",
        f"Produced by `python -m bench.bench_gas` on `{network}` (solc 0.8.28, cancun, optimizer",
        "200 runs), real EZKL proofs of held-out sample 0 of each reference model. Gas does not",
        "depend on the machine. Goals: request < 120,000; fulfil overhead < 100,000.",
        "",
        "- *request*: the `requestInference` transaction (for a consumer contract, its own call",
        "  that forwards to the coordinator: the example's bookkeeping is included).",
        "- *verifyProof tx*: a transaction calling the model's verifier directly with the same",
        "  proof and instances.",
        "- *overhead*: fulfil minus verifyProof tx, i.e. what the coordinator adds (commitment",
        "  check, primary draw, input binding, payment, output decoding, callback, event).",
        "  An account requester gets no callback; a consumer's callback gas is included in its row.",
        "- *first*: the first request and fulfilment on a fresh deployment (the node's first",
        "  credit is a zero-to-nonzero write, about 17,000 gas more); *steady*: every later one.",
        "  The request goal applies to the coordinator's own cost (account rows); a consumer row",
        "  adds the example's own storage writes.",
        "",
        "| model | requester | run | request | fulfil | verifyProof tx | overhead | request goal | overhead goal |",
        "|---|---|---|---:|---:|---:|---:|---|---|",
    ]
    pins = [r for r in rows if "pin" in r]
    for r in rows:
        if "pin" in r:
            continue
        overhead = r["fulfil"] - r["verify"]
        lines.append(
            f"| {r['model']} | {r['requester']} | {r['run']} | {r['request']:,} | {r['fulfil']:,} "
            f"| {r['verify']:,} | {overhead:,} "
            f"| {_goal(r['request'] < REQUEST_GOAL) if r['requester'] == 'account' else 'n/a'} "
            f"| {_goal(overhead < OVERHEAD_GOAL)} |"
        )
    lines += [
        "",
        "`pinPrimary` (anyone's record of a request's draw while its block hash is in reach, so",
        "that settling it after 256 blocks still slashes the primary; paid by whoever pins): "
        + ", ".join(f"{r['model']} {r['pin']:,}" for r in pins)
        + ".",
    ]
    if optimistic:
        from bench.bench_optimistic import table

        lines += [
            "",
            "## Optimistic requests",
            "",
            "The same run, on a second deployment: an output posted without a proof, final after",
            "the model's window unless proven wrong (details and timing: bench/results/optimistic.md,",
            "`python -m bench.bench_optimistic`).",
            "",
            *table(optimistic),
        ]
    return "\n".join(lines) + "\n"


def _goal(met: bool) -> str:
    return "met" if met else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", default="ethereum:local:foundry")
    parser.add_argument("--out", default=str(RESULTS), help="markdown file, or - for stdout")
    args = parser.parse_args(argv)
    from bench.bench_optimistic import measure as measure_optimistic

    rows = measure(args.network)
    text = render(rows, args.network, measure_optimistic(args.network))
    if args.out == "-":
        print(text, end="")
    else:
        Path(args.out).write_text(text)
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
