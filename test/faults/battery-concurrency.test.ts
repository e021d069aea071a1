import './info-logs.js';
import { describe } from 'vitest';
import { faultBattery } from './battery-suite.js';
import { concurrencyFaults } from './catalogue-concurrency.js';

// The fault battery (issue 10, item 7), split by theme so vitest runs the parts in parallel.
describe('fault battery: overlapping runs of one account', () => {
  faultBattery(concurrencyFaults);
});
