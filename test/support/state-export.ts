/** Helpers of the stand-ins' state export tests. */

/** An SDK answer without its per-request `$metadata`, so two fakes' answers can be compared. */
export async function answer<T extends { $metadata: unknown }>(request: Promise<T>): Promise<Omit<T, '$metadata'>> {
  const { $metadata: _metadata, ...rest } = await request;
  return rest;
}

/** What the operator CLI does between two commands: the export goes through a JSON file. */
export const throughJson = (state: unknown): unknown => JSON.parse(JSON.stringify(state));

/** The message with which `importing` refuses a document (and a failure when it accepts it). */
export function refusalOf(importing: () => void): string {
  try {
    importing();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('importState accepted the document');
}
