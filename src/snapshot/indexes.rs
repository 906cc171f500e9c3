//! Placeholder: filled by the indexes collector work.
