/**
 * @arcp/protocol — the single source of truth for the wire: frames of the three WebSocket
 * channels, HTTP bodies, bus events, subjects, codes and time formats.
 */
export * from './time';
export * from './codes';
export * from './problems';
export {
  type ParseResult,
  formatIssues,
  safeParseWith,
  pyInt,
  pyStr,
  pyTruthy,
  isPlainObject,
  laxInt,
  IsoDateTime,
  ZonedIsoDateTime,
  PyDateTimeText,
} from './validation';
export * from './agent';
export * from './agent-requirements';
export * from './agent-metrics';
export * from './agent-stored';
export * from './agent-views';
export * from './requests';
export * from './frames/common';
export * from './frames/public';
export * from './frames/agents';
export * from './frames/dashboard-data';
export * from './frames/dashboard';
export * from './events';
export * from './encode';
export * from './json';
export * from './builders';
export * from './discovery';
export * from './subjects';
export * from './channels';
export * from './http-bodies';
export * from './http-api';
export * from './ws-api';
