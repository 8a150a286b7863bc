// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IReentrancyGuard} from "../interfaces/IReentrancyGuard.sol";

/// @title Reentrancy guard
/// @notice A lock held for the duration of a guarded call. 1 = free, 2 = held (never zero, so a
///         release is a cheap nonzero-to-nonzero write).
abstract contract ReentrancyGuard is IReentrancyGuard {
    uint256 private s_lock = 1;

    modifier nonReentrant() {
        if (s_lock != 1) revert ReentrantCall();
        s_lock = 2;
        _;
        s_lock = 1;
    }
}
