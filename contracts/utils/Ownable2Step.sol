// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOwnable2Step} from "../interfaces/IOwnable2Step.sol";

/// @title Two-step ownership
/// @notice The owner proposes a successor, who accepts to take over.
abstract contract Ownable2Step is IOwnable2Step {
    address private s_owner;
    address private s_pendingOwner;

    constructor(address initialOwner) {
        s_owner = initialOwner;
        emit OwnershipTransferred(address(0), initialOwner);
    }

    modifier onlyOwner() {
        if (msg.sender != s_owner) revert OnlyOwner(msg.sender, s_owner);
        _;
    }

    /// @inheritdoc IOwnable2Step
    function owner() public view returns (address) {
        return s_owner;
    }

    /// @inheritdoc IOwnable2Step
    function pendingOwner() external view returns (address) {
        return s_pendingOwner;
    }

    /// @inheritdoc IOwnable2Step
    function transferOwnership(address newOwner) external onlyOwner {
        s_pendingOwner = newOwner;
        emit OwnershipTransferStarted(s_owner, newOwner);
    }

    /// @inheritdoc IOwnable2Step
    function acceptOwnership() external {
        address pending = s_pendingOwner;
        if (msg.sender != pending) revert OnlyPendingOwner(msg.sender, pending);
        address previous = s_owner;
        s_owner = pending;
        delete s_pendingOwner;
        emit OwnershipTransferred(previous, pending);
    }
}
