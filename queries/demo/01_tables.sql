-- Demo schema 1/8: the Personal Learning Assistant's tables, the seed report's seven
-- domains ("Current Schema Overview"): users, learning styles (VARK), adaptive pace,
-- sessions, content, assessments, analytics. Minimum server: 13; needs uuid-ossp (the
-- monitoring schema's first file). Privilege: CREATE on the schema. Applied by
-- `pgpulse demo` into a fresh database (no IF NOT EXISTS: a second load must fail loudly).
-- The seed only names these tables, so the columns are designed from its text: UUID keys
-- as in its own DDL, CHECK constraints for its enumerations and ranges, JSONB for its
-- "JSON fields for flexible metadata", TIMESTAMP without time zone like its monitoring
-- tables. Keys come after the bulk load, the way pg_dump orders a restore: primary keys,
-- UNIQUE constraints and foreign keys in file 3 (an index built by one sort instead of
-- one random insertion per row, a foreign key checked by one join instead of a trigger
-- per row), secondary indexes in file 4.

-- 1. User management
CREATE TABLE users (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    email VARCHAR(255) NOT NULL,
    name VARCHAR(255) NOT NULL,
    timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE user_preferences (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL,
    preferred_session_minutes INTEGER NOT NULL DEFAULT 30
        CHECK (preferred_session_minutes BETWEEN 5 AND 240),
    difficulty_preference VARCHAR(16) NOT NULL DEFAULT 'adaptive'
        CHECK (difficulty_preference IN ('easy', 'medium', 'hard', 'adaptive')),
    preferred_formats TEXT[] NOT NULL DEFAULT '{}',
    learning_goals TEXT[] NOT NULL DEFAULT '{}',
    language VARCHAR(10) NOT NULL DEFAULT 'en',
    notification_settings JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- 2. Learning style detection (VARK: visual, auditory, reading, kinesthetic)
CREATE TABLE learning_profiles (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL,
    dominant_style VARCHAR(16) NOT NULL
        CHECK (dominant_style IN ('visual', 'auditory', 'reading', 'kinesthetic', 'multimodal')),
    is_multimodal BOOLEAN NOT NULL DEFAULT false,
    adaptation_level INTEGER NOT NULL DEFAULT 50 CHECK (adaptation_level BETWEEN 0 AND 100),
    confidence_score DECIMAL(4,3) NOT NULL DEFAULT 0 CHECK (confidence_score BETWEEN 0 AND 1),
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE learning_styles (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    profile_id UUID NOT NULL,
    style_type VARCHAR(16) NOT NULL
        CHECK (style_type IN ('visual', 'auditory', 'reading', 'kinesthetic')),
    score DECIMAL(5,2) NOT NULL CHECK (score BETWEEN 0 AND 100),
    confidence DECIMAL(4,3) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE style_assessments (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    profile_id UUID NOT NULL,
    assessment_type VARCHAR(16) NOT NULL
        CHECK (assessment_type IN ('questionnaire', 'behavioral', 'hybrid')),
    visual_score DECIMAL(5,2) NOT NULL CHECK (visual_score BETWEEN 0 AND 100),
    auditory_score DECIMAL(5,2) NOT NULL CHECK (auditory_score BETWEEN 0 AND 100),
    reading_score DECIMAL(5,2) NOT NULL CHECK (reading_score BETWEEN 0 AND 100),
    kinesthetic_score DECIMAL(5,2) NOT NULL CHECK (kinesthetic_score BETWEEN 0 AND 100),
    confidence DECIMAL(4,3) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    data_points INTEGER NOT NULL DEFAULT 0 CHECK (data_points >= 0),
    responses JSONB NOT NULL DEFAULT '{}',
    completed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE behavioral_indicators (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    profile_id UUID NOT NULL,
    action VARCHAR(50) NOT NULL,
    content_type VARCHAR(16) NOT NULL
        CHECK (content_type IN ('text', 'video', 'audio', 'interactive', 'diagram')),
    engagement_level DECIMAL(5,2) NOT NULL CHECK (engagement_level BETWEEN 0 AND 100),
    completion_rate DECIMAL(5,2) NOT NULL CHECK (completion_rate BETWEEN 0 AND 100),
    time_spent_seconds INTEGER NOT NULL CHECK (time_spent_seconds >= 0),
    metadata JSONB NOT NULL DEFAULT '{}',
    recorded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- 3. Adaptive pace management (pace in items per hour)
CREATE TABLE pace_profiles (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL,
    current_pace DECIMAL(6,2) NOT NULL CHECK (current_pace > 0),
    optimal_pace DECIMAL(6,2) NOT NULL CHECK (optimal_pace > 0),
    comprehension_rate DECIMAL(5,2) NOT NULL CHECK (comprehension_rate BETWEEN 0 AND 100),
    retention_rate DECIMAL(5,2) NOT NULL CHECK (retention_rate BETWEEN 0 AND 100),
    fatigue_level DECIMAL(5,2) NOT NULL DEFAULT 0 CHECK (fatigue_level BETWEEN 0 AND 100),
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE pace_adjustments (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    pace_profile_id UUID NOT NULL,
    previous_pace DECIMAL(6,2) NOT NULL CHECK (previous_pace > 0),
    new_pace DECIMAL(6,2) NOT NULL CHECK (new_pace > 0),
    reason VARCHAR(32) NOT NULL
        CHECK (reason IN ('comprehension_drop', 'fatigue', 'mastery', 'time_of_day', 'manual')),
    trigger_metrics JSONB NOT NULL DEFAULT '{}',
    adjusted_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- 4. Learning sessions. total_questions > 0 because user_learning_overview divides by it.
CREATE TABLE learning_sessions (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL,
    content_id UUID NOT NULL,
    start_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    end_time TIMESTAMP,
    duration_minutes INTEGER CHECK (duration_minutes >= 0),
    items_completed INTEGER NOT NULL DEFAULT 0 CHECK (items_completed >= 0),
    correct_answers INTEGER NOT NULL DEFAULT 0 CHECK (correct_answers >= 0),
    total_questions INTEGER NOT NULL CHECK (total_questions > 0),
    completed BOOLEAN NOT NULL DEFAULT false,
    engagement_metrics JSONB NOT NULL DEFAULT '{}',
    CHECK (correct_answers <= total_questions),
    CHECK (end_time IS NULL OR end_time >= start_time)
);

CREATE TABLE adaptive_changes (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    session_id UUID NOT NULL,
    change_type VARCHAR(16) NOT NULL
        CHECK (change_type IN ('difficulty', 'pace', 'format', 'style', 'break')),
    from_value VARCHAR(50),
    to_value VARCHAR(50),
    reason TEXT,
    changed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- 5. Content management
CREATE TABLE adaptive_content (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    title VARCHAR(255) NOT NULL,
    description TEXT,
    concept VARCHAR(100) NOT NULL,
    learning_objectives TEXT[] NOT NULL DEFAULT '{}',
    difficulty SMALLINT NOT NULL CHECK (difficulty BETWEEN 1 AND 10),
    estimated_minutes INTEGER NOT NULL CHECK (estimated_minutes > 0),
    prerequisites UUID[] NOT NULL DEFAULT '{}',
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE content_variants (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    content_id UUID NOT NULL,
    style_type VARCHAR(16) NOT NULL
        CHECK (style_type IN ('visual', 'auditory', 'reading', 'kinesthetic')),
    format VARCHAR(16) NOT NULL
        CHECK (format IN ('text', 'video', 'audio', 'interactive', 'diagram')),
    content_data TEXT NOT NULL,
    accessibility JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE media_content (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    variant_id UUID NOT NULL,
    media_type VARCHAR(16) NOT NULL
        CHECK (media_type IN ('video', 'audio', 'image', 'interactive')),
    url TEXT NOT NULL,
    duration_seconds INTEGER CHECK (duration_seconds >= 0),
    transcript TEXT,
    has_captions BOOLEAN NOT NULL DEFAULT false,
    file_size_bytes BIGINT CHECK (file_size_bytes >= 0),
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- 6. Assessment system
CREATE TABLE adaptive_assessments (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    content_id UUID NOT NULL,
    title VARCHAR(255) NOT NULL,
    assessment_type VARCHAR(16) NOT NULL
        CHECK (assessment_type IN ('diagnostic', 'formative', 'summative')),
    settings JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE adaptive_questions (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    assessment_id UUID NOT NULL,
    question_text TEXT NOT NULL,
    question_type VARCHAR(16) NOT NULL
        CHECK (question_type IN ('multiple_choice', 'true_false', 'short_answer')),
    difficulty SMALLINT NOT NULL CHECK (difficulty BETWEEN 1 AND 10),
    concepts TEXT[] NOT NULL DEFAULT '{}',
    points SMALLINT NOT NULL DEFAULT 1 CHECK (points > 0),
    explanation TEXT,
    metadata JSONB NOT NULL DEFAULT '{}'
);

CREATE TABLE question_options (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    question_id UUID NOT NULL,
    position SMALLINT NOT NULL CHECK (position > 0),
    option_text TEXT NOT NULL,
    is_correct BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE assessment_attempts (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL,
    assessment_id UUID NOT NULL,
    started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMP,
    score DECIMAL(5,2) CHECK (score BETWEEN 0 AND 100),
    passed BOOLEAN,
    time_spent_seconds INTEGER CHECK (time_spent_seconds >= 0),
    metadata JSONB NOT NULL DEFAULT '{}',
    CHECK (completed_at IS NULL OR completed_at >= started_at)
);

CREATE TABLE question_responses (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    attempt_id UUID NOT NULL,
    question_id UUID NOT NULL,
    selected_option_id UUID,
    response_text TEXT,
    is_correct BOOLEAN NOT NULL,
    time_spent_seconds INTEGER NOT NULL CHECK (time_spent_seconds >= 0),
    confidence_level SMALLINT CHECK (confidence_level BETWEEN 1 AND 5),
    responded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- 7. Analytics and insights
CREATE TABLE learning_analytics (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL,
    time_range_start TIMESTAMP NOT NULL,
    time_range_end TIMESTAMP NOT NULL,
    total_minutes INTEGER NOT NULL DEFAULT 0 CHECK (total_minutes >= 0),
    content_completed INTEGER NOT NULL DEFAULT 0 CHECK (content_completed >= 0),
    average_score DECIMAL(5,2) CHECK (average_score BETWEEN 0 AND 100),
    engagement_score DECIMAL(5,2) CHECK (engagement_score BETWEEN 0 AND 100),
    insights JSONB NOT NULL DEFAULT '{}',
    generated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (time_range_end > time_range_start)
);

CREATE TABLE style_effectiveness (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    analytics_id UUID NOT NULL,
    style_type VARCHAR(16) NOT NULL
        CHECK (style_type IN ('visual', 'auditory', 'reading', 'kinesthetic')),
    average_score DECIMAL(5,2) NOT NULL CHECK (average_score BETWEEN 0 AND 100),
    engagement_rate DECIMAL(5,2) NOT NULL CHECK (engagement_rate BETWEEN 0 AND 100),
    completion_rate DECIMAL(5,2) NOT NULL CHECK (completion_rate BETWEEN 0 AND 100),
    minutes_to_mastery INTEGER CHECK (minutes_to_mastery >= 0),
    sample_size INTEGER NOT NULL CHECK (sample_size >= 0)
);

CREATE TABLE content_engagement (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    analytics_id UUID NOT NULL,
    content_id UUID NOT NULL,
    views INTEGER NOT NULL DEFAULT 0 CHECK (views >= 0),
    completion_rate DECIMAL(5,2) NOT NULL CHECK (completion_rate BETWEEN 0 AND 100),
    average_seconds INTEGER NOT NULL CHECK (average_seconds >= 0),
    user_rating DECIMAL(3,2) CHECK (user_rating BETWEEN 1 AND 5),
    effectiveness_score DECIMAL(5,2) CHECK (effectiveness_score BETWEEN 0 AND 100)
);

CREATE TABLE performance_trends (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    analytics_id UUID NOT NULL,
    metric VARCHAR(16) NOT NULL
        CHECK (metric IN ('score', 'engagement', 'pace', 'retention', 'completion')),
    period VARCHAR(8) NOT NULL CHECK (period IN ('daily', 'weekly', 'monthly')),
    trend_direction VARCHAR(10) NOT NULL
        CHECK (trend_direction IN ('improving', 'declining', 'stable')),
    change_rate DECIMAL(6,2) NOT NULL,
    data_points JSONB NOT NULL DEFAULT '[]',
    computed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE recommendations (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL,
    type VARCHAR(16) NOT NULL
        CHECK (type IN ('content', 'pace', 'style', 'schedule', 'review')),
    title VARCHAR(255) NOT NULL,
    reasoning TEXT,
    confidence DECIMAL(4,3) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    priority SMALLINT NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
    is_active BOOLEAN NOT NULL DEFAULT true,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP
);

CREATE TABLE learning_predictions (
    id UUID NOT NULL DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL,
    prediction_type VARCHAR(16) NOT NULL
        CHECK (prediction_type IN ('performance', 'completion', 'engagement', 'dropout_risk', 'mastery')),
    predicted_value DECIMAL(8,3) NOT NULL,
    confidence DECIMAL(4,3) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    horizon_days INTEGER NOT NULL CHECK (horizon_days > 0),
    factors JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
