import './info-logs.js';
import { describe } from 'vitest';
import { faultBattery } from './battery-suite.js';
import { awsFaults } from './catalogue-aws.js';

// The fault battery (issue 10, item 7), split by theme so vitest runs the parts in parallel.
describe('fault battery: IAM, Secrets Manager and S3 throttling and service errors', () => {
  faultBattery(awsFaults);
});
