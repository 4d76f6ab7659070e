/** `pnpm config:docs`: writes docs/configuration.md from the config schemas. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderConfigReference } from './config-reference';

const target = resolve(__dirname, '../../../docs/configuration.md');
writeFileSync(target, renderConfigReference());
process.stdout.write(`wrote ${target}\n`);
