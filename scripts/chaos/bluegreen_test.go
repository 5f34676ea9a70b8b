//go:build chaos

package chaos

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
)

// TestBlueGreenKeepsEveryTenant is issue #16's end-to-end test: the CD's own
// scripts (helm/fieldops/scripts/switch-color.sh, the chart's
// seed-from-replica.sh) run against local processes of the real binary
// (testdata/kubectl-local.sh plays the cluster, a proxy the stable Service).
// Blue serves tenants with demo data and a write load; green is deployed as
// cd.yml does (wiped, seeded from blue's live replicas); the switch
// freezes blue, verifies its final sync, reseeds green, compares tenant
// counts and smoke-tests a tenant; every tenant's row counts are compared;
// then the rollback job's switch back to blue. No acknowledged write is
// lost; the write freeze of each switch is printed. BG_TENANTS sets the
// number of tenants (default 3; the figure in docs/deployment.md uses 50).
func TestBlueGreenKeepsEveryTenant(t *testing.T) {
	began := time.Now()
	ntenants := 3
	if v, err := strconv.Atoi(os.Getenv("BG_TENANTS")); err == nil && v > 0 {
		ntenants = v
	}
	work := t.TempDir()
	bin := Build(t, work)
	root := moduleRoot(t)
	cluster := filepath.Join(work, "cluster")
	if err := os.MkdirAll(cluster, 0o750); err != nil {
		t.Fatal(err)
	}
	const domainName = "bg.test"
	env := append(os.Environ(), "CLUSTER="+cluster, "FIELDOPS_BIN="+bin, "DOMAIN="+domainName,
		"SEED_SCRIPT="+filepath.Join(root, "helm/fieldops/files/seed-from-replica.sh"),
		"REPLICA_BASE=file:"+filepath.Join(work, "replicas"),
		"KUBECTL="+filepath.Join(root, "scripts/chaos/testdata/kubectl-local.sh"),
		"HELM="+filepath.Join(root, "scripts/chaos/testdata/helm-local.sh"))
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(cluster, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, sts := range []string{"fieldops-blue", "fieldops-green", "fieldops"} {
		write("port-"+sts, strconv.Itoa(freePort(t)))
	}
	write("active", "blue")
	t.Cleanup(func() { stopCluster(cluster) })
	kubectl := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(filepath.Join(root, "scripts/chaos/testdata/kubectl-local.sh"), args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl %s: %v\n%s\n%s", strings.Join(args, " "), err, out, clusterLogs(cluster))
		}
		return string(out)
	}
	switchColor := func(args ...string) (string, int64) {
		t.Helper()
		cmd := exec.Command(filepath.Join(root, "helm/fieldops/scripts/switch-color.sh"), append([]string{"--namespace", "fieldops", "--timeout", "60s"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("switch-color.sh %s: %v\n%s\n%s", strings.Join(args, " "), err, out, clusterLogs(cluster))
		}
		m := regexp.MustCompile(`(?m)^freeze_ms=(\d+)$`).FindStringSubmatch(string(out))
		if m == nil {
			t.Fatalf("switch-color.sh printed no freeze:\n%s", out)
		}
		ms, _ := strconv.ParseInt(m[1], 10, 64)
		return string(out), ms
	}

	// blue: tenants with the demo data set, bootstrapped without restore
	blue := filepath.Join(cluster, "data-fieldops-blue-0")
	green := filepath.Join(cluster, "data-fieldops-green-0")
	slugs := make([]string, ntenants)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i := range slugs {
		slugs[i] = fmt.Sprintf("client-%02d", i)
		if i == 0 {
			slugs[i] = "acme"
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(slug string) {
			defer func() { <-sem; wg.Done() }()
			Run(t, bin, "tenant", "create", slug, "--name", slug, "--sector", "btp", "--admin-email", "admin@"+slug+".test",
				"--admin-password", "bluegreen-password-1", "--demo-data", "--demo-history=false", "--dir", blue)
		}(slugs[i])
	}
	wg.Wait()
	setup := time.Since(began)
	kubectl("scale", "statefulset/fieldops-blue", "--replicas", "1")
	kubectl("rollout", "status", "statefulset/fieldops-blue")
	// blue's replication has brought every database into its replica (the
	// idle colour is seeded from there)
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(time.Second) {
		cmd := exec.Command(bin, "backup", "status", "--dir", blue)
		if cmd.Run() == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("blue's replication never healthy\n%s", clusterLogs(cluster))
		}
	}
	write("restore-fieldops-blue", "")
	write("restore-fieldops-green", "")

	// the stable Service: a proxy to the colour named in $CLUSTER/active
	stable := startStableProxy(t, cluster)
	c := Login(t, stable, "acme."+domainName, "admin@acme.test", "bluegreen-password-1")
	stop := make(chan struct{})
	loads := make(chan LoadResult, 1)
	go func() { loads <- Load(c, "bg", 2, 10*time.Minute, stop) }()
	time.Sleep(2 * time.Second)

	// cd.yml, "Deploy the idle colour": wipe it, deploy it (seeded from blue's live replicas)
	switchColor0 := exec.Command(filepath.Join(root, "helm/fieldops/scripts/switch-color.sh"), "--namespace", "fieldops", "--wipe", "green")
	switchColor0.Env = env
	if out, err := switchColor0.CombinedOutput(); err != nil {
		t.Fatalf("--wipe green: %v\n%s", err, out)
	}
	kubectl("scale", "statefulset/fieldops-green", "--replicas", "1")
	kubectl("rollout", "status", "statefulset/fieldops-green")

	out, freezeGreen := switchColor("--to", "green")
	t.Logf("switch to green:\n%s", out)
	if active, _ := os.ReadFile(filepath.Join(cluster, "active")); strings.TrimSpace(string(active)) != "green" {
		t.Fatalf("stable Service points at %q after the switch", active)
	}
	// every tenant's rows: the frozen blue volume against green as restored
	// (acme keeps receiving writes through the stable Service: at least)
	for _, slug := range slugs {
		want, got := tableCounts(t, replicaDB(blue, slug)), tableCounts(t, replicaDB(green, slug))
		for table, n := range want {
			if got[table] < n || (slug != "acme" && got[table] != n) {
				t.Errorf("%s.%s: %d rows on green, %d on frozen blue", slug, table, got[table], n)
			}
		}
	}
	time.Sleep(2 * time.Second) // writes on green

	// cd.yml's rollback job: the same script towards the previous colour
	out, freezeBlue := switchColor("--to", "blue")
	t.Logf("roll back to blue:\n%s", out)
	time.Sleep(2 * time.Second)
	close(stop)
	load := <-loads
	if len(load.Acked) == 0 {
		t.Fatal("no write acknowledged")
	}
	kubectl("scale", "statefulset/fieldops-blue", "--replicas", "0")
	found, total := countNames(t, replicaDB(blue, "acme"), load.Acked)
	if found != len(load.Acked) {
		t.Errorf("%d acknowledged writes lost (of %d)", len(load.Acked)-found, len(load.Acked))
	}
	size := dirSize(blue)
	t.Logf("blue/green with %d tenants (%.1f MB): write freeze %d ms (switch), %d ms (rollback); %d writes acknowledged, %d refused during the freezes, %d rows in acme at the end; setup %s, total %s",
		ntenants, float64(size)/1e6, freezeGreen, freezeBlue, len(load.Acked), load.Failed, total, setup.Round(time.Second), time.Since(began).Round(time.Second))
}

func replicaDB(dir, slug string) string { return filepath.Join(dir, "tenants", slug, "data.db") }

// tableCounts returns the row count of every table of a tenant database
// but SQLite's and PocketBase's internal ones.
func tableCounts(t *testing.T, db string) map[string]int {
	t.Helper()
	conn, err := tenants.DBConnect(db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var names []string
	if err := conn.NewQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'").Column(&names); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, n := range names {
		var c int
		if err := conn.NewQuery("SELECT count(*) FROM [[" + n + "]]").Row(&c); err != nil {
			t.Fatal(err)
		}
		out[n] = c
	}
	if len(out) == 0 {
		t.Fatalf("%s has no tables", db)
	}
	return out
}

// startStableProxy serves the stable Service: every request goes to the
// colour $CLUSTER/active names (502 while it is frozen).
func startStableProxy(t *testing.T, cluster string) string {
	t.Helper()
	port, _ := os.ReadFile(filepath.Join(cluster, "port-fieldops"))
	addr := "127.0.0.1:" + strings.TrimSpace(string(port))
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		active, _ := os.ReadFile(filepath.Join(cluster, "active"))
		p, _ := os.ReadFile(filepath.Join(cluster, "port-fieldops-"+strings.TrimSpace(string(active))))
		r.SetURL(&url.URL{Scheme: "http", Host: "127.0.0.1:" + strings.TrimSpace(string(p))})
		r.Out.Host = r.In.Host
	}, ErrorLog: log.New(io.Discard, "", 0)} // 502 while the active colour is frozen
	srv := &http.Server{Addr: addr, Handler: proxy}
	go func() { _ = srv.ListenAndServe() }()
	t.Cleanup(func() { _ = srv.Close() })
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return addr
		}
	}
	t.Fatal("stable proxy did not start")
	return ""
}

// stopCluster stops the processes the kubectl shim started (by their pid
// files), serve first, then the replication process.
func stopCluster(cluster string) {
	for _, kind := range []string{"serve", "replicate"} {
		files, _ := filepath.Glob(filepath.Join(cluster, "*."+kind+".pid"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil || pid <= 1 {
				continue
			}
			_ = syscall.Kill(pid, syscall.SIGTERM)
			for deadline := time.Now().Add(30 * time.Second); Alive(pid) && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// clusterLogs returns the end of every log of the local cluster (a failure's context).
func clusterLogs(cluster string) string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(cluster, "*.log"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if len(data) > 3000 {
			data = data[len(data)-3000:]
		}
		fmt.Fprintf(&b, "--- %s\n%s\n", filepath.Base(f), data)
	}
	return b.String()
}
