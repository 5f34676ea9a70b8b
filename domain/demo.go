package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// DemoPassword is the password of every demo account. The demo tenant
// holds fictitious data only.
const DemoPassword = "fieldops-demo"

// DemoUsers returns the demo tenant's people, one per role first.
func DemoUsers() []NewUser {
	return []NewUser{
		{Email: "claire.martin@demo.fieldops360.fr", Name: "Claire Martin", Role: RoleManager, Phone: "+33 6 12 34 56 01", HourlyCost: 58},
		{Email: "julien.bernard@demo.fieldops360.fr", Name: "Julien Bernard", Role: RoleProjectManager, Phone: "+33 6 12 34 56 02", HourlyCost: 46},
		{Email: "karim.haddad@demo.fieldops360.fr", Name: "Karim Haddad", Role: RoleSiteLead, Phone: "+33 6 12 34 56 03", HourlyCost: 38},
		{Email: "lucas.petit@demo.fieldops360.fr", Name: "Lucas Petit", Role: RoleCrew, Phone: "+33 6 12 34 56 04", HourlyCost: 31},
		{Email: "nadia.roux@demo.fieldops360.fr", Name: "Nadia Roux", Role: RoleProjectManager, Phone: "+33 6 12 34 56 05", HourlyCost: 47},
		{Email: "thomas.leroy@demo.fieldops360.fr", Name: "Thomas Leroy", Role: RoleSiteLead, Phone: "+33 6 12 34 56 06", HourlyCost: 37},
		{Email: "mehdi.benali@demo.fieldops360.fr", Name: "Mehdi Benali", Role: RoleCrew, Phone: "+33 6 12 34 56 07", HourlyCost: 30},
		{Email: "sebastien.moreau@demo.fieldops360.fr", Name: "Sébastien Moreau", Role: RoleCrew, Phone: "+33 6 12 34 56 08", HourlyCost: 32},
		{Email: "antoine.girard@demo.fieldops360.fr", Name: "Antoine Girard", Role: RoleCrew, Phone: "+33 6 12 34 56 09", HourlyCost: 29},
		{Email: "ines.faure@demo.fieldops360.fr", Name: "Inès Faure", Role: RoleCrew, Phone: "+33 6 12 34 56 10", HourlyCost: 31},
		{Email: "david.lambert@demo.fieldops360.fr", Name: "David Lambert", Role: RoleCrew, Phone: "+33 6 12 34 56 11", HourlyCost: 33},
		{Email: "paulo.ferreira@demo.fieldops360.fr", Name: "Paulo Ferreira", Role: RoleCrew, Phone: "+33 6 12 34 56 12", HourlyCost: 30},
	}
}

// SeedDemo fills a freshly provisioned demo tenant with realistic data:
// 12 people with skills and clearances (some expiring soon), the
// electrical and public works sectors enabled beside building (their
// reference-data packs), 3 clients, 6 sites across sectors and statuses
// with phases, milestones and documents, then the resources (vehicles,
// tools, materials) and the week's jobs. It runs in one transaction.
// SeedDemoWith adds a year of history (DemoOptions).
func SeedDemo(app core.App) error {
	return SeedDemoAt(app, time.Now())
}

// SeedDemoAt is SeedDemo with an explicit clock.
func SeedDemoAt(app core.App, now time.Time) error {
	return seedDemo(app, now, DemoOptions{})
}

func seedDemo(app core.App, now time.Time, opts DemoOptions) error {
	return app.RunInTransaction(func(tx core.App) error {
		if err := seedDemoCompany(tx, now); err != nil {
			return err
		}
		users := map[string]*core.Record{}
		var userIDs []string
		for _, u := range DemoUsers() {
			u.Password = DemoPassword
			rec, err := CreateUser(tx, u)
			if err != nil {
				return err
			}
			users[u.Name] = rec.Record
			userIDs = append(userIDs, rec.Id)
		}
		if err := seedDemoPeople(tx, users, now); err != nil {
			return err
		}
		if err := seedDemoSectors(tx, users, now); err != nil {
			return err
		}
		siteIDs, err := seedDemoSites(tx, users, now)
		if err != nil {
			return err
		}
		if err := seedDemoResources(tx, siteIDs, userIDs, now); err != nil {
			return err
		}
		if err := seedDemoDispatch(tx, users, siteIDs, now); err != nil {
			return err
		}
		if err := seedDemoInvoicing(tx, users, siteIDs, now, opts.InvoiceRender); err != nil {
			return err
		}
		if err := seedDemoAcceptance(tx, users, siteIDs[5], now); err != nil {
			return err
		}
		if opts.History {
			if err := seedDemoHistory(tx, users, now); err != nil {
				return err
			}
		}
		return seedDemoClients(tx, users, now)
	})
}

// seedDemoPeople gives the demo people skills and clearances.
func seedDemoPeople(tx core.App, users map[string]*core.Record, now time.Time) error {
	skills, err := tx.FindRecordsByFilter(CollectionSkills, "", "code", 0, 0)
	if err != nil || len(skills) == 0 {
		return err
	}
	i := 0
	for _, u := range users {
		for k := 0; k < 3; k++ {
			if err := SetSkill(tx, nil, u.Id, skills[(i+k*5)%len(skills)].Id); err != nil {
				return err
			}
		}
		i++
	}
	kinds, err := tx.FindRecordsByFilter(CollectionClearanceKinds, "validity_months > 0", "code", 0, 0)
	if err != nil || len(kinds) == 0 {
		return err
	}
	offsets := []int{-700, -400, -1000, -60, -300, -820, -150, -90}
	i = 0
	for name, u := range users {
		if u.GetString("role") == RoleManager {
			continue
		}
		k := kinds[i%len(kinds)]
		obtained := now.AddDate(0, 0, offsets[i%len(offsets)])
		in := ClearanceInput{Kind: k.GetString("code"), ObtainedOn: obtained, Issuer: "APAVE"}
		if name == "Lucas Petit" { // expires in 20 days: shows the 30-day alert
			in.ValidUntil = now.AddDate(0, 0, 20)
		}
		if name == "Antoine Girard" { // expired: blocks assignment
			in.ValidUntil = now.AddDate(0, 0, -5)
		}
		if _, err := AddClearance(tx, nil, u.Id, in); err != nil {
			return err
		}
		i++
	}
	_, err = AddAbsence(tx, nil, users["Inès Faure"].Id, AvailabilityInput{Kind: "leave", From: now.AddDate(0, 0, 7), To: now.AddDate(0, 0, 11), Note: "Congés"})
	return err
}

type demoSite struct {
	code, name, sector, status, client, address, template, pm, lead string
	lat, lng                                                        float64
	startDays, budget, contract                                     float64
	team                                                            []string
	fields                                                          map[string]string
	phases                                                          []string
}

// seedDemoSites creates 3 clients and 6 sites with phases, milestones and
// a few documents.
func seedDemoSites(tx core.App, users map[string]*core.Record, now time.Time) ([]string, error) {
	clients := map[string]string{}
	for _, c := range []map[string]any{
		{"name": "Mairie de Nantes", "kind": "public", "contact_name": "Service des bâtiments", "email": "batiments@demo-mairie.fr", "address": "2 rue de l'Hôtel de Ville, 44000 Nantes"},
		{"name": "SCI Les Tilleuls", "kind": "private", "contact_name": "M. Durand", "email": "contact@sci-tilleuls.fr", "address": "14 avenue des Tilleuls, 44300 Nantes"},
		{"name": "Atlantique Habitat", "kind": "private", "contact_name": "Mme Caron", "email": "travaux@atlantique-habitat.fr", "address": "8 quai de la Fosse, 44000 Nantes"},
	} {
		id, err := insert(tx, CollectionClients, c)
		if err != nil {
			return nil, err
		}
		clients[c["name"].(string)] = id
	}
	day := func(n float64) time.Time { return now.AddDate(0, 0, int(n)).UTC().Truncate(24 * time.Hour) }
	sites := []demoSite{
		{"CH-2026-011", "Maison Durand – construction neuve", SectorBTP, SiteActive, "SCI Les Tilleuls", "14 avenue des Tilleuls, 44300 Nantes", "MAISON", "Julien Bernard", "Karim Haddad", 47.2410, -1.5230, -40, 285000, 312000, []string{"Lucas Petit", "Mehdi Benali", "Sébastien Moreau"}, nil, nil},
		{"CH-2026-014", "École Jules Verne – rénovation", SectorBTP, SiteActive, "Mairie de Nantes", "1 rue Jules Verne, 44000 Nantes", "RENO", "Nadia Roux", "Thomas Leroy", 47.2184, -1.5536, -10, 148000, 165000, []string{"Antoine Girard", "Inès Faure"}, nil, nil},
		{"CH-2026-019", "Résidence Les Aubépines – lot électricité", SectorElec, SitePlanned, "Atlantique Habitat", "22 rue des Aubépines, 44800 Saint-Herblain", "", "Julien Bernard", "Karim Haddad", 47.2120, -1.6490, 14, 96000, 118000, []string{"David Lambert"},
			map[string]string{"voltage": "BT"}, []string{"Préparation et consignation", "Chemins de câbles et tirage", "Pose TGBT", "Autocontrôle et Consuel"}},
		{"CH-2026-021", "Bornes IRVE – parking mairie", SectorElec, SiteActive, "Mairie de Nantes", "Parking Petite Hollande, 44000 Nantes", "", "Nadia Roux", "Thomas Leroy", 47.2120, -1.5570, -5, 42000, 51000, []string{"David Lambert", "Paulo Ferreira"},
			map[string]string{"voltage": "BT"}, []string{"Génie civil et fourreaux", "Pose des bornes", "Raccordement et mise en service"}},
		{"CH-2026-007", "Extension réseau AEP – rue de la Loire", SectorTP, SiteOnHold, "Mairie de Nantes", "Rue de la Loire, 44400 Rezé", "", "Julien Bernard", "Thomas Leroy", 47.1920, -1.5690, -60, 210000, 236000, []string{"Paulo Ferreira", "Mehdi Benali"},
			map[string]string{"networks": "AEP, EU, gaz", "dict_ref": "2026091500123"}, []string{"DT-DICT et marquage-piquetage", "Tranchée", "Pose canalisations", "Essais de pression", "Réfection de chaussée"}},
		{"CH-2025-042", "Voirie ZAC du Moulin", SectorTP, SiteDone, "Atlantique Habitat", "ZAC du Moulin, 44240 La Chapelle-sur-Erdre", "", "Nadia Roux", "Karim Haddad", 47.2990, -1.5510, -200, 380000, 402000, nil,
			map[string]string{"networks": "Voirie, éclairage public"}, []string{"Rabotage et terrassement", "Bordures", "Enrobés", "Signalisation"}},
	}
	var ids []string
	for _, s := range sites {
		lat, lng := s.lat, s.lng
		in := SiteInput{Code: s.code, Name: s.name, Sector: s.sector, Status: s.status, Client: clients[s.client], Address: s.address,
			Lat: &lat, Lng: &lng, GeofenceM: 200, Start: day(s.startDays), Budget: s.budget, ContractAmount: s.contract,
			ProjectManager: users[s.pm].Id, SiteLead: users[s.lead].Id, SectorFields: s.fields, Template: s.template}
		for _, m := range s.team {
			in.Team = append(in.Team, users[m].Id)
		}
		if s.template == "" {
			in.End = day(s.startDays + float64(20*len(s.phases)))
		}
		site, err := CreateSite(tx, nil, in)
		if err != nil {
			return nil, err
		}
		ids = append(ids, site.Id)
		for i, p := range s.phases {
			prog := 0.0
			if s.status == SiteDone {
				prog = 100
			} else if s.status != SitePlanned && i == 0 {
				prog = 100
			} else if s.status == SiteActive && i == 1 {
				prog = 40
			}
			if _, err := AddPhase(tx, nil, site.Id, PhaseInput{Name: p, Start: day(s.startDays + float64(20*i)), End: day(s.startDays + float64(20*i+18)), Progress: prog}); err != nil {
				return nil, err
			}
		}
		if err := seedDemoDocuments(tx, site, now); err != nil {
			return nil, err
		}
	}
	if _, err := AddMilestone(tx, nil, ids[4], "Récépissés DICT reçus", day(-3)); err != nil { // overdue
		return nil, err
	}
	return ids, nil
}

// seedDemoDocuments attaches a plan and, for public works, a DICT receipt
// close to its expiry.
func seedDemoDocuments(tx core.App, site *core.Record, now time.Time) error {
	plan, err := filesystem.NewFileFromBytes(demoPDF("Plan de masse "+site.GetString("code")), "plan-de-masse.pdf")
	if err != nil {
		return err
	}
	if _, err := UploadDocument(tx, nil, site.Id, DocumentInput{Kind: "plan", Title: "Plan de masse"}, plan, now); err != nil {
		return err
	}
	if site.GetString("sector") == SectorTP {
		dict, _ := filesystem.NewFileFromBytes(demoPDF("Récépissé DICT "+site.GetString("code")), "recepisse-dict.pdf")
		_, err := UploadDocument(tx, nil, site.Id, DocumentInput{Kind: "dict", Title: "Récépissé DICT", ValidUntil: now.AddDate(0, 0, 6)}, dict, now)
		return err
	}
	return nil
}

// demoPDF returns a minimal valid one-page PDF showing text.
func demoPDF(text string) []byte {
	stream := "BT /F1 18 Tf 72 720 Td (" + pdfEscape(text) + ") Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"<< /Length " + itoa(len(stream)) + " >>\nstream\n" + stream + "\nendstream",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	out := "%PDF-1.4\n"
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = len(out)
		out += itoa(i+1) + " 0 obj\n" + o + "\nendobj\n"
	}
	xref := len(out)
	out += "xref\n0 " + itoa(len(objs)+1) + "\n0000000000 65535 f \n"
	for _, off := range offsets {
		s := itoa(off)
		for len(s) < 10 {
			s = "0" + s
		}
		out += s + " 00000 n \n"
	}
	out += "trailer\n<< /Size " + itoa(len(objs)+1) + " /Root 1 0 R >>\nstartxref\n" + itoa(xref) + "\n%%EOF\n"
	return []byte(out)
}

func pdfEscape(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			out = append(out, '\\', r)
		case r > 126:
			out = append(out, '?') // Helvetica WinAnsi subset: keep ASCII
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
