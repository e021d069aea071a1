import { randomBytes } from 'node:crypto';
import type { CompiledNormalizer, Device, EnrichmentPolicy, Repo, RoutingPolicy } from './types.js';

/** Mongo-style object id, the shape Director uses for policies (director-api.md: 24 hex chars). */
export function objectId(): string {
  return randomBytes(12).toString('hex');
}

/** Python codec names, as Logpoint lists them. */
export const DEFAULT_CHARSETS: readonly string[] = [
  'ascii',
  'big5',
  'big5hkscs',
  'cp037',
  'cp1140',
  'cp1250',
  'cp1251',
  'cp1252',
  'cp1253',
  'cp1254',
  'cp1255',
  'cp1256',
  'cp1257',
  'cp1258',
  'cp437',
  'cp850',
  'cp852',
  'cp866',
  'cp932',
  'cp949',
  'cp950',
  'euc_jis_2004',
  'euc_jp',
  'euc_kr',
  'gb18030',
  'gb2312',
  'gbk',
  'hz',
  'iso2022_jp',
  'iso2022_kr',
  'iso8859_15',
  'iso8859_2',
  'iso8859_5',
  'iso8859_7',
  'iso8859_9',
  'koi8_r',
  'koi8_u',
  'latin_1',
  'mac_roman',
  'shift_jis',
  'utf_16',
  'utf_16_be',
  'utf_16_le',
  'utf_32',
  'utf_7',
  'utf_8',
  'utf_8_sig',
];

export const DEFAULT_COMPILED_NORMALIZERS: readonly CompiledNormalizer[] = [
  { name: 'CloudTrailCompiledNormalizer', version: '5.2.0' },
  { name: 'AWSGuardDutyCompiledNormalizer', version: '5.0.1' },
  { name: 'JSONCompiledNormalizer', version: '5.1.0' },
  { name: 'SyslogAllCompiledNormalizer', version: '5.3.2' },
  { name: 'WindowsSysmonCompiledNormalizer', version: '5.4.0' },
  { name: 'OktaCompiledNormalizer', version: '5.0.3' },
];

export function defaultRepos(): Repo[] {
  return [
    { id: objectId(), name: '_logpoint', repopath: [{ path: '/opt/immune/storage/', retention: 365 }], active: true },
    { id: objectId(), name: 'default', repopath: [{ path: '/opt/immune/storage/', retention: 90 }], active: true },
    { id: objectId(), name: '_LogPointAlerts', repopath: [{ path: '/opt/immune/storage/', retention: 180 }], active: true },
  ];
}

export function repoNamed(name: string, path = '/opt/immune/storage/', retention = 90): Repo {
  return { id: objectId(), name, repopath: [{ path, retention }], active: true };
}

export function defaultEnrichmentPolicies(): EnrichmentPolicy[] {
  return [
    {
      id: '64b7f0c2a91e4d3f8c2b1a90',
      name: 'GeoIP',
      description: 'Adds country, city and coordinates for source and destination addresses.',
      specifications: [{ source: 'GeoIP', criteria: [{ type: 'KeyPresents', key: 'source_address' }] }],
    },
    {
      id: '64b7f0c2a91e4d3f8c2b1a91',
      name: 'ThreatIntelligence',
      description: 'Flags addresses and domains found in the threat intelligence feeds.',
      specifications: [{ source: 'ThreatIntelligence', criteria: [{ type: 'KeyPresents', key: 'source_address' }] }],
    },
  ];
}

export function defaultRoutingPolicies(): RoutingPolicy[] {
  return [{ id: objectId(), policy_name: 'default_routing', catch_all: '_logpoint', routing_criteria: [] }];
}

export function defaultDevices(): Device[] {
  return [
    {
      id: objectId(),
      name: 'logpoint-collector-01',
      type: 'Server',
      ip: ['10.20.0.11'],
      active: true,
      device_groups: [],
      timezone: 'UTC',
    },
    {
      id: objectId(),
      name: 'edge-firewall',
      type: 'Firewall',
      ip: ['10.20.0.1', '192.0.2.1'],
      active: true,
      device_groups: [],
      timezone: 'Europe/Copenhagen',
    },
  ];
}
