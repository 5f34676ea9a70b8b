package domain

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// The history's photos and daily logs (DemoOptions.History): every site
// worked in the past year gets a photo every few weeks and one on each of
// its last working days, and its site lead's daily log (weather,
// temperature, now and then a note) over its last weeks, so that the
// daily and weekly reports show photos and weather on first open. The
// photos are small generated JPEGs (a sky, the ground, a building rising
// with the site's progress), processed as the photo worker does an
// upload when DemoOptions.Derive is set.

const (
	demoPhotoEvery = 10 // working days between two photos of a site
	demoPhotoLast  = 5  // last working days of a site with a photo each
	demoLogWeeks   = 4  // weeks of daily logs before a site's last day
)

// demoNotes are the daily logs' occasional notes.
var demoNotes = []string{
	"Livraison béton décalée à 10 h, coulage terminé à 15 h.",
	"Visite du maître d'ouvrage, rien à signaler.",
	"Réunion de chantier hebdomadaire : planning confirmé.",
	"Arrêt de 2 h à cause de la pluie, reprise l'après-midi.",
	"Contrôle sécurité : harnais et garde-corps vérifiés.",
	"Réception des matériaux, bon de livraison signé.",
	"Passage du coordinateur SPS.",
}

// photosAndLogs adds the photos and daily logs of every history site.
func (h *demoHistory) photosAndLogs() error {
	for _, s := range h.sites {
		lead, err := h.tx.FindRecordById(CollectionUsers, s.rec.GetString("site_lead"))
		if err != nil {
			continue // a site without a lead: no photos, no log
		}
		var days []time.Time
		for d := s.first; !d.After(s.end); d = d.AddDate(0, 0, 1) {
			if h.cal.IsWorkingDay(d) {
				days = append(days, d)
			}
		}
		logFrom := s.end.AddDate(0, 0, -7*demoLogWeeks)
		for i, d := range days {
			last := i >= len(days)-demoPhotoLast
			if i%demoPhotoEvery == demoPhotoEvery-1 || last {
				if err := h.photo(s, lead, d, float64(i+1)/float64(len(days))); err != nil {
					return err
				}
			}
			if d.After(logFrom) {
				if err := h.dailyLog(s, lead, d); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// photo adds the site lead's photo of day d at 11:xx, of the building at
// progress p (0..1).
func (h *demoHistory) photo(s *historySite, lead *core.Record, d time.Time, p float64) error {
	b, err := demoJPEG(h.rnd.Uint64(), p)
	if err != nil {
		return err
	}
	f, err := filesystem.NewFileFromBytes(b, "IMG_"+d.Format("20060102")+".jpg")
	if err != nil {
		return err
	}
	subject := s.taskOn(d)
	if subject == "" {
		subject = s.rec.Id
	}
	captions := []string{"Avancement", "Vue d'ensemble", "Détail d'exécution", "Zone de travail"}
	_, err = AddPhoto(h.tx, lead, PhotoInput{Subject: subject, Site: s.rec.Id, File: f, TakenAt: h.at(d, 11, h.rnd.IntN(60)),
		Caption: captions[h.rnd.IntN(len(captions))] + " – " + s.rec.GetString("code")})
	return err
}

// dailyLog writes the site lead's log of day d: a season's weather and
// temperature (Nantes), a note one day in three.
func (h *demoHistory) dailyLog(s *historySite, lead *core.Record, d time.Time) error {
	// mean temperature of the month, from 6 °C in January to 21 °C in July
	mean := 13.5 - 7.5*math.Cos(2*math.Pi*float64(d.YearDay()-15)/365)
	t := math.Round((mean+float64(h.rnd.IntN(9)-4))*2) / 2
	var weather string
	switch r := h.rnd.IntN(10); {
	case t <= 1:
		weather = []string{"frost", "frost", "snow", "cloudy"}[r%4]
	case t >= 26:
		weather = []string{"heat", "sunny"}[r%2]
	case r < 4:
		weather = "sunny"
	case r < 7:
		weather = "cloudy"
	case r < 9:
		weather = "rain"
	default:
		weather = "wind"
	}
	in := DailyLogInput{Day: d, Weather: weather, Temperature: &t}
	if h.rnd.IntN(3) == 0 {
		in.Notes = demoNotes[h.rnd.IntN(len(demoNotes))]
	}
	_, err := SaveDailyLog(h.tx, lead, s.rec.Id, in, h.now)
	return err
}

// demoJPEG draws a 320×240 site picture: sky, ground, and a building
// whose height follows progress p (0..1), its colours from seed.
func demoJPEG(seed uint64, p float64) ([]byte, error) {
	const w, hgt = 320, 240
	img := image.NewRGBA(image.Rect(0, 0, w, hgt))
	ground := 170
	wall := color.RGBA{uint8(150 + seed%80), uint8(120 + seed/7%70), uint8(90 + seed/13%60), 255}
	left, right := 60+int(seed%40), 230+int(seed/3%50)
	top := ground - int(20+110*p)
	for y := 0; y < hgt; y++ {
		for x := 0; x < w; x++ {
			var c color.RGBA
			switch {
			case y >= ground:
				c = color.RGBA{uint8(110 + (x*y)%20), 95, 70, 255} // earth
			case x >= left && x < right && y >= top:
				c = wall
				if (x-left)%24 < 10 && (y-top)%20 > 6 && (y-top)%20 < 14 {
					c = color.RGBA{60, 80, 100, 255} // windows
				}
			case x == (left+right)/2+70 && y > 20: // the crane's mast
				c = color.RGBA{230, 180, 20, 255}
			default:
				c = color.RGBA{uint8(120 + y/3), uint8(170 + y/4), 235, 255} // sky
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// processDemoPhotos makes the derived image and report thumbnail of every
// photo not processed yet (DemoOptions.Derive).
func processDemoPhotos(app core.App, derive PhotoDeriver, thumb PhotoThumbnailer) error {
	recs, err := app.FindRecordsByFilter(CollectionPhotos, "derived = ''", "", 0, 0)
	if err != nil {
		return err
	}
	for _, p := range recs {
		job := PhotoJobOf(app, p)
		if err := ProcessPhoto(app, derive, p.Id, job.SiteName, job.Author, job.Zone, thumb); err != nil {
			return err
		}
	}
	return nil
}
