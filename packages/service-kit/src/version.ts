/** The product version every service reports (`arcp_build_info`, logs, telemetry, `/health`). */
export const ARCP_VERSION = '0.1.0';
