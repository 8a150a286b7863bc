// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract Ping { uint256 public n; function ping() external { n += 1; } }
