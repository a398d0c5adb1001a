-- Up Migration
CREATE TABLE cases (
  case_id       text PRIMARY KEY,
  procedure     text NOT NULL,
  case_number   text NOT NULL,
  station_id    text NOT NULL,
  officer_id    text NOT NULL,
  status        text NOT NULL,
  outcome       text,
  started_at    timestamptz NOT NULL,
  closed_at     timestamptz,
  next_due_at   timestamptz,
  overdue_count integer NOT NULL DEFAULT 0,
  revision      bigint NOT NULL,
  view          jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_by_station ON cases (station_id, status, next_due_at);
CREATE INDEX cases_by_officer ON cases (officer_id, status, next_due_at);

CREATE TABLE obligations (
  case_id       text NOT NULL REFERENCES cases ON DELETE CASCADE,
  key           text NOT NULL,
  period        text NOT NULL DEFAULT '',
  article       text NOT NULL,
  responsible   text NOT NULL,
  status        text NOT NULL,
  opens_at      timestamptz,
  due_at        timestamptz NOT NULL,
  completed_at  timestamptz,
  late          boolean NOT NULL DEFAULT false,
  overdue_at    timestamptz,
  PRIMARY KEY (case_id, key, period)
);
CREATE INDEX obligations_by_due ON obligations (status, due_at);

-- The notices outbox: (case_id, notice_key) is unique, so an activity retried after a crash never writes twice.
CREATE TABLE notices (
  id             bigserial PRIMARY KEY,
  case_id        text NOT NULL,
  notice_key     text NOT NULL,
  kind           text NOT NULL,
  recipient      text NOT NULL,
  article        text NOT NULL,
  obligation_key text,
  period         text,
  title_zh       text NOT NULL,
  facts          jsonb,
  created_at     timestamptz NOT NULL,
  written_at     timestamptz NOT NULL DEFAULT now(),
  delivered_at   timestamptz,
  UNIQUE (case_id, notice_key)
);
CREATE INDEX notices_undelivered ON notices (written_at) WHERE delivered_at IS NULL;

-- One row per accepted action.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  case_id     text NOT NULL,
  action_id   text NOT NULL,
  type        text NOT NULL,
  actor       text NOT NULL,
  at          timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  payload     jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, action_id)
);

-- Down Migration
DROP TABLE audit_log;
DROP TABLE notices;
DROP TABLE obligations;
DROP TABLE cases;
