import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DirectorCredentials, DirectorCredentialsSaveResult, DirectorCredentialsStore, IssuedDirectorCredentials } from './credentials.js';
import { OnboardingError } from '../shared/errors.js';
import { describeAwsError } from '../shared/ownership.js';
import { invalidSecret, readSecretJsonObject } from '../shared/secret-json.js';
import type { SecretJsonErrors } from '../shared/secret-json.js';
import { ErrorCode } from '../contract/error-codes.js';

/**
 * The operator's Director secret in Secrets Manager: `{"secretKey": "...", "token"?: "..."}`.
 * The Director client loads it before a call and saves the refreshed token (and a changed
 * secretKey) back. Other JSON fields the operator keeps in the secret survive a save.
 * Neither value ever appears in an error message.
 *
 * A save re-reads the secret and writes only while it still holds the secretKey the refresh used.
 * Another function that refreshed at the same time and got a rotated key, or an operator who put
 * a new key, wrote first: their value is newer and stays. (Secrets Manager has no conditional
 * write; what remains is the few milliseconds between this re-read and the PutSecretValue.)
 */

export function createSecretsManagerDirectorCredentials(sm: SecretsManagerClient, secretId: string): DirectorCredentialsStore {
  const errors: SecretJsonErrors = {
    details: { secretId },
    notFoundMessage: (awsError) =>
      `Director credential secret ${secretId} does not exist or is scheduled for deletion (${awsError}). ` +
      'Create it with {"secretKey": "<Director secret key>"}.',
    invalidMessage: (why) => `Director credential secret ${secretId} ${why}; expected {"secretKey": "...", "token"?: "..."} JSON.`,
  };
  const readDocument = async (): Promise<Record<string, unknown>> => {
    const document = await readSecretJsonObject(sm, { SecretId: secretId }, errors);
    if (typeof document.secretKey !== 'string' || document.secretKey.length === 0) throw invalidSecret(errors, 'has no secretKey');
    return document;
  };

  return {
    async load(): Promise<DirectorCredentials> {
      return credentialsOf(await readDocument());
    },

    async save(credentials: IssuedDirectorCredentials, refreshedWith: string): Promise<DirectorCredentialsSaveResult> {
      const document = await readDocument();
      if (document.secretKey !== refreshedWith) return { saved: false, current: credentialsOf(document) };
      const next = { ...document, secretKey: credentials.secretKey, token: credentials.token };
      try {
        await sm.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(next) }));
      } catch (error) {
        // The SDK error carries no request values, but only its name is repeated to stay certain.
        throw new OnboardingError(ErrorCode.INTERNAL, `Could not save the Director credentials into secret ${secretId}: ${describeAwsError(error)}.`, {
          details: { secretId, awsError: describeAwsError(error) },
        });
      }
      return { saved: true };
    },
  };
}

/** The credentials of a document whose secretKey was checked. */
function credentialsOf(document: Record<string, unknown>): DirectorCredentials {
  const secretKey = document.secretKey as string;
  // A token of the wrong type is ignored rather than fatal: the client simply fetches a new one.
  return typeof document.token === 'string' && document.token.length > 0 ? { secretKey, token: document.token } : { secretKey };
}
