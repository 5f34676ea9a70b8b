package domain

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// seedDemoAcceptance gives the finished public-works site an acceptance
// report signed three weeks ago with three reservations: one open, one
// lifted by the site lead (its task done with a photo) and waiting for the
// client, one lifted and accepted by the client.
func seedDemoAcceptance(tx core.App, users map[string]*core.Record, siteID string, now time.Time) error {
	pm, lead := users["Nadia Roux"], users["Karim Haddad"]
	at := now.AddDate(0, 0, -21)
	a, err := PrepareAcceptance(tx, pm, siteID, "", AcceptanceForm{Lots: []string{"Enrobés", "Bordures", "Signalisation"}, Date: at,
		Place: "ZAC du Moulin, sur site", Notes: "Visite de réception contradictoire avec le maître d'ouvrage.",
		Attendees: []Attendee{{Name: "Nadia Roux", Company: "FieldOps BTP", Role: "conductrice de travaux"},
			{Name: "Mme Caron", Company: "Atlantique Habitat", Role: "maître d'ouvrage"}}})
	if err != nil {
		return err
	}
	var res []AcceptanceReservation
	for i, r := range []PunchInput{
		{Description: "Flache en bordure du giratoire, stagnation d'eau", Lot: "Enrobés", Location: "Giratoire nord"},
		{Description: "Bordure T2 épaufrée sur 1 m", Lot: "Bordures", Location: "Allée des Moulins, n°12"},
		{Description: "Marquage du passage piéton incomplet", Lot: "Signalisation", Location: "Entrée de la ZAC"},
	} {
		r.Photos = []*filesystem.File{demoPhoto(uint8(60 + 60*i))}
		x, err := AddAcceptanceReservation(tx, pm, siteID, a.Id, r, at)
		if err != nil {
			return err
		}
		res = append(res, x)
	}
	company := SignatureInput{SignerName: "Nadia Roux", Consent: true, PNG: demoInk(0)}
	client := SignatureInput{SignerName: "Mme Caron", Consent: true, PNG: demoInk(6)}
	if _, err := SignAcceptance(tx, pm, siteID, a.Id, &company, &client, nil, at); err != nil {
		return err
	}
	// the site lead finishes the tasks of reservations 2 and 3 with a photo
	for _, r := range res[1:] {
		if _, err := AddPhoto(tx, lead, PhotoInput{Subject: r.TaskID(), File: demoPhoto(200), TakenAt: at.AddDate(0, 0, 5)}); err != nil {
			return err
		}
		t, err := tx.FindRecordById(CollectionTasks, r.TaskID())
		if err != nil {
			return err
		}
		t.Set("status", TaskDone)
		SetActor(t, lead.Id)
		if err := tx.Save(t); err != nil {
			return err
		}
	}
	_, err = AcceptLifting(tx, "demo-client", siteID, res[2].Id, SignatureInput{SignerName: "Mme Caron", Consent: true, PNG: demoInk(3)}, at.AddDate(0, 0, 7))
	return err
}

// demoPhoto is a small JPEG of one shade.
func demoPhoto(shade uint8) *filesystem.File {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{shade, 90 + uint8(y), 70, 255})
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, nil)
	f, _ := filesystem.NewFileFromBytes(b.Bytes(), "reserve.jpg")
	return f
}

// demoInk is a small signature with some ink.
func demoInk(shift int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 160, 50))
	for x := 10; x < 150; x++ {
		img.Set(x, 12+shift+(x/3)%9, color.NRGBA{13, 36, 64, 255})
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
