-- Up Migration
-- One row per loaded version of a calendar year, written in the transaction that stores the version: a version whose
-- broadcast never started (the API died in between) is found here and started when an API boots.
CREATE TABLE calendar_broadcasts (
  year          integer NOT NULL,
  version       integer NOT NULL,
  workflow_id   text NOT NULL,
  requested_at  timestamptz NOT NULL DEFAULT now(),
  cases_reached integer,
  finished_at   timestamptz,
  PRIMARY KEY (year, version)
);
CREATE INDEX calendar_broadcasts_unfinished ON calendar_broadcasts (year, version) WHERE finished_at IS NULL;

-- Down Migration
DROP TABLE calendar_broadcasts;
