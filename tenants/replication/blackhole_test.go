package replication_test

import (
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// blackhole is a TCP proxy to an upstream that can stop forwarding while
// keeping every connection open: packets dropped on the way (a cut link,
// a firewall), no error for the client until its own timeout.
type blackhole struct {
	ln     net.Listener
	held   atomic.Bool
	mu     sync.Mutex
	closed []io.Closer
}

func newBlackhole(t *testing.T, upstream string) *blackhole {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackhole{ln: ln}
	t.Cleanup(func() {
		ln.Close()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, c := range b.closed {
			c.Close()
		}
	})
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", upstream)
			if err != nil {
				in.Close()
				continue
			}
			b.mu.Lock()
			b.closed = append(b.closed, in, out)
			b.mu.Unlock()
			go b.pipe(in, out)
			go b.pipe(out, in)
		}
	}()
	return b
}

// pipe copies src to dst, holding what it read while the hole is on.
func (b *blackhole) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		for b.held.Load() {
			time.Sleep(20 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

// TestReplicationBlackholeShowsLag: the replica's storage stops answering
// without an error (a cut link drops packets: the upload hangs until the
// child's 30 s sync timeout). The lag shows while the upload hangs — the
// status and the metric read 0 until the timeout before — and the
// replica catches up once packets flow again. Found by the chaos suite's
// replica-link cut (scripts/chaos/netns_test.go).
func TestReplicationBlackholeShowsLag(t *testing.T) {
	s3 := startS3(t)
	hole := newBlackhole(t, "127.0.0.1:"+strconv.Itoa(s3.port))
	t.Setenv("AWS_ACCESS_KEY_ID", "fieldops")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fieldops-secret-key")
	os.Unsetenv("AWS_CA_BUNDLE")
	_, port, _ := net.SplitHostPort(hole.ln.Addr().String())
	e := newOpsEnv(t, "s3://fieldops/replicas?endpoint=http://127.0.0.1:"+port+"&region=us-east-1")
	tt := tenanttest.Provision(t, e.reg, "acme", domain.SectorTP)
	app := tt.App()
	probeTable(t, app)
	insertRows(t, app, 0, 20)
	e.inSync("acme", 60*time.Second)

	hole.held.Store(true)
	held := time.Now()
	insertRows(t, app, 100, 10)
	// NB: a generous deadline (about 4 s idle): on a busy machine under the
	// race detector the child notices the new rows and starts the hanging
	// upload much later
	waitFor(t, 60*time.Second, "lag while the upload hangs", func() bool {
		d, _ := e.dbStatus("acme")
		return d.LagSeconds >= 3
	})
	d, _ := e.dbStatus("acme")
	if strings.Contains(e.scrape(), `fieldops_replication_lag_seconds{db="acme"} 0`+"\n") {
		t.Error("lag metric 0 while the upload hangs")
	}
	t.Logf("storage black-holed %.1f s: lag %.1f s, errors %d", time.Since(held).Seconds(), d.LagSeconds, d.Errors)

	hole.held.Store(false)
	back := time.Now()
	e.inSync("acme", 60*time.Second)
	t.Logf("caught up %.1f s after packets flowed again", time.Since(back).Seconds())
	if n := e.restoreLatest("acme"); n != 30 {
		t.Fatalf("replica after the black hole: %d rows, want 30", n)
	}
}
