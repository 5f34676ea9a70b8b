package tenant

import (
	"github.com/pocketbase/pocketbase/core"
)

// uploadsUp adds the ledger of resumable uploads (domain/upload.go). It is
// a plain SQLite table, not a PocketBase collection: it is bookkeeping of
// bytes in transit (offset moves at every chunk), never reachable through
// the REST API nor audited; the record an upload creates (a photo, a
// signature) is, through the domain's usual path. The bytes themselves
// live in <tenant dir>/uploads/<id>.part until the upload completes.
func uploadsUp(app core.App) error {
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS uploads (
			id TEXT PRIMARY KEY NOT NULL,
			key TEXT NOT NULL,
			user TEXT NOT NULL,
			purpose TEXT NOT NULL,
			size INTEGER NOT NULL,
			sha256 TEXT NOT NULL,
			content_type TEXT NOT NULL,
			meta TEXT NOT NULL DEFAULT '{}',
			received INTEGER NOT NULL DEFAULT 0,
			status TEXT NOT NULL DEFAULT 'open',
			error TEXT NOT NULL DEFAULT '',
			result_collection TEXT NOT NULL DEFAULT '',
			result_id TEXT NOT NULL DEFAULT '',
			created TEXT NOT NULL,
			updated TEXT NOT NULL
		)`,
		`CREATE UNIQUE INDEX IF NOT EXISTS idx_uploads_key ON uploads (key)`,
		`CREATE INDEX IF NOT EXISTS idx_uploads_status_created ON uploads (status, created)`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	return nil
}
