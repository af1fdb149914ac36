//! `kubectl sts-resize-storage ...` ≡ `kubectl-sts resize-storage ...` (kubectl maps the `_` to `-`).

fn main() {
    let args = ["kubectl-sts".into(), "resize-storage".into()]
        .into_iter()
        .chain(std::env::args_os().skip(1));
    std::process::exit(kubectl_sts::cli::main_with_args(args));
}
