//! Ready-made cluster states for benchmarks and tests: a StatefulSet of any size
//! as a real cluster holds it after its rollout (pods Running and Ready, claims
//! Bound to node-pinned PVs, attachments), loaded with [`super::Registry::restore`].

use serde_json::{json, Value};

use super::controllers::kubelet::node_object;
use super::registry::now;

/// `name` with `replicas` ordinals in `ns`, spread over `nodes` nodes.
pub fn rolled_out_statefulset(ns: &str, name: &str, replicas: usize, nodes: usize) -> Vec<Value> {
    let t = now();
    let sts_uid = uuid::Uuid::new_v4().to_string();
    let rev = format!("{name}-5d8f7c9b4");
    let mut out = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": t, "labels": {"kubernetes.io/metadata.name": ns}}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": t, "labels": {"app": name}},
            "spec": {"clusterIP": "None", "clusterIPs": ["None"], "ports": [{"name": "web", "port": 80, "protocol": "TCP", "targetPort": 80}], "selector": {"app": name}, "type": "ClusterIP", "sessionAffinity": "None"}, "status": {"loadBalancer": {}}}),
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name, "namespace": ns, "uid": sts_uid, "generation": 1, "creationTimestamp": t},
            "spec": {"replicas": replicas, "serviceName": name, "podManagementPolicy": "Parallel", "revisionHistoryLimit": 10,
                "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                "selector": {"matchLabels": {"app": name}}, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.9"}]}},
                "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "local-path", "volumeMode": "Filesystem"}}]},
            "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas, "currentReplicas": replicas, "updatedReplicas": replicas,
                "currentRevision": rev, "updateRevision": rev, "observedGeneration": 1, "collisionCount": 0}}),
    ];
    // the revision the StatefulSet controller would find equal to its template (no rolling update)
    let mut template = out[2]["spec"]["template"].clone();
    template["$patch"] = json!("replace");
    out.push(json!({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": rev, "namespace": ns, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": t,
        "labels": {"app": name, "controller.kubernetes.io/hash": "5d8f7c9b4"},
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": name, "uid": sts_uid, "controller": true, "blockOwnerDeletion": true}]},
        "data": {"spec": {"template": template}}, "revision": 1}));
    for n in 1..=nodes {
        let mut node = node_object(&format!("n{n}"), n);
        node["metadata"]["uid"] = json!(uuid::Uuid::new_v4().to_string());
        node["metadata"]["creationTimestamp"] = json!(t);
        out.push(node);
    }
    for i in 0..replicas {
        let pod = format!("{name}-{i}");
        let node = format!("n{}", i % nodes.max(1) + 1);
        let claim = format!("data-{pod}");
        let claim_uid = uuid::Uuid::new_v4().to_string();
        let pv = format!("pvc-{claim_uid}");
        out.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": pod, "namespace": ns, "uid": uuid::Uuid::new_v4().to_string(), "generation": 1, "creationTimestamp": t,
                "labels": {"app": name, "controller-revision-hash": rev, "statefulset.kubernetes.io/pod-name": pod, "apps.kubernetes.io/pod-index": i.to_string()},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": name, "uid": sts_uid, "controller": true, "blockOwnerDeletion": true}]},
            "spec": {"nodeName": node, "hostname": pod, "subdomain": name, "containers": [{"name": "app", "image": "registry.k8s.io/pause:3.9"}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}],
                "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}, {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]},
            "status": {"phase": "Running", "podIP": format!("10.244.{}.{}", i / 250, i % 250 + 2), "podIPs": [{"ip": format!("10.244.{}.{}", i / 250, i % 250 + 2)}], "startTime": t,
                "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": t}, {"type": "PodScheduled", "status": "True", "lastTransitionTime": t}],
                "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "started": true, "image": "registry.k8s.io/pause:3.9", "imageID": "", "state": {"running": {"startedAt": t}}}]}}));
        out.push(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": claim, "namespace": ns, "uid": claim_uid, "creationTimestamp": t, "labels": {"app": name}, "finalizers": ["kubernetes.io/pvc-protection"]},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "local-path", "volumeMode": "Filesystem", "volumeName": pv},
            "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}}));
        out.push(json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": pv, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": t, "finalizers": ["kubernetes.io/pv-protection"]},
            "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}, "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": claim, "namespace": ns, "uid": claim_uid},
                "csi": {"driver": "local-path.csi.rancher.io", "volumeHandle": pv}, "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "local-path", "volumeMode": "Filesystem",
                "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}},
            "status": {"phase": "Bound"}}));
    }
    out
}
