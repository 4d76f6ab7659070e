// The unit project of jest.config.js, limited to the package under mutation (ARCP_MUTATION_ROOT
// is set from the target by stryker.config.mjs), for StrykerJS's jest runner.
const { resolve } = require('node:path');
const base = require('../jest.config.js');

const unit = base.projects.find((p) => p.displayName === 'unit');
const { displayName: _omit, ...rest } = unit;
module.exports = { ...rest, rootDir: resolve(__dirname, '..'), roots: [`<rootDir>/${process.env.ARCP_MUTATION_ROOT}`] };
