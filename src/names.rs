//! What a name typed on the command line may be, checked before any request is sent: the
//! API server's own rules (apimachinery `pkg/util/validation`: `IsDNS1123Subdomain`,
//! `IsDNS1123Label`, with its messages), and the `KIND/NAME` forms kubectl users type.
//! A name that passes cannot change the path of a request (no `/`, `?`, `#`, `%`).

/// A duration flag: Go's syntax (`40s`, `1m30s`, `500ms`) as kubectl takes it, or a bare `0`.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    if s == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    kube_common::duration::parse_duration(s)
}

/// `metadata.name` of StatefulSets and pods (`NameIsDNSSubdomain`).
pub fn dns1123_subdomain(s: &str) -> Result<(), String> {
    const MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 253 {
        return Err(format!(
            "must be no more than 253 characters, not {}",
            s.len()
        ));
    }
    if !s.split('.').all(label_chars) {
        return Err(MSG.into());
    }
    Ok(())
}

/// Namespaces (`IsDNS1123Label`).
pub fn dns1123_label(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 63 {
        return Err(format!(
            "must be no more than 63 characters, not {}",
            s.len()
        ));
    }
    if !label_chars(s) {
        return Err("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')".into());
    }
    Ok(())
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn label_chars(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && b.first().is_some_and(alnum)
        && b.last().is_some_and(alnum)
        && b.iter().all(|c| alnum(c) || *c == b'-')
}

/// The resource words kubectl accepts before a `/` for each kind this tool takes.
const STATEFULSET_WORDS: &[&str] = &[
    "sts",
    "statefulset",
    "statefulsets",
    "sts.apps",
    "statefulset.apps",
    "statefulsets.apps",
];
const POD_WORDS: &[&str] = &["pod", "pods", "po"];
const NODE_WORDS: &[&str] = &["node", "nodes", "no"];

fn kind_name(arg: &str, words: &[&str], kind: &str) -> Result<String, String> {
    let name = match arg.split_once('/') {
        Some((word, name)) if words.contains(&word.to_ascii_lowercase().as_str()) => name,
        Some((word, _)) if !word.is_empty() && !word.contains(['?', '#', '%']) => {
            return Err(format!(
                "\"{arg}\" does not name a {kind}: give NAME or {}/NAME",
                words[0]
            ))
        }
        _ => arg,
    };
    dns1123_subdomain(name)
        .map_err(|why| format!("\"{name}\" is not a valid {kind} name: {why}"))?;
    Ok(name.to_string())
}

/// `NAME`, `sts/NAME`, `statefulset.apps/NAME` … → NAME.
pub fn statefulset(arg: &str) -> Result<String, String> {
    kind_name(arg, STATEFULSET_WORDS, "StatefulSet")
}

/// `NAME`, `pod/NAME`, `po/NAME` … → NAME.
pub fn pod(arg: &str) -> Result<String, String> {
    kind_name(arg, POD_WORDS, "pod")
}

/// `NAME`, `node/NAME` … → NAME.
pub fn node(arg: &str) -> Result<String, String> {
    kind_name(arg, NODE_WORDS, "node")
}

/// `-n`: a namespace name.
pub fn namespace(arg: &str) -> Result<String, String> {
    dns1123_label(arg).map_err(|why| format!("\"{arg}\" is not a valid namespace name: {why}"))?;
    Ok(arg.to_string())
}

/// `--cluster-domain`: a DNS domain (the kubelet's `clusterDomain`), without a trailing dot.
pub fn cluster_domain(arg: &str) -> Result<String, String> {
    dns1123_subdomain(arg).map_err(|why| format!("\"{arg}\" is not a DNS domain: {why}"))?;
    Ok(arg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_forms_of_a_statefulset_name() {
        for ok in [
            "web",
            "sts/web",
            "statefulset/web",
            "StatefulSets/web",
            "statefulset.apps/web",
            "web.v2",
            "0-web",
        ] {
            let want = ok.rsplit('/').next().unwrap();
            assert_eq!(statefulset(ok).as_deref(), Ok(want), "{ok}");
        }
        for bad in [
            "",
            "sts/",
            "web/status",
            "deploy/web",
            "pod/web-0",
            "web?x=1",
            "web#x",
            "Web",
            "web_1",
            "-web",
            "web-",
            "web..v2",
            "web%2Fstatus",
            "sts/web/status",
            "a b",
        ] {
            assert!(statefulset(bad).is_err(), "{bad:?} accepted");
        }
        assert!(statefulset(&"a".repeat(254)).is_err());
        assert!(statefulset(&"a".repeat(253)).is_ok());
    }

    #[test]
    fn messages_say_what_is_wrong_in_one_line() {
        let e = statefulset("deploy/web").unwrap_err();
        assert_eq!(
            e,
            "\"deploy/web\" does not name a StatefulSet: give NAME or sts/NAME"
        );
        let e = statefulset("web?x=1").unwrap_err();
        assert!(
            e.starts_with(
                "\"web?x=1\" is not a valid StatefulSet name: a lowercase RFC 1123 subdomain"
            ),
            "{e}"
        );
        assert!(pod("sts/web-0")
            .unwrap_err()
            .contains("does not name a pod"));
        assert!(!statefulset("").unwrap_err().contains('\n'));
    }

    #[test]
    fn pods_nodes_namespaces_and_domains() {
        assert_eq!(pod("po/web-1").as_deref(), Ok("web-1"));
        assert_eq!(node("node/n1").as_deref(), Ok("n1"));
        assert!(pod("web-1/status").is_err());
        assert!(namespace("db").is_ok());
        assert!(
            namespace("my.ns").is_err(),
            "a namespace is a label: no dots"
        );
        assert!(namespace(&"a".repeat(64)).is_err());
        assert!(namespace("").is_err());
        assert!(cluster_domain("cluster.local").is_ok());
        for bad in [
            "",
            ".",
            "cluster.local.",
            "Cluster.Local",
            "a b",
            "-x.local",
        ] {
            assert!(cluster_domain(bad).is_err(), "{bad:?}");
        }
    }
}
