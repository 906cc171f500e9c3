-- Demo schema 3/8: primary keys, UNIQUE constraints and foreign keys of the Personal
-- Learning Assistant's tables, added after the bulk load (file 2) the way pg_dump orders a
-- restore: each key index is built by one sort, each foreign key checked by one join.
-- Minimum server: 13. Privilege: owner of the demo tables.
-- Rows a user owns go with the user (ON DELETE CASCADE); content, assessments and
-- questions are shared, so deleting one still referenced is refused (the default).

-- Primary keys, parents first so the foreign keys below find them.
ALTER TABLE users ADD PRIMARY KEY (id), ADD UNIQUE (email);
ALTER TABLE user_preferences ADD PRIMARY KEY (id), ADD UNIQUE (user_id);
ALTER TABLE learning_profiles ADD PRIMARY KEY (id), ADD UNIQUE (user_id);
ALTER TABLE learning_styles ADD PRIMARY KEY (id), ADD UNIQUE (profile_id, style_type);
ALTER TABLE style_assessments ADD PRIMARY KEY (id);
ALTER TABLE behavioral_indicators ADD PRIMARY KEY (id);
ALTER TABLE pace_profiles ADD PRIMARY KEY (id), ADD UNIQUE (user_id);
ALTER TABLE pace_adjustments ADD PRIMARY KEY (id);
ALTER TABLE learning_sessions ADD PRIMARY KEY (id);
ALTER TABLE adaptive_changes ADD PRIMARY KEY (id);
ALTER TABLE adaptive_content ADD PRIMARY KEY (id);
ALTER TABLE content_variants ADD PRIMARY KEY (id);
ALTER TABLE media_content ADD PRIMARY KEY (id);
ALTER TABLE adaptive_assessments ADD PRIMARY KEY (id);
ALTER TABLE adaptive_questions ADD PRIMARY KEY (id);
ALTER TABLE question_options ADD PRIMARY KEY (id), ADD UNIQUE (question_id, position);
ALTER TABLE assessment_attempts ADD PRIMARY KEY (id);
ALTER TABLE question_responses ADD PRIMARY KEY (id);
ALTER TABLE learning_analytics ADD PRIMARY KEY (id);
ALTER TABLE style_effectiveness ADD PRIMARY KEY (id);
ALTER TABLE content_engagement ADD PRIMARY KEY (id);
ALTER TABLE performance_trends ADD PRIMARY KEY (id);
ALTER TABLE recommendations ADD PRIMARY KEY (id);
ALTER TABLE learning_predictions ADD PRIMARY KEY (id);

-- Foreign keys.
ALTER TABLE user_preferences
    ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE learning_profiles
    ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE learning_styles
    ADD FOREIGN KEY (profile_id) REFERENCES learning_profiles (id) ON DELETE CASCADE;
ALTER TABLE style_assessments
    ADD FOREIGN KEY (profile_id) REFERENCES learning_profiles (id) ON DELETE CASCADE;
ALTER TABLE behavioral_indicators
    ADD FOREIGN KEY (profile_id) REFERENCES learning_profiles (id) ON DELETE CASCADE;
ALTER TABLE pace_profiles
    ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE pace_adjustments
    ADD FOREIGN KEY (pace_profile_id) REFERENCES pace_profiles (id) ON DELETE CASCADE;
ALTER TABLE learning_sessions
    ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    ADD FOREIGN KEY (content_id) REFERENCES adaptive_content (id);
ALTER TABLE adaptive_changes
    ADD FOREIGN KEY (session_id) REFERENCES learning_sessions (id) ON DELETE CASCADE;
ALTER TABLE content_variants
    ADD FOREIGN KEY (content_id) REFERENCES adaptive_content (id) ON DELETE CASCADE;
ALTER TABLE media_content
    ADD FOREIGN KEY (variant_id) REFERENCES content_variants (id) ON DELETE CASCADE;
ALTER TABLE adaptive_assessments
    ADD FOREIGN KEY (content_id) REFERENCES adaptive_content (id);
ALTER TABLE adaptive_questions
    ADD FOREIGN KEY (assessment_id) REFERENCES adaptive_assessments (id) ON DELETE CASCADE;
ALTER TABLE question_options
    ADD FOREIGN KEY (question_id) REFERENCES adaptive_questions (id) ON DELETE CASCADE;
ALTER TABLE assessment_attempts
    ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    ADD FOREIGN KEY (assessment_id) REFERENCES adaptive_assessments (id);
ALTER TABLE question_responses
    ADD FOREIGN KEY (attempt_id) REFERENCES assessment_attempts (id) ON DELETE CASCADE,
    ADD FOREIGN KEY (question_id) REFERENCES adaptive_questions (id),
    ADD FOREIGN KEY (selected_option_id) REFERENCES question_options (id);
ALTER TABLE learning_analytics
    ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE style_effectiveness
    ADD FOREIGN KEY (analytics_id) REFERENCES learning_analytics (id) ON DELETE CASCADE;
ALTER TABLE content_engagement
    ADD FOREIGN KEY (analytics_id) REFERENCES learning_analytics (id) ON DELETE CASCADE,
    ADD FOREIGN KEY (content_id) REFERENCES adaptive_content (id);
ALTER TABLE performance_trends
    ADD FOREIGN KEY (analytics_id) REFERENCES learning_analytics (id) ON DELETE CASCADE;
ALTER TABLE recommendations
    ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE learning_predictions
    ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
