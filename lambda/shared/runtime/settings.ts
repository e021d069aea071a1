import * as z from 'zod';
import { EnvName } from '../../contract/env-names.js';
import { ErrorCode } from '../../contract/error-codes.js';
import { runtimeSettingsSchema, type RuntimeSettings } from '../../contract/runtime-settings.js';
import { OnboardingError } from '../errors.js';
import { requireEnv } from './env.js';

/** Reads the settings JSON the construct put into a function's environment; anything wrong is CONFIG_INVALID. */
function parseRuntimeSettings(json: string): RuntimeSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new OnboardingError(ErrorCode.CONFIG_INVALID, 'The function settings are not valid JSON.');
  }
  const result = runtimeSettingsSchema.safeParse(raw);
  if (!result.success) {
    throw new OnboardingError(ErrorCode.CONFIG_INVALID, `The function settings are invalid: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

let settingsCache: RuntimeSettings | undefined;

/** The settings the construct put in the function's environment, parsed once per container. */
export function loadRuntimeSettings(): RuntimeSettings {
  settingsCache ??= parseRuntimeSettings(requireEnv(EnvName.SETTINGS));
  return settingsCache;
}
