import { Validations } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { GuardSuppressions } from '../../../lib/shared/guard-suppressions.js';
import { exampleConfig, synthStack } from '../stack-fixture.js';

/** Every Control Tower guard acknowledgement below the stack: rule name → construct paths below `<stack>/Onboarding`. */
function guardAcknowledgements(overrides: Record<string, unknown> = {}): Map<string, string[]> {
  const { stack } = synthStack(exampleConfig(overrides));
  const found = new Map<string, string[]>();
  for (const construct of stack.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        if (!id.startsWith('cdk-validator-cfnguard::')) continue;
        expect(reason).toMatch(/^CT\.[A-Z]+\.PR\.\d+: .{80,}/);
        const rule = id.slice('cdk-validator-cfnguard::'.length);
        found.set(rule, [...(found.get(rule) ?? []), construct.node.path.split('/').slice(1).join('/')]);
      }
    }
  }
  return found;
}

describe('Control Tower guard acknowledgements', () => {
  it('accept the product-wide decisions on the product construct and each false positive only on the resource that carries it', () => {
    // Act
    const acknowledgements = guardAcknowledgements();

    // Assess
    expect(Object.fromEntries(acknowledgements)).toEqual({
      [GuardSuppressions.LOG_GROUP_CUSTOMER_KEY.rule]: ['Onboarding'],
      [GuardSuppressions.LAMBDA_OUTSIDE_VPC.rule]: ['Onboarding'],
      [GuardSuppressions.DEAD_LETTER_QUEUE.rule]: ['Onboarding/Starter/DeadLetterQueue'],
      [GuardSuppressions.SECRETS_MANAGER_INVOKE_PERMISSION.rule]: ['Onboarding/KeyRotation/RotateAccessKeyFunction/AllowSecretsManagerInvoke'],
    });
  });

  it('acknowledge no invoke permission when key rotation is off', () => {
    // Act
    const acknowledgements = guardAcknowledgements({ keyRotation: { enabled: false } });

    // Assess
    expect(acknowledgements.has(GuardSuppressions.SECRETS_MANAGER_INVOKE_PERMISSION.rule)).toBe(false);
    expect(acknowledgements.get(GuardSuppressions.DEAD_LETTER_QUEUE.rule)).toEqual(['Onboarding/Starter/DeadLetterQueue']);
  });
});
