import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import {
  extractDefinitions,
  FLEET_START_STATE,
  RECONCILE_START_STATE,
  OFFBOARDING_START_STATE,
  ONBOARDING_START_STATE,
  synthesizeWorkflows,
} from '../../../local/sandbox/definition.js';
import { exampleConfig } from '../stack-fixture.js';

/**
 * An independent check of what CloudFormation receives: asl-validator (the Amazon States Language
 * schema, path expressions, transitions and terminal states) on every state machine of the
 * synthesized template, its DefinitionString resolved to plain ARNs.
 */
function aslErrors(definition: Record<string, unknown>): string[] {
  // The validator writes default QueryLanguage fields into what it checks; give it a copy.
  const result = aslValidator(structuredClone(definition));
  return result.isValid ? [] : result.errorsText('\n').split('\n');
}

describe('state machine definitions (asl-validator)', () => {
  const { onboarding, offboarding, fleet, reconcile, template } = synthesizeWorkflows(exampleConfig());
  const organizationMode = synthesizeWorkflows(exampleConfig({ trail: { organizationId: 'o-a1b2c3d4e5' } }));

  it('synthesizes the onboarding, offboarding, fleet and reconciliation state machines, and no other', () => {
    expect(extractDefinitions(template).map((definition) => definition.StartAt)).toEqual(
      expect.arrayContaining([ONBOARDING_START_STATE, OFFBOARDING_START_STATE, FLEET_START_STATE, RECONCILE_START_STATE]),
    );
    expect(extractDefinitions(template)).toHaveLength(4);
  });

  it('gives the reconciliation workflow a valid Amazon States Language definition, with and without the offboarding workflow', () => {
    expect(aslErrors(reconcile ?? {})).toEqual([]);
    expect(aslErrors(synthesizeWorkflows(exampleConfig({ offboarding: { enabled: false } })).reconcile ?? {})).toEqual([]);
  });

  it('gives the fleet workflow a valid Amazon States Language definition, in both collection modes', () => {
    expect(aslErrors(fleet ?? {})).toEqual([]);
    expect(aslErrors(organizationMode.fleet ?? {})).toEqual([]);
    expect(aslErrors(organizationMode.onboarding)).toEqual([]);
  });

  it('gives the onboarding workflow a valid Amazon States Language definition', () => {
    expect(aslErrors(onboarding)).toEqual([]);
  });

  it('gives the offboarding workflow a valid Amazon States Language definition', () => {
    expect(offboarding).not.toBeNull();
    expect(aslErrors(offboarding ?? {})).toEqual([]);
  });

  it('reports what is wrong with a broken definition (the check is not vacuous)', () => {
    // Prepare: the first state's Next names no state.
    const broken = structuredClone(onboarding) as { StartAt: string; States: Record<string, Record<string, unknown>> };
    broken.States[broken.StartAt]!.Next = 'NoSuchState';

    // Act + Assess
    expect(aslErrors(broken)).toContain("MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: NoSuchState");
  });
});
