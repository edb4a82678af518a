import type { RevocationFeed } from '@signet/guard';
import type { Command } from 'commander';
import type { CliContext } from '../lib/context.js';
import { UsageError } from '../lib/errors.js';
import { readSecret } from '../lib/input.js';
import { note } from '../lib/output.js';

/** Flags that attach the revocation feed to the gateway. */
export interface FeedFlags {
  feedClientId?: string;
  feedClientSecretFile?: string;
  feedUrl?: string;
}

/** How long the gateway waits for the first revocation snapshot before it starts anyway (failing closed). */
const FEED_READY_MS = 10_000;

/**
 * Adds `--feed-client-id`, `--feed-client-secret-file` and `--feed-url` to `signet gateway`.
 *
 * @example
 * withFeedOptions(program.command('gateway'));
 */
export function withFeedOptions(command: Command): Command {
  return command
    .option(
      '--feed-client-id <id>',
      'follow the revocation feed as this client (capability "revocations"; env SIGNET_FEED_CLIENT_ID)',
    )
    .option(
      '--feed-client-secret-file <file>',
      'file holding that client\'s secret ("-" = stdin; env SIGNET_FEED_CLIENT_SECRET)',
    )
    .option('--feed-url <url>', 'base URL of the feed when it is not the issuer');
}

/**
 * Starts the revocation feed when a feed client is configured, and waits (bounded) for its first snapshot.
 * Until the snapshot arrives, and after the feed has been lost for too long, the guard rejects every token.
 *
 * @example
 * const feed = await startFeed(ctx, flags, 'http://127.0.0.1:8080'); // undefined without --feed-client-id
 */
export async function startFeed(
  ctx: CliContext,
  flags: FeedFlags,
  issuer: string,
): Promise<RevocationFeed | undefined> {
  const clientId = flags.feedClientId ?? ctx.env.SIGNET_FEED_CLIENT_ID;
  if (clientId === undefined || clientId === '') {
    if (flags.feedClientSecretFile !== undefined || flags.feedUrl !== undefined) {
      throw new UsageError('the revocation feed needs --feed-client-id (or SIGNET_FEED_CLIENT_ID)');
    }
    return undefined;
  }
  const clientSecret = await readSecret(ctx, {
    file: flags.feedClientSecretFile,
    envName: 'SIGNET_FEED_CLIENT_SECRET',
    fileFlag: '--feed-client-secret-file',
    valueFlag: '',
  });
  if (clientSecret === undefined) {
    throw new UsageError('pass --feed-client-secret-file FILE (or set SIGNET_FEED_CLIENT_SECRET)');
  }
  const { createRevocationFeed } = await import('@signet/guard');
  let feed: RevocationFeed;
  try {
    feed = createRevocationFeed({
      clientId,
      clientSecret,
      fetch: ctx.fetch,
      ...(flags.feedUrl === undefined ? { issuer } : { url: flags.feedUrl }),
    });
  } catch (err) {
    if (err instanceof TypeError) throw new UsageError(err.message);
    throw err;
  }
  try {
    await feed.ready(FEED_READY_MS);
  } catch {
    note(ctx, `signet: warning: no revocation snapshot yet; every token is refused until the feed connects`);
  }
  return feed;
}
