package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// clientPortalUp (issue #20, the client portal) is an expand step: two new
// collections and two new flags an older binary ignores.
//
//   - client_contacts: the people of a client (the contractor's customer)
//     who may follow its sites: name, e-mail, phone, locale. Read by the
//     office; written by the domain only (domain.InviteClientContact).
//   - client_access: one invitation of a contact to some sites of its
//     client: the SHA-256 of the single-use magic-link token, its expiry
//     (the session it opens ends then too), when the link was used, when
//     the access was last used and for what (audited), revoked. Read by
//     the office; written by the domain only.
//   - documents.shared_with_client, photos.shared_with_client: what the
//     office chose to show the client on its portal.
func clientPortalUp(app core.App) error {
	contacts := pbm.NewBase(app, "client_contacts").
		Rel("client", "clients", true, 1, true).
		Add(
			pbm.Text("name", true, 200),
			pbm.Email("email", true),
			pbm.Text("phone", false, 40),
			pbm.Select("locale", false, "fr", "en"),
		).
		Index(true, "client", "email").
		Rules(pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), nil, nil, nil)
	if err := contacts.Save(); err != nil {
		return err
	}
	access := pbm.NewBase(app, "client_access").
		Rel("contact", "client_contacts", true, 1, true).
		Rel("sites", "sites", true, 100, false).
		Add(
			pbm.Text("token_hash", false, 64),
			pbm.Date("expires", true),
			pbm.Date("used", false),
			pbm.Bool("revoked"),
			pbm.Date("last_used", false),
			pbm.Text("last_path", false, 300),
		).
		Rel("invited_by", "users", false, 1, false).
		Index(false, "token_hash").
		Rules(pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), nil, nil, nil)
	if err := access.Save(); err != nil {
		return err
	}
	return saveAll(
		pbm.Existing(app, "documents").Add(pbm.Bool("shared_with_client")),
		pbm.Existing(app, "photos").Add(pbm.Bool("shared_with_client")),
	)
}
