package domain

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// DemoClientContactEmail is the demo's client contact (Atlantique
// Habitat), invited to its two sites: the planned electrical lot and the
// finished road works (where the demo's acceptance report is). The office
// renews the access on the client's page to get a link to open.
const DemoClientContactEmail = "s.caron@atlantique-habitat.fr"

// seedDemoClients adds the demo's client contact, its access to two sites
// of Atlantique Habitat (CH-2025-042 finished, CH-2026-019 planned; the
// history adds others it is not invited to), not opened yet, and shares each site's
// first document and latest photos with the client.
func seedDemoClients(tx core.App, users map[string]*core.Record, now time.Time) error {
	client, err := tx.FindFirstRecordByFilter(CollectionClients, "name = 'Atlantique Habitat'")
	if err != nil {
		return err
	}
	sites, err := tx.FindRecordsByFilter(CollectionSites, "client = {:c} && (code = 'CH-2025-042' || code = 'CH-2026-019')", "code", 0, 0, dbx.Params{"c": client.Id})
	if err != nil || len(sites) < 2 {
		return err
	}
	contactID, err := insert(tx, CollectionClientContacts, map[string]any{"client": client.Id, "name": "Sophie Caron",
		"email": DemoClientContactEmail, "phone": "02 40 00 12 34", "locale": "fr"})
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(sites))
	for _, s := range sites {
		ids = append(ids, s.Id)
	}
	by := ""
	if u := users["Nadia Roux"]; u != nil {
		by = u.Id
	}
	_, err = insert(tx, CollectionClientAccess, map[string]any{"contact": contactID, "sites": ids, "invited_by": by,
		"token_hash": clientTokenHash(security.RandomString(43)), "expires": now.Add(ClientAccessTTL)})
	if err != nil {
		return err
	}
	for _, s := range sites {
		if err := shareDemo(tx, CollectionDocuments, "site = {:s} && current = true", "title", 1, s.Id); err != nil {
			return err
		}
		if err := shareDemo(tx, CollectionPhotos, "site = {:s}", "-taken_at", 4, s.Id); err != nil {
			return err
		}
	}
	return nil
}

// shareDemo marks the first n records of col on site (filter, sort) as
// shared with the client.
func shareDemo(tx core.App, col, filter, sort string, n int, site string) error {
	recs, err := tx.FindRecordsByFilter(col, filter, sort, n, 0, dbx.Params{"s": site})
	if err != nil {
		return err
	}
	for _, r := range recs {
		r.Set("shared_with_client", true)
		if err := tx.Save(r); err != nil {
			return err
		}
	}
	return nil
}
