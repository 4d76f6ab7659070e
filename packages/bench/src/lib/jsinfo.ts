/**
 * Read-only JetStream views for the ingress benchmark: how many messages the agents bucket's
 * stream has stored, and how far the consumers on it (the gateway's KV watch is an ordered push
 * consumer) have been delivered. Uses its own NATS connection.
 */
import { connect, type NatsConnection } from 'nats';

export interface StreamProgress {
  /** Last sequence stored in the stream. */
  stored: number;
  /** Highest stream sequence delivered to any consumer (0 when none exists). */
  delivered: number;
  /** Messages still pending for that consumer. */
  pending: number;
}

export interface JsInfo {
  progress(bucket: string): Promise<StreamProgress>;
  close(): Promise<void>;
}

export async function openJsInfo(natsUrl: string): Promise<JsInfo> {
  const nc: NatsConnection = await connect({ servers: natsUrl, name: 'bench-jsinfo' });
  const jsm = await nc.jetstreamManager();
  return {
    async progress(bucket) {
      const stream = `KV_${bucket}`;
      const info = await jsm.streams.info(stream);
      let delivered = 0;
      let pending = 0;
      for (const c of await jsm.consumers.list(stream).next()) {
        if (c.delivered.stream_seq >= delivered) {
          delivered = c.delivered.stream_seq;
          pending = c.num_pending;
        }
      }
      return { stored: info.state.last_seq, delivered, pending };
    },
    async close() {
      await nc.close();
    },
  };
}
