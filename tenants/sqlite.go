package tenants

import (
	"database/sql"
	"sync"

	"github.com/mattn/go-sqlite3"
	"github.com/pocketbase/dbx"
)

// DriverName is the database/sql driver registered for every tenant and
// platform database: mattn/go-sqlite3 with the project's connection PRAGMAs.
const DriverName = "fieldops_sqlite3"

// connectPragmas are run on every new connection. busy_timeout must come
// first so that switching to WAL waits for other connections.
var connectPragmas = []string{
	"PRAGMA busy_timeout = 10000",
	"PRAGMA journal_mode = WAL",
	"PRAGMA synchronous = NORMAL",
	"PRAGMA foreign_keys = ON",
	"PRAGMA temp_store = MEMORY",
	"PRAGMA cache_size = -2000",
	"PRAGMA journal_size_limit = 67108864",
}

// registerOnce guards the one-time database/sql driver registration
// (database/sql panics on a second Register of the same name).
var registerOnce sync.Once

func registerDriver() {
	registerOnce.Do(func() {
		sql.Register(DriverName, &sqlite3.SQLiteDriver{
			ConnectHook: func(conn *sqlite3.SQLiteConn) error {
				for _, p := range connectPragmas {
					if _, err := conn.Exec(p, nil); err != nil {
						return err
					}
				}
				return nil
			},
		})
		dbx.BuilderFuncMap[DriverName] = dbx.BuilderFuncMap["sqlite3"]
	})
}

// DBConnect opens a SQLite file with the project's driver. It is the
// DBConnect function of every core.BaseApp the process creates.
func DBConnect(dbPath string) (*dbx.DB, error) {
	registerDriver()
	return dbx.Open(DriverName, dbPath)
}
