package tenants

import (
	"context"
	"os"
	"path/filepath"

	"github.com/fieldops360/fieldops/domain"
	pbtenant "github.com/fieldops360/fieldops/pb_migrations/tenant"
)

// VerifyAuditCopy verifies the audit chain of a copy of tenant slug's
// database (a file restored with `backup restore --to`, never served)
// against the signed anchors this control plane holds for slug. A copy of
// an earlier point in time ends before the tenant's head anchor: it is
// checked against the newest anchor it should contain (the head, else the
// newest history anchor at or before its last event), which the report
// names. The copy is opened in its own directory, never created; its
// schema is brought to this binary's (a restore of the same release
// changes nothing).
func (r *Registry) VerifyAuditCopy(ctx context.Context, slug, path string) (domain.AuditReport, error) {
	if _, err := r.Get(slug); err != nil {
		return domain.AuditReport{}, err
	}
	if filepath.Base(path) != "data.db" {
		return domain.AuditReport{}, domain.Errorf(domain.EInvalid, "err.audit.db_not_tenant", path, "the file must be named data.db (as backup restore --to writes it)")
	}
	if _, err := os.Stat(path); err != nil {
		return domain.AuditReport{}, domain.Errorf(domain.ENotFound, "err.audit.db_not_tenant", path, err)
	}
	app, err := newApp(appOptions{DataDir: filepath.Dir(path), Migrations: pbtenant.Migrations(), NoCreate: true})
	if err != nil {
		return domain.AuditReport{}, domain.Errorf(domain.EInvalid, "err.audit.db_not_tenant", path, err)
	}
	defer closeApp(app)
	plain, err := domain.VerifyAuditChain(app)
	if err != nil {
		return plain, err
	}
	head, pub, err := r.LatestAnchor(slug)
	if err != nil {
		return domain.AuditReport{}, err
	}
	anchor := head
	if head != nil && head.Seq > int64(plain.Events) {
		hist, err := r.AnchorHistory(slug, 10000)
		if err != nil {
			return domain.AuditReport{}, err
		}
		for i := range hist {
			if hist[i].Seq <= int64(plain.Events) {
				anchor = &hist[i]
				break
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return domain.AuditReport{}, err
	}
	return domain.VerifyAuditChainAnchored(app, anchor, pub)
}
