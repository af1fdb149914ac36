//! The simulated etcd + watch cache: one global, monotonically increasing
//! resourceVersion, objects keyed like etcd keys (`<resource>/<ns>/<name>`),
//! and an event history that watches and consistent-snapshot lists replay.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::broadcast;

use super::resources::ResourceDef;

pub type Obj = Arc<Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

#[derive(Debug)]
pub struct Event {
    pub rv: u64,
    pub kind: EventType,
    pub def: &'static ResourceDef,
    pub namespace: String,
    pub name: String,
    pub object: Obj,
    /// The object before this event (for MODIFIED/DELETED): lets watches with
    /// selectors turn "left the selector" into DELETED and snapshots rewind.
    pub prev: Option<Obj>,
}

/// (namespace, name); cluster-scoped objects use an empty namespace.
pub type Key = (String, String);

pub struct Inner {
    rv: u64,
    objects: HashMap<&'static str, BTreeMap<Key, Obj>>,
    history: VecDeque<Arc<Event>>,
    /// Events at or below this RV are gone from history ("compacted").
    compacted: u64,
    max_history: usize,
}

pub struct Store {
    inner: Mutex<Inner>,
    tx: broadcast::Sender<Arc<Event>>,
}

/// Two served versions of one resource (autoscaling/v1 and v2 HorizontalPodAutoscalers)
/// share one stored collection and one event history, as they share etcd's keys.
pub fn same_resource(a: &ResourceDef, b: &ResourceDef) -> bool {
    std::ptr::eq(a, b) || (a.group == b.group && rk(a) == rk(b))
}

fn rk(def: &ResourceDef) -> &'static str {
    // plurals are unique among served resources
    def.plural
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

impl Store {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(65536);
        Store {
            inner: Mutex::new(Inner {
                rv: 1,
                objects: HashMap::new(),
                history: VecDeque::new(),
                compacted: 1,
                max_history: 500_000,
            }),
            tx,
        }
    }

    pub fn lock(&self) -> Txn<'_> {
        Txn {
            g: self.inner.lock().unwrap_or_else(|e| e.into_inner()),
            tx: &self.tx,
        }
    }

    /// Subscribe to live events; call with the lock held (via [`Txn::subscribe`]) to avoid gaps.
    pub fn current_rv(&self) -> u64 {
        self.lock().rv()
    }
}

/// A locked view of the store; every mutation made through it is recorded and broadcast.
pub struct Txn<'a> {
    g: MutexGuard<'a, Inner>,
    tx: &'a broadcast::Sender<Arc<Event>>,
}

impl Txn<'_> {
    pub fn rv(&self) -> u64 {
        self.g.rv
    }

    pub fn compacted_rv(&self) -> u64 {
        self.g.compacted
    }

    pub fn get(&self, def: &ResourceDef, ns: &str, name: &str) -> Option<Obj> {
        self.g
            .objects
            .get(rk(def))
            .and_then(|m| m.get(&(ns.to_string(), name.to_string())))
            .cloned()
    }

    /// Objects in key order; `ns == None` means all namespaces.
    pub fn list(&self, def: &ResourceDef, ns: Option<&str>) -> Vec<(Key, Obj)> {
        let Some(m) = self.g.objects.get(rk(def)) else {
            return vec![];
        };
        match ns {
            None => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Some(ns) => m
                .range((ns.to_string(), String::new())..)
                .take_while(|(k, _)| k.0 == ns)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// The objects of `def` after `after` in key order, as they are now (`rv` None) or were at
    /// `rv`, lazily: a page of a list costs what it returns, not a copy of the whole collection
    /// (as the apiserver's watch cache serves pages). None if `rv` was compacted.
    pub fn scan<'s>(
        &'s self,
        def: &ResourceDef,
        ns: Option<&'s str>,
        rv: Option<u64>,
        after: Option<Key>,
    ) -> Option<Box<dyn Iterator<Item = (Key, Obj)> + 's>> {
        // what changed since `rv`, rewound: key → the object then (None: it did not exist)
        let mut then: BTreeMap<Key, Option<Obj>> = BTreeMap::new();
        if let Some(rv) = rv {
            if rv < self.g.compacted {
                return None;
            }
            for ev in self.g.history.iter().rev() {
                if ev.rv <= rv {
                    break;
                }
                if !same_resource(ev.def, def) || ns.is_some_and(|n| n != ev.namespace) {
                    continue;
                }
                // newest first: the oldest event's `prev` is the state at `rv`
                then.insert((ev.namespace.clone(), ev.name.clone()), ev.prev.clone());
            }
        }
        let start = match (&after, ns) {
            (Some(k), _) => std::ops::Bound::Excluded(k.clone()),
            (None, Some(n)) => std::ops::Bound::Included((n.to_string(), String::new())),
            (None, None) => std::ops::Bound::Unbounded,
        };
        let in_scope = move |k: &Key| ns.is_none_or(|n| k.0 == n);
        let after_start = {
            let after = after.clone();
            move |k: &Key| after.as_ref().is_none_or(|a| k > a)
        };
        let now: Box<dyn Iterator<Item = (&Key, &Obj)>> = match self.g.objects.get(rk(def)) {
            Some(m) => Box::new(
                // the range starts inside the namespace (or after a key in it): stop at its end
                m.range((start, std::ops::Bound::Unbounded))
                    .take_while(move |(k, _)| in_scope(k)),
            ),
            None => Box::new(std::iter::empty()),
        };
        let changed: Vec<(Key, Obj)> = then
            .iter()
            .filter(|(k, _)| in_scope(k) && after_start(k))
            .filter_map(|(k, o)| Some((k.clone(), o.clone()?)))
            .collect();
        let now = now
            .filter(move |(k, _)| !then.contains_key(*k))
            .map(|(k, o)| (k.clone(), o.clone()));
        Some(Box::new(merge_sorted(now, changed.into_iter())))
    }

    /// The objects of `def` as they were at `rv` (rewinding history), or None if compacted:
    /// the whole collection, the plain way (the oracle `scan` is tested against).
    #[cfg(test)]
    pub fn list_at(&self, def: &ResourceDef, ns: Option<&str>, rv: u64) -> Option<Vec<(Key, Obj)>> {
        if rv < self.g.compacted {
            return None;
        }
        let mut m: BTreeMap<Key, Obj> = self.list(def, ns).into_iter().collect();
        for ev in self.g.history.iter().rev() {
            if ev.rv <= rv {
                break;
            }
            if !same_resource(ev.def, def) || ns.is_some_and(|n| n != ev.namespace) {
                continue;
            }
            let key = (ev.namespace.clone(), ev.name.clone());
            match &ev.prev {
                Some(p) => {
                    m.insert(key, p.clone());
                }
                None => {
                    m.remove(&key);
                }
            }
        }
        Some(m.into_iter().collect())
    }

    /// Events for `def` after `rv`, or None when `rv` is older than the retained history.
    pub fn events_since(&self, def: &ResourceDef, rv: u64) -> Option<Vec<Arc<Event>>> {
        if rv < self.g.compacted {
            return None;
        }
        let start = self.g.history.partition_point(|e| e.rv <= rv);
        Some(
            self.g
                .history
                .range(start..)
                .filter(|e| same_resource(e.def, def))
                .cloned()
                .collect(),
        )
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.tx.subscribe()
    }

    fn next_rv(&mut self) -> u64 {
        self.g.rv += 1;
        self.g.rv
    }

    fn record(&mut self, ev: Event) {
        let ev = Arc::new(ev);
        self.g.history.push_back(ev.clone());
        if self.g.history.len() > self.g.max_history {
            if let Some(old) = self.g.history.pop_front() {
                self.g.compacted = old.rv;
            }
        }
        let _ = self.tx.send(ev);
    }

    /// Stores `obj` (with metadata.resourceVersion set to the new RV) and returns it.
    pub fn put(&mut self, def: &'static ResourceDef, mut obj: Value) -> Obj {
        let rv = self.next_rv();
        obj["metadata"]["resourceVersion"] = Value::String(rv.to_string());
        let ns = obj["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
        let obj = Arc::new(obj);
        let prev = self
            .g
            .objects
            .entry(rk(def))
            .or_default()
            .insert((ns.clone(), name.clone()), obj.clone());
        let kind = if prev.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.record(Event {
            rv,
            kind,
            def,
            namespace: ns,
            name,
            object: obj.clone(),
            prev,
        });
        obj
    }

    /// Removes the object; the DELETED event carries it at the deletion's RV (as etcd3 does).
    pub fn remove(&mut self, def: &'static ResourceDef, ns: &str, name: &str) -> Option<Obj> {
        let key = (ns.to_string(), name.to_string());
        let prev = self.g.objects.get_mut(rk(def))?.remove(&key)?;
        let rv = self.next_rv();
        let mut last = (*prev).clone();
        last["metadata"]["resourceVersion"] = Value::String(rv.to_string());
        let last = Arc::new(last);
        self.record(Event {
            rv,
            kind: EventType::Deleted,
            def,
            namespace: key.0,
            name: key.1,
            object: last.clone(),
            prev: Some(prev),
        });
        Some(last)
    }

    /// Forget all history (an apiserver restart after etcd compaction): old RVs now give 410.
    pub fn compact(&mut self) {
        self.g.history.clear();
        self.g.compacted = self.g.rv;
    }
}

/// Two iterators sorted by key, merged in key order (their keys are disjoint).
fn merge_sorted<A, B>(a: A, b: B) -> impl Iterator<Item = (Key, Obj)>
where
    A: Iterator<Item = (Key, Obj)>,
    B: Iterator<Item = (Key, Obj)>,
{
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y.0 < x.0 => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(ns: &str, name: &str, v: i64) -> Value {
        json!({"metadata": {"namespace": ns, "name": name}, "v": v})
    }

    #[test]
    fn a_scan_pages_exactly_what_the_whole_snapshot_holds() {
        let def = crate::resources::by_kind("ConfigMap")
            .or_else(|| crate::resources::by_kind("Pod"))
            .unwrap();
        let store = Store::new();
        let mut rvs = vec![];
        {
            let mut txn = store.lock();
            for (i, n) in ["a", "b", "c", "d", "f"].iter().enumerate() {
                txn.put(def, obj("x", n, i as i64));
            }
            txn.put(def, obj("y", "a", 9));
            txn.put(def, obj("w", "z", 9));
            rvs.push(txn.rv());
            txn.put(def, obj("x", "b", 20));
            txn.remove(def, "x", "c");
            txn.put(def, obj("x", "e", 30));
            rvs.push(txn.rv());
            txn.remove(def, "y", "a");
            txn.put(def, obj("x", "a", 40));
            txn.put(def, obj("x", "c", 50));
            rvs.push(txn.rv());
        }
        let txn = store.lock();
        let names = |v: Vec<(Key, Obj)>| -> Vec<String> {
            v.into_iter()
                .map(|(k, o)| format!("{}/{}={}", k.0, k.1, o["v"]))
                .collect()
        };
        for ns in [None, Some("x"), Some("y"), Some("v")] {
            for rv in rvs.iter().map(|r| Some(*r)).chain([None]) {
                let whole = match rv {
                    Some(rv) => txn.list_at(def, ns, rv).unwrap(),
                    None => txn.list(def, ns),
                };
                let mut afters: Vec<Option<Key>> = vec![None];
                afters.extend(whole.iter().map(|(k, _)| Some(k.clone())));
                afters.push(Some(("x".into(), "bb".into())));
                for after in afters {
                    let want: Vec<(Key, Obj)> = whole
                        .iter()
                        .filter(|(k, _)| after.as_ref().is_none_or(|a| k > a))
                        .cloned()
                        .collect();
                    let got: Vec<(Key, Obj)> =
                        txn.scan(def, ns, rv, after.clone()).unwrap().collect();
                    assert_eq!(
                        names(got),
                        names(want),
                        "ns {ns:?} rv {rv:?} after {after:?}"
                    );
                }
            }
        }
    }
}
