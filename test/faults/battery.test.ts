import './info-logs.js';
import { describe } from 'vitest';
import { faultBattery } from './battery-suite.js';
import { directorFaults } from './catalogue-director.js';

// The fault battery (issue 10, item 7), split by theme so vitest runs the parts in parallel.
describe('fault battery: Director answers, lost answers and orders', () => {
  faultBattery(directorFaults);
});
