import { OrganizationsClient } from '@aws-sdk/client-organizations';

/** AWS Organizations, for a function whose code calls it (see AwsClientFactories). */
export const organizations = (): OrganizationsClient => new OrganizationsClient({});
