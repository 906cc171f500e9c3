//! Values stored once and named by a small number, so an hour of samples holds numbers,
//! not thousands of copies of the same statement text. Compacted when values no sample
//! names any more outnumber the live ones (statement texts without a query id would
//! otherwise grow it for as long as pgpulse runs).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// Values by number and numbers by value.
#[derive(Debug, Clone)]
pub(super) struct Interner<T> {
    ids: HashMap<T, u32>,
    values: Vec<T>,
}

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Self {
            ids: HashMap::new(),
            values: Vec::new(),
        }
    }
}

impl<T: Clone + Eq + Hash> Interner<T> {
    /// The number of `value`, adding it when new.
    pub(super) fn id(&mut self, value: &T) -> u32 {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        // More than 4 billion distinct values cannot fit in memory anyway.
        let id = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        self.values.push(value.clone());
        self.ids.insert(value.clone(), id);
        id
    }

    pub(super) fn get(&self, id: u32) -> Option<&T> {
        self.values.get(id as usize)
    }

    pub(super) fn len(&self) -> usize {
        self.values.len()
    }

    /// Keeps only the values `used` marks, renumbered in their order; returns each old
    /// number's new one (`None` for a dropped value).
    pub(super) fn retain(&mut self, used: &[bool]) -> Vec<Option<u32>> {
        let mut remap = Vec::with_capacity(self.values.len());
        let mut kept = Vec::new();
        for (id, value) in std::mem::take(&mut self.values).into_iter().enumerate() {
            if used.get(id).copied().unwrap_or(false) {
                remap.push(u32::try_from(kept.len()).ok());
                kept.push(value);
            } else {
                remap.push(None);
            }
        }
        self.ids = kept
            .iter()
            .enumerate()
            .filter_map(|(id, value)| Some((value.clone(), u32::try_from(id).ok()?)))
            .collect();
        self.values = kept;
        remap
    }
}

impl Interner<Arc<str>> {
    /// The number of `text`, allocating only when it is new (the common case is a name
    /// seen every poll).
    pub(super) fn id_of_str(&mut self, text: &str) -> u32 {
        match self.ids.get(text) {
            Some(&id) => id,
            None => self.id(&Arc::from(text)),
        }
    }
}
