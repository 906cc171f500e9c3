-- Demo workload, the lock chain: a content editor saving a lesson's metadata. Three
-- sessions run it on the same row; the first holds its transaction open ~8 s, so the
-- second waits on it and the third on the second. Minimum server: 13. Privilege: UPDATE
-- on adaptive_content. $1: content id as text; $2: editor name (text).
UPDATE adaptive_content
SET metadata = metadata || jsonb_build_object('last_editor', $2::text),
    updated_at = CURRENT_TIMESTAMP
WHERE id = $1::text::uuid
