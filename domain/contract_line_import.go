package domain

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
)

// Contract import (issue #18): a bill of quantities from a spreadsheet.
// The first row names the columns (French or English, any order, case and
// accents as typed by hand): lot, code (réf), désignation, unité,
// quantité, prix unitaire (€ HT), TVA (%). Numbers take a comma or a point
// as decimal mark and spaces as thousands separators. Every row is checked
// before anything is saved: a file with one bad row saves nothing and
// each bad row is named with its reason.

// ImportProblem is one refused row of an import (Row counts from 1, the
// header being row 1).
type ImportProblem struct {
	Row  int
	Text catalog.Text
}

// ImportError is a refused import: every bad row.
type ImportError struct {
	Err      *Error
	Problems []ImportProblem
}

// Error reads the summary in French for the logs.
func (e *ImportError) Error() string { return e.Err.Error() }

// Unwrap gives the summary (an EInvalid *Error) to errors.As.
func (e *ImportError) Unwrap() error { return e.Err }

// contractColumns maps header words to columns.
var contractColumns = map[string]string{
	"lot": "lot", "code": "code", "ref": "code", "réf": "code", "reference": "code", "référence": "code", "n°": "code",
	"designation": "designation", "désignation": "designation", "libelle": "designation", "libellé": "designation", "description": "designation",
	"unite": "unit", "unité": "unit", "unit": "unit", "u": "unit",
	"quantite": "quantity", "quantité": "quantity", "qte": "quantity", "qté": "quantity", "quantity": "quantity", "qty": "quantity",
	"prix unitaire": "price", "pu": "price", "p.u.": "price", "pu ht": "price", "prix unitaire ht": "price", "unit price": "price", "price": "price",
	"tva": "vat", "tva %": "vat", "taux tva": "vat", "vat": "vat", "vat %": "vat", "vat rate": "vat",
}

// ParseContractCSV reads a CSV file (separator ";" or ",") into rows.
func ParseContractCSV(b []byte) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	first, _, _ := bytes.Cut(b, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	rows, err := r.ReadAll()
	if err != nil {
		return nil, Errorf(EInvalid, "err.contract.import_unreadable")
	}
	return rows, nil
}

// ContractRows turns spreadsheet rows (header first) into line inputs, or
// an *ImportError naming every bad row.
func ContractRows(rows [][]string) ([]ContractLineInput, error) {
	if len(rows) < 2 {
		return nil, Errorf(EInvalid, "err.contract.import_empty")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		if c, ok := contractColumns[strings.ToLower(strings.TrimSpace(strings.Trim(h, "()€ ")))]; ok {
			if _, dup := col[c]; !dup {
				col[c] = i
			}
		}
	}
	for _, need := range []string{"designation", "quantity", "price", "vat"} {
		if _, ok := col[need]; !ok {
			return nil, Errorf(EInvalid, "err.contract.import_missing_column", need)
		}
	}
	cell := func(row []string, c string) string {
		if i, ok := col[c]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var out []ContractLineInput
	var probs []ImportProblem
	for n, row := range rows[1:] {
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		in := ContractLineInput{Lot: cell(row, "lot"), Code: cell(row, "code"), Designation: cell(row, "designation"), Unit: cell(row, "unit")}
		var bad *Error
		q, ok1 := parseDecimal(cell(row, "quantity"))
		p, ok2 := parseDecimal(cell(row, "price"))
		v, ok3 := parseDecimal(strings.TrimSuffix(cell(row, "vat"), "%"))
		switch {
		case !ok1:
			bad = Errorf(EInvalid, "err.contract.import_bad_number", "quantité / quantity", cell(row, "quantity"))
		case !ok2:
			bad = Errorf(EInvalid, "err.contract.import_bad_number", "prix / price", cell(row, "price"))
		case !ok3:
			bad = Errorf(EInvalid, "err.contract.import_bad_number", "TVA / VAT", cell(row, "vat"))
		}
		if bad == nil {
			in.Quantity, in.UnitPriceCents, in.VATRate = q, RoundCents(p*100), v
			if err := in.Validate(); err != nil {
				bad, _ = err.(*Error)
			}
		}
		if bad != nil {
			probs = append(probs, ImportProblem{Row: n + 2, Text: bad.Text()})
			continue
		}
		out = append(out, in)
	}
	if len(probs) > 0 {
		return nil, &ImportError{Err: Errorf(EInvalid, "err.contract.import_rows", len(probs)), Problems: probs}
	}
	if len(out) == 0 {
		return nil, Errorf(EInvalid, "err.contract.import_empty")
	}
	return out, nil
}

// parseDecimal reads "1 234,56", "1234.56", "20 %".
func parseDecimal(s string) (float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "", "%", "").Replace(strings.TrimSpace(s))
	if strings.Contains(s, ",") && strings.Contains(s, ".") {
		s = strings.ReplaceAll(s, ".", "")
	}
	s = strings.ReplaceAll(s, ",", ".")
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// ImportContractLines appends the lines of rows (see ContractRows) to a
// site's contract in one transaction: all or nothing.
func ImportContractLines(app core.App, actor *core.Record, siteID string, rows [][]string) (int, error) {
	if _, err := contractSite(app, actor, siteID); err != nil {
		return 0, err
	}
	lines, err := ContractRows(rows)
	if err != nil {
		return 0, err
	}
	err = app.RunInTransaction(func(tx core.App) error {
		n, err := tx.CountRecords(CollectionContractLines, dbx.HashExp{"site": siteID})
		if err != nil {
			return err
		}
		for i, in := range lines {
			if _, err := newChild(tx, CollectionContractLines, contractFields(siteID, in, int(n)+i+1), actor); err != nil {
				return SaveError(err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(lines), nil
}

// ParseDecimal reads a number typed by hand ("1 234,56", "1234.56").
func ParseDecimal(s string) (float64, bool) { return parseDecimal(s) }

// ParseEuros reads an amount in euros typed by hand into cents.
func ParseEuros(s string) (int64, bool) {
	v, ok := parseDecimal(s)
	return RoundCents(v * 100), ok
}
