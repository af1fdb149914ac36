//! Rendering into an injected writer: the inspect table (normal and wide), the
//! overview, and the JSON/YAML documents. No I/O beyond the writer.

use std::cell::RefCell;
use std::io::{self, Write};

use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use serde::Serialize;

use crate::kubefmt::human_duration;
use crate::model::findings::Severity;
use crate::model::inspect::{
    Inspection, OrdinalRow, OverviewRow, RevisionState, RowKind, ServiceState,
};
use crate::model::update::RolloutState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Wide,
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Output is a terminal: tables wrap to its width.
    pub terminal: bool,
}

fn table(style: Style) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    // wrap to the terminal's width only when it has a usable one (a pty without a size, as
    // `script` or some CI runners give, reports 0 columns: every cell would wrap to one letter)
    if style.terminal && t.width().is_some_and(|w| w >= 40) {
        t.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        t.force_no_tty();
        t.set_content_arrangement(ContentArrangement::Disabled);
    }
    if style.color {
        t.enforce_styling();
    }
    t
}

fn header(t: &mut Table, cols: &[&str], style: Style) {
    t.set_header(cols.iter().map(|c| {
        let cell = Cell::new(c);
        if style.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
}

fn colored(text: impl Into<String>, color: Option<Color>, style: Style) -> Cell {
    let c = Cell::new(text.into());
    match (style.color, color) {
        (true, Some(col)) => c.fg(col),
        _ => c,
    }
}

fn or_dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

fn status_color(row: &OrdinalRow) -> Option<Color> {
    match &row.pod {
        None if row.kind == RowKind::Retained => Some(Color::DarkGrey),
        None => Some(Color::Red),
        Some(p) if p.terminating => Some(Color::Yellow),
        Some(p) if p.ready => Some(Color::Green),
        Some(_) => Some(Color::Red),
    }
}

/// The header line, the per-ordinal table and the problems.
pub fn inspection(w: &mut dyn Write, ins: &Inspection, wide: bool, style: Style) -> io::Result<()> {
    let strat = match (
        &ins.update_strategy.type_[..],
        ins.update_strategy.partition,
    ) {
        ("RollingUpdate", Some(p)) if p > 0 => format!("RollingUpdate(partition={p})"),
        (t, _) => t.to_string(),
    };
    let svc = match ins.service.state {
        ServiceState::Headless => format!("{} (headless)", ins.service.name),
        ServiceState::NotHeadless => format!(
            "{} (NOT headless: clusterIP {})",
            ins.service.name,
            ins.service.cluster_ip.as_deref().unwrap_or("?")
        ),
        ServiceState::Missing => format!("{} (MISSING)", ins.service.name),
        ServiceState::Unknown => format!("{} (unknown)", ins.service.name),
    };
    writeln!(
        w,
        "StatefulSet {}/{}  ready {}/{}  policy {}  update {}  retention whenDeleted={} whenScaled={}  service {}",
        ins.namespace, ins.name, ins.replicas.ready, ins.replicas.desired, ins.pod_management_policy, strat, ins.retention.when_deleted, ins.retention.when_scaled, svc
    )?;
    let (cur, upd) = (
        ins.update_strategy
            .current_revision
            .as_deref()
            .unwrap_or("?"),
        ins.update_strategy
            .update_revision
            .as_deref()
            .unwrap_or("?"),
    );
    match &ins.rollout {
        // the revisions agree while pods run another one (a set re-created over old pods)
        RolloutState::InProgress { updated, want, .. } if cur == upd => writeln!(
            w,
            "rolling update in progress: {updated} of {want} pods on revision {upd}"
        )?,
        RolloutState::InProgress { updated, want, .. } => writeln!(
            w,
            "rolling update in progress: current {cur} → update {upd} ({updated} of {want} updated)"
        )?,
        RolloutState::PausedAtPartition { partition } => writeln!(
            w,
            "rolling update paused at partition {partition}: ordinals from {partition} up run {upd}, the others {cur}"
        )?,
        RolloutState::WaitingForDeletes { updated, replicas } => writeln!(
            w,
            "OnDelete update pending: {updated} of {replicas} pods run {upd}; the others change when deleted"
        )?,
        RolloutState::NotObserved {
            generation,
            observed,
        } => writeln!(
            w,
            "the StatefulSet controller has not yet observed generation {generation} (observed {observed})"
        )?,
        RolloutState::Settled => {}
    }
    let mut t = table(style);
    let mut cols = vec![
        "ORDINAL",
        "POD",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "NODE",
        "NODE STATUS",
        "CLAIM",
        "CLAIM STATUS",
        "VOLUME",
    ];
    // with the usage read (inspect NAME, --usage)
    let used = ins
        .rows
        .iter()
        .flat_map(|r| &r.volumes)
        .any(|v| v.usage.is_some());
    if used {
        cols.push("USED");
    }
    cols.extend(["DNS", "REVISION"]);
    if wide {
        cols.extend([
            "IP",
            "CAPACITY",
            "CLASS",
            "RECLAIM",
            "ACCESS",
            "SOURCE",
            "ATTACHED TO",
            "TAINTS",
        ]);
    }
    header(&mut t, &cols, style);
    for row in &ins.rows {
        let kind_mark = match row.kind {
            RowKind::Expected => String::new(),
            RowKind::Condemned => " (removing)".into(),
            RowKind::Retained => " (retained)".into(),
        };
        let (pod, ready, status, restarts, age) = match &row.pod {
            Some(p) => (
                p.name.clone(),
                p.ready_containers.clone(),
                match p.eviction_in_seconds {
                    Some(s) if !p.terminating && row.node.as_ref().is_some_and(|n| n.is_dead()) => {
                        format!("{} (evicted in {})", p.status, human_duration(s))
                    }
                    _ => p.status.clone(),
                },
                p.restarts.to_string(),
                p.age_seconds
                    .map(human_duration)
                    .unwrap_or_else(|| "-".into()),
            ),
            None if row.kind == RowKind::Retained => (
                "-".into(),
                "-".into(),
                "no pod (claims kept)".into(),
                "-".into(),
                "-".into(),
            ),
            None => (
                format!("{}-{}", ins.name, row.ordinal),
                "-".into(),
                "Missing".into(),
                "-".into(),
                "-".into(),
            ),
        };
        let node = row
            .pod
            .as_ref()
            .and_then(|p| p.node.clone())
            .unwrap_or_else(|| "-".into());
        let node_status = row
            .node
            .as_ref()
            .map(|n| n.summary())
            .unwrap_or_else(|| "-".into());
        let node_color = row.node.as_ref().map(|n| {
            if n.is_dead() {
                Color::Red
            } else {
                Color::Green
            }
        });
        let join = |f: &dyn Fn(&crate::model::inspect::VolumeInfo) -> String| {
            row.volumes.iter().map(f).collect::<Vec<_>>().join("\n")
        };
        let claims = join(&|v| v.claim.clone());
        let claim_status = join(&|v| match (&v.requested, &v.template_size) {
            (Some(r), Some(t)) => format!("{} {r} (template {t})", v.claim_phase),
            (Some(r), None) => format!("{} {r}", v.claim_phase),
            _ => v.claim_phase.clone(),
        });
        let volume = join(&|v| {
            let mut s = or_dash(v.volume.as_deref());
            if let Some(n) = &v.pinned_node {
                s.push_str(&format!(" (on {n})"));
            }
            if v.attachment_mismatch {
                s.push_str(&format!(
                    " ATTACHED TO {}",
                    v.attached_node.as_deref().unwrap_or("?")
                ));
            }
            s
        });
        let rev = match (
            &row.pod.as_ref().and_then(|p| p.revision.clone()),
            row.revision_state,
        ) {
            (Some(r), Some(RevisionState::Update)) => format!("{r} (new)"),
            (Some(r), Some(RevisionState::Other)) => format!("{r} (old)"),
            (Some(r), _) => r.clone(),
            (None, _) => "-".into(),
        };
        let rev = if row.below_partition {
            format!("{rev} [partition]")
        } else {
            rev
        };
        let mut cells = vec![
            Cell::new(format!("{}{kind_mark}", row.ordinal)).set_alignment(CellAlignment::Right),
            Cell::new(pod),
            Cell::new(ready),
            colored(status, status_color(row), style),
            Cell::new(restarts),
            Cell::new(age),
            Cell::new(node),
            colored(node_status, node_color, style),
            Cell::new(claims),
            Cell::new(claim_status),
            Cell::new(volume),
        ];
        if used {
            cells.push(Cell::new(join(&|v| {
                v.usage
                    .as_ref()
                    .map(|u| u.cell())
                    .unwrap_or_else(|| "-".into())
            })));
        }
        cells.extend([
            Cell::new(if row.kind == RowKind::Retained {
                "-".into()
            } else {
                row.dns.clone()
            }),
            Cell::new(rev),
        ]);
        if wide {
            cells.push(Cell::new(or_dash(
                row.pod.as_ref().and_then(|p| p.ip.as_deref()),
            )));
            cells.push(Cell::new(join(&|v| or_dash(v.capacity.as_deref()))));
            cells.push(Cell::new(join(&|v| or_dash(v.storage_class.as_deref()))));
            cells.push(Cell::new(join(&|v| or_dash(v.reclaim_policy.as_deref()))));
            cells.push(Cell::new(join(&|v| or_dash(Some(&v.access_modes)))));
            cells.push(Cell::new(join(&|v| or_dash(v.source.as_deref()))));
            cells.push(Cell::new(join(&|v| or_dash(v.attached_node.as_deref()))));
            cells.push(Cell::new(
                row.node
                    .as_ref()
                    .map(|n| {
                        if n.taints.is_empty() {
                            "-".to_string()
                        } else {
                            n.taints.join("\n")
                        }
                    })
                    .unwrap_or_else(|| "-".into()),
            ));
        }
        t.add_row(cells);
    }
    write_table(w, &mut t)?;
    problems(w, ins, style)
}

fn problems(w: &mut dyn Write, ins: &Inspection, style: Style) -> io::Result<()> {
    // nodes/proxy is said once, in its own words, with the usage notes
    let missing: Vec<&str> = ins
        .missing_permissions
        .iter()
        .map(String::as_str)
        .filter(|p| *p != crate::model::usage::PERMISSION)
        .collect();
    if !missing.is_empty() {
        writeln!(
            w,
            "\nnote: not allowed to {}; those facts are not shown",
            missing.join(", ")
        )?;
    }
    if !ins.usage_notes.is_empty() {
        writeln!(w)?;
        for n in &ins.usage_notes {
            writeln!(w, "note: {n}")?;
        }
    }
    if ins.problems.is_empty() {
        return Ok(());
    }
    writeln!(w)?;
    for p in &ins.problems {
        let (tag, color) = match p.severity {
            Severity::Error => ("ERROR", owo_colors::AnsiColors::Red),
            Severity::Warning => ("WARNING", owo_colors::AnsiColors::Yellow),
            Severity::Info => ("INFO", owo_colors::AnsiColors::Blue),
        };
        let tag = if style.color {
            use owo_colors::OwoColorize;
            tag.color(color).bold().to_string()
        } else {
            tag.to_string()
        };
        writeln!(w, "{tag} [{}] {}", p.code, p.message)?;
        writeln!(w, "  → {}", p.action)?;
    }
    Ok(())
}

/// One line per set: the namespace (with -A), readiness, policy, revision state, retained claims, problems.
pub fn overview(
    w: &mut dyn Write,
    rows: &[OverviewRow],
    all_namespaces: bool,
    style: Style,
) -> io::Result<()> {
    let mut t = table(style);
    let mut cols = vec![];
    if all_namespaces {
        cols.push("NAMESPACE");
    }
    cols.extend([
        "NAME",
        "READY",
        "POLICY",
        "UPDATE",
        "REVISION",
        "SERVICE",
        "RETAINED PVCS",
        "PROBLEMS",
    ]);
    let usage = rows.iter().any(|r| r.fullest.is_some());
    if usage {
        cols.push("FULLEST");
    }
    header(&mut t, &cols, style);
    for row in rows {
        let mut cells = vec![];
        if all_namespaces {
            cells.push(Cell::new(&row.namespace));
        }
        let ready_color = if row.ready >= row.desired {
            Color::Green
        } else {
            Color::Yellow
        };
        let failing = row.failing_problems;
        cells.extend([
            Cell::new(&row.name),
            colored(
                format!("{}/{}", row.ready, row.desired),
                Some(ready_color),
                style,
            ),
            Cell::new(&row.pod_management_policy),
            Cell::new(&row.update_type),
            Cell::new(&row.revision),
            Cell::new(format!("{} ({})", row.service, row.service_state)),
            Cell::new(row.retained_claims),
            colored(
                failing.to_string(),
                (failing > 0).then_some(Color::Red),
                style,
            ),
        ]);
        if usage {
            cells.push(Cell::new(row.fullest.as_deref().unwrap_or("-")));
        }
        t.add_row(cells);
    }
    write_table(w, &mut t)
}

/// kubectl-like spacing: no left padding, columns three spaces apart.
fn write_table(w: &mut dyn Write, t: &mut Table) -> io::Result<()> {
    for c in t.column_iter_mut() {
        c.set_padding((0, 3));
    }
    for line in t.lines() {
        writeln!(w, "{}", line.trim_end())?;
    }
    Ok(())
}

/// `{"apiVersion": "kubectl-sts/v1", "kind": "InspectionList", "items": [...]}`, with the items
/// serialized as they come: the list is never held in memory.
#[derive(Serialize)]
#[serde(
    rename_all = "camelCase",
    bound(serialize = "I: Iterator<Item = Inspection>")
)]
struct InspectionList<I: Iterator<Item = Inspection>> {
    api_version: &'static str,
    kind: &'static str,
    items: Streamed<I>,
}

struct Streamed<I>(RefCell<Option<I>>);

impl<I: Iterator<Item = Inspection>> Serialize for Streamed<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // serialized once: a second pass would find the iterator spent and write `[]`
        let items = self.0.borrow_mut().take();
        s.collect_seq(items.into_iter().flatten())
    }
}

/// A message as one line (a library's or the server's text may carry newlines).
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A command's result for people: the message, then one indented line per detail.
pub fn result_lines(w: &mut dyn Write, message: &str, details: &[String]) -> io::Result<()> {
    writeln!(w, "{message}")?;
    details.iter().try_for_each(|d| writeln!(w, "  {d}"))
}

/// Any result document as YAML (`Format::Yaml`) or pretty JSON (otherwise).
pub fn serialized<T: Serialize>(w: &mut dyn Write, v: &T, format: Format) -> io::Result<()> {
    match format {
        Format::Yaml => {
            let mut w = w;
            serde_saphyr::to_io_writer(&mut w, v).map_err(|e| match e {
                // keep the I/O error itself (a closed pipe must stay recognisable)
                serde_saphyr::SerializeError::IO { error } => error,
                other => io::Error::other(other),
            })
        }
        _ => {
            // keep the kind of an I/O error (a closed pipe must stay recognisable)
            serde_json::to_writer_pretty(&mut *w, v).map_err(|e| match e.io_error_kind() {
                Some(kind) => io::Error::new(kind, e),
                None => io::Error::other(e),
            })?;
            writeln!(w)
        }
    }
}

/// `-o json|yaml` of the overview: an `InspectionList`, each item serialized as it is produced.
pub fn document_list(
    w: &mut dyn Write,
    items: impl Iterator<Item = Inspection>,
    format: Format,
) -> io::Result<()> {
    serialized(
        w,
        &InspectionList {
            api_version: "kubectl-sts/v1",
            kind: "InspectionList",
            items: Streamed(RefCell::new(Some(items))),
        },
        format,
    )
}

/// `rollout status` as a table: one row per ordinal, then the state in words.
pub fn rollout_status(
    w: &mut dyn Write,
    r: &crate::ops::rollout::StatusReport,
    style: Style,
) -> io::Result<()> {
    let strategy = match r.strategy {
        crate::model::update::Strategy::OnDelete => "OnDelete".to_string(),
        crate::model::update::Strategy::RollingUpdate {
            partition,
            max_unavailable,
        } => format!("RollingUpdate partition {partition} maxUnavailable {max_unavailable}"),
    };
    writeln!(
        w,
        "StatefulSet {}/{}  {strategy}  current {}  update {}",
        r.namespace,
        r.name,
        r.current_revision.as_deref().unwrap_or("-"),
        r.update_revision.as_deref().unwrap_or("-")
    )?;
    let mut t = table(style);
    header(
        &mut t,
        &[
            "ORDINAL",
            "POD",
            "STATUS",
            "REVISION",
            "UPDATED",
            "READY",
            "AVAILABLE",
            "STRATEGY",
            "RESTARTS",
        ],
        style,
    );
    let yes_no = |b: bool, style: Style| {
        colored(
            if b { "yes" } else { "no" },
            Some(if b { Color::Green } else { Color::Yellow }),
            style,
        )
    };
    for o in &r.rows {
        t.add_row(vec![
            Cell::new(o.ordinal),
            Cell::new(o.pod.as_deref().unwrap_or("-")),
            Cell::new(&o.status),
            Cell::new(or_dash(o.revision.as_deref())),
            yes_no(o.updated, style),
            yes_no(o.ready, style),
            yes_no(o.available, style),
            Cell::new(if o.to_update {
                "update"
            } else {
                "keep (below partition)"
            }),
            Cell::new(o.restarts),
        ]);
    }
    write_table(w, &mut t)?;
    writeln!(w, "{}", r.message)
}

/// The checks, one per line: ID, severity, code, what it finds.
pub fn check_list(w: &mut dyn Write, checks: &[crate::model::check::CheckDef]) -> io::Result<()> {
    for c in checks {
        let scope = if c.live_only {
            " (live cluster only)"
        } else {
            ""
        };
        writeln!(
            w,
            "{} {:<7} {}: {}{scope}",
            c.id,
            format!("{:?}", c.severity).to_uppercase(),
            c.code,
            c.title
        )?;
        writeln!(w, "         {}", c.reference)?;
    }
    Ok(())
}

fn severity_tag(s: Severity, style: Style) -> String {
    let (tag, color) = match s {
        Severity::Error => ("ERROR", owo_colors::AnsiColors::Red),
        Severity::Warning => ("WARNING", owo_colors::AnsiColors::Yellow),
        Severity::Info => ("INFO", owo_colors::AnsiColors::Blue),
    };
    let padded = format!("{tag:<7}");
    if style.color {
        use owo_colors::OwoColorize;
        padded.color(color).bold().to_string()
    } else {
        padded
    }
}

/// `check`'s findings by set, then what was not run and why, then one summary line.
pub fn check_report(
    w: &mut dyn Write,
    r: &crate::model::check::CheckResult,
    style: Style,
) -> io::Result<()> {
    // by set, each set's findings in the document's order (most severe first)
    let mut by_set: std::collections::BTreeMap<String, Vec<&crate::model::check::Finding>> =
        std::collections::BTreeMap::new();
    for f in &r.findings {
        by_set
            .entry(format!("{}/{}", f.namespace, f.statefulset))
            .or_default()
            .push(f);
    }
    for (set, findings) in &by_set {
        writeln!(w, "statefulset {set}")?;
        for f in findings {
            writeln!(
                w,
                "  {} {} {}: {}",
                severity_tag(f.severity, style),
                f.id,
                f.code,
                f.message
            )?;
            writeln!(w, "          → {}", f.action)?;
            writeln!(w, "          see {}", f.reference)?;
        }
        writeln!(w)?;
    }
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for n in &r.not_run {
        match reasons.iter_mut().find(|(k, _)| *k == n.reason) {
            Some((_, ids)) => ids.push(n.id),
            None => reasons.push((n.reason.as_str(), vec![n.id])),
        }
    }
    for (reason, ids) in &reasons {
        writeln!(w, "not run: {} ({reason})", ids.join(", "))?;
    }
    let c = r.counts;
    let total = c.error + c.warning + c.info;
    let sets = r.statefulsets.len();
    let source = match r.source.as_str() {
        "cluster" => String::new(),
        s => format!(" ({})", s.strip_prefix("file:").unwrap_or(s)),
    };
    let ignored = if r.ignored.is_empty() {
        String::new()
    } else {
        format!("; ignored: {}", r.ignored.join(", "))
    };
    if total == 0 {
        writeln!(w, "no findings in {sets} StatefulSet(s){source}{ignored}")
    } else {
        let with = by_set.len();
        writeln!(
            w,
            "{total} finding(s) in {with} of {sets} StatefulSet(s){source}: {} error(s), {} warning(s), {} info{ignored}",
            c.error, c.warning, c.info
        )
    }
}

/// Writes to stdout. A closed pipe (`| head`) is `Error::ReaderGone`: a read-only command ends
/// quietly with exit 0 (`inspect --watch` stops redrawing for nobody); a writing command keeps
/// its own exit code (`render_result`).
pub fn emit(
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), crate::error::Error> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    f(&mut lock)
        .and_then(|_| lock.flush())
        .map_err(crate::error::Error::from)
}
