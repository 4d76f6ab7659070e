/**
 * @arcp/dashboard-ui: the operator web dashboard. The page itself (`src/app`, Preact + uPlot on
 * the `@arcp/client` SDK) is bundled at build time into `dist/web` (`src/build`); this entry is
 * the server side: loading that build and the `/dashboard` routes that serve it, which the
 * dashboard gateway mounts.
 */
export { loadDashboardPage, DashboardNotBuiltError, WEB_DIR, type DashboardPage, type PageFile } from './server/assets';
export { dashboardRoutes, DASHBOARD_PATH, CONTENT_SECURITY_POLICY } from './server/routes';
