//! The seed's two load scenarios ("Performance Testing Framework › Load Testing
//! Scenarios") and their operations: weights, SQL, and valid random parameters.

use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Statement};

use super::context::body;
use super::rng::Rng;

/// One of the seed's load scenarios; each client runs one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scenario {
    UserActivity,
    ContentDelivery,
}

impl Scenario {
    /// The application_name of the scenario's connections (the pool).
    pub(super) fn application_name(self) -> &'static str {
        match self {
            Scenario::UserActivity => "pla-demo-user-activity",
            Scenario::ContentDelivery => "pla-demo-content-delivery",
        }
    }

    /// The scenario's operations with the seed's weights, in percent.
    pub(super) fn operations(self) -> &'static [(Operation, u32)] {
        match self {
            Scenario::UserActivity => &[
                (Operation::GetUserProfile, 30),
                (Operation::GetLearningSessions, 25),
                (Operation::GetRecommendations, 20),
                (Operation::InsertSessionData, 15),
                (Operation::UpdateProgress, 10),
            ],
            Scenario::ContentDelivery => &[
                (Operation::GetContentByDifficulty, 40),
                (Operation::GetContentVariants, 30),
                (Operation::SearchContent, 20),
                (Operation::GetAssessmentQuestions, 10),
            ],
        }
    }

    /// How `clients` connections split between the scenarios: in the proportion of the
    /// seed's `maxConcurrentUsers` (50 user activity, 30 content delivery), at least one
    /// each from two clients on. One client runs user activity only.
    pub(super) fn split(clients: usize) -> Vec<Scenario> {
        let user_activity = match clients {
            0 | 1 => clients,
            _ => ((clients * 50 + 40) / 80).clamp(1, clients - 1),
        };
        (0..clients)
            .map(|i| {
                if i < user_activity {
                    Scenario::UserActivity
                } else {
                    Scenario::ContentDelivery
                }
            })
            .collect()
    }
}

/// An operation of a scenario, named as the seed names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operation {
    GetUserProfile,
    GetLearningSessions,
    GetRecommendations,
    InsertSessionData,
    UpdateProgress,
    GetContentByDifficulty,
    GetContentVariants,
    SearchContent,
    GetAssessmentQuestions,
}

impl Operation {
    /// Whether it only reads, so a hot standby can serve it (the seed's read replicas).
    pub(super) fn is_read(self) -> bool {
        !matches!(
            self,
            Operation::InsertSessionData | Operation::UpdateProgress
        )
    }

    /// The `query_hash` its latency is logged under: a stable name a demo user can read.
    pub(super) fn query_hash(self) -> &'static str {
        match self {
            Operation::GetUserProfile => "get_user_profile",
            Operation::GetLearningSessions => "get_learning_sessions",
            Operation::GetRecommendations => "get_recommendations",
            Operation::InsertSessionData => "insert_session_data",
            Operation::UpdateProgress => "update_progress",
            Operation::GetContentByDifficulty => "get_content_by_difficulty",
            Operation::GetContentVariants => "get_content_variants",
            Operation::SearchContent => "search_content",
            Operation::GetAssessmentQuestions => "get_assessment_questions",
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Operation::GetUserProfile => {
                include_str!("../../../queries/demo/op_get_user_profile.sql")
            }
            Operation::GetLearningSessions => {
                include_str!("../../../queries/demo/op_get_learning_sessions.sql")
            }
            Operation::GetRecommendations => {
                include_str!("../../../queries/demo/op_get_recommendations.sql")
            }
            Operation::InsertSessionData => {
                include_str!("../../../queries/demo/op_insert_session_data.sql")
            }
            Operation::UpdateProgress => {
                include_str!("../../../queries/demo/op_update_progress.sql")
            }
            Operation::GetContentByDifficulty => {
                include_str!("../../../queries/demo/op_get_content_by_difficulty.sql")
            }
            Operation::GetContentVariants => {
                include_str!("../../../queries/demo/op_get_content_variants.sql")
            }
            Operation::SearchContent => include_str!("../../../queries/demo/op_search_content.sql"),
            Operation::GetAssessmentQuestions => {
                include_str!("../../../queries/demo/op_get_assessment_questions.sql")
            }
        }
    }
}

const IDS_SQL: &str = include_str!("../../../queries/demo/workload_ids.sql");

/// Words the content library is about (`queries/demo/02_data.sql`'s concepts), some of
/// them two-word, plus one that matches nothing, as real searches sometimes do.
const SEARCH_WORDS: &[&str] = &[
    "fractions",
    "algebra",
    "photosynthesis",
    "cell biology",
    "genetics",
    "thermodynamics",
    "french revolution",
    "essay writing",
    "recursion",
    "sorting algorithms",
    "databases",
    "machine learning",
    "cryptography",
    "music theory",
    "astronomy",
    "time management",
    "quantum knitting",
];

/// Each VARK style with the formats its content variants come in.
const STYLE_FORMATS: &[(&str, &[&str])] = &[
    ("visual", &["video", "diagram"]),
    ("auditory", &["audio"]),
    ("reading", &["text"]),
    ("kinesthetic", &["interactive"]),
];

const DEVICES: &[&str] = &["desktop", "mobile", "tablet"];

/// A sample of existing keys (as text: the driver here has no uuid type), read once per
/// connection so that no operation searches for a valid key.
pub(super) struct Ids {
    pub(super) users: Vec<String>,
    pub(super) content: Vec<String>,
    pub(super) assessments: Vec<String>,
}

impl Ids {
    /// Reads the sample; an error when the demo data is missing, since every operation
    /// would fail without it.
    pub(super) async fn load(client: &Client) -> Result<Ids, String> {
        let row = client
            .query_one(body(IDS_SQL), &[])
            .await
            .map_err(|e| super::describe(&e))?;
        let column = |name: &str| -> Result<Vec<String>, String> {
            row.try_get(name).map_err(|e| super::describe(&e))
        };
        let ids = Ids {
            users: column("users")?,
            content: column("content")?,
            assessments: column("assessments")?,
        };
        if ids.users.is_empty() || ids.content.is_empty() || ids.assessments.is_empty() {
            return Err("the demo tables are empty: load the demo data first".into());
        }
        Ok(ids)
    }

    fn user(&self, rng: &mut Rng) -> String {
        rng.pick(&self.users).cloned().unwrap_or_default()
    }

    pub(super) fn content(&self, rng: &mut Rng) -> String {
        rng.pick(&self.content).cloned().unwrap_or_default()
    }

    fn assessment(&self, rng: &mut Rng) -> String {
        rng.pick(&self.assessments).cloned().unwrap_or_default()
    }
}

/// A scenario's statements, prepared once per connection as an application's driver
/// would: one round trip per operation instead of parse-then-execute.
pub(super) struct Prepared(Vec<(Operation, Statement)>);

impl Prepared {
    pub(super) async fn new(
        client: &Client,
        scenario: Scenario,
    ) -> Result<Self, tokio_postgres::Error> {
        Self::of(client, scenario, false).await
    }

    /// The scenario's read operations only, for a connection to the standby.
    pub(super) async fn reads(
        client: &Client,
        scenario: Scenario,
    ) -> Result<Self, tokio_postgres::Error> {
        Self::of(client, scenario, true).await
    }

    async fn of(
        client: &Client,
        scenario: Scenario,
        reads_only: bool,
    ) -> Result<Self, tokio_postgres::Error> {
        let mut statements = Vec::new();
        for (operation, _) in scenario.operations() {
            if reads_only && !operation.is_read() {
                continue;
            }
            statements.push((*operation, client.prepare(body(operation.sql())).await?));
        }
        Ok(Self(statements))
    }

    fn statement(&self, operation: Operation) -> Option<&Statement> {
        self.0
            .iter()
            .find(|(prepared, _)| *prepared == operation)
            .map(|(_, statement)| statement)
    }
}

/// What one run of an operation gave back, for the latency log.
pub(super) struct Outcome {
    pub(super) rows_returned: i32,
    /// From the query's `examined` column, where it has one.
    pub(super) rows_examined: Option<i32>,
}

type Param = Box<dyn ToSql + Sync + Send>;

/// An operation with its parameters chosen.
pub(super) struct Call {
    pub(super) operation: Operation,
    params: Vec<Param>,
}

impl Call {
    /// Random but valid parameters for `operation`: keys from `ids`, values inside the
    /// tables' CHECK constraints.
    pub(super) fn choose(operation: Operation, ids: &Ids, rng: &mut Rng) -> Call {
        let params: Vec<Param> = match operation {
            Operation::GetUserProfile
            | Operation::GetLearningSessions
            | Operation::GetRecommendations => vec![Box::new(ids.user(rng))],
            Operation::InsertSessionData => {
                let questions = rng.between(5, 20);
                let correct = rng.between(questions / 3, questions);
                vec![
                    Box::new(ids.user(rng)),
                    Box::new(ids.content(rng)),
                    Box::new(rng.between(5, 60)),
                    Box::new(rng.between(0, 12)),
                    Box::new(correct),
                    Box::new(questions),
                    Box::new(rng.unit() < 0.8),
                    Box::new(20.0 + rng.unit() * 80.0),
                    Box::new(rng.pick(DEVICES).copied().unwrap_or("desktop")),
                ]
            }
            Operation::UpdateProgress => vec![
                Box::new(ids.user(rng)),
                Box::new(rng.unit() * 2.0 - 1.0),
                Box::new(rng.unit() * 4.0 - 2.0),
            ],
            Operation::GetContentByDifficulty => vec![Box::new(rng.between(1, 10))],
            Operation::GetContentVariants => {
                let (style, formats) = rng
                    .pick(STYLE_FORMATS)
                    .copied()
                    .unwrap_or(("reading", &["text"]));
                vec![
                    Box::new(ids.content(rng)),
                    Box::new(style),
                    Box::new(formats.to_vec()),
                ]
            }
            Operation::SearchContent => {
                vec![Box::new(
                    rng.pick(SEARCH_WORDS).copied().unwrap_or("fractions"),
                )]
            }
            Operation::GetAssessmentQuestions => {
                vec![Box::new(ids.assessment(rng)), Box::new(ids.user(rng))]
            }
        };
        Call { operation, params }
    }

    /// Runs the call with the connection's prepared statement.
    pub(super) async fn run(
        &self,
        client: &Client,
        prepared: &Prepared,
    ) -> Result<Outcome, tokio_postgres::Error> {
        let params: Vec<&(dyn ToSql + Sync)> = self
            .params
            .iter()
            .map(|param| param.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let rows = match prepared.statement(self.operation) {
            Some(statement) => client.query(statement, &params).await?,
            // Not prepared for this scenario: let the driver prepare it on the fly.
            None => client.query(body(self.operation.sql()), &params).await?,
        };
        let rows_examined = rows
            .first()
            .and_then(|row| row.try_get::<_, i64>("examined").ok())
            .map(saturate);
        Ok(Outcome {
            rows_returned: saturate(rows.len()),
            rows_examined,
        })
    }
}

/// A count as the log's INTEGER column holds it.
fn saturate<T: TryInto<i32>>(count: T) -> i32 {
    count.try_into().unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_the_seeds() {
        for scenario in [Scenario::UserActivity, Scenario::ContentDelivery] {
            let total: u32 = scenario.operations().iter().map(|(_, w)| w).sum();
            assert_eq!(total, 100, "{scenario:?}");
        }
        assert_eq!(
            Scenario::UserActivity.operations()[0],
            (Operation::GetUserProfile, 30)
        );
        assert_eq!(
            Scenario::ContentDelivery.operations()[0],
            (Operation::GetContentByDifficulty, 40)
        );
    }

    #[test]
    fn clients_split_five_to_three() {
        let count = |clients: usize| {
            let split = Scenario::split(clients);
            let users = split
                .iter()
                .filter(|s| **s == Scenario::UserActivity)
                .count();
            (users, split.len() - users)
        };
        let cases = [
            (0, (0, 0)),
            (1, (1, 0)),
            (2, (1, 1)),
            (3, (2, 1)),
            (8, (5, 3)),
            (10, (6, 4)),
            (50, (31, 19)),
        ];
        for (clients, expected) in cases {
            assert_eq!(count(clients), expected, "{clients} clients");
        }
    }

    #[test]
    fn every_operation_has_sql_with_a_header_and_a_readable_hash() {
        for scenario in [Scenario::UserActivity, Scenario::ContentDelivery] {
            for (operation, _) in scenario.operations() {
                assert!(operation.sql().starts_with("-- "), "{operation:?}");
                let hash = operation.query_hash();
                assert!(
                    hash.len() <= 64 && hash.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                );
            }
        }
        assert!(IDS_SQL.starts_with("-- "));
    }

    /// The highest `$n` a statement uses.
    fn placeholders(sql: &str) -> usize {
        let bytes = sql.as_bytes();
        (1..=20)
            .filter(|n| {
                let needle = format!("${n}");
                sql.match_indices(&needle)
                    .any(|(at, _)| !bytes.get(at + needle.len()).is_some_and(u8::is_ascii_digit))
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn every_call_binds_as_many_parameters_as_its_statement_uses() {
        let ids = Ids {
            users: vec!["u".into()],
            content: vec!["c".into()],
            assessments: vec!["a".into()],
        };
        let mut rng = Rng::seeded(3);
        for scenario in [Scenario::UserActivity, Scenario::ContentDelivery] {
            for (operation, _) in scenario.operations() {
                let call = Call::choose(*operation, &ids, &mut rng);
                assert_eq!(
                    call.params.len(),
                    placeholders(operation.sql()),
                    "{operation:?}"
                );
            }
        }
    }
}
