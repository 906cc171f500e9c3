//! doctor's check of pgpulse's own server time: one poll of every source, timed by the
//! poller's cost governor, and the interval each governed source would get under the
//! configured `[refresh] server_budget`; a slowed source comes with the fix that makes
//! its reads cheaper (or the budget larger).

use std::time::Duration;

use super::{Check, Status};
use crate::monitor::poller::{Poller, PollerConfig};
use crate::monitor::snapshot::governed::{GovernedRead, GovernedSource, ReadPlan};
use crate::pg::probe::Capabilities;
use crate::pg::session::MonitorSession;
use crate::text::format;

/// Reads every source once as the live view's first poll does, and judges the plan the
/// governor makes of the measured costs. `latency_index_missing`: the monitoring tables'
/// checks found no index on `query_performance_log (executed_at)`.
pub async fn budget_checks(
    session: MonitorSession,
    caps: Capabilities,
    config: PollerConfig,
    latency_index_missing: bool,
) -> Vec<Check> {
    let mut poller = Poller::new(session, caps, config);
    let _ = poller.poll_everything().await;
    judge(&poller.read_plan(), latency_index_missing)
}

fn ms(d: Duration) -> String {
    format::whole_millis(d)
}

fn every(d: Duration) -> String {
    format::duration(Duration::from_secs(d.as_secs()))
}

pub(super) fn judge(plan: &ReadPlan, latency_index_missing: bool) -> Vec<Check> {
    let budget = format!(
        "server budget {} per {}",
        ms(plan.budget),
        every(plan.window)
    );
    let slowed: Vec<(GovernedSource, GovernedRead)> = plan.slowed().collect();
    // The fast tier (sessions, database counters, replication) is never slowed: when it
    // alone costs more than the budget, no schedule of the others can keep to it.
    if plan.fixed_per_window > plan.budget {
        let essentials = Check::gap(
            Status::Warn,
            format!(
                "{budget}: the essentials (sessions, database counters, replication, every \
                 refresh) alone take {}; the other sources share a third of the budget",
                ms(plan.fixed_per_window)
            ),
            format!(
                "raise [refresh] server_budget (now \"{}ms\") or lengthen [refresh] fast",
                plan.budget.as_millis()
            ),
        );
        let mut checks = vec![essentials];
        checks.extend(slowed_checks(plan, &slowed, &budget, latency_index_missing));
        return checks;
    }
    if slowed.is_empty() {
        return vec![Check::ok(format!(
            "{budget}: the essentials take {}, every source keeps its interval",
            ms(plan.fixed_per_window)
        ))];
    }
    slowed_checks(plan, &slowed, &budget, latency_index_missing)
}

/// One WARN per slowed source: its cost, its interval and the fix.
fn slowed_checks(
    plan: &ReadPlan,
    slowed: &[(GovernedSource, GovernedRead)],
    budget: &str,
    latency_index_missing: bool,
) -> Vec<Check> {
    let raise = format!(
        "raise [refresh] server_budget (now \"{}ms\") in the config file",
        plan.budget.as_millis()
    );
    slowed
        .iter()
        .map(|&(source, read)| {
            let summary = format!(
                "{}: a read costs {}, read every {} instead of {} ({budget}, the essentials \
                 take {})",
                source.label(),
                read.cost.map_or_else(|| "?".into(), ms),
                every(read.interval),
                every(read.desired),
                ms(plan.fixed_per_window)
            );
            let fix = match source {
                GovernedSource::Latency if latency_index_missing => format!(
                    "CREATE INDEX CONCURRENTLY query_performance_log_executed_at_idx ON \
                     public.query_performance_log (executed_at);   -- or {raise}"
                ),
                GovernedSource::Latency => format!("shorten [refresh] latency_window, or {raise}"),
                GovernedSource::Statements => format!(
                    "ALTER SYSTEM SET pg_stat_statements.max = 1000;   -- fewer entries to \
                     read, then restart; or {raise}"
                ),
                _ => raise.clone(),
            };
            Check::gap(Status::Warn, summary, fix)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_with(source: GovernedSource, interval: u64, cost_ms: u64) -> ReadPlan {
        let mut plan = ReadPlan::new(Duration::from_millis(60), Duration::from_secs(30));
        plan.fixed_per_window = Duration::from_millis(27);
        for s in GovernedSource::ALL {
            plan.set(
                s,
                GovernedRead {
                    interval: Duration::from_secs(15),
                    desired: Duration::from_secs(15),
                    cost: Some(Duration::from_millis(1)),
                },
            );
        }
        plan.set(
            source,
            GovernedRead {
                interval: Duration::from_secs(interval),
                desired: Duration::from_secs(15),
                cost: Some(Duration::from_millis(cost_ms)),
            },
        );
        plan
    }

    #[test]
    fn essentials_over_the_budget_warn_even_when_nothing_is_slowed() {
        let mut plan = plan_with(GovernedSource::Latency, 15, 1);
        plan.fixed_per_window = Duration::from_millis(145);
        let checks = judge(&plan, false);
        assert_eq!(checks.len(), 1, "{checks:?}");
        assert_eq!(checks[0].status, Status::Warn);
        assert!(
            checks[0].summary.contains("alone take 145 ms"),
            "{checks:?}"
        );
    }

    #[test]
    fn within_the_budget_is_one_ok_line() {
        let checks = judge(&plan_with(GovernedSource::Latency, 15, 1), true);
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].status, Status::Ok);
        assert!(checks[0].summary.contains("60 ms per 30s"), "{checks:?}");
    }

    #[test]
    fn a_slowed_latency_read_gets_the_index_as_its_fix() {
        let checks = judge(&plan_with(GovernedSource::Latency, 150, 33), true);
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].status, Status::Warn);
        assert!(
            checks[0]
                .summary
                .starts_with("query_performance_log latency: a read costs 33 ms, read every 2m 30s instead of 15s"),
            "{}",
            checks[0].summary
        );
        let fix = checks[0].fix.clone().unwrap_or_default();
        assert!(fix.starts_with("CREATE INDEX CONCURRENTLY"), "{fix}");
        assert!(fix.contains("server_budget"), "{fix}");
    }

    #[test]
    fn a_slowed_statement_read_names_pg_stat_statements_max() {
        let checks = judge(&plan_with(GovernedSource::Statements, 60, 9), false);
        let fix = checks[0].fix.clone().unwrap_or_default();
        assert!(fix.contains("pg_stat_statements.max"), "{fix}");
    }
}
