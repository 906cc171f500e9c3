//! The app's one entry point, `App::update(Event) -> Vec<Effect>`, what a new poll
//! changes, and what a drawn frame tells the app.

use ratatui::layout::Rect;

use super::event::{Effect, Event};
use super::shell::App;
use super::{actions, detail, executor_events, input, mouse};
use crate::monitor::poller::PollerCommand;
use crate::monitor::snapshot::Snapshot;
use crate::tui::screens::drawn::Drawn;
use crate::tui::screens::frame::{self, FrameView};
use crate::tui::screens::sources::rows_of;
use crate::tui::screens::state::{TableId, tables_of};
use crate::tui::screens::table::TableOrder;

impl App {
    /// What happened, and what the event loop must do about it.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        // Input, new data and answers change the frame; a tick only when an age or a
        // clock on view shows another text; a mouse move or release changes nothing.
        match &event {
            Event::Tick(_) => {}
            Event::Mouse(mouse) if !mouse::changes_anything(mouse) => {}
            _ => self.redraw.mark(),
        }
        match event {
            Event::Key(key) => input::on_key(self, key),
            Event::Mouse(event) => mouse::on_mouse(self, event),
            Event::Snapshot(snapshot) => self.on_snapshot(*snapshot),
            Event::Tick(now) => {
                if !self.poll_coming(now) {
                    self.now = now;
                    self.check_clock();
                }
                vec![]
            }
            Event::Resize(width, height) => {
                self.size = (width, height);
                vec![]
            }
            Event::Terminate => vec![Effect::Quit],
            Event::Executor(event) => executor_events::on_event(self, event),
            Event::DetailFetched(fetched) => {
                let (request, answer) = *fetched;
                detail::on_fetched(self, request, answer);
                vec![]
            }
        }
    }

    /// Whether a poll will bring the time before the next tick does: polls at least as
    /// often as the clock ticks, the last one on time, not paused. Each poll moves the
    /// ages on screen then; a tick in between would only draw them a fraction of a second
    /// early, at the cost of a second frame per poll. Late polls (the STALE badge counts
    /// up), a lost connection, a pause or a slower refresh let the tick move the clock.
    fn poll_coming(&self, now: std::time::SystemTime) -> bool {
        let on_time = self.model.last_success().is_some_and(|at| {
            now.duration_since(at)
                .is_ok_and(|age| age < self.refresh * 2)
        });
        !self.paused && self.refresh <= super::TICK && on_time && self.model.last_error().is_none()
    }

    /// What the frame shows in `area`: the screen on view, and only the rows that fit.
    pub fn view(&self, area: Rect) -> FrameView {
        frame::view(self, area)
    }

    /// Table `id`'s columns and every row in display order, with their cells (what a
    /// check or a script reads; a frame draws only the rows that fit).
    pub fn table(
        &self,
        id: TableId,
    ) -> (
        Vec<crate::tui::screens::table::Column>,
        Vec<crate::tui::screens::table::Row>,
    ) {
        crate::tui::screens::sources::table(self, id)
    }

    /// What the last frame drew where: clicks and paging go by it, and each table keeps
    /// the first row it was drawn from (so the next frame scrolls as little as it must).
    pub fn drawn(&mut self, drawn: Drawn) {
        for table in &drawn.tables {
            self.screens.table_mut(table.id).offset = table.offset;
        }
        self.drawn = drawn;
    }

    fn on_snapshot(&mut self, snapshot: Snapshot) -> Vec<Effect> {
        // Marks name sessions by pid: compare the sessions before and after.
        let before = actions::session_starts(self);
        self.history.keep(&snapshot);
        let absorbed = self.model.absorb(snapshot);
        if let Some(error) = &absorbed.poll_error {
            self.messages.push(absorbed.taken_at, error, true);
        }
        self.now = self.now.max(absorbed.taken_at);
        // The rows changed: the screen on view is ordered again, the others when shown.
        self.screens.forget_orders();
        actions::forget_ended_marks(self, &before);
        actions::note_waits(self);
        self.order_tables();
        let mut effects = Vec::new();
        if absorbed.latency_missed {
            effects.push(Effect::Poller(PollerCommand::RereadLatency));
        }
        if absorbed.raised_critical && self.settings.config().bell {
            effects.push(Effect::Bell);
        }
        effects
    }

    /// Orders the tables of the screen on view (filter, sort, selection that follows
    /// its row) from the newest data and the user's state; other screens wait until
    /// they are shown.
    pub(super) fn order_tables(&mut self) {
        for &id in tables_of(self.screen) {
            self.order_table(id);
        }
    }

    /// Orders one table from the newest data and its state.
    pub(super) fn order_table(&mut self, id: TableId) {
        let mut state = self.screens.table(id).clone();
        let order = TableOrder::of(rows_of(self, id).as_ref(), &mut state);
        *self.screens.table_mut(id) = state;
        self.screens.set_order(id, order);
    }
}
