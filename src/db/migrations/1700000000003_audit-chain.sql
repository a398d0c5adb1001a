-- Up Migration
-- The audit log becomes append-only and hash-chained (Art. 109: access logs, traceable use). Every row belongs to a
-- chain: its case, or for events without a case a named chain ('calendar', 'access'). Each row carries the hash of the
-- previous row of its chain and its own hash, sha256 over audit_log_canonical(row) (which includes prev_hash); both are
-- computed here, by a trigger, so no writer can choose them. Besides accepted actions (kind 'action', written by the
-- worker) the API writes refused attempts, calendar loads and unmasked reads of personal data.
ALTER TABLE audit_log
  ADD COLUMN chain     text,
  ADD COLUMN kind      text NOT NULL DEFAULT 'action',
  ADD COLUMN prev_hash text,
  ADD COLUMN hash      text,
  ALTER COLUMN case_id DROP NOT NULL,
  ALTER COLUMN action_id DROP NOT NULL,
  ALTER COLUMN type DROP NOT NULL;
UPDATE audit_log SET chain = case_id;
ALTER TABLE audit_log
  ALTER COLUMN chain SET NOT NULL,
  ADD CONSTRAINT audit_log_kind CHECK (kind IN ('action', 'refused', 'calendar-loaded', 'unmasked-read')),
  -- an accepted action names its case, its id and its type; (case_id, action_id) stays unique for those (NULLs differ)
  ADD CONSTRAINT audit_log_action_complete CHECK (kind <> 'action' OR (case_id IS NOT NULL AND action_id IS NOT NULL AND type IS NOT NULL)),
  -- a case's rows are in the case's chain; a named chain has no ':', so it never meets a case id (<procedure>:<number>)
  ADD CONSTRAINT audit_log_chain_named CHECK ((case_id IS NOT NULL AND chain = case_id) OR (case_id IS NULL AND chain IN ('calendar', 'access')));
CREATE INDEX audit_log_by_chain ON audit_log (chain, id);
-- The id is drawn by the trigger below, under the chain's lock; a default drawn before it would only leave gaps.
ALTER TABLE audit_log ALTER COLUMN id DROP DEFAULT;

-- The canonical rendering a row's hash is taken over: every field but the hash, in a fixed order, as the text of a
-- jsonb array (jsonb prints one value one way), instants in UTC to the microsecond.
CREATE FUNCTION audit_log_canonical(r audit_log) RETURNS text
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

CREATE FUNCTION audit_log_hash(r audit_log) RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT encode(sha256(convert_to(audit_log_canonical(r), 'UTF8')), 'hex') $$;

-- The rows already written form their cases' chains, oldest first.
DO $$
DECLARE
  r audit_log;
  previous text;
  current_chain text;
BEGIN
  FOR r IN SELECT * FROM audit_log ORDER BY chain, id LOOP
    IF current_chain IS DISTINCT FROM r.chain THEN
      previous := NULL;
      current_chain := r.chain;
    END IF;
    r.prev_hash := previous;
    previous := audit_log_hash(r);
    UPDATE audit_log SET prev_hash = r.prev_hash, hash = previous WHERE id = r.id;
  END LOOP;
END
$$;
ALTER TABLE audit_log ALTER COLUMN hash SET NOT NULL;

-- Links a new row to the head of its chain. Concurrency: writers of one chain take a transaction-scoped advisory lock
-- on it, so the second waits until the first has committed (or rolled back); only then does it draw its id and read
-- the head. Ids therefore grow along every chain in commit order, and the head it reads, in READ COMMITTED, is the
-- latest committed row: two writers can never link to the same predecessor. A REPEATABLE READ or SERIALIZABLE
-- snapshot could predate that row, so such transactions are refused rather than allowed to fork the chain.
CREATE FUNCTION audit_log_link() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
      RAISE EXCEPTION 'audit_log is written in READ COMMITTED transactions only'
        USING ERRCODE = 'serialization_failure', HINT = 'a longer-lived snapshot could link the row to a stale head and fork the chain';
    END IF;
    IF NEW.case_id IS NOT NULL THEN
      NEW.chain := NEW.case_id;
    END IF;
    PERFORM pg_advisory_xact_lock(1635083380, hashtext(NEW.chain));
    NEW.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
    NEW.recorded_at := now();
    NEW.prev_hash := (SELECT a.hash FROM audit_log a WHERE a.chain = NEW.chain ORDER BY a.id DESC LIMIT 1);
    NEW.hash := audit_log_hash(NEW);
    RETURN NEW;
  END
  $$;
CREATE TRIGGER audit_log_link BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_link();

-- Append-only, whoever the writer: even the owner cannot rewrite or remove a row without first dropping this trigger
-- (which only the owner or a superuser may, and which the chain check then still exposes).
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
  END
  $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Least privilege: the application connects as a member of the NOLOGIN group role beatflow_app, which may read and
-- write the read model, the outbox and the calendar, and only INSERT and SELECT the audit log. The migrations run as
-- the owner. A server where this role cannot be created (no CREATEROLE) keeps working as before, on one role.
-- A later migration that adds a table grants beatflow_app what it needs there (test/unit/audit-chain.test.ts checks).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'beatflow_app') THEN
    BEGIN
      CREATE ROLE beatflow_app NOLOGIN;
    EXCEPTION
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'beatflow_app not created (no CREATEROLE): the application role keeps the owner''s rights';
      -- another database of the same server migrating at the same moment
      WHEN duplicate_object OR unique_violation THEN
        NULL;
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'beatflow_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON cases, obligations, notices, calendar_years, calendar_broadcasts TO beatflow_app;
    GRANT SELECT, INSERT ON audit_log TO beatflow_app;
    GRANT USAGE ON SEQUENCE notices_id_seq, audit_log_id_seq TO beatflow_app;
  END IF;
END
$$;

-- Down Migration
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'beatflow_app') THEN
    REVOKE ALL ON cases, obligations, notices, calendar_years, calendar_broadcasts, audit_log FROM beatflow_app;
    REVOKE ALL ON SEQUENCE notices_id_seq, audit_log_id_seq FROM beatflow_app;
  END IF;
END
$$;
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_log_append_only ON audit_log;
DROP TRIGGER audit_log_link ON audit_log;
DROP FUNCTION audit_log_refuse_change();
DROP FUNCTION audit_log_link();
ALTER TABLE audit_log ALTER COLUMN id SET DEFAULT nextval('audit_log_id_seq'::regclass);
-- the rows of the new kinds have no place in the old table
DELETE FROM audit_log WHERE kind <> 'action';
DROP INDEX audit_log_by_chain;
ALTER TABLE audit_log
  DROP CONSTRAINT audit_log_chain_named,
  DROP CONSTRAINT audit_log_action_complete,
  DROP CONSTRAINT audit_log_kind,
  ALTER COLUMN case_id SET NOT NULL,
  ALTER COLUMN action_id SET NOT NULL,
  ALTER COLUMN type SET NOT NULL;
DROP FUNCTION audit_log_hash(audit_log);
DROP FUNCTION audit_log_canonical(audit_log);
ALTER TABLE audit_log
  DROP COLUMN hash,
  DROP COLUMN prev_hash,
  DROP COLUMN kind,
  DROP COLUMN chain;
