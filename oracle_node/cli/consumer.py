"""``oracle-node request``: a consumer's view of a live deployment, like ``cast send`` for a model.

It sends ``requestInference`` (or ``requestOptimistic``) from the configured key with the
model's fee, then follows the request's logs and prints the output decoded at the model's
output scale: as soon as a proof settles it, or, for an Optimistic request, the posted output
at once (provisional) and then the final one. Inputs are checked against the model's record
(length, range) before anything is sent.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click
from web3 import Web3

from oracle_node.cli.common import (
    ChainArgs,
    chain_options,
    contracts_for,
    eth,
    signer,
)
from oracle_node.encoding import float_to_int, int_to_float
from oracle_node.exceptions import ConfigError, DeploymentError

POLL_S = 1.0


@click.command("request")
@click.argument("model_id", type=int)
@chain_options
@click.option(
    "--input", "input_text", default=None, help="ints at the model's input scale: 1,2,3 or [1,2,3]"
)
@click.option(
    "--floats", "floats_text", default=None, help="floats, scaled here by the model's input scale"
)
@click.option(
    "--input-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
    help="a JSON list of ints at the input scale, or {\"floats\": [...]}",
)  # fmt: skip
@click.option("--optimistic", is_flag=True, help="an Optimistic request (the model must allow it)")
@click.option(
    "--callback-gas", type=click.IntRange(min=0), default=0, show_default=True,
    help="gas for the requester's callback (0: an account requester has no callback)",
)  # fmt: skip
@click.option("--wait/--no-wait", default=True, show_default=True, help="wait for the output")
@click.option("--timeout", type=float, default=600.0, show_default=True, help="seconds to wait")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output (one JSON object)")
def request(
    model_id: int,
    chain: ChainArgs,
    input_text: str | None,
    floats_text: str | None,
    input_file: Path | None,
    optimistic: bool,
    callback_gas: int,
    wait: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Ask MODEL_ID for an inference on a live deployment and print the decoded output."""
    settings = chain.settings()
    contracts = contracts_for(settings)
    record = contracts.model(model_id)
    if not record.active:
        raise ConfigError(f"model {model_id} is deactivated: it takes no requests")
    values = _inputs(input_text, floats_text, input_file, record.input_scale)
    _check_inputs(values, record)
    if optimistic and record.challenge_window == 0:
        raise ConfigError(f"model {model_id} takes Proven requests only (no challenge window)")
    account = signer(settings)
    coordinator = contracts.coordinator
    fn = (
        coordinator.functions.requestOptimistic
        if optimistic
        else coordinator.functions.requestInference
    )
    from oracle_node.chain.tx import send_transaction

    say = _Printer(as_json)
    receipt = send_transaction(
        contracts.w3, account, fn(model_id, values, callback_gas), contracts.decoder,
        value=record.fee, what="request",
    )  # fmt: skip
    [event] = coordinator.events.InferenceRequested().process_receipt(receipt)
    request_id = int(event["args"]["requestId"])
    sent_at = time.monotonic()
    say.field("request", request_id)
    say.field("mode", "optimistic" if optimistic else "proven")
    say.field("tx", "0x" + bytes(receipt["transactionHash"]).hex())
    say.field("block", int(receipt["blockNumber"]))
    say.field("fee", eth(record.fee), raw=str(record.fee))
    say.field("request_gas", int(receipt["gasUsed"]))
    if not wait:
        say.done()
        return
    _follow(contracts, request_id, int(receipt["blockNumber"]), record, say, sent_at, timeout)
    say.done()


def _inputs(
    input_text: str | None, floats_text: str | None, input_file: Path | None, scale: int
) -> list[int]:
    given = [x is not None for x in (input_text, floats_text, input_file)]
    if sum(given) != 1:
        raise click.UsageError("give the input once: --input, --floats or --input-file")
    if input_file is not None:
        try:
            data: Any = json.loads(input_file.read_text())
        except ValueError as exc:
            raise ConfigError(f"{input_file}: not JSON ({exc})") from None
        if isinstance(data, dict) and "floats" in data:
            return [float_to_int(float(v), scale) for v in data["floats"]]
        return _ints(data, str(input_file))
    if floats_text is not None:
        return [float_to_int(v, scale) for v in _numbers(floats_text, "--floats", float)]
    return _ints(_numbers(str(input_text), "--input", int), "--input")


def _numbers(text: str, what: str, kind: type) -> list[Any]:
    body = text.strip().removeprefix("[").removesuffix("]")
    try:
        return [kind(part) for part in body.replace(",", " ").split()]
    except ValueError:
        raise ConfigError(f"{what} {text!r}: expected numbers separated by commas") from None


def _ints(values: Any, what: str) -> list[int]:
    if not isinstance(values, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise ConfigError(
            f"{what}: expected a list of ints at the model's input scale (use --floats to scale)"
        )
    return list(values)


def _check_inputs(values: list[int], record: Any) -> None:
    if len(values) != record.input_len:
        raise ConfigError(
            f"model {record.model_id} takes {record.input_len} inputs, got {len(values)}"
        )
    bound = int(record.max_abs_input)
    for i, x in enumerate(values):
        if abs(x) > bound:
            raise ConfigError(
                f"input {i} = {x} is outside the model's provable range |x| <= {bound:,} "
                f"(at input scale {record.input_scale}: {bound / 2**record.input_scale:.6g})"
            )


def _follow(
    contracts: Any, request_id: int, start: int, record: Any, say: _Printer, sent_at: float,
    timeout: float,
) -> None:  # fmt: skip
    """Poll the coordinator's logs from the request's block until the request is settled."""
    coordinator = contracts.coordinator
    w3 = contracts.w3
    topic = "0x" + request_id.to_bytes(32, "big").hex()
    deadline = time.monotonic() + timeout
    scanned = start
    posted = False
    while time.monotonic() < deadline:
        head = int(w3.eth.block_number)
        if head >= scanned:
            logs = w3.eth.get_logs(
                {"address": coordinator.address, "fromBlock": scanned, "toBlock": head}
            )
            for log in logs:
                outcome = _outcome(coordinator, log, request_id, topic)
                if outcome is None:
                    continue
                kind, args = outcome
                elapsed = time.monotonic() - sent_at
                if kind == "posted" and not posted:
                    posted = True
                    _show_output(say, "posted", [int(v) for v in args["output"]], record)
                    say.field("poster", args["poster"])
                    say.field("final_at", int(args["finalAt"]))
                    say.field("posted_after_s", round(elapsed, 1))
                elif kind == "fulfilled":
                    _show_output(say, "output", [int(v) for v in args["output"]], record)
                    say.field("node", args["node"])
                    say.field("result", _RESULTS.get(int(args["result"]), str(args["result"])))
                    say.field("settled_after_s", round(elapsed, 1))
                    return
                elif kind == "finalized":
                    say.field("final", "yes (challenge window over, finalised)")
                    say.field("settled_after_s", round(elapsed, 1))
                    return
                elif kind == "cancelled":
                    say.field("cancelled", f"refunded {eth(int(args['refund']))}")
                    return
            scanned = head + 1
        time.sleep(POLL_S)
    raise DeploymentError(
        f"request {request_id} was not settled within {timeout:.0f} s (it is still pending: "
        f"wait longer with --timeout, or see `oracle-node models show {record.model_id}`)"
    )


_RESULTS = {
    0: "delivered",
    1: "callback reverted",
    2: "callback out of gas",
    3: "no callback (account)",
}


def _outcome(coordinator: Any, log: Any, request_id: int, topic: str) -> tuple[str, Any] | None:
    """What one coordinator log says about ``request_id``, if anything."""
    topics = [Web3.to_hex(t) for t in log["topics"]]
    events = coordinator.events
    if len(topics) > 1 and topics[1] == topic:
        for name, kind in (
            ("InferenceFulfilled", "fulfilled"),
            ("OutputPosted", "posted"),
            ("InferenceCancelled", "cancelled"),
        ):
            try:
                return kind, getattr(events, name)().process_log(log)["args"]
            except Exception:  # another event of the same request
                continue
    try:
        args = events.OutputsFinalized().process_log(log)["args"]
    except Exception:  # not a finalisation
        return None
    if request_id in [int(r) for r in args["requestIds"]]:
        return "finalized", args
    return None


def _show_output(say: _Printer, label: str, output: list[int], record: Any) -> None:
    floats = [round(int_to_float(v, record.output_scale), 6) for v in output]
    say.field(label, f"{output} (scale {record.output_scale}: {floats})", raw=output)


class _Printer:
    """Aligned ``name: value`` lines, or one JSON object at the end."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.data: dict[str, Any] = {}

    def field(self, name: str, value: Any, raw: Any = None) -> None:
        self.data[name] = value if raw is None else raw
        if not self.as_json:
            click.echo(f"{name:>16}: {value}")

    def done(self) -> None:
        if self.as_json:
            click.echo(json.dumps(self.data, default=str))


COMMANDS = [request]
