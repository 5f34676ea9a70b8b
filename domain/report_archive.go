package domain

import (
	"crypto/sha256"
	"encoding/hex"

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
