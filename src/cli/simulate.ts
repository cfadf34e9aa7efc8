import { EXIT, type Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'simulate',
  summary: 'simulate',
  run: async (_argv, io) => {
    io.err('mapek simulate: not implemented yet');
    return EXIT.internal;
  },
};
