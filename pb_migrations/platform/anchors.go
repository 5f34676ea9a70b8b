package platform

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// auditAnchors holds what anchors each tenant's audit chain outside the
// tenant's database: its Ed25519 key (private half hidden from the API even
// for listing superusers; the tenant's own API never reaches the control
// plane), its head anchor (one row per tenant, moved after every audit
// write) and the history of anchors (periodic, at close, on demand, at
// provisioning, after a restore, after an operator's reset).
func auditAnchors(app core.App) error {
	steps := []*pbm.Builder{
		pbm.NewBase(app, "audit_keys").Add(
			pbm.Text("slug", true, 63),
			pbm.Select("algorithm", true, "ed25519"),
			pbm.Text("public_key", true, 100),
			&core.TextField{Name: "private_key", Required: true, Hidden: true, Max: 200},
		).Index(true, "slug"),
		pbm.NewBase(app, "audit_heads").Add(
			pbm.Text("slug", true, 63),
			pbm.Int("seq", false),
			pbm.Text("hash", false, 64),
			&core.DateField{Name: "at", Required: true},
			pbm.Text("signature", true, 200),
			pbm.Text("kind", false, 16),
		).Index(true, "slug"),
		pbm.NewBase(app, "audit_anchors").Add(
			pbm.Text("slug", true, 63),
			pbm.Int("seq", false),
			pbm.Text("hash", false, 64),
			&core.DateField{Name: "at", Required: true},
			pbm.Text("signature", true, 200),
			pbm.Select("kind", true, "provision", "open", "periodic", "close", "manual", "restore", "reset"),
			pbm.JSON("detail"),
		).Index(false, "slug", "at").Index(false, "at"),
	}
	for _, s := range steps {
		if err := s.Save(); err != nil {
			return err
		}
	}
	return nil
}
