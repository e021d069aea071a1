import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';

/** cfn-guard's JSON report for this product's template is ~0.6 MB; Node's default 1 MB would soon kill it (ENOBUFS). */
const GUARD_OUTPUT_BUFFER_BYTES = 16 * 1024 * 1024;

/**
 * The AWS Control Tower proactive controls (the cfn-guard rules and binary bundled with
 * `@cdklabs/cdk-validator-cfnguard`, offline) as a synth-time validation plugin. Register it with
 * `Validations.of(app).addPlugins(...)`; acknowledge findings with the reasons in
 * `guard-suppressions.ts`.
 *
 * It passes on the plugin's report with two repairs (see {@link repairGuardReport}), without which
 * the synth would not fail on every unacknowledged finding.
 */
export class ControlTowerGuard implements IPolicyValidationPlugin {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];
  private readonly guard = new CfnGuardValidator({ controlTowerRulesEnabled: true, maxBuffer: GUARD_OUTPUT_BUFFER_BYTES });

  constructor() {
    // The name is the acknowledgement namespace (`cdk-validator-cfnguard::<rule>`): keep the plugin's own.
    this.name = this.guard.name;
    if (this.guard.version !== undefined) this.version = this.guard.version;
    if (this.guard.ruleIds !== undefined) this.ruleIds = this.guard.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    return repairGuardReport(this.guard.validate(context));
  }
}

/**
 * Two repairs of a `@cdklabs/cdk-validator-cfnguard` 0.0.62 report:
 *
 * - **Severity.** The plugin sets none. After applying acknowledgements, aws-cdk-lib 2.276
 *   recomputes a report's success from the violations left, counting only those whose raw severity
 *   is `error` or `fatal`: so one acknowledged finding let every unacknowledged one pass (printed as
 *   ERROR, exit code 0). Every guard finding is an error here.
 * - **Unattributed duplicates.** For a check that compares a property with a literal, the plugin
 *   takes the resource from the literal's (empty) path, and reports a resource with no logical id
 *   next to the real one. Such an entry is dropped when the same violation names resources, which
 *   carry the finding (and its acknowledgement or failure). A violation that names no resource at
 *   all is kept as it is and fails the synth: it cannot be acknowledged.
 */
export function repairGuardReport(report: PolicyValidationPluginReport): PolicyValidationPluginReport {
  const violations = report.violations.map((violation): PolicyViolation => {
    const attributed = violation.violatingResources.filter((resource) => Boolean(resource.resourceLogicalId));
    return {
      ...violation,
      severity: violation.severity ?? 'error',
      violatingResources: attributed.length > 0 ? attributed : violation.violatingResources,
    };
  });
  return { ...report, violations, success: violations.length === 0 };
}
