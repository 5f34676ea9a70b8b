package domain

import "github.com/pocketbase/pocketbase/core"

// FindAllSites returns every site of the tenant (the access keys of live
// views are computed over all of them).
func FindAllSites(app core.App) ([]*core.Record, error) {
	return app.FindAllRecords(CollectionSites)
}

// SiteAccessKey tells viewers apart by what they may do on sites: two
// users with the same key over the same sites see the same ones and may
// plan the same ones (CanSeeSite, CanEditSiteDay), so a view filtered by
// these permissions shows them the same bytes.
func SiteAccessKey(u *core.Record, sites []*core.Record) string {
	b := make([]byte, len(sites))
	for i, s := range sites {
		c := byte('0')
		if CanSeeSite(u, s) {
			c++
		}
		if CanEditSiteDay(u, s) {
			c += 2
		}
		b[i] = c
	}
	return string(b)
}
