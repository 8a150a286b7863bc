// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Reentrancy guard errors
interface IReentrancyGuard {
    /// @notice A guarded function was entered again before it returned.
    error ReentrantCall();
}
