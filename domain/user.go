package domain

import (
	"net/mail"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Roles of a tenant user (DESIGN.md §1). The tenant_admin flag is
// orthogonal: it grants settings, users and billing pages.
const (
	RoleManager        = "manager"
	RoleProjectManager = "project_manager"
	RoleSiteLead       = "site_lead"
	RoleCrew           = "crew"
)

// Roles lists the roles in display order.
var Roles = []string{RoleManager, RoleProjectManager, RoleSiteLead, RoleCrew}

// MinPasswordLength is the shortest password accepted for a tenant user.
const MinPasswordLength = 10

// NewUser is the input of CreateUser.
type NewUser struct {
	Email       string
	Password    string
	Name        string
	Role        string
	Phone       string
	HourlyCost  float64
	TenantAdmin bool
	Locale      string
	// PasswordHash, when set, is a bcrypt hash of Password the caller has
	// already computed (provisioning hashes beside its other work): it is
	// stored instead of hashing Password again.
	PasswordHash string
	// Actor, when set, is the id of the user who creates this one (an
	// invitation): the audit trail names them.
	Actor string
}

// User is a typed proxy over a tenant users record.
type User struct{ *core.Record }

// Role returns the user's role.
func (u User) Role() string { return u.GetString("role") }

// TenantAdmin reports whether the user administers the tenant.
func (u User) TenantAdmin() bool { return u.GetBool("tenant_admin") }

// Validate checks a NewUser and normalises its email.
func (n *NewUser) Validate() error {
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	n.Name = strings.TrimSpace(n.Name)
	if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email {
		return FieldError("email", "err.invalid_email")
	}
	if n.Name == "" {
		return FieldError("name", "err.name_required")
	}
	if !slices.Contains(Roles, n.Role) {
		return FieldError("role", "err.user.unknown_role", n.Role)
	}
	if len(n.Password) < MinPasswordLength {
		return FieldError("password", "err.password_too_short", MinPasswordLength)
	}
	if n.HourlyCost < 0 {
		return FieldError("hourly_cost", "err.hourly_cost_negative")
	}
	if n.Locale == "" {
		n.Locale = "fr"
	}
	return nil
}

// CreateUser validates and creates an active, verified tenant user.
func CreateUser(app core.App, n NewUser) (User, error) {
	if err := n.Validate(); err != nil {
		return User{}, err
	}
	col, err := app.FindCachedCollectionByNameOrId(CollectionUsers)
	if err != nil {
		return User{}, err
	}
	if existing, _ := app.FindAuthRecordByEmail(col, n.Email); existing != nil {
		return User{}, FieldError("email", "err.user.email_taken")
	}
	r := core.NewRecord(col)
	r.SetEmail(n.Email)
	if n.PasswordHash != "" {
		r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: n.PasswordHash})
	} else {
		r.SetPassword(n.Password)
	}
	r.SetVerified(true)
	r.Load(map[string]any{
		"name": n.Name, "role": n.Role, "phone": n.Phone, "hourly_cost": n.HourlyCost,
		"active": true, "tenant_admin": n.TenantAdmin, "locale": n.Locale,
	})
	if n.Actor != "" {
		SetActor(r, n.Actor)
	}
	if err := app.Save(r); err != nil {
		return User{}, err
	}
	return User{r}, nil
}

// SetUserLocale stores a user's interface language (fr or en).
func SetUserLocale(app core.App, u *core.Record, lang string) error {
	if lang != "fr" && lang != "en" {
		return FieldError("locale", "err.user.unsupported_language", lang)
	}
	u.Set("locale", lang)
	SetActor(u, u.Id)
	return app.Save(u)
}

// SetUserActive activates or deactivates a user. A deactivated user can
// no longer sign in and their sessions stop at the next request; admins
// cannot deactivate themselves (a tenant must keep an admin).
func SetUserActive(app core.App, actor *core.Record, userID string, active bool) (*core.Record, error) {
	u, err := app.FindRecordById(CollectionUsers, userID)
	if err != nil {
		return nil, Errorf(ENotFound, "err.user.not_found")
	}
	if actor != nil && actor.Id == u.Id && !active {
		return nil, Errorf(EInvalid, "err.user.deactivate_self")
	}
	u.Set("active", active)
	if actor != nil {
		SetActor(u, actor.Id)
	}
	if err := app.Save(u); err != nil {
		return nil, err
	}
	return u, nil
}

// CountActiveUsers returns the number of active users.
func CountActiveUsers(app core.App) (int, error) {
	n, err := app.CountRecords(CollectionUsers, dbx.HashExp{"active": true})
	return int(n), err
}

// FindUsers returns the users sorted by a whitelisted key ("name",
// "email", "role", "last_login"; "-" prefix for descending).
func FindUsers(app core.App, sort string, limit, offset int) ([]*core.Record, int, error) {
	key := strings.TrimPrefix(sort, "-")
	switch key {
	case "name", "email", "role", "last_login":
	default:
		sort = "name"
	}
	total, err := app.CountRecords(CollectionUsers)
	if err != nil {
		return nil, 0, err
	}
	recs, err := app.FindRecordsByFilter(CollectionUsers, "", sort, limit, offset)
	return recs, int(total), err
}
