package tenants

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pocketbase/pocketbase/core"

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
		applied, err := appliedMigrations(d.path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.name, err)
		}
		var unknown []string
		for _, f := range applied {
			if !d.known[f] && !strings.HasSuffix(f, ExpandSuffix) {
				unknown = append(unknown, f)
			}
		}
		if len(unknown) > 0 {
			out = append(out, SchemaProblem{DB: d.name, Unknown: unknown})
		}
	}
	return out, nil
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
