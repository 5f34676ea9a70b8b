package tenants

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
	"time"
)

// RouteProxy is the reverse proxy in front of the shards: the control
// plane publishes the placement to it (host → backend) after every change.
type RouteProxy interface {
	// Apply makes the proxy route as routes says (the whole placement:
	// host → backend, "shard_<id>"); changed names the hosts whose route
	// changed (nil: all), a host missing from routes is removed. An error
	// means the proxy may still route changed hosts as before.
	Apply(ctx context.Context, routes map[string]string, changed []string) error
	// String describes the proxy (logs, status).
	String() string
}

// BackendName is the proxy backend of a shard.
func BackendName(shard string) string { return "shard_" + strings.ReplaceAll(shard, "-", "_") }

// ControlBackend is the proxy backend of the control plane (the platform
// host and unknown hosts).
const ControlBackend = "control"

// HAProxy publishes the placement to HAProxy: a map file (host → backend)
// read by `use_backend %[req.hdr(host),…,map(FILE,control)]`, rewritten on
// every change so that a reload keeps the routes, and the same change
// applied at once through HAProxy's runtime API (stats socket, level
// admin): `set map`, `add map`, `del map`.
type HAProxy struct {
	// Addr is the runtime API: a unix socket path or host:port.
	Addr string
	// MapFile is the map file's path, as HAProxy's configuration names it.
	MapFile string
	// Timeout bounds one runtime API exchange (default 5 s).
	Timeout time.Duration
}

// ParseProxy parses --proxy: "haproxy:unix:///run/haproxy/admin.sock" or
// "haproxy:tcp://127.0.0.1:9999", with the map file given apart.
func ParseProxy(spec, mapFile string) (*HAProxy, error) {
	rest, ok := strings.CutPrefix(spec, "haproxy:")
	if !ok {
		return nil, fmt.Errorf("--proxy %q: expected haproxy:unix:///path/admin.sock or haproxy:tcp://host:port", spec)
	}
	u, err := url.Parse(rest)
	if err != nil {
		return nil, fmt.Errorf("--proxy %q: %w", spec, err)
	}
	h := &HAProxy{MapFile: mapFile}
	switch u.Scheme {
	case "unix":
		h.Addr = u.Path
	case "tcp":
		h.Addr = u.Host
	default:
		return nil, fmt.Errorf("--proxy %q: the runtime API is unix:// or tcp://", spec)
	}
	if h.Addr == "" {
		return nil, fmt.Errorf("--proxy %q: no address", spec)
	}
	if mapFile == "" || !filepath.IsAbs(mapFile) {
		return nil, fmt.Errorf("--proxy-map must be the absolute path of the map file HAProxy's configuration names, not %q", mapFile)
	}
	return h, nil
}

func (h *HAProxy) String() string { return "haproxy " + h.Addr + " map " + h.MapFile }

// Runtime sends commands to the runtime API in one connection (separated
// by ";") and returns HAProxy's answer.
func (h *HAProxy) Runtime(ctx context.Context, cmds ...string) (string, error) {
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	network := "tcp"
	if strings.HasPrefix(h.Addr, "/") {
		network = "unix"
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, network, h.Addr)
	if err != nil {
		return "", fmt.Errorf("haproxy runtime API: %w", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(conn, strings.Join(cmds, ";")+"\n"); err != nil {
		return "", fmt.Errorf("haproxy runtime API: %w", err)
	}
	out, err := io.ReadAll(bufio.NewReader(conn))
	if err != nil {
		return string(out), fmt.Errorf("haproxy runtime API: %w", err)
	}
	return string(out), nil
}

// runtimeRefused returns HAProxy's error lines in an answer ("" for none):
// map commands answer nothing on success.
func runtimeRefused(out string) string {
	var bad []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			bad = append(bad, l)
		}
	}
	return strings.Join(bad, " | ")
}

// Apply implements RouteProxy.
func (h *HAProxy) Apply(ctx context.Context, routes map[string]string, changed []string) error {
	if err := writeMapFile(h.MapFile, routes); err != nil {
		return fmt.Errorf("haproxy map file: %w", err)
	}
	if changed == nil {
		for host := range routes {
			changed = append(changed, host)
		}
		sort.Strings(changed)
	}
	// current entries: set the known ones, add the others
	known := map[string]bool{}
	out, err := h.Runtime(ctx, "show map "+h.MapFile)
	if err != nil {
		return err
	}
	if strings.Contains(out, "Unknown map identifier") {
		return fmt.Errorf("haproxy refused: %s (the configuration must use map(%s,…))", strings.TrimSpace(out), h.MapFile)
	}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) >= 3 {
			known[f[1]] = true
		}
	}
	var cmds []string
	for _, host := range changed {
		be, ok := routes[host]
		switch {
		case !ok && known[host]:
			cmds = append(cmds, "del map "+h.MapFile+" "+host)
		case !ok:
		case known[host]:
			cmds = append(cmds, "set map "+h.MapFile+" "+host+" "+be)
		default:
			cmds = append(cmds, "add map "+h.MapFile+" "+host+" "+be)
		}
	}
	for len(cmds) > 0 {
		n := min(len(cmds), 100)
		out, err := h.Runtime(ctx, cmds[:n]...)
		if err != nil {
			return err
		}
		if bad := runtimeRefused(out); bad != "" {
			return fmt.Errorf("haproxy refused the route update: %s", bad)
		}
		cmds = cmds[n:]
	}
	return nil
}

// writeMapFile rewrites an HAProxy map file atomically.
func writeMapFile(path string, routes map[string]string) error {
	hosts := make([]string, 0, len(routes))
	for h := range routes {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	var b strings.Builder
	b.WriteString("# FieldOps360 placement: tenant host -> shard backend (written by the control plane)\n")
	for _, h := range hosts {
		fmt.Fprintf(&b, "%s %s\n", h, routes[h])
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// HAProxyConfig describes the haproxy.cfg `fieldops proxy haproxy-config`
// renders.
type HAProxyConfig struct {
	Listen    string // HTTP bind address, e.g. ":80" or "127.0.0.1:8080"
	TLSListen string // optional TLS passthrough bind (routed by SNI to the shards' TLS port)
	Socket    string // runtime API: a unix socket path or ipv4@host:port
	MapFile   string
	Control   string // control plane host:port
	// Shards are the shard backends: id → host:port (HTTP), and for TLS
	// passthrough id → host:port of their TLS port.
	Shards    map[string]string
	ShardsTLS map[string]string
	// ControlTLS is the control plane's TLS host:port (with TLSListen).
	ControlTLS string
}

var haproxyTemplate = template.Must(template.New("haproxy").Funcs(template.FuncMap{"backend": BackendName}).Parse(`# FieldOps360 edge proxy (rendered by: fieldops proxy haproxy-config)
# Tenant hosts are routed to their shard by the map file the control plane
# keeps (and updates at run time through the stats socket below).
global
    stats socket {{.Socket}} mode 660 level admin
    stats timeout 30s
    # maxconn follows the file-descriptor limit (ulimit -n)

defaults
    mode http
    option httplog
    timeout connect 5s
    timeout client 75s
    timeout server 75s
    # SSE streams (live pages) and the crew app's long syncs
    timeout tunnel 1h
    timeout http-request 30s
    retries 2

frontend fieldops_http
    bind {{.Listen}}
    # the nodes' internal API is never reachable from outside
    http-request deny deny_status 404 if { path_beg /internal/ }
    http-request set-header X-Real-IP %[src]
    use_backend %[req.hdr(host),field(1,:),lower,map({{.MapFile}},{{.ControlBackend}})]
    default_backend {{.ControlBackend}}
{{if .TLSListen}}
frontend fieldops_tls
    mode tcp
    bind {{.TLSListen}}
    tcp-request inspect-delay 5s
    tcp-request content accept if { req_ssl_hello_type 1 }
    use_backend %[req.ssl_sni,lower,map({{.MapFile}},{{.ControlBackend}})]_tls
    default_backend {{.ControlBackend}}_tls
{{end}}
backend {{.ControlBackend}}
    option httpchk GET /healthz
    server control {{.Control}} check inter 2s
{{range $id, $addr := .Shards}}
backend {{backend $id}}
    option httpchk GET /healthz
    server {{$id}} {{$addr}} check inter 2s
{{end}}{{if .TLSListen}}
backend {{.ControlBackend}}_tls
    mode tcp
    server control {{.ControlTLS}} check
{{range $id, $addr := .ShardsTLS}}
backend {{backend $id}}_tls
    mode tcp
    server {{$id}} {{$addr}} check
{{end}}{{end}}`))

// RenderHAProxyConfig returns an haproxy.cfg routing the platform host to
// the control plane and every tenant host to its shard through the map
// file.
func RenderHAProxyConfig(c HAProxyConfig) (string, error) {
	if c.Listen == "" || c.Socket == "" || c.MapFile == "" || c.Control == "" {
		return "", fmt.Errorf("haproxy config: listen, socket, map file and control address are required")
	}
	var b strings.Builder
	err := haproxyTemplate.Execute(&b, struct {
		HAProxyConfig
		ControlBackend string
	}{c, ControlBackend})
	return b.String(), err
}
