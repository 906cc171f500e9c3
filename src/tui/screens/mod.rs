//! What each screen shows, as values: the user's state of every screen (selection, sort,
//! filter, scroll, toggles), and one view model per screen built from the model and that
//! state for the screen on view only, with only the rows that fit. The renderers in `ui`
//! draw these views and nothing else; they never see the app.
//!
//! From the bottom: `state` (what the user chose), `table`/`rows` (tables: sources, their
//! order, the window drawn), `empty` (why a panel is empty), then one file per screen
//! (`dashboard`, `activity`, `queries`, `cache`, `pool`, `indexes`, `maintenance_view`,
//! `replication_view`),
//! the header, the status line and the overlays, and `frame`, which puts one frame
//! together. `drawn` is what the renderer reports back.

pub mod activity;
pub mod cache;
pub mod cache_history;
pub mod capped;
pub mod cells;
pub mod dashboard;
pub mod detail;
pub mod dialog;
pub mod drawn;
pub mod empty;
pub mod frame;
pub mod gauge;
pub mod governed;
pub mod header;
pub mod help;
pub mod horizon;
pub mod indexes;
pub mod journal;
pub mod kpi;
pub mod locks;
pub mod maintenance;
pub mod maintenance_panels;
pub mod maintenance_view;
pub mod message_log;
pub mod offenders;
pub mod oncall_ids;
pub mod overlay;
pub mod plot;
pub mod pool;
pub mod pool_databases;
pub mod pool_summary;
pub mod queries;
pub mod recent_events;
pub mod replication_rows;
pub mod replication_summary;
pub mod replication_view;
pub mod rows;
pub mod sources;
pub mod state;
pub mod status;
pub mod table;
pub mod table_id;
pub mod tables;
pub mod wait_chart;
pub mod waits;
