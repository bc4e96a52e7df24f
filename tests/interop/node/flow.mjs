// A strict, independent OAuth 2.0 / OpenID Connect client (oauth4webapi)
// against authserver. Run by tests/interop/test_oauth4webapi.py in two steps:
//   node flow.mjs start   -> prints {url, verifier, nonce, state}
//   node flow.mjs finish  -> redeems the callback, refreshes, userinfo,
//                            introspection and revocation; prints a summary
// oauth4webapi checks the issuer, the RFC 9207 iss parameter, state, PKCE,
// the ID token's claims and nonce, and (below) its signature against the JWKS.
import * as o from "oauth4webapi";

const env = process.env;
const insecure = { [o.allowInsecureRequests]: true }; // loopback HTTP only
const issuer = new URL(env.ISSUER);
const client = { client_id: env.CLIENT_ID };
const auth = o.ClientSecretBasic(env.CLIENT_SECRET);

async function discover() {
  const response = await o.discoveryRequest(issuer, { algorithm: "oidc", ...insecure });
  return o.processDiscoveryResponse(issuer, response);
}

async function start() {
  const as = await discover();
  const verifier = o.generateRandomCodeVerifier();
  const challenge = await o.calculatePKCECodeChallenge(verifier);
  const nonce = o.generateRandomNonce();
  const state = o.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set("client_id", client.client_id);
  url.searchParams.set("redirect_uri", env.REDIRECT_URI);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", "openid profile email");
  url.searchParams.set("code_challenge", challenge);
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("nonce", nonce);
  url.searchParams.set("state", state);
  if (env.RESOURCE) url.searchParams.set("resource", env.RESOURCE); // RFC 8707
  console.log(JSON.stringify({ url: url.href, verifier, nonce, state }));
}

async function finish() {
  const as = await discover();
  const params = o.validateAuthResponse(as, client, new URL(env.CALLBACK), env.STATE);
  const codeResponse = await o.authorizationCodeGrantRequest(
    as, client, auth, params, env.REDIRECT_URI, env.VERIFIER, insecure,
  );
  const tokens = await o.processAuthorizationCodeResponse(as, client, codeResponse, {
    expectedNonce: env.NONCE,
    requireIdToken: true,
  });
  await o.validateApplicationLevelSignature(as, codeResponse, insecure);
  const claims = o.getValidatedIdTokenClaims(tokens);

  const refreshResponse = await o.refreshTokenGrantRequest(
    as, client, auth, tokens.refresh_token, insecure,
  );
  const refreshed = await o.processRefreshTokenResponse(as, client, refreshResponse);

  const userinfoResponse = await o.userInfoRequest(
    as, client, refreshed.access_token, insecure,
  );
  const userinfo = await o.processUserInfoResponse(as, client, claims.sub, userinfoResponse);

  const rs = { client_id: env.RS_CLIENT_ID };
  const rsAuth = o.ClientSecretBasic(env.RS_CLIENT_SECRET);
  const introspect = async (token) =>
    o.processIntrospectionResponse(
      as, rs, await o.introspectionRequest(as, rs, rsAuth, token, insecure),
    );
  const before = await introspect(refreshed.access_token);

  await o.processRevocationResponse(
    await o.revocationRequest(as, client, auth, refreshed.refresh_token, insecure),
  );
  const after = await introspect(refreshed.access_token);

  console.log(JSON.stringify({
    id_token_sub: claims.sub,
    id_token_nonce: claims.nonce,
    refreshed: refreshed.access_token !== tokens.access_token,
    userinfo_email: userinfo.email,
    audience: before.aud ?? null,
    active_before_revocation: before.active,
    active_after_revocation: after.active,
  }));
}

const step = process.argv[2];
(step === "start" ? start() : finish()).catch((error) => {
  console.error(error);
  process.exit(1);
});
