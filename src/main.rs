fn main() {
    std::process::exit(kubectl_sts::cli::main_with_args(std::env::args_os()));
}
