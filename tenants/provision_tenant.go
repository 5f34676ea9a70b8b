package tenants

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/crypto/bcrypt"

	"github.com/fieldops360/fieldops/domain"
)

// hashPassword starts hashing password with bcrypt at PocketBase's default
// cost and returns a func that waits for the hash.
func hashPassword(password string) func() (string, error) {
	done := make(chan struct{})
	var hash []byte
	var err error
	go func() {
		defer close(done)
		hash, err = bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	}()
	return func() (string, error) {
		<-done
		return string(hash), err
	}
}

// adminPasswordHash returns the admin's hash if it was computed at the cost
// of the users collection's password field, else "" (CreateUser hashes).
func adminPasswordHash(tx core.App, hash func() (string, error)) (string, error) {
	h, err := hash()
	if err != nil {
		return "", err
	}
	users, err := tx.FindCachedCollectionByNameOrId(domain.CollectionUsers)
	if err != nil {
		return "", err
	}
	want := bcrypt.DefaultCost
	if f, ok := users.Fields.GetByName(core.FieldNamePassword).(*core.PasswordField); ok && f.Cost != 0 {
		want = f.Cost
	}
	if cost, err := bcrypt.Cost([]byte(h)); err != nil || cost != want {
		return "", nil
	}
	return h, nil
}

// personalise writes, in one transaction, what is specific to a tenant
// into its fresh copy of the template: its own auth token secrets, the
// audit genesis (bound to the slug and the creation time, the template's
// reference-data events re-linked after it), the company profile and the
// admin, a users record and the _superusers record of the dashboard
// sharing one bcrypt hash (adminHash, computed meanwhile).
func personalise(app core.App, in CreateInput, adminHash func() (string, error), schema string, created time.Time, step func(string)) error {
	step("reference")
	return app.RunInTransaction(func(tx core.App) error {
		if err := renewAuthSecrets(tx); err != nil {
			return err
		}
		if err := restampTemplateRecords(tx, created); err != nil {
			return err
		}
		if _, err := domain.StartAuditChain(tx, domain.Genesis{Slug: in.Slug, Sector: in.Sector, Schema: schema, At: created}); err != nil {
			return err
		}
		step("admin")
		company, err := tx.FindCachedCollectionByNameOrId(domain.CollectionCompany)
		if err != nil {
			return err
		}
		c := core.NewRecord(company)
		c.Load(map[string]any{"name": in.Name, "sector": in.Sector, "timezone": "Europe/Paris", "locale": "fr"})
		if err := tx.Save(c); err != nil {
			return err
		}
		name := in.AdminName
		if name == "" {
			name = "Administrateur " + in.Name
		}
		hash := in.AdminPasswordHash
		if hash == "" {
			if hash, err = adminPasswordHash(tx, adminHash); err != nil {
				return err
			}
		}
		admin, err := domain.CreateUser(tx, domain.NewUser{
			Email: in.AdminEmail, Password: in.AdminPassword, PasswordHash: hash, Name: name,
			Role: domain.RoleManager, TenantAdmin: true,
		})
		if err != nil {
			return err
		}
		su, err := tx.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
		if err != nil {
			return err
		}
		s := core.NewRecord(su)
		s.SetEmail(in.AdminEmail)
		s.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: admin.GetString(core.FieldNamePassword + ":hash")})
		if err := tx.Save(s); err != nil {
			return fmt.Errorf("dashboard superuser: %w", err)
		}
		settings := tx.Settings()
		settings.Meta.AppName = in.Name
		return tx.Save(settings)
	})
}

// renewAuthSecrets gives every auth collection of the tenant its own token
// secrets: the template's are shared by all its copies.
func renewAuthSecrets(tx core.App) error {
	cols, err := tx.FindAllCollections(core.CollectionTypeAuth)
	if err != nil {
		return err
	}
	for _, c := range cols {
		for _, t := range []*core.TokenConfig{&c.AuthToken, &c.PasswordResetToken, &c.EmailChangeToken, &c.VerificationToken, &c.FileToken} {
			t.Secret = security.RandomString(50)
		}
		if err := tx.Save(c); err != nil {
			return fmt.Errorf("auth secrets of %s: %w", c.Name, err)
		}
	}
	return nil
}

// restampTemplateRecords dates the template's reference records at the
// tenant's creation, as if they had been seeded then.
func restampTemplateRecords(tx core.App, at time.Time) error {
	var names []string
	if err := tx.DB().Select("collection").Distinct(true).From(domain.CollectionAuditEvents).Column(&names); err != nil {
		return err
	}
	stamp, err := types.ParseDateTime(at.UTC())
	if err != nil {
		return err
	}
	for _, name := range names {
		col, err := tx.FindCachedCollectionByNameOrId(name)
		if err != nil {
			continue // a record of a collection since dropped
		}
		set := dbx.Params{}
		for _, f := range []string{"created", "updated"} {
			if col.Fields.GetByName(f) != nil {
				set[f] = stamp.String()
			}
		}
		if len(set) == 0 {
			continue
		}
		if _, err := tx.DB().Update(col.Name, set, nil).Execute(); err != nil {
			return fmt.Errorf("restamp %s: %w", col.Name, err)
		}
	}
	return nil
}
