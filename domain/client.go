package domain

import (
	"net/mail"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// ClientInput is a client (maître d'ouvrage): public body, company or
// individual.
type ClientInput struct {
	Name, Kind, ContactName, Email, Phone, Siret, Address string
}

// CreateClient validates and creates a client.
func CreateClient(app core.App, actor *core.Record, in ClientInput) (*core.Record, error) {
	in.Name, in.Email = strings.TrimSpace(in.Name), strings.TrimSpace(in.Email)
	in.Siret = strings.ReplaceAll(in.Siret, " ", "")
	switch {
	case in.Name == "":
		return nil, FieldError("name", "err.client.name_required")
	case !contains([]string{"public", "private", "individual"}, in.Kind):
		return nil, FieldError("kind", "err.client.unknown_kind")
	case in.Siret != "" && !validSiret(in.Siret):
		return nil, FieldError("siret", "err.client.invalid_siret")
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			return nil, FieldError("email", "err.invalid_email")
		}
	}
	return newChild(app, CollectionClients, map[string]any{
		"name": in.Name, "kind": in.Kind, "contact_name": strings.TrimSpace(in.ContactName), "email": in.Email,
		"phone": strings.TrimSpace(in.Phone), "siret": in.Siret, "address": strings.TrimSpace(in.Address),
	}, actor)
}
