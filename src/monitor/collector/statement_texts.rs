//! Query texts of `pg_stat_statements` entries, fetched once per new key.
//!
//! Reading texts makes the server read its whole query-text file (easily 100 MB), so the
//! counters are read without text on every poll and texts only for keys never seen
//! before, in one round trip, then kept here across polls and connections.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio_postgres::Row;

use crate::monitor::snapshot::StatementKey;
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitize_multiline;

/// Longest text kept per statement, in bytes (after sanitizing): enough to recognise and
/// copy a statement, bounded so thousands of ORM-generated queries stay cheap to hold.
pub(crate) const MAX_TEXT_BYTES: usize = 8 * 1024;

/// Query texts by statement key, shared with snapshots without copying.
#[derive(Debug, Clone, Default)]
pub struct StatementTextCache {
    texts: Arc<HashMap<StatementKey, Arc<str>>>,
    /// Keys whose text is one of pgpulse's own statements, judged once per new text.
    own: Arc<HashSet<StatementKey>>,
    /// Keys whose text came back NULL (the server could not read its text file). Not
    /// asked for again while they stay in `pg_stat_statements`: every ask reads the
    /// whole file, and asking on every poll is what this cache exists to avoid.
    without_text: HashSet<StatementKey>,
    fetches: u64,
}

impl StatementTextCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The texts, cheaply: the same `Arc` until a text is added or keys are pruned, so
    /// consumers can tell "nothing changed" with `Arc::ptr_eq`.
    pub fn texts(&self) -> Arc<HashMap<StatementKey, Arc<str>>> {
        Arc::clone(&self.texts)
    }

    /// Keys of pgpulse's own statements among the cached texts (shared like `texts`).
    pub fn own(&self) -> Arc<HashSet<StatementKey>> {
        Arc::clone(&self.own)
    }

    /// Number of cached texts.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether no text is cached.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// How many text queries have been sent (each reads the server's whole text file).
    pub fn fetch_count(&self) -> u64 {
        self.fetches
    }

    /// Fetches the texts of the `wanted` keys not cached yet with `sql` (one round trip,
    /// none when nothing is new), then prunes keys gone from `pg_stat_statements`
    /// (`live`). A failed fetch is logged and retried on the next poll: texts never fail
    /// the counters.
    pub(super) async fn refresh(
        &mut self,
        session: &mut MonitorSession,
        sql: &'static str,
        live: &[StatementKey],
        wanted: &[StatementKey],
    ) {
        let missing = self.missing(wanted);
        if !missing.is_empty() {
            let mut queryids: Vec<i64> = missing.iter().map(|key| key.queryid).collect();
            queryids.sort_unstable();
            queryids.dedup();
            self.fetches += 1;
            let read = session
                .query_map(sql, &[&queryids], |row| {
                    Ok::<_, std::convert::Infallible>(text_from_row(row))
                })
                .await;
            match read {
                Ok(Ok(fetched)) => {
                    self.store(fetched.into_iter().flatten().collect(), &missing);
                }
                Ok(Err(never)) => match never {},
                Err(error) => tracing::warn!(
                    "fetching {} statement texts failed, retrying on the next poll: {error}",
                    missing.len()
                ),
            }
        }
        self.prune(live);
    }

    /// Live keys with neither a text nor a known-missing text.
    fn missing(&self, live: &[StatementKey]) -> HashSet<StatementKey> {
        live.iter()
            .filter(|key| !self.texts.contains_key(key) && !self.without_text.contains(key))
            .copied()
            .collect()
    }

    /// Keeps the fetched texts of the keys that were asked for; a query id may match
    /// other, already cached keys (other roles or databases), which are left alone.
    fn store(
        &mut self,
        fetched: Vec<(StatementKey, Option<String>)>,
        wanted: &HashSet<StatementKey>,
    ) {
        let mut new_texts = Vec::new();
        for (key, text) in fetched {
            if !wanted.contains(&key) {
                continue;
            }
            match text {
                Some(text) => new_texts.push((key, Arc::<str>::from(text))),
                None => {
                    self.without_text.insert(key);
                }
            }
        }
        // Only touch the map when something is new: make_mut copies it while a
        // snapshot still shares it, and an unchanged Arc tells consumers "same texts".
        if !new_texts.is_empty() {
            let own: Vec<StatementKey> = new_texts
                .iter()
                .filter(|(_, text)| crate::pg::own_statements::is_own_statement(text))
                .map(|(key, _)| *key)
                .collect();
            if !own.is_empty() {
                Arc::make_mut(&mut self.own).extend(own);
            }
            Arc::make_mut(&mut self.texts).extend(new_texts);
        }
    }

    /// Drops texts of evicted statements, but only once they outnumber the live ones:
    /// pruning copies the map, and an evicted statement often comes back.
    fn prune(&mut self, live: &[StatementKey]) {
        let prune_texts = self.texts.len() > 2 * live.len();
        if !prune_texts && self.without_text.is_empty() {
            return; // the usual poll: no set of live keys to build
        }
        let live: HashSet<&StatementKey> = live.iter().collect();
        self.without_text.retain(|key| live.contains(key));
        if prune_texts {
            Arc::make_mut(&mut self.texts).retain(|key, _| live.contains(key));
            Arc::make_mut(&mut self.own).retain(|key| live.contains(key));
        }
    }
}

/// A key and its display text from a text row; a malformed row is logged and skipped.
fn text_from_row(row: &Row) -> Option<(StatementKey, Option<String>)> {
    let parsed = (|| -> Result<_, tokio_postgres::Error> {
        let key = StatementKey {
            userid: row.try_get("userid")?,
            dbid: row.try_get("dbid")?,
            queryid: row.try_get("queryid")?,
            toplevel: row.try_get("toplevel")?,
        };
        let text: Option<&str> = row.try_get("query")?;
        Ok((key, text.map(display_text)))
    })();
    match parsed {
        Ok(entry) => Some(entry),
        Err(error) => {
            tracing::warn!("skipping a statement text row: {error}");
            None
        }
    }
}

/// Sanitized text of at most [`MAX_TEXT_BYTES`], ending in `…` when cut. Line breaks and
/// tabs are kept (the detail view and copy need them; tables collapse them to spaces).
pub(crate) fn display_text(raw: &str) -> String {
    // Sanitizing never shortens text (a \r\n pair becomes one \n, which is harmless here) and works char by char, so sanitizing only the first
    // MAX_TEXT_BYTES of a huge text gives the same result for far less work.
    let cut = raw.floor_char_boundary(MAX_TEXT_BYTES);
    let clean = sanitize_multiline(&raw[..cut]);
    if cut == raw.len() && clean.len() <= MAX_TEXT_BYTES {
        return clean.into_owned();
    }
    let end = clean.floor_char_boundary(MAX_TEXT_BYTES - '…'.len_utf8());
    let mut text = String::with_capacity(end + '…'.len_utf8());
    text.push_str(&clean[..end]);
    text.push('…');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(queryid: i64) -> StatementKey {
        StatementKey {
            userid: 10,
            dbid: 5,
            queryid,
            toplevel: true,
        }
    }

    #[test]
    fn texts_are_sanitized_and_bounded() {
        // Line breaks survive, so a `--` comment cannot swallow the next line when copied.
        assert_eq!(
            display_text("SELECT $1 -- id\r\n\tFROM t"),
            "SELECT $1 -- id\n\tFROM t"
        );
        assert_eq!(display_text("x\u{1b}[2J"), "x\\x1b[2J");

        let long = "é".repeat(MAX_TEXT_BYTES); // 2 bytes each
        let text = display_text(&long);
        assert!(text.len() <= MAX_TEXT_BYTES, "{}", text.len());
        assert!(text.ends_with("é…"));

        // Escapes that push an exactly-sized text over the limit also cut it.
        let escapes = "\u{7}".repeat(MAX_TEXT_BYTES);
        let text = display_text(&escapes);
        assert!(text.len() <= MAX_TEXT_BYTES && text.ends_with('…'));
        assert!(!text.contains('\u{7}'));

        let exact = "a".repeat(MAX_TEXT_BYTES);
        assert_eq!(display_text(&exact), exact);
    }

    #[test]
    fn only_unknown_keys_are_asked_for_and_the_map_is_shared_until_it_changes() {
        let mut cache = StatementTextCache::new();
        let live = [key(1), key(2)];
        assert_eq!(cache.missing(&live).len(), 2);

        let wanted = cache.missing(&live);
        // The same query id under another key (another role) is not stored.
        let other_role = StatementKey {
            userid: 99,
            ..key(1)
        };
        cache.store(
            vec![
                (key(1), Some("SELECT 1".into())),
                (other_role, Some("SELECT other".into())),
                (key(2), None),
            ],
            &wanted,
        );
        assert_eq!(cache.len(), 1);
        assert!(
            cache.missing(&live).is_empty(),
            "a NULL text is not re-asked"
        );

        let before = cache.texts();
        cache.store(Vec::new(), &HashSet::new());
        cache.prune(&live);
        assert!(Arc::ptr_eq(&before, &cache.texts()));
    }

    #[test]
    fn evicted_keys_are_pruned_once_they_outnumber_live_ones() {
        let mut cache = StatementTextCache::new();
        let all: Vec<_> = (1..=5).map(key).collect();
        let wanted = cache.missing(&all);
        cache.store(
            all.iter()
                .map(|k| (*k, Some(format!("q{}", k.queryid))))
                .collect(),
            &wanted,
        );
        // 5 cached, 3 live: within 2x, kept (an evicted statement often returns).
        cache.prune(&all[..3]);
        assert_eq!(cache.len(), 5);
        // 5 cached, 2 live: over 2x, only live keys remain.
        cache.prune(&all[..2]);
        assert_eq!(cache.len(), 2);
        assert!(cache.texts().contains_key(&key(1)) && cache.texts().contains_key(&key(2)));
    }
}
