-- Up Migration
-- The working-day calendar as data: one row per year, replaced whole when the State Council publishes it.
CREATE TABLE calendar_years (
  year       integer PRIMARY KEY,
  holidays   jsonb NOT NULL,
  workdays   jsonb NOT NULL,
  source     text NOT NULL,
  version    integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE calendar_years;
