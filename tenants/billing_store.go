package tenants

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"github.com/fieldops360/fieldops/domain"
)

// Statuses of a customer invoice (kept by hand after issue).
const (
	InvoiceIssued = "issued"
	InvoicePaid   = "paid"
	InvoiceVoid   = "void"
)

// Invoice is a customer invoice of the control plane.
type Invoice struct {
	ID         string     `json:"id"`
	Tenant     string     `json:"tenant"`
	Number     string     `json:"number"`
	Seq        int        `json:"seq"`
	Period     string     `json:"period"`
	Buyer      string     `json:"buyer"`
	NetEUR     float64    `json:"net_eur"`
	VATEUR     float64    `json:"vat_eur"`
	AmountEUR  float64    `json:"amount_eur"`
	Status     string     `json:"status"`
	IssuedAt   time.Time  `json:"issued_at"`
	DueAt      time.Time  `json:"due_at"`
	PaidAt     time.Time  `json:"paid_at,omitzero"`
	VoidReason string     `json:"void_reason,omitempty"`
	PDF        string     `json:"pdf"`
	SHA256     string     `json:"sha256"`
	Lines      []BillLine `json:"lines"`
}

func (inv Invoice) store(rec *core.Record) {
	rec.Load(map[string]any{
		"tenant": inv.Tenant, "number": inv.Number, "seq": inv.Seq, "period": inv.Period, "buyer": inv.Buyer,
		"net_eur": inv.NetEUR, "vat_eur": inv.VATEUR, "amount_eur": inv.AmountEUR, "status": inv.Status,
		"issued_at": inv.IssuedAt, "due_at": inv.DueAt, "pdf": inv.PDF, "sha256": inv.SHA256, "lines": inv.Lines,
	})
}

func invoiceOf(rec *core.Record) Invoice {
	inv := Invoice{ID: rec.Id, Tenant: rec.GetString("tenant"), Number: rec.GetString("number"), Seq: rec.GetInt("seq"),
		Period: rec.GetString("period"), Buyer: rec.GetString("buyer"), NetEUR: rec.GetFloat("net_eur"), VATEUR: rec.GetFloat("vat_eur"),
		AmountEUR: rec.GetFloat("amount_eur"), Status: rec.GetString("status"), IssuedAt: rec.GetDateTime("issued_at").Time(),
		DueAt: rec.GetDateTime("due_at").Time(), PaidAt: rec.GetDateTime("paid_at").Time(), VoidReason: rec.GetString("void_reason"),
		PDF: rec.GetString("pdf"), SHA256: rec.GetString("sha256")}
	_ = json.Unmarshal([]byte(rec.GetString("lines")), &inv.Lines)
	return inv
}

// InvoiceFilter narrows the invoice list; empty fields match all.
type InvoiceFilter struct {
	Tenant, Status, Period string
}

// Invoices lists customer invoices, newest number first.
func (r *Registry) Invoices(f InvoiceFilter) ([]Invoice, error) {
	var conds []string
	p := dbx.Params{}
	for k, v := range map[string]string{"tenant": f.Tenant, "status": f.Status, "period": f.Period} {
		if v != "" {
			conds = append(conds, k+" = {:"+k+"}")
			p[k] = v
		}
	}
	recs, err := r.platform.FindRecordsByFilter("invoices", strings.Join(conds, " && "), "-seq", 0, 0, p)
	if err != nil {
		return nil, err
	}
	out := make([]Invoice, 0, len(recs))
	for _, rec := range recs {
		out = append(out, invoiceOf(rec))
	}
	return out, nil
}

func (r *Registry) invoiceRecord(number string) (*core.Record, error) {
	rec, err := r.platform.FindFirstRecordByData("invoices", "number", number)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENotFound, "err.billing.not_found", number)
	}
	return rec, err
}

// InvoicePDF returns an invoice's stored PDF after checking it against
// its recorded SHA-256 (a changed or missing file is an error).
func (r *Registry) InvoicePDF(number string) ([]byte, Invoice, error) {
	rec, err := r.invoiceRecord(number)
	if err != nil {
		return nil, Invoice{}, err
	}
	inv := invoiceOf(rec)
	b, err := os.ReadFile(filepath.Join(r.invoicesDir(), filepath.Base(inv.PDF)))
	if err != nil {
		return nil, inv, err
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != inv.SHA256 {
		return nil, inv, domain.Errorf(domain.EConflict, "err.billing.pdf_altered", number)
	}
	return b, inv, nil
}

// SetInvoicePaid marks an issued invoice paid on day paidAt, audited.
func (r *Registry) SetInvoicePaid(number string, paidAt time.Time, actor string) error {
	return r.changeInvoice(number, actor, "billing.paid", func(rec *core.Record) error {
		if rec.GetString("status") != InvoiceIssued {
			return domain.Errorf(domain.EConflict, "err.billing.not_issued", number)
		}
		if paidAt.IsZero() || paidAt.After(r.cfg.Clock().Add(24*time.Hour)) {
			return domain.FieldError("paid_at", "err.billing.paid_at")
		}
		rec.Set("status", InvoicePaid)
		rec.Set("paid_at", paidAt.UTC())
		return nil
	}, map[string]any{"paid_at": paidAt.UTC().Format(time.DateOnly)})
}

// VoidInvoice cancels an issued invoice with a reason, audited; its
// number stays used and the month may be invoiced again.
func (r *Registry) VoidInvoice(number, reason, actor string) error {
	reason = strings.TrimSpace(reason)
	return r.changeInvoice(number, actor, "billing.void", func(rec *core.Record) error {
		if rec.GetString("status") != InvoiceIssued {
			return domain.Errorf(domain.EConflict, "err.billing.not_issued", number)
		}
		if len(reason) < 3 || len(reason) > 500 {
			return domain.FieldError("reason", "err.billing.void_reason")
		}
		rec.Set("status", InvoiceVoid)
		rec.Set("void_reason", reason)
		return nil
	}, map[string]any{"reason": reason})
}

func (r *Registry) changeInvoice(number, actor, action string, change func(*core.Record) error, detail map[string]any) error {
	return r.platform.RunInTransaction(func(tx core.App) error {
		rec, err := tx.FindFirstRecordByData("invoices", "number", number)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENotFound, "err.billing.not_found", number)
		} else if err != nil {
			return err
		}
		if err := change(rec); err != nil {
			return err
		}
		if err := tx.Save(rec); err != nil {
			return err
		}
		detail["number"] = number
		return PlatformAudit(tx, actor, action, rec.GetString("tenant"), detail)
	})
}

// invoiceColumns are the export's columns.
var invoiceColumns = []string{"number", "tenant", "buyer", "period", "issued_at", "due_at", "net_eur", "vat_eur", "amount_eur", "status", "paid_at", "void_reason", "sha256"}

func invoiceCells(inv Invoice) []any {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.DateOnly)
	}
	return []any{inv.Number, inv.Tenant, inv.Buyer, inv.Period, day(inv.IssuedAt), day(inv.DueAt), inv.NetEUR, inv.VATEUR,
		inv.AmountEUR, inv.Status, day(inv.PaidAt), inv.VoidReason, inv.SHA256}
}

// InvoicesCSV writes the invoices as CSV (header row, amounts with a dot).
func InvoicesCSV(list []Invoice) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(invoiceColumns); err != nil {
		return nil, err
	}
	for _, inv := range list {
		row := make([]string, 0, len(invoiceColumns))
		for _, c := range invoiceCells(inv) {
			if f, ok := c.(float64); ok {
				row = append(row, strconv.FormatFloat(f, 'f', 2, 64))
			} else {
				row = append(row, fmt.Sprint(c))
			}
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// InvoicesXLSX writes the invoices as an Excel workbook (one sheet, the
// amounts as numbers).
func InvoicesXLSX(list []Invoice) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Invoices"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	rows := [][]any{}
	head := make([]any, len(invoiceColumns))
	for i, c := range invoiceColumns {
		head[i] = c
	}
	rows = append(rows, head)
	for _, inv := range list {
		rows = append(rows, invoiceCells(inv))
	}
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return nil, err
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return nil, err
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
