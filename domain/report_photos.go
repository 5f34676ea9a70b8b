package domain

import (
	"bytes"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// reportPhotos returns up to ReportMaxPhotos photos of the site taken
// within [from, to), with thumbnails of their watermarked image (the
// original when none was derived yet). Thumbnails are kept next to the
// file (PocketBase's thumbs_ folder, deleted with it), so a report made
// twice decodes each photo once. With a nil thumb, only the thumbnails
// already kept are read (a workbook lists photos without images).
func reportPhotos(app core.App, siteID string, from, to time.Time, thumb PhotoThumbnailer) ([]ReportPhoto, error) {
	recs, err := app.FindRecordsByFilter(CollectionPhotos, "site = {:s} && taken_at >= {:from} && taken_at < {:to}",
		"taken_at", ReportMaxPhotos, 0, dbx.Params{"s": siteID, "from": DBTime(from), "to": DBTime(to)})
	if err != nil {
		return nil, err
	}
	for _, err := range app.ExpandRecords(recs, []string{"by"}, nil) {
		return nil, err
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	out := make([]ReportPhoto, len(recs))
	// NB: decoding a phone photo takes tens of milliseconds: the missing
	// thumbnails are made on every core at once.
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, p := range AsPhotos(recs) {
		rp := ReportPhoto{ID: p.Id, TakenAt: p.TakenAt(), Caption: p.Caption()}
		if u, ok := p.ExpandedBy(); ok {
			rp.Author = u.Name()
		}
		out[i] = rp
		name := p.Derived()
		if name == "" {
			name = p.File()
		}
		if name == "" {
			continue
		}
		key := reportThumbKey(p.Record, name)
		if rd, err := fsys.GetReader(key); err == nil {
			out[i].Thumb, _ = io.ReadAll(rd)
			rd.Close()
		}
		if len(out[i].Thumb) > 0 || thumb == nil {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, src string) {
			defer func() { <-sem; wg.Done() }()
			rd, err := fsys.GetReader(src)
			if err != nil {
				return // the report prints "unreadable image"
			}
			b, _ := thumb(rd, ReportThumbSide)
			rd.Close()
			if len(b) > 0 {
				out[i].Thumb = b
				_ = fsys.Upload(b, key) // NB: a cache; the report does not depend on it
			}
		}(i, p.BaseFilesPath()+"/"+name)
	}
	wg.Wait()
	return out, nil
}

// reportThumbKey is where the report thumbnail of a photo's file name is
// kept: PocketBase's thumbs_ folder of that file, deleted with it.
func reportThumbKey(r *core.Record, name string) string {
	return r.BaseFilesPath() + "/thumbs_" + name + "/report" + itoa(ReportThumbSide) + "_" + name
}

// readRecordFile reads one stored file of a record.
func readRecordFile(app core.App, r *core.Record, name string) ([]byte, error) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	rd, err := fsys.GetReader(r.BaseFilesPath() + "/" + name)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(rd)
	return buf.Bytes(), err
}
