package tenants

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fieldops360/fieldops/domain"
)

// ExportFile is a tenant export archive kept in <dir>/exports.
type ExportFile struct {
	Name  string
	Bytes int64
	At    time.Time
}

// exportJob is a tenant export under way (StartExport), or the last one's
// failure.
type exportJob struct {
	running bool
	err     string
}

// exportJobs holds the export jobs by tenant directory (one registry may
// run several; tests run several registries).
var exportJobs = struct {
	sync.Mutex
	m map[string]*exportJob
}{m: map[string]*exportJob{}}

// exportName is the file name of a tenant's export archive.
var exportName = regexp.MustCompile(`^([a-z0-9-]+)-[0-9]{8}T[0-9]{6}Z\.zip$`)

// StartExport exports tenant slug in the background into
// <dir>/exports/<slug>-<time>.zip (Export) and records the result, by
// actor, in the platform audit log. An export of the tenant already under
// way is not started twice (EConflict).
func (r *Registry) StartExport(slug, actor string) error {
	if _, err := r.Get(slug); err != nil {
		return err
	}
	key := r.TenantDir(slug)
	exportJobs.Lock()
	if j := exportJobs.m[key]; j != nil && j.running {
		exportJobs.Unlock()
		return domain.Errorf(domain.EConflict, "err.gdpr.export_running", slug)
	}
	job := &exportJob{running: true}
	exportJobs.m[key] = job
	exportJobs.Unlock()
	if err := os.MkdirAll(filepath.Join(r.cfg.Dir, "exports"), 0o750); err != nil {
		job.finish(err)
		return err
	}
	out := filepath.Join(r.cfg.Dir, "exports", fmt.Sprintf("%s-%s.zip", slug, time.Now().UTC().Format("20060102T150405Z")))
	go func() {
		res, err := r.Export(slug, out)
		detail := map[string]any{"file": filepath.Base(out)}
		if err != nil {
			detail["error"] = err.Error()
		} else {
			detail["bytes"], detail["sha256"] = res.Bytes, res.SHA256
		}
		if aerr := PlatformAudit(r.platform, actor, "tenant.export", slug, detail); aerr != nil {
			r.cfg.Logger.Warn("tenant export: platform audit", "tenant", slug, "error", aerr)
		}
		job.finish(err)
	}()
	return nil
}

func (j *exportJob) finish(err error) {
	exportJobs.Lock()
	defer exportJobs.Unlock()
	j.running = false
	if err != nil {
		j.err = err.Error()
	}
}

// ExportStatus tells whether an export of slug is under way, and why the
// last one failed ("" if it did not).
func (r *Registry) ExportStatus(slug string) (running bool, failure string) {
	exportJobs.Lock()
	defer exportJobs.Unlock()
	if j := exportJobs.m[r.TenantDir(slug)]; j != nil {
		return j.running, j.err
	}
	return false, ""
}

// ExportFiles lists the export archives of slug kept on the server,
// newest first.
func (r *Registry) ExportFiles(slug string) ([]ExportFile, error) {
	entries, err := os.ReadDir(filepath.Join(r.cfg.Dir, "exports"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []ExportFile
	for _, e := range entries {
		m := exportName.FindStringSubmatch(e.Name())
		if m == nil || m[1] != slug || e.IsDir() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, ExportFile{Name: e.Name(), Bytes: info.Size(), At: info.ModTime()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name > out[j].Name })
	return out, nil
}

// ExportFilePath returns the path of slug's export archive name; any
// other name (another tenant's, a path) is ENotFound.
func (r *Registry) ExportFilePath(slug, name string) (string, error) {
	m := exportName.FindStringSubmatch(name)
	if m == nil || m[1] != slug || strings.ContainsAny(name, `/\`) {
		return "", domain.Errorf(domain.ENotFound, "err.record.not_found")
	}
	p := filepath.Join(r.cfg.Dir, "exports", name)
	if _, err := os.Stat(p); err != nil {
		return "", domain.Errorf(domain.ENotFound, "err.record.not_found")
	}
	return p, nil
}
