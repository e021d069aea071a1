import { secretsErrors } from './secrets-manager-errors.js';

/**
 * Versions of one secret and their staging labels, with Secrets Manager's label rules: a label is
 * on at most one version; moving AWSCURRENT automatically moves AWSPREVIOUS to the version that lost
 * AWSCURRENT; a version left without labels is deprecated (still readable by id, no longer listed).
 */

export const AWSCURRENT = 'AWSCURRENT';
const AWSPENDING = 'AWSPENDING';
const AWSPREVIOUS = 'AWSPREVIOUS';

export interface SecretVersion {
  readonly versionId: string;
  readonly secretString: string;
  readonly createdDate: Date;
  readonly stages: Set<string>;
}

export class SecretVersions {
  private readonly versions = new Map<string, SecretVersion>();

  /** `stages` only for rebuilding exported versions: it bypasses the label rules, and moveStage() applies them. */
  add(versionId: string, secretString: string, createdDate: Date, stages: Iterable<string> = []): SecretVersion {
    const version: SecretVersion = { versionId, secretString, createdDate, stages: new Set(stages) };
    this.versions.set(versionId, version);
    return version;
  }

  /** Every version in the order they were added, deprecated ones included. */
  list(): SecretVersion[] {
    return [...this.versions.values()];
  }

  get(versionId: string): SecretVersion | undefined {
    return this.versions.get(versionId);
  }

  withStage(stage: string): SecretVersion | undefined {
    for (const version of this.versions.values()) if (version.stages.has(stage)) return version;
    return undefined;
  }

  /** GetSecretValue's choice: by id (which must then carry `stage`, if given), else by label (default AWSCURRENT). */
  select(versionId: string | undefined, stage: string | undefined): SecretVersion {
    if (versionId !== undefined) {
      const version = this.versions.get(versionId);
      if (!version || (stage !== undefined && !version.stages.has(stage))) {
        throw secretsErrors.versionNotFound(stage === undefined ? `VersionId: ${versionId}` : `VersionId: ${versionId} and staging label: ${stage}`);
      }
      return version;
    }
    const label = stage ?? AWSCURRENT;
    const version = this.withStage(label);
    if (!version) throw secretsErrors.versionNotFound(`staging label: ${label}`);
    return version;
  }

  /** Attaches `stage` to `target`, taking it from whichever version held it. */
  moveStage(stage: string, target: SecretVersion): void {
    const holder = this.withStage(stage);
    if (holder === target) return;
    holder?.stages.delete(stage);
    target.stages.add(stage);
    if (stage === AWSCURRENT && holder) {
      this.withStage(AWSPREVIOUS)?.stages.delete(AWSPREVIOUS);
      holder.stages.add(AWSPREVIOUS);
    }
  }

  removeStage(stage: string, from: SecretVersion): void {
    from.stages.delete(stage);
  }

  /** Only versions that still carry a label, as DescribeSecret's VersionIdsToStages lists them. */
  stagesByVersion(): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const version of this.versions.values()) {
      if (version.stages.size > 0) result[version.versionId] = [...version.stages];
    }
    return result;
  }

  /** A rotation is unfinished while AWSPENDING sits on a version other than AWSCURRENT. */
  hasUnfinishedRotation(): boolean {
    const pending = this.withStage(AWSPENDING);
    return pending !== undefined && !pending.stages.has(AWSCURRENT);
  }
}
