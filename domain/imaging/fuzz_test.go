package imaging_test

import (
	"bytes"
	"image/color"
	"testing"

	"github.com/fieldops360/fieldops/domain/imaging"
)

// FuzzDecode feeds malformed JPEG, PNG and HEIC inputs to the pipeline:
// it must answer an error or a bounded image, never panic or hang.
func FuzzDecode(f *testing.F) {
	jpg := mustJPEG(f, solid(16, 8, color.White))
	f.Add(jpg)
	f.Add(withOrientation(jpg, 6, "MM"))
	f.Add(withOrientation(jpg, 8, "II"))
	f.Add(mustPNG(f, solid(8, 16, color.Black)))
	f.Add(append([]byte{0, 0, 0, 0x18}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, data []byte) {
		img, format, err := imaging.Decode(bytes.NewReader(data))
		if err != nil {
			if img != nil {
				t.Fatalf("an image with error %v", err)
			}
			return
		}
		b := img.Bounds()
		if b.Dx() > imaging.MaxSide || b.Dy() > imaging.MaxSide || (format != "jpeg" && format != "png") {
			t.Fatalf("got %v %q", b, format)
		}
		_ = imaging.Orientation(data)
		_ = imaging.Watermark(img, []string{"x"})
	})
}
