package domain

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/pocketbase/core"
)

// The typed record proxies of this package (one per collection, in
// <collection>_model.go) are generated from the tenant schema by
// `go run ./scripts/genrecords`; hand-written methods and finders of the
// same name win over generated ones. Handlers and views read records only
// through them (`make lint` refuses field names as strings and App.Find*
// calls outside domain and tenants).

// findRecordByID returns the record of collection with that id; a missing
// record (or an empty id) is an ENotFound error.
func findRecordByID(app core.App, collection, id string) (*core.Record, error) {
	if id == "" {
		return nil, Errorf(ENotFound, "err.record.not_found")
	}
	r, err := app.FindRecordById(collection, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &Error{Code: ENotFound, Key: "err.record.not_found", Err: err}
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}
