package tenants

import (
	"context"
	"os"

	"github.com/fieldops360/fieldops/domain"
)

// ExportPerson writes to out (a zip, written whole or not at all) every
// record tenant slug holds about person (an e-mail or a user id of that
// tenant only), as the operator ("cli" in the tenant's audit chain), and
// records it in the platform audit log.
func (r *Registry) ExportPerson(ctx context.Context, slug, person, out, actor string) (domain.PersonExport, error) {
	t, release, err := r.Acquire(ctx, slug)
	if err != nil {
		return domain.PersonExport{}, err
	}
	defer release()
	u, err := domain.FindGDPRSubject(t.App, person)
	if err != nil {
		return domain.PersonExport{}, err
	}
	tmp := out + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return domain.PersonExport{}, err
	}
	defer os.Remove(tmp)
	sum, err := domain.ExportPerson(t.App, nil, u, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		return sum, err
	}
	return sum, PlatformAudit(r.platform, actor, "gdpr.export", slug, map[string]any{"person": u.Id, "collections": sum.Collections})
}

// ErasePerson erases person (an e-mail or a user id of tenant slug) as
// the operator (domain.ErasePerson), then anchors the chain at once so
// that `audit verify` accepts the erasure's redactions, and records it in
// the platform audit log (the person's id only).
func (r *Registry) ErasePerson(ctx context.Context, slug, person, actor string) (domain.Erasure, error) {
	t, release, err := r.Acquire(ctx, slug)
	if err != nil {
		return domain.Erasure{}, err
	}
	defer release()
	u, err := domain.FindGDPRSubject(t.App, person)
	if err != nil {
		return domain.Erasure{}, err
	}
	er, err := domain.ErasePerson(t.App, nil, u)
	if err != nil {
		return er, err
	}
	r.flushAnchor(slug)
	return er, PlatformAudit(r.platform, actor, "gdpr.erase", slug, map[string]any{"person": er.Person, "seq": er.Seq, "redacted": er.Redacted})
}

// AnchorPending signs at once the tenant's audit events committed in
// this process and not yet anchored (after an erasure made through a
// tenant page, so that its manifest is covered by an anchor).
func (r *Registry) AnchorPending(slug string) { r.flushAnchor(slug) }
