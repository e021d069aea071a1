import type { JsonObject } from '../director-simulator/index.js';

/** A log source an operator created by hand in Director: it carries none of this product's markers. */
export function handMadeLogSource(name: string): JsonObject {
  return {
    name,
    type: 'S3Fetcher',
    vendor_name: 'AWS',
    logo: '',
    description: 'Created by hand in the Director console.',
    config: {
      Source: { name, interval: 60, charset: 'utf_8', timezone: 'UTC' },
      Connector: {
        endpoint_url: 'https://s3.amazonaws.com',
        access_key: 'AKIAHANDMADEEXAMPLE1',
        secret_key: 'hand-made-example-not-a-real-secret-key0',
        bucket_name: 'some-other-bucket',
        region_name: 'eu-west-1',
        filter_date: '2024-08-06T08:44:13.220Z',
        parser: 'CloudTrailLogParser',
        enable_proxy: false,
        protocol: 'http',
      },
      RoutingPolicy: { routing_criterion: [], catch_all: '_logpoint' },
      NormalizationPolicy: { normalizers: [{ name: 'CloudTrailCompiledNormalizer', type: 'compiled' }] },
    },
    documentation_link: 'https://docs.logpoint.com/docs/cloud-trail/en/latest/',
  };
}
