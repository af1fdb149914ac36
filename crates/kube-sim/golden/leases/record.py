#!/usr/bin/env python3
"""Records what a real kube-apiserver answers to the requests a StatefulSet's disruption Lease
makes (coordination.k8s.io/v1): create, a racing create, renewal, a stale update, an update
without resourceVersion, create-on-update, invalid specs, deletes with preconditions.

Usage: record.py SERVER TOKEN CA_FILE > exchanges.json  (an API server with the default
namespace; nothing else is needed: Leases have no controller). Requests may name values of
earlier answers as ${NAME}; `bind` names what an answer gives (a dotted path into its body).
The replay (crates/kube-sim/tests/api_leases.rs) makes the same requests with the same
substitutions and compares status codes, Status bodies (UIDs and numbers masked) and what the
exchange says to check of a returned Lease."""
import http.client, json, ssl, sys

server, token, ca = sys.argv[1:4]
host = server.split("://")[1]
ctx = ssl.create_default_context(cafile=ca)
B = "/apis/coordination.k8s.io/v1/namespaces/default/leases"


def lease(name, holder="a", duration=15, transitions=0, rv=None, uid=None, renew="10:00:00"):
    md = {"name": name}
    if rv is not None:
        md["resourceVersion"] = rv
    if uid is not None:
        md["uid"] = uid
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": md,
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": duration,
                     "leaseTransitions": transitions,
                     "renewTime": "2026-12-08T%s.000000Z" % renew}}


def delete(pre):
    return {"apiVersion": "v1", "kind": "DeleteOptions", "preconditions": pre}


STEPS = [
    ("create a Lease", "POST", B, lease("kubectl-sts.web"), {"rv1": "metadata.resourceVersion", "uid1": "metadata.uid"}),
    ("409 AlreadyExists: a racing create", "POST", B, lease("kubectl-sts.web", holder="b"), {}),
    ("renew with the current resourceVersion", "PUT", B + "/kubectl-sts.web", lease("kubectl-sts.web", rv="${rv1}", renew="10:00:05"), {"rv2": "metadata.resourceVersion"}),
    ("an update that changes nothing keeps the resourceVersion", "PUT", B + "/kubectl-sts.web", lease("kubectl-sts.web", rv="${rv2}", renew="10:00:05"), {"rv3": "metadata.resourceVersion"}),
    ("409 Conflict: an update with a stale resourceVersion", "PUT", B + "/kubectl-sts.web", lease("kubectl-sts.web", holder="b", rv="${rv1}", renew="10:00:10"), {}),
    ("422: an update without resourceVersion (AllowUnconditionalUpdate is false)", "PUT", B + "/kubectl-sts.web", lease("kubectl-sts.web", holder="b", renew="10:00:10"), {}),
    ("422: leaseDurationSeconds 0", "PUT", B + "/kubectl-sts.web", lease("kubectl-sts.web", rv="${rv2}", duration=0, renew="10:00:10"), {}),
    ("422: leaseTransitions -1 on create", "POST", B, lease("kubectl-sts.other", transitions=-1), {}),
    ("422: a name that is not a DNS subdomain", "POST", B, lease("Kubectl_Sts"), {}),
    ("409: delete with a stale resourceVersion precondition", "DELETE", B + "/kubectl-sts.web", delete({"resourceVersion": "${rv1}"}), {}),
    ("409: delete with another uid as precondition", "DELETE", B + "/kubectl-sts.web", delete({"uid": "00000000-0000-0000-0000-000000000000"}), {}),
    ("delete with uid and resourceVersion preconditions", "DELETE", B + "/kubectl-sts.web", delete({"uid": "${uid1}", "resourceVersion": "${rv2}"}), {}),
    ("404: get a Lease that is gone", "GET", B + "/kubectl-sts.web", None, {}),
    ("an update of a Lease that is gone, carrying a resourceVersion", "PUT", B + "/kubectl-sts.web", lease("kubectl-sts.web", rv="${rv2}", renew="10:00:15"), {}),
    ("404: delete a Lease that is gone", "DELETE", B + "/kubectl-sts.web", delete({"uid": "${uid1}", "resourceVersion": "${rv2}"}), {}),
    ("201: a PUT without resourceVersion creates (AllowCreateOnUpdate is true)", "PUT", B + "/kubectl-sts.other", lease("kubectl-sts.other", holder="c"), {}),
    ("clean up", "DELETE", B + "/kubectl-sts.other", None, {}),
]


def get(body, path):
    for k in path.split("."):
        body = body[k]
    return body


def subst(v, env):
    s = json.dumps(v)
    for k, x in env.items():
        s = s.replace("${%s}" % k, x)
    return json.loads(s)


env, out = {}, []
for title, method, path, body, bind in STEPS:
    conn = http.client.HTTPSConnection(host, context=ctx)
    sent = subst(body, env) if body is not None else None
    hdrs = {"Authorization": "Bearer " + token, "Accept": "application/json", "Content-Type": "application/json"}
    conn.request(method, path, body=json.dumps(sent) if sent is not None else None, headers=hdrs)
    r = conn.getresponse()
    raw = r.read().decode()
    try:
        got = json.loads(raw)
    except ValueError:
        got = raw
    for k, p in bind.items():
        env[k] = get(got, p)
    if isinstance(got, dict):
        got.get("metadata", {}).pop("managedFields", None)
    out.append({"title": title, "request": {"method": method, "path": path, "body": body, "sent": sent, "bind": bind},
                "response": {"status": r.status, "headers": {"Content-Type": r.getheader("Content-Type")}, "body": got},
                "bound": {k: env[k] for k in bind}})
json.dump({"meta": {"server": sys.argv[4] if len(sys.argv) > 4 else "kube-apiserver", "recordedBy": "crates/kube-sim/golden/leases/record.py"}, "exchanges": out}, sys.stdout, indent=1)
print()
