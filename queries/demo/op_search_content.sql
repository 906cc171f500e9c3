-- Demo workload, content delivery, "Search Content" (seed weight 20 %): full-text search
-- over title, description and concept, best matches first. The expression is the seed's
-- idx_adaptive_content_search exactly, so the GIN index serves it. Minimum server: 13.
-- Privilege: SELECT on adaptive_content. $1: search words (text). examined: the matches
-- before LIMIT, logged as rows_examined.
SELECT
    c.id::text,
    c.title::text,
    count(*) OVER () AS examined
FROM adaptive_content c
WHERE to_tsvector('english', c.title || ' ' || COALESCE(c.description, '') || ' ' || c.concept)
      @@ plainto_tsquery('english', $1::text)
ORDER BY ts_rank(to_tsvector('english', c.title || ' ' || COALESCE(c.description, '') || ' ' || c.concept),
                 plainto_tsquery('english', $1::text)) DESC
LIMIT 20
