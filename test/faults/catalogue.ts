import { awsFaults } from './catalogue-aws.js';
import { concurrencyFaults } from './catalogue-concurrency.js';
import { crashFaults } from './catalogue-crashes.js';
import { directorFaults } from './catalogue-director.js';
import type { Fault } from './fault-types.js';

/** The whole battery, in the order `npm run faults` runs and reports it. Names are unique. */
export const catalogue: readonly Fault[] = [...directorFaults, ...awsFaults, ...crashFaults, ...concurrencyFaults];

const seen = new Set<string>();
for (const fault of catalogue) {
  if (seen.has(fault.name)) throw new Error(`Two faults are named ${fault.name}`);
  seen.add(fault.name);
}
