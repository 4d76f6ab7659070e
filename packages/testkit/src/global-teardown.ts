/** Jest global teardown of the integration project: stops the NATS server the setup started. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__ARCP_NATS_FIXTURE__?.stop();
}
