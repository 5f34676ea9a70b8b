package domain

import (
	"time"
)

// ParseReportDay parses a report's "YYYY-MM-DD" into midnight of that
// civil day in loc. A blank or malformed date is an EInvalid error
// naming the field.
func ParseReportDay(field, s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, FieldError(field, "err.report.date_required")
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, FieldError(field, "err.report.bad_date", s)
	}
	return d, nil
}

// ParseReportWeek parses "YYYY-Www" (ISO week) into its Monday at
// midnight in loc.
func ParseReportWeek(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, FieldError("week", "err.report.week_required")
	}
	mon, err := ParseISOWeek(s)
	if err != nil {
		return time.Time{}, FieldError("week", "err.report.bad_week", s)
	}
	return time.Date(mon.Year(), mon.Month(), mon.Day(), 0, 0, 0, 0, loc), nil
}

// ParseReportMonth parses "YYYY-MM" into the first of the month at
// midnight in loc.
func ParseReportMonth(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, FieldError("month", "err.report.month_required")
	}
	m, err := time.ParseInLocation("2006-01", s, loc)
	if err != nil {
		return time.Time{}, FieldError("month", "err.report.bad_month", s)
	}
	return m, nil
}

// ParseExportPeriod parses an export's inclusive civil dates from and to
// ("YYYY-MM-DD") into the instants [from 00:00, the day after to 00:00)
// in loc. Both dates are required, to may not precede from, and the
// period may not exceed a year (1 January to 31 December at most):
// payroll asks for a month or a quarter, a longer period is a mistake
// that would only load the server.
func ParseExportPeriod(from, to string, loc *time.Location) (time.Time, time.Time, error) {
	start, err := ParseReportDay("from", from, loc)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	last, err := ParseReportDay("to", to, loc)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if last.Before(start) {
		return time.Time{}, time.Time{}, FieldError("to", "err.report.period_reversed")
	}
	end := last.AddDate(0, 0, 1)
	if end.After(start.AddDate(1, 0, 0)) {
		return time.Time{}, time.Time{}, FieldError("to", "err.report.period_too_long")
	}
	return start, end, nil
}
