/**
 * The bus feeder, a child process of the harness: writes agent documents into the agents KV
 * bucket at a controlled rate, which is the product's real input path (registry → KV → every
 * gateway's directory watch). Each write is a plain NATS publish on `$KV.<bucket>.<key>`: the
 * same stream message `kv.put` stores, without waiting for the JetStream ack, so the feeder is
 * not limited by one round trip per write.
 *
 * Modes (FEED_MODE):
 *   change     one agent whose registration `name` is rewritten on every write with
 *              `t<epoch µs>`: every write is a registration change, so the gateway broadcasts
 *              agents_update, and the name is the end-to-end marker wsload reads (-M '"name":"t')
 *   heartbeat  FEED_KEYS agents (seeded as the registry writes them) heartbeating round-robin
 *              into the heartbeat log, every heartbeat of one 2 ms tick in one entry, in the
 *              registry's bytes (its group commit writes an entry per write round trip): the
 *              gateway absorbs them without broadcasting (bus ingress cost)
 *   frames     no KV: ready-made `agents_update` frames (same bytes the gateway would build, same
 *              marker) published on FEED_SUBJECT, for the gateway's engine `forward` path
 * stdin: `RATE <writes/s>` (0 stops), `REPORT` (prints {"sent","secs","rate","last_marker"}), `QUIT`.
 * Exits by itself after FEED_MAX_S seconds.
 */
import { BEATS_RETENTION_MS, beatsBucket, encodeBeats, type Beat } from '@arcp/directory';
import { directoryKey } from '@arcp/protocol';
import { connect } from 'nats';
import { agentsUpdateDocument, isoMicros, livenessDocument, metricsDocument, registrationDocument } from './agent-doc';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const bucket = process.env.FEED_BUCKET ?? 'arcp_agents';
const mode = process.env.FEED_MODE === 'heartbeat' || process.env.FEED_MODE === 'frames' ? process.env.FEED_MODE : 'change';
const frameSubject = process.env.FEED_SUBJECT ?? 'bench.frames';
const keys = mode === 'heartbeat' ? Math.max(1, Number(process.env.FEED_KEYS ?? 1000)) : 1;
const maxS = Number(process.env.FEED_MAX_S ?? 600);
const TICK_MS = 2;
/** Backlog the feeder may catch up after a stall: 20 ms of the rate, then it skips. */
const MAX_CATCHUP_S = 0.02;

const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

async function main(): Promise<void> {
  const nc = await connect({ servers, name: 'bench-feeder' });
  const registeredAt = isoMicros(Date.now());
  const ids = Array.from({ length: keys }, (_, i) => `bench-${i}`);
  const subjectOf = ids.map((id) => (mode === 'frames' ? frameSubject : `$KV.${bucket}.${directoryKey('registration', id)}`));
  const logSubject = `$KV.${beatsBucket(bucket)}.b.feeder${process.pid}`;
  let entries = 0;
  const registrations = ids.map((id) => registrationDocument(id, registeredAt));
  const liveness = livenessDocument();
  const frame = agentsUpdateDocument(ids[0]!, registeredAt);
  if (mode !== 'frames') {
    // Same options as the product's bus (history 1, no TTL), so whoever creates it first wins.
    const kv = await nc.jetstream().views.kv(bucket, { history: 1, ttl: 0 });
    if (mode === 'heartbeat') await nc.jetstream().views.kv(beatsBucket(bucket), { history: 1, ttl: BEATS_RETENTION_MS });
    // Seed every agent once, acknowledged and in the registry's order, so the directory starts
    // with the full set.
    for (let i = 0; i < keys; i++) {
      await kv.put(directoryKey('liveness', ids[i]!), liveness(registeredAt));
      await kv.put(directoryKey('metrics', ids[i]!), metricsDocument(ids[i]!, registeredAt));
      await kv.put(directoryKey('registration', ids[i]!), registrations[i]!(`seed${i}`));
    }
  }

  let rate = 0;
  let sent = 0;
  let credit = 0;
  let last = performance.now();
  let windowStart = performance.now();
  let windowSent = 0;
  /** Heartbeat mode: log entries written (each carries the heartbeats of one tick). */
  let windowEntries = 0;
  let next = 0;
  let seen = isoMicros(Date.now());
  /** The marker of the newest change written (change mode): what the last frame must show. */
  let lastMarker = '';
  let seenAt = Date.now();

  const tick = () => {
    const t = performance.now();
    credit = Math.min(credit + (rate * (t - last)) / 1000, Math.max(1, rate * MAX_CATCHUP_S));
    last = t;
    if (Date.now() - seenAt >= 1000) {
      seenAt = Date.now();
      seen = isoMicros(seenAt);
    }
    const beats: Beat[] = [];
    while (credit >= 1) {
      credit -= 1;
      const i = next;
      next = (next + 1) % keys;
      if (mode === 'frames') {
        const us = nowMicros();
        nc.publish(subjectOf[i]!, frame(`t${us}`, Math.floor(us / 1000) / 1000));
      } else if (mode === 'heartbeat') {
        beats.push({ agentId: ids[i]!, lastSeen: seen });
      } else {
        lastMarker = `t${nowMicros()}`;
        nc.publish(subjectOf[i]!, registrations[i]!(lastMarker));
      }
      sent++;
      windowSent++;
    }
    if (beats.length > 0) {
      entries++;
      windowEntries++;
      nc.publish(`${logSubject}.${entries}`, encodeBeats(beats));
    }
  };
  const timer = setInterval(tick, TICK_MS);
  const stopAll = async (code: number) => {
    clearInterval(timer);
    await nc.flush().catch(() => {});
    await nc.close().catch(() => {});
    process.exit(code);
  };
  setTimeout(() => void stopAll(0), maxS * 1000).unref();

  let buf = '';
  process.stdin.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const [cmd, arg] = buf.slice(0, nl).trim().split(/\s+/);
      buf = buf.slice(nl + 1);
      if (cmd === 'RATE') {
        rate = Math.max(0, Number(arg) || 0);
        credit = 0;
        last = performance.now();
        windowStart = last;
        windowSent = 0;
        windowEntries = 0;
      } else if (cmd === 'REPORT') {
        const secs = (performance.now() - windowStart) / 1000;
        process.stdout.write(
          `${JSON.stringify({ sent, window_sent: windowSent, window_entries: windowEntries, secs, rate: secs > 0 ? windowSent / secs : 0, last_marker: lastMarker })}\n`,
        );
      } else if (cmd === 'QUIT') {
        void stopAll(0);
      }
    }
  });
  process.stdin.on('end', () => void stopAll(0));
  process.stdout.write('FEEDER READY\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
