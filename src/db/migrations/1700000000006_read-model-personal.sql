-- Up Migration
-- The read model answers GET /v1/cases/{caseId}: it keeps the people a case names beside the view, sealed (AES-256-GCM
-- under the payload codec's key) so the table never holds them in plaintext, and how many there are. A row written
-- before this migration has personal_count NULL: the API asks the case itself for it.
ALTER TABLE cases
  ADD COLUMN personal_count  integer,
  ADD COLUMN personal_sealed text;

-- Down Migration
ALTER TABLE cases
  DROP COLUMN personal_sealed,
  DROP COLUMN personal_count;
