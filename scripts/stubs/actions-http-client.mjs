// Stands in for @actions/http-client inside the bundle. @actions/core imports it only for
// getIDToken (OIDC), which Hoist never calls; the real package brings tunnel and undici
// (a quarter of the bundle). Anything that does reach it fails loudly, never silently.
const unavailable = () => {
  throw new Error('@actions/http-client is not bundled with Hoist (getIDToken is not used)');
};
export class HttpClient {
  constructor() {
    unavailable();
  }
}
export class BearerCredentialHandler {
  constructor() {
    unavailable();
  }
}
