package tenant

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// ruleContractWrite mirrors domain.CanEditSite on a contract line's site:
// managers and tenant admins, and the site's project manager.
const ruleContractWrite = `(` + ruleManagerOrAdmin + `) || (` + ruleUser + ` && @request.auth.role = "project_manager" && site.project_manager = @request.auth.id)`

// invoicingUp (issue #18) is an expand step: new collections and new
// optional fields, which an older binary ignores.
//
//   - company: the legal data an invoice must carry (SIREN, VAT number,
//     RCS, legal form, share capital, post code and city beside the
//     address, IBAN, BIC, payment terms in days) and the billing rates per
//     role of time-and-materials invoices (JSON, € per hour);
//   - clients: VAT number, post code, city and "main contractor" (a
//     subcontractor's invoice to a main contractor is reverse-charged);
//   - materials: a sale price (€ per unit) for time-and-materials invoices;
//   - contract_lines: the priced bill of a site's contract (bordereau,
//     DPGF) with the progress the project manager enters;
//   - tasks.contract_line: the line a task advances (derived progress);
//   - invoices, invoice_lines, invoice_payments: the invoices of the
//     tenant. Amounts are integer cents. Office roles read them; nobody
//     writes them through the REST API (domain/invoice*.go is the one
//     path, and its hooks keep issued invoices immutable even for
//     superusers).
func invoicingUp(app core.App) error {
	pct := func(name string) *core.NumberField {
		return pbm.Number(name, false, types.Pointer(0.0), types.Pointer(100.0))
	}
	cents := func(name string) *core.NumberField { return pbm.Int(name, true) }
	prot := func(name string, mime ...string) *core.FileField {
		f := pbm.File(name, 1, 20<<20, mime...)
		f.Protected = true
		return f
	}
	if err := saveAll(
		pbm.Existing(app, "company").Add(
			pbm.Text("siren", false, 9), pbm.Text("vat_number", false, 20), pbm.Text("rcs", false, 100),
			pbm.Text("legal_form", false, 60), pbm.Money("share_capital"),
			pbm.Text("postcode", false, 10), pbm.Text("city", false, 100),
			pbm.Text("iban", false, 34), pbm.Text("bic", false, 11), pbm.Int("payment_terms_days", false),
			pbm.JSON("billing_rates"),
		),
		pbm.Existing(app, "clients").Add(
			pbm.Text("vat_number", false, 20), pbm.Text("postcode", false, 10), pbm.Text("city", false, 100),
			pbm.Bool("is_main_contractor"),
		),
		pbm.Existing(app, "materials").Add(pbm.Money("sale_price")),
		pbm.NewBase(app, "contract_lines").
			Rel("site", "sites", true, 1, true).Add(
			pbm.Text("lot", false, 100),
			pbm.Text("code", false, 32),
			pbm.Text("designation", true, 500),
			pbm.Text("unit", false, 16),
			pbm.Number("quantity", false, types.Pointer(0.0), nil),
			cents("unit_price_cents"),
			pbm.Number("vat_rate", false, types.Pointer(0.0), types.Pointer(20.0)),
			pbm.Int("sort_order", false),
			pct("progress"),
			pbm.Bool("progress_from_tasks"),
		).Index(false, "site", "sort_order").
			Rules(pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), pbm.Rule(ruleContractWrite), pbm.Rule(ruleContractWrite), pbm.Rule(ruleContractWrite)),
	); err != nil {
		return err
	}
	if err := tasksContractLine(app); err != nil {
		return err
	}
	inv := pbm.NewBase(app, "invoices").
		Rel("site", "sites", false, 1, false).
		Rel("client", "clients", false, 1, false).
		Add(
			pbm.Select("kind", true, "progress", "time_materials", "credit_note"),
			pbm.Select("status", true, "draft", "issued", "partially_paid", "paid"),
			pbm.Text("number", false, 32),
			pbm.Int("sequence", false),
			pbm.Date("issue_date", false),
			pbm.Date("due_date", false),
			pbm.Date("period_start", false),
			pbm.Date("period_end", false),
			pbm.Text("month", false, 7),
			pct("retention_pct"),
			pbm.Int("down_payment_cents", false),
			pbm.Bool("reverse_charge"),
			cents("total_excl_cents"), cents("vat_cents"), cents("total_incl_cents"),
			cents("retention_cents"), cents("net_to_pay_cents"), cents("amount_paid_cents"),
			prot("pdf", "application/pdf"), prot("xml", "application/xml", "text/xml"),
			pbm.Text("pdf_sha256", false, 64), pbm.Text("xml_sha256", false, 64),
		).
		Add(pbm.Text("notes", false, 2000), pbm.Date("issued_at", false), pbm.Date("retention_released_at", false)).
		Rel("issued_by", "users", false, 1, false).
		Index(false, "status").Index(false, "site").
		Rules(pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), nil, nil, nil)
	inv.Col.AddIndex("idx_invoices_sequence", true, "`sequence`", "`sequence` > 0")
	if err := inv.Save(); err != nil {
		return err
	}
	return saveAll(
		pbm.Existing(app, "invoices").Rel("credit_of", "invoices", false, 1, false),
		pbm.NewBase(app, "invoice_lines").
			Rel("invoice", "invoices", true, 1, true).
			Rel("contract_line", "contract_lines", false, 1, false).Add(
			pbm.Int("position", false),
			pbm.Select("kind", true, "progress", "labour", "material", "retention_release", "credit", "other"),
			pbm.Text("designation", true, 500),
			pbm.Text("description", false, 500),
			pbm.Text("unit", false, 16),
			pbm.Number("quantity", false, nil, nil),
			cents("unit_price_cents"),
			cents("net_cents"),
			pbm.Number("vat_rate", false, types.Pointer(0.0), types.Pointer(20.0)),
			pct("cumulative_pct"), pct("previous_pct"),
		).Index(false, "invoice", "position").
			Rules(pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), nil, nil, nil),
		pbm.NewBase(app, "invoice_payments").
			Rel("invoice", "invoices", true, 1, false).Add(
			pbm.Date("paid_on", true),
			cents("amount_cents"),
			pbm.Select("method", false, "transfer", "check", "card", "cash", "other"),
			pbm.Text("reference", false, 100),
		).Rel("recorded_by", "users", false, 1, false).Index(false, "invoice").
			Rules(pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), nil, nil, nil),
	)
}

// tasksContractLine adds the contract line a task advances; a crew member
// (who may update the tasks assigned to them) may not set it.
func tasksContractLine(app core.App) error {
	if err := pbm.Existing(app, "tasks").Rel("contract_line", "contract_lines", false, 1, false).Save(); err != nil {
		return err
	}
	tasks, err := app.FindCollectionByNameOrId("tasks")
	if err != nil {
		return err
	}
	if tasks.UpdateRule == nil || strings.Contains(*tasks.UpdateRule, "contract_line") {
		return nil
	}
	tasks.UpdateRule = pbm.Rule(`(` + *tasks.UpdateRule + `) && (@request.body.contract_line:isset = false || ` + ruleTaskDayToDay + `)`)
	return app.Save(tasks)
}
