// FieldOps360 crew app — the offline outbox. Every write made in the crew
// app is queued here (IndexedDB, via the idb library) with a client ULID
// idempotency key and the device time, then sent in order to
// POST /api/fieldops/sync, which applies each key at most once. An
// operation leaves the outbox only when the server answered for it.
// Files (photos, signatures) wait in the same queue, in order, as Blobs
// with their metadata, and go through the resumable upload protocol
// (upload.js, loaded only when a file is queued: it stays off the
// critical path), which resumes from the server's offset after a cut.

const DB_NAME = "fieldops-outbox";
const STORE = "ops";
const BATCH = 50;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// ulid returns a ULID for the given time: 48-bit milliseconds then 80
// random bits, Crockford base32.
export function ulid(now = new Date()) {
  let t = now.getTime();
  let time = "";
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const rnd = crypto.getRandomValues(new Uint8Array(16));
  let rest = "";
  for (let i = 0; i < 16; i++) rest += CROCKFORD[rnd[i] % 32];
  return time + rest;
}

// recordId returns a PocketBase-style record id (15 chars a-z0-9), so
// that an entry created offline can be updated offline (clock-out).
export function recordId() {
  const abc = "abcdefghijklmnopqrstuvwxyz0123456789";
  const rnd = crypto.getRandomValues(new Uint8Array(15));
  let id = "";
  for (let i = 0; i < 15; i++) id += abc[rnd[i] % abc.length];
  return id;
}

export class Outbox {
  constructor(idb) {
    this.db = idb.openDB(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      },
    });
    this.running = null;
  }

  // add queues one sync operation (after the ones already queued).
  async add(op) {
    return (await this.db).add(STORE, { key: op.key, op, queued_at: new Date().toISOString() });
  }

  // addUpload queues a file: {purpose, blob, content_type, size, sha256,
  // meta} under the ULID key.
  async addUpload(key, upload) {
    return (await this.db).add(STORE, { key, upload, queued_at: new Date().toISOString() });
  }

  async count() {
    return (await this.db).count(STORE);
  }

  // pending returns the queued entries in order ({key, op} or
  // {key, upload}), e.g. to show answers not sent yet on a page opened
  // offline.
  async pending() {
    return (await this.db).getAll(STORE);
  }

  // flush sends the queued operations in order; it resolves to the
  // server's results ({sent, results}) or rejects when offline or refused
  // as a whole (the operations stay queued for the next attempt).
  flush() {
    if (this.running) {
      // an attempt is under way: run again after it, for what was queued since
      this.again = this.again || this.running.catch(() => {}).then(() => { this.again = null; return this.flush(); });
      return this.again;
    }
    this.running = this.#send().finally(() => { this.running = null; });
    return this.running;
  }

  async #send() {
    const db = await this.db;
    const all = await db.getAll(STORE); // seq order = queue order
    const results = [];
    let batch = [];
    const sendBatch = async () => {
      if (batch.length === 0) return;
      const items = batch;
      batch = [];
      const res = await fetch("/api/fieldops/sync", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ operations: items.map((it) => it.op) }),
      });
      if (!res.ok) throw new Error("sync refused: " + res.status);
      const body = await res.json();
      const answered = new Set((body.results || []).map((r) => r.key));
      const tx = db.transaction(STORE, "readwrite");
      for (const it of items) if (answered.has(it.key)) tx.store.delete(it.seq);
      await tx.done;
      results.push(...(body.results || []));
    };
    for (const it of all) {
      if (!it.upload) {
        batch.push(it);
        if (batch.length >= BATCH) await sendBatch();
        continue;
      }
      await sendBatch(); // keep the queue order
      const { sendUpload } = await import("./upload.js");
      const r = await sendUpload(it.key, it.upload);
      if (!r.final) throw new Error("upload refused: " + r.status);
      await db.delete(STORE, it.seq);
      results.push({ key: it.key, status: r.status, id: r.id, location: r.location, error: r.error, upload: true });
    }
    await sendBatch();
    return { sent: results.length, results };
  }
}
