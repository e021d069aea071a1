import { ExecutionAlreadyExists, StartExecutionCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { putCustomResourceResponse } from '../../../lambda/triggers/custom-resource.js';
import { handleStartEvent } from '../../../lambda/triggers/start-event.js';
import { executionNameFor } from '../../../lambda/shared/execution-names.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import {
  ACCOUNT,
  ONBOARDING_ARN,
  RESPONSE_URL,
  cloudFormationRequest,
  dependencies,
  installStarterFakes,
  responses,
  sfnMock,
  startInput,
  startedExecutionArn,
} from './support.js';

installStarterFakes();

describe('the deploy-time custom resource', () => {
  it('starts one onboarding on Create and answers SUCCESS with the execution ARN', async () => {
    // Act
    await handleStartEvent(cloudFormationRequest('Create'), dependencies());

    // Assess
    expect(responses).toHaveLength(1);
    const [response] = responses;
    expect(response?.url).toBe(RESPONSE_URL);
    const name = executionNameFor('onboard', ACCOUNT, 'deploy:2026-01-01T00:00:00.000Z');
    expect(response?.body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: `onboarding-on-deploy-${ACCOUNT}`,
      StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/LogpointCloudTrailOnboarding/guid',
      RequestId: 'c3b8a1f0-request',
      LogicalResourceId: 'OnboardingDeployTrigger7BECAD93',
      NoEcho: false,
      Data: { ExecutionArn: startedExecutionArn(ONBOARDING_ARN, name), ExecutionName: name, StartStatus: 'STARTED' },
    });
    expect(startInput()).toEqual({ accountId: ACCOUNT, trigger: 'cdk deploy 2026-01-01T00:00:00.000Z' });
  });

  it('starts a new onboarding on each deploy (new nonce) and none for a repeated request of the same deploy', async () => {
    // Act
    await handleStartEvent(cloudFormationRequest('Update', { DeployNonce: 'deploy-2' }), dependencies());
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    await handleStartEvent(cloudFormationRequest('Update', { DeployNonce: 'deploy-2' }), dependencies());

    // Assess
    const names = sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name);
    expect(names[0]).toBe(names[1]);
    expect(responses.map((response) => response.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(responses[1]?.body.Data).toMatchObject({ ExecutionArn: responses[0]?.body.Data?.ExecutionArn, StartStatus: 'ALREADY_STARTED' });
  });

  it('starts the fleet run of the deployment instead when the trigger asks for one (fleet.onboardExisting), once per deployment', async () => {
    // Prepare
    const fleetArn = 'arn:aws:states:us-east-1:111122223333:stateMachine:Fleet';
    const request = cloudFormationRequest('Create', { AccountId: undefined, Fleet: 'true' });

    // Act
    await handleStartEvent(request, dependencies({ stateMachines: { onboard: ONBOARDING_ARN, fleet: fleetArn } }));
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    await handleStartEvent(request, dependencies({ stateMachines: { onboard: ONBOARDING_ARN, fleet: fleetArn } }));

    // Assess
    const calls = sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.stateMachineArn)).toEqual([fleetArn, fleetArn]);
    expect(calls[0]?.name).toMatch(/^fleet-deploy-[0-9a-f]{16}$/);
    expect(calls[1]?.name).toBe(calls[0]?.name);
    expect(JSON.parse(calls[0]?.input ?? '{}')).toEqual({ trigger: 'cdk deploy 2026-01-01T00:00:00.000Z' });
    expect(responses.map((response) => [response.body.Status, response.body.PhysicalResourceId, response.body.Data?.StartStatus])).toEqual([
      ['SUCCESS', 'onboarding-on-deploy-fleet', 'STARTED'],
      ['SUCCESS', 'onboarding-on-deploy-fleet', 'ALREADY_STARTED'],
    ]);
  });

  it('does nothing on Delete but answer SUCCESS with the same physical id', async () => {
    // Act
    await handleStartEvent(cloudFormationRequest('Delete'), dependencies());

    // Assess
    expect(sfnMock).not.toHaveReceivedAnyCommand();
    expect(responses[0]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `onboarding-on-deploy-${ACCOUNT}` });
  });

  it('answers FAILED with the reason (and does not throw) when the onboarding cannot start, so the deploy stops at once', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} }));

    // Act
    await handleStartEvent(cloudFormationRequest('Create'), dependencies());

    // Assess
    expect(responses[0]?.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('State Machine Does Not Exist') as unknown });
  });

  it('answers FAILED naming the property when the account id is invalid', async () => {
    // Act
    await handleStartEvent(cloudFormationRequest('Create', { AccountId: 'not-an-account' }), dependencies());

    // Assess
    expect(responses[0]?.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('AccountId') as unknown });
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('never logs the pre-signed response URL', async () => {
    // Prepare
    const lines: string[] = [];
    const logger = {
      info: (message: string, attributes?: Record<string, unknown>) => lines.push(JSON.stringify([message, attributes])),
      warn: (message: string, attributes?: Record<string, unknown>) => lines.push(JSON.stringify([message, attributes])),
      error: (message: string, attributes?: Record<string, unknown>) => lines.push(JSON.stringify([message, attributes])),
    };

    // Act
    await handleStartEvent(cloudFormationRequest('Create'), dependencies({ logger }));

    // Assess
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('presigned-secret-signature');
  });
});

describe('putCustomResourceResponse', () => {
  async function withServer(
    status: number,
    run: (url: string, requests: { method?: string; headers: IncomingMessage['headers']; body: string }[]) => Promise<void>,
  ): Promise<void> {
    const requests: { method?: string; headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        requests.push({ method: request.method, headers: request.headers, body });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await run(`http://127.0.0.1:${port}/response?X-Amz-Signature=presigned-secret-signature`, requests);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('PUTs the JSON body with an empty content type, as the pre-signed URL requires', async () => {
    await withServer(200, async (url, requests) => {
      // Act
      await putCustomResourceResponse(fetch, url, '{"Status":"SUCCESS"}');

      // Assess
      expect(requests).toHaveLength(1);
      expect(requests[0]?.method).toBe('PUT');
      expect(requests[0]?.headers['content-type'] ?? '').toBe('');
      expect(requests[0]?.body).toBe('{"Status":"SUCCESS"}');
    });
  });

  it('fails when CloudFormation refuses the response, without revealing the pre-signed URL', async () => {
    await withServer(403, async (url) => {
      // Act
      const error = await onboardingErrorOf(putCustomResourceResponse(fetch, url, '{}'));

      // Assess
      expect(error.message).toContain('403');
      expect(error.message).not.toContain('presigned-secret-signature');
    });
  });
});
