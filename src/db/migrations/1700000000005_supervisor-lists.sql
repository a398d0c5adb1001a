-- Up Migration
-- The supervisor's lists page by keyset on (next due time, case id), a case without a next due time last; a list of
-- one station, or of the cases with an overdue duty, walks its own index in that order.
CREATE INDEX cases_by_next_due ON cases ((coalesce(next_due_at, 'infinity'::timestamptz)), case_id);
CREATE INDEX cases_by_station_next_due ON cases (station_id, (coalesce(next_due_at, 'infinity'::timestamptz)), case_id);
CREATE INDEX cases_overdue_by_next_due ON cases ((coalesce(next_due_at, 'infinity'::timestamptz)), case_id) WHERE overdue_count > 0;
-- Duties by status page on (due time, case, key, period); a rate reads the duties of its keys due in a period. The
-- index by (status, due time) is the first columns of the new one, which serves every query it served.
CREATE INDEX obligations_by_status_due_key ON obligations (status, due_at, case_id, key, period);
DROP INDEX obligations_by_due;
CREATE INDEX obligations_by_key_due ON obligations (key, due_at);

-- Down Migration
DROP INDEX obligations_by_key_due;
CREATE INDEX obligations_by_due ON obligations (status, due_at);
DROP INDEX obligations_by_status_due_key;
DROP INDEX cases_overdue_by_next_due;
DROP INDEX cases_by_station_next_due;
DROP INDEX cases_by_next_due;
