//! HTTPS with bearer tokens: kubectl and kube-rs; a missing token is 401,
//! a denied verb is 403 with the real message.

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};

use crate::harness::{kubeconfig_for, secured};

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
}
