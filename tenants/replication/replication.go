// Package replication replicates the platform and tenant databases with
// Litestream in a separate process: the replication child (`fieldops
// replicate`, Replicator), the supervisor that starts it from `fieldops
// serve` and tells it which tenants are open (Supervisor, the registry's
// tenants.TenantNotifier), the control-socket client, restore drills and
// point-in-time restores. It depends on the registry only through its
// exported API (RestoreTenant); the registry does not import it.
package replication

import (
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

// platformReplicaPath is where the process's control-plane database goes
// in the replica (see SetPlatformReplicaPath).
var platformReplicaPath = "platform"

// SetPlatformReplicaPath sets the replica sub-path of this process's
// control-plane database ("" keeps "platform"). A scale-out shard's
// control-plane database is its own (a cache of its tenants' rows and
// anchors, with its metering), so it goes apart from the control plane's:
// shards/<id>/platform. Tenants keep tenants/<slug>, shared by every shard
// of the installation, which is how a tenant moves. Call it before any
// replication starts.
func SetPlatformReplicaPath(p string) error {
	if p == "" {
		return nil
	}
	if strings.HasPrefix(p, "/") || strings.Contains(p, "..") || strings.HasPrefix(p, "tenants/") {
		return fmt.Errorf("--platform-replica-path %q: a relative path outside tenants/", p)
	}
	platformReplicaPath = strings.TrimSuffix(p, "/")
	return nil
}

// location returns the replica sub-path of a database name.
func replicaPath(name string) string {
	if name == PlatformDB {
		return platformReplicaPath
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
	// Conflict is set while replication of the database is refused: it is
	// behind or unrelated to its existing replica (the reason, in English).
	Conflict string `json:"conflict,omitempty"`
	// LastSnapshot is the time of the newest snapshot in the replica.
	LastSnapshot *time.Time `json:"last_snapshot,omitempty"`
	// Drill is the last restore drill of the database, if any.
	Drill *DrillResult `json:"drill,omitempty"`
}

// Status is the replication child's whole status.
type Status struct {
	Replica   string     `json:"replica"`
	PID       int        `json:"pid"`
	StartedAt time.Time  `json:"started_at"`
	Ready     bool       `json:"ready"` // every database brought up to date once
	DBs       []DBStatus `json:"dbs"`
	// Source is "child" (live status), "replica" (read from storage
	// while no replication process runs) or "none".
	Source string `json:"source"`
	// Problems and Healthy are filled by `fieldops backup status`: what
	// keeps replication from being healthy (see Problems).
	Problems []string `json:"problems,omitempty"`
	Healthy  bool     `json:"healthy"`
}

// controlRequest is one line sent to the control socket.
type controlRequest struct {
	Op   string   `json:"op"`             // "open", "close", "set_open", "status", "sync", "pause", "resume"
	DB   string   `json:"db,omitempty"`   // one database name
	Open []string `json:"open,omitempty"` // set_open: every database open in the server
	// Traceparent is the W3C trace context of the caller (a request that
	// asked for a sync or a drill), so the child's lines join its trace.
	Traceparent string `json:"traceparent,omitempty"`
}

// controlResponse is the one-line answer.
type controlResponse struct {
	OK     bool    `json:"ok"`
	Error  string  `json:"error,omitempty"`
	Status *Status `json:"status,omitempty"`
}

// DB returns the status of one database (nil when unknown).
func (s *Status) DB(name string) *DBStatus {
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

// Check lists what keeps replication from being healthy, one line per
// problem (empty: healthy): replication not running (the caller adds it),
// databases not yet brought up to date, refused (conflict), in error,
// lagging more than maxLag, or whose last restore drill failed. `fieldops
// backup status` exits non-zero when it is not empty.
func (s *Status) Check(maxLag time.Duration) []string {
	var out []string
	if !s.Ready {
		out = append(out, "replication has not brought every database up to date yet")
	}
	for _, d := range s.DBs {
		switch {
		case d.Conflict != "":
			out = append(out, d.DB+": replication refused: "+d.Conflict)
		case d.LastError != "":
			out = append(out, d.DB+": "+d.LastError)
		}
		if d.LagSeconds > maxLag.Seconds() {
			out = append(out, fmt.Sprintf("%s: replica behind for %.0f s", d.DB, d.LagSeconds))
		}
		if d.Drill != nil && !d.Drill.OK {
			out = append(out, d.DB+": last restore drill failed: "+d.Drill.Error)
		}
	}
	return out
}

// NotReceiving lists the databases whose replica is not receiving data:
// refused, or behind (in error or not synced) for more than maxLag. It is
// what /readyz checks: a transient error is not a reason to stop serving,
// a replica that stopped receiving is.
func (s *Status) NotReceiving(maxLag time.Duration) []string {
	var out []string
	for _, d := range s.DBs {
		switch {
		case d.Conflict != "":
			out = append(out, d.DB+": replication refused: "+d.Conflict)
		case d.LagSeconds > maxLag.Seconds():
			msg := fmt.Sprintf("%s: replica not receiving for %.0f s", d.DB, d.LagSeconds)
			if d.LastError != "" {
				msg += ": " + d.LastError
			}
			out = append(out, msg)
		}
	}
	if !s.Ready && time.Since(s.StartedAt) > maxLag {
		out = append(out, fmt.Sprintf("replication has not brought every database up to date %.0f s after its start", time.Since(s.StartedAt).Seconds()))
	}
	return out
}
