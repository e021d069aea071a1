import './info-logs.js';
import { describe } from 'vitest';
import { faultBattery } from './battery-suite.js';
import { crashFaults } from './catalogue-crashes.js';

// The fault battery (issue 10, item 7), split by theme so vitest runs the parts in parallel.
describe("fault battery: Lambda crashes before and after each step's work", () => {
  faultBattery(crashFaults);
});
