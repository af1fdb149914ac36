//! `kubectl sts-recover ...` ≡ `kubectl-sts recover ...` (kubectl maps the `_` to `-`).

fn main() {
    let args = ["kubectl-sts".into(), "recover".into()]
        .into_iter()
        .chain(std::env::args_os().skip(1));
    std::process::exit(kubectl_sts::cli::main_with_args(args));
}
