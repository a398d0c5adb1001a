-- Up Migration
-- The relay's delivery state of each outbox row. A row is pending while delivered_at and dead_at are both unset;
-- claim is the token of the relay pass holding it until next_attempt_at (its lease), so two workers never send it at once.
ALTER TABLE notices
  ADD COLUMN attempts        integer NOT NULL DEFAULT 0,
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN last_attempt_at timestamptz,
  -- an HTTP status or an error class, never a response body
  ADD COLUMN last_error      text,
  ADD COLUMN dead_at         timestamptz,
  ADD COLUMN claim           text;
UPDATE notices SET next_attempt_at = written_at;
DROP INDEX notices_undelivered;
CREATE INDEX notices_due ON notices (next_attempt_at) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX notices_dead ON notices (dead_at) WHERE dead_at IS NOT NULL;

-- Down Migration
DROP INDEX notices_dead;
DROP INDEX notices_due;
CREATE INDEX notices_undelivered ON notices (written_at) WHERE delivered_at IS NULL;
ALTER TABLE notices
  DROP COLUMN claim,
  DROP COLUMN dead_at,
  DROP COLUMN last_error,
  DROP COLUMN last_attempt_at,
  DROP COLUMN next_attempt_at,
  DROP COLUMN attempts;
