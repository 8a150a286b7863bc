// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {Ownable2Step} from "./utils/Ownable2Step.sol";
import {ReentrancyGuard} from "./utils/ReentrancyGuard.sol";
import {StakeTree} from "./utils/StakeTree.sol";

/// @title Staking registry of oracle nodes
/// @notice See {INodeRegistry}. Invariants: a node is in a model's pool exactly when it is active
///         and declared the model, and its slot's weight in the model's stake tree is its stake
///         while it is in the pool and zero otherwise; every change of stake, unbonding state or
///         model list keeps both.
contract NodeRegistry is INodeRegistry, Ownable2Step, ReentrancyGuard {
    using StakeTree for StakeTree.Tree;

    uint16 private constant BPS = 10_000;

    /// @inheritdoc INodeRegistry
    uint256 public immutable minStake;
    /// @inheritdoc INodeRegistry
    uint64 public immutable unbondingPeriod;
    /// @inheritdoc INodeRegistry
    uint256 public immutable maxModelsPerNode;
    /// @inheritdoc INodeRegistry
    address public immutable modelRegistry;

    /// @dev The slash terms share one slot: `requestTerms` reads both on every request.
    uint96 private s_slashAmount;
    uint16 private s_harmedShareBps;
    address private s_coordinator;
    address private s_treasury;

    mapping(address node => Node) private s_nodes;
    mapping(address node => uint256[]) private s_nodeModels;
    /// @dev Index + 1 of a model in the node's list; zero when not declared.
    mapping(address node => mapping(uint256 modelId => uint256)) private s_declared;
    mapping(uint256 modelId => address[]) private s_pools;
    /// @dev Index + 1 of a node in the model's pool; zero when not in it.
    mapping(uint256 modelId => mapping(address node => uint256)) private s_poolSlot;
    /// @dev Each model's pool weights by permanent slot, with their history (see {StakeTree}).
    mapping(uint256 modelId => StakeTree.Tree) private s_weights;
    /// @dev A node's permanent slot in the model's stake tree; zero before it first joins.
    mapping(uint256 modelId => mapping(address node => uint256)) private s_slotOf;
    mapping(uint256 modelId => mapping(uint256 slot => address)) private s_slotNode;
    mapping(address account => uint256) private s_credits;
    mapping(address node => bytes) private s_encryptionKeys;

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
        if (slashAmount_ > minStake_) revert SlashAmountTooHigh(slashAmount_, minStake_);
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
        if (slashAmount_ > minStake) revert SlashAmountTooHigh(slashAmount_, minStake);
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
        if (wasActive) _reweigh(msg.sender, msg.value, true);
        else if (_isActive(n)) _joinPools(msg.sender);
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
    function setEncryptionKey(bytes calldata key) external {
        if (key.length != 33 || (key[0] != 0x02 && key[0] != 0x03)) revert EncryptionKeyMalformed(key.length);
        s_encryptionKeys[msg.sender] = key;
        emit EncryptionKeySet(msg.sender, key);
    }

    /// @inheritdoc INodeRegistry
    function encryptionKeyOf(address node) external view returns (bytes memory) {
        return s_encryptionKeys[node];
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
        if (s_poolSlot[modelId][msg.sender] != 0) {
            _removeFromPool(modelId, msg.sender, s_nodes[msg.sender].stake);
        }
        emit NodeModelRemoved(msg.sender, modelId);
    }

    /// @inheritdoc INodeRegistry
    function requestUnstake() external {
        Node storage n = s_nodes[msg.sender];
        if (n.unlockAt != 0) revert NodeUnbonding(msg.sender, n.unlockAt);
        if (n.stake == 0) revert NoStake(msg.sender);
        if (_isActive(n)) _leavePools(msg.sender, n.stake);
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
    function slash(address node, address harmedParty, uint96 amount, uint16 harmedShareBps_)
        external
        onlyCoordinator
        returns (uint256 taken)
    {
        Node storage n = s_nodes[node];
        uint96 cut = n.stake < amount ? n.stake : amount;
        if (cut == 0) return 0;
        bool wasActive = _isActive(n);
        n.stake -= cut;
        if (wasActive) {
            if (_isActive(n)) _reweigh(node, cut, false);
            else _leavePools(node, n.stake + cut);
        }
        taken = cut;
        uint256 harmedShare = taken * harmedShareBps_ / BPS;
        uint256 treasuryShare = taken - harmedShare;
        s_credits[harmedParty] += harmedShare;
        s_credits[s_treasury] += treasuryShare;
        emit NodeSlashed(node, harmedParty, taken, harmedShare, treasuryShare, n.stake);
    }

    /// @inheritdoc INodeRegistry
    function requestTerms(uint256 modelId)
        external
        view
        returns (uint256 slotCount, uint96 slashAmount_, uint16 harmedShareBps_)
    {
        StakeTree.Tree storage weights = s_weights[modelId];
        // `live` counts the pool's members (`s_pools[modelId].length`) in the word of the tree's
        // size: one storage read for both on every request.
        if (weights.live == 0) revert NoActiveNodes(modelId);
        return (weights.positions, s_slashAmount, s_harmedShareBps);
    }

    /// @inheritdoc INodeRegistry
    function drawNode(uint256 modelId, uint256 seed, uint256 slotCount, uint256 atBlock)
        external
        view
        returns (address node)
    {
        StakeTree.Tree storage weights = s_weights[modelId];
        if (slotCount > weights.size()) return address(0);
        uint256 total = weights.sumAt(slotCount, atBlock);
        if (total == 0) return address(0);
        return s_slotNode[modelId][weights.findAt(slotCount, seed % total, atBlock)];
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
    function poolSlotCount(uint256 modelId) external view returns (uint256) {
        return s_weights[modelId].size();
    }

    /// @inheritdoc INodeRegistry
    function slotOf(uint256 modelId, address node) external view returns (uint256) {
        return s_slotOf[modelId][node];
    }

    /// @inheritdoc INodeRegistry
    function nodeAtSlot(uint256 modelId, uint256 slot) external view returns (address) {
        return s_slotNode[modelId][slot];
    }

    /// @inheritdoc INodeRegistry
    function poolStakeAt(uint256 modelId, uint256 slotCount, uint256 atBlock) external view returns (uint256) {
        StakeTree.Tree storage weights = s_weights[modelId];
        if (slotCount > weights.size()) slotCount = weights.size();
        return weights.sumAt(slotCount, atBlock);
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

    /// @dev `weight` is the node's weight in each pool (its stake before the change that
    ///      makes it leave).
    function _leavePools(address node, uint256 weight) private {
        uint256[] storage models = s_nodeModels[node];
        for (uint256 i = 0; i < models.length; ++i) {
            _removeFromPool(models[i], node, weight);
        }
    }

    /// @dev A pool member's stake went up (`up`) or down by `amount`: so does its weight in
    ///      every pool (all of its models: it is active).
    function _reweigh(address node, uint256 amount, bool up) private {
        uint256[] storage models = s_nodeModels[node];
        for (uint256 i = 0; i < models.length; ++i) {
            uint256 modelId = models[i];
            if (up) s_weights[modelId].add(s_slotOf[modelId][node], amount);
            else s_weights[modelId].sub(s_slotOf[modelId][node], amount);
        }
    }

    function _addToPool(uint256 modelId, address node) private {
        address[] storage pool = s_pools[modelId];
        pool.push(node);
        s_poolSlot[modelId][node] = pool.length;
        s_weights[modelId].live += 1;
        uint256 weight = s_nodes[node].stake;
        uint256 slot = s_slotOf[modelId][node];
        if (slot != 0) {
            s_weights[modelId].add(slot, weight);
        } else {
            slot = s_weights[modelId].push(weight);
            s_slotOf[modelId][node] = slot;
            s_slotNode[modelId][slot] = node;
        }
    }

    function _removeFromPool(uint256 modelId, address node, uint256 weight) private {
        address[] storage pool = s_pools[modelId];
        uint256 slot = s_poolSlot[modelId][node];
        address last = pool[pool.length - 1];
        pool[slot - 1] = last;
        s_poolSlot[modelId][last] = slot;
        pool.pop();
        s_weights[modelId].live -= 1;
        delete s_poolSlot[modelId][node];
        s_weights[modelId].sub(s_slotOf[modelId][node], weight);
    }

    function _send(address payable to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
    }
}
