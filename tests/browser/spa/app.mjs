// A single-page app using oauth4webapi in the browser: authorization code
// with PKCE, the code exchanged from the page (CORS), a call to the API,
// refresh and revocation. The outcome is written to <pre id="result">.
// First load: /app.html?issuer=...&client_id=...&api=...&scope=...
import * as oauth from "./oauth4webapi.js";

const insecure = { [oauth.allowInsecureRequests]: true }; // loopback HTTP only

function report(outcome) {
  const pre = document.createElement("pre");
  pre.id = "result";
  pre.textContent = JSON.stringify(outcome);
  document.body.append(pre);
}

async function main() {
  const params = new URLSearchParams(location.search);
  if (params.has("issuer")) {
    sessionStorage.setItem("config", JSON.stringify(Object.fromEntries(params)));
  }
  const config = JSON.parse(sessionStorage.getItem("config"));
  const issuer = new URL(config.issuer);
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...insecure }),
  );
  const client = { client_id: config.client_id };
  const clientAuth = oauth.None();
  const redirectUri = location.origin + location.pathname;

  if (!params.has("code") && !params.has("error")) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    sessionStorage.setItem("verifier", verifier);
    sessionStorage.setItem("state", state);
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set("client_id", client.client_id);
    url.searchParams.set("redirect_uri", redirectUri);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("scope", config.scope);
    url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set("code_challenge_method", "S256");
    url.searchParams.set("state", state);
    location.assign(url.href);
    return;
  }

  const callback = oauth.validateAuthResponse(
    as, client, new URL(location.href), sessionStorage.getItem("state"),
  );
  const tokens = await oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(
      as, client, clientAuth, callback, redirectUri,
      sessionStorage.getItem("verifier"), insecure,
    ),
  );
  const bearer = (token) => ({ headers: { Authorization: "Bearer " + token } });
  const me = await fetch(config.api + "me", bearer(tokens.access_token));
  const meBody = await me.json();
  const refreshed = await oauth.processRefreshTokenResponse(
    as,
    client,
    await oauth.refreshTokenGrantRequest(
      as, client, clientAuth, tokens.refresh_token, insecure,
    ),
  );
  const meAgain = await fetch(config.api + "me", bearer(refreshed.access_token));
  await oauth.processRevocationResponse(
    await oauth.revocationRequest(
      as, client, clientAuth, refreshed.refresh_token, insecure,
    ),
  );
  const afterRevoke = await fetch(config.api + "me", bearer(refreshed.access_token));
  report({
    ok: true,
    me_status: me.status,
    username: meBody.username,
    refreshed: refreshed.access_token !== tokens.access_token,
    me_after_refresh_status: meAgain.status,
    me_after_revoke_status: afterRevoke.status,
  });
}

main().catch((error) => report({ ok: false, name: error.name, error: String(error.message) }));
