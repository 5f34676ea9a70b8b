package domain

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/core"
)

// NotifySettings are a tenant's notification thresholds (company
// notify_rules, edited in /settings by tenant admins).
type NotifySettings struct {
	// BudgetPct notifies when a site's spending reaches this share of its
	// budget (percent, 1–500); exceeding the whole budget notifies again.
	BudgetPct int `json:"budget_pct"`
	// ExpiryDays notifies a document or a clearance this many days before
	// its validity ends (1–365), and again once it has ended.
	ExpiryDays int `json:"expiry_days"`
	// ApprovalDays notifies a site's approvers of time entries submitted
	// more than this many days ago and still waiting (1–60).
	ApprovalDays int `json:"approval_days"`
	// DigestHour is the hour (tenant time, 0–23) from which the daily
	// e-mail digest leaves.
	DigestHour int `json:"digest_hour"`
	// Off lists the rule kinds the tenant turned off.
	Off []string `json:"off,omitempty"`
}

// Notification kinds (the rules).
const (
	NotifyBudget            = "budget"
	NotifyMilestoneLate     = "milestone_late"
	NotifyTaskLate          = "task_late"
	NotifyDocumentExpiring  = "document_expiring"
	NotifyClearanceExpiring = "clearance_expiring"
	NotifyStockLow          = "stock_low"
	NotifyIncidentHigh      = "incident_high"
	NotifyTimePending       = "time_pending"
)

// NotifyKinds returns every rule kind, in the settings' order.
func NotifyKinds() []string {
	return []string{NotifyBudget, NotifyMilestoneLate, NotifyTaskLate, NotifyDocumentExpiring,
		NotifyClearanceExpiring, NotifyStockLow, NotifyIncidentHigh, NotifyTimePending}
}

// ValidNotifyKind reports whether kind is a rule kind.
func ValidNotifyKind(kind string) bool {
	for _, k := range NotifyKinds() {
		if k == kind {
			return true
		}
	}
	return false
}

// DefaultNotifySettings are the thresholds of a tenant that set none.
func DefaultNotifySettings() NotifySettings {
	return NotifySettings{BudgetPct: 90, ExpiryDays: 30, ApprovalDays: 3, DigestHour: 7}
}

// Enabled reports whether the rule kind is on.
func (s NotifySettings) Enabled(kind string) bool {
	for _, k := range s.Off {
		if k == kind {
			return false
		}
	}
	return true
}

// Validate checks the bounds of every threshold and the rule kinds; the
// errors name their form field.
func (s NotifySettings) Validate() error {
	switch {
	case s.BudgetPct < 1 || s.BudgetPct > 500:
		return FieldError("budget_pct", "err.notify.budget_pct")
	case s.ExpiryDays < 1 || s.ExpiryDays > 365:
		return FieldError("expiry_days", "err.notify.expiry_days")
	case s.ApprovalDays < 1 || s.ApprovalDays > 60:
		return FieldError("approval_days", "err.notify.approval_days")
	case s.DigestHour < 0 || s.DigestHour > 23:
		return FieldError("digest_hour", "err.notify.digest_hour")
	}
	for _, k := range s.Off {
		if !ValidNotifyKind(k) {
			return FieldError("off", "err.notify.unknown_rule")
		}
	}
	return nil
}

// NotifySettings returns the company's thresholds, the defaults for those
// never set (or stored invalid).
func (c Company) NotifySettings() NotifySettings {
	s := DefaultNotifySettings()
	raw := c.NotifyRules()
	if len(raw) == 0 || string(raw) == "null" {
		return s
	}
	if err := json.Unmarshal(raw, &s); err != nil || s.Validate() != nil {
		return DefaultNotifySettings()
	}
	return s
}

// TenantNotifySettings reads the tenant's thresholds.
func TenantNotifySettings(app core.App) (NotifySettings, error) {
	c, err := FindCompany(app)
	if err != nil {
		return NotifySettings{}, err
	}
	return c.NotifySettings(), nil
}

// SaveNotifySettings validates and stores the tenant's thresholds (an
// audited change of the company record), then evaluates the rules again
// so that the new thresholds apply at once.
func SaveNotifySettings(app core.App, actor *core.Record, s NotifySettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	c, err := FindCompany(app)
	if err != nil {
		return err
	}
	c.Set("notify_rules", s)
	setActor(c.Record, actor)
	if err := app.Save(c.Record); err != nil {
		return err
	}
	PokeNotifier(app, NotifyKinds()...)
	return nil
}
