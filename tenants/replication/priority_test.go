package replication_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// niceOf returns the nice value of a thread from its /proc stat file.
func niceOf(t *testing.T, stat string) int {
	t.Helper()
	data, err := os.ReadFile(stat)
	if err != nil {
		t.Fatal(err)
	}
	// fields after the command name, which may contain spaces: state is
	// field 3, nice field 19
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	n, err := strconv.Atoi(f[16])
	if err != nil {
		t.Fatalf("nice in %s: %v", stat, err)
	}
	return n
}

// The replication child runs at the server's priority: it holds a
// tenant's write lock while it checkpoints, and reniced it was starved of
// CPU under load while every writer of the tenant waited for it.
func TestReplicationChildRunsAtServerPriority(t *testing.T) {
	e := newOpsEnv(t, "")
	waitFor(t, 30*time.Second, "the replication child", func() bool { return e.sup.PID() != 0 })
	want := niceOf(t, "/proc/self/stat")
	threads, err := filepath.Glob(filepath.Join("/proc", strconv.Itoa(e.sup.PID()), "task", "*", "stat"))
	if err != nil || len(threads) == 0 {
		t.Fatalf("threads of the child: %v %v", threads, err)
	}
	for _, th := range threads {
		if got := niceOf(t, th); got != want {
			t.Errorf("%s: nice %d, want the server's %d", th, got, want)
		}
	}
}
