// FieldOps360 crew app — resumable uploads and on-device photo resizing.
// A file is announced to POST /api/fieldops/uploads with its idempotency
// key, size, SHA-256, type, purpose and metadata; the answer gives the
// offset the server holds, and the bytes follow in chunks (PATCH with
// Upload-Offset). After a lost connection the next attempt announces the
// same key again and resumes from the server's offset, never from zero.
// The server creates the photo or signature once the last byte is in and
// the SHA-256 matches, exactly once per key.
export const CHUNK = 256 * 1024; // ≤ the server's 512 KiB
export const MAX_SIDE = 2560;
export const QUALITY = 0.85;

// sha256Hex returns the hex SHA-256 of a blob.
export async function sha256Hex(blob) {
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  return Array.from(sum, (b) => b.toString(16).padStart(2, "0")).join("");
}

// resizePhoto returns the photo to send: the file itself when it is a
// JPEG or PNG whose longest side is at most MAX_SIDE, else a JPEG
// (quality QUALITY) drawn with the EXIF orientation applied and the
// longest side brought to MAX_SIDE. This file is the original of record:
// its SHA-256 is the one the server records in the audit trail.
export async function resizePhoto(file, max = MAX_SIDE, quality = QUALITY) {
  let bmp;
  try {
    bmp = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file; // not decodable here: the server answers with the reason
  }
  const { width: w, height: h } = bmp;
  if (Math.max(w, h) <= max && (file.type === "image/jpeg" || file.type === "image/png")) {
    bmp.close();
    return file;
  }
  const s = Math.min(1, max / Math.max(w, h));
  const cw = Math.max(1, Math.round(w * s));
  const ch = Math.max(1, Math.round(h * s));
  const canvas = typeof OffscreenCanvas !== "undefined" ? new OffscreenCanvas(cw, ch)
    : Object.assign(document.createElement("canvas"), { width: cw, height: ch });
  canvas.getContext("2d").drawImage(bmp, 0, 0, cw, ch);
  bmp.close();
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality });
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

// dataURLBlob turns a base64 data URL (signature_pad's PNG) into a Blob
// without fetch (the CSP does not allow fetching data: URLs).
export function dataURLBlob(url) {
  const [head, b64] = url.split(",", 2);
  const type = (head.match(/^data:([^;,]+)/) || [])[1] || "application/octet-stream";
  const bin = atob(b64 || "");
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

async function answer(res) {
  try { return await res.json(); } catch { return {}; }
}

// sendUpload sends one queued file ({purpose, blob, content_type, size,
// sha256, meta}) under its key. It resolves to {final: true, status, id,
// location} when the server created the record, {final: true, status,
// error} when it refused the file for good, {final: false} on a
// temporary server error; it rejects when the network is down (the file
// stays queued and resumes later).
export async function sendUpload(key, up, onProgress) {
  let res = await fetch("/api/fieldops/uploads", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ key, size: up.size, sha256: up.sha256, content_type: up.content_type, purpose: up.purpose, meta: up.meta }),
  });
  // final: the server refused this file for good (4xx), not for now (5xx,
  // or a read-only licence: FieldOps-Licence header, kept for later).
  const final = (r) => r.status < 500 && !r.headers.get("FieldOps-Licence");
  let st = await answer(res);
  if (!res.ok) return { final: final(res), status: res.status, error: st.error };
  let restarts = 0;
  while (st.status === "open") {
    const off = st.offset;
    res = await fetch("/api/fieldops/uploads/" + st.id, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(off) },
      body: up.blob.slice(off, Math.min(off + CHUNK, up.size)),
    });
    const body = await answer(res);
    if (res.status === 409 && body.upload) { st = body.upload; continue; } // resume where the server is
    if (res.status === 400 && body.upload && body.upload.status === "open" && restarts++ < 1) { st = body.upload; continue; } // hash mismatch: once more from 0
    if (!res.ok) return { final: final(res), status: res.status, error: body.error };
    st = body;
    if (onProgress) onProgress(st.offset, st.size);
  }
  if (st.status !== "complete") return { final: true, status: 400, error: st.error };
  return { final: true, status: 200, id: st.result && st.result.id, location: st.result && st.result.location };
}
