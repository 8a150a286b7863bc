"""zk-verified AI oracle: the node, the circuit pipeline and the client helpers.

Smart contracts ask for the output of a registered ONNX model; staked nodes run the model,
prove the inference with EZKL and post output plus proof to an on-chain coordinator that
verifies it and calls the consumer back.
"""

from oracle_node.exceptions import OracleError

__version__ = "0.1.0"

__all__ = ["OracleError", "__version__"]
