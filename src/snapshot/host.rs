//! Placeholder: filled by the host collector work.
