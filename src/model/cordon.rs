//! A node's cordon as pure decisions: whether a cordon write may be made again after a 409
//! (the kubelet writes its node's status every few seconds, which moves the resourceVersion the
//! write was conditioned on).

use k8s_openapi::api::core::v1::Node;

/// `spec.unschedulable`.
pub fn cordoned(node: &Node) -> bool {
    node.spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
}

/// The node read again after a 409 on drain's cordon: None when the cordon may be written
/// again (the same node object, still not cordoned: what moved was its status); Some(why) when
/// someone else acted on the node meanwhile.
pub fn cordon_moved(uid: &str, now: &Node) -> Option<String> {
    let name = now.metadata.name.as_deref().unwrap_or_default();
    if now.metadata.uid.as_deref() != Some(uid) {
        Some(format!("node {name} was deleted and registered again"))
    } else if cordoned(now) {
        Some(format!(
            "node {name} was cordoned by someone else meanwhile"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(uid: &str, unschedulable: bool) -> Node {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "n1", "uid": uid},
            "spec": {"unschedulable": unschedulable},
        }))
        .unwrap()
    }

    #[test]
    fn a_status_write_does_not_stop_a_cordon_someone_elses_cordon_does() {
        assert_eq!(cordon_moved("u1", &node("u1", false)), None);
        assert_eq!(
            cordon_moved("u1", &node("u1", true)).as_deref(),
            Some("node n1 was cordoned by someone else meanwhile")
        );
        assert_eq!(
            cordon_moved("u1", &node("u2", false)).as_deref(),
            Some("node n1 was deleted and registered again")
        );
    }
}
