//! HTTPS with bearer tokens: kubectl, kube-rs and the tool; a missing token is 401,
//! a denied verb is 403 with the real message.

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kubectl_sts::sim::SimConfig;

use crate::harness::Cluster;

fn secured(test: &str) -> Option<Cluster> {
    let config = SimConfig {
        tls: true,
        tokens: vec![
            ("admin-token".into(), "admin".into()),
            ("bob-token".into(), "bob".into()),
        ],
        deny: vec![("bob".into(), "list".into(), "pods".into())],
        anonymous_auth: false,
        ..SimConfig::default()
    };
    let c = Cluster::with_nodes(test, 0, config);
    c.is_sim().then_some(c)
}

fn kubeconfig_for(c: &Cluster, name: &str, token: Option<&str>) -> std::path::PathBuf {
    let p = c.dir.path().join(name);
    std::fs::write(&p, c.server().unwrap().kubeconfig_for(token)).unwrap();
    p
}

#[test]
fn kubectl_and_kube_rs_over_https_with_tokens() {
    let Some(c) = secured("tls") else { return };
    assert!(c.server_url().unwrap().starts_with("https://127.0.0.1:"));
    let ok = c.kubectl(&["get", "pods"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stderr.contains("No resources found"), "{}", ok.stderr);
    let pods: Api<Pod> = Api::namespaced(c.client(), &c.namespace);
    assert!(c
        .rt
        .block_on(pods.list(&ListParams::default()))
        .unwrap()
        .items
        .is_empty());

    // (kubectl with no credentials at all prompts for a password; a wrong token is the 401 case)
    let wrong = kubeconfig_for(&c, "wrong", Some("not-a-token"));
    let out = c.kubectl_with(&["get", "pods"], &wrong);
    assert_eq!(out.code, 1);
    // what kubectl says when discovery is refused with 401
    assert_eq!(out.stderr.lines().last().unwrap(), "error: You must be logged in to the server (the server has asked for the client to provide credentials)");

    let bob = kubeconfig_for(&c, "bob", Some("bob-token"));
    let out = c.kubectl_with(&["get", "pods"], &bob);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr.trim(),
        format!("Error from server (Forbidden): pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"{}\"", c.namespace)
    );
    assert_eq!(
        c.kubectl_with(&["get", "services"], &bob).code,
        0,
        "only the denied verb is refused"
    );

    // the tool over https (CA from the kubeconfig, token, retry stack)
    let o = c.sts(&["inspect"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout.trim(), "No StatefulSets found.");
    // the tool with no token at all: 401, one line, exit 1
    let anonymous = kubeconfig_for(&c, "anonymous", None);
    let o = c.sts_with(&["inspect", "x"], &anonymous);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("unauthorized (401)"), "{}", o.stderr);
}

#[test]
fn verbose_logs_requests_without_credentials() {
    for tls in [true, false] {
        let config = SimConfig {
            tls,
            tokens: vec![("s3cr3t-token".into(), "admin".into())],
            ..SimConfig::default()
        };
        let c = Cluster::with_nodes(if tls { "verbose-tls" } else { "verbose-http" }, 0, config);
        if !c.is_sim() {
            return;
        }
        let o = c.sts(&["inspect", "nope", "-v"]);
        assert_eq!(o.code, 3, "{}", o.stderr);
        assert!(
            o.stderr.lines().any(|l| l.starts_with("I GET ")
                && l.contains("/apis/apps/v1/namespaces/")
                && l.contains("404")),
            "{}",
            o.stderr
        );
        assert!(
            !o.stderr.contains("s3cr3t"),
            "the token never appears: {}",
            o.stderr
        );
        assert_eq!(
            o.stderr.lines().last().unwrap(),
            format!(
                "error: statefulset \"nope\" not found in namespace \"{}\"",
                c.namespace
            )
        );
    }
}
