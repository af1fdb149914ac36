//! Real kubectl against the cluster, asserting outcomes and golden columns.
