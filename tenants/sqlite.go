package tenants

import (
	"database/sql"
	"strings"
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
//
// Transactions begin IMMEDIATE: they take the write lock when they begin,
// waiting for it in SQLite's busy handler (busy_timeout). Another process
// writes to the same files, the replication child (Litestream bumps
// _litestream_seq and holds the write lock while it seals the WAL for a
// checkpoint). A transaction begun DEFERRED that read before such a write
// can never write (SQLITE_BUSY_SNAPSHOT), and an upgrade from read to
// write is refused at once without calling the busy handler: PocketBase
// retried each statement for 7 s, then the request failed with "database
// is locked". PocketBase only begins transactions on its nonconcurrent
// (write) pools; its concurrent pools run single reads, which take no
// write lock.
func DBConnect(dbPath string) (*dbx.DB, error) {
	registerDriver()
	return dbx.Open(DriverName, writeDSN(dbPath))
}

// writeDSN returns the data source name of dbPath for the project's
// driver with transactions begun IMMEDIATE (see DBConnect).
func writeDSN(dbPath string) string {
	sep := "?"
	if strings.Contains(dbPath, "?") {
		sep = "&"
	}
	return dbPath + sep + "_txlock=immediate"
}
