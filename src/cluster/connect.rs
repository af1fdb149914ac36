//! Connecting as kubectl does: which kubeconfig, which context, which transport, and what a
//! failure to connect or to get credentials says. The one place that turns kube-rs errors into
//! the tool's [`Error`] (by their types, never by their text).

use std::path::{Path, PathBuf};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};

use super::Cluster;
use crate::error::Error;

/// Connection flags shared by every command (as kubectl has them).
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub request_timeout: Option<Duration>,
    pub verbose: u8,
}

/// `-v`: one stderr line per request (method, path, status, latency); credentials never printed.
#[derive(Clone)]
struct LogLayer;

#[derive(Clone)]
struct LogService<S> {
    inner: S,
}

impl<S> tower::Layer<S> for LogLayer {
    type Service = LogService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        LogService { inner }
    }
}

impl<S, B, R> tower::Service<http::Request<B>> for LogService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>> + Send,
    S::Future: Send + 'static,
    S::Error: std::fmt::Display,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let line = format!("{} {}", req.method(), redact_url(&req.uri().to_string()));
        let auth = if req.headers().contains_key(http::header::AUTHORIZATION) {
            " (Authorization: <redacted>)"
        } else {
            ""
        };
        let start = Instant::now();
        let fut = self.inner.call(req);
        let line = format!("{line}{auth}");
        Box::pin(async move {
            let res = fut.await;
            match &res {
                Ok(r) => eprintln!(
                    "I {line} {} in {} ms",
                    r.status(),
                    start.elapsed().as_millis()
                ),
                Err(e) => eprintln!(
                    "I {line} failed after {} ms: {e}",
                    start.elapsed().as_millis()
                ),
            }
            res
        })
    }
}

/// Whether an answer is worth asking again. A read (GET: get, list, watch) changes nothing,
/// so a 429 and every 5xx but 501 are asked again: a busy or restarting API server, etcd
/// changing leader, a load balancer in front of it. A write is asked again only where the
/// server did not act on it: 429 (API Priority and Fairness, max-in-flight: rejected before
/// it is handled) and 503. Never a write's 500 or 504: it may have been done (a 504 is the
/// server's own timeout, `Timeout: request did not complete within requested timeout`, after
/// which the write can still land), and the command's preconditions and re-reads decide.
fn asked_again(method: &http::Method, status: http::StatusCode) -> bool {
    use http::StatusCode as S;
    if *method == http::Method::GET || *method == http::Method::HEAD {
        status == S::TOO_MANY_REQUESTS || (status.is_server_error() && status != S::NOT_IMPLEMENTED)
    } else {
        status == S::TOO_MANY_REQUESTS || status == S::SERVICE_UNAVAILABLE
    }
}

/// Up to three more tries of an answer [`asked_again`] marks: 250 ms doubling to 4 s, or the
/// server's Retry-After (capped at 10 s: a prompt must not look hung).
#[derive(Clone)]
struct AskAgain {
    tries_left: u32,
    delay: Duration,
}

impl AskAgain {
    fn new() -> AskAgain {
        AskAgain {
            tries_left: 3,
            delay: Duration::from_millis(250),
        }
    }
}

impl<Res>
    tower::retry::Policy<http::Request<kube::client::Body>, http::Response<Res>, tower::BoxError>
    for AskAgain
{
    type Future = tokio::time::Sleep;

    fn retry(
        &mut self,
        req: &mut http::Request<kube::client::Body>,
        result: &mut Result<http::Response<Res>, tower::BoxError>,
    ) -> Option<Self::Future> {
        let response = result.as_ref().ok()?;
        if self.tries_left == 0 || !asked_again(req.method(), response.status()) {
            return None;
        }
        self.tries_left -= 1;
        let server = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.min(10)));
        let wait = server.unwrap_or(self.delay);
        self.delay = (self.delay * 2).min(Duration::from_secs(4));
        Some(tokio::time::sleep(wait))
    }

    fn clone_request(
        &mut self,
        req: &http::Request<kube::client::Body>,
    ) -> Option<http::Request<kube::client::Body>> {
        // a streamed body cannot be sent twice: such a request is not asked again
        let body = req.body().try_clone()?;
        let mut again = http::Request::new(body);
        *again.method_mut() = req.method().clone();
        *again.uri_mut() = req.uri().clone();
        *again.version_mut() = req.version();
        *again.headers_mut() = req.headers().clone();
        *again.extensions_mut() = req.extensions().clone();
        Some(again)
    }
}

fn retry_layer() -> tower::retry::RetryLayer<AskAgain> {
    tower::retry::RetryLayer::new(AskAgain::new())
}

/// The kube-rs client stack (base URI, auth) over a plain HTTP connector (the simulator,
/// `kubectl proxy`): no TLS stack, no CA bundle to load. Its reads and writes time out as the
/// TLS stack's do (kube-rs puts the same `hyper-timeout` connector under https).
fn plain_http_client(config: &kube::Config, verbose: bool) -> Result<kube::Client, kube::Error> {
    use kube::client::ConfigExt;
    use tower::ServiceBuilder;
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
    http.set_connect_timeout(config.connect_timeout);
    let mut connector = hyper_timeout::TimeoutConnector::new(http);
    connector.set_connect_timeout(config.connect_timeout);
    connector.set_read_timeout(config.read_timeout);
    connector.set_write_timeout(config.write_timeout);
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(connector);
    let auth = config.auth_layer()?;
    let service = ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(auth)
        .option_layer(verbose.then_some(LogLayer))
        .map_err(tower::BoxError::from)
        .service(client);
    let service = ServiceBuilder::new().layer(retry_layer()).service(service);
    Ok(kube::Client::new(service, config.default_namespace.clone()))
}

/// `scheme://user:password@host` → `scheme://<redacted>@host`: a URL is printed (errors, `-v`)
/// without the credentials it may carry.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://<redacted>@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// Which kubeconfig, as kubectl chooses it: `--kubeconfig`; else the files `$KUBECONFIG` lists
/// (those that exist, merged in order: the first to set a value wins); else
/// `~/.kube/config` if it exists; else none (in-cluster).
fn load_kubeconfig(opts: &ConnectOptions) -> Result<Option<Kubeconfig>, Error> {
    if let Some(path) = &opts.kubeconfig {
        return read_kubeconfig(path).map(Some);
    }
    if let Some(list) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        let paths: Vec<PathBuf> = std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        let existing: Vec<&PathBuf> = paths.iter().filter(|p| p.exists()).collect();
        if existing.is_empty() {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            return Err(Error::usage(format!(
                "no kubeconfig: none of the files KUBECONFIG names exists ({})",
                names.join(", ")
            )));
        }
        let mut merged: Option<Kubeconfig> = None;
        for p in existing {
            let next = read_kubeconfig(p)?;
            merged = Some(match merged {
                None => next,
                Some(m) => m.merge(next).map_err(|e| {
                    Error::usage(format!("cannot merge kubeconfig {}: {e}", p.display()))
                })?,
            });
        }
        return Ok(merged);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match home.map(|h| h.join(".kube").join("config")) {
        Some(p) if p.exists() => read_kubeconfig(&p).map(Some),
        _ => Ok(None),
    }
}

fn read_kubeconfig(path: &Path) -> Result<Kubeconfig, Error> {
    Kubeconfig::read_from(path).map_err(|e| {
        let why = match &e {
            KubeconfigError::ReadConfig(io, _) => io.to_string(),
            KubeconfigError::Parse(p) => {
                format!("not a valid kubeconfig: {}", one_line(&p.to_string()))
            }
            other => one_line(&other.to_string()),
        };
        Error::usage(format!("cannot read kubeconfig {}: {why}", path.display()))
    })
}

/// A kubeconfig that cannot be used as it is: one line naming what is wrong in it.
fn kubeconfig_problem(e: &KubeconfigError, opts: &ConnectOptions) -> Error {
    let msg = match e {
        KubeconfigError::LoadContext(name) => {
            let name = opts.context.as_deref().unwrap_or(name);
            format!("context \"{name}\" not found in the kubeconfig (kubectl config get-contexts lists them)")
        }
        KubeconfigError::CurrentContextNotSet => {
            "the kubeconfig has no current-context: pass --context NAME".to_string()
        }
        KubeconfigError::LoadClusterOfContext(name) => {
            format!("the kubeconfig's context names cluster \"{name}\", which it does not define")
        }
        KubeconfigError::MissingClusterUrl => {
            "the kubeconfig's cluster has no server URL".to_string()
        }
        KubeconfigError::ParseClusterUrl(_) => {
            "the kubeconfig's server URL is not a valid URL".to_string()
        }
        other => format!("invalid kubeconfig: {}", one_line(&other.to_string())),
    };
    Error::usage(msg)
}

impl Cluster {
    /// Connects as kubectl would: `--kubeconfig`, else `$KUBECONFIG`, else `~/.kube/config`,
    /// else in-cluster; `--context` selects the context.
    pub async fn connect(opts: &ConnectOptions) -> Result<Cluster, Error> {
        let kc_opts = KubeConfigOptions {
            context: opts.context.clone(),
            cluster: None,
            user: None,
        };
        let mut config = match load_kubeconfig(opts)? {
            Some(kc) => kube::Config::from_custom_kubeconfig(kc, &kc_opts)
                .await
                .map_err(|e| kubeconfig_problem(&e, opts))?,
            None if opts.context.is_some() => {
                return Err(Error::usage(
                    "--context needs a kubeconfig, and none was found (set KUBECONFIG or pass --kubeconfig)",
                ))
            }
            None => kube::Config::incluster().map_err(|_| {
                Error::usage(
                    "no cluster configured: no kubeconfig (~/.kube/config, KUBECONFIG, --kubeconfig) and not running in a pod",
                )
            })?,
        };
        // kube's default retry (15 attempts, up to 1000s apart) reads as a hang at a prompt;
        // ours retries 429/503/504 three times within seconds, on http and https alike.
        config.default_retry = false;
        if let Some(t) = opts.request_timeout.filter(|t| !t.is_zero()) {
            config.connect_timeout = Some(t);
            config.read_timeout = Some(t);
            config.write_timeout = Some(t);
        }
        let namespace = opts
            .namespace
            .clone()
            .unwrap_or_else(|| config.default_namespace.clone());
        let server = redact_url(config.cluster_url.to_string().trim_end_matches('/'));
        let built = if config.cluster_url.scheme_str() == Some("http") {
            plain_http_client(&config, opts.verbose > 0)
        } else {
            kube::client::ClientBuilder::try_from(config.clone()).map(|builder| {
                // retries need a cloneable service: kube's stack is boxed, so buffer it first
                let builder = builder
                    .with_layer(&tower::buffer::BufferLayer::new(1024))
                    .with_layer(&retry_layer());
                if opts.verbose > 0 {
                    builder.with_layer(&LogLayer).build()
                } else {
                    builder.build()
                }
            })
        };
        let client = built.map_err(|e| client_problem(e, &config, &server))?;
        let ca_sha256 = config.root_cert.as_ref().map(|certs| {
            use sha2::Digest;
            let mut h = sha2::Sha256::new();
            for c in certs {
                h.update(c);
            }
            h.finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        });
        Ok(Cluster {
            client,
            namespace,
            server,
            ca_sha256,
        })
    }
}

/// Building the client failed: credentials could not be obtained (an exec plugin, a token
/// file) or the TLS setup failed. Neither is a usage error: exit 1, naming what to fix.
fn client_problem(e: kube::Error, config: &kube::Config, server: &str) -> Error {
    use kube::client::AuthError;
    let exec = config.auth_info.exec.as_ref();
    let command = exec.and_then(|x| x.command.clone()).unwrap_or_default();
    let hint = exec
        .and_then(|x| x.install_hint.as_deref())
        .map(|h| format!("; {}", one_line(h)))
        .unwrap_or_default();
    match e {
        kube::Error::Auth(AuthError::AuthExecStart(io)) if io.kind() == std::io::ErrorKind::NotFound => {
            Error::api(format!(
                "cannot get credentials for {server}: the kubeconfig's credential plugin \"{command}\" is not installed (not found on PATH){}",
                if hint.is_empty() { "; install it, or use a kubeconfig user without an exec plugin".to_string() } else { hint }
            ))
        }
        kube::Error::Auth(AuthError::AuthExecStart(io)) => Error::api(format!(
            "cannot get credentials for {server}: cannot run the credential plugin \"{command}\": {io}"
        )),
        kube::Error::Auth(AuthError::AuthExecRun { out, .. }) => Error::api(format!(
            "cannot get credentials for {server}: the credential plugin \"{command}\" failed ({}): {}",
            out.status,
            one_line(String::from_utf8_lossy(&out.stderr).trim())
        )),
        kube::Error::Auth(a) => Error::api(format!(
            "cannot get credentials for {server}: {}",
            one_line(&a.to_string())
        )),
        other => Error::api(format!(
            "cannot set up a connection to {server}: {}",
            error_chain(&other)
        )),
    }
}

/// One line and an exit code for a failed API request.
pub fn api_failure(e: kube::Error, what: &str, server: &str) -> Error {
    match e {
        kube::Error::Api(s) => {
            let message = one_line(&s.message);
            match s.code {
                401 => Error::api(format!("cannot {what}: unauthorized (401): the server rejected the credentials; check the kubeconfig user or refresh the token")),
                403 => Error::api(format!("cannot {what}: forbidden (403): {message}")),
                404 => Error::not_found(format!("cannot {what}: {message}")),
                code => Error::api(format!("cannot {what}: {message} ({code})")),
            }
        }
        kube::Error::HyperError(_) | kube::Error::Service(_) if is_timeout(&e) => {
            Error::timed_out(format!(
                "cannot {what}: the API server at {server} did not answer in time (--request-timeout)"
            ))
        }
        kube::Error::HyperError(_) | kube::Error::Service(_) => Error::api(format!(
            "cannot {what}: cannot reach the API server at {server}: {}",
            error_chain(&e)
        )),
        // a body that is not the object asked for: a proxy's page, another kind of server
        kube::Error::SerdeError(_) => Error::api(format!(
            "cannot {what}: the server at {server} did not answer with a Kubernetes object (is it an API server?)"
        )),
        kube::Error::Auth(a) => Error::api(format!(
            "cannot {what}: cannot get credentials: {}",
            one_line(&a.to_string())
        )),
        other => Error::api(format!("cannot {what}: {}", error_chain(&other))),
    }
}

/// The first line of a message (one line per error, whatever a library says).
pub(super) fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim_end().to_string()
}

/// The innermost cause, which is the informative one for connection errors.
pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut cur: &dyn std::error::Error = e;
    let mut last = cur.to_string();
    while let Some(src) = cur.source() {
        cur = src;
        last = cur.to_string();
    }
    one_line(&last)
}

/// Whether a transport error is a timeout: an I/O error of kind TimedOut anywhere in its chain
/// (hyper-timeout's connect, read and write timeouts, under http and https alike).
pub(super) fn is_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_a_url_are_never_printed() {
        assert_eq!(
            redact_url("https://admin:s3cret@k8s.example:6443/api"),
            "https://<redacted>@k8s.example:6443/api"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:8080/apis?x=a@b"),
            "http://127.0.0.1:8080/apis?x=a@b"
        );
        assert_eq!(redact_url("https://k8s:6443"), "https://k8s:6443");
    }

    #[test]
    fn timeouts_are_recognised_by_type_not_text() {
        let io = std::io::Error::new(std::io::ErrorKind::TimedOut, "slow");
        assert!(is_timeout(&io));
        let other = std::io::Error::other("the words timed out appear here");
        assert!(!is_timeout(&other));
    }

    #[test]
    fn reads_are_asked_again_on_any_server_error_writes_only_where_nothing_was_done() {
        use http::{Method, StatusCode as S};
        for status in [
            S::TOO_MANY_REQUESTS,
            S::INTERNAL_SERVER_ERROR,
            S::BAD_GATEWAY,
            S::SERVICE_UNAVAILABLE,
            S::GATEWAY_TIMEOUT,
        ] {
            assert!(asked_again(&Method::GET, status), "GET {status}");
        }
        for status in [
            S::OK,
            S::NOT_FOUND,
            S::CONFLICT,
            S::FORBIDDEN,
            S::NOT_IMPLEMENTED,
        ] {
            assert!(!asked_again(&Method::GET, status), "GET {status}");
        }
        for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(asked_again(&m, S::TOO_MANY_REQUESTS), "{m} 429");
            assert!(asked_again(&m, S::SERVICE_UNAVAILABLE), "{m} 503");
            for status in [
                S::INTERNAL_SERVER_ERROR,
                S::GATEWAY_TIMEOUT,
                S::BAD_GATEWAY,
                S::CONFLICT,
            ] {
                assert!(!asked_again(&m, status), "{m} {status}: may have been done");
            }
        }
    }
}
