package domain

import (
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// ExpandPhotos loads the site and the author of each photo, read back
// with ExpandedSite and ExpandedBy (a gallery shows their names).
func ExpandPhotos(app core.App, photos []Photo) error {
	recs := make([]*core.Record, len(photos))
	for i, p := range photos {
		recs[i] = p.Record
	}
	var errs []error
	for field, err := range app.ExpandRecords(recs, []string{"site", "by"}, nil) {
		errs = append(errs, fmt.Errorf("expand photos %s: %w", field, err))
	}
	return errors.Join(errs...)
}
