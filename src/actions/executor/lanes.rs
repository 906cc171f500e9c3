//! The lanes: one task and one connection per [`Lane`], each running one plan at a time,
//! so a signal never queues behind maintenance. Plans carry an id, and a stop reaches
//! only the plan it names.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use super::connection::{Executor, ExecutorConfig, not_run};
use crate::actions::{Lane, Outcome, Plan, StepReport};

/// Names one confirmed plan, so a stop reaches that plan and never the next one.
pub type ActionId = u64;

/// What the executor's lanes tell the event loop, each about one confirmed plan.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecutorEvent {
    /// The plan starts on the connection whose server process is `backend_pid`.
    Started { id: ActionId, backend_pid: i32 },
    /// One step ended.
    Step {
        id: ActionId,
        report: Box<StepReport>,
    },
    /// The plan is over (every step reported).
    Done { id: ActionId },
}

/// Sends plans to their lane and stops a running one.
#[derive(Clone)]
pub struct ExecutorHandle {
    lanes: Vec<(Lane, LaneHandle)>,
}

#[derive(Clone)]
struct LaneHandle {
    plans: UnboundedSender<(ActionId, Plan)>,
    stop: UnboundedSender<()>,
    /// The plan the lane runs now. A stop is sent only while this is the plan it names,
    /// under the lock the lane takes to switch plans, so a stop confirmed after its plan
    /// ended never reaches the next one.
    current: Arc<Mutex<Option<ActionId>>>,
}

fn lock(current: &Mutex<Option<ActionId>>) -> MutexGuard<'_, Option<ActionId>> {
    current
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl ExecutorHandle {
    /// Queues `plan` in its lane.
    pub fn run(&self, id: ActionId, plan: Plan) {
        let lane = plan.kind.lane();
        if let Some((_, handle)) = self.lanes.iter().find(|(l, _)| *l == lane) {
            let _ = handle.plans.send((id, plan));
        }
    }

    /// Cancels plan `id`'s running statement (and skips its remaining steps); nothing
    /// when that plan is no longer running.
    pub fn stop(&self, id: ActionId) -> bool {
        for (_, handle) in &self.lanes {
            let current = lock(&handle.current);
            if *current == Some(id) {
                return handle.stop.send(()).is_ok();
            }
        }
        false
    }
}

/// The executor of the live view: none at all in read-only mode, so no action connection
/// is ever opened and no confirmed plan (there should be none) could run.
pub fn for_live_view(
    read_only: bool,
    config: ExecutorConfig,
) -> Option<(ExecutorHandle, UnboundedReceiver<ExecutorEvent>)> {
    (!read_only).then(|| spawn(config))
}

/// Starts one task per lane. Each connects on its first plan, not before.
pub fn spawn(config: ExecutorConfig) -> (ExecutorHandle, UnboundedReceiver<ExecutorEvent>) {
    let (events_tx, events) = mpsc::unbounded_channel();
    let lanes = Lane::ALL
        .into_iter()
        .map(|lane| (lane, spawn_lane(config.clone(), events_tx.clone())))
        .collect();
    (ExecutorHandle { lanes }, events)
}

fn spawn_lane(config: ExecutorConfig, events: UnboundedSender<ExecutorEvent>) -> LaneHandle {
    let (plans_tx, mut plans) = mpsc::unbounded_channel::<(ActionId, Plan)>();
    let (stop_tx, mut stop) = mpsc::unbounded_channel::<()>();
    let current = Arc::new(Mutex::new(None));
    let running = Arc::clone(&current);
    tokio::spawn(async move {
        let mut executor = Executor::new(config);
        while let Some((id, plan)) = plans.recv().await {
            {
                let mut current = lock(&running);
                *current = Some(id);
                // A stop pressed while nothing ran is not about this plan.
                while stop.try_recv().is_ok() {}
            }
            let reports = run_plan(&mut executor, id, &plan, &mut stop, &events).await;
            *lock(&running) = None;
            if reports.is_err() || events.send(ExecutorEvent::Done { id }).is_err() {
                return;
            }
        }
    });
    LaneHandle {
        plans: plans_tx,
        stop: stop_tx,
        current,
    }
}

/// Runs one plan in a lane, sending its events; `Err` when nobody listens any more.
async fn run_plan(
    executor: &mut Executor,
    id: ActionId,
    plan: &Plan,
    stop: &mut UnboundedReceiver<()>,
    events: &UnboundedSender<ExecutorEvent>,
) -> Result<(), ()> {
    let send = |event| events.send(event).map_err(|_| ());
    let connect_error = match executor.backend_pid().await {
        Ok(backend_pid) => {
            send(ExecutorEvent::Started { id, backend_pid })?;
            None
        }
        Err(message) => Some(message),
    };
    let mut stopped = false;
    for step in &plan.steps {
        let report = match &connect_error {
            Some(message) => executor.failed_step(plan.kind, step, message),
            None if stopped => not_run(plan.kind, step),
            None => executor.run_step(plan.kind, step, stop).await,
        };
        stopped |= report.outcome == Outcome::Cancelled;
        send(ExecutorEvent::Step {
            id,
            report: Box::new(report),
        })?;
    }
    Ok(())
}
