// A Redis-backed storage adapter for the node-oidc-provider peer, laid out
// as oidc-provider's example Redis adapter (example/adapters/redis.js in its
// repository) stores things, so the peer keeps its tokens the way a
// deployment does: shared by every process and surviving a restart.
//
//   <Model>:<id>        the payload as JSON (SET ... EX), or, for models
//                       that are consumed once (codes, refresh tokens), a
//                       hash {payload, consumed} so consume() is one HSET
//   grant:<grantId>     a list of the keys issued under one grant, so
//                       revokeByGrantId() deletes them together
//   uid:<uid>, userCode:<code>   secondary indexes to the id
//
// Each upsert is one MULTI/EXEC round trip (plus a TTL read for a grant
// list), each find one GET or HGETALL: what the provider costs per request
// with real shared storage. Uses ioredis; REDIS_URL names the server and db.
import Redis from 'ioredis';

const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode']);

export function redisAdapterFactory(url, keyPrefix = 'oidc:') {
  const client = new Redis(url, { keyPrefix, enableAutoPipelining: false });

  class RedisAdapter {
    constructor(name) {
      this.name = name;
      this.consumable = CONSUMABLE.has(name);
    }

    key(id) {
      return `${this.name}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      const multi = client.multi();
      if (this.consumable) {
        multi.hset(key, { payload: JSON.stringify(payload) });
      } else {
        multi.set(key, JSON.stringify(payload));
      }
      if (expiresIn) multi.expire(key, expiresIn);
      if (payload.grantId) {
        const grantKey = `grant:${payload.grantId}`;
        multi.rpush(grantKey, key);
        const ttl = await client.ttl(grantKey);
        if (expiresIn > ttl) multi.expire(grantKey, expiresIn);
      }
      for (const [field, index] of [['userCode', 'userCode'], ['uid', 'uid']]) {
        if (payload[field]) {
          multi.set(`${index}:${payload[field]}`, id);
          if (expiresIn) multi.expire(`${index}:${payload[field]}`, expiresIn);
        }
      }
      await multi.exec();
    }

    async find(id) {
      if (!id) return undefined;
      if (!this.consumable) {
        const raw = await client.get(this.key(id));
        return raw ? JSON.parse(raw) : undefined;
      }
      const hash = await client.hgetall(this.key(id));
      if (!hash || !hash.payload) return undefined;
      const { payload, consumed } = hash;
      const found = JSON.parse(payload);
      if (consumed) found.consumed = Number(consumed);
      return found;
    }

    async findByUid(uid) {
      return this.find(await client.get(`uid:${uid}`));
    }

    async findByUserCode(userCode) {
      return this.find(await client.get(`userCode:${userCode}`));
    }

    async destroy(id) {
      await client.del(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const grantKey = `grant:${grantId}`;
      // The list holds unprefixed keys; DEL adds the prefix as for any key.
      const keys = await client.lrange(grantKey, 0, -1);
      const multi = client.multi();
      for (const key of keys) multi.del(key);
      multi.del(grantKey);
      await multi.exec();
    }

    async consume(id) {
      await client.hset(this.key(id), 'consumed', Math.floor(Date.now() / 1000));
    }
  }

  return { RedisAdapter, client };
}
