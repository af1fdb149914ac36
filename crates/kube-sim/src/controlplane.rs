//! The harness's third backend (issue 33, item 4): `KUBECTL_STS_TEST_CONTROL_PLANE=real` starts
//! one real control plane per test binary — upstream etcd, kube-apiserver,
//! kube-controller-manager and kube-scheduler, built by `testenv/build` — on 127.0.0.1 at free
//! ports with certificates generated here (rcgen), plus the simulated cluster's node agents
//! ([`crate::agents`]) as its kubelets and external storage controllers. Flags as
//! `testenv/smoke`'s (each explained in testenv/README.md), with golden's drill timings.
//!
//! Nothing is left running: each process is started under a small `sh` watcher that reads the
//! test binary's end of a pipe and ends the process by its pid (SIGTERM, SIGKILL after 10 s)
//! when that pipe closes — when the test binary exits, however it exits (libtest never drops a
//! static). The run's directory (certificates, kubeconfigs, the four logs) is removed then too,
//! unless a test failed ([`ControlPlane::keep_logs`]): then it is kept and its path printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::agents::{AgentSpec, Agents};
use crate::SimConfig;

/// `real`: the tests run on a control plane of their own (see the module).
pub const CONTROL_PLANE_ENV: &str = "KUBECTL_STS_TEST_CONTROL_PLANE";
/// The directory holding the four binaries (default: what `testenv/build` prints).
pub const BIN_ENV: &str = "KUBECTL_STS_TEST_CONTROL_PLANE_BIN";
/// Nodes the agents run (default 3, as the simulated labs).
pub const NODES_ENV: &str = "KUBECTL_STS_TEST_NODES";
/// Zones the agents' nodes are spread over (comma-separated; default none, as a kind cluster).
pub const ZONES_ENV: &str = "KUBECTL_STS_TEST_ZONES";

pub fn wanted() -> bool {
    std::env::var(CONTROL_PLANE_ENV).is_ok_and(|v| v == "real")
}

pub struct ControlPlane {
    pub dir: PathBuf,
    /// An admin (`system:masters`): what the tests and the agents use.
    pub admin_kubeconfig: PathBuf,
    /// `bob`, a user with no role at all (permission tests on real RBAC).
    pub user_kubeconfig: PathBuf,
    pub server: String,
    pub nodes: Vec<String>,
    /// The watchers' pipes: closed (at exit) they end the processes.
    _pipes: Vec<ChildStdin>,
    _watchers: Vec<Child>,
    _agents: Agents,
    pub started_in: Duration,
}

/// The control plane of this test binary, started on first use.
pub fn get() -> &'static ControlPlane {
    static CP: std::sync::OnceLock<Result<ControlPlane, String>> = std::sync::OnceLock::new();
    match CP.get_or_init(ControlPlane::start) {
        Ok(cp) => cp,
        Err(e) => panic!("{CONTROL_PLANE_ENV}=real: cannot start the control plane: {e}"),
    }
}

fn run_ok(cmd: &mut Command) -> bool {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn kubectl() -> Command {
    Command::new(std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into()))
}

/// A free port below the kernel's ephemeral range (an outgoing connection cannot take it between
/// this check and the bind), as testenv/smoke chooses them.
fn free_port(taken: &mut Vec<u16>) -> u16 {
    let lo = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|p| p.parse::<u16>().ok())
        })
        .filter(|&p| p > 11000)
        .unwrap_or(32768);
    loop {
        let r = uuid::Uuid::new_v4().as_u128();
        let p = 10000 + (r % u128::from(lo - 10000)) as u16;
        if taken.contains(&p) {
            continue;
        }
        if std::net::TcpListener::bind(("127.0.0.1", p)).is_ok() {
            taken.push(p);
            return p;
        }
    }
}

struct Certs {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
    sa_pub: String,
    sa_key: String,
}

fn certs() -> Result<Certs, String> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
        SanType,
    };
    let e = |e: rcgen::Error| e.to_string();
    let ca_key = KeyPair::generate().map_err(e)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(e)?;
    ca.distinguished_name
        .push(DnType::CommonName, "kubectl-sts-test-ca");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).map_err(e)?;
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().map_err(e)?;
    // 127.0.0.1 for the tests, the in-cluster names and the Service IP as kubeadm's
    let mut params = CertificateParams::new(
        [
            "localhost",
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local",
        ]
        .map(String::from)
        .to_vec(),
    )
    .map_err(e)?;
    for ip in [[127, 0, 0, 1], [10, 0, 0, 1]] {
        params
            .subject_alt_names
            .push(SanType::IpAddress(std::net::IpAddr::from(ip)));
    }
    params
        .distinguished_name
        .push(DnType::CommonName, "kube-apiserver");
    let cert = params.signed_by(&key, &issuer).map_err(e)?;
    // the service-account signing key: ECDSA P-256 (ES256 tokens), PKCS#8 and its SPKI public key
    let sa = KeyPair::generate().map_err(e)?;
    Ok(Certs {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        sa_pub: sa.public_key_pem(),
        sa_key: sa.serialize_pem(),
    })
}

fn token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Starts `bin args` under a watcher that ends it by pid when `pipe` closes; its output goes to
/// `log`.
fn spawn_watched(bin: &Path, args: &[String], log: &Path) -> Result<(Child, ChildStdin), String> {
    const WATCHER: &str = r#"log=$1; shift
exec 3<&0 </dev/null
"$@" >>"$log" 2>&1 &
pid=$!
{ cat <&3 >/dev/null; kill -TERM "$pid" 2>/dev/null; i=0
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  kill -KILL "$pid" 2>/dev/null; } &
wait "$pid""#;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(WATCHER)
        .arg("watcher")
        .arg(log)
        .arg(bin)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("start {}: {e}", bin.display()))?;
    let pipe = child.stdin.take().expect("piped");
    Ok((child, pipe))
}

fn binaries() -> Result<PathBuf, String> {
    if let Some(b) = std::env::var_os(BIN_ENV) {
        return Ok(PathBuf::from(b));
    }
    let build = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testenv/build");
    let out = Command::new(&build)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("run {}: {e}", build.display()))?;
    if !out.status.success() {
        return Err(format!("{} failed", build.display()));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

impl ControlPlane {
    fn start() -> Result<ControlPlane, String> {
        let t0 = Instant::now();
        let bin = binaries()?;
        let dir = tempfile::Builder::new()
            .prefix("kubectl-sts-controlplane.")
            .tempdir()
            .map_err(|e| e.to_string())?
            .keep();
        let w = |name: &str, text: &str| -> Result<PathBuf, String> {
            let p = dir.join(name);
            std::fs::write(&p, text).map_err(|e| format!("write {}: {e}", p.display()))?;
            Ok(p)
        };
        let c = certs()?;
        let ca = w("ca.crt", &c.ca_pem)?;
        let cert = w("apiserver.crt", &c.cert_pem)?;
        let key = w("apiserver.key", &c.key_pem)?;
        let sa_pub = w("sa.pub", &c.sa_pub)?;
        let sa_key = w("sa.key", &c.sa_key)?;
        let (admin, kcm, sched, bob) = (token(), token(), token(), token());
        // an admin; the identities the bootstrap RBAC policy grants the controller manager's
        // and the scheduler's rights to; bob, bound to nothing
        let tokens = w(
            "tokens.csv",
            &format!(
                "{admin},admin,uid-admin,\"system:masters\"\n{kcm},system:kube-controller-manager,uid-kcm\n{sched},system:kube-scheduler,uid-scheduler\n{bob},bob,uid-bob\n"
            ),
        )?;
        let mut taken = vec![];
        let (etcd_port, api_port, kcm_port, sched_port) = (
            free_port(&mut taken),
            free_port(&mut taken),
            free_port(&mut taken),
            free_port(&mut taken),
        );
        let server = format!("https://127.0.0.1:{api_port}");
        let kc =
            |name: &str, t: &str| w(name, &crate::kubeconfig(&server, Some(&c.ca_pem), Some(t)));
        let admin_kc = kc("admin.kubeconfig", &admin)?;
        let kcm_kc = kc("kcm.kubeconfig", &kcm)?;
        let sched_kc = kc("scheduler.kubeconfig", &sched)?;
        let bob_kc = kc("bob.kubeconfig", &bob)?;
        let d = |p: &Path| p.display().to_string();
        let mut pipes = vec![];
        let mut watchers = vec![];
        // the run's directory goes when the test binary does, unless a test failed
        let janitor = format!(
            "exec 3<&0 </dev/null; cat <&3 >/dev/null; sleep 11; [ -e '{0}/keep' ] || rm -rf '{0}'",
            dir.display()
        );
        let mut j = Command::new("sh")
            .arg("-c")
            .arg(janitor)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        pipes.push(j.stdin.take().expect("piped"));
        watchers.push(j);
        let mut start = |name: &str, args: Vec<String>| -> Result<(), String> {
            let (child, pipe) =
                spawn_watched(&bin.join(name), &args, &dir.join(format!("{name}.log")))?;
            watchers.push(child);
            pipes.push(pipe);
            Ok(())
        };

        start(
            "etcd",
            vec![
                format!("--data-dir={}", d(&dir.join("etcd"))),
                format!("--listen-client-urls=http://127.0.0.1:{etcd_port}"),
                "--unsafe-no-fsync".into(),
            ],
        )?;
        let log_tail = |name: &str| {
            let text = std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(15)..].join("\n")
        };
        let wait =
            |what: &str, secs: u64, mut ok: Box<dyn FnMut() -> bool + '_>| -> Result<(), String> {
                let deadline = Instant::now() + Duration::from_secs(secs);
                while !ok() {
                    if Instant::now() > deadline {
                        return Err(format!(
                            "{what}: not within {secs}s (logs in {})",
                            dir.display()
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(300));
                }
                Ok(())
            };
        wait(
            "etcd /readyz",
            60,
            Box::new(|| {
                run_ok(kubectl().args([
                    "--kubeconfig=/dev/null",
                    &format!("--server=http://127.0.0.1:{etcd_port}"),
                    "get",
                    "--raw",
                    "/readyz",
                ]))
            }),
        )
        .map_err(|e| format!("{e}\n{}", log_tail("etcd")))?;
        start(
            "kube-apiserver",
            vec![
                format!("--etcd-servers=http://127.0.0.1:{etcd_port}"),
                "--bind-address=127.0.0.1".into(),
                format!("--secure-port={api_port}"),
                "--advertise-address=127.0.0.1".into(),
                "--endpoint-reconciler-type=none".into(),
                format!("--tls-cert-file={}", d(&cert)),
                format!("--tls-private-key-file={}", d(&key)),
                format!("--token-auth-file={}", d(&tokens)),
                "--authorization-mode=Node,RBAC".into(),
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local".into(),
                format!("--service-account-key-file={}", d(&sa_pub)),
                format!("--service-account-signing-key-file={}", d(&sa_key)),
                "--service-cluster-ip-range=10.0.0.0/24".into(),
                // golden's drill timings (DefaultTolerationSeconds admission, 300 s by default)
                "--default-not-ready-toleration-seconds=10".into(),
                "--default-unreachable-toleration-seconds=10".into(),
            ],
        )?;
        wait(
            "kube-apiserver /readyz",
            120,
            Box::new(|| {
                run_ok(
                    kubectl()
                        .arg("--kubeconfig")
                        .arg(&admin_kc)
                        .args(["get", "--raw", "/readyz"]),
                )
            }),
        )
        .map_err(|e| format!("{e}\n{}", log_tail("kube-apiserver")))?;
        let common = |kc: &Path, port: u16, certs: &str| {
            vec![
                format!("--kubeconfig={}", d(kc)),
                format!("--authentication-kubeconfig={}", d(kc)),
                "--authentication-skip-lookup=true".into(),
                format!("--authorization-kubeconfig={}", d(kc)),
                "--bind-address=127.0.0.1".into(),
                format!("--secure-port={port}"),
                "--leader-elect=false".into(),
                format!("--cert-dir={}", d(&dir.join(certs))),
            ]
        };
        let mut kcm_args = common(&kcm_kc, kcm_port, "kcm-certs");
        kcm_args.extend([
            "--use-service-account-credentials=true".into(),
            format!("--root-ca-file={}", d(&ca)),
            // golden's drill timings: a silent node is Unknown after 8 s (default 50 s),
            // checked every 2 s (default 5 s)
            "--node-monitor-grace-period=8s".into(),
            "--node-monitor-period=2s".into(),
        ]);
        start("kube-controller-manager", kcm_args)?;
        start(
            "kube-scheduler",
            common(&sched_kc, sched_port, "scheduler-certs"),
        )?;
        // the controller manager acts: its service-account controller makes default/default
        wait(
            "ServiceAccount default/default",
            120,
            Box::new(|| {
                run_ok(kubectl().arg("--kubeconfig").arg(&admin_kc).args([
                    "get",
                    "serviceaccount",
                    "default",
                    "-n",
                    "default",
                ]))
            }),
        )
        .map_err(|e| format!("{e}\n{}", log_tail("kube-controller-manager")))?;

        let nodes: usize = std::env::var(NODES_ENV)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(3);
        let zones: Vec<String> = std::env::var(ZONES_ENV)
            .map(|z| {
                z.split(',')
                    .filter(|z| !z.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let kubeconfig =
            kube::config::Kubeconfig::read_from(&admin_kc).map_err(|e| e.to_string())?;
        let config = {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(kube::Config::from_custom_kubeconfig(
                kubeconfig,
                &Default::default(),
            ))
            .map_err(|e| e.to_string())?
        };
        let agents = Agents::start(
            config,
            AgentSpec {
                nodes,
                zones,
                config: SimConfig {
                    // golden's drill: leases every 2 s against the 8 s grace; pod start and
                    // container stop 5x faster, as Cluster::fast
                    lease_renew: Duration::from_secs(2),
                    speed: 5.0,
                    ..SimConfig::default()
                },
            },
        )?;
        let names = agents.nodes.clone();
        // Ready, and the not-ready taint TaintNodesByCondition put on at registration gone
        wait(
            "the agents' nodes Ready and schedulable",
            120,
            Box::new(|| {
                let out = kubectl()
                    .arg("--kubeconfig")
                    .arg(&admin_kc)
                    .args(["get", "nodes", "-o", "json"])
                    .stdin(Stdio::null())
                    .output();
                let Ok(out) = out else { return false };
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
                let ready = v["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|n| {
                        crate::controllers::condition_true(n, "Ready")
                            && n["spec"]["taints"].as_array().is_none_or(|t| t.is_empty())
                    })
                    .count();
                ready >= names.len()
            }),
        )
        .map_err(|e| format!("{e}\n{}", log_tail("kube-controller-manager")))?;
        let started_in = t0.elapsed();
        let _ = writeln!(
            std::io::stderr(),
            "control plane: {server}, nodes {} ready after {:.1}s; run directory {}",
            names.join(","),
            started_in.as_secs_f64(),
            dir.display()
        );
        Ok(ControlPlane {
            dir,
            admin_kubeconfig: admin_kc,
            user_kubeconfig: bob_kc,
            server,
            nodes: names,
            _pipes: pipes,
            _watchers: watchers,
            _agents: agents,
            started_in,
        })
    }

    /// A test failed: the run's directory (the four logs) stays after the test binary exits.
    pub fn keep_logs(&self) {
        if std::fs::write(self.dir.join("keep"), "").is_ok() {
            let _ = writeln!(
                std::io::stderr(),
                "control plane logs kept in {} (a test failed)",
                self.dir.display()
            );
        }
    }
}
