package domain

import (
	"strings"
	"testing"
)

// FuzzUploadStartDecode feeds arbitrary bodies to the upload announcement
// decoder: no panic; a refusal is a coded EInvalid error with a message;
// an accepted announcement respects the limits of its purpose.
func FuzzUploadStartDecode(f *testing.F) {
	sum := strings.Repeat("ab", 32)
	for _, s := range []string{
		`{"key":"01ARZ3NDEKTSV4RRFFQ69G5FAV","size":1024,"sha256":"` + sum + `","content_type":"image/jpeg","purpose":"photo","meta":{"site":"abc","lat":47.2,"lng":-1.5,"accuracy":12,"taken_at":"2026-03-02T08:00:00+01:00"}}`,
		`{"key":"01ARZ3NDEKTSV4RRFFQ69G5FAV","size":2048,"sha256":"` + sum + `","content_type":"image/png","purpose":"signature","meta":{"task":"t","signer_name":"A","signer_role":"client","consent":true}}`,
		`{"key":"01ARZ3NDEKTSV4RRFFQ69G5FAV","size":99999999999,"sha256":"` + sum + `","content_type":"image/jpeg","purpose":"photo"}`,
		`{"key":"01ARZ3NDEKTSV4RRFFQ69G5FAV","size":-1,"sha256":"` + strings.ToUpper(sum) + `","content_type":"image/jpeg","purpose":"photo"}`,
		`{"key":"01ARZ3NDEKTSV4RRFFQ69G5FAV","size":1,"sha256":"x","content_type":"image/jpeg","purpose":"photo","meta":{"a":{"b":[1]}}}`,
		`{"key":"01ARZ3NDEKTSV4RRFFQ69G5FAV","size":1e400}`, `{"meta":{"lat":1e999}}`, `{"size":"12"}`,
		`{} trailing`, `[]`, `null`, ``, `{"unknown":1}`, "{\"meta\":{\"caption\":\"\xff\xfe\"}}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		s, err := DecodeUploadStart(strings.NewReader(body))
		if err != nil {
			if ErrorCode(err) != EInvalid || ErrorMessage(err) == "" {
				t.Fatalf("refusal %v has code %q", err, ErrorCode(err))
			}
			return
		}
		p, ok := uploadPurposeOf(s.Purpose)
		if !ok || s.Size <= 0 || s.Size > p.maxSize || !ValidULID(s.Key) || !validSHA256(s.SHA256) {
			t.Fatalf("accepted an invalid announcement %+v", s)
		}
		for k, v := range s.Meta {
			if _, ok := v.(string); !ok || !p.meta[k] {
				t.Fatalf("accepted meta %q = %#v", k, v)
			}
		}
	})
}

// FuzzUploadOffset feeds arbitrary Upload-Offset headers to the parser:
// it accepts exactly the plain decimal offsets.
func FuzzUploadOffset(f *testing.F) {
	for _, s := range []string{"0", "524288", "-1", "+5", " 5", "5 ", "0x10", "99999999999999999999", "", "1e3", "00012"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		n, err := ParseUploadOffset(h)
		if err != nil {
			if ErrorCode(err) != EInvalid {
				t.Fatalf("code %q", ErrorCode(err))
			}
			return
		}
		if n < 0 || strings.TrimLeft(h, "0123456789") != "" {
			t.Fatalf("accepted %q as %d", h, n)
		}
	})
}
