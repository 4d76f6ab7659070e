/**
 * Every frame the page reads passes the protocol's own schema first (the one the server's tests
 * hold its frames to). A frame that does not is counted and shown, never half-applied.
 */
import { DashboardOutboundFrameSchema, formatIssues, type DashboardOutboundFrame } from '@arcp/protocol';

export type CheckedFrame = { ok: true; frame: DashboardOutboundFrame } | { ok: false; type: string; error: string };

export function checkFrame(value: unknown): CheckedFrame {
  const r = DashboardOutboundFrameSchema.safeParse(value);
  if (r.success) return { ok: true, frame: r.data };
  const type = typeof value === 'object' && value !== null && 'type' in value ? String((value as { type: unknown }).type) : '(none)';
  return { ok: false, type, error: formatIssues(r.error) };
}
