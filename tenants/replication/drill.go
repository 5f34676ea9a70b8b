package replication

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// DrillResult is the outcome of one restore drill: the latest replica of a
// database restored into a scratch directory and checked with SQLite's
// integrity_check.
type DrillResult struct {
	DB     string    `json:"db"`
	At     time.Time `json:"at"`
	OK     bool      `json:"ok"`
	Error  string    `json:"error,omitempty"`
	MS     int64     `json:"ms"`
	Bytes  int64     `json:"bytes"`
	Tables int       `json:"tables"`
	// LastSuccess is the time of the last successful drill (kept across
	// failures); Failures counts failed drills since the book was created.
	LastSuccess time.Time `json:"last_success"`
	Failures    int64     `json:"failures"`
}

// drillBook persists drill results in <dir>/.replicate-drills.json so that
// the drill schedule survives restarts.
type drillBook struct {
	path string
	mu   sync.Mutex
	m    map[string]*DrillResult
}

func loadDrillBook(dir string) *drillBook {
	b := &drillBook{path: filepath.Join(dir, ".replicate-drills.json"), m: map[string]*DrillResult{}}
	if data, err := os.ReadFile(b.path); err == nil {
		_ = json.Unmarshal(data, &b.m)
	}
	return b
}

func (b *drillBook) get(name string) *DrillResult {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r, ok := b.m[name]; ok {
		c := *r
		return &c
	}
	return nil
}

func (b *drillBook) put(r DrillResult) DrillResult {
	b.mu.Lock()
	defer b.mu.Unlock()
	if prev, ok := b.m[r.DB]; ok {
		r.LastSuccess, r.Failures = prev.LastSuccess, prev.Failures
	}
	if r.OK {
		r.LastSuccess = r.At
	} else {
		r.Failures++
	}
	b.m[r.DB] = &r
	if data, err := json.MarshalIndent(b.m, "", "  "); err == nil {
		tmp := b.path + ".tmp"
		if os.WriteFile(tmp, data, 0o600) == nil {
			_ = os.Rename(tmp, b.path)
		}
	}
	return r
}

// Drill restores the latest replica of one database into a scratch
// directory under scratchRoot, runs a full integrity check and counts its
// tables. It never touches the live database and needs no Registry: the
// replication child runs it on demand (Supervisor.RunDrill); the
// maintenance loop drills every
// database in turn (maintain.go).
func Drill(ctx context.Context, target ReplicaTarget, name, scratchRoot string) DrillResult {
	start := time.Now()
	res := DrillResult{DB: name, At: start.UTC()}
	if err := os.MkdirAll(scratchRoot, 0o750); err != nil {
		res.Error = err.Error()
		return res
	}
	scratch, err := os.MkdirTemp(scratchRoot, ".drill-"+name+"-")
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer os.RemoveAll(scratch)
	out := filepath.Join(scratch, "data.db")
	info, err := RestoreDB(ctx, target, name, out, time.Time{})
	if err == nil {
		res.Tables, err = checkRestored(ctx, out)
	}
	res.MS = time.Since(start).Milliseconds()
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.OK, res.Bytes = true, info.Bytes
	return res
}

func (rp *Replicator) runDrill(ctx context.Context, name string) DrillResult {
	res := rp.drills.put(Drill(ctx, rp.cfg.Target, name, filepath.Join(rp.cfg.Dir, ".drills")))
	if res.OK {
		rp.cfg.Logger.Info("restore drill ok", "db", name, "ms", res.MS, "bytes", res.Bytes, "tables", res.Tables)
	} else {
		rp.cfg.Logger.Error("restore drill failed", "db", name, "error", res.Error)
	}
	return res
}
