package domain

import (
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Contract lines (issue #18): the priced bill of a site's contract
// (bordereau de prix, DPGF). The project manager of the site (or a
// manager) edits them and enters each line's cumulative progress; a line
// may instead take its progress from the tasks linked to it (the share of
// them done or validated, DerivedProgress).

// CanInvoice reports whether u works on invoices: managers, project
// managers and tenant admins (the office roles of the REST rules).
func CanInvoice(u *core.Record) bool {
	if u == nil || u.Collection().Name != CollectionUsers || !u.GetBool("active") {
		return false
	}
	r := u.GetString("role")
	return r == RoleManager || r == RoleProjectManager || u.GetBool("tenant_admin")
}

// ContractLineInput is a contract line as typed or imported.
type ContractLineInput struct {
	Lot, Code, Designation, Unit string
	Quantity                     float64
	UnitPriceCents               int64
	VATRate                      float64
}

// Validate checks a line; the first error names its field.
func (in *ContractLineInput) Validate() error {
	in.Lot, in.Code = strings.TrimSpace(in.Lot), strings.TrimSpace(in.Code)
	in.Designation, in.Unit = strings.TrimSpace(in.Designation), strings.TrimSpace(in.Unit)
	switch {
	case in.Designation == "":
		return FieldError("designation", "err.contract.designation_required")
	case in.Quantity < 0 || in.Quantity > 1e9:
		return FieldError("quantity", "err.contract.bad_quantity")
	case in.UnitPriceCents < 0 || in.UnitPriceCents > 1e12:
		return FieldError("unit_price", "err.contract.bad_price")
	case in.VATRate != 20 && in.VATRate != 10 && in.VATRate != 5.5:
		return FieldError("vat_rate", "err.contract.bad_vat_rate")
	}
	return nil
}

// Amount is the line's amount excl. VAT, rounded to the cent.
func (c ContractLine) Amount() int64 {
	return ContractLineAmount(c.Quantity(), int64(c.UnitPriceCents()))
}

// FindContractLines returns a site's contract lines in their order.
func FindContractLines(app core.App, siteID string) ([]ContractLine, error) {
	rs, err := app.FindRecordsByFilter(CollectionContractLines, "site = {:s}", "sort_order,created", 0, 0, dbx.Params{"s": siteID})
	return AsContractLines(rs), err
}

// contractSite returns the site of a contract edit when actor may edit it.
func contractSite(app core.App, actor *core.Record, siteID string) (*core.Record, error) {
	site, err := app.FindRecordById(CollectionSites, siteID)
	if err != nil {
		return nil, Errorf(ENotFound, "err.site.not_found")
	}
	if !CanEditSite(actor, site) {
		return nil, Errorf(EForbidden, "err.contract.forbidden")
	}
	return site, nil
}

// AddContractLine appends a line to a site's contract.
func AddContractLine(app core.App, actor *core.Record, siteID string, in ContractLineInput) (ContractLine, error) {
	if _, err := contractSite(app, actor, siteID); err != nil {
		return ContractLine{}, err
	}
	if err := in.Validate(); err != nil {
		return ContractLine{}, err
	}
	n, err := app.CountRecords(CollectionContractLines, dbx.HashExp{"site": siteID})
	if err != nil {
		return ContractLine{}, err
	}
	r, err := newChild(app, CollectionContractLines, contractFields(siteID, in, int(n)+1), actor)
	return ContractLine{r}, err
}

func contractFields(siteID string, in ContractLineInput, order int) map[string]any {
	return map[string]any{
		"site": siteID, "lot": in.Lot, "code": in.Code, "designation": in.Designation, "unit": in.Unit,
		"quantity": in.Quantity, "unit_price_cents": in.UnitPriceCents, "vat_rate": in.VATRate, "sort_order": order,
	}
}

// SetContractProgress records a line's cumulative progress (0–100 %) as
// entered by the project manager, or makes it follow its linked tasks.
func SetContractProgress(app core.App, actor *core.Record, lineID string, pct float64, fromTasks bool) (ContractLine, error) {
	l, err := FindContractLine(app, lineID)
	if err != nil {
		return ContractLine{}, Errorf(ENotFound, "err.contract.line_not_found")
	}
	if _, err := contractSite(app, actor, l.SiteID()); err != nil {
		return ContractLine{}, err
	}
	if pct < 0 || pct > 100 {
		return ContractLine{}, FieldError("progress", "err.contract.bad_progress")
	}
	l.SetProgress(pct)
	l.SetProgressFromTasks(fromTasks)
	setActor(l.Record, actor)
	return l, app.Save(l.Record)
}

// DeleteContractLine removes a line never invoiced.
func DeleteContractLine(app core.App, actor *core.Record, lineID string) error {
	l, err := FindContractLine(app, lineID)
	if err != nil {
		return Errorf(ENotFound, "err.contract.line_not_found")
	}
	if _, err := contractSite(app, actor, l.SiteID()); err != nil {
		return err
	}
	n, err := app.CountRecords(CollectionInvoiceLines, dbx.HashExp{"contract_line": lineID})
	if err != nil {
		return err
	}
	if n > 0 {
		return Errorf(EConflict, "err.contract.line_invoiced")
	}
	setActor(l.Record, actor)
	return app.Delete(l.Record)
}

// DerivedProgress returns, per contract line of the site, the share (in
// %) of its linked tasks that are done or validated; lines without a
// linked task are absent.
func DerivedProgress(app core.App, siteID string) (map[string]float64, error) {
	var rows []struct {
		Line  string `db:"contract_line"`
		Total int    `db:"total"`
		Done  int    `db:"done"`
	}
	err := app.DB().NewQuery(`SELECT contract_line, COUNT(*) AS total,
		SUM(CASE WHEN status IN ({:done}, {:validated}) THEN 1 ELSE 0 END) AS done
		FROM tasks WHERE site = {:site} AND contract_line != '' GROUP BY contract_line`).
		Bind(dbx.Params{"site": siteID, "done": TaskDone, "validated": TaskValidated}).All(&rows)
	out := map[string]float64{}
	for _, r := range rows {
		if r.Total > 0 {
			out[r.Line] = float64(r.Done) * 100 / float64(r.Total)
		}
	}
	return out, err
}

// EffectiveProgress is the progress a situation bills for l: its linked
// tasks' share when it follows them, else the entered progress.
func EffectiveProgress(l ContractLine, derived map[string]float64) float64 {
	if l.ProgressFromTasks() {
		return derived[l.Id]
	}
	return l.Progress()
}

// LinkTaskToContractLine links a task to a contract line of its site (or
// unlinks it with lineID "").
func LinkTaskToContractLine(app core.App, actor *core.Record, taskID, lineID string) error {
	t, err := app.FindRecordById(CollectionTasks, taskID)
	if err != nil {
		return Errorf(ENotFound, "err.task.not_found")
	}
	if _, err := contractSite(app, actor, t.GetString("site")); err != nil {
		return err
	}
	if lineID != "" {
		l, err := FindContractLine(app, lineID)
		if err != nil || l.SiteID() != t.GetString("site") {
			return FieldError("contract_line", "err.contract.line_not_found")
		}
	}
	t.Set("contract_line", lineID)
	setActor(t, actor)
	return app.Save(t)
}
