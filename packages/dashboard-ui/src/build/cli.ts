/** `pnpm build:dashboard`: builds the operator page into `packages/dashboard-ui/dist/web`. */
import { buildDashboard } from './bundle';

buildDashboard().then(
  (page) => {
    const sizes = Object.entries(page.assets).map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} kB`);
    process.stdout.write(`dashboard page built in ${page.outDir}: ${sizes.join(', ')}\n`);
  },
  (err: unknown) => {
    console.error(`build:dashboard failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
