package pbmigrations

import "github.com/pocketbase/pocketbase/core"

// SessionsTable creates the plain SQLite table of signed-in sessions
// (domain/session.go), in a tenant's file and in the control plane alike.
// It is not a collection: never reachable through the REST API nor
// audited. id is the SHA-256 of the cookie's secret; times are Unix
// seconds.
func SessionsTable(app core.App) error {
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS sessions (
			id TEXT PRIMARY KEY NOT NULL,
			collection TEXT NOT NULL,
			record TEXT NOT NULL,
			created INTEGER NOT NULL,
			expires INTEGER NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS idx_sessions_record ON sessions (collection, record)`,
		`CREATE INDEX IF NOT EXISTS idx_sessions_expires ON sessions (expires)`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	return nil
}
