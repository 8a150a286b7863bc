"""Circuit artifacts: build them from ONNX with EZKL, describe them in a manifest, check them.

Submodules: ``manifest`` (hashes, scales, the artifact file names), ``build`` (the pipeline),
``proving`` (the only module that imports ``ezkl``: build steps and :class:`Prover`),
``inputs`` (ONNX and calibration checks), ``datasets`` (the bundled reference data). Their
errors are in :mod:`oracle_node.exceptions`, under ``CircuitError``.
"""

from oracle_node.circuits.manifest import Manifest, load_manifest

__all__ = ["Manifest", "load_manifest"]
