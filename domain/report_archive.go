package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Kinds of archived reports (reports.kind).
const (
	ReportDaily   = "daily"
	ReportWeekly  = "weekly"
	ReportMonthly = "monthly"
)

// What made an archived report (reports.trigger).
const (
	ReportBySchedule = "schedule"
	ReportByRequest  = "request"
)

// ReportArchive is a generated report to keep: its kind, period
// ("2026-12-05", "2026-W49", "2026-12"), site (blank for a tenant-wide
// report), files (either may be nil) and their base file name without
// extension, the locale it was written in and what made it.
type ReportArchive struct {
	Kind, Period, SiteID string
	FileBase             string
	PDF, XLSX            []byte
	Lang                 string
	Trigger              string
	RequestedBy          string // user id when Trigger is ReportByRequest
}

// SHA256Hex returns the hex SHA-256 of b.
func SHA256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ArchiveReport stores a generated report in the reports collection with
// the SHA-256 of each file, so that a copy sent by e-mail or downloaded
// later can be checked against it. The record's creation is an audit
// event (actor: the requester, else "system") whose diff holds the
// hashes. Only the server writes reports (the API refuses it).
func ArchiveReport(app core.App, in ReportArchive) (Report, error) {
	switch in.Kind {
	case ReportDaily, ReportWeekly, ReportMonthly:
	default:
		return Report{}, FieldError("kind", "err.report.unknown_kind")
	}
	if in.Period == "" || in.FileBase == "" || len(in.PDF) == 0 && len(in.XLSX) == 0 {
		return Report{}, Errorf(EInvalid, "err.report.empty_archive")
	}
	col, err := app.FindCachedCollectionByNameOrId(CollectionReports)
	if err != nil {
		return Report{}, err
	}
	r := Report{core.NewRecord(col)}
	r.SetKind(in.Kind)
	r.SetPeriod(in.Period)
	r.SetSiteID(in.SiteID)
	r.SetLang(in.Lang)
	r.SetTrigger(in.Trigger)
	r.SetRequestedByID(in.RequestedBy)
	if len(in.PDF) > 0 {
		f, err := filesystem.NewFileFromBytes(in.PDF, in.FileBase+".pdf")
		if err != nil {
			return Report{}, err
		}
		r.Set("pdf", f)
		r.SetPDFSHA256(SHA256Hex(in.PDF))
	}
	if len(in.XLSX) > 0 {
		f, err := filesystem.NewFileFromBytes(in.XLSX, in.FileBase+".xlsx")
		if err != nil {
			return Report{}, err
		}
		r.Set("xlsx", f)
		r.SetXLSXSHA256(SHA256Hex(in.XLSX))
	}
	if in.RequestedBy != "" {
		SetActor(r.Record, in.RequestedBy)
	}
	if err := app.Save(r.Record); err != nil {
		return Report{}, err
	}
	return r, nil
}

// ReportRequest is a report generated and archived on demand: its kind,
// site (blank for the monthly report), period start (midnight in the
// tenant's zone) and period text ("2026-12-05", "2026-W49", "2026-12").
type ReportRequest struct {
	Kind, SiteID, Period string
	Start                time.Time
}

// Key identifies the report and period: one generation of it runs at a
// time.
func (r ReportRequest) Key() string { return r.Kind + "|" + r.SiteID + "|" + r.Period }

// ParseReportRequest checks an on-demand generation asked by u: a daily
// report of a site for period "YYYY-MM-DD", a weekly one for "YYYY-Www",
// or the monthly management report of every site for "YYYY-MM" (period
// read in loc). A site u may not read is EForbidden (crews) or ENotFound;
// the monthly report is EForbidden for who does not read every site's
// costs (it is archived tenant-wide); a bad kind or period is EInvalid
// naming the field (kind, date, week, month).
func ParseReportRequest(app core.App, u *core.Record, kind, siteID, period string, loc *time.Location) (ReportRequest, error) {
	req := ReportRequest{Kind: kind, SiteID: siteID}
	var err error
	switch kind {
	case ReportDaily, ReportWeekly:
		if _, err := FindReportSite(app, u, siteID); err != nil {
			return req, err
		}
		if kind == ReportDaily {
			req.Start, err = ParseReportDay("date", period, loc)
			req.Period = req.Start.Format(time.DateOnly)
		} else {
			req.Start, err = ParseReportWeek(period, loc)
			req.Period = ISOWeekText(req.Start)
		}
	case ReportMonthly:
		req.SiteID = ""
		scope, serr := MonthlyReportScope(app, u)
		if serr != nil {
			return req, serr
		}
		if scope != nil {
			return req, Errorf(EForbidden, "err.report.monthly_forbidden")
		}
		req.Start, err = ParseReportMonth(period, loc)
		req.Period = req.Start.Format("2006-01")
	default:
		return req, FieldError("kind", "err.report.unknown_kind")
	}
	return req, err
}
