//! What both kubectl-sts and its simulated cluster need, so that neither depends on the other
//! for it: kubectl's printing rules (`kubefmt`) and the label/field selector grammar
//! (`selectors`), each matched against the Kubernetes source named in its module docs.

pub mod duration;
pub mod kubefmt;
pub mod quantity;
pub mod selectors;
