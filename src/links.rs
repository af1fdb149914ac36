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

/// What `install-links` did with each name.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinksReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub dir: String,
    pub created: Vec<String>,
    /// Already there, pointing at `kubectl-sts`.
    pub present: Vec<String>,
    pub removed: Vec<String>,
    /// Names taken by files this program did not make: left alone.
    pub refused: Vec<String>,
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

/// The directory of the first `kubectl-sts` on PATH, as kubectl finds it (not resolved: under
/// krew that is `~/.krew/bin`, whose link survives `krew upgrade`, not the versioned store).
pub fn dir_on_path(path: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .find(|d| d.join(PROGRAM).is_file() || d.join(format!("{PROGRAM}.exe")).is_file())
}

/// What is at `path` as far as this program is concerned.
#[derive(Debug, PartialEq, Eq)]
enum Existing {
    Nothing,
    /// A link to `kubectl-sts` in the same directory (or, on Windows, a copy of it).
    Ours,
    Other,
}

fn existing(path: &Path, program: &Path) -> Existing {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Existing::Nothing;
    };
    if meta.file_type().is_symlink() {
        let ours = std::fs::read_link(path).is_ok_and(|t| {
            t == Path::new(PROGRAM)
                || t == program
                || t.file_name() == Some(OsStr::new(PROGRAM))
                    && std::fs::canonicalize(path).ok() == std::fs::canonicalize(program).ok()
        });
        return if ours {
            Existing::Ours
        } else {
            Existing::Other
        };
    }
    // a copy (Windows): the same bytes as the program
    if cfg!(windows) && meta.is_file() {
        let same = std::fs::read(path).ok() == std::fs::read(program).ok();
        return if same {
            Existing::Ours
        } else {
            Existing::Other
        };
    }
    Existing::Other
}

#[cfg(unix)]
fn make(dir: &Path, name: &str) -> std::io::Result<()> {
    // relative: the link follows `kubectl-sts` wherever the directory is (krew's bin link is
    // replaced on upgrade; this one keeps pointing at it)
    std::os::unix::fs::symlink(PROGRAM, dir.join(name))
}

#[cfg(windows)]
fn make(dir: &Path, name: &str) -> std::io::Result<()> {
    // Windows: links need a privilege most users lack, and kubectl runs only .exe plugins:
    // a copy of the program, which dispatches on its name all the same
    std::fs::copy(
        dir.join(format!("{PROGRAM}.exe")),
        dir.join(format!("{name}.exe")),
    )
    .map(|_| ())
}

/// Creates (or with `remove`, removes) the plugin names of `commands` in `dir`, beside
/// `kubectl-sts`. Idempotent; never touches a file it did not make.
pub fn install(
    dir: &Path,
    commands: &[String],
    remove: bool,
    dry_run: bool,
) -> Result<LinksReport, Error> {
    let exe = if cfg!(windows) {
        format!("{PROGRAM}.exe")
    } else {
        PROGRAM.to_string()
    };
    let program = dir.join(&exe);
    if !program.is_file() {
        return Err(Error::not_found(format!(
            "{} is not in {}: the names must be beside the program kubectl runs (pass --dir with the directory that holds it)",
            exe,
            dir.display()
        )));
    }
    let mut r = LinksReport {
        api_version: "kubectl-sts/v1",
        kind: "LinksReport",
        dir: dir.display().to_string(),
        ..Default::default()
    };
    for command in commands {
        let name = plugin_name(command);
        let file = if cfg!(windows) {
            format!("{name}.exe")
        } else {
            name.clone()
        };
        let path = dir.join(&file);
        match (existing(&path, &program), remove) {
            (Existing::Nothing, false) => {
                if !dry_run {
                    make(dir, &name).map_err(|e| {
                        Error::api(format!("cannot create {}: {e}", path.display()))
                    })?;
                }
                r.created.push(file);
            }
            (Existing::Ours, false) => r.present.push(file),
            (Existing::Ours, true) => {
                if !dry_run {
                    std::fs::remove_file(&path).map_err(|e| {
                        Error::api(format!("cannot remove {}: {e}", path.display()))
                    })?;
                }
                r.removed.push(file);
            }
            (Existing::Nothing, true) => {}
            (Existing::Other, _) => r.refused.push(file),
        }
    }
    let would = if dry_run { "would be " } else { "" };
    r.message = if remove {
        format!(
            "{} name(s) {would}removed from {}",
            r.removed.len(),
            dir.display()
        )
    } else {
        format!(
            "{} name(s) {would}created, {} already there, in {}: kubectl sts-<command> works",
            r.created.len(),
            r.present.len(),
            dir.display()
        )
    };
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

    #[cfg(unix)]
    #[test]
    fn links_are_made_once_removed_again_and_others_files_left_alone() {
        let commands: Vec<String> = ["inspect", "scale", "check", "drain"]
            .map(String::from)
            .to_vec();
        let install =
            |d: &Path, remove: bool, dry_run: bool| install(d, &commands, remove, dry_run);
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
        assert_eq!(r.created, dry.created);
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
}
