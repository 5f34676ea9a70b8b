package tenants

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// FindTenantRecords returns the control plane's tenants (deleted ones
// included), by slug.
func FindTenantRecords(app core.App) ([]TenantRecord, error) {
	recs, err := app.FindRecordsByFilter(CollectionTenants, "", "slug", 0, 0)
	if err != nil {
		return nil, err
	}
	out := make([]TenantRecord, len(recs))
	for i, r := range recs {
		out[i] = TenantRecord{r}
	}
	return out, nil
}

// CountTenantRecords returns how many tenants the control plane records
// (deleted ones included).
func CountTenantRecords(app core.App) (int, error) {
	n, err := app.CountRecords(CollectionTenants)
	return int(n), err
}

// FindPlatformAudit returns the latest limit events of the platform audit
// log, newest first; only those of one tenant when slug is not empty.
func FindPlatformAudit(app core.App, slug string, limit int) ([]PlatformAuditRecord, error) {
	filter, params := "", dbx.Params{}
	if slug != "" {
		filter, params = "tenant = {:slug}", dbx.Params{"slug": slug}
	}
	recs, err := app.FindRecordsByFilter(CollectionPlatformAudit, filter, "-at", limit, 0, params)
	if err != nil {
		return nil, err
	}
	out := make([]PlatformAuditRecord, len(recs))
	for i, r := range recs {
		out[i] = PlatformAuditRecord{r}
	}
	return out, nil
}

// AuthenticateSuperuser checks a platform superuser's email and password;
// any failure is domain.ErrBadCredentials (it never says which part was
// wrong).
func AuthenticateSuperuser(app core.App, email, password string) (*core.Record, error) {
	su, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, email)
	if err != nil || !su.ValidatePassword(password) {
		return nil, domain.ErrBadCredentials
	}
	return su, nil
}
