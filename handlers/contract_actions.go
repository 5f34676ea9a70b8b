package handlers

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/xlsx"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
)

// contractFields are the posted fields the contract page keeps on error.
var contractFields = []string{"lot", "code", "designation", "unit", "quantity", "unit_price", "vat_rate", "month", "down_payment",
	"retention_pct", "client_siret", "client_vat_number", "client_address", "client_postcode", "client_city", "main_contractor"}

// contractAction runs a POST of the contract page and goes back to it (or
// to the page do names): refused, the page again with the error.
func (h *Handlers) contractAction(do func(e *core.RequestEvent, siteID string) (string, error)) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		site, err := domain.FindSite(e.App, e.Request.PathValue("id"))
		if err != nil {
			return h.fail(e, domain.Errorf(domain.ENotFound, "err.site.not_found"))
		}
		next, err := do(e, site.Id)
		if err == nil {
			if next == "" {
				next = "/sites/" + site.Id + "/contract?toast=saved"
			}
			return e.Redirect(http.StatusSeeOther, next)
		}
		a := answerOf(e.Request.Context(), err)
		if a.Status >= 500 {
			return h.fail(e, err)
		}
		form, status := formOf(e, err, contractFields...)
		var ie *domain.ImportError
		if errors.As(err, &ie) {
			msgs := []string{a.Message}
			for _, p := range ie.Problems {
				msgs = append(msgs, i18n.T(e.Request.Context(), "contract.import_row", p.Row, i18n.Text(e.Request.Context(), p.Text)))
			}
			form.Errors[components.WholeForm] = strings.Join(msgs, " · ")
		}
		return h.contractPage(e, status, &form)
	}
}

func (h *Handlers) contractLineAdd(e *core.RequestEvent, siteID string) (string, error) {
	f := e.Request.FormValue
	qty, ok1 := domain.ParseDecimal(f("quantity"))
	price, ok2 := domain.ParseEuros(f("unit_price"))
	vat, _ := domain.ParseDecimal(f("vat_rate"))
	switch {
	case !ok1:
		return "", domain.FieldError("quantity", "err.contract.bad_quantity")
	case !ok2:
		return "", domain.FieldError("unit_price", "err.contract.bad_price")
	}
	_, err := domain.AddContractLine(e.App, e.Auth, siteID, domain.ContractLineInput{Lot: f("lot"), Code: f("code"),
		Designation: f("designation"), Unit: f("unit"), Quantity: qty, UnitPriceCents: price, VATRate: vat})
	return "", err
}

func (h *Handlers) contractProgress(e *core.RequestEvent, _ string) (string, error) {
	pct, ok := domain.ParseDecimal(e.Request.FormValue("progress"))
	if !ok {
		return "", domain.FieldError("progress", "err.contract.bad_progress")
	}
	_, err := domain.SetContractProgress(e.App, e.Auth, e.Request.PathValue("lid"), pct, e.Request.FormValue("from_tasks") == "1")
	return "", err
}

func (h *Handlers) contractLineDelete(e *core.RequestEvent, _ string) (string, error) {
	return "", domain.DeleteContractLine(e.App, e.Auth, e.Request.PathValue("lid"))
}

// contractImport reads an uploaded CSV or XLSX bill (at most 5 MB).
func (h *Handlers) contractImport(e *core.RequestEvent, siteID string) (string, error) {
	file, hdr, err := e.Request.FormFile("file")
	if err != nil {
		return "", domain.Errorf(domain.EInvalid, "err.contract.import_unreadable")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, 5<<20))
	if err != nil {
		return "", domain.Errorf(domain.EInvalid, "err.contract.import_unreadable")
	}
	var rows [][]string
	if strings.HasSuffix(strings.ToLower(hdr.Filename), ".xlsx") {
		rows, err = xlsx.ReadRows(data)
	} else {
		rows, err = domain.ParseContractCSV(data)
	}
	if err != nil {
		return "", err
	}
	_, err = domain.ImportContractLines(e.App, e.Auth, siteID, rows)
	return "", err
}

func (h *Handlers) contractClient(e *core.RequestEvent, siteID string) (string, error) {
	site, err := domain.FindSite(e.App, siteID)
	if err != nil {
		return "", err
	}
	f := e.Request.FormValue
	return "", domain.SaveClientBilling(e.App, e.Auth, site.ClientID(), domain.ClientBillingInput{Siret: f("client_siret"),
		VATNumber: f("client_vat_number"), Address: f("client_address"), Postcode: f("client_postcode"), City: f("client_city"),
		MainContractor: f("main_contractor") == "1"})
}

// contractSituation drafts the month's situation and opens it.
func (h *Handlers) contractSituation(e *core.RequestEvent, siteID string) (string, error) {
	f := e.Request.FormValue
	opt := domain.ProgressOptions{}
	if s := f("retention_pct"); s != "" {
		v, ok := domain.ParseDecimal(s)
		if !ok {
			return "", domain.FieldError("retention_pct", "err.invoice.bad_retention")
		}
		opt.RetentionPct = &v
	}
	if s := f("down_payment"); s != "" {
		v, ok := domain.ParseEuros(s)
		if !ok {
			return "", domain.FieldError("down_payment", "err.invoice.bad_amount")
		}
		opt.DownPaymentCents = v
	}
	inv, err := domain.CreateProgressInvoice(e.App, e.Auth, siteID, f("month"), opt)
	if err != nil {
		return "", err
	}
	return "/invoices/" + inv.Id, nil
}

// contractLink links a task of the site to a contract line (or unlinks
// it): the line's derived progress counts it.
func (h *Handlers) contractLink(e *core.RequestEvent, _ string) (string, error) {
	return "", domain.LinkTaskToContractLine(e.App, e.Auth, e.Request.FormValue("task"), e.Request.FormValue("contract_line"))
}
