"""Test your consumer contract against the real protocol, inside your own Ape project.

Installing ``oracle-node`` registers a pytest plugin (:mod:`oracle_node.testing.plugin`) with
these fixtures:

``oracle``
    An :class:`OracleHarness`: the protocol deployed on the test chain, with one staked node.
``oracle_model``
    A factory: ``oracle_model("path/to/circuits/digits")`` deploys that circuit's generated
    verifier, registers the model and has the node serve it; returns a :class:`RegisteredModel`.

A test then asks for inferences through its consumer and calls ``oracle.fulfill_pending()``,
which proves each pending request with EZKL (real proofs, real verifier) and fulfils it from the
assigned node, so the consumer's callback runs exactly as on a live network.
"""

from oracle_node.testing.harness import (
    Fulfillment,
    OracleHarness,
    PendingRequest,
    RegisteredModel,
)

__all__ = ["Fulfillment", "OracleHarness", "PendingRequest", "RegisteredModel"]
