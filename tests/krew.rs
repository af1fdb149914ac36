//! Releases: the packaging command (`.ci/package`, the same on a laptop and in
//! `.github/workflows/release.yml`) lays out each platform's archive and its checksum and renders
//! `krew-manifest.yaml` (the krew-release-bot template) into a valid krew Plugin manifest with the
//! real checksums; the workflows call the commands the README documents; the crates package.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn package(dist: &Path, args: &[&str]) -> std::process::Output {
    Command::new(root().join(".ci/package"))
        .args(args)
        .env("DIST", dist)
        .output()
        .expect("run .ci/package")
}

/// Every platform's archive, packaged from the binary the tests built (the layout and the
/// manifest do not depend on which machine code is inside), and the manifest rendered from them.
/// Built once for the tests that read it (the test binary is large: gzip takes a while).
fn release() -> &'static (tempfile::TempDir, String) {
    static RELEASE: std::sync::OnceLock<(tempfile::TempDir, String)> = std::sync::OnceLock::new();
    RELEASE.get_or_init(|| build_release(&format!("v{}", env!("CARGO_PKG_VERSION"))))
}

fn build_release(tag: &str) -> (tempfile::TempDir, String) {
    let dist = tempfile::tempdir().unwrap();
    for target in TARGETS {
        let o = package(
            dist.path(),
            &["archive", tag, target, env!("CARGO_BIN_EXE_kubectl-sts")],
        );
        assert!(
            o.status.success(),
            "{target}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = package(dist.path(), &["manifest", tag]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rendered = std::fs::read_to_string(dist.path().join("sts.yaml")).unwrap();
    (dist, rendered)
}

#[test]
fn each_archive_holds_the_program_license_readme_and_completions_with_its_checksum() {
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    let (dist, _) = release();
    for target in TARGETS {
        let name = format!("kubectl-sts-{tag}-{target}.tar.gz");
        let archive = dist.path().join(&name);
        let sum = std::fs::read_to_string(dist.path().join(format!("{name}.sha256"))).unwrap();
        assert_eq!(
            sum,
            format!("{}  {name}\n", digest(&std::fs::read(&archive).unwrap()))
        );
        let list = Command::new("tar")
            .arg("-tzf")
            .arg(&archive)
            .output()
            .unwrap();
        let files = String::from_utf8_lossy(&list.stdout).to_string();
        let exe = if target.contains("windows") {
            "kubectl-sts.exe"
        } else {
            "kubectl-sts"
        };
        for want in [
            exe,
            "LICENSE",
            "README.md",
            "completions/kubectl_complete-sts",
            "completions/_kubectl-sts",
        ] {
            assert!(
                files.lines().any(|l| l == want),
                "{name} lacks {want}: {files}"
            );
        }
    }
    // the tag is the version, v-prefixed; anything else is refused before anything is written
    let o = package(
        dist.path(),
        &[
            "archive",
            "1.0.0",
            TARGETS[0],
            env!("CARGO_BIN_EXE_kubectl-sts"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("v-prefixed"));
    // a manifest for a version whose archives were not built says which one is missing
    let o = package(dist.path(), &["manifest", "v1.0.0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no archive"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn krew_manifest_renders_to_a_valid_plugin() {
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    let (dist, rendered) = release();
    assert!(
        !rendered.contains("{{"),
        "unrendered template left:\n{rendered}"
    );
    let m: Value = serde_saphyr::from_str(rendered).expect("rendered manifest is YAML");
    assert_eq!(
        m["apiVersion"],
        "krew.googlecontainertools.github.com/v1alpha2"
    );
    assert_eq!(m["kind"], "Plugin");
    // the plugin name is what `kubectl sts` dispatches to: the binary kubectl-sts
    assert_eq!(m["metadata"]["name"], "sts");
    assert_eq!(m["spec"]["version"], tag.as_str());
    let short = m["spec"]["shortDescription"].as_str().unwrap();
    assert!(!short.is_empty() && short.len() <= 50, "{short:?}");
    assert!(m["spec"]["description"].as_str().unwrap().len() > 100);
    // one repository everywhere: the crate's metadata, the homepage, every download
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let repo = cargo
        .lines()
        .find_map(|l| l.strip_prefix("repository = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("Cargo.toml names its repository");
    assert_eq!(m["spec"]["homepage"], repo);
    // the caveats say how to get the plugin names, and the RBAC each command needs
    let caveats = m["spec"]["caveats"].as_str().unwrap();
    for want in [
        "kubectl sts install-links",
        "nodes",
        "leases",
        "pods/eviction",
        "poddisruptionbudgets",
    ] {
        assert!(caveats.contains(want), "caveats lack {want}: {caveats}");
    }
    let platforms = m["spec"]["platforms"].as_array().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for p in platforms {
        let labels = &p["selector"]["matchLabels"];
        let (os, arch) = (
            labels["os"].as_str().unwrap(),
            labels["arch"].as_str().unwrap(),
        );
        assert!(seen.insert((os, arch)), "duplicate platform {os}/{arch}");
        let uri = p["uri"].as_str().unwrap();
        let file = format!("kubectl-sts-{tag}-");
        assert!(
            uri.starts_with(&format!("{repo}/releases/download/{tag}/{file}"))
                && uri.ends_with(".tar.gz"),
            "{uri}"
        );
        // the checksum is the archive's, and the archive holds the `bin`
        let archive = dist.path().join(uri.rsplit('/').next().unwrap());
        assert_eq!(
            p["sha256"],
            digest(&std::fs::read(&archive).unwrap()),
            "{uri}"
        );
        let bin = p["bin"].as_str().unwrap();
        let list = Command::new("tar")
            .arg("-tzf")
            .arg(&archive)
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&list.stdout)
                .lines()
                .any(|l| l == bin),
            "{bin} not in {uri}"
        );
        let want = if os == "windows" {
            "kubectl-sts.exe"
        } else {
            "kubectl-sts"
        };
        assert_eq!(bin, want, "{os}/{arch}");
    }
    for want in [
        ("linux", "amd64"),
        ("linux", "arm64"),
        ("darwin", "amd64"),
        ("darwin", "arm64"),
        ("windows", "amd64"),
    ] {
        assert!(seen.contains(&want), "missing platform {want:?}");
    }
}

fn workflow(name: &str) -> (String, Value) {
    let text = std::fs::read_to_string(root().join(".github/workflows").join(name)).unwrap();
    let v: Value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    (text, v)
}

/// Every `run:` of a workflow's jobs, joined.
fn runs(v: &Value) -> String {
    let mut out = String::new();
    for job in v["jobs"].as_object().unwrap().values() {
        for step in job["steps"].as_array().unwrap() {
            if let Some(r) = step["run"].as_str() {
                out.push_str(r);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn the_workflows_run_the_commands_the_readme_documents() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let test_command = "cargo test --locked --workspace";
    assert!(
        readme.contains(&format!("```sh\n{test_command}\n```")),
        "the README shows the test command"
    );
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert_eq!(
        ci.lines().last(),
        Some(test_command),
        ".ci/run ends with the README's test command"
    );

    // pull requests: .ci/run, as every stop
    let (_, v) = workflow("ci.yml");
    assert!(v["on"].as_object().unwrap().contains_key("pull_request"));
    assert!(runs(&v).lines().any(|l| l.trim() == ".ci/run"));

    // releases: the packaging command for every platform the manifest names, then the manifest,
    // the release, krew-release-bot on the same template, and the crates
    let (text, v) = workflow("release.yml");
    assert_eq!(v["on"]["push"]["tags"][0], "v*");
    let matrix: Vec<&str> = v["jobs"]["archive"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    assert_eq!(matrix, TARGETS);
    let r = runs(&v);
    assert!(
        r.contains(".ci/package archive \"$GITHUB_REF_NAME\""),
        "{r}"
    );
    assert!(
        r.contains(".ci/package manifest \"$GITHUB_REF_NAME\""),
        "{r}"
    );
    assert!(
        text.contains("rajatjindal/krew-release-bot@")
            && text.contains("krew_template_file: krew-manifest.yaml")
    );
    for krate in ["kube-common", "kube-sim", "kubectl-sts"] {
        assert!(
            r.contains(&format!("cargo publish --locked -p {krate}")),
            "{krate}"
        );
    }
    assert!(readme.contains(".ci/package archive") && readme.contains(".ci/package manifest"));

    // the real cluster: the README's test command with the variables the README names
    let (_, v) = workflow("e2e.yml");
    let job = &v["jobs"]["kind"];
    assert!(
        job["timeout-minutes"].as_i64().unwrap() >= 120,
        "room for the 6-minute forced-detach tests"
    );
    let step = job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["run"].as_str().is_some_and(|r| r.contains(test_command)))
        .expect("a step runs the test command");
    for var in [
        "KUBECTL_STS_TEST_KUBECONFIG",
        "KUBECTL_STS_TEST_LOCAL_CLASS",
        "KUBECTL_STS_TEST_POWER_CMD",
    ] {
        assert!(step["env"].get(var).is_some(), "{var}");
        assert!(readme.contains(var), "README names {var}");
    }
    assert_eq!(step["env"]["KUBECTL_STS_TEST_LOCAL_CLASS"], "standard");
    assert_eq!(step["env"]["KUBECTL_STS_TEST_POWER_CMD"], ".ci/kind-power");
    assert!(root().join(".ci/kind-power").exists() && root().join(".ci/kind.yaml").exists());
}

/// What `cargo publish` would upload for each crate (`cargo package --list`: no network).
#[test]
fn each_published_crate_holds_its_license_readme_and_sources_only() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for (krate, must) in [
        ("kube-common", vec!["src/lib.rs"]),
        (
            "kube-sim",
            vec![
                "src/lib.rs",
                "src/openapi/v2.json.gz",
                "src/scenarios/seed.yaml",
            ],
        ),
        (
            "kubectl-sts",
            vec![
                "src/main.rs",
                "completions/kubectl_complete-sts",
                "Cargo.lock",
            ],
        ),
    ] {
        let o = Command::new(&cargo)
            .args([
                "package",
                "-p",
                krate,
                "--locked",
                "--offline",
                "--no-verify",
                "--list",
                "--allow-dirty",
            ])
            .current_dir(root())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{krate}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let files = String::from_utf8_lossy(&o.stdout).to_string();
        for want in ["Cargo.toml", "LICENSE", "README.md"].iter().chain(&must) {
            assert!(
                files.lines().any(|l| l == *want),
                "{krate} lacks {want}:\n{files}"
            );
        }
        // the repository's tests, fixtures and recorded answers stay in the repository
        for l in files.lines() {
            assert!(
                !l.starts_with("tests/") && !l.starts_with("golden/") && !l.starts_with("benches/"),
                "{krate} ships {l}"
            );
        }
    }
}
