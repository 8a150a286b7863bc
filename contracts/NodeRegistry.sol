// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {Ownable2Step} from "./utils/Ownable2Step.sol";
import {ReentrancyGuard} from "./utils/ReentrancyGuard.sol";
import {StakeTree} from "./utils/StakeTree.sol";

/// @title Staking registry of oracle nodes
/// @notice See {INodeRegistry}. Invariant: a node is in a model's pool exactly when it is active
///         and declared the model; every change of stake, unbonding state or model list keeps it.
contract NodeRegistry is INodeRegistry, Ownable2Step, ReentrancyGuard {
    uint16 private constant BPS = 10_000;

    /// @inheritdoc INodeRegistry
    uint256 public immutable minStake;
    /// @inheritdoc INodeRegistry
    uint64 public immutable unbondingPeriod;
    /// @inheritdoc INodeRegistry
    uint256 public immutable maxModelsPerNode;
    /// @inheritdoc INodeRegistry
    address public immutable modelRegistry;

    address private s_coordinator;
    address private s_treasury;
    uint96 private s_slashAmount;
    uint16 private s_harmedShareBps;

    mapping(address node => Node) private s_nodes;
    mapping(address node => uint256[]) private s_nodeModels;
    /// @dev Index + 1 of a model in the node's list; zero when not declared.
    mapping(address node => mapping(uint256 modelId => uint256)) private s_declared;
    mapping(uint256 modelId => address[]) private s_pools;
    /// @dev Index + 1 of a node in the model's pool; zero when not in it.
    mapping(uint256 modelId => mapping(address node => uint256)) private s_poolSlot;
    /// @dev Each pool's stakes by slot, for draws weighted by stake in O(log n).
    mapping(uint256 modelId => StakeTree.Tree) private s_poolStakes;
    mapping(address account => uint256) private s_credits;

    modifier onlyCoordinator() {
        if (msg.sender != s_coordinator) revert OnlyCoordinator(msg.sender, s_coordinator);
        _;
    }

    /// @param initialOwner Admin (two-step ownership).
    /// @param treasury_ Receives the rest of each slash.
    /// @param modelRegistry_ Consulted when a node declares a model.
    /// @param minStake_ Least stake of an active node, in wei.
    /// @param unbondingPeriod_ Seconds from `requestUnstake` to the earliest `withdrawStake`.
    /// @param maxModelsPerNode_ Most models one node may declare.
    /// @param slashAmount_ Wei taken per slash (capped by the stake).
    /// @param harmedShareBps_ Share of a slash for the harmed party, in basis points.
    constructor(
        address initialOwner,
        address treasury_,
        address modelRegistry_,
        uint256 minStake_,
        uint64 unbondingPeriod_,
        uint256 maxModelsPerNode_,
        uint96 slashAmount_,
        uint16 harmedShareBps_
    ) Ownable2Step(initialOwner) {
        if (initialOwner == address(0) || treasury_ == address(0) || modelRegistry_ == address(0)) {
            revert ZeroAddress();
        }
        if (harmedShareBps_ > BPS) revert InvalidShareBps(harmedShareBps_);
        minStake = minStake_;
        unbondingPeriod = unbondingPeriod_;
        maxModelsPerNode = maxModelsPerNode_;
        modelRegistry = modelRegistry_;
        s_treasury = treasury_;
        s_slashAmount = slashAmount_;
        s_harmedShareBps = harmedShareBps_;
        emit TreasuryUpdated(address(0), treasury_);
        emit SlashParamsUpdated(slashAmount_, harmedShareBps_);
    }

    // ------------------------------------------------------------------------------- admin

    /// @inheritdoc INodeRegistry
    function setCoordinator(address coordinator_) external onlyOwner {
        if (coordinator_ == address(0)) revert ZeroAddress();
        if (s_coordinator != address(0)) revert CoordinatorAlreadySet(s_coordinator);
        s_coordinator = coordinator_;
        emit CoordinatorSet(coordinator_);
    }

    /// @inheritdoc INodeRegistry
    function setTreasury(address treasury_) external onlyOwner {
        if (treasury_ == address(0)) revert ZeroAddress();
        emit TreasuryUpdated(s_treasury, treasury_);
        s_treasury = treasury_;
    }

    /// @inheritdoc INodeRegistry
    function setSlashParams(uint96 slashAmount_, uint16 harmedShareBps_) external onlyOwner {
        if (harmedShareBps_ > BPS) revert InvalidShareBps(harmedShareBps_);
        s_slashAmount = slashAmount_;
        s_harmedShareBps = harmedShareBps_;
        emit SlashParamsUpdated(slashAmount_, harmedShareBps_);
    }

    // ------------------------------------------------------------------------------- operators

    /// @inheritdoc INodeRegistry
    function stake() external payable {
        if (msg.value == 0) revert ZeroStake();
        Node storage n = s_nodes[msg.sender];
        if (n.unlockAt != 0) revert NodeUnbonding(msg.sender, n.unlockAt);
        bool wasActive = _isActive(n);
        // uint96 holds 79 billion ether, far above the ether supply.
        n.stake += uint96(msg.value);
        if (!wasActive && _isActive(n)) _joinPools(msg.sender);
        else if (wasActive) _reweigh(msg.sender, n.stake);
        emit NodeStaked(msg.sender, msg.value, n.stake);
    }

    /// @inheritdoc INodeRegistry
    function addModel(uint256 modelId) external {
        Node storage n = s_nodes[msg.sender];
        if (n.unlockAt != 0) revert NodeUnbonding(msg.sender, n.unlockAt);
        if (!IModelRegistry(modelRegistry).isActive(modelId)) revert ModelNotActive(modelId);
        if (s_declared[msg.sender][modelId] != 0) revert AlreadyServing(msg.sender, modelId);
        if (n.modelCount >= maxModelsPerNode) revert TooManyModels(msg.sender, maxModelsPerNode);
        s_nodeModels[msg.sender].push(modelId);
        s_declared[msg.sender][modelId] = s_nodeModels[msg.sender].length;
        n.modelCount += 1;
        if (_isActive(n)) _addToPool(modelId, msg.sender);
        emit NodeModelAdded(msg.sender, modelId);
    }

    /// @inheritdoc INodeRegistry
    function removeModel(uint256 modelId) external {
        uint256 slot = s_declared[msg.sender][modelId];
        if (slot == 0) revert NotServing(msg.sender, modelId);
        uint256[] storage models = s_nodeModels[msg.sender];
        uint256 last = models[models.length - 1];
        models[slot - 1] = last;
        s_declared[msg.sender][last] = slot;
        models.pop();
        delete s_declared[msg.sender][modelId];
        s_nodes[msg.sender].modelCount -= 1;
        if (s_poolSlot[modelId][msg.sender] != 0) _removeFromPool(modelId, msg.sender);
        emit NodeModelRemoved(msg.sender, modelId);
    }

    /// @inheritdoc INodeRegistry
    function requestUnstake() external {
        Node storage n = s_nodes[msg.sender];
        if (n.unlockAt != 0) revert NodeUnbonding(msg.sender, n.unlockAt);
        if (n.stake == 0) revert NoStake(msg.sender);
        if (_isActive(n)) _leavePools(msg.sender);
        uint64 unlockAt = uint64(block.timestamp) + unbondingPeriod;
        n.unlockAt = unlockAt;
        emit UnstakeRequested(msg.sender, n.stake, unlockAt);
    }

    /// @inheritdoc INodeRegistry
    function withdrawStake(address payable recipient) external nonReentrant {
        if (recipient == address(0)) revert ZeroAddress();
        Node memory n = s_nodes[msg.sender];
        if (n.unlockAt == 0) revert NotUnbonding(msg.sender);
        if (block.timestamp < n.unlockAt) revert UnbondingNotElapsed(msg.sender, n.unlockAt);
        if (n.openAssignments != 0) revert AssignmentsOpen(msg.sender, n.openAssignments);
        uint256[] storage models = s_nodeModels[msg.sender];
        for (uint256 i = 0; i < models.length; ++i) {
            delete s_declared[msg.sender][models[i]];
        }
        delete s_nodeModels[msg.sender];
        delete s_nodes[msg.sender];
        emit StakeWithdrawn(msg.sender, recipient, n.stake);
        _send(recipient, n.stake);
    }

    /// @inheritdoc INodeRegistry
    function withdrawCredit(address payable recipient) external nonReentrant {
        if (recipient == address(0)) revert ZeroAddress();
        uint256 amount = s_credits[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        s_credits[msg.sender] = 0;
        emit CreditWithdrawn(msg.sender, recipient, amount);
        _send(recipient, amount);
    }

    // ------------------------------------------------------------------------------- coordinator

    /// @inheritdoc INodeRegistry
    function assignNode(uint256 modelId, uint256 seed) external onlyCoordinator returns (address node) {
        node = _draw(modelId, seed);
        s_nodes[node].openAssignments += 1;
    }

    /// @inheritdoc INodeRegistry
    function releaseAssignment(address node) external onlyCoordinator {
        Node storage n = s_nodes[node];
        if (n.openAssignments == 0) revert NoOpenAssignment(node);
        n.openAssignments -= 1;
    }

    /// @inheritdoc INodeRegistry
    function slash(address node, address harmedParty) external onlyCoordinator returns (uint256 amount) {
        Node storage n = s_nodes[node];
        uint96 cap = s_slashAmount;
        uint96 taken = n.stake < cap ? n.stake : cap;
        if (taken == 0) return 0;
        bool wasActive = _isActive(n);
        n.stake -= taken;
        if (wasActive && !_isActive(n)) _leavePools(node);
        else if (wasActive) _reweigh(node, n.stake);
        amount = taken;
        uint256 harmedShare = amount * s_harmedShareBps / BPS;
        uint256 treasuryShare = amount - harmedShare;
        s_credits[harmedParty] += harmedShare;
        s_credits[s_treasury] += treasuryShare;
        emit NodeSlashed(node, harmedParty, amount, harmedShare, treasuryShare, n.stake);
    }

    // ------------------------------------------------------------------------------- views

    /// @inheritdoc INodeRegistry
    function isEligible(address node, uint256 modelId) external view returns (bool) {
        return s_poolSlot[modelId][node] != 0;
    }

    /// @inheritdoc INodeRegistry
    function isActive(address node) external view returns (bool) {
        return _isActive(s_nodes[node]);
    }

    /// @inheritdoc INodeRegistry
    function getNode(address node) external view returns (Node memory) {
        return s_nodes[node];
    }

    /// @inheritdoc INodeRegistry
    function getNodeModels(address node) external view returns (uint256[] memory) {
        return s_nodeModels[node];
    }

    /// @inheritdoc INodeRegistry
    function getModelNodes(uint256 modelId) external view returns (address[] memory) {
        return s_pools[modelId];
    }

    /// @inheritdoc INodeRegistry
    function drawNode(uint256 modelId, uint256 seed) external view returns (address) {
        return _draw(modelId, seed);
    }

    /// @inheritdoc INodeRegistry
    function poolStake(uint256 modelId) external view returns (uint256) {
        return StakeTree.total(s_poolStakes[modelId]);
    }

    /// @inheritdoc INodeRegistry
    function credits(address account) external view returns (uint256) {
        return s_credits[account];
    }

    /// @inheritdoc INodeRegistry
    function slashAmount() external view returns (uint96) {
        return s_slashAmount;
    }

    /// @inheritdoc INodeRegistry
    function harmedShareBps() external view returns (uint16) {
        return s_harmedShareBps;
    }

    /// @inheritdoc INodeRegistry
    function treasury() external view returns (address) {
        return s_treasury;
    }

    /// @inheritdoc INodeRegistry
    function coordinator() external view returns (address) {
        return s_coordinator;
    }

    // ------------------------------------------------------------------------------- internals

    function _isActive(Node storage n) private view returns (bool) {
        return n.unlockAt == 0 && n.stake != 0 && n.stake >= minStake;
    }

    function _joinPools(address node) private {
        uint256[] storage models = s_nodeModels[node];
        for (uint256 i = 0; i < models.length; ++i) {
            _addToPool(models[i], node);
        }
    }

    function _leavePools(address node) private {
        uint256[] storage models = s_nodeModels[node];
        for (uint256 i = 0; i < models.length; ++i) {
            _removeFromPool(models[i], node);
        }
    }

    /// @dev A node drawn with probability proportional to its stake: the stake interval
    ///      that `seed % poolStake` falls in. O(log n) storage reads.
    function _draw(uint256 modelId, uint256 seed) private view returns (address) {
        StakeTree.Tree storage stakes = s_poolStakes[modelId];
        uint256 total = StakeTree.total(stakes);
        if (total == 0) revert NoActiveNodes(modelId);
        return s_pools[modelId][StakeTree.find(stakes, seed % total) - 1];
    }

    /// @dev A pool member's stake changed: its weight in every pool it is in follows.
    function _reweigh(address node, uint256 newStake) private {
        uint256[] storage models = s_nodeModels[node];
        for (uint256 i = 0; i < models.length; ++i) {
            uint256 slot = s_poolSlot[models[i]][node];
            if (slot != 0) StakeTree.set(s_poolStakes[models[i]], slot, newStake);
        }
    }

    function _addToPool(uint256 modelId, address node) private {
        address[] storage pool = s_pools[modelId];
        pool.push(node);
        s_poolSlot[modelId][node] = pool.length;
        StakeTree.push(s_poolStakes[modelId], s_nodes[node].stake);
    }

    function _removeFromPool(uint256 modelId, address node) private {
        address[] storage pool = s_pools[modelId];
        StakeTree.Tree storage stakes = s_poolStakes[modelId];
        uint256 slot = s_poolSlot[modelId][node];
        uint256 lastSlot = pool.length;
        address last = pool[lastSlot - 1];
        if (slot != lastSlot) StakeTree.set(stakes, slot, StakeTree.weightAt(stakes, lastSlot));
        StakeTree.pop(stakes);
        pool[slot - 1] = last;
        s_poolSlot[modelId][last] = slot;
        pool.pop();
        delete s_poolSlot[modelId][node];
    }

    function _send(address payable to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
    }
}
