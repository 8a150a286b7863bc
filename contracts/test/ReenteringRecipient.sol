// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Test-only payee: when it receives ETH it replays an armed call into `target` (e.g.
///         a second withdraw) and records the revert data, without reverting itself.
contract ReenteringRecipient {
    address public target;
    bytes private s_replay;
    bool public reentrySucceeded;
    bytes public reentryRevertData;

    function arm(address target_, bytes calldata replay) external {
        target = target_;
        s_replay = replay;
    }

    /// @notice Forward any call to the target (so this contract can hold credit and withdraw it).
    function execute(bytes calldata data) external payable {
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }

    receive() external payable {
        if (s_replay.length == 0) return;
        (bool ok, bytes memory ret) = target.call(s_replay);
        reentrySucceeded = ok;
        reentryRevertData = ret;
    }
}
