// Package imaging is the photo pipeline of the crew app: decoding of the
// formats phones upload (JPEG, PNG), EXIF orientation, size bounds,
// resizing, thumbnails and the proof watermark band. It is a leaf
// package built on the standard library and golang.org/x/image; the
// domain never imports it (handlers inject it into domain.ProcessPhoto).
package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"

	"github.com/fieldops360/fieldops/domain"
)

// Limits of the pipeline.
const (
	// MaxBytes is the largest encoded input read (the photos file field
	// accepts 25 MiB).
	MaxBytes = 25 << 20
	// MaxPixels bounds the decoded size (40 megapixels, ~160 MB as RGBA),
	// checked from the header before any pixel is decoded.
	MaxPixels = 40_000_000
	// MaxSide is the long side of the derived image.
	MaxSide = 2048
	// ThumbSide is the long side of gallery thumbnails.
	ThumbSide = 320
)

// Formats accepted by Decode.
const (
	FormatJPEG = "jpeg"
	FormatPNG  = "png"
)

// Errors of the pipeline, coded for the one place that maps them to HTTP.
var (
	ErrUnsupported = domain.Errorf(domain.EInvalid, "err.image.unsupported")
	ErrTooLarge    = domain.Errorf(domain.EInvalid, "err.image.too_large")
	ErrUnreadable  = domain.Errorf(domain.EInvalid, "err.image.unreadable")
	ErrEmpty       = domain.Errorf(domain.EInvalid, "err.empty_file")
)

// Sniff returns the format of an encoded image from its first bytes, or
// ErrUnsupported (HEIC/HEIF, WebP, GIF and anything else).
func Sniff(head []byte) (string, error) {
	switch {
	case len(head) == 0:
		return "", ErrEmpty
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return FormatJPEG, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG, nil
	}
	return "", ErrUnsupported
}

// Decode reads a JPEG or PNG image, refusing other formats and images
// above MaxPixels before decoding them, applies the EXIF orientation of
// JPEGs and scales the result down to MaxSide on the long side.
func Decode(r io.Reader) (img image.Image, format string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("read image: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, "", ErrTooLarge
	}
	if format, err = Sniff(data); err != nil {
		return nil, "", err
	}
	// NB: decode with the format's own decoder, never image.Decode: other
	// packages of the binary register more formats (WebP, GIF…).
	var cfg image.Config
	if format == FormatJPEG {
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	} else {
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return nil, "", fmt.Errorf("%w (%v)", ErrUnreadable, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, "", ErrTooLarge
	}
	if format == FormatJPEG {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, "", fmt.Errorf("%w (%v)", ErrUnreadable, err)
	}
	img = Fit(img, MaxSide)
	if format == FormatJPEG {
		img = Orient(img, Orientation(data))
	}
	return img, format, nil
}

// Fit scales img down (never up) so that its long side is at most side.
func Fit(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		return img
	}
	if w >= h {
		w, h = side, max(1, h*side/w)
	} else {
		w, h = max(1, w*side/h), side
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// Thumbnail returns img scaled down to side on its long side.
func Thumbnail(img image.Image, side int) image.Image { return Fit(img, side) }

// EncodeJPEG encodes img as a JPEG of good quality for proof photos.
func EncodeJPEG(w io.Writer, img image.Image) error {
	return jpeg.Encode(w, img, &jpeg.Options{Quality: 85})
}

// Derive is the whole pipeline of a proof photo: decode the original
// (orientation, bounds, resize), burn the watermark band with lines and
// encode the result as JPEG. It is the deriver handlers give to
// domain.ProcessPhoto.
func Derive(original io.Reader, lines []string) ([]byte, error) {
	img, _, err := Decode(original)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := EncodeJPEG(&buf, Watermark(img, lines)); err != nil {
		return nil, fmt.Errorf("encode derived photo: %w", err)
	}
	return buf.Bytes(), nil
}

// ThumbnailJPEG decodes an encoded image and returns its thumbnail of
// side pixels on the long side, as JPEG (gallery previews).
func ThumbnailJPEG(r io.Reader, side int) ([]byte, error) {
	img, _, err := Decode(r)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := EncodeJPEG(&buf, Thumbnail(img, side)); err != nil {
		return nil, fmt.Errorf("encode thumbnail: %w", err)
	}
	return buf.Bytes(), nil
}
