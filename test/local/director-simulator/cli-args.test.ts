import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CliUsageError, DEFAULT_CLI_PORT, helpText, parseCliArgs, profileListText } from '../../../local/director-simulator/cli-args.js';
import { DIRECTOR_PROFILES } from '../../../local/director-simulator/index.js';
import type { DirectorFaults } from '../../../local/director-simulator/index.js';

function recordingFaults(): DirectorFaults {
  return {
    failRoute: vi.fn(),
    setLatency: vi.fn(),
    dropConnections: vi.fn(),
    throttle: vi.fn(),
    failOrders: vi.fn(),
    neverFinishOrders: vi.fn(),
    rateLimit: vi.fn(),
    forbidTokens: vi.fn(),
    dropAfterApply: vi.fn(),
    failAfterApply: vi.fn(),
    delayReplyAfterApply: vi.fn(),
    loseOrders: vi.fn(),
    expireAllTokens: vi.fn(),
    clear: vi.fn(),
  };
}

function runCommand(argv: string[]): Extract<ReturnType<typeof parseCliArgs>, { kind: 'run' }> {
  const command = parseCliArgs(argv);
  if (command.kind !== 'run') throw new Error('expected a run command');
  return command;
}

describe('Director simulator CLI flags', () => {
  it('maps the server flags onto simulator options', () => {
    const command = runCommand([
      '--port',
      '0',
      '--token',
      'a',
      '--token',
      'b',
      '--secret-key',
      'k',
      '--pool',
      'p'.repeat(32),
      '--logpoint',
      'l'.repeat(32),
      '--order-delay-ms',
      '50',
      '--order-path-style',
      'leading-slash',
      '--token-ttl',
      '120',
      '--rotate-secret-key',
      '--order-response-includes-id',
    ]);

    expect(command.options).toMatchObject({
      port: 0,
      token: ['a', 'b'],
      secretKey: 'k',
      poolUuid: 'p'.repeat(32),
      logpointId: 'l'.repeat(32),
      orderDelayMs: 50,
      orderPathStyle: 'leading-slash',
      tokenTtlSeconds: 120,
      rotateSecretKeyOnRefresh: true,
      orderResponseIncludesId: true,
    });
  });

  it('maps --profile and the profile option flags onto simulator options', () => {
    // Prepare
    const argv = [
      '--profile',
      'v27-docs',
      '--id-style',
      'prefixed-uuid',
      '--access-key-read-back',
      'masked',
      '--stale-lists',
      '--no-token-exp',
      '--extra-fields',
    ];

    // Act
    const command = runCommand(argv);

    // Assess
    expect(command.options).toMatchObject({
      profile: 'v27-docs',
      idStyle: 'prefixed-uuid',
      accessKeyReadBack: 'masked',
      staleListsUntilRefresh: true,
      tokenExp: false,
      extraFields: true,
    });
  });

  it('leaves every profile option undefined when its flag is absent, so --profile decides it', () => {
    // Prepare
    const profileKeys = [
      'orderPathStyle',
      'orderResponseIncludesId',
      'rotateSecretKeyOnRefresh',
      'idStyle',
      'accessKeyReadBack',
      'staleListsUntilRefresh',
      'tokenExp',
      'extraFields',
    ];

    // Act
    const { options } = runCommand(['--profile', 'rotating-secret-key']);

    // Assess
    for (const key of profileKeys) expect(options[key as keyof typeof options]).toBeUndefined();
  });

  it('answers --list-profiles with the list command; the list names every profile with its description', () => {
    // Prepare
    const lines = profileListText().split('\n');

    // Act
    const command = parseCliArgs(['--list-profiles']);

    // Assess
    expect(command).toEqual({ kind: 'list-profiles' });
    expect(lines).toHaveLength(Object.keys(DIRECTOR_PROFILES).length);
    for (const [name, profile] of Object.entries(DIRECTOR_PROFILES)) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${name} +${profile.description.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`)));
    }
  });

  it('reads the PEM files of --tls-key and --tls-cert', () => {
    const folder = join(import.meta.dirname, '..', '..', 'fixtures', 'tls');

    const command = runCommand(['--tls-key', join(folder, 'test-only-director.key.pem'), '--tls-cert', join(folder, 'test-only-director.cert.pem')]);

    expect(command.options.tls?.key).toContain('PRIVATE KEY-----');
    expect(command.options.tls?.cert).toContain('-----BEGIN CERTIFICATE-----');
    expect(() => parseCliArgs(['--tls-key', join(folder, 'missing.pem'), '--tls-cert', join(folder, 'missing.pem')])).toThrow(/cannot read/);
  });

  it('listens on 8089 unless --port is given', () => {
    expect(runCommand([]).options.port).toBe(DEFAULT_CLI_PORT);
    expect(DEFAULT_CLI_PORT).toBe(8089);
  });

  it('turns the fault flags into fault API calls', () => {
    const faults = recordingFaults();

    runCommand([
      '--fail-route',
      'POST /LogSources',
      '--fail-status',
      '503',
      '--fail-count',
      '2',
      '--fail-body',
      '{"status":"Error","message":"x"}',
      '--latency-ms',
      '15',
      '--drop-count',
      '1',
      '--drop-after-apply-count',
      '2',
      '--throttle-count',
      '3',
      '--retry-after',
      '4',
      '--fail-orders',
      '2',
      '--lose-orders',
      '3',
      '--never-finish-orders',
      '--rate-limit',
      '10',
      '--forbid-count',
      'always',
    ]).applyFaults(faults);

    expect(faults.failRoute).toHaveBeenCalledWith('POST /LogSources', { status: 503, count: 2, body: { status: 'Error', message: 'x' } });
    expect(faults.setLatency).toHaveBeenCalledWith(15);
    expect(faults.dropConnections).toHaveBeenCalledWith(1);
    expect(faults.dropAfterApply).toHaveBeenCalledWith(2);
    expect(faults.throttle).toHaveBeenCalledWith(3, { retryAfter: 4 });
    expect(faults.failOrders).toHaveBeenCalledWith(2);
    expect(faults.loseOrders).toHaveBeenCalledWith(3);
    expect(faults.neverFinishOrders).toHaveBeenCalledWith();
    expect(faults.rateLimit).toHaveBeenCalledWith(10);
    expect(faults.forbidTokens).toHaveBeenCalledWith(Infinity);
  });

  it('applies no fault without fault flags', () => {
    const faults = recordingFaults();

    runCommand(['--port', '0']).applyFaults(faults);

    for (const method of Object.values(faults)) expect(method).not.toHaveBeenCalled();
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', 'eighty'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be 0-65535/],
    [['--order-path-style', 'sideways'], /--order-path-style must be bare, leading-slash or v1/],
    [['--profile', 'sideways'], /--profile must be one of default, v27-docs/],
    [['--id-style', 'uuid'], /--id-style must be prefixed-uuid or bare-hex/],
    [['--access-key-read-back', 'hidden'], /--access-key-read-back must be plain, masked or absent/],
    [['--fail-status', '503'], /need --fail-route/],
    [['--fail-route', 'POST GET /x'], /--fail-route: invalid route pattern/],
    [['--fail-route', 'POST /x', '--fail-status', '99'], /--fail-status must be 200-599/],
    [['--fail-route', 'POST /x', '--fail-body', '{not json'], /--fail-body must be JSON/],
    [['--retry-after', '3'], /--retry-after needs --throttle-count/],
    [['--tls-key', 'key.pem'], /--tls-key and --tls-cert go together/],
    [['--rate-limit', '0'], /--rate-limit must be at least 1/],
    [['--token'], /argument missing|requires|value/i],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it('answers --help and -h with the help command, and the help names each flag once', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
    const flags = helpText().match(/--[a-z-]+/g) ?? [];
    expect(flags.filter((flag) => flag === '--rate-limit')).toHaveLength(1);
  });
});
