"""What a circuit folder registers as: read once, used by every deploy path.

:func:`registration_for` checks the folder against its manifest, derives its provable input
range and names the verifier source a deployed verifier must compile from; the result gives the
``ModelSpec`` for whatever verifier address the adapter deploys or is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oracle_node.chain.verifier_code import VerifierSource
from oracle_node.circuits.input_range import read_max_abs_input
from oracle_node.circuits.manifest import Manifest, load_manifest, verifier_source_paths
from oracle_node.protocol.params import DEFAULT_MODEL_CALLBACK_GAS, model_spec


@dataclass(frozen=True)
class ModelRegistration:
    """A circuit folder's registry entry, short of its verifier's address."""

    model_dir: Path
    manifest: Manifest
    max_abs_input: int
    verifier: VerifierSource
    fee: int
    artifacts_uri: str = ""
    max_callback_gas: int = DEFAULT_MODEL_CALLBACK_GAS
    challenge_window: int = 0
    bond: int = 0

    @property
    def name(self) -> str:
        return self.manifest.name

    def spec(self, verifier_address: str) -> tuple[Any, ...]:
        """The ``IModelRegistry.ModelSpec`` tuple with the verifier at ``verifier_address``."""
        return model_spec(
            self.manifest,
            verifier_address,
            fee=self.fee,
            max_abs_input=self.max_abs_input,
            max_callback_gas=self.max_callback_gas,
            artifacts_uri=self.artifacts_uri,
            challenge_window=self.challenge_window,
            bond=self.bond,
        )


def registration_for(
    model_dir: Path | str,
    *,
    fee: int,
    artifacts_uri: str = "",
    challenge_window: int = 0,
    bond: int = 0,
    max_callback_gas: int = DEFAULT_MODEL_CALLBACK_GAS,
    verifier_source: Path | None = None,
    verifier_root: Path | None = None,
) -> ModelRegistration:
    """The registration of the circuit in ``model_dir``: its files checked against the manifest
    (and the verifier source under ``verifier_root`` when given), its input range derived from
    the graph, and the verifier source to compile: ``verifier_source`` when given, else found
    from the manifest; either way it must hash to the manifest's ``verifier_sha256``."""
    folder = Path(model_dir)
    manifest = load_manifest(folder, verifier_root)
    paths = (
        (verifier_source,)
        if verifier_source is not None
        else verifier_source_paths(folder, manifest)
    )
    return ModelRegistration(
        model_dir=folder,
        manifest=manifest,
        max_abs_input=read_max_abs_input(folder),
        verifier=VerifierSource(manifest.verifier_contract, manifest.verifier_sha256, paths),
        fee=fee,
        artifacts_uri=artifacts_uri,
        max_callback_gas=max_callback_gas,
        challenge_window=challenge_window,
        bond=bond,
    )
