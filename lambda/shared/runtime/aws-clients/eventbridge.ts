import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** EventBridge, for a function whose code publishes events itself (the rotation function). */
export const eventBridge = (): EventBridgeClient => new EventBridgeClient({});
