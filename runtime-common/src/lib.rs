//! # stake-suite-runtime-common
//!
//! What every runtime of the stake suite shares, so that the solochain runtime (`pool-runtime`),
//! a parachain runtime and the native test runtime of the election at the stake pools' target
//! scale (`runtime/tests/round.rs`) configure the pallets in one place:
//!
//! - [`impl_staking_pallets!`]: the configuration of the stake pools
//!   (`pallet-stake-pool`), their two bags lists (voters and targets) and the multi-phase
//!   election (`pallet-election-multi-phase`), for a runtime and an [`ElectionScale`];
//! - the scales: [`Development`] (7 voter pages, a 100-block era, 4 active pools: a round is quick
//!   to test) and [`StakePoolsScale`] (100,000 delegators in 455 pages, 1,000 pools, 300
//!   winners, a 1,300-block era, no on-chain fallback), each bound explained where it is set;
//! - the page sizes every scale shares ([`VOTERS_PER_PAGE`], [`TARGETS_PER_PAGE`]): they are
//!   what one block can read within a quarter of a parachain block's proof, so they do not
//!   change with the scale; the scale changes the number of pages and the phases' lengths;
//! - the token's units, the bag thresholds and the election's solution type.
//!
//! Each runtime keeps what is its own: `frame_system` (block limits, database weights), balances,
//! fees, the clock the stake pools' deadlines run on (the runtime's own blocks on the solochain,
//! the relay chain's on a parachain) and the genesis presets.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;
// `generate_solution_type!` expands to `vec![..]`, which a no_std crate must import.
#[allow(unused_imports)]
use alloc::vec;

/// The crates [`impl_staking_pallets!`] expands to, so that a runtime needs no extra
/// dependency for them.
#[doc(hidden)]
pub mod reexport {
	pub use frame_election_provider_support;
	pub use frame_support;
	pub use frame_system;
	pub use pallet_bags_list;
	pub use pallet_balances;
	pub use pallet_election_multi_phase;
	pub use pallet_election_multi_phase_runtime_api;
	pub use pallet_stake_pool;
	pub use pallet_sudo;
	pub use pallet_transaction_payment;
	pub use pallet_utility;
	pub use pallet_vesting;
	pub use sp_runtime;
	pub use sp_staking;
}

use frame_election_provider_support::{
	bounds::{ElectionBounds, ElectionBoundsBuilder},
	generate_solution_type,
};
use frame_support::{
	parameter_types,
	traits::ConstU32,
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, Weight},
	PalletId,
};
use sp_npos_elections::BalancingConfig;
use sp_runtime::{transaction_validity::TransactionPriority, PerU16, Perbill, Percent, Permill};

/// A balance: 12 decimals.
pub type Balance = u128;
/// One unit of the token: 10^12 planck.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a unit.
pub const MILLI_UNIT: Balance = UNIT / 1_000;

/// The most pools one account may back, and so the most votes per voter.
pub const MAX_POOLS_PER_DELEGATOR: u32 = 16;

/// The most voters (delegators) in one snapshot page, at every scale.
///
/// 220: a voter is one list node and one `DelegatorPools` record (its positions' voting shares
/// and hold): 3,164 bytes of `MaxEncodedLen` proof and 15 µs per voter by the benchmark
/// `electing_voters(v)`; a page also reads the bags the list iterator may visit (up to 201,
/// 516,555 bytes), the candidates' share prices (one record) and the election's own part
/// (33 KB), 1,217 KiB in all at 220 voters: within a quarter of a parachain block's 5 MiB
/// (runtime/tests/weights.rs).
pub const VOTERS_PER_PAGE: u32 = 220;
/// The most targets (pools) in a snapshot, at every scale.
pub const MAX_ELECTABLE_TARGETS: u32 = 1_000;
/// The most targets (pools) taken per block: 1,000 targets in 4 pages.
///
/// 250: a target is one list node and one pool record, 2,929 bytes of `MaxEncodedLen` proof and
/// 8.4 µs per target by the benchmark `electable_targets(t)`; a page also reads the bags the list
/// iterator visits (the benchmark walks 151 of them, 388,305 bytes; all 201 would be 516,555) and
/// the election's own part (33 KB): 1,126 KiB in all at 250 targets, 1,251 KiB even if a page
/// walked every bag, within a quarter of a parachain block's 5 MiB (runtime/tests/weights.rs).
pub const TARGETS_PER_PAGE: u32 = 250;
/// The voter pages unsigned solutions index and the fallback elects from (the top pages: the
/// largest delegators), at every scale: reading seven pages (124 KB each) fits a quarter of a
/// block's proof with the targets (runtime/tests/weights.rs, "elect with nothing queued").
pub const ON_CHAIN_PAGES: u32 = 7;
/// The most voters an unsigned solution or the fallback sees: `ON_CHAIN_PAGES` full pages.
pub const MAX_ON_CHAIN_VOTERS: u32 = ON_CHAIN_PAGES * VOTERS_PER_PAGE;

mod apis;
pub mod demo;

/// The length, in blocks, of an election's parts, and the bounds that grow with the number of
/// delegators. The page sizes are the same at every scale ([`VOTERS_PER_PAGE`],
/// [`TARGETS_PER_PAGE`]).
pub trait ElectionScale {
	/// Blocks per era: one election of the active pools per era.
	const ERA_LENGTH: u32;
	/// The pools elected each era.
	const DESIRED_ACTIVE_POOLS: u32;
	/// The most pools in an active set (at least [`Self::DESIRED_ACTIVE_POOLS`]).
	const MAX_WINNERS: u32;
	/// The voter pages of a snapshot, one per block.
	const PAGES: u32;
	/// Blocks to register signed claims and send their pages.
	const SIGNED_PHASE: u32;
	/// Blocks to check the signed claims' pages.
	const SIGNED_VALIDATION_PHASE: u32;
	/// Blocks for unsigned solutions (the off-chain worker's).
	const UNSIGNED_PHASE: u32;
	/// The most signed claims queued at once.
	const SIGNED_MAX_SUBMISSIONS: u32;
	/// The signed pages checked per block of the validation phase.
	const SIGNED_PAGES_PER_BLOCK: u32;
	/// The most voters in a snapshot: `PAGES * VOTERS_PER_PAGE`.
	const MAX_ELECTING_VOTERS: u32 = Self::PAGES.saturating_mul(VOTERS_PER_PAGE);
}

/// The development chain's scale: 7 voter pages of 220 (1,540 delegators), 4 active pools out of
/// at most 100, a 100-block era (5 minutes of 3-second blocks), so that a whole round is quick
/// to watch and to test.
///
/// A round takes 4 target pages and 7 voter pages, then 50 blocks of phases: it starts 60 blocks
/// before the era ends, the last voter page in the signed phase's first block.
pub struct Development;

impl ElectionScale for Development {
	const ERA_LENGTH: u32 = 100;
	const DESIRED_ACTIVE_POOLS: u32 = 4;
	const MAX_WINNERS: u32 = 100;
	const PAGES: u32 = 7;
	// Ten blocks to register a claim and send its pages (one transaction each).
	const SIGNED_PHASE: u32 = 10;
	// Every page of a full queue (16 claims of 7 pages) at 4 pages per block takes 28 blocks;
	// two more to spare.
	const SIGNED_VALIDATION_PHASE: u32 = 30;
	const UNSIGNED_PHASE: u32 = 10;
	const SIGNED_MAX_SUBMISSIONS: u32 = 16;
	// Four voter pages (124 KB each) and four solution pages (at most 64 KiB each) stay within
	// a quarter of a block's proof (runtime/tests/weights.rs).
	const SIGNED_PAGES_PER_BLOCK: u32 = 4;
}

/// The stake pools' target scale (issue 13): 100,000 delegators with up to 16 pools each, 1,000
/// pools, 300 elected, every block within a quarter of a parachain block's 2 s and 5 MiB.
///
/// - **455 voter pages** of 220: 100,100 delegators, the largest first; one page per block
///   (1,218 KiB of proof, 10 ms). With the 4 target pages the snapshot takes 459 blocks.
/// - **Signed phase, 60 blocks**: a claim is `register` and at most 455 `submit_page`
///   transactions of about 1.6 KB each; with their transaction extensions each is charged
///   about 1.7 ms and 15 KiB of proof, so 80 fit a quarter of a block and 8 claims (3,648
///   transactions) take 46 blocks at that pace (the normal class would take three times as
///   many per block).
/// - **8 claims, 5 pages per block, 740 validation blocks**: a page check reads a voter page
///   (124 KB) and a solution page (at most 64 KiB); five fit a quarter block (about 101 ms and
///   1,109 KiB with a winner concluded and the queue refunded), so a claim takes 91 blocks and a
///   full queue of 8 claims 728; 12 to spare. Eight claims give a submitter who is outbid seven
///   more chances; each costs the chain 91 blocks of checking, so the queue's bound is what the
///   window pays for.
/// - **Unsigned phase, 30 blocks**, then the era's end.
/// - **An era of 1,300 blocks** (2 h 10 min of 6-second parachain blocks): 459 + 60 + 740 + 30 =
///   1,289 blocks of round, 11 before it starts.
/// - **300 winners**: the active set the stake pools store at the era's end (the
///   `on_initialize_new_era(300)` benchmark).
pub struct StakePoolsScale;

impl ElectionScale for StakePoolsScale {
	const ERA_LENGTH: u32 = 1_300;
	const DESIRED_ACTIVE_POOLS: u32 = 300;
	const MAX_WINNERS: u32 = 300;
	const PAGES: u32 = 455;
	const SIGNED_PHASE: u32 = 60;
	const SIGNED_VALIDATION_PHASE: u32 = 740;
	const UNSIGNED_PHASE: u32 = 30;
	const SIGNED_MAX_SUBMISSIONS: u32 = 8;
	const SIGNED_PAGES_PER_BLOCK: u32 = 5;
}

/// Bags from 1 UNIT (the least delegation) up, each 10% above the one below: 200 bags reach
/// about 1.7 * 10^8 UNIT; larger scores share the last bag. Two entries of a bag differ by at
/// most 10%, and within a bag the list keeps insertion order.
pub static BAG_THRESHOLDS: [Balance; 200] =
	pallet_stake_pool::geometric_thresholds::<200>(UNIT, 11, 10);

generate_solution_type!(
	#[compact]
	pub struct NposSolution16::<
		VoterIndex = u32,
		TargetIndex = u16,
		Accuracy = PerU16,
		MaxVoters = ConstU32::<MAX_ON_CHAIN_VOTERS>,
	>(16)
);

parameter_types! {
	/// The bags of both lists ([`BAG_THRESHOLDS`]).
	pub const BagThresholds: &'static [Balance] = &BAG_THRESHOLDS;
	/// The stake pools' pallet id: pool accounts derive from it.
	pub const StakePoolPalletId: PalletId = PalletId(*b"py/stkpl");
	/// An owner may run a pool for its own stake alone; delegators are protected by the delay
	/// of every increase (`CommissionChangeDelay`), not by a lower cap.
	pub const MaxCommission: Permill = Permill::from_percent(100);
	/// Checking a signed page (or an unsigned solution) may take at most 20 ms and 64 KiB of
	/// proof (the page's own bytes: see `MinerMaxLength`). A full page, 220 voters each
	/// spreading its stake over 16 winners, takes 1.1 ms by the measured `feasibility_check`;
	/// an unsigned solution over the top pages (1,540 voters) 6.5 ms.
	pub MinerMaxWeight: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND / 50, 64 * 1024);
	/// A solution page may be at most 64 KiB long: a full page of 220 voters with 16 edges each
	/// encodes in about 15 KiB (compact indices), so five pages per validation block add at
	/// most 320 KiB of proof.
	pub MinerMaxLength: u32 = 64 * 1024;
	/// 0.5%.
	pub const BetterSignedThreshold: Perbill = Perbill::from_parts(5_000_000);
	/// Each queued claim raises the next one's base deposit by 10%.
	pub const SignedDepositIncreaseFactor: Percent = Percent::from_percent(10);
	/// The off-chain worker balances its solution ten times.
	pub OffchainBalancing: Option<BalancingConfig> =
		Some(BalancingConfig { iterations: 10, tolerance: 0 });
	/// The on-chain election reads at most the top pages' voters and every target.
	pub OnChainBounds: ElectionBounds = ElectionBoundsBuilder::default()
		.voters_count(MAX_ON_CHAIN_VOTERS.into())
		.targets_count(MAX_ELECTABLE_TARGETS.into())
		.build();
	/// A quarter of a parachain block: 0.5 s of ref-time and 1.25 MiB of proof (the budget of
	/// every hook of the stake pools and the election, `DESIGN.md`).
	pub QuarterBlock: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND / 2, 5 * 1024 * 1024 / 4);
	/// Unsigned solutions' base priority.
	pub const MinerTxPriority: TransactionPriority = TransactionPriority::MAX / 2;
}

/// The configuration of the stake pools, their voter and target bags lists and the multi-phase
/// election, for `runtime` at `scale` (an [`ElectionScale`]).
///
/// - `clock`: the stake pools' `BlockNumberProvider` (deadlines: grace, cool-down, commission
///   delay), with `days`, the number of its blocks in a day;
/// - `call_fee`: the election's `EstimateCallFee` (the runtime's transaction payment);
/// - `fallback`: `onchain` (the bounded sequential Phragmén over the top `ON_CHAIN_PAGES` pages,
///   for `elect` when nothing was queued and for `governance_fallback`) or `none` (where it does
///   not fit a quarter of a block: at [`StakePoolsScale`] its 300 winners alone weigh 791 ms by
///   the benchmarked `phragmen(v, t, d)`, so an election with nothing queued enters the
///   emergency phase, and `set_emergency_election_result` with `staking-miner
///   emergency-solution` supplies the result while the stake pools keep the last active set).
///
/// The runtime must name its pallets `Balances`, `StakePool`, `Election`, `VoterList`
/// (`pallet_bags_list::Instance1`) and `TargetList` (`Instance2`), and have `AccountId` in scope.
/// Besides the `Config` impls it defines `ElectionMinerConfig`, `OnChainSeqPhragmen`,
/// `OnChainSeqPhragmenWeight`, the constants `ERA_LENGTH`, `ELECTION_PAGES`,
/// `MAX_ELECTING_VOTERS`, `MAX_WINNERS` and the runtime API helpers `election_round_info()` and
/// `election_solution_limits()`.
#[macro_export]
macro_rules! impl_staking_pallets {
	(
		runtime: $runtime:ty,
		scale: $scale:ty,
		clock: $clock:ty,
		days: $days:expr,
		call_fee: $call_fee:ty,
		fallback: $fallback:ident $(,)?
	) => {
		/// Blocks per era (one election of the active pools).
		pub const ERA_LENGTH: u32 = <$scale as $crate::ElectionScale>::ERA_LENGTH;
		/// The voter pages of the election's snapshot.
		pub const ELECTION_PAGES: u32 = <$scale as $crate::ElectionScale>::PAGES;
		/// The most voters (delegators) in a snapshot.
		pub const MAX_ELECTING_VOTERS: u32 =
			<$scale as $crate::ElectionScale>::MAX_ELECTING_VOTERS;
		/// The most pools in an active set.
		pub const MAX_WINNERS: u32 = <$scale as $crate::ElectionScale>::MAX_WINNERS;

		impl $crate::reexport::pallet_bags_list::Config<
			$crate::reexport::pallet_bags_list::Instance1,
		> for $runtime
		{
			type RuntimeEvent = RuntimeEvent;
			type WeightInfo = $crate::reexport::pallet_bags_list::weights::SubstrateWeight<$runtime>;
			type ScoreProvider = $crate::reexport::pallet_stake_pool::VoterScoreOf<$runtime>;
			type BagThresholds = $crate::BagThresholds;
			// The stake pool moves every voter whose score changes, in the same call: nothing
			// is left for `on_idle` to correct.
			type MaxAutoRebagPerBlock = ();
			type Score = $crate::Balance;
		}

		impl $crate::reexport::pallet_bags_list::Config<
			$crate::reexport::pallet_bags_list::Instance2,
		> for $runtime
		{
			type RuntimeEvent = RuntimeEvent;
			type WeightInfo = $crate::reexport::pallet_bags_list::weights::SubstrateWeight<$runtime>;
			type ScoreProvider = $crate::reexport::pallet_stake_pool::TargetScoreOf<$runtime>;
			type BagThresholds = $crate::BagThresholds;
			type MaxAutoRebagPerBlock = ();
			type Score = $crate::Balance;
		}

		impl $crate::reexport::pallet_stake_pool::Config for $runtime {
			type RuntimeEvent = RuntimeEvent;
			type RuntimeHoldReason = RuntimeHoldReason;
			type Currency = Balances;
			type RewardSource = $crate::reexport::pallet_stake_pool::MintRewards<Balances>;
			type OnSlash = ();
			type RegistrarOrigin = $crate::reexport::frame_system::EnsureRoot<AccountId>;
			type OracleOrigin = $crate::reexport::frame_system::EnsureRoot<AccountId>;
			type AdminOrigin = $crate::reexport::frame_system::EnsureRoot<AccountId>;
			type BlockNumberProvider = $clock;
			type PoolDeposit = $crate::reexport::frame_support::traits::ConstU128<{ 10 * $crate::UNIT }>;
			type MinDelegation = $crate::reexport::frame_support::traits::ConstU128<{ $crate::UNIT }>;
			type MinStakePerSqrtScore =
				$crate::reexport::frame_support::traits::ConstU128<{ 100 * $crate::UNIT }>;
			type MaxStakePerWorker =
				$crate::reexport::frame_support::traits::ConstU128<{ 50_000 * $crate::UNIT }>;
			type MaxCommission = $crate::MaxCommission;
			// The longest exit (grace + cool-down, 14 days) and a day: a delegator who asks to
			// leave when an increase is announced is paid before it applies (checked by the
			// pallet's integrity test).
			type CommissionChangeDelay = $crate::reexport::frame_support::traits::ConstU32<{ 15 * $days }>;
			type GracePeriod = $crate::reexport::frame_support::traits::ConstU32<{ 7 * $days }>;
			type CooldownPeriod = $crate::reexport::frame_support::traits::ConstU32<{ 7 * $days }>;
			type BlockTimeMillis =
				$crate::reexport::frame_support::traits::ConstU64<{ 86_400_000 / ($days as u64) }>;
			// With `MaxTasksPerBlock` 4, the deadline hook's worst case (every lane full) stays
			// within a quarter of a parachain block: 16 workers per pool keep a forced stop and a
			// release at about 70 KiB of proof each (runtime/tests/weights.rs;
			// docs/stake-pool.md, "Per-block budget").
			type MaxPoolWorkers = $crate::reexport::frame_support::traits::ConstU32<16>;
			type MaxPoolsPerDelegator =
				$crate::reexport::frame_support::traits::ConstU32<{ $crate::MAX_POOLS_PER_DELEGATOR }>;
			type MaxWhitelist = $crate::reexport::frame_support::traits::ConstU32<256>;
			type MaxDescriptionLen = $crate::reexport::frame_support::traits::ConstU32<256>;
			type MaxQueuePayoutsPerCall = $crate::reexport::frame_support::traits::ConstU32<5>;
			// 4 due tasks per lane and block (20 one-request pay-outs): a queued withdrawal is
			// charged 1/20 of the normal class's ref-time (75 ms), a pool's first in a block 1/4
			// (375 ms), so no block queues more than the hook serves when they fall due
			// (docs/stake-pool.md, "Deadlines"), and the hook's worst case fits a quarter of a
			// block.
			type MaxTasksPerBlock = $crate::reexport::frame_support::traits::ConstU32<4>;
			// Delegators whose score changed while the voter list was locked for a paged
			// snapshot are moved to their place 16 per block after it.
			type MaxStaleRescoresPerBlock = $crate::reexport::frame_support::traits::ConstU32<16>;
			type MaxElectableTargets =
				$crate::reexport::frame_support::traits::ConstU32<{ $crate::MAX_ELECTABLE_TARGETS }>;
			type MaxWithdrawalsPerDelegation = $crate::reexport::frame_support::traits::ConstU32<8>;
			type MaxSharesPerValue = $crate::reexport::frame_support::traits::ConstU32<10>;
			type VoterList = VoterList;
			type TargetList = TargetList;
			type ElectionProvider = Election;
			type PoolAccounts = $crate::reexport::pallet_stake_pool::PalletIdPoolAccounts<
				$crate::StakePoolPalletId,
			>;
			type CurrencyToVote = $crate::reexport::sp_staking::currency_to_vote::U128CurrencyToVote;
			type EraLength = $crate::reexport::frame_support::traits::ConstU32<ERA_LENGTH>;
			type DesiredActivePools = $crate::reexport::frame_support::traits::ConstU32<
				{ <$scale as $crate::ElectionScale>::DESIRED_ACTIVE_POOLS },
			>;
			type OnNewActiveSet = ();
			type WeightInfo = $crate::reexport::pallet_stake_pool::weights::SubstrateWeight<$runtime>;
		}

		/// What the miner (on chain and off) knows of this chain.
		pub struct ElectionMinerConfig;

		impl $crate::reexport::pallet_election_multi_phase::MinerConfig for ElectionMinerConfig {
			type AccountId = AccountId;
			type Solution = $crate::NposSolution16;
			type MaxVotesPerVoter =
				$crate::reexport::frame_support::traits::ConstU32<{ $crate::MAX_POOLS_PER_DELEGATOR }>;
			type MaxLength = $crate::MinerMaxLength;
			type MaxWeight = $crate::MinerMaxWeight;
			type MaxWinners = $crate::reexport::frame_support::traits::ConstU32<MAX_WINNERS>;
			type MaxBackersPerWinner =
				$crate::reexport::frame_support::traits::ConstU32<MAX_ELECTING_VOTERS>;

			fn solution_weight(
				voters: u32,
				targets: u32,
				active_voters: u32,
				desired: u32,
			) -> $crate::reexport::frame_support::weights::Weight {
				<$crate::reexport::pallet_election_multi_phase::weights::SubstrateWeight<$runtime>
					as $crate::reexport::pallet_election_multi_phase::WeightInfo>::feasibility_check(
					voters,
					targets,
					active_voters,
					desired,
				)
			}
		}

		/// The fallback's weight: the on-chain sequential Phragmén's benchmarked
		/// `phragmen(v, t, d)`.
		pub struct OnChainSeqPhragmenWeight;

		impl $crate::reexport::pallet_election_multi_phase::FallbackWeight
			for OnChainSeqPhragmenWeight
		{
			fn fallback_weight(
				voters: u32,
				targets: u32,
				desired: u32,
			) -> $crate::reexport::frame_support::weights::Weight {
				<$crate::reexport::frame_election_provider_support::weights::SubstrateWeight<$runtime>
					as $crate::reexport::frame_election_provider_support::WeightInfo>::phragmen(
					voters, targets, desired,
				)
			}
		}

		/// The bounded on-chain sequential Phragmén, for the fallback and governance.
		pub struct OnChainSeqPhragmen;

		impl $crate::reexport::frame_election_provider_support::onchain::Config
			for OnChainSeqPhragmen
		{
			type Sort = $crate::reexport::frame_support::traits::ConstBool<true>;
			type System = $runtime;
			type Solver = $crate::reexport::frame_election_provider_support::SequentialPhragmen<
				AccountId,
				$crate::reexport::sp_runtime::Perbill,
			>;
			type DataProvider = StakePool;
			type WeightInfo =
				$crate::reexport::frame_election_provider_support::weights::SubstrateWeight<$runtime>;
			type MaxWinnersPerPage = $crate::reexport::frame_support::traits::ConstU32<MAX_WINNERS>;
			type MaxBackersPerWinner =
				$crate::reexport::frame_support::traits::ConstU32<MAX_ELECTING_VOTERS>;
			type Bounds = $crate::OnChainBounds;
		}

		impl $crate::reexport::pallet_election_multi_phase::Config for $runtime {
			type RuntimeEvent = RuntimeEvent;
			type RuntimeHoldReason = RuntimeHoldReason;
			type Currency = Balances;
			type DataProvider = StakePool;
			type MinerConfig = ElectionMinerConfig;
			type Fallback = $crate::staking_fallback!($fallback, $runtime);
			type FallbackWeight = $crate::staking_fallback!(@weight $fallback);
			type GovernanceFallback = $crate::staking_fallback!($fallback, $runtime);
			type Solver = $crate::reexport::frame_election_provider_support::SequentialPhragmen<
				AccountId,
				$crate::reexport::sp_runtime::PerU16,
				$crate::OffchainBalancing,
			>;
			type MinerTxPriority = $crate::MinerTxPriority;
			type OffchainRepeat = $crate::reexport::frame_support::traits::ConstU32<5>;
			type EstimateCallFee = $call_fee;
			type SlashHandler = ();
			type AdminOrigin = $crate::reexport::frame_system::EnsureRoot<AccountId>;
			type SignedPhase = $crate::reexport::frame_support::traits::ConstU32<
				{ <$scale as $crate::ElectionScale>::SIGNED_PHASE },
			>;
			type SignedValidationPhase = $crate::reexport::frame_support::traits::ConstU32<
				{ <$scale as $crate::ElectionScale>::SIGNED_VALIDATION_PHASE },
			>;
			type UnsignedPhase = $crate::reexport::frame_support::traits::ConstU32<
				{ <$scale as $crate::ElectionScale>::UNSIGNED_PHASE },
			>;
			type SignedMaxSubmissions = $crate::reexport::frame_support::traits::ConstU32<
				{ <$scale as $crate::ElectionScale>::SIGNED_MAX_SUBMISSIONS },
			>;
			type SignedPagesPerBlock = $crate::reexport::frame_support::traits::ConstU32<
				{ <$scale as $crate::ElectionScale>::SIGNED_PAGES_PER_BLOCK },
			>;
			// 64 steps of deleting removed claims' pages per block (a page, or a claim
			// finished), in the blocks where they fit within a quarter of a parachain block:
			// a full queue's pages at the target scale (8 claims of 455 pages) take 58 such
			// blocks (see docs/election.md, "Removed claims' pages").
			type ClearPagesPerBlock = $crate::reexport::frame_support::traits::ConstU32<64>;
			type CleanupBudget = $crate::QuarterBlock;
			type BetterSignedThreshold = $crate::BetterSignedThreshold;
			type SignedDepositBase =
				$crate::reexport::frame_support::traits::ConstU128<{ 10 * $crate::UNIT }>;
			type SignedDepositIncreaseFactor = $crate::SignedDepositIncreaseFactor;
			type SignedDepositByte =
				$crate::reexport::frame_support::traits::ConstU128<{ $crate::MILLI_UNIT }>;
			type SignedDepositPerMillisecond =
				$crate::reexport::frame_support::traits::ConstU128<{ $crate::UNIT }>;
			type SignedDepositPerProofKiB =
				$crate::reexport::frame_support::traits::ConstU128<{ 10 * $crate::MILLI_UNIT }>;
			type SignedRewardBase = $crate::reexport::frame_support::traits::ConstU128<{ $crate::UNIT }>;
			// The best five unchecked runners-up behind a winner get their fee back.
			type SignedMaxRefunds = $crate::reexport::frame_support::traits::ConstU32<5>;
			type Pages = $crate::reexport::frame_support::traits::ConstU32<ELECTION_PAGES>;
			type VoterSnapshotPerBlock =
				$crate::reexport::frame_support::traits::ConstU32<{ $crate::VOTERS_PER_PAGE }>;
			type OnChainPages =
				$crate::reexport::frame_support::traits::ConstU32<{ $crate::ON_CHAIN_PAGES }>;
			type MaxElectableTargets =
				$crate::reexport::frame_support::traits::ConstU32<{ $crate::MAX_ELECTABLE_TARGETS }>;
			type TargetSnapshotPerBlock =
				$crate::reexport::frame_support::traits::ConstU32<{ $crate::TARGETS_PER_PAGE }>;
			type WeightInfo =
				$crate::reexport::pallet_election_multi_phase::weights::SubstrateWeight<$runtime>;
		}

		/// The election's round info for the runtime API.
		pub fn election_round_info(
		) -> $crate::reexport::pallet_election_multi_phase_runtime_api::RoundInfo<
			$crate::reexport::frame_system::pallet_prelude::BlockNumberFor<$runtime>,
		> {
			use $crate::reexport::pallet_election_multi_phase as e;
			$crate::reexport::pallet_election_multi_phase_runtime_api::RoundInfo {
				round: e::Round::<$runtime>::get(),
				phase: e::CurrentPhase::<$runtime>::get(),
				snapshot: e::SnapshotSize::<$runtime>::get(),
				fingerprint: e::SnapshotFingerprint::<$runtime>::get(),
				desired_targets: e::DesiredTargets::<$runtime>::get(),
				queued_score: e::QueuedSolution::<$runtime>::get().map(|ready| ready.score),
				minimum_untrusted_score: e::MinimumUntrustedScore::<$runtime>::get(),
			}
		}

		/// The election's solution limits for the runtime API.
		pub fn election_solution_limits(
		) -> $crate::reexport::pallet_election_multi_phase_runtime_api::SolutionLimits {
			use $crate::reexport::frame_support::traits::Get;
			$crate::reexport::pallet_election_multi_phase_runtime_api::SolutionLimits {
				max_length: $crate::MinerMaxLength::get(),
				max_weight: $crate::MinerMaxWeight::get(),
				max_votes_per_voter: $crate::MAX_POOLS_PER_DELEGATOR,
				max_winners: MAX_WINNERS,
				max_backers_per_winner: MAX_ELECTING_VOTERS,
				max_signed_submissions: <<$runtime as $crate::reexport::pallet_election_multi_phase::Config>::SignedMaxSubmissions as Get<u32>>::get(),
			}
		}
	};
}

/// The election's fallback type for [`impl_staking_pallets!`]: `onchain` or `none`.
#[doc(hidden)]
#[macro_export]
macro_rules! staking_fallback {
	(onchain, $runtime:ty) => {
		$crate::reexport::frame_election_provider_support::onchain::OnChainExecution<
			OnChainSeqPhragmen,
		>
	};
	(none, $runtime:ty) => {
		$crate::reexport::frame_election_provider_support::NoElection<(
			AccountId,
			$crate::reexport::frame_system::pallet_prelude::BlockNumberFor<$runtime>,
			StakePool,
			$crate::reexport::frame_support::traits::ConstU32<MAX_WINNERS>,
			$crate::reexport::frame_support::traits::ConstU32<MAX_ELECTING_VOTERS>,
		)>
	};
	(@weight onchain) => {
		OnChainSeqPhragmenWeight
	};
	(@weight none) => {
		$crate::NoFallbackWeight
	};
}

/// The weight of no fallback: nothing runs.
pub struct NoFallbackWeight;

impl pallet_election_multi_phase::FallbackWeight for NoFallbackWeight {
	fn fallback_weight(_voters: u32, _targets: u32, _desired: u32) -> Weight {
		Weight::zero()
	}
}

/// The off-chain transaction traits the election's `#[pallet::authorize]`d unsigned submissions
/// need (`CreateTransactionBase`, `CreateTransaction`, `CreateAuthorizedTransaction`), for
/// `runtime` with its extrinsic type, its transaction extension and the expression that builds
/// the extension of an authorised transaction.
#[macro_export]
macro_rules! impl_offchain_transactions {
	(
		runtime: $runtime:ty,
		extrinsic: $extrinsic:ty,
		extension: $extension:ty,
		authorized_extension: $authorized:expr $(,)?
	) => {
		impl<LocalCall> $crate::reexport::frame_system::offchain::CreateTransactionBase<LocalCall>
			for $runtime
		where
			RuntimeCall: From<LocalCall>,
		{
			type Extrinsic = $extrinsic;
			type RuntimeCall = RuntimeCall;
		}

		impl<LocalCall> $crate::reexport::frame_system::offchain::CreateTransaction<LocalCall>
			for $runtime
		where
			RuntimeCall: From<LocalCall>,
		{
			type Extension = $extension;

			fn create_transaction(call: RuntimeCall, extension: $extension) -> $extrinsic {
				<$extrinsic>::new_transaction(call, extension)
			}
		}

		impl<LocalCall>
			$crate::reexport::frame_system::offchain::CreateAuthorizedTransaction<LocalCall>
			for $runtime
		where
			RuntimeCall: From<LocalCall>,
		{
			fn create_extension() -> $extension {
				$authorized
			}
		}
	};
}

/// Balances (existential deposit a hundredth of a unit, holds and freezes by the runtime's
/// reasons) and transaction payment (fees equal to weight and length, a constant multiplier),
/// for `runtime`, which must name its balances pallet `Balances` and have `System` in scope.
/// Defines `EXISTENTIAL_DEPOSIT` and `FeeMultiplier`.
#[macro_export]
macro_rules! impl_balances_and_fees {
	(runtime: $runtime:ty $(,)?) => {
		/// The existential deposit: a hundredth of a unit.
		pub const EXISTENTIAL_DEPOSIT: $crate::Balance = $crate::UNIT / 100;

		impl $crate::reexport::pallet_balances::Config for $runtime {
			type MaxLocks = $crate::reexport::frame_support::traits::ConstU32<50>;
			type MaxReserves = ();
			type ReserveIdentifier = [u8; 8];
			type Balance = $crate::Balance;
			type RuntimeEvent = RuntimeEvent;
			type DustRemoval = ();
			type ExistentialDeposit =
				$crate::reexport::frame_support::traits::ConstU128<EXISTENTIAL_DEPOSIT>;
			type AccountStore = System;
			type WeightInfo = $crate::reexport::pallet_balances::weights::SubstrateWeight<$runtime>;
			type FreezeIdentifier = RuntimeFreezeReason;
			type MaxFreezes =
				$crate::reexport::frame_support::traits::VariantCountOf<RuntimeFreezeReason>;
			type RuntimeHoldReason = RuntimeHoldReason;
			type RuntimeFreezeReason = RuntimeFreezeReason;
			type DoneSlashHandler = ();
		}

		$crate::reexport::frame_support::parameter_types! {
			/// Fees do not follow congestion: a constant multiplier of one.
			pub FeeMultiplier: $crate::reexport::pallet_transaction_payment::Multiplier =
				<$crate::reexport::pallet_transaction_payment::Multiplier as $crate::reexport::sp_runtime::traits::One>::one();
		}

		impl $crate::reexport::pallet_transaction_payment::Config for $runtime {
			type RuntimeEvent = RuntimeEvent;
			type OnChargeTransaction =
				$crate::reexport::pallet_transaction_payment::FungibleAdapter<Balances, ()>;
			type OperationalFeeMultiplier = $crate::reexport::frame_support::traits::ConstU8<5>;
			type WeightToFee =
				$crate::reexport::frame_support::weights::IdentityFee<$crate::Balance>;
			type LengthToFee =
				$crate::reexport::frame_support::weights::IdentityFee<$crate::Balance>;
			type FeeMultiplierUpdate =
				$crate::reexport::pallet_transaction_payment::ConstFeeMultiplier<FeeMultiplier>;
			type WeightInfo =
				$crate::reexport::pallet_transaction_payment::weights::SubstrateWeight<$runtime>;
		}
	};
}

/// Sudo, utility and vesting (schedules on `vesting_clock`'s blocks, at least a unit per vested
/// transfer), for `runtime`, which must have `Balances`, `RuntimeCall` and `OriginCaller` in
/// scope.
#[macro_export]
macro_rules! impl_account_pallets {
	(runtime: $runtime:ty, vesting_clock: $clock:ty $(,)?) => {
		impl $crate::reexport::pallet_sudo::Config for $runtime {
			type RuntimeEvent = RuntimeEvent;
			type RuntimeCall = RuntimeCall;
			type WeightInfo = $crate::reexport::pallet_sudo::weights::SubstrateWeight<$runtime>;
		}

		impl $crate::reexport::pallet_utility::Config for $runtime {
			type RuntimeEvent = RuntimeEvent;
			type RuntimeCall = RuntimeCall;
			type PalletsOrigin = OriginCaller;
			type WeightInfo = $crate::reexport::pallet_utility::weights::SubstrateWeight<$runtime>;
		}

		$crate::reexport::frame_support::parameter_types! {
			/// The least a vested transfer may move.
			pub const MinVestedTransfer: $crate::Balance = $crate::UNIT;
			/// Unvested funds may pay fees and be held, not transferred or reserved.
			pub UnvestedFundsAllowedWithdrawReasons: $crate::reexport::frame_support::traits::WithdrawReasons =
				$crate::reexport::frame_support::traits::WithdrawReasons::except(
					$crate::reexport::frame_support::traits::WithdrawReasons::TRANSFER
						| $crate::reexport::frame_support::traits::WithdrawReasons::RESERVE,
				);
		}

		impl $crate::reexport::pallet_vesting::Config for $runtime {
			type RuntimeEvent = RuntimeEvent;
			type Currency = Balances;
			type BlockNumberToBalance = $crate::reexport::sp_runtime::traits::ConvertInto;
			type MinVestedTransfer = MinVestedTransfer;
			type WeightInfo = $crate::reexport::pallet_vesting::weights::SubstrateWeight<$runtime>;
			type UnvestedFundsAllowedWithdrawReasons = UnvestedFundsAllowedWithdrawReasons;
			type BlockNumberProvider = $clock;
			const MAX_VESTING_SCHEDULES: u32 = 28;
		}
	};
}
