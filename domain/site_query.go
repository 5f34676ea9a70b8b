package domain

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/core"
)

// FindSiteFor returns the site with that id when user may see it. A
// missing site and a site hidden from user are the same ENotFound error:
// a crew member does not learn which other sites exist.
func FindSiteFor(app core.App, user *core.Record, id string) (Site, error) {
	s, err := FindSite(app, id)
	if err != nil && ErrorCode(err) != ENotFound {
		return Site{}, err
	}
	if err != nil || !CanSeeSite(user, s.Record) {
		return Site{}, Errorf(ENotFound, "err.site.not_found")
	}
	return s, nil
}

// ExpandSiteRelations loads the client, project manager, site lead and
// team of a site, read afterwards through ExpandedClient,
// ExpandedProjectManager, ExpandedSiteLead and ExpandedTeam.
func ExpandSiteRelations(app core.App, s Site) error {
	for _, err := range app.ExpandRecord(s.Record, []string{"client", "project_manager", "site_lead", "team"}, nil) {
		return err
	}
	return nil
}

// FindSitePhase returns a phase of the site; a phase of another site is
// ENotFound like a missing one.
func FindSitePhase(app core.App, siteID, id string) (Phase, error) {
	p, err := FindPhase(app, id)
	if err == nil && p.SiteID() != siteID {
		return Phase{}, Errorf(ENotFound, "err.record.not_found")
	}
	return p, err
}

// FindSiteMilestone returns a milestone of the site; a milestone of
// another site is ENotFound like a missing one.
func FindSiteMilestone(app core.App, siteID, id string) (Milestone, error) {
	m, err := FindMilestone(app, id)
	if err == nil && m.SiteID() != siteID {
		return Milestone{}, Errorf(ENotFound, "err.record.not_found")
	}
	return m, err
}

// FindSiteTemplates returns the site templates of the tenant, by name.
func FindSiteTemplates(app core.App) ([]SiteTemplate, error) {
	recs, err := app.FindRecordsByFilter(CollectionSiteTemplates, "", "name", 0, 0)
	return AsSiteTemplates(recs), err
}

// SectorFieldValues returns the sector-specific facts of the site
// (voltage, networks, DICT reference…), empty when none were entered.
func (s Site) SectorFieldValues() map[string]string {
	out := map[string]string{}
	if raw := s.SectorFields(); len(raw) > 0 {
		_ = json.Unmarshal(raw, &out) // the field is validated JSON: only a non-text value is skipped
	}
	return out
}
