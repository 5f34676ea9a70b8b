package domain

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/security"
)

// TableSessions is the plain SQLite table of signed-in sessions of an app
// (pb_migrations/sessions.go): the tenant's users in the tenant's file, the
// platform superusers in the control plane. It is not a collection: never
// reachable through the REST API, never audited.
const TableSessions = "sessions"

// ErrSessionEnded is the answer for a session that was revoked (logout,
// "log out everywhere", password change) or has expired.
var ErrSessionEnded = Errorf(ENotFound, "err.session.expired")

// A session is the server-side half of a sign-in on the pages: the cookie
// carries a random secret, the app's database the SHA-256 of it with the
// record signed in and the absolute end. Every request checks the row (one
// primary-key lookup), so deleting it ends the session at once, and a
// cookie captured before a logout no longer authenticates.

// NewSessionSecret returns a fresh random session secret (~256 bits) for
// a cookie.
func NewSessionSecret() string { return security.RandomString(43) }

func sessionID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// StartSession stores the session of rec identified by secret, valid
// until expires at most, and drops the sessions of the app already
// expired.
func StartSession(app core.App, secret string, rec *core.Record, now, expires time.Time) error {
	return app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().Delete(TableSessions, dbx.NewExp("expires < {:now}", dbx.Params{"now": now.Unix()})).Execute(); err != nil {
			return fmt.Errorf("purge sessions: %w", err)
		}
		_, err := tx.DB().Insert(TableSessions, dbx.Params{
			"id": sessionID(secret), "collection": rec.Collection().Name, "record": rec.Id,
			"created": now.Unix(), "expires": expires.Unix(),
		}).Execute()
		if err != nil {
			return fmt.Errorf("start session: %w", err)
		}
		return nil
	})
}

// CheckSession returns nil when the session secret is stored for the
// record recordID and has not expired, ErrSessionEnded otherwise.
func CheckSession(app core.App, secret, recordID string, now time.Time) error {
	if secret == "" {
		return ErrSessionEnded
	}
	var row struct {
		Record  string `db:"record"`
		Expires int64  `db:"expires"`
	}
	err := app.DB().Select("record", "expires").From(TableSessions).Where(dbx.HashExp{"id": sessionID(secret)}).One(&row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrSessionEnded
	case err != nil:
		return fmt.Errorf("check session: %w", err)
	case row.Record != recordID || row.Expires < now.Unix():
		return ErrSessionEnded
	}
	return nil
}

// EndSession deletes the session identified by secret (logout); an
// unknown secret is not an error.
func EndSession(app core.App, secret string) error {
	if secret == "" {
		return nil
	}
	if _, err := app.DB().Delete(TableSessions, dbx.HashExp{"id": sessionID(secret)}).Execute(); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// EndAllSessions signs rec out everywhere: every stored session of the
// record is deleted and its token key renewed, so the API tokens, file
// tokens and reset links issued before stop working too. The change is
// made (and audited) as rec itself.
func EndAllSessions(app core.App, rec *core.Record) error {
	return app.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById(rec.Collection(), rec.Id)
		if err != nil {
			return err
		}
		fresh.RefreshTokenKey()
		SetActor(fresh, rec.Id)
		if err := tx.Save(fresh); err != nil {
			return err
		}
		// NB: the save already dropped the sessions (BindSessionHooks);
		// repeat it for apps served without the hook.
		return dropSessionsOf(tx, fresh.Collection().Name, fresh.Id)
	})
}

func dropSessionsOf(app core.App, collection, recordID string) error {
	if _, err := app.DB().Delete(TableSessions, dbx.HashExp{"collection": collection, "record": recordID}).Execute(); err != nil {
		return fmt.Errorf("drop sessions: %w", err)
	}
	return nil
}

// BindSessionHooks ends every session of an auth record whose token key
// changes (a password or email change, a reset through an emailed link,
// "log out everywhere"), in the transaction of the change. The cookies of
// those sessions could not authenticate anymore anyway (their token is
// signed with the old key); the hook deletes their rows.
func BindSessionHooks(app core.App) {
	app.OnRecordUpdateExecute().Bind(&hook.Handler[*core.RecordEvent]{
		Id: "fieldopsSessionsOnKeyChange",
		Func: func(e *core.RecordEvent) error {
			col := e.Record.Collection()
			if !col.IsAuth() {
				return e.Next()
			}
			var before string
			err := e.App.DB().Select(core.FieldNameTokenKey).From(col.Name).Where(dbx.HashExp{"id": e.Record.Id}).Row(&before)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err := e.Next(); err != nil {
				return err
			}
			if before == "" || before == e.Record.TokenKey() {
				return nil
			}
			return dropSessionsOf(e.App, col.Name, e.Record.Id)
		},
	})
}
