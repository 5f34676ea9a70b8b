package tenants

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	_ "github.com/benbjohnson/litestream/s3" // registers the s3:// replica client factory

	"github.com/fieldops360/fieldops/domain"
)

// NB: this package links the Litestream library (and with it the
// modernc.org/sqlite engine) only so that `fieldops replicate`, a separate
// process, can use it. The serving process never opens a tenant database
// through Litestream: two SQLite engines in one process do not see each
// other's POSIX locks (DESIGN.md §2). The only modernc use in a serving or
// CLI process is on files nobody else opens (restore scratch files).

// PlatformDB is the replication name of the control-plane database; a
// tenant database is named after its slug ("platform" is a reserved slug).
const PlatformDB = "platform"

// ReplicaTarget is where replicas go: a file directory (on-prem default)
// or an S3-compatible bucket prefix. The zero value is "off".
type ReplicaTarget struct {
	raw  string
	kind string // "off", "file" or "s3"
	dir  string
	u    *url.URL
}

// ParseReplicaTarget parses --replica: "off", "file:DIR" or
// "s3://bucket/prefix?endpoint=…&region=…" (credentials from
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
func ParseReplicaTarget(s string) (ReplicaTarget, error) {
	switch {
	case s == "" || s == "off":
		return ReplicaTarget{raw: "off", kind: "off"}, nil
	case strings.HasPrefix(s, "file:"):
		dir := strings.TrimPrefix(strings.TrimPrefix(s, "file:"), "//")
		if dir == "" {
			return ReplicaTarget{}, fmt.Errorf("--replica %q: file:DIR needs a directory", s)
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return ReplicaTarget{}, err
		}
		return ReplicaTarget{raw: s, kind: "file", dir: abs}, nil
	case strings.HasPrefix(s, "s3://"):
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return ReplicaTarget{}, fmt.Errorf("--replica %q: expected s3://bucket/prefix?endpoint=…", s)
		}
		return ReplicaTarget{raw: s, kind: "s3", u: u}, nil
	}
	return ReplicaTarget{}, fmt.Errorf("--replica must be file:DIR, s3://bucket/prefix or off, not %q", s)
}

// Enabled reports whether replication is configured.
func (t ReplicaTarget) Enabled() bool { return t.kind == "file" || t.kind == "s3" }

// String returns the target as given (without credentials).
func (t ReplicaTarget) String() string {
	if t.raw == "" {
		return "off"
	}
	return t.raw
}

// location returns the replica sub-path of a database name.
func replicaPath(name string) string {
	if name == PlatformDB {
		return "platform"
	}
	return "tenants/" + name
}

// Client returns a Litestream replica client for one database.
func (t ReplicaTarget) Client(name string) (litestream.ReplicaClient, error) {
	switch t.kind {
	case "file":
		return file.NewReplicaClient(filepath.Join(t.dir, filepath.FromSlash(replicaPath(name)))), nil
	case "s3":
		u := *t.u
		u.Path = strings.TrimSuffix(u.Path, "/") + "/" + replicaPath(name)
		return litestream.NewReplicaClientFromURL(u.String())
	}
	return nil, domain.Errorf(domain.EInvalid, "err.backup.replication_off")
}

// DBPath returns the SQLite file of a database name under dir.
func DBPath(dir, name string) string {
	if name == PlatformDB {
		return filepath.Join(dir, "platform", "data.db")
	}
	return filepath.Join(dir, "tenants", name, "data.db")
}

// LocalDBs lists the databases present under dir: "platform" first, then
// every tenant with a data.db (provisioning scratch dirs excluded).
func LocalDBs(dir string) []string {
	out := []string{}
	if fileExists(DBPath(dir, PlatformDB)) {
		out = append(out, PlatformDB)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "tenants"))
	var slugs []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && fileExists(DBPath(dir, e.Name())) {
			slugs = append(slugs, e.Name())
		}
	}
	sort.Strings(slugs)
	return append(out, slugs...)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// ControlSocket returns the unix socket the replication child listens on:
// <dir>/.replicate.sock, or a short path under the temp dir when that is
// longer than a unix socket address allows.
func ControlSocket(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	p := filepath.Join(abs, ".replicate.sock")
	if len(p) < 100 {
		return p
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(os.TempDir(), "fieldops-"+hex.EncodeToString(sum[:6])+".sock")
}

// DBStatus is the replication state of one database, as served by the
// replication child.
type DBStatus struct {
	DB string `json:"db"`
	// Active is true while Litestream follows the database (open in the
	// server, changed recently, or being brought up to date).
	Active bool `json:"active"`
	// Open is true when the server reported the database open.
	Open bool `json:"open"`
	// LocalTXID and ReplicaTXID are Litestream transaction ids: the
	// replica is in sync when they are equal.
	LocalTXID   uint64 `json:"local_txid"`
	ReplicaTXID uint64 `json:"replica_txid"`
	// LagSeconds is how long the replica has been behind (0 in sync).
	LagSeconds float64    `json:"lag_seconds"`
	LastSync   *time.Time `json:"last_sync,omitempty"`
	LastError  string     `json:"last_error,omitempty"`
	ErrorAt    *time.Time `json:"error_at,omitempty"`
	Errors     int64      `json:"errors"`
	// Drill is the last restore drill of the database, if any.
	Drill *DrillResult `json:"drill,omitempty"`
}

// ReplicationStatus is the replication child's whole status.
type ReplicationStatus struct {
	Replica   string     `json:"replica"`
	PID       int        `json:"pid"`
	StartedAt time.Time  `json:"started_at"`
	Ready     bool       `json:"ready"` // every database brought up to date once
	DBs       []DBStatus `json:"dbs"`
	// Source is "child" (live status) or "replica" (read from storage
	// while no replication child runs).
	Source string `json:"source"`
}

// controlRequest is one line sent to the control socket.
type controlRequest struct {
	Op   string   `json:"op"`             // "open", "close", "set_open", "status", "sync", "pause", "resume"
	DB   string   `json:"db,omitempty"`   // one database name
	Open []string `json:"open,omitempty"` // set_open: every database open in the server
}

// controlResponse is the one-line answer.
type controlResponse struct {
	OK     bool               `json:"ok"`
	Error  string             `json:"error,omitempty"`
	Status *ReplicationStatus `json:"status,omitempty"`
}

// ReplicationSource is what the super-admin portal reads of replication:
// the live status and on-demand restore drills (the Supervisor).
type ReplicationSource interface {
	Status() *ReplicationStatus
	RunDrill(ctx context.Context, db string) (DrillResult, error)
}

// Replication returns the configured replication source, or nil when
// replication is off.
func (r *Registry) Replication() ReplicationSource { return r.cfg.Replication }

// DB returns the status of one database (nil when unknown).
func (s *ReplicationStatus) DB(name string) *DBStatus {
	if s == nil {
		return nil
	}
	for i := range s.DBs {
		if s.DBs[i].DB == name {
			return &s.DBs[i]
		}
	}
	return nil
}
