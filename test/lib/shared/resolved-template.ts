import type { Template } from 'aws-cdk-lib/assertions';
import { resourceById, resourcesOf, type Resource, type Resources } from '../stack-fixture.js';

/** The fake environment the template is "deployed" into. */
export const ACCOUNT = '123456789012';
export const OTHER_ACCOUNT = '999988887777';
export const REGION = 'eu-west-1';
const PARTITION = 'aws';

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': PARTITION,
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

/** The property that holds a resource's physical name, for the types whose ARN is built from it. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::SNS::Topic': 'TopicName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::Events::Rule': 'Name',
};

/**
 * Resolves CloudFormation intrinsics (Ref, Fn::GetAtt …Arn, Fn::Join) to the concrete values a
 * deployment into {@link ACCOUNT}/{@link REGION} would produce. A resource without an explicit name
 * gets one shaped like CloudFormation's own (`<stack>-<logical id>-<suffix>`), so ARNs are what
 * AWS would report, whichever way the construct names things.
 */
export class ResolvedTemplate {
  readonly resources: Resources;

  constructor(
    template: Template,
    private readonly stackName: string,
  ) {
    this.resources = resourcesOf(template);
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    if ('Ref' in record) return this.ref(String(record.Ref));
    if ('Fn::GetAtt' in record) {
      const [logicalId, attribute] = record['Fn::GetAtt'] as [string, string];
      if (attribute !== 'Arn') throw new Error(`Unsupported attribute ${logicalId}.${attribute}.`);
      return this.arnOf(logicalId);
    }
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => this.resolveString(part)).join(separator);
    }
    const intrinsic = Object.keys(record).find((key) => key.startsWith('Fn::'));
    if (intrinsic !== undefined) throw new Error(`Unsupported intrinsic ${intrinsic}.`);
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, this.resolve(item)]));
  }

  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`${JSON.stringify(value)} does not resolve to a string.`);
    return resolved;
  }

  /** The logical ids of the resources of a type. */
  idsOf(type: string): string[] {
    return Object.entries(this.resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId]) => logicalId);
  }

  resource(logicalId: string): Resource {
    return resourceById(this.resources, logicalId);
  }

  arnOf(logicalId: string): string {
    const { Type: type, Properties: properties = {} } = this.resource(logicalId);
    const prefix = (service: string) => `arn:${PARTITION}:${service}:${REGION}:${ACCOUNT}`;
    switch (type) {
      case 'AWS::SNS::Topic':
        return `${prefix('sns')}:${this.physicalName(logicalId)}`;
      case 'AWS::CloudWatch::Alarm':
        return `${prefix('cloudwatch')}:alarm:${this.physicalName(logicalId)}`;
      case 'AWS::Events::Rule': {
        const bus = properties.EventBusName === undefined ? 'default' : this.resolveString(properties.EventBusName);
        return `${prefix('events')}:rule/${bus === 'default' ? '' : `${bus}/`}${this.physicalName(logicalId)}`;
      }
      case 'AWS::KMS::Key':
        return `${prefix('kms')}:key/${this.keyId(logicalId)}`;
      default:
        // Any other resource: a unique ARN of its service, enough to tell it apart from the topic.
        return `${prefix(type.split('::')[1]?.toLowerCase() ?? 'unknown')}:${logicalId}`;
    }
  }

  private ref(name: string): string {
    const pseudo = PSEUDO_PARAMETERS[name];
    if (pseudo !== undefined) return pseudo;
    if (name === 'AWS::StackName') return this.stackName;
    const { Type: type } = this.resource(name);
    if (type === 'AWS::SNS::Topic') return this.arnOf(name);
    if (type === 'AWS::KMS::Key') return this.keyId(name);
    return this.physicalName(name);
  }

  private physicalName(logicalId: string): string {
    const { Type: type, Properties: properties = {} } = this.resource(logicalId);
    const nameProperty = NAME_PROPERTY[type];
    const explicit = nameProperty === undefined ? undefined : properties[nameProperty];
    return explicit === undefined ? `${this.stackName}-${logicalId}-1A2B3C4D5E6F` : this.resolveString(explicit);
  }

  private keyId(logicalId: string): string {
    const hex = Buffer.from(logicalId).toString('hex').padEnd(32, '0').slice(0, 32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }
}
