package tenants

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	pbtenant "github.com/fieldops360/fieldops/pb_migrations/tenant"
)

// A template is a tenant database of one sector with the schema and the
// sector reference data but nothing of any customer: provisioning copies
// it instead of migrating a new database (DESIGN.md §4, issue #12). It
// lives in <TemplateDir>/<sector>-<key>/ (data.db, auxiliary.db), where key
// is TemplateKey: a template of another schema version has another name
// and is never used; one whose applied migrations do not match its name is
// rebuilt.

// templateFormat changes when the way a template is built changes.
const templateFormat = "fieldops-template-1"

// templateFiles are the files of a template, copied into a new tenant.
var templateFiles = []string{"data.db", "auxiliary.db"}

// templateMigrations lists the migrations a template has applied:
// PocketBase's system migrations (run at bootstrap), then the tenant ones.
func templateMigrations() []string {
	var out []string
	for _, m := range core.SystemMigrations.Items() {
		out = append(out, m.File)
	}
	tenant := pbtenant.Migrations()
	for _, m := range tenant.Items() {
		out = append(out, m.File)
	}
	return out
}

// TemplateKey returns the schema version key of a sector's template: a
// digest of the migration list, the sector's reference data and the
// template format. Any change to one of them names a new template.
func TemplateKey(sector string) string { return schemaKey(templateMigrations(), sector) }

// schemaKey digests a migration list and a sector's reference data.
func schemaKey(migrations []string, sector string) string {
	h := sha256.New()
	fmt.Fprintln(h, templateFormat, sector)
	for _, f := range migrations {
		fmt.Fprintln(h, f)
	}
	ref, _ := domain.ReferenceFor(sector)
	_ = json.NewEncoder(h).Encode(ref)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// TemplateDir returns the directory where templates are cached
// (Config.TemplateDir, default <Dir>/templates).
func (r *Registry) TemplateDir() string {
	if r.cfg.TemplateDir != "" {
		return r.cfg.TemplateDir
	}
	return filepath.Join(r.cfg.Dir, "templates")
}

// TemplatePath returns the directory of the current template of sector.
func (r *Registry) TemplatePath(sector string) string {
	return filepath.Join(r.TemplateDir(), sector+"-"+TemplateKey(sector))
}

// WarmTemplates builds (or checks) the template of every sector, so that
// the first tenant of a sector does not pay for it.
func (r *Registry) WarmTemplates() error {
	for _, s := range domain.Sectors {
		if _, err := r.template(s); err != nil {
			return err
		}
	}
	return nil
}

// templateFlight builds each template once per process however many
// creates ask for it at the same time; between processes, the atomic
// rename of a finished build decides (the loser uses the winner's).
var templateFlight struct {
	mu    sync.Mutex
	calls map[string]*templateCall // by template path, while building
	ready map[string]bool          // checked in this process
}

type templateCall struct {
	done chan struct{}
	err  error
}

// template returns the path of sector's current template, building it
// when it is missing or does not match its schema version.
func (r *Registry) template(sector string) (string, error) {
	path := r.TemplatePath(sector)
	f := &templateFlight
	f.mu.Lock()
	if f.ready[path] {
		f.mu.Unlock()
		return path, nil
	}
	if c, ok := f.calls[path]; ok {
		f.mu.Unlock()
		<-c.done
		return path, c.err
	}
	if f.calls == nil {
		f.calls, f.ready = map[string]*templateCall{}, map[string]bool{}
	}
	c := &templateCall{done: make(chan struct{})}
	f.calls[path] = c
	f.mu.Unlock()

	c.err = r.prepareTemplate(path, sector)
	f.mu.Lock()
	delete(f.calls, path)
	if c.err == nil {
		f.ready[path] = true
	}
	f.mu.Unlock()
	close(c.done)
	return path, c.err
}

// forgetTemplate makes the next create check path again (it vanished).
func forgetTemplate(path string) {
	templateFlight.mu.Lock()
	delete(templateFlight.ready, path)
	templateFlight.mu.Unlock()
}

func (r *Registry) prepareTemplate(path, sector string) error {
	err := checkTemplate(path)
	if err == nil {
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		r.cfg.Logger.Warn("tenant template rejected, rebuilding", "template", path, "reason", err)
	}
	if err := os.RemoveAll(path); err != nil {
		return fmt.Errorf("remove unusable template: %w", err)
	}
	start := time.Now()
	if err := r.buildTemplate(path, sector); err != nil {
		return err
	}
	r.cfg.Logger.Info("tenant template built", "sector", sector, "template", path, "ms", time.Since(start).Milliseconds())
	removeStaleTemplates(filepath.Dir(path), sector, filepath.Base(path))
	return nil
}

// buildTemplate migrates a scratch database, seeds the sector reference
// data, compacts it with VACUUM INTO and renames the result into place.
func (r *Registry) buildTemplate(path, sector string) error {
	root := filepath.Dir(path)
	if err := os.MkdirAll(root, 0o750); err != nil {
		return fmt.Errorf("template dir: %w", err)
	}
	build, err := os.MkdirTemp(root, ".build-"+filepath.Base(path)+"-")
	if err != nil {
		return fmt.Errorf("template dir: %w", err)
	}
	defer os.RemoveAll(build)
	out := filepath.Join(build, "out")
	if err := os.Mkdir(out, 0o750); err != nil {
		return err
	}
	app, err := newApp(appOptions{DataDir: filepath.Join(build, "work"), Migrations: pbtenant.Migrations(), Hooks: r.cfg.TenantHooks})
	if err != nil {
		return err
	}
	err = domain.SeedReference(app, sector)
	if err == nil {
		err = vacuumInto(app.NonconcurrentDB(), filepath.Join(out, "data.db"))
	}
	if err == nil {
		err = vacuumInto(app.AuxNonconcurrentDB(), filepath.Join(out, "auxiliary.db"))
	}
	if cerr := closeApp(app); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("build template %s: %w", sector, err)
	}
	for _, f := range templateFiles {
		if err := walMode(filepath.Join(out, f)); err != nil {
			return err
		}
		if err := syncPath(filepath.Join(out, f)); err != nil {
			return err
		}
	}
	if err := os.Rename(out, path); err != nil {
		// another process published it first: use theirs if sound
		if checkTemplate(path) == nil {
			return nil
		}
		return fmt.Errorf("install template: %w", err)
	}
	return syncPath(root)
}

// vacuumInto writes a compact copy of db's database to path.
func vacuumInto(db dbx.Builder, path string) error {
	_, err := db.NewQuery("VACUUM INTO {:path}").Bind(dbx.Params{"path": path}).Execute()
	return err
}

// walMode switches a database file to WAL, as every tenant database is:
// a copy then opens without converting its journal (it saves ~20 ms).
func walMode(path string) error {
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		return err
	}
	defer db.Close()
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode = WAL").Scan(&mode); err != nil || mode != "wal" {
		return fmt.Errorf("template %s: journal mode %q: %v", path, mode, err)
	}
	return nil
}

// checkTemplate reports why the template at path cannot be used: missing
// files, migrations other than the current ones, a damaged database.
func checkTemplate(path string) error {
	for _, f := range templateFiles {
		if _, err := os.Stat(filepath.Join(path, f)); err != nil {
			return err
		}
	}
	u := url.URL{Scheme: "file", Path: filepath.Join(path, "data.db"), RawQuery: "mode=ro&immutable=1"}
	db, err := sql.Open("sqlite3", u.String())
	if err != nil {
		return err
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA quick_check").Scan(&check); err != nil || check != "ok" {
		return fmt.Errorf("template database damaged: %q %v", check, err)
	}
	rows, err := db.Query("SELECT file FROM _migrations")
	if err != nil {
		return err
	}
	defer rows.Close()
	var applied []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return err
		}
		applied = append(applied, f)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	want := templateMigrations()
	slices.Sort(applied)
	slices.Sort(want)
	if !slices.Equal(applied, want) {
		return fmt.Errorf("template schema version differs: %d migrations applied, %d expected", len(applied), len(want))
	}
	return nil
}

// removeStaleTemplates deletes the templates of sector other than keep
// (older schema versions) and builds abandoned more than an hour ago.
func removeStaleTemplates(root, sector, keep string) {
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, sector+"-") && name != keep:
			_ = os.RemoveAll(filepath.Join(root, name))
		case strings.HasPrefix(name, ".build-"):
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
				_ = os.RemoveAll(filepath.Join(root, name))
			}
		}
	}
}

// copyTemplate copies the template files at src into the new tenant
// directory dst, synced to disk.
func copyTemplate(src, dst string) error {
	for _, f := range templateFiles {
		if err := copyFile(filepath.Join(src, f), filepath.Join(dst, f)); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncPath fsyncs a file or a directory.
func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
