// Command etcd is a single-member etcd for the test control plane: upstream etcd's server
// (go.etcd.io/etcd/server/v3/embed, the package through which distributions that ship etcd inside
// their own binary, k3s for one, start it) behind the few flags the test harness sets. It is a module of its own so that etcd's
// requirements never move a version k8s.io/kubernetes pins (../controlplane).
//
// Flags keep etcd's own names, so the harness reads like any etcd command line:
//
//	--data-dir                where the member keeps its WAL and bbolt file (one per control plane)
//	--listen-client-urls      the only port a caller needs (kube-apiserver's --etcd-servers); also
//	                          advertised, and it serves /health, /readyz and /livez
//	--listen-peer-urls        a single member never talks to a peer, but etcd always opens a peer
//	                          listener; the default port 0 lets the kernel pick one, so the harness
//	                          allocates one port, not two (controller-runtime's envtest does the same)
//	--quota-backend-bytes     the bbolt size at which etcd refuses writes (scale benches raise it)
//	--unsafe-no-fsync         skip fsync: a test cluster is thrown away, and on a shared 2-core
//	                          machine fsync latency is most of a write (envtest sets it too)
//	--log-level               etcd logs every request slower than 100 ms at warn; tests keep warn
//
// Anything else is etcd's default for a new single-member cluster. It stops cleanly on SIGTERM or
// SIGINT (the harness ends it by pid) and exits non-zero if the server fails.
package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/etcd/api/v3/version"
	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	cfg := embed.NewConfig()
	fs := flag.NewFlagSet("etcd", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "directory of the member's data (required)")
	clientURLs := fs.String("listen-client-urls", "http://127.0.0.1:2379", "comma-separated client URLs to listen on and advertise")
	peerURLs := fs.String("listen-peer-urls", "http://127.0.0.1:0", "comma-separated peer URLs to listen on (port 0: any free port)")
	quota := fs.Int64("quota-backend-bytes", 0, "backend size limit in bytes (0: etcd's default, 2 GiB)")
	noFsync := fs.Bool("unsafe-no-fsync", false, "do not fsync the WAL or the backend (test clusters only)")
	logLevel := fs.String("log-level", "warn", "debug, info, warn or error")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if *showVersion {
		fmt.Printf("etcd Version: %s\nGit SHA: %s\nGo Version: %s\n", version.Version, version.GitSHA, runtime.Version())
		return
	}
	if *dataDir == "" {
		fail(2, "--data-dir is required")
	}

	clients, err := parseURLs(*clientURLs)
	if err != nil {
		fail(2, "--listen-client-urls: %v", err)
	}
	peers, err := parseURLs(*peerURLs)
	if err != nil {
		fail(2, "--listen-peer-urls: %v", err)
	}
	cfg.Name = "test" // etcd warns about its default name, which any member could have
	cfg.Dir = *dataDir
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = clients, clients
	cfg.ListenPeerUrls = peers
	// The advertised peer URL is only the member's identity in a cluster of one: it stays etcd's
	// default (http://localhost:2380) and nothing dials it, whatever port the listener got.
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.QuotaBackendBytes = *quota
	cfg.UnsafeNoFsync = *noFsync
	cfg.LogLevel = *logLevel
	// etcd's own main sets this default when it parses flags; embed.NewConfig leaves it 0, and
	// then every request counts as slow and is logged at warn.
	cfg.WarningUnaryRequestDuration = embed.DefaultWarningUnaryRequestDuration

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fail(1, "start: %v", err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-e.Server.ReadyNotify():
		fmt.Fprintf(os.Stderr, "etcd %s ready, serving clients on %s\n", version.Version, *clientURLs)
	case err := <-e.Err():
		fail(1, "%v", err)
	case <-time.After(60 * time.Second):
		e.Close()
		fail(1, "not ready after 60s")
	case sig := <-stop:
		e.Close()
		fail(1, "%v before etcd was ready", sig)
	}
	select {
	case err := <-e.Err():
		e.Close()
		fail(1, "%v", err)
	case <-e.Server.StopNotify():
		e.Close()
		fail(1, "server stopped")
	case sig := <-stop:
		fmt.Fprintf(os.Stderr, "etcd: %v, stopping\n", sig)
		e.Close()
	}
}

func parseURLs(s string) ([]url.URL, error) {
	var urls []url.URL
	for _, part := range strings.Split(s, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		urls = append(urls, *u)
	}
	return urls, nil
}

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "etcd: "+format+"\n", args...)
	os.Exit(code)
}
