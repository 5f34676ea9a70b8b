package domain

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// FindClients returns the clients of the tenant, by name.
func FindClients(app core.App) ([]Client, error) {
	recs, err := app.FindRecordsByFilter(CollectionClients, "", "name", 0, 0)
	return AsClients(recs), err
}

// CountClientSites returns how many sites a client has.
func CountClientSites(app core.App, clientID string) (int, error) {
	n, err := app.CountRecords(CollectionSites, dbx.HashExp{"client": clientID})
	return int(n), err
}
