import { CreateSecretCommand, DeleteSecretCommand, InternalServiceError } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { createSecretsManagerDirectorCredentials } from '../../../lambda/director/secrets-manager-credentials.js';
import { useAwsSandbox } from '../../support/aws-sandbox.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';

const SECRET_ID = 'logpoint/director/api';
const SECRET_KEY = 'director-secret-key-0123456789abcdef';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJl';

const sandbox = useAwsSandbox({ accountId: '999988887777', region: 'eu-west-1' });

const createSecret = (value: string) => sandbox().secretsManager.send(new CreateSecretCommand({ Name: SECRET_ID, SecretString: value }));
const store = () => createSecretsManagerDirectorCredentials(sandbox().secretsManager, SECRET_ID);
const stored = () => JSON.parse(sandbox().fakes.secretsManager.revealSecretValueForTest(SECRET_ID) ?? '{}') as Record<string, unknown>;

describe('createSecretsManagerDirectorCredentials', () => {
  it('loads the secretKey alone, or with the token when one is stored', async () => {
    // Prepare
    await createSecret(JSON.stringify({ secretKey: SECRET_KEY }));

    // Act
    const withoutToken = await store().load();
    await store().save({ secretKey: SECRET_KEY, token: TOKEN }, SECRET_KEY);
    const withToken = await store().load();

    // Assess
    expect(withoutToken).toEqual({ secretKey: SECRET_KEY });
    expect(withToken).toEqual({ secretKey: SECRET_KEY, token: TOKEN });
  });

  it('ignores a token that is not a string instead of failing', async () => {
    // Prepare
    await createSecret(JSON.stringify({ secretKey: SECRET_KEY, token: 42 }));

    // Act
    const credentials = await store().load();

    // Assess
    expect(credentials).toEqual({ secretKey: SECRET_KEY });
  });

  it('saves a new token and secretKey while keeping the other fields of the secret', async () => {
    // Prepare
    await createSecret(JSON.stringify({ secretKey: SECRET_KEY, token: 'old', note: 'rotated by ops', owner: { team: 'soc' } }));

    // Act
    await store().save({ secretKey: 'changed-secret-key', token: TOKEN }, SECRET_KEY);

    // Assess
    expect(stored()).toEqual({ secretKey: 'changed-secret-key', token: TOKEN, note: 'rotated by ops', owner: { team: 'soc' } });
  });

  it('stores nothing and returns the stored credentials when the secretKey changed after the refresh read it', async () => {
    // Prepare: another function refreshed with SECRET_KEY first and stored the key Director rotated to.
    await createSecret(JSON.stringify({ secretKey: 'newer-key-from-another-function', token: 'newer-token', note: 'kept' }));

    // Act
    const outcome = await store().save({ secretKey: 'stale-rotated-key', token: TOKEN }, SECRET_KEY);

    // Assess
    expect(outcome).toEqual({ saved: false, current: { secretKey: 'newer-key-from-another-function', token: 'newer-token' } });
    expect(stored()).toEqual({ secretKey: 'newer-key-from-another-function', token: 'newer-token', note: 'kept' });
  });

  it('reports a write when the secret still holds the secretKey the refresh used', async () => {
    // Prepare
    await createSecret(JSON.stringify({ secretKey: SECRET_KEY, token: 'old' }));

    // Act
    const outcome = await store().save({ secretKey: 'rotated-key', token: TOKEN }, SECRET_KEY);

    // Assess
    expect(outcome).toEqual({ saved: true });
    expect(stored()).toEqual({ secretKey: 'rotated-key', token: TOKEN });
  });

  it('fails with SECRET_NOT_FOUND when the secret is missing or scheduled for deletion', async () => {
    // Prepare
    const missing = await onboardingErrorOf(store().load());
    await createSecret(JSON.stringify({ secretKey: SECRET_KEY }));
    await sandbox().secretsManager.send(new DeleteSecretCommand({ SecretId: SECRET_ID, RecoveryWindowInDays: 7 }));

    // Act
    const scheduled = await onboardingErrorOf(store().load());
    const saving = await onboardingErrorOf(store().save({ secretKey: SECRET_KEY, token: TOKEN }, SECRET_KEY));

    // Assess
    for (const error of [missing, scheduled, saving]) {
      expect(error.code).toBe(ErrorCode.SECRET_NOT_FOUND);
      expect(error.message).toContain(SECRET_ID);
      expect(JSON.stringify([error.message, error.toJSON()])).not.toContain(TOKEN);
    }
  });

  it.each([
    ['not JSON', `secretKey=${SECRET_KEY}`],
    ['a JSON string', JSON.stringify(SECRET_KEY)],
    ['without secretKey', JSON.stringify({ token: TOKEN })],
    ['with an empty secretKey', JSON.stringify({ secretKey: '', token: TOKEN })],
    ['with a secretKey that is not a string', JSON.stringify({ secretKey: 12345, token: TOKEN })],
  ])('fails with SECRET_INVALID, quoting no value, when the secret is %s', async (_what, value) => {
    // Prepare
    await createSecret(value);

    // Act
    const error = await onboardingErrorOf(store().load());

    // Assess
    expect(error.code).toBe(ErrorCode.SECRET_INVALID);
    const visible = JSON.stringify([error.message, error.toJSON()]);
    expect(visible).not.toContain(SECRET_KEY);
    expect(visible).not.toContain(TOKEN);
  });

  it('reports a failed save by name only, never with the values it tried to store', async () => {
    // Prepare
    await createSecret(JSON.stringify({ secretKey: SECRET_KEY }));
    sandbox().fakes.secretsManager.failNext(
      'PutSecretValue',
      new InternalServiceError({ message: `failed storing ${TOKEN}`, $metadata: { httpStatusCode: 500 } }),
    );

    // Act
    const error = await onboardingErrorOf(store().save({ secretKey: SECRET_KEY, token: TOKEN }, SECRET_KEY));

    // Assess
    expect(error.code).toBe(ErrorCode.INTERNAL);
    expect(error.message).toContain('InternalServiceError');
    const visible = JSON.stringify([error.message, error.toJSON(), error.cause]);
    expect(visible).not.toContain(TOKEN);
    expect(visible).not.toContain(SECRET_KEY);
    expect(stored()).toEqual({ secretKey: SECRET_KEY });
  });
});
