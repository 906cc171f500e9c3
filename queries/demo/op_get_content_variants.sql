-- Demo workload, content delivery, "Get Content Variants" (seed weight 30 %): a lesson's
-- variants for a learner's style in the formats that suit it, with their media
-- (idx_content_variants_style_format, idx_media_content_variant). Minimum server: 13.
-- Privilege: SELECT on content_variants, media_content. $1: content id as text;
-- $2: VARK style (text); $3: formats (text[]).
SELECT v.id::text, v.format::text, left(v.content_data, 200) AS preview,
       m.media_type::text, m.url, m.duration_seconds
FROM content_variants v
LEFT JOIN media_content m ON m.variant_id = v.id
WHERE v.style_type = $2::text
  AND v.format = ANY ($3::text[])
  AND v.content_id = $1::text::uuid
