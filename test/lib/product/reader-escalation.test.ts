import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { OWNER_MARKER, TagKey } from '../../../lambda/contract/names.js';
import { synthesizeWorkflows } from '../../../local/sandbox/definition.js';
import { forSimulator } from '../../support/role-conformance.js';
import { functionRoles, managedPolicyDocument, type PolicyDocument } from '../../support/template-roles.js';
import { exampleConfig } from '../stack-fixture.js';

/**
 * The escalation an independent review found, replayed with an independent IAM engine
 * (iam-simulate) against the synthesized roles: someone who controls the ProvisionReader role
 * tries to turn a reader user into an administrator. Every way the role could widen a reader is
 * refused, and what it may do leaves the reader capped by the permissions boundary.
 */

const ENV = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };
const { template } = synthesizeWorkflows(exampleConfig());
const roles = functionRoles(template, ENV);
const provisionReader = roles.find((role) => role.label === 'onboard/ProvisionReader') ?? expect.fail('no ProvisionReader role');
const boundaryArn = `arn:aws:iam::${ENV.account}:policy/logpoint/${exampleConfig().stackName}-cloudtrail-reader-boundary`;
const boundary = managedPolicyDocument(template, ENV, boundaryArn) ?? expect.fail(`no reader boundary ${boundaryArn} in the template`);

const READER = `arn:aws:iam::${ENV.account}:user/logpoint/cloudtrail-reader-111122223333`;
const OWNED = { [`iam:ResourceTag/${TagKey.managedBy}`]: OWNER_MARKER };
/** The broadest inline policy there is. */
const ADMIN: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

async function decide(principal: { arn: string; identity: PolicyDocument[]; boundary?: PolicyDocument }, request: Omit<Simulation['request'], 'principal'>) {
  const response = await runSimulation(
    {
      request: { principal: principal.arn, ...request },
      identityPolicies: principal.identity.map((policy, index) => ({ name: `policy-${index}`, policy: forSimulator(policy) })),
      permissionBoundaryPolicies: principal.boundary ? [{ name: 'boundary', policy: forSimulator(principal.boundary) }] : undefined,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(`iam-simulate rejected the request: ${response.errors.message}`);
  return response.overallResult;
}

const asRole = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
  decide(
    { arn: provisionReader.roleArn, identity: provisionReader.policies.map((policy) => policy.document) },
    { action, resource: { resource, accountId: ENV.account }, contextVariables: context },
  );
/** A reader that carries the boundary and, as the attacker wished, the broadest inline policy. */
const asCappedReader = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
  decide({ arn: READER, identity: [ADMIN], boundary }, { action, resource: { resource, accountId: ENV.account }, contextVariables: context });

describe('a reader user cannot become more than a log reader', () => {
  it('lets ProvisionReader write a reader policy only while the reader carries the product boundary', async () => {
    expect(await asRole('iam:PutUserPolicy', READER, { 'iam:PermissionsBoundary': boundaryArn, ...OWNED })).toBe('Allowed');
    expect(await asRole('iam:PutUserPolicy', READER, OWNED)).not.toBe('Allowed');
    expect(await asRole('iam:PutUserPolicy', READER, { 'iam:PermissionsBoundary': `arn:aws:iam::${ENV.account}:policy/other`, ...OWNED })).not.toBe('Allowed');
  });

  it('refuses to create a reader without the boundary, to remove a boundary or to set another one', async () => {
    expect(await asRole('iam:CreateUser', READER, { 'iam:PermissionsBoundary': boundaryArn })).toBe('Allowed');
    expect(await asRole('iam:CreateUser', READER)).not.toBe('Allowed');
    expect(await asRole('iam:DeleteUserPermissionsBoundary', READER, { 'iam:PermissionsBoundary': boundaryArn, ...OWNED })).not.toBe('Allowed');
    expect(
      await asRole('iam:PutUserPermissionsBoundary', READER, { 'iam:PermissionsBoundary': `arn:aws:iam::${ENV.account}:policy/AdministratorAccess` }),
    ).not.toBe('Allowed');
    expect(await asRole('iam:AttachUserPolicy', READER, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess', ...OWNED })).not.toBe('Allowed');
  });

  it('creates keys only for users tagged as this product, and never for a deeper path under the reader name', async () => {
    expect(await asRole('iam:CreateAccessKey', READER, OWNED)).toBe('Allowed');
    expect(await asRole('iam:CreateAccessKey', READER)).not.toBe('Allowed');
    expect(await asRole('iam:CreateAccessKey', `arn:aws:iam::${ENV.account}:user/logpoint/cloudtrail-reader-111122223333/admin`, OWNED)).not.toBe('Allowed');
    expect(await asRole('iam:CreateAccessKey', `arn:aws:iam::${ENV.account}:user/admin`, OWNED)).not.toBe('Allowed');
  });

  it('leaves a boundary-capped reader with the broadest inline policy unable to do anything but read the trail logs', async () => {
    const logObject = 'arn:aws:s3:::example-org-cloudtrail-logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/30/x.json.gz';
    expect(await asCappedReader('s3:GetObject', logObject)).toBe('Allowed');
    expect(await asCappedReader('iam:CreateRole', `arn:aws:iam::${ENV.account}:role/escalated`)).not.toBe('Allowed');
    expect(await asCappedReader('iam:CreateAccessKey', READER)).not.toBe('Allowed');
    expect(
      await asCappedReader('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:eu-west-1:${ENV.account}:secret:logpoint/director/api-AbCdEf`),
    ).not.toBe('Allowed');
    expect(await asCappedReader('s3:GetObject', 'arn:aws:s3:::another-bucket/AWSLogs/111122223333/x.json.gz')).not.toBe('Allowed');
    expect(await asCappedReader('s3:PutObject', logObject)).not.toBe('Allowed');
    expect(
      await asCappedReader('kms:Decrypt', `arn:aws:kms:eu-west-1:${ENV.account}:key/1234`, { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' }),
    ).not.toBe('Allowed');
  });
});
