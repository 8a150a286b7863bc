// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Test-only hostile verifier: it tries to replay an armed call into the coordinator
///         (e.g. the very `fulfill` that is verifying) and then accepts every proof.
contract ReenteringVerifier {
    address public target;
    bytes private s_replay;

    function arm(address target_, bytes calldata replay) external {
        target = target_;
        s_replay = replay;
    }

    function verifyProof(bytes calldata, uint256[] calldata) external returns (bool) {
        if (s_replay.length != 0) {
            // Under STATICCALL the replayed fulfilment cannot write state, so this fails.
            (bool ok,) = target.call(s_replay);
            ok;
        }
        return true;
    }
}
