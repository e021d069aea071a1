import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSourceBody } from '../../lambda/director/index.js';

/** The connector values a test chooses; the rest of the body is the seed guide's. */
export interface SeedLogSourceValues {
  name: string;
  accessKey: string;
  secretKey: string;
  bucketName: string;
  regionName: string;
  /** Default: the seed example's description. */
  description?: string;
}

const SEED_CREATE_REQUEST = join(import.meta.dirname, '..', 'fixtures', 'seed-create-request.json');

/** The seed guide's create example (test/fixtures/seed-create-request.json) with the test's own values. */
export function seedLogSourceBody(values: SeedLogSourceValues): LogSourceBody {
  const seed = (JSON.parse(readFileSync(SEED_CREATE_REQUEST, 'utf8')) as { data: LogSourceBody }).data;
  return {
    ...seed,
    name: values.name,
    description: values.description ?? seed.description,
    config: {
      ...seed.config,
      Source: { ...seed.config.Source, name: values.name },
      Connector: {
        ...seed.config.Connector,
        access_key: values.accessKey,
        secret_key: values.secretKey,
        bucket_name: values.bucketName,
        region_name: values.regionName,
      },
    },
  };
}
