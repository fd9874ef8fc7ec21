//! # Stake Pool Pallet
//!
//! Delegated staking for compute workers: workers authorise an operator, operators run stake
//! pools, delegators back pools with funds that never leave their own accounts, and the chain
//! rewards pools every block by their share of computing power.
//!
//! ## Overview
//!
//! The rules follow Phala's stake pools (see `docs/stake-pool.md` for the worked examples):
//!
//! - A **worker** is an account (its key). A trusted [`Config::RegistrarOrigin`] records its
//!   benchmark (CPU score and confidence level), standing in for TEE attestation. The worker
//!   authorises exactly one **operator**; it cannot change operator while it mines or cools down.
//! - Anyone creates a **pool** with a refundable deposit and becomes its **owner**. A pool binds a
//!   worker only if the worker's operator is the pool's owner, at most [`Config::MaxPoolWorkers`]
//!   of them. The owner sets a **commission** (increases wait [`Config::CommissionChangeDelay`],
//!   decreases apply at once), a **cap**, a **whitelist** and a description.
//! - A **delegator** calls [`Pallet::delegate`]: the amount is put on hold in their own account
//!   under [`HoldReason::Delegation`] and they receive pool **shares** at the current share price.
//! - The owner **stakes** free delegation for a worker with [`Pallet::start_mining`], between the
//!   worker's minimum (`MinStakePerSqrtScore * floor(sqrt(score))`) and
//!   [`Config::MaxStakePerWorker`]. A stopped worker **cools down** for
//!   [`Config::CooldownPeriod`]; then its stake returns to free delegation by itself.
//! - Each block, [`RewardPerBlock`] is shared among pools by **power**; each pool gives its
//!   commission to the owner and the rest to its delegators pro rata to their shares.
//! - A **withdrawal** is paid at once from free delegation; the rest waits in a FIFO queue that
//!   new free delegation pays first. If the head of the queue is still unpaid after
//!   [`Config::GracePeriod`], all the pool's mining workers are forced to stop, so every
//!   delegator exits within `GracePeriod + CooldownPeriod`.
//! - The [`Config::OracleOrigin`] reports unresponsive and recovered workers and slashes stake;
//!   the pool's share price absorbs the loss.
//! - A pool is `Open`, `Blocked` (no new delegators) or `Destroying` ([`PoolState`]): a
//!   destroying pool takes no delegation or new stake and anyone may withdraw its delegators
//!   ([`Pallet::withdraw_other`]), so it empties by itself and its owner can close it.
//!
//! ## Terminology
//!
//! - **Free delegation**: delegation not staked for any worker (`PoolInfo::free`).
//! - **Releasing stake**: stake of cooling-down workers (`PoolInfo::releasing`).
//! - **Cap gap**: what a capped pool can still accept, `cap - total_value`.
//! - **Share price**: `total_value / total_shares`; it only falls (slashes) or moves by rounding.
//! - **Power**: `score` weighted by confidence level; only mining workers count.
//!
//! ## Usage
//!
//! The life of a pool, as the tests drive it (see `tests/seed.rs`):
//!
//! 1. `register_worker(worker, Benchmark { score, confidence_level })` by the registrar;
//! 2. `authorize_operator(owner)` signed by the worker;
//! 3. `create_pool()`, `add_worker(pid, worker)`, `set_commission(pid, rate)` by the owner;
//! 4. `delegate(pid, amount)` by delegators;
//! 5. `start_mining(pid, worker, stake)` by the owner;
//! 6. blocks pass; `claim_rewards(pid, restake)` and `claim_commission(pid)`;
//! 7. `withdraw(pid, value)`; the deadline index does the rest.
//!
//! ## Low Level / Implementation Details
//!
//! **Per-block cost.** Nothing in the pallet iterates pools, workers or delegators per block.
//! Rewards use two lazily settled counters: a global reward-per-power counter (brought up to date
//! whenever any pool is touched) and a per-pool reward-per-share counter. Both are
//! [`types::RewardCounter`]s with 36 decimals, rounded up per step and floored per payee, and a
//! pool never receives more than was released nor a delegator more than their pool was credited.
//!
//! **Deadlines.** Cool-down ends, grace-period expiries, the return of force-stopped stake,
//! delayed commission increases and queue pay-outs that ran out of per-call budget are tasks in
//! the [`Agenda`], sorted by due block in five lanes. Each subject has at most one task per lane
//! and the task goes with its subject, so no stale task ever takes a slot;
//! [`Hooks::on_poll`](frame_support::traits::Hooks::on_poll) (after the block's inherents, so a
//! clock that an inherent sets, a parachain's relay parent, is this block's) serves at most
//! [`Config::MaxTasksPerBlock`] due tasks per lane. A pool's grace period follows the head of its
//! queue, and a forced stop's cool-down ends `CooldownPeriod` after the grace deadline however
//! late the stop runs, so every request is paid by `requested_at + GracePeriod +
//! CooldownPeriod`. The module [`deadlines`] states the guarantees and the tests that prove
//! them. Every task also has a permissionless call ([`Pallet::reclaim_worker`],
//! [`Pallet::force_stop_overdue`], [`Pallet::process_withdrawals`]).
//!
//! **Slashes.** A slash lowers `total_value` at once; each delegator's hold is reduced to the value
//! of their shares (rounded up, so the burn never exceeds the slash) the next time they are
//! touched, or by anyone through [`Pallet::settle_slash`]. The burned funds go to
//! [`Config::OnSlash`].
//!
//! **Invariants** (checked by `try_state`): the sum of delegation records equals the holds in
//! accounts and the pools' `total_held`; shares add up; `total_value = free + staked + releasing`
//! and `total_held >= total_value`; stake per state matches the workers; the queues are
//! consistent; rewards paid never exceed rewards credited, which never exceed the budget released.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

use delegation::Queued;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

pub mod deadlines;
mod delegation;
pub mod election;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
pub mod lists;
mod math;
pub mod migrations;
mod pool;
pub mod rewards;
pub mod types;
mod view;
pub mod weights;
mod withdraw_queue;
mod worker;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use election::{OnNewActiveSet, PalletIdPoolAccounts, PoolAccounts};
pub use lists::{geometric_thresholds, TargetScoreOf, VoterScoreOf};
pub use rewards::{MintRewards, PayFromAccount, RewardSource};

/// The log target of this pallet.
pub const LOG_TARGET: &str = "runtime::stake-pool";

/// Logs through the pallet's target with a `[block]` prefix.
#[macro_export]
macro_rules! log {
	($level:tt, $pattern:expr $(, $values:expr)* $(,)?) => {
		log::$level!(
			target: $crate::LOG_TARGET,
			concat!("[{:?}] 💰 ", $pattern),
			<frame_system::Pallet<T>>::block_number() $(, $values)*
		)
	};
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{self, Credit},
			OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::BlockNumberProvider, Permill};

	/// The balance type of the pallet's currency.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;
	/// The block number of the configured [`Config::BlockNumberProvider`].
	pub type BlockNumberOf<T> =
		<<T as Config>::BlockNumberProvider as BlockNumberProvider>::BlockNumber;
	/// A credit (negative imbalance) of the pallet's currency.
	pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
	/// A pool as stored.
	pub type PoolOf<T> =
		PoolInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberOf<T>>;
	/// A worker as stored.
	pub type WorkerOf<T> =
		WorkerInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberOf<T>>;
	/// A delegation as stored.
	pub type DelegationOf<T> = Delegation<BalanceOf<T>, <T as Config>::MaxWithdrawalsPerDelegation>;
	/// A withdrawal request as stored.
	pub type RequestOf<T> =
		WithdrawRequest<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberOf<T>>;
	/// A deadline task as stored.
	pub type DeadlineTaskOf<T> = DeadlineTask<<T as frame_system::Config>::AccountId>;

	// 2: the deadline agenda replaced the per-kind task queues; pools record their task dues;
	// delegations hold several queued requests. No chain with version 1 storage outlived a
	// development run, so no migration is provided (see docs/stake-pool.md).
	// 3: `DelegatorPools` entries carry each position's voting shares and hold
	// ([`migrations::v3`]).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Funds a delegator has delegated to pools.
		#[codec(index = 0)]
		Delegation,
		/// The deposit of a pool's owner, returned when the pool closes.
		#[codec(index = 1)]
		PoolDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The currency delegations are held in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>;

		/// Where rewards come from: minted ([`MintRewards`]) or paid from a pot
		/// ([`PayFromAccount`]).
		type RewardSource: RewardSource<Self::AccountId, BalanceOf<Self>>;

		/// Receives what slashes burn from delegators' holds (dropping it burns it).
		type OnSlash: OnUnbalanced<CreditOf<Self>>;

		/// May record workers' benchmarks (stands in for TEE attestation).
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// May report unresponsive or recovered workers and slash stake.
		type OracleOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// May set the per-block reward budget.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Where time comes from (a parachain uses the relay chain's block number).
		type BlockNumberProvider: BlockNumberProvider;

		/// Held from a pool's owner while the pool exists.
		#[pallet::constant]
		type PoolDeposit: Get<BalanceOf<Self>>;

		/// The smallest amount one `delegate` call accepts.
		#[pallet::constant]
		type MinDelegation: Get<BalanceOf<Self>>;

		/// `k` in a worker's minimum stake `k * floor(sqrt(score))`.
		#[pallet::constant]
		type MinStakePerSqrtScore: Get<BalanceOf<Self>>;

		/// The most a pool may stake for one worker.
		#[pallet::constant]
		type MaxStakePerWorker: Get<BalanceOf<Self>>;

		/// The highest commission a pool may set.
		#[pallet::constant]
		type MaxCommission: Get<Permill>;

		/// How long a commission increase waits before it applies. Must exceed `GracePeriod +
		/// CooldownPeriod` (checked by `integrity_test`): a delegator who asks to leave when an
		/// increase is announced is paid out, at the latest, that long after asking.
		#[pallet::constant]
		type CommissionChangeDelay: Get<BlockNumberOf<Self>>;

		/// How long the head of a withdrawal queue may stay unpaid before the pool's workers are
		/// forced to stop.
		#[pallet::constant]
		type GracePeriod: Get<BlockNumberOf<Self>>;

		/// How long a stopped worker cools down before its stake returns to the pool.
		#[pallet::constant]
		type CooldownPeriod: Get<BlockNumberOf<Self>>;

		/// Milliseconds between two blocks of [`Config::BlockNumberProvider`] (the clock of every
		/// deadline above). The pallet counts blocks only; wallets and the dashboard read this to
		/// turn a deadline (a queued withdrawal's pay-out block, a commission increase, a
		/// cool-down) into a date, and a reward per block into a yearly rate.
		#[pallet::constant]
		type BlockTimeMillis: Get<u64>;

		/// The most workers one pool may bind.
		#[pallet::constant]
		type MaxPoolWorkers: Get<u32>;

		/// The most pools one account may delegate to at the same time.
		#[pallet::constant]
		type MaxPoolsPerDelegator: Get<u32>;

		/// The most accounts a pool's whitelist may hold.
		#[pallet::constant]
		type MaxWhitelist: Get<u32>;

		/// The longest pool description, in bytes.
		#[pallet::constant]
		type MaxDescriptionLen: Get<u32>;

		/// The most withdrawal requests one call (or one task) pays from the queue; the rest is
		/// continued in the next block.
		#[pallet::constant]
		type MaxQueuePayoutsPerCall: Get<u32>;

		/// The most deadline tasks the hook serves in one block in each lane of the agenda
		/// ([`TaskKind`]). Together with [`Config::MaxQueuePayoutsPerCall`] it sets how many
		/// queued withdrawals the hook can pay per block, which bounds how many a block may
		/// queue (see [`Pallet::withdraw`]).
		#[pallet::constant]
		type MaxTasksPerBlock: Get<u32>;

		/// The most delegators whose place in [`Config::VoterList`] the hook brings up to date
		/// per block after a paged snapshot: while the election reads the list page by page it
		/// is locked, and the delegators whose score changed meanwhile wait in [`StaleVoters`].
		#[pallet::constant]
		type MaxStaleRescoresPerBlock: Get<u32>;

		/// The most candidate pools the election takes (its `MaxElectableTargets`): the share
		/// prices of that many pools are kept from the target read for the voter pages
		/// ([`SnapshotPrices`]).
		#[pallet::constant]
		type MaxElectableTargets: Get<u32>;

		/// The most shares a pool may have per unit of its value before it refuses new delegation
		/// (like nomination-pools' `MaxPointsToBalance`): a pool slashed to near nothing would
		/// otherwise mint a newcomer a huge number of shares for a small amount. 10 is a safe
		/// choice: shares start one to one, so only a slash of over 90% reaches it.
		#[pallet::constant]
		type MaxSharesPerValue: Get<u32>;

		/// The most withdrawal requests one delegator may have queued in one pool at a time.
		/// Each request has its own grace period and deadline; withdrawing everything takes one.
		#[pallet::constant]
		type MaxWithdrawalsPerDelegation: Get<u32>;

		/// The delegators, sorted by the value of their voting positions: the election takes the
		/// largest first, reading no more than it takes. In a runtime, an instance of
		/// `pallet-bags-list` whose `ScoreProvider` is [`lists::VoterScoreOf`]; the pallet keeps
		/// it up to date (see [`lists`]).
		type VoterList: frame_election_provider_support::SortedListProvider<
			Self::AccountId,
			Score = BalanceOf<Self>,
		>;

		/// The candidate pools (by their [`Config::PoolAccounts`] account), sorted by value. In a
		/// runtime, an instance of `pallet-bags-list` whose `ScoreProvider` is
		/// [`lists::TargetScoreOf`].
		type TargetList: frame_election_provider_support::SortedListProvider<
			Self::AccountId,
			Score = BalanceOf<Self>,
		>;

		/// The election that picks each era's active pools; its data provider is this pallet.
		type ElectionProvider: frame_election_provider_support::ElectionProvider<
			AccountId = Self::AccountId,
			BlockNumber = BlockNumberFor<Self>,
			DataProvider = Pallet<Self>,
		>;

		/// How the election names pools.
		type PoolAccounts: PoolAccounts<Self::AccountId>;

		/// Converts delegated value to vote weight.
		type CurrencyToVote: sp_staking::currency_to_vote::CurrencyToVote<BalanceOf<Self>>;

		/// Blocks (of `frame_system`) per era; an active set is elected at the end of each.
		#[pallet::constant]
		type EraLength: Get<BlockNumberFor<Self>>;

		/// How many pools each era's active set should hold.
		#[pallet::constant]
		type DesiredActivePools: Get<u32>;

		/// Told of every new active set.
		type OnNewActiveSet: OnNewActiveSet;

		/// Weights of calls and hooks, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Workers known to the chain.
	#[pallet::storage]
	pub type Workers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, WorkerOf<T>>;

	/// Stake pools by id.
	#[pallet::storage]
	pub type Pools<T: Config> = StorageMap<_, Twox64Concat, PoolId, PoolOf<T>>;

	/// The id the next pool gets.
	#[pallet::storage]
	pub type NextPoolId<T: Config> = StorageValue<_, PoolId, ValueQuery>;

	/// Workers bound to each pool.
	#[pallet::storage]
	pub type PoolWorkers<T: Config> =
		StorageDoubleMap<_, Twox64Concat, PoolId, Blake2_128Concat, T::AccountId, ()>;

	/// Accounts allowed to delegate to a pool that has a whitelist.
	#[pallet::storage]
	pub type PoolWhitelist<T: Config> =
		StorageDoubleMap<_, Twox64Concat, PoolId, Blake2_128Concat, T::AccountId, ()>;

	/// Free-text description of each pool.
	#[pallet::storage]
	pub type PoolDescriptions<T: Config> =
		StorageMap<_, Twox64Concat, PoolId, BoundedVec<u8, T::MaxDescriptionLen>>;

	/// Each delegator's position in each pool.
	#[pallet::storage]
	pub type Delegations<T: Config> =
		StorageDoubleMap<_, Twox64Concat, PoolId, Blake2_128Concat, T::AccountId, DelegationOf<T>>;

	/// Each delegator's score in [`Config::VoterList`]: the sum of its positions' `vote_value`.
	#[pallet::storage]
	pub type VoterScores<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	/// Where the election's paged read of [`Config::VoterList`] stands. The list is locked
	/// from the first page to the last, so that no delegator moves between pages (and is read
	/// twice or never).
	#[pallet::storage]
	pub type VoterSnapshotStatus<T: Config> =
		StorageValue<_, SnapshotStatus<T::AccountId>, ValueQuery>;

	/// Where the election's paged read of [`Config::TargetList`] stands (locked likewise).
	#[pallet::storage]
	pub type TargetSnapshotStatus<T: Config> =
		StorageValue<_, SnapshotStatus<T::AccountId>, ValueQuery>;

	/// Pools (by account) whose target score changed while the target list was locked for a
	/// paged read: their `target_score` is current, their place in the list is not. The hook
	/// moves [`Config::MaxStaleRescoresPerBlock`] of them per block once the list is unlocked.
	#[pallet::storage]
	pub type StaleTargets<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// The share prices of the candidate pools the election's last target read took, and the
	/// block it was taken in: the voter pages value positions with them (one read per page
	/// instead of a pool read per position), and only positions in these pools vote. A voter
	/// read starting more than a block after it takes its own.
	#[pallet::storage]
	pub type SnapshotPrices<T: Config> = StorageValue<
		_,
		(BlockNumberFor<T>, BoundedVec<PoolPrice<BalanceOf<T>>, T::MaxElectableTargets>),
	>;

	/// Delegators whose score changed while the voter list was locked for a paged snapshot:
	/// their [`VoterScores`] entry is current, their place in the list is not. The hook moves
	/// [`Config::MaxStaleRescoresPerBlock`] of them per block once the list is unlocked.
	#[pallet::storage]
	pub type StaleVoters<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// The pools each account delegates to, with each position's voting shares and hold: what
	/// the election reads of a voter, in one read (kept by every write of a delegation record).
	#[pallet::storage]
	pub type DelegatorPools<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<VotingPosition<BalanceOf<T>>, T::MaxPoolsPerDelegator>,
		ValueQuery,
	>;

	/// The withdrawal queue of each pool, one entry per request, in FIFO order.
	#[pallet::storage]
	pub type WithdrawQueue<T: Config> =
		StorageDoubleMap<_, Twox64Concat, PoolId, Twox64Concat, RequestId, RequestOf<T>>;

	/// The reward budget shared among pools every block.
	#[pallet::storage]
	pub type RewardPerBlock<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// The global reward counter and totals.
	#[pallet::storage]
	pub type Rewards<T: Config> =
		StorageValue<_, RewardState<BalanceOf<T>, BlockNumberOf<T>>, ValueQuery>;

	/// Running totals of slashing.
	#[pallet::storage]
	pub type Slashes<T: Config> = StorageValue<_, SlashTotals<BalanceOf<T>>, ValueQuery>;

	/// The current era (0 until the first active set is elected).
	#[pallet::storage]
	pub type CurrentEra<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The pools elected for the current era, with their backing (in vote units).
	#[pallet::storage]
	pub type ActivePools<T: Config> =
		StorageValue<_, BoundedVec<(PoolId, u128), election::MaxActivePoolsOf<T>>, ValueQuery>;

	/// The deadline agenda: every task the hook must run, by lane, due block and subject.
	///
	/// The lane and the due block are stored unhashed (the due block big-endian), so each lane's
	/// keys are in deadline order and its first key is its earliest task. A subject has at most
	/// one task per lane, and the task is removed with its subject (a request paid, a worker
	/// reclaimed), so the agenda holds no stale entries. See [`deadlines`] for the guarantees.
	#[pallet::storage]
	pub type Agenda<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Identity, TaskKind>,
			NMapKey<Identity, DueBlock>,
			NMapKey<Blake2_128Concat, DeadlineTaskOf<T>>,
		),
		(),
	>;

	/// Genesis state: the reward budget and, for dev and test chains, ready-made workers, pools,
	/// delegations and mining so that a new chain pays rewards from its first block.
	///
	/// Everything is applied through the same code paths as the calls, in the order of the fields;
	/// an entry those paths refuse aborts the genesis build with the error.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The reward budget per block at genesis.
		pub reward_per_block: BalanceOf<T>,
		/// Workers to register: `(worker, score, confidence_level, operator)`.
		pub workers: Vec<(T::AccountId, u32, u8, T::AccountId)>,
		/// Pools to create, getting ids 0, 1, ...: `(owner, commission, cap, workers to bind)`.
		pub pools: Vec<(T::AccountId, Permill, Option<BalanceOf<T>>, Vec<T::AccountId>)>,
		/// Delegations: `(delegator, pool id, amount)`.
		pub delegations: Vec<(T::AccountId, PoolId, BalanceOf<T>)>,
		/// Workers to start: `(pool id, worker, stake)`.
		pub mining: Vec<(PoolId, T::AccountId, BalanceOf<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			RewardPerBlock::<T>::put(self.reward_per_block);
			Rewards::<T>::mutate(|state| {
				state.last_update = T::BlockNumberProvider::current_block_number()
			});
			let check = |what: &str, result: DispatchResult| {
				assert!(result.is_ok(), "stake-pool genesis: {what} failed: {result:?}");
			};
			for (worker, score, confidence_level, operator) in &self.workers {
				let benchmark = Benchmark { score: *score, confidence_level: *confidence_level };
				check(
					"register_worker",
					Pallet::<T>::do_register_worker(worker.clone(), benchmark),
				);
				check(
					"authorize_operator",
					Pallet::<T>::do_authorize_operator(worker.clone(), operator.clone()),
				);
			}
			for (owner, commission, cap, workers) in &self.pools {
				let created = Pallet::<T>::do_create_pool(owner.clone());
				assert!(created.is_ok(), "stake-pool genesis: create_pool failed: {created:?}");
				let pid = created.unwrap_or_default();
				check(
					"set_commission",
					Pallet::<T>::do_set_commission(owner.clone(), pid, *commission),
				);
				check("set_cap", Pallet::<T>::do_set_cap(owner.clone(), pid, *cap));
				for worker in workers {
					check(
						"add_worker",
						Pallet::<T>::do_add_worker(owner.clone(), pid, worker.clone()),
					);
				}
			}
			for (delegator, pid, amount) in &self.delegations {
				let result = Pallet::<T>::do_delegate(delegator.clone(), *pid, *amount, false);
				check("delegate", result.map(|_| ()));
			}
			for (pid, worker, stake) in &self.mining {
				let owner = Pools::<T>::get(pid).map(|pool| pool.owner);
				assert!(owner.is_some(), "stake-pool genesis: mining in unknown pool {pid}");
				if let Some(owner) = owner {
					check(
						"start_mining",
						Pallet::<T>::do_start_mining(owner, *pid, worker.clone(), *stake),
					);
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The registrar recorded a worker's benchmark.
		WorkerRegistered { worker: T::AccountId, score: u32, confidence_level: u8, power: Power },
		/// A worker authorised an operator.
		OperatorAuthorized { worker: T::AccountId, operator: T::AccountId },
		/// A pool was created.
		PoolCreated { pid: PoolId, owner: T::AccountId, deposit: BalanceOf<T> },
		/// A worker was bound to a pool.
		WorkerAdded { pid: PoolId, worker: T::AccountId },
		/// A worker left a pool.
		WorkerRemoved { pid: PoolId, worker: T::AccountId },
		/// A pool's commission changed.
		CommissionSet { pid: PoolId, commission: Permill },
		/// A commission increase will apply at `effective_at`.
		CommissionChangeScheduled {
			pid: PoolId,
			commission: Permill,
			effective_at: BlockNumberOf<T>,
		},
		/// A pool's cap changed.
		CapSet { pid: PoolId, cap: Option<BalanceOf<T>> },
		/// An account was whitelisted.
		WhitelistAdded { pid: PoolId, who: T::AccountId },
		/// An account left a whitelist.
		WhitelistRemoved { pid: PoolId, who: T::AccountId },
		/// A pool's description changed.
		DescriptionSet { pid: PoolId },
		/// A pool was closed and its deposit returned.
		PoolClosed { pid: PoolId, owner: T::AccountId, deposit: BalanceOf<T> },
		/// Funds were delegated and shares minted.
		Delegated {
			pid: PoolId,
			delegator: T::AccountId,
			amount: BalanceOf<T>,
			shares: BalanceOf<T>,
			total_value: BalanceOf<T>,
			free: BalanceOf<T>,
		},
		/// Part or all of a withdrawal was paid at once from free delegation.
		Withdrawn {
			pid: PoolId,
			delegator: T::AccountId,
			amount: BalanceOf<T>,
			shares: BalanceOf<T>,
			free: BalanceOf<T>,
		},
		/// The rest of a withdrawal joined the queue.
		WithdrawalQueued {
			pid: PoolId,
			delegator: T::AccountId,
			request: RequestId,
			shares: BalanceOf<T>,
			value: BalanceOf<T>,
			grace_ends: BlockNumberOf<T>,
		},
		/// The queue paid (part of) a request.
		WithdrawalPaid {
			pid: PoolId,
			delegator: T::AccountId,
			request: RequestId,
			amount: BalanceOf<T>,
			shares: BalanceOf<T>,
			remaining_shares: BalanceOf<T>,
		},
		/// A pool settled its rewards since its last settlement.
		PoolRewarded { pid: PoolId, reward: BalanceOf<T>, commission: BalanceOf<T> },
		/// A delegator claimed rewards (and maybe delegated them again).
		RewardsClaimed {
			pid: PoolId,
			delegator: T::AccountId,
			beneficiary: T::AccountId,
			amount: BalanceOf<T>,
			restaked: bool,
		},
		/// An owner claimed commission; it was paid to `payee`.
		CommissionClaimed {
			pid: PoolId,
			owner: T::AccountId,
			payee: T::AccountId,
			amount: BalanceOf<T>,
		},
		/// A pool's owner limited its commission increases.
		CommissionChangeRateSet { pid: PoolId, max_increase: Permill, min_delay: BlockNumberOf<T> },
		/// Where a pool's commission is paid changed (`None`: to the owner).
		CommissionPayeeSet { pid: PoolId, payee: Option<T::AccountId> },
		/// A worker started mining.
		MiningStarted { pid: PoolId, worker: T::AccountId, stake: BalanceOf<T>, power: Power },
		/// A worker raised its stake without a cool-down.
		MiningRestarted { pid: PoolId, worker: T::AccountId, stake: BalanceOf<T>, power: Power },
		/// A worker stopped and cools down until `cooldown_until`. `forced`: the protocol stopped
		/// it (its pool's grace period ended, or a slash left it below its minimum stake), not its
		/// owner.
		MiningStopped {
			pid: PoolId,
			worker: T::AccountId,
			stake: BalanceOf<T>,
			cooldown_until: BlockNumberOf<T>,
			forced: bool,
		},
		/// A worker's cool-down ended and its stake returned to free delegation.
		StakeReclaimed {
			pid: PoolId,
			worker: T::AccountId,
			stake: BalanceOf<T>,
			free: BalanceOf<T>,
		},
		/// A request outlived the grace period: the pool's workers were forced to stop. Their
		/// cool-down ends at `cooldown_until`, `CooldownPeriod` after the request's grace period
		/// ended (however late the stop was carried out), and the pool's release pays the queue
		/// then.
		PoolForcedToStop {
			pid: PoolId,
			request: RequestId,
			workers_stopped: u32,
			cooldown_until: BlockNumberOf<T>,
		},
		/// A delegator cancelled (the unpaid rest of) a queued withdrawal; its shares are theirs
		/// again.
		WithdrawalCancelled {
			pid: PoolId,
			delegator: T::AccountId,
			request: RequestId,
			shares: BalanceOf<T>,
		},
		/// A deadline task failed; its changes were undone and it runs again at `retry_at`.
		DeadlineTaskFailed {
			task: DeadlineTaskOf<T>,
			error: DispatchError,
			retry_at: BlockNumberOf<T>,
		},
		/// A worker was reported unresponsive and earns nothing until it recovers.
		WorkerUnresponsive { pid: PoolId, worker: T::AccountId },
		/// A worker recovered.
		WorkerRecovered { pid: PoolId, worker: T::AccountId },
		/// A worker's stake was slashed; the pool's share price fell.
		WorkerSlashed {
			pid: PoolId,
			worker: T::AccountId,
			amount: BalanceOf<T>,
			total_value: BalanceOf<T>,
			total_shares: BalanceOf<T>,
		},
		/// A delegator's share of slashes was burned from their hold.
		SlashSettled { pid: PoolId, delegator: T::AccountId, amount: BalanceOf<T> },
		/// The reward budget per block changed.
		RewardPerBlockSet { amount: BalanceOf<T> },
		/// A new era's active set was elected: the pools and their backing.
		ActiveSetElected { era: u32, pools: Vec<(PoolId, u128)> },
		/// The election for a new era failed; the previous active set stays.
		ActiveSetElectionFailed { era: u32 },
		/// A pool's state changed (by its owner, or by anyone for a depleted pool).
		PoolStateChanged { pid: PoolId, state: PoolState, by: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The worker is not registered; the registrar must record its benchmark first.
		WorkerNotRegistered,
		/// A benchmark needs a non-zero score and a confidence level from 1 to 5.
		InvalidBenchmark,
		/// The worker mines or cools down; it must be `Ready` (stop it and wait for the cool-down).
		WorkerNotReady,
		/// The worker already authorised this operator.
		OperatorUnchanged,
		/// The worker has not authorised the pool's owner as its operator.
		NotWorkerOperator,
		/// The worker is already bound to a pool; remove it there first.
		WorkerAlreadyInPool,
		/// The worker is not bound to this pool.
		WorkerNotInPool,
		/// The pool already binds `MaxPoolWorkers` workers.
		TooManyWorkers,
		/// No pool has this id.
		PoolNotFound,
		/// Only the pool's owner may do this.
		NotPoolOwner,
		/// The commission is above `MaxCommission`.
		CommissionTooHigh,
		/// The increase is larger than the pool's change rate allows, or comes sooner than its
		/// `min_delay` after the previous one.
		CommissionChangeThrottled,
		/// A change rate, once set, can only be tightened (a lower `max_increase`, a longer
		/// `min_delay`).
		CommissionChangeRateNotAllowed,
		/// The cap is below what the pool already holds.
		CapBelowDelegation,
		/// The account is already whitelisted.
		AlreadyWhitelisted,
		/// The account is not whitelisted.
		NotWhitelisted,
		/// The whitelist already holds `MaxWhitelist` accounts.
		WhitelistFull,
		/// The pool has a whitelist and the account is not on it.
		NotInWhitelist,
		/// The description is longer than `MaxDescriptionLen`.
		DescriptionTooLong,
		/// A pool closes only with no workers, no shares and an empty withdrawal queue.
		PoolNotEmpty,
		/// The owner cannot pay the pool deposit.
		InsufficientDeposit,
		/// The amount is below `MinDelegation`.
		DelegationTooSmall,
		/// The amount exceeds the pool's cap gap.
		CapExceeded,
		/// The account's free balance cannot cover the amount (it must also keep the existential
		/// deposit).
		InsufficientBalance,
		/// The account already delegates to `MaxPoolsPerDelegator` pools.
		TooManyPools,
		/// Slashes left the pool with (next to) no value: it has more than `MaxSharesPerValue`
		/// shares per unit of value and takes no new delegation.
		PoolValueDepleted,
		/// The amount is zero.
		ZeroAmount,
		/// The account has no delegation in this pool.
		NoDelegation,
		/// The account already has `MaxWithdrawalsPerDelegation` queued requests in this pool;
		/// wait until one is paid, or cancel one and withdraw the sum in a single request.
		TooManyWithdrawals,
		/// The delegation's shares are all locked in queued withdrawals.
		NothingToWithdraw,
		/// The caller has no queued withdrawal with this id in this pool.
		RequestNotFound,
		/// The request's grace period is over: the pool's workers are being stopped to pay it,
		/// so it can no longer be cancelled.
		WithdrawalOverdue,
		/// There is nothing to claim.
		NothingToClaim,
		/// The reward source could not pay (e.g. its pot is empty).
		RewardPayoutFailed,
		/// The stake is below the worker's minimum `MinStakePerSqrtScore * sqrt(score)`.
		StakeBelowMinimum,
		/// The stake is above `MaxStakePerWorker`.
		StakeAboveMaximum,
		/// The pool's free delegation (less what queued withdrawals are owed) cannot cover the
		/// stake.
		InsufficientFreeDelegation,
		/// The worker is not mining.
		WorkerNotMining,
		/// A restart must raise the stake.
		StakeNotIncreased,
		/// The worker is not cooling down, or its cool-down has not ended.
		CooldownNotOver,
		/// The head of the pool's withdrawal queue is still within its grace period (or the queue
		/// is empty).
		NotOverdue,
		/// The pool has no mining or unresponsive worker to stop.
		NoMiningWorkers,
		/// The pool's withdrawal queue is empty, or there is no free delegation to pay its head.
		NothingToPay,
		/// The worker is not unresponsive.
		WorkerNotUnresponsive,
		/// The worker holds no stake to slash.
		NothingToSlash,
		/// The delegator has no unsettled slash.
		NoSlashToSettle,
		/// An arithmetic overflow: the amounts are beyond what the pallet can account.
		Overflow,
		/// The pool is blocked: only the owner and accounts already delegating to it may
		/// delegate.
		PoolBlocked,
		/// The pool is being wound down: no delegation, restake, cancellation of a queued
		/// withdrawal or new mining, and its state cannot change any more.
		PoolDestroying,
		/// The pool already has this state.
		PoolStateUnchanged,
		/// Only in a destroying pool may anyone withdraw a delegator.
		PoolNotDestroying,
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// A pool's summary: share price, free / staked / releasing, cap gap, power, queue.
		pub fn summary_of_pool(pid: PoolId) -> Option<PoolSummary<T::AccountId, BalanceOf<T>>> {
			Self::pool_summary(pid)
		}

		/// The rewards `delegator` could claim from pool `pid` now.
		pub fn claimable_rewards(delegator: T::AccountId, pid: PoolId) -> BalanceOf<T> {
			Self::pending_rewards(&delegator, pid)
		}

		/// The current block of the stake pools' clock ([`Config::BlockNumberProvider`]), in
		/// which every deadline is counted: a queued withdrawal's `expected_payout_by`, a pending
		/// commission's block, a worker's cool-down end (the relay chain's block on a parachain).
		pub fn clock_now() -> BlockNumberOf<T> {
			Self::now()
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::maybe_new_era(n).saturating_add(Self::rescore_stale())
		}

		/// Deadlines are served after the block's inherents, so that they see this block's time
		/// when an inherent sets it: on a parachain the clock is the relay parent's number,
		/// which `set_validation_data` sets (in `on_initialize` it is still the parent block's).
		/// The weight is registered as mandatory, whatever the meter's limit: the hook's worst
		/// case is bounded ([`Pallet::max_deadline_weight`]) and a due task is never left for a
		/// block with more room. FRAME skips `on_poll` while a multi-block migration runs and in
		/// a block already full after its inherents; the runtimes here have neither (no
		/// multi-block migrator; the inherents and `on_initialize` stay far below a block).
		/// Events emitted here carry the phase of the block's first transaction, as FRAME runs
		/// `on_poll` in it: group them by type, not by extrinsic.
		fn on_poll(_n: BlockNumberFor<T>, _meter: &mut frame_support::weights::WeightMeter) {
			frame_system::Pallet::<T>::register_extra_weight_unchecked(
				Self::serve_deadlines(),
				frame_support::dispatch::DispatchClass::Mandatory,
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxTasksPerBlock::get() > 0, "MaxTasksPerBlock must be positive");
			assert!(T::BlockTimeMillis::get() > 0, "BlockTimeMillis must be positive");
			assert!(
				T::MaxStaleRescoresPerBlock::get() > 0,
				"MaxStaleRescoresPerBlock must be positive, or entries changed during a paged \
				 snapshot would never reach their place in the lists"
			);
			assert!(
				T::CommissionChangeDelay::get() >
					sp_runtime::traits::Saturating::saturating_add(
						T::GracePeriod::get(),
						T::CooldownPeriod::get()
					),
				"CommissionChangeDelay must exceed GracePeriod + CooldownPeriod, the longest exit, \
				 so that delegators who leave when an increase is announced never pay it"
			);
			assert!(
				T::MaxQueuePayoutsPerCall::get() > 0,
				"MaxQueuePayoutsPerCall must be positive"
			);
			assert!(T::MaxPoolWorkers::get() > 0, "MaxPoolWorkers must be positive");
			assert!(T::MaxSharesPerValue::get() > 0, "MaxSharesPerValue must be positive");
			assert!(
				T::MinDelegation::get() > Zero::zero(),
				"MinDelegation must be positive so shares are never dust"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Record (or update) a worker's benchmark.
		///
		/// Origin: [`Config::RegistrarOrigin`]. A new benchmark applies to the worker's power the
		/// next time it starts or restarts mining.
		///
		/// Errors: [`Error::InvalidBenchmark`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_worker())]
		pub fn register_worker(
			origin: OriginFor<T>,
			worker: T::AccountId,
			benchmark: Benchmark,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::do_register_worker(worker, benchmark)
		}

		/// Authorise `operator` to manage the signing worker.
		///
		/// Origin: signed by the worker. If the worker is bound to a pool of its previous
		/// operator, it leaves that pool.
		///
		/// Errors: [`Error::WorkerNotRegistered`], [`Error::OperatorUnchanged`],
		/// [`Error::WorkerNotReady`] (it must first stop mining and finish its cool-down).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::authorize_operator())]
		pub fn authorize_operator(origin: OriginFor<T>, operator: T::AccountId) -> DispatchResult {
			let worker = ensure_signed(origin)?;
			Self::do_authorize_operator(worker, operator)
		}

		/// Create a pool owned by the caller, holding [`Config::PoolDeposit`] from them.
		///
		/// Origin: signed. The pool starts with no commission, no cap and no whitelist.
		///
		/// Errors: [`Error::InsufficientDeposit`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::create_pool())]
		pub fn create_pool(origin: OriginFor<T>) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_create_pool(owner).map(|_| ())
		}

		/// Bind a worker to a pool.
		///
		/// Origin: the pool's owner, who must be the worker's operator.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`],
		/// [`Error::WorkerNotRegistered`], [`Error::NotWorkerOperator`],
		/// [`Error::WorkerAlreadyInPool`], [`Error::TooManyWorkers`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::add_worker())]
		pub fn add_worker(
			origin: OriginFor<T>,
			pid: PoolId,
			worker: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_add_worker(who, pid, worker)
		}

		/// Unbind a `Ready` worker from a pool.
		///
		/// Origin: the pool's owner.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::WorkerNotInPool`],
		/// [`Error::WorkerNotReady`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::remove_worker())]
		pub fn remove_worker(
			origin: OriginFor<T>,
			pid: PoolId,
			worker: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_worker(who, pid, worker)
		}

		/// Set the pool's commission.
		///
		/// Origin: the pool's owner. A decrease applies at once; an increase applies after
		/// [`Config::CommissionChangeDelay`], longer than the longest exit, so delegators can
		/// leave first (a later call replaces a pending increase). Only in the block the pool was
		/// created, before anyone delegated, does an increase apply at once.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::CommissionTooHigh`],
		/// [`Error::CommissionChangeThrottled`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_commission())]
		pub fn set_commission(
			origin: OriginFor<T>,
			pid: PoolId,
			commission: Permill,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_commission(who, pid, commission)
		}

		/// Set (or remove, with `None`) the pool's cap.
		///
		/// Origin: the pool's owner.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::CapBelowDelegation`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_cap())]
		pub fn set_cap(
			origin: OriginFor<T>,
			pid: PoolId,
			cap: Option<BalanceOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_cap(who, pid, cap)
		}

		/// Allow `who` to delegate; once a pool has a whitelist only listed accounts (and the
		/// owner) may delegate.
		///
		/// Origin: the pool's owner.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::AlreadyWhitelisted`],
		/// [`Error::WhitelistFull`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::add_to_whitelist())]
		pub fn add_to_whitelist(
			origin: OriginFor<T>,
			pid: PoolId,
			who: T::AccountId,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_add_to_whitelist(owner, pid, who)
		}

		/// Remove `who` from the whitelist; their existing delegation stays.
		///
		/// Origin: the pool's owner.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::NotWhitelisted`].
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::remove_from_whitelist())]
		pub fn remove_from_whitelist(
			origin: OriginFor<T>,
			pid: PoolId,
			who: T::AccountId,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_remove_from_whitelist(owner, pid, who)
		}

		/// Set the pool's description (an empty one removes it).
		///
		/// Origin: the pool's owner.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::DescriptionTooLong`].
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::set_description(description.len() as u32))]
		pub fn set_description(
			origin: OriginFor<T>,
			pid: PoolId,
			description: Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_description(who, pid, description)
		}

		/// Close an empty pool: pay any unclaimed commission and return the deposit.
		///
		/// Origin: the pool's owner. The pool must bind no workers, have no shares and an empty
		/// withdrawal queue.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::PoolNotEmpty`],
		/// [`Error::RewardPayoutFailed`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::close_pool(T::MaxWhitelist::get()))]
		pub fn close_pool(origin: OriginFor<T>, pid: PoolId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let whitelist = Self::do_close_pool(who, pid)?;
			Ok(Some(T::WeightInfo::close_pool(whitelist)).into())
		}

		/// Delegate `amount` to a pool: it is held in the caller's account and buys shares at the
		/// current share price. Free delegation pays the pool's withdrawal queue first.
		///
		/// Origin: signed.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::ZeroAmount`], [`Error::DelegationTooSmall`],
		/// [`Error::NotInWhitelist`], [`Error::CapExceeded`], [`Error::PoolValueDepleted`],
		/// [`Error::TooManyPools`], [`Error::InsufficientBalance`], [`Error::Overflow`].
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::delegate().saturating_add(Pallet::<T>::max_queue_payout_weight()))]
		pub fn delegate(
			origin: OriginFor<T>,
			pid: PoolId,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let paid = Self::do_delegate(who, pid, amount, false)?;
			Ok(Some(T::WeightInfo::delegate().saturating_add(Self::queue_payout_weight(paid)))
				.into())
		}

		/// Withdraw `value` from a pool (or everything, when `value` is at least the value of the
		/// shares not already queued). What free delegation covers is released at once; the rest
		/// is queued as a new request, paid as free delegation appears and at the latest
		/// `GracePeriod + CooldownPeriod` after this call: when the grace period ends the pool's
		/// workers are forced to stop, and their cool-down ends that long after. A delegator may
		/// have up to `MaxWithdrawalsPerDelegation` requests queued, each with its own deadline.
		///
		/// A call that queues a request is charged at least
		/// [`Pallet::queued_withdrawal_weight`]: a block's share of the hook's pay-out capacity,
		/// so that no block can queue more requests than the hook pays in one block; the pool's
		/// first request in a block at least [`Pallet::first_queued_withdrawal_weight`], a share
		/// of the hook's release capacity.
		///
		/// Origin: signed, by a delegator of the pool.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::ZeroAmount`], [`Error::NoDelegation`],
		/// [`Error::NothingToWithdraw`], [`Error::TooManyWithdrawals`].
		#[pallet::call_index(12)]
		#[pallet::weight(Pallet::<T>::withdraw_weight(T::MaxQueuePayoutsPerCall::get(), Queued::FirstOfPool))]
		pub fn withdraw(
			origin: OriginFor<T>,
			pid: PoolId,
			#[pallet::compact] value: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (paid, queued) = Self::do_withdraw(who, pid, value)?;
			Ok(Some(Self::withdraw_weight(paid, queued)).into())
		}

		/// Claim the caller's rewards from a pool; with `restake` they are delegated to the same
		/// pool at once (no minimum applies, the cap and whitelist do).
		///
		/// Origin: signed, by a delegator of the pool.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NoDelegation`], [`Error::NothingToClaim`],
		/// [`Error::RewardPayoutFailed`], and with `restake` the errors of [`Pallet::delegate`].
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::claim_rewards().saturating_add(Pallet::<T>::max_queue_payout_weight()))]
		pub fn claim_rewards(origin: OriginFor<T>, pid: PoolId, restake: bool) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_rewards(who, pid, restake)
		}

		/// Claim the pool's accumulated commission.
		///
		/// Origin: the pool's owner.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::NothingToClaim`],
		/// [`Error::RewardPayoutFailed`].
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::claim_commission())]
		pub fn claim_commission(origin: OriginFor<T>, pid: PoolId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_commission(who, pid)
		}

		/// Stake `stake` of the pool's free delegation for a `Ready` worker and start mining.
		///
		/// Origin: the pool's owner. Free delegation owed to queued withdrawals cannot be staked.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::WorkerNotInPool`],
		/// [`Error::WorkerNotReady`], [`Error::StakeBelowMinimum`], [`Error::StakeAboveMaximum`],
		/// [`Error::InsufficientFreeDelegation`].
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::start_mining())]
		pub fn start_mining(
			origin: OriginFor<T>,
			pid: PoolId,
			worker: T::AccountId,
			#[pallet::compact] stake: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_start_mining(who, pid, worker, stake)
		}

		/// Stop a mining (or unresponsive) worker: its stake releases over
		/// [`Config::CooldownPeriod`] and then returns to free delegation by itself.
		///
		/// Origin: the pool's owner.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::WorkerNotInPool`],
		/// [`Error::WorkerNotMining`].
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::stop_mining())]
		pub fn stop_mining(
			origin: OriginFor<T>,
			pid: PoolId,
			worker: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_stop_mining(who, pid, worker)
		}

		/// Raise a mining worker's stake to `stake` without a cool-down; its power is refreshed
		/// from its latest benchmark.
		///
		/// Origin: the pool's owner.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`], [`Error::WorkerNotInPool`],
		/// [`Error::WorkerNotMining`], [`Error::StakeNotIncreased`], [`Error::StakeBelowMinimum`],
		/// [`Error::StakeAboveMaximum`], [`Error::InsufficientFreeDelegation`].
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::restart_mining())]
		pub fn restart_mining(
			origin: OriginFor<T>,
			pid: PoolId,
			worker: T::AccountId,
			#[pallet::compact] stake: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_restart_mining(who, pid, worker, stake)
		}

		/// End a worker's cool-down once it is over: its stake returns to free delegation, which
		/// pays the withdrawal queue first. The hook does this by itself; this call is the
		/// fallback should it fall behind.
		///
		/// Origin: signed, anyone.
		///
		/// Errors: [`Error::WorkerNotRegistered`], [`Error::CooldownNotOver`].
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::reclaim_worker().saturating_add(Pallet::<T>::max_queue_payout_weight()))]
		pub fn reclaim_worker(
			origin: OriginFor<T>,
			worker: T::AccountId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let paid = Self::do_reclaim_worker(&worker)?;
			Ok(Some(
				T::WeightInfo::reclaim_worker().saturating_add(Self::queue_payout_weight(paid)),
			)
			.into())
		}

		/// Force the pool's mining workers to stop when the head of its withdrawal queue has
		/// waited longer than [`Config::GracePeriod`]. The hook does this by itself; this call is
		/// the fallback should it fall behind.
		///
		/// Origin: signed, anyone.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotOverdue`].
		#[pallet::call_index(19)]
		#[pallet::weight(T::WeightInfo::force_stop_overdue(T::MaxPoolWorkers::get()))]
		pub fn force_stop_overdue(origin: OriginFor<T>, pid: PoolId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let read = Self::do_force_stop_overdue(pid)?;
			Ok(Some(T::WeightInfo::force_stop_overdue(read)).into())
		}

		/// Pay the pool's withdrawal queue from its free delegation (up to
		/// [`Config::MaxQueuePayoutsPerCall`] requests).
		///
		/// Origin: signed, anyone.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NothingToPay`].
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::process_withdrawals(T::MaxQueuePayoutsPerCall::get()))]
		pub fn process_withdrawals(
			origin: OriginFor<T>,
			pid: PoolId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let paid = Self::do_process_withdrawals(pid)?;
			Ok(Some(T::WeightInfo::process_withdrawals(paid)).into())
		}

		/// Burn a delegator's share of the pool's slashes from their hold.
		///
		/// Origin: signed, anyone (slashes also settle whenever the delegator acts).
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NoDelegation`], [`Error::NoSlashToSettle`].
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::settle_slash())]
		pub fn settle_slash(
			origin: OriginFor<T>,
			pid: PoolId,
			delegator: T::AccountId,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_settle_slash_call(pid, delegator)
		}

		/// Report a mining worker unresponsive: it keeps its stake and earns nothing.
		///
		/// Origin: [`Config::OracleOrigin`].
		///
		/// Errors: [`Error::WorkerNotRegistered`], [`Error::WorkerNotMining`].
		#[pallet::call_index(22)]
		#[pallet::weight(T::WeightInfo::report_unresponsive())]
		pub fn report_unresponsive(origin: OriginFor<T>, worker: T::AccountId) -> DispatchResult {
			T::OracleOrigin::ensure_origin(origin)?;
			Self::do_set_responsive(worker, false)
		}

		/// Report an unresponsive worker recovered: it earns again.
		///
		/// Origin: [`Config::OracleOrigin`].
		///
		/// Errors: [`Error::WorkerNotRegistered`], [`Error::WorkerNotUnresponsive`].
		#[pallet::call_index(23)]
		#[pallet::weight(T::WeightInfo::report_recovered())]
		pub fn report_recovered(origin: OriginFor<T>, worker: T::AccountId) -> DispatchResult {
			T::OracleOrigin::ensure_origin(origin)?;
			Self::do_set_responsive(worker, true)
		}

		/// Slash up to `amount` of a worker's stake (mining, unresponsive or cooling down). The
		/// pool's value falls by the slashed amount; each delegator's hold is reduced to the new
		/// value of their shares when next touched. A mining or unresponsive worker left below
		/// its minimum stake stops and cools down (no stake, no power).
		///
		/// Origin: [`Config::OracleOrigin`].
		///
		/// Errors: [`Error::WorkerNotRegistered`], [`Error::ZeroAmount`],
		/// [`Error::NothingToSlash`].
		#[pallet::call_index(24)]
		#[pallet::weight(T::WeightInfo::slash_worker())]
		pub fn slash_worker(
			origin: OriginFor<T>,
			worker: T::AccountId,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			T::OracleOrigin::ensure_origin(origin)?;
			Self::do_slash_worker(worker, amount)
		}

		/// Cancel (the unpaid rest of) one of the caller's queued withdrawals: its shares stop
		/// waiting and stay delegated.
		///
		/// Origin: signed, by the request's delegator. A request whose grace period is over
		/// cannot be cancelled (the pool is being stopped to pay it).
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NoDelegation`], [`Error::RequestNotFound`],
		/// [`Error::WithdrawalOverdue`].
		#[pallet::call_index(26)]
		#[pallet::weight(T::WeightInfo::cancel_withdrawal())]
		pub fn cancel_withdrawal(
			origin: OriginFor<T>,
			pid: PoolId,
			request: RequestId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_withdrawal(who, pid, request)
		}

		/// Claim the caller's rewards from a pool, paid to `beneficiary`.
		///
		/// Origin: signed, by a delegator of the pool. Charged as `claim_rewards`, whose
		/// benchmark (a slash to settle and a restake) does everything this does and more.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NoDelegation`], [`Error::NothingToClaim`],
		/// [`Error::RewardPayoutFailed`].
		#[pallet::call_index(27)]
		#[pallet::weight(T::WeightInfo::claim_rewards())]
		pub fn claim_rewards_to(
			origin: OriginFor<T>,
			pid: PoolId,
			beneficiary: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_rewards_to(who, pid, beneficiary, false).map(|_| ())
		}

		/// Limit the pool's own commission increases: each at most `max_increase` above the rate
		/// in force and at least `min_delay` blocks after the previous one (on top of the
		/// `CommissionChangeDelay` every increase waits). Once set, it can only be tightened.
		///
		/// Origin: the pool's owner. Charged as `set_cap`: the same read and write of the pool.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`],
		/// [`Error::CommissionChangeRateNotAllowed`].
		#[pallet::call_index(29)]
		#[pallet::weight(T::WeightInfo::set_cap())]
		pub fn set_commission_change_rate(
			origin: OriginFor<T>,
			pid: PoolId,
			max_increase: Permill,
			min_delay: BlockNumberOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_commission_change_rate(
				who,
				pid,
				CommissionChangeRate { max_increase, min_delay },
			)
		}

		/// Have the pool's commission paid to `payee` (`None`: to the owner again), by
		/// `claim_commission` and when the pool closes.
		///
		/// Origin: the pool's owner. Charged as `set_cap`: the same read and write of the pool.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::NotPoolOwner`].
		#[pallet::call_index(28)]
		#[pallet::weight(T::WeightInfo::set_cap())]
		pub fn set_commission_payee(
			origin: OriginFor<T>,
			pid: PoolId,
			payee: Option<T::AccountId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_commission_payee(who, pid, payee)
		}

		/// Set the pool's state: `Open` (anyone may join), `Blocked` (no new delegators) or
		/// `Destroying` (final: the pool is wound down, see [`PoolState`]).
		///
		/// Origin: the pool's owner; or anyone, to set `Destroying` on a pool whose value slashes
		/// depleted ([`Error::PoolValueDepleted`]: nobody can join it any more).
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::PoolDestroying`] (the state is final),
		/// [`Error::PoolStateUnchanged`], [`Error::NotPoolOwner`].
		#[pallet::call_index(30)]
		#[pallet::weight(T::WeightInfo::set_pool_state())]
		pub fn set_pool_state(
			origin: OriginFor<T>,
			pid: PoolId,
			state: PoolState,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_pool_state(who, pid, state)
		}

		/// Withdraw all of `delegator`'s shares not already queued from a destroying pool: paid
		/// at once from free delegation as far as it goes, the rest queued with the usual
		/// deadline (`GracePeriod + CooldownPeriod`). Anyone may call it, so a destroying pool
		/// empties without its delegators' help; their rewards are paid to them on exit.
		///
		/// Origin: signed, anyone. A call that queues a request is charged at least
		/// [`Pallet::queued_withdrawal_weight`], as `withdraw` is.
		///
		/// Errors: [`Error::PoolNotFound`], [`Error::PoolNotDestroying`],
		/// [`Error::NoDelegation`], [`Error::NothingToWithdraw`] (all its shares are queued
		/// already), [`Error::TooManyWithdrawals`] (it has `MaxWithdrawalsPerDelegation`
		/// requests from before the pool was destroying; one is paid by its deadline, and it
		/// cannot add more: try again then).
		#[pallet::call_index(31)]
		#[pallet::weight(Pallet::<T>::withdraw_other_weight(T::MaxQueuePayoutsPerCall::get(), Queued::FirstOfPool))]
		pub fn withdraw_other(
			origin: OriginFor<T>,
			pid: PoolId,
			delegator: T::AccountId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let (paid, queued) = Self::do_withdraw_other(pid, delegator)?;
			Ok(Some(Self::withdraw_other_weight(paid, queued)).into())
		}

		/// Set the reward budget shared among pools every block (from the next block on).
		///
		/// Origin: [`Config::AdminOrigin`].
		#[pallet::call_index(25)]
		#[pallet::weight(T::WeightInfo::set_reward_per_block())]
		pub fn set_reward_per_block(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_reward_per_block(amount);
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The current block of the configured provider.
	pub(crate) fn now() -> BlockNumberOf<T> {
		use sp_runtime::traits::BlockNumberProvider;
		T::BlockNumberProvider::current_block_number()
	}

	/// The weight of paying `paid` queued requests inside another call or task: the per-request
	/// slope of the `process_withdrawals` benchmark.
	pub(crate) fn queue_payout_weight(paid: u32) -> frame_support::weights::Weight {
		T::WeightInfo::process_withdrawals(paid)
			.saturating_sub(T::WeightInfo::process_withdrawals(0))
	}

	/// [`Self::queue_payout_weight`] at its bound, `MaxQueuePayoutsPerCall`.
	pub(crate) fn max_queue_payout_weight() -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		Self::queue_payout_weight(T::MaxQueuePayoutsPerCall::get())
	}

	/// The least a `withdraw` that queues a request is charged: the normal class's block limit
	/// divided by the number of requests the hook's pay-out lane alone pays per block
	/// (`MaxTasksPerBlock` tasks of `MaxQueuePayoutsPerCall` pay-outs). Requests queued in one
	/// block therefore never outnumber what the hook can pay in one block, which is what lets
	/// every request be paid by its deadline (see [`deadlines`]).
	pub fn queued_withdrawal_weight() -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		Self::normal_block_share(
			u64::from(T::MaxTasksPerBlock::get())
				.saturating_mul(u64::from(T::MaxQueuePayoutsPerCall::get())),
		)
	}

	/// The least a `withdraw` that queues a pool's **first** request in a block is charged: the
	/// normal class's block limit divided by `MaxTasksPerBlock`, the Release lane's slots. A
	/// pool's forced stop, and the release of its stake, fall due at its queue head's
	/// `requested_at + GracePeriod (+ CooldownPeriod)`, so the pools whose releases fall due in
	/// one block all queued a request in one block; no block can hold more of those first
	/// requests than the Release (and Grace) lane serves per block, so no release is late for
	/// its promise. Further requests into the same pool in the same block pay only
	/// [`Self::queued_withdrawal_weight`] (`tests::exit::adversarial`,
	/// `tests::exit::releases_falling_due_together_are_charged_to_fit_the_release_lane`).
	pub fn first_queued_withdrawal_weight() -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		Self::normal_block_share(u64::from(T::MaxTasksPerBlock::get()))
	}

	/// The normal class's ref-time limit divided by `parts` (at least 1). Ref-time alone
	/// bounds how many such calls fit in a block, which is all the capacity argument needs; a
	/// share of the proof limit would charge an unbounded amount on a chain without one.
	fn normal_block_share(parts: u64) -> frame_support::weights::Weight {
		use frame_support::{dispatch::DispatchClass, traits::Get};
		use frame_system::limits::BlockWeights;
		let weights: BlockWeights = <T as frame_system::Config>::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal);
		let limit = normal.max_total.unwrap_or(weights.max_block);
		frame_support::weights::Weight::from_parts(
			limit.ref_time().checked_div(parts.max(1)).unwrap_or_default(),
			0,
		)
	}

	/// The weight of a `withdraw` that paid `paid` earlier requests and queued `queued`.
	pub(crate) fn withdraw_weight(paid: u32, queued: Queued) -> frame_support::weights::Weight {
		Self::queueing_weight(T::WeightInfo::withdraw(), paid, queued)
	}

	/// [`Self::withdraw_weight`] for `withdraw_other`.
	pub(crate) fn withdraw_other_weight(
		paid: u32,
		queued: Queued,
	) -> frame_support::weights::Weight {
		Self::queueing_weight(T::WeightInfo::withdraw_other(), paid, queued)
	}

	/// `base` plus `paid` queue pay-outs, and at least the share of the hook's capacity that
	/// what was queued needs.
	fn queueing_weight(
		base: frame_support::weights::Weight,
		paid: u32,
		queued: Queued,
	) -> frame_support::weights::Weight {
		let weight = base.saturating_add(Self::queue_payout_weight(paid));
		match queued {
			Queued::Nothing => weight,
			Queued::Request => weight.max(Self::queued_withdrawal_weight()),
			Queued::FirstOfPool => weight.max(Self::first_queued_withdrawal_weight()),
		}
	}

	/// Check every invariant of the pallet (see the module docs).
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		invariants::check::<T>()
	}
}
