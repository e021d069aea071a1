import { describe, expect, it } from 'vitest';
import { TagKey } from '../../../lambda/contract/names.js';
import { directorSwitchValue, lastDirectorSwitchOf } from '../../../lambda/shared/director-key-record.js';

/**
 * The record of a rotation's switch on the account secret's tags: what Director reported when it
 * took the new key, so that every later step counts only fetches after it. A record that cannot be
 * read is no record: the step then counts from its own first look.
 */

describe('the director-switch record', () => {
  it('reads back what was written, a missing signal included', () => {
    // Prepare
    const recorded = { accessKeyId: 'AKIAEXAMPLEKEY000001', baseline: { lastLogReceived: null, lastFetchAttempt: '2026-12-01T09:10:00.000Z' } };

    // Act
    const value = directorSwitchValue(recorded);

    // Assess
    expect(value).toBe('AKIAEXAMPLEKEY000001 - 2026-12-01T09:10:00.000Z');
    expect(value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u);
    expect(lastDirectorSwitchOf({ [TagKey.directorSwitch]: value })).toEqual(recorded);
  });

  it.each([[''], ['AKIAEXAMPLEKEY000001'], ['AKIAEXAMPLEKEY000001 - yesterday'], ['a b c d']])('"%s" is no record', (value) => {
    // Act / Assess
    expect(lastDirectorSwitchOf({ [TagKey.directorSwitch]: value })).toBeNull();
  });
});
