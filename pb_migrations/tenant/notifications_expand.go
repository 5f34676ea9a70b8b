package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// ruleOwnNotification lets a user read their own notifications only.
const ruleOwnNotification = ruleUser + ` && user = @request.auth.id`

// notificationsUp (issue #17, item 5) is an expand step: a new collection
// and new optional columns, which an older binary ignores.
//
//   - notifications: one per recipient, rule and state of a subject
//     (domain/notify_*.go). `key` names the rule, subject and state; a
//     partial unique index keeps one unresolved notification per user and
//     key, so that an evaluation never notifies the same thing twice. The
//     text is a catalogue key and its arguments, rendered in the reader's
//     language. Users read their own; nobody writes through the REST API
//     (the pages mark them read).
//   - company.notify_rules: the tenant's thresholds (JSON, domain.NotifySettings);
//   - users.notify_digest, users.digest_sent_at: the daily e-mail digest
//     opt-in and the last one sent.
func notificationsUp(app core.App) error {
	b := pbm.NewBase(app, "notifications").
		Rel("user", "users", true, 1, true).
		Add(
			pbm.Select("kind", true, "budget", "milestone_late", "task_late", "document_expiring",
				"clearance_expiring", "stock_low", "incident_high", "time_pending"),
			pbm.Text("state", true, 32),
			pbm.Text("key", true, 200),
		).
		Rel("site", "sites", false, 1, true).
		Add(
			pbm.Text("subject", false, 64),
			pbm.Text("message", true, 120),
			pbm.JSON("args"),
			pbm.Date("read_at", false),
			pbm.Date("resolved_at", false),
		).
		Index(false, "user", "read_at").
		Rules(pbm.Rule(ruleOwnNotification), pbm.Rule(ruleOwnNotification), nil, nil, nil)
	b.Col.AddIndex("idx_notifications_open_key", true, "`user`, `key`", "`resolved_at` = ''")
	if err := b.Save(); err != nil {
		return err
	}
	if err := pbm.Existing(app, "company").Add(pbm.JSON("notify_rules")).Save(); err != nil {
		return err
	}
	return pbm.Existing(app, "users").Add(pbm.Bool("notify_digest"), pbm.Date("digest_sent_at", false)).Save()
}
