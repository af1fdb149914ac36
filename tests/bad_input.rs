//! The hostile and clumsy user's battery: every command given input it cannot use, and
//! servers that cannot answer. Each case asserts the exit code, exactly one line on stderr that
//! says what is wrong (no library internals, no debug quoting, no credentials), and that nothing
//! was written: on the simulator from its request log (no request but reads), on a real cluster
//! by the StatefulSet's spec and generation and its pods' uids. Extend it with every new command
//! and flag.

use std::io::Read;
use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::harness::{Cluster, Out, Sts, Tool};

/// Words that give away a library's internals or a debug dump.
const INTERNALS: &[&str] = &[
    "kube::",
    "kube_client",
    "Error {",
    "Api(",
    "ErrorResponse",
    "panicked",
    "RUST_BACKTRACE",
    "expected apps/v1",
    "invalid uri character",
    "A non-empty name is required",
    "\\\"",
    "Some(",
    "tip:",
];

#[derive(Clone, Copy)]
enum Env<'a> {
    /// The test cluster's kubeconfig.
    Normal,
    /// `KUBECONFIG` set to this value (and no --kubeconfig).
    Kubeconfig(&'a str),
    /// `--kubeconfig FILE`, a file written with this content.
    File(&'a str),
    /// The test cluster's kubeconfig, and this environment variable.
    Var(&'a str, &'a str),
}

struct Case<'a> {
    args: &'a [&'a str],
    code: i32,
    /// stderr's one line contains this.
    says: &'a str,
    env: Env<'a>,
}

const fn case<'a>(args: &'a [&'a str], code: i32, says: &'a str) -> Case<'a> {
    Case {
        args,
        code,
        says,
        env: Env::Normal,
    }
}

/// What must not change: the set's spec and generation and its pods (by uid).
fn fingerprint(c: &Cluster) -> String {
    let set = c.json(&["get", "sts", "flask"]);
    let pods = c.kubectl_ok(&[
        "get",
        "pods",
        "-l",
        "app=flask",
        "-o",
        "jsonpath={.items[*].metadata.uid}",
    ]);
    format!("{} {} {}", set["metadata"]["generation"], set["spec"], pods)
}

fn writes(c: &Cluster) -> Vec<String> {
    c.sim()
        .map(|s| {
            s.requests()
                .iter()
                .filter(|r| r.method != "GET")
                .map(|r| format!("{} {}", r.method, r.path))
                .collect()
        })
        .unwrap_or_default()
}

fn run(c: &Cluster, case: &Case) -> Out {
    let dir = c.dir.path();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"));
    cmd.args(case.args)
        .env_remove("KUBECONFIG")
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    // -n goes first so that a case may give its own (clap takes the last one)
    let with_ns = |cmd: &mut std::process::Command| {
        if !case.args.contains(&"-n") && !case.args.contains(&"-A") {
            cmd.args(["-n", &c.namespace]);
        }
    };
    match case.env {
        Env::Normal => {
            with_ns(&mut cmd);
            cmd.env("KUBECONFIG", &c.kubeconfig);
        }
        Env::Kubeconfig(v) => {
            with_ns(&mut cmd);
            cmd.env(
                "KUBECONFIG",
                v.replace("GOOD", &c.kubeconfig.to_string_lossy()),
            );
        }
        Env::Var(k, v) => {
            with_ns(&mut cmd);
            cmd.env("KUBECONFIG", &c.kubeconfig).env(k, v);
        }
        Env::File(content) => {
            let p = dir.join(format!("kc-{}", uuid_like()));
            std::fs::write(&p, content).unwrap();
            with_ns(&mut cmd);
            cmd.arg("--kubeconfig").arg(&p);
        }
    }
    cmd.output().expect("run kubectl-sts").into()
}

fn uuid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

fn check_one_line(what: &str, stderr: &str, says: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: one line on stderr, got:\n{stderr}");
    let line = lines[0];
    assert!(line.starts_with("error: "), "{what}: {line}");
    assert!(line.contains(says), "{what}: wanted {says:?} in: {line}");
    for w in INTERNALS {
        assert!(!line.contains(w), "{what}: internals ({w}) in: {line}");
    }
}

fn kubeconfig_text(server: &str, user: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\ncontexts:\n- name: ctx\n  context:\n    cluster: c\n    user: u\ncurrent-context: ctx\nusers:\n- name: u\n  user:\n{user}"
    )
}

#[test]
fn sixty_kinds_of_bad_input_end_in_one_line_and_change_nothing() {
    let c = Cluster::fast("bad-input", 3);
    Sts {
        replicas: 2,
        ..Default::default()
    }
    .deploy(&c, 90);
    let before = fingerprint(&c);

    let exec_missing = kubeconfig_text(
        &c.server_url().unwrap_or_else(|| "https://127.0.0.1:1".into()),
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: kubectl-sts-test-no-such-plugin\n      interactiveMode: Never\n      installHint: install it with your package manager\n",
    );
    let with_password = kubeconfig_text("http://admin:s3cret@127.0.0.1:1", "    token: x\n");
    let refused = kubeconfig_text("http://127.0.0.1:1", "    token: x\n");
    let not_a_url = kubeconfig_text("http://exa mple:99999", "    token: x\n");
    let garbage = "{{{ this is not yaml";

    let cases = vec![
        // usage: names that are not names, flags that do not parse
        case(
            &["inspect", "flask/status"],
            2,
            "does not name a StatefulSet",
        ),
        case(&["inspect", "flask?x=1"], 2, "not a valid StatefulSet name"),
        case(&["inspect", "flask#x"], 2, "not a valid StatefulSet name"),
        case(&["inspect", ""], 2, "must not be empty"),
        case(&["inspect", "Flask"], 2, "lowercase RFC 1123 subdomain"),
        case(
            &["inspect", "deploy/flask"],
            2,
            "does not name a StatefulSet",
        ),
        case(&["inspect", "sts/"], 2, "must not be empty"),
        case(
            &["inspect", "flask%2Fstatus"],
            2,
            "not a valid StatefulSet name",
        ),
        case(&["inspect", "flask", "-A"], 2, "--all-namespaces"),
        case(&["inspect", "-o", "xml"], 2, "invalid value 'xml'"),
        case(&["inspect", "--color", "sometimes"], 2, "invalid value"),
        case(&["inspect", "--cluster-domain", ""], 2, "not a DNS domain"),
        case(
            &["inspect", "--cluster-domain", "a b"],
            2,
            "not a DNS domain",
        ),
        case(
            &["inspect", "--cluster-domain", "cluster.local."],
            2,
            "not a DNS domain",
        ),
        case(
            &["inspect", "--request-timeout", "5x"],
            2,
            "invalid duration",
        ),
        case(&["inspect", "-n", ""], 2, "not a valid namespace name"),
        case(
            &["inspect", "-n", "Bad_NS"],
            2,
            "not a valid namespace name",
        ),
        case(&["inspect", "-n", "a.b"], 2, "not a valid namespace name"),
        // a name pasted with its newline: the reason stays on the one line
        case(
            &["inspect", "flask\nx"],
            2,
            "'flask\\nx' for '[NAME]': \"flask\\nx\" is not a valid StatefulSet name",
        ),
        case(&["inspect", "--foo"], 2, "unexpected argument '--foo'"),
        case(
            &["inspect", "--usage=yes"],
            2,
            "unexpected value 'yes' for '--usage'",
        ),
        // STS023 reads the live cluster: a manifest has no volumes to measure
        case(
            &["check", "-f", "-", "--usage"],
            2,
            "'--filename <FILE>' cannot be used with '--usage'",
        ),
        case(
            &["inspect", "flask", "extra"],
            2,
            "unexpected argument 'extra'",
        ),
        case(&["frobnicate"], 2, "unrecognized subcommand"),
        case(
            &["scale"],
            2,
            "required arguments were not provided: --replicas <REPLICAS> <NAME>",
        ),
        case(&["scale", "flask"], 2, "--replicas"),
        case(
            &["scale", "flask", "--replicas", "-1"],
            2,
            "-1 is not in 0..=2147483647",
        ),
        case(
            &["scale", "flask", "--replicas", "abc"],
            2,
            "invalid value 'abc'",
        ),
        case(
            &["scale", "flask", "--replicas", "2147483648"],
            2,
            "not in 0..=2147483647",
        ),
        case(&["scale", "flask", "--replicas", "1e3"], 2, "invalid value"),
        case(
            &["scale", "flask/status", "--replicas", "2"],
            2,
            "does not name a StatefulSet",
        ),
        case(
            &["scale", "pod/flask-0", "--replicas", "2"],
            2,
            "does not name a StatefulSet",
        ),
        case(
            &["scale", "flask", "--replicas", "2", "--timeout", "forever"],
            2,
            "invalid duration",
        ),
        case(
            &[
                "scale",
                "flask",
                "--replicas",
                "2",
                "--current-replicas",
                "-3",
            ],
            2,
            "not in 0..=2147483647",
        ),
        case(
            &["scale", "flask", "--replicas", "2", "--max-steps", "0"],
            2,
            "not in 1..=10000",
        ),
        case(
            &["scale", "flask", "--replicas", "2", "-A"],
            2,
            "one namespace",
        ),
        case(
            &["force-delete"],
            2,
            "required arguments were not provided: <POD>",
        ),
        case(
            &["force-delete", "flask-1/status"],
            2,
            "does not name a pod: give NAME or pod/NAME",
        ),
        case(&["force-delete", "sts/flask"], 2, "does not name a pod"),
        case(
            &["force-delete", "flask-1", "--node-silence", "soon"],
            2,
            "invalid duration",
        ),
        case(
            &["force-delete", "flask-1", "--timeout=-5s"],
            2,
            "invalid duration",
        ),
        case(&["force-delete", "flask-1", "-A"], 2, "one namespace"),
        case(
            &["recover"],
            2,
            "required arguments were not provided: <POD>",
        ),
        case(&["recover", "sts/flask"], 2, "does not name a pod"),
        case(
            &["recover", "flask-1", "--wait", "--abandon-data"],
            2,
            "cannot be used with",
        ),
        case(
            &["recover", "flask-1", "--abandon-data", "www-flask-1"],
            2,
            "unexpected argument",
        ),
        case(
            &["recover", "flask-1", "--timeout", "soon"],
            2,
            "invalid duration",
        ),
        case(&["recover", "flask-1", "-A"], 2, "one namespace"),
        case(
            &["release-node"],
            2,
            "required arguments were not provided: <NODE>",
        ),
        case(&["release-node", "pod/n1"], 2, "does not name a node"),
        case(&["release-node", "N1"], 2, "not a valid"),
        case(&["completion", "tcsh"], 2, "invalid value 'tcsh'"),
        case(
            &["resize-storage", "flask", "--size", "-1Gi", "--yes"],
            2,
            "sizes are positive",
        ),
        case(
            &["drain", "n1", "--pod-selector", "app in (", "--dry-run"],
            2,
            "is not a label selector",
        ),
        case(
            &["drain", "n1", "--grace-period", "-5", "--dry-run"],
            2,
            "--grace-period -5 is not allowed",
        ),
        case(
            &["drain", "n1", "--allow-update=yes", "--dry-run"],
            2,
            "unexpected value 'yes' for '--allow-update'",
        ),
        case(
            &[
                "drain",
                "n1",
                "--skip-wait-for-delete-timeout",
                "soon",
                "--dry-run",
            ],
            2,
            "invalid duration",
        ),
        case(
            &["rollout", "apply", "flask", "--to-partition", "99"],
            2,
            "only lowers the partition",
        ),
        // the disruption Lease: a holder to break must be one, its duration whole seconds
        case(
            &["scale", "flask", "--replicas", "1", "--break-lease", ""],
            2,
            "a holder identity as a refusal names it",
        ),
        case(
            &["drain", "n1", "--break-lease", "alice @h:1:2", "--dry-run"],
            2,
            "without spaces",
        ),
        case(
            &["rollout", "apply", "flask", "--break-lease"],
            2,
            "a value is required for '--break-lease <HOLDER>'",
        ),
        Case {
            env: Env::Var("KUBECTL_STS_LEASE_DURATION", "soon"),
            ..case(
                &["scale", "flask", "--replicas", "1"],
                2,
                "KUBECTL_STS_LEASE_DURATION=\"soon\"",
            )
        },
        Case {
            env: Env::Var("KUBECTL_STS_LEASE_DURATION", "0s"),
            ..case(
                &["rollout", "restart", "flask"],
                2,
                "whole seconds from 1s to 1h",
            )
        },
        Case {
            env: Env::Var("KUBECTL_STS_LEASE_DURATION", "1500ms"),
            ..case(
                &["scale", "flask", "--replicas", "1"],
                2,
                "whole seconds from 1s to 1h",
            )
        },
        Case {
            env: Env::Var("KUBECTL_STS_LEASE_DURATION", "2h"),
            ..case(
                &["drain", "n1", "--dry-run"],
                2,
                "whole seconds from 1s to 1h",
            )
        },
        // not found
        case(&["inspect", "nope"], 3, "statefulset \"nope\" not found"),
        case(
            &["inspect", "sts/nope"],
            3,
            "statefulset \"nope\" not found",
        ),
        case(
            &["inspect", "flask", "-n", "nosuchns"],
            3,
            "namespace \"nosuchns\" not found",
        ),
        case(
            &["inspect", "-n", "nosuchns"],
            3,
            "namespace \"nosuchns\" not found",
        ),
        case(
            &["inspect", "-n", "nosuchns", "-o", "json"],
            3,
            "namespace \"nosuchns\" not found",
        ),
        case(
            &["check", "-n", "nosuchns"],
            3,
            "namespace \"nosuchns\" not found",
        ),
        case(
            &["check", "flask", "-n", "nosuchns", "-o", "json"],
            3,
            "namespace \"nosuchns\" not found",
        ),
        case(&["check", "nope"], 3, "statefulset \"nope\" not found"),
        case(&["scale", "nope", "--replicas", "2"], 3, "not found"),
        case(
            &["scale", "flask", "--replicas", "2", "-n", "nosuchns"],
            3,
            "not found",
        ),
        case(&["force-delete", "nope-0"], 3, "pod \"nope-0\" not found"),
        case(
            &["recover", "nope-0", "--yes"],
            3,
            "pod \"nope-0\" not found",
        ),
        case(&["release-node", "nope"], 3, "node \"nope\" not found"),
        case(
            &["rollout", "status", "nope"],
            3,
            "statefulset \"nope\" not found",
        ),
        case(
            &["rollout", "restart", "nope"],
            3,
            "statefulset \"nope\" not found",
        ),
        case(
            &["force-delete", "flask-0", "-n", "nosuchns"],
            3,
            "not found",
        ),
        // refused: implausible numbers, stale preconditions, healthy pods
        case(
            &["scale", "flask", "--replicas", "2147483647"],
            4,
            "--max-steps",
        ),
        case(
            &["scale", "flask", "--replicas", "2147483647", "--dry-run"],
            4,
            "--max-steps",
        ),
        case(
            &["scale", "flask", "--replicas", "2147483647", "-o", "json"],
            4,
            "refusing to scale",
        ),
        case(
            &["scale", "flask", "--replicas", "100000000", "--dry-run"],
            4,
            "--max-steps",
        ),
        case(
            &["scale", "flask", "--replicas", "103", "--max-steps", "100"],
            4,
            "--max-steps",
        ),
        case(
            &[
                "scale",
                "flask",
                "--replicas",
                "1",
                "--current-replicas",
                "7",
            ],
            4,
            "--current-replicas",
        ),
        case(
            &["resize-storage", "flask", "--size", "99999999Ei", "--yes"],
            4,
            "99999999Ei (95.4 YiB) is more than 10× the current 1 GiB",
        ),
        case(&["force-delete", "flask-0", "--yes"], 4, "flask-0"),
        case(&["force-delete", "flask-0", "--dry-run"], 4, "flask-0"),
        case(
            &["recover", "flask-0", "--yes"],
            4,
            "refusing to recover pod",
        ),
        case(
            &[
                "recover",
                "flask-0",
                "--abandon-data=www-flask-0",
                "--yes",
                "-o",
                "json",
            ],
            4,
            "is Ready and not terminating",
        ),
        case(
            &["force-delete", "pod/flask-0", "--yes", "-o", "yaml"],
            4,
            "flask-0",
        ),
        // configuration: kubeconfigs that cannot be used
        Case {
            env: Env::Kubeconfig("/nonexistent/one:/nonexistent/two"),
            ..case(&["inspect"], 2, "none of the files KUBECONFIG names exists")
        },
        Case {
            env: Env::File(garbage),
            ..case(&["inspect"], 2, "cannot read kubeconfig")
        },
        Case {
            env: Env::File(&not_a_url),
            ..case(&["inspect"], 2, "server URL is not a valid URL")
        },
        case(
            &["inspect", "--kubeconfig", "/nonexistent/kc"],
            2,
            "cannot read kubeconfig /nonexistent/kc: No such file",
        ),
        case(
            &["inspect", "--context", "nope"],
            2,
            "context \"nope\" not found",
        ),
        // credentials and servers that cannot be reached: exit 1
        Case {
            env: Env::File(&exec_missing),
            ..case(
                &["inspect", "flask"],
                1,
                "\"kubectl-sts-test-no-such-plugin\" is not installed",
            )
        },
        Case {
            env: Env::File(&with_password),
            ..case(&["inspect", "flask"], 1, "http://<redacted>@127.0.0.1:1")
        },
        Case {
            env: Env::File(&refused),
            ..case(
                &["scale", "flask", "--replicas", "1"],
                1,
                "cannot reach the API server at http://127.0.0.1:1",
            )
        },
        Case {
            env: Env::File(&refused),
            ..case(
                &["force-delete", "flask-1", "--yes"],
                1,
                "cannot reach the API server",
            )
        },
    ];
    assert!(cases.len() >= 60, "{} cases", cases.len());
    for (i, k) in cases.iter().enumerate() {
        let what = format!("case {i} {:?}", k.args);
        if let Some(s) = c.sim() {
            s.clear_requests();
        }
        let o = run(&c, k);
        assert_eq!(o.code, k.code, "{what}: stderr: {}", o.stderr);
        check_one_line(&what, &o.stderr, k.says);
        assert!(!o.stderr.contains("s3cret"), "{what}: {}", o.stderr);
        assert_eq!(writes(&c), Vec::<String>::new(), "{what}: wrote");
        if k.args.contains(&"-o") && k.args.contains(&"json") && k.code == 4 {
            let doc: serde_json::Value = serde_json::from_str(&o.stdout)
                .unwrap_or_else(|e| panic!("{what}: stdout is not JSON ({e}): {}", o.stdout));
            assert_eq!(doc["outcome"], "Refused", "{what}");
            assert!(o.stdout.len() < 10_000, "{what}: output stays small");
        }
    }
    assert_eq!(fingerprint(&c), before, "nothing changed");

    // what works must still work: a KUBECONFIG list with a missing file, kubectl prefixes
    let ok = run(
        &c,
        &Case {
            env: Env::Kubeconfig("/nonexistent/kc:GOOD"),
            ..case(&["inspect", "sts/flask"], 0, "")
        },
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("flask-1"), "{}", ok.stdout);
    let unchanged = c.sts(&["scale", "statefulset.apps/flask", "--replicas", "2"]);
    assert_eq!(unchanged.code, 0, "{}", unchanged.stderr);
}

/// A server that accepts connections and never answers (a hung apiserver, a black-holed proxy).
fn silent_server() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let accept = l.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut held = vec![];
        // keep every connection open, read nothing useful, answer nothing
        for s in accept.incoming().take(64).flatten() {
            held.push(s);
        }
    });
    (l, url)
}

#[test]
fn a_server_that_never_answers_times_out_on_every_command() {
    // not a cluster test: the server here is this test's own socket
    let c = Cluster::new("silent");
    let (_keep, url) = silent_server();
    let kc = c.dir.path().join("silent");
    std::fs::write(&kc, kubeconfig_text(&url, "    token: x\n")).unwrap();
    for args in [
        vec!["inspect", "flask"],
        vec!["inspect", "-o", "json"],
        vec!["scale", "flask", "--replicas", "1"],
        vec!["force-delete", "flask-1", "--yes"],
        vec!["recover", "flask-1", "--yes"],
        vec!["release-node", "n1"],
    ] {
        let mut all = args.clone();
        all.extend(["--request-timeout", "2s"]);
        let started = Instant::now();
        let o = c.sts_with(&all, &kc);
        let took = started.elapsed();
        assert_eq!(o.code, 6, "{args:?}: {}", o.stderr);
        check_one_line(&format!("{args:?}"), &o.stderr, "did not answer in time");
        // 2 s per request; a command makes its first requests in parallel
        assert!(took < Duration::from_secs(20), "{args:?} took {took:?}");
    }
}

#[test]
fn injected_latency_beyond_the_request_timeout_is_a_timeout() {
    let c = Cluster::fast("latency-timeout", 1);
    let Some(sim) = c.sim_or_skip("injecting latency needs the simulated cluster") else {
        return;
    };
    Sts {
        replicas: 1,
        ..Default::default()
    }
    .deploy(&c, 60);
    sim.faults.lock().unwrap().latency = Duration::from_secs(5);
    let started = Instant::now();
    let o = c.sts(&["inspect", "flask", "--request-timeout", "1s"]);
    sim.faults.lock().unwrap().latency = Duration::ZERO;
    assert_eq!(o.code, 6, "{}", o.stderr);
    check_one_line("latency", &o.stderr, "did not answer in time");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// Starts the tool with its stdout a pipe that this test closes at once.
fn with_closed_stdout(c: &Cluster, args: &[&str]) -> Out {
    let mut child = c.sts_spawn(args);
    drop(child.stdout.take());
    let mut err = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return Out {
                code: status.code().unwrap_or(-1),
                stdout: String::new(),
                stderr: err,
            };
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?} did not end after its reader went away");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_reader_that_goes_away_ends_read_only_commands_quietly() {
    let c = Cluster::fast("closed-pipe", 2);
    Sts {
        replicas: 1,
        ..Default::default()
    }
    .deploy(&c, 60);
    for args in [
        vec!["inspect", "flask"],
        vec!["inspect", "flask", "-o", "json"],
        vec!["inspect", "-o", "yaml"],
        vec!["inspect"],
    ] {
        let o = with_closed_stdout(&c, &args);
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
        assert_eq!(o.stderr, "", "{args:?}");
    }
    // findings are findings whoever reads them: check keeps its exit 5 (the set has no
    // readiness probe: STS015), and 0 when told not to fail
    for (args, code) in [
        (vec!["check", "flask"], 5),
        (vec!["check", "flask", "-o", "json"], 5),
        (vec!["check", "flask", "--fail-on", "none"], 0),
    ] {
        let o = with_closed_stdout(&c, &args);
        assert_eq!(o.code, code, "{args:?}: {}", o.stderr);
        assert_eq!(o.stderr, "", "{args:?}");
    }
    // a writing command keeps its own exit code (here: nothing to do, 0; refused, 4)
    let o = with_closed_stdout(&c, &["scale", "flask", "--replicas", "1", "-o", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = with_closed_stdout(&c, &["scale", "flask", "--replicas", "500", "-o", "json"]);
    assert_eq!(o.code, 4, "{}", o.stderr);

    // --watch: the next redraw finds the reader gone and ends
    let mut child = c.sts_spawn(&["inspect", "flask", "--watch"]);
    let mut first = [0u8; 1];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    c.kubectl_ok(&["annotate", "sts", "flask", "--overwrite", "touched=1"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "inspect --watch kept running");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(0));

    // inspect --fail-on-problems keeps its exit 5 too, as check does (the governing Service
    // gone: ServiceMissing, an error), and 0 without the flag
    c.kubectl_ok(&["delete", "service", "flask"]);
    for (args, code) in [
        (vec!["inspect", "flask", "--fail-on-problems"], 5),
        (
            vec!["inspect", "flask", "--fail-on-problems", "-o", "json"],
            5,
        ),
        (vec!["inspect", "--fail-on-problems"], 5),
        (vec!["inspect", "flask"], 0),
    ] {
        let o = with_closed_stdout(&c, &args);
        assert_eq!(o.code, code, "{args:?}: {}", o.stderr);
        assert_eq!(o.stderr, "", "{args:?}");
    }
}

/// `install-links` as a user runs it, no cluster: a directory not on PATH is said, a dry run
/// keeps what it would do apart from what it did, and `--remove` works once the program is gone.
#[test]
fn install_links_warns_off_path_dry_runs_apart_and_removes_after_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_kubectl-sts"), bin.join("kubectl-sts")).unwrap();
    let run = |args: &[&str], path: &str| -> Out {
        std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
            .args(args)
            .arg("--dir")
            .arg(&bin)
            .env("PATH", path)
            .env("HOME", dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
            .into()
    };
    // not on PATH (an empty entry is not the current directory either): made, and said
    let o = run(
        &["install-links", "--dry-run", "-o", "json"],
        ":/nonexistent",
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(doc["dryRun"], true, "{doc}");
    assert!(doc["wouldCreate"].as_array().unwrap().len() >= 8, "{doc}");
    assert_eq!(doc["created"], serde_json::json!([]), "{doc}");
    assert!(
        !bin.join("kubectl-sts_inspect").exists(),
        "a dry run makes nothing"
    );
    let o = run(&["install-links"], ":/nonexistent");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", o.stderr);
    assert!(
        lines[0].starts_with("warning: ")
            && lines[0].contains("is not on PATH")
            && lines[0].contains("kubectl sts-<command>` will not work"),
        "{}",
        o.stderr
    );
    assert!(!o.stdout.contains("works"), "{}", o.stdout);
    assert!(bin.join("kubectl-sts_inspect").exists());
    // on PATH: no warning, and it says the names work
    let o = run(&["install-links"], bin.to_str().unwrap());
    assert_eq!((o.code, o.stderr.as_str()), (0, ""), "{}", o.stdout);
    assert!(
        o.stdout.contains("kubectl sts-<command> works"),
        "{}",
        o.stdout
    );

    // an empty PATH entry is not the current directory: run from bin, kubectl-sts is not found
    let o: Out = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(["install-links", "--dry-run"])
        .current_dir(&bin)
        .env("PATH", ":/nonexistent")
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap()
        .into();
    assert_eq!(o.code, 3, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("kubectl-sts is not on PATH"),
        "{}",
        o.stderr
    );

    // cargo uninstall first, install-links --remove after: the links dangle, and are ours
    std::fs::remove_file(bin.join("kubectl-sts")).unwrap();
    let o = run(
        &["install-links", "--remove", "--dry-run", "-o", "json"],
        "/nonexistent",
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(doc["removed"], serde_json::json!([]), "{doc}");
    let would = doc["wouldRemove"].as_array().unwrap().len();
    assert!(would >= 8, "{doc}");
    let o = run(&["install-links", "--remove", "-o", "json"], "/nonexistent");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(doc["removed"].as_array().unwrap().len(), would, "{doc}");
    assert_eq!(
        std::fs::read_dir(&bin).unwrap().count(),
        0,
        "every link gone"
    );
}
