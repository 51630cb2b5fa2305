-- Why the last attempt of an ingestion failed, for people and for the dead-letter record.
ALTER TABLE documents ADD COLUMN last_error TEXT;

-- Messages the ingest queue gave up on (or could not read), kept beyond the
-- queue's 4-day retention until someone replays them.
CREATE TABLE dead_letters (
  -- "dl_" + the ingest key (or, for an unreadable message, the message id):
  -- an ingestion dead-lettered again, after a replay, updates its record.
  id            TEXT PRIMARY KEY,
  ingest_key    TEXT,
  tenant_id     TEXT,
  document_id   TEXT,
  queue         TEXT NOT NULL,
  message_id    TEXT NOT NULL,
  body          TEXT NOT NULL, -- the message as JSON
  reason        TEXT NOT NULL CHECK (reason IN ('retries_exhausted', 'unreadable')),
  last_error    TEXT,
  attempts      INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('dead', 'replayed')),
  replay_count  INTEGER NOT NULL DEFAULT 0,
  first_seen_at INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  replayed_at   INTEGER
);
CREATE INDEX dead_letters_by_time ON dead_letters (last_seen_at DESC, id DESC);
CREATE INDEX dead_letters_by_tenant ON dead_letters (tenant_id, last_seen_at DESC, id DESC);
