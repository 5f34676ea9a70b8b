package domain

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/mail"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"github.com/fieldops360/fieldops/catalog"
)

// ReportArchiveLang is the language a scheduled report is archived in
// (the company's language), whoever its recipients are.
const ReportArchiveLang = catalog.FR

// RecipientGroup is the recipients of a scheduled report who read one
// language.
type RecipientGroup struct {
	Lang string
	To   []string
}

// ReportRecipientLangs groups a schedule's recipients by language: an
// address of a user of the tenant gets that user's locale, any other
// address the company's (ReportArchiveLang). The archive's language comes
// first (even without recipients: it is always made), then the others in
// catalog order.
func ReportRecipientLangs(app core.App, to []string) ([]RecipientGroup, error) {
	by := map[string][]string{}
	for _, addr := range to {
		lang := ReportArchiveLang
		// NB: addresses are compared case-insensitively (the users' e-mail
		// index is not NOCASE).
		users, err := app.FindAllRecords(CollectionUsers, dbx.NewExp("LOWER([[email]]) = {:e}",
			dbx.Params{"e": strings.ToLower(strings.TrimSpace(addr))}))
		if err != nil {
			return nil, err
		}
		if len(users) > 0 {
			if l := (User{users[0]}).Locale(); catalog.Supported(l) {
				lang = l
			}
		}
		by[lang] = append(by[lang], addr)
	}
	out := []RecipientGroup{{Lang: ReportArchiveLang, To: by[ReportArchiveLang]}}
	for _, l := range catalog.Locales() {
		if l != ReportArchiveLang && len(by[l]) > 0 {
			out = append(out, RecipientGroup{Lang: l, To: by[l]})
		}
	}
	return out, nil
}

// runScheduledReport makes one due report of a schedule: the archive's
// language first (the run's marker), then one copy per other language of
// the recipients, each archived (SHA-256, audited) and mailed to its
// group. It returns the reports made.
func runScheduledReport(app core.App, schedule, kind, site string, start time.Time, groups []RecipientGroup, gen ReportGenerator) ([]ScheduleRun, error) {
	var runs []ScheduleRun
	for _, g := range groups {
		in, err := gen(app, kind, site, start, g.Lang)
		if err != nil {
			return runs, err
		}
		in.Kind, in.SiteID, in.Trigger, in.RequestedBy, in.Lang = kind, site, ReportBySchedule, "", g.Lang
		rep, err := ArchiveReport(app, in)
		if err != nil {
			return runs, err
		}
		run := ScheduleRun{Schedule: schedule, Kind: kind, Period: in.Period, SiteID: site, Report: rep}
		run.Mailed, err = mailReport(app, g.To, in)
		runs = append(runs, run)
		if err != nil {
			return runs, err
		}
	}
	return runs, nil
}

// mailReport sends a report's files to the recipients, in the report's
// language, when SMTP is configured; it returns how many were sent.
func mailReport(app core.App, to []string, in ReportArchive) (int, error) {
	if len(to) == 0 || !MailConfigured(app) {
		return 0, nil
	}
	s := app.Settings()
	company := ""
	if c, err := FindCompany(app); err == nil {
		company = c.Name()
	}
	subject := catalog.New("reports.mail.subject", in.FileBase).In(in.Lang)
	if company != "" {
		subject = company + " — " + subject
	}
	body := catalog.New("reports.mail.body", in.FileBase).In(in.Lang)
	sent := 0
	for _, addr := range to {
		a, err := mail.ParseAddress(strings.TrimSpace(addr))
		if err != nil {
			return sent, fmt.Errorf("recipient %q: %w", addr, err)
		}
		att := map[string]io.Reader{}
		if len(in.PDF) > 0 {
			att[in.FileBase+".pdf"] = bytes.NewReader(in.PDF)
		}
		if len(in.XLSX) > 0 {
			att[in.FileBase+".xlsx"] = bytes.NewReader(in.XLSX)
		}
		msg := &mailer.Message{From: mail.Address{Name: s.Meta.SenderName, Address: s.Meta.SenderAddress},
			To: []mail.Address{*a}, Subject: subject, Attachments: att, Text: body,
			HTML: "<p>" + html.EscapeString(body) + "</p>"}
		if err := app.NewMailClient().Send(msg); err != nil {
			return sent, fmt.Errorf("mail to %s: %w", a.Address, err)
		}
		sent++
	}
	return sent, nil
}
