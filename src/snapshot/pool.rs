//! Placeholder: filled by the pool collector work.
