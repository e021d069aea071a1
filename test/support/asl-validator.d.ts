/** asl-validator 4 ships no type declarations; this is the part of its API the tests use (dist/src/validator.js). */
declare module 'asl-validator' {
  interface StateMachineError {
    /** e.g. SCHEMA_VALIDATION_FAILED, MISSING_TRANSITION_TARGET */
    'Error code': string;
    Message: string;
  }
  interface ValidationResult {
    isValid: boolean;
    errors: StateMachineError[];
    /** Every error as `<code>: <message>`, joined by `separator` (default a newline). */
    errorsText(separator?: string): string;
  }
  /** Validates an Amazon States Language definition; checks path expressions and Resource ARNs by default. It writes default QueryLanguage fields into the definition. */
  export default function aslValidator(definition: unknown): ValidationResult;
}
