// Stands in for cacache inside the bundle. make-fetch-happen (the HTTP client of @sigstore/sign,
// loaded only by sign: keyless) reaches it only for an HTTP cache (its cachePath option), which
// Hoist never sets; the real package brings p-map, glob and a lazily loaded chunk no run can load.
// Anything that does reach it fails loudly, never silently.
const unavailable = () => {
  throw new Error('cacache is not bundled with Hoist (no HTTP cache is used by the Sigstore client)');
};
module.exports = new Proxy({}, { get: (_, key) => (key === '__esModule' || typeof key === 'symbol' ? undefined : unavailable()) });
