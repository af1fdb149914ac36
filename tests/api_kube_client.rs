//! kube-rs against the simulated server, in-process (router as a tower service)
//! and over TCP: get/list/watch, scale, preconditioned delete, stale replace.
