//! Placeholder: filled by the maintenance collector work.
