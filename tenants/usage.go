package tenants

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/fieldops360/fieldops/domain"
)

// Usage is what the super-admin portal shows of a tenant's activity,
// read from its database without opening the tenant app.
type Usage struct {
	Users        int       `json:"users"`
	ActiveUsers  int       `json:"active_users"`
	LastActivity time.Time `json:"last_activity"`
}

// TenantUsage reads a tenant's user counts and last sign-in with a
// read-only connection (cheap, and safe while the tenant serves).
func (r *Registry) TenantUsage(ctx context.Context, slug string) (Usage, error) {
	registerDriver()
	var u Usage
	db, err := sql.Open(DriverName, "file:"+filepath.Join(r.TenantDir(slug), "data.db")+"?mode=ro")
	if err != nil {
		return u, err
	}
	defer db.Close()
	var last sql.NullString
	err = db.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(active), 0), max(nullif(last_login, '')) FROM users").Scan(&u.Users, &u.ActiveUsers, &last)
	if err != nil {
		return u, err
	}
	if last.Valid {
		u.LastActivity = domain.ParseDBTime(last.String)
	}
	return u, nil
}

// SuperuserResult is the outcome of UpsertSuperuser; Password is set only
// when it was generated.
type SuperuserResult struct {
	Email    string `json:"email"`
	Password string `json:"password,omitempty"`
	Created  bool   `json:"created"`
}

// UpsertSuperuser creates or updates a platform superuser (super-admin
// portal and platform dashboard). An empty password is generated.
func (r *Registry) UpsertSuperuser(email, password, actor string) (*SuperuserResult, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !strings.Contains(email, "@") {
		return nil, domain.FieldError("email", "err.invalid_email")
	}
	res := &SuperuserResult{Email: email}
	if password == "" {
		password = security.RandomStringWithAlphabet(20, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
		res.Password = password
	}
	if len(password) < domain.MinPasswordLength {
		return nil, domain.FieldError("password", "err.password_too_short", domain.MinPasswordLength)
	}
	err := r.platform.RunInTransaction(func(tx core.App) error {
		su, err := tx.FindAuthRecordByEmail(core.CollectionNameSuperusers, email)
		if err != nil {
			col, cerr := tx.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
			if cerr != nil {
				return cerr
			}
			su = core.NewRecord(col)
			su.SetEmail(email)
			res.Created = true
		}
		su.SetPassword(password)
		if err := tx.Save(su); err != nil {
			return err
		}
		return PlatformAudit(tx, actor, "superuser.upsert", "", map[string]any{"email": email, "created": res.Created})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
