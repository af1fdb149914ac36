//! `/openapi/v2` and `/openapi/v3[/<group-version>]`: the real documents of a
//! v1.36 server (golden `openapi/`), embedded gzip-compressed, so kubectl's
//! validation and strategic-merge metadata work as against a real cluster.

use std::io::Read;
use std::sync::OnceLock;

use serde_json::Value;

struct Doc {
    path: &'static str,
    gz: &'static [u8],
}

const V3: &[Doc] = &[
    Doc {
        path: "api/v1",
        gz: include_bytes!("openapi/v3-api_v1.json.gz"),
    },
    Doc {
        path: "apis/apps/v1",
        gz: include_bytes!("openapi/v3-apis_apps_v1.json.gz"),
    },
    Doc {
        path: "apis/autoscaling/v1",
        gz: include_bytes!("openapi/v3-apis_autoscaling_v1.json.gz"),
    },
    Doc {
        path: "apis/coordination.k8s.io/v1",
        gz: include_bytes!("openapi/v3-apis_coordination.k8s.io_v1.json.gz"),
    },
    Doc {
        path: "apis/discovery.k8s.io/v1",
        gz: include_bytes!("openapi/v3-apis_discovery.k8s.io_v1.json.gz"),
    },
    Doc {
        path: "apis/storage.k8s.io/v1",
        gz: include_bytes!("openapi/v3-apis_storage.k8s.io_v1.json.gz"),
    },
];
const INDEX: &[u8] = include_bytes!("openapi/v3-index.json.gz");
const V2: &[u8] = include_bytes!("openapi/v2.json.gz");

fn gunzip(gz: &[u8]) -> String {
    let mut s = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut s)
        .expect("embedded OpenAPI document is valid gzip");
    s
}

/// The v3 index, listing only the group-versions served here (with golden's hashes).
pub fn v3_index() -> &'static str {
    static CELL: OnceLock<String> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut idx: Value = serde_json::from_str(&gunzip(INDEX)).expect("index JSON");
        if let Some(paths) = idx["paths"].as_object_mut() {
            paths.retain(|k, _| V3.iter().any(|d| d.path == k));
        }
        idx.to_string()
    })
}

pub fn v3(path: &str) -> Option<String> {
    V3.iter().find(|d| d.path == path).map(|d| gunzip(d.gz))
}

pub fn v2() -> String {
    gunzip(V2)
}
