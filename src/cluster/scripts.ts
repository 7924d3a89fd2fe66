/**
 * The cluster's Redis keys and its Lua scripts. Every key shares one hash tag (`{namespace}`), so the
 * scripts, which read a node's heartbeat key next to the presence table, run on Redis Cluster too: all
 * keys of one cluster live in one slot. Each script is atomic, which is what makes presence safe:
 * an entry is only ever removed by compare-and-delete, and a call is only published to a node whose
 * heartbeat is alive at that instant.
 */
import { createHash } from "node:crypto";

export class Keys {
  /** `{ns}:`: the hash-tagged prefix the scripts build per-node key names from. */
  readonly tag: string;
  /** Hash: charger id -> presence value. */
  readonly presence: string;
  /** Hash: node id -> node info (JSON). */
  readonly nodes: string;
  /** Pub/sub channel of cluster-wide events. */
  readonly events: string;
  /** Prefix of the per-node inbox channels. */
  readonly inboxPrefix: string;
  /** Pub/sub channel of the frame relay (frames.ts). */
  readonly frames: string;
  /** String with a TTL: nodes relay their frames while it exists (some member watches them). */
  readonly framesWatched: string;

  constructor(namespace: string) {
    this.tag = `{${namespace}}:`;
    this.presence = `${this.tag}presence`;
    this.nodes = `${this.tag}nodes`;
    this.events = `${namespace}:events`;
    this.inboxPrefix = `${namespace}:inbox:`;
    this.frames = `${namespace}:frames`;
    this.framesWatched = `${this.tag}frames-watched`;
  }

  /** String with a TTL: the node is alive while it exists. */
  heartbeat(node: string): string {
    return `${this.tag}hb:${node}`;
  }

  /** Set: the ids whose presence names this node (to clean up after it when it dies). */
  chargers(node: string): string {
    return `${this.tag}cps:${node}`;
  }

  inbox(node: string): string {
    return `${this.inboxPrefix}${node}`;
  }
}

export interface Script {
  readonly name: string;
  readonly lua: string;
  readonly sha: string;
  readonly keys: number;
}

function script(name: string, keys: number, lua: string): Script {
  return { name, lua, keys, sha: createHash("sha1").update(lua).digest("hex") };
}

// "\031" is the unit separator that ends the node id in a presence value (see presence.ts).
const nodeOfValue = "local function nodeof(v) return string.match(v, '^[^\\031]*') end\n";

// Removes every presence entry that still names `node`, publishes a disconnect for each, and forgets
// the node. Shared by reap (a dead node) and leave (a draining one).
const forgetNode = `
local function forget(tag, nodes, presence, events, node)
  local set = tag .. 'cps:' .. node
  local ids = redis.call('SMEMBERS', set)
  local removed = 0
  for _, id in ipairs(ids) do
    local v = redis.call('HGET', presence, id)
    if v and nodeof(v) == node then
      redis.call('HDEL', presence, id)
      redis.call('PUBLISH', events, cjson.encode({'disconnect', id, v}))
      removed = removed + 1
    end
  end
  redis.call('DEL', set)
  redis.call('HDEL', nodes, node)
  return removed
end
`;

/**
 * KEYS: presence, chargers(me). ARGV: tag, id, value, me, mode, events, inboxPrefix, since.
 * Mode "1" replaces any entry (replaceExisting), "0" refuses one held by another live node (409),
 * "2" (rebuild after an outage) replaces only a dead node's entry or an older connection's.
 * Returns {1, old or false} when registered, {0, old} when refused. A replaced live node gets a "kick".
 */
export const registerScript = script(
  "register",
  2,
  `${nodeOfValue}
local old = redis.call('HGET', KEYS[1], ARGV[2])
if old then
  local owner = nodeof(old)
  if owner ~= ARGV[4] then
    local alive = redis.call('EXISTS', ARGV[1] .. 'hb:' .. owner) == 1
    if alive and ARGV[5] == '0' then return {0, old} end
    if alive and ARGV[5] == '2' then
      local since = tonumber(string.match(old, '(%d+)$')) or 0
      if since > tonumber(ARGV[8]) then return {0, old} end
    end
    redis.call('SREM', ARGV[1] .. 'cps:' .. owner, ARGV[2])
    if alive then redis.call('PUBLISH', ARGV[7] .. owner, cjson.encode({'kick', ARGV[2], old})) end
  end
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[6], cjson.encode({'connect', ARGV[2], ARGV[3]}))
return {1, old}
`,
);

/** KEYS: presence, chargers(me). ARGV: id, value, events. Compare-and-delete: 1 when removed. */
export const unregisterScript = script(
  "unregister",
  2,
  `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], ARGV[1])
  redis.call('PUBLISH', ARGV[3], cjson.encode({'disconnect', ARGV[1], ARGV[2]}))
  return 1
end
return 0
`,
);

/**
 * KEYS: presence. ARGV: tag, id, message, inboxPrefix. Publishes a call to the node holding the charger,
 * if that node's heartbeat is alive. Returns {subscribers reached, value}; {0} when connected nowhere.
 */
export const routeScript = script(
  "route",
  1,
  `${nodeOfValue}
local v = redis.call('HGET', KEYS[1], ARGV[2])
if not v then return {0} end
local node = nodeof(v)
if redis.call('EXISTS', ARGV[1] .. 'hb:' .. node) == 0 then return {0, v} end
return {redis.call('PUBLISH', ARGV[4] .. node, ARGV[3]), v}
`,
);

/** KEYS: presence. ARGV: tag, id. The presence value if its node is alive, else false. */
export const locateScript = script(
  "locate",
  1,
  `${nodeOfValue}
local v = redis.call('HGET', KEYS[1], ARGV[2])
if v and redis.call('EXISTS', ARGV[1] .. 'hb:' .. nodeof(v)) == 1 then return v end
return false
`,
);

/**
 * KEYS: heartbeat(me), nodes. ARGV: ttl ms, me, info. Refreshes the node's heartbeat; returns 1 when it
 * was still alive, 0 when it had expired or Redis lost it (the node then rebuilds its presence).
 */
export const heartbeatScript = script(
  "heartbeat",
  2,
  `
local alive = redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'GET')
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if alive then return 1 end
return 0
`,
);

/** KEYS: nodes, presence. ARGV: tag, events. Forgets every node whose heartbeat expired; returns their chargers removed. */
export const reapScript = script(
  "reap",
  2,
  `${nodeOfValue}${forgetNode}
local removed = 0
for _, node in ipairs(redis.call('HKEYS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. 'hb:' .. node) == 0 then
    removed = removed + forget(ARGV[1], KEYS[1], KEYS[2], ARGV[2], node)
    redis.call('PUBLISH', ARGV[2], cjson.encode({'nodeDown', node}))
  end
end
return removed
`,
);

/** KEYS: nodes, presence, heartbeat(me). ARGV: tag, events, me. The node leaves: its entries, set and heartbeat go. */
export const leaveScript = script(
  "leave",
  3,
  `${nodeOfValue}${forgetNode}
local removed = forget(ARGV[1], KEYS[1], KEYS[2], ARGV[2], ARGV[3])
redis.call('DEL', KEYS[3])
return removed
`,
);

export const scripts: readonly Script[] = [
  registerScript,
  unregisterScript,
  routeScript,
  locateScript,
  heartbeatScript,
  reapScript,
  leaveScript,
];
