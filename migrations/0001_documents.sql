-- Documents and their chunks. Every row carries tenant_id: every query filters on it.

CREATE TABLE documents (
  id             TEXT PRIMARY KEY,
  tenant_id      TEXT NOT NULL,
  filename       TEXT NOT NULL,
  content_type   TEXT NOT NULL,
  bytes          INTEGER NOT NULL,
  sha256         TEXT NOT NULL,
  object_key     TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'ready', 'failed')),
  pages          INTEGER,
  chunks         INTEGER,
  progress_done  INTEGER NOT NULL DEFAULT 0,
  progress_total INTEGER NOT NULL DEFAULT 0,
  error_code     TEXT,
  error_message  TEXT,
  attempts       INTEGER NOT NULL DEFAULT 0,
  -- Identifies one ingestion request; a redelivered message with the key of
  -- an ingestion that already finished is acknowledged without work.
  ingest_key     TEXT NOT NULL,
  created_at     INTEGER NOT NULL, -- unix ms
  updated_at     INTEGER NOT NULL
);

-- The same bytes are ingested once per tenant.
CREATE UNIQUE INDEX documents_tenant_sha256 ON documents (tenant_id, sha256);
-- Listing: newest first, keyset pagination on (created_at, id).
CREATE INDEX documents_tenant_created ON documents (tenant_id, created_at DESC, id DESC);

CREATE TABLE chunks (
  rowid        INTEGER PRIMARY KEY, -- the FTS5 content rowid
  id           TEXT NOT NULL UNIQUE, -- also the Vectorize vector id
  -- No foreign key on purpose: a consumer racing a DELETE may write chunks
  -- of a document that is gone; it notices (its progress update matches no
  -- row) and removes them, rather than failing the whole batch.
  document_id  TEXT NOT NULL,
  tenant_id    TEXT NOT NULL,
  chunk_index  INTEGER NOT NULL,
  text         TEXT NOT NULL,
  page_start   INTEGER NOT NULL,
  page_end     INTEGER NOT NULL,
  char_start   INTEGER NOT NULL,
  char_end     INTEGER NOT NULL,
  UNIQUE (document_id, chunk_index)
);
CREATE INDEX chunks_tenant ON chunks (tenant_id);

-- External-content FTS5 index over chunks.text, kept in step by triggers, so a
-- chunk rewritten by a redelivered message replaces its index entry.
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  content = 'chunks',
  content_rowid = 'rowid',
  tokenize = 'porter unicode61'
);

CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO chunks_fts (rowid, text) VALUES (new.rowid, new.text);
END;
