//! One pooled client of the application: its own connection, running its scenario's
//! operations by the seed's weights at its share of the rate, timing each one.

use std::time::{Duration, Instant, SystemTime};

use tokio::time::MissedTickBehavior;

use crate::pg::connect::Connected;

use super::context::{Context, Timing};
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
        let at = SystemTime::now();
        let started = Instant::now();
        let outcome =
            session::unless_stopped(connected, &mut ctx.stop, call.run(client, &prepared)).await;
        match outcome {
            None => return Ended::Stopped,
            Some(Ok(outcome)) => ctx.shared.record(Timing {
                query_hash: operation.query_hash(),
                elapsed: started.elapsed(),
                rows_examined: outcome.rows_examined,
                rows_returned: Some(outcome.rows_returned),
                at,
            }),
            Some(Err(error)) => {
                ctx.shared.error(operation.query_hash(), describe(&error));
                if client.is_closed() {
                    return Ended::Broken;
                }
            }
        }
    }
}
