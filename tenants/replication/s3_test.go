package replication_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants/replication"
	"github.com/fieldops360/fieldops/tenanttest"
)

// s3Server is a real S3 server (versitygw, POSIX backend) on loopback.
type s3Server struct {
	t    *testing.T
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
}

func startS3(t *testing.T) *s3Server {
	t.Helper()
	s := &s3Server{t: t, bin: tenanttest.Tool(t, "versitygw"), dir: t.TempDir(), port: tenanttest.FreePort(t)}
	if err := os.MkdirAll(filepath.Join(s.dir, "fieldops"), 0o750); err != nil { // the bucket
		t.Fatal(err)
	}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *s3Server) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "--port", "127.0.0.1:"+strconv.Itoa(s.port), "posix", s.dir)
	s.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID=fieldops", "ROOT_SECRET_ACCESS_KEY=fieldops-secret-key")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start versitygw: %v", err)
	}
	waitFor(s.t, 20*time.Second, "versitygw listening", func() bool {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(s.port), 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

func (s *s3Server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
		s.cmd = nil
	}
}

func (s *s3Server) replica() string {
	return "s3://fieldops/replicas?endpoint=http://127.0.0.1:" + strconv.Itoa(s.port) + "&region=us-east-1"
}

// TestReplicationS3Outage replicates to a real S3 server, then makes the
// storage unreachable: serving continues, lag grows and errors count (the
// alert metrics), and the replica catches up once storage is back.
func TestReplicationS3Outage(t *testing.T) {
	s3 := startS3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "fieldops")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fieldops-secret-key")
	os.Unsetenv("AWS_CA_BUNDLE")
	e := newOpsEnv(t, s3.replica())
	tt := tenanttest.Provision(t, e.reg, "acme", domain.SectorTP)
	app := tt.App()
	probeTable(t, app)
	insertRows(t, app, 0, 20)
	e.inSync("acme", 60*time.Second)

	s3.stop()
	outage := time.Now()
	for i := 0; i < 5; i++ { // serving continues
		insertRows(t, app, 100+i*10, 10)
		time.Sleep(500 * time.Millisecond)
	}
	waitFor(t, 20*time.Second, "lag and errors during the outage", func() bool {
		d, _ := e.dbStatus("acme")
		return d.LagSeconds >= 2 && d.Errors > 0
	})
	body := e.scrape()
	if strings.Contains(body, `fieldops_replication_lag_seconds{db="acme"} 0`+"\n") {
		t.Errorf("lag metric still 0 during the outage")
	}
	d, _ := e.dbStatus("acme")
	t.Logf("storage down %.1f s: 50 writes served, lag %.1f s, %d errors, last error %q", time.Since(outage).Seconds(), d.LagSeconds, d.Errors, d.LastError)

	s3.start()
	back := time.Now()
	e.inSync("acme", 60*time.Second)
	t.Logf("caught up %.1f s after storage came back", time.Since(back).Seconds())
	out := filepath.Join(t.TempDir(), "data.db")
	if _, err := replication.RestoreDB(context.Background(), e.target, "acme", out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, out); n != 70 {
		t.Fatalf("replica after the outage: %d rows, want 70", n)
	}
	st, err := replication.ReplicaStatus(context.Background(), e.dir, e.target)
	if err != nil || len(st.DBs) < 2 {
		t.Fatalf("offline status: %+v %v", st, err)
	}
}
