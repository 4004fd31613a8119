// The verify page's service worker: keeps the page, its scripts, the public key (JWKS) and the last signed
// status list, so a permit can be checked with no connection at all. Always the network first (so a fix
// or a new revocation is seen at once when online), the saved copy only when the network fails.
// A permit's own verify request (/api/documents/…) is never saved: the cache must not record which
// permits were checked on this device.

const CACHE = "satu-pintu-verify-v1";
const PAGE = [
  "verify.html",
  "css/site.css",
  "favicon.svg",
  "js/verify.js",
  "js/layout.js",
  "js/i18n.js",
  "js/dom.js",
  "js/api.js",
  "js/status.js",
];
const KEPT_API = ["api/.well-known/jwks.json", "api/status-list"];

function kept(url) {
  const scope = new URL(self.registration.scope);
  const base = new URL("./", scope);
  if (url.origin !== base.origin) return false;
  const path = url.pathname.slice(base.pathname.length);
  // The catalogue's service names too, so an offline verdict names the service in words.
  return PAGE.includes(path) || KEPT_API.includes(path) || path.startsWith("api/services/");
}

self.addEventListener("install", (event) => {
  const base = new URL("./", self.registration.scope);
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...PAGE, ...KEPT_API].map((path) => new URL(path, base).href)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !kept(url)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // The page is kept once, whatever its ?lang= or #fragment.
      const key = new URL(url.pathname, url.origin).href;
      try {
        const response = await fetch(event.request);
        if (response.ok) await cache.put(key, response.clone());
        return response;
      } catch (error) {
        const saved = await cache.match(key);
        if (saved) return saved;
        throw error;
      }
    })(),
  );
});
