//go:build chaos && chaosinfra

package chaos

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenanttest"
)

// shardNet is a network namespace for the server with two veth links to
// the host: the clients' (the proxy's path to the shard) and the
// replica's (the path to the object storage), each cut separately.
type shardNet struct {
	ns                   string
	client, replica      string // host ends of the links
	serverIP, replicaIP  string // the server's address, the host's on the replica link
	clientHost, nsClient string
}

// newShardNet creates the namespace and its links; the test's cleanup
// deletes them.
func newShardNet(t *testing.T) *shardNet {
	t.Helper()
	needRoot(t, "ip")
	id := os.Getpid() % 200
	n := &shardNet{ns: fmt.Sprintf("fochaos%d", id), client: fmt.Sprintf("foc%d", id), replica: fmt.Sprintf("for%d", id),
		serverIP: fmt.Sprintf("10.231.%d.2", id), replicaIP: fmt.Sprintf("10.232.%d.1", id)}
	_ = exec.Command("ip", "netns", "del", n.ns).Run() // a previous run's, interrupted
	sh(t, "ip", "netns", "add", n.ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", n.ns).Run() })
	in := func(args ...string) { sh(t, "ip", append([]string{"netns", "exec", n.ns, "ip"}, args...)...) }
	in("link", "set", "lo", "up")
	for _, l := range []struct{ host, subnet string }{{n.client, "10.231"}, {n.replica, "10.232"}} {
		peer := l.host + "n"
		sh(t, "ip", "link", "add", l.host, "type", "veth", "peer", "name", peer)
		sh(t, "ip", "link", "set", peer, "netns", n.ns)
		sh(t, "ip", "addr", "add", fmt.Sprintf("%s.%d.1/24", l.subnet, id), "dev", l.host)
		sh(t, "ip", "link", "set", l.host, "up")
		in("addr", "add", fmt.Sprintf("%s.%d.2/24", l.subnet, id), "dev", peer)
		in("link", "set", peer, "up")
	}
	return n
}

// link sets a host end up or down (down: the path is cut both ways).
func (n *shardNet) link(t *testing.T, dev string, up bool) {
	t.Helper()
	sh(t, "ip", "link", "set", dev, map[bool]string{true: "up", false: "down"}[up])
}

// startVersity starts versitygw (POSIX backend, bucket fieldops) on addr
// and returns the replica URL.
func startVersity(t *testing.T, addr string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "fieldops"), 0o750); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cmd := exec.Command(tenanttest.Tool(t, "versitygw"), "--port", addr+":"+strconv.Itoa(port), "posix", dir)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID=fieldops", "ROOT_SECRET_ACCESS_KEY=fieldops-secret-key")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr+":"+strconv.Itoa(port), 200*time.Millisecond); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("versitygw not listening")
		}
	}
	return fmt.Sprintf("s3://fieldops/replicas?endpoint=http://%s:%d&region=us-east-1", addr, port)
}

// s3Env is the replica's credentials (without the machine's
// AWS_CA_BUNDLE: Litestream's S3 client refuses it with its own HTTP
// client, as tenants/replication/s3_test.go notes by unsetting it).
var s3Env = []string{"AWS_ACCESS_KEY_ID=fieldops", "AWS_SECRET_ACCESS_KEY=fieldops-secret-key", "AWS_CA_BUNDLE="}

// TestInfraShardUnreachable: the server in its own network namespace,
// replicating to versitygw over a second link. Under the write load,
// (1) the clients' link is cut for 5 s (the proxy cannot reach the
// shard): users see errors, no acknowledged write is lost, writes resume
// when the link returns; (2) the replica's link is cut for 8 s: users see
// nothing, replication reports errors, then catches up.
func TestInfraShardUnreachable(t *testing.T) {
	work := t.TempDir()
	bin := Build(t, work)
	n := newShardNet(t)
	replica := startVersity(t, n.replicaIP)
	dir, logs := filepath.Join(work, "pb_data"), filepath.Join(work, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", trustPassword, "--dir", dir)
	srv := ServeWith(t, ServeOpts{Wrap: []string{"ip", "netns", "exec", n.ns}, Host: n.serverIP, Env: s3Env, LogDir: logs}, bin, dir, "--replica", replica)
	users, site := crew(t, srv, 4)

	stop := make(chan struct{})
	done := make(chan *measured)
	go func() { done <- measuredLoad(users, site, "net", stop) }()
	time.Sleep(3 * time.Second)
	cut := time.Now()
	n.link(t, n.client, false)
	time.Sleep(time.Second)
	_, dialErr := net.DialTimeout("tcp", srv.Addr, 2*time.Second) // a new connection from the proxy
	time.Sleep(2 * time.Second)
	n.link(t, n.client, true)
	back := time.Now()
	time.Sleep(5 * time.Second)

	replicaCut := time.Now()
	n.link(t, n.replica, false)
	time.Sleep(8 * time.Second)
	st, code := backupStatus(t, bin, dir)
	n.link(t, n.replica, true)
	replicaBack := time.Now()
	d := waitReplicated(t, bin, dir, "acme", 60*time.Second)
	caughtUp := time.Since(replicaBack)
	time.Sleep(time.Second)
	close(stop)
	m := <-done

	during, after := m.overlapping(cut, back), m.window(back, replicaCut, back)
	resumed := m.firstAck(back)
	t.Logf("shard unreachable (clients' link down 5 s): a new connection during the cut: %v", dialErr)
	t.Logf("  writes in flight during the cut: %s", during)
	during.logSamples(t)
	t.Logf("  link back (5 s): %s; first write acknowledged %s after the link returned", after, resumed.Round(time.Millisecond))
	after.logSamples(t)
	repl := m.window(replicaCut, replicaBack, time.Time{})
	t.Logf("replica unreachable (replica link down 8 s): users: %s", repl)
	if acme := st.DB("acme"); acme != nil {
		t.Logf("  backup status during the cut: exit %d, lag %.1f s, errors %d, last error %q", code, acme.LagSeconds, acme.Errors, acme.LastError)
	}
	t.Logf("  replica caught up %s after the link returned (lag then %.1f s)", caughtUp.Round(time.Millisecond), d.LagSeconds)
	if !after.recovered || resumed < 0 {
		t.Error("no write acknowledged after the clients' link returned")
	}
	if dialErr == nil {
		t.Error("a new connection reached the server through the cut link: the cut measured nothing")
	}
	if len(repl.errors) > 0 {
		t.Errorf("users saw errors while only the replica was unreachable: %v", repl.errors)
	}
	if acme := st.DB("acme"); acme == nil || acme.LagSeconds < 5 {
		t.Errorf("replica unreachable for 8 s but the status shows no lag of 5 s or more: %+v", acme)
	}
	_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(30 * time.Second); err != nil {
		t.Errorf("graceful stop: %v", err)
	}
	noPanic(t, logs)
	lost := lostWrites(t, bin, dir, m.acked)
	inReplica := restoredLost(t, bin, dir, work, replica, m.acked, s3Env...)
	t.Logf("network: %d acknowledged, %d lost in the database, %d lost in the replica", len(m.acked), len(lost), len(inReplica))
	if len(lost) > 0 || len(inReplica) > 0 {
		t.Fatalf("acknowledged writes lost: database %v, replica %v", lost, inReplica)
	}
}
