-- Demo data 6/8: pace_profiles becomes the table whose dead tuples pile up, for the
-- Maintenance screen: autovacuum is off for it, and a third of its rows already had a
-- progress update since the load (the workload's "Update Progress" adds more). Every
-- update leaves the old row version behind as a dead tuple until someone runs VACUUM.
-- Minimum server: 13. Privilege: owner of pace_profiles.
-- The rows are chosen by a hash of their key, not random(), so the count is the same on
-- every load.
ALTER TABLE pace_profiles SET (autovacuum_enabled = false, toast.autovacuum_enabled = false);

UPDATE pace_profiles
SET current_pace = round(current_pace * 1.1, 2),
    comprehension_rate = least(100, comprehension_rate + 2),
    updated_at = localtimestamp - interval '1 day'
WHERE hashtext(id::text) % 3 = 0
