// What the dashboard uses of the runtime: the descriptors (and the bundle) hold only these, and
// a change to any of them in the runtime fails the dashboard's type check.
export const whitelist = [
  "query.System.Account",
  "query.System.Number",
  "query.StakePool.Pools",
  "query.StakePool.PoolWorkers",
  "query.StakePool.PoolWhitelist",
  "query.StakePool.PoolDescriptions",
  "query.StakePool.Workers",
  "query.StakePool.WithdrawQueue",
  "query.StakePool.RewardPerBlock",
  "query.StakePool.Rewards",
  "query.StakePool.CurrentEra",
  "query.StakePool.ActivePools",
  "const.*",
  "tx.StakePool.*",
  "api.StakePoolApi.*",
  "view.StakePool.clock_now",
  "api.ElectionApi.round_info",
  "api.Metadata.metadata_at_version",
];
