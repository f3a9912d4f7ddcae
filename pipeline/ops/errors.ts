/**
 * The two ways an ops command refuses: the user asked for something malformed or unknown (exit 2,
 * the usage of the command is shown), or the cluster's state forbids it right now (exit 1).
 */

/** A bad or unknown argument; the message names it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The request is well-formed but cannot be carried out now (e.g. the group is still running). */
export class OpsError extends Error {
  override readonly name = 'OpsError';
}
