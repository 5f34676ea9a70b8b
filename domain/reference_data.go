package domain

// Reference data seeded into each new tenant according to its sector.
//
// The labels are shown as is to French site managers and technicians, so
// they use the usual trade vocabulary and regulatory references
// (NF C 18-510, AIPR, CACES R482/R486/R489/R490, SST, amiante SS4, CATEC,
// DT-DICT, PPSPS, Consuel, DTU…).

// SectorBTP is the code of the building sector (bâtiment).
const SectorBTP = "btp"

// SectorElec is the code of the electrical works sector (électricité).
const SectorElec = "elec"

// SectorTP is the code of the public works sector (travaux publics).
const SectorTP = "tp"

// Sectors lists the sector codes in display order.
var Sectors = []string{SectorBTP, SectorElec, SectorTP}

// SectorLabel returns the French label of a sector code ("Bâtiment",
// "Électricité", "Travaux publics"), or "" if the code is unknown.
func SectorLabel(code string) string {
	switch code {
	case SectorBTP:
		return "Bâtiment"
	case SectorElec:
		return "Électricité"
	case SectorTP:
		return "Travaux publics"
	}
	return ""
}

// ValidSector reports whether code is a known sector.
func ValidSector(code string) bool {
	return SectorLabel(code) != ""
}

// SkillSeed is a skill (compétence) seeded into a new tenant.
type SkillSeed struct {
	Code string // stable lower-case identifier, e.g. "maconnerie"
	Name string // French label
}

// ClearanceKindSeed is a kind of clearance/certification (habilitation,
// AIPR, CACES…) seeded into a new tenant.
type ClearanceKindSeed struct {
	Code           string // e.g. "B2V", "AIPR-O", "CACES-R482-A"
	Name           string // French label
	Family         string // "habilitation_electrique", "aipr", "caces", "securite", "autre"
	ValidityMonths int    // typical validity, e.g. 36 for electrical recycling, 60 for AIPR, 60 or 120 for CACES
}

// ChecklistItemSeed is one item of a checklist template.
type ChecklistItemSeed struct {
	Label    string
	Kind     string // one of "check", "photo", "measure", "signature", "text"
	Required bool
	Unit     string   // for measure items, e.g. "MΩ", "mm", "°C", "%"
	Min, Max *float64 // bounds for measure items (nil if none)
	Signer   string   `json:",omitempty"` // for signature items: the signer role (SignerRoles)
}

// ChecklistTemplateSeed is a checklist template seeded into a new tenant.
type ChecklistTemplateSeed struct {
	Code  string
	Name  string
	Items []ChecklistItemSeed
}

// WorkTypeSeed is a work type (type d'intervention) of a sector.
type WorkTypeSeed struct {
	Code        string   // stable identifier unique within the sector
	Name        string   // French label
	DefaultDays float64  // default duration in working days
	Skills      []string // SkillSeed codes required
	Clearances  []string // ClearanceKindSeed codes required
	Excavation  bool     // true for work that digs near networks (needs a valid DT/DICT)
	Checklist   string   // ChecklistTemplateSeed code ("" if none)
}

// Reference is the full reference data seeded for one sector.
type Reference struct {
	Sector         string
	Skills         []SkillSeed
	ClearanceKinds []ClearanceKindSeed
	Checklists     []ChecklistTemplateSeed
	WorkTypes      []WorkTypeSeed
}

// ReferenceFor returns the reference data of a sector; ok is false for an
// unknown sector. It returns a fresh value on each call (callers may modify
// it).
func ReferenceFor(sector string) (ref Reference, ok bool) {
	switch sector {
	case SectorBTP:
		return refBTP(), true
	case SectorElec:
		return refElec(), true
	case SectorTP:
		return refTP(), true
	}
	return Reference{}, false
}

// ptrFloat returns a pointer to a copy of v (used for measure bounds).
func ptrFloat(v float64) *float64 { return &v }

// Checklist item kinds.
const (
	refKindCheck     = "check"
	refKindPhoto     = "photo"
	refKindMeasure   = "measure"
	refKindSignature = "signature"
	refKindText      = "text"
)

// Clearance kind families.
const (
	refFamilyElec     = "habilitation_electrique"
	refFamilyAIPR     = "aipr"
	refFamilyCACES    = "caces"
	refFamilySecurite = "securite"
	refFamilyAutre    = "autre"
)

func refCheck(label string, required bool) ChecklistItemSeed {
	return ChecklistItemSeed{Label: label, Kind: refKindCheck, Required: required}
}

func refPhoto(label string, required bool) ChecklistItemSeed {
	return ChecklistItemSeed{Label: label, Kind: refKindPhoto, Required: required}
}

func refText(label string, required bool) ChecklistItemSeed {
	return ChecklistItemSeed{Label: label, Kind: refKindText, Required: required}
}

// refSignature is a required signature item of the signer role its label
// names ("Signature du client" → client).
func refSignature(label string) ChecklistItemSeed {
	return ChecklistItemSeed{Label: label, Kind: refKindSignature, Required: true, Signer: SignerForLabel(label)}
}

func refMeasure(label, unit string, required bool, lo, hi *float64) ChecklistItemSeed {
	return ChecklistItemSeed{Label: label, Kind: refKindMeasure, Required: required, Unit: unit, Min: lo, Max: hi}
}

// refClearanceCatalog returns every clearance kind known to the application;
// each sector picks the relevant ones with refPickClearances.
func refClearanceCatalog() []ClearanceKindSeed {
	return []ClearanceKindSeed{
		// Habilitations électriques NF C 18-510 (recyclage recommandé tous les 3 ans).
		{"B0", "Habilitation B0 – exécutant de travaux d'ordre non électrique (BT)", refFamilyElec, 36},
		{"H0", "Habilitation H0 – exécutant de travaux d'ordre non électrique (HT)", refFamilyElec, 36},
		{"H0V", "Habilitation H0V – travaux d'ordre non électrique au voisinage (HT)", refFamilyElec, 36},
		{"BS", "Habilitation BS – chargé d'interventions élémentaires (BT)", refFamilyElec, 36},
		{"B1", "Habilitation B1 – exécutant de travaux d'ordre électrique hors tension (BT)", refFamilyElec, 36},
		{"B1V", "Habilitation B1V – exécutant de travaux d'ordre électrique, y compris au voisinage (BT)", refFamilyElec, 36},
		{"B2", "Habilitation B2 – chargé de travaux d'ordre électrique hors tension (BT)", refFamilyElec, 36},
		{"B2V", "Habilitation B2V – chargé de travaux d'ordre électrique, y compris au voisinage (BT)", refFamilyElec, 36},
		{"B2V-ESSAI", "Habilitation B2V Essai – chargé de travaux réalisant des essais (BT)", refFamilyElec, 36},
		{"BR", "Habilitation BR – chargé d'intervention BT générale (dépannage, raccordement, mise en service)", refFamilyElec, 36},
		{"BC", "Habilitation BC – chargé de consignation (BT)", refFamilyElec, 36},
		{"BE-MESURAGE", "Habilitation BE Mesurage – chargé d'opérations de mesurage (BT)", refFamilyElec, 36},
		{"BE-VERIF", "Habilitation BE Vérification – chargé d'opérations de vérification (BT)", refFamilyElec, 36},
		{"BP", "Habilitation BP – opérations sur installations photovoltaïques", refFamilyElec, 36},
		{"H1V", "Habilitation H1V – exécutant de travaux d'ordre électrique, y compris au voisinage (HT)", refFamilyElec, 36},
		{"H2V", "Habilitation H2V – chargé de travaux d'ordre électrique, y compris au voisinage (HT)", refFamilyElec, 36},
		{"HC", "Habilitation HC – chargé de consignation (HT)", refFamilyElec, 36},
		{"BF-HF", "Habilitation BF-HF – travaux de fouille à proximité d'ouvrages électriques enterrés", refFamilyElec, 36},

		// AIPR (autorisation d'intervention à proximité des réseaux), valable 5 ans.
		{"AIPR-O", "AIPR opérateur – intervention à proximité des réseaux", refFamilyAIPR, 60},
		{"AIPR-E", "AIPR encadrant – intervention à proximité des réseaux", refFamilyAIPR, 60},
		{"AIPR-C", "AIPR concepteur – intervention à proximité des réseaux", refFamilyAIPR, 60},

		// CACES R482 engins de chantier (10 ans).
		{"CACES-R482-A", "CACES R482 catégorie A – engins compacts", refFamilyCACES, 120},
		{"CACES-R482-B1", "CACES R482 catégorie B1 – engins d'extraction à déplacement séquentiel (pelles)", refFamilyCACES, 120},
		{"CACES-R482-B2", "CACES R482 catégorie B2 – engins de forage à déplacement séquentiel", refFamilyCACES, 120},
		{"CACES-R482-C1", "CACES R482 catégorie C1 – engins de chargement à déplacement alternatif (chargeuses)", refFamilyCACES, 120},
		{"CACES-R482-C2", "CACES R482 catégorie C2 – engins de réglage à déplacement alternatif (bouteurs)", refFamilyCACES, 120},
		{"CACES-R482-C3", "CACES R482 catégorie C3 – engins de nivellement à déplacement alternatif (niveleuses)", refFamilyCACES, 120},
		{"CACES-R482-D", "CACES R482 catégorie D – engins de compactage", refFamilyCACES, 120},
		{"CACES-R482-E", "CACES R482 catégorie E – engins de transport (tombereaux, dumpers)", refFamilyCACES, 120},
		{"CACES-R482-F", "CACES R482 catégorie F – chariots de manutention tout-terrain (télescopiques)", refFamilyCACES, 120},
		{"CACES-R482-G", "CACES R482 catégorie G – conduite d'engins hors production", refFamilyCACES, 120},

		// CACES R486 PEMP, R489 chariots, R490 grues de chargement (5 ans).
		{"CACES-R486-A", "CACES R486 catégorie A – PEMP à élévation verticale (nacelles ciseaux)", refFamilyCACES, 60},
		{"CACES-R486-B", "CACES R486 catégorie B – PEMP à élévation multidirectionnelle (nacelles articulées)", refFamilyCACES, 60},
		{"CACES-R489-3", "CACES R489 catégorie 3 – chariots élévateurs en porte-à-faux ≤ 6 000 kg", refFamilyCACES, 60},
		{"CACES-R490", "CACES R490 – grues de chargement (grues auxiliaires)", refFamilyCACES, 60},

		// Sécurité.
		{"SST", "Sauveteur secouriste du travail (SST)", refFamilySecurite, 24},
		{"TRAVAIL-HAUTEUR", "Travail en hauteur – port du harnais et protections collectives", refFamilySecurite, 36},
		{"ECHAF-R408", "Montage, réception et utilisation des échafaudages de pied (R408)", refFamilySecurite, 60},
		{"AMIANTE-SS4-OP", "Amiante sous-section 4 – opérateur de chantier", refFamilySecurite, 36},
		{"AMIANTE-SS4-ENC", "Amiante sous-section 4 – encadrant de chantier", refFamilySecurite, 36},
		{"CATEC-INT", "CATEC – intervenant en espace confiné (eau et assainissement)", refFamilySecurite, 36},
		{"CATEC-SURV", "CATEC – surveillant en espace confiné (eau et assainissement)", refFamilySecurite, 36},

		// Autres qualifications.
		{"IRVE-P1", "Formation IRVE niveau P1 – bornes AC ≤ 22 kW sans configuration spécifique", refFamilyAutre, 48},
		{"IRVE-P2", "Formation IRVE niveau P2 – bornes AC ≤ 22 kW avec configuration de communication", refFamilyAutre, 48},
		{"IRVE-P3", "Formation IRVE niveau P3 – bornes de recharge rapide DC > 22 kW", refFamilyAutre, 48},
	}
}

// refPickClearances returns fresh copies of the catalog clearance kinds with
// the given codes, in the given order. It panics on an unknown code, which is
// a programming error caught by the tests.
func refPickClearances(codes ...string) []ClearanceKindSeed {
	catalog := refClearanceCatalog()
	out := make([]ClearanceKindSeed, 0, len(codes))
	for _, code := range codes {
		found := false
		for _, c := range catalog {
			if c.Code == code {
				out = append(out, c)
				found = true
				break
			}
		}
		if !found {
			panic("domain: unknown clearance kind " + code)
		}
	}
	return out
}

// refBTP returns the reference data of the building sector.
func refBTP() Reference {
	return Reference{
		Sector: SectorBTP,
		Skills: []SkillSeed{
			{"terrassement", "Terrassement"},
			{"maconnerie", "Maçonnerie"},
			{"coffrage", "Coffrage"},
			{"ferraillage", "Ferraillage"},
			{"charpente", "Charpente bois"},
			{"couverture", "Couverture – zinguerie"},
			{"etancheite", "Étanchéité"},
			{"platrerie", "Plâtrerie – plaques de plâtre"},
			{"menuiserie", "Menuiserie intérieure et extérieure"},
			{"carrelage", "Carrelage – chape"},
			{"peinture", "Peinture – revêtements muraux"},
			{"ravalement", "Ravalement de façade"},
			{"conduite_engins", "Conduite d'engins de chantier"},
		},
		ClearanceKinds: refPickClearances(
			"SST",
			"TRAVAIL-HAUTEUR",
			"ECHAF-R408",
			"AMIANTE-SS4-OP",
			"AMIANTE-SS4-ENC",
			"B0",
			"BS",
			"AIPR-O",
			"AIPR-E",
			"CACES-R482-A",
			"CACES-R482-B1",
			"CACES-R482-F",
			"CACES-R486-A",
			"CACES-R486-B",
			"CACES-R490",
		),
		Checklists: []ChecklistTemplateSeed{
			{
				Code: "reception_fouilles",
				Name: "Réception des fonds de fouille",
				Items: []ChecklistItemSeed{
					refCheck("Récépissés DT-DICT et plan de marquage-piquetage présents sur le chantier", true),
					refCheck("Réseaux existants repérés et distances de sécurité respectées", true),
					refMeasure("Profondeur du fond de fouille (par rapport au niveau de référence)", "cm", true, nil, nil),
					refCheck("Blindage ou talutage conforme (fouille de plus de 1,30 m)", true),
					refCheck("Fond de fouille sain, hors d'eau et débarrassé des matériaux remaniés", true),
					refPhoto("Photo du fond de fouille avant béton de propreté", true),
					refSignature("Signature du chef de chantier"),
				},
			},
			{
				Code: "controle_coulage",
				Name: "Contrôle avant coulage du béton",
				Items: []ChecklistItemSeed{
					refCheck("Ferraillage conforme aux plans d'exécution (diamètres, espacements, recouvrements)", true),
					refMeasure("Enrobage des armatures", "mm", true, ptrFloat(20), ptrFloat(50)),
					refCheck("Coffrage propre, huilé, calé et étanche", true),
					refMeasure("Écart d'aplomb des banches", "mm", false, ptrFloat(0), ptrFloat(10)),
					refMeasure("Température ambiante au moment du coulage", "°C", true, ptrFloat(5), ptrFloat(35)),
					refCheck("Réservations, fourreaux et inserts en place", false),
					refText("Référence du bon de livraison béton (classe de résistance, consistance)", false),
					refPhoto("Photo du ferraillage avant coulage", true),
					refSignature("Signature du conducteur de travaux"),
				},
			},
			{
				Code: "securite_hauteur",
				Name: "Vérification avant travail en hauteur",
				Items: []ChecklistItemSeed{
					refCheck("PPSPS et mode opératoire communiqués à l'équipe", true),
					refCheck("Procès-verbal de réception de l'échafaudage affiché", true),
					refCheck("Garde-corps, lisses, sous-lisses et plinthes en place", true),
					refCheck("Calages et amarrages de l'échafaudage vérifiés", true),
					refCheck("Harnais et points d'ancrage contrôlés (si protection individuelle)", false),
					refMeasure("Vitesse du vent mesurée (arrêt des PEMP au-delà de 45 km/h)", "km/h", false, ptrFloat(0), ptrFloat(45)),
					refPhoto("Photo des protections collectives en place", true),
					refSignature("Signature du chef d'équipe"),
				},
			},
			{
				Code: "reception_couverture",
				Name: "Réception couverture – zinguerie",
				Items: []ChecklistItemSeed{
					refMeasure("Pente du versant", "%", true, nil, nil),
					refCheck("Écran de sous-toiture posé et ventilé", false),
					refCheck("Recouvrements et fixations conformes aux DTU de la série 40", true),
					refCheck("Abergements, noues et solins étanches", true),
					refCheck("Essai d'écoulement des gouttières et descentes d'eaux pluviales", true),
					refPhoto("Photos de la toiture terminée", true),
					refSignature("Signature du client"),
				},
			},
			{
				Code: "reception_etancheite",
				Name: "Réception étanchéité toiture-terrasse",
				Items: []ChecklistItemSeed{
					refMeasure("Pente de l'élément porteur", "%", false, ptrFloat(0), nil),
					refMeasure("Hauteur des relevés au-dessus de la protection", "cm", true, ptrFloat(15), nil),
					refCheck("Points singuliers traités (EEP, acrotères, traversées)", true),
					refCheck("Essai de mise en eau concluant (aucune infiltration)", true),
					refPhoto("Photo des relevés et des points singuliers", true),
					refText("Observations", false),
					refSignature("Signature du client"),
				},
			},
			{
				Code: "controle_support",
				Name: "Contrôle du support avant finitions",
				Items: []ChecklistItemSeed{
					refCheck("Support propre, sec, sain et dépoussiéré", true),
					refMeasure("Humidité du support", "%", true, nil, ptrFloat(5)),
					refMeasure("Planéité sous la règle de 2 m", "mm", true, nil, ptrFloat(5)),
					refMeasure("Température ambiante", "°C", true, ptrFloat(5), nil),
					refCheck("Protection des ouvrages adjacents en place", false),
					refPhoto("Photo du support", false),
					refSignature("Signature du chef d'équipe"),
				},
			},
			{
				Code: "reception_travaux",
				Name: "Procès-verbal de fin de travaux",
				Items: []ChecklistItemSeed{
					refCheck("Travaux réalisés conformément au devis et au descriptif", true),
					refCheck("Chantier nettoyé et déchets évacués vers une filière agréée", true),
					refText("Réserves émises par le client", false),
					refPhoto("Photo de l'ouvrage terminé", true),
					refText("Nom du représentant du client", true),
					refSignature("Signature du client"),
				},
			},
		},
		WorkTypes: []WorkTypeSeed{
			{
				Code: "terrassement", Name: "Terrassement et fouilles",
				DefaultDays: 3,
				Skills:      []string{"terrassement", "conduite_engins"},
				Clearances:  []string{"AIPR-O", "CACES-R482-B1"},
				Excavation:  true,
				Checklist:   "reception_fouilles",
			},
			{
				Code: "fondations", Name: "Fondations superficielles (semelles, longrines)",
				DefaultDays: 4,
				Skills:      []string{"terrassement", "coffrage", "ferraillage", "maconnerie"},
				Clearances:  []string{"AIPR-O", "SST"},
				Excavation:  true,
				Checklist:   "controle_coulage",
			},
			{
				Code: "gros_oeuvre", Name: "Gros œuvre – maçonnerie",
				DefaultDays: 5,
				Skills:      []string{"maconnerie"},
				Clearances:  []string{"SST", "ECHAF-R408", "CACES-R482-F"},
				Checklist:   "securite_hauteur",
			},
			{
				Code: "coffrage_ferraillage", Name: "Coffrage et ferraillage – voiles et dalles en béton armé",
				DefaultDays: 5,
				Skills:      []string{"coffrage", "ferraillage"},
				Clearances:  []string{"SST"},
				Checklist:   "controle_coulage",
			},
			{
				Code: "charpente", Name: "Pose de charpente bois",
				DefaultDays: 4,
				Skills:      []string{"charpente"},
				Clearances:  []string{"TRAVAIL-HAUTEUR", "CACES-R490"},
				Checklist:   "securite_hauteur",
			},
			{
				Code: "couverture", Name: "Couverture – zinguerie",
				DefaultDays: 5,
				Skills:      []string{"couverture"},
				Clearances:  []string{"TRAVAIL-HAUTEUR", "ECHAF-R408"},
				Checklist:   "reception_couverture",
			},
			{
				Code: "etancheite", Name: "Étanchéité de toiture-terrasse",
				DefaultDays: 3,
				Skills:      []string{"etancheite"},
				Clearances:  []string{"TRAVAIL-HAUTEUR"},
				Checklist:   "reception_etancheite",
			},
			{
				Code: "platrerie", Name: "Plâtrerie – cloisons et doublages",
				DefaultDays: 4,
				Skills:      []string{"platrerie"},
				Clearances:  []string{"CACES-R486-A"},
				Checklist:   "reception_travaux",
			},
			{
				Code: "menuiseries", Name: "Pose de menuiseries extérieures",
				DefaultDays: 2,
				Skills:      []string{"menuiserie"},
				Checklist:   "reception_travaux",
			},
			{
				Code: "carrelage", Name: "Chape et carrelage",
				DefaultDays: 3,
				Skills:      []string{"carrelage"},
				Checklist:   "controle_support",
			},
			{
				Code: "peinture", Name: "Peinture intérieure",
				DefaultDays: 3,
				Skills:      []string{"peinture"},
				Checklist:   "controle_support",
			},
			{
				Code: "ravalement", Name: "Ravalement de façade",
				DefaultDays: 8,
				Skills:      []string{"ravalement", "peinture"},
				Clearances:  []string{"ECHAF-R408", "TRAVAIL-HAUTEUR", "CACES-R486-B"},
				Checklist:   "securite_hauteur",
			},
			{
				Code: "ouverture_tremies", Name: "Ouverture de trémies et démolition partielle (matériaux amiantés – SS4)",
				DefaultDays: 2,
				Skills:      []string{"maconnerie"},
				Clearances:  []string{"AMIANTE-SS4-OP", "AMIANTE-SS4-ENC", "B0"},
				Checklist:   "reception_travaux",
			},
		},
	}
}

// refElec returns the reference data of the electrical works sector.
func refElec() Reference {
	return Reference{
		Sector: SectorElec,
		Skills: []SkillSeed{
			{"tirage_cables", "Tirage de câbles et pose de chemins de câbles"},
			{"tableaux", "Câblage de tableaux et armoires électriques"},
			{"raccordement", "Raccordement et connexions"},
			{"consignation", "Consignation et déconsignation"},
			{"mise_en_service", "Mise en service et essais"},
			{"mesures", "Mesures et vérifications (isolement, continuité, terre)"},
			{"courant_faible", "Courant faible – VDI"},
			{"irve", "Infrastructures de recharge pour véhicules électriques (IRVE)"},
			{"eclairage_public", "Éclairage public"},
			{"depannage", "Dépannage et diagnostic"},
			{"photovoltaique", "Photovoltaïque"},
			{"postes_hta", "Postes de transformation HTA/BT"},
		},
		ClearanceKinds: refPickClearances(
			"B0",
			"B1",
			"B1V",
			"B2",
			"B2V",
			"B2V-ESSAI",
			"BR",
			"BC",
			"BE-MESURAGE",
			"BE-VERIF",
			"BP",
			"H0",
			"H0V",
			"H1V",
			"H2V",
			"HC",
			"IRVE-P1",
			"IRVE-P2",
			"IRVE-P3",
			"AIPR-O",
			"AIPR-E",
			"CACES-R486-A",
			"CACES-R486-B",
			"SST",
			"TRAVAIL-HAUTEUR",
		),
		Checklists: []ChecklistTemplateSeed{
			{
				Code: "autocontrole_consuel",
				Name: "Autocontrôle avant visite Consuel",
				Items: []ChecklistItemSeed{
					refMeasure("Mesure d'isolement des circuits (500 V continu)", "MΩ", true, ptrFloat(0.5), nil),
					refMeasure("Résistance de la prise de terre", "Ω", true, nil, ptrFloat(100)),
					refMeasure("Continuité des conducteurs de protection et liaisons équipotentielles", "Ω", true, nil, ptrFloat(2)),
					refCheck("Test des dispositifs différentiels 30 mA", true),
					refMeasure("Temps de déclenchement du différentiel à IΔn", "ms", false, nil, ptrFloat(300)),
					refCheck("Repérage des circuits et schéma unifilaire présents dans le tableau", true),
					refCheck("Attestation de conformité (AC) complétée", true),
					refPhoto("Photo du tableau", true),
					refSignature("Signature du client"),
				},
			},
			{
				Code: "consignation",
				Name: "Consignation électrique (NF C 18-510)",
				Items: []ChecklistItemSeed{
					refCheck("Séparation de l'ouvrage de toute source de tension", true),
					refCheck("Condamnation en position d'ouverture (cadenas, pancarte)", true),
					refCheck("Identification de l'ouvrage sur le lieu de travail", true),
					refCheck("Vérification d'absence de tension (VAT)", true),
					refCheck("Mise à la terre et en court-circuit (MALT-CC) si requise", false),
					refText("Numéro de l'attestation de consignation", true),
					refPhoto("Photo de la condamnation", true),
					refSignature("Signature du chargé de consignation"),
				},
			},
			{
				Code: "mise_en_service",
				Name: "Mise en service d'installation",
				Items: []ChecklistItemSeed{
					refMeasure("Tension entre phases", "V", true, ptrFloat(360), ptrFloat(440)),
					refMeasure("Tension entre phase et neutre", "V", true, ptrFloat(207), ptrFloat(253)),
					refCheck("Ordre de rotation des phases vérifié", false),
					refCheck("Serrage des connexions contrôlé", true),
					refMeasure("Température maximale relevée sur les connexions (thermographie)", "°C", false, nil, ptrFloat(70)),
					refCheck("Essai de fonctionnement des protections et des organes de coupure", true),
					refPhoto("Photo de l'installation en service", true),
					refSignature("Signature du client"),
				},
			},
			{
				Code: "irve",
				Name: "Mise en service borne de recharge (IRVE)",
				Items: []ChecklistItemSeed{
					refCheck("Protection différentielle 30 mA de type adapté à la borne (A-EV, F ou B)", true),
					refMeasure("Résistance de la prise de terre", "Ω", true, nil, ptrFloat(100)),
					refMeasure("Mesure d'isolement du circuit dédié", "MΩ", true, ptrFloat(0.5), nil),
					refCheck("Essai de charge avec véhicule ou simulateur", true),
					refMeasure("Puissance de charge mesurée", "kW", false, ptrFloat(0), nil),
					refCheck("Configuration de la supervision et de la communication", false),
					refCheck("Étiquetage et signalétique IRVE en place", true),
					refPhoto("Photo de la borne installée", true),
					refSignature("Signature du client"),
				},
			},
			{
				Code: "eclairage_public",
				Name: "Intervention éclairage public",
				Items: []ChecklistItemSeed{
					refCheck("Balisage et signalisation temporaire en place", true),
					refCheck("Nacelle vérifiée (VGP à jour)", true),
					refMeasure("Mesure d'isolement du réseau d'éclairage", "MΩ", false, ptrFloat(0.5), nil),
					refText("Type et puissance de la source remplacée", false),
					refCheck("Fonctionnement de l'horloge astronomique ou de la cellule vérifié", false),
					refPhoto("Photo du point lumineux après intervention", true),
					refSignature("Signature du technicien"),
				},
			},
			{
				Code: "recette_vdi",
				Name: "Recette courant faible – VDI",
				Items: []ChecklistItemSeed{
					refCheck("Certification des liens cuivre (catégorie 6A)", true),
					refMeasure("Longueur maximale du lien permanent", "m", true, nil, ptrFloat(90)),
					refMeasure("Affaiblissement mesuré sur les liens optiques", "dB", false, ptrFloat(0), nil),
					refCheck("Étiquetage des prises et du panneau de brassage", true),
					refCheck("Rapport de recette joint", true),
					refPhoto("Photo de la baie de brassage", true),
					refSignature("Signature du client"),
				},
			},
			{
				Code: "depannage",
				Name: "Rapport de dépannage",
				Items: []ChecklistItemSeed{
					refText("Description du défaut constaté", true),
					refCheck("Consignation ou intervention BR réalisée selon la NF C 18-510", true),
					refPhoto("Photo avant intervention", false),
					refMeasure("Mesure d'isolement après réparation", "MΩ", false, ptrFloat(0.5), nil),
					refText("Pièces remplacées", false),
					refPhoto("Photo après intervention", true),
					refSignature("Signature du client"),
				},
			},
		},
		WorkTypes: []WorkTypeSeed{
			{
				Code: "tirage_cables", Name: "Tirage de câbles et pose de chemins de câbles",
				DefaultDays: 3,
				Skills:      []string{"tirage_cables"},
				Clearances:  []string{"B1V", "CACES-R486-A"},
			},
			{
				Code: "pose_tableau", Name: "Pose et câblage de tableau / TGBT",
				DefaultDays: 3,
				Skills:      []string{"tableaux", "raccordement"},
				Clearances:  []string{"B2V"},
				Checklist:   "mise_en_service",
			},
			{
				Code: "raccordement", Name: "Raccordement d'installation (branchement, liaison au tableau)",
				DefaultDays: 1,
				Skills:      []string{"raccordement"},
				Clearances:  []string{"BR"},
				Checklist:   "mise_en_service",
			},
			{
				Code: "consignation", Name: "Consignation / déconsignation d'installation BT",
				DefaultDays: 0.5,
				Skills:      []string{"consignation"},
				Clearances:  []string{"BC"},
				Checklist:   "consignation",
			},
			{
				Code: "mise_en_service", Name: "Mise en service d'installation",
				DefaultDays: 1,
				Skills:      []string{"mise_en_service", "mesures"},
				Clearances:  []string{"BR", "B2V-ESSAI"},
				Checklist:   "mise_en_service",
			},
			{
				Code: "autocontrole_consuel", Name: "Vérification et autocontrôle avant Consuel",
				DefaultDays: 1,
				Skills:      []string{"mesures"},
				Clearances:  []string{"BE-MESURAGE"},
				Checklist:   "autocontrole_consuel",
			},
			{
				Code: "irve_ac", Name: "Installation de borne de recharge AC (IRVE)",
				DefaultDays: 2,
				Skills:      []string{"irve", "raccordement", "tableaux"},
				Clearances:  []string{"IRVE-P2", "B2V"},
				Checklist:   "irve",
			},
			{
				Code: "irve_dc", Name: "Installation de borne de recharge rapide DC (IRVE)",
				DefaultDays: 4,
				Skills:      []string{"irve", "raccordement", "mise_en_service"},
				Clearances:  []string{"IRVE-P3", "B2V", "BR"},
				Checklist:   "irve",
			},
			{
				Code: "eclairage_public_maintenance", Name: "Maintenance d'éclairage public",
				DefaultDays: 1,
				Skills:      []string{"eclairage_public", "depannage"},
				Clearances:  []string{"BR", "CACES-R486-B"},
				Checklist:   "eclairage_public",
			},
			{
				Code: "eclairage_public_neuf", Name: "Pose de candélabres et réseau d'éclairage public",
				DefaultDays: 5,
				Skills:      []string{"eclairage_public", "tirage_cables"},
				Clearances:  []string{"B1V", "AIPR-O", "CACES-R486-B"},
				Excavation:  true,
				Checklist:   "eclairage_public",
			},
			{
				Code: "vdi", Name: "Courant faible – câblage VDI et baies de brassage",
				DefaultDays: 3,
				Skills:      []string{"courant_faible"},
				Clearances:  []string{"B1V"},
				Checklist:   "recette_vdi",
			},
			{
				Code: "depannage", Name: "Dépannage électrique",
				DefaultDays: 0.5,
				Skills:      []string{"depannage", "mesures"},
				Clearances:  []string{"BR"},
				Checklist:   "depannage",
			},
			{
				Code: "photovoltaique", Name: "Pose et raccordement de panneaux photovoltaïques",
				DefaultDays: 3,
				Skills:      []string{"photovoltaique", "raccordement"},
				Clearances:  []string{"BP", "TRAVAIL-HAUTEUR"},
				Checklist:   "mise_en_service",
			},
			{
				Code: "poste_hta", Name: "Intervention en poste de transformation HTA/BT",
				DefaultDays: 2,
				Skills:      []string{"postes_hta", "consignation"},
				Clearances:  []string{"H2V", "HC"},
				Checklist:   "consignation",
			},
		},
	}
}

// refTP returns the reference data of the public works sector.
func refTP() Reference {
	return Reference{
		Sector: SectorTP,
		Skills: []SkillSeed{
			{"terrassement", "Terrassement"},
			{"conduite_engins", "Conduite d'engins de chantier"},
			{"reseaux_secs", "Réseaux secs (électricité, télécom, éclairage)"},
			{"reseaux_humides", "Canalisations – réseaux humides (AEP, assainissement)"},
			{"soudure_pehd", "Soudure polyéthylène (électrosoudage, bout à bout)"},
			{"detection_reseaux", "Détection et géoréférencement des réseaux"},
			{"topographie", "Implantation et topographie"},
			{"enrobes", "Mise en œuvre d'enrobés"},
			{"bordures", "Pose de bordures, caniveaux et pavés"},
			{"signalisation", "Signalisation horizontale et verticale"},
			{"balisage", "Signalisation temporaire de chantier"},
			{"genie_civil", "Génie civil – béton armé"},
		},
		ClearanceKinds: refPickClearances(
			"AIPR-O",
			"AIPR-E",
			"AIPR-C",
			"CACES-R482-A",
			"CACES-R482-B1",
			"CACES-R482-B2",
			"CACES-R482-C1",
			"CACES-R482-C2",
			"CACES-R482-C3",
			"CACES-R482-D",
			"CACES-R482-E",
			"CACES-R482-F",
			"CACES-R482-G",
			"CACES-R490",
			"B0",
			"BF-HF",
			"SST",
			"TRAVAIL-HAUTEUR",
			"AMIANTE-SS4-OP",
			"AMIANTE-SS4-ENC",
			"CATEC-INT",
			"CATEC-SURV",
		),
		Checklists: []ChecklistTemplateSeed{
			{
				Code: "dt_dict",
				Name: "Vérifications DT-DICT avant travaux",
				Items: []ChecklistItemSeed{
					refCheck("Récépissés de DICT reçus et en cours de validité (moins de 3 mois)", true),
					refCheck("Marquage-piquetage des réseaux réalisé et conforme aux récépissés", true),
					refText("Classe de précision des réseaux (A, B ou C) et réseaux sensibles identifiés", true),
					refCheck("Investigations complémentaires réalisées si réseaux en classe B ou C", false),
					refCheck("AIPR en cours de validité pour le conducteur d'engin et l'encadrant", true),
					refPhoto("Photo du marquage-piquetage", true),
					refSignature("Signature du chef de chantier"),
				},
			},
			{
				Code: "tranchee",
				Name: "Contrôle de tranchée",
				Items: []ChecklistItemSeed{
					refMeasure("Profondeur de la tranchée", "cm", true, nil, nil),
					refMeasure("Largeur de la tranchée", "cm", false, nil, nil),
					refCheck("Blindage en place (tranchée de plus de 1,30 m)", true),
					refCheck("Lit de pose et enrobage en sable conformes", true),
					refMeasure("Distance aux réseaux existants", "cm", false, ptrFloat(0), nil),
					refCheck("Grillage avertisseur posé (couleur du réseau)", true),
					refPhoto("Photo de la tranchée ouverte avant remblaiement (récolement)", true),
					refSignature("Signature du chef d'équipe"),
				},
			},
			{
				Code: "compactage",
				Name: "Contrôle de compactage et de portance",
				Items: []ChecklistItemSeed{
					refCheck("Matériau de remblai conforme au GTR", true),
					refMeasure("Épaisseur des couches compactées", "cm", true, nil, ptrFloat(30)),
					refMeasure("Module EV2 à l'essai à la plaque", "MPa", true, ptrFloat(50), nil),
					refMeasure("Teneur en eau du matériau", "%", false, ptrFloat(0), ptrFloat(100)),
					refPhoto("Photo de l'essai de portance", false),
					refSignature("Signature du contrôleur"),
				},
			},
			{
				Code: "enrobes",
				Name: "Contrôle de mise en œuvre des enrobés",
				Items: []ChecklistItemSeed{
					refCheck("Couche d'accrochage répandue", true),
					refMeasure("Température de l'enrobé au répandage", "°C", true, ptrFloat(130), ptrFloat(180)),
					refMeasure("Température extérieure", "°C", true, ptrFloat(5), nil),
					refMeasure("Épaisseur mise en œuvre", "cm", true, ptrFloat(3), nil),
					refText("Formule et références des bons de livraison", false),
					refPhoto("Photo de la surface finie", true),
					refSignature("Signature du chef de chantier"),
				},
			},
			{
				Code: "essais_canalisation",
				Name: "Essais de réception de canalisation",
				Items: []ChecklistItemSeed{
					refMeasure("Pression d'essai (AEP)", "bar", false, ptrFloat(0), nil),
					refMeasure("Chute de pression pendant l'essai (AEP)", "bar", false, nil, ptrFloat(0.2)),
					refCheck("Essai d'étanchéité à l'air ou à l'eau (assainissement, NF EN 1610)", false),
					refCheck("Inspection télévisée (ITV) réalisée", false),
					refCheck("Désinfection et analyse bactériologique conformes (AEP)", false),
					refPhoto("Photo des raccordements avant remblaiement", true),
					refCheck("Plan de récolement transmis", true),
					refSignature("Signature du conducteur de travaux"),
				},
			},
			{
				Code: "ouverture_chantier",
				Name: "Ouverture de chantier – sécurité",
				Items: []ChecklistItemSeed{
					refCheck("PPSPS diffusé et accueil sécurité réalisé", true),
					refCheck("Signalisation temporaire conforme à l'arrêté de circulation", true),
					refCheck("Cheminements piétons balisés et protégés", true),
					refCheck("Engins vérifiés (VGP à jour)", true),
					refCheck("Trousse de secours présente et SST identifié", true),
					refPhoto("Photo de l'installation de chantier", false),
					refSignature("Signature du chef de chantier"),
				},
			},
			{
				Code: "espace_confine",
				Name: "Intervention en espace confiné (CATEC)",
				Items: []ChecklistItemSeed{
					refCheck("Surveillant présent en surface", true),
					refCheck("Ventilation mise en place", true),
					refMeasure("Teneur en oxygène (O2)", "%", true, ptrFloat(19), ptrFloat(23)),
					refMeasure("Sulfure d'hydrogène (H2S)", "ppm", true, nil, ptrFloat(5)),
					refMeasure("Monoxyde de carbone (CO)", "ppm", true, nil, ptrFloat(20)),
					refMeasure("Atmosphère explosive (% de la LIE)", "%", true, nil, ptrFloat(10)),
					refCheck("Détecteur 4 gaz porté en continu", true),
					refSignature("Signature du surveillant"),
				},
			},
		},
		WorkTypes: []WorkTypeSeed{
			{
				Code: "terrassement", Name: "Terrassements généraux et plateformes",
				DefaultDays: 5,
				Skills:      []string{"terrassement", "conduite_engins"},
				Clearances:  []string{"AIPR-O", "AIPR-E", "CACES-R482-B1", "CACES-R482-C1"},
				Excavation:  true,
				Checklist:   "dt_dict",
			},
			{
				Code: "tranchee_reseaux_secs", Name: "Tranchée et pose de réseaux secs (fourreaux électricité, télécom)",
				DefaultDays: 3,
				Skills:      []string{"terrassement", "reseaux_secs"},
				Clearances:  []string{"AIPR-O", "CACES-R482-A", "BF-HF"},
				Excavation:  true,
				Checklist:   "tranchee",
			},
			{
				Code: "canalisation_aep", Name: "Pose de canalisations d'eau potable (AEP)",
				DefaultDays: 5,
				Skills:      []string{"reseaux_humides", "soudure_pehd", "terrassement"},
				Clearances:  []string{"AIPR-O", "CACES-R482-B1"},
				Excavation:  true,
				Checklist:   "essais_canalisation",
			},
			{
				Code: "assainissement", Name: "Pose de réseaux d'assainissement (eaux usées, eaux pluviales)",
				DefaultDays: 6,
				Skills:      []string{"reseaux_humides", "terrassement", "topographie"},
				Clearances:  []string{"AIPR-O", "CACES-R482-B1", "CACES-R490"},
				Excavation:  true,
				Checklist:   "essais_canalisation",
			},
			{
				Code: "branchement", Name: "Branchement particulier eau potable / assainissement",
				DefaultDays: 1,
				Skills:      []string{"reseaux_humides"},
				Clearances:  []string{"AIPR-O", "CACES-R482-A"},
				Excavation:  true,
				Checklist:   "tranchee",
			},
			{
				Code: "genie_civil_fibre", Name: "Génie civil fibre optique (fourreaux, chambres de tirage)",
				DefaultDays: 4,
				Skills:      []string{"reseaux_secs", "terrassement"},
				Clearances:  []string{"AIPR-O", "CACES-R482-A"},
				Excavation:  true,
				Checklist:   "tranchee",
			},
			{
				Code: "forage_dirige", Name: "Forage horizontal dirigé",
				DefaultDays: 2,
				Skills:      []string{"detection_reseaux", "reseaux_secs"},
				Clearances:  []string{"AIPR-O", "CACES-R482-B2"},
				Excavation:  true,
				Checklist:   "dt_dict",
			},
			{
				Code: "enrobes", Name: "Mise en œuvre d'enrobés",
				DefaultDays: 2,
				Skills:      []string{"enrobes", "conduite_engins", "balisage"},
				Clearances:  []string{"CACES-R482-D"},
				Checklist:   "enrobes",
			},
			{
				Code: "rabotage", Name: "Rabotage de chaussée (enrobés amiantés – SS4)",
				DefaultDays: 1,
				Skills:      []string{"enrobes", "balisage"},
				Clearances:  []string{"AMIANTE-SS4-OP", "AMIANTE-SS4-ENC"},
				Checklist:   "ouverture_chantier",
			},
			{
				Code: "bordures_trottoirs", Name: "Pose de bordures, caniveaux et trottoirs",
				DefaultDays: 3,
				Skills:      []string{"bordures", "topographie"},
				Clearances:  []string{"AIPR-O", "CACES-R482-A"},
				Excavation:  true,
				Checklist:   "compactage",
			},
			{
				Code: "signalisation_horizontale", Name: "Signalisation horizontale (marquage au sol)",
				DefaultDays: 1,
				Skills:      []string{"signalisation", "balisage"},
				Checklist:   "ouverture_chantier",
			},
			{
				Code: "ouvrage_art", Name: "Ouvrage d'art – génie civil (murs de soutènement, dalots)",
				DefaultDays: 15,
				Skills:      []string{"genie_civil", "topographie", "terrassement"},
				Clearances:  []string{"AIPR-O", "TRAVAIL-HAUTEUR", "SST", "CACES-R490"},
				Excavation:  true,
				Checklist:   "ouverture_chantier",
			},
			{
				Code: "intervention_regard", Name: "Intervention en regard et réseau d'assainissement (espace confiné)",
				DefaultDays: 1,
				Skills:      []string{"reseaux_humides"},
				Clearances:  []string{"CATEC-INT", "CATEC-SURV"},
				Checklist:   "espace_confine",
			},
		},
	}
}
