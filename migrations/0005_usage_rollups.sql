-- Usage summed per tenant, UTC hour, route, provider, model and experiment
-- variant (shared/usage/rollup.ts). Written by the tenants' Durable Objects
-- when they flush their in-memory minute aggregates, and by the ingest
-- consumer once per ingestion: never one row per request (see README, "What
-- metering costs"). No secondary index: D1 bills every index entry as a row written.
CREATE TABLE usage_rollups (
  tenant_id TEXT NOT NULL,
  hour TEXT NOT NULL,
  route TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  variant TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  calls INTEGER NOT NULL DEFAULT 0,
  cache_hits INTEGER NOT NULL DEFAULT 0,
  semantic_hits INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  neurons REAL NOT NULL DEFAULT 0,
  usd REAL NOT NULL DEFAULT 0,
  latency_ms INTEGER NOT NULL DEFAULT 0,
  pages INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, hour, route, provider, model, variant)
) WITHOUT ROWID;
