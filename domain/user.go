package domain

import (
	"net/mail"
	"slices"
	"strings"

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
		return FieldError("email", "Adresse e-mail invalide / invalid email address")
	}
	if n.Name == "" {
		return FieldError("name", "Le nom est obligatoire / the name is required")
	}
	if !slices.Contains(Roles, n.Role) {
		return FieldError("role", "Rôle %q inconnu / unknown role %q", n.Role, n.Role)
	}
	if len(n.Password) < MinPasswordLength {
		return FieldError("password", "Le mot de passe doit faire au moins %d caractères / the password must be at least %d characters", MinPasswordLength, MinPasswordLength)
	}
	if n.HourlyCost < 0 {
		return FieldError("hourly_cost", "Le coût horaire ne peut pas être négatif / the hourly cost cannot be negative")
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
		return User{}, FieldError("email", "Un utilisateur existe déjà avec cette adresse / a user with this email already exists")
	}
	r := core.NewRecord(col)
	r.SetEmail(n.Email)
	r.SetPassword(n.Password)
	r.SetVerified(true)
	r.Load(map[string]any{
		"name": n.Name, "role": n.Role, "phone": n.Phone, "hourly_cost": n.HourlyCost,
		"active": true, "tenant_admin": n.TenantAdmin, "locale": n.Locale,
	})
	if err := app.Save(r); err != nil {
		return User{}, err
	}
	return User{r}, nil
}
