/**
 * The slice of a pino logger gateway-core writes to. Structural, so service-kit's logger (pino)
 * fits without gateway-core depending on pino.
 */
export interface GatewayLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
