//! The blocking tree of the Activity screen: who blocks whom, root blockers first.
//!
//! Built from `pg_blocking_pids()` of every session. Each waiter hangs under one blocker
//! only (its lowest-pid one) so the tree stays a tree; `blocks_total` still counts every
//! path. Lock graphs can be cyclic for a moment (a deadlock before the detector runs), so
//! every walk visits a pid once.
//!
//! A lock queue makes the graph dense (each waiter is also blocked by every conflicting
//! waiter ahead of it), and that is exactly when the screen matters, so transitive counts
//! use strongly connected components and bitsets rather than one search per session.

use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;

use crate::monitor::snapshot::Session;

/// One line of the blocking tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockingRow {
    /// The session's backend pid.
    pub pid: i32,
    /// 0 for a root blocker, 1 for its direct waiters, and so on (the indentation).
    pub depth: usize,
    /// Sessions waiting on this one, directly or transitively.
    pub blocks_total: usize,
    /// Whether this is a root blocker (`depth == 0`).
    pub is_root: bool,
}

/// The blocking tree, in display order: roots (most sessions blocked first, then the
/// longest transaction, then the lowest pid), each followed by its waiters depth-first
/// in the same order.
///
/// Roots are sessions that block others and are not blocked themselves, or only by pids
/// absent from `sessions`. In a cycle without such a session, its lowest pid is the
/// root. Sessions that neither block nor wait for a listed session are not in the tree.
pub fn blocking_tree(sessions: &[Session]) -> Vec<BlockingRow> {
    let graph = LockGraph::new(sessions);
    let blocks_total = graph.blocks_totals();
    let order = |&a: &usize, &b: &usize| -> Ordering {
        let key = |i: usize| {
            (
                Reverse(blocks_total[i]),
                Reverse(sessions[i].xact_age),
                sessions[i].pid,
            )
        };
        key(a).cmp(&key(b))
    };
    let mut roots: Vec<usize> = (0..sessions.len())
        .filter(|&i| graph.parent[i].is_none() && !graph.waiters[i].is_empty())
        .collect();
    roots.extend(graph.cycle_roots(&roots, sessions));
    roots.sort_by(order);

    let mut rows = Vec::new();
    let mut visited = vec![false; sessions.len()];
    for root in roots {
        // Depth-first with an explicit stack: a chain of thousands must not overflow.
        let mut stack = vec![(root, 0)];
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut visited[i], true) {
                continue;
            }
            rows.push(BlockingRow {
                pid: sessions[i].pid,
                depth,
                blocks_total: blocks_total[i],
                is_root: depth == 0,
            });
            let mut children = graph.children[i].clone();
            children.sort_by(order);
            // Reversed so that the first child is popped first.
            stack.extend(children.into_iter().rev().map(|child| (child, depth + 1)));
        }
    }
    rows
}

/// The session holding back the xmin horizon the most (largest `age(backend_xmin)`):
/// what keeps VACUUM from removing dead tuples. Ties go to the lowest pid.
pub fn oldest_xmin_holder(sessions: &[Session]) -> Option<&Session> {
    sessions
        .iter()
        .filter_map(|s| s.xmin_age.map(|age| (age, s)))
        .max_by(|(a, sa), (b, sb)| a.cmp(b).then(sb.pid.cmp(&sa.pid)))
        .map(|(_, s)| s)
}

/// Who waits for whom, by index into the session list.
struct LockGraph {
    /// Every listed session waiting on `i` directly.
    waiters: Vec<Vec<usize>>,
    /// The blocker `i` hangs under in the tree: its lowest-pid listed blocker.
    parent: Vec<Option<usize>>,
    /// The sessions hanging under `i` in the tree.
    children: Vec<Vec<usize>>,
}

impl LockGraph {
    fn new(sessions: &[Session]) -> Self {
        let mut index: HashMap<i32, usize> = HashMap::with_capacity(sessions.len());
        for (i, s) in sessions.iter().enumerate() {
            index.entry(s.pid).or_insert(i);
        }
        let n = sessions.len();
        let mut graph = Self {
            waiters: vec![Vec::new(); n],
            parent: vec![None; n],
            children: vec![Vec::new(); n],
        };
        for (i, s) in sessions.iter().enumerate() {
            // A pid blocking itself says nothing; blockers absent from the list cannot
            // be drawn (hidden by privileges, or already gone).
            let mut blockers: Vec<i32> = s
                .blocked_by
                .iter()
                .copied()
                .filter(|&pid| pid != s.pid)
                .collect();
            blockers.sort_unstable();
            blockers.dedup();
            let blockers: Vec<usize> = blockers
                .iter()
                .filter_map(|pid| index.get(pid).copied())
                .collect();
            for &b in &blockers {
                graph.waiters[b].push(i);
            }
            if let Some(&first) = blockers.first() {
                graph.parent[i] = Some(first);
                graph.children[first].push(i);
            }
        }
        graph
    }

    /// For every session, how many others wait on it directly or transitively.
    fn blocks_totals(&self) -> Vec<usize> {
        let n = self.waiters.len();
        let components = strongly_connected(&self.waiters);
        let mut component_of = vec![0; n];
        for (c, members) in components.iter().enumerate() {
            for &v in members {
                component_of[v] = c;
            }
        }
        // Tarjan emits a component after every component it reaches, so one pass in
        // emission order sees each waiter's reach complete before it is needed. Only
        // blockers get a set: most sessions block nobody.
        let mut reach: Vec<Option<Bits>> = Vec::with_capacity(components.len());
        for (c, members) in components.iter().enumerate() {
            let mut bits: Option<Bits> = None;
            for &v in members {
                for &w in &self.waiters[v] {
                    let bits = bits.get_or_insert_with(|| Bits::new(n));
                    bits.set(w);
                    // Within the component, everyone reaches everyone: the bits suffice.
                    let theirs = component_of[w];
                    if theirs != c
                        && let Some(further) = &reach[theirs]
                    {
                        bits.union_with(further);
                    }
                }
            }
            reach.push(bits);
        }
        (0..n)
            .map(|v| match &reach[component_of[v]] {
                Some(bits) => bits.count() - usize::from(bits.contains(v)),
                None => 0,
            })
            .collect()
    }

    /// One root per cycle of tree parents that no root reaches: the cycle's lowest pid.
    fn cycle_roots(&self, roots: &[usize], sessions: &[Session]) -> Vec<usize> {
        let n = self.parent.len();
        let mut done = vec![false; n];
        for &root in roots {
            self.mark_subtree(root, &mut done);
        }
        let mut cycle_roots = Vec::new();
        for start in 0..n {
            if done[start] || self.parent[start].is_none() {
                continue;
            }
            // Every parent chain not ending at a root ends in a cycle: follow it until a
            // session repeats, which is on the cycle.
            let mut on_path = vec![false; n];
            let mut at = start;
            while !std::mem::replace(&mut on_path[at], true) {
                match self.parent[at] {
                    Some(next) => at = next,
                    None => break,
                }
            }
            let mut lowest = at;
            let mut member = self.parent[at];
            while let Some(m) = member.filter(|&m| m != at) {
                if sessions[m].pid < sessions[lowest].pid {
                    lowest = m;
                }
                member = self.parent[m];
            }
            self.mark_subtree(lowest, &mut done);
            cycle_roots.push(lowest);
        }
        cycle_roots
    }

    fn mark_subtree(&self, root: usize, done: &mut [bool]) {
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            if !std::mem::replace(&mut done[i], true) {
                stack.extend(&self.children[i]);
            }
        }
    }
}

/// Strongly connected components of `edges` (Tarjan's algorithm, iterative so deep
/// chains cannot overflow the stack), each emitted after all components it reaches.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low, mut on_stack) = (vec![UNSEEN; n], vec![0; n], vec![false; n]);
    let (mut next_index, mut stack, mut components) = (0, Vec::new(), Vec::new());
    for start in 0..n {
        if index[start] != UNSEEN {
            continue;
        }
        let mut calls = vec![(start, 0)];
        (index[start], low[start]) = (next_index, next_index);
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&(v, edge)) = calls.last() {
            if let Some(&w) = edges[v].get(edge) {
                if let Some(call) = calls.last_mut() {
                    call.1 += 1;
                }
                if index[w] == UNSEEN {
                    (index[w], low[w]) = (next_index, next_index);
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(caller, _)) = calls.last() {
                low[caller] = low[caller].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// A fixed-size set of session indices.
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Self {
        Self(vec![0; len.div_ceil(64)])
    }

    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    fn union_with(&mut self, other: &Self) {
        for (word, other) in self.0.iter_mut().zip(&other.0) {
            *word |= other;
        }
    }

    fn count(&self) -> usize {
        self.0.iter().map(|word| word.count_ones() as usize).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::*;

    /// `(pid, depth, blocks_total)` per row, root flags checked on the way.
    fn tree(sessions: &[Session]) -> Vec<(i32, usize, usize)> {
        blocking_tree(sessions)
            .into_iter()
            .inspect(|row| assert_eq!(row.is_root, row.depth == 0))
            .map(|row| (row.pid, row.depth, row.blocks_total))
            .collect()
    }

    #[test]
    fn a_three_level_chain_is_indented_under_its_root() {
        let mut sessions = blocking_chain(3);
        sessions.push(session(7));
        assert_eq!(
            tree(&sessions),
            [(100, 0, 3), (101, 1, 2), (102, 2, 1), (103, 3, 0)]
        );
    }

    #[test]
    fn no_blocking_means_an_empty_tree() {
        assert!(blocking_tree(&[session(1), session(2)]).is_empty());
        assert!(blocking_tree(&[]).is_empty());
    }

    #[test]
    fn roots_blocking_more_sessions_come_first() {
        let sessions = [
            session(10).xact_age(500),
            session(11).blocked_by(&[10]),
            session(20).xact_age(5),
            session(21).blocked_by(&[20]),
            session(22).blocked_by(&[20]),
        ];
        assert_eq!(
            tree(&sessions),
            [(20, 0, 2), (21, 1, 0), (22, 1, 0), (10, 0, 1), (11, 1, 0)]
        );
    }

    #[test]
    fn equal_roots_are_ordered_by_the_longest_transaction() {
        let sessions = [
            session(10).xact_age(5),
            session(11).blocked_by(&[10]),
            session(20).xact_age(500),
            session(21).blocked_by(&[20]),
            session(30),
            session(31).blocked_by(&[30]),
        ];
        let roots: Vec<i32> = blocking_tree(&sessions)
            .iter()
            .filter(|r| r.is_root)
            .map(|r| r.pid)
            .collect();
        // No transaction age (hidden, or none open) sorts after any known age.
        assert_eq!(roots, [20, 10, 30]);
    }

    #[test]
    fn a_waiter_of_several_blockers_appears_once_under_the_lowest_pid() {
        let sessions = [
            session(40).xact_age(900),
            session(30).xact_age(1),
            session(50).blocked_by(&[40, 30, 40]),
        ];
        // 40 is listed first (older transaction) but 50 hangs under 30 only.
        assert_eq!(tree(&sessions), [(40, 0, 1), (30, 0, 1), (50, 1, 0)]);
    }

    #[test]
    fn transitive_counts_follow_every_path() {
        // 1 blocks 2 and 3; 3 also waits for 2 (a lock queue); 4 waits for 3.
        let sessions = [
            session(1),
            session(2).blocked_by(&[1]),
            session(3).blocked_by(&[1, 2]),
            session(4).blocked_by(&[3]),
        ];
        assert_eq!(
            tree(&sessions),
            [(1, 0, 3), (2, 1, 2), (3, 1, 1), (4, 2, 0)]
        );
    }

    #[test]
    fn a_cycle_without_a_root_is_rooted_at_its_lowest_pid_and_never_loops() {
        // 30 -> 10 -> 20 -> 30 (each waits for the next); 40 waits for 20.
        let sessions = [
            session(30).blocked_by(&[10]),
            session(20).blocked_by(&[30]),
            session(10).blocked_by(&[20]),
            session(40).blocked_by(&[20]),
        ];
        assert_eq!(
            tree(&sessions),
            [(10, 0, 3), (30, 1, 3), (20, 2, 3), (40, 3, 0)]
        );
    }

    #[test]
    fn a_blocker_waiting_on_an_unlisted_pid_is_a_root() {
        let sessions = [session(5).blocked_by(&[999]), session(6).blocked_by(&[5])];
        assert_eq!(tree(&sessions), [(5, 0, 1), (6, 1, 0)]);
    }

    #[test]
    fn a_session_listed_as_its_own_blocker_is_ignored() {
        assert!(blocking_tree(&[session(5).blocked_by(&[5])]).is_empty());
    }

    #[test]
    fn a_deep_chain_does_not_overflow_the_stack() {
        let rows = blocking_tree(&blocking_chain(5_000));
        assert_eq!(rows.len(), 5_001);
        assert_eq!((rows[0].blocks_total, rows[5_000].depth), (5_000, 5_000));
    }

    #[test]
    fn a_lock_queue_counts_everyone_behind_each_waiter() {
        // Each waiter is blocked by the holder and by every waiter ahead of it.
        let mut sessions = vec![session(1).xact_age(60)];
        for pid in 2..=300 {
            let ahead: Vec<i32> = (1..pid).collect();
            sessions.push(session(pid).blocked_by(&ahead));
        }
        let rows = blocking_tree(&sessions);
        assert_eq!(rows.len(), 300);
        assert_eq!((rows[0].pid, rows[0].blocks_total), (1, 299));
        assert!(rows.iter().skip(1).all(|row| row.depth == 1));
        assert_eq!(
            rows[1],
            BlockingRow {
                pid: 2,
                depth: 1,
                blocks_total: 298,
                is_root: false
            }
        );
    }

    #[test]
    fn the_oldest_xmin_holder_has_the_largest_xmin_age() {
        let sessions = [
            session(1).xmin_age(10),
            session(2),
            session(3).xmin_age(5_000),
            session(4).xmin_age(5_000),
        ];
        assert_eq!(oldest_xmin_holder(&sessions).map(|s| s.pid), Some(3));
        assert!(oldest_xmin_holder(&[session(1)]).is_none());
    }
}
