//! The binary on the fixtures of tests/fixtures (worked out by hand in its README.md), and on
//! bad input.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::{
	fs,
	path::{Path, PathBuf},
	process::{Command, Output},
};

/// A fixture's path. The package directory is read when the test runs (cargo sets it), not
/// baked in at compile time: a test binary built in one checkout and found fresh from another
/// sharing the target directory must read the fixtures of the checkout under test.
fn fixture(name: &str) -> String {
	let package = std::env::var("CARGO_MANIFEST_DIR")
		.unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
	Path::new(&package).join("tests/fixtures").join(name).display().to_string()
}

fn run(args: &[&str]) -> Output {
	Command::new(env!("CARGO_BIN_EXE_staking-service")).args(args).output().expect("runs")
}

/// A fresh, empty directory for a test's outputs.
fn workdir(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("staking-service-{name}-{}", std::process::id()));
	let _ = fs::remove_dir_all(&dir);
	fs::create_dir_all(&dir).unwrap();
	dir
}

fn plan_args<'a>(dir: &'a str, ledger: &'a str, extra: &[&'a str]) -> Vec<String> {
	let mut args: Vec<String> = [
		"payouts",
		"plan",
		"--ledger",
		ledger,
		"--delegate",
		"B62qPOOL",
		"--blocks",
		&fixture("blocks.json"),
		"--commission",
		"5%",
		"--account-commission",
		"B62qA=0%",
		"--min-payout",
		"2",
		"--carry-in",
		&fixture("carry-in.json"),
	]
	.iter()
	.map(|s| s.to_string())
	.collect();
	args.extend(extra.iter().map(|s| s.to_string()));
	for (flag, file) in
		[("--out", "plan.json"), ("--csv", "plan.csv"), ("--carry-out", "carry.json")]
	{
		args.push(flag.into());
		args.push(format!("{dir}/{file}"));
	}
	args
}

fn stdout(o: &Output) -> String {
	String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
	String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn plans_the_fixture_payouts_as_worked_out_by_hand() {
	let dir = workdir("plan");
	let d = dir.display().to_string();
	let args = plan_args(&d, &fixture("ledger.json"), &[]);
	let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(out.status.success(), "{}", stderr(&out));
	assert_eq!(
		fs::read_to_string(dir.join("plan.csv")).unwrap(),
		fs::read_to_string(fixture("expected/plan.csv")).unwrap()
	);
	let plan: serde_json::Value =
		serde_json::from_slice(&fs::read(dir.join("plan.json")).unwrap()).unwrap();
	let totals = &plan["plan"]["totals"];
	assert_eq!(totals["distributable"], "2160.3");
	assert_eq!(totals["paid"], "2059.569638441");
	assert_eq!(totals["carry_out"], "2.458742351");
	assert_eq!(totals["commission"], "99.021619206");
	assert_eq!(totals["dust"], "0.000000002");
	assert_eq!(totals["carry_in"], "0.75");
	// The hash printed for review is the one in the file.
	let hash = plan["plan_hash"].as_str().unwrap();
	assert!(stdout(&out).contains(&format!("plan hash     {hash}")), "{}", stdout(&out));
	// The carry-out ledger feeds the next plan.
	let carry: serde_json::Value =
		serde_json::from_slice(&fs::read(dir.join("carry.json")).unwrap()).unwrap();
	assert_eq!(carry, serde_json::json!({"B62qGONE": "0.5", "B62qPOOL": "1.958742351"}));

	// verify: the same inputs give the same hash...
	let mut verify: Vec<String> =
		vec!["payouts".into(), "verify".into(), "--plan".into(), format!("{d}/plan.json")];
	verify.extend(args[2..16].iter().cloned());
	let out = run(&verify.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(out.status.success(), "{}", stderr(&out));
	assert!(stdout(&out).contains(hash));
	// ...other inputs do not...
	let mut other = verify.clone();
	let i = other.iter().position(|a| a == "5%").unwrap();
	other[i] = "6%".into();
	let out = run(&other.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(!out.status.success());
	assert!(stderr(&out).contains("does not match the plan recomputed"), "{}", stderr(&out));
	// ...and an edited plan is caught.
	let edited = fs::read_to_string(dir.join("plan.json"))
		.unwrap()
		.replace("179.867615836", "279.867615836");
	fs::write(dir.join("plan.json"), edited).unwrap();
	let out = run(&verify.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(!out.status.success());
	assert!(stderr(&out).contains("the plan was edited"), "{}", stderr(&out));
	fs::remove_dir_all(&dir).unwrap();
}

/// `--rounding per-block`: each block floored with the commission inside (the public payout
/// tools' rule); A and B worked out by hand in `payouts::tests`.
#[test]
fn per_block_rounding_on_the_fixture() {
	let dir = workdir("per-block");
	let d = dir.display().to_string();
	let args = plan_args(&d, &fixture("ledger.json"), &["--rounding", "per-block"]);
	let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(out.status.success(), "{}", stderr(&out));
	let csv = fs::read_to_string(dir.join("plan.csv")).unwrap();
	let payout = |pk: &str| {
		let line = csv.lines().find(|l| l.starts_with(&format!("{pk},"))).unwrap();
		line.split(',').nth(6).unwrap().to_string()
	};
	assert_eq!(payout("B62qA"), "179.867615835");
	assert_eq!(payout("B62qB"), "512.622705132");
	let plan: serde_json::Value =
		serde_json::from_slice(&fs::read(dir.join("plan.json")).unwrap()).unwrap();
	assert_eq!(plan["plan"]["rounding"], "per-block");
	let t = &plan["plan"]["totals"];
	let n = |v: &serde_json::Value| {
		let text = v.as_str().unwrap();
		let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
		whole.parse::<u128>().unwrap() * 1_000_000_000
			+ format!("{frac:0<9}").parse::<u128>().unwrap()
	};
	// Nothing is lost either way: paid + carried + commission + dust = R + carried in.
	assert_eq!(
		n(&t["paid"]) + n(&t["carry_out"]) + n(&t["commission"]) + n(&t["dust"]),
		2_161_050_000_000
	);
	let out = run(&plan_args(&d, &fixture("ledger.json"), &["--rounding", "per-coin"])
		.iter()
		.map(String::as_str)
		.collect::<Vec<_>>());
	assert!(stderr(&out).contains("unknown rounding \"per-coin\""), "{}", stderr(&out));
	fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_unlocked_stake_bonus_goes_to_the_unlocked() {
	let dir = workdir("bonus");
	let d = dir.display().to_string();
	let args = plan_args(&d, &fixture("ledger.json"), &["--supercharge-base", "720"]);
	let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(out.status.success(), "{}", stderr(&out));
	assert_eq!(
		fs::read_to_string(dir.join("plan.csv")).unwrap(),
		fs::read_to_string(fixture("expected/plan-bonus.csv")).unwrap()
	);
	let plan: serde_json::Value =
		serde_json::from_slice(&fs::read(dir.join("plan.json")).unwrap()).unwrap();
	assert_eq!(plan["plan"]["totals"]["bonus"], "720");
	assert_eq!(plan["plan"]["totals"]["dust"], "0.000000004");
	assert_eq!(plan["plan"]["blocks"][0]["unlocked_delegators"], 3);
	fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unlock_slots_of_the_fixture() {
	let out = run(&["unlock", "--ledger", &fixture("ledger.json"), "--format", "json"]);
	assert!(out.status.success(), "{}", stderr(&out));
	let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let expected: serde_json::Value =
		serde_json::from_slice(&fs::read(fixture("expected/unlock.json")).unwrap()).unwrap();
	assert_eq!(got, expected);
}

#[test]
fn odds_of_the_guide_example() {
	let out = run(&["odds", "--stake", "1000000", "--total", "800000000", "--format", "json"]);
	assert!(out.status.success(), "{}", stderr(&out));
	let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let row = &v["accounts"][0];
	assert_eq!(format!("{:.10}", row["per_slot"].as_f64().unwrap()), "0.0017313674");
	assert_eq!(format!("{:.2}", row["expected_blocks"].as_f64().unwrap()), "12.36");
	assert_eq!((row["p05_blocks"].as_u64(), row["p95_blocks"].as_u64()), (Some(7), Some(18)));
	// The table shows the same digits.
	let out = run(&["odds", "--stake", "1000000", "--total", "800000000"]);
	let table = stdout(&out);
	assert!(
		table.contains("0.0017313674") && table.contains("12.36") && table.contains("7-18"),
		"{table}"
	);
}

#[test]
fn odds_for_every_delegator_of_a_ledger() {
	let out = run(&[
		"odds",
		"--ledger",
		&fixture("ledger.json"),
		"--delegate",
		"B62qPOOL",
		"--format",
		"json",
	]);
	assert!(out.status.success(), "{}", stderr(&out));
	let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	// Total stake 17010.500000009; five delegators plus the delegate's own line.
	assert_eq!(v["total"], "17010.500000009");
	let rows = v["accounts"].as_array().unwrap();
	assert_eq!(rows.len(), 6);
	assert_eq!(rows[5]["stake"], "12010.5");
	// alpha = 12010.5 / 17010.500000009; 1 - 0.25^alpha = 0.62424...
	let alpha = 12010.5f64 / 17010.500000009;
	let expected = 1.0 - 0.25f64.powf(alpha);
	assert!((rows[5]["per_slot"].as_f64().unwrap() - expected).abs() < 1e-12);
}

/// Bad input: non-zero exit, a message naming the file, account and field, and no output.
fn assert_refused(ledger_json: &str, blocks_json: Option<&str>, delegate: &str, message: &str) {
	// Tests run in parallel: each call its own directory.
	static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
	let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
	let dir = workdir(&format!("bad-{call}"));
	let d = dir.display().to_string();
	let ledger = dir.join("in-ledger.json");
	fs::write(&ledger, ledger_json).unwrap();
	let mut args = plan_args(&d, &ledger.display().to_string(), &[]);
	if let Some(blocks) = blocks_json {
		let path = dir.join("in-blocks.json");
		fs::write(&path, blocks).unwrap();
		let i = args.iter().position(|a| a == "--blocks").unwrap();
		args[i + 1] = path.display().to_string();
	}
	let i = args.iter().position(|a| a == "--delegate").unwrap();
	args[i + 1] = delegate.into();
	let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(!out.status.success());
	assert!(stderr(&out).contains(message), "expected {message:?} in {:?}", stderr(&out));
	let mut left: Vec<String> = fs::read_dir(&dir)
		.unwrap()
		.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
		.filter(|n| !n.starts_with("in-"))
		.collect();
	left.sort();
	assert!(left.is_empty(), "partial output left behind: {left:?}");
	fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refuses_bad_input_without_partial_output() {
	let good = r#"[{"pk": "B62qA", "balance": "1", "delegate": "B62qPOOL"}]"#;
	assert_refused("[{\"pk\": ", None, "B62qPOOL", "in-ledger.json: malformed JSON");
	assert_refused(
		r#"[{"pk": "B62qA", "balance": "-3", "delegate": "B62qPOOL"}]"#,
		None,
		"B62qPOOL",
		"account B62qA (#0), field `balance`: negative amount",
	);
	assert_refused(
		r#"[{"pk": "B62qA", "balance": "1"}, {"pk": "B62qX", "balance": "lots"}]"#,
		None,
		"B62qPOOL",
		"account B62qX (#1), field `balance`: not a decimal number",
	);
	assert_refused(good, None, "B62qNOBODY", "no account of the ledger delegates to B62qNOBODY");
	assert_refused(
		r#"[{"pk": "B62qA", "balance": "1", "delegate": "B62qPOOL", "timing": {
			"initial_minimum_balance": "1", "cliff_time": "0", "cliff_amount": "0",
			"vesting_period": "0", "vesting_increment": "1"}}]"#,
		None,
		"B62qPOOL",
		"account B62qA (#0), field `timing.vesting_period`: must be at least 1 slot",
	);
	assert_refused(
		good,
		Some(r#"[{"height": 1, "slot": 1, "state_hash": "3N", "coinbase": "7x MINA"}]"#),
		"B62qPOOL",
		"block 1 (#0), field `coinbase`: not a decimal number",
	);
	assert_refused(good, Some("[]"), "B62qPOOL", "the blocks file lists no block");
}

/// What a Mina chain cannot produce is refused, not added up or read in the wrong unit.
#[test]
fn refuses_what_mina_cannot_produce() {
	let good = r#"[{"pk": "B62qA", "balance": "1", "delegate": "B62qPOOL"}]"#;
	// The same key twice: never two stakes to add.
	assert_refused(
		r#"[{"pk": "B62qA", "balance": "1", "delegate": "B62qPOOL"},
			{"pk": "B62qB", "balance": "2", "delegate": "B62qPOOL"},
			{"pk": "B62qA", "balance": "3", "delegate": "B62qPOOL"}]"#,
		None,
		"B62qPOOL",
		"account B62qA: listed twice (#0 and #2)",
	);
	// u64::MAX nanomina is 18,446,744,073.709551615 MINA: one nanomina more is refused.
	assert_refused(
		r#"[{"pk": "B62qA", "balance": "18446744073.709551616", "delegate": "B62qPOOL"}]"#,
		None,
		"B62qPOOL",
		"account B62qA (#0), field `balance`: 18446744073.709551616 MINA is more than Mina can represent",
	);
	// Global slots are u32: 4294967296 is one past the last.
	assert_refused(
		r#"[{"pk": "B62qA", "balance": "1", "delegate": "B62qPOOL", "timing": {
			"initial_minimum_balance": "1", "cliff_time": "4294967296", "cliff_amount": "0",
			"vesting_period": "1", "vesting_increment": "1"}}]"#,
		None,
		"B62qPOOL",
		"field `timing.cliff_time`: slot 4294967296 is beyond Mina's last slot (4294967295",
	);
	assert_refused(
		good,
		Some(r#"[{"height": 1, "slot": 4294967296, "state_hash": "3N", "coinbase": "720 MINA"}]"#),
		"B62qPOOL",
		"block 1 (#0), field `slot`: slot 4294967296 is beyond Mina's last slot",
	);
	// A coinbase copied in nanomina (720 MINA = 720000000000) with no unit: refused, not read
	// as 720 billion MINA.
	assert_refused(
		good,
		Some(r#"[{"height": 1, "slot": 1, "state_hash": "3N", "coinbase": "720000000000"}]"#),
		"B62qPOOL",
		"block 1 (#0), field `coinbase`: \"720000000000\" does not name its unit",
	);
	// And labelled MINA by mistake: more than Mina can represent.
	assert_refused(
		good,
		Some(r#"[{"height": 1, "slot": 1, "state_hash": "3N", "coinbase": "720000000000 MINA"}]"#),
		"B62qPOOL",
		"an amount in nanomina read as MINA?",
	);
	// 720 nanomina where 720 MINA was meant: no Mina coinbase.
	assert_refused(
		good,
		Some(r#"[{"height": 1, "slot": 1, "state_hash": "3N", "coinbase": "720 nanomina"}]"#),
		"B62qPOOL",
		"0.00000072 MINA is no Mina coinbase",
	);
	// Archive rows are nanomina: a MINA amount there is refused too.
	assert_refused(
		good,
		Some(
			r#"[{"blockheight": 1, "statehash": "3N", "globalslotsincegenesis": 1, "coinbase": "720.5"}]"#,
		),
		"B62qPOOL",
		"is not a whole number of nanomina",
	);
}

/// Since Berkeley a ledger export lists a key once per token it holds: only MINA stakes.
#[test]
fn token_accounts_are_not_stakes() {
	let dir = workdir("tokens");
	let d = dir.display().to_string();
	let ledger = dir.join("ledger.json");
	fs::write(
		&ledger,
		r#"[{"pk": "B62qA", "balance": "1000", "delegate": "B62qPOOL", "token": "wSHV2S4qX9jFsLjQo8r1BsMLH2ZRKsZx6EJd1sbozGPieEC4Jf"},
		    {"pk": "B62qA", "balance": "5000", "delegate": "B62qPOOL", "token": "xOTHERtoken"},
		    {"pk": "B62qB", "balance": "3000", "delegate": "B62qPOOL", "token": "1"}]"#,
	)
	.unwrap();
	let mut args = plan_args(&d, &ledger.display().to_string(), &[]);
	// Without the fixture's per-account rate and carry-in (other keys).
	let i = args.iter().position(|a| a == "--account-commission").unwrap();
	args.drain(i..i + 2);
	let i = args.iter().position(|a| a == "--carry-in").unwrap();
	args.drain(i..i + 2);
	let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(out.status.success(), "{}", stderr(&out));
	let plan: serde_json::Value =
		serde_json::from_slice(&fs::read(dir.join("plan.json")).unwrap()).unwrap();
	// A's MINA record (1000) and B's (3000): the other token's 5000 is not stake.
	assert_eq!(plan["plan"]["totals"]["stake"], "4000");
	fs::remove_dir_all(&dir).unwrap();
}

/// Epoch 34 after the Berkeley fork (slot 564480): 564480 + 34 * 7140 = 807240, and 7139 more.
#[test]
fn epochs_and_their_slots() {
	let out = run(&["epoch", "--epoch", "34", "--fork-start-slot", "564480"]);
	assert!(out.status.success(), "{}", stderr(&out));
	assert!(stdout(&out).contains("epoch 34: global slots 807240 to 814379"), "{}", stdout(&out));
	// The public payout tool's epoch-34 blocks: slot 809165 is in it.
	let out = run(&["epoch", "--slot", "809165", "--fork-start-slot", "564480"]);
	assert!(stdout(&out).contains("epoch 34: global slots 807240 to 814379"), "{}", stdout(&out));
	let out = run(&["epoch", "--slot", "100", "--fork-start-slot", "564480"]);
	assert!(!out.status.success());
	assert!(
		stderr(&out).contains("slot 100 is before the fork's first slot 564480"),
		"{}",
		stderr(&out)
	);
	let out = run(&["epoch", "--epoch", "700000"]);
	assert!(stderr(&out).contains("epoch 700000 is beyond Mina's last slot"), "{}", stderr(&out));
}

/// A share class from a published-style list (byte-order mark, CRLF): B, listed, pays 8%
/// instead of the default 5%: gross 539.602847508, commission floor(539,602,847,508 * 8%) =
/// 43,168,227,800, payout 496.434619708. A is listed too, but its own `B62qA=0%` wins.
#[test]
fn share_classes_take_their_commission_from_their_list() {
	let dir = workdir("classes");
	let d = dir.display().to_string();
	let list = dir.join("in-foundation.csv");
	fs::write(&list, "\u{feff}B62qB\r\nB62qA\r\nB62qSOMEONEELSE\r\n").unwrap();
	let class = format!("foundation:8%:{}", list.display());
	let args = plan_args(&d, &fixture("ledger.json"), &["--share-class", &class]);
	let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(out.status.success(), "{}", stderr(&out));
	let csv = fs::read_to_string(dir.join("plan.csv")).unwrap();
	let line =
		|pk: &str| csv.lines().find(|l| l.starts_with(&format!("{pk},"))).unwrap().to_string();
	assert_eq!(line("B62qB"), "B62qB,3000,539.602847508,8%,43.1682278,0,496.434619708,0");
	assert!(line("B62qA").contains(",0%,0,0,179.867615836,0"), "{}", line("B62qA"));
	// The same key in two classes.
	let other = dir.join("in-o1.csv");
	fs::write(&other, "B62qB\n").unwrap();
	let second = format!("o1labs:5%:{}", other.display());
	let args = plan_args(
		&d,
		&fixture("ledger.json"),
		&["--share-class", &class, "--share-class", &second],
	);
	let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(!out.status.success());
	assert!(
		stderr(&out).contains("B62qB is in two share classes, foundation and o1labs"),
		"{}",
		stderr(&out)
	);
	fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refuses_flags_mina_cannot_mean() {
	let dir = workdir("flags");
	let d = dir.display().to_string();
	let ledger = fixture("ledger.json");
	// A commission for a key the ledger does not hold.
	let args = plan_args(&d, &ledger, &["--account-commission", "B62qNOBODY=0%"]);
	let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
	assert!(!out.status.success());
	assert!(
		stderr(&out).contains("--account-commission B62qNOBODY: no such account in the ledger"),
		"{}",
		stderr(&out)
	);
	// An epoch of no slots.
	let out = run(&["odds", "--stake", "1", "--total", "4", "--slots", "0"]);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("--slots must be at least 1"), "{}", stderr(&out));
	// A stake Mina cannot hold.
	let out = run(&["odds", "--stake", "1", "--total", "18446744073.709551616"]);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("at most 18446744073.709551615"), "{}", stderr(&out));
	fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refuses_bad_flags_with_a_clear_message() {
	let out = run(&["odds", "--stake", "5", "--total", "4"]);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("the stake is larger than the total stake"), "{}", stderr(&out));
	let out = run(&["odds", "--stake", "1", "--total", "4", "--f", "1.5"]);
	assert!(stderr(&out).contains("--f must be strictly between 0 and 1"), "{}", stderr(&out));
	let out = run(&["unlock", "--ledger", "/nonexistent/ledger.json"]);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("cannot read /nonexistent/ledger.json"), "{}", stderr(&out));
}

/// Nanomina from a plan's decimal MINA string.
fn nanomina(text: &str) -> u128 {
	let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
	let frac = format!("{frac:0<9}");
	whole.parse::<u128>().unwrap() * 1_000_000_000 + frac.parse::<u128>().unwrap()
}

/// The public payout tool's published regression figures for a real pool's epoch 34 (after the
/// Berkeley fork): 12 won blocks, a staking ledger of 151 delegators, two of them in the Mina
/// Foundation's program (8%), four in O(1) Labs' (5%), everyone else at 5%. With the same
/// policy and per-block rounding, every payout agrees to the nanomina under each fee policy
/// (tests/fixtures/mina-epoch-34/README.md).
#[test]
fn per_block_rounding_pays_what_the_public_tool_paid_in_epoch_34() {
	let dir = workdir("epoch-34");
	let d = dir.display().to_string();
	let at = |name: &str| fixture(&format!("mina-epoch-34/{name}"));
	let expected: serde_json::Value =
		serde_json::from_slice(&fs::read(at("expected.json")).unwrap()).unwrap();
	let pool = expected["pool"].as_str().unwrap();
	let (foundation, o1labs) = (
		format!("foundation:8%:{}", at("foundation.csv")),
		format!("o1labs:5%:{}", at("o1labs.csv")),
	);
	// The pool's policy, as the public tool's fixture states it, for both ways of planning below.
	let policy = |fees| {
		[
			"--fork-start-slot",
			"564480",
			"--commission",
			"5%",
			"--share-class",
			foundation.as_str(),
			"--share-class",
			o1labs.as_str(),
			"--rounding",
			"per-block",
			"--fees",
			fees,
		]
	};
	for fees in ["common", "keep", "all"] {
		let (ledger, blocks) = (at("ledger.json"), at("blocks.json"));
		let plan = format!("{d}/plan-{fees}.json");
		let (csv, carry) = (format!("{d}/plan-{fees}.csv"), format!("{d}/carry-{fees}.json"));
		let out = run(&[
			&[
				"payouts",
				"plan",
				"--ledger",
				&ledger,
				"--delegate",
				pool,
				"--blocks",
				&blocks,
				"--blocks-format",
				"archive-json",
				"--tip-height",
				"491700",
				"--epoch",
				"34",
				"--ledger-hash",
				"jwjmGqiXosGg6Yo9Nz3EnDh9v8iHdbtgAS5KWVyrGAp7cnzavX8",
			][..],
			&policy(fees),
			&["--out", &plan, "--csv", &csv, "--carry-out", &carry],
		]
		.concat());
		assert!(out.status.success(), "{fees}: {}", stderr(&out));
		let file: serde_json::Value = serde_json::from_slice(&fs::read(&plan).unwrap()).unwrap();
		let want = &expected["calculators"][fees];
		let payouts = want["payouts"].as_object().unwrap();
		let mut total = 0;
		let mut paid = 0;
		for line in file["plan"]["lines"].as_array().unwrap() {
			let pk = line["pk"].as_str().unwrap();
			let payout = nanomina(line["payout"].as_str().unwrap());
			let published = payouts.get(pk).map_or(0, |p| p["amount"].as_u64().unwrap() as u128);
			assert_eq!(payout, published, "{fees}: {pk}");
			total += payout;
			paid += u32::from(payout > 0);
		}
		assert_eq!(paid as usize, payouts.len(), "{fees}: every published payee is in the plan");
		assert_eq!(total, want["total"].as_u64().unwrap() as u128, "{fees}");
		assert_eq!(nanomina(file["plan"]["totals"]["paid"].as_str().unwrap()), total);
	}
	// The published totals, as the issue quotes them.
	let totals: Vec<u64> = ["common", "keep", "all"]
		.iter()
		.map(|f| expected["calculators"][f]["total"].as_u64().unwrap())
		.collect();
	assert_eq!(totals, [8_104_391_825_179, 8_099_757_012_288, 8_104_330_704_375]);
	// As an epoch of a multi-epoch plan, with its ledger's hash: the same payouts; with another
	// ledger's hash, refused.
	let epoch_plan = |hash: &str| {
		let (ledger, blocks) = (format!("34={}@{hash}", at("ledger.json")), at("blocks.json"));
		let (out, csv, carry) = (
			format!("{d}/epochs.json"),
			format!("{d}/epochs.csv"),
			format!("{d}/epochs-carry.json"),
		);
		run(&[
			&[
				"payouts",
				"plan",
				"--epoch-ledger",
				&ledger,
				"--delegate",
				pool,
				"--blocks",
				&blocks,
				"--tip-height",
				"491700",
			][..],
			&policy("common"),
			&["--out", &out, "--csv", &csv, "--carry-out", &carry],
		]
		.concat())
	};
	let out = epoch_plan("jwjmGqiXosGg6Yo9Nz3EnDh9v8iHdbtgAS5KWVyrGAp7cnzavX8");
	assert!(out.status.success(), "{}", stderr(&out));
	let single: serde_json::Value =
		serde_json::from_slice(&fs::read(format!("{d}/plan-common.json")).unwrap()).unwrap();
	let multi: serde_json::Value =
		serde_json::from_slice(&fs::read(format!("{d}/epochs.json")).unwrap()).unwrap();
	assert_eq!(single["plan"]["lines"], multi["plan"]["lines"]);
	let out = epoch_plan("jxOTHERLEDGER");
	assert!(!out.status.success());
	assert!(stderr(&out).contains("not the jxOTHERLEDGER given for its epoch"), "{}", stderr(&out));
	fs::remove_dir_all(&dir).unwrap();
}

/// The public payout tool's published figures for the same pool's epoch 71, before the Berkeley
/// fork: 9 supercharged blocks (1,440 MINA), 42 delegators, two of them locked (an unlocked
/// stake bonus of 720 MINA per block for the others). With `--supercharge-base 720 --fees
/// common --rounding per-block` (the coinbase's 720 to all, the fees and the bonus to ordinary
/// delegators, each floored apart per block: its `isolateSuperCharge` rule), every payout agrees
/// to the nanomina (tests/fixtures/mina-epoch-71/README.md).
#[test]
fn the_unlocked_stake_bonus_pays_what_the_public_tool_paid_in_epoch_71() {
	let dir = workdir("epoch-71");
	let d = dir.display().to_string();
	let at = |name: &str| fixture(&format!("mina-epoch-71/{name}"));
	let expected: serde_json::Value =
		serde_json::from_slice(&fs::read(at("expected.json")).unwrap()).unwrap();
	let pool = expected["pool"].as_str().unwrap();
	let plan = format!("{d}/plan.json");
	let out = run(&[
		"payouts",
		"plan",
		"--ledger",
		&at("ledger.json"),
		"--delegate",
		pool,
		"--blocks",
		&at("blocks.json"),
		"--tip-height",
		"331967",
		"--epoch",
		"71",
		"--commission",
		"5%",
		"--supercharge-base",
		"720",
		"--fees",
		"common",
		"--rounding",
		"per-block",
		"--out",
		&plan,
		"--csv",
		&format!("{d}/plan.csv"),
		"--carry-out",
		&format!("{d}/carry.json"),
	]);
	assert!(out.status.success(), "{}", stderr(&out));
	let file: serde_json::Value = serde_json::from_slice(&fs::read(&plan).unwrap()).unwrap();
	let want = &expected["calculators"]["isolate-supercharge"];
	let payouts = want["payouts"].as_object().unwrap();
	let mut total = 0;
	for line in file["plan"]["lines"].as_array().unwrap() {
		let pk = line["pk"].as_str().unwrap();
		let payout = nanomina(line["payout"].as_str().unwrap());
		let published = payouts.get(pk).map_or(0, |p| p["amount"].as_u64().unwrap() as u128);
		assert_eq!(payout, published, "{pk}");
		total += payout;
	}
	assert_eq!(total, 12_318_160_164_555);
	assert_eq!(want["total"].as_u64(), Some(12_318_160_164_555));
	// The two locked delegators got no bonus: 38 delegators have stake (4 of the 42 none), 36
	// of them unlocked at every block (slots 507,460-513,778; the locked two until 691,201).
	for block in file["plan"]["blocks"].as_array().unwrap() {
		assert_eq!(block["unlocked_delegators"], 36, "{block}");
	}
	fs::remove_dir_all(&dir).unwrap();
}

/// A plan over two epochs, each block paid from its own epoch's ledger. Epoch 0 is the
/// fixture's ledger (S = 12,010.5 MINA) with block 10 (1,440.3 MINA); in epoch 1 A has left and
/// D (5,000) joined (S = 16,010.5) and block 7300 (slot 7,200) paid 720 MINA. Per block, at 5%:
/// - A, epoch 0 only: floor(1,440.3e9 * 0.95 * 1,000 / 12,010.5) = 113,924,066,441;
/// - D, epoch 1 only: floor(720e9 * 0.95 * 5,000 / 16,010.5) = 213,609,818,556;
/// - B, both: 341,772,199,325 + floor(720e9 * 0.95 * 3,000 / 16,010.5) = 128,165,891,133,
///   469,938,090,458 in all, its stake shown summed (6,000).
#[test]
fn a_plan_over_two_epochs_pays_each_block_from_its_own_ledger() {
	let dir = workdir("epochs");
	let d = dir.display().to_string();
	let epoch1 = dir.join("ledger-1.json");
	let ledger0 = fs::read_to_string(fixture("ledger.json")).unwrap();
	fs::write(
		&epoch1,
		ledger0
			.replace(
				r#""pk": "B62qA", "balance": "1000", "delegate": "B62qPOOL""#,
				r#""pk": "B62qA", "balance": "1000", "delegate": "B62qOTHER""#,
			)
			.replace(
				r#""pk": "B62qD", "balance": "5000", "delegate": "B62qOTHER""#,
				r#""pk": "B62qD", "balance": "5000", "delegate": "B62qPOOL""#,
			),
	)
	.unwrap();
	let blocks = dir.join("blocks.json");
	fs::write(
		&blocks,
		r#"[{"height": 10, "slot": 120, "state_hash": "3NblockTen", "coinbase": "1440 MINA", "fees": "0.3 MINA"},
		    {"height": 7300, "slot": 7200, "state_hash": "3NblockLater", "coinbase": "720 MINA"}]"#,
	)
	.unwrap();
	let (blocks, epoch1) = (blocks.display().to_string(), epoch1.display().to_string());
	let plan = |ledgers: &[&str], out: &str| {
		let mut args = vec!["payouts", "plan", "--delegate", "B62qPOOL", "--blocks", &blocks];
		args.extend_from_slice(ledgers);
		let (out, csv, carry) =
			(format!("{d}/{out}.json"), format!("{d}/{out}.csv"), format!("{d}/{out}-carry.json"));
		args.extend_from_slice(&[
			"--commission",
			"5%",
			"--rounding",
			"per-block",
			"--out",
			&out,
			"--csv",
			&csv,
			"--carry-out",
			&carry,
		]);
		let o = run(&args);
		(o.status.success(), stderr(&o), fs::read_to_string(&csv).unwrap_or_default())
	};
	let zero = format!("0={}", fixture("ledger.json"));
	let one = format!("1={epoch1}");
	let (ok, err, csv) = plan(&["--epoch-ledger", &zero, "--epoch-ledger", &one], "both");
	assert!(ok, "{err}");
	let line =
		|pk: &str| csv.lines().find(|l| l.starts_with(&format!("{pk},"))).unwrap().to_string();
	let field = |pk: &str, i: usize| line(pk).split(',').nth(i).unwrap().to_string();
	assert_eq!(field("B62qA", 6), "113.924066441");
	assert_eq!(field("B62qD", 6), "213.609818556");
	assert_eq!(
		(field("B62qB", 1), field("B62qB", 6)),
		("6000".to_string(), "469.938090458".to_string())
	);
	// A block of an epoch without a ledger, an epoch ledger without a block.
	let (ok, err, _) = plan(&["--epoch-ledger", &zero], "partial");
	assert!(!ok && err.contains("block 7300 is of epoch 1, which has no --epoch-ledger"), "{err}");
	let two = format!("2={epoch1}");
	let (ok, err, _) =
		plan(&["--epoch-ledger", &zero, "--epoch-ledger", &one, "--epoch-ledger", &two], "extra");
	assert!(!ok && err.contains("--epoch-ledger 2: no block of epoch 2"), "{err}");
	// A ledger hash per epoch: the tool's blocks name none, so it cannot be checked.
	let hashed = format!("1={epoch1}@jxHASH");
	let (ok, err, _) = plan(&["--epoch-ledger", &zero, "--epoch-ledger", &hashed], "hashed");
	assert!(
		!ok && err.contains("block 7300 names no staking ledger: @jxHASH cannot be checked"),
		"{err}"
	);
	// One ledger for both epochs is what --ledger means: it is refused together with these.
	let (ok, err, _) =
		plan(&["--ledger", &fixture("ledger.json"), "--epoch-ledger", &zero], "mixed");
	assert!(!ok && err.contains("cannot be used with"), "{err}");
	fs::remove_dir_all(&dir).unwrap();
}

/// A real mainnet staking-ledger export, read by `unlock` and `odds`, against an independent
/// reading of it from Mina's rules (tests/fixtures/mina-ledger/reference.py, expected.json):
/// the unlock slot of all 1,392 timed accounts, and the delegators, stakes and total of the
/// three delegates with the most delegators.
#[test]
fn a_real_mainnet_ledger_reads_as_mina_reads_it() {
	let ledger = fixture("mina-ledger/jx7buQVWFLsXTtzRgSxbYcT8EYLS8KCZbLrfDcJxMtyy4thw2Ee.json");
	let expected: serde_json::Value =
		serde_json::from_slice(&fs::read(fixture("mina-ledger/expected.json")).unwrap()).unwrap();
	let out = run(&["unlock", "--ledger", &ledger, "--format", "json"]);
	assert!(out.status.success(), "{}", stderr(&out));
	let unlocks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let unlocks = unlocks.as_array().unwrap();
	let want = expected["unlock"].as_object().unwrap();
	assert_eq!(unlocks.len(), 1392);
	assert_eq!(want.len(), 1392);
	for u in unlocks {
		let pk = u["pk"].as_str().unwrap();
		assert_eq!(u["unlock"], want[pk], "{pk}");
	}
	let mut delegates: Vec<(&String, &serde_json::Value)> =
		expected["delegates"].as_object().unwrap().iter().collect();
	delegates.sort_by_key(|(_, d)| std::cmp::Reverse(d["delegators"].as_u64().unwrap()));
	for (delegate, want) in delegates.into_iter().take(3) {
		let out = run(&["odds", "--ledger", &ledger, "--delegate", delegate, "--format", "json"]);
		assert!(out.status.success(), "{}", stderr(&out));
		let odds: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
		assert_eq!(
			nanomina(odds["total"].as_str().unwrap()).to_string(),
			expected["total_nanomina"].as_str().unwrap()
		);
		// One row per delegator with a stake, and the delegate's "(all)" row.
		let (all, accounts): (Vec<&serde_json::Value>, Vec<&serde_json::Value>) = odds["accounts"]
			.as_array()
			.unwrap()
			.iter()
			.partition(|a| a["pk"].as_str().unwrap().ends_with(" (all)"));
		assert_eq!(accounts.len() as u64, want["delegators"].as_u64().unwrap(), "{delegate}");
		let stake: u128 = accounts.iter().map(|a| nanomina(a["stake"].as_str().unwrap())).sum();
		assert_eq!(stake.to_string(), want["stake_nanomina"].as_str().unwrap(), "{delegate}");
		assert_eq!(nanomina(all[0]["stake"].as_str().unwrap()), stake, "{delegate}");
	}
}
