-- How many times the sweeper has re-sent the current ingestion's message
-- because the document made no progress; reset when it is requeued.
ALTER TABLE documents ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
-- The sweeper looks for queued / processing documents untouched since a time.
CREATE INDEX documents_status_updated ON documents (status, updated_at);
