"""Protocol operations, one layer above ``chain/`` and ``circuits/``: what the contracts are
deployed with, what a circuit folder registers as, and deploying and publishing over web3.py.

The Ape path (:mod:`oracle_node.deploy`, for tests and Ape projects) and the command line
(:mod:`oracle_node.protocol.publish`) are thin adapters over the same two pieces:

* :mod:`~oracle_node.protocol.params`: constructor arguments and the ``ModelSpec`` tuple;
* :mod:`~oracle_node.protocol.registration`: a circuit folder's registration (manifest, derived
  input range, the verifier source to check), built once and handed to either adapter.

``chain/`` (web3 plumbing) and ``circuits/`` (the EZKL pipeline) import nothing from here.
"""

from __future__ import annotations

from oracle_node.protocol.params import DEFAULT_MODEL_CALLBACK_GAS, ProtocolParams, model_spec
from oracle_node.protocol.registration import ModelRegistration, registration_for

__all__ = [
    "DEFAULT_MODEL_CALLBACK_GAS",
    "ModelRegistration",
    "ProtocolParams",
    "model_spec",
    "registration_for",
]
