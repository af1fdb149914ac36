//! Plugin names without copies: one `kubectl-sts` binary answers to every `kubectl-sts_<cmd>`
//! name (kubectl's lookup for `kubectl sts-<cmd>`), by the name it was started under; and
//! `install-links` lays those names beside the `kubectl-sts` kubectl finds.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::exit::ExitCode;

/// The program's own name (what a link points to).
pub const PROGRAM: &str = "kubectl-sts";

/// Subcommands that get no plugin name: the simulator and the demo are tools of this project,
/// not of a cluster; completion and install-links are about the program itself.
pub const NO_PLUGIN_NAME: &[&str] = &["sim", "demo", "completion", "install-links", "help"];

/// The subcommands that get a `kubectl sts-<cmd>` name, from the program's clap definition
/// (handed in: this module sits below `cli`, which calls it to dispatch).
pub fn plugin_commands(program: &clap::Command) -> Vec<String> {
    program
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .filter(|n| !NO_PLUGIN_NAME.contains(&n.as_str()))
        .collect()
}

/// `inspect` → `kubectl-sts_inspect`, `force-delete` → `kubectl-sts_force_delete` (kubectl
/// looks `kubectl sts-force-delete` up with dashes as underscores).
pub fn plugin_name(command: &str) -> String {
    format!("{PROGRAM}_{}", command.replace('-', "_"))
}

/// The subcommand a program name stands for: `kubectl-sts_inspect` (or `.exe`, under any
/// directory) → `inspect`. None for `kubectl-sts` itself and any name that is not one of
/// `commands` ([`plugin_commands`]).
pub fn command_of(argv0: &OsStr, commands: &[String]) -> Option<String> {
    let stem = Path::new(argv0).file_stem()?.to_str()?;
    let rest = stem.strip_prefix(PROGRAM)?.strip_prefix('_')?;
    let command = rest.replace('_', "-");
    commands.contains(&command).then_some(command)
}

/// The arguments as clap should see them: `kubectl-sts_scale web --replicas 2` becomes
/// `kubectl-sts scale web --replicas 2`.
pub fn dispatch(args: Vec<OsString>, commands: &[String]) -> Vec<OsString> {
    match args.first().and_then(|a| command_of(a, commands)) {
        Some(command) => std::iter::once(OsString::from(PROGRAM))
            .chain(std::iter::once(OsString::from(command)))
            .chain(args.into_iter().skip(1))
            .collect(),
        None => args,
    }
}

/// How the names are laid beside the program: links where the system makes them for anyone
/// (Unix), copies on Windows (links need a privilege most users lack, and kubectl runs only
/// `.exe` plugins there). Both are plain code on every platform, so the copies' decisions and
/// their I/O are tested on Linux too; [`Layout::native`] picks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Links,
    Copies,
}

impl Layout {
    pub fn native() -> Layout {
        if cfg!(windows) {
            Layout::Copies
        } else {
            Layout::Links
        }
    }

    /// The program's file in the directory.
    pub fn program(self) -> String {
        self.file(PROGRAM)
    }

    /// A name's file: `kubectl-sts_inspect`, or `kubectl-sts_inspect.exe` for a copy.
    pub fn file(self, name: &str) -> String {
        match self {
            Layout::Links => name.to_string(),
            Layout::Copies => format!("{name}.exe"),
        }
    }
}

/// The record of the copies this program made, beside them: one line per copy with the version
/// that made it and the SHA-256 of the bytes it wrote. A copy is ours only while its bytes are
/// still those (whatever the version: an upgrade's `install-links` finds the older copies and
/// refreshes them). The name does not start with `kubectl-`, so `kubectl plugin list` does not
/// take it for a plugin.
pub const RECORD: &str = ".kubectl-sts-copies";

const RECORD_HEADER: &str =
    "# kubectl-sts install-links: the copies of kubectl-sts.exe it made (file version sha256)";

/// One copy in [`RECORD`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyRecord {
    pub file: String,
    pub version: String,
    pub digest: String,
}

/// The records in [`RECORD`]'s text. A line that is not `FILE VERSION SHA256` is passed over:
/// a damaged record makes nothing ours.
pub fn parse_records(text: &str) -> Vec<CopyRecord> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [file, version, digest]
                if digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                Some(CopyRecord {
                    file: file.to_string(),
                    version: version.to_string(),
                    digest: digest.to_ascii_lowercase(),
                })
            }
            _ => None,
        })
        .collect()
}

/// [`RECORD`]'s text for these records.
pub fn render_records(records: &[CopyRecord]) -> String {
    let mut out = format!("{RECORD_HEADER}\n");
    for r in records {
        out.push_str(&format!("{} {} {}\n", r.file, r.version, r.digest));
    }
    out
}

/// What a name's path holds, as read; [`judge`] decides what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Nothing,
    /// A symbolic link: its target as written (None: it could not be read), and whether it
    /// resolves to the program (false when it dangles).
    Link {
        target: Option<PathBuf>,
        resolves_to_program: bool,
    },
    /// A regular file and the SHA-256 of its bytes (None: it could not be read).
    File {
        digest: Option<String>,
    },
    /// A directory, a socket, …
    Other,
}

/// Whose a name's file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Missing,
    /// Ours and up to date: a link to the program, a copy with its bytes.
    Current,
    /// Ours, from another build of the program (a copy made before an upgrade).
    Stale,
    /// Not made by this program, or not readable enough to tell: never touched.
    Foreign,
}

/// Whose the file at a name is. A link is ours when it points at `kubectl-sts` beside it
/// (relative, as [`install`] makes them, or by this directory's absolute path — dangling or
/// not: a link to the program's name is ours even after the program is gone) or resolves to
/// the program. A copy is ours when [`RECORD`] says we wrote exactly its bytes, or (copies
/// made before the record existed) when it has the program's bytes. What cannot be read is
/// never ours.
pub fn judge(
    dir: &Path,
    found: &Found,
    record: Option<&CopyRecord>,
    program_digest: Option<&str>,
) -> Verdict {
    match found {
        Found::Nothing => Verdict::Missing,
        Found::Link {
            target: Some(t),
            resolves_to_program,
        } => {
            let exe = format!("{PROGRAM}.exe");
            let ours = *resolves_to_program
                || [Path::new(PROGRAM), Path::new(&exe)].contains(&t.as_path())
                || [dir.join(PROGRAM), dir.join(&exe)].contains(t);
            if ours {
                Verdict::Current
            } else {
                Verdict::Foreign
            }
        }
        Found::Link { target: None, .. } | Found::Other => Verdict::Foreign,
        Found::File { digest: None } => Verdict::Foreign,
        Found::File { digest: Some(d) } => {
            let recorded = record.is_some_and(|r| r.digest == *d);
            if program_digest == Some(d.as_str()) {
                Verdict::Current
            } else if recorded {
                Verdict::Stale
            } else {
                Verdict::Foreign
            }
        }
    }
}

/// What `install-links` does with one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Keep,
    /// A stale copy: removed, then made again from the program.
    Refresh,
    Remove,
    /// Taken by a file that is not ours: named, left alone (exit 4).
    Refuse,
    Nothing,
}

/// The action for a name: `wanted` when it is a command's name now (not a leftover of a
/// command an older version had), `remove` for `--remove`.
pub fn action(verdict: Verdict, wanted: bool, remove: bool) -> Action {
    match (verdict, wanted && !remove) {
        (Verdict::Missing, true) => Action::Create,
        (Verdict::Current, true) => Action::Keep,
        (Verdict::Stale, true) => Action::Refresh,
        (Verdict::Foreign, true) => Action::Refuse,
        (Verdict::Current | Verdict::Stale, false) => Action::Remove,
        // a foreign file under a name we are removing is named, not removed
        (Verdict::Foreign, false) if wanted => Action::Refuse,
        (Verdict::Missing | Verdict::Foreign, false) => Action::Nothing,
    }
}

/// The PATH entries a lookup should use: absolute ones only. An empty entry or `.` means
/// whatever the current directory happens to be, not a place to install to or to find the
/// program in.
pub fn path_dirs(path: &OsStr) -> Vec<PathBuf> {
    std::env::split_paths(path)
        .filter(|p| p.is_absolute())
        .collect()
}

/// The warning when `dir` is not one of PATH's entries (compared by `same`, which the shell
/// makes canonical): kubectl looks plugins up on PATH, so the names made there do nothing yet.
pub fn not_on_path_warning(
    dir: &Path,
    path: Option<&OsStr>,
    same: impl Fn(&Path, &Path) -> bool,
) -> Option<String> {
    let listed = path
        .map(path_dirs)
        .unwrap_or_default()
        .iter()
        .any(|d| same(d, dir));
    (!listed).then(|| {
        format!(
            "{} is not on PATH: kubectl finds plugins only on PATH, so `kubectl sts-<command>` will not work until it is (add it to PATH, or use --dir with a directory on PATH)",
            dir.display()
        )
    })
}

/// The directory of the first `kubectl-sts` on PATH, as kubectl finds it (not resolved: under
/// krew that is `~/.krew/bin`, whose link survives `krew upgrade`, not the versioned store).
pub fn dir_on_path(path: Option<&OsStr>) -> Option<PathBuf> {
    path_dirs(path?)
        .into_iter()
        .find(|d| d.join(PROGRAM).is_file() || d.join(format!("{PROGRAM}.exe")).is_file())
}

/// For `--remove` once the program is gone: the first PATH directory holding a name of ours.
pub fn dir_with_names(
    path: Option<&OsStr>,
    commands: &[String],
    layout: Layout,
) -> Option<PathBuf> {
    path_dirs(path?).into_iter().find(|d| {
        let records = read_records(d, layout);
        commands.iter().any(|c| {
            let file = layout.file(&plugin_name(c));
            let v = judge(
                d,
                &observe(&d.join(&file), &d.join(layout.program())),
                records.iter().find(|r| r.file == file),
                None,
            );
            matches!(v, Verdict::Current | Verdict::Stale)
        })
    })
}

fn sha256_of(path: &Path) -> Option<String> {
    use sha2::Digest;
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = sha2::Sha256::new();
    std::io::copy(&mut f, &mut h).ok()?;
    Some(
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
    )
}

/// The facts at `path` ([`judge`] decides).
fn observe(path: &Path, program: &Path) -> Found {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Found::Nothing;
    };
    if meta.file_type().is_symlink() {
        let resolves_to_program =
            match (std::fs::canonicalize(path), std::fs::canonicalize(program)) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            };
        return Found::Link {
            target: std::fs::read_link(path).ok(),
            resolves_to_program,
        };
    }
    if meta.is_file() {
        return Found::File {
            digest: sha256_of(path),
        };
    }
    Found::Other
}

fn read_records(dir: &Path, layout: Layout) -> Vec<CopyRecord> {
    match layout {
        Layout::Links => vec![],
        Layout::Copies => std::fs::read_to_string(dir.join(RECORD))
            .map(|t| parse_records(&t))
            .unwrap_or_default(),
    }
}

/// Written whole to a temporary file, then renamed over the record: never half a record.
fn write_records(dir: &Path, records: &[CopyRecord]) -> std::io::Result<()> {
    let tmp = dir.join(format!("{RECORD}.tmp"));
    std::fs::write(&tmp, render_records(records))?;
    std::fs::rename(&tmp, dir.join(RECORD))
}

#[cfg(unix)]
fn make_link(dir: &Path, file: &str) -> std::io::Result<()> {
    // relative: the link follows `kubectl-sts` wherever the directory is (krew's bin link is
    // replaced on upgrade; this one keeps pointing at it)
    std::os::unix::fs::symlink(PROGRAM, dir.join(file))
}

#[cfg(not(unix))]
fn make_link(_dir: &Path, _file: &str) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "links are made on Unix only; here the names are copies",
    ))
}

/// A copy of the program at `path`, never over anything: `create_new` fails when the name was
/// taken meanwhile. A copy left half-written is removed again.
fn make_copy(program: &Path, path: &Path) -> std::io::Result<()> {
    let mut src = std::fs::File::open(program)?;
    let mut dst = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let copied = std::io::copy(&mut src, &mut dst).and_then(|_| dst.sync_all());
    if copied.is_err() {
        drop(dst);
        let _ = std::fs::remove_file(path);
    }
    copied
}

/// What `install-links` did (or, with `--dry-run`, would do) with each name.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinksReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub dir: String,
    pub dry_run: bool,
    pub created: Vec<String>,
    /// Stale copies made again from the program.
    pub refreshed: Vec<String>,
    pub removed: Vec<String>,
    /// `--dry-run`: what would be created, refreshed, removed (the lists above stay empty).
    pub would_create: Vec<String>,
    pub would_refresh: Vec<String>,
    pub would_remove: Vec<String>,
    /// Already there and ours.
    pub present: Vec<String>,
    /// Names taken by files this program did not make: left alone.
    pub refused: Vec<String>,
    pub warnings: Vec<String>,
    pub message: String,
}

impl LinksReport {
    pub fn exit_code(&self) -> ExitCode {
        if self.refused.is_empty() {
            ExitCode::Ok
        } else {
            ExitCode::Refused
        }
    }
}

/// Creates (or with `remove`, removes) the plugin names of `commands` in `dir`, beside
/// `kubectl-sts`, as `layout` lays them; removes names of ours no command has any more.
/// Idempotent; never touches a file it did not make. `--remove` works without the program
/// (its links dangle; its copies are known by the record).
pub fn install(
    dir: &Path,
    commands: &[String],
    remove: bool,
    dry_run: bool,
    layout: Layout,
) -> Result<LinksReport, Error> {
    let exe = layout.program();
    let program = dir.join(&exe);
    let present = program.is_file();
    if !present && !remove {
        return Err(Error::not_found(format!(
            "{exe} is not in {}: the names must be beside the program kubectl runs (pass --dir with the directory that holds it)",
            dir.display()
        )));
    }
    let program_digest = match layout {
        Layout::Copies if present => Some(
            sha256_of(&program)
                .ok_or_else(|| Error::api(format!("cannot read {}", program.display())))?,
        ),
        _ => None,
    };
    let records = read_records(dir, layout);
    let wanted: Vec<String> = commands
        .iter()
        .map(|c| layout.file(&plugin_name(c)))
        .collect();
    // names of ours that no command has any more (an older version's): removed too
    let prefix = format!("{PROGRAM}_");
    let mut leftovers: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|f| f.starts_with(&prefix) && !wanted.contains(f))
                .filter(|f| layout == Layout::Links || f.ends_with(".exe"))
                .collect()
        })
        .unwrap_or_default();
    leftovers.sort();
    let mut r = LinksReport {
        api_version: "kubectl-sts/v1",
        kind: "LinksReport",
        dir: dir.display().to_string(),
        dry_run,
        ..Default::default()
    };
    let mut plan: Vec<(String, Action)> = Vec::new();
    for (file, is_wanted) in wanted
        .iter()
        .map(|f| (f, true))
        .chain(leftovers.iter().map(|f| (f, false)))
    {
        let found = observe(&dir.join(file), &program);
        let record = records.iter().find(|x| x.file == *file);
        let verdict = judge(dir, &found, record, program_digest.as_deref());
        plan.push((file.clone(), action(verdict, is_wanted, remove)));
    }
    for (file, act) in &plan {
        match act {
            Action::Keep => r.present.push(file.clone()),
            Action::Refuse => r.refused.push(file.clone()),
            _ => {}
        }
    }
    let of = |a: Action| -> Vec<String> {
        plan.iter()
            .filter(|(_, x)| *x == a)
            .map(|(f, _)| f.clone())
            .collect()
    };
    let (create, refresh, gone) = (of(Action::Create), of(Action::Refresh), of(Action::Remove));
    if dry_run {
        r.would_create = create;
        r.would_refresh = refresh;
        r.would_remove = gone;
    } else {
        let rm = |file: &str| {
            std::fs::remove_file(dir.join(file)).map_err(|e| {
                Error::api(format!(
                    "cannot remove {}: {e}{}",
                    dir.join(file).display(),
                    if layout == Layout::Copies {
                        " (is it running?)"
                    } else {
                        ""
                    }
                ))
            })
        };
        for file in gone.iter().chain(&refresh) {
            rm(file)?;
        }
        if layout == Layout::Copies {
            // The record after this run: exactly the copies that are ours with the program's
            // bytes — those kept (a copy made before the record existed is adopted here, so the
            // next upgrade still knows it), made and refreshed. Lines of copies removed, gone or
            // changed by someone else are dropped. Written before the copies are made: a copy
            // is never ours by accident, and one that fails to appear leaves only a line that
            // matches nothing.
            let mut next: Vec<CopyRecord> = r
                .present
                .iter()
                .chain(&create)
                .chain(&refresh)
                .map(|file| CopyRecord {
                    file: file.clone(),
                    version: env!("CARGO_PKG_VERSION").to_string(),
                    digest: program_digest.clone().unwrap_or_default(),
                })
                .collect();
            next.sort_by(|a, b| a.file.cmp(&b.file));
            if next.is_empty() {
                let _ = std::fs::remove_file(dir.join(RECORD));
            } else if next != records {
                write_records(dir, &next).map_err(|e| {
                    Error::api(format!("cannot write {}: {e}", dir.join(RECORD).display()))
                })?;
            }
        }
        for file in create.iter().chain(&refresh) {
            let path = dir.join(file);
            match layout {
                Layout::Links => make_link(dir, file),
                Layout::Copies => make_copy(&program, &path),
            }
            .map_err(|e| Error::api(format!("cannot create {}: {e}", path.display())))?;
        }
        r.created = create;
        r.refreshed = refresh;
        r.removed = gone;
    }
    let (created, refreshed, removed) = if dry_run {
        (&r.would_create, &r.would_refresh, &r.would_remove)
    } else {
        (&r.created, &r.refreshed, &r.removed)
    };
    let would = if dry_run { "would be " } else { "" };
    let mut parts = Vec::new();
    if remove {
        parts.push(format!("{} name(s) {would}removed", removed.len()));
    } else {
        parts.push(format!("{} name(s) {would}created", created.len()));
        if !refreshed.is_empty() {
            parts.push(format!(
                "{} stale cop(ies) {would}refreshed",
                refreshed.len()
            ));
        }
        if !removed.is_empty() {
            parts.push(format!(
                "{} left from an older version {would}removed",
                removed.len()
            ));
        }
        parts.push(format!("{} already there", r.present.len()));
    }
    r.message = format!("{}, in {}", parts.join(", "), dir.display());
    if !r.refused.is_empty() {
        r.message = format!(
            "{} — left alone, not made by kubectl-sts: {} (remove them, e.g. copies from an older cargo install, and run again)",
            r.message,
            r.refused.join(", ")
        );
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands() -> Vec<String> {
        ["inspect", "scale", "check", "drain"]
            .map(String::from)
            .to_vec()
    }

    fn digest(bytes: &[u8]) -> String {
        use sha2::Digest;
        sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn links_are_made_once_removed_again_and_others_files_left_alone() {
        let commands = commands();
        let install = |d: &Path, remove: bool, dry_run: bool| {
            install(d, &commands, remove, dry_run, Layout::Links)
        };
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert!(matches!(install(d, false, false), Err(Error::NotFound(_))));
        std::fs::write(d.join(PROGRAM), b"program").unwrap();
        std::fs::write(d.join("kubectl-sts_scale"), b"an old copy").unwrap();
        let dry = install(d, false, true).unwrap();
        assert!(
            !d.join("kubectl-sts_inspect").exists(),
            "a dry run makes nothing"
        );
        let r = install(d, false, false).unwrap();
        assert_eq!(r.created, dry.would_create);
        assert_eq!(r.refused, ["kubectl-sts_scale"]);
        assert_eq!(r.exit_code(), ExitCode::Refused);
        assert_eq!(
            std::fs::read_link(d.join("kubectl-sts_inspect")).unwrap(),
            Path::new(PROGRAM)
        );
        assert_eq!(
            std::fs::read(d.join("kubectl-sts_check")).unwrap(),
            b"program"
        );
        let again = install(d, false, false).unwrap();
        assert!(again.created.is_empty());
        assert_eq!(again.present.len(), r.created.len());
        let gone = install(d, true, false).unwrap();
        assert_eq!(gone.removed.len(), r.created.len());
        assert!(!d.join("kubectl-sts_inspect").exists());
        assert_eq!(
            std::fs::read(d.join("kubectl-sts_scale")).unwrap(),
            b"an old copy"
        );
        // a link to something else is not ours either
        std::os::unix::fs::symlink("/bin/true", d.join("kubectl-sts_drain")).unwrap();
        assert_eq!(
            install(d, false, false).unwrap().refused,
            ["kubectl-sts_scale", "kubectl-sts_drain"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_dry_run_says_what_it_would_do_apart_from_what_it_did() {
        let commands = commands();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(PROGRAM), b"program").unwrap();
        let dry = install(d, &commands, false, true, Layout::Links).unwrap();
        assert!(dry.dry_run);
        assert_eq!(dry.would_create.len(), 4);
        assert!(dry.created.is_empty(), "{dry:?}");
        assert!(
            dry.message.starts_with("4 name(s) would be created"),
            "{}",
            dry.message
        );
        install(d, &commands, false, false, Layout::Links).unwrap();
        let dry = install(d, &commands, true, true, Layout::Links).unwrap();
        assert_eq!(dry.would_remove.len(), 4);
        assert!(dry.removed.is_empty(), "{dry:?}");
        assert!(
            d.join("kubectl-sts_inspect").exists(),
            "a dry run removes nothing"
        );
        let doc = serde_json::to_value(&dry).unwrap();
        assert_eq!(doc["dryRun"], true);
        assert_eq!(doc["removed"], serde_json::json!([]));
        assert_eq!(doc["wouldRemove"].as_array().unwrap().len(), 4);
        let done = serde_json::to_value(install(d, &commands, true, false, Layout::Links).unwrap())
            .unwrap();
        assert_eq!(done["removed"].as_array().unwrap().len(), 4);
        assert_eq!(done["wouldRemove"], serde_json::json!([]));
    }

    #[cfg(unix)]
    #[test]
    fn remove_works_once_the_program_is_gone_and_takes_only_links_to_its_name() {
        let commands = commands();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(PROGRAM), b"program").unwrap();
        install(d, &commands, false, false, Layout::Links).unwrap();
        // a dangling link to another directory's kubectl-sts is not ours to judge
        std::fs::remove_file(d.join("kubectl-sts_drain")).unwrap();
        std::os::unix::fs::symlink("/elsewhere/kubectl-sts", d.join("kubectl-sts_drain")).unwrap();
        // cargo uninstall, krew uninstall: the program is gone, its links dangle
        std::fs::remove_file(d.join(PROGRAM)).unwrap();
        let r = install(d, &commands, true, false, Layout::Links).unwrap();
        assert_eq!(
            r.removed,
            [
                "kubectl-sts_inspect",
                "kubectl-sts_scale",
                "kubectl-sts_check"
            ]
        );
        assert_eq!(r.refused, ["kubectl-sts_drain"]);
        assert!(std::fs::symlink_metadata(d.join("kubectl-sts_inspect")).is_err());
        // creating still needs the program
        assert!(matches!(
            install(d, &commands, false, false, Layout::Links),
            Err(Error::NotFound(_))
        ));
        // and without --dir, the directory holding our names is found on PATH
        let path = std::env::join_paths(["/nonexistent-bin", d.to_str().unwrap()]).unwrap();
        std::os::unix::fs::symlink(PROGRAM, d.join("kubectl-sts_scale")).unwrap();
        assert_eq!(
            dir_with_names(Some(&path), &commands, Layout::Links).as_deref(),
            Some(d)
        );
    }

    #[test]
    fn whose_a_file_is() {
        let d = Path::new("/bin/x");
        let program = digest(b"v2");
        let old = digest(b"v1");
        let rec = |digest: &str| CopyRecord {
            file: "kubectl-sts_inspect.exe".into(),
            version: "0.1.0".into(),
            digest: digest.into(),
        };
        let link = |t: &str, resolves: bool| Found::Link {
            target: Some(PathBuf::from(t)),
            resolves_to_program: resolves,
        };
        let file = |dg: &str| Found::File {
            digest: Some(dg.into()),
        };
        for (found, record, verdict) in [
            (Found::Nothing, None, Verdict::Missing),
            // links: by name (dangling or not) or by where they lead
            (link("kubectl-sts", false), None, Verdict::Current),
            (link("/bin/x/kubectl-sts", false), None, Verdict::Current),
            (link("../other/kubectl-sts", true), None, Verdict::Current),
            (
                link("/elsewhere/kubectl-sts", false),
                None,
                Verdict::Foreign,
            ),
            (link("/bin/true", false), None, Verdict::Foreign),
            (
                Found::Link {
                    target: None,
                    resolves_to_program: false,
                },
                None,
                Verdict::Foreign,
            ),
            // copies: the record's bytes, whatever version made them
            (file(&program), Some(rec(&program)), Verdict::Current),
            (file(&old), Some(rec(&old)), Verdict::Stale),
            // changed since we made it: someone else's now
            (file(&digest(b"edited")), Some(rec(&old)), Verdict::Foreign),
            (file(&digest(b"theirs")), None, Verdict::Foreign),
            // a copy from before the record: the program's own bytes
            (file(&program), None, Verdict::Current),
            // unreadable: never ours, record or not
            (
                Found::File { digest: None },
                Some(rec(&old)),
                Verdict::Foreign,
            ),
            (Found::Other, Some(rec(&old)), Verdict::Foreign),
        ] {
            assert_eq!(
                judge(d, &found, record.as_ref(), Some(&program)),
                verdict,
                "{found:?} {record:?}"
            );
        }
        // the program gone (--remove): a recorded copy is still ours
        assert_eq!(
            judge(d, &file(&old), Some(&rec(&old)), None),
            Verdict::Stale
        );
        use Action::*;
        for (v, wanted, remove, want) in [
            (Verdict::Missing, true, false, Create),
            (Verdict::Current, true, false, Keep),
            (Verdict::Stale, true, false, Refresh),
            (Verdict::Foreign, true, false, Refuse),
            (Verdict::Current, true, true, Remove),
            (Verdict::Stale, true, true, Remove),
            (Verdict::Foreign, true, true, Refuse),
            (Verdict::Missing, true, true, Nothing),
            // a name no command has any more: ours goes, others' stays unnamed
            (Verdict::Stale, false, false, Remove),
            (Verdict::Current, false, false, Remove),
            (Verdict::Foreign, false, false, Nothing),
        ] {
            assert_eq!(action(v, wanted, remove), want, "{v:?} {wanted} {remove}");
        }
    }

    #[test]
    fn the_record_survives_damage_by_ignoring_it() {
        let d = "a".repeat(64);
        let records = vec![CopyRecord {
            file: "kubectl-sts_inspect.exe".into(),
            version: "0.1.0".into(),
            digest: d.clone(),
        }];
        let text = render_records(&records);
        assert!(text.starts_with('#'));
        assert_eq!(parse_records(&text), records);
        let damaged = format!(
            "{text}kubectl-sts_scale.exe 0.1.0\ngarbage\nkubectl-sts_check.exe 0.1.0 {}\n",
            "z".repeat(64)
        );
        assert_eq!(parse_records(&damaged), records);
    }

    #[test]
    fn copies_are_recorded_refreshed_after_an_upgrade_and_never_overwrite() {
        let commands = commands();
        let copies = |d: &Path, remove: bool, dry_run: bool| {
            install(d, &commands, remove, dry_run, Layout::Copies)
        };
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let exe = d.join("kubectl-sts.exe");
        std::fs::write(&exe, b"v1").unwrap();
        // a copy from before the record (the same bytes), and a file someone else put there
        std::fs::write(d.join("kubectl-sts_inspect.exe"), b"v1").unwrap();
        std::fs::write(d.join("kubectl-sts_drain.exe"), b"their own build").unwrap();
        let r = copies(d, false, false).unwrap();
        assert_eq!(
            r.created,
            ["kubectl-sts_scale.exe", "kubectl-sts_check.exe"]
        );
        assert_eq!(r.present, ["kubectl-sts_inspect.exe"]);
        assert_eq!(r.refused, ["kubectl-sts_drain.exe"]);
        assert_eq!(
            std::fs::read(d.join("kubectl-sts_check.exe")).unwrap(),
            b"v1"
        );
        // what it made, and the copy from before the record, adopted: each with its bytes
        let record = parse_records(&std::fs::read_to_string(d.join(RECORD)).unwrap());
        assert_eq!(
            record.iter().map(|r| r.file.as_str()).collect::<Vec<_>>(),
            [
                "kubectl-sts_check.exe",
                "kubectl-sts_inspect.exe",
                "kubectl-sts_scale.exe"
            ]
        );
        assert!(record
            .iter()
            .all(|r| r.digest == digest(b"v1") && r.version == env!("CARGO_PKG_VERSION")));

        // the upgrade replaces the program: the copies are stale, recognised and refreshed
        std::fs::write(&exe, b"v2").unwrap();
        // one copy was edited since: not ours any more
        std::fs::write(d.join("kubectl-sts_scale.exe"), b"patched").unwrap();
        // a command an older version had
        std::fs::write(d.join("kubectl-sts_old.exe"), b"v1").unwrap();
        let mut rec = record.clone();
        rec.push(CopyRecord {
            file: "kubectl-sts_old.exe".into(),
            version: "0.0.9".into(),
            digest: digest(b"v1"),
        });
        std::fs::write(d.join(RECORD), render_records(&rec)).unwrap();
        let dry = copies(d, false, true).unwrap();
        assert_eq!(
            dry.would_refresh,
            ["kubectl-sts_inspect.exe", "kubectl-sts_check.exe"]
        );
        assert_eq!(dry.would_remove, ["kubectl-sts_old.exe"]);
        assert_eq!(
            std::fs::read(d.join("kubectl-sts_check.exe")).unwrap(),
            b"v1"
        );
        let r = copies(d, false, false).unwrap();
        // the copy from before the record was recorded on the first run: refreshed too
        assert_eq!(
            r.refreshed,
            ["kubectl-sts_inspect.exe", "kubectl-sts_check.exe"]
        );
        assert_eq!(r.removed, ["kubectl-sts_old.exe"]);
        assert_eq!(
            r.refused,
            ["kubectl-sts_scale.exe", "kubectl-sts_drain.exe"]
        );
        for f in ["kubectl-sts_inspect.exe", "kubectl-sts_check.exe"] {
            assert_eq!(std::fs::read(d.join(f)).unwrap(), b"v2");
        }
        assert_eq!(
            std::fs::read(d.join("kubectl-sts_scale.exe")).unwrap(),
            b"patched"
        );
        assert!(!d.join("kubectl-sts_old.exe").exists());

        // creation never overwrites: a name taken between the look and the write stays as it is
        std::fs::write(d.join("kubectl-sts_race.exe"), b"someone else").unwrap();
        let e = make_copy(&exe, &d.join("kubectl-sts_race.exe")).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(
            std::fs::read(d.join("kubectl-sts_race.exe")).unwrap(),
            b"someone else"
        );

        // the program gone: --remove still knows its copies by the record
        std::fs::remove_file(&exe).unwrap();
        let r = copies(d, true, false).unwrap();
        assert_eq!(
            r.removed,
            ["kubectl-sts_inspect.exe", "kubectl-sts_check.exe"]
        );
        assert!(!d.join(RECORD).exists(), "no copy left, no record left");
        assert_eq!(
            std::fs::read(d.join("kubectl-sts_scale.exe")).unwrap(),
            b"patched"
        );
    }

    #[test]
    fn only_absolute_path_entries_count() {
        let path = std::env::join_paths(["/usr/bin", "", ".", "bin", "/opt/x"]).unwrap();
        assert_eq!(
            path_dirs(&path),
            [PathBuf::from("/usr/bin"), PathBuf::from("/opt/x")]
        );
        // an empty entry is not the current directory: kubectl-sts found there is not found
        let empty = std::env::join_paths(["", "."]).unwrap();
        assert_eq!(dir_on_path(Some(&empty)), None);
        let same = |a: &Path, b: &Path| a == b;
        assert_eq!(
            not_on_path_warning(Path::new("/opt/x"), Some(&path), same),
            None
        );
        let w = not_on_path_warning(Path::new("/home/u/bin"), Some(&path), same).unwrap();
        assert!(
            w.starts_with("/home/u/bin is not on PATH")
                && w.contains("`kubectl sts-<command>` will not work"),
            "{w}"
        );
        assert!(not_on_path_warning(Path::new("bin"), Some(&path), same).is_some());
        assert!(not_on_path_warning(Path::new("/opt/x"), None, same).is_some());
    }
}
