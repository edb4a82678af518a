#!/usr/bin/env node
import { nodeContext } from './lib/context.js';
import { run } from './program.js';

// `signet audit tail --follow | head`: a reader that goes away ends the command quietly, as for other CLIs.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await run(process.argv.slice(2), nodeContext());
// Exit once stdout has drained: a keep-alive socket or a timer left behind must not keep a finished command alive.
process.stdout.write('', () => process.exit(code));
