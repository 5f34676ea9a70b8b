package domain

import (
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
)

// maxDigestLines bounds the notifications listed in one digest.
const maxDigestLines = 100

// SendDigests e-mails, once a day per user, the daily digest to the
// active users who opted in (users.notify_digest): their unread
// notifications of conditions that still hold, grouped by site, in their
// language, with a link to the notifications page. Nothing leaves when
// SMTP is not configured, before the tenant's digest hour, or for a user
// with nothing unread; a user whose mail failed is tried again at the
// next run. It returns how many digests left.
func SendDigests(app core.App, now time.Time, baseURL string) (int, error) {
	if !MailConfigured(app) {
		return 0, nil
	}
	s, err := TenantNotifySettings(app)
	if err != nil {
		return 0, err
	}
	f := TenantFactsOf(app)
	dayStart := f.DayStart(now)
	if now.In(f.Location()).Hour() < s.DigestHour {
		return 0, nil
	}
	recs, err := app.FindRecordsByFilter(CollectionUsers, "active = true && notify_digest = true && (digest_sent_at = '' || digest_sent_at < {:d})",
		"created", 0, 0, dbx.Params{"d": DBTime(dayStart)})
	if err != nil {
		return 0, err
	}
	sent := 0
	var firstErr error
	for _, u := range AsUsers(recs) {
		list, err := FindUserNotifications(app, u.Id, true, maxDigestLines)
		if err != nil {
			return sent, err
		}
		if len(list) == 0 {
			continue
		}
		if err := SendMail(app, u.Record, digestMail(list, now.In(f.Location()), strings.TrimSuffix(baseURL, "/"))); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		u.SetDigestSentAt(now)
		if err := app.Save(u.Record); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, firstErr
}

// digestMail writes the digest of list in both languages.
func digestMail(list []Notification, now time.Time, baseURL string) Mail {
	body := func(lang string) string {
		var b strings.Builder
		b.WriteString(catalog.New("notify.digest.intro", len(list)).In(lang))
		group := "\x00"
		for _, n := range list {
			label := catalog.New("notify.digest.no_site").In(lang)
			if s, ok := n.ExpandedSite(); ok {
				label = siteLabel(s)
			}
			if label != group {
				group = label
				b.WriteString("\n\n" + label)
			}
			b.WriteString("\n– " + NotificationText(n, lang))
		}
		return b.String()
	}
	// NB: grouped by site: the sort keeps each site's lines together.
	sortBySite(list)
	return Mail{
		SubjectFR: catalog.New("notify.digest.subject", len(list), formatDay(now, "fr")).In(catalog.FR),
		SubjectEN: catalog.New("notify.digest.subject", len(list), formatDay(now, "en")).In(catalog.EN),
		BodyFR:    body(catalog.FR), BodyEN: body(catalog.EN),
		Link:        baseURL + "/notifications",
		LinkLabelFR: catalog.New("notify.digest.link").In(catalog.FR),
		LinkLabelEN: catalog.New("notify.digest.link").In(catalog.EN),
	}
}

// sortBySite orders notifications by site label (those without a site
// last), newest first within a site.
func sortBySite(list []Notification) {
	label := func(n Notification) string {
		if s, ok := n.ExpandedSite(); ok {
			return siteLabel(s)
		}
		return "\uffff"
	}
	sort.SliceStable(list, func(i, j int) bool { return label(list[i]) < label(list[j]) })
}
