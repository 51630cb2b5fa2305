-- One row per AI request (chat or embeddings): what served it, how it went,
-- and the caller's feedback. Feeds POST /v1/feedback and the experiment report.
CREATE TABLE ai_requests (
  request_id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  kind TEXT NOT NULL,                -- chat | embeddings
  model TEXT,                        -- the model that served, null when none did
  provider TEXT,
  route TEXT NOT NULL,               -- simple | complex | explicit
  experiment TEXT,
  variant TEXT,
  status TEXT NOT NULL,              -- ok | error
  latency_ms INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  created_at INTEGER NOT NULL,       -- ms since epoch
  feedback_score REAL,
  feedback_comment TEXT,
  feedback_at INTEGER
);

CREATE INDEX ai_requests_experiment ON ai_requests (experiment, variant, latency_ms) WHERE experiment IS NOT NULL;
CREATE INDEX ai_requests_tenant ON ai_requests (tenant_id, created_at);
