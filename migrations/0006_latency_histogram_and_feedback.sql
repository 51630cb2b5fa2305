-- Experiments without a row per request (README, "Experiments" and "What
-- metering costs"): the rollups gain a latency histogram of successful
-- requests in fixed buckets (shared/usage/latency-histogram.ts: the bound
-- is inclusive, the last bucket is open), and feedback gets a row per
-- feedback instead of a column in a row per request. No new index: D1 bills
-- every index entry as a row written. From now on the rollups' variant is
-- "experiment/variant"; rows written before name the variant alone, and the
-- experiment report skips them (their experiment is not known).
ALTER TABLE usage_rollups ADD COLUMN latency_le_50 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollups ADD COLUMN latency_le_100 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollups ADD COLUMN latency_le_200 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollups ADD COLUMN latency_le_400 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollups ADD COLUMN latency_le_800 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollups ADD COLUMN latency_le_1600 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollups ADD COLUMN latency_le_3200 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollups ADD COLUMN latency_le_6400 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollups ADD COLUMN latency_le_12800 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollups ADD COLUMN latency_le_25600 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_rollups ADD COLUMN latency_over_25600 INTEGER NOT NULL DEFAULT 0;

-- One row per request that got feedback, keyed by the signed receipt's
-- request id (gateway/ai/receipt.ts); sending feedback again replaces it.
-- The experiment, variant and model come from the receipt ('' when none).
CREATE TABLE ai_feedback (
  tenant_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  experiment TEXT NOT NULL,
  variant TEXT NOT NULL,
  model TEXT NOT NULL,
  request_at INTEGER NOT NULL,      -- ms since epoch, of the request the feedback is on
  score REAL NOT NULL,
  comment TEXT,
  updated_at INTEGER NOT NULL,      -- ms since epoch
  PRIMARY KEY (tenant_id, request_id)
) WITHOUT ROWID;

-- The feedback given so far is kept; the request rows themselves go.
INSERT INTO ai_feedback (tenant_id, request_id, experiment, variant, model, request_at, score, comment, updated_at)
  SELECT tenant_id, request_id, COALESCE(experiment, ''), COALESCE(variant, ''), COALESCE(model, ''), created_at, feedback_score, feedback_comment, COALESCE(feedback_at, created_at)
  FROM ai_requests WHERE feedback_score IS NOT NULL;

DROP TABLE ai_requests;
