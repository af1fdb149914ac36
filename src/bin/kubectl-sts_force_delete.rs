//! `kubectl sts-force-delete ...` ≡ `kubectl-sts force-delete ...` (kubectl maps the `_` to `-`).

fn main() {
    let args = ["kubectl-sts".into(), "force-delete".into()]
        .into_iter()
        .chain(std::env::args_os().skip(1));
    std::process::exit(kubectl_sts::cli::main_with_args(args));
}
