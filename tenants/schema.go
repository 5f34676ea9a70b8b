package tenants

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	pbplatform "github.com/fieldops360/fieldops/pb_migrations/platform"
	pbtenant "github.com/fieldops360/fieldops/pb_migrations/tenant"
)

// Schema rule for rollbacks (expand/contract, docs/deployment.md): a
// binary may serve a database only if it knows every migration applied to
// it, except the migrations a later release declared readable by the
// previous binary (an "expand" step: new tables, new optional columns),
// whose file names end in ExpandSuffix. A blue/green rollback restores the
// newer colour's databases for the older binary, which runs CheckSchema
// first (seed-from-replica.sh) and refuses the rollback when it fails.

// ExpandSuffix ends the file name of a migration the previous release can
// read ("1765000000_sites_notes_expand.go"): it only adds what an older
// binary ignores.
const ExpandSuffix = "_expand.go"

// SchemaProblem is a database holding migrations this binary does not know.
type SchemaProblem struct {
	DB      string   `json:"db"`
	Unknown []string `json:"unknown"`
}

// String explains the problem to the operator.
func (p SchemaProblem) String() string {
	return fmt.Sprintf("%s: applied migrations this binary does not know: %s", p.DB, strings.Join(p.Unknown, ", "))
}

// KnownMigrations returns the migration files this binary knows for the
// platform and for tenants (PocketBase's system migrations included).
func KnownMigrations() (platform, tenant map[string]bool) {
	platform, tenant = map[string]bool{}, map[string]bool{}
	add := func(m map[string]bool, l core.MigrationsList) {
		for _, it := range l.Items() {
			m[it.File] = true
		}
	}
	for _, m := range []map[string]bool{platform, tenant} {
		add(m, core.SystemMigrations)
		add(m, core.AppMigrations)
	}
	add(platform, pbplatform.Migrations())
	add(tenant, pbtenant.Migrations())
	return platform, tenant
}

// CheckSchema lists the databases under dir (platform/data.db and every
// tenants/<slug>/data.db) that hold applied migrations this binary does not
// know and that are not declared readable by it (ExpandSuffix). Empty: this
// binary may serve dir.
func CheckSchema(dir string) ([]SchemaProblem, error) {
	platform, tenant := KnownMigrations()
	type db struct {
		name, path string
		known      map[string]bool
	}
	dbs := []db{{"platform", filepath.Join(dir, "platform", "data.db"), platform}}
	paths, _ := filepath.Glob(filepath.Join(dir, "tenants", "*", "data.db"))
	sort.Strings(paths)
	for _, p := range paths {
		slug := filepath.Base(filepath.Dir(p))
		if !strings.HasPrefix(slug, ".") {
			dbs = append(dbs, db{slug, p, tenant})
		}
	}
	var out []SchemaProblem
	for _, d := range dbs {
		p, err := checkDB(d.name, d.path, d.known)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.name, err)
		}
		if p != nil {
			out = append(out, *p)
		}
	}
	return out, nil
}

// checkDB returns the problem of one database (nil: this binary may serve
// it): the applied migrations known does not hold, expand steps excepted.
func checkDB(name, path string, known map[string]bool) (*SchemaProblem, error) {
	applied, err := appliedMigrations(path)
	if err != nil {
		return nil, err
	}
	var unknown []string
	for _, f := range applied {
		if !known[f] && !strings.HasSuffix(f, ExpandSuffix) {
			unknown = append(unknown, f)
		}
	}
	if len(unknown) == 0 {
		return nil, nil
	}
	return &SchemaProblem{DB: name, Unknown: unknown}, nil
}

// SchemaError refuses to serve a database a newer release migrated (the
// schema rule at start: serve and replicate refuse the platform, the
// registry refuses such a tenant and serves the others). Its Unwrap is
// the domain error the CLI and logs print ("roll forward instead").
type SchemaError struct {
	SchemaProblem
	Path string
}

// Error is the operator's message (English; the CLI prints both languages).
func (e *SchemaError) Error() string { return domain.ErrorMessage(e.Unwrap()) }

// Unwrap returns the domain error naming the database, its file and the
// unknown migrations.
func (e *SchemaError) Unwrap() error {
	return domain.Errorf(domain.EConflict, "err.schema.newer", e.DB, e.Path, strings.Join(e.Unknown, ", "))
}

// RefuseNewerPlatform returns a *SchemaError when dir's control plane
// holds a migration this binary does not know (not an expand step); nil
// when it may serve it, or when there is no platform database yet (a
// first start creates it). `fieldops serve` and `replicate` run it before
// opening anything.
func RefuseNewerPlatform(dir string) error {
	path := filepath.Join(dir, "platform", "data.db")
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	platform, _ := KnownMigrations()
	p, err := checkDB("platform", path, platform)
	if err != nil {
		return fmt.Errorf("platform database %s: %w", path, err)
	}
	if p != nil {
		return &SchemaError{SchemaProblem: *p, Path: path}
	}
	return nil
}

// refuseNewerTenant returns a *SchemaError when a tenant's database holds
// a migration this binary does not know (not an expand step). A database
// it cannot read is left to the open that follows (a storage fault).
func refuseNewerTenant(slug, path string) error {
	_, tenant := KnownMigrations()
	if p, err := checkDB(slug, path, tenant); err == nil && p != nil {
		return &SchemaError{SchemaProblem: *p, Path: path}
	}
	return nil
}

// appliedMigrations reads the migration files recorded in a database (it
// must exist: it is never created).
func appliedMigrations(path string) ([]string, error) {
	conn, err := DBConnect(noCreateDSN(path))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var files []string
	err = conn.Select("file").From(core.DefaultMigrationsTable).OrderBy("applied").Column(&files)
	if err != nil {
		return nil, err
	}
	return files, nil
}
