//! The namespace controller (`pkg/controller/namespace`): a Terminating namespace
//! has its contents deleted, then its `kubernetes` finalizer removed, and goes.

use serde_json::json;

use super::{deleting, name, Controller};
use crate::registry::DeleteOpts;
use crate::resources::RESOURCES;
use crate::Sim;

pub struct NamespaceController;

impl Controller for NamespaceController {
    fn name(&self) -> &'static str {
        "namespace-controller"
    }

    fn reconcile(&mut self, sim: &Sim) {
        // the serviceaccounts controller (pkg/controller/serviceaccount): every active namespace
        // has a `default` ServiceAccount, created within moments of the namespace, and again if
        // it is deleted
        for ns in sim
            .list_kind("Namespace", None)
            .into_iter()
            .filter(|n| !deleting(n))
        {
            let n = name(&ns);
            if sim.get_kind("ServiceAccount", n, "default").is_none() {
                let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount",
                    "metadata": {"name": "default", "namespace": n}});
                let _ = sim.create_kind("ServiceAccount", n, sa);
            }
        }
        for ns in sim
            .list_kind("Namespace", None)
            .into_iter()
            .filter(|n| deleting(n))
        {
            let n = name(&ns).to_string();
            let mut left = 0;
            for def in RESOURCES.iter().filter(|d| d.namespaced) {
                for o in sim.list_kind(def.kind, Some(&n)) {
                    left += 1;
                    if !deleting(&o) {
                        let _ = sim.delete_kind(def.kind, &n, name(&o), &DeleteOpts::default());
                    }
                }
            }
            if left == 0 {
                // finalize: the last finalizer gone, the registry removes it
                let mut done = (*ns).clone();
                done["spec"]["finalizers"] = json!([]);
                let _ = sim.registry.update(
                    super::def("Namespace"),
                    "",
                    &n,
                    done,
                    Some("finalize"),
                    &Default::default(),
                );
            }
        }
    }
}
