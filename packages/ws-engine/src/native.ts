/**
 * Loads the native uWebSockets.js addon directly. The package entry silently falls back to a
 * slow pure-JS shim when the binary does not load; a gateway must fail loudly instead.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as UwsModule from 'uWebSockets.js';

/** The uWebSockets.js module (App, us_listen_socket_close, us_socket_local_port, ...). */
export type Uws = typeof UwsModule;

/** The native binary for this platform/ABI is missing or failed to load. */
export class UwsNativeMissingError extends Error {
  override readonly name = 'UwsNativeMissingError';
  constructor(
    readonly binaryPath: string,
    options?: { cause?: unknown },
  ) {
    super(
      `uWebSockets.js native binary could not be loaded from ${binaryPath} ` +
        `(platform ${process.platform}, arch ${process.arch}, Node ABI ${process.versions.modules}); ` +
        'use a glibc Linux image and a Node version the package ships binaries for',
      options,
    );
  }
}

let cached: Uws | undefined;

/** The native binary's file name for the running platform, arch and Node ABI. */
export function uwsBinaryName(): string {
  return `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
}

/** Returns the native uWS module, loading it once per process. Throws UwsNativeMissingError. */
export function loadUws(): Uws {
  if (cached) return cached;
  const nodeRequire = createRequire(__filename);
  let binaryPath = uwsBinaryName();
  try {
    const pkgDir = path.dirname(nodeRequire.resolve('uWebSockets.js/package.json'));
    binaryPath = path.join(pkgDir, 'binaries', uwsBinaryName());
    cached = nodeRequire(binaryPath) as Uws;
  } catch (err) {
    throw new UwsNativeMissingError(binaryPath, { cause: err });
  }
  return cached;
}
