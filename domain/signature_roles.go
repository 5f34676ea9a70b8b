package domain

import "strings"

// Signer roles: who signs a job (signatures.signer_role). A signature item
// of a checklist names the role whose signature satisfies it (client
// item → client's signature, site lead item → site lead's), so that one
// signer never ticks another's item.
const (
	SignerClient     = "client"
	SignerTechnician = "technician"
	SignerSiteLead   = "site_lead"
	SignerOther      = "other"
)

// SignerRoles lists the signer roles in the signature form's order.
func SignerRoles() []string {
	return []string{SignerClient, SignerTechnician, SignerSiteLead, SignerOther}
}

// signerLabels maps words of a signature item's label (lower case,
// straight apostrophes) to the signer role they name. The first match in
// this order wins: "chef de chantier" names the site lead even in "chef
// de chantier du client".
var signerLabels = []struct{ word, role string }{
	{"conducteur de travaux", SignerSiteLead},
	{"chef de chantier", SignerSiteLead},
	{"chef d'équipe", SignerSiteLead},
	{"chef d'equipe", SignerSiteLead},
	{"site lead", SignerSiteLead},
	{"site manager", SignerSiteLead},
	{"foreman", SignerSiteLead},
	{"client", SignerClient},
	{"maître d'ouvrage", SignerClient},
	{"maitre d'ouvrage", SignerClient},
	{"customer", SignerClient},
	{"technicien", SignerTechnician},
	{"technician", SignerTechnician},
	{"électricien", SignerTechnician},
	{"chargé de consignation", SignerTechnician},
	{"surveillant", SignerTechnician},
	{"intervenant", SignerTechnician},
	{"contrôleur", SignerOther},
	{"controleur", SignerOther},
	{"bureau de contrôle", SignerOther},
	{"inspector", SignerOther},
}

// SignerForLabel returns the signer role a signature item's label names
// ("Signature du client" → client, "Signature du conducteur de travaux"
// → site_lead), or "" when it names none (any signature satisfies such an
// item). Items stored before they carried a role are read this way.
func SignerForLabel(label string) string {
	l := strings.ToLower(strings.ReplaceAll(label, "’", "'"))
	for _, s := range signerLabels {
		if strings.Contains(l, s.word) {
			return s.role
		}
	}
	return ""
}
