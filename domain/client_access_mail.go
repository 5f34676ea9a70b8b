package domain

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// mailClientLink e-mails an issued magic link to the contact when a mail
// server is configured (a refused e-mail is reported in the link, never
// an error: the office copies it instead).
func mailClientLink(app core.App, contact *core.Record, link ClientLink, renewed bool) ClientLink {
	if !MailConfigured(app) {
		return link
	}
	company := app.Settings().Meta.AppName
	days := durationText(ClientAccessTTL, "fr")
	daysEN := durationText(ClientAccessTTL, "en")
	m := Mail{
		SubjectFR: fmt.Sprintf("%s : suivez vos chantiers", company),
		SubjectEN: fmt.Sprintf("%s: follow your sites", company),
		BodyFR: fmt.Sprintf("Bonjour %s,\n\n%s vous ouvre un accès au suivi de vos chantiers : avancement, planning, documents, photos et rapports. Le lien ci-dessous ne sert qu'une fois ; l'accès est valable %s.",
			contact.GetString("name"), company, days),
		BodyEN: fmt.Sprintf("Hello %s,\n\n%s gives you access to follow your sites: progress, schedule, documents, photos and reports. The link below works once; the access lasts %s.",
			contact.GetString("name"), company, daysEN),
		Link:        link.URL,
		LinkLabelFR: "Ouvrir mon espace client",
		LinkLabelEN: "Open my client space",
	}
	if renewed {
		m.SubjectFR, m.SubjectEN = fmt.Sprintf("%s : votre nouveau lien d'accès", company), fmt.Sprintf("%s: your new access link", company)
	}
	link.MailErr = SendMail(app, contact, m)
	link.Mailed = link.MailErr == nil
	return link
}

// NotifyClientContacts e-mails the contacts with a live access (not
// revoked, not expired) to the site about an event of kind (e.g.
// "report", "acceptance"), each in their language, with a link to the
// site's client page under baseURL when it is not empty. Without a mail
// server it does nothing. It returns how many were mailed; a refused
// e-mail is returned after trying the others.
func NotifyClientContacts(app core.App, siteID, kind, subjectFR, subjectEN, bodyFR, bodyEN string) (int, error) {
	return NotifyClientContactsLink(app, siteID, kind, subjectFR, subjectEN, bodyFR, bodyEN, "")
}

// NotifyClientContactsLink is NotifyClientContacts with a link (absolute
// URL) added to the message.
func NotifyClientContactsLink(app core.App, siteID, kind, subjectFR, subjectEN, bodyFR, bodyEN, link string) (int, error) {
	if !MailConfigured(app) {
		return 0, nil
	}
	contacts, err := clientContactsOfSite(app, siteID)
	if err != nil {
		return 0, err
	}
	sent := 0
	var firstErr error
	for _, c := range contacts {
		err := SendMail(app, c, Mail{SubjectFR: subjectFR, SubjectEN: subjectEN, BodyFR: bodyFR, BodyEN: bodyEN,
			Link: link, LinkLabelFR: "Ouvrir mon espace client", LinkLabelEN: "Open my client space"})
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("notify client contact (%s): %w", kind, err)
			}
			continue
		}
		sent++
	}
	return sent, firstErr
}

// clientContactsOfSite returns the contacts of the site's client holding
// a live access to it (each once).
func clientContactsOfSite(app core.App, siteID string) ([]*core.Record, error) {
	site, err := FindSite(app, siteID)
	if err != nil {
		return nil, err
	}
	now := DBTime(time.Now())
	var ids []string
	err = app.DB().Select("a.contact").Distinct(true).From(CollectionClientAccess+" a").
		InnerJoin(CollectionClientContacts+" c", dbx.NewExp("c.id = a.contact")).
		InnerJoin("json_each(a.sites) s", dbx.NewExp("s.value = {:site}", dbx.Params{"site": siteID})).
		Where(dbx.HashExp{"a.revoked": false, "c.client": site.ClientID()}).
		AndWhere(dbx.NewExp("a.expires > {:now}", dbx.Params{"now": now})).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("client contacts of site: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return app.FindRecordsByIds(CollectionClientContacts, ids)
}
