package imaging

import (
	"image"
	"image/color"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// bandAlpha is the opacity of the black band (55%): dark enough for
// white text on any photo while keeping the scene visible beneath.
const bandAlpha = 140

// Watermark returns a copy of img with a semi-transparent dark band at
// the bottom holding lines in white (Go Regular), sized to the image:
// the proof that a photo was taken at that time and place is burnt into
// the derived image itself.
func Watermark(img image.Image, lines []string) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	if w == 0 || h == 0 {
		return dst
	}
	size := max(10, float64(min(w, h))/36)
	lineH := int(size * 1.35)
	pad := int(size * 0.6)
	bandH := min(h, len(lines)*lineH+2*pad)
	if len(lines) == 0 {
		bandH = min(h, 2*pad)
	}
	band := image.Rect(0, h-bandH, w, h)
	draw.Draw(dst, band, image.NewUniform(color.NRGBA{A: bandAlpha}), image.Point{}, draw.Over)

	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return dst // NB: the embedded font always parses; the band alone still marks the image
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return dst
	}
	defer face.Close()
	d := font.Drawer{Dst: dst, Src: image.White, Face: face}
	ascent := face.Metrics().Ascent.Ceil()
	for i, line := range lines {
		d.Dot = fixed.P(pad, band.Min.Y+pad+i*lineH+ascent)
		d.DrawString(line)
	}
	return dst
}
