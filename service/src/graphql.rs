//! A Mina daemon's GraphQL API, as the payment commands use it: the sender's account (balance,
//! nonce, the nonce after the transactions in the node's pool), the sender's transactions in
//! the pool, the transactions of the node's best chain (its last 290 blocks) and
//! `sendPayment`.
//!
//! The daemon serves GraphQL over plain HTTP on its own machine (`mina daemon
//! --insecure-rest-server` or an SSH tunnel to `127.0.0.1:3085/graphql`); this client speaks
//! HTTP/1.1 over a TCP connection, one request per connection, and refuses `https://` URLs by
//! name. Every request has a time limit, so a node that stops answering ends the command with an
//! error instead of hanging it.

use serde_json::{json, Value};
use std::{
	io::{Read, Write},
	net::{SocketAddr, TcpStream, ToSocketAddrs},
	time::{Duration, Instant},
};

/// How long one request may take, from connecting to the answer's last byte.
const TIMEOUT: Duration = Duration::from_secs(60);
/// The largest answer read.
const MAX_ANSWER: u64 = 16 * 1024 * 1024;

/// The sender's account as the node knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountState {
	/// Its balance, nanomina.
	pub balance: u128,
	/// What it may spend now (its balance less what its vesting still locks), nanomina.
	pub liquid: u128,
	/// The nonce of its next transaction in the ledger of the node's best tip: every lower
	/// nonce is used by a transaction in a block.
	pub nonce: u32,
	/// The nonce of its next transaction counting those in the node's pool.
	pub inferred_nonce: u32,
}

/// A user command of the sender, waiting in the node's pool or in a block of its best chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
	/// Its hash (as the node computes it).
	pub hash: String,
	/// Its nonce.
	pub nonce: u32,
	/// Its receiver.
	pub to: String,
	/// Its amount (0 for a delegation), nanomina.
	pub amount: u128,
	/// Its amount plus its fee: what it takes from the sender, nanomina.
	pub spends: u128,
	/// The height of its block, `None` in the pool.
	pub height: Option<u64>,
}

/// The node's best chain as far as it keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BestChain {
	/// The height of its tip.
	pub tip: u64,
	/// The sender's commands in it.
	pub commands: Vec<Command>,
}

/// How many blocks of its best chain a node keeps (Mina's `k`).
pub const BEST_CHAIN: u32 = 290;

/// A signed payment as `sendPayment` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPayment<'a> {
	/// The payment's fields (`from`, `to`, `amount`, `fee`, `nonce`, `memo`, `validUntil`).
	pub input: &'a Value,
	/// `{"field", "scalar"}`, decimal strings.
	pub signature: &'a Value,
}

/// Why `sendPayment` gave no hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
	/// The node answered, and refused the payment (its GraphQL errors).
	Refused(String),
	/// No answer, or not one that says what the node did (a connection lost, a timeout, an
	/// HTTP error, an answer that is not GraphQL): the node may have taken the payment.
	Unknown(String),
}

impl core::fmt::Display for SendError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::Refused(e) | Self::Unknown(e) => f.write_str(e),
		}
	}
}

/// What the payment commands need of a daemon (a trait so that tests can stand in for it).
pub trait Daemon {
	/// The account of `pk`, `None` if the ledger has none.
	fn account(&mut self, pk: &str) -> Result<Option<AccountState>, String>;
	/// Submit a signed payment; its transaction hash.
	fn send_payment(&mut self, payment: SendPayment<'_>) -> Result<String, SendError>;
	/// The commands of `pk` in the node's pool.
	fn pooled(&mut self, pk: &str) -> Result<Vec<Command>, String>;
	/// The commands of `pk` in the node's best chain (its last [`BEST_CHAIN`] blocks).
	fn best_chain(&mut self, pk: &str) -> Result<BestChain, String>;
}

/// The node's command from `pk` at `nonce` paying `amount` to `to`, in its pool or its best
/// chain, if it has one. A payment is found by what it does, not only by its hash: a node of
/// another version may hash it otherwise, and a sender's nonce is used once, so a command from
/// it at that nonce, to that key, of that amount is that payment.
pub fn find(
	daemon: &mut dyn Daemon,
	pk: &str,
	(nonce, to, amount): (u32, &str, u128),
) -> Result<Option<Command>, String> {
	let same = |c: &Command| c.nonce == nonce && c.to == to && c.amount == amount;
	if let Some(c) = daemon.pooled(pk)?.into_iter().find(same) {
		return Ok(Some(c));
	}
	Ok(daemon.best_chain(pk)?.commands.into_iter().find(same))
}

/// A daemon at a GraphQL URL (`http://127.0.0.1:3085/graphql`).
#[derive(Debug, Clone)]
pub struct HttpDaemon {
	host: String,
	port: u16,
	path: String,
}

impl HttpDaemon {
	/// Parse `url`: `http://HOST[:PORT][/PATH]`.
	pub fn new(url: &str) -> Result<Self, String> {
		if url.starts_with("https://") {
			return Err(format!(
				"--graphql {url}: https is not supported; reach the daemon's GraphQL port over \
				 http on its machine or through an SSH tunnel (docs/staking-service.md)"
			));
		}
		let rest = url
			.strip_prefix("http://")
			.ok_or_else(|| format!("--graphql {url}: expected http://HOST:PORT/graphql"))?;
		let (authority, path) = match rest.find('/') {
			Some(i) => rest.split_at(i),
			None => (rest, "/graphql"),
		};
		let (host, port) = match authority.rsplit_once(':') {
			Some((host, port)) => (
				host,
				port.parse::<u16>().map_err(|_| format!("--graphql {url}: bad port {port:?}"))?,
			),
			None => (authority, 80),
		};
		if host.is_empty() {
			return Err(format!("--graphql {url}: no host"));
		}
		Ok(Self { host: host.to_string(), port, path: path.to_string() })
	}

	/// POST a GraphQL request; its `data`, or the errors it reports.
	fn request(&self, query: &str, variables: Value) -> Result<Value, String> {
		self.ask(query, variables).map_err(|e| e.to_string())
	}

	/// POST a GraphQL request; its `data`, the errors the node reports (`Refused`), or what
	/// kept it from answering (`Unknown`).
	fn ask(&self, query: &str, variables: Value) -> Result<Value, SendError> {
		let body = serde_json::to_vec(&json!({"query": query, "variables": variables}))
			.map_err(|e| SendError::Unknown(e.to_string()))?;
		let answer = self.post(&body).map_err(SendError::Unknown)?;
		let value: Value = serde_json::from_slice(&answer).map_err(|e| {
			SendError::Unknown(format!("{}: the answer is not JSON: {e}", self.url()))
		})?;
		if let Some(errors) = value.get("errors").and_then(Value::as_array) {
			if !errors.is_empty() {
				let messages: Vec<String> = errors
					.iter()
					.map(|e| {
						e.get("message")
							.and_then(Value::as_str)
							.map_or_else(|| e.to_string(), str::to_string)
					})
					.collect();
				return Err(SendError::Refused(messages.join("; ")));
			}
		}
		value
			.get("data")
			.cloned()
			.ok_or_else(|| SendError::Unknown(format!("{}: no data in the answer", self.url())))
	}

	fn url(&self) -> String {
		format!("http://{}:{}{}", self.host, self.port, self.path)
	}

	fn post(&self, body: &[u8]) -> Result<Vec<u8>, String> {
		let url = self.url();
		// Every address of the host (`localhost` may give ::1 first to a daemon on 127.0.0.1).
		let addresses: Vec<SocketAddr> = (self.host.as_str(), self.port)
			.to_socket_addrs()
			.map_err(|e| format!("{url}: {e}"))?
			.collect();
		let deadline = Instant::now().checked_add(TIMEOUT).ok_or("the clock overflows")?;
		let mut stream = connect(&addresses, &url)?;
		stream.set_write_timeout(Some(TIMEOUT)).map_err(|e| e.to_string())?;
		let head = format!(
			"POST {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\nAccept: \
			 application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
			self.path,
			self.host,
			self.port,
			body.len()
		);
		stream
			.write_all(head.as_bytes())
			.and_then(|()| stream.write_all(body))
			.map_err(|e| format!("{url}: sending the request: {e}"))?;
		// The whole answer within the deadline, however slowly it trickles in.
		let mut answer = Vec::new();
		let mut buffer = [0u8; 16 * 1024];
		loop {
			let left = deadline.saturating_duration_since(Instant::now());
			if left.is_zero() {
				return Err(format!("{url}: no complete answer within {} s", TIMEOUT.as_secs()));
			}
			stream.set_read_timeout(Some(left)).map_err(|e| e.to_string())?;
			match stream.read(&mut buffer) {
				Ok(0) => break,
				Ok(n) => answer.extend_from_slice(buffer.get(..n).unwrap_or_default()),
				Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
				Err(e) => return Err(format!("{url}: reading the answer: {e}")),
			}
			if answer.len() as u64 > MAX_ANSWER {
				return Err(format!("{url}: the answer is larger than {MAX_ANSWER} bytes"));
			}
		}
		parse_response(&answer).map_err(|e| format!("{url}: {e}"))
	}
}

/// A connection to the first of `addresses` that answers.
fn connect(addresses: &[SocketAddr], url: &str) -> Result<TcpStream, String> {
	let mut last = format!("{url}: the host has no address");
	for address in addresses {
		match TcpStream::connect_timeout(address, TIMEOUT) {
			Ok(stream) => return Ok(stream),
			Err(e) => last = format!("{url}: cannot connect to {address}: {e}"),
		}
	}
	Err(last)
}

/// The body of an HTTP/1.1 response read to its end (status 200 only; `Content-Length` or
/// chunked).
fn parse_response(bytes: &[u8]) -> Result<Vec<u8>, String> {
	let end = bytes
		.windows(4)
		.position(|w| w == b"\r\n\r\n")
		.ok_or("the answer is not HTTP (no end of headers)")?;
	let (head, rest) = bytes.split_at(end);
	let body = rest.get(4..).unwrap_or_default();
	let head = String::from_utf8_lossy(head);
	let mut lines = head.split("\r\n");
	let status = lines.next().unwrap_or_default();
	let code = status.split_whitespace().nth(1).unwrap_or_default();
	let mut chunked = false;
	let mut length = None;
	for line in lines {
		let Some((name, value)) = line.split_once(':') else { continue };
		let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
		if name == "transfer-encoding" && value.eq_ignore_ascii_case("chunked") {
			chunked = true;
		} else if name == "content-length" {
			length = value.parse::<usize>().ok();
		}
	}
	let body = if chunked {
		dechunk(body)?
	} else if let Some(length) = length {
		body.get(..length).ok_or("the answer ended early")?.to_vec()
	} else {
		body.to_vec()
	};
	if code != "200" {
		return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)));
	}
	Ok(body)
}

fn dechunk(mut body: &[u8]) -> Result<Vec<u8>, String> {
	let mut out = Vec::new();
	loop {
		let line_end =
			body.windows(2).position(|w| w == b"\r\n").ok_or("a chunk without its size line")?;
		let size_text = String::from_utf8_lossy(body.get(..line_end).unwrap_or_default());
		let size_text = size_text.split(';').next().unwrap_or_default().trim();
		let size = usize::from_str_radix(size_text, 16)
			.map_err(|_| format!("bad chunk size {size_text:?}"))?;
		let start = line_end.checked_add(2).ok_or("chunk too large")?;
		if size == 0 {
			return Ok(out);
		}
		let stop = start.checked_add(size).ok_or("chunk too large")?;
		out.extend_from_slice(body.get(start..stop).ok_or("the answer ended inside a chunk")?);
		body = body.get(stop.checked_add(2).ok_or("chunk too large")?..).unwrap_or_default();
	}
}

/// A number the daemon may give as a string or a number.
fn number(value: Option<&Value>, what: &str) -> Result<u128, String> {
	match value {
		Some(Value::String(s)) => {
			s.parse::<u128>().map_err(|_| format!("the node's {what} {s:?} is not a number"))
		},
		Some(Value::Number(n)) => {
			n.as_u64().map(u128::from).ok_or_else(|| format!("the node's {what} {n} is not whole"))
		},
		_ => Err(format!("the node's answer has no {what}")),
	}
}

impl Daemon for HttpDaemon {
	fn account(&mut self, pk: &str) -> Result<Option<AccountState>, String> {
		let data = self.request(
			"query($pk: PublicKey!) { account(publicKey: $pk) { nonce inferredNonce \
			 balance { total liquid } } }",
			json!({"pk": pk}),
		)?;
		let account = match data.get("account") {
			None | Some(Value::Null) => return Ok(None),
			Some(account) => account,
		};
		let balance = number(account.pointer("/balance/total"), "balance")?;
		// `liquid` is null on some daemons for untimed accounts: all of it is liquid then.
		let liquid = match account.pointer("/balance/liquid") {
			None | Some(Value::Null) => balance,
			some => number(some, "liquid balance")?,
		};
		let inferred = number(account.get("inferredNonce"), "inferred nonce")?;
		let nonce = number(account.get("nonce"), "nonce")?;
		Ok(Some(AccountState {
			balance,
			liquid,
			nonce: u32::try_from(nonce)
				.map_err(|_| format!("the node's nonce {nonce} is not a u32"))?,
			inferred_nonce: u32::try_from(inferred)
				.map_err(|_| format!("the node's inferred nonce {inferred} is not a u32"))?,
		}))
	}

	fn send_payment(&mut self, payment: SendPayment<'_>) -> Result<String, SendError> {
		let data = self.ask(
			"mutation($input: SendPaymentInput!, $signature: SignatureInput) { \
			 sendPayment(input: $input, signature: $signature) { payment { hash nonce } } }",
			json!({"input": payment.input, "signature": payment.signature}),
		)?;
		data.pointer("/sendPayment/payment/hash")
			.and_then(Value::as_str)
			.map(str::to_string)
			.ok_or_else(|| SendError::Unknown("the node answered without a hash".to_string()))
	}

	fn pooled(&mut self, pk: &str) -> Result<Vec<Command>, String> {
		let data = self.request(
			"query($pk: PublicKey!) { pooledUserCommands(publicKey: $pk) { hash nonce \
			 receiver { publicKey } amount fee } }",
			json!({"pk": pk}),
		)?;
		let Some(Value::Array(commands)) = data.get("pooledUserCommands") else {
			return Err("the node's answer has no pooledUserCommands".into());
		};
		commands.iter().map(|c| command(c, None)).collect()
	}

	fn best_chain(&mut self, pk: &str) -> Result<BestChain, String> {
		let data = self.request(
			"query($n: Int) { bestChain(maxLength: $n) { protocolState { consensusState { \
			 blockHeight } } transactions { userCommands { hash nonce feePayer { publicKey } \
			 receiver { publicKey } amount fee } } } }",
			json!({"n": BEST_CHAIN}),
		)?;
		let Some(Value::Array(blocks)) = data.get("bestChain") else {
			return Err("the node's answer has no bestChain".into());
		};
		let mut chain = BestChain::default();
		for block in blocks {
			let height =
				number(block.pointer("/protocolState/consensusState/blockHeight"), "height")?;
			let height = u64::try_from(height).map_err(|_| "a block height above u64")?;
			chain.tip = chain.tip.max(height);
			if let Some(Value::Array(commands)) = block.pointer("/transactions/userCommands") {
				for c in commands {
					if c.pointer("/feePayer/publicKey").and_then(Value::as_str) == Some(pk) {
						chain.commands.push(command(c, Some(height))?);
					}
				}
			}
		}
		Ok(chain)
	}
}

/// A user command as the daemon gives it.
fn command(c: &Value, height: Option<u64>) -> Result<Command, String> {
	let hash = c.get("hash").and_then(Value::as_str).unwrap_or_default().to_string();
	let nonce = number(c.get("nonce"), "command nonce")?;
	// A delegation has no amount.
	let amount = match c.get("amount") {
		None | Some(Value::Null) => 0,
		some => number(some, "command amount")?,
	};
	let fee = number(c.get("fee"), "command fee")?;
	Ok(Command {
		hash,
		nonce: u32::try_from(nonce).map_err(|_| format!("a command nonce {nonce} above u32"))?,
		to: c
			.pointer("/receiver/publicKey")
			.and_then(Value::as_str)
			.unwrap_or_default()
			.to_string(),
		amount,
		spends: amount.saturating_add(fee),
		height,
	})
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
	use super::*;

	#[test]
	fn urls() {
		let d = HttpDaemon::new("http://127.0.0.1:3085/graphql").unwrap();
		assert_eq!((d.host.as_str(), d.port, d.path.as_str()), ("127.0.0.1", 3085, "/graphql"));
		let d = HttpDaemon::new("http://node").unwrap();
		assert_eq!((d.port, d.path.as_str()), (80, "/graphql"));
		assert!(HttpDaemon::new("https://node/graphql").unwrap_err().contains("https"));
		assert!(HttpDaemon::new("node:3085").unwrap_err().contains("expected http://"));
		assert!(HttpDaemon::new("http://node:x/").unwrap_err().contains("bad port"));
	}

	#[test]
	fn responses() {
		let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}trailing";
		assert_eq!(parse_response(plain).unwrap(), b"{}");
		let chunked =
			b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;x=1\r\n\":1}\r\n0\r\n\r\n";
		assert_eq!(parse_response(chunked).unwrap(), b"{\"a\":1}");
		let error = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops";
		assert!(parse_response(error).unwrap_err().contains("500 Internal Server Error: oops"));
		assert!(parse_response(b"garbage").is_err());
		let short = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}";
		assert!(parse_response(short).unwrap_err().contains("ended early"));
		let torn = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nabc";
		assert!(parse_response(torn).unwrap_err().contains("inside a chunk"));
	}
}
