package domain

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// demoVehicles are the demo fleet, around Nantes, Rennes and Angers.
var demoVehicles = []struct {
	plate, label, kind, device string
	capacity, km               int
	lat, lng                   float64
}{
	{"GA-101-NT", "Renault Kangoo électricien", "van", "demo-trk-kangoo-01", 2, 48200, 47.2184, -1.5536},
	{"GA-214-NT", "Renault Master plateau", "truck", "demo-trk-master-02", 3, 91500, 47.2470, -1.5200},
	{"GB-332-RN", "Peugeot Partner", "van", "demo-trk-partner-03", 2, 22800, 48.1173, -1.6778},
	{"GC-458-AG", "Iveco Daily benne", "truck", "demo-trk-daily-04", 3, 133000, 47.4784, -0.5632},
	{"GD-590-LR", "Mini-pelle Kubota KX019", "excavator", "demo-trk-kubota-05", 1, 2100, 46.1603, -1.1511},
}

// demoTools are the demo tool kinds (name, category); 20 items are
// drawn from them.
var demoTools = [][2]string{
	{"Perforateur SDS Max", "Électroportatif"}, {"Meuleuse 230 mm", "Électroportatif"}, {"Visseuse à chocs 18 V", "Électroportatif"},
	{"Laser rotatif", "Mesure"}, {"Détecteur de réseaux", "Mesure"}, {"Multimètre catégorie IV", "Mesure"},
	{"Échafaudage roulant", "Accès"}, {"Plateforme individuelle PIRL", "Accès"}, {"Groupe électrogène 6 kVA", "Énergie"},
	{"Compacteur à plaque", "TP"}, {"Scie à sol", "TP"}, {"Aiguille vibrante", "Gros œuvre"},
	{"Tireuse de câbles", "Électricité"}, {"Vérificateur d'absence de tension", "Électricité"},
}

// demoMaterials are the demo catalogue (sku, name, unit, unit cost, minimum).
var demoMaterials = []struct {
	sku, name, unit, category string
	cost, min                 float64
}{
	{"CIM-35", "Ciment CEM II 35 kg", "sac", "Gros œuvre", 9.5, 40}, {"SAB-01", "Sable 0/4", "t", "Gros œuvre", 32, 5},
	{"GRA-620", "Gravier 6/20", "t", "Gros œuvre", 35, 5}, {"PARP-20", "Parpaing 20x20x50", "u", "Gros œuvre", 1.6, 200},
	{"FER-HA10", "Fer HA 10 mm (barre 6 m)", "u", "Gros œuvre", 7.9, 50}, {"TREIL-ST25", "Treillis soudé ST25", "u", "Gros œuvre", 38, 10},
	{"BA13", "Plaque de plâtre BA13", "u", "Second œuvre", 6.2, 60}, {"RAIL-48", "Rail métallique 48 mm", "u", "Second œuvre", 3.1, 80},
	{"LDV-100", "Laine de verre 100 mm", "rouleau", "Isolation", 29, 20}, {"ENDUIT-25", "Enduit joint 25 kg", "sac", "Second œuvre", 18, 10},
	{"GAINE-20", "Gaine ICTA 20 mm", "m", "Électricité", 0.45, 500}, {"CAB-R2V-3G2.5", "Câble R2V 3G2,5", "m", "Électricité", 1.9, 300},
	{"CAB-R2V-5G6", "Câble R2V 5G6", "m", "Électricité", 6.8, 100}, {"DISJ-16", "Disjoncteur 16 A", "u", "Électricité", 11.5, 30},
	{"DIFF-40-30", "Interrupteur différentiel 40 A 30 mA", "u", "Électricité", 48, 8}, {"BOITE-ENC", "Boîte d'encastrement", "u", "Électricité", 0.6, 200},
	{"TABLEAU-3R", "Tableau 3 rangées", "u", "Électricité", 95, 3}, {"PRISE-2PT", "Prise 2P+T", "u", "Électricité", 4.2, 60},
	{"TPC-90", "Gaine TPC 90 mm", "m", "Réseaux", 2.3, 200}, {"TPC-160", "Gaine TPC 160 mm", "m", "Réseaux", 5.1, 100},
	{"GRILLE-AVERT", "Grillage avertisseur rouge", "m", "Réseaux", 0.25, 500}, {"REGARD-30", "Regard béton 30x30", "u", "Réseaux", 42, 6},
	{"PVC-100", "Tube PVC assainissement 100", "m", "Réseaux", 4.6, 60}, {"ENROBE-FROID", "Enrobé à froid 25 kg", "sac", "Voirie", 14, 20},
	{"BORDURE-T2", "Bordure T2", "u", "Voirie", 8.9, 40}, {"GEOTEX", "Géotextile 100 g/m²", "m2", "Réseaux", 0.7, 200},
	{"MORTIER-25", "Mortier prêt à l'emploi 25 kg", "sac", "Gros œuvre", 7.4, 30}, {"CHEVILLE-8", "Chevilles 8 mm (boîte de 100)", "boîte", "Fixation", 6.5, 10},
	{"VIS-BA", "Vis plaque 25 mm (boîte de 1000)", "boîte", "Fixation", 12, 5}, {"MOUSSE-PU", "Mousse expansive 750 ml", "u", "Second œuvre", 8.9, 12},
}

// SeedDemoResources fills the demo tenant's module 2: 5 vehicles with GPS
// device ids and a few recent positions each (western France, inside
// working hours of the last working day), 20 tools with some reservations
// and maintenance, 2 suppliers, 30 materials with receipts, transfers to
// the sites and consumptions, and 2 purchase orders (one received, one
// sent). siteIDs and userIDs may be empty; now is the seeding time.
func SeedDemoResources(app core.App, siteIDs, userIDs []string, now time.Time) error {
	pick := func(list []string, i int) string {
		if len(list) == 0 {
			return ""
		}
		return list[i%len(list)]
	}
	day := lastWorkingDay(now, TenantFactsOf(app).Location())
	var vehicles []string
	for i, v := range demoVehicles {
		r, err := CreateVehicle(app, nil, VehicleInput{Plate: v.plate, Label: v.label, Kind: v.kind, Capacity: v.capacity, OdometerKm: v.km, GPSDeviceID: v.device})
		if err != nil {
			return fmt.Errorf("demo vehicle %s: %w", v.plate, err)
		}
		vehicles = append(vehicles, r.Id)
		for p := range 4 {
			at := day.Add(time.Duration(9+2*p) * time.Hour).Add(time.Duration(i*7) * time.Minute)
			if _, err := resInsert(app, nil, CollectionVehiclePositions, map[string]any{"vehicle": r.Id, "at": at.UTC(),
				"lat": v.lat + 0.01*float64(p), "lng": v.lng - 0.012*float64(p), "speed": float64(20 + 10*p), "accuracy": 8.0}); err != nil {
				return err
			}
		}
		if _, err := ScheduleMaintenance(app, nil, MaintenanceInput{AssetKind: AssetVehicle, Asset: r.Id, Label: "Vidange et révision",
			DueKm: (v.km/15000 + 1) * 15000, IntervalKm: 15000}); err != nil {
			return err
		}
		if pick(siteIDs, i) != "" && i < 3 {
			if _, err := Reserve(app, nil, ReservationInput{AssetKind: AssetVehicle, Asset: r.Id, Site: pick(siteIDs, i), User: pick(userIDs, i+2),
				From: day.Add(24 * time.Hour * time.Duration(i)), To: day.Add(24*time.Hour*time.Duration(i) + 10*time.Hour)}); err != nil {
				return err
			}
		}
	}
	for i := range 20 {
		t := demoTools[i%len(demoTools)]
		in := EquipmentInput{Name: t[0], Category: t[1], Location: "Dépôt Nantes"}
		if i >= len(demoTools) {
			in.Name += " n°2"
		}
		r, err := SaveEquipment(app, nil, "", in)
		if err != nil {
			return fmt.Errorf("demo tool %s: %w", in.Name, err)
		}
		if i%4 == 0 && (len(siteIDs) > 0 || len(userIDs) > 0) {
			if _, err := Reserve(app, nil, ReservationInput{AssetKind: AssetEquipment, Asset: r.Id, Site: pick(siteIDs, i), User: pick(userIDs, i),
				Note: "Démo", From: day.AddDate(0, 0, 1+i%3).Add(7 * time.Hour), To: day.AddDate(0, 0, 1+i%3).Add(17 * time.Hour)}); err != nil {
				return err
			}
		}
		if i%5 == 0 {
			if _, err := ScheduleMaintenance(app, nil, MaintenanceInput{AssetKind: AssetEquipment, Asset: r.Id, Label: "Vérification périodique",
				Due: now.AddDate(0, 0, 10*i-20), IntervalDays: 180}); err != nil {
				return err
			}
		}
	}
	var suppliers []string
	for _, s := range []SupplierInput{
		{Name: "Point.P Nantes Est", Email: "agence.nantes@example.fr", Phone: "02 40 00 00 01", ContactName: "Sophie Leroy"},
		{Name: "Rexel Rennes", Email: "rennes@example.fr", Phone: "02 99 00 00 02", ContactName: "Marc Guillou"},
	} {
		r, err := SaveSupplier(app, nil, s)
		if err != nil {
			return err
		}
		suppliers = append(suppliers, r.Id)
	}
	var materials []string
	for i, m := range demoMaterials {
		sup := suppliers[0]
		if m.category == "Électricité" {
			sup = suppliers[1]
		}
		r, err := SaveMaterial(app, nil, "", MaterialInput{SKU: m.sku, Name: m.name, Unit: m.unit, UnitCost: m.cost, MinStock: m.min, Category: m.category, Supplier: sup})
		if err != nil {
			return fmt.Errorf("demo material %s: %w", m.sku, err)
		}
		materials = append(materials, r.Id)
		qty := m.min * 2
		if i%6 == 5 {
			qty = m.min / 2 // a few low-stock alerts
		}
		moves := []StockMoveInput{{Kind: MoveReceipt, Qty: qty, Location: LocationDepot, At: day.AddDate(0, 0, -14)}}
		if site := pick(siteIDs, i); site != "" && i%6 != 5 {
			moves = append(moves,
				StockMoveInput{Kind: MoveTransfer, Qty: qty / 4, Location: LocationDepot, ToLocation: SiteLocation(site), At: day.AddDate(0, 0, -7)},
				StockMoveInput{Kind: MoveConsumption, Qty: qty / 8, Site: site, At: day.AddDate(0, 0, -2)})
		}
		if i%10 == 3 {
			moves = append(moves, StockMoveInput{Kind: MoveTransfer, Qty: qty / 10, Location: LocationDepot, ToLocation: VanLocation(vehicles[0]), At: day.AddDate(0, 0, -3)})
		}
		for _, mv := range moves {
			mv.Material = r.Id
			if _, err := RecordStockMove(app, nil, mv); err != nil {
				return fmt.Errorf("demo stock %s %s: %w", m.sku, mv.Kind, err)
			}
		}
	}
	received, err := CreatePurchaseOrder(app, nil, POInput{Supplier: suppliers[1], Lines: []POLine{{Material: materials[10], Qty: 500}, {Material: materials[13], Qty: 20}}}, now)
	if err != nil {
		return err
	}
	for _, st := range []string{POSent, POReceived} {
		if _, err := SetPurchaseOrderStatus(app, nil, received.Id, st, day.AddDate(0, 0, -5)); err != nil {
			return err
		}
	}
	sent, err := CreatePurchaseOrder(app, nil, POInput{Supplier: suppliers[0], Site: pick(siteIDs, 0), ExpectedAt: day.AddDate(0, 0, 3),
		Lines: []POLine{{Material: materials[0], Qty: 60}, {Material: materials[3], Qty: 400}}}, now)
	if err != nil {
		return err
	}
	_, err = SetPurchaseOrderStatus(app, nil, sent.Id, POSent, now)
	return err
}

// lastWorkingDay returns midnight (in loc, the tenant's zone) of the last
// Monday–Friday strictly before now's day, or today when now is a weekday
// after 18:00.
func lastWorkingDay(now time.Time, loc *time.Location) time.Time {
	d := now.In(loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	if d.Hour() < 18 || d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, -1)
	}
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, -1)
	}
	return day
}
