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
  // user is the signed-in user's id ("" when unknown: every entry).
  constructor(idb, user = "") {
    this.db = idb.openDB(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      },
    });
    this.user = user;
    this.running = null;
  }

  #entry(fields, opts) {
    return { ...fields, user: this.user, from: (opts && opts.from) || "", queued_at: new Date().toISOString() };
  }

  // add queues one sync operation (after the ones already queued). An
  // update supersedes the refused updates of the same record; opts.replaces
  // is the seq of the refused entry this operation corrects. op.data then
  // names the refused key (@replaces). opts.from is the page to correct
  // it on.
  async add(op, opts = {}) {
    const db = await this.db;
    const old = [];
    if (opts.replaces !== undefined && opts.replaces !== null) {
      const it = await db.get(STORE, Number(opts.replaces));
      if (it && it.refused && this.#mine(it)) old.push(it);
    }
    if (op.op === "update") {
      for (const it of await this.refused()) {
        if (it.op && it.op.op === "update" && it.op.collection === op.collection && it.op.id === op.id) old.push(it);
      }
    }
    if (old.length > 0) op.data = { ...(op.data || {}), "@replaces": old[old.length - 1].key };
    const tx = db.transaction(STORE, "readwrite");
    for (const it of old) tx.store.delete(it.seq);
    const seq = tx.store.add(this.#entry({ key: op.key, op }, opts));
    await tx.done;
    return seq;
  }

  // addUpload queues a file: {purpose, blob, content_type, size, sha256,
  // meta} under the ULID key; opts.replaces is the seq of the refused
  // file it replaces.
  async addUpload(key, upload, opts = {}) {
    const db = await this.db;
    if (opts.replaces !== undefined && opts.replaces !== null) {
      const it = await db.get(STORE, Number(opts.replaces));
      if (it && it.refused && this.#mine(it)) await db.delete(STORE, it.seq);
    }
    return db.add(STORE, this.#entry({ key, upload }, opts));
  }

  #mine(it) {
    return !it.user || !this.user || it.user === this.user;
  }

  // all returns this user's entries in queue order: waiting ones and
  // refused ones (entry.refused = {status, error, field, reason, conflict,
  // at}; reason is the refusal's message key).
  async all() {
    return (await (await this.db).getAll(STORE)).filter((it) => this.#mine(it));
  }

  // count is the number of entries waiting to be sent (not the refused).
  async count() {
    return (await this.all()).filter((it) => !it.refused).length;
  }

  // pending returns the queued entries in order ({key, op} or
  // {key, upload}, refused ones included), e.g. to show answers not sent
  // yet on a page opened offline.
  async pending() {
    return this.all();
  }

  // refused returns the entries the server refused.
  async refused() {
    return (await this.all()).filter((it) => it.refused);
  }

  // get returns the entry seq, byKey the entry of an idempotency key.
  async get(seq) {
    const it = await (await this.db).get(STORE, Number(seq));
    return it && this.#mine(it) ? it : undefined;
  }

  async byKey(key) {
    return (await this.all()).find((it) => it.key === key);
  }

  // discard drops an entry for good (the user confirmed).
  async discard(seq) {
    const it = await this.get(seq);
    if (it) await (await this.db).delete(STORE, it.seq);
  }

  // flush sends the queued operations in order; it resolves to the
  // server's results ({sent, results}) or rejects when offline or refused
  // as a whole (a batch answered 5xx: the operations stay queued for the
  // next attempt).
  flush() {
    if (this.running) {
      // an attempt is under way: run again after it, for what was queued since
      this.again = this.again || this.running.catch(() => {}).then(() => { this.again = null; return this.flush(); });
      return this.again;
    }
    this.running = this.#send().finally(() => { this.running = null; });
    return this.running;
  }

  // #park keeps a refused entry with the server's answer.
  #park(it, r) {
    return { ...it, refused: { status: r.status, error: r.error || "", field: r.field || "", reason: r.reason || "", conflict: r.conflict || "", at: new Date().toISOString() } };
  }

  // #progress tells the page how far a file is (refused: it stopped).
  #progress(it, sent, refused = false) {
    const u = it.upload;
    const label = (u.meta && (u.meta.caption || u.meta.signer_name)) || "";
    document.dispatchEvent(new CustomEvent("fieldops:progress", { detail: { key: it.key, purpose: u.purpose, label, sent, size: u.size, refused } }));
  }

  async #send() {
    const db = await this.db;
    const all = (await this.all()).filter((it) => !it.refused); // seq order = queue order
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
      const answers = new Map((body.results || []).map((r) => [r.key, r]));
      const tx = db.transaction(STORE, "readwrite");
      for (const it of items) {
        const r = answers.get(it.key);
        if (!r) continue; // not answered: sent again next time
        if (r.status === 200) tx.store.delete(it.seq);
        else if (r.status >= 400 && r.status < 500) tx.store.put(this.#park(it, r));
      }
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
      this.#progress(it, 0);
      const r = await sendUpload(it.key, it.upload, (sent) => this.#progress(it, sent));
      if (!r.final) throw new Error("upload refused: " + r.status);
      if (r.status === 200) {
        this.#progress(it, it.upload.size);
        await db.delete(STORE, it.seq);
      } else {
        this.#progress(it, 0, true);
        await db.put(STORE, this.#park(it, r));
      }
      results.push({ key: it.key, status: r.status, id: r.id, location: r.location, error: r.error, upload: true });
    }
    await sendBatch();
    return { sent: results.length, results };
  }
}
