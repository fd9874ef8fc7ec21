//! A JSON-RPC connection over one or more endpoints, with failover and reconnection.
//!
//! [`Rpc::connect`] takes a comma-separated list of WebSocket URIs and connects to the first that
//! answers. When a request finds the connection gone (the node stopped, the network dropped) the
//! client moves on to the next endpoint of the list, wrapping around, waiting with exponential
//! back-off between full passes, and retries the request: callers see a slower answer, not an
//! error, as long as the [`Backoff`] allows more attempts. Errors the node returns for a request
//! (a bad parameter, a failing runtime call) are returned as they are, never retried.

use crate::hex::{hex, unhex};
use jsonrpsee::{
	core::{
		client::{ClientT, Error as ClientError, Subscription, SubscriptionClientT},
		params::ArrayParams,
	},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use serde::de::DeserializeOwned;
use sp_core::H256;
use std::time::Duration;

/// How long to wait between connection attempts, and how many to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
	/// The first wait after a full pass over the endpoints failed.
	pub initial: Duration,
	/// The longest wait (waits double up to this).
	pub max: Duration,
	/// Give up after this many full passes (`None`: never give up).
	pub passes: Option<u32>,
}

impl Backoff {
	/// For one-shot commands: three passes over the endpoints, then fail.
	pub fn once() -> Self {
		Self { initial: Duration::from_millis(500), max: Duration::from_secs(2), passes: Some(3) }
	}

	/// For long-running commands: retry for ever, waiting up to 30 s between passes.
	pub fn forever() -> Self {
		Self { initial: Duration::from_millis(500), max: Duration::from_secs(30), passes: None }
	}

	/// The wait after `pass` failed passes (counting from 1).
	pub fn wait(&self, pass: u32) -> Duration {
		let factor = 1u32.checked_shl(pass.saturating_sub(1).min(16)).unwrap_or(u32::MAX);
		self.initial.saturating_mul(factor).min(self.max)
	}
}

/// A comma-separated list of WebSocket URIs, in order of preference.
pub fn parse_endpoints(list: &str) -> Result<Vec<String>, String> {
	let endpoints: Vec<String> =
		list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
	if endpoints.is_empty() {
		return Err(
			"no endpoint given: expected a ws:// or wss:// URI (or several, comma-separated)"
				.into(),
		);
	}
	for uri in &endpoints {
		if !(uri.starts_with("ws://") || uri.starts_with("wss://")) {
			return Err(format!(
				"`{uri}` is not a WebSocket URI: expected ws://host:port or wss://host:port"
			));
		}
	}
	Ok(endpoints)
}

/// A connection to one of several endpoints.
pub struct Rpc {
	endpoints: Vec<String>,
	current: usize,
	client: WsClient,
	backoff: Backoff,
	reconnects: u64,
}

/// A transaction's progress, as `author_submitAndWatchExtrinsic` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxStatus {
	/// In the pool, waiting for an earlier nonce.
	Future,
	/// In the pool, ready to be included.
	Ready,
	/// Sent to peers.
	Broadcast,
	/// Included in this block.
	InBlock(H256),
	/// The block that included it was retracted.
	Retracted(H256),
	/// Not finalized in time.
	FinalityTimeout(H256),
	/// Included in this finalized block.
	Finalized(H256),
	/// Replaced by another transaction with the same nonce.
	Usurped(H256),
	/// Dropped from the pool (full, or the node stopped).
	Dropped,
	/// No longer valid.
	Invalid,
}

impl TxStatus {
	/// Parse one notification; `None` for a shape this client does not know.
	pub fn parse(value: &serde_json::Value) -> Option<Self> {
		let hash = |v: &serde_json::Value| -> Option<H256> {
			let bytes = unhex(v.as_str()?).ok()?;
			(bytes.len() == 32).then(|| H256::from_slice(&bytes))
		};
		if let Some(s) = value.as_str() {
			return match s {
				"future" => Some(Self::Future),
				"ready" => Some(Self::Ready),
				"dropped" => Some(Self::Dropped),
				"invalid" => Some(Self::Invalid),
				_ => None,
			};
		}
		let object = value.as_object()?;
		let (key, inner) = object.iter().next()?;
		match key.as_str() {
			"broadcast" => Some(Self::Broadcast),
			"inBlock" => hash(inner).map(Self::InBlock),
			"retracted" => hash(inner).map(Self::Retracted),
			"finalityTimeout" => hash(inner).map(Self::FinalityTimeout),
			"finalized" => hash(inner).map(Self::Finalized),
			"usurped" => hash(inner).map(Self::Usurped),
			_ => None,
		}
	}
}

fn lost_connection(error: &ClientError) -> bool {
	matches!(
		error,
		ClientError::RestartNeeded(_) | ClientError::Transport(_) | ClientError::RequestTimeout
	)
}

async fn open(uri: &str) -> Result<WsClient, String> {
	WsClientBuilder::default()
		.request_timeout(Duration::from_secs(60))
		.connection_timeout(Duration::from_secs(10))
		.max_response_size(256 * 1024 * 1024)
		.build(uri)
		.await
		.map_err(|e| format!("cannot connect to {uri}: {e}"))
}

impl Rpc {
	/// Connect to the first endpoint of `endpoints` (comma-separated) that answers, making as
	/// many passes over the list as `backoff` allows.
	pub async fn connect(endpoints: &str, backoff: Backoff) -> Result<Self, String> {
		let endpoints = parse_endpoints(endpoints)?;
		let (current, client) = Self::dial(&endpoints, 0, backoff).await?;
		Ok(Self { endpoints, current, client, backoff, reconnects: 0 })
	}

	/// Try every endpoint from `start` on, wrapping around, pass after pass.
	async fn dial(
		endpoints: &[String],
		start: usize,
		backoff: Backoff,
	) -> Result<(usize, WsClient), String> {
		let mut pass = 0u32;
		loop {
			let mut errors = Vec::new();
			for offset in 0..endpoints.len() {
				let i = start.saturating_add(offset).checked_rem(endpoints.len()).unwrap_or(0);
				let Some(uri) = endpoints.get(i) else { continue };
				match open(uri).await {
					Ok(client) => return Ok((i, client)),
					Err(e) => errors.push(e),
				}
			}
			pass = pass.saturating_add(1);
			if backoff.passes.is_some_and(|passes| pass >= passes) {
				return Err(errors.join("; "));
			}
			let wait = backoff.wait(pass);
			tracing::warn!(
				"no endpoint answers ({}); trying again in {:.1} s",
				errors.join("; "),
				wait.as_secs_f64()
			);
			tokio::time::sleep(wait).await;
		}
	}

	/// The endpoint in use.
	pub fn endpoint(&self) -> &str {
		self.endpoints.get(self.current).map(String::as_str).unwrap_or_default()
	}

	/// How many times the connection was re-established.
	pub fn reconnects(&self) -> u64 {
		self.reconnects
	}

	/// Drop the connection and connect again, starting with the next endpoint of the list.
	pub async fn reconnect(&mut self) -> Result<(), String> {
		let next = self.current.saturating_add(1).checked_rem(self.endpoints.len()).unwrap_or(0);
		tracing::warn!("lost {}; reconnecting", self.endpoint());
		let (current, client) = Self::dial(&self.endpoints, next, self.backoff).await?;
		self.current = current;
		self.client = client;
		self.reconnects = self.reconnects.saturating_add(1);
		tracing::info!("connected to {}", self.endpoint());
		Ok(())
	}

	/// A request, retried on another connection when the connection is lost.
	pub async fn request<R: DeserializeOwned>(
		&mut self,
		method: &str,
		params: ArrayParams,
	) -> Result<R, String> {
		loop {
			match self.client.request(method, params.clone()).await {
				Ok(value) => return Ok(value),
				Err(e) if lost_connection(&e) => self.reconnect().await?,
				Err(e) => return Err(format!("{method} on {}: {e}", self.endpoint())),
			}
		}
	}

	/// A subscription, opened on another connection when the connection is lost.
	pub async fn subscribe<N: DeserializeOwned>(
		&mut self,
		method: &str,
		params: ArrayParams,
		unsubscribe: &str,
	) -> Result<Subscription<N>, String> {
		loop {
			match self.client.subscribe(method, params.clone(), unsubscribe).await {
				Ok(subscription) => return Ok(subscription),
				Err(e) if lost_connection(&e) => self.reconnect().await?,
				Err(e) => return Err(format!("{method} on {}: {e}", self.endpoint())),
			}
		}
	}

	/// The hash of block `number`, or of the best block.
	pub async fn block_hash(&mut self, number: Option<u32>) -> Result<Option<H256>, String> {
		let params = match number {
			Some(n) => rpc_params![n],
			None => rpc_params![],
		};
		self.request("chain_getBlockHash", params).await
	}

	/// The header of block `hash` (the best block when `None`).
	pub async fn header(&mut self, hash: Option<H256>) -> Result<crate::Header, String> {
		let header: Option<crate::Header> =
			self.request("chain_getHeader", rpc_params![hash]).await?;
		header.ok_or_else(|| format!("no header for block {hash:?} on {}", self.endpoint()))
	}

	/// The hash of the last finalized block.
	pub async fn finalized_head(&mut self) -> Result<H256, String> {
		self.request("chain_getFinalizedHead", rpc_params![]).await
	}

	/// The raw value at `key` at block `at`.
	pub async fn storage(&mut self, key: &[u8], at: H256) -> Result<Option<Vec<u8>>, String> {
		let value: Option<String> =
			self.request("state_getStorage", rpc_params![hex(key), at]).await?;
		value.map(|v| unhex(&v)).transpose()
	}

	/// The values of `keys` at block `at`, fetched concurrently over the one connection (the
	/// client multiplexes requests), in the order of `keys`; retried on another connection
	/// when the connection is lost.
	pub async fn storage_many(
		&mut self,
		keys: &[Vec<u8>],
		at: H256,
	) -> Result<Vec<Option<Vec<u8>>>, String> {
		loop {
			let client = &self.client;
			let requests = keys.iter().map(|key| {
				client.request::<Option<String>, _>("state_getStorage", rpc_params![hex(key), at])
			});
			let results = futures::future::join_all(requests).await;
			if results.iter().any(|result| matches!(result, Err(e) if lost_connection(e))) {
				self.reconnect().await?;
				continue;
			}
			return results
				.into_iter()
				.map(|result| {
					result
						.map_err(|e| format!("state_getStorage on {}: {e}", self.endpoint()))?
						.map(|value| unhex(&value))
						.transpose()
				})
				.collect();
		}
	}

	/// Up to `count` keys under `prefix` after `start`, at block `at`.
	pub async fn keys_paged(
		&mut self,
		prefix: &[u8],
		count: u32,
		start: Option<&str>,
		at: H256,
	) -> Result<Vec<String>, String> {
		self.request("state_getKeysPaged", rpc_params![hex(prefix), count, start, at]).await
	}

	/// Call runtime API `method` with SCALE-encoded `args` at block `at`; the encoded result.
	pub async fn state_call(
		&mut self,
		method: &str,
		args: &[u8],
		at: H256,
	) -> Result<Vec<u8>, String> {
		let result: String = self.request("state_call", rpc_params![method, hex(args), at]).await?;
		unhex(&result)
	}

	/// The runtime version at block `at`.
	pub async fn runtime_version(
		&mut self,
		at: H256,
	) -> Result<sp_version::RuntimeVersion, String> {
		self.request("state_getRuntimeVersion", rpc_params![at]).await
	}

	/// The chain's name.
	pub async fn system_chain(&mut self) -> Result<String, String> {
		self.request("system_chain", rpc_params![]).await
	}

	/// The chain's properties (token symbol, decimals, SS58 format).
	pub async fn system_properties(&mut self) -> Result<serde_json::Value, String> {
		self.request("system_properties", rpc_params![]).await
	}

	/// The next nonce of `account` (SS58), counting transactions in the pool.
	pub async fn account_next_index(&mut self, account: &str) -> Result<u32, String> {
		self.request("system_accountNextIndex", rpc_params![account]).await
	}

	/// Submit a signed extrinsic and follow it.
	pub async fn submit_and_watch(
		&mut self,
		extrinsic: &[u8],
	) -> Result<Subscription<serde_json::Value>, String> {
		self.subscribe(
			"author_submitAndWatchExtrinsic",
			rpc_params![hex(extrinsic)],
			"author_unwatchExtrinsic",
		)
		.await
	}

	/// New best heads, or new finalized heads.
	pub async fn subscribe_heads(
		&mut self,
		finalized: bool,
	) -> Result<Subscription<crate::Header>, String> {
		if finalized {
			self.subscribe(
				"chain_subscribeFinalizedHeads",
				rpc_params![],
				"chain_unsubscribeFinalizedHeads",
			)
			.await
		} else {
			self.subscribe("chain_subscribeNewHeads", rpc_params![], "chain_unsubscribeNewHeads")
				.await
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn endpoints_are_a_comma_separated_list_of_websocket_uris() {
		assert_eq!(
			parse_endpoints("ws://a:1, wss://b:2 ,").unwrap(),
			vec!["ws://a:1".to_string(), "wss://b:2".to_string()]
		);
		assert!(parse_endpoints(" , ").unwrap_err().contains("no endpoint given"));
		assert!(parse_endpoints("ws://a:1,http://b:2")
			.unwrap_err()
			.contains("`http://b:2` is not a WebSocket URI"));
	}

	#[test]
	fn back_off_doubles_up_to_the_maximum() {
		let backoff = Backoff::forever();
		assert_eq!(backoff.wait(1), Duration::from_millis(500));
		assert_eq!(backoff.wait(2), Duration::from_secs(1));
		assert_eq!(backoff.wait(3), Duration::from_secs(2));
		assert_eq!(backoff.wait(7), Duration::from_secs(30));
		assert_eq!(backoff.wait(u32::MAX), Duration::from_secs(30));
	}

	#[test]
	fn transaction_statuses_parse() {
		let h = format!("0x{}", "11".repeat(32));
		let block = H256::repeat_byte(0x11);
		let parse = |s: &str| TxStatus::parse(&serde_json::from_str(s).unwrap());
		assert_eq!(parse(r#""ready""#), Some(TxStatus::Ready));
		assert_eq!(parse(r#""future""#), Some(TxStatus::Future));
		assert_eq!(parse(r#""dropped""#), Some(TxStatus::Dropped));
		assert_eq!(parse(r#""invalid""#), Some(TxStatus::Invalid));
		assert_eq!(parse(r#"{"broadcast":["peer"]}"#), Some(TxStatus::Broadcast));
		assert_eq!(parse(&format!(r#"{{"inBlock":"{h}"}}"#)), Some(TxStatus::InBlock(block)));
		assert_eq!(parse(&format!(r#"{{"finalized":"{h}"}}"#)), Some(TxStatus::Finalized(block)));
		assert_eq!(parse(&format!(r#"{{"retracted":"{h}"}}"#)), Some(TxStatus::Retracted(block)));
		assert_eq!(parse(r#"{"inBlock":"0x12"}"#), None);
		assert_eq!(parse(r#""something-new""#), None);
	}

	/// A dead endpoint first in the list: the client fails over to the live one.
	#[tokio::test]
	async fn fails_over_to_the_next_endpoint() {
		use jsonrpsee::server::{RpcModule, Server};
		let server = Server::builder().build("127.0.0.1:0").await.unwrap();
		let live = server.local_addr().unwrap();
		let mut module = RpcModule::new(());
		module.register_method("system_chain", |_, _, _| "Test chain").unwrap();
		let handle = server.start(module);
		// A port nothing listens on: bind, read the port, close.
		let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
		let list = format!("ws://{dead},ws://{live}");
		let mut rpc = Rpc::connect(&list, Backoff::once()).await.unwrap();
		assert_eq!(rpc.endpoint(), format!("ws://{live}"));
		assert_eq!(rpc.system_chain().await.unwrap(), "Test chain");
		handle.stop().unwrap();
		handle.stopped().await;
		// Both gone: the request fails after the allowed passes, naming both endpoints.
		let error = rpc.system_chain().await.unwrap_err();
		assert!(
			error.contains(&format!("ws://{dead}")) && error.contains(&format!("ws://{live}")),
			"{error}"
		);
	}
}
