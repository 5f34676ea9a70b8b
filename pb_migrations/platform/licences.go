package platform

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// licencesExpand (issue #19, plans and licences) adds to each tenant its
// licence start, a trial flag and its grace period after expiry (days, 0:
// the default 14), and opens the new invoicing module to the Pro and
// Enterprise plans. An older binary ignores all of it.
func licencesExpand(app core.App) error {
	err := pbm.Existing(app, "tenants").Add(
		pbm.Date("licence_starts", false),
		pbm.Bool("trial"),
		pbm.Int("grace_days", false),
	).Save()
	if err != nil {
		return err
	}
	for _, code := range []string{"pro", "enterprise"} {
		p, err := app.FindFirstRecordByData("plans", "code", code)
		if err != nil {
			continue // a plan an operator removed
		}
		mods := p.GetStringSlice("modules")
		if !slices.Contains(mods, "invoicing") {
			p.Set("modules", append(mods, "invoicing"))
			if err := app.Save(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// usageExpand (issue #19, metering) splits a tenant's storage in
// usage_daily into database, files and replica bytes and counts the
// reports generated that day.
func usageExpand(app core.App) error {
	return pbm.Existing(app, "usage_daily").Add(
		pbm.Int("db_bytes", false),
		pbm.Int("files_bytes", false),
		pbm.Int("replica_bytes", false),
		pbm.Int("reports", false),
	).Save()
}
