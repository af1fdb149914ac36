//! `krew-manifest.yaml` is a krew-release-bot template: rendered as the bot does
//! (tag, `addURIAndSha`), it must be a valid krew Plugin manifest for the
//! binary this crate builds.

use std::path::Path;

use serde_json::Value;

/// Renders the template the way krew-release-bot does; the digest stands in for the
/// archive's (here: of the URL, hex like the real one).
fn render(template: &str, tag: &str) -> String {
    let mut out = String::new();
    for line in template.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("{{addURIAndSha \"") {
            let indent = &line[..line.len() - trimmed.len()];
            let url = rest
                .split('"')
                .next()
                .unwrap()
                .replace("{{ .TagName }}", tag);
            out.push_str(&format!(
                "{indent}uri: {url}\n{indent}sha256: {}\n",
                digest(&url)
            ));
        } else {
            out.push_str(&line.replace("{{ .TagName }}", tag));
            out.push('\n');
        }
    }
    out
}

fn digest(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn krew_manifest_renders_to_a_valid_plugin() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("krew-manifest.yaml");
    let template = std::fs::read_to_string(path).unwrap();
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    let rendered = render(&template, &tag);
    assert!(
        !rendered.contains("{{"),
        "unrendered template left:\n{rendered}"
    );
    let m: Value = serde_saphyr::from_str(&rendered).expect("rendered manifest is YAML");
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
    assert!(m["spec"]["homepage"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
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
        assert!(uri.starts_with("https://") && uri.contains(&tag), "{uri}");
        assert!(uri.ends_with(".tar.gz") || uri.ends_with(".zip"), "{uri}");
        let sha = p["sha256"].as_str().unwrap();
        assert!(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()));
        let bin = p["bin"].as_str().unwrap();
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
