//! Per-panel render snapshots: each panel drawn from a view model built by hand.
