-- Up Migration
-- The audit trail a reviewer needs (Art. 109): besides accepted actions and the API's accesses, a case's chain records
-- its start (who, with a digest of the input), what the case did on its own (a duty marked overdue, each notice and
-- escalation with its recipient, a deadline moved by a calendar or term change: kind 'system', written by the case's
-- flush in its transaction) and a notice's redelivery; every row names the role its actor acted in. A row written
-- before this migration has no role, and its canonical rendering (hence its hash) stays what it was.
ALTER TABLE audit_log
  ADD COLUMN role text,
  DROP CONSTRAINT audit_log_kind,
  ADD CONSTRAINT audit_log_kind CHECK (kind IN ('action', 'case-started', 'system', 'refused', 'calendar-loaded', 'unmasked-read', 'redelivered'));

CREATE OR REPLACE FUNCTION audit_log_canonical(r audit_log) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT (jsonb_build_array(
      r.id, r.chain, r.kind, r.case_id, r.action_id, r.type, r.actor,
      to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      r.payload,
      to_char(r.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      r.prev_hash
    ) || CASE WHEN r.role IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(r.role) END)::text
  $$;

-- Down Migration
CREATE OR REPLACE FUNCTION audit_log_canonical(r audit_log) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT jsonb_build_array(
      r.id, r.chain, r.kind, r.case_id, r.action_id, r.type, r.actor,
      to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      r.payload,
      to_char(r.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      r.prev_hash
    )::text
  $$;
ALTER TABLE audit_log
  DROP CONSTRAINT audit_log_kind,
  ADD CONSTRAINT audit_log_kind CHECK (kind IN ('action', 'refused', 'calendar-loaded', 'unmasked-read')),
  DROP COLUMN role;
