import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamoErrors } from './dynamodb-errors.js';
import { NotEmulatedError } from './strict-mock.js';

/**
 * The DynamoDB fake's ConditionExpression: parsed and evaluated against the stored item, so a
 * caller's condition is tested for what it says, not matched against a known string.
 *
 * Supported, and nothing else (anything else fails with NotEmulatedError):
 * - `attribute_exists(path)` and `attribute_not_exists(path)`;
 * - comparisons `=`, `<>`, `<`, `<=`, `>`, `>=` between a path and/or a `:value`;
 * - `AND`, `OR`, `NOT` (case-insensitive, usual precedence NOT > AND > OR) and parentheses.
 * A path is one top-level attribute, `#name` or a bare name (no `a.b`, no `a[0]`, no reserved-word
 * check). Ordering comparisons are defined for S and N only; a missing attribute or a different
 * type makes them false, as in DynamoDB. Like DynamoDB, a `#name` or `:value` that is not defined,
 * or one defined but never used, is a ValidationException.
 */

export type Item = Record<string, AttributeValue>;

export interface ConditionInput {
  ConditionExpression?: string | undefined;
  ExpressionAttributeNames?: Record<string, string> | undefined;
  ExpressionAttributeValues?: Record<string, AttributeValue> | undefined;
}

type Operand = { kind: 'path'; name: string } | { kind: 'value'; value: AttributeValue };
type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';
type Condition =
  | { kind: 'or' | 'and'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'exists'; name: string; expected: boolean }
  | { kind: 'compare'; comparator: Comparator; left: Operand; right: Operand };

const TOKEN = /\s*(<>|<=|>=|[=<>(),]|[#:]?[A-Za-z0-9_]+|\S)/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    const match = TOKEN.exec(expression);
    if (!match?.[1]) break;
    tokens.push(match[1]);
  }
  return tokens;
}

/** Whether `item` (undefined: no item under the key) satisfies the input's condition; true without one. */
export function conditionHolds(input: ConditionInput, item: Item | undefined): boolean {
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  if (input.ConditionExpression === undefined) {
    if (input.ExpressionAttributeNames !== undefined) throw dynamoErrors.validation('ExpressionAttributeNames can only be specified when using expressions');
    if (input.ExpressionAttributeValues !== undefined) throw dynamoErrors.validation('ExpressionAttributeValues can only be specified when using expressions');
    return true;
  }
  const parser = new Parser(tokenize(input.ConditionExpression), names, values);
  const condition = parser.parseAll();
  parser.rejectUnused();
  return evaluate(condition, item ?? {});
}

class Parser {
  private position = 0;
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  constructor(
    private readonly tokens: string[],
    private readonly names: Record<string, string>,
    private readonly values: Record<string, AttributeValue>,
  ) {}

  parseAll(): Condition {
    if (this.tokens.length === 0) throw dynamoErrors.validation('Invalid ConditionExpression: The expression can not be empty;');
    const condition = this.parseOr();
    if (this.position < this.tokens.length) throw this.syntaxError();
    return condition;
  }

  rejectUnused(): void {
    const unusedNames = Object.keys(this.names).filter((name) => !this.usedNames.has(name));
    if (unusedNames.length > 0)
      throw dynamoErrors.validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
    const unusedValues = Object.keys(this.values).filter((value) => !this.usedValues.has(value));
    if (unusedValues.length > 0)
      throw dynamoErrors.validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
  }

  private peek(): string | undefined {
    return this.tokens[this.position];
  }

  private next(): string {
    const token = this.tokens[this.position];
    if (token === undefined) throw dynamoErrors.validation('Invalid ConditionExpression: Syntax error; token: "<EOF>", near: end of expression');
    this.position += 1;
    return token;
  }

  private expect(token: string): void {
    if (this.next() !== token) {
      this.position -= 1;
      throw this.syntaxError();
    }
  }

  private isKeyword(keyword: string): boolean {
    return this.peek()?.toUpperCase() === keyword;
  }

  private parseOr(): Condition {
    let left = this.parseAnd();
    while (this.isKeyword('OR')) {
      this.position += 1;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Condition {
    let left = this.parseNot();
    while (this.isKeyword('AND')) {
      this.position += 1;
      left = { kind: 'and', left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): Condition {
    if (!this.isKeyword('NOT')) return this.parsePrimary();
    this.position += 1;
    return { kind: 'not', operand: this.parseNot() };
  }

  private parsePrimary(): Condition {
    const token = this.peek();
    if (token === '(') {
      this.position += 1;
      const inner = this.parseOr();
      this.expect(')');
      return inner;
    }
    if (token === 'attribute_exists' || token === 'attribute_not_exists') {
      this.position += 1;
      this.expect('(');
      const name = this.parsePath();
      this.expect(')');
      return { kind: 'exists', name, expected: token === 'attribute_exists' };
    }
    if (token !== undefined && this.tokens[this.position + 1] === '(') {
      throw new NotEmulatedError(`The DynamoDB fake does not emulate the condition function ${token}; see local/aws/dynamodb-conditions.ts.`);
    }
    const left = this.parseOperand();
    const comparator = this.next();
    if (['BETWEEN', 'IN'].includes(comparator.toUpperCase())) {
      throw new NotEmulatedError(`The DynamoDB fake does not emulate ${comparator.toUpperCase()}; see local/aws/dynamodb-conditions.ts.`);
    }
    if (!isComparator(comparator)) {
      this.position -= 1;
      throw this.syntaxError();
    }
    return { kind: 'compare', comparator, left, right: this.parseOperand() };
  }

  private parseOperand(): Operand {
    const token = this.peek();
    if (token?.startsWith(':')) {
      this.position += 1;
      const value = this.values[token];
      if (value === undefined) throw dynamoErrors.validation(`An expression attribute value used in expression is not defined; attribute value: ${token}`);
      this.usedValues.add(token);
      return { kind: 'value', value };
    }
    return { kind: 'path', name: this.parsePath() };
  }

  private parsePath(): string {
    const token = this.next();
    if (this.peek() === '.' || this.peek() === '[') {
      throw new NotEmulatedError('The DynamoDB fake emulates top-level attribute paths only; see local/aws/dynamodb-conditions.ts.');
    }
    if (token.startsWith('#')) {
      const name = this.names[token];
      if (name === undefined) throw dynamoErrors.validation(`An expression attribute name used in the document path is not defined; attribute name: ${token}`);
      this.usedNames.add(token);
      return name;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(token)) {
      this.position -= 1;
      throw this.syntaxError();
    }
    return token;
  }

  private syntaxError(): Error {
    const token = this.peek() ?? '<EOF>';
    return dynamoErrors.validation(
      `Invalid ConditionExpression: Syntax error; token: "${token}", near: "${this.tokens.slice(Math.max(0, this.position - 1), this.position + 2).join(' ')}"`,
    );
  }
}

function isComparator(token: string): token is Comparator {
  return ['=', '<>', '<', '<=', '>', '>='].includes(token);
}

function evaluate(condition: Condition, item: Item): boolean {
  switch (condition.kind) {
    case 'or':
      return evaluate(condition.left, item) || evaluate(condition.right, item);
    case 'and':
      return evaluate(condition.left, item) && evaluate(condition.right, item);
    case 'not':
      return !evaluate(condition.operand, item);
    case 'exists':
      return (item[condition.name] !== undefined) === condition.expected;
    case 'compare':
      return compare(condition.comparator, resolve(condition.left, item), resolve(condition.right, item));
  }
}

function resolve(operand: Operand, item: Item): AttributeValue | undefined {
  return operand.kind === 'value' ? operand.value : item[operand.name];
}

function compare(comparator: Comparator, left: AttributeValue | undefined, right: AttributeValue | undefined): boolean {
  if (comparator === '=') return left !== undefined && right !== undefined && sameValue(left, right);
  if (comparator === '<>') return left === undefined || right === undefined || !sameValue(left, right);
  const order = orderOf(left, right);
  if (order === undefined) return false;
  if (comparator === '<') return order < 0;
  if (comparator === '<=') return order <= 0;
  if (comparator === '>') return order > 0;
  return order >= 0;
}

function sameValue(left: AttributeValue, right: AttributeValue): boolean {
  if (left.N !== undefined && right.N !== undefined) return Number(left.N) === Number(right.N);
  return JSON.stringify(left) === JSON.stringify(right);
}

/** Negative, zero or positive; undefined when the two cannot be ordered (missing, or not both S or both N). */
function orderOf(left: AttributeValue | undefined, right: AttributeValue | undefined): number | undefined {
  if (left?.N !== undefined && right?.N !== undefined) return Number(left.N) - Number(right.N);
  if (left?.S !== undefined && right?.S !== undefined) return left.S < right.S ? -1 : left.S > right.S ? 1 : 0;
  if (left?.B !== undefined && right?.B !== undefined)
    throw new NotEmulatedError('The DynamoDB fake does not order binary values; see local/aws/dynamodb-conditions.ts.');
  return undefined;
}
