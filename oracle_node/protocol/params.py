"""What the protocol contracts are deployed with: constructor arguments and model specs.

One home for the argument order of every constructor and of ``ModelSpec``, shared by every
deploy path (Ape in :mod:`oracle_node.deploy`, web3.py in :mod:`oracle_node.protocol.publish`),
so they cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oracle_node.circuits.manifest import Manifest


@dataclass(frozen=True)
class ProtocolParams:
    """Constructor parameters of the protocol contracts (wei and seconds)."""

    min_stake: int = 10**18
    unbonding_period: int = 7 * 24 * 3600
    max_models_per_node: int = 16
    slash_amount: int = 10**17
    harmed_share_bps: int = 5_000
    exclusive_window: int = 120
    request_timeout: int = 1_800
    max_callback_gas_limit: int = 2_000_000

    def node_registry_args(self, owner: str, treasury: str, model_registry: str) -> tuple[Any, ...]:
        """``NodeRegistry``'s constructor arguments, in order."""
        return (
            owner,
            treasury,
            model_registry,
            self.min_stake,
            self.unbonding_period,
            self.max_models_per_node,
            self.slash_amount,
            self.harmed_share_bps,
        )

    def coordinator_args(self, model_registry: str, node_registry: str) -> tuple[Any, ...]:
        """``InferenceCoordinator``'s constructor arguments, in order."""
        return (
            model_registry,
            node_registry,
            self.exclusive_window,
            self.request_timeout,
            self.max_callback_gas_limit,
        )


#: Callback gas a model accepts per request unless its publisher says otherwise.
DEFAULT_MODEL_CALLBACK_GAS = 1_000_000


def model_spec(
    manifest: Manifest,
    verifier: str,
    *,
    fee: int,
    max_abs_input: int,
    max_callback_gas: int = DEFAULT_MODEL_CALLBACK_GAS,
    artifacts_uri: str = "",
    challenge_window: int = 0,
    bond: int = 0,
) -> tuple[Any, ...]:
    """The ``IModelRegistry.ModelSpec`` tuple for a manifest, in field order. ``max_abs_input``
    is the circuit's provable input range
    (:func:`oracle_node.circuits.input_range.read_max_abs_input`); the manifest's
    ``batch_size`` is how many requests one proof of the circuit settles (``fulfillBatch``).
    ``challenge_window`` (seconds) and ``bond`` (wei) allow Optimistic requests; both zero (the
    default) keep the model to Proven requests."""
    return (
        manifest.onnx_sha256,
        manifest.compiled_sha256,
        manifest.settings_sha256,
        manifest.vk_sha256,
        verifier,
        manifest.input_len,
        manifest.output_len,
        manifest.input_scale,
        manifest.output_scale,
        fee,
        max_abs_input,
        max_callback_gas,
        manifest.batch_size,
        challenge_window,
        bond,
        manifest.committed,
        manifest.ezkl_version,
        artifacts_uri,
    )
