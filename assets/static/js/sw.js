// FieldOps360 crew app service worker, served at /m/sw.js (scope /m/)
// with PRECACHE (the crew shell, its pages — "/m/" lists the next days'
// work — and hashed assets) and CACHE (version) prepended by the server.
// Pages: network first, cache when offline. Assets: cache first.
// Writes never go through the cache: the page's outbox replays them.
/* global PRECACHE, CACHE */

self.addEventListener("install", (ev) => {
  ev.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(PRECACHE.map((url) =>
      fetch(new Request(url, { credentials: "same-origin" })).then((res) => {
        if (res.ok && !res.redirected) return cache.put(url, res);
        return undefined;
      }).catch(() => undefined)));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (ev) => {
  ev.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("fieldops-crew-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

async function networkFirst(req, key) {
  try {
    const res = await fetch(req);
    if (res.ok && !res.redirected) {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put(key, copy));
    }
    return res;
  } catch (err) {
    return (await caches.match(key)) || (await caches.match("/m/")) || Response.error();
  }
}

async function cacheFirst(req) {
  const hit = await caches.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) {
    const copy = res.clone();
    caches.open(CACHE).then((c) => c.put(req, copy));
  }
  return res;
}

self.addEventListener("fetch", (ev) => {
  const req = ev.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/assets/")) {
    ev.respondWith(cacheFirst(req));
  } else if (url.pathname.startsWith("/m/")) {
    ev.respondWith(networkFirst(req, url.pathname));
  }
});
