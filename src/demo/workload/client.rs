//! One pooled client of the application: its own connection, running its scenario's
//! operations by the seed's weights at its share of the rate, timing each one. With a
//! standby, a second connection there serves [`READS_TO_REPLICA`] of its reads (the
//! seed's read replicas); a standby that cancels a statement (a recovery conflict) or
//! drops the connection costs an error and a reconnect, and its reads meanwhile go to
//! the primary.

use std::time::{Duration, Instant, SystemTime};

use tokio::time::MissedTickBehavior;

use crate::pg::connect::{self, Connected};
use crate::pg::conninfo::ConnParams;

use super::context::{Context, READS_TO_REPLICA, Timing};
use super::ops::{Call, Ids, Prepared, Scenario};
use super::rng::Rng;
use super::{describe, session};

/// Why a connection's run ended.
enum Ended {
    Stopped,
    /// The key sample or the statements could not be set up (the demo data missing,
    /// say): waiting longer each time, since the same failure is likely again.
    SetupFailed,
    /// The connection broke while serving: reconnect after a short pause.
    Broken,
}

/// The pause before reconnecting after a broken connection; doubled after each failed
/// setup up to the cap, so a database without the demo data costs an error every 30 s.
const RETRY_PAUSE: Duration = Duration::from_secs(1);
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(30);

/// Runs until the workload stops. `period` is the time between this client's
/// operations; `None` keeps the connection open but idle (rate 0).
pub(super) async fn run(mut ctx: Context, scenario: Scenario, seed: u64, period: Option<Duration>) {
    let mut rng = Rng::seeded(seed);
    let name = scenario.application_name();
    // The user-activity clients reach the primary through PgBouncer when there is one.
    if scenario == Scenario::UserActivity
        && let Some(pooled) = ctx.pooled.clone()
    {
        ctx.params = pooled;
    }
    let mut pause = RETRY_PAUSE;
    loop {
        let Some(connected) = session::connect(&mut ctx, name).await else {
            return;
        };
        let ended = serve(&mut ctx, &connected, scenario, &mut rng, period).await;
        drop(connected);
        match ended {
            Ended::Stopped => return,
            Ended::SetupFailed => {}
            Ended::Broken => pause = RETRY_PAUSE,
        }
        if !session::pause(&mut ctx.stop, pause).await {
            return;
        }
        pause = (pause * 2).min(MAX_RETRY_PAUSE);
    }
}

async fn serve(
    ctx: &mut Context,
    connected: &Connected,
    scenario: Scenario,
    rng: &mut Rng,
    period: Option<Duration>,
) -> Ended {
    let client = &connected.client;
    let mut replica = ctx.replica.clone().map(Replica::new);
    let setup = async {
        let ids = Ids::load(client).await?;
        let prepared = Prepared::new(client, scenario)
            .await
            .map_err(|e| describe(&e))?;
        Ok::<_, String>((ids, prepared))
    };
    let (ids, prepared) = match session::unless_stopped(connected, &mut ctx.stop, setup).await {
        None => return Ended::Stopped,
        Some(Ok(ready)) => ready,
        Some(Err(error)) => {
            ctx.shared.error(scenario.application_name(), error);
            return Ended::SetupFailed;
        }
    };
    let Some(period) = period else {
        session::stopped(&mut ctx.stop).await;
        return Ended::Stopped;
    };
    // Start at a random point of the first period, so clients do not fire in lockstep;
    // a late tick is skipped rather than made up with a burst.
    let first = tokio::time::Instant::now() + period.mul_f64(rng.unit());
    let mut ticker = tokio::time::interval_at(first, period);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = session::stopped(&mut ctx.stop) => return Ended::Stopped,
        }
        let Some(operation) = rng.weighted(scenario.operations()) else {
            continue;
        };
        let call = Call::choose(operation, &ids, rng);
        let to_replica = operation.is_read() && rng.unit() < READS_TO_REPLICA;
        let standby = match replica.as_mut() {
            Some(replica) if to_replica => match replica.ready(ctx, scenario).await {
                None => return Ended::Stopped,
                Some(standby) => standby,
            },
            _ => None,
        };
        let on_standby = standby.is_some();
        let (on, statements) = match standby {
            Some(standby) => (&standby.connected, &standby.prepared),
            None => (connected, &prepared),
        };
        let at = SystemTime::now();
        let started = Instant::now();
        let outcome =
            session::unless_stopped(on, &mut ctx.stop, call.run(&on.client, statements)).await;
        match outcome {
            None => return Ended::Stopped,
            Some(Ok(outcome)) => ctx.shared.record(Timing {
                query_hash: operation.query_hash(),
                elapsed: started.elapsed(),
                rows_examined: outcome.rows_examined,
                rows_returned: Some(outcome.rows_returned),
                at,
            }),
            Some(Err(error)) if on_standby => {
                // A recovery conflict cancels the statement; a FATAL one ends the session.
                ctx.shared.error(
                    &format!("{} on the standby", operation.query_hash()),
                    describe(&error),
                );
                if on.client.is_closed()
                    && let Some(replica) = replica.as_mut()
                {
                    replica.broken();
                }
            }
            Some(Err(error)) => {
                ctx.shared.error(operation.query_hash(), describe(&error));
                if client.is_closed() {
                    return Ended::Broken;
                }
            }
        }
    }
}

/// The client's connection to the standby, opened when first needed and again after it
/// broke (not sooner than its pause).
struct Replica {
    params: std::sync::Arc<ConnParams>,
    open: Option<Standby>,
    retry_at: Instant,
    pause: Duration,
}

struct Standby {
    connected: Connected,
    prepared: Prepared,
}

impl Replica {
    fn new(params: std::sync::Arc<ConnParams>) -> Self {
        Self {
            params,
            open: None,
            retry_at: Instant::now(),
            pause: RETRY_PAUSE,
        }
    }

    /// The open standby connection, opening it if its pause is over; `Some(None)` sends
    /// the read to the primary; `None` once the workload stops.
    async fn ready(&mut self, ctx: &mut Context, scenario: Scenario) -> Option<Option<&Standby>> {
        if self.open.is_none() && Instant::now() >= self.retry_at {
            let opening = open_standby(&self.params, scenario);
            let opened = tokio::select! {
                opened = opening => opened,
                () = session::stopped(&mut ctx.stop) => return None,
            };
            match opened {
                Ok(standby) => {
                    self.open = Some(standby);
                    self.pause = RETRY_PAUSE;
                }
                Err(error) => {
                    ctx.shared.error(
                        &format!("{} on the standby", scenario.application_name()),
                        error,
                    );
                    self.retry_at = Instant::now() + self.pause;
                    self.pause = (self.pause * 2).min(MAX_RETRY_PAUSE);
                }
            }
        }
        Some(self.open.as_ref())
    }

    /// The connection broke: dropped, and opened again after a short pause.
    fn broken(&mut self) {
        self.open = None;
        self.retry_at = Instant::now() + RETRY_PAUSE;
    }
}

/// Connects to the standby under the scenario's name (so the Pool screen of a pgpulse on
/// the standby counts it) and prepares the scenario's reads there.
async fn open_standby(params: &ConnParams, scenario: Scenario) -> Result<Standby, String> {
    let mut settings = session::settings(scenario.application_name());
    settings.read_only = true;
    let connected = connect::connect(params, &settings, None)
        .await
        .map_err(|e| e.to_string())?;
    let prepared = Prepared::reads(&connected.client, scenario)
        .await
        .map_err(|e| describe(&e))?;
    Ok(Standby {
        connected,
        prepared,
    })
}
