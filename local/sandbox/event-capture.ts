import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';

/** What a published EventBridge entry looked like. */
export interface PublishedEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

/** Plays EventBridge's part in a PutEvents call: each entry lands in `events`, each gets an id. */
export function recordPutEvents(input: unknown, events: PublishedEvent[]): unknown {
  const entries = (input as { Entries?: { Source?: string; DetailType?: string; Detail?: unknown }[] }).Entries ?? [];
  for (const entry of entries) {
    const detail = typeof entry.Detail === 'string' ? (JSON.parse(entry.Detail) as Record<string, unknown>) : (entry.Detail as Record<string, unknown>);
    events.push({ source: entry.Source ?? '', detailType: entry.DetailType ?? '', detail });
  }
  return { Entries: entries.map(() => ({ EventId: randomUUID() })), FailedEntryCount: 0 };
}

/** An EventBridge client whose PutEvents lands in the sandbox's event list (the rotation function publishes directly). */
export function capturingEventBridge(region: string, events: PublishedEvent[]): EventBridgeClient {
  const client = new EventBridgeClient({ region, credentials: { accessKeyId: 'AKIASANDBOXNOTUSED00', secretAccessKey: 'sandbox-never-signs-anything' } });
  mockClient(client)
    .on(PutEventsCommand)
    .callsFake((input: PutEventsCommandInput) => recordPutEvents(input, events));
  return client;
}
