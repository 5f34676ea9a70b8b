package imaging_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
)

// solid returns a w×h image of one colour.
func solid(w, h int, c color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	return img
}

func mustJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustPNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withOrientation inserts an APP1 Exif segment with IFD0 Orientation=o
// right after the SOI of a JPEG (byte order "MM" or "II").
func withOrientation(jpg []byte, o uint16, order string) []byte {
	var bo binary.ByteOrder = binary.BigEndian
	if order == "II" {
		bo = binary.LittleEndian
	}
	tiff := make([]byte, 8+2+12+4)
	copy(tiff, order)
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)
	bo.PutUint16(tiff[10:], 0x0112)
	bo.PutUint16(tiff[12:], 3)
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], o)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func TestDecode(t *testing.T) {
	white := color.RGBA{255, 255, 255, 255}
	jpg := mustJPEG(t, solid(400, 200, white))
	scenarios := []struct {
		name   string
		in     []byte
		w, h   int
		format string
		err    error // nil, or the sentinel wanted
	}{
		{"jpeg", jpg, 400, 200, "jpeg", nil},
		{"png", mustPNG(t, solid(30, 60, white)), 30, 60, "png", nil},
		{"orientation 6 swaps width and height", withOrientation(jpg, 6, "MM"), 200, 400, "jpeg", nil},
		{"orientation 8 little-endian", withOrientation(jpg, 8, "II"), 200, 400, "jpeg", nil},
		{"orientation 3 keeps the size", withOrientation(jpg, 3, "MM"), 400, 200, "jpeg", nil},
		{"bad orientation value ignored", withOrientation(jpg, 42, "MM"), 400, 200, "jpeg", nil},
		{"resized to 2048 on the long side", mustJPEG(t, solid(4096, 1024, white)), 2048, 512, "jpeg", nil},
		{"oversized refused from the header", mustPNG(t, image.NewGray(image.Rect(0, 0, 8000, 6000))), 0, 0, "", imaging.ErrTooLarge},
		{"heic refused", append([]byte{0, 0, 0, 0x18}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...), 0, 0, "", imaging.ErrUnsupported},
		{"gif refused", []byte("GIF89a\x01\x00\x01\x00"), 0, 0, "", imaging.ErrUnsupported},
		{"empty", nil, 0, 0, "", imaging.ErrEmpty},
		{"garbage", []byte("not an image at all"), 0, 0, "", imaging.ErrUnsupported},
		{"truncated jpeg", jpg[:len(jpg)/2], 0, 0, "", imaging.ErrUnreadable},
		{"jpeg magic only", []byte{0xFF, 0xD8, 0xFF}, 0, 0, "", imaging.ErrUnreadable},
		{"truncated png", mustPNG(t, solid(30, 60, white))[:40], 0, 0, "", imaging.ErrUnreadable},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			img, format, err := imaging.Decode(bytes.NewReader(s.in))
			if s.err != nil {
				if !errors.Is(err, s.err) {
					t.Fatalf("err = %v, want %v", err, s.err)
				}
				if domain.ErrorCode(err) != domain.EInvalid {
					t.Errorf("code = %q, want invalid", domain.ErrorCode(err))
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got := img.Bounds(); got.Dx() != s.w || got.Dy() != s.h || format != s.format {
				t.Errorf("got %dx%d %s, want %dx%d %s", got.Dx(), got.Dy(), format, s.w, s.h, s.format)
			}
		})
	}
}

func TestOrientPixels(t *testing.T) {
	// 2×1 source: red at (0,0), blue at (1,0)
	src := image.NewRGBA(image.Rect(0, 0, 2, 1))
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	src.Set(0, 0, red)
	src.Set(1, 0, blue)
	scenarios := []struct {
		o       int
		w, h    int
		at      image.Point
		wantRed bool
	}{
		{1, 2, 1, image.Pt(0, 0), true},
		{2, 2, 1, image.Pt(0, 0), false},
		{6, 1, 2, image.Pt(0, 0), true}, // quarter turn clockwise: left becomes top
		{8, 1, 2, image.Pt(0, 0), false},
		{3, 2, 1, image.Pt(1, 0), true},
	}
	for _, s := range scenarios {
		got := imaging.Orient(src, s.o)
		if got.Bounds().Dx() != s.w || got.Bounds().Dy() != s.h {
			t.Errorf("o=%d: size %v", s.o, got.Bounds())
			continue
		}
		r, _, _, _ := got.At(s.at.X, s.at.Y).RGBA()
		if (r > 0x8000) != s.wantRed {
			t.Errorf("o=%d: pixel %v red=%v, want %v", s.o, s.at, r > 0x8000, s.wantRed)
		}
	}
}

// luma returns the mean luminance (0–255) of img over r.
func luma(img image.Image, r image.Rectangle) float64 {
	var sum float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			sum += (0.299*float64(cr) + 0.587*float64(cg) + 0.114*float64(cb)) / 257
		}
	}
	return sum / float64(r.Dx()*r.Dy())
}

func TestWatermark(t *testing.T) {
	src := solid(800, 600, color.RGBA{200, 200, 200, 255})
	lines := []string{"29/11/2026 14:05 (Europe/Paris)", "47.21840, -1.55360 ±12 m", "École", "Test crew"}
	got := imaging.Watermark(src, lines)
	if got.Bounds() != src.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), src.Bounds())
	}
	top := image.Rect(0, 0, 800, 50)
	if a, b := luma(got, top), luma(src, top); a != b {
		t.Errorf("the top of the image changed: %v, want %v", a, b)
	}
	// a strip in the band's right part, where short lines leave no text
	band := image.Rect(700, 590, 800, 600)
	if a, b := luma(got, band), luma(src, band); a >= b-40 {
		t.Errorf("band luminance %.0f, want darker than the source's %.0f", a, b)
	}
	// white text pixels in the band's left part
	white := 0
	for y := 600 - 130; y < 600; y++ {
		for x := 0; x < 400; x++ {
			if r, g, b, _ := got.At(x, y).RGBA(); r > 0xF000 && g > 0xF000 && b > 0xF000 {
				white++
			}
		}
	}
	if white < 100 {
		t.Errorf("%d white text pixels in the band, want many", white)
	}
	// the source is left untouched
	if l := luma(src, band); l < 199.5 || l > 200.5 {
		t.Error("Watermark modified its input")
	}
}

func TestThumbnailAndDerive(t *testing.T) {
	th := imaging.Thumbnail(solid(1000, 500, color.White), imaging.ThumbSide)
	if th.Bounds().Dx() != 320 || th.Bounds().Dy() != 160 {
		t.Errorf("thumbnail %v, want 320x160", th.Bounds())
	}
	if small := imaging.Thumbnail(solid(100, 50, color.White), 320); small.Bounds().Dx() != 100 {
		t.Errorf("a small image was scaled up: %v", small.Bounds())
	}
	out, err := imaging.Derive(bytes.NewReader(withOrientation(mustJPEG(t, solid(300, 100, color.White)), 6, "MM")), []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
	if err != nil || cfg.Width != 100 || cfg.Height != 300 {
		t.Errorf("derived %+v %v, want an upright 100x300 JPEG", cfg, err)
	}
}
