/**
 * A small IAM identity-policy evaluator for the local stand-ins. It follows the documented IAM
 * logic for the subset the product relies on: an explicit Deny wins, then any Allow, else the
 * request is implicitly denied. Policies using anything outside that subset fail loudly instead of
 * being evaluated loosely, so a policy is never reported as working locally when AWS would reject it.
 */

type PolicyEffect = 'Allow' | 'Deny';

type ConditionBlock = Record<string, Record<string, string | string[] | boolean>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: PolicyEffect;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

/** One request to authorise: the IAM action, the resource ARN and the request context keys. */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  context?: Record<string, string | undefined>;
}

type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Evaluation {
  decision: Decision;
  /** The statement that decided an Allow or an ExplicitDeny. */
  statement?: PolicyStatement;
}

/** Raised for a document IAM itself would refuse; the IAM fake turns it into MalformedPolicyDocument. */
export class PolicySyntaxError extends Error {
  override readonly name = 'PolicySyntaxError';
}

/** Raised when a valid policy uses a feature this evaluator does not emulate. */
export class UnsupportedPolicyFeatureError extends Error {
  override readonly name = 'UnsupportedPolicyFeatureError';
}

const SUPPORTED_VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Principal', 'NotPrincipal']);

type Comparator = (requestValue: string, policyValue: string) => boolean;

const COMPARATORS: Record<string, { compare: Comparator; negated: boolean }> = {
  StringEquals: { compare: (a, b) => a === b, negated: false },
  StringNotEquals: { compare: (a, b) => a === b, negated: true },
  StringEqualsIgnoreCase: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: true },
  StringLike: { compare: (a, b) => wildcardMatch(b, a, false), negated: false },
  StringNotLike: { compare: (a, b) => wildcardMatch(b, a, false), negated: true },
  ArnEquals: { compare: (a, b) => a === b, negated: false },
  ArnLike: { compare: (a, b) => wildcardMatch(b, a, false), negated: false },
  ArnNotEquals: { compare: (a, b) => a === b, negated: true },
  ArnNotLike: { compare: (a, b) => wildcardMatch(b, a, false), negated: true },
  Bool: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: false },
};

/** Parses and validates a policy document the way IAM's PutUserPolicy does for identity policies. */
export function parsePolicyDocument(json: string): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new PolicySyntaxError('Syntax errors in policy.');
  }
  if (!isRecord(parsed)) throw new PolicySyntaxError('Syntax errors in policy.');
  const { Version: version, Statement: statement } = parsed;
  if (version !== undefined && (typeof version !== 'string' || !SUPPORTED_VERSIONS.has(version))) {
    throw new PolicySyntaxError('The policy must contain a valid version string');
  }
  if (statement === undefined) throw new PolicySyntaxError('Syntax errors in policy.');
  const statements = Array.isArray(statement) ? (statement as unknown[]) : [statement];
  return { ...(parsed as Omit<PolicyDocument, 'Statement'>), Statement: statements.map(validateStatement) };
}

function validateStatement(raw: unknown): PolicyStatement {
  if (!isRecord(raw)) throw new PolicySyntaxError('Syntax errors in policy.');
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_KEYS.has(key)) throw new PolicySyntaxError('Syntax errors in policy.');
  }
  if ('Principal' in raw || 'NotPrincipal' in raw) {
    throw new PolicySyntaxError('Policy document should not specify a principal.');
  }
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') throw new PolicySyntaxError('Syntax errors in policy.');
  if ('Action' in raw === 'NotAction' in raw) {
    throw new PolicySyntaxError('Policy statement must contain actions.');
  }
  if ('Resource' in raw === 'NotResource' in raw) {
    throw new PolicySyntaxError('Policy statement must contain resources.');
  }
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
    if (key in raw && !isStringOrStringList(raw[key])) throw new PolicySyntaxError('Syntax errors in policy.');
  }
  for (const action of toList(raw.Action ?? raw.NotAction)) {
    if (action !== '*' && !/^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$/.test(action)) {
      throw new PolicySyntaxError(`Action ${action} is not valid.`);
    }
  }
  for (const resource of toList(raw.Resource ?? raw.NotResource)) {
    if (resource !== '*' && !resource.startsWith('arn:')) {
      throw new PolicySyntaxError(`Resource ${resource} must be in ARN format or "*".`);
    }
  }
  if (raw.Condition !== undefined) validateCondition(raw.Condition);
  return raw as unknown as PolicyStatement;
}

function validateCondition(condition: unknown): void {
  if (!isRecord(condition)) throw new PolicySyntaxError('Syntax errors in policy.');
  for (const block of Object.values(condition)) {
    if (!isRecord(block)) throw new PolicySyntaxError('Syntax errors in policy.');
    for (const value of Object.values(block)) {
      if (!isStringOrStringList(value) && typeof value !== 'boolean') {
        throw new PolicySyntaxError('Syntax errors in policy.');
      }
    }
  }
}

/** Evaluates identity policies for one request: explicit Deny wins, then Allow, else implicit deny. */
export function evaluatePolicies(policies: readonly PolicyDocument[], request: AuthorizationRequest): Evaluation {
  let allowing: PolicyStatement | undefined;
  for (const policy of policies) {
    for (const statement of policy.Statement) {
      if (!statementApplies(statement, request)) continue;
      if (statement.Effect === 'Deny') return { decision: 'ExplicitDeny', statement };
      allowing ??= statement;
    }
  }
  return allowing ? { decision: 'Allow', statement: allowing } : { decision: 'ImplicitDeny' };
}

function statementApplies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  const actionListed = (patterns: string | string[] | undefined): boolean => toList(patterns).some((pattern) => wildcardMatch(pattern, request.action, true));
  const resourceListed = (patterns: string | string[] | undefined): boolean => toList(patterns).some((pattern) => matchResource(pattern, request.resource));

  const actionMatches = statement.Action !== undefined ? actionListed(statement.Action) : !actionListed(statement.NotAction);
  if (!actionMatches) return false;
  const resourceMatches = statement.Resource !== undefined ? resourceListed(statement.Resource) : !resourceListed(statement.NotResource);
  if (!resourceMatches) return false;
  return conditionsHold(statement.Condition, request.context ?? {});
}

function matchResource(pattern: string, resource: string): boolean {
  if (pattern.includes('${')) {
    throw new UnsupportedPolicyFeatureError(`Policy variables are not emulated (resource ${pattern}).`);
  }
  return wildcardMatch(pattern, resource, false);
}

/** Every operator, every key and at least one value per key must match (IAM's AND/AND/OR rule). */
function conditionsHold(condition: ConditionBlock | undefined, context: Record<string, string | undefined>): boolean {
  if (!condition) return true;
  const lookup = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
  return Object.entries(condition).every(([operatorName, entries]) => {
    const ifExists = operatorName.endsWith('IfExists');
    const baseName = ifExists ? operatorName.slice(0, -'IfExists'.length) : operatorName;
    const operator = COMPARATORS[baseName];
    if (!operator) throw new UnsupportedPolicyFeatureError(`Condition operator ${operatorName} is not emulated.`);
    return Object.entries(entries).every(([key, policyValues]) => {
      // Condition key names are case-insensitive in IAM; their values are not.
      const requestValue = lookup.get(key.toLowerCase());
      if (requestValue === undefined) return ifExists || operator.negated;
      const anyMatches = toList(policyValues).some((value) => operator.compare(requestValue, String(value)));
      return operator.negated ? !anyMatches : anyMatches;
    });
  });
}

/** IAM wildcard match: `*` any run of characters (including `/` and `:`), `?` exactly one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  return items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

function isStringOrStringList(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
