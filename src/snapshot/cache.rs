//! Placeholder: filled by the cache collector work.
