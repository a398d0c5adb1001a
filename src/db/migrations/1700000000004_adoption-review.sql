-- Up Migration
-- How many duties due before a case's adoption still await the officer's review (0 for a case never adopted), read
-- from the view the case writes: the case's own writes need no change.
ALTER TABLE cases
  ADD COLUMN adoption_review_count integer GENERATED ALWAYS AS (COALESCE((view -> 'adoption' ->> 'toReview')::integer, 0)) STORED;
CREATE INDEX cases_adoption_to_review ON cases (station_id, next_due_at) WHERE adoption_review_count > 0;

-- Down Migration
DROP INDEX cases_adoption_to_review;
ALTER TABLE cases DROP COLUMN adoption_review_count;
