//! Shell completions: `completions/` matches what the binary generates (fails when
//! a flag changes without regenerating), and kubectl's plugin completion finds
//! `kubectl_complete-sts` and offers StatefulSet names from the cluster.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::Cluster;
use crate::harness::Sts;
use crate::harness::Tool;

#[test]
fn generated_completions_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "kubectl-sts.bash"),
        ("zsh", "_kubectl-sts"),
        ("fish", "kubectl-sts.fish"),
        ("powershell", "_kubectl-sts.ps1"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let generated = String::from_utf8(out.stdout).unwrap();
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(dir.join(file), &generated).unwrap();
        }
        let kept = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(generated == kept, "completions/{file} is stale: run `kubectl-sts completion {shell} > completions/{file}`");
        assert!(
            generated.contains("inspect") && generated.contains("fail-on-problems"),
            "{shell}"
        );
    }
}

/// The kubectl plugin completion script is written by hand (POSIX sh, run by kubectl): this
/// holds it to the clap definition, so a new subcommand, flag or flag value cannot be forgotten.
#[test]
fn kubectl_plugin_completion_knows_every_subcommand_and_flag() {
    use clap::CommandFactory;
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/kubectl_complete-sts"),
    )
    .unwrap();
    let line_after = |start: &str| -> String {
        script
            .lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?}"))
            .to_string()
    };
    let words = |l: &str| -> Vec<String> {
        l.split(['"', ' ', '|', ')', '('])
            .filter(|w| w.starts_with('-'))
            .map(str::to_string)
            .collect()
    };
    let cli = kubectl_sts::cli::Cli::command();
    let subcommands: Vec<&str> = cli
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name())
        .collect();
    let listed = line_after("for s in ");
    for s in &subcommands {
        if *s != "help" {
            assert!(
                listed.contains(&format!(" {s}")),
                "subcommand {s} missing: {listed}"
            );
        }
    }
    let common = words(&line_after("common="));
    let takes_value = words(&line_after("-o|--output"));
    let long = |a: &clap::Arg| a.get_long().map(|l| format!("--{l}"));
    for a in cli.get_arguments().filter(|a| !a.is_hide_set()) {
        let Some(flag) = long(a) else { continue };
        if flag == "--all-namespaces" || flag == "--version" {
            continue; // offered where it applies (the overview), and not a completion target
        }
        assert!(
            common.contains(&flag),
            "global {flag} missing from common: {common:?}"
        );
    }
    // `rollout status|apply|…` share one flag line: every verb's flags must be on it
    let nested: Vec<(&str, &clap::Command)> = cli
        .get_subcommands()
        .flat_map(|sub| {
            let name = sub.get_name();
            let verbs: Vec<&clap::Command> = sub.get_subcommands().collect();
            if verbs.is_empty() {
                vec![(name, sub)]
            } else {
                verbs.into_iter().map(|v| (name, v)).collect()
            }
        })
        .collect();
    for (name, sub) in nested {
        let listed = match name {
            "scale" | "force-delete" | "recover" | "release-node" | "rollout"
            | "resize-storage" => words(&line_after(&format!("{name})"))),
            "inspect" => words(&line_after("*) flags=")),
            _ => continue,
        };
        for a in sub
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_global_set())
        {
            let Some(flag) = long(a) else { continue };
            if flag == "--help" {
                continue;
            }
            // a value only after `=` (`--abandon-data=CLAIMS`): offered with its `=`
            if a.is_require_equals_set() {
                let with_eq = format!("{flag}=");
                assert!(
                    listed.contains(&with_eq),
                    "{name} {with_eq} missing: {listed:?}"
                );
                continue;
            }
            assert!(listed.contains(&flag), "{name} {flag} missing: {listed:?}");
            let needs_value = a.get_num_args().is_none_or(|n| n.takes_values())
                && !matches!(
                    a.get_action(),
                    clap::ArgAction::SetTrue | clap::ArgAction::Count
                );
            if needs_value {
                assert!(
                    takes_value.contains(&flag),
                    "{name} {flag} takes a value: the script must skip it: {takes_value:?}"
                );
            }
        }
    }
}

#[test]
fn kubectl_plugin_completion_offers_statefulset_names() {
    let c = Cluster::new("completion");
    c.apply(
        &Sts {
            name: "alpha",
            replicas: 1,
            ..Default::default()
        }
        .yaml(),
    );
    c.apply(
        &Sts {
            name: "beta",
            replicas: 0,
            ..Default::default()
        }
        .yaml(),
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let path = format!(
        "{}:{}:{}",
        dir.display(),
        Cluster::bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let complete = |words: &[&str]| -> Vec<String> {
        let bin = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
        let out = Command::new(bin)
            .arg("__complete")
            .args(words)
            .env("PATH", &path)
            .env("KUBECONFIG", &c.kubeconfig)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.starts_with(':'))
            .map(String::from)
            .collect()
    };
    assert_eq!(complete(&["sts", "in"]), ["inspect", "install-links"]);
    assert_eq!(
        complete(&["sts-check", "-n", &c.namespace, "al"]),
        ["alpha"]
    );
    assert_eq!(
        complete(&["sts", "inspect", "-n", &c.namespace, "a"]),
        ["alpha"]
    );
    assert_eq!(
        complete(&["sts-inspect", "-n", &c.namespace, ""]),
        ["alpha", "beta"]
    );
    assert_eq!(complete(&["sts", "sc"]), ["scale"]);
    assert_eq!(
        complete(&["sts", "scale", "-n", &c.namespace, "b"]),
        ["beta"]
    );
    assert_eq!(
        complete(&["sts", "scale", "flask", "--re"]),
        ["--request-timeout", "--replicas"]
    );
    // force-delete offers only pods a StatefulSet controls
    c.apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: loner\nspec:\n  containers:\n  - name: c\n    image: busybox\n");
    c.eventually(30, "alpha-0 created", || {
        (!c.jsonpath(&["get", "pod", "alpha-0"], "{.metadata.uid}")
            .is_empty())
        .then_some(())
    });
    assert_eq!(
        complete(&["sts-force-delete", "-n", &c.namespace, ""]),
        ["alpha-0"]
    );
    assert_eq!(complete(&["sts", "force-delete", "x", "--y"]), ["--yes"]);
    assert_eq!(
        complete(&["sts-recover", "-n", &c.namespace, ""]),
        ["alpha-0"]
    );
    assert_eq!(
        complete(&["sts", "recover", "x", "--ab"]),
        ["--abandon-data="]
    );
    assert_eq!(complete(&["sts", "rel"]), ["release-node"]);
    assert_eq!(complete(&["sts", "rollout", "re"]), ["repair", "restart"]);
    assert_eq!(
        complete(&["sts-resize-storage", "-n", &c.namespace, "b"]),
        ["beta"]
    );
    assert_eq!(
        complete(&["sts", "rollout", "status", "-n", &c.namespace, "al"]),
        ["alpha"]
    );
    assert_eq!(
        complete(&["sts-rollout", "-n", &c.namespace, "st"]),
        ["status"]
    );
}

#[test]
fn every_plugin_name_has_its_completion_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for command in kubectl_sts::cli::plugin_commands() {
        let name = kubectl_sts::links::plugin_name(&command);
        let file = dir.join(format!(
            "kubectl_complete-{}",
            name.trim_start_matches("kubectl-")
        ));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            text.contains(&format!("kubectl_complete-sts\" {command} \"$@\"")),
            "{}: {text}",
            file.display()
        );
    }
}
