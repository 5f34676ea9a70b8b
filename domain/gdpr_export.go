package domain

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// AuditGDPRExport is the action of the audit event recording a person's
// export.
const AuditGDPRExport = "gdpr_export"

// PersonExport summarises a person's export: records per collection
// (JSON file name without .json) and the files copied.
type PersonExport struct {
	Person      string         `json:"person"`
	ExportedAt  string         `json:"exported_at"`
	Collections map[string]int `json:"collections"`
	Files       []string       `json:"files"`
}

// personFileFields are the file fields exported with a person's data:
// their avatar, certificates, photos and signature images.
var personFileFields = map[string][]string{
	CollectionUsers:      {"avatar"},
	CollectionClearances: {"document"},
	CollectionPhotos:     {"file", "derived"},
	CollectionSignatures: {"image"},
}

// ExportPerson writes to w a zip of every record the tenant holds about
// the person (one JSON file per collection: person.json, the collections
// linked to users, signatures, checklist_runs, vehicle_positions,
// audit_events naming them, sessions) and their files under files/, with
// manifest.json. The export is an audited event (by actor, a tenant admin;
// nil: the operator on the host) written before the archive. A client
// contact (IsClientContactSubject) is exported with its own records
// (exportContact).
func ExportPerson(app core.App, actor *core.Record, u User, w io.Writer) (PersonExport, error) {
	actorID, err := gdprActor(actor)
	if err != nil {
		return PersonExport{}, err
	}
	if IsClientContactSubject(u) {
		return exportContact(app, actorID, u, w)
	}
	pd, err := gatherPerson(app, u)
	if err != nil {
		return PersonExport{}, err
	}
	docs := map[string]any{"person": exportFields(u.Record)}
	files := map[string][]*core.Record{CollectionUsers: {u.Record}, CollectionSignatures: pd.Signatures}
	for col, recs := range pd.Related {
		docs[col] = exportRecords(recs)
	}
	for col, recs := range pd.Owned {
		if _, ok := personFileFields[col]; ok {
			files[col] = recs
		}
	}
	docs[CollectionSignatures] = exportRecords(pd.Signatures)
	docs[CollectionChecklistRuns] = exportRecords(pd.Checklists)
	docs[CollectionVehiclePositions] = exportRecords(pd.Positions)
	events, err := readAuditRows(app, dbx.Or(dbx.HashExp{"actor": u.Id}, dbx.HashExp{"record": u.Id}))
	if err != nil {
		return PersonExport{}, err
	}
	docs[CollectionAuditEvents] = events
	sessions := []struct {
		Created int64 `db:"created" json:"created"`
		Expires int64 `db:"expires" json:"expires"`
	}{}
	if err := app.DB().Select("created", "expires").From("sessions").
		Where(dbx.HashExp{"collection": CollectionUsers, "record": u.Id}).All(&sessions); err != nil {
		return PersonExport{}, err
	}
	docs["sessions"] = sessions
	return writePersonExport(app, actorID, u.Record, docs, files, w)
}

// writePersonExport records the export of person (an audit event naming
// its record) and writes the zip: one JSON file per entry of docs, the
// files of files, manifest.json.
func writePersonExport(app core.App, actorID string, person *core.Record, docs map[string]any, files map[string][]*core.Record, w io.Writer) (PersonExport, error) {
	sum := PersonExport{Person: person.Id, ExportedAt: time.Now().UTC().Format(time.RFC3339), Collections: map[string]int{}}
	for name, d := range docs {
		sum.Collections[name] = countOf(d)
	}
	if err := app.RunInTransaction(func(tx core.App) error {
		_, err := appendAuditEvent(tx, actorID, AuditGDPRExport, person.Collection().Name, person.Id, map[string]any{"collections": sum.Collections})
		return err
	}); err != nil {
		return sum, err
	}
	var err error
	zw := zip.NewWriter(w)
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := writeZipJSON(zw, n+".json", docs[n]); err != nil {
			return sum, err
		}
	}
	if sum.Files, err = writePersonFiles(app, zw, files); err != nil {
		return sum, err
	}
	if err := writeZipJSON(zw, "manifest.json", sum); err != nil {
		return sum, err
	}
	return sum, zw.Close()
}

func exportRecords(recs []*core.Record) []map[string]any {
	out := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		out = append(out, exportFields(r))
	}
	return out
}

func countOf(d any) int {
	switch v := d.(type) {
	case []map[string]any:
		return len(v)
	case []auditRow:
		return len(v)
	case map[string]any:
		return 1
	}
	b, _ := json.Marshal(d)
	var arr []json.RawMessage
	if json.Unmarshal(b, &arr) == nil {
		return len(arr)
	}
	return 1
}

func writeZipJSON(zw *zip.Writer, name string, v any) error {
	f, err := zw.Create(name)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", " ")
	return enc.Encode(v)
}

// writePersonFiles copies the person's files into files/COLLECTION/ID/.
func writePersonFiles(app core.App, zw *zip.Writer, recs map[string][]*core.Record) ([]string, error) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	var out []string
	for col, list := range recs {
		for _, r := range list {
			for _, field := range personFileFields[col] {
				for _, name := range r.GetStringSlice(field) {
					src, err := fsys.GetReader(r.BaseFilesPath() + "/" + name)
					if err != nil {
						continue // NB: a file missing from storage is not the person's data
					}
					path := fmt.Sprintf("files/%s/%s/%s", col, r.Id, name)
					dst, err := zw.Create(path)
					if err == nil {
						_, err = io.Copy(dst, src)
					}
					src.Close()
					if err != nil {
						return out, err
					}
					out = append(out, path)
				}
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
