-- Demo data 2/8: the Personal Learning Assistant's rows, generated set-based in SQL and
-- sized by two custom settings the loader sets first (queries/demo/scale.sql):
-- pgpulse_demo.users and pgpulse_demo.sessions; the other tables scale from them (see
-- each INSERT). Minimum server: 13. Privilege: INSERT on the demo tables, TEMPORARY.
-- Deterministic for a given scale: setseed() fixes random(), and keys are not
-- uuid_generate_v4() (random, and slow) but computed from (kind, number), so a child row
-- computes its parent's key from the parent's number instead of joining to it. Runs
-- before keys and indexes exist (files 3 and 4): the inserts write the heap only.
SELECT setseed(0.4242);

-- The key of row n of a kind: 16 bytes of multiplicative hashes of n offset by the kind,
-- all non-negative. The first 31 bits, (n * odd + offset) mod 2^31, are a bijection for
-- n < 2^31, so keys of one kind never collide. Twice as fast as md5() and as scattered.
-- hashtext(kind) folds to a constant once this is inlined; every operand is IMMUTABLE,
-- or it would not be inlined.
CREATE FUNCTION pg_temp.demo_id(kind text, n bigint) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT encode(
        int8send(((n * 2654435761 + (hashtext(kind) & 2147483647)) % 2147483648) * 4294967296
                 + (n * 2246822519 + (hashtext(kind) & 2147483647)) % 4294967296)
        || int8send(((n * 3266489917 + (hashtext(kind) & 2147483647)) % 2147483648) * 4294967296
                    + (n * 668265263 + (hashtext(kind) & 2147483647)) % 4294967296),
        'hex')::uuid $$;

-- Sizes: users and sessions as asked; a content library of one item per ten users
-- (at least 100); one assessment per five content items with 20 questions each.
CREATE FUNCTION pg_temp.n_users() RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT current_setting('pgpulse_demo.users')::bigint $$;
CREATE FUNCTION pg_temp.n_sessions() RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT current_setting('pgpulse_demo.sessions')::bigint $$;
CREATE FUNCTION pg_temp.n_content() RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT greatest(100, pg_temp.n_users() / 10) $$;
CREATE FUNCTION pg_temp.n_assessments() RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT pg_temp.n_content() / 5 $$;

-- A number from 1 to n, uniformly at random. Callers pass it to demo_id() through a
-- subquery column: a volatile argument would keep demo_id() from being inlined (it uses
-- its argument four times), costing a function call per row.
CREATE FUNCTION pg_temp.one_to(n bigint) RETURNS bigint LANGUAGE sql VOLATILE
    AS $$ SELECT 1 + floor(random() * n)::bigint $$;

-- One element of an array, uniformly at random.
CREATE FUNCTION pg_temp.pick(items text[]) RETURNS text LANGUAGE sql VOLATILE
    AS $$ SELECT items[1 + floor(random() * cardinality(items))::int] $$;

-- A number in [lo, hi) with two decimals. Whole hundredths times 0.01 rather than
-- round(float8::numeric, 2): the float-to-numeric conversion goes through text and
-- made this a tenth of the whole load.
CREATE FUNCTION pg_temp.uniform(lo numeric, hi numeric) RETURNS numeric LANGUAGE sql VOLATILE
    AS $$ SELECT floor(lo * 100 + random() * (hi - lo) * 100)::bigint * 0.01 $$;

CREATE FUNCTION pg_temp.vark(i bigint) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT (ARRAY['visual', 'auditory', 'reading', 'kinesthetic'])[1 + (i - 1) % 4] $$;

-- The concepts content is about; the workload searches for them.
CREATE FUNCTION pg_temp.concepts() RETURNS text[] LANGUAGE sql IMMUTABLE
    AS $$ SELECT ARRAY[
        'fractions', 'algebra', 'geometry', 'probability', 'statistics', 'calculus',
        'photosynthesis', 'cell biology', 'genetics', 'evolution', 'chemical bonding',
        'thermodynamics', 'electricity', 'magnetism', 'optics', 'ancient rome',
        'french revolution', 'grammar', 'essay writing', 'poetry', 'spanish vocabulary',
        'recursion', 'sorting algorithms', 'databases', 'networking', 'machine learning',
        'cryptography', 'economics', 'accounting', 'music theory', 'public speaking',
        'nutrition', 'astronomy', 'climate', 'geology', 'time management'] $$;
CREATE FUNCTION pg_temp.concept(i bigint) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT (pg_temp.concepts())[1 + (i - 1) % cardinality(pg_temp.concepts())] $$;

-- 1. Users, their preferences, learning profiles and pace profiles: one each per user.
INSERT INTO users (id, email, name, timezone, metadata, created_at, updated_at)
SELECT pg_temp.demo_id('user', g),
       lower(first) || '.' || lower(last) || '.' || g || '@example.com',
       first || ' ' || last,
       pg_temp.pick('{UTC,Europe/Berlin,America/New_York,Asia/Tokyo,Europe/London,America/Sao_Paulo}'),
       jsonb_build_object('plan', pg_temp.pick('{free,free,free,premium,school}'),
                          'signup_source', pg_temp.pick('{web,ios,android,classroom}')),
       created,
       created + random() * (localtimestamp - created)
FROM (SELECT g,
             pg_temp.pick('{Ada,Alan,Grace,Linus,Maria,Noor,Kenji,Amara,Lucas,Sofia,Omar,Mei,Ivan,Zara,Diego,Priya,Felix,Hana,Kofi,Elena}') AS first,
             pg_temp.pick('{Lovelace,Turing,Hopper,Okafor,Silva,Tanaka,Novak,Khan,Garcia,Muller,Rossi,Chen,Kowalski,Haddad,Berg,Singh,Dubois,Moreau,Adeyemi,Larsen}') AS last,
             localtimestamp - random() * interval '365 days' AS created
      FROM generate_series(1, pg_temp.n_users()) AS g) AS s;

INSERT INTO user_preferences (id, user_id, preferred_session_minutes, difficulty_preference,
                              preferred_formats, learning_goals, language, notification_settings)
SELECT pg_temp.demo_id('preferences', g), pg_temp.demo_id('user', g),
       (ARRAY[15, 20, 30, 45, 60])[1 + floor(random() * 5)::int],
       pg_temp.pick('{easy,medium,hard,adaptive,adaptive}'),
       ARRAY[pg_temp.pick('{video,text,audio,interactive,diagram}'),
             pg_temp.pick('{video,text,audio,interactive,diagram}')],
       ARRAY['learn ' || pg_temp.concept(g), 'review ' || pg_temp.concept(g + 7)],
       pg_temp.pick('{en,en,en,de,es,fr,ja,pt}'),
       jsonb_build_object('email', random() < 0.7, 'push', random() < 0.5,
                          'daily_reminder', pg_temp.pick('{08:00,12:30,18:00,21:00}'))
FROM generate_series(1, pg_temp.n_users()) AS g;

-- Every seventh learner is multimodal; the others have one dominant VARK style.
INSERT INTO learning_profiles (id, user_id, dominant_style, is_multimodal, adaptation_level,
                               confidence_score, metadata)
SELECT pg_temp.demo_id('profile', g), pg_temp.demo_id('user', g),
       CASE WHEN g % 7 = 0 THEN 'multimodal' ELSE pg_temp.vark(g * 3) END,
       g % 7 = 0,
       floor(random() * 101)::int,
       round(random()::numeric, 3),
       jsonb_build_object('assessments_taken', 1 + floor(random() * 4)::int)
FROM generate_series(1, pg_temp.n_users()) AS g;

INSERT INTO learning_styles (id, profile_id, style_type, score, confidence)
SELECT pg_temp.demo_id('style', g), pg_temp.demo_id('profile', p),
       pg_temp.vark(g),
       CASE WHEN p % 7 = 0 THEN pg_temp.uniform(40, 70)
            WHEN pg_temp.vark(g) = pg_temp.vark(p * 3) THEN pg_temp.uniform(60, 95)
            ELSE pg_temp.uniform(10, 60) END,
       round(random()::numeric, 3)
FROM (SELECT g, (g - 1) / 4 + 1 AS p FROM generate_series(1, 4 * pg_temp.n_users()) AS g) AS s;

INSERT INTO style_assessments (id, profile_id, assessment_type, visual_score, auditory_score,
                               reading_score, kinesthetic_score, confidence, data_points,
                               responses, completed_at)
SELECT pg_temp.demo_id('style_assessment', g),
       pg_temp.demo_id('profile', 1 + (g - 1) % pg_temp.n_users()),
       pg_temp.pick('{questionnaire,questionnaire,behavioral,hybrid}'),
       pg_temp.uniform(0, 100), pg_temp.uniform(0, 100), pg_temp.uniform(0, 100),
       pg_temp.uniform(0, 100), round(random()::numeric, 3), floor(random() * 200)::int,
       jsonb_build_object('questions', 16, 'version', 'VARK 8.01'),
       localtimestamp - random() * interval '180 days'
FROM generate_series(1, pg_temp.n_users() * 3 / 2) AS g;

-- Behaviour is kept 60 days (the seed's daily cleanup); one indicator per four sessions.
INSERT INTO behavioral_indicators (id, profile_id, action, content_type, engagement_level,
                                   completion_rate, time_spent_seconds, metadata, recorded_at)
SELECT pg_temp.demo_id('indicator', g), pg_temp.demo_id('profile', profile),
       pg_temp.pick('{video_played,video_paused,text_read,quiz_attempted,diagram_zoomed,audio_played,note_taken,exercise_completed,content_skipped,hint_requested}'),
       pg_temp.pick('{text,video,audio,interactive,diagram}'),
       pg_temp.uniform(0, 100), pg_temp.uniform(0, 100), floor(random() * 1800)::int,
       jsonb_build_object('device', pg_temp.pick('{desktop,mobile,tablet}')),
       localtimestamp - random() * interval '60 days'
FROM (SELECT g, pg_temp.one_to(pg_temp.n_users()) AS profile
      FROM generate_series(1, pg_temp.n_sessions() / 4) AS g) AS s;

INSERT INTO pace_profiles (id, user_id, current_pace, optimal_pace, comprehension_rate,
                           retention_rate, fatigue_level, metadata)
SELECT pg_temp.demo_id('pace', g), pg_temp.demo_id('user', g),
       pg_temp.uniform(4, 30), pg_temp.uniform(6, 25), pg_temp.uniform(40, 98),
       pg_temp.uniform(30, 95), pg_temp.uniform(0, 60),
       jsonb_build_object('best_time_of_day', pg_temp.pick('{morning,afternoon,evening}'))
FROM generate_series(1, pg_temp.n_users()) AS g;

INSERT INTO pace_adjustments (id, pace_profile_id, previous_pace, new_pace, reason,
                              trigger_metrics, adjusted_at)
SELECT pg_temp.demo_id('pace_adjustment', g),
       pg_temp.demo_id('pace', 1 + (g - 1) % pg_temp.n_users()),
       pg_temp.uniform(4, 30), pg_temp.uniform(4, 30),
       pg_temp.pick('{comprehension_drop,fatigue,mastery,time_of_day,manual}'),
       jsonb_build_object('comprehension', pg_temp.uniform(30, 100),
                          'fatigue', pg_temp.uniform(0, 100)),
       localtimestamp - random() * interval '90 days'
FROM generate_series(1, 2 * pg_temp.n_users()) AS g;

-- 2. Content: variants per VARK style in a format that suits it, media for the visual
-- and auditory variants, assessments of 20 questions (every tenth one true/false).
INSERT INTO adaptive_content (id, title, description, concept, learning_objectives, difficulty,
                              estimated_minutes, metadata, created_at, updated_at)
SELECT pg_temp.demo_id('content', g),
       pg_temp.pick('{Introduction to,Foundations of,Practical,Understanding,Mastering,Hands-on,Visual Guide to,Advanced}')
           || ' ' || initcap(pg_temp.concept(g)) || ' ' || (1 + (g - 1) / 36),
       'A ' || minutes || '-minute lesson on ' || pg_temp.concept(g)
           || ' with worked examples, a summary and practice questions.',
       pg_temp.concept(g),
       ARRAY['explain ' || pg_temp.concept(g), 'apply ' || pg_temp.concept(g) || ' to new problems'],
       1 + floor(random() * 10)::int,
       minutes,
       jsonb_build_object('author', pg_temp.pick('{curriculum-team,guest-author,ai-assisted}'),
                          'language', 'en', 'version', 1 + floor(random() * 3)::int),
       created, created + random() * (localtimestamp - created)
FROM (SELECT g, (ARRAY[10, 15, 20, 30, 45])[1 + floor(random() * 5)::int] AS minutes,
             localtimestamp - random() * interval '400 days' AS created
      FROM generate_series(1, pg_temp.n_content()) AS g) AS s;

INSERT INTO content_variants (id, content_id, style_type, format, content_data, accessibility)
SELECT pg_temp.demo_id('variant', g), pg_temp.demo_id('content', k), pg_temp.vark(g),
       CASE pg_temp.vark(g) WHEN 'visual' THEN CASE WHEN k % 2 = 0 THEN 'video' ELSE 'diagram' END
                            WHEN 'auditory' THEN 'audio'
                            WHEN 'reading' THEN 'text'
                            ELSE 'interactive' END,
       repeat(pg_temp.concept(k) || ' explained for ' || pg_temp.vark(g) || ' learners. ', 6),
       jsonb_build_object('screen_reader', true, 'captions', pg_temp.vark(g) <> 'reading')
FROM (SELECT g, (g - 1) / 4 + 1 AS k FROM generate_series(1, 4 * pg_temp.n_content()) AS g) AS s;

INSERT INTO media_content (id, variant_id, media_type, url, duration_seconds, transcript,
                           has_captions, file_size_bytes, metadata)
SELECT pg_temp.demo_id('media', g), pg_temp.demo_id('variant', (k - 1) * 4 + i),
       media_type,
       'https://cdn.example.com/media/' || k || '/' || i || '.' || media_type,
       CASE WHEN media_type = 'image' THEN NULL ELSE 60 + floor(random() * 1200)::int END,
       CASE WHEN media_type = 'image' THEN NULL ELSE 'Transcript of lesson ' || k END,
       media_type = 'video',
       floor(50000 + random() * 50000000)::bigint,
       jsonb_build_object('codec', CASE media_type WHEN 'audio' THEN 'opus' ELSE 'av1' END)
FROM (SELECT g, (g - 1) / 2 + 1 AS k, (g - 1) % 2 + 1 AS i,
             CASE WHEN (g - 1) % 2 = 1 THEN 'audio'
                  WHEN ((g - 1) / 2 + 1) % 2 = 0 THEN 'video' ELSE 'image' END AS media_type
      FROM generate_series(1, 2 * pg_temp.n_content()) AS g) AS s;

INSERT INTO adaptive_assessments (id, content_id, title, assessment_type, settings)
SELECT pg_temp.demo_id('assessment', g), pg_temp.demo_id('content', k),
       'Check your understanding: ' || pg_temp.concept(k),
       pg_temp.pick('{diagnostic,formative,formative,summative}'),
       jsonb_build_object('max_attempts', 3, 'time_limit_minutes', 20, 'passing_score', 70,
                          'adaptive', true)
FROM (SELECT g, 1 + ((g - 1) * 5) % pg_temp.n_content() AS k
      FROM generate_series(1, pg_temp.n_assessments()) AS g) AS s;

INSERT INTO adaptive_questions (id, assessment_id, question_text, question_type, difficulty,
                                concepts, points, explanation)
SELECT pg_temp.demo_id('question', q), pg_temp.demo_id('assessment', (q - 1) / 20 + 1),
       'Question ' || (1 + (q - 1) % 20) || ' about ' || pg_temp.concept(1 + ((q - 1) / 20 * 5) % pg_temp.n_content()) || '?',
       CASE WHEN q % 10 = 0 THEN 'true_false' ELSE 'multiple_choice' END,
       1 + floor(random() * 10)::int,
       ARRAY[pg_temp.concept(1 + ((q - 1) / 20 * 5) % pg_temp.n_content())],
       1 + floor(random() * 3)::int,
       'See the worked example in the lesson.'
FROM generate_series(1, 20 * pg_temp.n_assessments()) AS q;

-- Question q's correct option is position 1 + q % (its number of options).
INSERT INTO question_options (id, question_id, position, option_text, is_correct)
SELECT pg_temp.demo_id('option', (q - 1) * 4 + p), pg_temp.demo_id('question', q), p,
       CASE WHEN q % 10 = 0 THEN (ARRAY['True', 'False'])[p] ELSE 'Answer ' || chr(64 + p::int) END,
       p = 1 + q % CASE WHEN q % 10 = 0 THEN 2 ELSE 4 END
FROM generate_series(1, 20 * pg_temp.n_assessments()) AS q
CROSS JOIN generate_series(1, 4) AS p
WHERE q % 10 <> 0 OR p <= 2;

-- 3. Activity: sessions over the last 90 days (the seed's daily cleanup removes older
-- ones), more of them recent; some heavy learners. The workload adds more.
INSERT INTO learning_sessions (id, user_id, content_id, start_time, end_time, duration_minutes,
                               items_completed, correct_answers, total_questions, completed,
                               engagement_metrics)
SELECT pg_temp.demo_id('session', g), pg_temp.demo_id('user', learner),
       pg_temp.demo_id('content', content), start_time, start_time + minutes * interval '1 minute', minutes,
       floor(random() * 12)::int,
       floor(questions * (0.35 + 0.65 * random()))::int, questions,
       random() < 0.8,
       jsonb_build_object('focus_score', pg_temp.uniform(20, 100),
                          'interactions', floor(random() * 80)::int,
                          'device', pg_temp.pick('{desktop,mobile,tablet}'))
FROM (SELECT g, localtimestamp - power(random(), 1.5) * interval '90 days' AS start_time,
             1 + floor(power(random(), 1.5) * pg_temp.n_users())::bigint AS learner,
             pg_temp.one_to(pg_temp.n_content()) AS content,
             5 + floor(random() * 55)::int AS minutes, 5 + floor(random() * 16)::int AS questions
      FROM generate_series(1, pg_temp.n_sessions()) AS g) AS s;

-- About one session in four was adapted while it ran.
INSERT INTO adaptive_changes (id, session_id, change_type, from_value, to_value, reason, changed_at)
SELECT pg_temp.demo_id('change', n), id,
       pg_temp.pick('{difficulty,pace,format,style,break}'),
       pg_temp.pick('{easy,medium,hard,slow,normal,text,video}'),
       pg_temp.pick('{easy,medium,hard,fast,normal,audio,interactive}'),
       pg_temp.pick('{comprehension below 60%,three correct in a row,fatigue detected,long pause}'),
       start_time + random() * (end_time - start_time)
FROM (SELECT row_number() OVER () AS n, id, start_time, end_time
      FROM learning_sessions
      WHERE random() < 0.25) AS s;

-- Attempt g takes assessment 1 + (g * 7919) % assessments, started at a spread-out time
-- computed from g, so its responses below can name its questions and time without a join.
INSERT INTO assessment_attempts (id, user_id, assessment_id, started_at, completed_at, score,
                                 passed, time_spent_seconds)
SELECT pg_temp.demo_id('attempt', g), pg_temp.demo_id('user', learner),
       pg_temp.demo_id('assessment', assessment), started, CASE WHEN done THEN started + interval '6 minutes' END,
       CASE WHEN done THEN score END, CASE WHEN done THEN score >= 70 END,
       CASE WHEN done THEN 360 END
FROM (SELECT g, random() < 0.9 AS done, pg_temp.uniform(20, 100) AS score,
             pg_temp.one_to(pg_temp.n_users()) AS learner,
             1 + (g * 7919) % pg_temp.n_assessments() AS assessment,
             localtimestamp - make_interval(secs => (g * 104729) % 7776000) AS started
      FROM generate_series(1, pg_temp.n_sessions() / 8) AS g) AS s;

-- Four responses per attempt, to distinct questions of its assessment; 70 % correct.
INSERT INTO question_responses (id, attempt_id, question_id, selected_option_id, is_correct,
                                time_spent_seconds, confidence_level, responded_at)
SELECT pg_temp.demo_id('response', (g - 1) * 4 + j), pg_temp.demo_id('attempt', g),
       pg_temp.demo_id('question', q), pg_temp.demo_id('option', (q - 1) * 4 + chosen),
       chosen = correct, 10 + floor(random() * 110)::int, 1 + floor(random() * 5)::int,
       localtimestamp - make_interval(secs => (g * 104729) % 7776000) + j * interval '50 seconds'
FROM (SELECT g, j, q, correct,
             CASE WHEN random() < 0.7 THEN correct ELSE 1 + floor(random() * options)::int END AS chosen
      FROM (SELECT g, j, q, options, 1 + q % options AS correct
            FROM (SELECT g, j,
                         (g * 7919 % pg_temp.n_assessments()) * 20 + 1 + (g + j * 3) % 20 AS q
                  FROM generate_series(1, pg_temp.n_sessions() / 8) AS g
                  CROSS JOIN generate_series(1, 4) AS j) AS a
            CROSS JOIN LATERAL (SELECT CASE WHEN q % 10 = 0 THEN 2 ELSE 4 END AS options) AS o) AS b) AS c;

-- 4. Analytics: two monthly reports per user (analytics 2n-1 is user n's latest); style
-- effectiveness and a trend for the latest report of every other user (the others had
-- too few sessions); engagement per content, sampled.
INSERT INTO learning_analytics (id, user_id, time_range_start, time_range_end, total_minutes,
                                content_completed, average_score, engagement_score, insights,
                                generated_at)
SELECT pg_temp.demo_id('analytics', g), pg_temp.demo_id('user', (g + 1) / 2),
       month_start, month_start + interval '1 month',
       floor(random() * 1200)::int, floor(random() * 40)::int,
       pg_temp.uniform(40, 98), pg_temp.uniform(20, 100),
       jsonb_build_object('strongest_concept', pg_temp.concept(g),
                          'suggested_focus', pg_temp.concept(g + 11)),
       month_start + interval '1 month 2 hours'
FROM (SELECT g, date_trunc('month', localtimestamp) - ((g + 1) % 2 + 1) * interval '1 month' AS month_start
      FROM generate_series(1, 2 * pg_temp.n_users()) AS g) AS s;

INSERT INTO style_effectiveness (id, analytics_id, style_type, average_score, engagement_rate,
                                 completion_rate, minutes_to_mastery, sample_size)
SELECT pg_temp.demo_id('style_effectiveness', g), pg_temp.demo_id('analytics', 4 * ((g - 1) / 4) + 1),
       pg_temp.vark(g), pg_temp.uniform(30, 98), pg_temp.uniform(10, 100),
       pg_temp.uniform(20, 100), 30 + floor(random() * 600)::int, floor(random() * 60)::int
FROM generate_series(1, 2 * pg_temp.n_users()) AS g;

INSERT INTO content_engagement (id, analytics_id, content_id, views, completion_rate,
                                average_seconds, user_rating, effectiveness_score)
SELECT pg_temp.demo_id('engagement', g), pg_temp.demo_id('analytics', analytics),
       pg_temp.demo_id('content', content),
       1 + floor(random() * 30)::int, pg_temp.uniform(0, 100), floor(random() * 2400)::int,
       CASE WHEN random() < 0.6 THEN pg_temp.uniform(1, 5) END, pg_temp.uniform(20, 100)
FROM (SELECT g, pg_temp.one_to(2 * pg_temp.n_users()) AS analytics,
             pg_temp.one_to(pg_temp.n_content()) AS content
      FROM generate_series(1, pg_temp.n_sessions() / 10) AS g) AS s;

INSERT INTO performance_trends (id, analytics_id, metric, period, trend_direction, change_rate,
                                data_points, computed_at)
SELECT pg_temp.demo_id('trend', g), pg_temp.demo_id('analytics', 4 * g - 3),
       pg_temp.pick('{score,engagement,pace,retention,completion}'),
       pg_temp.pick('{daily,weekly,weekly,monthly}'),
       pg_temp.pick('{improving,improving,stable,declining}'),
       pg_temp.uniform(-25, 25),
       jsonb_build_array(pg_temp.uniform(40, 90), pg_temp.uniform(40, 90), pg_temp.uniform(40, 90)),
       localtimestamp - random() * interval '60 days'
FROM generate_series(1, pg_temp.n_users() / 2) AS g;

-- Three recommendations per user, 60 % still active.
INSERT INTO recommendations (id, user_id, type, title, reasoning, confidence, priority,
                             is_active, metadata, created_at, expires_at)
SELECT pg_temp.demo_id('recommendation', g), pg_temp.demo_id('user', (g - 1) / 3 + 1),
       kind,
       CASE kind WHEN 'content' THEN 'Try the lesson on ' || pg_temp.concept(g)
                 WHEN 'pace' THEN 'Slow down a little: comprehension dipped this week'
                 WHEN 'style' THEN 'Switch to diagrams for ' || pg_temp.concept(g)
                 WHEN 'schedule' THEN 'Study in the morning: your scores are higher then'
                 ELSE 'Review ' || pg_temp.concept(g) || ' before moving on' END,
       'Based on the last ' || (3 + g % 10) || ' sessions.',
       round(random()::numeric, 3), 1 + floor(random() * 5)::int,
       random() < 0.6,
       jsonb_build_object('model', 'recommender-v2', 'features', 12),
       created, created + interval '14 days'
FROM (SELECT g, pg_temp.pick('{content,content,pace,style,schedule,review}') AS kind,
             localtimestamp - random() * interval '60 days' AS created
      FROM generate_series(1, 3 * pg_temp.n_users()) AS g) AS s;

INSERT INTO learning_predictions (id, user_id, prediction_type, predicted_value, confidence,
                                  horizon_days, factors, created_at)
SELECT pg_temp.demo_id('prediction', g), pg_temp.demo_id('user', g),
       pg_temp.pick('{performance,completion,engagement,dropout_risk,mastery}'),
       round((random() * 100)::numeric, 3), round(random()::numeric, 3),
       (ARRAY[7, 14, 30, 90])[1 + floor(random() * 4)::int],
       jsonb_build_object('sessions_last_30d', floor(random() * 40)::int,
                          'average_score', pg_temp.uniform(30, 100)),
       localtimestamp - random() * interval '30 days'
FROM generate_series(1, pg_temp.n_users()) AS g;

DROP FUNCTION pg_temp.demo_id(text, bigint), pg_temp.n_users(), pg_temp.n_sessions(),
    pg_temp.n_content(), pg_temp.n_assessments(), pg_temp.one_to(bigint), pg_temp.pick(text[]),
    pg_temp.uniform(numeric, numeric), pg_temp.vark(bigint), pg_temp.concept(bigint),
    pg_temp.concepts();
