//! The pallet's storage types and the shapes returned by its runtime API.
//!
//! Every type here is bounded (`MaxEncodedLen`) so that no storage item grows with the number of
//! delegators, workers or queued withdrawals.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::Permill;

pub use sp_core::U256;

use alloc::vec::Vec;

/// Identifier of a stake pool, assigned from a counter when the pool is created.
pub type PoolId = u64;

/// Sequence number of a withdrawal request inside one pool's FIFO queue.
pub type RequestId = u64;

/// Computing power of a worker: its benchmark score weighted by its confidence level.
pub type Power = u64;

/// A fixed-point reward counter: reward per unit (of power, or of shares) scaled by
/// [`reward_counter_scale`] (10^36).
///
/// 18 decimals (`FixedU128`) are not enough for a per-share counter when pools hold 10^24 shares:
/// the rounding of one accrual would then be worth up to 10^6 planck. With 36 decimals the
/// rounding of every accrual in the life of a pool stays far below one planck, which is what lets
/// the counters round *up* (so the seed's 0.8 PHA comes out exact) and still never pay more than
/// was credited.
pub type RewardCounter = U256;

/// The scale of a [`RewardCounter`]: 10^36.
pub fn reward_counter_scale() -> U256 {
	U256::exp10(36)
}

/// Benchmark result recorded for a worker by the registrar (it stands in for TEE attestation and
/// the on-chain benchmark of Phala).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Default,
)]
pub struct Benchmark {
	/// The CPU score `P` of the worker. Its minimum stake is `MinStakePerSqrtScore * sqrt(P)`.
	pub score: u32,
	/// Confidence level of the worker's enclave, 1 (best) to 5. Levels 1 to 3 count the full
	/// score as power, level 4 counts 80% and level 5 counts 70%.
	pub confidence_level: u8,
}

impl Benchmark {
	/// The computing power this benchmark gives a mining worker: `score * factor(level)`.
	pub fn power(&self) -> Power {
		let factor = match self.confidence_level {
			4 => Permill::from_percent(80),
			5 => Permill::from_percent(70),
			_ => Permill::one(),
		};
		factor.mul_floor(Power::from(self.score))
	}
}

/// The life cycle of a worker.
///
/// `Ready -> Mining <-> Unresponsive -> CoolingDown -> Ready`; `Mining -> CoolingDown` on a stop.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum WorkerState<BlockNumber> {
	/// Not mining and holding no stake. It may be bound to a pool, removed from it, or change
	/// operator.
	Ready,
	/// Mining with a stake; earns rewards for its pool in proportion to its power.
	Mining,
	/// Reported unresponsive by the oracle: keeps its stake but earns nothing until recovered.
	Unresponsive,
	/// Stopped; its stake is releasing and returns to the pool's free delegation at `until`.
	CoolingDown {
		/// The block (of the configured block-number provider) at which the cool-down ends.
		until: BlockNumber,
	},
}

/// Everything the chain knows about a worker.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct WorkerInfo<AccountId, Balance, BlockNumber> {
	/// The operator this worker has authorised, if any. Only a pool owned by this account may
	/// bind the worker.
	pub operator: Option<AccountId>,
	/// The latest benchmark recorded by the registrar.
	pub benchmark: Benchmark,
	/// The pool the worker is bound to.
	pub pool: Option<PoolId>,
	/// Where the worker is in its life cycle.
	pub state: WorkerState<BlockNumber>,
	/// The stake its pool put up for it (staked while mining, releasing while cooling down).
	pub stake: Balance,
	/// The power fixed when it started mining; counted in its pool's power only while `Mining`.
	pub power: Power,
}

/// A commission increase waiting for its delay to pass.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct PendingCommission<BlockNumber> {
	/// The rate that will apply.
	pub commission: Permill,
	/// The block from which it applies.
	pub effective_at: BlockNumber,
}

/// A limit an owner puts on its own commission increases (like nomination-pools' change rate):
/// each increase at most `max_increase` above the rate in force, and at least `min_delay` blocks
/// after the previous one. Once set it can only be tightened.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct CommissionChangeRate<BlockNumber> {
	/// The most one increase may add to the rate in force.
	pub max_increase: Permill,
	/// The fewest blocks between two increases.
	pub min_delay: BlockNumber,
}

/// Who may join a pool, and whether it is being wound down (like nomination-pools' states).
///
/// `Open <-> Blocked` at the owner's will; `Destroying` is final. In a destroying pool nobody
/// delegates or restakes, every withdrawal is of all the shares not yet queued, queued requests
/// cannot be cancelled, workers cannot start, and **anyone** may withdraw any delegator
/// ([`crate::Pallet::withdraw_other`]): the withdrawal queue's grace period then stops the
/// workers and pays everyone out, so the pool empties without its owner or its delegators
/// doing anything, and the owner can close it.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Default,
)]
pub enum PoolState {
	/// Anyone may delegate (subject to the whitelist and the cap).
	#[default]
	Open,
	/// No new delegators; those already in may add to their delegation, restake and leave.
	Blocked,
	/// Being wound down: see the type's docs. Set by the owner, or by anyone once the pool's
	/// value is depleted (its shares are worth less than `1 / MaxSharesPerValue` each, so no
	/// one can join it any more).
	Destroying,
}

/// A stake pool.
///
/// Balance invariant: `total_value == free + staked + releasing`. `total_value` is the value of
/// all shares; delegators' funds stay in their own accounts, held under
/// [`crate::HoldReason::Delegation`], and `total_held` is their sum for this pool. Slashes lower
/// `total_value` at once (the share price falls) and are burned from the holds lazily, delegator
/// by delegator, so `total_held >= total_value` always.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct PoolInfo<AccountId, Balance, BlockNumber> {
	/// The owner: creates the pool, binds its workers, sets commission and cap.
	pub owner: AccountId,
	/// Who may join; whether it is being wound down.
	pub state: PoolState,
	/// The chain block (`frame_system`'s number) the pool was created in: only in that block
	/// may a commission increase apply at once (nobody can have seen the pool before it).
	pub created_in: u64,
	/// The commission rate in force.
	pub commission: Permill,
	/// Where claimed commission is paid (the owner when `None`).
	pub commission_payee: Option<AccountId>,
	/// A commission increase that takes effect later.
	pub pending_commission: Option<PendingCommission<BlockNumber>>,
	/// The owner's own limit on commission increases, if it set one.
	pub change_rate: Option<CommissionChangeRate<BlockNumber>>,
	/// When the last commission increase was asked for.
	pub commission_raised_at: Option<BlockNumber>,
	/// The most the pool accepts in delegation, `None` for no cap.
	pub cap: Option<Balance>,
	/// The deposit held from the owner while the pool exists.
	pub deposit: Balance,
	/// Shares issued to delegators.
	pub total_shares: Balance,
	/// The value of all shares.
	pub total_value: Balance,
	/// Delegation not staked for any worker.
	pub free: Balance,
	/// Stake of workers that are mining or unresponsive.
	pub staked: Balance,
	/// Stake of workers that are cooling down.
	pub releasing: Balance,
	/// Sum of the delegators' holds for this pool (>= `total_value`; the difference is slash not
	/// yet settled on individual delegators).
	pub total_held: Balance,
	/// Shares locked in the withdrawal queue.
	pub queued_shares: Balance,
	/// First live entry of the withdrawal queue.
	pub queue_head: RequestId,
	/// Next entry to be allocated in the withdrawal queue.
	pub queue_tail: RequestId,
	/// When the pool's armed grace-period task is due: the queue head's `requested_at +
	/// GracePeriod`. `None` with an empty queue, and after a forced stop until the head changes.
	pub grace_due: Option<BlockNumber>,
	/// The block (of the configured block-number provider) in which the pool last queued a
	/// withdrawal request. The first request a pool queues in a block is charged a share of the
	/// Release lane's capacity (see [`crate::Pallet::first_queued_withdrawal_weight`]).
	pub last_queued_at: Option<BlockNumber>,
	/// When the pool's release task is due: the end of the cool-down its last forced stop
	/// started (all the stake it stopped returns then and pays the queue).
	pub release_due: Option<BlockNumber>,
	/// The key of the pool's queue pay-out continuation, set while free delegation is left for
	/// the queue: the pay-out deadline of the queue's head. The agenda's Payout lane runs
	/// continuations at once, earliest deadline first.
	pub payout_due: Option<BlockNumber>,
	/// Number of workers bound to the pool.
	pub workers: u32,
	/// Number of delegation records in the pool.
	pub delegators: u32,
	/// Number of whitelisted accounts; `0` means anyone may delegate.
	pub whitelist_len: u32,
	/// Sum of the power of the pool's mining workers.
	pub power: u128,
	/// The global reward-per-power counter at the pool's last settlement.
	pub power_counter_settled: RewardCounter,
	/// Reward per share credited to delegators so far.
	pub reward_per_share: RewardCounter,
	/// Commission earned by the owner and not yet claimed.
	pub owner_reward: Balance,
	/// Total credited to delegators (after commission) since the pool was created.
	pub delegator_rewards_credited: Balance,
	/// Total paid to delegators since the pool was created.
	pub delegator_rewards_paid: Balance,
	/// The pool's score in the target list: its `total_value` while it is a candidate (a
	/// mining worker), zero (and not listed) otherwise, as of the record's last write.
	pub target_score: Balance,
}

/// One delegator's position in one pool.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxWithdrawals))]
pub struct Delegation<Balance, MaxWithdrawals>
where
	Balance: Clone + PartialEq + Eq + Debug,
	MaxWithdrawals: Get<u32>,
{
	/// Shares owned, including those locked in withdrawal requests.
	pub shares: Balance,
	/// The shares locked in this delegation's queued withdrawal requests.
	pub queued_shares: Balance,
	/// The amount held in the delegator's account for this pool.
	pub held: Balance,
	/// The pool's `reward_per_share` when this position was last settled.
	pub reward_per_share_settled: RewardCounter,
	/// Rewards settled and not yet claimed.
	pub unclaimed: Balance,
	/// The delegator's queued withdrawal requests in this pool, oldest first. Each has its own
	/// grace period and pay-out deadline.
	pub withdrawals: BoundedVec<RequestId, MaxWithdrawals>,
	/// What this position adds to the delegator's score in the voter list: the value of its
	/// voting shares (not queued, at most what is held) when the record was last written.
	pub vote_value: Balance,
}

/// A queued withdrawal.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct WithdrawRequest<AccountId, Balance, BlockNumber> {
	/// Who asked.
	pub delegator: AccountId,
	/// Shares still to be paid out.
	pub shares: Balance,
	/// When it was queued; the grace period runs from here.
	pub requested_at: BlockNumber,
	/// What has been paid on this request so far.
	pub paid: Balance,
}

/// A delegator's position in one pool as the election reads it: one record per delegator holds
/// all of them (`DelegatorPools`), so reading a voter is one storage read, not one per pool.
/// Written with every write of the position's record.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct VotingPosition<Balance> {
	/// The pool.
	pub pid: PoolId,
	/// The position's voting shares: its shares not waiting in the exit queue.
	pub shares: Balance,
	/// What the position holds: its vote is never worth more.
	pub held: Balance,
}

/// A candidate pool's share price as the election's target read found it: what the voter
/// pages value positions with.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct PoolPrice<Balance> {
	/// The pool.
	pub pid: PoolId,
	/// Its `total_value`.
	pub total_value: Balance,
	/// Its `total_shares`.
	pub total_shares: Balance,
}

/// Where a paged read of a sorted list (voters or targets) stands: the election reads it page by
/// page over several blocks, from its highest page down to page 0, each page continuing after the
/// last entry the one before read.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Default,
)]
pub enum SnapshotStatus<AccountId> {
	/// No paged read is under way: the next page starts at the top of the list.
	#[default]
	Waiting,
	/// Page `page` was read last and ended at `last`; the next page starts after it.
	Ongoing {
		/// The page read last.
		page: u32,
		/// The last entry it read.
		last: AccountId,
	},
	/// Page `page` reached the end of the list; the read's later pages are empty.
	Consumed {
		/// The page read last.
		page: u32,
	},
}

impl<AccountId> SnapshotStatus<AccountId> {
	/// Whether a read of `page` continues this one: pages come in descending order, so a page
	/// below the last one read continues it and any other starts a new read from the top.
	pub fn continues(&self, page: u32) -> bool {
		match self {
			SnapshotStatus::Waiting => false,
			SnapshotStatus::Ongoing { page: last, .. }
			| SnapshotStatus::Consumed { page: last } => page < *last,
		}
	}
}

/// The global reward state. Rewards are settled lazily: nothing runs per block.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Default,
)]
pub struct RewardState<Balance, BlockNumber> {
	/// Reward per unit of power released so far (rounded up per step, see [`RewardCounter`]).
	pub reward_per_power: RewardCounter,
	/// Power of all mining workers.
	pub total_power: u128,
	/// The block up to which `reward_per_power` is brought.
	pub last_update: BlockNumber,
	/// Budget released to mining power since genesis (blocks with no power release nothing).
	pub released: Balance,
	/// Credited to pools since genesis; never exceeds `released`.
	pub accrued: Balance,
	/// Paid out (commission and delegator rewards) since genesis.
	pub paid: Balance,
}

/// Running totals of slashing.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Default,
)]
pub struct SlashTotals<Balance> {
	/// Taken from pools' values by the oracle since genesis.
	pub slashed: Balance,
	/// Burned from delegators' holds since genesis; never exceeds `slashed`.
	pub settled: Balance,
}

/// The lanes of the deadline agenda. Each lane is sorted by due block and has its own share of
/// the hook's per-block budget, so a burst in one lane cannot delay another.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	PartialOrd,
	Ord,
)]
pub enum TaskKind {
	/// Cool-downs of workers their owner stopped, ending.
	#[codec(index = 0)]
	Cooldown,
	/// Withdrawal-queue pay-outs continued from an earlier call or task.
	#[codec(index = 1)]
	Payout,
	/// Delayed commission increases.
	#[codec(index = 2)]
	Commission,
	/// Grace periods of queue heads expiring (forced stops).
	#[codec(index = 3)]
	Grace,
	/// Cool-downs started by forced stops ending: the pool's stake returns and pays its queue.
	#[codec(index = 4)]
	Release,
}

impl TaskKind {
	/// The order in which the hook serves the lanes within a block: stake coming back and the
	/// queue pay-outs it feeds first, so that stake returning in the same block can pay a
	/// request before its grace period forces a stop.
	pub const ALL: [TaskKind; 5] = [
		TaskKind::Release,
		TaskKind::Cooldown,
		TaskKind::Payout,
		TaskKind::Commission,
		TaskKind::Grace,
	];
}

/// A due block as a key of the agenda: big-endian, so that the trie's key order is the order of
/// deadlines and the first key of a lane is its earliest task.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	PartialOrd,
	Ord,
)]
pub struct DueBlock(pub [u8; 8]);

impl DueBlock {
	/// The key of block `n`.
	pub fn new(n: u64) -> Self {
		Self(n.to_be_bytes())
	}

	/// The block this key stands for.
	pub fn block(&self) -> u64 {
		u64::from_be_bytes(self.0)
	}
}

/// Something the pallet must do at a deadline without anyone calling it. Each subject has at
/// most one task of each kind, so a task is also its own identity in the agenda.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum DeadlineTask<AccountId> {
	/// Return a worker's stake to its pool when the cool-down its owner started ends.
	#[codec(index = 0)]
	CooldownEnd {
		/// The worker cooling down.
		worker: AccountId,
	},
	/// Continue paying a pool's withdrawal queue.
	#[codec(index = 1)]
	ContinuePayout {
		/// The pool.
		pid: PoolId,
	},
	/// Apply a pool's pending commission increase.
	#[codec(index = 2)]
	CommissionChange {
		/// The pool.
		pid: PoolId,
	},
	/// Force the pool's workers to stop: its queue head has waited `GracePeriod`.
	#[codec(index = 3)]
	GraceExpiry {
		/// The pool.
		pid: PoolId,
	},
	/// End the cool-down of the pool's force-stopped workers and pay its queue.
	#[codec(index = 4)]
	Release {
		/// The pool.
		pid: PoolId,
	},
}

impl<AccountId> DeadlineTask<AccountId> {
	/// The lane the task runs in.
	pub fn kind(&self) -> TaskKind {
		match self {
			DeadlineTask::CooldownEnd { .. } => TaskKind::Cooldown,
			DeadlineTask::ContinuePayout { .. } => TaskKind::Payout,
			DeadlineTask::CommissionChange { .. } => TaskKind::Commission,
			DeadlineTask::GraceExpiry { .. } => TaskKind::Grace,
			DeadlineTask::Release { .. } => TaskKind::Release,
		}
	}
}

/// A pool as shown by the runtime API.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct PoolSummary<AccountId, Balance> {
	/// The pool.
	pub pid: PoolId,
	/// Its owner.
	pub owner: AccountId,
	/// The pool's own account: how the election (and a snapshot) names it.
	pub account: AccountId,
	/// The commission in force.
	pub commission: Permill,
	/// A commission increase waiting for its delay, with the block it applies from.
	pub pending_commission: Option<(Permill, u64)>,
	/// Value of one share, in parts per billion of a unit of balance (10^9 = 1).
	pub share_price_ppb: u128,
	/// Value of all shares.
	pub total_value: Balance,
	/// Shares issued.
	pub total_shares: Balance,
	/// Delegation not staked.
	pub free: Balance,
	/// Stake of mining and unresponsive workers.
	pub staked: Balance,
	/// Stake of cooling-down workers.
	pub releasing: Balance,
	/// What the pool can still accept (`None` without a cap).
	pub cap_gap: Option<Balance>,
	/// Sum of the power of its mining workers.
	pub power: u128,
	/// Workers bound.
	pub workers: u32,
	/// Delegation records.
	pub delegators: u32,
	/// Value of the shares waiting in the withdrawal queue.
	pub queued_value: Balance,
	/// Number of requests in the withdrawal queue.
	pub queued_requests: u64,
	/// Commission not yet claimed by the owner.
	pub owner_reward: Balance,
	/// Open, blocked, or being wound down.
	pub state: PoolState,
}

/// A queued withdrawal as shown by the runtime API.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct QueuedWithdrawal<Balance> {
	/// The request's place in its pool's queue.
	pub request: RequestId,
	/// Shares still to be paid.
	pub shares: Balance,
	/// Their value at the current share price.
	pub value: Balance,
	/// Paid on this request so far.
	pub paid: Balance,
	/// When it was queued.
	pub requested_at: u64,
	/// The latest block by which the protocol guarantees payment: when its grace period ends the
	/// pool's workers are forced to stop, and the request is paid when their cool-down ends.
	pub expected_payout_by: u64,
}

/// One delegator's position in one pool, as shown by the runtime API.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct DelegatorPosition<Balance> {
	/// The pool.
	pub pid: PoolId,
	/// Shares owned.
	pub shares: Balance,
	/// Their value at the current share price (after any unsettled slash).
	pub value: Balance,
	/// Amount held in the delegator's account for this pool.
	pub held: Balance,
	/// Rewards claimable now.
	pub pending_rewards: Balance,
	/// The queued withdrawal requests, oldest first.
	pub queued_withdrawals: Vec<QueuedWithdrawal<Balance>>,
}
