//go:build chaos

package chaos

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestScaleOutMoveUnderLoad (issue #21) runs a scale-out installation on
// loopback with the real binary: a control plane, two shards replicating
// to one replica root, and a real HAProxy fed by the control plane through
// its runtime API. 100 tenants are placed across the shards through the
// control plane; under a write load on three of them, one (padded to
// ~50 MB) is moved with `fieldops tenant move`. Every acknowledged write
// must be in the moved tenant afterwards, the other tenants see no error,
// and the moved tenant's unavailability is printed.
func TestScaleOutMoveUnderLoad(t *testing.T) {
	haproxy, err := exec.LookPath("haproxy")
	if err != nil {
		haproxy, err = "/usr/sbin/haproxy", nil
		if _, serr := os.Stat(haproxy); serr != nil {
			err = serr
		}
	}
	if err != nil {
		if os.Getenv("FIELDOPS_STRICT") != "" {
			t.Fatal("haproxy not installed (make test-deps installs it)")
		}
		t.Skip("haproxy not installed")
	}
	root := t.TempDir()
	bin := Build(t, root)
	token := "scaleout-test-token-0123456789"
	t.Setenv("FIELDOPS_CLUSTER_TOKEN", token)
	replica := "file:" + filepath.Join(root, "replica")
	ctlDir, s1Dir, s2Dir := filepath.Join(root, "ctl"), filepath.Join(root, "s1"), filepath.Join(root, "s2")
	sock := filepath.Join(root, "haproxy.sock")
	mapFile := filepath.Join(root, "tenants.map")
	if err := os.WriteFile(mapFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{ctlDir, s1Dir, s2Dir} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}

	ctl := Serve(t, bin, ctlDir, "--role", "control", "--replica", replica, "--proxy", "haproxy:unix://"+sock, "--proxy-map", mapFile)
	shard := func(id, dir string) *Server {
		port := freePort(t)
		addr := "127.0.0.1:" + strconv.Itoa(port)
		return ServeWith(t, ServeOpts{Port: port}, bin, dir, "--role", "shard", "--shard-id", id, "--control-plane", "http://"+ctl.Addr,
			"--advertise", "http://"+addr, "--replica", replica)
	}
	s1, s2 := shard("s1", s1Dir), shard("s2", s2Dir)
	waitFor(t, 20*time.Second, "both shards registered and healthy", func() bool {
		var list []struct {
			Healthy bool `json:"healthy"`
		}
		out, err := exec.Command(bin, "shard", "list", "--json", "--dir", ctlDir).Output()
		return err == nil && json.Unmarshal(out, &list) == nil && len(list) == 2 && list[0].Healthy && list[1].Healthy
	})

	// the real proxy, configured from the placement
	proxyPort := freePort(t)
	proxyAddr := "127.0.0.1:" + strconv.Itoa(proxyPort)
	cfg := Run(t, bin, "proxy", "haproxy-config", "--dir", ctlDir, "--listen", proxyAddr, "--socket", sock, "--map", mapFile, "--control", ctl.Addr)
	cfgFile := filepath.Join(root, "haproxy.cfg")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(haproxy, "-c", "-f", cfgFile).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s\n%s", err, out, cfg)
	}
	hp := exec.Command(haproxy, "-db", "-f", cfgFile)
	hpLog, _ := os.Create(filepath.Join(root, "haproxy.log"))
	hp.Stdout, hp.Stderr = hpLog, hpLog
	if err := hp.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hp.Process.Kill(); _ = hp.Wait() })
	waitFor(t, 10*time.Second, "haproxy runtime API", func() bool { _, err := os.Stat(sock); return err == nil })

	// 100 tenants through the control plane's provisioning API
	hash, _ := bcrypt.GenerateFromPassword([]byte("scaleout-password-1"), 4)
	start := time.Now()
	for i := range 100 {
		slug := fmt.Sprintf("t%03d", i)
		body := map[string]any{"Slug": slug, "Name": "Client " + slug, "Sector": "btp", "AdminEmail": "admin@" + slug + ".test",
			"AdminPassword": "scaleout-password-1", "AdminPasswordHash": string(hash), "Plan": "pro", "Actor": "scaleout-test"}
		if code, out := internal(t, ctl.Addr, token, http.MethodPost, "/internal/cluster/tenants", body); code != 200 {
			t.Fatalf("create %s: %d %s", slug, code, out)
		}
	}
	t.Logf("100 tenants placed in %s", time.Since(start).Round(time.Millisecond))
	placed := map[string]string{}
	var infos []struct {
		Slug  string `json:"slug"`
		Shard string `json:"shard"`
	}
	if err := json.Unmarshal(stdout(t, bin, "tenant", "list", "--json", "--dir", ctlDir), &infos); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, i := range infos {
		placed[i.Slug] = i.Shard
		count[i.Shard]++
	}
	t.Logf("placement: s1 %d tenants, s2 %d tenants", count["s1"], count["s2"])
	if count["s1"] < 40 || count["s2"] < 40 {
		t.Fatalf("unbalanced placement: %v", count)
	}
	// every host answers through the proxy; a shard never serves another's tenant
	for _, slug := range []string{"t000", "t001", "t050", "t099"} {
		if code := hostGet(t, proxyAddr, slug+".localhost", "/login"); code != 200 {
			t.Fatalf("%s through the proxy: %d", slug, code)
		}
		other := s1
		if placed[slug] == "s1" {
			other = s2
		}
		if code := hostGet(t, other.Addr, slug+".localhost", "/login"); code != http.StatusMisdirectedRequest {
			t.Fatalf("%s on the wrong shard: %d, want 421", slug, code)
		}
	}
	if code := hostGet(t, proxyAddr, "t000.localhost", "/internal/cluster/tenants/t000/state"); code != 404 {
		t.Fatalf("internal API through the proxy: %d, want 404", code)
	}

	// three loaded tenants: the moved one (padded to ~50 MB) and two others
	var moved string
	var others []string
	for _, i := range infos {
		switch {
		case moved == "" && i.Shard == "s1":
			moved = i.Slug
		case len(others) < 2 && i.Slug != moved && (len(others) == 0 || i.Shard != placed[others[0]]):
			others = append(others, i.Slug)
		}
	}
	clients := map[string]*Client{}
	for _, slug := range append([]string{moved}, others...) {
		clients[slug] = Login(t, proxyAddr, slug+".localhost", "admin@"+slug+".test", "scaleout-password-1")
	}
	pad(t, clients[moved], 49)

	stop := make(chan struct{})
	results := map[string]chan LoadResult{}
	for slug, c := range clients {
		ch := make(chan LoadResult, 1)
		results[slug] = ch
		go func() { ch <- Load(c, "w-"+slug, 2, 2*time.Minute, stop) }()
	}
	time.Sleep(1500 * time.Millisecond)
	mv := exec.Command(bin, "tenant", "move", moved, "--to", "s2", "--json", "--dir", ctlDir)
	var stderr bytes.Buffer
	mv.Stderr = &stderr
	out, err := mv.Output()
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	if err != nil {
		t.Fatalf("tenant move: %v\n%s\n%s", err, out, stderr.String())
	}
	var res struct {
		UnavailableMS int64 `json:"unavailable_ms"`
		TotalMS       int64 `json:"total_ms"`
		Bytes         int64 `json:"bytes"`
		To            string
		StepsMS       map[string]int64 `json:"steps_ms"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("move output: %v\n%s", err, out)
	}
	loads := map[string]LoadResult{}
	for slug, ch := range results {
		loads[slug] = <-ch
	}
	t.Logf("MOVE %s s1 → s2: %.1f MB, writes refused for %d ms (target < 5000 ms for 50 MB), move total %d ms, steps (ms) %v",
		moved, float64(res.Bytes)/1e6, res.UnavailableMS, res.TotalMS, res.StepsMS)
	for slug, l := range loads {
		t.Logf("load %s: %d acknowledged, %d refused (503/421 while frozen: retried)", slug, len(l.Acked), l.Failed)
	}
	for _, slug := range others {
		if loads[slug].Failed != 0 {
			t.Errorf("tenant %s (not moved) saw %d errors, want 0", slug, loads[slug].Failed)
		}
	}
	if res.Bytes < 40e6 || res.Bytes > 80e6 {
		t.Errorf("moved tenant is %d bytes, want ~50 MB", res.Bytes)
	}
	// after the move: served by s2 through the proxy, 421 on s1, nothing lost
	var show struct {
		Shard string `json:"shard"`
	}
	_ = json.Unmarshal(stdout(t, bin, "tenant", "show", moved, "--json", "--dir", ctlDir), &show)
	if show.Shard != "s2" {
		t.Fatalf("tenant show: shard %q, want s2", show.Shard)
	}
	if code := hostGet(t, s1.Addr, moved+".localhost", "/login"); code != http.StatusMisdirectedRequest {
		t.Errorf("moved tenant on its old shard: %d, want 421", code)
	}
	after := Login(t, proxyAddr, moved+".localhost", "admin@"+moved+".test", "scaleout-password-1")
	have := names(t, after)
	lost := 0
	for _, n := range loads[moved].Acked {
		if !have[n] {
			lost++
		}
	}
	t.Logf("moved tenant: %d acknowledged writes, %d lost", len(loads[moved].Acked), lost)
	if lost != 0 || len(loads[moved].Acked) == 0 {
		t.Fatalf("%d acknowledged writes lost (of %d)", lost, len(loads[moved].Acked))
	}
	// it takes writes on its new shard
	if !after.CreateClient("after-move") {
		t.Fatal("write after the move refused")
	}

	// the control plane's decisions reach the shard: a suspension (503), a resumption
	susp := others[1]
	Run(t, bin, "tenant", "suspend", susp, "--dir", ctlDir)
	waitFor(t, 10*time.Second, susp+" suspended on its shard", func() bool { return hostGet(t, proxyAddr, susp+".localhost", "/login") == 503 })
	Run(t, bin, "tenant", "resume", susp, "--dir", ctlDir)
	waitFor(t, 10*time.Second, susp+" resumed on its shard", func() bool { return hostGet(t, proxyAddr, susp+".localhost", "/login") == 200 })
	// a tenant placed by name from the CLI, routed at once
	Run(t, bin, "tenant", "create", "named", "--name", "Named", "--sector", "tp", "--admin-email", "admin@named.test",
		"--admin-password", "scaleout-password-1", "--shard", "s1", "--dir", ctlDir)
	_ = json.Unmarshal(stdout(t, bin, "tenant", "show", "named", "--json", "--dir", ctlDir), &show)
	if show.Shard != "s1" || hostGet(t, proxyAddr, "named.localhost", "/login") != 200 {
		t.Fatalf("named placement: shard %q, through the proxy %d", show.Shard, hostGet(t, proxyAddr, "named.localhost", "/login"))
	}

	// export and deletion run on the shard holding the files
	zip := filepath.Join(root, "t050.zip")
	Run(t, bin, "tenant", "export", "t050", "--out", zip, "--dir", ctlDir)
	if st, err := os.Stat(zip); err != nil || st.Size() < 10000 {
		t.Fatalf("export from the shard: %v", err)
	}
	Run(t, bin, "tenant", "delete", "t051", "--yes", "--dir", ctlDir)
	if code := hostGet(t, proxyAddr, "t051.localhost", "/login"); code != http.StatusGone {
		t.Fatalf("deleted tenant through the proxy: %d, want 410", code)
	}
	if _, err := os.Stat(filepath.Join(root, placed["t051"], "tenants", "t051")); !os.IsNotExist(err) {
		t.Fatalf("deleted tenant's files still on shard %s: %v", placed["t051"], err)
	}

	// a failed move (unknown target) exits non-zero and leaves the tenant on its shard
	other := others[0]
	bad := exec.Command(bin, "tenant", "move", other, "--to", "s9", "--dir", ctlDir)
	if out, err := bad.CombinedOutput(); err == nil {
		t.Fatalf("move to an unknown shard succeeded: %s", out)
	}
	_ = json.Unmarshal(stdout(t, bin, "tenant", "show", other, "--json", "--dir", ctlDir), &show)
	if show.Shard != placed[other] || !clients[other].CreateClient("still-here") {
		t.Fatalf("after a failed move %s is on %q (want %s) or refuses writes", other, show.Shard, placed[other])
	}
	_ = s2
}

// stdout runs a CLI command and returns its standard output (JSON).
func stdout(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fieldops %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("timeout waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func hostGet(t *testing.T, addr, host, path string) int {
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	req.Host = host
	resp, err := (&http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func internal(t *testing.T, addr, token, method, path string, body any) (int, string) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, "http://"+addr+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// pad grows a tenant's database by about mb megabytes through its REST
// API: a superuser collection of JSON documents of random data, 4 MB of
// base64 each, which SQLite stores in about 8.4 MB (measured: the JSON
// text and its overflow pages). The count is fixed, not read from the
// file, whose size lags behind the WAL.
func pad(t *testing.T, c *Client, mb int) {
	t.Helper()
	col := map[string]any{"name": "move_padding", "type": "base", "fields": []map[string]any{{"name": "doc", "type": "json", "maxSize": 12 << 20}}}
	if code := c.do(http.MethodPost, "/api/collections", col, nil); code != 200 {
		t.Fatalf("padding collection: %d", code)
	}
	for i := 0; float64(i)*8.4 < float64(mb); i++ {
		raw := make([]byte, 3<<20)
		_, _ = rand.Read(raw)
		doc := base64.StdEncoding.EncodeToString(raw) // 4 MB
		if code := c.do(http.MethodPost, "/api/collections/move_padding/records", map[string]any{"doc": doc}, nil); code != 200 {
			t.Fatalf("padding record: %d", code)
		}
	}
}

// names returns the names of a tenant's clients records.
func names(t *testing.T, c *Client) map[string]bool {
	t.Helper()
	have := map[string]bool{}
	for page := 1; ; page++ {
		var out struct {
			Items []struct {
				Name string `json:"name"`
			} `json:"items"`
			TotalPages int `json:"totalPages"`
		}
		if code := c.do(http.MethodGet, "/api/collections/clients/records?perPage=500&fields=name&skipTotal=0&page="+strconv.Itoa(page), nil, &out); code != 200 {
			t.Fatalf("list clients: %d", code)
		}
		for _, i := range out.Items {
			have[i.Name] = true
		}
		if page >= out.TotalPages {
			return have
		}
	}
}
