package facturx

// line writes one IncludedSupplyChainTradeLineItem (BG-25). A negative
// unit price is written positive with the quantity negated (BR-27: the
// item net price is never negative).
func (w *writer) line(l Line, currency string) {
	price, qty := l.UnitPriceCents, l.Quantity
	if price < 0 {
		price, qty = -price, -qty
	}
	w.open("ram:IncludedSupplyChainTradeLineItem", "")
	w.open("ram:AssociatedDocumentLineDocument", "")
	w.leaf("ram:LineID", "", l.ID)
	w.close()
	w.open("ram:SpecifiedTradeProduct", "")
	w.leaf("ram:Name", "", l.Name)
	if l.Description != "" {
		w.leaf("ram:Description", "", l.Description)
	}
	w.close()
	w.open("ram:SpecifiedLineTradeAgreement", "")
	w.open("ram:NetPriceProductTradePrice", "")
	w.leaf("ram:ChargeAmount", "", Amount(price))
	w.close()
	w.close()
	w.open("ram:SpecifiedLineTradeDelivery", "")
	w.leaf("ram:BilledQuantity", attr("unitCode", l.UnitCode), decimal(qty))
	w.close()
	w.open("ram:SpecifiedLineTradeSettlement", "")
	w.open("ram:ApplicableTradeTax", "")
	w.leaf("ram:TypeCode", "", "VAT")
	w.leaf("ram:CategoryCode", "", l.VAT.Category)
	w.leaf("ram:RateApplicablePercent", "", decimal(l.VAT.RatePercent))
	w.close()
	w.open("ram:SpecifiedTradeSettlementLineMonetarySummation", "")
	w.leaf("ram:LineTotalAmount", "", Amount(l.NetCents))
	w.close()
	w.close()
	w.close()
}

// party writes a SellerTradeParty or BuyerTradeParty (BG-4, BG-7).
func (w *writer) party(name string, p Party) {
	w.open(name, "")
	if p.SIRET != "" {
		w.leaf("ram:GlobalID", attr("schemeID", SchemeSIRET), p.SIRET)
	}
	w.leaf("ram:Name", "", p.Name)
	if id := siren(p); id != "" {
		w.open("ram:SpecifiedLegalOrganization", "")
		w.leaf("ram:ID", attr("schemeID", SchemeSIREN), id)
		w.close()
	}
	w.open("ram:PostalTradeAddress", "")
	if p.PostCode != "" {
		w.leaf("ram:PostcodeCode", "", p.PostCode)
	}
	if p.AddressLine != "" {
		w.leaf("ram:LineOne", "", p.AddressLine)
	}
	if p.City != "" {
		w.leaf("ram:CityName", "", p.City)
	}
	w.leaf("ram:CountryID", "", p.CountryCode)
	w.close()
	if p.Email != "" {
		w.open("ram:URIUniversalCommunication", "")
		w.leaf("ram:URIID", attr("schemeID", "EM"), p.Email)
		w.close()
	}
	if p.VATNumber != "" {
		w.open("ram:SpecifiedTaxRegistration", "")
		w.leaf("ram:ID", attr("schemeID", "VA"), p.VATNumber)
		w.close()
	}
	w.close()
}

// settlement writes the ApplicableHeaderTradeSettlement: currency,
// payment means, VAT breakdown, period, allowances and charges, payment
// terms, totals and the corrected invoice.
func (w *writer) settlement(inv Invoice, t Totals) {
	cur := attr("currencyID", inv.Currency)
	w.open("ram:ApplicableHeaderTradeSettlement", "")
	w.leaf("ram:PaymentReference", "", inv.Number)
	w.leaf("ram:InvoiceCurrencyCode", "", inv.Currency)
	if inv.IBAN != "" {
		w.open("ram:SpecifiedTradeSettlementPaymentMeans", "")
		w.leaf("ram:TypeCode", "", PaymentMeansSEPA)
		w.leaf("ram:Information", "", "Virement SEPA")
		w.open("ram:PayeePartyCreditorFinancialAccount", "")
		w.leaf("ram:IBANID", "", inv.IBAN)
		w.close()
		if inv.BIC != "" {
			w.open("ram:PayeeSpecifiedCreditorFinancialInstitution", "")
			w.leaf("ram:BICID", "", inv.BIC)
			w.close()
		}
		w.close()
	}
	for _, b := range t.Breakdown {
		w.open("ram:ApplicableTradeTax", "")
		w.leaf("ram:CalculatedAmount", "", Amount(b.VATCents))
		w.leaf("ram:TypeCode", "", "VAT")
		if b.ExemptionReason != "" {
			w.leaf("ram:ExemptionReason", "", b.ExemptionReason)
		}
		w.leaf("ram:BasisAmount", "", Amount(b.BaseCents))
		w.leaf("ram:CategoryCode", "", b.Category)
		if b.ExemptionCode != "" {
			w.leaf("ram:ExemptionReasonCode", "", b.ExemptionCode)
		}
		w.leaf("ram:RateApplicablePercent", "", decimal(b.RatePercent))
		w.close()
	}
	if !inv.PeriodStart.IsZero() || !inv.PeriodEnd.IsZero() {
		w.open("ram:BillingSpecifiedPeriod", "")
		if !inv.PeriodStart.IsZero() {
			w.date("ram:StartDateTime", "udt", inv.PeriodStart)
		}
		if !inv.PeriodEnd.IsZero() {
			w.date("ram:EndDateTime", "udt", inv.PeriodEnd)
		}
		w.close()
	}
	for _, ac := range inv.AllowancesCharges {
		w.open("ram:SpecifiedTradeAllowanceCharge", "")
		w.open("ram:ChargeIndicator", "")
		if ac.Charge {
			w.leaf("udt:Indicator", "", "true")
		} else {
			w.leaf("udt:Indicator", "", "false")
		}
		w.close()
		w.leaf("ram:ActualAmount", "", Amount(ac.AmountCents))
		w.leaf("ram:Reason", "", ac.Reason)
		w.open("ram:CategoryTradeTax", "")
		w.leaf("ram:TypeCode", "", "VAT")
		w.leaf("ram:CategoryCode", "", ac.VAT.Category)
		w.leaf("ram:RateApplicablePercent", "", decimal(ac.VAT.RatePercent))
		w.close()
		w.close()
	}
	if inv.PaymentTerms != "" || !inv.DueDate.IsZero() {
		w.open("ram:SpecifiedTradePaymentTerms", "")
		if inv.PaymentTerms != "" {
			w.leaf("ram:Description", "", inv.PaymentTerms)
		}
		if !inv.DueDate.IsZero() {
			w.date("ram:DueDateDateTime", "udt", inv.DueDate)
		}
		w.close()
	}
	w.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation", "")
	w.leaf("ram:LineTotalAmount", "", Amount(t.LineNetCents))
	w.leaf("ram:ChargeTotalAmount", "", Amount(t.ChargesCents))
	w.leaf("ram:AllowanceTotalAmount", "", Amount(t.AllowancesCents))
	w.leaf("ram:TaxBasisTotalAmount", "", Amount(t.TaxBasisCents))
	w.leaf("ram:TaxTotalAmount", cur, Amount(t.VATCents))
	w.leaf("ram:GrandTotalAmount", "", Amount(t.GrandTotalCents))
	w.leaf("ram:TotalPrepaidAmount", "", Amount(t.PrepaidCents))
	w.leaf("ram:DuePayableAmount", "", Amount(t.DueCents))
	w.close()
	if inv.PrecedingInvoice != "" {
		w.open("ram:InvoiceReferencedDocument", "")
		w.leaf("ram:IssuerAssignedID", "", inv.PrecedingInvoice)
		if !inv.PrecedingInvoiceDate.IsZero() {
			w.date("ram:FormattedIssueDateTime", "qdt", inv.PrecedingInvoiceDate)
		}
		w.close()
	}
	w.close()
}
