// node-oidc-provider peer for `make bench` (driven by bench/peers/node_oidc.py).
//
// One node process listening on 127.0.0.1:$PORT with issuer
// http://127.0.0.1:$PORT. Storage: PEER_ADAPTER=redis keeps everything in
// Redis (REDIS_URL; redis_adapter.mjs), as a deployment does; otherwise in
// this process's memory (see the adapter comment below). Only client_credentials, introspection and
// revocation matter here. Every configurable "default ... you SHOULD/MUST
// change" hook on those paths is set explicitly, and keys are generated at
// start-up, so the provider stays quiet: stdout carries exactly one "ready".
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';
// The package has no "exports" map, so its built-in adapter class is
// importable. See the adapter comment below for why it gets another store.
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

import { redisAdapterFactory } from './redis_adapter.mjs';

const port = Number.parseInt(process.env.PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('server.mjs: set PORT to a TCP port number');
  process.exit(2);
}
const host = '127.0.0.1';
const issuer = `http://${host}:${port}`;

// Resource servers: confidential clients allowed to introspect tokens that
// were issued to other clients.
const RESOURCE_SERVERS = new Set(['bench-rs']);

// Access-token lifetime for client_credentials tokens, seconds.
const TOKEN_TTL = 3600;

// oidc-provider's default adapter is its MemoryAdapter over an LRU capped at
// 1000 entries (lib/adapters/memory_adapter.js: `new LRU({ maxSize: 1000 })`).
// Every client_credentials token is one entry, so a few thousand issuances
// during the token benchmark evict the token that the introspection
// benchmark then asks about; introspection would answer {"active":false}
// (HTTP 200) and measure the wrong thing. We keep the built-in MemoryAdapter
// class unchanged and only give it an unbounded store with the same
// interface and the same per-entry expiry, like a Redis-backed deployment
// would have. PEER_ADAPTER=builtin uses the stock capped store instead.
class TtlStore {
  #map = new Map();

  constructor(sweepMs = 60_000) {
    setInterval(() => this.#sweep(), sweepMs).unref();
  }

  #sweep() {
    const now = Date.now();
    for (const [key, entry] of this.#map) {
      if (entry.expiry !== undefined && entry.expiry <= now) {
        this.#map.delete(key);
      }
    }
  }

  get(key) {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiry !== undefined && entry.expiry <= Date.now()) {
      this.#map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key, value, { maxAge } = {}) {
    const expiry = typeof maxAge === 'number' && Number.isFinite(maxAge)
      ? Date.now() + maxAge
      : undefined;
    this.#map.set(key, { value, expiry });
    return this;
  }

  delete(key) {
    return this.#map.delete(key);
  }
}

let adapter; // undefined: oidc-provider's stock (capped) memory adapter
let redis;
if (process.env.PEER_ADAPTER === 'redis') {
  if (!process.env.REDIS_URL) {
    console.error('server.mjs: PEER_ADAPTER=redis needs REDIS_URL');
    process.exit(2);
  }
  const { RedisAdapter, client } = redisAdapterFactory(process.env.REDIS_URL);
  adapter = RedisAdapter;
  redis = client;
} else if (process.env.PEER_ADAPTER !== 'builtin') {
  const store = new TtlStore();
  adapter = (model) => new MemoryAdapter(model, store, 0);
}

// Without `jwks` the provider uses its published development keys (and says
// so). Nothing here signs with them, but generate a real one anyway.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = { keys: [{ ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' }] };

const configuration = {
  adapter,
  jwks,
  cookies: { keys: [randomBytes(32).toString('base64url')] },

  clients: [
    {
      client_id: 'bench-app',
      client_secret: 'bench-app-secret-0123456789abcdef0123456789',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      // v9 validates client `scope` metadata against the provider's `scopes`
      // list (client_schema.js), so `profile` must also be listed there.
      scope: 'profile',
    },
    {
      client_id: 'bench-rs',
      client_secret: 'bench-rs-secret-0123456789abcdef0123456789',
      token_endpoint_auth_method: 'client_secret_basic',
      // Introspection only needs an authenticated client; the grant type is
      // just so the client has a valid, non-empty registration.
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ],

  // Default is ['openid', 'offline_access']. With `profile` added, the token
  // endpoint also enforces each client's `scope` allow-list for it
  // (grant_authorization.js validateClientScope). No resource indicator is
  // sent, so features.resourceIndicators.defaultResource returns undefined
  // and the client_credentials token stays opaque (no JWT, no audience).
  scopes: ['openid', 'offline_access', 'profile'],

  features: {
    devInteractions: { enabled: false }, // no user-facing flows here
    clientCredentials: { enabled: true },
    revocation: {
      enabled: true,
      allowedPolicy: async (ctx, client, token) => client.clientId === token.clientId,
    },
    introspection: {
      enabled: true,
      // v9 calls allowedPolicy(ctx, client, token) once the token is found;
      // false turns the answer into {"active": false}. The stock policy only
      // refuses public (auth method "none") clients asking about other
      // clients' tokens, i.e. any confidential client may introspect any
      // token, and it logs a "you SHOULD change it" notice on first use. We
      // state the intended rule: a client may introspect its own tokens, and
      // the resource-server client (bench-rs) may introspect tokens issued
      // to other clients (bench-app), which is what a resource server does.
      allowedPolicy: async (ctx, client, token) => (
        client.clientId === token.clientId || RESOURCE_SERVERS.has(client.clientId)
      ),
    },
  },

  // Numbers instead of the default functions (same values/behaviour, but the
  // defaults print a notice on first use).
  ttl: {
    AccessToken: TOKEN_TTL,
    ClientCredentials: TOKEN_TTL,
  },

  // Only reached on CORS requests; none in the benchmark.
  clientBasedCORS: () => false,
};

const provider = new Provider(issuer, configuration);

provider.on('server_error', (ctx, err) => {
  console.error('server_error', err);
});

const server = provider.listen(port, host, () => {
  process.stdout.write('ready\n');
});
server.on('error', (err) => {
  console.error(err);
  process.exit(1);
});

const shutdown = () => {
  server.close(() => (redis ? redis.quit().finally(() => process.exit(0)) : process.exit(0)));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
